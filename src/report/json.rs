//! Every JSON shape charter prints (documented in `docs/json-schema.md`):
//! the envelope of each subcommand's output, diagnostics, lint findings,
//! and the per-file results of `verify` and `test` (an outcome serialises
//! itself: `verify::Outcome`).

use miette::{Diagnostic, Severity};
use serde::Serialize;

use super::SourceFile;
use crate::lint::LintReport;

/// Version of the JSON output's shape; bumped on any incompatible change.
/// The shape is documented in `docs/json-schema.md`.
pub const JSON_SCHEMA_VERSION: u32 = 2;

/// The document a subcommand prints with `--format json`: the schema's
/// version, the subcommand, a result per file.
#[derive(Serialize)]
pub struct Json<F> {
    pub schema: u32,
    pub kind: JsonKind,
    pub files: Vec<F>,
    /// The user stopped the run (Ctrl-C, SIGTERM): `files` holds only
    /// what was finished before.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
}

impl<F> Json<F> {
    pub fn new(kind: JsonKind, files: Vec<F>) -> Json<F> {
        Json {
            schema: JSON_SCHEMA_VERSION,
            kind,
            files,
            interrupted: false,
        }
    }

    /// The document of a run the user stopped (see `interrupted`).
    pub fn interrupted(mut self, interrupted: bool) -> Json<F> {
        self.interrupted = interrupted;
        self
    }
}

/// The subcommand that wrote a JSON document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonKind {
    Check,
    Verify,
    Test,
    Lint,
    Repair,
    Diff,
}

/// `charter check`'s document.
pub type JsonCheck = Json<JsonFile>;
/// `charter lint`'s document.
pub type JsonLint = Json<JsonLintFile>;
/// `charter verify`'s and `charter test`'s document.
pub type JsonVerify<'a> = Json<JsonVerifyFile<'a>>;

/// One spec's results in `charter verify` and `charter test`.
#[derive(Serialize)]
pub struct JsonVerifyFile<'a> {
    pub file: String,
    pub valid: bool,
    pub outcomes: &'a [crate::verify::Outcome],
    /// `charter test` only: how the results compared with the golden file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub golden: Option<Golden>,
    /// `charter test` only: how lint compared with the `.lint` file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lint: Option<JsonLintStatus>,
}

/// How a spec's results compared with its golden file, in `charter test`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Golden {
    Matched,
    Differs,
    /// Written with `--update`.
    Updated,
}

/// How a spec's lint compared with its `.lint` file, in `charter test`.
#[derive(Clone, Debug, Serialize)]
pub struct JsonLintStatus {
    pub as_expected: bool,
    pub message: String,
}

/// `charter repair`'s result for one file: the search's answer, absent
/// for an invalid spec or a refused question (its diagnostic goes to
/// standard error).
#[derive(Serialize)]
pub struct JsonRepairFile<'a> {
    pub file: String,
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repair: Option<&'a crate::repair::Repair>,
}

/// `charter check`'s result for one file.
#[derive(Serialize)]
pub struct JsonFile {
    pub file: String,
    pub valid: bool,
    pub diagnostics: Vec<JsonDiagnostic>,
}

#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub code: String,
    pub severity: JsonSeverity,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<JsonLabel>,
}

/// A diagnostic's severity, as miette's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonSeverity {
    Error,
    Warning,
    Advice,
}

#[derive(Serialize)]
pub struct JsonLabel {
    pub message: Option<String>,
    pub primary: bool,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
}

/// The JSON form of one diagnostic.
pub fn json_diagnostic(diagnostic: &dyn Diagnostic, source: &SourceFile) -> JsonDiagnostic {
    let severity = match diagnostic.severity() {
        Some(Severity::Warning) => JsonSeverity::Warning,
        Some(Severity::Advice) => JsonSeverity::Advice,
        _ => JsonSeverity::Error,
    };
    let labels = diagnostic
        .labels()
        .map(|labels| {
            labels
                .map(|label| {
                    let start = label.offset();
                    let (line, column) = source.line_column(start);
                    JsonLabel {
                        message: label.label().map(str::to_string),
                        primary: label.primary(),
                        start,
                        end: start + label.len(),
                        line,
                        column,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    JsonDiagnostic {
        code: diagnostic.code().map(|c| c.to_string()).unwrap_or_default(),
        severity,
        message: diagnostic.to_string(),
        help: diagnostic.help().map(|h| h.to_string()),
        labels,
    }
}

/// One spec's lint results in JSON (see docs/json-schema.md).
#[derive(Serialize)]
pub struct JsonLintFile {
    pub file: String,
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    pub scopes: Vec<(String, u64)>,
    pub findings: Vec<JsonFinding>,
    /// What lint could not finish (then the run is not clean).
    pub incomplete: Vec<String>,
    /// The questions lint did not settle, each by its check and subject
    /// (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unsettled: Vec<crate::lint::Unsettled>,
    /// For a spec with readings: the readings this lint is under.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reading: Vec<crate::verify::ReadingChoice>,
}

/// A finding: its diagnostic fields, its witness, and what it blames.
#[derive(Serialize)]
pub struct JsonFinding {
    pub kind: crate::lint::Kind,
    pub subject: String,
    #[serde(flatten)]
    pub diagnostic: JsonDiagnostic,
    pub witness: Option<crate::lint::Witness>,
    pub blamed: Vec<JsonBlamed>,
}

#[derive(Serialize)]
pub struct JsonBlamed {
    #[serde(flatten)]
    pub item: crate::lint::Blamed,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
}

/// The JSON form of one spec's lint report.
pub fn json_lint(file: &str, report: &LintReport, source: &SourceFile) -> JsonLintFile {
    let findings = report
        .findings
        .iter()
        .map(|finding| JsonFinding {
            kind: finding.kind,
            subject: finding.subject.clone(),
            diagnostic: json_diagnostic(finding, source),
            witness: finding.witness.clone(),
            blamed: finding
                .blamed
                .iter()
                .map(|b| {
                    let (line, column) = source.line_column(b.span.start);
                    JsonBlamed {
                        item: b.clone(),
                        start: b.span.start,
                        end: b.span.end,
                        line,
                        column,
                    }
                })
                .collect(),
        })
        .collect();
    JsonLintFile {
        file: file.to_string(),
        valid: true,
        depth: Some(report.depth),
        scopes: report.scopes.clone(),
        findings,
        incomplete: report.incomplete.clone(),
        unsettled: report.unsettled.clone(),
        reading: Vec::new(),
    }
}

//! `charter lint`: the coherence of the rules, compared with the findings
//! each spec's `.lint` file expects.

use std::path::Path;

use charter::lint::expected::{self, Expected};
use charter::plan::{Overrides, Plan};
use charter::report::{self, Color, JsonKind};

use crate::args::{Format, LintArgs};
use crate::jobs::Sink;
use crate::output::{lint_path, load_spec_to, print_json, Output};
use crate::progress;
use crate::Exit;

pub fn lint(args: &LintArgs, color: Color) -> Exit {
    let overrides = args.solve.overrides_for(args.jobs.count());
    let mut worst = Exit::Ok;
    let mut json_files = Vec::new();
    let mut stdout = Output::new();
    let line = progress::Line::new(args.format, color, &overrides.limits.budget);
    let jobs = args.jobs.count();
    crate::jobs::in_order(
        &args.files,
        jobs,
        |path, sink| lint_one(args, &overrides, color, &line, path, sink),
        |(json, exit)| {
            worst = worst.max(exit);
            json_files.extend(json);
            true
        },
    );
    if args.format == Format::Json
        && !print_json(
            &mut stdout,
            &report::Json::new(JsonKind::Lint, json_files)
                .interrupted(crate::governor::interrupted()),
        )
    {
        return Exit::Invalid;
    }
    worst
}

/// Lints one spec (under each choice of readings, each named): what JSON
/// says of it, and the exit code it makes.
fn lint_one(
    args: &LintArgs,
    overrides: &Overrides,
    color: Color,
    line: &progress::Line,
    path: &Path,
    sink: &mut Sink,
) -> (Vec<report::JsonLintFile>, Exit) {
    let base = path.display().to_string();
    let invalid_file = |reading| report::JsonLintFile {
        file: base.clone(),
        valid: false,
        depth: None,
        scopes: Vec::new(),
        findings: Vec::new(),
        incomplete: Vec::new(),
        unsettled: Vec::new(),
        reading,
    };
    let Some(spec) = load_spec_to(path, color, &mut |text| sink.err(text)) else {
        return (vec![invalid_file(Vec::new())], Exit::Invalid);
    };
    // A `.lint` file naming no kind or an unknown reading is wrong under
    // every choice alike: said once.
    if let Some(Err(error)) = spec.selections().next().map(|c| expected_findings(path, c)) {
        sink.err(&error.rendered(color));
        let files = spec
            .selections()
            .map(|charter| invalid_file(charter::verify::reading_of(charter)))
            .collect();
        return (files, Exit::Invalid);
    }
    let mut worst = Exit::Ok;
    let mut files = Vec::new();
    for charter in spec.selections() {
        let name = match charter.reading_label() {
            Some(readings) => format!("{base} under {readings}"),
            None => base.clone(),
        };
        let invalid = invalid_file(charter::verify::reading_of(charter));
        let planned = Plan::for_lint(charter, overrides)
            .map_err(|error| crate::output::option_refused(&error, &spec.source.name, color))
            .and_then(|plan| {
                Ok((
                    plan,
                    expected_findings(path, charter).map_err(|e| e.rendered(color))?,
                ))
            });
        let (plan, expected) = match planned {
            Ok(planned) => planned,
            Err(message) => {
                sink.err(&message);
                worst = Exit::Invalid;
                files.push(invalid);
                continue;
            }
        };
        line.linting(&name);
        let result = charter::lint::run(charter, &plan);
        line.clear();
        // The memory lint held is freed: the next file starts afresh.
        overrides.limits.budget.memory_released();
        let result = match result {
            Ok(result) => result,
            Err(unknown) => {
                // The run's budget spent (or an interruption) is an
                // unfinished lint, not a tool failure.
                let (what, exit) = match unknown.stopped {
                    Some(_) => ("lint stopped", Exit::Failed),
                    None => ("the solver gave up", Exit::Invalid),
                };
                sink.err(&format!("charter: {name}: {what}: {}\n", unknown.reason));
                worst = worst.max(exit);
                files.push(invalid);
                continue;
            }
        };
        let (unexpected, missing) = expected::compare(&result, &expected);
        if !unexpected.is_empty() || !missing.is_empty() || !result.incomplete.is_empty() {
            worst = worst.max(Exit::Failed);
        }
        if args.format == Format::Json {
            let mut file = report::json_lint(&base, &result, &spec.source);
            file.reading = charter::verify::reading_of(charter);
            files.push(file);
            continue;
        }
        for finding in &result.findings {
            sink.out(&format!(
                "{}\n",
                report::lint_finding(finding, &spec.source, color)
            ));
        }
        let mut said = format!(
            "{name}: {} finding{} (depth {}), {} unexpected",
            result.findings.len(),
            if result.findings.len() == 1 { "" } else { "s" },
            result.depth,
            unexpected.len()
        );
        if !missing.is_empty() {
            // An unfinished lint may not have asked about them.
            let how = match result.incomplete.is_empty() {
                true => "expected but not found",
                false => "expected, not found before lint stopped",
            };
            said.push_str(&format!("; {how}: {}", missing.join(", ")));
        }
        for reason in &result.incomplete {
            said.push_str(&format!("; incomplete: {reason}"));
        }
        sink.out(&format!("{said}\n"));
    }
    (files, worst)
}

/// A `.lint` file that names no kind of finding, or a reading the spec
/// does not have: a diagnostic pointing into the file; exit code 2.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(charter::lint::expected_file))]
pub struct LintFileDiagnostic {
    message: String,
    #[help]
    help: String,
    #[label("{label}")]
    span: miette::SourceSpan,
    label: &'static str,
    /// The file's name and text, for rendering.
    file: report::SourceFile,
}

impl LintFileDiagnostic {
    /// The error in one line (`FILE:LINE: …`).
    pub fn line(&self) -> &str {
        &self.message
    }

    /// The diagnostic, rendered for standard error.
    pub fn rendered(&self, color: Color) -> String {
        report::render(self, &self.file, color)
    }
}

/// The findings a spec expects under the choice of readings `charter` is
/// under, from `<spec>.lint` (none when it cannot be read), or what is
/// wrong with the file.
pub fn expected_findings(
    spec: &std::path::Path,
    charter: &charter::hir::Charter,
) -> Result<Vec<Expected>, Box<LintFileDiagnostic>> {
    let path = lint_path(spec);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    let owned = |names: Vec<&str>| -> Vec<String> { names.into_iter().map(String::from).collect() };
    let choice = owned(charter.selection.names(&charter.readings));
    let readings = owned(
        charter
            .readings
            .iter()
            .flat_map(|g| g.readings.iter().map(|r| r.name.as_str()))
            .collect(),
    );
    expected::parse_under(&text, &choice, &readings).map_err(|error| {
        let name = path.display().to_string();
        Box::new(LintFileDiagnostic {
            message: error.message(&name),
            help: error.help(),
            span: error.span().into(),
            label: error.label(),
            file: report::SourceFile::from_bytes(&name, text.as_bytes()),
        })
    })
}

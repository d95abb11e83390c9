//! The `.lint` file beside a spec: the findings it expects, one `kind
//! subject` per line (`-` as the subject of `no_initial_state`); `#`
//! starts a comment. A line may start `under r, s:` (readings of the
//! spec): it expects the finding only under the choices of readings that
//! include them; a line without expects it under every choice. Pure
//! functions over text: the binary reads the file.

use super::{Kind, LintReport};

/// A finding as a `.lint` file names it: its kind and subject (empty for
/// `-`).
pub type Expected = (Kind, String);

/// A line of a `.lint` file that names no kind of finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownKind {
    /// 1-based.
    pub line: usize,
    pub kind: String,
    /// Where the word stands in the file's text (bytes).
    pub span: (usize, usize),
}

impl UnknownKind {
    /// The error in words, `file` being the `.lint` file's name as shown.
    pub fn message(&self, file: &str) -> String {
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "{file}:{}: unknown finding kind `{}` (one of {})",
            self.line,
            self.kind,
            kinds.join(", ")
        )
    }
}

/// A line of a `.lint` file whose `under` names a reading the spec does
/// not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownReading {
    /// 1-based.
    pub line: usize,
    pub name: String,
    /// The spec's readings.
    pub readings: Vec<String>,
    /// Where the name stands in the file's text (bytes).
    pub span: (usize, usize),
}

impl UnknownReading {
    /// The error in words, `file` being the `.lint` file's name as shown.
    pub fn message(&self, file: &str) -> String {
        let known = if self.readings.is_empty() {
            "the spec has no readings".to_string()
        } else {
            format!("the spec's readings are {}", self.readings.join(", "))
        };
        format!(
            "{file}:{}: `under {}`: no such reading ({known})",
            self.line, self.name
        )
    }
}

/// What is wrong with a `.lint` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LintFileError {
    Kind(UnknownKind),
    Reading(UnknownReading),
}

impl LintFileError {
    /// The error in words, `file` being the `.lint` file's name as shown.
    pub fn message(&self, file: &str) -> String {
        match self {
            LintFileError::Kind(error) => error.message(file),
            LintFileError::Reading(error) => error.message(file),
        }
    }

    /// Where the offending word stands in the file's text: byte offset
    /// and length.
    pub fn span(&self) -> (usize, usize) {
        match self {
            LintFileError::Kind(error) => error.span,
            LintFileError::Reading(error) => error.span,
        }
    }

    /// What the word under the span is, in a few words.
    pub fn label(&self) -> &'static str {
        match self {
            LintFileError::Kind(_) => "no kind of finding",
            LintFileError::Reading(_) => "no reading of the spec",
        }
    }

    /// How to mend the line.
    pub fn help(&self) -> String {
        match self {
            LintFileError::Kind(_) => {
                let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "a line is `kind subject` (`-` for no subject), optionally after \
                     `under r, s:`; the kinds are {}",
                    kinds.join(", ")
                )
            }
            LintFileError::Reading(error) if error.readings.is_empty() => {
                "remove the `under …:` prefix: it is for specs with readings".to_string()
            }
            LintFileError::Reading(error) => format!(
                "name readings the spec declares: {}",
                error.readings.join(", ")
            ),
        }
    }
}

/// The findings a `.lint` file's text expects under the choice of
/// readings `choice` (of the spec's `readings`; both empty for a spec
/// without), or its first line naming no kind of finding or an unknown
/// reading.
pub fn parse_under(
    text: &str,
    choice: &[String],
    readings: &[String],
) -> Result<Vec<Expected>, LintFileError> {
    let mut expected = Vec::new();
    // Byte offset of a slice of `text` (every slice below is one).
    let at = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
    for (number, line) in text.lines().enumerate() {
        let mut line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        // Every line's kind is checked, whether or not it applies to
        // `choice`: the file is wrong or right under every choice alike.
        let mut applies = true;
        if let Some((under, rest)) = line
            .strip_prefix("under ")
            .and_then(|after| after.split_once(':'))
        {
            for name in under.split(',').map(str::trim) {
                if !readings.iter().any(|r| r == name) {
                    return Err(LintFileError::Reading(UnknownReading {
                        line: number + 1,
                        name: name.to_string(),
                        readings: readings.to_vec(),
                        span: (at(name), name.len()),
                    }));
                }
                applies &= choice.iter().any(|c| c == name);
            }
            line = rest.trim();
        }
        let mut words = line.split_whitespace();
        let kind = words.next().unwrap_or(line);
        let subject = words.next().unwrap_or("-");
        let Some(kind) = Kind::parse(kind) else {
            return Err(LintFileError::Kind(UnknownKind {
                line: number + 1,
                kind: kind.to_string(),
                span: (at(kind), kind.len()),
            }));
        };
        if !applies {
            continue;
        }
        let subject = if subject == "-" {
            String::new()
        } else {
            subject.to_string()
        };
        expected.push((kind, subject));
    }
    Ok(expected)
}

/// The findings a `.lint` file's text expects, for a spec without
/// readings.
pub fn parse(text: &str) -> Result<Vec<Expected>, LintFileError> {
    parse_under(text, &[], &[])
}

/// Findings the spec does not expect, and expected findings not found,
/// each as `kind subject`. An expected finding whose question lint did not
/// settle (`LintReport::unsettled`) is not missing: no claim is made
/// about it (the report is incomplete, which is not clean either).
pub fn compare(report: &LintReport, expected: &[Expected]) -> (Vec<String>, Vec<String>) {
    let found: Vec<Expected> = report
        .findings
        .iter()
        .map(|f| (f.kind, f.subject.clone()))
        .collect();
    let show = |(kind, subject): &Expected| {
        if subject.is_empty() {
            format!("{} -", kind.as_str())
        } else {
            format!("{} {subject}", kind.as_str())
        }
    };
    let unexpected = found
        .iter()
        .filter(|f| !expected.contains(f))
        .map(show)
        .collect();
    let unsettled: Vec<Expected> = report.unsettled.iter().map(|u| u.named()).collect();
    let missing = expected
        .iter()
        .filter(|e| !found.contains(e) && !unsettled.contains(e))
        .map(show)
        .collect();
    (unexpected, missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn finding(kind: Kind, subject: &str) -> super::super::Finding {
        super::super::Finding {
            kind,
            subject: subject.into(),
            message: String::new(),
            span: Span::default(),
            witness: None,
            blamed: Vec::new(),
        }
    }

    #[test]
    fn lines_comments_and_the_dash() {
        let text = "# expected\n\nclash decision  # the two clauses\nno_initial_state -\n  dead_event   session extra words\n";
        assert_eq!(
            parse(text),
            Ok(vec![
                (Kind::Clash, "decision".into()),
                (Kind::NoInitialState, String::new()),
                (Kind::DeadEvent, "session".into()),
            ])
        );
        // A kind alone stands for `-`.
        assert_eq!(parse("clash"), Ok(vec![(Kind::Clash, String::new())]));
        assert_eq!(parse(""), Ok(Vec::new()));
        assert_eq!(parse("# only a comment\n   \n"), Ok(Vec::new()));
    }

    #[test]
    fn a_malformed_line_is_named_by_its_number() {
        let error = parse("clash a\n\nclashes b\ndead_rule c\n");
        assert_eq!(
            error,
            Err(LintFileError::Kind(UnknownKind {
                line: 3,
                kind: "clashes".into(),
                span: (9, 7),
            }))
        );
        let message = error.err().map(|e| e.message("x.charter.lint"));
        assert_eq!(
            message.as_deref(),
            Some(
                "x.charter.lint:3: unknown finding kind `clashes` (one of no_initial_state, dead_event, dead_rule, dead_exception, dead_default, clash, vacuous_assertion, unmet_obligation, impossible_obligation, conflicting_obligations)"
            )
        );
        // Case matters; a subject is no kind.
        assert!(parse("Clash a").is_err());
        assert!(parse("- clash").is_err());
    }

    #[test]
    fn a_line_under_readings_applies_to_their_choices() {
        let text = "clash a\nunder practice, seat: dead_rule b\nunder literal: dead_event c\n";
        let readings: Vec<String> = ["literal", "practice", "office", "seat"]
            .map(String::from)
            .to_vec();
        let choice = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_under(text, &choice(&["practice", "seat"]), &readings),
            Ok(vec![
                (Kind::Clash, "a".into()),
                (Kind::DeadRule, "b".into())
            ])
        );
        assert_eq!(
            parse_under(text, &choice(&["practice", "office"]), &readings),
            Ok(vec![(Kind::Clash, "a".into())])
        );
        assert_eq!(
            parse_under(text, &choice(&["literal", "office"]), &readings),
            Ok(vec![
                (Kind::Clash, "a".into()),
                (Kind::DeadEvent, "c".into())
            ])
        );
        let error = parse_under("\nunder literal, pratice: clash a\n", &[], &readings);
        assert_eq!(error.as_ref().err().map(LintFileError::span), Some((16, 7)));
        let message = error.err().map(|e| e.message("x.lint"));
        assert_eq!(
            message.as_deref(),
            Some("x.lint:2: `under pratice`: no such reading (the spec's readings are literal, practice, office, seat)")
        );
        assert!(parse("under literal: clash a").is_err());
        // A line under a choice not taken is checked all the same.
        assert!(parse_under("under seat: clashes a\n", &choice(&["literal"]), &readings).is_err());
    }

    #[test]
    fn comparison_lists_the_unexpected_and_the_missing() {
        let report = LintReport {
            depth: 3,
            scopes: Vec::new(),
            findings: vec![
                finding(Kind::Clash, "decision"),
                finding(Kind::NoInitialState, ""),
            ],
            incomplete: Vec::new(),
            unsettled: Vec::new(),
        };
        let expected = vec![
            (Kind::Clash, "decision".to_string()),
            (Kind::DeadEvent, "session".to_string()),
        ];
        assert_eq!(
            compare(&report, &expected),
            (
                vec!["no_initial_state -".to_string()],
                vec!["dead_event session".to_string()]
            )
        );
        assert_eq!(
            compare(
                &report,
                &parse("clash decision\nno_initial_state -").unwrap_or_default()
            ),
            (Vec::new(), Vec::new())
        );
    }

    #[test]
    fn an_unsettled_question_is_no_missing_finding() {
        let unknown = crate::solve::SolverUnknown::gave_up("canceled");
        let report = LintReport {
            depth: 3,
            scopes: Vec::new(),
            findings: Vec::new(),
            incomplete: Vec::new(),
            unsettled: vec![super::super::Unsettled::new(
                Kind::Clash,
                "decision",
                &unknown,
            )],
        };
        let expected = vec![
            (Kind::Clash, "decision".to_string()),
            (Kind::DeadEvent, "session".to_string()),
        ];
        assert_eq!(
            compare(&report, &expected),
            (Vec::new(), vec!["dead_event session".to_string()])
        );
    }
}

//! `charter test --junit FILE`: the run as a JUnit XML report for CI
//! systems. One `<testsuite>` per spec, one `<testcase>` per command, and
//! one for the golden file and one for the `.lint` file where the spec has
//! them; a failure carries a one-line message and the details (a golden
//! file's unified diff). Every text is XML-escaped; the file is written
//! atomically (`write_atomically`), so a CI system never reads half of it.

/// One checked item of a spec: a command, its golden file, its lint.
pub struct Case {
    pub name: String,
    pub outcome: CaseOutcome,
}

/// How a [`Case`] ended.
pub enum CaseOutcome {
    Passed,
    /// Not as expected: a one-line message, and details (may be empty).
    Failed {
        message: String,
        details: String,
    },
    /// The tool could not decide (an invalid spec, an internal error).
    Error {
        message: String,
    },
}

/// One spec's cases.
pub struct Suite {
    pub name: String,
    pub cases: Vec<Case>,
}

impl Suite {
    pub fn new(name: &str) -> Suite {
        Suite {
            name: name.to_string(),
            cases: Vec::new(),
        }
    }

    pub fn passed(&mut self, name: String) {
        self.cases.push(Case {
            name,
            outcome: CaseOutcome::Passed,
        });
    }

    pub fn failed(&mut self, name: String, message: String, details: String) {
        self.cases.push(Case {
            name,
            outcome: CaseOutcome::Failed { message, details },
        });
    }

    pub fn error(&mut self, name: String, message: String) {
        self.cases.push(Case {
            name,
            outcome: CaseOutcome::Error { message },
        });
    }

    fn count(&self, pick: fn(&CaseOutcome) -> bool) -> usize {
        self.cases.iter().filter(|c| pick(&c.outcome)).count()
    }
}

fn is_failure(outcome: &CaseOutcome) -> bool {
    matches!(outcome, CaseOutcome::Failed { .. })
}

fn is_error(outcome: &CaseOutcome) -> bool {
    matches!(outcome, CaseOutcome::Error { .. })
}

/// The report as XML text.
pub fn render(suites: &[Suite]) -> String {
    let total = |pick: fn(&Suite) -> usize| suites.iter().map(pick).sum::<usize>();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"charter test\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
        total(|s| s.cases.len()),
        total(|s| s.count(is_failure)),
        total(|s| s.count(is_error)),
    ));
    for suite in suites {
        xml.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
            escape(&suite.name),
            suite.cases.len(),
            suite.count(is_failure),
            suite.count(is_error),
        ));
        for case in &suite.cases {
            let open = format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape(&suite.name),
                escape(&case.name)
            );
            match &case.outcome {
                CaseOutcome::Passed => xml.push_str(&format!("{open}/>\n")),
                CaseOutcome::Failed { message, details } => xml.push_str(&format!(
                    "{open}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    escape(message),
                    escape(details)
                )),
                CaseOutcome::Error { message } => xml.push_str(&format!(
                    "{open}>\n      <error message=\"{}\"/>\n    </testcase>\n",
                    escape(message)
                )),
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// Text as XML character data or an attribute value: the five markup
/// characters as entities, the characters XML 1.0 does not allow
/// (controls other than tab and line breaks) shown escaped as `\u{…}`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                out.extend(c.escape_unicode())
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_controls_are_escaped() {
        assert_eq!(
            escape("a < b & \"c\" > 'd'\u{1b}[31m\n"),
            "a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;\\u{1b}[31m\n"
        );
    }

    #[test]
    fn counts_and_cases() {
        let mut suite = Suite::new("x.charter");
        suite.passed("check a".into());
        suite.failed("golden".into(), "differs".into(), "-a\n+b\n".into());
        suite.error("spec".into(), "invalid".into());
        let xml = render(&[suite]);
        assert!(
            xml.contains("tests=\"3\" failures=\"1\" errors=\"1\""),
            "{xml}"
        );
        assert!(xml.contains("<failure message=\"differs\">-a\n+b\n</failure>"));
        assert!(xml.contains("<error message=\"invalid\"/>"));
    }
}

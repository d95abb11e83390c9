//! `charter report`: one self-contained HTML page of a spec's results —
//! no script, no network, the style inline — for people who read the
//! rules rather than run the tool. A summary of the commands and their
//! verdicts, then each command: its verdict and what a verdict that holds
//! rests on, in the words the command line uses; for a counterexample or
//! witness the timeline as a table ([`timeline`]); then the lint findings
//! with the items they blame; then the spec's clauses with their quoted
//! texts, which every cell and step links to. Every piece of user text is
//! escaped ([`escape`]). The binary writes the page.

mod compare;
mod timeline;

use miette::Diagnostic;

use super::verdicts::{ending_line, expectation_line, not_assumed, rests_on_lines};
use super::{one_line, plural, verdict_line, SourceFile};
use crate::hir;
use crate::lint::expected::Expected;
use crate::lint::{Blamed, BlamedKind, Finding, LintReport};
use crate::trace::ClauseRef;
use crate::verify::{LemmaFate, Outcome, Verdict};
use timeline::{table, Ending};

/// What a report shows: the spec, its commands' outcomes and its lint.
pub struct Page<'a> {
    pub source: &'a SourceFile,
    pub charter: &'a hir::Charter,
    pub outcomes: &'a [Outcome],
    /// The lint under each choice of readings (its label, `None` for a
    /// spec without readings).
    pub lint: Vec<(Option<String>, Linted<'a>)>,
}

/// The spec's lint, as far as it went.
pub enum Linted<'a> {
    /// The findings, and those the spec's `.lint` file expects.
    Done {
        report: &'a LintReport,
        expected: &'a [Expected],
    },
    /// Lint did not finish: why.
    Stopped(&'a str),
}

/// The stylesheet, inline in every page.
const STYLE: &str = include_str!("style.css");

/// The report as one HTML document.
pub fn html(page: &Page) -> String {
    let clauses = Clauses::new(page.charter, page.source);
    let title = escape(&page.charter.title);
    let mut out = String::new();
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<header>\n<h1 id=\"title\">{title}</h1>\n<p class=\"file\">Spec <code>{}</code> · report by charter {}</p>\n</header>\n<main>\n",
        escape(&page.source.name),
        env!("CARGO_PKG_VERSION"),
    ));
    out.push_str(&summary(page));
    for (index, outcome) in page.outcomes.iter().enumerate() {
        out.push_str(&command(index, outcome, page.source, &clauses));
    }
    let several = page.lint.len() > 1;
    for (choice, (label, linted)) in page.lint.iter().enumerate() {
        // One choice keeps the plain ids (`lint`, `finding-0`).
        let id = several.then_some(choice);
        out.push_str(&lint(linted, label.as_deref(), id, page.source, &clauses));
    }
    out.push_str(&clauses.list());
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// User text as HTML text or an attribute's value: the five characters
/// HTML gives a meaning escaped, and control characters and bidirectional
/// controls shown escaped as on a terminal ([`crate::printable`]), so that
/// text in a spec cannot reorder what is shown around it.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::printable(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A verdict's kind as a word for attributes and classes, and as a
/// person reads it in a badge.
fn verdict_kind(verdict: &Verdict) -> (&'static str, &'static str) {
    match verdict {
        Verdict::Proved { .. } => ("proved", "Proved"),
        Verdict::Counterexample { .. } => ("counterexample", "Counterexample"),
        Verdict::Witness { .. } => ("witness", "Witness"),
        Verdict::NoneUpTo { .. } => ("none-up-to", "None found up to the depth"),
        Verdict::Unknown { .. } => ("unknown", "Unknown"),
        Verdict::ReplayFailed { .. } => ("internal-error", "Internal error"),
    }
}

/// What the command is about: its property (or its own name), as the
/// command line's first line of an outcome names it.
fn subject(outcome: &Outcome) -> String {
    if outcome.comparison.is_some() {
        return super::compare::heading(outcome);
    }
    let under = outcome
        .under_readings()
        .map(|under| format!(" {under}"))
        .unwrap_or_default();
    format!(
        "{} {}{under}",
        outcome.kind,
        outcome.property.as_deref().unwrap_or(&outcome.command)
    )
}

/// Whether the outcome counts as success, as `charter verify`'s exit code
/// says: against the spec's `expect`, or without one, on its own.
fn result_cell(outcome: &Outcome) -> String {
    let (class, words) = match (outcome.expect.is_some(), outcome.succeeded()) {
        (true, true) => ("ok", "✓ as expected"),
        (true, false) => ("bad", "✗ NOT as expected"),
        (false, true) => ("ok", "✓ succeeded"),
        (false, false) => ("bad", "✗ failed"),
    };
    format!("<span class=\"result {class}\">{words}</span>")
}

/// The table at the top: each command, its verdict line, whether it is
/// what the spec expected; and the lint's count.
fn summary(page: &Page) -> String {
    let mut out = String::from(
        "<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"summary\">\n<thead><tr><th scope=\"col\">Command</th><th scope=\"col\">Verdict</th><th scope=\"col\">Result</th></tr></thead>\n<tbody>\n",
    );
    if page.outcomes.is_empty() {
        out.push_str("<tr><td colspan=\"3\">The spec has no commands.</td></tr>\n");
    }
    for (index, outcome) in page.outcomes.iter().enumerate() {
        let (kind, word) = verdict_kind(&outcome.verdict);
        let text = outcome
            .text
            .as_ref()
            .map(|t| format!("<q>{}</q>", escape(&one_line(t))))
            .unwrap_or_default();
        out.push_str(&format!(
            "<tr data-command=\"{command}\" data-verdict=\"{kind}\"><td><a href=\"#command-{index}\">{}</a>{text}</td><td><span class=\"badge {kind}\">{word}</span> <span class=\"verdict-line\">{}</span></td><td>{}</td></tr>\n",
            escape(&subject(outcome)),
            escape(&match &outcome.comparison {
                Some(comparison) => super::compare::verdict(outcome, comparison),
                None => verdict_line(outcome),
            }),
            result_cell(outcome),
            command = escape(&outcome.command),
        ));
    }
    out.push_str("</tbody></table>\n");
    let several = page.lint.len() > 1;
    for (choice, (label, linted)) in page.lint.iter().enumerate() {
        let summary = match linted {
            Linted::Done { report, expected } => {
                let unexpected = crate::lint::expected::compare(report, expected).0.len();
                format!(
                    "{} finding{} in histories of up to {} step{}, {unexpected} not listed in the spec's <code>.lint</code> file",
                    report.findings.len(),
                    plural(report.findings.len()),
                    report.depth,
                    plural(report.depth)
                )
            }
            Linted::Stopped(_) => "did not finish".to_string(),
        };
        let under = label
            .as_ref()
            .map_or(String::new(), |l| format!(" under {}", escape(l)));
        let anchor = lint_anchor(several.then_some(choice));
        out.push_str(&format!(
            "<p class=\"lint-summary\"><a href=\"#{anchor}\">Coherence of the rules (lint)</a>{under}: {summary}.</p>\n"
        ));
    }
    out.push_str("</section>\n");
    out
}

/// One command: what it asks, its verdict as the command line says it,
/// what a verdict that holds rests on, the timeline of a counterexample
/// or witness, and whether it is what the spec expected.
fn command(index: usize, outcome: &Outcome, source: &SourceFile, clauses: &Clauses) -> String {
    let (kind, word) = verdict_kind(&outcome.verdict);
    let id = format!("command-{index}");
    if let Some(comparison) = &outcome.comparison {
        return compare::section(&id, outcome, comparison, source, clauses);
    }
    let mut out = format!(
        "<section class=\"command\" id=\"{id}\" data-command=\"{}\" data-verdict=\"{kind}\">\n<h2>{}</h2>\n",
        escape(&outcome.command),
        escape(&subject(outcome)),
    );
    if let Some(text) = &outcome.text {
        out.push_str(&format!(
            "<blockquote>{}</blockquote>\n",
            escape(&one_line(text))
        ));
    }
    let mut setting = vec![format!(
        "histories of up to {} step{}",
        outcome.depth,
        plural(outcome.depth)
    )];
    if !outcome.scopes.is_empty() {
        setting.push(format!("scope {}", super::scopes(&outcome.scopes)));
    }
    setting.push(format!(
        "written at {}",
        super::position(source, outcome.span)
    ));
    out.push_str(&format!(
        "<p class=\"setting\">{}</p>\n<p class=\"verdict\"><span class=\"badge {kind}\">{word}</span> <span class=\"verdict-line\">{}</span></p>\n",
        escape(&setting.join(" · ")),
        escape(&verdict_line(outcome)),
    ));
    if let Some(rests_on) = &outcome.rests_on {
        out.push_str("<ul class=\"rests-on\">\n");
        for (level, line) in rests_on_lines(outcome, rests_on) {
            out.push_str(&format!(
                "<li class=\"level-{level}\">{}</li>\n",
                escape(&line)
            ));
        }
        out.push_str("</ul>\n");
    }
    for (n, lemma) in outcome.lemmas.iter().enumerate() {
        let Some(line) = not_assumed(lemma) else {
            continue;
        };
        out.push_str(&format!("<p class=\"lemma bad\">{}</p>\n", escape(&line)));
        if let LemmaFate::Refuted { trace, .. } = &lemma.fate {
            let table_id = format!("{id}-lemma-{n}-timeline");
            out.push_str(&table(trace, &table_id, clauses, Ending::Violated));
        }
    }
    if let Verdict::Counterexample { trace, .. } | Verdict::Witness { trace, .. } = &outcome.verdict
    {
        let ending = match outcome.verdict {
            Verdict::Counterexample { .. } => Ending::Violated,
            _ => Ending::Reached,
        };
        out.push_str(&table(trace, &format!("{id}-timeline"), clauses, ending));
        out.push_str(&format!(
            "<p class=\"ending\">{}</p>\n",
            escape(&ending_line(outcome, trace, source))
        ));
        if !outcome.clauses_used.is_empty() {
            let links: Vec<String> = outcome
                .clauses_used
                .iter()
                .map(|c| clauses.link(c))
                .collect();
            out.push_str(&format!(
                "<p class=\"used\">clauses whose effects it used: {}</p>\n",
                links.join(", ")
            ));
        }
    }
    out.push_str(&expectation_html(outcome));
    out.push_str("</section>\n");
    out
}

/// The outcome's expectation line (`expected proved: as expected`), marked
/// as met or not; empty without an expectation.
pub(super) fn expectation_html(outcome: &Outcome) -> String {
    let Some(line) = expectation_line(outcome) else {
        return String::new();
    };
    let class = if outcome.as_expected { "ok" } else { "bad" };
    format!("<p class=\"expectation {class}\">{}</p>\n", escape(&line))
}

/// The lint section's id: `lint`, or `lint-N` for the Nth choice of
/// readings where there are several.
fn lint_anchor(choice: Option<usize>) -> String {
    choice.map_or("lint".to_string(), |n| format!("lint-{n}"))
}

/// The lint findings (under one choice of readings, `label`), each with
/// its message, help, the items it blames (a minimal set) and its witness;
/// what the `.lint` file expected. `choice` numbers the section and its
/// findings' ids where there are several choices.
fn lint(
    linted: &Linted,
    label: Option<&str>,
    choice: Option<usize>,
    source: &SourceFile,
    clauses: &Clauses,
) -> String {
    let under = label.map_or(String::new(), |l| format!(" under {}", escape(l)));
    let mut out = format!(
        "<section id=\"{}\">\n<h2>Coherence of the rules (lint){under}</h2>\n",
        lint_anchor(choice)
    );
    let (report, expected) = match linted {
        Linted::Done { report, expected } => (report, expected),
        Linted::Stopped(reason) => {
            out.push_str(&format!(
                "<p class=\"bad\">Lint did not finish: {}. Nothing is claimed about the rules' coherence.</p>\n</section>\n",
                escape(reason)
            ));
            return out;
        }
    };
    let scope = if report.scopes.is_empty() {
        String::new()
    } else {
        format!(", scope {}", super::scopes(&report.scopes))
    };
    out.push_str(&format!(
        "<p class=\"setting\">{} finding{} in histories of up to {} step{}{}.</p>\n",
        report.findings.len(),
        plural(report.findings.len()),
        report.depth,
        plural(report.depth),
        escape(&scope),
    ));
    for (index, finding) in report.findings.iter().enumerate() {
        let listed = expected.contains(&(finding.kind, finding.subject.clone()));
        let id = match choice {
            Some(choice) => format!("finding-{choice}-{index}"),
            None => format!("finding-{index}"),
        };
        out.push_str(&finding_html(&id, finding, listed, source, clauses));
    }
    let missing = crate::lint::expected::compare(report, expected).1;
    if !missing.is_empty() {
        out.push_str(&format!(
            "<p class=\"bad\">Listed in the <code>.lint</code> file but not found: {}.</p>\n",
            escape(&missing.join(", "))
        ));
    }
    for reason in &report.incomplete {
        out.push_str(&format!(
            "<p class=\"bad\">Incomplete: {}</p>\n",
            escape(reason)
        ));
    }
    out.push_str("</section>\n");
    out
}

fn finding_html(
    id: &str,
    finding: &Finding,
    listed: bool,
    source: &SourceFile,
    clauses: &Clauses,
) -> String {
    let kind = finding.kind.as_str();
    let (severity, severity_word) = if finding.kind.is_error() {
        ("error", "Error")
    } else {
        ("warning", "Warning")
    };
    let mut out = format!(
        "<section class=\"finding\" id=\"{id}\" data-kind=\"{kind}\" data-subject=\"{subject}\" data-expected=\"{listed}\">\n<h3><span class=\"badge {severity}\">{severity_word}</span> {kind} <code>{subject}</code></h3>\n<p class=\"message\">{}</p>\n",
        escape(&finding.message),
        subject = escape(&finding.subject),
    );
    if let Some(help) = finding.help() {
        out.push_str(&format!(
            "<p class=\"help\">help: {}</p>\n",
            escape(&help.to_string())
        ));
    }
    if !finding.blamed.is_empty() {
        out.push_str(&format!(
            "<p>Blamed ({}; without any one of them the finding goes away):</p>\n<ul class=\"blame\">\n",
            match finding.blamed.len() {
                1 => "one item".to_string(),
                n => format!("{n} items"),
            }
        ));
        for blamed in &finding.blamed {
            out.push_str(&format!(
                "<li>{}</li>\n",
                blamed_html(blamed, source, clauses)
            ));
        }
        out.push_str("</ul>\n");
    }
    if let Some(witness) = &finding.witness {
        let ending = match &witness.impossible {
            Some(step) => Ending::Impossible(step),
            None => Ending::Plain,
        };
        out.push_str("<p>Witness:</p>\n");
        out.push_str(&table(
            &witness.history,
            &format!("{id}-witness"),
            clauses,
            ending,
        ));
        for owed in &witness.owed {
            out.push_str(&format!(
                "<p class=\"owed\">{}</p>\n",
                escape(&format!(
                    "owed: {} by {} (clause {})",
                    owed.duty,
                    owed.when(),
                    owed.clause
                ))
            ));
        }
    }
    let note = if listed {
        "<p class=\"expectation ok\">Listed in the spec's <code>.lint</code> file: the spec means it.</p>\n"
    } else {
        "<p class=\"expectation bad\">Not listed in the spec's <code>.lint</code> file.</p>\n"
    };
    out.push_str(note);
    out.push_str("</section>\n");
    out
}

/// A blamed item: its kind, name (a clause linked to the list), where it
/// is written and its quoted text.
fn blamed_html(blamed: &Blamed, source: &SourceFile, clauses: &Clauses) -> String {
    let (line, _) = source.line_column(blamed.span.start);
    let name = match blamed.kind {
        BlamedKind::Clause => clauses.link(&ClauseRef {
            clause: blamed.name.clone(),
            article: blamed.article.clone(),
            exception_to: Vec::new(),
            span: blamed.span,
        }),
        _ => format!("<code>{}</code>", escape(&blamed.name)),
    };
    let text = blamed
        .text
        .as_ref()
        .map(|t| format!(": <q>{}</q>", escape(t)))
        .unwrap_or_default();
    format!(
        "<span class=\"kind\">{}</span> {name} <span class=\"line\">(line {line})</span>{text}",
        blamed.kind.as_str()
    )
}

/// The spec's clauses, each with an anchor (`clause-3`) that timelines
/// and findings link to, its article, line and quoted text.
pub struct Clauses<'a> {
    charter: &'a hir::Charter,
    source: &'a SourceFile,
}

impl<'a> Clauses<'a> {
    fn new(charter: &'a hir::Charter, source: &'a SourceFile) -> Clauses<'a> {
        Clauses { charter, source }
    }

    /// The clause a reference names (names are unique among clauses).
    fn find(&self, clause: &ClauseRef) -> Option<(usize, &'a hir::Clause)> {
        self.charter
            .clauses
            .iter()
            .enumerate()
            .find(|(_, c)| c.name == clause.clause && c.article == clause.article)
    }

    /// A clause's name as a command line's timeline writes it:
    /// `chairman (art. 13)`.
    fn name(clause: &ClauseRef) -> String {
        super::clauses(std::slice::from_ref(clause))
    }

    /// The clause's name, article and quoted text, for a title.
    fn title(&self, clause: &ClauseRef) -> String {
        let name = Clauses::name(clause);
        match self.find(clause).and_then(|(_, c)| c.text.as_ref()) {
            Some(text) => format!("{name}: “{}”", one_line(text)),
            None => name,
        }
    }

    /// The titles of several clauses, for a cell's title.
    fn titles(&self, refs: &[ClauseRef]) -> String {
        let titles: Vec<String> = refs.iter().map(|c| self.title(c)).collect();
        titles.join("; ")
    }

    /// A link to the clause in the list, its quoted text as the title.
    fn link(&self, clause: &ClauseRef) -> String {
        let name = escape(&Clauses::name(clause));
        match self.find(clause) {
            Some((index, _)) => format!(
                "<a class=\"clause\" href=\"#clause-{index}\" title=\"{}\">{name}</a>",
                escape(&self.title(clause))
            ),
            None => name,
        }
    }

    /// The list of every clause, in the spec's order.
    fn list(&self) -> String {
        let mut out = String::from(
            "<section id=\"clauses\">\n<h2>Clauses</h2>\n<table class=\"clauses\">\n<thead><tr><th scope=\"col\">Clause</th><th scope=\"col\">Article</th><th scope=\"col\">Line</th><th scope=\"col\">Text</th></tr></thead>\n<tbody>\n",
        );
        for (index, clause) in self.charter.clauses.iter().enumerate() {
            let (line, _) = self.source.line_column(clause.span.start);
            let text = clause
                .text
                .as_ref()
                .map(|t| format!("<q>{}</q>", escape(&one_line(t))))
                .unwrap_or_else(|| {
                    if clause.provenance.is_user() {
                        "<span class=\"note\">no quoted text</span>".to_string()
                    } else {
                        "<span class=\"note\">written by charter (the calendar)</span>".to_string()
                    }
                });
            out.push_str(&format!(
                "<tr id=\"clause-{index}\" data-clause=\"{name}\"><th scope=\"row\">{name}</th><td>{}</td><td>{line}</td><td>{text}</td></tr>\n",
                escape(clause.article.as_deref().unwrap_or("")),
                name = escape(&clause.name),
            ));
        }
        out.push_str("</tbody></table>\n</section>\n");
        out
    }
}

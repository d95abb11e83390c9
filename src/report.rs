//! Rendering results for people and programs: miette diagnostics with a
//! fixed theme and width (so output does not depend on the terminal), short
//! summaries, and the JSON form. Returns strings; the binary prints them.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, Severity};
use serde::Serialize;

use crate::hir;
use crate::span::Span;

/// Version of the JSON output's shape; bumped on any incompatible change.
/// The shape is documented in `docs/json-schema.md`.
pub const JSON_SCHEMA_VERSION: u32 = 2;

/// A spec's text as displayed in diagnostics, with the name it is shown under.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    /// Invalid UTF-8 is displayed with replacement characters; diagnostics
    /// about encoding point into this text.
    pub fn from_bytes(name: &str, bytes: &[u8]) -> SourceFile {
        SourceFile {
            name: name.to_string(),
            text: String::from_utf8_lossy(bytes).into_owned(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rfind('\n')
            .map_or(before, |newline| &before[newline + 1..])
            .chars()
            .count()
            + 1;
        (line, column)
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Never,
    Always,
}

/// Longest line, in characters, that diagnostics quote. miette pads the
/// underline of a label with a formatting width, which panics past 65,535
/// columns (tabs count four); quoting a line of a megabyte helps nobody
/// anyway. Labels on longer lines are given as `file:line:column`.
const MAX_QUOTED_LINE: usize = 10_000;

/// Renders one diagnostic against its source, as a human reads it.
pub fn render(diagnostic: &dyn Diagnostic, source: &SourceFile, color: Color) -> String {
    let theme = match color {
        Color::Never => GraphicalTheme::unicode_nocolor(),
        Color::Always => GraphicalTheme::unicode(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(80)
        .with_links(false);
    let labels: Vec<miette::LabeledSpan> = diagnostic
        .labels()
        .map(Iterator::collect)
        .unwrap_or_default();
    let quotable = labels.iter().all(|label| {
        line_length(&source.text, label.offset()) <= MAX_QUOTED_LINE
            && line_length(&source.text, label.offset() + label.len()) <= MAX_QUOTED_LINE
    });
    let with_source = WithSource {
        inner: diagnostic,
        source: quotable.then(|| {
            NamedSource::new(
                crate::printable(&source.name),
                crate::printable_in_place(&source.text),
            )
        }),
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &with_source).is_err() {
        out = format!("{diagnostic}\n");
    }
    if !quotable {
        for label in &labels {
            let at = position(
                source,
                Span::new(label.offset(), label.offset() + label.len()),
            );
            match label.label() {
                Some(text) => out.push_str(&format!("  at {at}: {text}\n")),
                None => out.push_str(&format!("  at {at}\n")),
            }
        }
    }
    out
}

/// The length in characters of the line holding byte `offset`.
fn line_length(text: &str, offset: usize) -> usize {
    let offset = floor_char_boundary(text, offset);
    let start = text[..offset].rfind('\n').map_or(0, |newline| newline + 1);
    let end = text[offset..]
        .find('\n')
        .map_or(text.len(), |newline| offset + newline);
    text[start..end].chars().count()
}

/// A diagnostic paired with the text its spans point into, if it is to be
/// quoted.
struct WithSource<'a> {
    inner: &'a dyn Diagnostic,
    source: Option<NamedSource<String>>,
}

impl std::fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.inner, f)
    }
}

impl std::fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|source| source as &dyn miette::SourceCode)
    }
}

/// A one-line account of what a valid spec declares.
pub fn summary(charter: &hir::Charter) -> String {
    let count = |n: usize, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let enums = charter
        .sorts
        .iter()
        .filter(|s| matches!(s.kind, hir::SortKind::Enum(_)))
        .count();
    let consts = charter
        .states
        .iter()
        .filter(|s| s.kind == hir::StateKind::Const)
        .count();
    // What the checker declared for the calendar is the calendar's.
    let (calendar_states, calendar_formulas, calendar_clauses) = match &charter.calendar {
        Some(calendar) => (calendar.states.len(), calendar.formulas.len(), 1),
        None => (0, 0, 0),
    };
    // An obligation's assertion and its monitor's initial `none` are the
    // obligation's.
    let mut duty_asserts: Vec<hir::FormulaId> = charter.duties.iter().map(|d| d.formula).collect();
    duty_asserts.dedup();
    let duty_states = charter.duties.len();
    let duty_inits = charter
        .duties
        .iter()
        .filter(|d| !charter.state(d.due).args.is_empty())
        .count();
    let formulas = |kind| charter.formulas.iter().filter(|f| f.kind == kind).count();
    let parts: Vec<String> = [
        count(
            usize::from(charter.calendar.is_some()),
            "calendar",
            "calendars",
        ),
        count(enums, "enum", "enums"),
        count(charter.sorts.len() - enums, "sort", "sorts"),
        count(consts, "constant", "constants"),
        count(
            charter.states.len() - consts - calendar_states - duty_states,
            "variable",
            "variables",
        ),
        count(charter.events.len(), "event", "events"),
        count(charter.defines.len(), "define", "defines"),
        count(formulas(hir::FormulaKind::Axiom), "axiom", "axioms"),
        count(
            formulas(hir::FormulaKind::Init) - calendar_formulas - duty_inits,
            "init condition",
            "init conditions",
        ),
        count(
            charter.clauses.len() - calendar_clauses,
            "clause",
            "clauses",
        ),
        count(charter.duties.len(), "obligation", "obligations"),
        count(formulas(hir::FormulaKind::Lemma), "lemma", "lemmas"),
        count(
            formulas(hir::FormulaKind::Assert) - duty_asserts.len(),
            "assertion",
            "assertions",
        ),
        count(charter.commands.len(), "command", "commands"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "nothing declared".into()
    } else {
        parts.join(", ")
    }
}

// ---------------------------------------------------------------- JSON

#[derive(Serialize)]
pub struct JsonCheck {
    pub schema: u32,
    pub kind: &'static str,
    pub files: Vec<JsonFile>,
}

#[derive(Serialize)]
pub struct JsonFile {
    pub file: String,
    pub valid: bool,
    pub diagnostics: Vec<JsonDiagnostic>,
}

#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub code: String,
    pub severity: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<JsonLabel>,
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
        Some(Severity::Warning) => "warning",
        Some(Severity::Advice) => "advice",
        _ => "error",
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

/// A span as `line:column` for short messages.
pub fn position(source: &SourceFile, span: Span) -> String {
    let (line, column) = source.line_column(span.start);
    format!("{}:{line}:{column}", source.name)
}

// ---------------------------------------------------------------- verdicts

use crate::trace::{ClauseRef, Trace, Value};
use crate::verify::{Method, Outcome, Verdict};

/// A command's result as a person reads it: the verdict, the history for a
/// counterexample or witness, the property concerned, and whether that is
/// what the spec expected.
pub fn outcome(outcome: &Outcome, source: &SourceFile) -> String {
    let mut out = String::new();
    let subject = match &outcome.property {
        Some(property) => format!("{} {property}", outcome.kind),
        None => format!("{} {}", outcome.kind, outcome.command),
    };
    let text = outcome
        .text
        .as_ref()
        .map(|t| format!(" \"{}\"", one_line(t)))
        .unwrap_or_default();
    let scopes: Vec<String> = outcome
        .scopes
        .iter()
        .map(|(sort, size)| format!("{sort} = {size}"))
        .collect();
    let scopes = if scopes.is_empty() {
        String::new()
    } else {
        format!(", scope {}", scopes.join(", "))
    };
    out.push_str(&format!(
        "{subject}{text} (depth {}{scopes})\n",
        outcome.depth
    ));
    let verdict_line = verdict_line(outcome);
    out.push_str(&format!("  {verdict_line}\n"));
    match &outcome.verdict {
        Verdict::Counterexample { trace, .. } | Verdict::Witness { trace, .. } => {
            out.push('\n');
            out.push_str(&render_trace(trace));
            let last = trace.steps.len();
            let state = if last == 0 {
                "the initial state".to_string()
            } else {
                format!("the state after step {last}")
            };
            let what = if matches!(outcome.verdict, Verdict::Counterexample { .. }) {
                "violated"
            } else {
                "reached"
            };
            out.push_str(&format!(
                "  {what} in {state}: {} at {}\n",
                outcome.property.as_deref().unwrap_or(&outcome.command),
                position(source, outcome.property_span)
            ));
            if !outcome.clauses_used.is_empty() {
                out.push_str(&format!(
                    "  clauses whose effects it used: {}\n",
                    clauses(&outcome.clauses_used)
                ));
            }
        }
        _ => {}
    }
    if let Some(rests_on) = &outcome.rests_on {
        out.push_str(&render_rests_on(outcome, rests_on));
    }
    if let Some(expect) = outcome.expect {
        let mark = if outcome.as_expected {
            "as expected".to_string()
        } else {
            match &outcome.rests_on {
                Some(r) if !r.unacknowledged.is_empty() || !r.stale.is_empty() => {
                    let mut why = Vec::new();
                    if !r.unacknowledged.is_empty() {
                        why.push(format!(
                            "it rests on what the command does not allow (add `allowing {}` if the text means it)",
                            r.unacknowledged.join(", ")
                        ));
                    }
                    if !r.stale.is_empty() {
                        why.push(format!(
                            "`allowing {}` matches nothing the blocking check found",
                            r.stale.join(", ")
                        ));
                    }
                    format!("NOT as expected: {}", why.join("; "))
                }
                Some(r) if r.unsettled.is_some() => {
                    "NOT as expected: what it rests on is not known (the blocking check did not finish)"
                        .to_string()
                }
                _ => "NOT as expected".to_string(),
            }
        };
        out.push_str(&format!("  expected {expect}: {mark}\n"));
    }
    out
}

/// What a trace is among those of its length: `a shortest one`, and how
/// its content was minimised (the counts that are not zero, after the
/// changed locations).
fn shortest(trace: &Trace) -> String {
    let Some(minimality) = trace.minimised else {
        return "a shortest one".into();
    };
    let Some(counts) = minimality.counts else {
        return "a shortest one; not minimised: the solver gave up".into();
    };
    let mut parts = vec![format!(
        "{} location{} changed",
        counts.changed_locations,
        plural(counts.changed_locations as usize)
    )];
    let counted = [
        (counts.argument_members, "argument member", ""),
        (counts.initial_members, "initial set member", ""),
        (counts.elements_named, "element", " named"),
    ];
    for (count, what, after) in counted {
        if count > 0 {
            parts.push(format!("{count} {what}{}{after}", plural(count as usize)));
        }
    }
    if counts.integer_distance > 0 {
        parts.push(format!("integer distance {}", counts.integer_distance));
    }
    let how = if minimality.minimal {
        "minimised"
    } else {
        "simplified, not proven minimal (the solver gave up)"
    };
    format!("a shortest one, {how}: {}", parts.join(", "))
}

/// What a verdict that holds rests on: its assumptions, then each event
/// that clauses block and each rule that never applies, with the history
/// a clash happens after.
fn render_rests_on(outcome: &Outcome, rests_on: &crate::verify::RestsOn) -> String {
    let mut out = String::new();
    let mut assumed: Vec<String> = Vec::new();
    if !outcome.scopes.is_empty() {
        let scopes: Vec<String> = outcome
            .scopes
            .iter()
            .map(|(sort, size)| format!("{sort} = {size}"))
            .collect();
        assumed.push(format!("scope {}", scopes.join(", ")));
    }
    if !rests_on.axioms.is_empty() {
        assumed.push(format!(
            "axiom{} {}",
            plural(rests_on.axioms.len()),
            rests_on.axioms.join(", ")
        ));
    }
    if !rests_on.lemmas.is_empty() {
        assumed.push(format!(
            "lemma{} {} (proved first)",
            plural(rests_on.lemmas.len()),
            rests_on.lemmas.join(", ")
        ));
    }
    if !assumed.is_empty() {
        out.push_str(&format!("  assuming {}\n", assumed.join("; ")));
    }
    let depth = rests_on.depth;
    let steps = format!("{depth} step{}", plural(depth));
    if let Some(reason) = &rests_on.unsettled {
        out.push_str(&format!(
            "  whether it rests on blocked events is not known: the blocking check did not finish ({reason})\n"
        ));
        return out;
    }
    if rests_on.blocked.is_empty() {
        out.push_str(&format!(
            "  no event blocked by clashing clauses, no rule that never applies (histories of up to {steps})\n"
        ));
        return out;
    }
    out.push_str(&format!(
        "  it may hold only because of {} (found in histories of up to {steps}):\n",
        match rests_on.blocked.len() {
            1 => "this".to_string(),
            n => format!("these {n}"),
        }
    ));
    for finding in &rests_on.blocked {
        out.push_str(&format!(
            "    {} {}: {}\n",
            finding.kind.as_str(),
            finding.subject,
            finding.message
        ));
        if let Some(witness) = &finding.witness {
            let before: Vec<String> = witness.history.steps.iter().map(step_call).collect();
            if let Some(impossible) = &witness.impossible {
                let from = match before.len() {
                    0 => "in an initial state".to_string(),
                    _ => format!("after {}", before.join(", then ")),
                };
                out.push_str(&format!(
                    "      witness: {from}, {} has no lawful next state\n",
                    step_call(impossible)
                ));
            }
        }
    }
    out
}

/// A step's event with its arguments, as a call.
fn step_call(step: &crate::trace::Step) -> String {
    let args: Vec<String> = step
        .args
        .iter()
        .map(|a| format!("{} = {}", a.location, a.value))
        .collect();
    format!("{}({})", step.event, args.join(", "))
}

/// The verdict in one line: for one that holds, qualified by what it
/// may rest on.
pub fn verdict_line(outcome: &Outcome) -> String {
    let line = bare_verdict_line(outcome);
    match &outcome.rests_on {
        Some(rests_on) if rests_on.unsettled.is_some() => {
            format!("{line} — unqualified: whether it rests on blocked events is not known")
        }
        Some(rests_on) if !rests_on.blocked.is_empty() => {
            let mut named: Vec<String> = Vec::new();
            let phrases = rests_on.blocked.iter().map(|f| match f.kind {
                crate::lint::Kind::Clash => format!("`{}` blocked by a clash", f.subject),
                crate::lint::Kind::DeadEvent => format!("`{}` never happening", f.subject),
                crate::lint::Kind::DeadRule => {
                    format!("a rule of `{}` never applying", f.subject)
                }
                crate::lint::Kind::DeadException => {
                    format!("an `unless` of `{}` never firing", f.subject)
                }
                _ => format!("the default of `{}` never applying", f.subject),
            });
            // A clause with two dead rules is named once.
            for phrase in phrases {
                if !named.contains(&phrase) {
                    named.push(phrase);
                }
            }
            format!("{line} — but it may rest on {}", named.join(", "))
        }
        _ => line,
    }
}

fn bare_verdict_line(outcome: &Outcome) -> String {
    match &outcome.verdict {
        Verdict::Proved {
            method: Method::KInduction,
            k,
        } => {
            format!("proved for histories of every length (k-induction, k = {k})")
        }
        Verdict::Proved {
            method: Method::Exhaustive,
            k,
        } => format!(
            "proved for histories of every length (explicit-state search saw every reachable state, within {k} step{})",
            plural(*k)
        ),
        Verdict::Counterexample { depth, trace } => format!(
            "counterexample in {depth} step{} ({})",
            plural(*depth),
            shortest(trace)
        ),
        Verdict::Witness { depth, trace } => format!(
            "witness in {depth} step{} ({})",
            plural(*depth),
            shortest(trace)
        ),
        Verdict::NoneUpTo { depth } => match outcome.kind {
            "scenario" => format!("no such history of up to {depth} steps (longer ones not examined)"),
            _ => format!("no counterexample of up to {depth} steps (not a proof: longer histories were not examined)"),
        },
        Verdict::Unknown { reason } => format!("unknown: {reason}"),
        Verdict::ReplayFailed {
            found,
            depth,
            message,
        } => format!(
            "INTERNAL ERROR: the {found} found in {depth} step{} does not replay ({message}); this is a bug in charter, please report it",
            plural(*depth)
        ),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn one_line(text: &str) -> String {
    crate::printable(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn clauses(by: &[ClauseRef]) -> String {
    let names: Vec<String> = by
        .iter()
        .map(|c| match &c.article {
            Some(article) => format!("{} (art. {article})", c.clause),
            None => c.clause.clone(),
        })
        .collect();
    names.join(", ")
}

/// Sets with more elements than this are summarised in timelines: a count
/// and, for a change, the members that came and went (JSON keeps them all).
pub const BIG_SET: usize = 12;

/// The most entries of numbered elements (single ones, or runs `first …
/// last` of consecutive ones) a summary lists before `and n more`.
const LISTED: usize = 6;

/// A value in a timeline: as written, or for a big set its size and
/// (abbreviated) members: `150 elements {Representative#0 … Representative#149}`.
fn shown(value: &Value) -> String {
    match value {
        Value::Set(members) if members.len() > BIG_SET => {
            format!("{} elements {{{}}}", members.len(), abbreviate(members))
        }
        _ => value.to_string(),
    }
}

/// A change in a timeline. Between sets one of which is big: the sizes, then
/// who came and went: `150 → 99 (−51: Representative#0 … Representative#50)`.
fn shown_change(before: &Value, after: &Value) -> String {
    match (before, after) {
        (Value::Set(old), Value::Set(new)) if old.len() > BIG_SET || new.len() > BIG_SET => {
            let old_set: std::collections::HashSet<&str> = old.iter().map(String::as_str).collect();
            let new_set: std::collections::HashSet<&str> = new.iter().map(String::as_str).collect();
            let added: Vec<String> = new
                .iter()
                .filter(|m| !old_set.contains(m.as_str()))
                .cloned()
                .collect();
            let removed: Vec<String> = old
                .iter()
                .filter(|m| !new_set.contains(m.as_str()))
                .cloned()
                .collect();
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("+{}: {}", added.len(), abbreviate(&added)));
            }
            if !removed.is_empty() {
                parts.push(format!("−{}: {}", removed.len(), abbreviate(&removed)));
            }
            format!("{} → {} ({})", old.len(), new.len(), parts.join("; "))
        }
        _ => format!("{before} → {after}"),
    }
}

/// Members in order: every named one (an enum value, a named element), and
/// the numbered ones (`Person#4`) with runs of three or more consecutive
/// ones as `Person#4 … Person#6`, at most [`LISTED`] entries of them and
/// then how many are left. Names tell a reader who; numbers only how many.
fn abbreviate(members: &[String]) -> String {
    // A numbered element: its sort and number. Names never contain `#`.
    let numbered = |member: &str| {
        let (sort, number) = member.rsplit_once('#')?;
        Some((sort.to_string(), number.parse::<usize>().ok()?))
    };
    let mut listed: Vec<String> = Vec::new();
    let mut numbered_listed = 0;
    let mut left = 0;
    let mut index = 0;
    while index < members.len() {
        let Some((sort, first)) = numbered(&members[index]) else {
            listed.push(members[index].clone());
            index += 1;
            continue;
        };
        let mut end = index + 1;
        while end < members.len()
            && numbered(&members[end]) == Some((sort.clone(), first + (end - index)))
        {
            end += 1;
        }
        if end - index < 3 {
            end = index + 1;
        }
        if numbered_listed == LISTED {
            left += end - index;
        } else if end - index == 1 {
            listed.push(members[index].clone());
            numbered_listed += 1;
        } else {
            listed.push(format!("{} … {}", members[index], members[end - 1]));
            numbered_listed += 1;
        }
        index = end;
    }
    if left > 0 {
        listed.push(format!("and {left} more"));
    }
    listed.join(", ")
}

/// A history as a timeline.
pub fn render_trace(trace: &Trace) -> String {
    let mut out = String::new();
    if !trace.constants.is_empty() {
        out.push_str("  constants\n");
        for binding in &trace.constants {
            out.push_str(&format!(
                "    {} = {}\n",
                binding.location,
                shown(&binding.value)
            ));
        }
    }
    out.push_str("  initial state\n");
    for binding in &trace.initial {
        out.push_str(&format!(
            "    {} = {}\n",
            binding.location,
            shown(&binding.value)
        ));
    }
    for (index, step) in trace.steps.iter().enumerate() {
        let args: Vec<String> = step
            .args
            .iter()
            .map(|a| format!("{} = {}", a.location, shown(&a.value)))
            .collect();
        out.push_str(&format!(
            "  step {}: {}({})\n",
            index + 1,
            step.event,
            args.join(", ")
        ));
        for change in &step.changes {
            let by = if change.by.is_empty() {
                String::new()
            } else {
                format!("   by {}", clauses(&change.by))
            };
            out.push_str(&format!(
                "    {}: {}{by}\n",
                change.location,
                shown_change(&change.before, &change.after)
            ));
        }
        let inert: Vec<&str> = step
            .unchanged
            .iter()
            .filter(|u| u.by.is_empty())
            .map(|u| u.variable.as_str())
            .collect();
        for kept in step.unchanged.iter().filter(|u| !u.by.is_empty()) {
            out.push_str(&format!(
                "    {} kept by {}\n",
                kept.variable,
                clauses(&kept.by)
            ));
        }
        if !inert.is_empty() {
            out.push_str(&format!("    unchanged: {}\n", inert.join(", ")));
        }
    }
    out
}

// ---------------------------------------------------------------- lint

use crate::lint::{Finding, LintReport};

/// A lint finding as a person reads it: the diagnostic (a label on every
/// blamed item), then for a clash the witness history and its impossible
/// step, for an obligation conflict the history and what is owed after it.
pub fn lint_finding(finding: &Finding, source: &SourceFile, color: Color) -> String {
    let mut out = render(finding, source, color);
    if let Some(witness) = &finding.witness {
        out.push_str("  witness:\n");
        out.push_str(&render_trace(&witness.history));
        if let Some(impossible) = &witness.impossible {
            let args: Vec<String> = impossible
                .args
                .iter()
                .map(|a| format!("{} = {}", a.location, a.value))
                .collect();
            out.push_str(&format!(
                "  step {}: {}({}) has no lawful next state\n",
                witness.history.steps.len() + 1,
                impossible.event,
                args.join(", ")
            ));
        }
        for owed in &witness.owed {
            out.push_str(&format!(
                "  owed: {} by {} {} (clause {})\n",
                owed.duty, owed.unit, owed.due, owed.clause
            ));
        }
    }
    out
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
    }
}

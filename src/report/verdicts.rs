//! A command's outcome as a person reads it: the verdict line (qualified
//! by what a verdict that holds rests on), the history of a counterexample
//! or witness, and whether it is what the spec expected.

use super::timeline::render_trace;
use super::{clauses, one_line, plural, position, scopes, SourceFile};
use crate::trace::Trace;
use crate::verify::{CandidateFate, LemmaFate, LemmaReport, Method, Outcome, OutcomeKind, Verdict};

/// A command's result as a person reads it: the verdict, the history for a
/// counterexample or witness, the property concerned, and whether that is
/// what the spec expected.
pub fn outcome(outcome: &Outcome, source: &SourceFile) -> String {
    if let Some(comparison) = &outcome.comparison {
        return super::compare::outcome(outcome, comparison);
    }
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
    let scopes = if outcome.scopes.is_empty() {
        String::new()
    } else {
        format!(", scope {}", scopes(&outcome.scopes))
    };
    let under = outcome
        .under_readings()
        .map(|under| format!(" {under}"))
        .unwrap_or_default();
    out.push_str(&format!(
        "{subject}{text}{under} (depth {}{scopes})\n",
        outcome.depth
    ));
    let verdict_line = verdict_line(outcome);
    out.push_str(&format!("  {verdict_line}\n"));
    match &outcome.verdict {
        Verdict::Counterexample { trace, .. } | Verdict::Witness { trace, .. } => {
            out.push('\n');
            out.push_str(&render_trace(trace));
            out.push_str(&format!("  {}\n", ending_line(outcome, trace, source)));
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
    out.push_str(&lemmas_not_assumed(&outcome.lemmas));
    out.push_str(&measure_not_assumed(outcome));
    if let Some(line) = expectation_line(outcome) {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

/// Why a proof did not assume a lemma, if it did not: `lemma p not
/// assumed: it is false, violated after 3 steps:` (its history follows).
pub(crate) fn not_assumed(lemma: &LemmaReport) -> Option<String> {
    let name = &lemma.name;
    match &lemma.fate {
        LemmaFate::Proved { .. } => None,
        LemmaFate::Open { k } => Some(format!(
            "lemma {name} not assumed: neither proved nor refuted by k-induction up to k = {k}"
        )),
        LemmaFate::Refuted { depth, .. } => Some(format!(
            "lemma {name} not assumed: it is false, violated after {depth} step{}:",
            plural(*depth)
        )),
    }
}

/// The lemmas a proof could not assume, and why: a refuted one with the
/// history that violates it.
fn lemmas_not_assumed(lemmas: &[LemmaReport]) -> String {
    let mut out = String::new();
    for lemma in lemmas {
        let Some(line) = not_assumed(lemma) else {
            continue;
        };
        out.push_str(&format!("  {line}\n"));
        if let LemmaFate::Refuted { depth, trace } = &lemma.fate {
            out.push('\n');
            for line in render_trace(trace).lines() {
                match line.is_empty() {
                    true => out.push('\n'),
                    false => out.push_str(&format!("  {line}\n")),
                }
            }
            let state = match depth {
                0 => "the initial state".to_string(),
                _ => format!("the state after step {depth}"),
            };
            out.push_str(&format!("    lemma {} violated in {state}\n", lemma.name));
        }
    }
    out
}

/// The candidates of a `decreasing` measure that a proof could not
/// assume, and why.
fn measure_not_assumed(outcome: &Outcome) -> String {
    let Some(measure) = &outcome.measure else {
        return String::new();
    };
    let mut out = String::new();
    for candidate in &measure.candidates {
        let why = match candidate.fate {
            CandidateFate::Proved { .. } => continue,
            CandidateFate::Open { k } => {
                format!("neither proved nor refuted by k-induction up to k = {k}")
            }
            CandidateFate::Refuted { depth } => {
                format!("it is false, violated after {depth} step{}", plural(depth))
            }
        };
        out.push_str(&format!(
            "  measure: {} — not assumed: {why}\n",
            candidate.claim
        ));
    }
    out
}

/// Where a counterexample ends or a witness arrives, with the property
/// and where it is written: `violated in the state after step 2: p at
/// spec.charter:80:1`.
pub(crate) fn ending_line(outcome: &Outcome, trace: &Trace, source: &SourceFile) -> String {
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
    format!(
        "{what} in {state}: {} at {}",
        outcome.property.as_deref().unwrap_or(&outcome.command),
        position(source, outcome.property_span)
    )
}

/// Whether the outcome is what the spec's `expect` says, and if not why:
/// `expected counterexample: as expected`. None without `expect`.
pub(crate) fn expectation_line(outcome: &Outcome) -> Option<String> {
    let expect = outcome.expect.map(|e| e.as_str())?;
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
    Some(format!("expected {expect}: {mark}"))
}

/// What a trace is among those of its length: `a shortest one`, and how
/// its content was minimised (the counts that are not zero, after the
/// changed locations).
fn shortest(trace: &Trace) -> String {
    if trace.not_shortest {
        return "not shown to be a shortest one".into();
    }
    let Some(minimality) = trace.minimised else {
        return "a shortest one".into();
    };
    let gave_up = match minimality.stopped {
        Some(spent) => spent.to_string(),
        None => "the solver gave up".to_string(),
    };
    let Some(counts) = minimality.counts else {
        return format!("a shortest one; not minimised: {gave_up}");
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
        "minimised".to_string()
    } else {
        format!("simplified, not proven minimal ({gave_up})")
    };
    format!("a shortest one, {how}: {}", parts.join(", "))
}

/// What a verdict that holds rests on: its assumptions, then each event
/// that clauses block and each rule that never applies, with the history
/// a clash happens after.
fn render_rests_on(outcome: &Outcome, rests_on: &crate::verify::RestsOn) -> String {
    rests_on_lines(outcome, rests_on)
        .into_iter()
        .map(|(level, line)| format!("{}{line}\n", "  ".repeat(level + 1)))
        .collect()
}

/// The lines of [`render_rests_on`], each with its level of indentation
/// (0: about the verdict; 1: a finding it may rest on; 2: its witness).
pub(crate) fn rests_on_lines(
    outcome: &Outcome,
    rests_on: &crate::verify::RestsOn,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut assumed: Vec<String> = Vec::new();
    if !outcome.scopes.is_empty() {
        assumed.push(format!("scope {}", scopes(&outcome.scopes)));
    }
    if !rests_on.axioms.is_empty() {
        assumed.push(format!(
            "axiom{} {}",
            plural(rests_on.axioms.len()),
            rests_on.axioms.join(", ")
        ));
    }
    if !rests_on.lemmas.is_empty() {
        // Several were proved by one induction, each assuming the others
        // in the step's earlier states only.
        let how = match rests_on.lemmas.len() {
            1 => "proved first",
            _ => "proved first, together",
        };
        assumed.push(format!(
            "lemma{} {} ({how})",
            plural(rests_on.lemmas.len()),
            rests_on.lemmas.join(", ")
        ));
    }
    if !assumed.is_empty() {
        out.push((0, format!("assuming {}", assumed.join("; "))));
    }
    let depth = rests_on.depth;
    let steps = format!("{depth} step{}", plural(depth));
    if let Some(reason) = &rests_on.unsettled {
        out.push((
            0,
            format!("whether it rests on blocked events is not known: the blocking check did not finish ({reason})"),
        ));
        return out;
    }
    if rests_on.blocked.is_empty() {
        out.push((
            0,
            format!("no event blocked by clashing clauses, no rule that never applies (histories of up to {steps})"),
        ));
        return out;
    }
    out.push((
        0,
        format!(
            "it may hold only because of {} (found in histories of up to {steps}):",
            match rests_on.blocked.len() {
                1 => "this".to_string(),
                n => format!("these {n}"),
            }
        ),
    ));
    for finding in &rests_on.blocked {
        out.push((
            1,
            format!(
                "{} {}: {}",
                finding.kind.as_str(),
                finding.subject,
                finding.message
            ),
        ));
        if let Some(witness) = &finding.witness {
            let before: Vec<String> = witness.history.steps.iter().map(step_call).collect();
            if let Some(impossible) = &witness.impossible {
                let from = match before.len() {
                    0 => "in an initial state".to_string(),
                    _ => format!("after {}", before.join(", then ")),
                };
                out.push((
                    2,
                    format!(
                        "witness: {from}, {} has no lawful next state",
                        step_call(impossible)
                    ),
                ));
            }
        }
    }
    out
}

/// A step's event with its arguments, as a call.
fn step_call(step: &crate::trace::Step) -> String {
    crate::compare::call(step)
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
            assuming: None,
        } => {
            format!("proved for histories of every length (k-induction, k = {k})")
        }
        Verdict::Proved {
            method: Method::Exhaustive,
            k,
            assuming: None,
        } => format!(
            "proved for histories of every length (explicit-state search saw every reachable state, within {k} step{})",
            plural(*k)
        ),
        Verdict::Proved {
            method,
            k,
            assuming: Some(fair),
        } => {
            let how = match method {
                Method::KInduction => format!(
                    "no fair lasso: k-induction on the loop detector, k = {k}{}",
                    match &outcome.measure {
                        Some(measure) if measure.used() => format!(
                            ", using the decreasing measure `{}`",
                            measure.measure
                        ),
                        _ => String::new(),
                    }
                ),
                Method::Exhaustive => {
                    "explicit-state search found no fair cycle among the reachable states".into()
                }
            };
            let assuming = crate::verify::fairness_words(fair);
            format!("proved for every infinite history ({how}), {assuming}")
        }
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
            OutcomeKind::Scenario => format!("no such history of up to {depth} steps (longer ones not examined)"),
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

//! A comparison of two readings as a person reads it: the verdict, one
//! timeline with a column of state per reading, the first point of
//! disagreement marked, and the clauses that made each side's value (or,
//! for `diverge`, what forbids the refused step).

use super::clauses;
use super::plural;
use super::timeline::shown;
use super::verdicts::expectation_line;
use crate::compare::{call, of_location, values_after};
use crate::trace::Trace;
use crate::verify::{Comparison, Outcome, Verdict};

/// The whole outcome of `compare` or `diverge`.
pub fn outcome(outcome: &Outcome, comparison: &Comparison) -> String {
    let under = outcome
        .under_readings()
        .map(|u| format!(" ({u} on both sides)"))
        .unwrap_or_default();
    let mut out = format!(
        "{} {}{under} (depth {})\n",
        outcome.kind, outcome.command, outcome.depth
    );
    let [a, b] = &comparison.readings;
    let line = match (&outcome.verdict, &comparison.refused) {
        (Verdict::Witness { depth, .. }, Some(refused)) => format!(
            "witness: after {depth} step{} lawful under both, {} allows {} and {} forbids it",
            plural(*depth),
            refused.allowed_by,
            refused.event,
            refused.forbidden_by
        ),
        (Verdict::Witness { depth, .. }, None) => format!(
            "witness: {a} and {b} disagree on {} after {depth} step{} (the same events with the same arguments, replayed under each)",
            comparison.locations.join(", "),
            plural(*depth)
        ),
        (Verdict::Proved { k, .. }, _) => format!(
            "proved: {a} and {b} agree on {} after every history lawful under both (k = {k})",
            comparison.locations.join(", ")
        ),
        (Verdict::NoneUpTo { depth }, _) if comparison.locations.is_empty() => format!(
            "no event one reading allows and the other forbids after any history of up to {depth} step{} (longer ones not examined)",
            plural(*depth)
        ),
        (Verdict::NoneUpTo { depth }, _) => format!(
            "no disagreement after any history of up to {depth} step{} (induction did not close)",
            plural(*depth)
        ),
        (Verdict::Unknown { reason }, _) => format!("unknown: {reason}"),
        (Verdict::ReplayFailed { message, .. }, _) => {
            format!("INTERNAL ERROR: a history found does not replay: {message}")
        }
        (Verdict::Counterexample { .. }, _) => "counterexample".into(),
    };
    out.push_str(&format!("  {line}\n"));
    if let Some(proof) = &comparison.proof {
        out.push_str(&format!("  rests on {proof}\n"));
    }
    if let Some(histories) = &comparison.histories {
        out.push('\n');
        out.push_str(&timeline(comparison, [&histories[0], &histories[1]]));
    }
    for d in &comparison.differences {
        out.push_str(&format!(
            "  {} after step {}:\n",
            d.location,
            outcome.depth_of()
        ));
        for side in 0..2 {
            let made = match (d.set_at[side], d.made_by[side].is_empty()) {
                (None, _) => "its initial value".to_string(),
                (Some(step), true) => format!("set at step {step}"),
                (Some(step), false) => {
                    format!("set at step {step} by {}", clauses(&d.made_by[side]))
                }
            };
            out.push_str(&format!(
                "    under {}: {} — {made}\n",
                comparison.readings[side], d.values[side]
            ));
        }
    }
    if let Some(refused) = &comparison.refused {
        out.push_str(&format!(
            "  step {} ({}) is refused under {}: {}\n",
            refused.step, refused.event, refused.forbidden_by, refused.rejection
        ));
        if !refused.blamed.is_empty() {
            out.push_str(&format!("  forbidden under {} by:\n", refused.forbidden_by));
            for b in &refused.blamed {
                out.push_str(&format!("    {}\n", super::diff::blamed_line(b)));
            }
        }
    }
    if let Some(line) = expectation_line(outcome) {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

impl Outcome {
    /// The length of the history a witness shows (0 otherwise).
    fn depth_of(&self) -> usize {
        match &self.verdict {
            Verdict::Witness { depth, .. } | Verdict::Counterexample { depth, .. } => *depth,
            _ => 0,
        }
    }
}

/// One row per state: the event that led to it, then each reading's
/// values side by side; the last row marked where the readings part.
fn timeline(comparison: &Comparison, traces: [&Trace; 2]) -> String {
    let steps = traces[0].steps.len().max(traces[1].steps.len());
    let shown_cell = |cell: &str| {
        comparison.locations.is_empty() || comparison.locations.iter().any(|l| of_location(cell, l))
    };
    let refusing = comparison.refused.as_ref().and_then(|r| {
        comparison
            .readings
            .iter()
            .position(|n| *n == r.forbidden_by)
    });
    let mut rows: Vec<(String, [Vec<String>; 2], bool)> = Vec::new();
    for state in 0..=steps {
        let label = match state {
            0 => "initial state".to_string(),
            _ => {
                let step = traces[0]
                    .steps
                    .get(state - 1)
                    .or(traces[1].steps.get(state - 1));
                format!("step {state}: {}", step.map(call).unwrap_or_default())
            }
        };
        let columns = [0, 1].map(|side| {
            if state == steps && refusing == Some(side) && state > 0 {
                return vec!["(refused)".to_string()];
            }
            values_after(traces[side], state)
                .into_iter()
                .filter(|(cell, _)| shown_cell(cell))
                .map(|(cell, value)| format!("{cell} = {}", shown(&value)))
                .collect()
        });
        let differ = state == steps && columns[0] != columns[1];
        rows.push((label, columns, differ));
    }
    let width = rows
        .iter()
        .flat_map(|(_, c, _)| c[0].iter().map(|s| s.chars().count()))
        .chain(std::iter::once(comparison.readings[0].chars().count()))
        .max()
        .unwrap_or(0);
    let pad = |s: &str| format!("{s}{}", " ".repeat(width.saturating_sub(s.chars().count())));
    let mut out = format!(
        "    {}   {}\n",
        pad(&comparison.readings[0]),
        comparison.readings[1]
    );
    for (label, columns, differ) in rows {
        let mark = if differ {
            "   ◀ the readings part here"
        } else {
            ""
        };
        out.push_str(&format!("  {label}{mark}\n"));
        let lines = columns[0].len().max(columns[1].len());
        for i in 0..lines {
            let left = columns[0].get(i).map_or("", String::as_str);
            let right = columns[1].get(i).map_or("", String::as_str);
            let sep = if differ && left != right { "≠" } else { " " };
            let row = format!("    {} {sep} {right}", pad(left));
            out.push_str(row.trim_end());
            out.push('\n');
        }
    }
    out.push('\n');
    out
}

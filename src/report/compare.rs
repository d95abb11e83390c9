//! A comparison of two readings as a person reads it: the verdict, one
//! timeline with a column of state per reading, the first point of
//! disagreement marked, and the clauses that made each side's value (or,
//! for `diverge`, what forbids the refused step). The HTML page
//! (`html/compare.rs`) shows the same pieces ([`verdict`], [`rows`],
//! [`made`]).

use super::clauses;
use super::plural;
use super::timeline::shown;
use super::verdicts::expectation_line;
use crate::compare::{call, of_location, values_after};
use crate::trace::{ClauseRef, Trace};
use crate::verify::{Comparison, Difference, Outcome, Verdict};

/// What the comparison is about, as its first line says it (without the
/// depth): `compare literal practice: chair (under office on both sides)`.
pub(crate) fn heading(outcome: &Outcome) -> String {
    let under = outcome
        .under_readings()
        .map(|u| format!(" ({u} on both sides)"))
        .unwrap_or_default();
    format!("{} {}{under}", outcome.kind, outcome.command)
}

/// The whole outcome of `compare` or `diverge`.
pub fn outcome(outcome: &Outcome, comparison: &Comparison) -> String {
    let mut out = format!("{} (depth {})\n", heading(outcome), outcome.depth);
    out.push_str(&format!("  {}\n", verdict(outcome, comparison)));
    if let Some(proof) = &comparison.proof {
        out.push_str(&format!("  rests on {proof}\n"));
    }
    if let Some(histories) = &comparison.histories {
        out.push('\n');
        out.push_str(&timeline(comparison, [&histories[0], &histories[1]]));
    }
    for d in &comparison.differences {
        out.push_str(&format!("  {}:\n", after(outcome, d)));
        for side in 0..2 {
            let (lead, by, tail) = made(comparison, d, side);
            let by = if by.is_empty() {
                String::new()
            } else {
                clauses(by)
            };
            out.push_str(&format!(
                "    under {}: {} — {lead}{by}{tail}\n",
                comparison.readings[side], d.values[side]
            ));
        }
    }
    if let Some(refused) = &comparison.refused {
        out.push_str(&format!("  {}\n", refusal_line(comparison)));
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

/// The verdict in words: who disagrees where, or what was proved.
pub(crate) fn verdict(outcome: &Outcome, comparison: &Comparison) -> String {
    let [a, b] = &comparison.readings;
    match (&outcome.verdict, &comparison.refused) {
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
    }
}

/// `chair after step 1`: where a difference is.
pub(crate) fn after(outcome: &Outcome, d: &Difference) -> String {
    format!("{} after step {}", d.location, outcome.depth_of())
}

/// How one side's value came to be, in three parts: the words before
/// the clauses, the clauses (possibly none) and the words after them.
pub(crate) fn made<'a>(
    comparison: &Comparison,
    d: &'a Difference,
    side: usize,
) -> (String, &'a [ClauseRef], &'static str) {
    // A clause that set the value the location already had.
    let kept = |step: usize| {
        comparison.histories.as_ref().is_some_and(|h| {
            values_after(&h[side], step - 1)
                .iter()
                .any(|(cell, value)| *cell == d.location && value.to_string() == d.values[side])
        })
    };
    match (d.set_at[side], d.made_by[side].as_slice()) {
        (None, _) => ("its initial value".to_string(), &[], ""),
        (Some(step), []) => (format!("set at step {step}"), &[], ""),
        (Some(step), by) if kept(step) => (
            format!("set at step {step} by "),
            by,
            ", to the value it already had",
        ),
        (Some(step), by) => (format!("set at step {step} by "), by, ""),
    }
}

/// `step 2 (…) is refused under practice: …`.
pub(crate) fn refusal_line(comparison: &Comparison) -> String {
    comparison
        .refused
        .as_ref()
        .map_or(String::new(), |refused| {
            format!(
                "step {} ({}) is refused under {}: {}",
                refused.step, refused.event, refused.forbidden_by, refused.rejection
            )
        })
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

/// One state of a comparison's timeline: the event that led to it, each
/// reading's values (`chair = A`), and whether the readings part here.
pub(crate) struct Row {
    /// `initial state` or `step 2: session(host = A, next = B)`.
    pub label: String,
    pub columns: [Vec<String>; 2],
    /// The last state, where the readings part.
    pub parts: bool,
    /// The reading that refuses this step (`diverge`'s last step).
    pub refused: Option<usize>,
}

/// The rows of the timeline of two histories, one per state.
pub(crate) fn rows(comparison: &Comparison, traces: [&Trace; 2]) -> Vec<Row> {
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
    let mut rows = Vec::new();
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
        let refused = refusing.filter(|_| state == steps && state > 0);
        let columns = [0, 1].map(|side| {
            if refused == Some(side) {
                return Vec::new();
            }
            values_after(traces[side], state)
                .into_iter()
                .filter(|(cell, _)| shown_cell(cell))
                .map(|(cell, value)| format!("{cell} = {}", shown(&value)))
                .collect()
        });
        let parts = state == steps && (refused.is_some() || columns[0] != columns[1]);
        rows.push(Row {
            label,
            columns,
            parts,
            refused,
        });
    }
    rows
}

/// What a refusing reading's column says on every line of its row.
pub(crate) const REFUSED: &str = "(refused)";

/// One row per state: the event that led to it, then each reading's
/// values side by side; the last row marked where the readings part.
fn timeline(comparison: &Comparison, traces: [&Trace; 2]) -> String {
    let rows = rows(comparison, traces);
    let width = rows
        .iter()
        .flat_map(|row| row.columns[0].iter().map(|s| s.chars().count()))
        .chain(std::iter::once(comparison.readings[0].chars().count()))
        .chain(
            rows.iter()
                .filter(|row| row.refused == Some(0))
                .map(|_| REFUSED.chars().count()),
        )
        .max()
        .unwrap_or(0);
    let pad = |s: &str| format!("{s}{}", " ".repeat(width.saturating_sub(s.chars().count())));
    let mut out = format!(
        "    {}   {}\n",
        pad(&comparison.readings[0]),
        comparison.readings[1]
    );
    for row in rows {
        let mark = match (row.parts, row.refused) {
            (true, Some(side)) => format!(
                "   ◀ the readings part here: refused under {}",
                comparison.readings[side]
            ),
            (true, None) => "   ◀ the readings part here".to_string(),
            (false, _) => String::new(),
        };
        out.push_str(&format!("  {}{mark}\n", row.label));
        // The refusing column says so on every line of the row.
        let lines = row.columns[0].len().max(row.columns[1].len()).max(1);
        for i in 0..lines {
            let cell = |side: usize| match row.refused {
                Some(r) if r == side => REFUSED,
                _ => row.columns[side].get(i).map_or("", String::as_str),
            };
            let (left, right) = (cell(0), cell(1));
            let sep = if row.parts && row.refused.is_none() && left != right {
                "≠"
            } else {
                " "
            };
            let line = format!("    {} {sep} {right}", pad(left));
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out.push('\n');
    out
}

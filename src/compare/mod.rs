//! `compare literal practice: chair` and `diverge literal practice`: two
//! readings of one group run side by side on the product engine
//! ([`crate::solve::product`], as `charter diff` runs two versions: the
//! same lowering, pairing and replay, [`crate::diff::Version`]). Both
//! copies take the same event with the same arguments at every step and
//! start in the same world (every constant and variable the spec
//! leaves free alike; the others from their declared values). The other
//! groups' readings are the same on both sides: the
//! comparison runs once per choice of them, each outcome naming it.
//!
//! Every history shown was replayed by [`crate::eval`] under each reading;
//! one that does not replay is an internal error
//! ([`Verdict::ReplayFailed`]), as elsewhere.

use crate::check::Checked;
use crate::diff::{self, OneSided, Version};
use crate::hir::{self, EventId, Provenance, StateId};
use crate::plan::{Overrides, Plan, PlanError};
use crate::solve::product::{self, Pairing};
use crate::trace::{Step, Trace, Value};
use crate::verify::{
    comparison_meets, reading_of, Comparison, Difference, Found, Method, Outcome, OutcomeKind,
    ReadingChoice, Refusal, UnknownReason, Verdict,
};

/// Runs every comparison of the spec (once per choice of the other
/// groups' readings), in the spec's order.
pub fn run(checked: &Checked, overrides: &Overrides) -> Result<Vec<Outcome>, PlanError> {
    let charters: Vec<&hir::Charter> = checked.selections().collect();
    run_on(&charters, &checked.comparisons, overrides)
}

/// [`run`] on the spec under each choice of readings
/// ([`Checked::selections`]) and its comparisons.
pub fn run_on(
    charters: &[&hir::Charter],
    comparisons: &[hir::Comparison],
    overrides: &Overrides,
) -> Result<Vec<Outcome>, PlanError> {
    let Some(first) = charters.first() else {
        return Ok(Vec::new());
    };
    let groups = &first.readings;
    let mut outcomes = Vec::new();
    for comparison in comparisons {
        for [a, b] in comparison.pairs(groups) {
            let find = |s: &hir::Selection| charters.iter().copied().find(|c| &c.selection == s);
            if let (Some(first), Some(second)) = (find(&a), find(&b)) {
                outcomes.push(run_one(comparison, [first, second], overrides)?);
            }
        }
    }
    Ok(outcomes)
}

/// One comparison under one choice of the other groups' readings.
pub fn run_one(
    comparison: &hir::Comparison,
    charters: [&hir::Charter; 2],
    overrides: &Overrides,
) -> Result<Outcome, PlanError> {
    let overrides = Overrides {
        depth: overrides.depth.or(comparison.depth.map(|d| d as u64)),
        ..overrides.clone()
    };
    let plan = Plan::for_lint(charters[0], &overrides)?;
    let group = &charters[0].readings[comparison.group];
    let names = comparison.readings.map(|r| {
        group
            .readings
            .get(r)
            .map_or(String::new(), |r| r.name.clone())
    });
    let scopes = charters[0].abstract_scopes(&plan.scopes);
    let mut report = Comparison {
        group: group.name.clone(),
        readings: names,
        locations: Vec::new(),
        histories: None,
        differences: Vec::new(),
        refused: None,
        proof: None,
    };
    let kind = match &comparison.kind {
        hir::ComparisonKind::Compare { locations } => {
            report.locations = locations
                .iter()
                .map(|s| charters[0].states[s.0].name.clone())
                .collect();
            OutcomeKind::Compare
        }
        hir::ComparisonKind::Diverge => OutcomeKind::Diverge,
    };
    let verdict = match &plan.too_large {
        Some(too_large) => Verdict::Unknown {
            reason: UnknownReason::TooLarge {
                size: too_large.size.clone(),
                largest: too_large.largest.clone(),
            },
        },
        None => {
            let versions = charters.map(|c| diff::version(c, plan.scopes.clone()));
            let pairing = pairing(&versions);
            match &comparison.kind {
                hir::ComparisonKind::Compare { locations } => {
                    compare(&versions, &pairing, locations, &plan, &mut report)
                }
                hir::ComparisonKind::Diverge => diverge(&versions, &pairing, &plan, &mut report),
            }
        }
    };
    let as_expected = comparison
        .expect
        .is_none_or(|expect| comparison_meets(expect, &verdict));
    // The other groups' readings, alike on both sides.
    let reading: Vec<ReadingChoice> = reading_of(charters[0])
        .into_iter()
        .filter(|r| r.group != report.group)
        .collect();
    Ok(Outcome {
        command: comparison.name.clone(),
        kind,
        property: None,
        text: None,
        depth: plan.depth,
        scopes,
        expect: comparison.expect,
        verdict,
        as_expected,
        clauses_used: Vec::new(),
        rests_on: None,
        lemmas: Vec::new(),
        decided_by: None,
        measure: None,
        reading,
        comparison: Some(Box::new(report)),
        span: comparison.span,
        property_span: comparison.span,
    })
}

/// The same events (readings never change them), both copies starting
/// alike on every constant and variable the spec leaves free.
fn pairing(versions: &[Version; 2]) -> Pairing {
    let [a, b] = versions;
    let events: Vec<(EventId, EventId)> = (0..a.charter.events.len())
        .filter(|&e| b.charter.events.get(e).map(|x| &x.name) == Some(&a.charter.events[e].name))
        .map(|e| (EventId(e), EventId(e)))
        .collect();
    let mut pairing = Pairing::new(&a.lowered.system, &b.lowered.system, &events);
    pairing.start = product::atom_pairs(&a.lowered.system, &b.lowered.system, &user_states(a, b));
    pairing
}

/// The user's constants and variables that the spec leaves free (no value
/// declared: any value the axioms allow), tied so that both copies start
/// in the same world. One with a declared value is not tied: its own
/// `init` fixes it in each copy, from the tied ones, and a value a
/// `reading` expression gives may differ (tying it would leave the two
/// readings no common start). Synthesised states (`now`, `last E`
/// monitors) start from their own declared values too.
pub fn tied_states(a: &hir::Charter, b: &hir::Charter) -> Vec<StateId> {
    (0..a.states.len())
        .filter(|&s| {
            let mine = &a.states[s];
            let theirs = b.states.get(s);
            mine.provenance == Provenance::User
                && mine.value.is_none()
                && theirs.is_some_and(|x| x.name == mine.name && x.value.is_none())
        })
        .map(StateId)
        .collect()
}

/// [`tied_states`], each paired with itself.
fn user_states(a: &Version, b: &Version) -> Vec<(StateId, StateId)> {
    tied_states(a.charter, b.charter)
        .into_iter()
        .map(|s| (s, s))
        .collect()
}

fn compare(
    versions: &[Version; 2],
    pairing: &Pairing,
    locations: &[StateId],
    plan: &crate::plan::Examined,
    report: &mut Comparison,
) -> Verdict {
    let pairs: Vec<(StateId, StateId)> = locations.iter().map(|s| (*s, *s)).collect();
    let [a, b] = versions;
    match diff::agreement(a, b, pairing, &pairs, plan.depth, &plan.limits) {
        diff::Agreement::Proved { k } => {
            report.proof = Some(format!(
                "k-induction on the product of the two readings (k = {k}): both start alike on every constant and variable the spec leaves free (the others from their declared values) and take the same event with the same arguments at every step, at the scopes shown; every other location may differ"
            ));
            Verdict::Proved {
                method: Method::KInduction,
                k,
                assuming: None,
            }
        }
        diff::Agreement::NoneUpTo { depth } => Verdict::NoneUpTo { depth },
        diff::Agreement::NoCommonStart => Verdict::Unknown {
            reason: UnknownReason::NoCommonStart,
        },
        diff::Agreement::Unknown { reason } => Verdict::Unknown {
            reason: UnknownReason::Solver { message: reason },
        },
        diff::Agreement::ReplayFailed { message } => Verdict::ReplayFailed {
            found: Found::Witness,
            depth: plan.depth,
            message,
        },
        diff::Agreement::Disagree {
            depth, old, new, ..
        } => {
            report.differences = differences(&report.locations, [&old, &new]);
            if report.differences.is_empty() {
                return Verdict::ReplayFailed {
                    found: Found::Witness,
                    depth,
                    message: "the histories found agree on the locations compared when replayed"
                        .into(),
                };
            }
            let trace = (*old).clone();
            report.histories = Some(Box::new([*old, *new]));
            Verdict::Witness { depth, trace }
        }
    }
}

/// The cells of `locations` whose values differ at the end of the two
/// histories, with the step and clauses that last set each value.
fn differences(locations: &[String], traces: [&Trace; 2]) -> Vec<Difference> {
    let finals = traces.map(final_values);
    let mut out = Vec::new();
    for (cell, value) in &finals[0] {
        if !locations.iter().any(|l| of_location(cell, l)) {
            continue;
        }
        let Some((_, other)) = finals[1].iter().find(|(c, _)| c == cell) else {
            continue;
        };
        if value == other {
            continue;
        }
        let made = traces.map(|t| made_by(&t.steps, cell));
        out.push(Difference {
            location: cell.clone(),
            values: [value.to_string(), other.to_string()],
            set_at: [made[0].0, made[1].0],
            made_by: [made[0].1.clone(), made[1].1.clone()],
        });
    }
    out
}

/// Whether `cell` (`chair`, `seats[A]`) is a cell of the location `name`.
pub fn of_location(cell: &str, name: &str) -> bool {
    cell == name
        || cell
            .strip_prefix(name)
            .is_some_and(|r| r.starts_with(['[', '(']))
}

/// Every cell's value after the history: the initial state, then each
/// step's changes.
pub fn final_values(trace: &Trace) -> Vec<(String, Value)> {
    values_after(trace, trace.steps.len())
}

/// Every cell's value after `steps` steps.
pub fn values_after(trace: &Trace, steps: usize) -> Vec<(String, Value)> {
    let mut values: Vec<(String, Value)> = trace
        .constants
        .iter()
        .chain(&trace.initial)
        .map(|b| (b.location.clone(), b.value.clone()))
        .collect();
    for step in trace.steps.iter().take(steps) {
        for change in &step.changes {
            match values.iter_mut().find(|(l, _)| *l == change.location) {
                Some((_, value)) => *value = change.after.clone(),
                None => values.push((change.location.clone(), change.after.clone())),
            }
        }
    }
    values
}

/// The last step that set `cell` (1-based) and the clauses that did: a
/// step that changed it, or whose clauses set a variable of one cell to
/// the value it had (re-asserted, not kept by inertia).
fn made_by(steps: &[Step], cell: &str) -> (Option<usize>, Vec<crate::trace::ClauseRef>) {
    steps
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, s)| {
            let changed = s.changes.iter().find(|c| c.location == cell).map(|c| &c.by);
            let set_again = || {
                s.unchanged
                    .iter()
                    .find(|u| u.variable == cell && !u.by.is_empty())
                    .map(|u| &u.by)
            };
            changed
                .or_else(set_again)
                .map(|by| (Some(i + 1), by.clone()))
        })
        .unwrap_or((None, Vec::new()))
}

fn diverge(
    versions: &[Version; 2],
    pairing: &Pairing,
    plan: &crate::plan::Examined,
    report: &mut Comparison,
) -> Verdict {
    let [a, b] = versions;
    let (depth, limits) = (plan.depth, &plan.limits);
    // Each way; the shorter history wins (the first reading's allowance
    // on a tie).
    let ways = [
        diff::one_sided(a, b, pairing, depth, limits),
        diff::one_sided(b, a, &pairing.swapped(), depth, limits),
    ];
    let mut found = None;
    for (way, answer) in ways.iter().enumerate() {
        match answer {
            OneSided::ReplayFailed { message } => {
                return Verdict::ReplayFailed {
                    found: Found::Witness,
                    depth,
                    message: message.clone(),
                }
            }
            OneSided::Found { depth: d, .. }
                if found.is_none_or(|(_, best): (usize, usize)| *d < best) =>
            {
                found = Some((way, *d))
            }
            _ => {}
        }
    }
    let Some((way, _)) = found else {
        if ways.iter().any(|w| matches!(w, OneSided::NoCommonStart)) {
            return Verdict::Unknown {
                reason: UnknownReason::NoCommonStart,
            };
        }
        return match ways.iter().find_map(|w| match w {
            OneSided::Unknown { reason } => Some(reason.clone()),
            _ => None,
        }) {
            Some(message) => Verdict::Unknown {
                reason: UnknownReason::Solver { message },
            },
            None => Verdict::NoneUpTo { depth },
        };
    };
    let [first, second] = ways;
    let chosen = if way == 0 { first } else { second };
    let OneSided::Found {
        depth,
        lawful,
        refused,
        rejection,
        blamed,
        ..
    } = chosen
    else {
        return Verdict::NoneUpTo { depth };
    };
    let event = refused.steps.last().map(call).unwrap_or_default();
    report.refused = Some(Refusal {
        step: depth,
        event,
        allowed_by: report.readings[way].clone(),
        forbidden_by: report.readings[1 - way].clone(),
        rejection,
        blamed,
    });
    let trace = (*lawful).clone();
    report.histories = Some(Box::new(if way == 0 {
        [*lawful, *refused]
    } else {
        [*refused, *lawful]
    }));
    Verdict::Witness { depth, trace }
}

/// `session(host = A, next = B)`.
pub fn call(step: &Step) -> String {
    let args: Vec<String> = step
        .args
        .iter()
        .map(|a| format!("{} = {}", a.location, a.value))
        .collect();
    format!("{}({})", step.event, args.join(", "))
}

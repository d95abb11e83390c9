//! The joint obligation check as lint asks it (`solve::joint`): the
//! points of obligations taking part, the check's terms, and what is owed
//! in the user's terms.

use super::{road, Finding, Keep, Kind, Owed, Witness};
use crate::hir;
use crate::ir::TermId;
use crate::lower;
use crate::plan::Overrides;
use crate::solve::joint;
use crate::solve::SolverUnknown;
use crate::trace;

/// How many steps a continuation may take in the joint obligation check:
/// twice the lint depth (meeting what is owed may take longer than
/// reaching it).
pub fn lookahead(depth: usize) -> usize {
    2 * depth
}

/// The joint obligation check: reachable states from which the duties
/// owed cannot all be met on time, and why the check stopped early, if it
/// did. Obligations found `unmet` take no part (every state owing one
/// would repeat that finding).
#[allow(clippy::too_many_arguments)]
pub(super) fn obligation_conflicts(
    charter: &hir::Charter,
    model: &crate::eval::Model,
    lowered: &lower::Lowered,
    terms: &lower::LintTerms,
    unmet: &[usize],
    depth: usize,
    limits: &crate::solve::Limits,
) -> Result<(Vec<Finding>, Option<String>), SolverUnknown> {
    let keep = Keep::All;
    let (Some(dates), Some(_)) = (&terms.dates, &charter.calendar) else {
        return Ok((Vec::new(), None));
    };
    let taking_part: Vec<usize> = (0..terms.duty_points.len())
        .filter(|p| !unmet.contains(&terms.duty_points[*p].duty))
        .collect();
    let points = joint_points(terms, &taking_part);
    let joint = joint_terms(terms, dates, &points);
    let system = &lowered.system;
    let ahead = lookahead(depth);
    let outcome = joint::conflicts(system, &joint, depth, ahead, limits, keep)?;
    let mut out = Vec::new();
    for conflict in outcome.conflicts {
        let owed_points: Vec<usize> = conflict.points.iter().map(|i| taking_part[*i]).collect();
        let owed: Vec<Owed> = owed_points
            .iter()
            .map(|p| {
                owed(
                    charter,
                    &terms.atom_terms,
                    &conflict.trace,
                    &terms.duty_points[*p],
                )
            })
            .collect();
        let mut duties: Vec<usize> = owed_points
            .iter()
            .map(|p| terms.duty_points[*p].duty)
            .collect();
        duties.sort();
        duties.dedup();
        // Two duties of one clause name it once.
        let mut clauses: Vec<String> = Vec::new();
        for duty in &duties {
            let name = &charter.clauses[charter.duties[*duty].clause.0].name;
            if !clauses.contains(name) {
                clauses.push(name.clone());
            }
        }
        let listed: Vec<String> = owed
            .iter()
            .map(|o| format!("`{}` to `{}` by {}", o.clause, o.duty, o.when()))
            .collect();
        let steps = conflict.depth;
        let after = match steps {
            0 => "in an initial state".to_string(),
            1 => "after 1 step".to_string(),
            n => format!("after {n} steps"),
        };
        let (kind, message) = match listed.as_slice() {
            [one] => (
                Kind::ImpossibleObligation,
                format!(
                    "the obligation of clause {one} can no longer be met on time {after}: no continuation of up to {ahead} steps meets it"
                ),
            ),
            _ => (
                Kind::ConflictingObligations,
                format!(
                    "the obligations of clauses {} cannot all be met on time {after}: no continuation of up to {ahead} steps meets them all, though one meets each without the others",
                    listed.join(" and ")
                ),
            ),
        };
        let what = format!("the conflict of {}", clauses.join(" and "));
        let history = road(model, lowered, &conflict.trace, steps, keep, &what)?;
        out.push(Finding {
            kind,
            subject: clauses.join(","),
            message,
            span: charter.duties[duties[0]].span,
            witness: Some(Witness {
                history,
                impossible: None,
                owed,
                question: conflict
                    .trace
                    .states
                    .last()
                    .map(|s| (s.clone(), owed_points)),
            }),
            blamed: super::definitions::blamed_all(charter, &conflict.blamed),
        });
    }
    Ok((out, outcome.unsettled))
}

/// The check's view of the obligation points `taking_part`.
fn joint_points(terms: &lower::LintTerms, taking_part: &[usize]) -> Vec<joint::Point> {
    taking_part
        .iter()
        .map(|p| {
            let point = &terms.duty_points[*p];
            joint::Point {
                duty: point.duty,
                pending: point.pending,
                fulfilled: point.fulfilled,
                day: point.day,
                due: point.date,
            }
        })
        .collect()
}

fn joint_terms<'a>(
    terms: &'a lower::LintTerms,
    dates: &'a lower::Dates,
    points: &'a [joint::Point],
) -> joint::Joint<'a> {
    joint::Joint {
        points,
        atom_terms: &terms.atom_terms,
        successors: &terms.successors,
        checks: &terms.successor_checks,
        input_terms: &terms.input_terms,
        now: dates.now,
        dates: &dates.events,
    }
}

/// For an obligation conflict: whether, from its witness state and with
/// only the blamable items `keep` keeps, some continuation (of up to the
/// lint depth) meets every duty it names. `false` with every item; with
/// its blamed items but one, `true` (its blame is minimal).
pub fn owed_can_be_met(
    charter: &hir::Charter,
    overrides: &Overrides,
    finding: &Finding,
    keep: Keep,
) -> Result<bool, SolverUnknown> {
    let Some((state, owed)) = finding.witness.as_ref().and_then(|w| w.question.as_ref()) else {
        return Ok(true);
    };
    let plan = super::lint_plan(charter, overrides)?;
    let _alone = crate::solve::exclusive(&plan.limits);
    crate::with_stack(|| {
        let depth = plan.depth;
        let (lowered, terms) = lower::lower_lint(charter, &plan.scopes);
        let Some(dates) = &terms.dates else {
            return Ok(true);
        };
        let every: Vec<usize> = (0..terms.duty_points.len()).collect();
        let points = joint_points(&terms, &every);
        let joint = joint_terms(&terms, dates, &points);
        joint::meetable(
            &lowered.system,
            &joint,
            state,
            owed,
            lookahead(depth),
            &plan.limits,
            keep,
        )
    })
}

/// A point of an obligation in the last state of `raw`, in the user's terms.
fn owed(
    charter: &hir::Charter,
    atom_terms: &[TermId],
    raw: &crate::solve::RawTrace,
    point: &lower::DutyPoint,
) -> Owed {
    let duty = &charter.duties[point.duty];
    let event = charter.event(duty.event);
    let keys = &charter.state(duty.due).args;
    let mut given = point.args.iter().zip(keys);
    let args: Vec<String> = duty
        .keyed
        .iter()
        .map(|keyed| match keyed.then(|| given.next()).flatten() {
            Some((index, ty)) => trace::element_name(charter, ty, *index),
            None => "_".to_string(),
        })
        .collect();
    let due = atom_terms
        .iter()
        .position(|t| *t == point.date)
        .and_then(|atom| raw.states.last()?.get(atom).copied().flatten());
    Owed {
        clause: charter.clauses[duty.clause.0].name.clone(),
        duty: match args.is_empty() {
            true => event.name.clone(),
            false => format!("{}({})", event.name, args.join(", ")),
        },
        due: match due {
            Some(crate::solve::RawValue::Int(day)) => day,
            _ => 0,
        },
        unit: charter
            .calendar
            .as_ref()
            .map_or("day", |c| c.unit.singular()),
        civil: charter.calendar.as_ref().is_some_and(|c| c.civil),
    }
}

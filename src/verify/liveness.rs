//! Liveness commands (`eventually`, `leads to`): what their histories must
//! be for replay (a lasso, [`eval::Lasso`]), where a solver's lasso loops
//! back to, and the fairness a proof assumes (said with every verdict that
//! holds).

use super::{Found, Method, Stop, UnknownReason, Verdict};
use crate::eval::{self, Ending};
use crate::explore;
use crate::hir::{self, Command, CommandKind, Formula};
use crate::lower::LoopAtoms;
use crate::solve::{RawTrace, RawValue};
use crate::trace;

/// The liveness formula a command is about, if it is about one.
pub(super) fn formula<'h>(charter: &'h hir::Charter, command: &Command) -> Option<&'h Formula> {
    match &command.kind {
        CommandKind::Check(id) | CommandKind::Prove(id) => {
            let formula = charter.formula(*id);
            formula.kind.is_liveness().then_some(formula)
        }
        CommandKind::Scenario { .. } => None,
    }
}

/// The events a liveness command assumes fair, by name (`None` for a
/// safety command): a verdict that holds says them.
pub(super) fn assumed(charter: &hir::Charter, command: &Command) -> Option<Vec<String>> {
    formula(charter, command)?;
    Some(fair_names(charter, command))
}

fn fair_names(charter: &hir::Charter, command: &Command) -> Vec<String> {
    command
        .fair
        .iter()
        .map(|f| charter.events[f.event.0].name.clone())
        .collect()
}

/// Why a liveness command's verdict that holds would hold vacuously: no
/// fair infinite history in which its obligation arises (within `depth`
/// steps, or at all); `None` for a safety command.
pub(super) fn vacuous(
    charter: &hir::Charter,
    command: &Command,
    depth: Option<usize>,
) -> Option<UnknownReason> {
    let formula = formula(charter, command)?;
    Some(vacuity(charter, command, formula, depth))
}

fn vacuity(
    charter: &hir::Charter,
    command: &Command,
    formula: &Formula,
    depth: Option<usize>,
) -> UnknownReason {
    UnknownReason::NoFairInfiniteHistory {
        depth,
        leads_to: formula.liveness_parts().0.is_some(),
        assuming: fair_names(charter, command),
    }
}

/// The fairness a liveness verdict assumes, in words: `assuming fair `e`,
/// `f`` or `assuming no fairness`.
pub fn fairness_words(events: &[String]) -> String {
    match events {
        [] => "assuming no fairness".to_string(),
        events => format!(
            "assuming fair {}",
            events
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// [`UnknownReason::NoFairInfiniteHistory`] in words.
pub(super) fn vacuity_words(
    f: &mut std::fmt::Formatter<'_>,
    depth: Option<usize>,
    leads_to: bool,
    assuming: &[String],
) -> std::fmt::Result {
    let arises = match leads_to {
        true => " in which the condition before `leads to` holds",
        false => "",
    };
    let (at_all, within) = match depth {
        Some(depth) => ("", format!(" (none loops back within {depth} steps)")),
        None => (" at all", String::new()),
    };
    write!(
        f,
        "vacuous: no fair infinite history{at_all}{arises}{within}, {}: the property would hold vacuously",
        fairness_words(assuming)
    )
}

/// A liveness command's histories are lassos looping back to `loop_start`.
pub(super) fn ending<'h>(
    charter: &'h hir::Charter,
    command: &'h Command,
    loop_start: usize,
) -> Option<Ending<'h>> {
    let formula = formula(charter, command)?;
    let (trigger, awaited) = formula.liveness_parts();
    Some(Ending::Lasso(eval::Lasso {
        name: &formula.name,
        trigger,
        awaited,
        loop_start,
        fair: &command.fair,
    }))
}

/// The state a solver's lasso loops back to: the first the loop detector
/// saved (the last state when none is, which replay then refuses).
pub(super) fn loop_start(raw: &RawTrace, atoms: LoopAtoms) -> usize {
    let saved = atoms.saved.0 as usize;
    raw.states
        .iter()
        .position(|state| matches!(state.get(saved), Some(Some(RawValue::Bool(true)))))
        .unwrap_or(raw.states.len().saturating_sub(1))
}

/// A liveness command's verdict by the explicit-state engine: every
/// reachable state is explored (a `check` too: a lasso needs its loop), a
/// fair lasso is a counterexample (replayed with its loop), none a proof
/// (`prove`) or, for `check`, no counterexample up to the depth.
pub(super) fn explicit(
    charter: &hir::Charter,
    command: &Command,
    formula: &Formula,
    depth: usize,
    max_states: usize,
    budget: &crate::budget::Budget,
) -> Result<Verdict, Stop> {
    let limits = explore::Limits::new(max_states, budget);
    let model = eval::Model::new(charter, &command.scopes);
    let unknown = |reason| Ok(Verdict::Unknown { reason });
    let within = matches!(command.kind, CommandKind::Check(_)).then_some(depth);
    match explore::fair::liveness(&model, formula, &command.fair, &limits, within) {
        Ok(explore::fair::Fair::Lasso {
            history,
            loop_start,
            shortest,
        }) => {
            let steps = history.steps.len();
            // `check` shows only a lasso of at most its depth, as the SMT
            // engine does: one longer is found only when the search for a
            // shortest stopped (then one within the depth may exist).
            if within.is_some_and(|k| steps > k) {
                return unknown(UnknownReason::ExplicitUnsupported {
                    what: format!(
                        "a fair lasso of {steps} steps violates the property, but the search for a shortest one stopped at its budget: one within {depth} steps may exist"
                    ),
                });
            }
            let free = trace::Free::default();
            let credit = trace::Credit::Replay;
            let ending = ending(charter, command, loop_start).ok_or(Stop::Replay {
                found: Found::Counterexample,
                depth: steps,
                rejection: eval::Rejection {
                    at: eval::At::End,
                    event: None,
                    reason: eval::Reason::Malformed {
                        what: "a lasso for a safety property".into(),
                    },
                },
            })?;
            let mut trace =
                trace::replayed(&model, history, &free, credit, ending).map_err(|rejection| {
                    Stop::Replay {
                        found: Found::Counterexample,
                        depth: steps,
                        rejection,
                    }
                })?;
            trace.loop_start = Some(loop_start);
            trace.not_shortest = !shortest;
            Ok(Verdict::Counterexample {
                depth: steps,
                trace,
            })
        }
        Ok(explore::fair::Fair::Holds { depth: reached }) => Ok(match command.kind {
            CommandKind::Prove(_) => Verdict::Proved {
                method: Method::Exhaustive,
                k: reached,
                assuming: assumed(charter, command),
            },
            _ => Verdict::NoneUpTo { depth },
        }),
        Ok(explore::fair::Fair::Vacuous { within }) => {
            unknown(vacuity(charter, command, formula, within))
        }
        Err(explore::Found::NoInitialState) => unknown(UnknownReason::NoInitialState),
        Err(explore::Found::Stopped(explore::Stopped::Budget(stopped))) => {
            unknown(UnknownReason::Budget(stopped))
        }
        Err(explore::Found::Stopped(stopped)) => unknown(UnknownReason::ExplicitLimit(stopped)),
        Err(explore::Found::Budget { max }) => {
            unknown(UnknownReason::StateBudget { max_states: max })
        }
        Err(explore::Found::Unsupported { what }) => {
            unknown(UnknownReason::ExplicitUnsupported { what })
        }
        Err(_) => unknown(UnknownReason::ExplicitUnsupported {
            what: "an answer the liveness search does not give".into(),
        }),
    }
}

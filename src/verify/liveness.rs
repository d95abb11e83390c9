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
    Some(
        command
            .fair
            .iter()
            .map(|f| charter.events[f.event.0].name.clone())
            .collect(),
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
    match explore::fair::liveness(&model, formula, &command.fair, &limits) {
        Ok(explore::fair::Fair::Lasso {
            history,
            loop_start,
        }) => {
            let steps = history.steps.len();
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

//! A whole history judged: [`replay`], and why a history is not one the
//! spec allows ([`Reason`], where: [`At`], both: [`Rejection`]).

use std::fmt;

use super::{Applied, History, Model, Scene};
use crate::hir::*;

/// Why a history is not one the spec allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The history's shape is wrong (states and steps do not line up, a
    /// state has the wrong number of cells).
    Malformed { what: String },
    /// A location holds a value outside its type (an integer out of range).
    OutOfDomain { location: String, value: String },
    /// A constant changed during the history.
    ConstantChanged { constant: String },
    /// A variable's initial value, or a constant's value, does not hold.
    Value { name: String },
    /// An `init`, axiom or clause state constraint does not hold.
    Formula { kind: &'static str, name: String },
    /// An event argument outside its parameter's type.
    Argument { event: String, param: String },
    /// A guard of the event does not hold in the state before: written with the
    /// event (`requires`), or (a permission or prohibition) in `clause`.
    Guard {
        event: String,
        index: usize,
        clause: Option<String>,
    },
    /// A clause's transition constraint does not hold.
    TransitionConstraint { clause: String },
    /// An applicable effect's value has a member its target cannot hold.
    EffectRange { clause: String, location: String },
    /// An applicable effect's equation does not hold.
    Effect { clause: String, location: String },
    /// A location no applicable effect mentions changed.
    Inertia { location: String },
    /// The final state does not violate the property.
    NotViolated { property: String },
    /// The final state does not satisfy the scenario's condition.
    NotReached { scenario: String },
    /// A lasso's last state is not the state at its loop's start.
    LoopNotClosed { property: String },
    /// A lasso reaches the condition its liveness property awaits.
    AwaitedHolds { property: String },
    /// An event assumed fair is enabled in every state of the loop and
    /// never happens in it.
    Unfair { event: String },
    /// An integer result outside i64 was met (the checker rules it out):
    /// what was evaluated is not exact.
    Overflow,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Malformed { what } => write!(f, "malformed history: {what}"),
            Reason::OutOfDomain { location, value } => {
                write!(f, "`{location}` = {value} is outside its type")
            }
            Reason::ConstantChanged { constant } => write!(f, "constant `{constant}` changed"),
            Reason::Value { name } => write!(f, "the declared value of `{name}` does not hold"),
            Reason::Formula { kind, name } => write!(f, "{kind} `{name}` does not hold"),
            Reason::Argument { event, param } => {
                write!(f, "argument `{param}` of `{event}` is outside its type")
            }
            Reason::Guard {
                event,
                index,
                clause: None,
            } => {
                write!(
                    f,
                    "guard {} (`requires`) of `{event}` does not hold",
                    index + 1
                )
            }
            Reason::Guard {
                event,
                clause: Some(clause),
                ..
            } => write!(f, "clause `{clause}` does not allow `{event}` here"),
            Reason::TransitionConstraint { clause } => {
                write!(
                    f,
                    "the transition constraint of clause `{clause}` does not hold"
                )
            }
            Reason::EffectRange { clause, location } => write!(
                f,
                "an effect of clause `{clause}` gives `{location}` a member outside its type"
            ),
            Reason::Effect { clause, location } => write!(
                f,
                "an applicable effect of clause `{clause}` on `{location}` does not hold"
            ),
            Reason::Inertia { location } => write!(
                f,
                "`{location}` changed although no applicable effect mentions it"
            ),
            Reason::NotViolated { property } => {
                write!(f, "the final state does not violate `{property}`")
            }
            Reason::NotReached { scenario } => {
                write!(f, "the final state does not satisfy scenario `{scenario}`")
            }
            Reason::LoopNotClosed { property } => write!(
                f,
                "the last state of the lasso for `{property}` is not the state its loop goes back to"
            ),
            Reason::AwaitedHolds { property } => write!(
                f,
                "the condition `{property}` awaits holds on the lasso"
            ),
            Reason::Unfair { event } => write!(
                f,
                "`{event}`, assumed fair, is enabled throughout the loop and never happens in it"
            ),
            Reason::Overflow => write!(
                f,
                "an integer result left the 64-bit integers charter computes with"
            ),
        }
    }
}

/// Where in a history a check failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// The initial state (or the constants).
    Initial,
    /// Step `n` (1-based) and the state it leads to.
    Step(usize),
    /// The final state, against the property or scenario.
    End,
}

/// A history that does not replay, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub at: At,
    /// The event of the step, where `at` is a step.
    pub event: Option<String>,
    pub reason: Reason,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.at, &self.event) {
            (At::Initial, _) => write!(f, "initial state: {}", self.reason),
            (At::Step(n), Some(event)) => write!(f, "step {n} (`{event}`): {}", self.reason),
            (At::Step(n), None) => write!(f, "step {n}: {}", self.reason),
            (At::End, _) => write!(f, "{}", self.reason),
        }
    }
}

/// What the last state of a replayed history must show.
#[derive(Clone, Copy)]
pub enum Ending<'a> {
    /// A counterexample: the property (by name and body) is false.
    Violates(&'a str, &'a Expr),
    /// A witness: the scenario's condition holds.
    Reaches(&'a str, &'a Expr),
    /// Only a lawful history (the road to a lint finding).
    Lawful,
    /// A liveness counterexample: the lasso it must be.
    Lasso(super::Lasso<'a>),
}

/// Replays a history through the semantics: the initial state is one, each
/// step is allowed and leads to exactly what the clauses allow, and the last
/// state ends as `ending` says.
pub fn replay(model: &Model, history: &History, ending: Ending) -> Result<(), Rejection> {
    replay_applied(model, history, ending).map(|_| ())
}

/// [`replay`], keeping what each step's applicable effects did: which
/// clauses assigned which locations (what a shown trace credits).
pub fn replay_applied(
    model: &Model,
    history: &History,
    ending: Ending,
) -> Result<Vec<Applied>, Rejection> {
    let initial = |reason| Rejection {
        at: At::Initial,
        event: None,
        reason,
    };
    if history.states.len() != history.steps.len() + 1 {
        return Err(initial(Reason::Malformed {
            what: format!(
                "{} states for {} steps",
                history.states.len(),
                history.steps.len()
            ),
        }));
    }
    model.check_initial(history).map_err(initial)?;
    let mut applied = Vec::with_capacity(history.steps.len());
    for (index, step) in history.steps.iter().enumerate() {
        let effects = model
            .check_step(history, index)
            .map_err(|reason| Rejection {
                at: At::Step(index + 1),
                event: model
                    .charter
                    .events
                    .get(step.event.0)
                    .map(|e| e.name.clone()),
                reason,
            })?;
        applied.push(effects);
    }
    let scene = Scene {
        states: &history.states,
        steps: &history.steps,
        now: history.states.len() - 1,
        next: None,
    };
    let reason = match ending {
        Ending::Violates(name, body) => {
            model
                .eval(body, scene)
                .truth()
                .then(|| Reason::NotViolated {
                    property: name.to_string(),
                })
        }
        Ending::Reaches(name, goal) => {
            (!model.eval(goal, scene).truth()).then(|| Reason::NotReached {
                scenario: name.to_string(),
            })
        }
        Ending::Lawful => None,
        Ending::Lasso(lasso) => model.check_lasso(history, &lasso),
    };
    // Only once the verdict's own reason is known: an inexact evaluation
    // anywhere makes the history unconfirmed, whatever it showed.
    let reason = match reason {
        None if model.overflowed() => Some(Reason::Overflow),
        reason => reason,
    };
    match reason {
        Some(reason) => Err(Rejection {
            at: At::End,
            event: None,
            reason,
        }),
        None => Ok(applied),
    }
}

//! A liveness counterexample judged: a lasso. The history's last state
//! equals the state at its loop's start (so the loop can repeat forever);
//! the awaited condition never holds from the point it is awaited (for
//! `eventually Q`, the initial state; for `P leads to Q`, a state at or
//! before the loop's start where P holds) to the end; and every event
//! assumed fair happens in the loop or is disabled in one of its states
//! (weak fairness: an event enabled in every state of the loop would have
//! to happen in it).

use super::expr::{Evaluator, Scene};
use super::{History, Model, Reason};
use crate::hir::*;

/// What makes a history a liveness counterexample.
#[derive(Clone, Copy)]
pub struct Lasso<'a> {
    /// The property's name.
    pub name: &'a str,
    /// `P` of `P leads to Q`; `None` for `eventually Q`.
    pub trigger: Option<&'a Expr>,
    /// `Q`.
    pub awaited: &'a Expr,
    /// The state the loop goes back to.
    pub loop_start: usize,
    pub fair: &'a [Fairness],
}

impl Model<'_> {
    /// Whether `history`, a lawful history, is the lasso `lasso` says.
    pub fn check_lasso(&self, history: &History, lasso: &Lasso) -> Option<Reason> {
        let last = history.states.len() - 1;
        let start = lasso.loop_start;
        let name = lasso.name.to_string();
        if start >= last || history.states[start] != history.states[last] {
            return Some(Reason::LoopNotClosed { property: name });
        }
        let holds = |expr: &Expr, now: usize| {
            let scene = Scene {
                states: &history.states,
                steps: &history.steps,
                now,
                next: None,
            };
            self.eval(expr, scene).truth()
        };
        // The first state from which Q is awaited and never comes.
        let awaited_from = match lasso.trigger {
            None => Some(0),
            Some(trigger) => (0..=start).rev().find(|&at| holds(trigger, at)),
        };
        let never =
            awaited_from.is_some_and(|from| (from..=last).all(|at| !holds(lasso.awaited, at)));
        if !never {
            return Some(Reason::AwaitedHolds { property: name });
        }
        for fair in lasso.fair {
            let happens = history.steps[start..]
                .iter()
                .any(|step| step.event == fair.event);
            let disabled = (start..=last).any(|at| !self.enabled(history, fair.event, at));
            if !happens && !disabled {
                return Some(Reason::Unfair {
                    event: self.charter.events[fair.event.0].name.clone(),
                });
            }
        }
        None
    }

    /// Whether `event`'s `requires` hold in state `at` of `history` for
    /// some choice of its arguments.
    pub fn enabled(&self, history: &History, event: EventId, at: usize) -> bool {
        let decl = &self.charter.events[event.0];
        let types: Vec<Type> = decl
            .params
            .iter()
            .map(|p| self.charter.local(*p).ty.clone())
            .collect();
        let mut evaluator = Evaluator {
            model: self,
            scene: Scene {
                states: &history.states,
                steps: &history.steps,
                now: at,
                next: None,
            },
            env: vec![None; self.charter.locals.len()],
            monitor: None,
        };
        self.tuples(&types).into_iter().any(|args| {
            for (param, value) in decl.params.iter().zip(args) {
                evaluator.env[param.0] = Some(value);
            }
            decl.requires.iter().all(|g| evaluator.truth(&g.body, at))
        })
    }
}

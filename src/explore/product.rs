//! The explicit engine on two copies side by side (two readings of one
//! spec, `compare`/`diverge`): breadth first over pairs of `eval` states
//! that both copies reach by the same events with the same arguments,
//! from initial states alike on the tied locations. A cross-check of the
//! product engine ([`crate::solve::product`]) in the differential tests.

use std::collections::HashSet;

use super::domains::{initial_states, successors, Occurrences};
use super::{Found, Limits, Watch};
use crate::eval::{Model, State};
use crate::hir::StateId;

/// What the breadth-first search over pairs found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Paired {
    /// A shortest history after which the copies differ on a compared
    /// location (`compare`), or after which one copy allows an event with
    /// arguments and the other has no lawful successor for it (`diverge`).
    At { depth: usize },
    /// None within `depth` steps; `exhausted` when every reachable pair
    /// was seen (no pair is new beyond them).
    None { depth: usize, exhausted: bool },
    /// Too large, or not for this engine.
    Unsupported(String),
}

/// The question asked of each pair.
#[derive(Clone, Copy, Debug)]
pub enum Question<'a> {
    Differ(&'a [StateId]),
    Refused,
}

/// Breadth first over pairs of states, at most `max_depth` steps.
pub fn paired(
    models: [&Model; 2],
    tied: &[StateId],
    question: Question,
    max_depth: usize,
    limits: &Limits,
) -> Paired {
    match search(models, tied, question, max_depth, limits) {
        Ok(answer) => answer,
        Err(found) => Paired::Unsupported(format!("{found:?}")),
    }
}

fn search(
    models: [&Model; 2],
    tied: &[StateId],
    question: Question,
    max_depth: usize,
    limits: &Limits,
) -> Result<Paired, Found> {
    let watch = [Watch::new(limits, models[0]), Watch::new(limits, models[1])];
    let starts = [
        initial_states(models[0], &watch[0])?,
        initial_states(models[1], &watch[1])?,
    ];
    let alike =
        |a: &State, b: &State, on: &[StateId]| on.iter().all(|s| a.cells[s.0] == b.cells[s.0]);
    let mut layer: Vec<(State, State)> = Vec::new();
    for a in &starts[0] {
        for b in &starts[1] {
            if alike(a, b, tied) {
                layer.push((a.clone(), b.clone()));
            }
        }
    }
    let occurrences = Occurrences::new(models[0], limits.max_states)?;
    let mut seen: HashSet<(State, State)> = layer.iter().cloned().collect();
    for depth in 0..=max_depth {
        if let Question::Differ(on) = question {
            if layer.iter().any(|(a, b)| !alike(a, b, on)) {
                return Ok(Paired::At { depth });
            }
        }
        if layer.is_empty() {
            return Ok(Paired::None {
                depth,
                exhausted: true,
            });
        }
        let mut next = Vec::new();
        for (a, b) in &layer {
            for n in 0..occurrences.len() {
                let occurrence = occurrences.get(n);
                let mine = successors(models[0], a, &occurrence, &watch[0], depth)?;
                let theirs = successors(models[1], b, &occurrence, &watch[1], depth)?;
                if matches!(question, Question::Refused)
                    && depth < max_depth
                    && mine.is_empty() != theirs.is_empty()
                {
                    return Ok(Paired::At { depth: depth + 1 });
                }
                for x in &mine {
                    for y in &theirs {
                        let pair = (x.clone(), y.clone());
                        if seen.len() > limits.max_states {
                            return Err(Found::Unsupported {
                                what: "too many pairs of states".into(),
                            });
                        }
                        if seen.insert(pair.clone()) {
                            next.push(pair);
                        }
                    }
                }
            }
        }
        if depth == max_depth {
            break;
        }
        layer = next;
    }
    Ok(Paired::None {
        depth: max_depth,
        exhausted: false,
    })
}

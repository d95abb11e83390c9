//! A spec's lemmas proved together, whatever order they are written in:
//! k-induction on their conjunction, with the lemmas that fail dropped one
//! round at a time until what remains is inductive (the Houdini method).
//!
//! For each k from 1: the base case refutes each lemma violated by a
//! history of exactly k - 1 steps (its counterexample is kept); the step
//! case then assumes every lemma still open in the first k states of a
//! simple path and asks for one of them violated in the state after: the
//! lemmas violated in the model found are dropped from the assumptions and
//! the question asked again, until none is violated — those left are
//! proved together at k, and from then on assumed in every state. The
//! round repeats at the same k while it proves something new (a lemma may
//! follow from one just proved, in the same state), then k grows. Sound:
//! a set of lemmas that holds in the first k states of every history and
//! whose conjunction is k-inductive holds in every reachable state.

use z3::ast::Bool;

use super::encode::Unrolling;
use super::{assert_lemmas, check, new_solver, Limits, RawTrace, SolverUnknown};
use crate::ir::{System, TermId};

/// What became of one lemma.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LemmaProof {
    /// Holds in every reachable state: proved (with the others proved) by
    /// k-induction at `k`.
    Proved { k: usize },
    /// False: violated in the state after `depth` steps of `trace`.
    Refuted { depth: usize, trace: RawTrace },
    /// Neither proved nor refuted by k-induction up to `k`.
    Open { k: usize },
}

/// The fate of each of `lemmas` (in their order), by k-induction up to
/// `max_k` on `system`'s rules.
pub fn prove_together(
    system: &System,
    lemmas: &[TermId],
    max_k: usize,
    limits: &Limits,
) -> Result<Vec<LemmaProof>, SolverUnknown> {
    prove_together_assuming(system, &[], lemmas, max_k, limits)
}

/// As [`prove_together`], assuming in every state of the induction step
/// the invariants `known` (proved before: they hold in every reachable
/// state, e.g. lemmas proved on the rules alone, for a liveness system's
/// candidates).
pub fn prove_together_assuming(
    system: &System,
    known: &[TermId],
    lemmas: &[TermId],
    max_k: usize,
    limits: &Limits,
) -> Result<Vec<LemmaProof>, SolverUnknown> {
    let mut fates: Vec<Option<LemmaProof>> = vec![None; lemmas.len()];
    let max_k = max_k.max(1);
    let base = new_solver(limits);
    let mut base_unrolling = Unrolling::new(system, "", limits.symmetry);
    let step = new_solver(limits);
    let mut step_unrolling = Unrolling::new(system, "step!", limits.symmetry);
    // Lemma i is assumed in the step's states before the last where
    // `assumed[i]` is.
    let assumed: Vec<Bool> = lemmas
        .iter()
        .map(|_| step_unrolling.fresh("assumed"))
        .collect();
    step_unrolling.add_state(&step);
    step_unrolling.assert_state(&step, 0, false);
    assert_lemmas(&step, &mut step_unrolling, known, 0);
    let mut proved: Vec<TermId> = known.to_vec();
    for k in 0..max_k {
        if fates.iter().all(Option::is_some) {
            break;
        }
        limits.budget.check(Some(k))?;
        let _examining = crate::budget::examining(k);
        // Base: a violation in exactly k steps (shorter ones were asked).
        base_unrolling.add_state(&base);
        base_unrolling.assert_state(&base, k, k == 0);
        loop {
            let open = still_open(&fates);
            if open.is_empty() {
                break;
            }
            let violated: Vec<Bool> = open
                .iter()
                .map(|i| base_unrolling.bool_at(lemmas[*i], k).not())
                .collect();
            let Some(model) = violation(&base, &mut base_unrolling, &violated, limits, k)? else {
                // Every open lemma holds in every history of k steps.
                for violated in &violated {
                    base.assert(violated.not());
                }
                break;
            };
            let trace = base_unrolling.read(&model, k);
            for (i, violated) in open.iter().zip(&violated) {
                if is_true(&model, violated) {
                    fates[*i] = Some(LemmaProof::Refuted {
                        depth: k,
                        trace: trace.clone(),
                    });
                }
            }
        }
        // Step: the open lemmas assumed (each under its literal) in state
        // k, a transition to state k + 1 distinct from all before it.
        for (lemma, literal) in lemmas.iter().zip(&assumed) {
            let holds = step_unrolling.bool_at(*lemma, k);
            step.assert(literal.implies(&holds));
        }
        step_unrolling.add_state(&step);
        step_unrolling.assert_state(&step, k + 1, false);
        assert_lemmas(&step, &mut step_unrolling, &proved, k + 1);
        for earlier in 0..=k {
            step.assert(step_unrolling.distinct(earlier, k + 1));
        }
        // Rounds at this k while one proves something new.
        loop {
            let mut candidates = still_open(&fates);
            while !candidates.is_empty() {
                let violated: Vec<Bool> = candidates
                    .iter()
                    .map(|i| step_unrolling.bool_at(lemmas[*i], k + 1).not())
                    .collect();
                let assuming: Vec<Bool> = candidates.iter().map(|i| assumed[*i].clone()).collect();
                let question = (&step, &mut step_unrolling, &violated[..]);
                match violation_assuming(question, &assuming, limits, k + 1)? {
                    Some(model) => {
                        let before = candidates.len();
                        let mut kept = Vec::new();
                        for (i, violated) in candidates.iter().zip(&violated) {
                            if !is_true(&model, violated) {
                                kept.push(*i);
                            }
                        }
                        candidates = kept;
                        if candidates.len() == before {
                            return Err(SolverUnknown::gave_up(
                                "the solver's model of a failed induction step violates no lemma",
                            ));
                        }
                    }
                    None => break,
                }
            }
            if candidates.is_empty() {
                break;
            }
            for i in &candidates {
                fates[*i] = Some(LemmaProof::Proved { k: k + 1 });
                proved.push(lemmas[*i]);
                for state in 0..=k + 1 {
                    assert_lemmas(&step, &mut step_unrolling, &lemmas[*i..=*i], state);
                }
            }
        }
    }
    Ok(fates
        .into_iter()
        .map(|fate| fate.unwrap_or(LemmaProof::Open { k: max_k }))
        .collect())
}

/// The lemmas neither proved nor refuted yet.
fn still_open(fates: &[Option<LemmaProof>]) -> Vec<usize> {
    (0..fates.len()).filter(|i| fates[*i].is_none()).collect()
}

fn is_true(model: &z3::Model, term: &Bool) -> bool {
    model.eval(term, true).and_then(|b| b.as_bool()) == Some(true)
}

/// A model where one of `violated` holds, if there is one.
fn violation(
    solver: &z3::Solver,
    unrolling: &mut Unrolling,
    violated: &[Bool],
    limits: &Limits,
    depth: usize,
) -> Result<Option<z3::Model>, SolverUnknown> {
    violation_assuming((solver, unrolling, violated), &[], limits, depth)
}

/// A model where one of `violated` holds under `assuming`, if there is
/// one. The question is asked under a fresh literal, retracted after.
fn violation_assuming(
    (solver, unrolling, violated): (&z3::Solver, &mut Unrolling, &[Bool]),
    assuming: &[Bool],
    limits: &Limits,
    depth: usize,
) -> Result<Option<z3::Model>, SolverUnknown> {
    let activation = unrolling.fresh("violated");
    solver.assert(activation.implies(Bool::or(violated)));
    unrolling.flush(solver);
    let mut assumptions = assuming.to_vec();
    assumptions.push(activation.clone());
    let found = check(solver, &assumptions, &limits.budget).map_err(|u| u.at(depth))?;
    let model = if found {
        Some(solver.get_model().ok_or_else(|| {
            SolverUnknown::gave_up("the solver found a violation but gave no model")
        })?)
    } else {
        None
    };
    solver.assert(activation.not());
    Ok(model)
}

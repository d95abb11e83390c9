//! Lemmas proved once per file: which of a spec's lemmas k-induction
//! proves under given scopes, depth and limits, asked once and remembered
//! for every command of the file that asks again (a model with nine lemmas
//! spent 43.8 s re-proving them for each command, 1.1 s once).
//!
//! The lemmas are proved in the spec's order, each assuming those proved
//! before it, on the rules lowered with no goal ([`lower::lower_rules`]):
//! what is proved there holds in every reachable state of any command's
//! system with the same scopes, which adds only monitors of its property.
//! A lemma that is itself the goal is left out of the chain that the goal
//! assumes (assuming it, or a lemma proved with its help, would be
//! circular), so the key is the scopes, the depth, the limits and the
//! lemma left out.

use crate::hir::{self, FormulaId, FormulaKind, SortId};
use crate::lower;
use crate::solve::{self, Limits, Proof, SolverUnknown};

/// What a chain is asked for: sort sizes, depth (the largest k), limits,
/// and the lemma left out.
type Key = (Vec<usize>, usize, Limits, Option<FormulaId>);

/// The lemmas proved so far, by what was asked.
#[derive(Default)]
pub(super) struct Cache {
    known: Vec<(Key, Result<Vec<FormulaId>, SolverUnknown>)>,
}

impl Cache {
    /// The lemmas k-induction proves (up to k = `depth`) under `scopes`, in
    /// the spec's order, leaving out `goal` where it is a lemma; an error
    /// where the solver gave up on one.
    pub(super) fn proved(
        &mut self,
        charter: &hir::Charter,
        scopes: &[(SortId, u64)],
        depth: usize,
        limits: &Limits,
        goal: Option<FormulaId>,
    ) -> Result<Vec<FormulaId>, SolverUnknown> {
        let left_out = goal.filter(|id| charter.formula(*id).kind == FormulaKind::Lemma);
        let key = (charter.sort_sizes(scopes), depth, limits.clone(), left_out);
        if let Some((_, answer)) = self.known.iter().find(|(k, _)| *k == key) {
            return answer.clone();
        }
        // On a thread (hence a Z3 context) of its own, so that neither the
        // answer nor the context of the command that asked depends on
        // which command asked first.
        let answer = crate::with_stack(|| {
            crate::budget::watched(&limits.budget, || {
                chain(charter, scopes, depth, limits, left_out)
            })
            .unwrap_or_else(|stopped| Err(stopped.into()))
        });
        // A chain the run's budget stopped is not an answer: the next
        // command asks again (and meets the same budget).
        if !matches!(&answer, Err(unknown) if unknown.stopped.is_some()) {
            self.known.push((key, answer.clone()));
        }
        answer
    }
}

/// Each lemma but `left_out`, in order, with the ones proved before it
/// assumed; those proved.
fn chain(
    charter: &hir::Charter,
    scopes: &[(SortId, u64)],
    depth: usize,
    limits: &Limits,
    left_out: Option<FormulaId>,
) -> Result<Vec<FormulaId>, SolverUnknown> {
    let lowered = lower::lower_rules(charter, scopes);
    let system = &lowered.system;
    let mut proved = Vec::new();
    let mut assumed = Vec::new();
    for (id, lemma) in &system.lemmas {
        if Some(*id) == left_out {
            continue;
        }
        if let Proof::Proved { .. } = solve::prove(system, *lemma, &assumed, depth, limits)? {
            assumed.push(*lemma);
            proved.push(*id);
        }
    }
    Ok(proved)
}

/// The terms of `proved` in a command's system, with their names.
pub(super) fn assumed(
    charter: &hir::Charter,
    system: &crate::ir::System,
    proved: &[FormulaId],
) -> (Vec<crate::ir::TermId>, Vec<String>) {
    system
        .lemmas
        .iter()
        .filter(|(id, _)| proved.contains(id))
        .map(|(id, term)| (*term, charter.formula(*id).name.clone()))
        .unzip()
}

/// The induction shortcut of `check` once more, where it did not close
/// without lemmas: assuming the lemmas that induction proves at the same
/// small k (`prove` assumes those it proves at its depth), so that a
/// property `prove` proves is not searched for depth by depth. Proved, the
/// names of the lemmas it assumed go to `used`. On a thread (hence a Z3
/// context) of its own: the command's context, and so the
/// counterexamples its search finds, stay what they are without lemmas.
/// Open where there are none, or where the solver gives up.
pub(super) fn shortcut(
    cache: &mut Cache,
    (charter, command, system): (&hir::Charter, &hir::Command, &crate::ir::System),
    k: usize,
    limits: &Limits,
    used: &mut Vec<String>,
) -> Proof {
    let open = Proof::Open { k };
    let goal = match command.kind {
        hir::CommandKind::Check(id) | hir::CommandKind::Prove(id) => Some(id),
        hir::CommandKind::Scenario { .. } => None,
    };
    let Ok(proved) = cache.proved(charter, &command.scopes, k, limits, goal) else {
        return open;
    };
    let (assumed, names) = assumed(charter, system, &proved);
    if assumed.is_empty() {
        return open;
    }
    let target = system.goal.term;
    match crate::with_stack(|| solve::prove(system, target, &assumed, k, limits)) {
        Ok(Proof::Proved { k }) => {
            *used = names;
            Proof::Proved { k }
        }
        _ => open,
    }
}

//! Lemmas proved once per file: which of a spec's lemmas k-induction
//! proves under given scopes, depth and limits, asked once and remembered
//! for every command of the file that asks again (a model with nine lemmas
//! spent 43.8 s re-proving them for each command, 1.1 s once).
//!
//! The lemmas are proved together ([`solve::prove_together`]), so the
//! order they are written in does not matter, on the rules lowered with no
//! goal ([`lower::lower_rules`]): what is proved there holds in every
//! reachable state of any command's system with the same scopes, which
//! adds only monitors of its property. Each lemma's fate is kept — proved,
//! refuted (with its counterexample, replayed as every history is) or
//! neither — so that a proof says which lemmas it could not assume and
//! why. A lemma that is itself the goal is left out of the lemmas that the
//! goal assumes (assuming it, or a lemma proved with its help, would be
//! circular), so the key is the scopes, the depth, the limits and the
//! lemma left out.

use serde::Serialize;

use crate::hir::{self, FormulaId, SortId};
use crate::lower;
use crate::solve::{self, LemmaProof, Limits, Proof, SolverUnknown};
use crate::trace::{self, Trace};

/// What a chain is asked for: sort sizes, depth (the largest k), limits,
/// and the lemma left out.
type Key = (Vec<usize>, usize, Limits, Option<FormulaId>);

/// What became of a lemma, as a proof that asked for it reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LemmaReport {
    pub name: String,
    #[serde(flatten)]
    pub fate: LemmaFate,
}

/// Whether a lemma was proved (and so assumed), refuted or neither.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "fate", rename_all = "snake_case")]
pub enum LemmaFate {
    /// Proved by k-induction at `k`, together with the others proved.
    Proved { k: usize },
    /// False: `trace` (of `depth` steps) ends in a state violating it.
    Refuted { depth: usize, trace: Box<Trace> },
    /// Neither proved nor refuted by k-induction up to `k`.
    Open { k: usize },
}

/// The fate of each lemma asked for, in the spec's order.
type Fates = Vec<(FormulaId, LemmaFate)>;

/// The lemmas' fates so far, by what was asked.
#[derive(Default)]
pub(super) struct Cache {
    known: Vec<(Key, Result<Fates, SolverUnknown>)>,
}

impl Cache {
    /// The lemmas k-induction proves (up to k = `depth`) under `scopes`,
    /// in the spec's order, leaving out `goal` where it is a lemma; an
    /// error where the solver gave up.
    pub(super) fn proved(
        &mut self,
        charter: &hir::Charter,
        scopes: &[(SortId, u64)],
        depth: usize,
        limits: &Limits,
        goal: Option<FormulaId>,
    ) -> Result<Vec<FormulaId>, SolverUnknown> {
        Ok(proved_of(
            &self.fates(charter, scopes, depth, limits, goal)?,
        ))
    }

    /// What became of each lemma (but `goal`) under `scopes`, by
    /// k-induction up to k = `depth`; an error where the solver gave up.
    pub(super) fn fates(
        &mut self,
        charter: &hir::Charter,
        scopes: &[(SortId, u64)],
        depth: usize,
        limits: &Limits,
        goal: Option<FormulaId>,
    ) -> Result<Fates, SolverUnknown> {
        let left_out = goal.filter(|id| charter.formula(*id).kind == hir::FormulaKind::Lemma);
        let key = (charter.sort_sizes(scopes), depth, limits.clone(), left_out);
        if let Some((_, answer)) = self.known.iter().find(|(k, _)| *k == key) {
            return answer.clone();
        }
        // On a thread (hence a Z3 context) of its own, so that neither the
        // answer nor the context of the command that asked depends on
        // which command asked first.
        let answer = crate::with_stack(|| {
            crate::budget::watched(&limits.budget, || {
                together(charter, scopes, depth, limits, left_out)
            })
            .unwrap_or_else(|stopped| Err(stopped.into()))
        });
        // An answer the run's budget stopped is not an answer: the next
        // command asks again (and meets the same budget).
        if !matches!(&answer, Err(unknown) if unknown.stopped.is_some()) {
            self.known.push((key, answer.clone()));
        }
        answer
    }
}

/// The fate of each lemma but `left_out`, proved together; each
/// counterexample replayed.
fn together(
    charter: &hir::Charter,
    scopes: &[(SortId, u64)],
    depth: usize,
    limits: &Limits,
    left_out: Option<FormulaId>,
) -> Result<Fates, SolverUnknown> {
    let lowered = lower::lower_rules(charter, scopes);
    let system = &lowered.system;
    let asked: Vec<_> = system
        .lemmas
        .iter()
        .filter(|(id, _)| Some(*id) != left_out)
        .collect();
    let terms: Vec<_> = asked.iter().map(|(_, term)| *term).collect();
    let proofs = solve::prove_together(system, &terms, depth, limits)?;
    let model = crate::eval::Model::new(charter, scopes);
    asked
        .iter()
        .zip(proofs)
        .map(|((id, _), proof)| {
            let fate = match proof {
                LemmaProof::Proved { k } => LemmaFate::Proved { k },
                LemmaProof::Open { k } => LemmaFate::Open { k },
                LemmaProof::Refuted { depth, trace: raw } => {
                    let formula = charter.formula(*id);
                    let (history, free) =
                        trace::history(&model, &system.terms, &lowered.layout, &raw);
                    let ending = crate::eval::Ending::Violates(&formula.name, &formula.body);
                    let credit = trace::Credit::Spec;
                    let trace = trace::replayed(&model, history, &free, credit, ending)
                        .map_err(|rejection| {
                            SolverUnknown::gave_up(format!(
                                "internal error: the counterexample to lemma {} was not replayed: {rejection}",
                                formula.name
                            ))
                        })?;
                    LemmaFate::Refuted {
                        depth,
                        trace: Box::new(trace),
                    }
                }
            };
            Ok((*id, fate))
        })
        .collect()
}

/// What a command's proof asked of the lemmas: the names of those it
/// assumed, and every lemma's fate (for `prove`).
#[derive(Default)]
pub(super) struct Asked {
    pub(super) used: Vec<String>,
    pub(super) reports: Vec<LemmaReport>,
    /// For a liveness proof with `decreasing M`: its candidates' fates.
    pub(super) measure: Option<super::MeasureReport>,
}

/// The lemmas of `fates` that were proved.
pub(super) fn proved_of(fates: &Fates) -> Vec<FormulaId> {
    fates
        .iter()
        .filter(|(_, fate)| matches!(fate, LemmaFate::Proved { .. }))
        .map(|(id, _)| *id)
        .collect()
}

/// The reports of `fates`, by lemma name.
pub(super) fn reports(charter: &hir::Charter, fates: &Fates) -> Vec<LemmaReport> {
    fates
        .iter()
        .map(|(id, fate)| LemmaReport {
            name: charter.formula(*id).name.clone(),
            fate: fate.clone(),
        })
        .collect()
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

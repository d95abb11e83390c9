//! A liveness proof's `decreasing M` hint: its candidate invariants (see
//! [`lower::Candidate`]) proved by k-induction on the command's system,
//! together (the Houdini method of [`solve::prove_together_assuming`]),
//! assuming the lemmas proved on the rules. Those proved are assumed by
//! the proof of the goal; the others are dropped, and every candidate's
//! fate is reported, so that a verdict says whether it used the measure
//! and, if not, which candidate failed.

use serde::Serialize;

use crate::ir::TermId;
use crate::lower::Lowered;
use crate::solve::{self, LemmaProof, Limits, SolverUnknown};

/// What became of a `decreasing` measure's candidates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MeasureReport {
    /// The measure as written.
    pub measure: String,
    pub candidates: Vec<CandidateReport>,
}

impl MeasureReport {
    /// Whether the proof assumed some of the candidates.
    pub fn used(&self) -> bool {
        self.candidates
            .iter()
            .any(|c| !c.auxiliary && matches!(c.fate, CandidateFate::Proved { .. }))
    }
}

/// One candidate invariant and its fate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CandidateReport {
    /// What it says, in words.
    pub claim: String,
    /// Whether it says nothing of the measure (that Q does not hold
    /// while owed, which the others need): proved alone, the measure is
    /// not used.
    #[serde(skip)]
    pub auxiliary: bool,
    #[serde(flatten)]
    pub fate: CandidateFate,
}

/// Whether a candidate was proved (and so assumed), refuted or neither.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "fate", rename_all = "snake_case")]
pub enum CandidateFate {
    /// Proved by k-induction at `k`, together with the others proved.
    Proved { k: usize },
    /// False: a history of `depth` steps violates it.
    Refuted { depth: usize },
    /// Neither proved nor refuted by k-induction up to `k`.
    Open { k: usize },
}

/// The invariants a liveness proof assumes: `known` (the lemmas proved),
/// and the candidates of `command`'s measure proved with them up to k =
/// `depth`, whose fates go to `report`. Without a measure, `known`.
pub(super) fn assumed(
    lowered: &Lowered,
    measure: Option<&crate::hir::Measure>,
    known: Vec<TermId>,
    depth: usize,
    limits: &Limits,
    report: &mut Option<MeasureReport>,
) -> Result<Vec<TermId>, SolverUnknown> {
    let candidates = &lowered.layout.measure;
    let Some(measure) = measure.filter(|_| !candidates.is_empty()) else {
        return Ok(known);
    };
    let terms: Vec<TermId> = candidates.iter().map(|c| c.term).collect();
    let proofs = solve::prove_together_assuming(&lowered.system, &known, &terms, depth, limits)?;
    let mut assumed = known;
    let mut reports = Vec::new();
    for (candidate, proof) in candidates.iter().zip(proofs) {
        let fate = match proof {
            LemmaProof::Proved { k } => {
                assumed.push(candidate.term);
                CandidateFate::Proved { k }
            }
            LemmaProof::Refuted { depth, .. } => CandidateFate::Refuted { depth },
            LemmaProof::Open { k } => CandidateFate::Open { k },
        };
        reports.push(CandidateReport {
            claim: candidate.claim.describe(&measure.text),
            auxiliary: candidate.claim == crate::lower::Claim::NotYet,
            fate,
        });
    }
    *report = Some(MeasureReport {
        measure: measure.text.clone(),
        candidates: reports,
    });
    Ok(assumed)
}

//! What a comparison of two readings found (`compare literal practice:
//! chair`, `diverge literal practice`), as an [`super::Outcome`] carries
//! it: both readings' histories, the first point where they disagree with
//! the clauses that made each side's value, or the event one reading
//! refuses with what forbids it. The queries run in `crate::compare`.

use serde::Serialize;

use crate::hir::Expectation;
use crate::lint::Blamed;
use crate::trace::{ClauseRef, Trace};

/// Two readings of one group side by side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub group: String,
    /// The two readings compared, in the command's order.
    pub readings: [String; 2],
    /// For `compare`: the locations compared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
    /// The history found under each reading (the same events with the
    /// same arguments), replayed by `eval` under that reading; for
    /// `diverge`, the refusing reading's history ends with the refused
    /// step (not replayed: `eval` rejects it there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histories: Option<Box<[Trace; 2]>>,
    /// For `compare`: each location on which the readings disagree in the
    /// last state (the first point of disagreement).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<Difference>,
    /// For `diverge`: the event one reading allows and the other forbids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<Refusal>,
    /// For a proof: what it rests on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
}

/// One location's two values at the first point of disagreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub location: String,
    /// Under each reading.
    pub values: [String; 2],
    /// Under each reading, the step whose clauses last set the value
    /// (`None`: the initial value, never changed).
    pub set_at: [Option<usize>; 2],
    /// The clauses that made each value (empty: the initial value).
    pub made_by: [Vec<ClauseRef>; 2],
}

/// A step one reading allows and the other forbids.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// Its number (the history's last step).
    pub step: usize,
    /// The event with its arguments: `session(host: A, next: A)`.
    pub event: String,
    pub allowed_by: String,
    pub forbidden_by: String,
    /// Why `eval` rejects it under the forbidding reading.
    pub rejection: String,
    /// What forbids it there.
    pub blamed: Vec<Blamed>,
}

/// Whether a comparison's verdict is what its `expect` says.
pub fn meets(expect: Expectation, verdict: &super::Verdict) -> bool {
    use super::Verdict;
    matches!(
        (expect, verdict),
        (Expectation::Proved, Verdict::Proved { .. })
            | (Expectation::Witness, Verdict::Witness { .. })
            | (Expectation::NoWitness, Verdict::NoneUpTo { .. })
            | (Expectation::Unknown, Verdict::Unknown { .. })
    )
}

/// Why a comparison whose readings share no initial state is unknown.
pub const NO_COMMON_START: &str =
    "the two readings have no initial state in common: no history is lawful under both";

impl super::OutcomeKind {
    /// Whether nothing found within the depth is a success: for `check`,
    /// and for a comparison (a question: nothing found is an answer too).
    pub fn succeeds_with_none_found(self) -> bool {
        matches!(self, Self::Check | Self::Compare | Self::Diverge)
    }
}

//! `charter diff OLD NEW`: what an amendment changes. Declarations are
//! matched by name, renames by a structural heuristic (`matching.rs`);
//! then three questions:
//!
//! * (a) each command whose verdict changed (both versions' commands run,
//!   paired by name or rename);
//! * (b) a shortest history lawful under one version whose last step the
//!   other refuses, each direction, with what forbids it there
//!   (`histories.rs`, on the product engine [`crate::solve::product`]);
//! * (c) whether the versions agree on the matched locations after every
//!   history lawful in both: a proof by k-induction on the product, or the
//!   first disagreement.
//!
//! Every history shown was replayed by [`crate::eval`] on both versions.

mod histories;
mod matching;

use serde::Serialize;

use crate::hir;
use crate::lint::Blamed;
use crate::plan::{Overrides, Plan, PlanError};
use crate::trace::Trace;
use crate::verify::{Outcome, Verdict};

pub use histories::{agreement, one_sided, product_of, version, Product, Version};
pub use matching::{match_declarations, Category, Changed, Declared, Matched, Matching, Renamed};

/// What `charter diff` found.
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    pub renamed: Vec<Renamed>,
    /// Same name, another shape (a clause's text, a variable's type).
    pub changed: Vec<Changed>,
    pub removed: Vec<Declared>,
    pub added: Vec<Declared>,
    /// Commands whose verdict differs (or that one version lacks).
    pub verdicts: Vec<VerdictChange>,
    /// Lawful under the old version, refused by the new one.
    pub old_only: OneSided,
    /// Lawful under the new version, refused by the old one.
    pub new_only: OneSided,
    /// Whether the versions agree on the matched locations.
    pub agreement: Agreement,
    /// The matched locations compared.
    pub locations: Vec<String>,
    /// Matched events whose inputs do not line up (other scopes): never
    /// taken by the product.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unpaired_events: Vec<String>,
}

impl Diff {
    /// Whether anything differs beyond names (or a question was left
    /// open): what makes the exit code 1.
    pub fn differs(&self) -> bool {
        !self.changed.is_empty()
            || !self.removed.is_empty()
            || !self.added.is_empty()
            || !self.verdicts.is_empty()
            || !matches!(self.old_only, OneSided::NoneUpTo { .. })
            || !matches!(self.new_only, OneSided::NoneUpTo { .. })
            || !matches!(
                self.agreement,
                Agreement::Proved { .. } | Agreement::NoneUpTo { .. }
            )
    }

    /// Whether a history did not replay: a bug in charter (exit code 2).
    pub fn internal_error(&self) -> bool {
        [&self.old_only, &self.new_only]
            .iter()
            .any(|o| matches!(o, OneSided::ReplayFailed { .. }))
            || matches!(self.agreement, Agreement::ReplayFailed { .. })
    }
}

/// A command whose verdict changed.
#[derive(Clone, Debug, Serialize)]
pub struct VerdictChange {
    /// Its name in the old version (`None`: only the new one has it).
    pub old_command: Option<String>,
    pub new_command: Option<String>,
    pub property: Option<String>,
    /// The verdicts in short (`proved`, `counterexample in 2 steps`).
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A history lawful under one version whose last step the other refuses.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum OneSided {
    Found {
        /// Its steps, the refused one included.
        depth: usize,
        /// The event of the refused step.
        event: String,
        /// The history under the version that allows it (replayed).
        lawful: Box<Trace>,
        /// The steps before under the refusing version (replayed), then
        /// the refused step (not replayed: `eval` rejects it).
        refused: Box<Trace>,
        /// Why `eval` rejects the last step in the refusing version.
        rejection: String,
        /// What forbids it there; empty when that version has no such
        /// event.
        blamed: Vec<Blamed>,
        /// The refusing version has no such event.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        absent_event: bool,
    },
    /// No such history of at most `depth` steps.
    NoneUpTo {
        depth: usize,
    },
    Unknown {
        reason: String,
    },
    /// The history found does not replay as it should: a bug in charter.
    ReplayFailed {
        message: String,
    },
    /// The two share no initial state on the locations they start alike
    /// on: no history is lawful under both, so none is refused by one.
    NoCommonStart,
}

/// Whether the versions agree on the matched locations.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Agreement {
    /// After every history lawful under both (same events, same
    /// arguments): k-induction on the product closed.
    Proved {
        k: usize,
    },
    /// No disagreement after any history of at most `depth` steps;
    /// induction did not close.
    NoneUpTo {
        depth: usize,
    },
    /// A shortest history lawful under both after which they differ.
    Disagree {
        depth: usize,
        old: Box<Trace>,
        new: Box<Trace>,
        /// `location: old value ≠ new value`, per differing location.
        differences: Vec<String>,
    },
    /// No initial states of the two versions agree on the matched
    /// locations (an initial value or a constant amended): no history is
    /// lawful under both, so (b) and (c) compare nothing.
    NoCommonStart,
    Unknown {
        reason: String,
    },
    ReplayFailed {
        message: String,
    },
}

/// Which locations (c) compares: every matched one, or those named.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub overrides: Overrides,
    /// Names (as in the old version) of the constants and variables to
    /// compare; empty: every matched one.
    pub locations: Vec<String>,
}

/// The choices of readings `charter diff` compares, paired: each choice of
/// one version with the other's choice of the same readings, or, when one
/// version has no readings, with that version itself. `Err` with the
/// labels of the choices one version has and the other lacks (a reading
/// renamed, added or removed): comparing them with another reading would
/// say nothing true, so the question is refused.
pub fn reading_pairs<'h>(
    old: &[&'h hir::Charter],
    new: &[&'h hir::Charter],
) -> Result<ReadingPairs<'h>, Vec<String>> {
    let label = |c: &hir::Charter| c.reading_label();
    match (old, new) {
        ([one], many) if label(one).is_none() => {
            return Ok(many.iter().map(|n| (*one, *n)).collect())
        }
        (many, [one]) if label(one).is_none() => {
            return Ok(many.iter().map(|o| (*o, *one)).collect())
        }
        _ => {}
    }
    let mut pairs = Vec::new();
    let mut unpaired = Vec::new();
    for o in old {
        match new.iter().find(|n| label(n) == label(o)) {
            Some(n) => pairs.push((*o, *n)),
            None => unpaired.push(format!("{} (old only)", label(o).unwrap_or_default())),
        }
    }
    for n in new {
        if !old.iter().any(|o| label(o) == label(n)) {
            unpaired.push(format!("{} (new only)", label(n).unwrap_or_default()));
        }
    }
    if unpaired.is_empty() {
        Ok(pairs)
    } else {
        Err(unpaired)
    }
}

/// Pairs of (old, new) under the same readings.
pub type ReadingPairs<'h> = Vec<(&'h hir::Charter, &'h hir::Charter)>;

/// Compares two checked versions of a spec (one choice of readings each:
/// [`reading_pairs`]).
pub fn diff(old: &hir::Charter, new: &hir::Charter, options: &Options) -> Result<Diff, PlanError> {
    let matching = match_declarations(old, new);
    let verdicts = verdict_changes(old, new, &matching, &options.overrides)?;
    let product = product_of(old, new, &matching, options)?;
    Ok(Diff {
        renamed: matching.renamed.clone(),
        changed: matching.changed.clone(),
        removed: matching.removed.clone(),
        added: matching.added.clone(),
        verdicts,
        old_only: product.old_only,
        new_only: product.new_only,
        agreement: product.agreement,
        locations: product.locations,
        unpaired_events: product.unpaired_events,
    })
}

/// Runs both versions' commands and lists those whose verdict differs.
fn verdict_changes(
    old: &hir::Charter,
    new: &hir::Charter,
    matching: &Matching,
    overrides: &Overrides,
) -> Result<Vec<VerdictChange>, PlanError> {
    let old_outcomes = crate::verify::run(old, &Plan::all(old, None, overrides)?);
    let new_outcomes = crate::verify::run(new, &Plan::all(new, None, overrides)?);
    let mut changes = Vec::new();
    let mut new_seen = vec![false; new_outcomes.len()];
    for (i, outcome) in old_outcomes.iter().enumerate() {
        let partner = matching.commands.new_of(i);
        let other = partner.and_then(|j| new_outcomes.get(j));
        if let Some(j) = partner {
            if let Some(seen) = new_seen.get_mut(j) {
                *seen = true;
            }
        }
        let (old_verdict, new_verdict) = (short(outcome), other.map(short));
        if new_verdict.as_ref() != Some(&old_verdict) {
            changes.push(VerdictChange {
                old_command: Some(outcome.command.clone()),
                new_command: other.map(|o| o.command.clone()),
                property: outcome.property.clone(),
                old: Some(old_verdict),
                new: new_verdict,
            });
        }
    }
    for (j, outcome) in new_outcomes.iter().enumerate() {
        if !new_seen[j] {
            changes.push(VerdictChange {
                old_command: None,
                new_command: Some(outcome.command.clone()),
                property: outcome.property.clone(),
                old: None,
                new: Some(short(outcome)),
            });
        }
    }
    Ok(changes)
}

/// A verdict in short: its kind, and a history's length.
fn short(outcome: &Outcome) -> String {
    let steps = |depth: &usize| format!("{depth} step{}", if *depth == 1 { "" } else { "s" });
    match &outcome.verdict {
        Verdict::Proved { .. } => "proved".into(),
        Verdict::Counterexample { depth, .. } => format!("counterexample in {}", steps(depth)),
        Verdict::Witness { depth, .. } => format!("witness in {}", steps(depth)),
        Verdict::NoneUpTo { depth } => format!("none up to {}", steps(depth)),
        Verdict::Unknown { .. } => "unknown".into(),
        Verdict::ReplayFailed { .. } => "internal error (replay failed)".into(),
    }
}

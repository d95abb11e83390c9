//! The blocking check: the subset of lint's questions behind a verdict
//! that holds (what `verify` says it rests on).

use super::{ask, Finding, Keep, Kind, Queries};
use crate::hir;
use crate::plan::Examined;
use crate::solve::SolverUnknown;

/// What a verdict that holds rests on, beyond the spec's own rules: the
/// events that clauses block (a clash: the event's guards hold, but the
/// rules that apply admit no next state) and the events, rules, `unless`
/// exceptions and defaults that never apply, in the histories of up to the
/// command's depth under the command's scopes. A property may hold only
/// because of them: `verify` qualifies the verdict with these findings.
///
/// Runs on the caller's thread and Z3 context: the caller holds
/// [`crate::solve::exclusive`].
///
/// `plan` is what the command's blocking check examines
/// ([`crate::plan::Plan::for_blocking`]).
pub fn blocking(charter: &hir::Charter, plan: &Examined) -> Result<Vec<Finding>, SolverUnknown> {
    let report = ask(charter, plan, Keep::All, Queries::Blocking)?;
    // A check the run's budget cut short settles nothing: what a verdict
    // rests on must be known in full.
    if let Some(reason) = report.incomplete.first() {
        return Err(SolverUnknown {
            reason: reason.clone(),
            stopped: plan.limits.budget.check(None).err(),
        });
    }
    Ok(report.findings)
}

impl Kind {
    /// The kind of blocking a finding of this kind is (what [`blocking`]
    /// reports and `allowing` names), if it is one.
    pub fn blocking(self) -> Option<hir::Blocking> {
        match self {
            Kind::Clash => Some(hir::Blocking::Clash),
            Kind::DeadEvent => Some(hir::Blocking::DeadEvent),
            Kind::DeadRule => Some(hir::Blocking::DeadRule),
            Kind::DeadException => Some(hir::Blocking::DeadException),
            Kind::DeadDefault => Some(hir::Blocking::DeadDefault),
            _ => None,
        }
    }
}

//! A planned command's bounded question as an SMT-LIB script, for
//! `charter export smt2`.

use super::{lower, solve, CommandKind, Limits, Plan, TooLarge};
use crate::hir;

/// The SMT-LIB script of a planned command's bounded question: a
/// violation of its property, or a history reaching its scenario's
/// condition, in exactly the plan's depth of steps; refused when too large
/// to encode.
pub fn smt2(charter: &hir::Charter, plan: &Plan) -> Result<String, TooLarge> {
    if let Some(too_large) = &plan.too_large {
        return Err(too_large.clone());
    }
    let command = &plan.command;
    let lowered = lower::lower(charter, command);
    let negate = !matches!(command.kind, CommandKind::Scenario { .. });
    Ok(solve::smt2(
        &lowered.system,
        lowered.system.goal.term,
        negate,
        plan.depth,
        &Limits::default(),
    ))
}

/// [`smt2`] for the command named `name` (or about a property named
/// `name`) at `depth` (default: the command's depth); `None` when there is
/// no such command or it is too large to encode.
pub fn export_smt2(charter: &hir::Charter, name: &str, depth: Option<u64>) -> Option<String> {
    let plan = Plan::for_export(charter, name, depth).ok()?;
    smt2(charter, &plan).ok()
}

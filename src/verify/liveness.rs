//! Liveness commands (`eventually`, `leads to`): what their histories must
//! be for replay (a lasso, [`eval::Lasso`]), where a solver's lasso loops
//! back to, and the fairness a proof assumes (said with every verdict that
//! holds).

use crate::eval::{self, Ending};
use crate::hir::{self, Command, CommandKind, Formula};
use crate::lower::LoopAtoms;
use crate::solve::{RawTrace, RawValue};

/// The liveness formula a command is about, if it is about one.
pub(super) fn formula<'h>(charter: &'h hir::Charter, command: &Command) -> Option<&'h Formula> {
    match &command.kind {
        CommandKind::Check(id) | CommandKind::Prove(id) => {
            let formula = charter.formula(*id);
            formula.kind.is_liveness().then_some(formula)
        }
        CommandKind::Scenario { .. } => None,
    }
}

/// The events a liveness command assumes fair, by name (`None` for a
/// safety command): a verdict that holds says them.
pub(super) fn assumed(charter: &hir::Charter, command: &Command) -> Option<Vec<String>> {
    formula(charter, command)?;
    Some(
        command
            .fair
            .iter()
            .map(|f| charter.events[f.event.0].name.clone())
            .collect(),
    )
}

/// A liveness command's histories are lassos looping back to `loop_start`.
pub(super) fn ending<'h>(
    charter: &'h hir::Charter,
    command: &'h Command,
    loop_start: usize,
) -> Option<Ending<'h>> {
    let formula = formula(charter, command)?;
    let (trigger, awaited) = eval::Lasso::parts(formula);
    Some(Ending::Lasso(eval::Lasso {
        name: &formula.name,
        trigger,
        awaited,
        loop_start,
        fair: &command.fair,
    }))
}

/// The state a solver's lasso loops back to: the first the loop detector
/// saved (the last state when none is, which replay then refuses).
pub(super) fn loop_start(raw: &RawTrace, atoms: LoopAtoms) -> usize {
    let saved = atoms.saved.0 as usize;
    raw.states
        .iter()
        .position(|state| matches!(state.get(saved), Some(Some(RawValue::Bool(true)))))
        .unwrap_or(raw.states.len().saturating_sub(1))
}

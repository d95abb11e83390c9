//! The one-line summary `charter check` prints for a valid spec.

use crate::hir;

/// A one-line account of what a valid spec declares.
pub fn summary(charter: &hir::Charter) -> String {
    let count = |n: usize, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let enums = charter
        .sorts
        .iter()
        .filter(|s| matches!(s.kind, hir::SortKind::Enum(_)))
        .count();
    let consts = charter
        .states
        .iter()
        .filter(|s| s.kind == hir::StateKind::Const)
        .count();
    // What the checker declared for the calendar is the calendar's.
    let (calendar_states, calendar_formulas, calendar_clauses) = match &charter.calendar {
        Some(calendar) => (calendar.states.len(), calendar.formulas.len(), 1),
        None => (0, 0, 0),
    };
    // An obligation's assertion and its monitor's initial `none` are the
    // obligation's.
    let mut duty_asserts: Vec<hir::FormulaId> = charter.duties.iter().map(|d| d.formula).collect();
    duty_asserts.dedup();
    let duty_states = charter.duties.len();
    let duty_inits = charter
        .duties
        .iter()
        .filter(|d| !charter.state(d.due).args.is_empty())
        .count();
    let formulas = |kind| charter.formulas.iter().filter(|f| f.kind == kind).count();
    let parts: Vec<String> = [
        count(
            usize::from(charter.calendar.is_some()),
            "calendar",
            "calendars",
        ),
        count(enums, "enum", "enums"),
        count(charter.sorts.len() - enums, "sort", "sorts"),
        count(consts, "constant", "constants"),
        count(
            charter.states.len() - consts - calendar_states - duty_states,
            "variable",
            "variables",
        ),
        count(charter.events.len(), "event", "events"),
        count(charter.defines.len(), "define", "defines"),
        count(formulas(hir::FormulaKind::Axiom), "axiom", "axioms"),
        count(
            formulas(hir::FormulaKind::Init) - calendar_formulas - duty_inits,
            "init condition",
            "init conditions",
        ),
        count(
            charter.clauses.len() - calendar_clauses,
            "clause",
            "clauses",
        ),
        count(charter.duties.len(), "obligation", "obligations"),
        count(formulas(hir::FormulaKind::Lemma), "lemma", "lemmas"),
        count(
            formulas(hir::FormulaKind::Assert) - duty_asserts.len(),
            "assertion",
            "assertions",
        ),
        count(charter.commands.len(), "command", "commands"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "nothing declared".into()
    } else {
        parts.join(", ")
    }
}

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
    // What the checker declared for the calendar is the calendar's; an
    // obligation's monitor, its initial `none` and its clause's assertion
    // are the obligation's: only the user's items count.
    let states = |kind| {
        charter
            .states
            .iter()
            .filter(|s| s.kind == kind && s.provenance.is_user())
            .count()
    };
    let formulas = |kind| {
        charter
            .formulas
            .iter()
            .filter(|f| f.kind == kind && f.provenance.is_user())
            .count()
    };
    let clauses = charter
        .clauses
        .iter()
        .filter(|c| c.provenance.is_user())
        .count();
    let parts: Vec<String> = [
        count(
            usize::from(charter.calendar.is_some()),
            "calendar",
            "calendars",
        ),
        count(enums, "enum", "enums"),
        count(charter.sorts.len() - enums, "sort", "sorts"),
        count(states(hir::StateKind::Const), "constant", "constants"),
        count(states(hir::StateKind::Var), "variable", "variables"),
        count(charter.events.len(), "event", "events"),
        count(charter.defines.len(), "define", "defines"),
        count(formulas(hir::FormulaKind::Axiom), "axiom", "axioms"),
        count(
            formulas(hir::FormulaKind::Init),
            "init condition",
            "init conditions",
        ),
        count(clauses, "clause", "clauses"),
        count(charter.duties.len(), "obligation", "obligations"),
        count(formulas(hir::FormulaKind::Lemma), "lemma", "lemmas"),
        count(
            formulas(hir::FormulaKind::Assert)
                + formulas(hir::FormulaKind::Eventually)
                + formulas(hir::FormulaKind::LeadsTo),
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

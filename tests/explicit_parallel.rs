//! The explicit-state engine finds the same thing whatever the number of
//! threads it expands a level on: the same verdict, the same shortest
//! history (step by step), the same limits met.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter::budget::Budget;
use charter::explore::{self, Found, Limits, Target};

use crate::common::checked;

/// The wide family (see `common::wide`) at 7 members: levels of hundreds
/// of states (more than one thread's share), a violation at depth 9 with
/// the bug planted.
fn wide(bug: bool) -> String {
    crate::common::wide::wide(
        7,
        crate::common::wide::Spelling::Natural,
        bug,
        "check quarter_support depth 14 scope Member = 7",
    )
}

fn search(source: &str, workers: usize, max_states: usize) -> Found {
    let charter = checked(source);
    let command = &charter.commands[0];
    let model = charter::eval::Model::new(&charter, &command.scopes);
    let charter::hir::CommandKind::Check(id) = command.kind else {
        panic!("a check");
    };
    let goal = &charter.formula(id).body;
    let limits = Limits {
        workers,
        ..Limits::new(max_states, &Budget::default())
    };
    explore::search(&model, goal, None, Target::Violation, Some(14), &limits)
}

#[test]
fn a_violation_is_the_same_shortest_history_on_one_thread_or_several() {
    let source = wide(true);
    let serial = search(&source, 1, 1_000_000);
    let Found::Target(history) = &serial else {
        panic!("expected a violation, got {serial:?}");
    };
    assert_eq!(history.steps.len(), 9);
    for workers in [2, 3] {
        assert_eq!(
            search(&source, workers, 1_000_000),
            serial,
            "{workers} workers"
        );
    }
}

#[test]
fn a_holding_property_and_the_state_budget_are_met_alike() {
    let source = wide(false);
    let serial = search(&source, 1, 1_000_000);
    assert!(
        matches!(serial, Found::None { depth: 14, .. }),
        "expected none up to 14, got {serial:?}"
    );
    assert_eq!(search(&source, 2, 1_000_000), serial);
    let budget = search(&source, 1, 2_000);
    assert_eq!(budget, Found::Budget { max: 2_000 });
    assert_eq!(search(&source, 2, 2_000), budget);
}

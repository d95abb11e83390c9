//! The portfolio of `check` and `prove` (induction and the bounded search
//! side by side): it decides what one engine after the other decides, with
//! the same verdicts and histories; only `decided_by` may differ.

use std::time::{Duration, Instant};

use charter::budget::Budget;
use charter::solve::Limits;
use charter::verify::{self, DecidedBy, Outcome, Overrides, UnknownReason, Verdict};

use crate::common;

/// The wide family (see `common::wide`), `n` members, with its two lemmas,
/// an assertion that fails (`few_votes`) and one command.
fn wide(n: usize, command: &str) -> String {
    let few_votes = "assert few_votes \"fewer than three members voted\":\n  always #voted < 3";
    common::wide::wide(
        n,
        common::wide::Spelling::Natural,
        false,
        &format!("{few_votes}\n\n{command}"),
    )
}

fn overrides(portfolio: bool) -> Overrides {
    Overrides {
        limits: Limits {
            portfolio,
            ..Limits::default()
        },
        ..Overrides::default()
    }
}

fn one(source: &str, portfolio: bool) -> Outcome {
    let charter = common::checked(source);
    let mut outcomes = verify::verify(&charter, None, &overrides(portfolio));
    assert_eq!(outcomes.len(), 1);
    outcomes.remove(0)
}

/// An outcome as JSON without `decided_by` (which engine finished first).
fn json(outcome: &Outcome) -> serde_json::Value {
    let mut value = serde_json::to_value(outcome).unwrap();
    value.as_object_mut().unwrap().remove("decided_by");
    value
}

#[test]
fn check_of_a_provable_property_is_proved_by_induction() {
    let outcome = one(
        &wide(6, "check quarter_support depth 12 scope Member = 6"),
        true,
    );
    assert_eq!(outcome.verdict, Verdict::NoneUpTo { depth: 12 });
    let Some(DecidedBy::KInduction { lemmas, .. }) = &outcome.decided_by else {
        panic!("not decided by induction: {:?}", outcome.decided_by);
    };
    assert_eq!(lemmas, &["no_suspended_votes", "minority_suspended"]);
    assert!(outcome.succeeded());
}

#[test]
fn prove_of_a_false_property_gives_the_serial_counterexample() {
    let source = wide(6, "prove few_votes depth 8 scope Member = 6");
    let side_by_side = one(&source, true);
    let serial = one(&source, false);
    assert!(
        matches!(
            side_by_side.verdict,
            Verdict::Counterexample { depth: 4, .. }
        ),
        "{:?}",
        side_by_side.verdict
    );
    assert_eq!(side_by_side.decided_by, Some(DecidedBy::BoundedSearch));
    assert_eq!(serial.decided_by, Some(DecidedBy::BoundedSearch));
    assert_eq!(json(&side_by_side), json(&serial));
}

#[test]
fn serial_and_portfolio_agree_on_every_spec() {
    for path in common::charter_files("specs") {
        let verified = common::verified::verified(&path);
        let serial = verify::verify(&verified.charter, None, &overrides(false));
        assert_eq!(serial.len(), verified.outcomes.len());
        for (side_by_side, serial) in verified.outcomes.iter().zip(&serial) {
            assert_eq!(
                json(side_by_side),
                json(serial),
                "{}: {}",
                path.display(),
                serial.command
            );
        }
    }
}

#[test]
fn a_timeout_stops_both_engines() {
    // Neither engine finishes this in seconds (N = 32: with counts
    // decomposed into cardinality constraints, N = 16 is proved in under
    // 2 s; at N = 32 an 8 s budget ends at depth 1 of the induction and
    // depth 20 of the search, and the explicit engine's states are many).
    for command in [
        "check quarter_support depth 64 scope Member = 32",
        "prove quarter_support depth 64 scope Member = 32",
    ] {
        let charter = common::checked(&wide(32, command));
        let mut overrides = overrides(true);
        overrides.limits.budget = Budget::new(Some(Duration::from_secs(2)), 4 << 30);
        let started = Instant::now();
        let outcomes = verify::verify(&charter, None, &overrides);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(60), "{command}: {took:?}");
        assert!(
            matches!(
                outcomes[0].verdict,
                Verdict::Unknown {
                    reason: UnknownReason::Budget(_)
                }
            ),
            "{command}: {:?}",
            outcomes[0].verdict
        );
    }
}

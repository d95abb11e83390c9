//! Liveness verdicts that would hold vacuously, and the explicit engine's
//! shortest lassos. A liveness verdict that holds (proved, no
//! counterexample) is given only when some fair infinite lawful history
//! exists in which the obligation arises (for `P leads to Q`: P holds on
//! it); otherwise it is unknown (`NoFairInfiniteHistory`), by both engines
//! — the SMT engine within the command's depth, the explicit engine
//! exactly. A `check`'s counterexample is a lasso of at most its depth,
//! and the explicit engine's is a shortest one, as the SMT engine's is.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter::verify::{self, UnknownReason, Verdict};

use crate::liveness::outcomes_of as outcomes;

const ENGINES: [verify::Engine; 2] = [
    verify::Engine::Smt,
    verify::Engine::Explicit { max_states: 10_000 },
];

/// A verdict's kind, with a lasso's length and the vacuity's fields.
fn kind(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Proved { .. } => "proved".into(),
        Verdict::Counterexample { depth, .. } => format!("counterexample {depth}"),
        Verdict::NoneUpTo { depth } => format!("none {depth}"),
        Verdict::Unknown {
            reason:
                UnknownReason::NoFairInfiniteHistory {
                    leads_to, assuming, ..
                },
        } => format!("vacuous leads_to={leads_to} assuming={assuming:?}"),
        other => format!("{other:?}"),
    }
}

/// Each command's verdict kind, the same by both engines.
fn agreed(spec: &str) -> Vec<String> {
    let smt: Vec<String> = outcomes(spec, ENGINES[0])
        .iter()
        .map(|o| kind(&o.verdict))
        .collect();
    let explicit: Vec<String> = outcomes(spec, ENGINES[1])
        .iter()
        .map(|o| kind(&o.verdict))
        .collect();
    assert_eq!(smt, explicit, "smt, then explicit");
    smt
}

/// No infinite history at all: every history stops at n = 3.
const STOPS: &str = r#"charter "stops"
var n: Int[0..3] = 0
event tick requires n < 3
clause c "tick"
  on tick: n' = n + 1
assert never_done: eventually false
prove never_done depth 6
check never_done depth 6
"#;

#[test]
fn no_infinite_history_is_vacuous_not_proved() {
    let vacuous = "vacuous leads_to=false assuming=[]";
    assert_eq!(agreed(STOPS), [vacuous, vacuous]);
    // The SMT engine says within which depth; the explicit engine, none at all.
    for (engine, depth) in ENGINES.iter().zip([Some(6), None]) {
        for outcome in outcomes(STOPS, *engine) {
            let Verdict::Unknown { reason } = &outcome.verdict else {
                panic!("{:?}", outcome.verdict);
            };
            assert!(
                matches!(reason, UnknownReason::NoFairInfiniteHistory { depth: d, .. } if *d == depth),
                "{reason:?}"
            );
            let text = reason.to_string();
            assert!(text.contains("no fair infinite history"), "{text}");
            assert!(text.contains("assuming no fairness"), "{text}");
        }
    }
}

/// Infinite histories exist (`idle` forever), but fairness of `tick` rules
/// every one out: `tick` leads to a dead end.
const UNFAIR: &str = r#"charter "fairness rules out every infinite history"
var done: Bool = false
event tick requires not done
event idle requires not done
clause c "tick"
  on tick: done' = true
assert finishes: always not done leads to done
prove finishes depth 6 assuming fair tick
check finishes depth 6 assuming fair tick
prove finishes depth 6
"#;

#[test]
fn fairness_that_rules_out_every_infinite_history_is_vacuous() {
    let vacuous = r#"vacuous leads_to=true assuming=["tick"]"#;
    assert_eq!(agreed(UNFAIR), [vacuous, vacuous, "counterexample 1"]);
    let outcomes = outcomes(UNFAIR, ENGINES[1]);
    let Verdict::Unknown { reason } = &outcomes[0].verdict else {
        panic!("{:?}", outcomes[0].verdict);
    };
    assert_eq!(
        reason.to_string(),
        "vacuous: no fair infinite history at all in which the condition before `leads to` holds, assuming fair `tick`: the property would hold vacuously"
    );
}

/// One fair infinite history (resting at n = 3) is enough for a verdict
/// that holds; P that holds on no infinite history leaves it vacuous.
const RESTS: &str = r#"charter "counts to three and rests"
var n: Int[0..3] = 0
var flag: Bool = false
event tick requires n < 3
event rest requires n = 3
clause c "tick"
  on tick: n' = n + 1
assert reaches_three: eventually n = 3
assert flagged_three: always flag leads to n = 3
assert back_to_zero: always n = 3 leads to n = 0
prove reaches_three depth 6 assuming fair tick
check reaches_three depth 6 assuming fair tick
check reaches_three depth 3 assuming fair tick
prove flagged_three depth 6 assuming fair tick
prove back_to_zero depth 6 assuming fair tick
check back_to_zero depth 3
"#;

#[test]
fn one_fair_infinite_history_keeps_the_verdict() {
    let vacuous = r#"vacuous leads_to=true assuming=["tick"]"#;
    assert_eq!(
        agreed(RESTS),
        [
            "proved",
            "none 6",
            // The only fair infinite history loops back after 4 steps.
            r#"vacuous leads_to=false assuming=["tick"]"#,
            // `flag` never holds.
            vacuous,
            "counterexample 4",
            "vacuous leads_to=true assuming=[]",
        ]
    );
}

/// A counter that wraps around and may idle at two: the shortest lasso
/// idles (3 steps); the loop through the component's first node wraps (4).
const WRAPS: &str = r#"charter "wraps"
var n: Int[0..3] = 0
event tick requires n < 3
event wrap requires n = 3
event idle requires n = 2
clause c "tick"
  on tick: n' = n + 1
clause w "wrap"
  on wrap: n' = 0
assert never_done: eventually false
check never_done depth 3
prove never_done depth 6
"#;

/// As WRAPS, with a hop from zero to three: a fair lasso of 2 steps that
/// reaches three, and none of 2 steps that avoids it.
const HOPS: &str = r#"charter "hops"
var n: Int[0..3] = 0
event tick requires n < 3
event wrap requires n = 3
event idle requires n = 2
event hop requires n = 0
clause c "tick"
  on tick: n' = n + 1
clause w "wrap"
  on wrap: n' = 0
clause h "hop"
  on hop: n' = 3
assert three: eventually n = 3
check three depth 2
check three depth 3
"#;

#[test]
fn explicit_lassos_are_shortest_and_within_a_checks_depth() {
    assert_eq!(agreed(WRAPS), ["counterexample 3", "counterexample 3"]);
    assert_eq!(agreed(HOPS), ["none 2", "counterexample 3"]);
    for engine in ENGINES {
        for outcome in outcomes(WRAPS, engine) {
            let Verdict::Counterexample { trace, .. } = &outcome.verdict else {
                panic!("{:?}", outcome.verdict);
            };
            assert!(!trace.not_shortest);
            assert_eq!(trace.loop_start, Some(2));
        }
    }
}

//! Liveness (`eventually`, `leads to`, `assuming fair`): small specs
//! decided by both engines, holding and violated, with and without
//! fairness. The SMT engine proves by liveness-to-safety and k-induction
//! and refutes with a lasso found by bounded search; the explicit engine
//! looks for a fair cycle among all reachable states. Verdicts must agree,
//! every counterexample must be a lasso that replays (its last state the
//! state at its loop's start), and a proof must state its fairness.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter::verify::{self, Overrides, Verdict};

const SPEC: &str = r#"charter "A counter that may count down, idle, or jam"

var x: Int[0..3] = 3
var stuck: Bool = false

event tick requires x > 0
event idle
event jam requires not stuck
event reset(to: Int[1..3]) requires x = 0

clause ticking "The counter counts down."
  on tick: x' = x - 1
clause jamming "The counter may jam."
  on jam: stuck' = true
clause resetting "At zero, the counter may start again."
  on reset(to): x' = to

assert reaches_zero: eventually x = 0
assert jams: always x = 3 leads to stuck
assert back_up: always x = 0 leads to x > 0

check reaches_zero depth 6 expect counterexample
prove reaches_zero depth 8 assuming fair idle expect counterexample
prove reaches_zero depth 8 assuming fair tick expect proved
prove jams depth 8 assuming fair jam expect proved
prove jams depth 8 assuming fair tick expect counterexample
prove back_up depth 8 assuming fair reset expect proved
prove back_up depth 8 expect counterexample
"#;

fn outcomes(engine: verify::Engine) -> Vec<verify::Outcome> {
    outcomes_of(SPEC, engine)
}

/// Every command's outcome for `spec` by `engine` (no blocking check).
pub(crate) fn outcomes_of(spec: &str, engine: verify::Engine) -> Vec<verify::Outcome> {
    let loaded = charter::load(spec.as_bytes()).expect("parses");
    let checked = loaded.checked.expect("checks");
    let overrides = Overrides {
        engine,
        skip_blocking_check: true,
        ..Overrides::default()
    };
    verify::verify(&checked.charter, None, &overrides)
}

fn kind(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Proved { .. } => "proved",
        Verdict::Counterexample { .. } => "counterexample",
        Verdict::NoneUpTo { .. } => "none",
        _ => "other",
    }
}

#[test]
fn both_engines_agree_and_meet_the_expectations() {
    let smt = outcomes(verify::Engine::Smt);
    let explicit = outcomes(verify::Engine::Explicit { max_states: 10_000 });
    assert_eq!(smt.len(), 7);
    for (s, e) in smt.iter().zip(&explicit) {
        assert!(s.as_expected, "smt: {} {:?}", s.command, s.verdict);
        assert!(e.as_expected, "explicit: {} {:?}", e.command, e.verdict);
        assert_eq!(kind(&s.verdict), kind(&e.verdict), "{}", s.command);
    }
}

#[test]
fn counterexamples_are_closed_lassos_and_proofs_say_their_fairness() {
    for engine in [
        verify::Engine::Smt,
        verify::Engine::Explicit { max_states: 10_000 },
    ] {
        for outcome in outcomes(engine) {
            match &outcome.verdict {
                Verdict::Counterexample { trace, .. } => {
                    assert!(trace.replayed);
                    let start = trace.loop_start.expect("a lasso");
                    let history = trace.history.as_ref().expect("the replayed history");
                    let last = history.states.len() - 1;
                    assert!(start < last);
                    assert_eq!(history.states[start], history.states[last]);
                }
                Verdict::Proved { assuming, .. } => {
                    let fair = assuming
                        .as_ref()
                        .expect("a liveness proof states its fairness");
                    assert!(!fair.is_empty(), "{}", outcome.command);
                }
                other => panic!("{}: {other:?}", outcome.command),
            }
        }
    }
}

#[test]
fn replay_refuses_a_lasso_that_does_not_close_or_is_unfair() {
    use charter::eval::{self, Ending, Lasso};
    let loaded = charter::load(SPEC.as_bytes()).expect("parses");
    let charter = loaded.checked.expect("checks").charter;
    let smt = outcomes(verify::Engine::Smt);
    // `prove reaches_zero assuming fair idle`: a lasso where idle repeats.
    let Verdict::Counterexample { trace, .. } = &smt[1].verdict else {
        panic!("{:?}", smt[1].verdict);
    };
    let history = trace.history.clone().expect("history");
    let model = eval::Model::new(&charter, &[]);
    let command = &charter.commands[1];
    let formula = match command.kind {
        charter::hir::CommandKind::Prove(id) => charter.formula(id),
        _ => unreachable!(),
    };
    let (trigger, awaited) = formula.liveness_parts();
    let lasso = |loop_start, fair| {
        Ending::Lasso(Lasso {
            name: &formula.name,
            trigger,
            awaited,
            loop_start,
            fair,
        })
    };
    let start = trace.loop_start.expect("a lasso");
    assert!(eval::replay(&model, &history, lasso(start, &command.fair)).is_ok());
    // Not closed: the loop is said to start where the state differs.
    let last = history.states.len() - 1;
    if let Some(other) = (0..last).find(|&at| history.states[at] != history.states[last]) {
        assert!(eval::replay(&model, &history, lasso(other, &command.fair)).is_err());
    }
    // Unfair: `tick` is enabled throughout the idle loop and never happens.
    let tick = &charter.commands[2].fair;
    assert!(eval::replay(&model, &history, lasso(start, tick)).is_err());
}

/// `eventually Q` is owed from the start only: once Q has held, a later
/// cycle without Q is no counterexample. (The explicit engine once owed Q
/// anew in every state without it, found such a cycle, and its replay
/// refused it: an internal error instead of "proved".)
#[test]
fn eventually_is_not_owed_again_after_it_held() {
    let spec = r#"charter "Q holds once, then never again"

var phase: Int[0..2] = 0

event go requires phase = 0
event later requires phase = 1
event idle requires phase = 2

clause going "go" on go: phase' = 1
clause latering "later" on later: phase' = 2

assert reaches_one: eventually phase = 1

prove reaches_one depth 5 expect proved
"#;
    let checked = charter::load(spec.as_bytes())
        .expect("parses")
        .checked
        .expect("checks");
    for engine in [
        verify::Engine::Smt,
        verify::Engine::Explicit { max_states: 10_000 },
    ] {
        let overrides = Overrides {
            engine,
            skip_blocking_check: true,
            ..Overrides::default()
        };
        let outcomes = verify::verify(&checked.charter, None, &overrides);
        assert_eq!(
            kind(&outcomes[0].verdict),
            "proved",
            "{:?}",
            outcomes[0].verdict
        );
    }
}

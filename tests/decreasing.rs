//! `decreasing M`, a measure hinted for a liveness proof: a chain that
//! k-induction proves only with the measure (unknown without it), a wrong
//! measure that leaves the verdict unknown (its refuted candidates said),
//! and a false property whose counterexample the measure does not hide.
//! The explicit engine ignores the hint and must agree with every verdict
//! that is decided.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter::verify::{self, CandidateFate, Outcome, Overrides, Verdict};

use crate::common;

const SPEC: &str = r#"charter "A chair passed round until it comes back"

enum Member { A, B, C, D }

var chair: Member = A
var ceded: set Member = {}
var open: Bool = true

event cede requires open and chair not in ceded
event idle
event close
event reopen requires not open

clause passing "The chair passes to the next member, who may cede it again."
  on cede: ceded' += chair,
    chair' = if chair = A then B else if chair = B then C else if chair = C then D else A
clause closing "The meeting may close."
  on close: open' = false
clause reopening "A closed meeting may open again, with nobody having ceded."
  on reopen: open' = true, ceded' = {}

assert settles: always open leads to (not open or chair in ceded)
assert everyone_cedes: always open leads to #ceded = 4

prove settles depth 3 assuming fair cede decreasing 4 - #ceded expect proved
prove settles depth 3 assuming fair cede expect unknown
prove settles depth 3 assuming fair cede decreasing #ceded expect unknown
prove everyone_cedes depth 8 assuming fair cede decreasing 4 - #ceded expect counterexample
"#;

fn outcomes(engine: verify::Engine) -> Vec<Outcome> {
    let charter = common::checked(SPEC);
    let overrides = Overrides {
        engine,
        skip_blocking_check: true,
        ..Overrides::default()
    };
    verify::verify(&charter, None, &overrides)
}

fn smt() -> Vec<Outcome> {
    outcomes(verify::Engine::Smt)
}

#[test]
fn the_measure_proves_what_induction_alone_does_not() {
    let smt = smt();
    assert_eq!(smt.len(), 4);
    for outcome in &smt {
        assert!(
            outcome.as_expected,
            "{}: {:?}",
            outcome.command, outcome.verdict
        );
    }
    // With the measure: proved, saying so and stating its fairness.
    let Verdict::Proved { assuming, .. } = &smt[0].verdict else {
        panic!("{:?}", smt[0].verdict);
    };
    assert_eq!(assuming.as_deref(), Some(&["cede".to_string()][..]));
    let measure = smt[0].measure.as_ref().expect("the measure's report");
    assert!(measure.used());
    assert_eq!(measure.measure, "4 - #ceded");
    let line = charter::report::verdict_line(&smt[0]);
    assert!(
        line.contains("using the decreasing measure `4 - #ceded`")
            && line.contains("assuming fair `cede`"),
        "{line}"
    );
    // The same command without it: unknown, and no measure reported.
    assert!(
        matches!(smt[1].verdict, Verdict::Unknown { .. }),
        "{:?}",
        smt[1].verdict
    );
    assert!(smt[1].measure.is_none());
}

#[test]
fn a_wrong_measure_is_refuted_and_never_proves() {
    let smt = smt();
    assert!(
        matches!(smt[2].verdict, Verdict::Unknown { .. }),
        "{:?}",
        smt[2].verdict
    );
    let measure = smt[2].measure.as_ref().expect("the measure's report");
    assert!(!measure.used());
    let refuted: Vec<&str> = measure
        .candidates
        .iter()
        .filter(|c| matches!(c.fate, CandidateFate::Refuted { .. }))
        .map(|c| c.claim.as_str())
        .collect();
    assert!(
        refuted.iter().any(|c| c.contains("`#ceded` never rises")),
        "{refuted:?}"
    );
    let source = charter::report::SourceFile::from_bytes("chain.charter", SPEC.as_bytes());
    let text = charter::report::outcome(&smt[2], &source);
    assert!(text.contains("— not assumed: it is false"), "{text}");
}

#[test]
fn a_false_property_keeps_its_counterexample() {
    let smt = smt();
    let Verdict::Counterexample { trace, .. } = &smt[3].verdict else {
        panic!("{:?}", smt[3].verdict);
    };
    assert!(trace.replayed);
    let start = trace.loop_start.expect("a lasso");
    let history = trace.history.as_ref().expect("the replayed history");
    assert_eq!(history.states[start], *history.states.last().unwrap());
}

#[test]
fn the_explicit_engine_ignores_the_hint_and_agrees() {
    let smt = smt();
    let explicit = outcomes(verify::Engine::Explicit { max_states: 10_000 });
    let kind = |v: &Verdict| match v {
        Verdict::Proved { .. } => "proved",
        Verdict::Counterexample { .. } => "counterexample",
        _ => "other",
    };
    // Decided exactly: proved with or without the measure.
    for e in &explicit[..3] {
        assert_eq!(kind(&e.verdict), "proved", "{}: {:?}", e.command, e.verdict);
        assert!(e.measure.is_none());
    }
    assert_eq!(kind(&smt[0].verdict), "proved");
    assert_eq!(kind(&smt[3].verdict), "counterexample");
    assert_eq!(kind(&explicit[3].verdict), "counterexample");
}

#[test]
fn the_measure_is_in_the_json() {
    let smt = smt();
    let json = serde_json::to_value(&smt[0]).unwrap();
    assert_eq!(json["measure"]["measure"], "4 - #ceded");
    let fates: Vec<&str> = json["measure"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["fate"].as_str().unwrap())
        .collect();
    assert_eq!(fates, ["proved", "proved", "proved"]);
    assert!(serde_json::to_value(&smt[1])
        .unwrap()
        .get("measure")
        .is_none());
}

//! Lemmas that explain themselves (issue 15, point 6): proved together,
//! whatever order they are written in; every `prove` reports each lemma it
//! could not assume, a false one with the history that violates it
//! (replayed), and the explicit engine agrees with each fate.

use charter::verify::{self, LemmaFate, LemmaReport, Outcome, Overrides, Verdict};

/// Two counters that go up together to 5; lemmas in `lemmas`, then a
/// proof of `b <= 5` (and one of each lemma, for the explicit engine).
fn spec(lemmas: &[&str]) -> String {
    let mut text = String::from(
        r#"charter "two counters"

var a: Int[0..10] = 0
var b: Int[0..10] = 0

event up
  requires a < 5

clause step "Both go up together."
  on up: a' = a + 1, b' = b + 1

"#,
    );
    for lemma in lemmas {
        text.push_str(&format!("lemma {lemma}\n"));
    }
    text.push_str("\nassert bounded: always b <= 5\n\nprove bounded depth 4\n");
    text
}

fn run(source: &str, overrides: &Overrides) -> Vec<Outcome> {
    let charter = charter::load(source.as_bytes())
        .unwrap()
        .checked
        .unwrap()
        .charter;
    verify::verify(&charter, None, overrides)
}

fn fate<'a>(outcome: &'a Outcome, name: &str) -> &'a LemmaFate {
    let found = outcome
        .lemmas
        .iter()
        .find(|l: &&LemmaReport| l.name == name);
    &found
        .unwrap_or_else(|| panic!("no lemma {name}: {:?}", outcome.lemmas))
        .fate
}

fn used(outcome: &Outcome) -> Vec<String> {
    outcome
        .rests_on
        .as_ref()
        .map(|r| r.lemmas.clone())
        .unwrap_or_default()
}

/// `weak` follows only with `b_eq`, written after it: proved together, it
/// is assumed in either order (proved one by one in the spec's order, it
/// was silently dropped when written first).
#[test]
fn lemmas_are_proved_whatever_their_order() {
    for lemmas in [
        ["weak: always b <= 9", "b_eq: always b = a"],
        ["b_eq: always b = a", "weak: always b <= 9"],
    ] {
        let outcomes = run(&spec(&lemmas), &Overrides::default());
        let proof = &outcomes[0];
        assert!(matches!(proof.verdict, Verdict::Proved { .. }), "{proof:?}");
        let mut assumed = used(proof);
        assumed.sort();
        assert_eq!(assumed, ["b_eq", "weak"], "{lemmas:?}");
        assert!(matches!(fate(proof, "weak"), LemmaFate::Proved { .. }));
    }
}

/// A false lemma is reported with the shortest history that violates it,
/// replayed, and is not assumed; a true lemma that induction cannot prove
/// alone is reported as neither proved nor refuted.
#[test]
fn a_lemma_not_assumed_says_why() {
    let lemmas = ["wrong: always a < 3", "weak: always b <= 9"];
    let outcomes = run(&spec(&lemmas), &Overrides::default());
    let proof = &outcomes[0];
    assert!(used(proof).is_empty(), "{proof:?}");
    match fate(proof, "wrong") {
        LemmaFate::Refuted { depth, trace } => {
            assert_eq!(*depth, 3);
            assert!(trace.replayed);
            assert_eq!(trace.steps.len(), 3);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fate(proof, "weak"), &LemmaFate::Open { k: 4 });
    let shown = charter::report::outcome(proof, &source_file(&spec(&lemmas)));
    assert!(
        shown.contains("lemma wrong not assumed: it is false, violated after 3 steps:"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "lemma weak not assumed: neither proved nor refuted by k-induction up to k = 4"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("lemma wrong violated in the state after step 3"),
        "{shown}"
    );
    let json = serde_json::to_value(proof).unwrap();
    assert_eq!(json["lemmas"][0]["fate"], "refuted");
    assert_eq!(json["lemmas"][0]["depth"], 3);
    assert_eq!(json["lemmas"][1]["fate"], "open");
}

/// Lemmas that would prove each other if each were assumed where the
/// other is proved: both false, so both refuted — never proved.
#[test]
fn lemmas_that_lean_on_each_other_are_not_proved_unless_true() {
    let lemmas = ["p: always a <= 2 or b <= 1", "q: always b <= 2 or a <= 1"];
    let outcomes = run(&spec(&lemmas), &Overrides::default());
    for name in ["p", "q"] {
        assert!(
            matches!(
                fate(&outcomes[0], name),
                LemmaFate::Refuted { depth: 3, .. }
            ),
            "{name}: {:?}",
            outcomes[0].lemmas
        );
    }
}

/// Each fate agrees with the explicit engine's verdict on the lemma:
/// proved ones hold in every reachable state, refuted ones are violated
/// first at the same depth, open ones in no fewer steps than induction
/// tried.
#[test]
fn the_explicit_engine_agrees_with_each_fate() {
    let lemmas = [
        "b_eq: always b = a",
        "weak: always b <= 9",
        "wrong: always a < 3",
        "late: always a < 5",
        "small: always a <= 5",
    ];
    let outcomes = run(&spec(&lemmas), &Overrides::default());
    let names = ["b_eq", "weak", "wrong", "late", "small"];
    let mut source = spec(&lemmas);
    for name in names {
        source.push_str(&format!("prove {name} depth 10\n"));
    }
    let explicit = Overrides {
        engine: verify::Engine::Explicit { max_states: 10_000 },
        skip_blocking_check: true,
        ..Overrides::default()
    };
    let by_explicit = run(&source, &explicit);
    for (name, outcome) in names.iter().zip(&by_explicit[1..]) {
        match (fate(&outcomes[0], name), &outcome.verdict) {
            (LemmaFate::Proved { .. }, Verdict::Proved { .. }) => {}
            (LemmaFate::Refuted { depth, .. }, Verdict::Counterexample { depth: d, .. }) => {
                assert_eq!(depth, d, "{name}")
            }
            // Open up to k: no violation in fewer than k steps.
            (LemmaFate::Open { k }, Verdict::Counterexample { depth, .. }) => {
                assert!(depth >= k, "{name}")
            }
            (fate, verdict) => panic!("{name}: {fate:?} against {verdict:?}"),
        }
    }
}

fn source_file(text: &str) -> charter::report::SourceFile {
    charter::report::SourceFile::from_bytes("spec.charter", text.as_bytes())
}

//! Exceptions written as clauses (`except in vesting when …: …`), clauses
//! that carry a definition or only their text (`defines quorum`), and the
//! warning for a declared range that cuts what an axiom allows: their
//! meaning (an exception narrows only what it restates; in-rule `unless`
//! keeps replacing all), the same verdicts from both engines, the names
//! they leave in timelines and blame, and the warning from `check` and
//! `lint`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use charter::budget::Budget;
use charter::lint;
use charter::verify::{self, Overrides, Verdict};

use crate::common::checked;

fn fixture(path: &str) -> String {
    std::fs::read_to_string(Path::new("tests/fixtures").join(path)).unwrap()
}

/// Each command's verdict as words.
fn verdicts(charter: &charter::hir::Charter, overrides: &Overrides) -> Vec<String> {
    verify::verify(charter, None, overrides)
        .iter()
        .map(|o| {
            let words = match &o.verdict {
                Verdict::Proved { .. } => "proved".to_string(),
                Verdict::Counterexample { depth, .. } => format!("counterexample in {depth}"),
                Verdict::Witness { depth, .. } => format!("witness in {depth}"),
                Verdict::NoneUpTo { depth } => format!("none up to {depth}"),
                other => format!("{other:?}"),
            };
            format!("{}: {words}", o.command)
        })
        .collect()
}

/// The verdicts of the SMT engine and of the explicit one.
fn by_both_engines(source: &str) -> (Vec<String>, Vec<String>) {
    let charter = checked(source);
    let smt = Overrides {
        skip_blocking_check: true,
        ..Overrides::default()
    };
    let mut explicit = Overrides {
        engine: verify::Engine::Explicit {
            max_states: 200_000,
        },
        skip_blocking_check: true,
        ..Overrides::default()
    };
    explicit.limits.budget = Budget::new(None, charter::budget::DEFAULT_MAX_MEMORY);
    (verdicts(&charter, &smt), verdicts(&charter, &explicit))
}

/// The succession fixture with the exception written inside `vesting` as
/// an `unless`: there it replaces all of vesting's effects, so the term no
/// longer begins when the President-elect has died.
const DIED_AS_UNLESS: &str = r#"charter "the exception inside the rule"
enum Person { Elect, VicePresidentElect, Outgoing, Nobody }
var president: Person = Outgoing
var term_begun: Bool = false
var elect_alive: Bool = true
event die
  requires not term_begun
event inaugurate
clause deaths "A President-elect may die."
  on die: elect_alive' = false
clause vesting "The terms of their successors shall then begin."
  on inaugurate: president' = Elect, term_begun' = true
    unless not elect_alive: president' = VicePresidentElect
assert term_begins: always inaugurate implies term_begun
prove term_begins depth 3
"#;

#[test]
fn an_exception_clause_narrows_only_what_it_restates() {
    let (smt, explicit) = by_both_engines(&fixture("verify/exception_clause.charter"));
    assert_eq!(
        smt,
        [
            "elect_if_alive: proved",
            "vp_if_dead: proved",
            "term_begins: proved",
            "never_vp: counterexample in 2",
        ]
    );
    assert_eq!(smt, explicit);
    // In-rule `unless` keeps its meaning: it replaces all of its rule's
    // effects, so `term_begun` is not set on the exception's branch.
    let (smt, explicit) = by_both_engines(DIED_AS_UNLESS);
    assert_eq!(smt, ["term_begins: counterexample in 2"]);
    assert_eq!(smt, explicit);
}

/// An exception read in the scope of a rule with parameters and a `when`,
/// with an `unless` of its own, next to a set effect it leaves alone, and
/// an exception to a rule on `any event`.
const BOUND: &str = r#"charter "exceptions in the scope of the rule they except"
enum P { A, B, C }
var holder: P? = none
var log: set P = {}
var quiet: Bool = true
event appoint(p: P, urgent: Bool)
event rest
clause appointing "The Council appoints any member but C, and records it."
  on appoint(p, urgent) when p != C: holder' = p, log' += p
clause urgency "An urgent appointment leaves the seat empty, unless it is A's, which goes to B."
  except in appointing when urgent: holder' = none
    unless p = A: holder' = B
clause calm "Every step is calm."
  on any event: quiet' = true
clause noisy "Except where B takes the seat."
  except in calm when holder' = B: quiet' = false
assert never_b: always holder != B
assert c_never_logged: always C not in log
assert urgent_a_logged: always appoint(A, true) implies (A in log and holder = B)
assert never_loud: always quiet
check never_b depth 3
prove c_never_logged depth 3
prove urgent_a_logged depth 3
check never_loud depth 3
"#;

#[test]
fn both_engines_agree_on_exceptions_in_a_rules_scope() {
    let (smt, explicit) = by_both_engines(BOUND);
    assert_eq!(
        smt,
        [
            "never_b: counterexample in 1",
            "c_never_logged: proved",
            "urgent_a_logged: proved",
            "never_loud: counterexample in 1",
        ]
    );
    assert_eq!(smt, explicit);
}

#[test]
fn the_timeline_and_json_name_the_exception_clause() {
    let charter = checked(&fixture("verify/exception_clause.charter"));
    let outcomes = verify::verify(&charter, Some("never_vp"), &Overrides::default());
    let Verdict::Counterexample { trace, .. } = &outcomes[0].verdict else {
        panic!("{:?}", outcomes[0].verdict);
    };
    let by: Vec<String> = trace
        .steps
        .iter()
        .flat_map(|s| &s.changes)
        .filter(|c| c.location == "president")
        .flat_map(|c| {
            c.by.iter()
                .map(|b| format!("{} {:?}", b.clause, b.exception_to))
        })
        .collect();
    assert_eq!(by, ["died [\"vesting\"]"]);
    let json = serde_json::to_string(&trace.steps).unwrap();
    assert!(json.contains(r#""exception_to":["vesting"]"#), "{json}");
    // Clauses that are no exception keep their JSON as before.
    assert!(
        json.contains(r#"{"clause":"vesting","article":null}"#),
        "{json}"
    );
}

#[test]
fn a_defining_clause_is_cited_with_its_text_where_its_definition_is_read() {
    let charter = checked(&fixture("lint/definition_cited.charter"));
    let report = lint::lint(&charter, &Overrides::default()).unwrap();
    let finding = report
        .findings
        .iter()
        .find(|f| f.kind == lint::Kind::DeadEvent && f.subject == "vote")
        .expect("vote is dead");
    let cited: Vec<(String, String, Option<String>)> = finding
        .blamed
        .iter()
        .filter(|b| b.kind == lint::BlamedKind::Definition)
        .map(|b| (b.kind.to_string(), b.name.clone(), b.text.clone()))
        .collect();
    assert_eq!(
        cited,
        [(
            "definition in clause".to_string(),
            "quorum".to_string(),
            Some("A majority of the members shall constitute a quorum to do business.".into())
        )]
    );
    // Text-only and defining clauses change no verdict, in either engine.
    let (smt, explicit) = by_both_engines(&fixture("verify/defining_clause.charter"));
    assert_eq!(smt, ["no_vote_alone: proved"]);
    assert_eq!(smt, explicit);
}

#[test]
fn check_and_lint_warn_where_a_range_cuts_what_an_axiom_allows() {
    let path = "tests/fixtures/check_err/narrowing_range.charter";
    for command in ["check", "lint"] {
        let output = Command::new(env!("CARGO_BIN_EXE_charter"))
            .args([command, path, "--color", "never"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let all = format!("{stdout}{stderr}");
        assert_eq!(
            all.matches("charter::check::narrowing_range").count(),
            3,
            "{command}: {all}"
        );
        assert!(
            all.contains("cuts 128..365 that axiom `term` allows"),
            "{all}"
        );
        // A warning: the spec stays valid.
        assert_ne!(output.status.code(), Some(2), "{command}: {all}");
    }
}

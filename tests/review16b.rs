//! A second review of issue 16's `compare`/`diverge` (two readings on the
//! product engine): each test pins a bug found, and failed before its fix.
//! Every comparison is also asked of the explicit engine (breadth first
//! over pairs of states), which must give the same answer at the same
//! shortest depth.

use charter::check::Checked;
use charter::compare;
use charter::eval::Model;
use charter::explore::product::{paired, Paired, Question};
use charter::hir::{self, ComparisonKind};
use charter::plan::{Overrides, Plan};
use charter::verify::{Outcome, Verdict};

fn load(source: &str) -> Checked {
    match charter::load(source.as_bytes()).unwrap().checked {
        Ok(checked) => checked,
        Err(errors) => panic!("{errors:?}"),
    }
}

/// The spec's comparisons on the product engine, each cross-checked with
/// the explicit engine (same answer, same shortest depth).
fn run(source: &str) -> Vec<Outcome> {
    let checked = load(source);
    let outcomes = compare::run(&checked, &Overrides::default()).unwrap();
    let mut index = 0;
    for comparison in &checked.comparisons {
        for [a, b] in comparison.pairs(&checked.charter.readings) {
            let find =
                |s: &hir::Selection| checked.selections().find(|c| &c.selection == s).unwrap();
            let charters = [find(&a), find(&b)];
            let outcome = &outcomes[index];
            index += 1;
            let plan = Plan::for_lint(charters[0], &Overrides::default()).unwrap();
            let models = charters.map(|c| Model::new(c, &plan.scopes));
            let tied = compare::tied_states(charters[0], charters[1]);
            let question = match &comparison.kind {
                ComparisonKind::Compare { locations } => Question::Differ(locations),
                ComparisonKind::Diverge => Question::Refused,
            };
            let limits = charter::explore::Limits::new(100_000, &Default::default());
            let explicit = paired(
                [&models[0], &models[1]],
                &tied,
                question,
                outcome.depth,
                &limits,
            );
            let what = &outcome.command;
            match (&outcome.verdict, explicit) {
                (Verdict::Witness { depth, .. }, Paired::At { depth: d }) => {
                    assert_eq!(*depth, d, "{what}")
                }
                (Verdict::Proved { .. }, Paired::None { exhausted, .. }) => {
                    assert!(exhausted, "{what}")
                }
                (Verdict::NoneUpTo { .. }, Paired::None { .. }) => {}
                (verdict, explicit) => panic!("{what}: {verdict:?} but {explicit:?}"),
            }
        }
    }
    assert_eq!(index, outcomes.len());
    outcomes
}

fn witness_depth(outcome: &Outcome) -> usize {
    match &outcome.verdict {
        Verdict::Witness { depth, .. } => *depth,
        verdict => panic!("{}: {verdict:?}", outcome.command),
    }
}

/// A constant the spec leaves free was not tied between the two copies:
/// two readings that differ on nothing the constant touches "disagreed"
/// on `x` (each copy picking its own `k`), and on `k` itself at step 0.
#[test]
fn a_free_constant_is_the_same_under_both_readings() {
    let outcomes = run("
enum S { A, B }
readings g \"the phrase\" { one: \"first\", two: \"second\" }
const k: S
var x: S? = none
var y: Bool = false
event go
clause c \"Go sets x to k.\"
  on go: x' = k, y' = reading g { one: true, two: false }
compare one two: x
compare one two: k
compare one two: y
");
    for outcome in &outcomes[..2] {
        assert!(
            matches!(outcome.verdict, Verdict::Proved { .. }),
            "{}: {:?}",
            outcome.command,
            outcome.verdict
        );
        let proof = outcome.comparison.as_ref().unwrap().proof.clone().unwrap();
        assert!(proof.contains("every constant and variable the spec leaves free"), "{proof}");
    }
    assert_eq!(witness_depth(&outcomes[2]), 1);
}

/// An initial value a reading gives was tied like any variable: the two
/// readings had "no initial state in common" (unknown), and `diverge`
/// answered that no event is allowed by one and forbidden by the other
/// although the first step differs.
#[test]
fn readings_of_an_initial_value_differ_from_the_start() {
    let outcomes = run("
enum S { A, B }
readings g \"the phrase\" { one: \"first\", two: \"second\" }
var x: S = reading g { one: A, two: B }
var n: Int[0..2] = 0
event go
  requires x = A
clause c \"Go counts.\"
  on go: n' = 1
compare one two: x
compare one two: n
diverge one two
");
    assert_eq!(witness_depth(&outcomes[0]), 0);
    assert!(
        matches!(outcomes[1].verdict, Verdict::Proved { .. }),
        "{:?}",
        outcomes[1].verdict
    );
    assert_eq!(witness_depth(&outcomes[2]), 1);
    let refused = outcomes[2].comparison.as_ref().unwrap().refused.clone().unwrap();
    assert_eq!((refused.allowed_by.as_str(), refused.forbidden_by.as_str()), ("one", "two"));
}

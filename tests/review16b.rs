//! A second review of issue 16's `compare`/`diverge` (two readings on the
//! product engine): each test pins a bug found, and failed before its fix.
//! Every comparison is also asked of the explicit engine (breadth first
//! over pairs of states), which must give the same answer at the same
//! shortest depth.

use charter::check::Checked;
use charter::compare;
use charter::plan::Overrides;
use charter::verify::{Outcome, Verdict};

/// A spec from its body (the header added).
fn load(body: &str) -> Checked {
    let source = format!("charter \"review\"\n{body}");
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
    crate::compare::cross_checked(&checked, &outcomes, "review");
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
        assert!(
            proof.contains("every constant and variable the spec leaves free"),
            "{proof}"
        );
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
    let refused = outcomes[2]
        .comparison
        .as_ref()
        .unwrap()
        .refused
        .clone()
        .unwrap();
    assert_eq!(
        (refused.allowed_by.as_str(), refused.forbidden_by.as_str()),
        ("one", "two")
    );
}

/// Readings that differ only in a guard, only in an effect on an
/// option-valued function, only in a state constraint, only beyond the
/// depth, and a group of three readings beside another group: the product
/// engine and the explicit engine give the same answers at the same
/// shortest depths (`run` checks each), and the answers are these.
#[test]
fn guards_effects_constraints_and_depths_cross_checked() {
    let guard = run("
readings g \"p\" { one: \"1\", two: \"2\" }
var n: Int[0..3] = 0
event go
clause c \"Go counts.\"
  on go: n' = n + 1
  under one: must not go when n = 2
compare one two: n
diverge one two
");
    assert!(matches!(guard[0].verdict, Verdict::Proved { .. }));
    assert_eq!(witness_depth(&guard[1]), 3);
    let effect = run("
enum S { A, B, C }
readings g \"p\" { one: \"1\", two: \"2\" }
var seat: S -> S? = {_: none}
var last: S? = none
event take(s: S, t: S)
clause c \"Take a seat.\"
  on take(s, t): seat'(s) = reading g { one: t, two: s }, last' = s
compare one two: seat
compare one two: last
diverge one two
");
    assert_eq!(witness_depth(&effect[0]), 1);
    assert!(matches!(effect[1].verdict, Verdict::Proved { .. }));
    assert!(matches!(effect[2].verdict, Verdict::NoneUpTo { .. }));
    let constraint = run("
readings g \"p\" { one: \"1\", two: \"2\" }
var n: Int[0..3] = 0
event go
  requires n < 3
clause c \"Go counts.\"
  on go: n' = n + 1
clause cap \"No more than one.\"
  under one: always n <= 1
compare one two: n
diverge one two
");
    assert!(matches!(constraint[0].verdict, Verdict::Proved { .. }));
    assert_eq!(witness_depth(&constraint[1]), 2);
    let late = run("
readings g \"p\" { one: \"1\", two: \"2\" }
var n: Int[0..6] = 0
var x: Bool = false
event go
  requires n < 6
clause c \"Go counts.\"
  on go: n' = n + 1, x' = reading g { one: n >= 4, two: false }
compare one two: x depth 3
compare one two: x depth 6
");
    assert!(matches!(late[0].verdict, Verdict::NoneUpTo { depth: 3 }));
    assert_eq!(witness_depth(&late[1]), 5);
    let three = run("
enum S { A, B, C }
readings g \"p\" { one: \"1\", two: \"2\", three: \"3\" }
readings h \"q\" { short: \"s\", long: \"l\" }
var x: S? = none
var m: Int[0..2] = 0
event go(s: S)
clause c \"Go.\"
  on go(s): x' = reading g { one: s, two: s, three: A }, m' = reading h { short: 1, long: 2 }
  under three: must not go(s) when s = C
compare one two: x
compare one three: x
diverge two three
compare short long: m
");
    // Each twice (under short, under long), the last three times.
    assert_eq!(three.len(), 9);
    assert!(three[..2]
        .iter()
        .all(|o| matches!(o.verdict, Verdict::Proved { .. })));
    assert!(three[2..6].iter().all(|o| witness_depth(o) == 1));
    assert!(three[6..].iter().all(|o| witness_depth(o) == 1));
}

/// Readings of an `init` block leave the copies no common start on the
/// tied `x`: `diverge` said "no event one reading allows and the other
/// forbids" (a false none) because it never checked that a common start
/// exists; now it is unknown, with that reason.
#[test]
fn diverge_without_a_common_start_is_unknown() {
    let checked = load(
        r#"
sort S names A, B
readings g "the start" { one: "A first", two: "B first" }
var x: S
init start: x = reading g { one: A, two: B }
event go
  requires x = A

clause going "Going keeps x."
  on go: x' = x

diverge one two
"#,
    );
    let outcomes = compare::run(&checked, &Overrides::default()).unwrap();
    assert_eq!(outcomes.len(), 1);
    assert!(
        matches!(
            outcomes[0].verdict,
            Verdict::Unknown {
                reason: charter::verify::UnknownReason::NoCommonStart
            }
        ),
        "{:?}",
        outcomes[0].verdict
    );
}

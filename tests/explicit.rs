//! The explicit-state engine stays bounded: domains are counted before they
//! are listed (a wide range is refused by name and size, never allocated),
//! the search stops at the time limit and at its memory budget, each with
//! `unknown` and a reason that says which. Memory is measured through the
//! reasons, never by using much of it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use charter::budget::{self, Budget, Spent};
use charter::explore::{self, Found, Limits, Stopped, Target};
use charter::verify::{self, Overrides, UnknownReason, Verdict};

use crate::common::checked;

fn explicit(max_states: usize, timeout_ms: Option<u64>) -> Overrides {
    let mut overrides = Overrides {
        engine: verify::Engine::Explicit { max_states },
        skip_blocking_check: true,
        ..Overrides::default()
    };
    overrides.limits.budget = Budget::new(
        timeout_ms.map(Duration::from_millis),
        charter::budget::DEFAULT_MAX_MEMORY,
    );
    overrides
}

/// The first command's unknown reason under the explicit engine.
fn reason(source: &str, overrides: &Overrides) -> UnknownReason {
    let charter = checked(source);
    let outcomes = verify::verify(&charter, None, overrides);
    match &outcomes[0].verdict {
        Verdict::Unknown { reason } => reason.clone(),
        other => panic!("expected unknown, got {other:?}"),
    }
}

/// Counters that reach 1000^3 states: more than any test explores.
const GRID: &str = r#"charter "a large grid"

var a: Int[0..999] = 0
var b: Int[0..999] = 0
var c: Int[0..999] = 0
event inc_a
  requires a < 999
event inc_b
  requires b < 999
event inc_c
  requires c < 999
clause ca "a counts up."
  on inc_a: a' = a + 1
clause cb "b counts up."
  on inc_b: b' = b + 1
clause cc "c counts up."
  on inc_c: c' = c + 1
lemma bounded: always a + b + c <= 2997
prove bounded
"#;

#[test]
fn a_wide_argument_is_refused_by_name_and_size() {
    let source = r#"charter "t"

var x: Int[0..1000000000] = 0
event bump(n: Int[0..1000000000])
clause c "bump sets x."
  on bump(n): x' = n
assert small: always x <= 1000000000
check small depth 2
"#;
    let started = Instant::now();
    let reason = reason(source, &explicit(1_000_000, None));
    assert_eq!(
        reason.to_string(),
        "the explicit-state engine cannot decide this: the argument `n` of `bump` ranges over \
         `Int[0..1000000000]`: 1000000001 values, more than the 65536 it lists"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_wide_variable_is_refused_by_name_and_size() {
    let source = r#"charter "t"

var x: Int[0..1000000000]
event reset
clause c "reset."
  on reset: x' = 0
assert small: always x <= 1000000000
check small depth 2
"#;
    let reason = reason(source, &explicit(1_000_000, None));
    assert_eq!(
        reason.to_string(),
        "the explicit-state engine cannot decide this: `x` ranges over `Int[0..1000000000]`: \
         1000000001 values, more than the 65536 it lists"
    );
}

#[test]
fn a_long_calendar_is_refused_by_name_and_size() {
    for (high, count) in [
        ("1000000000", "1000000001"),
        ("9223372036854775807", "9223372036854775808"),
    ] {
        let source = format!(
            "charter \"t\"\n\ncalendar days 0..{high}\nvar done: Bool = false\nevent finish\n\
             clause c \"finish.\"\n  on finish: done' = true\n\
             assert ok: always (done or not done)\ncheck ok depth 2\n"
        );
        let reason = reason(&source, &explicit(1_000_000, None));
        assert_eq!(
            reason.to_string(),
            format!(
                "the explicit-state engine cannot decide this: the argument `date` of `finish` \
                 ranges over `Int[0..{high}]`: {count} values, more than the 65536 it lists"
            )
        );
    }
}

#[test]
fn the_search_stops_at_the_time_limit_and_names_it() {
    // The clock starts once the spec is checked, and a run whose 50 ms
    // were spent before the search began (a loaded machine, the other
    // tests running beside this one) is tried again: it shows nothing
    // about the search.
    let charter = checked(GRID);
    let (started, reason) = (0..20)
        .map(|_| {
            let started = Instant::now();
            let outcomes = verify::verify(&charter, None, &explicit(400_000, Some(50)));
            let Verdict::Unknown { reason } = outcomes[0].verdict.clone() else {
                panic!("expected unknown, got {:?}", outcomes[0].verdict);
            };
            (started, reason)
        })
        .find(|(_, reason)| {
            !matches!(
                reason,
                UnknownReason::Budget(budget::Stopped {
                    before_start: true,
                    ..
                })
            )
        })
        .expect("the search began within 50 ms in one of 20 runs");
    let UnknownReason::Budget(budget::Stopped {
        spent: Spent::Time { limit_ms },
        depth: Some(depth),
        ..
    }) = reason
    else {
        panic!("expected the time limit, got {reason:?}");
    };
    assert_eq!(limit_ms, 50);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        reason.to_string(),
        format!("the time budget of 50 ms was spent at depth {depth} (every depth below it was examined)")
    );
    let whole_seconds = UnknownReason::Budget(budget::Stopped {
        spent: Spent::Time { limit_ms: 5000 },
        depth: Some(37),
        before_start: false,
        building: false,
    });
    assert_eq!(
        whole_seconds.to_string(),
        "the time budget of 5 s (--timeout) was spent at depth 37 (every depth below it was examined)"
    );
    assert_eq!(
        serde_json::to_value(&whole_seconds).unwrap(),
        serde_json::json!({"reason": "budget", "budget": "time", "limit_ms": 5000, "depth": 37})
    );
}

#[test]
fn the_search_stops_at_its_memory_budget() {
    let charter = checked(GRID);
    let command = &charter.commands[0];
    let model = charter::eval::Model::new(&charter, &command.scopes);
    let charter::hir::CommandKind::Prove(id) = command.kind else {
        panic!("a prove");
    };
    let goal = &charter.formula(id).body;
    let limits = Limits {
        max_memory: 256 * 1024,
        ..Limits::new(10_000_000, &Budget::default())
    };
    let found = explore::search(&model, goal, None, Target::Violation, None, &limits);
    let Found::Stopped(Stopped::Memory {
        budget_bytes,
        states,
        depth,
    }) = found
    else {
        panic!("expected the memory budget, got {found:?}");
    };
    assert_eq!(budget_bytes, 256 * 1024);
    // About 30 bytes a state here (3 bytes packed), so 256 KiB holds some
    // thousands; the full states of before took about 700 bytes each.
    assert!(states > 4_000, "{states} states in 256 KiB");
    assert!(depth > 10, "{depth}");
}

#[test]
fn the_state_budget_still_holds_first_when_smaller() {
    let reason = reason(GRID, &explicit(1_000, None));
    assert_eq!(reason, UnknownReason::StateBudget { max_states: 1_000 });
}

/// Runs `charter verify --engine explicit` on `source` with the address
/// space capped at 1.5 GB (as `ulimit -v` does), so that a search that
/// lists more than it counted aborts here instead of exhausting the
/// machine. Exit code and standard output.
fn explicit_under_ulimit(name: &str, source: &str, args: &[&str]) -> (Option<i32>, String) {
    let dir = std::env::temp_dir().join(format!("charter-explicit-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("spec.charter");
    std::fs::write(&spec, source).unwrap();
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1500000 && exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_charter"))
        .args(["verify", "--engine", "explicit"])
        .args(args)
        .arg(&spec)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// The values of every location a product ranges over are counted before
/// any is listed, and each type is listed once: here 256 locations of
/// `set P` (65,536 subsets each) would have taken about 5 GB as lists
/// before the product was found too large (an abort, exit 134, before this
/// was fixed). Now the state budget is named at once.
#[test]
fn the_locations_of_a_product_are_counted_before_they_are_listed() {
    let source = r#"charter "t"
sort P
var f: (P, P) -> set P
event e(a: P, b: P)
clause c "c" on e(a, b): f'(a, b) = {}
assert ok: always true
check ok depth 1 scope P = 16
"#;
    let (code, stdout) = explicit_under_ulimit("lists", source, &["--max-states", "100000000"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout
            .contains("unknown: the explicit-state engine reached its budget of 100000000 states"),
        "{stdout}"
    );
}

/// An event's occurrences are built one at a time, not held: 10^8 of them
/// (within a state budget raised to 10^8) took gigabytes as a list (an
/// abort, exit 134, before this was fixed); now the search runs into its
/// time limit.
#[test]
fn occurrences_are_not_held_in_memory() {
    let source = r#"charter "t"
var x: Int[0..99] = 0
event e(a: Int[0..99], b: Int[0..99], c: Int[0..99], d: Int[0..99])
clause c "c" on e(a, b, c, d): x' = a
assert ok: always x < 100
check ok depth 1
"#;
    let args = ["--max-states", "100000000", "--timeout", "1"];
    let (code, stdout) = explicit_under_ulimit("occurrences", source, &args);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("unknown: the time budget of 1 s (--timeout) was spent at depth 0"),
        "{stdout}"
    );
}

/// Each command's verdict by the SMT engine and by the explicit one (with
/// this state budget), as words.
pub(crate) fn by_both_engines(source: &str, max_states: usize) -> (Vec<String>, Vec<String>) {
    let charter = checked(source);
    let name = |o: &verify::Outcome| match &o.verdict {
        Verdict::Proved { .. } => "proved".to_string(),
        Verdict::Counterexample { depth, .. } => format!("counterexample in {depth}"),
        Verdict::Witness { depth, .. } => format!("witness in {depth}"),
        Verdict::NoneUpTo { depth } => format!("none up to {depth}"),
        other => format!("{other:?}"),
    };
    let smt = Overrides {
        skip_blocking_check: true,
        ..Overrides::default()
    };
    let smt = verify::verify(&charter, None, &smt);
    let explicit = verify::verify(&charter, None, &explicit(max_states, None));
    (
        smt.iter().map(name).collect(),
        explicit.iter().map(name).collect(),
    )
}

/// Effects that read `now` (the step's date) are computed from the step's
/// date, as the SMT engine does, instead of trying every value the
/// locations they assign could take: before, the product of `now`'s,
/// `notified_on`'s and `deadline`'s values (61 · 62 · 92) exceeded the
/// state budget in the first state, and every command was unknown.
#[test]
fn effects_reading_now_take_the_step_date_and_agree_with_smt() {
    let source = r#"charter "A notice opens a thirty-day window to answer"

calendar days 0..60

var notified_on: Int[0..60]? = none
var deadline: Int[0..90]? = none
var answered: Bool = false

event notify requires notified_on is none
event answer requires deadline is some and now <= value(deadline)

clause notice "The notice is dated, and the answer is due thirty days later."
  on notify: notified_on' = now, deadline' = now + 30
clause reply "An answer is recorded."
  on answer: answered' = true

assert on_time "an answer comes within thirty days of the notice":
  always answered implies (notified_on is some and now <= value(notified_on) + 30)
check on_time depth 3
assert window "the deadline is thirty days after the notice":
  always deadline is some implies value(deadline) = value(notified_on) + 30
check window depth 3
scenario late "answered on day 40": answered and now = 40 depth 3
scenario too_late "answered 31 days after the notice":
  answered and notified_on = 5 and now = 36 depth 3
"#;
    let (smt, explicit) = by_both_engines(source, 200_000);
    let verdicts: Vec<(String, String)> = smt.into_iter().zip(explicit).collect();
    for (s, e) in &verdicts {
        assert_eq!(s, e, "engines disagree: {verdicts:?}");
    }
    assert_eq!(
        verdicts.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        [
            "none up to 3",
            "none up to 3",
            "witness in 2",
            "none up to 3"
        ]
    );
}

/// The civil calendar: a leap year's February, month and year lookups and
/// `first day of the month after` give the same verdicts in both engines
/// (the explicit engine evaluates the checker's lookups as the solver
/// does, by `eval`). 30 days after 17 Feb 2012 is 18 Mar 2012 (a leap
/// year), after 17 Feb 2013 it is 19 Mar.
#[test]
fn civil_dates_agree_with_smt() {
    let source = r#"charter "Entry into force on the first day of the following month"

calendar dates 2012-02-15..2012-03-20

var ratified_on: Int[2012-02-15..2012-03-20]? = none
var in_force_from: Int[2012-02-15..2012-04-30]? = none

event ratify requires ratified_on is none
event object requires ratified_on is some and now <= value(ratified_on) + 30

clause deposit "Dated; in force from the first day of the month after."
  on ratify: ratified_on' = now, in_force_from' = first day of the month after now

assert first "in force from a first day":
  always in_force_from is some implies day of value(in_force_from) = 1
check first depth 2
assert next_month "the month after":
  always ratified_on is some implies
    month of value(in_force_from) = month of value(ratified_on) + 1
check next_month depth 2
scenario leap "the 29th of February exists": day of now = 29 and month of now = 2 depth 1
scenario thirty "an objection on 18 March, day 30 after 17 February":
  ratified_on = 2012-02-17 and last object = 2012-03-18 depth 2
scenario thirty_one "no objection on 19 March, day 31":
  ratified_on = 2012-02-17 and last object = 2012-03-19 depth 2
scenario march_first "ratified on 1 March, in force 1 April":
  ratified_on = 2012-03-01 and in_force_from = 2012-04-01 and year of now = 2012 depth 1
"#;
    let (smt, explicit) = by_both_engines(source, 1_000_000);
    assert_eq!(smt, explicit);
    assert_eq!(
        smt,
        [
            "none up to 2",
            "none up to 2",
            "witness in 1",
            "witness in 2",
            "none up to 2",
            "witness in 1"
        ]
    );
}

/// `now` in a define is the date where the define is used (the step's date
/// in a guard and an effect, the state's in a property): both engines
/// agree on the fixture that tells them apart.
#[test]
fn now_in_a_define_agrees_with_smt() {
    let source = std::fs::read_to_string("tests/fixtures/verify/now_in_define.charter").unwrap();
    let (smt, explicit) = by_both_engines(&source, 200_000);
    assert_eq!(smt, explicit);
    assert_eq!(smt, ["none up to 4", "none up to 4", "counterexample in 1"]);
}

/// The spans the law names and months added to dates: `not later than`,
/// `before`, `within n days after` a date, `d + 1 month` (31 January + 1
/// month = 29 February in 2012) give the same verdicts in both engines.
#[test]
fn civil_spans_agree_with_smt() {
    let source = r#"charter "Spans after a date"

calendar dates 2012-01-29..2012-03-05

var notified_on: Date? = none
var due: Date[2012-01-29..2012-04-05]? = none
var answered: Bool = false

event notify requires notified_on is none and not later than 2012-02-01
event answer requires within 30 days after value(notified_on) and before 2012-03-02

clause notice "Dated; due one month later." on notify: notified_on' = now, due' = now + 1 month
clause reply "An answer." on answer: answered' = true

assert month "due one month later, or on the month's last day":
  always due is some implies value(due) >= value(notified_on) + 28
check month depth 2
scenario leap "notified 31 January, due 29 February": due = 2012-02-29 depth 1
scenario plain "notified 29 January, due 29 February": notified_on = 2012-01-29 and due = 2012-02-29 depth 1
scenario late_notice "no notice after 1 February": notified_on = 2012-02-02 depth 1
scenario day_thirty "an answer on day 30": answered and notified_on = 2012-01-31 and now = 2012-03-01 depth 2
scenario day_thirty_one "no answer on day 31": answered and notified_on = 2012-01-30 and now = 2012-03-01 depth 2
scenario not_before "no answer on 2 March": answered and now = 2012-03-02 depth 2
"#;
    let (smt, explicit) = by_both_engines(source, 1_000_000);
    assert_eq!(smt, explicit);
    assert_eq!(
        smt,
        [
            "none up to 2",
            "witness in 1",
            "witness in 1",
            "none up to 1",
            "witness in 2",
            "none up to 2",
            "none up to 2"
        ]
    );
}

/// Function literals (initial values, a constant's value, `f' = {…}`) and
/// quantified point updates (`forall o: Office when holder(o) = p.
/// holder'(o) = none`, which assigns only the offices `p` holds): both
/// engines agree on the fixture. Without the `when` (every office vacated)
/// `others_keep` would have no witness; without the literal's treasury
/// entry `treasury_starts_with_alice` would have a counterexample.
#[test]
fn function_literals_and_quantified_updates_agree_with_smt() {
    let source =
        std::fs::read_to_string("tests/fixtures/verify/function_literals.charter").unwrap();
    let (smt, explicit) = by_both_engines(&source, 200_000);
    assert_eq!(smt, explicit);
    assert_eq!(
        smt,
        [
            "none up to 3",
            "none up to 3",
            "witness in 2",
            "proved",
            "witness in 1"
        ]
    );
}

/// `happens e(x)` binds the step's arguments, a set among them, and
/// quantifiers range over set variables, function results and a bound
/// set: both engines give the same verdicts (the SMT engine reads a copy
/// of the arguments kept in the state, the explicit one the step).
#[test]
fn happens_bindings_and_set_quantifiers_agree_with_smt() {
    let source = r#"charter "Elections, committees and group decisions"

sort Person
enum Committee { Board, Audit }

var present: set Person = {}
var members: Committee -> set Person
var seats: Int[0..3] = 0

event arrive(p: Person) requires p not in present
event appoint(c: Committee, p: Person) requires p in present and seats < 3
event decide(group: set Person) requires forall q in group. q in present

clause arriving "A person arrives."
  on arrive(p): present' += {p}
clause appointing "An appointment fills a seat."
  on appoint(c, p): members'(c) = members(c) union {p}, seats' = seats + 1

assert appointed_present: always happens appoint(c, p) implies p in present and p in members(c)
prove appointed_present depth 3 scope Person = 2 expect proved

// `members` starts anywhere: someone absent may be a member at first.
assert members_present: always forall c: Committee. forall p in members(c). p in present
check members_present depth 3 scope Person = 2

assert groups_small: always happens decide(g) implies #g <= 1
check groups_small depth 3 scope Person = 2

assert board_decides: always happens decide(g) implies forall m in g. m in members(Board)
check board_decides depth 3 scope Person = 2

scenario audit_seat "the third seat goes to the audit committee":
  happens appoint(Audit, x) and seats = 3 and exists q in present. q != x
  depth 5 scope Person = 2
"#;
    let (smt, explicit) = by_both_engines(source, 200_000);
    assert_eq!(smt, explicit, "engines disagree");
    assert_eq!(
        smt,
        [
            "proved",
            "counterexample in 0",
            "counterexample in 3",
            "counterexample in 2",
            "witness in 5"
        ]
    );
}

//! Event parameters and calendar values (issue 15): a name repeated in
//! `happens e(x, x)`, function-typed parameters, events declared fair,
//! weekdays and sets of dates — each agrees between the SMT engine and the
//! explicit one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter::verify::{self, Verdict};

use crate::explicit::by_both_engines;

/// `happens e(x, x)`: the two arguments are equal. Self-nomination is
/// forbidden, so no step is one (read as two unrelated names, any
/// nomination would be a witness); the unguarded appointment has such a
/// step after one.
#[test]
fn a_name_given_twice_to_happens_means_equal_arguments() {
    let source = r#"charter "Nominations"

sort Person

var chair: Person? = none

event nominate(by: Person, whom: Person) requires by != whom
event appoint(by: Person, whom: Person)

clause nominating "A nomination names the chair."
  on nominate(_, whom): chair' = whom
clause appointing "An appointment names the chair."
  on appoint(_, whom): chair' = whom

scenario self_nominated: happens nominate(x, x) depth 2 scope Person = 2

assert no_self_appointment: always happens appoint(x, x) implies false
check no_self_appointment depth 2 scope Person = 2

scenario self_appointed: happens appoint(x, x) and chair = x depth 2 scope Person = 2

assert others: always happens appoint(x, y) and x != y implies chair != x
prove others depth 2 scope Person = 2
"#;
    let (smt, explicit) = by_both_engines(source, 100_000);
    assert_eq!(smt, explicit, "engines disagree");
    assert_eq!(
        smt,
        [
            "none up to 2",
            "counterexample in 1",
            "witness in 1",
            "proved"
        ]
    );
}

/// `d is Saturday` is exact in both engines: meetings only on working days,
/// and a week of them from Thursday 21 March 2019.
#[test]
fn weekday_tests_agree_between_engines() {
    let source = r#"charter "Meetings are not held on Saturday or Sunday"

calendar dates 2019-03-21..2019-03-31

var meetings: Int[0..9] = 0

event meet requires not (now is Saturday or now is Sunday)

clause meeting "The Council meets on working days."
  on meet: meetings' = meetings + 1

assert never_on_weekends: always happens meet implies not (now is Saturday or now is Sunday)
prove never_on_weekends depth 3

scenario on_saturday: happens meet and now is Saturday depth 3
scenario on_friday: happens meet and now is Friday and now = 2019-03-22 depth 2
scenario on_thursday: happens meet and now is Thursday and now = 2019-03-28 depth 2
assert no_monday_25th: always not (happens meet and now = 2019-03-25 and now is Monday)
check no_monday_25th depth 2
"#;
    let (smt, explicit) = by_both_engines(source, 200_000);
    assert_eq!(smt, explicit, "engines disagree");
    assert_eq!(
        smt,
        [
            "proved",
            "none up to 3",
            "witness in 1",
            "witness in 1",
            "counterexample in 1"
        ]
    );
}

/// `fair event tick`: every liveness command assumes `tick` fair, and says
/// so once, with or without `assuming fair tick`; a safety command does
/// not. Both engines agree.
#[test]
fn events_declared_fair_are_assumed_by_every_liveness_command() {
    let source = r#"charter "A counter that counts down, fairly"

var x: Int[0..3] = 3

fair event tick requires x > 0
event idle

clause ticking "The counter counts down."
  on tick: x' = x - 1

assert reaches_zero: eventually x = 0
assert bounded: always x <= 3

prove reaches_zero depth 8
prove reaches_zero depth 8 assuming fair tick
prove reaches_zero depth 8 assuming fair idle
prove bounded depth 2
"#;
    for engine in [
        verify::Engine::Smt,
        verify::Engine::Explicit { max_states: 10_000 },
    ] {
        let assumed: Vec<Option<Vec<String>>> = crate::liveness::outcomes_of(source, engine)
            .iter()
            .map(|outcome| match &outcome.verdict {
                Verdict::Proved { assuming, .. } => assuming.clone(),
                other => panic!("{engine:?}: {}: {other:?}", outcome.command),
            })
            .collect();
        let names = |names: &[&str]| Some(names.iter().map(|n| n.to_string()).collect());
        assert_eq!(
            assumed,
            [
                names(&["tick"]),
                names(&["tick"]),
                names(&["idle", "tick"]),
                None
            ],
            "{engine:?}"
        );
    }
}

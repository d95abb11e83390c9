//! Event parameters and calendar values (issue 15): a name repeated in
//! `happens e(x, x)`, function-typed parameters, events declared fair,
//! weekdays and sets of dates — each agrees between the SMT engine and the
//! explicit one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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

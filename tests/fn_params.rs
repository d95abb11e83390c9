//! Function-typed event parameters (issue 15.4): `event ballot(votes:
//! Member -> Candidate?)`, read point by point in guards, effects and
//! properties, bound by `happens ballot(v)`; chosen freely at every point by
//! the SMT engine, enumerated function by function by the explicit one,
//! shown as `{alice: x, bob: none}` and replayed by eval.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use crate::explicit::by_both_engines;

/// Three members vote for one of two candidates or abstain; a strict
/// majority elects, and the tally keeps the votes.
const BALLOT: &str = r#"charter "Ballot: votes as a function"

enum Member { alice, bob, carol }
enum Candidate { x, y }

var elected: Candidate? = none
var tally: Member -> Candidate? = {_: none}

event ballot(votes: Member -> Candidate?)
  requires elected is none

clause count "A candidate with a strict majority of the votes is elected."
  on ballot(votes) when exists c: Candidate. 2 * #{m: Member | votes(m) = c} > #Member:
    elected' = (if #{m: Member | votes(m) = x} >= 2 then x else y),
    forall m: Member. tally'(m) = votes(m)

assert never_elected: always elected is none
check never_elected depth 2

assert majority: always (elected = x implies #{m: Member | tally(m) = x} >= 2)
prove majority

assert carol_decides: always (happens ballot(v) implies (v(carol) = x implies elected = x))
check carol_decides depth 2

assert kept: always (happens ballot(v) implies forall m: Member. tally(m) = v(m) or elected is none)
prove kept

scenario unanimous: happens ballot(v) and v(alice) = y and v(bob) = y and v(carol) = y depth 1
"#;

fn verify(args: &[&str], source: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("ballot.charter");
    std::fs::write(&spec, source).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .arg(&spec)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code(), stdout)
}

/// Every verdict agrees between the engines: the solver may choose any
/// function (every point independently), the explicit engine lists them all.
#[test]
fn ballot_verdicts_agree_between_engines() {
    let (smt, explicit) = by_both_engines(BALLOT, 100_000);
    assert_eq!(smt, explicit, "engines disagree");
    assert_eq!(
        smt,
        [
            "counterexample in 1",
            "proved",
            "counterexample in 1",
            "proved",
            "witness in 1"
        ]
    );
}

/// The counterexample's ballot is shown as a function, point by point, and
/// it replayed (else verify reports an internal error, exit 2).
#[test]
fn the_ballot_argument_is_shown_as_a_function() {
    // Exit 1: counterexamples found; 2 would be a replay failure.
    let (code, stdout) = verify(&["verify"], BALLOT);
    assert_eq!(code, Some(1), "{stdout}");
    let ballot = stdout
        .lines()
        .find(|l| l.contains("step 1: ballot(votes = {alice: "))
        .unwrap_or_else(|| panic!("no ballot shown as a function:\n{stdout}"));
    for member in ["bob: ", "carol: "] {
        assert!(ballot.contains(member), "{ballot}");
    }
    assert!(!stdout.contains("INTERNAL ERROR"), "{stdout}");
}

/// In JSON, the argument is `{"kind": "function", "value": [{"point",
/// "value"}, …]}`, one entry per member.
#[test]
fn the_ballot_argument_in_json() {
    let (code, stdout) = verify(&["verify", "--format", "json"], BALLOT);
    assert_eq!(code, Some(1), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let outcome = &json["files"][0]["outcomes"][0];
    let arg = &outcome["verdict"]["trace"]["steps"][0]["args"][0];
    assert_eq!(arg["location"], "votes", "{outcome}");
    assert_eq!(arg["value"]["kind"], "function", "{arg}");
    let points: Vec<&str> = arg["value"]["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["point"].as_str().unwrap())
        .collect();
    assert_eq!(points, ["alice", "bob", "carol"]);
}

/// A function of two arguments, over an abstract sort's scope: the explicit
/// engine enumerates 2^(2·2) functions per step, the solver chooses them.
#[test]
fn a_function_of_two_arguments_agrees_between_engines() {
    let source = r#"charter "Approvals"

sort Member
enum Motion { budget, agenda }

var passed: set Motion = {}

event vote(approves: (Member, Motion) -> Bool)

clause adopt "A motion every member approves passes."
  on vote(approves): passed' = {m: Motion | forall p: Member. approves(p, m)}

assert agenda_never: always not (agenda in passed)
check agenda_never depth 1 scope Member = 2

assert unanimous: always (happens vote(a) implies (budget in passed) = forall p: Member. a(p, budget))
prove unanimous scope Member = 2
"#;
    let (smt, explicit) = by_both_engines(source, 100_000);
    assert_eq!(smt, explicit, "engines disagree");
    assert_eq!(smt, ["counterexample in 1", "proved"]);
}

/// Too many functions to list: the explicit engine refuses by name, the
/// SMT engine decides.
#[test]
fn the_explicit_engine_refuses_too_many_functions() {
    let source = r#"charter "Many votes"

sort Member
var any_yes: Bool = false
event vote(yes: Member -> Bool)
clause count "Any yes is noted."
  on vote(yes): any_yes' = exists m: Member. yes(m)
assert quiet: always not any_yes
check quiet depth 1 scope Member = 20
"#;
    let (smt, explicit) = by_both_engines(source, 100_000);
    assert_eq!(smt, ["counterexample in 1"]);
    assert!(explicit[0].contains("2^20 functions"), "{explicit:?}");
}

/// `charter fmt` keeps the declaration as written.
#[test]
fn fmt_round_trips_the_declaration() {
    let formatted = charter::fmt::format(BALLOT).unwrap();
    assert_eq!(formatted, BALLOT);
}

/// A function over dates, as a variable and as an event's parameter, in a
/// civil calendar: its points are shown as ISO dates (they were day
/// numbers: `held(18993)`, `{18993: true}`).
#[test]
fn points_of_a_date_domain_are_shown_as_dates() {
    const DATED: &str = r#"charter "Dated points"

calendar dates 2022-01-01..2022-01-05

var held: Date[2022-01-01..2022-01-03] -> Bool = {_: false}
event hold(day: Date[2022-01-01..2022-01-03], plan: Date[2022-01-01..2022-01-02] -> Bool)

clause holding "A session is held on its date, as planned."
  on hold(d, p): held'(d) = p(d)

assert never_held "no session is ever held":
  always not exists d: Date[2022-01-01..2022-01-03]. held(d)

check never_held depth 2
"#;
    let (code, stdout) = verify(&["verify"], DATED);
    assert_eq!(code, Some(1), "{stdout}");
    for shown in [
        "held(2022-01-01) = false",
        "held(2022-01-03) = false",
        "plan = {2022-01-01: ",
        "held(2022-01-01): false → true",
    ] {
        assert!(stdout.contains(shown), "missing {shown:?} in:\n{stdout}");
    }
    assert!(!stdout.contains("(18993)"), "{stdout}");
}

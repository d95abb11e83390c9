//! The checker marks what it synthesises: every state, local, guard,
//! formula, clause and rule of the checked spec carries a
//! `hir::Provenance`, `User` for what the spec wrote, and the calendar's,
//! a `last E` monitor's or a duty part's for what the checker wrote for
//! them. Listed item by item (names only label the list) against the
//! expected marks, so that a wrong or missing mark fails here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use charter::hir::{self, DutyPart, EventId, Provenance};

const SPEC: &str = r#"charter "Provenance: a calendar, last E monitors and two duties of one clause"

calendar days 0..10

enum State { Ada, Bo }

var suspended: set State = {}

event decide(s: State)
event notify(s: State)
  requires s not in suspended
event report
event suspend(s: State)

clause notice "A state that decides shall notify, and report."
  on decide(s): must notify(s) within 2 days
  on decide(_s): must report within 3 days
clause suspension "A state may be suspended; no report the day after a notice by Ada."
  on suspend(s): suspended' += s
  must not report when within 1 days after notify(Ada)

assert quiet: always last report is none or last notify is some
check notice depth 2
"#;

fn checked() -> hir::Charter {
    let loaded = charter::load(SPEC.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"));
    loaded.checked.unwrap_or_else(|e| panic!("{e:?}")).charter
}

fn duty(duty: usize, part: DutyPart) -> Provenance {
    Provenance::Duty { duty, part }
}

#[test]
fn the_checker_marks_what_it_synthesises() {
    use DutyPart::*;
    use Provenance::*;
    let charter = checked();
    let (decide, notify, report, suspend) = (EventId(0), EventId(1), EventId(2), EventId(3));
    let last = |event| LastMonitor { event };

    let states: Vec<(&str, Provenance)> = charter
        .states
        .iter()
        .map(|s| (s.name.as_str(), s.provenance))
        .collect();
    assert_eq!(
        states,
        [
            ("suspended", User),
            ("now", Calendar),
            ("due notify (notice)", duty(0, Monitor)),
            ("due report (notice)", duty(1, Monitor)),
            ("last notify", last(notify)),
            ("last report", last(report)),
            ("last notify (any s)", last(notify)),
        ]
    );
    // Every duty's monitor is marked as its own.
    for (index, d) in charter.duties.iter().enumerate() {
        assert_eq!(charter.state(d.due).provenance, duty(index, Monitor));
    }

    // Each event's parameters: the user's, then the calendar's `date`.
    let params: Vec<Vec<(&str, Provenance)>> = charter
        .events
        .iter()
        .map(|e| {
            e.params
                .iter()
                .map(|p| charter.local(*p))
                .map(|l| (l.name.as_str(), l.provenance))
                .collect()
        })
        .collect();
    assert_eq!(
        params,
        [
            vec![("s", User), ("date", Calendar)],
            vec![("s", User), ("date", Calendar)],
            vec![("date", Calendar)],
            vec![("s", User), ("date", Calendar)],
        ]
    );
    // Guards: the event's own and the clause's prohibition, then the
    // calendar's `date >= now`.
    let guards: Vec<Vec<Provenance>> = charter
        .events
        .iter()
        .map(|e| e.requires.iter().map(|g| g.provenance).collect())
        .collect();
    assert_eq!(
        guards,
        [
            vec![Calendar],
            vec![User, Calendar],
            vec![User, Calendar],
            vec![Calendar],
        ]
    );

    let notice = hir::ClauseId(0);
    let formulas: Vec<(&str, Provenance)> = charter
        .formulas
        .iter()
        .map(|f| (f.name.as_str(), f.provenance))
        .collect();
    assert_eq!(
        formulas,
        [
            ("quiet", User),
            ("notice", DutyAssertion { clause: notice }),
            ("due notify (notice) starts as none", duty(0, Init)),
            ("last notify starts as none", last(notify)),
        ]
    );

    let clauses: Vec<(&str, Provenance, Vec<Provenance>)> = charter
        .clauses
        .iter()
        .map(|c| {
            let rules = c.rules.iter().map(|r| r.provenance).collect();
            (c.name.as_str(), c.provenance, rules)
        })
        .collect();
    assert_eq!(
        clauses,
        [
            (
                "notice",
                User,
                vec![
                    duty(0, Undertake),
                    duty(0, OnTime),
                    duty(1, Undertake),
                    duty(1, OnTime),
                ],
            ),
            ("suspension", User, vec![User]),
            (
                "calendar",
                Calendar,
                vec![Calendar, Calendar, Calendar, Calendar],
            ),
        ]
    );
    // The calendar's rules record each event's step; the locals of the
    // rules the checker writes are theirs too.
    for rule in &charter.clauses[2].rules {
        let hir::RuleKind::On {
            events, bindings, ..
        } = &rule.kind
        else {
            panic!("the calendar writes `on` rules");
        };
        assert!([decide, notify, report, suspend]
            .iter()
            .any(|e| *events == hir::EventSet::One(*e)));
        for local in bindings.iter().flatten() {
            assert_eq!(charter.local(*local).provenance, Calendar);
        }
    }
    let hir::RuleKind::On { bindings, .. } = &charter.clauses[0].rules[1].kind else {
        panic!("a duty is fulfilled by an `on` rule");
    };
    for local in bindings.iter().flatten() {
        assert_eq!(charter.local(*local).provenance, duty(0, OnTime));
    }
}

/// Without a calendar or obligations, everything is the user's.
#[test]
fn a_spec_without_them_is_all_the_users() {
    let spec = r#"charter "plain"
var x: Int[0..3] = 0
event tick(n: Int[0..1]) requires x < 3
clause c "c" on tick(n): x' = x + n
assert small: always x <= 3
check small depth 2
"#;
    let loaded = charter::load(spec.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"));
    let charter = loaded.checked.unwrap_or_else(|e| panic!("{e:?}")).charter;
    assert!(charter.states.iter().all(|s| s.provenance.is_user()));
    assert!(charter.locals.iter().all(|l| l.provenance.is_user()));
    assert!(charter.formulas.iter().all(|f| f.provenance.is_user()));
    assert!(charter
        .events
        .iter()
        .flat_map(|e| &e.requires)
        .all(|g| g.provenance.is_user()));
    assert!(charter
        .clauses
        .iter()
        .flat_map(|c| std::iter::once(c.provenance).chain(c.rules.iter().map(|r| r.provenance)))
        .all(Provenance::is_user));
}

//! Trust in verdicts: every counterexample and witness is replayed through
//! `eval`, an interpreter that shares nothing with the lowering; replay
//! rejects damaged histories at the right step and for the right reason.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;

use charter::eval::{self, At, History, Reason, Value};
use charter::hir::{self, EventId};
use charter::verify::{self, ending, Outcome, Overrides, Verdict};

use common::verified::verified;
use common::{charter_files, load_charter as load};

fn history_of(outcome: &Outcome) -> Option<&History> {
    match &outcome.verdict {
        Verdict::Counterexample { trace, .. } | Verdict::Witness { trace, .. } => {
            assert!(trace.replayed, "{}: trace not replayed", outcome.command);
            Some(
                trace
                    .history
                    .as_ref()
                    .expect("a replayed trace keeps its history"),
            )
        }
        Verdict::ReplayFailed { message, .. } => {
            panic!("{}: replay failed: {message}", outcome.command)
        }
        _ => None,
    }
}

/// Every trace of every spec and semantic fixture was replayed, and
/// replays again here.
#[test]
fn every_trace_replays() {
    let mut replayed = 0;
    for dir in ["specs", "tests/fixtures/verify", "tests/fixtures/trust"] {
        for path in charter_files(dir) {
            let verified = verified(&path);
            let (charter, outcomes) = (&verified.charter, &verified.outcomes);
            for (outcome, command) in outcomes.iter().zip(&charter.commands) {
                let Some(history) = history_of(outcome) else {
                    continue;
                };
                let model = eval::Model::new(charter, &command.scopes);
                eval::replay(&model, history, ending(charter, command))
                    .unwrap_or_else(|r| panic!("{}: {}: {r}", path.display(), command.name));
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 50, "only {replayed} traces replayed");
}

/// The counterexample of `tests/fixtures/trust/replay.charter`: two joins.
fn replay_fixture() -> (hir::Charter, History) {
    let charter = load(Path::new("tests/fixtures/trust/replay.charter"));
    let outcomes = verify::verify(&charter, None, &Overrides::default());
    let history = history_of(&outcomes[0]).expect("a counterexample").clone();
    assert_eq!(history.steps.len(), 2);
    (charter, history)
}

fn state_index(charter: &hir::Charter, name: &str) -> usize {
    charter.states.iter().position(|s| s.name == name).unwrap()
}

fn event_id(charter: &hir::Charter, name: &str) -> EventId {
    EventId(charter.events.iter().position(|e| e.name == name).unwrap())
}

/// Replays a damaged copy of the fixture's counterexample.
fn rejection(damage: impl FnOnce(&hir::Charter, &mut History)) -> eval::Rejection {
    let (charter, mut history) = replay_fixture();
    damage(&charter, &mut history);
    let command = &charter.commands[0];
    let model = eval::Model::new(&charter, &command.scopes);
    eval::replay(&model, &history, ending(&charter, command)).expect_err("damage must be found")
}

#[test]
fn the_undamaged_counterexample_replays() {
    let (charter, history) = replay_fixture();
    let command = &charter.commands[0];
    let model = eval::Model::new(&charter, &command.scopes);
    assert_eq!(
        eval::replay(&model, &history, ending(&charter, command)),
        Ok(())
    );
}

#[test]
fn replay_rejects_a_wrong_event() {
    let r = rejection(|c, h| {
        h.steps[0].event = event_id(c, "close");
        h.steps[0].args.clear();
    });
    assert_eq!(r.at, At::Step(1));
    assert_eq!(r.event.as_deref(), Some("close"));
    assert_eq!(
        r.reason,
        Reason::Effect {
            clause: "closing".into(),
            location: "open".into()
        }
    );
}

#[test]
fn replay_rejects_a_wrong_argument() {
    // The second join names the person who already joined.
    let r = rejection(|_, h| h.steps[1].args = h.steps[0].args.clone());
    assert_eq!(r.at, At::Step(2));
    assert_eq!(
        r.reason,
        Reason::Guard {
            event: "join".into(),
            index: 1,
            clause: None,
        }
    );
}

#[test]
fn replay_rejects_an_argument_outside_its_type() {
    let r = rejection(|_, h| h.steps[1].args = vec![Value::Elem(7)]);
    assert_eq!(r.at, At::Step(2));
    assert_eq!(
        r.reason,
        Reason::Argument {
            event: "join".into(),
            param: "p".into()
        }
    );
}

#[test]
fn replay_rejects_a_changed_after_value() {
    let r = rejection(|c, h| {
        let count = state_index(c, "count");
        h.states[1].cells[count][0] = Value::Int(0);
    });
    assert_eq!(r.at, At::Step(1));
    assert_eq!(
        r.reason,
        Reason::Effect {
            clause: "joining".into(),
            location: "count".into()
        }
    );
}

#[test]
fn replay_rejects_broken_inertia() {
    let r = rejection(|c, h| {
        let open = state_index(c, "open");
        h.states[2].cells[open][0] = Value::Bool(false);
    });
    assert_eq!(r.at, At::Step(2));
    assert_eq!(
        r.reason,
        Reason::Inertia {
            location: "open".into()
        }
    );
}

#[test]
fn replay_rejects_broken_inertia_of_a_set_member() {
    // A third person appears in `members`, which only `p` joined.
    let r = rejection(|c, h| {
        let members = state_index(c, "members");
        let Value::Set(m) = &mut h.states[2].cells[members][0] else {
            panic!("members is a set")
        };
        m.push(Value::Elem(2));
        m.sort();
    });
    assert_eq!(r.at, At::Step(2));
    assert_eq!(
        r.reason,
        Reason::Inertia {
            location: "members".into()
        }
    );
}

#[test]
fn replay_rejects_an_integer_out_of_range() {
    let r = rejection(|c, h| {
        let count = state_index(c, "count");
        h.states[2].cells[count][0] = Value::Int(4);
    });
    assert_eq!(r.at, At::Step(2));
    assert_eq!(
        r.reason,
        Reason::OutOfDomain {
            location: "count".into(),
            value: "4".into()
        }
    );
}

#[test]
fn replay_rejects_an_initial_state_violating_init() {
    let r = rejection(|c, h| {
        let members = state_index(c, "members");
        for state in &mut h.states {
            let Value::Set(m) = &mut state.cells[members][0] else {
                panic!("members is a set")
            };
            m.push(Value::Elem(2));
            m.sort();
        }
    });
    assert_eq!(r.at, At::Initial);
    assert_eq!(
        r.reason,
        Reason::Formula {
            kind: "init",
            name: "starts_empty".into()
        }
    );
}

#[test]
fn replay_rejects_a_wrong_initial_value() {
    let r = rejection(|c, h| {
        let open = state_index(c, "open");
        for state in &mut h.states {
            state.cells[open][0] = Value::Bool(false);
        }
    });
    assert_eq!(r.at, At::Initial);
    assert_eq!(
        r.reason,
        Reason::Value {
            name: "open".into()
        }
    );
}

#[test]
fn replay_rejects_a_changed_constant() {
    let r = rejection(|c, h| {
        let cap = state_index(c, "cap");
        h.states[1].cells[cap][0] = Value::Int(4);
    });
    // The constant's declared value is checked in every state first.
    assert_eq!(r.at, At::Step(1));
    assert_eq!(r.reason, Reason::Value { name: "cap".into() });
}

#[test]
fn replay_rejects_a_history_that_does_not_violate_the_property() {
    let r = rejection(|_, h| {
        h.steps.pop();
        h.states.pop();
    });
    assert_eq!(r.at, At::End);
    assert_eq!(
        r.reason,
        Reason::NotViolated {
            property: "small".into()
        }
    );
}

#[test]
fn replay_rejects_a_malformed_history() {
    let r = rejection(|_, h| {
        h.states.pop();
    });
    assert_eq!(r.at, At::Initial);
    assert!(matches!(r.reason, Reason::Malformed { .. }));
}

#[test]
fn a_failed_replay_is_rendered_as_an_internal_error() {
    let outcome = Outcome {
        command: "small".into(),
        kind: charter::verify::OutcomeKind::Check,
        property: Some("small".into()),
        text: None,
        depth: 4,
        scopes: Vec::new(),
        expect: None,
        verdict: Verdict::ReplayFailed {
            found: charter::verify::Found::Counterexample,
            depth: 2,
            message: "step 2 (`join`): `open` changed although no applicable effect mentions it"
                .into(),
        },
        as_expected: false,
        reading: Vec::new(),
        comparison: None,
        clauses_used: Vec::new(),
        rests_on: None,
        lemmas: Vec::new(),
        decided_by: None,
        measure: None,
        span: charter::span::Span { start: 0, end: 0 },
        property_span: charter::span::Span { start: 0, end: 0 },
    };
    let line = charter::report::verdict_line(&outcome);
    assert!(line.starts_with("INTERNAL ERROR"), "{line}");
    assert!(line.contains("step 2 (`join`)"), "{line}");
    let json = serde_json::to_value(&outcome).unwrap();
    assert_eq!(json["verdict"]["verdict"], "replay_failed");
    assert_eq!(json["verdict"]["found"], "counterexample");
}

/// As `common::conclusive`, and a history that did not replay fails here.
fn conclusive(verdict: &Verdict) -> Option<String> {
    if let Verdict::ReplayFailed { message, .. } = verdict {
        panic!("replay failed: {message}");
    }
    common::conclusive(verdict)
}

/// `--engine explicit` agrees with the SMT engine on every command of every
/// spec and semantic fixture that fits its budget.
#[test]
fn explicit_engine_agrees_with_smt() {
    let explicit = Overrides {
        engine: verify::Engine::Explicit { max_states: 2_000 },
        ..Overrides::default()
    };
    let mut compared = 0;
    let mut skipped = 0;
    for dir in ["specs", "tests/fixtures/verify", "tests/fixtures/trust"] {
        for path in charter_files(dir) {
            let verified = verified(&path);
            let (charter, by_smt) = (&verified.charter, &verified.outcomes);
            let by_explicit = verify::verify(charter, None, &explicit);
            for (e, s) in by_explicit.iter().zip(by_smt) {
                history_of(e);
                let (Some(e_kind), Some(s_kind)) = (conclusive(&e.verdict), conclusive(&s.verdict))
                else {
                    skipped += 1;
                    continue;
                };
                // A `prove` that induction left open may be settled by
                // exhaustion; otherwise the verdicts are the same.
                assert_eq!(
                    e_kind,
                    s_kind,
                    "{}: {}: explicit and SMT engines disagree",
                    path.display(),
                    e.command
                );
                compared += 1;
            }
        }
    }
    eprintln!("explicit vs SMT: {compared} agree, {skipped} not comparable");
    assert!(compared >= 80, "only {compared} commands compared");
}

/// The fixtures of `tests/fixtures/trust/` meet their `expect`s under both
/// engines.
#[test]
fn trust_fixtures_meet_expectations_under_both_engines() {
    let explicit = Overrides {
        engine: verify::Engine::Explicit { max_states: 2_000 },
        ..Overrides::default()
    };
    for path in charter_files("tests/fixtures/trust") {
        let charter = load(&path);
        for overrides in [&Overrides::default(), &explicit] {
            for outcome in verify::verify(&charter, None, overrides) {
                assert!(outcome.expect.is_some(), "{}: no expect", outcome.command);
                assert!(
                    outcome.as_expected,
                    "{}: {} ({:?}): {:?}",
                    path.display(),
                    outcome.command,
                    overrides.engine,
                    outcome.verdict
                );
            }
        }
    }
}

fn charter_cli(args: &[&str]) -> (i32, serde_json::Value) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code().unwrap_or(-1), json)
}

#[test]
fn explicit_engine_from_the_command_line() {
    let file = "tests/fixtures/trust/past_monitors.charter";
    let (code, json) = charter_cli(&["verify", file, "--engine", "explicit", "--format", "json"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["schema"], charter::report::JSON_SCHEMA_VERSION);
    let outcomes = json["files"][0]["outcomes"].as_array().unwrap();
    assert_eq!(outcomes[0]["verdict"]["verdict"], "witness");
    assert_eq!(outcomes[0]["verdict"]["trace"]["replayed"], true);
    // A budget of one state: unknown, never success.
    let (code, json) = charter_cli(&[
        "verify",
        file,
        "--engine",
        "explicit",
        "--max-states",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{json}");
    let verdict = &json["files"][0]["outcomes"][0]["verdict"];
    assert_eq!(verdict["verdict"], "unknown");
    assert_eq!(verdict["reason"]["reason"], "state_budget");
    assert_eq!(verdict["reason"]["max_states"], 1);
}

#[test]
fn explicit_prove_is_exhaustive() {
    let (code, json) = charter_cli(&[
        "verify",
        "tests/fixtures/verify/conflict.charter",
        "--property",
        "light_stays",
        "--engine",
        "explicit",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{json}");
    let verdict = &json["files"][0]["outcomes"][0]["verdict"];
    assert_eq!(verdict["verdict"], "proved");
    assert_eq!(verdict["method"], "exhaustive");
}

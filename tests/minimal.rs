//! Counterexamples and witnesses are the simplest of their length (see
//! `solve::minimise`): for every spec and semantic fixture, no single
//! changed location can be kept unchanged, and no single member of a
//! set-valued argument dropped, with the history still lawful and still a
//! counterexample (or witness) of the same length. Each such change would
//! lower a count without raising the ones before it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use charter::eval::{self, History, Value};
use charter::hir::{self, StateKind};
use charter::verify::{self, ending, Overrides, Verdict};

use crate::common;

use common::verified::verified;
use common::{charter_files, load_charter as load};

/// `value` with the location (the whole value, or one member's presence)
/// as in `from`.
fn with_location(value: &Value, from: &Value, member: Option<&Value>) -> Value {
    match (value, member) {
        (Value::Set(members), Some(m)) => {
            let mut members: Vec<Value> = members.iter().filter(|x| *x != m).cloned().collect();
            if let Value::Set(source) = from {
                if source.contains(m) {
                    members.push(m.clone());
                    members.sort();
                }
            }
            Value::Set(members)
        }
        _ => from.clone(),
    }
}

/// The locations changed at each step: (step, state, cell, member).
fn changes(charter: &hir::Charter, history: &History) -> Vec<(usize, usize, usize, Option<Value>)> {
    let mut found = Vec::new();
    for step in 0..history.steps.len() {
        for (state, decl) in charter.states.iter().enumerate() {
            if decl.kind == StateKind::Const {
                continue;
            }
            let before = &history.states[step].cells[state];
            let after = &history.states[step + 1].cells[state];
            for (cell, (old, new)) in before.iter().zip(after).enumerate() {
                match (old, new) {
                    (Value::Set(a), Value::Set(b)) => {
                        for m in a.iter().filter(|m| !b.contains(m)) {
                            found.push((step, state, cell, Some(m.clone())));
                        }
                        for m in b.iter().filter(|m| !a.contains(m)) {
                            found.push((step, state, cell, Some(m.clone())));
                        }
                    }
                    _ if old != new => found.push((step, state, cell, None)),
                    _ => {}
                }
            }
        }
    }
    found
}

/// The value of a location (a whole cell, or one member's presence).
fn location(value: &Value, member: &Option<Value>) -> Value {
    match (value, member) {
        (Value::Set(members), Some(m)) => Value::Bool(members.contains(m)),
        _ => value.clone(),
    }
}

#[test]
fn counterexamples_and_witnesses_are_minimal() {
    let mut traces = 0;
    let mut tried = 0;
    for dir in ["specs", "tests/fixtures/verify"] {
        for path in charter_files(dir) {
            let verified = verified(&path);
            let (charter, outcomes) = (&verified.charter, &verified.outcomes);
            for (outcome, command) in outcomes.iter().zip(&charter.commands) {
                let (Verdict::Counterexample { trace, .. } | Verdict::Witness { trace, .. }) =
                    &outcome.verdict
                else {
                    continue;
                };
                let name = format!("{}: {}", path.display(), command.name);
                let minimality = trace
                    .minimised
                    .unwrap_or_else(|| panic!("{name}: not minimised"));
                assert!(minimality.counts.is_some(), "{name}: not counted");
                let history = trace.history.as_ref().unwrap();
                let model = eval::Model::new(charter, &command.scopes);
                eval::replay(&model, history, ending(charter, command)).unwrap();
                traces += 1;
                // Keep one changed location as it was, for as long as it
                // keeps its new value.
                for (step, state, cell, member) in changes(charter, history) {
                    let mut simpler = history.clone();
                    let kept = history.states[step].cells[state][cell].clone();
                    let changed = location(&history.states[step + 1].cells[state][cell], &member);
                    for later in step + 1..simpler.states.len() {
                        let value = &simpler.states[later].cells[state][cell];
                        if location(value, &member) != changed {
                            break;
                        }
                        simpler.states[later].cells[state][cell] =
                            with_location(value, &kept, member.as_ref());
                    }
                    tried += 1;
                    assert!(
                        eval::replay(&model, &simpler, ending(charter, command)).is_err(),
                        "{name}: step {} need not change {} {member:?}",
                        step + 1,
                        model.location_name(hir::StateId(state), cell),
                    );
                }
                // Drop one member of a set-valued constant (in every
                // state: a constant never changes).
                for (state, decl) in charter.states.iter().enumerate() {
                    if decl.kind != StateKind::Const {
                        continue;
                    }
                    for (cell, value) in history.states[0].cells[state].iter().enumerate() {
                        let Value::Set(members) = value else { continue };
                        for member in members {
                            let mut simpler = history.clone();
                            for later in &mut simpler.states {
                                later.cells[state][cell] = Value::Set(
                                    members.iter().filter(|m| *m != member).cloned().collect(),
                                );
                            }
                            tried += 1;
                            assert!(
                                eval::replay(&model, &simpler, ending(charter, command)).is_err(),
                                "{name}: constant {} need not hold {member:?}",
                                model.location_name(hir::StateId(state), cell),
                            );
                        }
                    }
                }
                // Drop one member of a set-valued argument.
                for (step, occurrence) in history.steps.iter().enumerate() {
                    for (index, arg) in occurrence.args.iter().enumerate() {
                        let Value::Set(members) = arg else { continue };
                        for member in members {
                            let mut simpler = history.clone();
                            simpler.steps[step].args[index] = Value::Set(
                                members.iter().filter(|m| *m != member).cloned().collect(),
                            );
                            tried += 1;
                            assert!(
                                eval::replay(&model, &simpler, ending(charter, command)).is_err(),
                                "{name}: step {} need not name {member:?}",
                                step + 1
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(traces >= 40, "only {traces} traces");
    assert!(tried >= 100, "only {tried} simplifications tried");
}

/// The CSTO Council's decision in the `chair_sits` counterexample names
/// one person, not six (the spec before its rewrite, whose decisions are
/// sets of persons).
#[test]
fn csto_chair_sits_names_one_person() {
    let charter = load(Path::new("tests/fixtures/report/csto-sets.charter"));
    let outcomes = verify::verify(&charter, Some("chair_sits"), &Overrides::default());
    let [outcome] = outcomes.as_slice() else {
        panic!("one command expected")
    };
    let Verdict::Counterexample { trace, .. } = &outcome.verdict else {
        panic!("a counterexample expected")
    };
    let history = trace.history.as_ref().unwrap();
    assert_eq!(history.steps.len(), 1);
    let decisions: Vec<&Value> = history.steps[0]
        .args
        .iter()
        .filter(|a| matches!(a, Value::Set(_)))
        .collect();
    assert_eq!(decisions.len(), 1);
    assert!(
        matches!(decisions[0], Value::Set(m) if m.len() == 1),
        "{decisions:?}"
    );
    let minimality = trace.minimised.unwrap();
    assert!(minimality.minimal);
    let counts = minimality.counts.unwrap();
    assert_eq!((counts.changed_locations, counts.argument_members), (1, 1));
}

//! `charter repair` on `tests/fixtures/repair/meeting.charter` (six rules,
//! checked by brute force) and on a spec of the corpus: every suggestion,
//! applied by removing its rules, makes the property hold within the depth
//! (verified again here); no proper subset of one does; every minimal set
//! of up to three rules is listed; a set under which the property holds
//! only because an event is blocked or vacuously is not a suggestion; the
//! binary's text and JSON as snapshots; the refusals and their codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use crate::common;

use charter::hir::Charter;
use charter::lint::Kind;
use charter::plan::Plan;
use charter::repair::{self, Options, Repair, RuleId, Status};
use charter::verify::Overrides;

const MEETING: &str = "tests/fixtures/repair/meeting.charter";

fn answer(path: &str, property: &str, options: Options) -> (Charter, Plan, Repair) {
    let charter = common::load_charter(Path::new(path));
    let overrides = Overrides::default();
    let plan = repair::plan(&charter, property, &overrides).unwrap();
    let answer = repair::repair(&charter, property, &overrides, options).unwrap();
    (charter, plan, answer)
}

/// The spec without `set`, made from its text (independently of
/// `repair::without`): each rule's text replaced by `always true`, a rule
/// that assigns nothing (so the rules keep their places).
fn without_in_text(charter: &Charter, path: &str, set: &[RuleId]) -> Charter {
    let mut text = std::fs::read_to_string(path).unwrap();
    let mut spans: Vec<charter::span::Span> = set
        .iter()
        .map(|id| charter.clauses[id.clause.0].rules[id.index].span)
        .collect();
    spans.sort_by_key(|span| std::cmp::Reverse(span.start));
    for span in spans {
        text.replace_range(span.start..span.end, "always true");
    }
    common::checked(&text)
}

/// Whether removing `set` makes the property hold within the depth, by the
/// normal bounded check, without blocking an event where its guards hold
/// (the specs asked here have no such block as written).
fn repairs(charter: &Charter, path: &str, plan: &Plan, set: &[RuleId]) -> bool {
    let repaired = without_in_text(charter, path, set);
    let outcome = charter::verify::run(&repaired, std::slice::from_ref(plan)).remove(0);
    repair::holds(&outcome.verdict)
        && outcome.rests_on.as_ref().is_some_and(|r| {
            r.unsettled.is_none() && !r.blocked.iter().any(|f| f.kind == Kind::Clash)
        })
}

fn ids(suggestion: &repair::Suggestion) -> Vec<RuleId> {
    suggestion.remove.iter().map(|r| r.id).collect()
}

/// Every subset of `items` of at most `size` elements, smallest first.
fn subsets(items: &[RuleId], size: usize) -> Vec<Vec<RuleId>> {
    let mut all: Vec<Vec<RuleId>> = vec![Vec::new()];
    for item in items {
        let more: Vec<Vec<RuleId>> = all
            .iter()
            .filter(|s| s.len() < size)
            .map(|s| {
                let mut s = s.clone();
                s.push(*item);
                s
            })
            .collect();
        all.extend(more);
    }
    all.retain(|s| !s.is_empty());
    all.sort_by_key(|s| s.len());
    all
}

fn proper_subsets(set: &[RuleId]) -> Vec<Vec<RuleId>> {
    subsets(set, set.len() - 1)
}

#[test]
fn every_suggestion_is_minimal_and_every_minimal_set_is_listed() {
    for property in ["passed_after_votes", "passed_in_order"] {
        minimal_and_complete(property);
    }
}

fn minimal_and_complete(property: &str) {
    let options = Options {
        max: 50,
        max_size: 3,
    };
    let (charter, plan, answer) = answer(MEETING, property, options);
    assert_eq!(answer.status, Status::Complete { max_size: 3 });
    let candidates = repair::candidates(&charter);
    assert_eq!(candidates.len(), 6);
    // Brute force: every set of up to three rules, verified.
    let working: Vec<Vec<RuleId>> = subsets(&candidates, 3)
        .into_iter()
        .filter(|set| repairs(&charter, MEETING, &plan, set))
        .collect();
    let minimal: Vec<Vec<RuleId>> = working
        .iter()
        .filter(|set| {
            !working
                .iter()
                .any(|other| other.len() < set.len() && other.iter().all(|r| set.contains(r)))
        })
        .cloned()
        .collect();
    let listed: Vec<Vec<RuleId>> = answer.suggestions.iter().map(ids).collect();
    assert!(!listed.is_empty());
    assert_eq!(listed, minimal, "the minimal sets, in ascending size");
    for set in &listed {
        // (1) Each makes the property hold within the depth.
        assert!(
            repairs(&charter, MEETING, &plan, set),
            "{set:?} does not repair"
        );
        // (2) No proper subset does.
        for subset in proper_subsets(set) {
            assert!(
                !repairs(&charter, MEETING, &plan, &subset),
                "{subset:?}, a proper subset of {set:?}, repairs already"
            );
        }
    }
}

#[test]
fn a_set_that_only_blocks_an_event_is_not_a_suggestion() {
    let (charter, plan, answer) = answer(MEETING, "passed_after_votes", Options::default());
    let clearing_and_eager: Vec<(String, usize)> =
        vec![("clearing".into(), 1), ("eager".into(), 1)];
    let stopping = answer
        .stopping
        .iter()
        .find(|s| {
            s.remove
                .iter()
                .map(|r| (r.clause.clone(), r.rule))
                .collect::<Vec<_>>()
                == clearing_and_eager
        })
        .expect("removing `clearing` and `eager` holds only by blocking `adjourn`");
    assert!(
        stopping
            .stops
            .iter()
            .any(|s| s.starts_with("clash adjourn")),
        "{:?}",
        stopping.stops
    );
    // The property does hold on the spec without them, by the normal check.
    let repaired = without_in_text(&charter, MEETING, &ids(stopping));
    let outcome = charter::verify::run(&repaired, std::slice::from_ref(&plan)).remove(0);
    assert!(repair::holds(&outcome.verdict));
    assert!(!repairs(&charter, MEETING, &plan, &ids(stopping)));
    // And the suggestions are none of the stopping sets.
    for suggestion in &answer.suggestions {
        assert!(suggestion.stops.is_empty());
    }
}

#[test]
fn suggestions_name_the_step_of_the_counterexample_they_remove() {
    let (_, _, answer) = answer(MEETING, "passed_after_votes", Options::default());
    let first = &answer.suggestions[0];
    // The counterexample convenes in step 1, where `eager` sets `passed`.
    let at = first.removes_at.as_ref().unwrap();
    assert_eq!((at.step, at.event.as_deref()), (1, Some("convene")));
    let eager = first.remove.iter().find(|r| r.clause == "eager").unwrap();
    assert_eq!(eager.changes_step, Some(1));
}

#[test]
fn on_a_spec_each_suggestion_makes_the_property_hold() {
    let options = Options {
        max: 5,
        max_size: 1,
    };
    let path = "specs/roberts-rules-quorum.charter";
    let (charter, plan, answer) = answer(path, "strike_out_keeps_quorum", options);
    assert!(!answer.suggestions.is_empty());
    for suggestion in &answer.suggestions {
        let set = ids(suggestion);
        let repaired = without_in_text(&charter, path, &set);
        let outcome = charter::verify::run(&repaired, std::slice::from_ref(&plan)).remove(0);
        assert!(repair::holds(&outcome.verdict), "{set:?}");
    }
}

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("repair")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn text_and_json() {
    let (code, text, _) = run(&[MEETING, "--property", "passed_after_votes"]);
    assert_eq!(code, 0);
    common::assert_snapshot!("meeting_text", text);
    let (code, json, _) = run(&[
        MEETING,
        "--property",
        "passed_after_votes",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["kind"], "repair");
    assert_eq!(value["files"][0]["repair"]["status"], "complete");
    common::assert_snapshot!("meeting_json", json);
}

#[test]
fn nothing_to_repair_and_refusals() {
    let (code, text, _) = run(&[MEETING, "--property", "votes_bounded"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("nothing to repair: `votes_bounded` holds within depth 5"),
        "{text}"
    );
    for (property, code_name) in [
        ("no_such_thing", "charter::repair::unknown_property"),
        ("convenes", "charter::repair::liveness"),
    ] {
        let (code, text, errors) = run(&[MEETING, "--property", property, "--color", "never"]);
        assert_eq!((code, text.as_str()), (2, ""), "{errors}");
        assert!(errors.contains(code_name), "{errors}");
    }
    let (code, _, errors) = run(&[MEETING, "--property", "x", "--max", "0"]);
    assert_eq!(code, 2, "{errors}");
}

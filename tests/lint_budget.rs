//! Every question of `charter lint` runs under a budget of its own: one
//! that runs out (or that the solver gives up on) is reported unsettled,
//! by its check and subject, and the findings made stand; an unsettled
//! question is no missing finding. And symmetry breaking (over set-valued
//! parameters too) changes no finding.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::common;

use charter::lint::Kind;
use charter::plan::{Overrides, Plan};

/// A resource limit per solver call (deterministic) under which the CSTO
/// spec's clash of `election` is found but many other questions run out.
const RLIMIT: &str = "30000";

fn lint(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .arg("lint")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_question_out_of_budget_is_unsettled_and_the_findings_stand() {
    // Before, the first question the solver gave up on ended lint with
    // nothing but "the solver gave up" (exit code 2).
    // The CSTO spec as it was before its rewrite: a clash (`election`).
    let spec = "tests/fixtures/report/csto-sets.charter";
    let output = lint(&[spec, "--rlimit", RLIMIT, "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let file = &json["files"][0];
    assert_eq!(file["valid"], true);
    let findings = file["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["kind"] == "clash" && f["subject"] == "election"),
        "{file}"
    );
    let unsettled = file["unsettled"].as_array().unwrap();
    assert!(!unsettled.is_empty(), "{file}");
    for entry in unsettled {
        assert!(Kind::parse(entry["kind"].as_str().unwrap()).is_some());
        assert!(!entry["reason"].as_str().unwrap().is_empty());
    }
    assert!(!file["incomplete"].as_array().unwrap().is_empty());
    // In words: the finding, then what was not settled.
    let human = lint(&[spec, "--rlimit", RLIMIT]);
    assert_eq!(human.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(stdout.contains("1 finding (depth 6)"), "{stdout}");
    assert!(stdout.contains("not settled"), "{stdout}");
    assert!(!stdout.contains("expected but not found"), "{stdout}");
}

#[test]
fn a_spent_question_budget_settles_nothing_and_says_so() {
    let charter = common::load_charter(Path::new("tests/fixtures/report/csto-sets.charter"));
    let mut overrides = Overrides::default();
    overrides.limits.query_time = Some(Duration::ZERO);
    let plan = Plan::for_lint(&charter, &overrides).unwrap();
    let report = charter::lint::run(&charter, &plan).unwrap();
    assert!(report.findings.is_empty());
    let kinds: Vec<Kind> = report.unsettled.iter().map(|u| u.kind).collect();
    for kind in [Kind::NoInitialState, Kind::DeadEvent, Kind::Clash] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    let clash = report
        .unsettled
        .iter()
        .find(|u| u.kind == Kind::Clash && u.subject == "election")
        .unwrap();
    assert_eq!(
        clash.limit.map(|l| l.spent),
        Some(charter::budget::Spent::Query { limit_ms: 0 })
    );
    assert!(report.incomplete.len() >= report.unsettled.len());
    // The expected clash is not missing: its question was not settled.
    let expected = vec![(Kind::Clash, "election".to_string())];
    let (unexpected, missing) = charter::lint::expected::compare(&report, &expected);
    assert!(unexpected.is_empty() && missing.is_empty());
}

#[test]
fn symmetry_breaking_changes_no_finding() {
    // Texas: `walk_out(group: set Representative)` over 150 members;
    // Robert's Rules: `meeting(attendees: set Person)`.
    for spec in [
        "specs/texas-quorum.charter",
        "specs/roberts-rules-quorum.charter",
    ] {
        let charter = common::load_charter(Path::new(spec));
        let mut reports = Vec::new();
        for symmetry in [true, false] {
            let mut overrides = Overrides {
                depth: Some(2),
                ..Overrides::default()
            };
            overrides.limits.symmetry = symmetry;
            let plan = Plan::for_lint(&charter, &overrides).unwrap();
            let report = charter::lint::run(&charter, &plan).unwrap();
            assert!(report.incomplete.is_empty(), "{spec}: {report:?}");
            let found: Vec<(Kind, String)> = report
                .findings
                .iter()
                .map(|f| (f.kind, f.subject.clone()))
                .collect();
            reports.push(found);
        }
        assert_eq!(reports[0], reports[1], "{spec}");
    }
}

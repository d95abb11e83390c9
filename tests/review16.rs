//! Review of issue 16 (readings, `charter diff`, `charter repair`): each
//! test pins a bug found reviewing it, and failed before its fix.

use std::process::{Command, Output};

const HOSTING: &str = "tests/fixtures/readings/hosting.charter";
const FIXTURES: &str = "tests/fixtures/review16";

fn charter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .output()
        .unwrap()
}

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `charter diff` compared the first choice of readings only: an
/// amendment of the practice reading's arm was "no difference beyond
/// names" (exit 0).
#[test]
fn diff_compares_every_choice_of_readings() {
    let amended = fixture("hosting-practice-amended.charter");
    let output = charter(&["diff", HOSTING, &amended]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    assert!(text.contains("under literal"), "{text}");
    assert!(text.contains("under practice"), "{text}");
    // A file against itself: no difference under any reading.
    let same = charter(&["diff", HOSTING, HOSTING]);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    // JSON: one entry per choice, each naming its readings.
    let json = charter(&["diff", HOSTING, &amended, "--format", "json"]);
    let document: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let files = document["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["old_reading"][0]["reading"], "literal");
    assert_eq!(files[0]["differs"], false);
    assert_eq!(files[1]["new_reading"][0]["reading"], "practice");
    assert_eq!(files[1]["differs"], true);
}

/// Versions whose readings differ are not compared choice by choice with
/// another reading: a coded refusal.
#[test]
fn diff_refuses_versions_read_different_ways() {
    let other = fixture("hosting-custom.charter");
    let output = charter(&["diff", HOSTING, &other]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("charter::diff::readings"),
        "{}",
        stderr(&output)
    );
}

/// `--on` with a name the old version does not have compared no location
/// at all and said "no difference beyond names" (exit 0).
#[test]
fn diff_refuses_an_unknown_location() {
    let counter = fixture("counter.charter");
    let output = charter(&["diff", &counter, &counter, "--on", "nosuch"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("charter::diff::unknown_location"),
        "{}",
        stderr(&output)
    );
}

/// `charter repair` repaired the first choice of readings only: a
/// property that fails under practice was "nothing to repair" (exit 0).
#[test]
fn repair_looks_at_every_choice_of_readings() {
    let output = charter(&["repair", HOSTING, "--property", "chair_hosted"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("under literal"), "{text}");
    assert!(text.contains("under practice"), "{text}");
    let json = charter(&[
        "repair",
        HOSTING,
        "--property",
        "chair_hosted",
        "--format",
        "json",
    ]);
    let document: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let files = document["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(
        files[1]["repair"]["original"]["reading"][0]["reading"],
        "practice"
    );
}

/// With two groups, `expect a: …` and `expect d: …` both apply under
/// `a, d`; the first was taken silently (here: an expectation missed).
#[test]
fn two_expectations_under_one_choice_are_refused() {
    let output = charter(&[
        "check",
        "tests/fixtures/check_err/ambiguous_expectation.charter",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("charter::check::ambiguous_expectation"),
        "{}",
        stderr(&output)
    );
}

/// Two expectations that apply under one choice and agree (`expect a:
/// counterexample expect d: counterexample` under `a, d`) are not refused:
/// both can be met.
#[test]
fn two_agreeing_expectations_under_one_choice_are_taken() {
    let output = charter(&["verify", &fixture("two-groups-agreeing.charter")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).matches(": as expected").count(), 4);
}

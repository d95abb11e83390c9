//! The integration tests, one binary: each `tests/SUITE.rs` is a module of
//! it (`cargo test --test all SUITE::` runs one suite), so the suites are
//! compiled and linked once and run side by side on every core. Cargo
//! builds only this file (`autotests = false`): a suite is added by a
//! `mod SUITE;` line below, and [`every_suite_is_declared`] fails for a
//! file under `tests/` that has none. Snapshots keep the names they had
//! when each suite was a binary of its own (`common::assert_snapshot!`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod arithmetic;
mod budget;
mod budget_review;
mod ci;
mod compare;
mod counting;
mod decreasing;
mod diff;
mod differential;
mod editor_grammar;
mod exceptions;
mod explicit;
mod explicit_parallel;
mod files;
mod fmt;
mod fn_params;
mod frontend;
mod jobs;
mod lemmas;
mod lint;
mod lint_budget;
mod liveness;
mod liveness_vacuity;
mod lowering;
mod lsp;
mod minimal;
mod outputs;
mod params;
mod portfolio;
mod precedence;
mod provenance;
mod readings;
mod readings_cli;
mod repair;
mod report;
mod report_browser;
mod review15;
mod review16;
mod review16b;
mod review16c;
mod robustness;
mod size_bounds;
mod streams;
mod tidy;
mod trust;
mod unicode;
mod verify;

/// Every `tests/*.rs` is a suite declared above: cargo would not build one
/// that is not (`autotests = false`), and its tests would never run.
#[test]
fn every_suite_is_declared() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = std::fs::read_to_string(tests.join("main.rs")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&tests).unwrap() {
        let path = entry.unwrap().path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(suite) = name.strip_suffix(".rs") else {
            continue;
        };
        if suite != "main" && !main.lines().any(|l| l == format!("mod {suite};")) {
            missing.push(name.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "tests/main.rs declares no `mod SUITE;` for {missing:?}"
    );
}

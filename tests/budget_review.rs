//! The run's budget where it cuts short the work behind a verdict rather
//! than the verdict itself (issue 14's review): the blocking check behind
//! a proof, and lint under `charter test`. What such a run says depends on
//! where the budget happened to stop it, so `test --update` writes no
//! golden from it, and a stop is never reported as the solver giving up.
//! No test asserts a duration.

use std::process::Command;

/// Proved at once (k = 1), but the blocking check behind the proof
/// examines histories of up to 100,000 steps: the budget stops it.
const SLOW_BLOCKING: &str = r#"charter "a long count"

var count: Int[0..100000] = 0
event tick
  requires count < 100000
clause counting "The count goes up by one."
  on tick: count' = count + 1
assert bounded "the count stays in range": always count <= 100000
prove bounded depth 100000
"#;

fn charter_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_charter"))
}

#[test]
fn a_blocking_check_the_budget_stopped_writes_no_golden() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("slow.charter");
    std::fs::write(&spec, SLOW_BLOCKING).unwrap();
    let output = charter_bin()
        .args(["test", "--update", "--timeout", "1"])
        .arg(&spec)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !dir.path().join("slow.charter.golden").exists(),
        "a golden was written from a run the budget cut short:\n{stdout}\n{stderr}"
    );
    assert_eq!(output.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stderr.contains("not written"), "{stderr}");
    // Lint, cut short by the same budget, is incomplete (what it did not
    // settle, and why): the solver did not give up.
    assert!(stdout.contains("lint — incomplete: "), "{stdout}");
    assert!(stdout.contains("the time budget of 1 s"), "{stdout}");
    assert!(!stdout.contains("gave up"), "{stdout}");
}

#[test]
fn json_says_which_limit_stopped_the_blocking_check() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("slow.charter");
    std::fs::write(&spec, SLOW_BLOCKING).unwrap();
    let output = charter_bin()
        .args(["verify", "--timeout", "1", "--format", "json"])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let outcome = &json["files"][0]["outcomes"][0];
    match outcome["verdict"]["verdict"].as_str() {
        // The proof itself was cut short (a very slow machine): nothing
        // rests on anything.
        Some("unknown") => assert!(outcome["rests_on"].is_null(), "{outcome}"),
        _ => {
            let rests_on = &outcome["rests_on"];
            assert!(rests_on["unsettled"].is_string(), "{outcome}");
            assert_eq!(rests_on["stopped"]["budget"], "time", "{outcome}");
            assert_eq!(rests_on["stopped"]["limit_ms"], 1000, "{outcome}");
        }
    }
}

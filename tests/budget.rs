//! The run's budget, through the binary as a user meets it: `--timeout`
//! bounds the whole run and says the depth reached; `--max-memory` ends a
//! command that holds more with `unknown` (memory), never an abort; Ctrl-C
//! (SIGINT) and SIGTERM stop the run with exit code 130 and write no file.
//! No test asserts a duration: each asserts the reason given.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn charter_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_charter"))
}

/// A counter whose property fails only at step 99,999: no induction
/// closes, so only a search that deep could answer, and the run's budget
/// ends it first.
const LONG: &str = r#"charter "a long count"

var count: Int[0..100000] = 0
event tick
  requires count < 100000
clause counting "The count goes up by one."
  on tick: count' = count + 1
assert short "the count stays below 99,999": always count < 99999
assert shorter "the count stays below 99,998": always count < 99998
check short depth 100000
check shorter depth 100000
"#;

/// Grows to gigabytes: a function from a sort to itself at scope 900.
const WIDE: &str = r#"charter "a wide function"

sort Person
var successor: Person -> Person
event assign(a: Person, b: Person)
clause assignment "Anyone may be assigned anyone."
  on assign(a, b): successor'(a) = b
assert trivially "nothing to see": always true
check trivially depth 2 scope Person = 900
"#;

fn write_spec(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_timeout_is_the_whole_runs_and_says_the_depth_reached() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "long.charter", LONG);
    let output = charter_bin()
        .args(["verify", "--timeout", "1", "--format", "json"])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let outcomes = json["files"][0]["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 2);
    // The first command spends the budget somewhere in its search…
    let first = &outcomes[0]["verdict"];
    assert_eq!(first["verdict"], "unknown", "{first}");
    assert_eq!(first["reason"]["reason"], "budget", "{first}");
    assert_eq!(first["reason"]["budget"], "time", "{first}");
    assert_eq!(first["reason"]["limit_ms"], 1000, "{first}");
    assert!(first["reason"]["depth"].is_u64(), "{first}");
    // …and the second finds it spent before it starts: the limit is the
    // run's, not each command's.
    let second = &outcomes[1]["verdict"]["reason"];
    assert_eq!(second["budget"], "time", "{second}");
    assert!(second["depth"].is_null(), "{second}");

    let human = charter_bin()
        .args(["verify", "--timeout", "1"])
        .arg(&spec)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("unknown: the time budget of 1 s (--timeout) was spent at depth"),
        "{text}"
    );
    assert!(text.contains("was spent before the search began"), "{text}");
}

#[test]
fn the_memory_budget_ends_a_command_with_unknown_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "wide.charter", WIDE);
    let output = charter_bin()
        .args(["verify", "--max-memory", "200", "--timeout", "120"])
        .arg(&spec)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        text.contains("unknown: the memory budget of 200 MiB (--max-memory) was reached"),
        "{text}"
    );
}

#[test]
fn a_budget_below_what_can_be_watched_is_refused() {
    let output = charter_bin()
        .args([
            "verify",
            "--max-memory",
            "10",
            "specs/csto-article13.charter",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let output = charter_bin()
        .args(["verify", "--timeout", "0", "specs/csto-article13.charter"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

/// Whether the process has a handler for `signal` (its bit in SigCgt).
#[cfg(target_os = "linux")]
fn catches(pid: u32, signal: u32) -> bool {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return false;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (signal - 1)) != 0)
}

/// `charter ARGS DIR`, sent `signal` (numbered `number`) once it catches
/// it (before that, the signal's default would end the process, which is
/// not what is tested here), and its output.
#[cfg(target_os = "linux")]
fn signalled(args: &[&str], dir: &Path, signal: &str, number: u32) -> std::process::Output {
    let child = charter_bin()
        .args(args)
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let waiting = Instant::now();
    while !catches(child.id(), number) {
        assert!(
            waiting.elapsed() < Duration::from_secs(60),
            "no handler installed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let killed = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait_with_output().unwrap()
}

#[cfg(target_os = "linux")]
fn interrupted_update(signal: &str, number: u32) {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "long.charter", LONG);
    let golden = dir.path().join("long.charter.golden");
    std::fs::write(&golden, "the reviewed golden\n").unwrap();
    let output = signalled(&["test", "--update"], dir.path(), signal, number);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted after 0 finished commands"),
        "{stderr}"
    );
    assert!(stderr.contains("no file was written"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&golden).unwrap(),
        "the reviewed golden\n"
    );
    assert!(spec.exists());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2, "a stray file was left: {left:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_stops_the_run_and_writes_no_golden() {
    interrupted_update("INT", 2);
}

#[cfg(target_os = "linux")]
#[test]
fn sigterm_stops_the_run_and_writes_no_golden() {
    interrupted_update("TERM", 15);
}

/// Interrupted, `charter test --format json` still prints its document:
/// what was finished, and `"interrupted": true` (it printed nothing).
#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_test_run_still_prints_its_json_document() {
    let dir = tempfile::tempdir().unwrap();
    write_spec(dir.path(), "long.charter", LONG);
    let output = signalled(&["test", "--format", "json"], dir.path(), "INT", 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no JSON document ({e}): {output:?}"));
    assert_eq!(json["interrupted"], true, "{json}");
    assert_eq!(
        json["files"][0]["outcomes"],
        serde_json::json!([]),
        "{json}"
    );
}

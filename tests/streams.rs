//! What charter writes where, as a run goes: each verdict on standard
//! output as soon as it is known (not when the file is done); no progress
//! line and no escape sequence when the streams are files or pipes; an
//! interrupted command says the depth it reached; `--color` and the
//! NO_COLOR, CLICOLOR and CLICOLOR_FORCE conventions decide colors. (The
//! progress line itself needs a terminal: see the report of issue 17 for
//! a run under tmux.)

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use charter::plan::{Overrides, Plan};
use charter::verify::Progress;

use crate::common;

/// charter with no color variable from the caller's environment.
fn charter_bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_charter"));
    for variable in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
        command.env_remove(variable);
    }
    command
}

/// A quick command (a counterexample: nothing rests on it, so no blocking
/// check runs as deep as the spec's deepest command), then one that no
/// budget here lets finish: the count's property fails only at step 99,999
/// and no induction closes.
const QUICK_THEN_LONG: &str = r#"charter "a quick check, then a long count"

var count: Int[0..100000] = 0
event tick
  requires count < 100000
clause counting "The count goes up by one."
  on tick: count' = count + 1
assert starts "the count stays zero": always count < 1
assert short "the count stays below 99,999": always count < 99999
check starts depth 1 expect counterexample
check short depth 100000
"#;

const INVALID: &str = "charter \"broken\"\n\nvar x: Int[0..3] = 0\nassert a \"\": always y > 0\n";

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-streams-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Nothing a terminal would interpret, and no trace of a progress line:
/// no escape, no carriage return, no spinner (Braille patterns), no
/// "depth …" status.
fn assert_plain(what: &str, text: &str) {
    assert!(!text.contains('\u{1b}'), "{what} has an escape: {text:?}");
    assert!(
        !text.contains('\r'),
        "{what} has a carriage return: {text:?}"
    );
    assert!(
        !text.chars().any(|c| ('\u{2800}'..='\u{28ff}').contains(&c)),
        "{what} has a spinner: {text:?}"
    );
    for status in [" · depth ", ": lint · "] {
        assert!(
            !text.contains(status),
            "{what} has a progress line: {text:?}"
        );
    }
    assert!(!text.contains("preparing"), "{what}: {text:?}");
}

#[test]
fn each_verdict_is_printed_as_soon_as_it_is_known_and_a_stop_says_the_depth() {
    let dir = folder("stream");
    let spec = write(&dir, "long.charter", QUICK_THEN_LONG);
    let mut child = charter_bin()
        // A safety net: the run is interrupted long before.
        .args(["verify", "--timeout", "300"])
        .arg(&spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.starts_with("check starts "), "{first:?}");
    // The first verdict came while the second command runs.
    assert!(child.try_wait().unwrap().is_none(), "the run had ended");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let signalled = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(!rest.contains("check short"), "{rest}");
    assert!(
        stderr.contains(&format!(
            "charter: {}: check short: the run was interrupted",
            spec.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("interrupted after 1 finished commands"),
        "{stderr}"
    );
    assert_plain("stdout", &format!("{first}{rest}"));
    assert_plain("stderr", &stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn redirected_output_has_no_progress_line_and_no_escape() {
    let dir = folder("plain");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/cis-charter-art9.charter");
    for args in [
        vec!["verify"],
        vec!["lint"],
        vec!["test"],
        // Colors asked for, on no terminal: colors, never a progress line.
        vec!["--color", "always", "verify"],
        vec!["verify", "--format", "json"],
    ] {
        let out_path = dir.join("out");
        let err_path = dir.join("err");
        let status = charter_bin()
            .args(&args)
            .arg(&spec)
            .env("TERM", "xterm-256color")
            .stdout(std::fs::File::create(&out_path).unwrap())
            .stderr(std::fs::File::create(&err_path).unwrap())
            .status()
            .unwrap();
        assert!(status.code().is_some_and(|c| c < 2), "{args:?}: {status}");
        let out = std::fs::read_to_string(&out_path).unwrap();
        let err = std::fs::read_to_string(&err_path).unwrap();
        assert!(!out.is_empty(), "{args:?}");
        assert_plain(&format!("{args:?} stdout"), &out);
        assert_plain(&format!("{args:?} stderr"), &err);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn color_follows_the_flag_then_no_color_clicolor_and_clicolor_force() {
    let dir = folder("color");
    let spec = write(&dir, "broken.charter", INVALID);
    let colored = |flag: Option<&str>, env: &[(&str, &str)]| {
        let mut command = charter_bin();
        if let Some(flag) = flag {
            command.args(["--color", flag]);
        }
        let output = command
            .arg("check")
            .arg(&spec)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(stderr.contains("unknown_name"), "{stderr}");
        stderr.contains('\u{1b}')
    };
    // `auto` (the default) on a pipe: no color, unless forced.
    assert!(!colored(None, &[]));
    assert!(!colored(Some("auto"), &[]));
    assert!(colored(None, &[("CLICOLOR_FORCE", "1")]));
    assert!(!colored(None, &[("CLICOLOR_FORCE", "")]));
    // NO_COLOR (not empty) wins over CLICOLOR_FORCE.
    assert!(!colored(
        None,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(colored(None, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")]));
    // The flag wins over the environment.
    assert!(colored(Some("always"), &[("NO_COLOR", "1")]));
    assert!(colored(Some("always"), &[("CLICOLOR", "0")]));
    assert!(!colored(Some("never"), &[("CLICOLOR_FORCE", "1")]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_says_when_each_command_starts_and_ends() {
    let charter = common::load_charter(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/specs/cis-charter-art9.charter"
    )));
    let plans = Plan::all(&charter, None, &Overrides::default()).unwrap();
    let mut said = Vec::new();
    let outcomes = charter::verify::run_observed(&charter, &plans, &mut |event| {
        said.push(match event {
            Progress::Started(plan) => format!("start {}", plan.command.name),
            Progress::Finished(outcome) => format!("end {}", outcome.command),
        })
    });
    let expected: Vec<String> = outcomes
        .iter()
        .flat_map(|o| [format!("start {}", o.command), format!("end {}", o.command)])
        .collect();
    assert!(plans.len() > 1);
    assert_eq!(said, expected);
    // Observing changes nothing.
    let plain = charter::verify::run(&charter, &plans);
    assert_eq!(
        format!("{:?}", plain.iter().map(|o| &o.verdict).collect::<Vec<_>>()),
        format!(
            "{:?}",
            outcomes.iter().map(|o| &o.verdict).collect::<Vec<_>>()
        )
    );
}

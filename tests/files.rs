//! What charter does with the user's files and its own output: golden
//! files are replaced whole or not at all, never through a symbolic link,
//! by one `--update` run at a time; folder walks visit each spec once,
//! whatever links they meet; a spec is never read past the size limit; a
//! report that cannot be written is a failure (exit code 2).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;

use common::assert_no_temporary_file;

fn charter_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_charter"))
}

const SPEC: &str = "charter \"files\"\nvar x: Bool = false\nevent flip\nclause c \"\" on flip: x' = not x\nassert never: always not x\ncheck never depth 2 expect counterexample\n";

/// A fresh folder with one spec in it.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("spec.charter"), SPEC).unwrap();
    dir
}

fn run(args: &[&str], dir: &Path) -> (Option<i32>, String, String) {
    let output = charter_bin().args(args).arg(dir).output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_folder_walk_runs_each_spec_once_whatever_links_it_meets() {
    let dir = folder("loop");
    std::os::unix::fs::symlink(".", dir.join("itself")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("again")).unwrap();
    std::os::unix::fs::symlink(dir.join("spec.charter"), dir.join("alias.charter")).unwrap();
    let (code, stdout, _) = run(&["test"], &dir);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.ends_with("1 passed, 0 failed\n"), "{stdout}");
}

#[test]
fn update_replaces_goldens_whole_and_keeps_their_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder("update");
    let golden = dir.join("spec.charter.golden");
    std::fs::write(&golden, "old\n").unwrap();
    std::fs::set_permissions(&golden, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (code, stdout, stderr) = run(&["test", "--update"], &dir);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let written = std::fs::read_to_string(&golden).unwrap();
    assert!(written.starts_with("check never"), "{written}");
    let mode = std::fs::metadata(&golden).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // No temporary file is left behind.
    assert_no_temporary_file(&dir);
    // A new golden is rw-r--r--, not the temporary file's rw-------.
    std::fs::remove_file(&golden).unwrap();
    run(&["test", "--update"], &dir);
    let mode = std::fs::metadata(&golden).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}

#[test]
fn a_golden_that_is_a_link_is_not_written_through() {
    let dir = folder("link");
    let outside =
        std::env::temp_dir().join(format!("charter-files-outside-{}", std::process::id()));
    std::fs::write(&outside, "someone else's file\n").unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("spec.charter.golden")).unwrap();
    let (code, _, stderr) = run(&["test", "--update"], &dir);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("is a symbolic link"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&outside).unwrap(),
        "someone else's file\n"
    );
    assert!(std::fs::symlink_metadata(dir.join("spec.charter.golden"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_second_update_of_the_same_folder_is_refused() {
    let dir = folder("lock");
    let golden = dir.join("spec.charter.golden");
    std::fs::write(&golden, "old\n").unwrap();
    // Another run holds the folder.
    let held = std::fs::File::open(&dir).unwrap();
    held.lock().unwrap();
    let (code, _, stderr) = run(&["test", "--update"], &dir);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("another `charter test --update`"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&golden).unwrap(), "old\n");
    held.unlock().unwrap();
    let (code, _, stderr) = run(&["test", "--update"], &dir);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_report_that_cannot_be_written_is_a_failure() {
    let dir = folder("full");
    let spec = dir.join("spec.charter");
    for args in [
        &["verify"][..],
        &["check"][..],
        &["lint"][..],
        &["verify", "--format", "json"][..],
    ] {
        let output = charter_bin()
            .args(args)
            .arg(&spec)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("cannot write to standard output"),
            "{args:?}"
        );
    }
}

#[test]
fn a_device_is_read_no_further_than_the_size_limit() {
    let output = charter_bin().args(["check", "/dev/zero"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("charter::syntax::too_large"), "{stderr}");
}

/// Escape sequences written in a spec (a clause's text, a title, a
/// comment) never reach the terminal raw: no screen clearing, no
/// clipboard write (OSC 52), no fake lines. JSON keeps the text exact.
#[test]
fn control_characters_in_user_text_are_shown_escaped() {
    let dir = folder("escapes");
    let spec = dir.join("escapes.charter");
    std::fs::write(
        &spec,
        "charter \"t\u{1b}]52;c;ZXZpbA==\u{7}\"\n// \u{1b}[2J a comment\nvar x: Bool = false\nevent e\n\
         clause c \"hi \u{1b}[2J there\" on e: x' = true\nclause d \"\u{1b}[1A\u{9b}2J\" on e: x' = false\n\
         assert a \"never \u{1b}[31mred\": always not x\ncheck a depth 2 expect no counterexample\n",
    )
    .unwrap();
    for args in [
        &["verify"][..],
        &["lint"][..],
        &["check"][..],
        &["test"][..],
    ] {
        let output = charter_bin().args(args).arg(&spec).output().unwrap();
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{9b}') && !text.contains('\u{7}'),
                "{args:?}: {text}"
            );
        }
        let shown = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        if args == ["verify"] {
            assert!(shown.contains("never \\u{1b}[31mred"), "{shown}");
        }
    }
    let output = charter_bin()
        .args(["verify", "--format", "json"])
        .arg(&spec)
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        value["files"][0]["outcomes"][0]["text"],
        "never \u{1b}[31mred"
    );
}

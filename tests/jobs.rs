//! `--jobs N`: files run side by side write what one file after the other
//! writes, byte for byte, on both streams, with the same exit code.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A folder of specs whose runs take different times (so that, side by
/// side, later files finish first): some fixtures, one invalid spec and
/// one with a warning.
fn folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-jobs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/verify");
    for (index, name) in ["rotation", "overrides", "options", "conflict"]
        .iter()
        .enumerate()
    {
        let text = std::fs::read_to_string(fixtures.join(format!("{name}.charter"))).unwrap();
        std::fs::write(dir.join(format!("{index}-{name}.charter")), text).unwrap();
    }
    std::fs::write(
        dir.join("1a-invalid.charter"),
        "charter \"broken\"\n\nvar x: Int[0..3] = 0\nassert a \"\": always y > 0\n",
    )
    .unwrap();
    dir
}

fn run(args: &[&str], jobs: &str) -> (Vec<u8>, Vec<u8>, Option<i32>) {
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .args(["--jobs", jobs, "--color", "never"])
        .env_remove("TERM")
        .output()
        .unwrap();
    (output.stdout, output.stderr, output.status.code())
}

#[test]
fn side_by_side_writes_what_one_after_the_other_writes() {
    let dir = folder();
    let dir = dir.to_str().unwrap();
    let files: Vec<String> = {
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path().display().to_string())
            .collect();
        files.sort();
        files
    };
    let mut verify_json = vec!["verify", "--format", "json"];
    verify_json.extend(files.iter().map(String::as_str));
    let mut lint = vec!["lint"];
    lint.extend(files.iter().map(String::as_str));

    for args in [
        vec!["test", dir],
        vec!["test", dir, "--format", "json"],
        verify_json,
        lint,
    ] {
        let serial = run(&args, "1");
        assert!(
            !serial.0.is_empty() && !serial.1.is_empty(),
            "{args:?}: both streams say something"
        );
        let side_by_side = run(&args, "3");
        assert_eq!(
            String::from_utf8_lossy(&side_by_side.0),
            String::from_utf8_lossy(&serial.0),
            "{args:?} --jobs 3: standard output"
        );
        assert_eq!(
            String::from_utf8_lossy(&side_by_side.1),
            String::from_utf8_lossy(&serial.1),
            "{args:?} --jobs 3: standard error"
        );
        assert_eq!(side_by_side.2, serial.2, "{args:?} --jobs 3: exit code");
    }
}

#[test]
fn jobs_must_be_at_least_one() {
    let (_, stderr, code) = run(&["verify", "specs/entry-into-force.charter"], "0");
    assert_eq!(code, Some(2));
    assert!(String::from_utf8_lossy(&stderr).contains("--jobs"));
}

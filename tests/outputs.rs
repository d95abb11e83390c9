//! Where the files charter writes may go: `export smt2 -o` and `test
//! --junit` never replace a file the run reads (a spec, a golden or
//! `.lint` file), and a path that cannot take the file is said before the
//! run, exit 2, not after minutes of solving; the README's lines that
//! install completions and manual pages work in a fresh home.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = "charter \"outputs\"\nvar x: Bool = false\nevent flip\nclause c \"\" on flip: x' = not x\nassert never: always not x\ncheck never depth 2 expect counterexample\n";

/// A fresh folder holding `spec.charter`, its golden and `.lint` files.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-outputs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("spec.charter"), SPEC).unwrap();
    std::fs::write(dir.join("spec.charter.lint"), "# none\n").unwrap();
    let update = charter(&dir, &["test", "--update", "."]);
    assert_eq!(update.status.code(), Some(0), "{update:?}");
    dir
}

fn charter(dir: &Path, args: &[&str]) -> Output {
    crate::common::charter_in(dir, args)
}

/// Exit 2, the words on standard error, nothing run, and every file of
/// the folder as it was.
fn refused(dir: &Path, args: &[&str], words: &str) {
    let before = contents(dir);
    let output = charter(dir, args);
    // miette wraps lines at 80 columns (also after a `/`): compare the
    // text without its spaces.
    let squeezed = |text: &str| -> String {
        text.replace('│', "")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        squeezed(&stderr).contains(&squeezed(words)),
        "{args:?}: {stderr}"
    );
    assert!(stderr.contains("charter::io::write"), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?} ran: {output:?}");
    assert_eq!(contents(dir), before, "{args:?} changed a file");
}

fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap_or_default();
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_smt2_export_never_replaces_its_spec() {
    let dir = folder("export");
    for output in ["spec.charter", "./spec.charter"] {
        let export = ["export", "smt2", "--command", "never", "spec.charter"];
        let args: Vec<&str> = export.into_iter().chain(["-o", output]).collect();
        refused(&dir, &args, "it is the spec itself");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_junit_report_never_replaces_a_file_the_run_reads() {
    let dir = folder("junit");
    let absolute = dir.join("spec.charter").display().to_string();
    for (junit, words) in [
        ("spec.charter", "it is the spec `./spec.charter`"),
        (absolute.as_str(), "it is the spec `./spec.charter`"),
        ("spec.charter.golden", "it is the golden file"),
        ("spec.charter.lint", "it is the `.lint` file"),
    ] {
        refused(&dir, &["test", "--junit", junit, "."], words);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A JUnit path in no folder is said at once: nothing runs.
#[test]
fn a_junit_path_that_cannot_be_written_is_said_before_the_run() {
    let dir = folder("early");
    refused(
        &dir,
        &["test", "--junit", "no/such/folder/report.xml", "."],
        "the folder `no/such/folder` does not exist",
    );
    refused(&dir, &["test", "--junit", ".", "."], "it is a folder");
    refused(
        &dir,
        &["test", "--junit", "spec.charter/report.xml", "."],
        "`spec.charter` is a file, not a folder",
    );
    // A good path still gets the report.
    let output = charter(&dir, &["test", "--junit", "report.xml", "."]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(std::fs::read_to_string(dir.join("report.xml"))
        .unwrap()
        .contains("<testsuites "));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The README's lines that install the completions and manual pages work
/// on a fresh machine, where `~/.local/share/...` does not exist yet.
#[test]
fn the_readme_install_lines_work_in_a_fresh_home() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let lines: Vec<&str> = readme
        .lines()
        .filter(|line| {
            line.starts_with("mkdir -p ~/")
                || line.starts_with("charter completions bash > ~/")
                || line.starts_with("charter man --out ~/")
        })
        .map(|line| line.split('#').next().unwrap().trim())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    let home = std::env::temp_dir().join(format!("charter-outputs-home-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_charter")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for line in &lines {
        let output = Command::new("sh")
            .args(["-ec", line])
            .env("HOME", &home)
            .env("PATH", &path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{line}: {output:?}");
    }
    let share = home.join(".local/share");
    assert!(
        std::fs::read_to_string(share.join("bash-completion/completions/charter"))
            .unwrap()
            .contains("_charter()")
    );
    assert!(share.join("man/man1/charter-verify.1").is_file());
    // A folder that cannot be made: said, exit 2.
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["man", "--out"])
        .arg(share.join("man/man1/charter.1/x"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    // miette wraps lines at 80 columns (where depends on the path's length).
    let words = stderr
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(words.contains("cannot make the folder"), "{stderr}");
    assert!(stderr.contains("charter::io::write"), "{stderr}");
    std::fs::remove_dir_all(&home).unwrap();
}

/// `charter fmt` given nothing, or `-` mixed with files, and `charter test`
/// given a path that does not exist: coded diagnostics with help, exit 2.
#[test]
fn command_line_misuse_is_a_coded_diagnostic() {
    let dir = folder("misuse");
    for (args, code) in [
        (&["fmt"][..], "charter::cli::usage"),
        (&["fmt", "-", "spec.charter"][..], "charter::cli::usage"),
        (&["test", "no-such-folder/"][..], "charter::io::read"),
    ] {
        let output = charter(&dir, args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(code), "{args:?}: {stderr}");
        assert!(stderr.contains("help:"), "{args:?}: {stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

//! The command line under every choice of readings: `charter test` and
//! `charter report` lint each choice (they linted the first alone, so a
//! finding under another reading passed unseen), and `charter export`
//! asks which choice to export (it exported the first, silently).

use std::path::Path;
use std::process::Output;

/// The readings fixture with a rule that applies under `literal` and
/// never under `practice` (a dead rule there alone).
fn spec_dead_under_practice() -> String {
    let base = std::fs::read_to_string("tests/fixtures/readings/hosting.charter").unwrap();
    format!(
        "{base}\nclause vacancy \"A session held where it was already agreed to be held leaves the chair vacant.\"\n  under practice: on session(host, next) when host = next: chair' = none\n"
    )
}

fn charter(dir: &Path, args: &[&str]) -> Output {
    crate::common::charter_in(dir, args)
}

fn squeezed(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn test_and_report_lint_every_choice_of_readings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.charter"), spec_dead_under_practice()).unwrap();
    let update = charter(dir.path(), &["test", "--update", "spec.charter"]);
    let stdout = squeezed(&update.stdout);
    assert_eq!(update.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("lint — under practice: unexpected: dead_rule vacancy"),
        "{stdout}"
    );
    // Listed, it is expected under the choice that finds it.
    std::fs::write(
        dir.path().join("spec.charter.lint"),
        "under practice: dead_rule vacancy\n",
    )
    .unwrap();
    let listed = charter(dir.path(), &["test", "spec.charter"]);
    let stdout = squeezed(&listed.stdout);
    assert_eq!(listed.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("under practice: 1 finding up to depth 3"),
        "{stdout}"
    );
    assert!(
        stdout.contains("under practice: dead_rule vacancy"),
        "{stdout}"
    );
    // The HTML page has a lint section per choice.
    let page = dir.path().join("spec.html");
    let report = charter(
        dir.path(),
        &["report", "spec.charter", "-o", page.to_str().unwrap()],
    );
    assert_eq!(report.status.code(), Some(0), "{report:?}");
    let html = std::fs::read_to_string(&page).unwrap();
    for part in [
        "id=\"lint-0\"",
        "Coherence of the rules (lint) under practice",
        "id=\"finding-1-0\"",
        "data-subject=\"vacancy\"",
    ] {
        assert!(html.contains(part), "missing {part}");
    }
}

#[test]
fn export_asks_which_choice_of_readings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/readings/hosting.charter",
        dir.path().join("spec.charter"),
    )
    .unwrap();
    let export = |under: &[&str]| {
        let mut args = vec![
            "export",
            "smt2",
            "spec.charter",
            "--command",
            "chair_hosted",
        ];
        args.extend_from_slice(under);
        charter(dir.path(), &args)
    };
    for (under, words) in [
        (&[][..], "the spec can be read 2 ways"),
        (&["--under", "nonsense"][..], "names no choice"),
    ] {
        let output = export(under);
        let stderr = squeezed(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{under:?}: {stderr}");
        assert!(stderr.contains("charter::cli::option"), "{stderr}");
        assert!(stderr.contains(words), "{stderr}");
        assert!(
            stderr.contains("`--under literal`, `--under practice`"),
            "{stderr}"
        );
    }
    let literal = export(&["--under", "literal"]);
    let practice = export(&["--under", "practice"]);
    assert_eq!(literal.status.code(), Some(0));
    assert_eq!(practice.status.code(), Some(0));
    // Practice forbids a session naming its own host: another question.
    assert_ne!(literal.stdout, practice.stdout);
}

/// A `.lint` line naming an unknown reading, or under a choice not taken
/// naming no kind of finding: a coded diagnostic pointing at the word,
/// once (not once per choice of readings), exit code 2, from `lint`,
/// `test` and `report` alike (they were plain `charter: …` lines, and
/// `test` exited 1).
#[test]
fn a_malformed_lint_file_is_a_coded_diagnostic_said_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/readings/hosting.charter",
        dir.path().join("spec.charter"),
    )
    .unwrap();
    for (line, word, label) in [
        (
            "under pratice: dead_rule vacancy\n",
            "pratice",
            "no reading of the spec",
        ),
        (
            "under practice: dead_rules vacancy\n",
            "dead_rules",
            "no kind of finding",
        ),
    ] {
        std::fs::write(dir.path().join("spec.charter.lint"), line).unwrap();
        let page = dir.path().join("spec.html");
        for args in [
            vec!["lint", "spec.charter"],
            vec!["test", "spec.charter"],
            vec!["report", "spec.charter", "-o", page.to_str().unwrap()],
        ] {
            let output = charter(dir.path(), &args);
            let stderr = squeezed(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert_eq!(
                stderr.matches("charter::lint::expected_file").count(),
                1,
                "{args:?}: {stderr}"
            );
            assert!(stderr.contains(label), "{args:?}: {stderr}");
            assert!(stderr.contains("spec.charter.lint:1:"), "{stderr}");
            assert!(stderr.contains("help:"), "{args:?}: {stderr}");
            assert!(stderr.contains(word), "{args:?}: {stderr}");
        }
        assert!(!page.exists(), "no page is written from a malformed .lint");
    }
}

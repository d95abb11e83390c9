//! `charter lint` against `tests/fixtures/lint/` (one fixture per kind of
//! finding, and a clean one) and the specs: snapshots of the rendered
//! findings, the minimality of every blamed set, the CSTO conflict, and the
//! binary's exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use charter::lint::{self, Kind, LintReport};
use charter::report::{self, Color, SourceFile};
use charter::verify::Overrides;

fn load(path: &Path) -> (SourceFile, charter::hir::Charter) {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let source = SourceFile::from_bytes(&name, &bytes);
    let charter = charter::load(&bytes)
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
        .checked
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
        .charter;
    (source, charter)
}

fn rendered(source: &SourceFile, result: &LintReport) -> String {
    let mut out = format!("depth {}, scopes {:?}\n", result.depth, result.scopes);
    for finding in &result.findings {
        out.push_str(&report::lint_finding(finding, source, Color::Never));
        out.push('\n');
    }
    out
}

fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/lint")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "charter"))
        .collect();
    files.sort();
    files
}

#[test]
fn lint_snapshots() {
    // From the binary, one process per fixture, as a user runs it: inside
    // one test process, Z3's process-wide state can steer it to another
    // (equally valid) witness.
    insta::glob!("fixtures/lint/*.charter", |path| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let relative = path.strip_prefix(root).unwrap_or(path);
        let output = Command::new(env!("CARGO_BIN_EXE_charter"))
            .arg("lint")
            .arg(relative)
            .output()
            .unwrap();
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            relative.display()
        );
        let text = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(format!(
            "{text}\n---- lint ----\n{}",
            String::from_utf8(output.stdout).unwrap()
        ));
    });
}

/// Each fixture is named after the one kind of finding it shows.
#[test]
fn every_kind_has_a_fixture_showing_it() {
    for kind in Kind::ALL {
        let path = PathBuf::from(format!("tests/fixtures/lint/{}.charter", kind.as_str()));
        let (_, charter) = load(&path);
        let result = lint::lint(&charter, &Overrides::default()).unwrap();
        let kinds: Vec<Kind> = result.findings.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, vec![kind], "{}", path.display());
    }
    let (_, charter) = load(Path::new("tests/fixtures/lint/clean.charter"));
    let result = lint::lint(&charter, &Overrides::default()).unwrap();
    assert!(result.findings.is_empty(), "{:?}", result.findings);
}

/// A blamed set is minimal: with only its items but one (and nothing else
/// blamable), the finding's query has an answer, so the finding goes away.
/// With all of its items, the finding stays.
#[test]
fn blamed_sets_are_minimal() {
    let mut paths = fixtures();
    paths.push(PathBuf::from("specs/csto-article13.charter"));
    let mut checked = 0;
    for path in paths {
        let (_, charter) = load(&path);
        let overrides = Overrides::default();
        let result = lint::lint(&charter, &overrides).unwrap();
        for finding in &result.findings {
            assert!(
                !finding.blamed.is_empty(),
                "{}: {} {} blames nothing",
                path.display(),
                finding.kind.as_str(),
                finding.subject
            );
            let items: Vec<lint::Item> = finding.blamed.iter().map(|b| b.item).collect();
            if matches!(
                finding.kind,
                Kind::ImpossibleObligation | Kind::ConflictingObligations
            ) {
                // Its question, at its witness state: no continuation
                // meets what is owed, with only the blamed items; some
                // does with all of them but one.
                let met =
                    |keep: lint::Keep| lint::owed_can_be_met(&charter, &overrides, finding, keep);
                assert!(
                    !met(lint::Keep::Only(&items)).unwrap(),
                    "{}: {} {} needs more than its blamed items",
                    path.display(),
                    finding.kind.as_str(),
                    finding.subject
                );
                for blamed in &finding.blamed {
                    let rest: Vec<lint::Item> = items
                        .iter()
                        .copied()
                        .filter(|i| *i != blamed.item)
                        .collect();
                    assert!(
                        met(lint::Keep::Only(&rest)).unwrap(),
                        "{}: {} {} is still found without {} {}",
                        path.display(),
                        finding.kind.as_str(),
                        finding.subject,
                        blamed.kind,
                        blamed.name
                    );
                    checked += 1;
                }
                continue;
            }
            let with_all =
                lint::lint_keeping(&charter, &overrides, lint::Keep::Only(&items)).unwrap();
            assert!(
                with_all
                    .findings
                    .iter()
                    .any(|f| f.kind == finding.kind && f.subject == finding.subject),
                "{}: {} {} needs more than its blamed items",
                path.display(),
                finding.kind.as_str(),
                finding.subject
            );
            for blamed in &finding.blamed {
                let rest: Vec<lint::Item> = items
                    .iter()
                    .copied()
                    .filter(|i| *i != blamed.item)
                    .collect();
                let without =
                    lint::lint_keeping(&charter, &overrides, lint::Keep::Only(&rest)).unwrap();
                let still = without
                    .findings
                    .iter()
                    .any(|f| f.kind == finding.kind && f.subject == finding.subject);
                assert!(
                    !still,
                    "{}: {} {} is still found without {} {}",
                    path.display(),
                    finding.kind.as_str(),
                    finding.subject,
                    blamed.kind,
                    blamed.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} blamed items checked");
}

/// The CSTO spec's conflict: a Council decision outside a regular session
/// against the tenure clause, both labelled, with a witness.
#[test]
fn csto_decision_clashes_with_tenure() {
    let (source, charter) = load(Path::new("specs/csto-article13.charter"));
    let result = lint::lint(&charter, &Overrides::default()).unwrap();
    let clash = result
        .findings
        .iter()
        .find(|f| f.kind == Kind::Clash && f.subject == "council_decision")
        .expect("the council_decision clash");
    let mut names: Vec<&str> = clash.blamed.iter().map(|b| b.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["decides_otherwise", "tenure"]);
    let witness = clash.witness.as_ref().expect("a witness");
    let impossible = witness.impossible.as_ref().expect("the impossible step");
    assert_eq!(impossible.event, "council_decision");
    let text = report::lint_finding(clash, &source, Color::Never);
    assert!(text.contains("charter::lint::clash"), "{text}");
    assert!(text.contains("blamed: clause tenure (art. 13)"), "{text}");
    assert!(
        text.contains("blamed: clause decides_otherwise (art. 13)"),
        "{text}"
    );
}

#[test]
fn lint_is_deterministic() {
    let (source, charter) = load(Path::new("tests/fixtures/lint/clash.charter"));
    let first = rendered(
        &source,
        &lint::lint(&charter, &Overrides::default()).unwrap(),
    );
    let second = rendered(
        &source,
        &lint::lint(&charter, &Overrides::default()).unwrap(),
    );
    assert_eq!(first, second);
}

fn charter_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_charter"))
}

#[test]
fn lint_json_snapshot() {
    let output = charter_bin()
        .args([
            "lint",
            "--format",
            "json",
            "tests/fixtures/lint/clash.charter",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["schema"], report::JSON_SCHEMA_VERSION);
    assert_eq!(value["kind"], "lint");
    insta::assert_snapshot!(text);
}

#[test]
fn lint_exit_codes() {
    let clean = charter_bin()
        .args(["lint", "tests/fixtures/lint/clean.charter"])
        .output()
        .unwrap();
    assert_eq!(clean.status.code(), Some(0));
    // Findings listed in the `.lint` file beside the spec are expected.
    let csto = charter_bin()
        .args(["lint", "specs/csto-article13.charter"])
        .output()
        .unwrap();
    assert_eq!(
        csto.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&csto.stdout)
    );
    let missing = charter_bin()
        .args(["lint", "tests/fixtures/lint/missing.charter"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

/// A `.lint` file whose expectations are not met fails `charter test`.
#[test]
fn test_command_checks_expected_findings() {
    let dir = std::env::temp_dir().join(format!("charter-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("clash.charter");
    std::fs::copy("tests/fixtures/lint/clash.charter", &spec).unwrap();
    let run = || charter_bin().arg("test").arg(&dir).output().unwrap();
    let unexpected = run();
    assert_eq!(unexpected.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unexpected.stdout).contains("unexpected: clash decision"));
    std::fs::write(dir.join("clash.charter.lint"), "clash decision\n").unwrap();
    let expected = run();
    assert_eq!(
        expected.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&expected.stdout)
    );
    std::fs::write(
        dir.join("clash.charter.lint"),
        "clash decision\ndead_event session\n",
    )
    .unwrap();
    let missing = run();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stdout)
        .contains("expected but not found: dead_event session"));
    std::fs::write(dir.join("clash.charter.lint"), "clashes decision\n").unwrap();
    assert_eq!(run().status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Lint runs on every semantic fixture of the engine: each finding blames
/// something, and each clash has a witness whose last step is its event.
#[test]
fn lint_runs_on_every_verify_fixture() {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/verify")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "charter"))
        .collect();
    files.sort();
    for path in files {
        let (_, charter) = load(&path);
        let result = lint::lint(&charter, &Overrides::default()).unwrap();
        for finding in &result.findings {
            assert!(
                !finding.blamed.is_empty(),
                "{}: {finding:?}",
                path.display()
            );
            if finding.kind == Kind::Clash {
                let witness = finding.witness.as_ref().unwrap();
                assert_eq!(
                    witness.impossible.as_ref().map(|s| s.event.as_str()),
                    Some(finding.subject.as_str()),
                    "{}",
                    path.display()
                );
            }
        }
    }
}

/// Every witness history lint shows has been replayed through `eval`, like
/// every history `verify` shows.
#[test]
fn every_witness_is_replayed() {
    let mut paths = fixtures();
    paths.push(PathBuf::from("specs/csto-article13.charter"));
    let mut witnesses = 0;
    for path in paths {
        let (_, charter) = load(&path);
        let result = lint::lint(&charter, &Overrides::default()).unwrap();
        for finding in &result.findings {
            if let Some(witness) = &finding.witness {
                assert!(
                    witness.history.replayed,
                    "{}: {}",
                    path.display(),
                    finding.message
                );
                witnesses += 1;
            }
        }
    }
    assert!(
        witnesses >= 2,
        "only {witnesses} witnesses: the test sees too little"
    );
}

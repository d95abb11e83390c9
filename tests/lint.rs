//! `charter lint` against `tests/fixtures/lint/` (one fixture per kind of
//! finding, and a clean one) and the specs: snapshots of the rendered
//! findings, the minimality of every blamed set, clause priority resolving
//! a clash, and the binary's exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;

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
    common::charter_files("tests/fixtures/lint")
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
        common::assert_snapshot!(
            "lint_snapshots",
            format!(
                "{text}\n---- lint ----\n{}",
                String::from_utf8(output.stdout).unwrap()
            )
        );
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
            // A clause cited for a definition is no assumption of the query.
            let assumed: Vec<&lint::Blamed> = finding
                .blamed
                .iter()
                .filter(|b| b.kind != lint::BlamedKind::Definition)
                .collect();
            let items: Vec<lint::Item> = assumed.iter().map(|b| b.item).collect();
            // Whether the finding stands with only `keep`'s items: for the
            // obligation findings, its question asked again at its witness
            // state (no continuation meets what is owed); for the others,
            // the whole lint run again.
            let found = |keep: lint::Keep| -> bool {
                match finding.kind {
                    Kind::ImpossibleObligation | Kind::ConflictingObligations => {
                        !lint::owed_can_be_met(&charter, &overrides, finding, keep).unwrap()
                    }
                    _ => lint::lint_keeping(&charter, &overrides, keep)
                        .unwrap()
                        .findings
                        .iter()
                        .any(|f| f.kind == finding.kind && f.subject == finding.subject),
                }
            };
            assert!(
                found(lint::Keep::Only(&items)),
                "{}: {} {} needs more than its blamed items",
                path.display(),
                finding.kind.as_str(),
                finding.subject
            );
            for blamed in assumed {
                let rest: Vec<lint::Item> = items
                    .iter()
                    .copied()
                    .filter(|i| *i != blamed.item)
                    .collect();
                assert!(
                    !found(lint::Keep::Only(&rest)),
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

/// A clash between two clauses suggests saying which prevails, and with
/// `overrides` it is gone (the fixture `clash_overridden` is `clash` with
/// `clause decides overrides tenure`); the CSTO spec says so of its Council
/// decisions, so only the election clash (an axiom's) remains.
#[test]
fn overrides_resolves_a_clash() {
    let (source, charter) = load(Path::new("tests/fixtures/lint/clash.charter"));
    let result = lint::lint(&charter, &Overrides::default()).unwrap();
    let clash = result
        .findings
        .iter()
        .find(|f| f.kind == Kind::Clash && f.subject == "decision")
        .expect("the decision clash");
    let mut names: Vec<&str> = clash.blamed.iter().map(|b| b.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["decides", "tenure"]);
    let text = report::lint_finding(clash, &source, Color::Never);
    let help: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains(
            "if one clause is meant to prevail, say so: `clause decides overrides tenure`"
        ),
        "{text}"
    );

    let (_, charter) = load(Path::new("tests/fixtures/lint/clash_overridden.charter"));
    let result = lint::lint(&charter, &Overrides::default()).unwrap();
    assert!(result.findings.is_empty(), "{:?}", result.findings);

    // The CSTO spec before its rewrite: an axiom against an election.
    let (_, charter) = load(Path::new("tests/fixtures/report/csto-sets.charter"));
    let result = lint::lint(&charter, &Overrides::default()).unwrap();
    let kinds: Vec<(Kind, &str)> = result
        .findings
        .iter()
        .map(|f| (f.kind, f.subject.as_str()))
        .collect();
    assert_eq!(kinds, [(Kind::Clash, "election")]);
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
    common::assert_snapshot!("lint_json_snapshot", text);
}

/// An obligation conflict in JSON: no impossible step, the duties owed
/// after the witness history, and a subject naming both clauses.
#[test]
fn conflict_json_names_what_is_owed() {
    let output = charter_bin()
        .args([
            "lint",
            "--format",
            "json",
            "tests/fixtures/lint/conflicting_obligations.charter",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = value["files"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{value}");
    let finding = &findings[0];
    assert_eq!(finding["kind"], "conflicting_obligations");
    assert_eq!(finding["subject"], "convening,dissolution");
    let witness = &finding["witness"];
    assert!(witness["impossible"].is_null(), "{witness}");
    let owed: Vec<(&str, &str, &str)> = witness["owed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["clause"].as_str().unwrap(),
                o["duty"].as_str().unwrap(),
                o["unit"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        owed,
        [
            ("convening", "convene", "day"),
            ("dissolution", "dissolve", "day")
        ]
    );
    // Both are due on the day the history's last step set: ten days after
    // the request.
    let steps = witness["history"]["steps"].as_array().unwrap();
    let request = steps.last().unwrap();
    assert_eq!(request["event"], "request");
    let date = request["args"][0]["value"]["value"].as_i64().unwrap();
    for due in witness["owed"].as_array().unwrap() {
        assert_eq!(due["due"].as_i64(), Some(date + 10), "{witness}");
    }
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
    // A malformed `.lint` file is invalid input: exit code 2.
    std::fs::write(dir.join("clash.charter.lint"), "clashes decision\n").unwrap();
    assert_eq!(run().status.code(), Some(2));
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

/// A joint obligation check that does not settle within its rounds says
/// so, and claims nothing: the report is incomplete (the CLI exits 1).
#[test]
fn unsettled_joint_check_is_incomplete() {
    let text = "charter \"t\"\ncalendar days 0..30\nenum M { X, Y, Z }\nevent request(m: M)\nevent report(m: M)\nclause reporting \"\" on request(m): must report(m) within 5 days\n";
    let charter = charter::load(text.as_bytes())
        .unwrap()
        .checked
        .unwrap()
        .charter;
    let mut overrides = Overrides {
        depth: Some(3),
        ..Overrides::default()
    };
    let settled = lint::lint(&charter, &overrides).unwrap();
    assert!(settled.findings.is_empty() && settled.incomplete.is_empty());
    overrides.limits.joint_rounds = 1;
    let cut = lint::lint(&charter, &overrides).unwrap();
    assert!(cut.findings.is_empty(), "{:?}", cut.findings);
    assert_eq!(cut.incomplete.len(), 1, "{:?}", cut.incomplete);
    assert!(
        cut.incomplete[0].contains("did not settle after 1 candidate states"),
        "{:?}",
        cut.incomplete
    );
}

/// The findings (kind, subject) of a spec given as text.
fn findings_of(text: &str) -> Vec<(Kind, String)> {
    let charter = charter::load(text.as_bytes())
        .unwrap()
        .checked
        .unwrap_or_else(|e| panic!("{e:?}"))
        .charter;
    lint::lint(&charter, &Overrides::default())
        .unwrap()
        .findings
        .into_iter()
        .map(|f| (f.kind, f.subject))
        .collect()
}

/// The joint obligation check, case by case: what can be met together in
/// some order is no conflict; what can be met by no step at all is an
/// unmet obligation, not also an impossible one.
#[test]
fn joint_obligation_check_cases() {
    // One request, and `a` and `b` only after it (a second request, or one
    // after `a`, would owe a `b` that can no longer be done).
    let head = "charter \"t\"\ncalendar days 0..30\nvar a_done: Bool = false\nvar b_done: Bool = false\nvar asked: Bool = false\nevent request requires not asked\nevent a requires asked\nevent b requires asked\nclause once \"\" on request: asked' = true\n";
    // Doing `a` rules `b` out, not the other way round: after the request
    // `b` first meets both, so the two do not conflict; but doing `a`
    // first is lawful too, and strands `b`: from that state it can no
    // longer be met.
    let ordered = format!(
        "{head}clause da \"\" on request: must a within 5 days\nclause db \"\" on request: must b within 5 days\nclause sa \"\" on a: a_done' = true\nclause nb \"\" must not b when a_done\n"
    );
    assert_eq!(
        findings_of(&ordered),
        [(Kind::ImpossibleObligation, "db".to_string())]
    );
    // Without the prohibition, nothing is stranded.
    let free = format!(
        "{head}clause da \"\" on request: must a within 5 days\nclause db \"\" on request: must b within 5 days\nclause sa \"\" on a: a_done' = true\n"
    );
    assert_eq!(findings_of(&free), []);
    // Both due on the day of the request: two steps on one date meet them.
    let same_day = format!(
        "{head}clause da \"\" on request: must a within 0 days\nclause db \"\" on request: must b within 0 days\n"
    );
    assert_eq!(findings_of(&same_day), []);
    // Each rules the other out: a conflict, named by both clauses.
    let conflict = format!(
        "{head}clause da \"\" on request: must a within 5 days\nclause db \"\" on request: must b within 5 days\nclause sa \"\" on a: a_done' = true\nclause sb \"\" on b: b_done' = true\nclause na \"\" must not a when b_done\nclause nb \"\" must not b when a_done\n"
    );
    assert_eq!(
        findings_of(&conflict),
        [(Kind::ConflictingObligations, "da,db".to_string())]
    );
    // `b` may come only 10 days after `a`, and is due 5 days after the
    // request: in no history is it met on time (unmet), and the joint
    // check says nothing more of it.
    let never = format!(
        "{head}clause db \"\" on request: must b within 5 days\nclause wait \"\" may b when at least 10 days after a\n"
    );
    assert_eq!(
        findings_of(&never),
        [(Kind::UnmetObligation, "db".to_string())]
    );
    // A duty falling due after the calendar's end can never be broken: a
    // request near the end, with a waiting period, is no finding.
    let late = "charter \"t\"\ncalendar days 0..400\nvar asked: Bool = false\nevent request requires not asked\nevent report requires at least 5 days after request\nclause once \"\" on request: asked' = true\nclause reporting \"\" on request: must report within 10 days\n";
    assert_eq!(findings_of(late), []);
    // Two strandings with different causes are both reported: the first
    // does not hide the second (whose history meets the first duty).
    let two = "charter \"t\"\ncalendar days 0..60\nvar suspended: Bool = false\nvar muted: Bool = false\nevent request\nevent report requires last request is some\nevent ack\nevent suspend\nevent mute\nclause reporting \"\" on request: must report within 10 days\nclause acking \"\" on report: must ack within 10 days\nclause suspension \"\" on suspend: suspended' = true\nclause silence \"\" must not report when suspended\nclause muting \"\" on mute: muted' = true\nclause quiet \"\" must not ack when muted\n";
    assert_eq!(
        findings_of(two),
        [
            (Kind::ImpossibleObligation, "reporting".to_string()),
            (Kind::ImpossibleObligation, "acking".to_string())
        ]
    );
    // Two duties of one clause: one never met (unmet), the other stranded
    // by a suspension (still checked: exclusion is by duty, not clause);
    // and two that conflict name their clause once.
    let one_clause = "charter \"t\"\ncalendar days 0..40\nvar suspended: Bool = false\nevent request\nevent report\nevent notify\nevent suspend\nclause both \"\" on request: must report within 10 days\n  on request: must notify within 10 days\nclause gag \"\" must not notify\nclause suspension \"\" on suspend: suspended' = true\nclause silence \"\" must not report when suspended\n";
    let found = findings_of(one_clause);
    assert!(
        found.contains(&(Kind::UnmetObligation, "both".to_string()))
            && found.contains(&(Kind::ImpossibleObligation, "both".to_string())),
        "{found:?}"
    );
    let conflict_in_one = format!(
        "{head}clause both \"\" on request: must a within 5 days\n  on request: must b within 5 days\nclause sa \"\" on a: a_done' = true\nclause sb \"\" on b: b_done' = true\nclause na \"\" must not a when b_done\nclause nb \"\" must not b when a_done\n"
    );
    assert_eq!(
        findings_of(&conflict_in_one),
        [(Kind::ConflictingObligations, "both".to_string())]
    );
    // A duty per member: suspending one member makes its own report
    // impossible, not the other's.
    let keyed = "charter \"t\"\ncalendar days 0..30\nenum M { X, Y }\nvar suspended: set M = {}\nevent request(m: M)\nevent report(m: M)\nevent suspend(m: M)\nclause dr \"\" on request(m): must report(m) within 5 days\nclause ss \"\" on suspend(m): suspended' = suspended union {m}\nclause nr \"\" must not report(m) when m in suspended\n";
    assert_eq!(
        findings_of(keyed),
        [(Kind::ImpossibleObligation, "dr".to_string())]
    );
}

/// `charter test --format json`: standard output is one JSON document
/// (the lines a person reads go to standard error), with each spec's lint
/// status beside its golden status.
#[test]
fn test_json_is_one_document_with_the_lint_status() {
    let output = charter_bin()
        .args(["test", "--format", "json", "specs/cis-charter-art9.charter"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    let file = &value["files"][0];
    assert_eq!(file["golden"], "matched");
    assert_eq!(file["lint"]["as_expected"], true);
    let log = String::from_utf8(output.stderr).unwrap();
    assert!(
        log.contains("ok specs/cis-charter-art9.charter: lint"),
        "{log}"
    );
}

/// Lint's kinds that are blockings spell as `allowing` spells them, and
/// every kind of blocking is one of lint's.
#[test]
fn blocking_kinds_are_spelled_as_lint_spells_them() {
    let mut seen = Vec::new();
    for kind in Kind::ALL {
        if let Some(blocking) = kind.blocking() {
            assert_eq!(kind.as_str(), blocking.as_str());
            seen.push(blocking);
        }
    }
    seen.sort();
    assert_eq!(seen, charter::hir::Blocking::ALL);
}

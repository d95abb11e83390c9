//! The verification engine end to end: every spec's verdicts, timelines and
//! JSON as snapshots; semantic fixtures whose `expect` lines must all be
//! met; determinism; the `charter test` and `charter verify` commands and
//! their exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use charter::report::{self, SourceFile};
use charter::verify::{self, Outcome, Overrides, Verdict};

use crate::common;

use common::charter_files;

fn run(path: &Path) -> (SourceFile, Vec<Outcome>) {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let source = SourceFile::from_bytes(&name, &bytes);
    (source, common::verified::verified(path).outcomes.clone())
}

fn rendered(source: &SourceFile, outcomes: &[Outcome]) -> String {
    outcomes
        .iter()
        .map(|o| report::outcome(o, source))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_all_expected(path: &Path, source: &SourceFile, outcomes: &[Outcome]) {
    assert!(!outcomes.is_empty(), "{} has no commands", path.display());
    for outcome in outcomes {
        assert!(
            outcome.expect.is_some(),
            "{}: command {} has no expect",
            path.display(),
            outcome.command
        );
        assert!(
            outcome.as_expected,
            "{}: not as expected:\n{}",
            path.display(),
            report::outcome(outcome, source)
        );
    }
}

/// What `charter verify` prints for a spec. Histories are snapshotted from
/// the binary, one process per spec, as a user runs it: inside one test
/// process, Z3's process-wide state (its memory, shared by the test
/// threads) can steer it to another, equally valid, history.
fn cli_verify(path: &Path, json: bool) -> String {
    let mut command = charter_bin();
    command.arg("verify").arg(path);
    if json {
        command.args(["--format", "json"]);
    }
    let output = command.output().unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[test]
fn spec_verdicts_and_timelines() {
    for path in charter_files("specs") {
        let (source, outcomes) = run(&path);
        assert_all_expected(&path, &source, &outcomes);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        common::assert_snapshot!(format!("spec_{name}"), cli_verify(&path, false));
    }
}

#[test]
fn spec_json_results() {
    for path in charter_files("specs") {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        common::assert_snapshot!(format!("json_{name}"), cli_verify(&path, true));
    }
}

#[test]
fn semantic_fixtures() {
    insta::glob!("fixtures/verify/*.charter", |path| {
        let (source, outcomes) = run(path);
        assert_all_expected(path, &source, &outcomes);
        let text = std::fs::read_to_string(path).unwrap();
        common::assert_snapshot!(
            "semantic_fixtures",
            format!(
                "{text}\n---- verdicts ----\n{}",
                cli_verify(&relative(path), false)
            )
        );
    });
}

#[test]
fn the_same_spec_gives_the_same_bytes() {
    let path = Path::new("specs/csto-article13.charter");
    let (source, first) = run(path);
    let (_, second) = run(path);
    assert_eq!(rendered(&source, &first), rendered(&source, &second));
    assert_eq!(
        serde_json::to_string(&first).unwrap(),
        serde_json::to_string(&second).unwrap()
    );
}

/// A command run alone gives the result it gives among the spec's others
/// (the SMT-LIB export against the solvers' command lines: `tests/ci.rs`).
#[test]
fn a_command_gives_the_same_result_alone_as_among_the_others() {
    let path = Path::new("specs/csto-article13.charter");
    let (source, all) = run(path);
    let bytes = std::fs::read(path).unwrap();
    let checked = charter::load(&bytes).unwrap().checked.unwrap();
    // In reverse order, so that no command runs after the same ones as in
    // the full run.
    for (command, together) in checked.charter.commands.iter().zip(&all).rev() {
        let alone = verify::verify(&checked.charter, Some(&command.name), &Overrides::default());
        assert_eq!(alone.len(), 1, "{}", command.name);
        assert_eq!(
            report::outcome(&alone[0], &source),
            report::outcome(together, &source),
            "{}",
            command.name
        );
    }
}

fn charter_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_charter"))
}

#[test]
fn charter_test_passes_on_the_specs() {
    let output = charter_bin().args(["test", "specs"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let last = stdout.lines().last().unwrap();
    assert!(last.ends_with("passed, 0 failed"), "{last}");
    assert!(
        stdout.contains("results match"),
        "golden files were not compared:\n{stdout}"
    );
}

#[test]
fn a_missed_expectation_exits_1_and_says_so() {
    let dir = std::env::temp_dir().join("charter-verify-exit");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wrong.charter");
    std::fs::write(
        &file,
        "charter \"wrong\"\nvar x: Bool = false\nevent flip\nclause c on flip: x' = not x\nassert never: always not x\ncheck never depth 3 expect no counterexample\n",
    )
    .unwrap();
    let output = charter_bin().arg("verify").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("NOT as expected"), "{stdout}");
    let output = charter_bin().arg("test").arg(&dir).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 passed, 1 failed"));
}

#[test]
fn an_invalid_spec_or_option_exits_2() {
    let output = charter_bin()
        .args([
            "verify",
            "specs/csto-article13.charter",
            "--scope",
            "Nobody=3",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    coded_option_error(&output);
    let output = charter_bin()
        .args([
            "verify",
            "specs/csto-article13.charter",
            "--property",
            "no_such_thing",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    coded_option_error(&output);
    // `--timeout 0` and `--rlimit 0` are not "no limit" in disguise, and
    // the command line's depth has the spec's cap.
    for (option, value) in [("--timeout", "0"), ("--rlimit", "0"), ("--depth", "100001")] {
        let output = charter_bin()
            .args(["verify", "specs/csto-article13.charter", option, value])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{option} {value}");
    }
    // The spec names eight persons: a scope of five would drop three.
    for command in ["verify", "lint"] {
        let output = charter_bin()
            .args([
                command,
                "specs/csto-article13.charter",
                "--scope",
                "Person=5",
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("names 8 elements"), "{stderr}");
        coded_option_error(&output);
    }
}

/// An option the spec cannot take is a coded diagnostic with help.
fn coded_option_error(output: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("charter::cli::option"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

#[test]
fn verify_json_is_versioned_and_records_each_verdict() {
    let output = charter_bin()
        .args(["verify", "--format", "json", "specs/csto-article13.charter"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["schema"], report::JSON_SCHEMA_VERSION);
    assert_eq!(json["kind"], "verify");
    let outcomes = json["files"][0]["outcomes"].as_array().unwrap();
    assert!(outcomes
        .iter()
        .any(|o| o["verdict"]["verdict"] == "counterexample"));
    assert!(outcomes.iter().any(|o| o["verdict"]["verdict"] == "proved"));
}

/// A deterministic resource limit turns a solver call into an honest
/// unknown, with the solver's reason.
#[test]
fn an_exhausted_resource_limit_is_unknown_with_its_reason() {
    let bytes = std::fs::read("specs/csto-article13.charter").unwrap();
    let charter = charter::load(&bytes).unwrap().checked.unwrap().charter;
    let mut overrides = Overrides::default();
    overrides.limits.rlimit = Some(1);
    let outcomes = verify::verify(&charter, Some("one_chair"), &overrides);
    match &outcomes[0].verdict {
        Verdict::Unknown { reason } => {
            assert!(reason.to_string().contains("gave up"), "{reason}")
        }
        other => panic!("expected unknown, got {other:?}"),
    }
}

/// A verdict that holds only because clauses block an event says so, and
/// its expectation fails unless the spec acknowledges exactly what was
/// found; without an `expect`, it is not a success.
#[test]
fn a_proof_resting_on_a_clash_is_qualified_and_must_be_acknowledged() {
    let spec = |expect: &str| {
        format!(
            "charter \"clash\"\nsort Person\nvar chair: set Person = {{}}\nevent session(host: Person)\nevent decision(named: Person)\n\
             clause chairman \"\" on session(host): chair' = {{host}}\n\
             clause tenure \"\" on any event except session: chair' = chair\n\
             clause decides \"\" on decision(named): chair' = {{named}}\n\
             assert stable: always (exists p: Person. (p in chair) != previously (p in chair)) implies session\n\
             prove stable depth 2{expect}\n"
        )
    };
    let outcome = |expect: &str| {
        let checked = charter::load(spec(expect).as_bytes())
            .unwrap()
            .checked
            .unwrap();
        let mut outcomes = verify::verify(&checked.charter, None, &Overrides::default());
        assert_eq!(outcomes.len(), 1);
        outcomes.remove(0)
    };
    let unacknowledged = outcome(" expect proved");
    assert!(matches!(unacknowledged.verdict, Verdict::Proved { .. }));
    assert!(!unacknowledged.as_expected);
    let rests_on = unacknowledged.rests_on.as_ref().unwrap();
    assert_eq!(rests_on.unacknowledged, ["clash decision"]);
    let clash = &rests_on.blocked[0];
    assert_eq!(clash.kind, charter::lint::Kind::Clash);
    let blamed: Vec<&str> = clash.blamed.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(blamed, ["tenure", "decides"]);
    assert!(clash.witness.as_ref().unwrap().impossible.is_some());
    let source = SourceFile::from_bytes("clash.charter", spec(" expect proved").as_bytes());
    let shown = report::outcome(&unacknowledged, &source);
    assert!(
        shown.contains("— but it may rest on `decision` blocked by a clash")
            && shown.contains("add `allowing clash decision`"),
        "{shown}"
    );
    // Acknowledged by kind and subject, or by kind alone.
    assert!(outcome(" expect proved allowing clash decision").as_expected);
    assert!(outcome(" expect proved allowing clash").as_expected);
    // An acknowledgement of something not found fails: it would hide a
    // change of the rules.
    let stale = outcome(" expect proved allowing clash decision, dead_rule chairman");
    assert!(!stale.as_expected);
    assert_eq!(stale.rests_on.unwrap().stale, ["dead_rule chairman"]);
    // Without `expect`, a proof resting on a clash fails the run (exit 1).
    let dir = tempdir("charter-verify-clash");
    let file = dir.join("clash.charter");
    std::fs::write(&file, spec("")).unwrap();
    let output = charter_bin().arg("verify").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    std::fs::write(&file, spec(" expect proved allowing clash decision")).unwrap();
    let output = charter_bin()
        .args(["verify", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rests_on = &value["files"][0]["outcomes"][0]["rests_on"];
    assert_eq!(rests_on["blocked"][0]["kind"], "clash");
    assert_eq!(rests_on["blocked"][0]["subject"], "decision");
    assert_eq!(rests_on["depth"], 2);
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

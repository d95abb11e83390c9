//! Readings (`readings hosting { literal: …, practice: … }`): a spec is
//! checked once per choice of readings into ordinary `hir`, and every
//! stage after (lowering, both engines, replay, reports) sees one choice.
//! `tests/fixtures/readings/hosting.charter`: a property that holds under
//! the literal reading and fails under practice; a command fixed `under
//! literal`; a rule that exists only under practice.

use std::path::Path;
use std::process::Command;

use charter::check::Checked;
use charter::hir;
use charter::plan::{Engine, Overrides, Plan};
use charter::verify::{Outcome, Verdict};

const HOSTING: &str = "tests/fixtures/readings/hosting.charter";

fn checked(path: &str) -> Checked {
    let bytes = std::fs::read(path).unwrap();
    charter::load(&bytes).unwrap().checked.unwrap()
}

fn outcomes(charter: &hir::Charter, overrides: &Overrides) -> Vec<Outcome> {
    let plans = Plan::all(charter, None, overrides).unwrap();
    charter::verify::run(charter, &plans)
}

fn kinds(outcomes: &[Outcome]) -> Vec<(String, Option<String>)> {
    outcomes
        .iter()
        .map(|o| (o.command.clone(), common_conclusive(&o.verdict)))
        .collect()
}

fn common_conclusive(verdict: &Verdict) -> Option<String> {
    crate::common::conclusive(verdict)
}

#[test]
fn a_spec_is_checked_once_per_reading() {
    let checked = checked(HOSTING);
    let names: Vec<Option<String>> = checked.selections().map(|c| c.reading_label()).collect();
    assert_eq!(
        names,
        [Some("literal".to_string()), Some("practice".to_string())]
    );
    let literal = checked.under(&["literal"]).unwrap();
    let practice = checked.under(&["practice"]).unwrap();
    assert_eq!(literal.reading_choice(), [("hosting", "literal")]);
    assert_eq!(practice.reading_choice(), [("hosting", "practice")]);
    assert!(checked.under(&["practise"]).is_none());
    // Readings never change declarations: the two share states and events
    // (names, parameters); the prohibition `under practice:` exists under
    // practice only, as a guard of its event.
    assert_eq!(literal.states, practice.states);
    let events = |c: &hir::Charter| {
        c.events
            .iter()
            .map(|e| (e.name.clone(), e.params.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(events(literal), events(practice));
    assert_eq!(
        literal.events[0].requires.len() + 1,
        practice.events[0].requires.len()
    );
    // The command fixed `under literal` runs under literal only.
    assert_eq!(literal.commands.len(), 2);
    assert_eq!(practice.commands.len(), 1);
}

#[test]
fn a_spec_without_readings_has_one_choice() {
    let checked = checked("tests/fixtures/report/csto-sets.charter");
    assert_eq!(checked.selections().count(), 1);
    assert!(checked.other_readings.is_empty());
    assert_eq!(checked.charter.reading_label(), None);
    assert!(checked.charter.readings.is_empty());
}

#[test]
fn lowering_under_each_reading_gives_its_own_system() {
    let checked = checked(HOSTING);
    let literal = checked.under(&["literal"]).unwrap();
    let practice = checked.under(&["practice"]).unwrap();
    let system = |c: &hir::Charter| {
        let lowered = charter::lower::lower(c, &c.commands[0]);
        charter::ir::print::system(&lowered.system)
    };
    assert_ne!(system(literal), system(practice));
}

#[test]
fn a_property_holds_under_one_reading_and_fails_under_the_other() {
    let checked = checked(HOSTING);
    let overrides = Overrides::default();
    let literal = outcomes(checked.under(&["literal"]).unwrap(), &overrides);
    let practice = outcomes(checked.under(&["practice"]).unwrap(), &overrides);
    assert!(matches!(literal[0].verdict, Verdict::NoneUpTo { depth: 3 }));
    assert!(matches!(literal[1].verdict, Verdict::Proved { .. }));
    let Verdict::Counterexample { trace, depth: 1 } = &practice[0].verdict else {
        panic!("{:?}", practice[0].verdict);
    };
    // Replayed through `eval` under practice's rules.
    assert!(trace.replayed);
    for outcome in literal.iter().chain(&practice) {
        assert!(
            outcome.as_expected,
            "{}: {:?}",
            outcome.command, outcome.verdict
        );
    }
    assert_eq!(literal[0].reading[0].reading, "literal");
    assert_eq!(practice[0].reading[0].reading, "practice");
    assert_eq!(practice[0].reading[0].group, "hosting");
    // Each expectation is the one given for its reading.
    assert_eq!(
        literal[0].expect,
        Some(charter::hir::Expectation::NoCounterexample)
    );
    assert_eq!(
        practice[0].expect,
        Some(charter::hir::Expectation::Counterexample)
    );
}

#[test]
fn the_explicit_engine_agrees_under_each_reading() {
    let checked = checked(HOSTING);
    let smt = Overrides {
        skip_blocking_check: true,
        ..Overrides::default()
    };
    let explicit = Overrides {
        engine: Engine::Explicit {
            max_states: 100_000,
        },
        ..smt.clone()
    };
    for charter in checked.selections() {
        let by_smt = outcomes(charter, &smt);
        let by_explicit = outcomes(charter, &explicit);
        // The explicit engine proves nothing; it agrees on what it finds.
        for (s, e) in by_smt.iter().zip(&by_explicit) {
            match (&s.verdict, &e.verdict) {
                (
                    Verdict::Counterexample { depth: a, .. },
                    Verdict::Counterexample { depth: b, .. },
                ) => {
                    assert_eq!(a, b)
                }
                (Verdict::Counterexample { .. }, other)
                | (other, Verdict::Counterexample { .. }) => {
                    panic!(
                        "{:?}: {} disagree: {other:?}",
                        charter.reading_label(),
                        s.command
                    )
                }
                _ => {}
            }
        }
        assert_eq!(kinds(&by_smt).len(), kinds(&by_explicit).len());
    }
}

#[test]
fn fmt_keeps_readings() {
    let text = std::fs::read_to_string(HOSTING).unwrap();
    let formatted = charter::fmt::format(&text).unwrap();
    assert_eq!(charter::fmt::format(&formatted).unwrap(), formatted);
    let messy = "charter \"m\"\nenum S { A, B }\nreadings h \"phrase\" {\n      one: \"first\",\n  two: \"second\" }\nvar x: S = A\nevent e(s: S)\nclause c \"text\"\n      on e(s): x' = reading h {\n   one: s,\n            two: A }\n    under two:   always x' = A\nassert a \"x\": always x = A\ncheck a   under one\n  expect one: counterexample   expect two: proved\n";
    let once = charter::fmt::format(messy).unwrap();
    assert_eq!(charter::fmt::format(&once).unwrap(), once);
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().concat();
    assert_eq!(words(&once), words(messy));
    assert!(once.contains("\n  under two: always x' = A\n"), "{once}");
    let ast = |s: &str| {
        let dump = charter::ast::print::dump(&charter::syntax::parse(s).unwrap());
        dump.lines()
            .map(|line| line.split("  @").next().unwrap_or(line).to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ast(&once), ast(messy));
}

#[test]
fn verify_names_the_reading_of_each_verdict() {
    let out = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["verify", HOSTING])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("check chair_hosted \"the Chairman is the head of the state that hosted the last session\" under literal (depth 3)"), "{text}");
    assert!(
        text.contains("under practice (depth 3)\n  counterexample in 1 step"),
        "{text}"
    );
    let json = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["verify", "--format", "json", HOSTING])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let readings: Vec<&str> = json["files"][0]["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["reading"][0]["reading"].as_str().unwrap())
        .collect();
    assert_eq!(readings, ["literal", "literal", "practice"]);
}

#[test]
fn charter_test_reads_a_golden_with_readings() {
    let out = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["test", "tests/fixtures/readings"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(Path::new("tests/fixtures/readings/hosting.charter.golden").exists());
    assert!(
        stdout.contains("check chair_hosted under practice"),
        "{stdout}"
    );
}

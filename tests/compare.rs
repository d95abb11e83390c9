//! `compare literal practice: chair` and `diverge literal practice`: two
//! readings side by side on the product engine, every history replayed by
//! `eval` under each reading, the explicit engine (breadth first over
//! pairs of states) agreeing on the answer and on the shortest depth.

use charter::check::Checked;
use charter::compare;
use charter::eval::Model;
use charter::explore::product::{paired, Paired, Question};
use charter::hir::{self, ComparisonKind};
use charter::plan::{Overrides, Plan};
use charter::verify::{Outcome, OutcomeKind, Verdict};

const HOSTING: &str = "tests/fixtures/readings/hosting.charter";
const COMMANDS: &str = "
compare literal practice: chair expect witness
compare literal practice: next_host expect proved
diverge literal practice expect witness
";

fn load(source: &str) -> Checked {
    charter::load(source.as_bytes()).unwrap().checked.unwrap()
}

/// The hosting fixture with the comparisons appended.
fn hosting() -> Checked {
    load(&(std::fs::read_to_string(HOSTING).unwrap() + COMMANDS))
}

fn run(checked: &Checked) -> Vec<Outcome> {
    compare::run(checked, &Overrides::default()).unwrap()
}

#[test]
fn literal_and_practice_disagree_on_the_chair_after_one_session() {
    let outcomes = run(&hosting());
    let outcome = &outcomes[0];
    assert_eq!(outcome.kind, OutcomeKind::Compare);
    let Verdict::Witness { depth, trace } = &outcome.verdict else {
        panic!("{:?}", outcome.verdict);
    };
    // The shortest: one session.
    assert_eq!(*depth, 1);
    assert!(trace.replayed);
    let comparison = outcome.comparison.as_ref().unwrap();
    assert_eq!(comparison.readings, ["literal", "practice"]);
    let histories = comparison.histories.as_ref().unwrap();
    // The same events with the same arguments, each replayed under its reading.
    assert!(histories[0].replayed && histories[1].replayed);
    assert_eq!(histories[0].steps[0].args, histories[1].steps[0].args);
    // The point of disagreement: chair after step 1, each value made by
    // the clause `chairman` (the host under literal, the next under practice).
    let [difference] = comparison.differences.as_slice() else {
        panic!("{:?}", comparison.differences);
    };
    assert_eq!(difference.location, "chair");
    assert_ne!(difference.values[0], difference.values[1]);
    assert_eq!(difference.set_at, [Some(1), Some(1)]);
    for side in 0..2 {
        assert_eq!(difference.made_by[side][0].clause, "chairman");
    }
    let args = &histories[0].steps[0].args;
    assert_eq!(difference.values[0], args[0].value.to_string());
    assert_eq!(difference.values[1], args[1].value.to_string());
    assert!(outcome.as_expected && outcome.succeeded());
    // The timeline marks the step where they part.
    let shown = charter::report::outcome(outcome, &source_file());
    assert!(shown.contains("step 1: session("), "{shown}");
    assert!(shown.contains("◀ the readings part here"), "{shown}");
    assert!(shown.contains("by chairman"), "{shown}");
}

fn source_file() -> charter::report::SourceFile {
    charter::report::SourceFile::from_bytes("hosting.charter", b"")
}

#[test]
fn the_readings_provably_agree_on_the_next_host() {
    let outcomes = run(&hosting());
    let outcome = &outcomes[1];
    assert!(
        matches!(outcome.verdict, Verdict::Proved { .. }),
        "{:?}",
        outcome.verdict
    );
    let proof = outcome.comparison.as_ref().unwrap().proof.as_ref().unwrap();
    assert!(proof.contains("k-induction on the product"), "{proof}");
    assert!(outcome.as_expected);
}

#[test]
fn diverge_finds_the_session_practice_forbids() {
    let outcomes = run(&hosting());
    let outcome = &outcomes[2];
    assert_eq!(outcome.kind, OutcomeKind::Diverge);
    let Verdict::Witness { depth: 1, .. } = &outcome.verdict else {
        panic!("{:?}", outcome.verdict);
    };
    let comparison = outcome.comparison.as_ref().unwrap();
    let refused = comparison.refused.as_ref().unwrap();
    assert_eq!(refused.allowed_by, "literal");
    assert_eq!(refused.forbidden_by, "practice");
    // `eval` names the clause whose prohibition refuses the step (it said
    // "guard 1 (`requires`)" of an event that has no `requires`).
    assert!(
        refused
            .rejection
            .ends_with("clause `rotation` does not allow `session` here"),
        "{}",
        refused.rejection
    );
    // Under practice a session never names itself as the next host.
    let histories = comparison.histories.as_ref().unwrap();
    let args = &histories[0].steps[0].args;
    assert_eq!(args[0].value, args[1].value);
    assert!(histories[0].replayed, "the lawful side is replayed");
    assert_eq!(
        refused
            .blamed
            .iter()
            .map(|b| b.name.as_str())
            .collect::<Vec<_>>(),
        ["rotation"]
    );
}

#[test]
fn other_groups_are_read_alike_on_both_sides_each_way_in_turn() {
    let checked =
        load(&std::fs::read_to_string("tests/fixtures/compare/two_groups.charter").unwrap());
    let outcomes = run(&checked);
    let under: Vec<(String, String)> = outcomes
        .iter()
        .map(|o| (o.command.clone(), o.reading[0].reading.clone()))
        .collect();
    assert_eq!(outcomes.len(), 6, "{under:?}");
    assert_eq!(under[0].1, "short");
    assert_eq!(under[1].1, "long");
    assert_eq!(under[4], ("short long".to_string(), "literal".to_string()));
    for outcome in &outcomes {
        assert!(
            outcome.as_expected,
            "{}: {:?}",
            outcome.command, outcome.verdict
        );
        assert_eq!(outcome.reading.len(), 1);
    }
}

/// The explicit engine over pairs of states: the same answer and the same
/// shortest depth as the product engine, on every comparison.
#[test]
fn the_explicit_engine_agrees_on_pairs_of_states() {
    for (source, what) in [
        (
            std::fs::read_to_string(HOSTING).unwrap() + COMMANDS,
            "hosting",
        ),
        (
            std::fs::read_to_string("tests/fixtures/compare/two_groups.charter").unwrap(),
            "two groups",
        ),
    ] {
        let checked = load(&source);
        cross_checked(&checked, &run(&checked), what);
    }
}

/// Asks every comparison of `checked` of the explicit engine (breadth
/// first over pairs of states) and asserts it gives each of `outcomes`
/// (the product engine's, in order) the same answer at the same shortest
/// depth; `what` names the spec in failures.
pub(crate) fn cross_checked(checked: &Checked, outcomes: &[Outcome], what: &str) {
    let mut index = 0;
    for comparison in &checked.comparisons {
        for [a, b] in comparison.pairs(&checked.charter.readings) {
            let find =
                |s: &hir::Selection| checked.selections().find(|c| &c.selection == s).unwrap();
            let charters = [find(&a), find(&b)];
            let outcome = &outcomes[index];
            index += 1;
            let plan = Plan::for_lint(charters[0], &Overrides::default()).unwrap();
            let models = charters.map(|c| Model::new(c, &plan.scopes));
            let tied = compare::tied_states(charters[0], charters[1]);
            let question = match &comparison.kind {
                ComparisonKind::Compare { locations } => Question::Differ(locations),
                ComparisonKind::Diverge => Question::Refused,
            };
            let limits = charter::explore::Limits::new(100_000, &Default::default());
            let explicit = paired(
                [&models[0], &models[1]],
                &tied,
                question,
                outcome.depth,
                &limits,
            );
            match (&outcome.verdict, explicit) {
                (Verdict::Witness { depth, .. }, Paired::At { depth: d }) => {
                    assert_eq!(*depth, d, "{what}: {}", outcome.command)
                }
                (Verdict::Proved { .. }, Paired::None { exhausted, .. }) => {
                    assert!(exhausted, "{what}: {}", outcome.command)
                }
                (Verdict::NoneUpTo { .. }, Paired::None { .. }) => {}
                (verdict, explicit) => {
                    panic!("{what}: {}: {verdict:?} but {explicit:?}", outcome.command)
                }
            }
        }
    }
    assert_eq!(index, outcomes.len());
}

#[test]
fn each_misuse_is_a_coded_error() {
    let codes = |path: &str| -> Vec<String> {
        let bytes = std::fs::read(path).unwrap();
        let errors = charter::load(&bytes).unwrap().checked.err().unwrap();
        errors
            .iter()
            .map(|e| miette::Diagnostic::code(e).unwrap().to_string())
            .collect()
    };
    assert_eq!(
        codes("tests/fixtures/compare/no_readings.charter"),
        ["charter::check::compare_without_readings"]
    );
    assert_eq!(
        codes("tests/fixtures/compare/errors.charter"),
        [
            "charter::check::compare_across_groups",
            "charter::check::compare_same_reading",
            "charter::check::unknown_reading",
            "charter::check::unknown_compare_location",
            "charter::check::compare_option",
            "charter::check::impossible_expectation",
        ]
    );
}

#[test]
fn verify_runs_comparisons_with_the_other_commands() {
    let dir = std::env::temp_dir().join(format!("charter-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hosting.charter");
    std::fs::write(&path, std::fs::read_to_string(HOSTING).unwrap() + COMMANDS).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["verify", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let outcomes = json["files"][0]["outcomes"].as_array().unwrap();
    let kinds: Vec<&str> = outcomes
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["check", "prove", "check", "compare", "compare", "diverge"]
    );
    let compare = &outcomes[3]["comparison"];
    assert_eq!(compare["differences"][0]["location"], "chair");
    assert_eq!(compare["histories"].as_array().unwrap().len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

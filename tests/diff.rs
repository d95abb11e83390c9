//! `charter diff`: a file against itself, a pure renaming, the amendment
//! example of `specs/amendments/` (changed verdicts, a history lawful under
//! one version only, replayed on both), its human and JSON output as
//! snapshots, `PATH@REV` and the exit codes through the binary.

use std::process::Command;

use charter::diff::{self, Agreement, Category, Diff, OneSided, Options};

use crate::common;

const ORIGINAL: &str = "specs/entry-into-force.charter";
const AMENDED: &str = "specs/amendments/entry-into-force-amended.charter";

fn compared(old: &str, new: &str) -> Diff {
    let (old, new) = (common::checked(old), common::checked(new));
    diff::diff(&old, &new, &Options::default()).unwrap()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// `text` with every whole-word `old` replaced by `new`.
fn rename_word(text: &str, old: &str, new: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(if word == old { new } else { word });
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[test]
fn a_file_against_itself_has_no_difference() {
    for spec in [ORIGINAL, "specs/roberts-rules-quorum.charter"] {
        let text = read(spec);
        let found = compared(&text, &text);
        assert!(!found.differs(), "{spec}: {found:#?}");
        assert!(found.renamed.is_empty() && found.verdicts.is_empty());
        assert!(matches!(found.old_only, OneSided::NoneUpTo { .. }));
        assert!(matches!(found.new_only, OneSided::NoneUpTo { .. }));
        assert!(
            matches!(found.agreement, Agreement::Proved { .. }),
            "{spec}: {:?}",
            found.agreement
        );
    }
}

#[test]
fn a_pure_renaming_reports_only_the_renaming() {
    let text = read(ORIGINAL);
    let mut renamed = rename_word(&text, "in_force", "effective");
    renamed = rename_word(&renamed, "ratify", "deposit_instrument");
    // The clause's name only (the word is in quoted texts too).
    renamed = renamed.replace("clause entry \"", "clause entry_clause \"");
    assert_ne!(renamed, text);
    let found = compared(&text, &renamed);
    let names: Vec<(Category, &str, &str)> = found
        .renamed
        .iter()
        .map(|r| (r.category, r.old.as_str(), r.new.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (Category::Variable, "in_force", "effective"),
            (Category::Event, "ratify", "deposit_instrument"),
            (Category::Clause, "entry", "entry_clause"),
        ]
    );
    assert!(found.changed.is_empty() && found.removed.is_empty() && found.added.is_empty());
    assert!(found.verdicts.is_empty(), "{:?}", found.verdicts);
    assert!(!found.differs(), "{found:#?}");
    assert!(matches!(found.agreement, Agreement::Proved { .. }));
    assert!(found
        .locations
        .contains(&"in_force → effective".to_string()));
}

#[test]
fn an_amendment_changes_verdicts_and_lawful_histories() {
    let found = compared(&read(ORIGINAL), &read(AMENDED));
    assert!(found.differs());
    assert!(found.renamed.is_empty());
    assert_eq!(found.changed.len(), 1);
    assert_eq!(found.changed[0].name, "deposit");
    let changed: Vec<&str> = found
        .verdicts
        .iter()
        .filter_map(|v| v.old_command.as_deref())
        .collect();
    assert_eq!(changed, ["first_of_month", "after_deposit"]);
    // Lawful under the amendment only: entering into force on the day
    // after the deposit, which the original's guard refuses.
    let OneSided::Found {
        depth,
        event,
        lawful,
        refused,
        blamed,
        absent_event,
        ..
    } = &found.new_only
    else {
        panic!("{:?}", found.new_only)
    };
    assert_eq!(
        (*depth, event.as_str(), *absent_event),
        (2, "enter_into_force", false)
    );
    assert!(lawful.replayed && refused.replayed);
    assert_eq!(lawful.steps.len(), 2);
    assert_eq!(refused.steps.len(), 2);
    assert!(
        blamed.iter().any(|b| b.name == "enter_into_force"),
        "{blamed:?}"
    );
    // The other way round, nothing the original allows (within the
    // depth) is refused by the amendment.
    assert!(matches!(found.old_only, OneSided::NoneUpTo { .. }));
    let Agreement::Disagree {
        depth, differences, ..
    } = &found.agreement
    else {
        panic!("{:?}", found.agreement)
    };
    assert_eq!(*depth, 1);
    assert!(
        differences[0].starts_with("in_force_from:"),
        "{differences:?}"
    );
}

#[test]
fn the_amendment_as_text_and_json() {
    let found = compared(&read(ORIGINAL), &read(AMENDED));
    common::assert_snapshot!(
        "amendment_human",
        charter::report::diff(&found, ORIGINAL, AMENDED)
    );
    let entry = charter::report::JsonDiff {
        old: ORIGINAL.into(),
        new: AMENDED.into(),
        old_reading: Vec::new(),
        new_reading: Vec::new(),
        differs: found.differs(),
        diff: &found,
    };
    let document = charter::report::Json::new(charter::report::JsonKind::Diff, vec![entry]);
    common::assert_snapshot!(
        "amendment_json",
        serde_json::to_string_pretty(&document).unwrap()
    );
}

fn charter_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_charter"))
}

#[test]
fn exit_codes_and_revisions() {
    let run = |old: &str, new: &str| {
        let output = charter_bin().args(["diff", old, new]).output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stdout, _) = run(ORIGINAL, ORIGINAL);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.ends_with("result: no difference beyond names\n"));
    let (code, _, _) = run(ORIGINAL, AMENDED);
    assert_eq!(code, Some(1));
    // A committed revision of the file (the spec has not changed since
    // the first commit that has it, so it agrees with itself).
    let at_head = format!("{ORIGINAL}@HEAD");
    let (code, stdout, stderr) = run(&at_head, ORIGINAL);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    for bad in [
        format!("{ORIGINAL}@no-such-revision"),
        "specs/no-such-file.charter@HEAD".to_string(),
        // A folder at a revision is no spec (it was read as one: a parse
        // error on git's listing of the folder).
        "specs@HEAD".to_string(),
        "specs/amendments@HEAD".to_string(),
        "specs/no-such-file.charter".to_string(),
    ] {
        let (code, _, stderr) = run(&bad, ORIGINAL);
        assert_eq!(code, Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("charter::"), "{bad}: {stderr}");
        assert!(!stderr.contains("charter::syntax"), "{bad}: {stderr}");
    }
    let (_, _, stderr) = run("specs@HEAD", ORIGINAL);
    assert!(stderr.contains("charter::diff::revision"), "{stderr}");
    assert!(stderr.contains("a folder at that revision"), "{stderr}");
}

/// An assertion whose formula changes while its quoted text stays the
/// same, and that no command checks, is reported as changed (found in
/// review: nothing else sees it, and the versions were said to agree).
#[test]
fn a_changed_formula_under_the_same_text_is_reported() {
    let old = read("specs/roberts-rules-quorum.charter");
    let command = "check quorum_at_least_one depth 4 expect counterexample\n";
    assert!(old.contains(command));
    let old = old.replace(command, "");
    let formula = "implies value(quorum_rule) >= 1";
    assert_eq!(old.matches(formula).count(), 1);
    let new = old.replace(formula, "implies value(quorum_rule) >= 0");
    let found = compared(&old, &new);
    assert!(found.differs(), "{found:#?}");
    let [changed] = found.changed.as_slice() else {
        panic!("{:#?}", found.changed);
    };
    assert_eq!(changed.category, Category::Formula);
    assert_eq!(changed.name, "quorum_at_least_one");
    assert!(changed.new.contains("no command checks it"), "{changed:?}");
    // With its command, the report names the command.
    let with = |text: &str| format!("{text}{command}");
    let found = compared(&with(&old), &with(&new));
    assert!(
        found
            .changed
            .iter()
            .any(|c| c.new.contains("checked by quorum_at_least_one")),
        "{:#?}",
        found.changed
    );
    // The same formula is no change.
    assert!(!compared(&old, &old).differs());
}

/// A function parameter whose domain changes (same range, same arity) is
/// a changed event, its shape naming the domain (found in review: the
/// domain was ignored and the two versions said to agree).
#[test]
fn a_function_parameter_s_domain_is_part_of_its_event() {
    let spec = |domain: &str| {
        format!(
            r#"charter "D"

enum Member {{ alice, bob }}
enum Candidate {{ x, y }}
var cur: Candidate? = none
event ballot(votes: {domain} -> Candidate?)
clause c "c"
  on ballot(votes): cur' = votes({point})
assert a: always cur is none
check a depth 2
"#,
            point = if domain == "Member" { "alice" } else { "x" }
        )
    };
    let found = compared(&spec("Member"), &spec("Candidate"));
    assert!(found.differs(), "{found:#?}");
    let ballot = found
        .changed
        .iter()
        .find(|c| c.name == "ballot")
        .unwrap_or_else(|| panic!("ballot not changed: {found:#?}"));
    assert_eq!(ballot.old, "(Member -> Candidate?)");
    assert_eq!(ballot.new, "(Candidate -> Candidate?)");
}

/// An amendment of a variable's initial value: the product tied every
/// matched variable at the start, so the two versions had no common start
/// and both directions said "no such history" (a false none). Now a state
/// whose declared value changed starts from each version's own: `go`,
/// lawful under the old start, is refused under the new.
#[test]
fn an_amended_initial_value_starts_each_version_from_its_own() {
    const OLD: &str = r#"charter "Start"

sort S names A, B
var x: S = A
event go
  requires x = A

clause going "Going keeps x."
  on go: x' = x
"#;
    let new = OLD.replace("var x: S = A", "var x: S = B");
    let found = compared(OLD, &new);
    let OneSided::Found { depth, event, .. } = &found.old_only else {
        panic!("{:?}", found.old_only)
    };
    assert_eq!((*depth, event.as_str()), (1, "go"));
    assert!(
        matches!(found.new_only, OneSided::NoneUpTo { .. }),
        "{:?}",
        found.new_only
    );
    let Agreement::Disagree { depth, .. } = &found.agreement else {
        panic!("{:?}", found.agreement)
    };
    assert_eq!(*depth, 0);
}

/// Two versions whose `init` blocks leave no start in common on the tied
/// locations: the one-sided question cannot be asked, and says so (it
/// said "no such history", a none about nothing).
#[test]
fn no_common_start_is_not_a_none() {
    const OLD: &str = r#"charter "Start"

sort S names A, B
var x: S
init start: x = A
event go
  requires x = A

clause going "Going keeps x."
  on go: x' = x
"#;
    let new = OLD.replace("init start: x = A", "init start: x = B");
    let found = compared(OLD, &new);
    for answer in [&found.old_only, &found.new_only] {
        assert!(matches!(answer, OneSided::NoCommonStart), "{answer:?}");
    }
    assert!(matches!(found.agreement, Agreement::NoCommonStart));
}

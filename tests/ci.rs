//! charter in CI and on a user's machine: `charter test` gives the same
//! results however the folder is named (`./specs`, an absolute path, `.`),
//! shows a unified diff of a golden file that differs, says which files
//! `--update` wrote, lists expected lint findings one line each and writes
//! a JUnit XML report; `charter completions` and `charter man` cover every
//! command; the SMT-LIB export is read by Z3 and cvc5 alike, and both
//! agree with charter's verdicts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use charter::plan::{Overrides, Plan};
use charter::verify::Verdict;

use crate::common;

use common::{assert_no_temporary_file, charter_files, load_charter};

fn charter_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_charter"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh, empty folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies specs (with their golden and `.lint` files) from `specs/`.
fn copy_specs(names: &[&str], to: &Path) {
    for name in names {
        for suffix in ["", ".golden", ".lint"] {
            let from = Path::new("specs").join(format!("{name}{suffix}"));
            if from.exists() {
                std::fs::copy(&from, to.join(format!("{name}{suffix}"))).unwrap();
            }
        }
    }
}

const SPEC: &str = "charter \"ci\"\nvar x: Bool = false\nevent flip\nclause c \"\" on flip: x' = not x\nassert never: always not x\ncheck never depth 2 expect counterexample\n";

/// No golden or `.lint` file names the folder it sits in: what they hold
/// names a spec by its path relative to its own folder.
#[test]
fn goldens_do_not_name_their_folder() {
    for entry in std::fs::read_dir("specs").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".golden") || name.ends_with(".lint") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(!text.contains("specs/"), "{name} names its folder");
        }
    }
}

/// `charter test ./DIR`, `charter test "$PWD/DIR"` and `cd DIR && charter
/// test .` give the same results and pass, in a folder whose name is not
/// the one the goldens were written in.
#[test]
fn any_name_of_the_folder_gives_the_same_results() {
    let dir = folder("names");
    let specs = dir.join("elsewhere");
    std::fs::create_dir_all(&specs).unwrap();
    copy_specs(
        &["cis-charter-art9.charter", "un-charter-art27.charter"],
        &specs,
    );
    let runs: Vec<(String, Output)> = vec![
        (
            "./elsewhere/".into(),
            charter_bin()
                .args(["test", "./elsewhere"])
                .current_dir(&dir)
                .output()
                .unwrap(),
        ),
        (
            format!("{}/", specs.display()),
            charter_bin()
                .arg("test")
                .arg(&specs)
                .current_dir(&dir)
                .output()
                .unwrap(),
        ),
        (
            "./".into(),
            charter_bin()
                .args(["test", "."])
                .current_dir(&specs)
                .output()
                .unwrap(),
        ),
    ];
    let mut shown = Vec::new();
    for (prefix, output) in &runs {
        let stdout = text(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{prefix}: {stdout}");
        assert!(stdout.contains("results match"), "{stdout}");
        assert!(stdout.ends_with("passed, 0 failed\n"), "{stdout}");
        // The lines name the spec as given; past that they are the same.
        shown.push(stdout.replace(prefix.as_str(), ""));
    }
    assert_eq!(shown[0], shown[1]);
    assert_eq!(shown[0], shown[2]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A golden file that differs is shown as a unified diff, in the output
/// and in the JUnit report, whose texts are escaped.
#[test]
fn a_differing_golden_is_a_unified_diff_in_the_output_and_the_junit_report() {
    let dir = folder("diff");
    std::fs::write(dir.join("spec.charter"), SPEC).unwrap();
    let run = |args: &[&str]| {
        charter_bin()
            .args(args)
            .arg(&dir)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    assert_eq!(run(&["test", "--update"]).status.code(), Some(0));
    let golden = dir.join("spec.charter.golden");
    let written = std::fs::read_to_string(&golden).unwrap();
    let line = written.lines().nth(1).unwrap().to_string();
    std::fs::write(&golden, written.replacen(&line, "  old & <line>", 1)).unwrap();
    let report = dir.join("report.xml");
    let output = run(&["test", "--junit", report.to_str().unwrap()]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let golden_name = golden.display().to_string();
    assert!(stdout.contains(&format!("--- {golden_name}\n")), "{stdout}");
    assert!(stdout.contains("+++ "), "{stdout}");
    assert!(stdout.contains("@@ -1,"), "{stdout}");
    assert!(stdout.contains("\n-  old & <line>\n"), "{stdout}");
    assert!(stdout.contains(&format!("\n+{line}\n")), "{stdout}");

    let xml = std::fs::read_to_string(&report).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    assert!(
        xml.contains("<testsuites name=\"charter test\" tests=\"2\" failures=\"1\" errors=\"0\">"),
        "{xml}"
    );
    assert!(
        xml.contains("name=\"check never\"/>"),
        "one passing case per command: {xml}"
    );
    assert!(
        xml.contains("name=\"golden spec.charter.golden\">"),
        "{xml}"
    );
    assert!(
        xml.contains("<failure message=\"results differ from "),
        "{xml}"
    );
    assert!(xml.contains("-  old &amp; &lt;line&gt;\n"), "{xml}");
    assert!(!xml.contains("old & <line>"), "unescaped: {xml}");
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    // Written whole: no temporary file is left beside it.
    assert_no_temporary_file(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A command that fails and a spec that does not check are a failure and
/// an error in the JUnit report.
#[test]
fn junit_reports_a_failed_command_and_an_invalid_spec() {
    let dir = folder("junit");
    std::fs::write(
        dir.join("wrong.charter"),
        SPEC.replace("expect counterexample", "expect no counterexample"),
    )
    .unwrap();
    std::fs::write(
        dir.join("broken.charter"),
        "charter \"broken\"\nvar x: Nope\n",
    )
    .unwrap();
    let report = dir.join("report.xml");
    let output = charter_bin()
        .arg("test")
        .arg("--junit")
        .arg(&report)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stdout));
    let xml = std::fs::read_to_string(&report).unwrap();
    assert!(
        xml.contains("tests=\"2\" failures=\"1\" errors=\"1\""),
        "{xml}"
    );
    assert!(
        xml.contains("<error message=\"the spec is invalid\"/>"),
        "{xml}"
    );
    assert!(
        xml.contains("name=\"check never\">\n      <failure message=\"counterexample in 1 step"),
        "{xml}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--update` says which golden files it wrote, and whether each is new or
/// changed; an unchanged one is kept as it is, not rewritten.
#[test]
fn update_says_which_files_it_wrote() {
    let dir = folder("update");
    std::fs::write(dir.join("spec.charter"), SPEC).unwrap();
    let golden = dir.join("spec.charter.golden").display().to_string();
    let update = || {
        let output = charter_bin()
            .args(["test", "--update"])
            .arg(&dir)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        text(&output.stdout)
    };
    assert!(update().contains(&format!("wrote {golden} (new)\n")));
    let written = std::fs::metadata(&golden).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(update().contains(&format!("kept {golden} (unchanged, not rewritten)\n")));
    let kept = std::fs::metadata(&golden).unwrap().modified().unwrap();
    assert_eq!(written, kept, "an unchanged golden file was rewritten");
    std::fs::write(&golden, "old\n").unwrap();
    assert!(update().contains(&format!("wrote {golden} (changed)\n")));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Each expected lint finding is one line under the lint's summary.
#[test]
fn expected_lint_findings_are_one_line_each() {
    let dir = folder("lint");
    copy_specs(&["cis-charter-art9.charter"], &dir);
    let output = charter_bin().arg("test").arg(&dir).output().unwrap();
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let summary = lines
        .iter()
        .position(|l| l.contains(": lint — 1 finding"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        lines[summary + 1].starts_with("  expected impossible_obligation binding: "),
        "{stdout}"
    );
    assert!(lines[summary + 2].ends_with("passed, 0 failed"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The subcommands `charter --help` lists.
fn subcommands() -> Vec<String> {
    let help = text(&charter_bin().arg("--help").output().unwrap().stdout);
    let commands: Vec<String> = help
        .split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect();
    assert!(commands.len() >= 9, "{commands:?}");
    commands
}

#[test]
fn completions_for_every_shell_name_every_subcommand() {
    let commands = subcommands();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = charter_bin().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = text(&output.stdout);
        for command in &commands {
            assert!(script.contains(command.as_str()), "{shell}: {command}");
        }
    }
    let unknown = charter_bin()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn the_man_page_names_every_subcommand() {
    let commands = subcommands();
    let output = charter_bin().arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = text(&output.stdout);
    assert!(page.contains(".TH charter 1"), "{page}");
    for command in &commands {
        assert!(
            page.contains(&format!("charter\\-{command}(1)")),
            "{command}"
        );
    }
    let dir = folder("man");
    let output = charter_bin()
        .arg("man")
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(dir.join("charter.1").exists());
    for command in &commands {
        let page = std::fs::read_to_string(dir.join(format!("charter-{command}.1"))).unwrap();
        assert!(page.contains(".TH charter-"), "{command}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The changelog's latest release is the crate's version, which
/// `charter --version` prints.
#[test]
fn the_changelog_names_the_crate_version() {
    let changelog = std::fs::read_to_string("CHANGELOG.md").unwrap();
    let latest = changelog
        .lines()
        .find_map(|l| l.strip_prefix("## "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap();
    assert_eq!(latest, env!("CARGO_PKG_VERSION"));
    let version = text(&charter_bin().arg("--version").output().unwrap().stdout);
    assert_eq!(version, format!("charter {latest}\n"));
}

/// A solver's first line of output on a script, under a time limit.
fn solve(solver: &str, args: &[&str], script: &Path) -> String {
    let output = Command::new("timeout")
        .arg("300")
        .arg(solver)
        .args(args)
        .arg(script)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {solver}: {e}"));
    let stdout = text(&output.stdout);
    let first = stdout.lines().next().unwrap_or("").to_string();
    if first != "sat" && first != "unsat" {
        panic!(
            "{solver} on {}: {stdout}{}",
            script.display(),
            text(&output.stderr)
        );
    }
    first
}

/// Every command of every spec, exported as SMT-LIB at the depths that
/// decide its verdict (a counterexample or witness at depth d: sat at d,
/// unsat at d - 1; proved or none up to d: unsat at d), is answered alike
/// by Z3 and cvc5, as charter answered it, up to `MAX_EXPORT` bytes a
/// script (the EU presidency's 4 MB scripts, its 28-state order tables at
/// every step, take cvc5 minutes each: measured 2-3 min, so they are
/// left out and counted). The solvers are required (`.ci/run` installs
/// both): a missing one fails the test.
#[test]
fn smt2_export_is_read_by_z3_and_cvc5_and_both_agree_with_charter() {
    const MAX_EXPORT: usize = 1 << 20;
    for (solver, flag) in [("z3", "--version"), ("cvc5", "--version")] {
        let found = Command::new(solver).arg(flag).output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "the `{solver}` command-line solver is needed (Debian: apt-get install {solver}; .ci/run installs it)"
        );
    }
    let dir = folder("smt2");
    let overrides = Overrides {
        skip_blocking_check: true,
        ..Overrides::default()
    };
    let mut compared = 0;
    let mut too_large = 0;
    let mut specs = 0;
    for path in charter_files("specs") {
        let charter = load_charter(&path);
        let plans = Plan::all(&charter, None, &overrides).unwrap();
        let outcomes = charter::verify::run(&charter, &plans);
        let mut exported = 0;
        let mut skipped = 0;
        for (index, (plan, outcome)) in plans.iter().zip(&outcomes).enumerate() {
            let cases: Vec<(usize, &str)> = match &outcome.verdict {
                Verdict::Counterexample { depth, .. } | Verdict::Witness { depth, .. } => {
                    let mut cases = vec![(*depth, "sat")];
                    if *depth > 0 {
                        cases.push((*depth - 1, "unsat"));
                    }
                    cases
                }
                Verdict::Proved { .. } => vec![(plan.depth, "unsat")],
                Verdict::NoneUpTo { depth } => vec![(*depth, "unsat")],
                _ => continue,
            };
            for (depth, expected) in cases {
                let mut at_depth = plan.clone();
                at_depth.depth = depth;
                let script = charter::verify::smt2(&charter, &at_depth).unwrap();
                assert!(script.contains("(set-logic QF_LIA)"));
                if script.len() > MAX_EXPORT {
                    skipped += 1;
                    continue;
                }
                let stem = path.file_stem().unwrap().to_string_lossy();
                let file = dir.join(format!("{stem}-{index}-{depth}.smt2"));
                std::fs::write(&file, script).unwrap();
                for (solver, args) in [("z3", &[][..]), ("cvc5", &["--lang=smt2"][..])] {
                    assert_eq!(
                        solve(solver, args, &file),
                        expected,
                        "{solver}: {} {} at depth {depth}",
                        path.display(),
                        outcome.command
                    );
                }
                exported += 1;
            }
        }
        assert!(
            exported > 0 || skipped > 0,
            "{}: nothing exported",
            path.display()
        );
        compared += exported;
        too_large += skipped;
        specs += 1;
    }
    assert!(
        specs >= 8 && compared >= 40 && too_large <= compared / 4,
        "{specs} specs, {compared} exports, {too_large} too large to compare"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

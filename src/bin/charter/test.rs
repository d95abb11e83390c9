//! `charter test`: every spec under the paths, its verdicts against its
//! `expect`s, its rendered results against its golden file, its lint
//! against its `.lint` file.

use std::io::Write;

use charter::lint::expected;
use charter::plan::{Overrides, Plan};
use charter::report::{self, Color, Golden, JsonKind, JsonLintStatus, JsonVerifyFile};
use charter::verify::Outcome;

use crate::args::{Format, TestArgs};
use crate::lint::expected_findings;
use crate::output::{
    golden_path, lint_path, load_spec, lock_folders, print_json, spec_files, to_stderr,
    write_atomically, Output, Spec,
};
use crate::Exit;

/// A spec run by `charter test`: its name, its outcomes (none if invalid),
/// how its golden file compared, and how its lint compared.
type TestedFile = (
    String,
    Option<Vec<Outcome>>,
    Option<Golden>,
    Option<JsonLintStatus>,
);

pub fn test(args: &TestArgs, color: Color) -> Exit {
    let overrides = args.solve.overrides();
    let files = match spec_files(&args.paths) {
        Ok(files) => files,
        Err(message) => {
            to_stderr(&format!("charter: {message}\n"));
            return Exit::Invalid;
        }
    };
    // Goldens are written by one run at a time: each folder is locked
    // (released when the run ends, however it ends).
    let _locks = if args.update {
        match lock_folders(&files) {
            Ok(locks) => locks,
            Err(message) => {
                to_stderr(&format!("charter: {message}\n"));
                return Exit::Invalid;
            }
        }
    } else {
        Vec::new()
    };
    let mut passed = 0usize;
    let mut failed = 0usize;
    let mut invalid = false;
    let mut stdout = Output::new();
    // With `--format json`, standard output is the JSON document alone: the
    // lines a person reads go to standard error.
    let mut log: Box<dyn Write> = match args.format {
        Format::Json => Box::new(std::io::stderr()),
        Format::Human => Box::new(Output::new()),
    };
    let mut json_results: Vec<TestedFile> = Vec::new();
    let mut finished = 0;
    for path in &files {
        let name = path.display().to_string();
        let Some(spec) = load_spec(path, color) else {
            invalid = true;
            failed += 1;
            let _ = writeln!(log, "FAILED {name}: the spec is invalid");
            json_results.push((name, None, None, None));
            continue;
        };
        let plans = match Plan::all(&spec.charter, None, &overrides) {
            Ok(plans) => plans,
            Err(error) => {
                to_stderr(&format!("charter: {}\n", error.message(&spec.source.name)));
                invalid = true;
                json_results.push((name, None, None, None));
                continue;
            }
        };
        let outcomes = charter::verify::run(&spec.charter, &plans);
        if crate::governor::interrupted() {
            // No golden is written or judged from a run cut short.
            let outcomes = crate::governor::finished(outcomes);
            let finished = finished + outcomes.len();
            to_stderr(&crate::governor::interrupted_note(finished, "commands"));
            json_results.push((name, Some(outcomes), None, None));
            break;
        }
        finished += outcomes.len();
        let mut rendered = String::new();
        for outcome in &outcomes {
            rendered.push_str(&report::outcome(outcome, &spec.source));
            rendered.push('\n');
            let ok = outcome.succeeded();
            invalid |= outcome.internal_error();
            if ok {
                passed += 1;
            } else {
                failed += 1;
            }
            let status = if ok { "ok" } else { "FAILED" };
            let _ = writeln!(
                log,
                "{status} {name}: {} {} — {}",
                outcome.kind,
                outcome.property.as_deref().unwrap_or(&outcome.command),
                report::verdict_line(outcome)
            );
        }
        let golden = golden_path(path);
        let cut_short = outcomes
            .iter()
            .any(charter::verify::Outcome::budget_stopped);
        let golden_status = if args.update && cut_short {
            // A golden records what the spec's commands conclude, never
            // where a run's budget happened to stop them.
            to_stderr(&format!(
                "charter: {} not written: the run's budget (--timeout, --max-memory) stopped a command of {name}\n",
                golden.display()
            ));
            invalid = true;
            None
        } else if args.update {
            match write_atomically(&golden, rendered.as_bytes()) {
                Ok(()) => Some(Golden::Updated),
                Err(err) => {
                    to_stderr(&format!("charter: {err}\n"));
                    invalid = true;
                    None
                }
            }
        } else {
            match std::fs::read_to_string(&golden) {
                Ok(expected) if expected == rendered => {
                    passed += 1;
                    let _ = writeln!(log, "ok {name}: results match {}", golden.display());
                    Some(Golden::Matched)
                }
                Ok(expected) => {
                    failed += 1;
                    let _ = writeln!(
                        log,
                        "FAILED {name}: results differ from {} (run with --update to accept)\n{}",
                        golden.display(),
                        first_difference(&expected, &rendered)
                    );
                    Some(Golden::Differs)
                }
                Err(_) => None,
            }
        };
        let lint = lint_status(path, &spec, &overrides);
        // The memory lint held is freed: the next file starts afresh.
        overrides.limits.budget.memory_released();
        if crate::governor::interrupted() {
            to_stderr(&crate::governor::interrupted_note(finished, "commands"));
            json_results.push((name, Some(outcomes), golden_status, None));
            break;
        }
        let lint = match lint {
            // Like a golden file, a clean lint counts only where the spec
            // has a `.lint` file saying what to expect.
            Ok(None) => None,
            Ok(Some(line)) => {
                passed += 1;
                let _ = writeln!(log, "ok {name}: lint — {line}");
                Some(JsonLintStatus {
                    as_expected: true,
                    message: line,
                })
            }
            Err(line) => {
                failed += 1;
                let _ = writeln!(log, "FAILED {name}: lint — {line}");
                Some(JsonLintStatus {
                    as_expected: false,
                    message: line,
                })
            }
        };
        json_results.push((name, Some(outcomes), golden_status, lint));
    }
    let interrupted = crate::governor::interrupted();
    if args.format == Format::Json {
        // Interrupted, the document holds what was finished (and says so).
        let files = json_results
            .iter()
            .map(|(file, outcomes, golden, lint)| JsonVerifyFile {
                file: file.clone(),
                valid: outcomes.is_some(),
                outcomes: outcomes.as_deref().unwrap_or(&[]),
                golden: *golden,
                lint: lint.clone(),
            })
            .collect();
        if !print_json(
            &mut stdout,
            &report::Json::new(JsonKind::Test, files).interrupted(interrupted),
        ) {
            return Exit::Invalid;
        }
    } else if !interrupted {
        let _ = writeln!(stdout, "{passed} passed, {failed} failed");
    }
    if interrupted {
        Exit::Interrupted
    } else if invalid {
        Exit::Invalid
    } else if failed > 0 {
        Exit::Failed
    } else {
        Exit::Ok
    }
}

/// Lints a spec for `charter test`: every finding must be listed in
/// `<spec>.lint`, and every finding listed there must be found. `None` when
/// there is nothing to say (no findings, no `.lint` file).
fn lint_status(
    path: &std::path::Path,
    spec: &Spec,
    overrides: &Overrides,
) -> Result<Option<String>, String> {
    let expected = expected_findings(path)?;
    let plan = Plan::for_lint(&spec.charter, overrides)
        .map_err(|error| error.message(&spec.source.name))?;
    let result = charter::lint::run(&spec.charter, &plan).map_err(|unknown| {
        // The run's budget spent is an unfinished lint, not the solver
        // giving up (as `charter lint` says).
        let what = match unknown.stopped {
            Some(_) => "lint stopped",
            None => "the solver gave up",
        };
        format!("{what}: {}", unknown.reason)
    })?;
    if !result.incomplete.is_empty() {
        return Err(format!(
            "incomplete: {} (run `charter lint {}`)",
            result.incomplete.join("; "),
            path.display()
        ));
    }
    let (unexpected, missing) = expected::compare(&result, &expected);
    if result.findings.is_empty() && !lint_path(path).exists() {
        return Ok(None);
    }
    if unexpected.is_empty() && missing.is_empty() {
        return Ok(Some(format!(
            "{} finding{} up to depth {}, as {} expects",
            result.findings.len(),
            if result.findings.len() == 1 { "" } else { "s" },
            result.depth,
            lint_path(path).display()
        )));
    }
    let mut problems = Vec::new();
    if !unexpected.is_empty() {
        problems.push(format!("unexpected: {}", unexpected.join(", ")));
    }
    if !missing.is_empty() {
        problems.push(format!("expected but not found: {}", missing.join(", ")));
    }
    Err(format!(
        "{} (run `charter lint {}`)",
        problems.join("; "),
        path.display()
    ))
}

/// The first line where two renderings differ, for a failing golden file.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    let mut line = 1;
    loop {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (a, b) => {
                return format!(
                    "  line {line}:\n  - {}\n  + {}",
                    a.unwrap_or("(end)"),
                    b.unwrap_or("(end)")
                )
            }
        }
    }
}

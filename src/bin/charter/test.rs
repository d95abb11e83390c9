//! `charter test`: every spec under the paths, its verdicts against its
//! `expect`s, its rendered results against its golden file, its lint
//! against its `.lint` file. What a golden file holds names the spec by
//! its path relative to its own folder (its file name), so any way of
//! naming the folder (`specs`, `./specs`, an absolute path, `.`) gives the
//! same results. `--junit FILE` also writes the run as JUnit XML.

use std::io::Write;
use std::path::Path;

use charter::lint::expected;
use charter::plan::{Overrides, Plan};
use charter::report::{self, Color, Golden, JsonKind, JsonLintStatus, JsonVerifyFile};
use charter::verify::Outcome;

use crate::args::{Format, TestArgs};
use crate::jobs::Sink;
use crate::junit::Suite;
use crate::lint::expected_findings;
use crate::output::{
    golden_path, lint_path, load_spec_to, lock_folders, print_json, refused_output, spec_files,
    to_stderr, unified_diff, write_atomically, Output, Spec,
};
use crate::progress;
use crate::Exit;

/// A spec run by `charter test`: its name, its outcomes (none if invalid),
/// how its golden file compared, and how its lint compared.
type TestedFile = (
    String,
    Option<Vec<Outcome>>,
    Option<Golden>,
    Option<JsonLintStatus>,
);

/// What the run of one spec found, and where it says it.
struct Run<'s> {
    passed: usize,
    failed: usize,
    invalid: bool,
    /// Where the run writes (held back while files run side by side).
    sink: &'s mut Sink,
    /// Whether the lines a person reads go to standard error (with
    /// `--format json`, standard output is the JSON document alone).
    log_to_stderr: bool,
}

impl Run<'_> {
    fn say(&mut self, line: &str) {
        let line = format!("{line}\n");
        match self.log_to_stderr {
            true => self.sink.err(&line),
            false => self.sink.out(&line),
        }
    }
}

/// What one spec's run hands over, in the files' order.
struct Tested {
    passed: usize,
    failed: usize,
    invalid: bool,
    /// Its JUnit suite (none when an interruption cut the run short).
    suite: Option<Suite>,
    file: TestedFile,
    /// The commands it finished.
    finished: usize,
    /// Whether an interruption cut it short.
    interrupted: bool,
}

pub fn test(args: &TestArgs, color: Color) -> Exit {
    let overrides = args.solve.overrides_for(args.jobs.count());
    let files = match spec_files(&args.paths) {
        Ok(files) => files,
        Err(error) => return crate::output::said(&error, color),
    };
    // A JUnit path that cannot take the report is said now, not after the
    // run; nor may the report replace a spec, golden or `.lint` file.
    if let Some(junit) = &args.junit {
        if let Err(reason) = junit_refused(junit, &files) {
            return crate::output::write_failed("the JUnit report", junit, reason, color);
        }
    }
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
    let mut stdout = Output::new();
    let (mut passed, mut failed, mut invalid) = (0, 0, false);
    let mut json_results: Vec<TestedFile> = Vec::new();
    let mut suites: Vec<Suite> = Vec::new();
    let mut finished = 0;
    let line = progress::Line::new(args.format, color, &overrides.limits.budget);
    let jobs = args.jobs.count();
    crate::jobs::in_order(
        &files,
        jobs,
        |path, sink| test_one(args, &overrides, color, &line, path, sink),
        |tested| {
            passed += tested.passed;
            failed += tested.failed;
            invalid |= tested.invalid;
            finished += tested.finished;
            suites.extend(tested.suite);
            json_results.push(tested.file);
            if tested.interrupted {
                to_stderr(&crate::governor::interrupted_note(finished, "commands"));
            }
            !tested.interrupted
        },
    );
    let interrupted = crate::governor::interrupted();
    // No file is written after an interruption.
    if let (Some(junit), false) = (&args.junit, interrupted) {
        if let Err(reason) = write_atomically(junit, crate::junit::render(&suites).as_bytes()) {
            crate::output::write_failed("the JUnit report", junit, reason, color);
            invalid = true;
        }
    }
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

/// Runs one spec: its commands against their `expect`s, its golden file,
/// its lint against its `.lint` file.
fn test_one(
    args: &TestArgs,
    overrides: &Overrides,
    color: Color,
    line: &progress::Line,
    path: &Path,
    sink: &mut Sink,
) -> Tested {
    let name = path.display().to_string();
    let mut suite = Suite::new(&name);
    let mut run = Run {
        passed: 0,
        failed: 0,
        invalid: false,
        sink,
        log_to_stderr: args.format == Format::Json,
    };
    let (file, finished, interrupted) = test_one_in(
        args, overrides, color, line, path, &name, &mut suite, &mut run,
    );
    Tested {
        passed: run.passed,
        failed: run.failed,
        invalid: run.invalid,
        suite: (!interrupted).then_some(suite),
        file,
        finished,
        interrupted,
    }
}

/// [`test_one`]'s work: the spec's tested file, the commands finished, and
/// whether an interruption cut the run short.
#[allow(clippy::too_many_arguments)]
fn test_one_in(
    args: &TestArgs,
    overrides: &Overrides,
    color: Color,
    line: &progress::Line,
    path: &Path,
    name: &str,
    suite: &mut Suite,
    run: &mut Run<'_>,
) -> (TestedFile, usize, bool) {
    let name = name.to_string();
    let loaded = load_spec_to(path, color, &mut |text| run.sink.err(text));
    let Some(mut spec) = loaded else {
        run.invalid = true;
        run.failed += 1;
        run.say(&format!("FAILED {name}: the spec is invalid"));
        suite.error("spec".into(), "the spec is invalid".into());
        return ((name, None, None, None), 0, false);
    };
    // Diagnostics above named the file as given; what is rendered for
    // the golden file names it relative to its own folder.
    spec.source.name = folder_relative(path);
    let planned = match Plan::all_readings(spec.selections(), None, overrides) {
        Ok(planned) => planned,
        Err(error) => {
            let message = error.message(&name);
            run.sink
                .err(&crate::output::option_refused(&error, &name, color));
            run.invalid = true;
            suite.error("spec".into(), message);
            return ((name, None, None, None), 0, false);
        }
    };
    let mut rendered = String::new();
    // Each verdict is said as soon as it is known.
    let mut judge = |outcome: &Outcome| {
        let shown = report::outcome(outcome, &spec.source);
        rendered.push_str(&shown);
        rendered.push('\n');
        let ok = outcome.succeeded();
        run.invalid |= outcome.internal_error();
        let under = outcome
            .under_readings()
            .map(|under| format!(" {under}"))
            .unwrap_or_default();
        let case = format!(
            "{} {}{under}",
            outcome.kind,
            outcome.property.as_deref().unwrap_or(&outcome.command)
        );
        let verdict = report::verdict_line(outcome);
        if ok {
            run.passed += 1;
            suite.passed(case.clone());
        } else {
            run.failed += 1;
            suite.failed(case.clone(), verdict.clone(), shown);
        }
        let status = if ok { "ok" } else { "FAILED" };
        run.say(&format!("{status} {name}: {case} — {verdict}"));
    };
    let mut outcomes = charter::verify::run_readings(
        &planned,
        &mut |charter, event| {
            if let Some(outcome) = line.follow(&name, charter, event) {
                judge(outcome);
            }
        },
        crate::governor::interrupted,
    );
    // Then the comparisons of readings.
    match spec.comparisons(overrides) {
        Ok(compared) => {
            for outcome in compared {
                judge(&outcome);
                outcomes.push(outcome);
            }
        }
        Err(error) => {
            let message = error.message(&name);
            run.sink.err(&format!("charter: {message}\n"));
            run.invalid = true;
            suite.error("spec".into(), message);
        }
    }
    if crate::governor::interrupted() {
        // No golden is written or judged from a run cut short.
        let outcomes = crate::governor::finished(outcomes);
        let finished = outcomes.len();
        return ((name, Some(outcomes), None, None), finished, true);
    }
    let finished = outcomes.len();
    let golden_status = golden(args, path, &rendered, &outcomes, run, suite);
    // A `.lint` file naming no kind or an unknown reading is invalid
    // input (exit code 2), wrong under every choice alike: said once.
    if let Some(Err(error)) = spec.selections().next().map(|c| expected_findings(path, c)) {
        let message = error.line().to_string();
        run.sink.err(&error.rendered(color));
        run.invalid = true;
        run.failed += 1;
        run.say(&format!("FAILED {name}: lint — {message}"));
        suite.error("lint".into(), message.clone());
        let lint = JsonLintStatus {
            as_expected: false,
            message,
        };
        return (
            (name, Some(outcomes), golden_status, Some(lint)),
            finished,
            false,
        );
    }
    line.linting(&name);
    let lint = lint_status(path, &spec, overrides);
    line.clear();
    // The memory lint held is freed: the next file starts afresh.
    overrides.limits.budget.memory_released();
    if crate::governor::interrupted() {
        return ((name, Some(outcomes), golden_status, None), finished, true);
    }
    let lint = match lint {
        // Like a golden file, a clean lint counts only where the spec
        // has a `.lint` file saying what to expect.
        Ok(None) => None,
        Ok(Some((line, findings))) => {
            run.passed += 1;
            run.say(&format!("ok {name}: lint — {line}"));
            // Each expected finding in one line (`charter lint` shows
            // them in full).
            for finding in findings {
                run.say(&format!("  expected {finding}"));
            }
            suite.passed("lint".into());
            Some(JsonLintStatus {
                as_expected: true,
                message: line,
            })
        }
        Err(line) => {
            run.failed += 1;
            run.say(&format!("FAILED {name}: lint — {line}"));
            suite.failed("lint".into(), line.clone(), String::new());
            Some(JsonLintStatus {
                as_expected: false,
                message: line,
            })
        }
    };
    ((name, Some(outcomes), golden_status, lint), finished, false)
}

/// A spec's path relative to its own folder: its file name.
fn folder_relative(path: &Path) -> String {
    match path.file_name() {
        Some(name) => Path::new(name).display().to_string(),
        None => path.display().to_string(),
    }
}

/// Compares a spec's rendered results with its golden file (a unified
/// diff where they differ), or with `--update` writes the golden file and
/// says so. `None` where there is no golden file (or it was not written).
fn golden(
    args: &TestArgs,
    path: &Path,
    rendered: &str,
    outcomes: &[Outcome],
    run: &mut Run<'_>,
    suite: &mut Suite,
) -> Option<Golden> {
    let name = path.display().to_string();
    let golden = golden_path(path);
    let shown = golden.display().to_string();
    let old = std::fs::read_to_string(&golden).ok();
    if args.update {
        let cut_short = outcomes
            .iter()
            .any(charter::verify::Outcome::budget_stopped);
        if cut_short {
            // A golden records what the spec's commands conclude, never
            // where a run's budget happened to stop them.
            run.sink.err(&format!(
                "charter: {shown} not written: the run's budget (--timeout, --max-memory) stopped a command of {name}\n"
            ));
            run.invalid = true;
            return None;
        }
        if old.as_deref() == Some(rendered) {
            // Nothing to write: the file (and its timestamp) stays as it is.
            run.say(&format!("kept {shown} (unchanged, not rewritten)"));
            return Some(Golden::Updated);
        }
        return match write_atomically(&golden, rendered.as_bytes()) {
            Ok(()) => {
                let what = if old.is_none() { "new" } else { "changed" };
                run.say(&format!("wrote {shown} ({what})"));
                Some(Golden::Updated)
            }
            Err(err) => {
                run.sink.err(&format!("charter: {err}\n"));
                run.invalid = true;
                None
            }
        };
    }
    let case = format!("golden {}", folder_relative(&golden));
    match old {
        Some(expected) if expected == rendered => {
            run.passed += 1;
            run.say(&format!("ok {name}: results match {shown}"));
            suite.passed(case);
            Some(Golden::Matched)
        }
        Some(expected) => {
            run.failed += 1;
            let message = format!("results differ from {shown} (run with --update to accept)");
            let diff = unified_diff(&expected, rendered, &shown, &format!("{name} (results)"));
            run.say(&format!("FAILED {name}: {message}\n{}", diff.trim_end()));
            suite.failed(case, message, diff);
            Some(Golden::Differs)
        }
        None => None,
    }
}

/// Lints a spec for `charter test`, under each choice of readings: every
/// finding must be listed in `<spec>.lint`, and every finding listed there
/// must be found, under every choice. `None` when there is nothing to say
/// (no findings, no `.lint` file); else a summary and each finding in one
/// line (`kind subject: message`, after `under readings:` where the spec
/// has readings).
fn lint_status(
    path: &Path,
    spec: &Spec,
    overrides: &Overrides,
) -> Result<Option<(String, Vec<String>)>, String> {
    let mut summaries = Vec::new();
    let mut lines = Vec::new();
    let mut failures = Vec::new();
    for charter in spec.selections() {
        let under = charter
            .reading_label()
            .map_or(String::new(), |readings| format!("under {readings}: "));
        let linted = expected_findings(path, charter)
            .map_err(|error| error.line().to_string())
            .and_then(|e| lint_choice(path, charter, &e, overrides));
        match linted {
            Ok(None) => {}
            Ok(Some((summary, findings))) => {
                summaries.push(format!("{under}{summary}"));
                lines.extend(findings.into_iter().map(|f| format!("{under}{f}")));
            }
            Err(message) => failures.push(format!("{under}{message}")),
        }
    }
    if !failures.is_empty() {
        return Err(format!(
            "{} (run `charter lint {}`)",
            failures.join("; "),
            path.display()
        ));
    }
    if summaries.is_empty() {
        return Ok(None);
    }
    Ok(Some((
        format!(
            "{}, as {} expects",
            summaries.join("; "),
            lint_path(path).display()
        ),
        lines,
    )))
}

/// [`lint_status`] under one choice of readings: `None` when there is
/// nothing to say; else the count of findings and each in one line; `Err`
/// what is wrong.
fn lint_choice(
    path: &Path,
    charter: &charter::hir::Charter,
    expected: &[charter::lint::expected::Expected],
    overrides: &Overrides,
) -> Result<Option<(String, Vec<String>)>, String> {
    let plan = Plan::for_lint(charter, overrides)
        .map_err(|error| error.message(&path.display().to_string()))?;
    let result = charter::lint::run(charter, &plan).map_err(|unknown| {
        // The run's budget spent is an unfinished lint, not the solver
        // giving up (as `charter lint` says).
        let what = match unknown.stopped {
            Some(_) => "lint stopped",
            None => "the solver gave up",
        };
        format!("{what}: {}", unknown.reason)
    })?;
    if !result.incomplete.is_empty() {
        return Err(format!("incomplete: {}", result.incomplete.join("; ")));
    }
    let (unexpected, missing) = expected::compare(&result, expected);
    if result.findings.is_empty() && !lint_path(path).exists() {
        return Ok(None);
    }
    if unexpected.is_empty() && missing.is_empty() {
        let findings = result
            .findings
            .iter()
            .map(|finding| {
                let subject = if finding.subject.is_empty() {
                    "-"
                } else {
                    &finding.subject
                };
                let message = finding.message.split_whitespace().collect::<Vec<_>>();
                charter::printable(&format!(
                    "{} {subject}: {}",
                    finding.kind.as_str(),
                    message.join(" ")
                ))
            })
            .collect();
        let summary = format!(
            "{} finding{} up to depth {}",
            result.findings.len(),
            if result.findings.len() == 1 { "" } else { "s" },
            result.depth,
        );
        return Ok(Some((summary, findings)));
    }
    let mut problems = Vec::new();
    if !unexpected.is_empty() {
        problems.push(format!("unexpected: {}", unexpected.join(", ")));
    }
    if !missing.is_empty() {
        problems.push(format!("expected but not found: {}", missing.join(", ")));
    }
    Err(problems.join("; "))
}

/// Why the JUnit report cannot go to `junit`: see [`refused_output`]; the
/// run reads every spec, its golden file and its `.lint` file.
fn junit_refused(junit: &Path, files: &[std::path::PathBuf]) -> Result<(), String> {
    let inputs: Vec<(std::path::PathBuf, String)> = files
        .iter()
        .flat_map(|spec| {
            [
                (spec.clone(), "the spec"),
                (golden_path(spec), "the golden file"),
                (lint_path(spec), "the `.lint` file"),
            ]
        })
        .map(|(path, what)| {
            let said = format!("{what} `{}`", path.display());
            (path, said)
        })
        .collect();
    let inputs: Vec<(&Path, &str)> = inputs
        .iter()
        .map(|(path, said)| (path.as_path(), said.as_str()))
        .collect();
    refused_output(junit, &inputs)
}

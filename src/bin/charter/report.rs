//! `charter report`: run a spec's commands and its lint, and write the
//! results as one self-contained HTML page (built by
//! `charter::report::html`), atomically.

use std::io::Write;

use charter::plan::Plan;
use charter::report::{self, Color, Linted, Page};

use crate::args::{Format, ReportArgs};
use crate::lint::expected_findings;
use crate::output::{load_spec, refused_output, to_stderr, write_atomically, write_failed, Output};
use crate::progress;
use crate::verify::exit_of;
use crate::Exit;

pub fn report(args: &ReportArgs, color: Color) -> Exit {
    if let Err(reason) = refused_output(&args.output, &[(&args.file, "the spec itself")]) {
        return write_failed("the report", &args.output, reason, color);
    }
    let Some(spec) = load_spec(&args.file, color) else {
        return Exit::Invalid;
    };
    let overrides = args.solve.overrides();
    let planned = match Plan::all_readings(spec.selections(), None, &overrides) {
        Ok(planned) => planned,
        Err(error) => return crate::output::refuse_option(&error, &spec.source.name, color),
    };
    let line = progress::Line::new(Format::Human, color, &overrides.limits.budget);
    let name = spec.source.name.clone();
    let outcomes = charter::verify::run_readings(
        &planned,
        &mut |charter, event| {
            line.follow(&name, charter, event);
        },
        crate::governor::interrupted,
    );
    let mut outcomes = crate::governor::finished(outcomes);
    // Then the comparisons of readings (`compare`, `diverge`), as
    // `charter verify` runs them.
    match spec.comparisons(&overrides) {
        Ok(compared) => outcomes.extend(compared),
        Err(error) => return crate::output::refuse_option(&error, &spec.source.name, color),
    }
    if crate::governor::interrupted() {
        to_stderr(&crate::governor::interrupted_note(
            outcomes.len(),
            "commands",
        ));
        return Exit::Interrupted;
    }
    let mut worst = outcomes.iter().map(exit_of).max().unwrap_or(Exit::Ok);
    overrides.limits.budget.memory_released();
    // What the `.lint` file expects under each choice of readings.
    let expected: Result<Vec<_>, _> = spec
        .selections()
        .map(|charter| expected_findings(&args.file, charter))
        .collect();
    let expected = match expected {
        Ok(expected) => expected,
        Err(error) => {
            to_stderr(&error.rendered(color));
            return Exit::Invalid;
        }
    };
    line.linting(&name);
    // Under each choice of readings, as `charter lint` does.
    let linted: Vec<(Option<String>, Result<_, String>)> = spec
        .selections()
        .map(|charter| {
            let result = Plan::for_lint(charter, &overrides)
                .map_err(|error| error.message(&spec.source.name))
                .and_then(|plan| {
                    charter::lint::run(charter, &plan).map_err(|unknown| unknown.reason)
                });
            overrides.limits.budget.memory_released();
            (charter.reading_label(), result)
        })
        .collect();
    line.clear();
    if crate::governor::interrupted() {
        to_stderr(&crate::governor::interrupted_note(
            outcomes.len(),
            "commands",
        ));
        return Exit::Interrupted;
    }
    let mut lint = Vec::new();
    for ((label, linted), expected) in linted.iter().zip(&expected) {
        let shown = match linted {
            Ok(result) => {
                let (unexpected, missing) = charter::lint::expected::compare(result, expected);
                if !unexpected.is_empty() || !missing.is_empty() || !result.incomplete.is_empty() {
                    worst = worst.max(Exit::Failed);
                }
                Linted::Done {
                    report: result,
                    expected,
                }
            }
            Err(reason) => {
                worst = worst.max(Exit::Failed);
                Linted::Stopped(reason)
            }
        };
        lint.push((label.clone(), shown));
    }
    let page = report::html(&Page {
        source: &spec.source,
        charter: &spec.charter,
        outcomes: &outcomes,
        lint,
    });
    if let Err(reason) = write_atomically(&args.output, page.as_bytes()) {
        return write_failed("the report", &args.output, reason, color);
    }
    let _ = writeln!(
        Output::new(),
        "{}: {} command{} and lint written to {}",
        spec.source.name,
        outcomes.len(),
        if outcomes.len() == 1 { "" } else { "s" },
        args.output.display()
    );
    worst
}

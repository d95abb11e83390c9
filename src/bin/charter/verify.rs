//! `charter verify`: run the commands of specs and report each verdict as
//! soon as it is known (with the progress line on a terminal meanwhile).

use std::path::Path;

use charter::plan::{Overrides, Plan};
use charter::report::{self, Color, JsonKind, JsonVerifyFile};
use charter::verify::Outcome;

use crate::args::{Format, VerifyArgs};
use crate::jobs::Sink;
use crate::output::{load_spec_to, print_json, to_stderr, Output};
use crate::progress;
use crate::Exit;

pub fn verify(args: &VerifyArgs, color: Color) -> Exit {
    let overrides = args.solve.overrides_for(args.jobs.count());
    let mut worst = Exit::Ok;
    let mut results: Vec<(String, Option<Vec<Outcome>>)> = Vec::new();
    let mut stdout = Output::new();
    let mut finished = 0;
    let line = progress::Line::new(args.format, color, &overrides.limits.budget);
    let jobs = args.jobs.count();
    crate::jobs::in_order(
        &args.files,
        jobs,
        |path, sink| verify_one(args, &overrides, color, &line, path, sink),
        |(name, outcomes, exit)| {
            worst = worst.max(exit);
            finished += outcomes.as_ref().map_or(0, Vec::len);
            results.push((name, outcomes));
            if crate::governor::interrupted() {
                to_stderr(&crate::governor::interrupted_note(finished, "commands"));
                return false;
            }
            true
        },
    );
    if args.format == Format::Json {
        let files = results
            .iter()
            .map(|(file, outcomes)| JsonVerifyFile {
                file: file.clone(),
                valid: outcomes.is_some(),
                outcomes: outcomes.as_deref().unwrap_or(&[]),
                golden: None,
                lint: None,
            })
            .collect();
        if !print_json(
            &mut stdout,
            &report::Json::new(JsonKind::Verify, files).interrupted(crate::governor::interrupted()),
        ) {
            return Exit::Invalid;
        }
    }
    worst
}

/// Runs one spec's commands: its name, its outcomes (none if invalid) and
/// the exit code they make.
fn verify_one(
    args: &VerifyArgs,
    overrides: &Overrides,
    color: Color,
    line: &progress::Line,
    path: &Path,
    sink: &mut Sink,
) -> (String, Option<Vec<Outcome>>, Exit) {
    let name = path.display().to_string();
    let Some(spec) = load_spec_to(path, color, &mut |text| sink.err(text)) else {
        return (name, None, Exit::Invalid);
    };
    let planned = match Plan::all_readings(spec.selections(), args.property.as_deref(), overrides) {
        Ok(planned) => planned,
        Err(error) => {
            sink.err(&crate::output::option_refused(
                &error,
                &spec.source.name,
                color,
            ));
            return (name, None, Exit::Invalid);
        }
    };
    let mut worst = Exit::Ok;
    // Each verdict is printed as soon as it is known; a spec with
    // readings runs its commands under each choice of readings.
    let outcomes = charter::verify::run_readings(
        &planned,
        &mut |charter, event| {
            if let Some(outcome) = line.follow(&name, charter, event) {
                worst = worst.max(exit_of(outcome));
                if args.format == Format::Human {
                    sink.out(&format!("{}\n", report::outcome(outcome, &spec.source)));
                }
            }
        },
        crate::governor::interrupted,
    );
    let mut outcomes = crate::governor::finished(outcomes);
    // Then the comparisons of readings (none when one property is asked).
    if args.property.is_none() {
        match spec.comparisons(overrides) {
            Ok(compared) => {
                for outcome in compared {
                    worst = worst.max(exit_of(&outcome));
                    if args.format == Format::Human {
                        sink.out(&format!("{}\n", report::outcome(&outcome, &spec.source)));
                    }
                    outcomes.push(outcome);
                }
            }
            Err(error) => {
                sink.err(&format!("charter: {}\n", error.message(&spec.source.name)));
                return (name, Some(outcomes), Exit::Invalid);
            }
        }
    }
    (name, Some(outcomes), worst)
}

/// What an outcome makes the exit code: an internal error is
/// [`Exit::Invalid`], an outcome that did not succeed
/// ([`Outcome::succeeded`]) [`Exit::Failed`].
pub fn exit_of(outcome: &Outcome) -> Exit {
    if outcome.internal_error() {
        Exit::Invalid
    } else if !outcome.succeeded() {
        Exit::Failed
    } else {
        Exit::Ok
    }
}

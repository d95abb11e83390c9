//! `charter verify`: run the commands of specs and report each verdict as
//! soon as it is known (with the progress line on a terminal meanwhile).

use std::io::Write;

use charter::plan::Plan;
use charter::report::{self, Color, JsonKind, JsonVerifyFile};
use charter::verify::Outcome;

use crate::args::{Format, VerifyArgs};
use crate::output::{load_spec, print_json, to_stderr, Output};
use crate::progress;
use crate::Exit;

pub fn verify(args: &VerifyArgs, color: Color) -> Exit {
    let overrides = args.solve.overrides();
    let mut worst = Exit::Ok;
    let mut results: Vec<(String, Option<Vec<Outcome>>)> = Vec::new();
    let mut stdout = Output::new();
    let mut finished = 0;
    let line = progress::Line::new(args.format, color, &overrides.limits.budget);
    for path in &args.files {
        let name = path.display().to_string();
        let Some(spec) = load_spec(path, color) else {
            worst = Exit::Invalid;
            results.push((name, None));
            continue;
        };
        let planned =
            match Plan::all_readings(spec.selections(), args.property.as_deref(), &overrides) {
                Ok(planned) => planned,
                Err(error) => {
                    to_stderr(&format!("charter: {}\n", error.message(&spec.source.name)));
                    worst = Exit::Invalid;
                    results.push((name, None));
                    continue;
                }
            };
        // Each verdict is printed as soon as it is known; a spec with
        // readings runs its commands under each choice of readings.
        let outcomes = charter::verify::run_readings(
            &planned,
            &mut |charter, event| {
                if let Some(outcome) = line.follow(&name, charter, event) {
                    worst = worst.max(exit_of(outcome));
                    if args.format == Format::Human {
                        let _ = writeln!(stdout, "{}", report::outcome(outcome, &spec.source));
                    }
                }
            },
            crate::governor::interrupted,
        );
        let outcomes = crate::governor::finished(outcomes);
        finished += outcomes.len();
        results.push((name, Some(outcomes)));
        if crate::governor::interrupted() {
            to_stderr(&crate::governor::interrupted_note(finished, "commands"));
            break;
        }
    }
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

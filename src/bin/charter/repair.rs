//! `charter repair`: the smallest sets of rules whose removal makes a
//! failing property hold, each re-verified (see `charter::repair`).

use std::io::Write;

use charter::repair::{Options, Status};
use charter::report::{self, Color, JsonKind, JsonRepairFile};

use crate::args::{Format, RepairArgs};
use crate::output::{load_spec, print_json, to_stderr, Output};
use crate::Exit;

/// Exit codes: 0 when there is nothing to repair or at least one
/// suggestion is listed; 1 when none was found (or the search stopped
/// before finding one); 2 for an invalid spec, a refused question or an
/// internal error.
pub fn repair(args: &RepairArgs, color: Color) -> Exit {
    let overrides = args.solve.overrides();
    let mut stdout = Output::new();
    let name = args.file.display().to_string();
    let options = Options {
        max: args.max,
        max_size: args.max_size,
    };
    // A spec with readings is repaired under each choice of readings (a
    // property may fail under one and hold under another).
    let Some(spec) = load_spec(&args.file, color) else {
        return invalid(args, &name, &mut stdout);
    };
    let mut answers = Vec::new();
    for charter in spec.selections() {
        match charter::repair::repair(charter, &args.property, &overrides, options) {
            Ok(answer) => answers.push(answer),
            Err(error) => {
                to_stderr(&report::render(&error, &spec.source, color));
                return invalid(args, &name, &mut stdout);
            }
        }
    }
    let exit = answers
        .iter()
        .map(|answer| {
            if answer.original.internal_error() {
                Exit::Invalid
            } else if answer.status == Status::NothingToRepair || !answer.suggestions.is_empty() {
                Exit::Ok
            } else {
                Exit::Failed
            }
        })
        .max()
        .unwrap_or(Exit::Invalid);
    match args.format {
        Format::Human => {
            let text: Vec<String> = answers
                .iter()
                .map(|answer| report::repair(answer, &spec.source))
                .collect();
            let _ = write!(stdout, "{}", text.join("\n"));
        }
        Format::Json => {
            let files = answers
                .iter()
                .map(|answer| JsonRepairFile {
                    file: name.clone(),
                    valid: true,
                    repair: Some(answer),
                })
                .collect();
            let json = report::Json::new(JsonKind::Repair, files)
                .interrupted(crate::governor::interrupted());
            if !print_json(&mut stdout, &json) {
                return Exit::Invalid;
            }
        }
    }
    exit
}

/// An invalid spec or a refused question: its diagnostic is on standard
/// error already; JSON says the file is not valid.
fn invalid(args: &RepairArgs, name: &str, stdout: &mut Output) -> Exit {
    if args.format == Format::Json {
        let file = JsonRepairFile {
            file: name.to_string(),
            valid: false,
            repair: None,
        };
        let json = report::Json::new(JsonKind::Repair, vec![file])
            .interrupted(crate::governor::interrupted());
        print_json(stdout, &json);
    }
    Exit::Invalid
}

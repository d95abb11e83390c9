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
    let answer = load_spec(&args.file, color).and_then(|spec| {
        match charter::repair::repair(&spec.charter, &args.property, &overrides, options) {
            Ok(answer) => Some((spec, answer)),
            Err(error) => {
                to_stderr(&report::render(&error, &spec.source, color));
                None
            }
        }
    });
    let exit = match &answer {
        None => Exit::Invalid,
        Some((_, answer)) if answer.original.internal_error() => Exit::Invalid,
        Some((_, answer)) if answer.status == Status::NothingToRepair => Exit::Ok,
        Some((_, answer)) if !answer.suggestions.is_empty() => Exit::Ok,
        Some(_) => Exit::Failed,
    };
    match args.format {
        Format::Human => {
            if let Some((spec, answer)) = &answer {
                let _ = write!(stdout, "{}", report::repair(answer, &spec.source));
            }
        }
        Format::Json => {
            let file = JsonRepairFile {
                file: name,
                valid: answer.is_some(),
                repair: answer.as_ref().map(|(_, answer)| answer),
            };
            let json = report::Json::new(JsonKind::Repair, vec![file])
                .interrupted(crate::governor::interrupted());
            if !print_json(&mut stdout, &json) {
                return Exit::Invalid;
            }
        }
    }
    exit
}

//! `charter export smt2`: a command's bounded question as SMT-LIB.

use std::io::Write;

use charter::plan::Plan;
use charter::report::Color;

use crate::args::{ExportArgs, ExportFormat};
use crate::output::{
    load_spec, refused_output, to_stderr, write_atomically, write_failed, OptionError, Output, Spec,
};
use crate::Exit;

pub fn export(args: &ExportArgs, color: Color) -> Exit {
    let ExportFormat::Smt2 {
        file,
        command,
        depth,
        under,
        output,
    } = &args.format;
    if let Some(path) = output {
        if let Err(reason) = refused_output(path, &[(file, "the spec itself")]) {
            return write_failed("the SMT-LIB script", path, reason, color);
        }
    }
    let Some(spec) = load_spec(file, color) else {
        return Exit::Invalid;
    };
    let charter = match chosen(&spec, under) {
        Ok(charter) => charter,
        Err(error) => {
            to_stderr(&charter::report::render(
                &error,
                &charter::report::SourceFile::from_bytes(&spec.source.name, b""),
                color,
            ));
            return Exit::Invalid;
        }
    };
    let plan = match Plan::for_export(charter, command, *depth) {
        Ok(plan) => plan,
        Err(error) => return crate::output::refuse_option(&error, &spec.source.name, color),
    };
    let script = charter::verify::smt2(charter, &plan).map_err(|too_large| too_large.to_string());
    let script = match script {
        Ok(script) => script,
        Err(message) => {
            to_stderr(&format!("charter: {message}\n"));
            return Exit::Invalid;
        }
    };
    match output {
        Some(path) => {
            if let Err(reason) = write_atomically(path, script.as_bytes()) {
                return write_failed("the SMT-LIB script", path, reason, color);
            }
        }
        None => {
            let _ = Output::new().write_all(script.as_bytes());
        }
    }
    Exit::Ok
}

/// The spec under the choice of readings `--under` names: the one choice
/// whose readings include every name given. Refused (`charter::cli::option`)
/// where the names match no choice or several, or where `--under` is
/// missing and the spec can be read more than one way: an export under an
/// arbitrary choice would answer another question than the one meant.
fn chosen<'s>(spec: &'s Spec, under: &[String]) -> Result<&'s charter::hir::Charter, OptionError> {
    let choices: Vec<&charter::hir::Charter> = spec.selections().collect();
    let names = |c: &charter::hir::Charter| -> Vec<String> {
        c.selection
            .names(&c.readings)
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    let listed = || {
        choices
            .iter()
            .map(|c| format!("`--under {}`", names(c).join(",")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let under: Vec<&str> = under
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    if under.is_empty() {
        return match choices.as_slice() {
            [only] => Ok(only),
            _ => Err(OptionError {
                message: format!(
                    "{}: the spec can be read {} ways (its `readings`): say which to export",
                    spec.source.name,
                    choices.len()
                ),
                help: format!("add one of {}", listed()),
            }),
        };
    }
    if choices.len() == 1 && names(choices[0]).is_empty() {
        return Err(OptionError {
            message: format!("{}: `--under`: the spec has no readings", spec.source.name),
            help: "leave `--under` out".into(),
        });
    }
    let matching: Vec<&&charter::hir::Charter> = choices
        .iter()
        .filter(|c| {
            let names = names(c);
            under.iter().all(|u| names.iter().any(|n| n == u))
        })
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => Err(OptionError {
            message: format!(
                "{}: `--under {}` names no choice of the spec's readings",
                spec.source.name,
                under.join(",")
            ),
            help: format!("the choices are {}", listed()),
        }),
        several => Err(OptionError {
            message: format!(
                "{}: `--under {}` leaves {} choices of readings open",
                spec.source.name,
                under.join(","),
                several.len()
            ),
            help: format!("name one reading of each group: {}", listed()),
        }),
    }
}

//! `charter export smt2`: a command's bounded question as SMT-LIB.

use std::io::Write;

use charter::plan::Plan;
use charter::report::Color;

use crate::args::{ExportArgs, ExportFormat};
use crate::output::{load_spec, refused_output, to_stderr, write_atomically, write_failed, Output};
use crate::Exit;

pub fn export(args: &ExportArgs, color: Color) -> Exit {
    let ExportFormat::Smt2 {
        file,
        command,
        depth,
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
    let plan = match Plan::for_export(&spec.charter, command, *depth) {
        Ok(plan) => plan,
        Err(error) => return crate::output::refuse_option(&error, &spec.source.name, color),
    };
    let script =
        charter::verify::smt2(&spec.charter, &plan).map_err(|too_large| too_large.to_string());
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

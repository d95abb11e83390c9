//! `charter check`: parse and check specs, print every diagnostic, or a
//! summary of what each valid spec declares.

use std::io::Write;

use miette::Diagnostic;

use charter::plan::{Overrides, Plan};
use charter::report::{self, Color, JsonKind, SourceFile};

use crate::args::{CheckArgs, Emit, Format};
use crate::output::{print_json, read_source, to_stderr, Output, ReadError};
use crate::Exit;

pub fn check(args: &CheckArgs, color: Color) -> Exit {
    let mut all_valid = true;
    let mut json_files = Vec::new();
    let mut stdout = Output::new();
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = match read_source(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                all_valid = false;
                let error = ReadError {
                    path: name.clone(),
                    reason: err.to_string(),
                };
                let source = SourceFile::from_bytes(&name, b"");
                match args.format {
                    Format::Human => to_stderr(&report::render(&error, &source, color)),
                    Format::Json => json_files.push(report::JsonFile {
                        file: name,
                        valid: false,
                        diagnostics: vec![report::json_diagnostic(&error, &source)],
                    }),
                }
                continue;
            }
        };
        let source = SourceFile::from_bytes(&name, &bytes);
        let mut diagnostics: Vec<Box<dyn Diagnostic>> = Vec::new();
        let mut summary = None;
        match charter::load(&bytes) {
            Err(error) => diagnostics.push(Box::new(error)),
            Ok(loaded) => {
                if let Some(Emit::Ast) = args.emit {
                    let _ = write!(stdout, "{}", charter::ast::print::dump(&loaded.ast));
                }
                match loaded.checked {
                    Ok(checked) => {
                        if let Some(Emit::Hir) = args.emit {
                            let _ =
                                write!(stdout, "{}", charter::hir::print::dump(&checked.charter));
                        }
                        if let Some(Emit::Ir) = args.emit {
                            let _ = write!(stdout, "{}", emit_ir(&checked.charter, &bytes));
                        }
                        summary = Some(report::summary(&checked.charter));
                        diagnostics.extend(checked.warnings.into_iter().map(|w| Box::new(w) as _));
                    }
                    Err(errors) => diagnostics.extend(errors.into_iter().map(|e| Box::new(e) as _)),
                }
            }
        }
        let valid = summary.is_some();
        all_valid &= valid;
        match args.format {
            Format::Human => {
                for diagnostic in &diagnostics {
                    to_stderr(&report::render(diagnostic.as_ref(), &source, color));
                }
                let line = match &summary {
                    Some(summary) => format!("{name}: ok ({summary})"),
                    None => format!("{name}: invalid ({})", count_errors(&diagnostics)),
                };
                let _ = writeln!(stdout, "{line}");
            }
            Format::Json => json_files.push(report::JsonFile {
                file: name,
                valid,
                diagnostics: diagnostics
                    .iter()
                    .map(|d| report::json_diagnostic(d.as_ref(), &source))
                    .collect(),
            }),
        }
    }
    if args.format == Format::Json
        && !print_json(&mut stdout, &report::Json::new(JsonKind::Check, json_files))
    {
        return Exit::Invalid;
    }
    if all_valid {
        Exit::Ok
    } else {
        Exit::Invalid
    }
}

/// The most atoms, inputs and constraints `--emit ir` prints for one
/// command: beyond it the printing would be megabytes no one reads.
const MAX_PRINTED_IR: usize = 20_000;

/// Every command's lowering, printed (`--emit ir`): the command's own
/// scopes; a command too large to encode is named, not lowered, and one too
/// large to read is counted, not printed.
fn emit_ir(charter: &charter::hir::Charter, bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let Ok(plans) = Plan::all(charter, None, &Overrides::default()) else {
        return String::new();
    };
    if plans.is_empty() {
        return "---- no command: nothing to lower ----\n".into();
    }
    let mut out = String::new();
    for plan in plans {
        let name = charter::printable(&plan.command.name);
        if let Some(too_large) = &plan.too_large {
            out.push_str(&format!("---- ir for `{name}`: {too_large} ----\n"));
            continue;
        }
        let printed = charter::with_stack(|| {
            let system = charter::lower::lower(charter, &plan.command).system;
            let constraints = system.init.len() + system.invariants.len() + system.trans.len();
            let size = system.atoms.len() + system.inputs.len() + constraints;
            if size > MAX_PRINTED_IR {
                Err(format!(
                    "{} atoms, {} inputs and {constraints} constraints, more than the {MAX_PRINTED_IR} printed (lower the scopes)",
                    system.atoms.len(),
                    system.inputs.len()
                ))
            } else {
                Ok(charter::ir::print::system_with_source(&system, &text))
            }
        });
        match printed {
            Ok(printed) => out.push_str(&format!("---- ir for `{name}` ----\n{printed}")),
            Err(reason) => out.push_str(&format!("---- ir for `{name}`: {reason} ----\n")),
        }
    }
    out
}

fn count_errors(diagnostics: &[Box<dyn Diagnostic>]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| !matches!(d.severity(), Some(miette::Severity::Warning)))
        .count();
    match errors {
        1 => "1 error".into(),
        n => format!("{n} errors"),
    }
}

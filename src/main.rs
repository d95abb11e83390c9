//! The `charter` command line: parses arguments, calls the library, prints,
//! and picks the exit code (0 valid, 2 invalid spec or usage error).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use miette::Diagnostic;

use charter::report::{self, Color, SourceFile};

/// Formal verification of institutional rules: charters, treaties, rules of
/// procedure and bylaws.
#[derive(Parser)]
#[command(name = "charter", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and check spec files without solving: report every error and
    /// warning, or a short summary of what each valid spec declares.
    Check(CheckArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Spec files to check.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Also print an internal form of each spec that parses: `ast` (the
    /// syntax tree, fully parenthesised, with byte spans) or `hir` (resolved
    /// and typed, for a spec that checks).
    #[arg(long, value_enum, value_name = "FORM")]
    emit: Option<Emit>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// When to color diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum)]
enum Emit {
    Ast,
    Hir,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Failures to read a file, reported like any other diagnostic.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot read `{path}`: {reason}")]
#[diagnostic(
    code(charter::io::read),
    help("check the path and that the file is readable")
)]
struct ReadError {
    path: String,
    reason: String,
}

/// Deep specs recurse deeply in the checker; give it room. The limits in
/// the parser bound the depth, so this is a margin, not a hope.
const STACK_BYTES: usize = 256 * 1024 * 1024;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let worker = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || match cli.command {
            Command::Check(args) => check(&args),
        });
    match worker.map(|handle| handle.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("charter: internal error: the checker stopped unexpectedly");
            ExitCode::from(2)
        }
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let color = match args.color {
        ColorChoice::Always => Color::Always,
        ColorChoice::Never => Color::Never,
        ColorChoice::Auto if std::io::IsTerminal::is_terminal(&std::io::stderr()) => Color::Always,
        ColorChoice::Auto => Color::Never,
    };
    let mut all_valid = true;
    let mut json_files = Vec::new();
    let mut stdout = std::io::stdout().lock();
    for path in &args.files {
        let name = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                all_valid = false;
                let error = ReadError {
                    path: name.clone(),
                    reason: err.to_string(),
                };
                let source = SourceFile::from_bytes(&name, b"");
                match args.format {
                    Format::Human => eprint!("{}", report::render(&error, &source, color)),
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
                    eprint!("{}", report::render(diagnostic.as_ref(), &source, color));
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
    if args.format == Format::Json {
        let output = report::JsonCheck {
            schema: report::JSON_SCHEMA_VERSION,
            kind: "check",
            files: json_files,
        };
        match serde_json::to_string_pretty(&output) {
            Ok(text) => {
                let _ = writeln!(stdout, "{text}");
            }
            Err(err) => {
                eprintln!("charter: cannot write JSON: {err}");
                return ExitCode::from(2);
            }
        }
    }
    if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
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

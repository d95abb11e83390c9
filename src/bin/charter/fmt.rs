//! `charter fmt`: rewrites spec files in the canonical layout (atomically,
//! never through a symbolic link), or with `--check` prints a unified diff
//! of each file that would change, or formats standard input to standard
//! output (`-` or `--stdin`, for editors). A spec that does not parse is
//! reported and left untouched.

use std::io::{Read, Write};
use std::path::Path;

use charter::report::{self, Color, SourceFile};

use crate::args::FmtArgs;
use crate::output::{
    read_reported, spec_files, to_stderr, unified_diff, write_atomically, write_failed, Output,
    UsageError,
};
use crate::Exit;

pub fn fmt(args: &FmtArgs, color: Color) -> Exit {
    let stdin_only = args.stdin || args.paths.iter().any(|p| p == Path::new("-"));
    if stdin_only {
        if args.paths.iter().any(|p| p != Path::new("-")) {
            return crate::output::said(
                &UsageError {
                    message: "`-` (standard input) cannot be mixed with files".into(),
                    help: "format standard input alone (`charter fmt -`), or give only files and folders".into(),
                },
                color,
            );
        }
        return format_stdin(color);
    }
    if args.paths.is_empty() {
        return crate::output::said(
            &UsageError {
                message: "nothing to format".into(),
                help: "give files or folders to format, or `-` for standard input".into(),
            },
            color,
        );
    }
    let files = match spec_files(&args.paths) {
        Ok(files) => files,
        Err(error) => return crate::output::said(&error, color),
    };
    let mut exit = Exit::Ok;
    let mut stdout = Output::new();
    for path in &files {
        let result = format_file(path, args.check, color, &mut stdout);
        exit = exit.max(result);
    }
    exit
}

/// Formats one file: rewrites it, or (`check`) prints how it would change.
fn format_file(path: &Path, check: bool, color: Color, stdout: &mut Output) -> Exit {
    let name = path.display().to_string();
    let Some(bytes) = read_reported(path, color) else {
        return Exit::Invalid;
    };
    let Some((text, formatted)) = formatted(&name, &bytes, color) else {
        return Exit::Invalid;
    };
    if formatted == text {
        return Exit::Ok;
    }
    if check {
        let diff = unified_diff(text, &formatted, &name, &name);
        let _ = write!(stdout, "{diff}");
        return Exit::Failed;
    }
    match write_atomically(path, formatted.as_bytes()) {
        Ok(()) => {
            let _ = writeln!(stdout, "formatted {name}");
            Exit::Ok
        }
        Err(reason) => write_failed("the formatted spec", path, reason, color),
    }
}

/// Standard input in the canonical layout, on standard output.
fn format_stdin(color: Color) -> Exit {
    let limit = charter::syntax::MAX_SOURCE_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    if let Err(err) = std::io::stdin().take(limit).read_to_end(&mut bytes) {
        to_stderr(&format!("charter: cannot read standard input: {err}\n"));
        return Exit::Invalid;
    }
    match formatted("<stdin>", &bytes, color) {
        Some((_, formatted)) => {
            let _ = write!(Output::new(), "{formatted}");
            Exit::Ok
        }
        None => Exit::Invalid,
    }
}

/// The text and its formatting, or `None` after printing why it has none.
fn formatted<'b>(name: &str, bytes: &'b [u8], color: Color) -> Option<(&'b str, String)> {
    let result = charter::syntax::decode(bytes)
        .and_then(|text| charter::fmt::format(text).map(|formatted| (text, formatted)));
    match result {
        Ok(pair) => Some(pair),
        Err(error) => {
            let source = SourceFile::from_bytes(name, bytes);
            to_stderr(&report::render(&error, &source, color));
            None
        }
    }
}

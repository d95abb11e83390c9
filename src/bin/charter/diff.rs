//! `charter diff OLD NEW`: two versions of a spec compared (the library's
//! `diff`). A version is a file, or `PATH@REV`, a file at a git revision,
//! read with `git show REV:./FILE` in the file's folder (the binary does
//! the I/O; a revision or path git cannot show is refused, exit code 2).
//! Exit code: 0 no difference beyond names, 1 a difference (or an open
//! question), 2 bad input or an internal error.

use std::path::Path;
use std::process::Command;

use charter::report::{self, Color, JsonKind, SourceFile};
use miette::Diagnostic;

use crate::args::{DiffArgs, Format};
use crate::output::{check_spec, print_json, read_reported, to_stderr, Output, Spec};
use crate::Exit;

/// A `PATH@REV` that git cannot show.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot read `{path}` at revision `{revision}`: {reason}")]
#[diagnostic(
    code(charter::diff::revision),
    help("write PATH@REV with a revision git knows (`HEAD~1`, a tag, a commit) and a file tracked at that revision")
)]
pub struct RevisionError {
    pub path: String,
    pub revision: String,
    pub reason: String,
}

pub fn diff(args: &DiffArgs, color: Color) -> Exit {
    let (Some(old), Some(new)) = (load(&args.old, color), load(&args.new, color)) else {
        return Exit::Invalid;
    };
    let options = charter::diff::Options {
        overrides: args.solve.overrides(),
        locations: args.on.clone(),
    };
    let compared =
        charter::with_stack(|| charter::diff::diff(&old.charter, &new.charter, &options));
    let compared = match compared {
        Ok(compared) => compared,
        Err(error) => {
            to_stderr(&crate::output::option_refused(
                &error,
                &old.source.name,
                color,
            ));
            return Exit::Invalid;
        }
    };
    let mut stdout = Output::new();
    match args.format {
        Format::Human => {
            let text = report::diff(&compared, &old.source.name, &new.source.name);
            let _ = std::io::Write::write_all(&mut stdout, charter::printable(&text).as_bytes());
        }
        Format::Json => {
            let entry = report::JsonDiff {
                old: old.source.name.clone(),
                new: new.source.name.clone(),
                differs: compared.differs(),
                diff: &compared,
            };
            let document = report::Json::new(JsonKind::Diff, vec![entry])
                .interrupted(crate::governor::interrupted());
            if !print_json(&mut stdout, &document) {
                return Exit::Invalid;
            }
        }
    }
    if compared.internal_error() {
        Exit::Invalid
    } else if compared.differs() {
        Exit::Failed
    } else {
        Exit::Ok
    }
}

/// A version: the file as given when it exists, else `PATH@REV` from git.
fn load(argument: &str, color: Color) -> Option<Spec> {
    let path = Path::new(argument);
    if path.exists() {
        return crate::output::load_spec(path, color);
    }
    let Some((file, revision)) = argument
        .rsplit_once('@')
        .filter(|(f, r)| !f.is_empty() && !r.is_empty())
    else {
        read_reported(path, color)?;
        return None;
    };
    let bytes = match show(Path::new(file), revision) {
        Ok(bytes) => bytes,
        Err(reason) => {
            let error = RevisionError {
                path: file.to_string(),
                revision: revision.to_string(),
                reason,
            };
            let source = SourceFile::from_bytes(argument, b"");
            to_stderr(&report::render(&error, &source, color));
            return None;
        }
    };
    check_spec(argument, &bytes, color)
}

/// `git show REV:./NAME`, run in the file's folder.
fn show(file: &Path, revision: &str) -> Result<Vec<u8>, String> {
    let folder = match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = file
        .file_name()
        .ok_or_else(|| "not a file name".to_string())?
        .to_string_lossy();
    if revision.starts_with('-') {
        return Err("a revision cannot start with `-`".into());
    }
    let output = Command::new("git")
        .arg("-C")
        .arg(folder)
        .arg("show")
        .arg(format!("{revision}:./{name}"))
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr);
        return Err(message
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_string());
    }
    Ok(output.stdout)
}

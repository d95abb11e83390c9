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

/// Versions that read the text different ways: a choice of readings one
/// has and the other lacks.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("the versions are read different ways: {choices}")]
#[diagnostic(
    code(charter::diff::readings),
    help("`charter diff` compares each choice of readings with the same choice in the other version; give both versions the same `readings` (or compare one version without readings)")
)]
pub struct ReadingsError {
    pub choices: String,
}

/// A `--on` name that is no constant or variable of the old version.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("`--on {name}`: the old version has no constant or variable `{name}`")]
#[diagnostic(code(charter::diff::unknown_location), help("{help}"))]
pub struct LocationError {
    pub name: String,
    pub help: String,
}

pub fn diff(args: &DiffArgs, color: Color) -> Exit {
    let (Some(old), Some(new)) = (load(&args.old, color), load(&args.new, color)) else {
        return Exit::Invalid;
    };
    let no_source = SourceFile::from_bytes(&args.old, b"");
    if let Some(name) = args
        .on
        .iter()
        .find(|name| !old.charter.states.iter().any(|s| &s.name == *name))
    {
        let names: Vec<&str> = old
            .charter
            .states
            .iter()
            .filter(|s| s.provenance == charter::hir::Provenance::User)
            .map(|s| s.name.as_str())
            .collect();
        let error = LocationError {
            name: name.clone(),
            help: format!(
                "name the old version's constants and variables: {}",
                names.join(", ")
            ),
        };
        to_stderr(&report::render(&error, &no_source, color));
        return Exit::Invalid;
    }
    let options = charter::diff::Options {
        overrides: args.solve.overrides(),
        locations: args.on.clone(),
    };
    let (old_choices, new_choices): (Vec<_>, Vec<_>) =
        (old.selections().collect(), new.selections().collect());
    let pairs = match charter::diff::reading_pairs(&old_choices, &new_choices) {
        Ok(pairs) => pairs,
        Err(unpaired) => {
            let error = ReadingsError {
                choices: unpaired.join(", "),
            };
            to_stderr(&report::render(&error, &no_source, color));
            return Exit::Invalid;
        }
    };
    let mut compared = Vec::new();
    for (old_charter, new_charter) in pairs {
        let result =
            charter::with_stack(|| charter::diff::diff(old_charter, new_charter, &options));
        match result {
            Ok(one) => compared.push((old_charter, new_charter, one)),
            Err(error) => return crate::output::refuse_option(&error, &old.source.name, color),
        }
    }
    // A version's name, with the readings it is compared under.
    let named = |name: &str, charter: &charter::hir::Charter| match charter.reading_label() {
        Some(readings) => format!("{name} under {readings}"),
        None => name.to_string(),
    };
    let mut stdout = Output::new();
    match args.format {
        Format::Human => {
            let text: Vec<String> = compared
                .iter()
                .map(|(o, n, one)| {
                    report::diff(
                        one,
                        &named(&old.source.name, o),
                        &named(&new.source.name, n),
                    )
                })
                .collect();
            let text = text.join("\n");
            let _ = std::io::Write::write_all(&mut stdout, charter::printable(&text).as_bytes());
        }
        Format::Json => {
            let entries = compared
                .iter()
                .map(|(o, n, one)| report::JsonDiff {
                    old: old.source.name.clone(),
                    new: new.source.name.clone(),
                    old_reading: charter::verify::reading_of(o),
                    new_reading: charter::verify::reading_of(n),
                    differs: one.differs(),
                    diff: one,
                })
                .collect();
            let document = report::Json::new(JsonKind::Diff, entries)
                .interrupted(crate::governor::interrupted());
            if !print_json(&mut stdout, &document) {
                return Exit::Invalid;
            }
        }
    }
    if compared.iter().any(|(_, _, one)| one.internal_error()) {
        Exit::Invalid
    } else if compared.iter().any(|(_, _, one)| one.differs()) {
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
    // A folder (a tree) or a submodule at that revision is no spec: `git
    // show` would list it.
    let kind = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(["cat-file", "-t"])
        .arg(format!("{revision}:./{name}"))
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if kind.status.success() {
        match String::from_utf8_lossy(&kind.stdout).trim() {
            "blob" => {}
            "tree" => return Err("it is a folder at that revision, not a file".into()),
            other => return Err(format!("it is a {other} at that revision, not a file")),
        }
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

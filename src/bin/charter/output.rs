//! Everything the binary does with files and streams: reading specs
//! (bounded), loading and checking them with their diagnostics on
//! standard error, standard output that remembers a failed write, the
//! spec files under folders, golden files' locks and atomic writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use miette::Diagnostic;

use charter::report::{self, Color, SourceFile};

/// Failures to read a file, reported like any other diagnostic.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot read `{path}`: {reason}")]
#[diagnostic(
    code(charter::io::read),
    help("check the path and that the file is readable")
)]
pub struct ReadError {
    pub path: String,
    pub reason: String,
}

/// Failures to write an output (an HTML report, an SMT-LIB script, a
/// JUnit report, manual pages), reported like any other diagnostic; exit
/// code 2.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot write {what} to `{path}`: {reason}")]
#[diagnostic(
    code(charter::io::write),
    help("give the path of a file in an existing, writable folder, and not one of the inputs")
)]
pub struct WriteError {
    pub what: &'static str,
    pub path: String,
    pub reason: String,
}

/// Says on standard error why `what` cannot be written to `path`; exit
/// code 2.
pub fn write_failed(what: &'static str, path: &Path, reason: String, color: Color) -> crate::Exit {
    let error = WriteError {
        what,
        path: path.display().to_string(),
        reason,
    };
    said(&error, color)
}

/// A command-line option the spec cannot take (`--scope`, `--property`,
/// `--command`), reported like any other diagnostic; exit code 2.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(charter::cli::option))]
pub struct OptionError {
    pub message: String,
    #[help]
    pub help: String,
}

/// Says on standard error that `file`'s spec cannot take an option; exit
/// code 2.
pub fn refuse_option(error: &charter::plan::PlanError, file: &str, color: Color) -> crate::Exit {
    to_stderr(&option_refused(error, file, color));
    crate::Exit::Invalid
}

/// The diagnostic, rendered, for an option `file`'s spec cannot take.
pub fn option_refused(error: &charter::plan::PlanError, file: &str, color: Color) -> String {
    let error = OptionError {
        message: error.message(file),
        help: error.help(),
    };
    report::render(&error, &SourceFile::from_bytes(file, b""), color)
}

/// A use of the command line that cannot be run (`charter fmt` given
/// nothing, or standard input mixed with files); exit code 2.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(charter::cli::usage))]
pub struct UsageError {
    pub message: String,
    #[help]
    pub help: String,
}

/// Says on standard error a diagnostic about no file (a command line's,
/// say); exit code 2.
pub fn said(error: &dyn Diagnostic, color: Color) -> crate::Exit {
    to_stderr(&report::render(
        error,
        &SourceFile::from_bytes("", b""),
        color,
    ));
    crate::Exit::Invalid
}

/// A spec's bytes, read no further than one byte past the largest spec
/// charter accepts (the syntax stage then refuses it, saying so): a
/// device or a huge file is never read whole.
pub fn read_source(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let limit = charter::syntax::MAX_SOURCE_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A spec's bytes ([`read_source`]), or `None` after saying on standard
/// error why they cannot be read.
pub fn read_reported(path: &std::path::Path, color: Color) -> Option<Vec<u8>> {
    read_reported_to(path, color, &mut |text| to_stderr(text))
}

/// [`read_reported`], saying why to `err` instead.
fn read_reported_to(
    path: &std::path::Path,
    color: Color,
    err: &mut dyn FnMut(&str),
) -> Option<Vec<u8>> {
    read_source(path)
        .map_err(|error| {
            let name = path.display().to_string();
            let error = ReadError {
                path: name.clone(),
                reason: error.to_string(),
            };
            let source = SourceFile::from_bytes(&name, b"");
            err(&report::render(&error, &source, color));
        })
        .ok()
}

/// The first error met writing to standard output, if any.
static OUTPUT_ERROR: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The first error met writing to standard output, if any (see `main`).
pub fn output_error() -> Option<&'static String> {
    OUTPUT_ERROR.get()
}

/// Standard output, remembering the first write error (see `main`).
pub struct Output(std::io::Stdout);

impl Output {
    pub fn new() -> Output {
        Output(std::io::stdout())
    }

    fn record<T>(result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(error) = &result {
            let _ = OUTPUT_ERROR.set(error.to_string());
        }
        result
    }
}

impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        Output::record(self.0.write(bytes))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Output::record(self.0.flush())
    }
}

/// Writes to standard error, ignoring a closed pipe (`charter … | head`),
/// with the progress line (if shown) cleared meanwhile.
pub fn to_stderr(text: &str) {
    crate::progress::suspend(|| {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    });
}

/// Prints a JSON document; `false` (said on standard error) when it cannot.
pub fn print_json(out: &mut impl Write, value: &impl serde::Serialize) -> bool {
    match serde_json::to_string_pretty(value) {
        Ok(text) => writeln!(out, "{text}").is_ok(),
        Err(err) => {
            to_stderr(&format!("charter: cannot write JSON: {err}\n"));
            false
        }
    }
}

/// A spec that loaded and checked, with its source for messages.
pub struct Spec {
    pub source: SourceFile,
    /// The spec (under its first choice of readings, if it has readings).
    pub charter: charter::hir::Charter,
    /// Under each other choice of readings.
    pub other_readings: Vec<charter::hir::Charter>,
    /// `compare` and `diverge` commands (run after the others).
    pub comparisons: Vec<charter::hir::Comparison>,
}

impl Spec {
    /// Runs the spec's comparisons of readings (`compare`, `diverge`),
    /// unless the run is interrupted.
    pub fn comparisons(
        &self,
        overrides: &charter::plan::Overrides,
    ) -> Result<Vec<charter::verify::Outcome>, charter::plan::PlanError> {
        if self.comparisons.is_empty() || crate::governor::interrupted() {
            return Ok(Vec::new());
        }
        let charters: Vec<&charter::hir::Charter> = self.selections().collect();
        charter::compare::run_on(&charters, &self.comparisons, overrides)
    }

    /// The spec under each choice of readings (itself alone without).
    pub fn selections(&self) -> impl Iterator<Item = &charter::hir::Charter> {
        std::iter::once(&self.charter).chain(&self.other_readings)
    }
}

/// Loads and checks a spec, printing its diagnostics (warnings included) to
/// standard error. `None` when it cannot be read or is invalid.
pub fn load_spec(path: &std::path::Path, color: Color) -> Option<Spec> {
    load_spec_to(path, color, &mut |text| to_stderr(text))
}

/// [`load_spec`], giving the diagnostics to `err` instead.
pub fn load_spec_to(
    path: &std::path::Path,
    color: Color,
    err: &mut dyn FnMut(&str),
) -> Option<Spec> {
    let name = path.display().to_string();
    let bytes = read_reported_to(path, color, err)?;
    check_spec_to(&name, &bytes, color, err)
}

/// [`load_spec`] on bytes already read (shown as `name`).
pub fn check_spec(name: &str, bytes: &[u8], color: Color) -> Option<Spec> {
    check_spec_to(name, bytes, color, &mut |text| to_stderr(text))
}

/// [`check_spec`], giving the diagnostics to `err` instead.
fn check_spec_to(
    name: &str,
    bytes: &[u8],
    color: Color,
    err: &mut dyn FnMut(&str),
) -> Option<Spec> {
    let source = SourceFile::from_bytes(name, bytes);
    match charter::load(bytes) {
        Err(error) => {
            err(&report::render(&error, &source, color));
            None
        }
        Ok(loaded) => match loaded.checked {
            Ok(checked) => {
                for warning in &checked.warnings {
                    err(&report::render(warning, &source, color));
                }
                Some(Spec {
                    source,
                    charter: checked.charter,
                    other_readings: checked.other_readings,
                    comparisons: checked.comparisons,
                })
            }
            Err(errors) => {
                for error in &errors {
                    err(&report::render(error, &source, color));
                }
                None
            }
        },
    }
}

/// Every `.charter` file under the paths, sorted, each once: a folder
/// reached again (through a link to itself or to a parent) is not walked
/// again, and a file reached by two paths is run once.
pub fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    let mut files = Vec::new();
    let mut seen_dirs = std::collections::HashSet::new();
    let mut seen_files = std::collections::HashSet::new();
    let unreadable = |path: &std::path::Path, e: std::io::Error| ReadError {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let real =
        |path: &std::path::Path| std::fs::canonicalize(path).map_err(|e| unreadable(path, e));
    for path in paths {
        if path.is_dir() {
            let mut stack = vec![path.clone()];
            while let Some(dir) = stack.pop() {
                if !seen_dirs.insert(real(&dir)?) {
                    continue;
                }
                let entries = std::fs::read_dir(&dir).map_err(|e| unreadable(&dir, e))?;
                for entry in entries {
                    let entry = entry.map_err(|e| unreadable(&dir, e))?;
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "charter") {
                        files.push(path);
                    }
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    let mut once = Vec::new();
    for file in files {
        // A file that cannot be resolved is kept: loading it says why.
        let key = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
        if seen_files.insert(key) {
            once.push(file);
        }
    }
    Ok(once)
}

/// Locks the folder of every spec for this run (`flock` on the folder:
/// released when the process ends, however it ends), or says which one
/// another run holds.
pub fn lock_folders(files: &[PathBuf]) -> Result<Vec<std::fs::File>, String> {
    let mut folders: Vec<PathBuf> = files
        .iter()
        .map(|f| match f.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        })
        .filter_map(|f| std::fs::canonicalize(&f).ok())
        .collect();
    folders.sort();
    folders.dedup();
    let mut locks = Vec::new();
    for folder in folders {
        let handle = std::fs::File::open(&folder)
            .map_err(|e| format!("cannot open {}: {e}", folder.display()))?;
        match handle.try_lock() {
            Ok(()) => locks.push(handle),
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "another `charter test --update` is writing golden files in {}; nothing was written",
                    folder.display()
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("cannot lock {}: {e}", folder.display()))
            }
        }
    }
    Ok(locks)
}

/// Why `output` cannot take what a command writes, said before the work
/// begins (the report, the SMT-LIB script, the JUnit report): a folder, a
/// link, a device, a folder that does not exist, or one of the files the
/// run reads (`inputs`, each with how to say it is that file: a spec, a
/// golden file). Writing checks again: the file system may change
/// meanwhile.
pub fn refused_output(output: &Path, inputs: &[(&Path, &str)]) -> Result<(), String> {
    if output.as_os_str().is_empty() {
        return Err("the path is empty".into());
    }
    let ends_with_separator = output
        .to_str()
        .is_some_and(|text| text.ends_with(std::path::MAIN_SEPARATOR) || text.ends_with('/'));
    match std::fs::symlink_metadata(output) {
        Ok(metadata) if metadata.is_dir() => return Err("it is a folder".into()),
        Ok(metadata) if metadata.file_type().is_symlink() => {
            return Err("it is a symbolic link; charter does not write through links".into())
        }
        Ok(metadata) if !metadata.is_file() => return Err("it is not a regular file".into()),
        Ok(_) => {}
        Err(_) if ends_with_separator => return Err("it names a folder".into()),
        Err(_) => {}
    }
    let folder = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if folder.exists() && !folder.is_dir() {
        return Err(format!("`{}` is a file, not a folder", folder.display()));
    }
    if !folder.is_dir() {
        return Err(format!("the folder `{}` does not exist", folder.display()));
    }
    // An output that does not exist yet is none of the inputs.
    let Ok(output) = output.canonicalize() else {
        return Ok(());
    };
    match inputs
        .iter()
        .find(|(input, _)| input.canonicalize().is_ok_and(|input| input == output))
    {
        Some((_, what)) => Err(format!("it is {what}")),
        None => Ok(()),
    }
}

/// Writes a file so that it is either as it was or wholly new, whatever
/// happens meanwhile (a full disk, a kill): the bytes go to a temporary
/// file in the same folder, synced, then renamed over the old one. A
/// symbolic link is refused rather than written through (it could point
/// out of the spec's folder) or replaced.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    let shown = path.display();
    let old = std::fs::symlink_metadata(path).ok();
    if old.as_ref().is_some_and(|m| m.file_type().is_symlink()) {
        return Err(format!(
            "{shown} is a symbolic link; charter does not write through links (replace it with a file to update it)"
        ));
    }
    if old.as_ref().is_some_and(|m| !m.is_file()) {
        return Err(format!(
            "{shown} is not a regular file; nothing was written"
        ));
    }
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => std::path::Path::new("."),
    };
    let fail = |e: std::io::Error| {
        format!("cannot write {shown}: {e} (the old file, if any, is unchanged)")
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".charter-")
        .tempfile_in(folder)
        .map_err(fail)?;
    temporary.write_all(bytes).map_err(fail)?;
    // The new file keeps the old one's permissions (a new one gets the
    // usual rw-r--r--, not the temporary file's rw-------).
    let permissions = match &old {
        Some(metadata) => metadata.permissions(),
        None => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::Permissions::from_mode(0o644)
            }
            #[cfg(not(unix))]
            {
                temporary.as_file().metadata().map_err(fail)?.permissions()
            }
        }
    };
    temporary
        .as_file()
        .set_permissions(permissions)
        .map_err(fail)?;
    temporary.as_file().sync_all().map_err(fail)?;
    temporary.persist(path).map_err(|e| fail(e.error))?;
    // The rename itself is durable once the folder is synced.
    if let Ok(handle) = std::fs::File::open(folder) {
        let _ = handle.sync_all();
    }
    Ok(())
}

/// How `new` differs from `old`, as a unified diff with the two names in
/// its header (`charter fmt --check`, a golden file that differs).
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .header(old_name, new_name)
        .to_string()
}

/// Where a spec's golden file is: `<spec>.golden`.
pub fn golden_path(spec: &std::path::Path) -> PathBuf {
    let mut name = spec.as_os_str().to_owned();
    name.push(".golden");
    PathBuf::from(name)
}

/// Where a spec's expected findings are: `<spec>.lint`.
pub fn lint_path(spec: &std::path::Path) -> PathBuf {
    let mut name = spec.as_os_str().to_owned();
    name.push(".lint");
    PathBuf::from(name)
}

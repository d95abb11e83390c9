//! The `charter` command line: parses arguments, calls the library, prints,
//! and picks the exit code: 0 all as expected, 1 a property failed or an
//! expectation was missed, 2 an invalid spec, a usage error or a tool failure.

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
    /// Run the commands (`check`, `prove`, `scenario`) of spec files and
    /// report each verdict, with a timeline for every counterexample and
    /// witness.
    Verify(VerifyArgs),
    /// Run every spec under the given paths, compare each verdict with its
    /// `expect`, and compare the rendered results with the golden file
    /// `<spec>.golden` beside a spec where one exists; also lint every spec
    /// and compare its findings with `<spec>.lint` (none when absent).
    Test(TestArgs),
    /// Check the coherence of the rules up to a depth: no initial state,
    /// events that never happen, rules, exceptions or defaults that never
    /// apply, clashes between rules, vacuous assertions. Findings listed in
    /// `<spec>.lint` beside a spec are expected.
    Lint(LintArgs),
    /// Write a command's bounded question as SMT-LIB, for other solvers.
    Export(ExportArgs),
}

#[derive(clap::Args)]
struct LintArgs {
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    #[command(flatten)]
    solve: SolveArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args, Clone)]
struct SolveArgs {
    /// Depth (number of steps) for every command, instead of its own
    /// (0 to 100000, as in a spec).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=charter::hir::MAX_DEPTH))]
    depth: Option<u64>,

    /// Scope of an abstract sort for every command, as `Sort=N`; repeatable.
    #[arg(long, value_name = "SORT=N", value_parser = parse_scope)]
    scope: Vec<(String, u64)>,

    /// Give up on a solver call after this many seconds (verdict: unknown;
    /// at least 1: no limit is the default, not 0).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    timeout: Option<u64>,

    /// Deterministic resource limit per solver call (Z3 rlimit units; the
    /// verdict is unknown when exhausted).
    #[arg(long, value_name = "UNITS")]
    rlimit: Option<u64>,

    /// Do not break the symmetry of abstract sorts (slower; for measurement).
    #[arg(long)]
    no_symmetry: bool,

    /// The engine that decides verdicts: `smt` (Z3: bounded search and
    /// k-induction) or `explicit` (breadth-first search over concrete
    /// states, for small scopes; no solver).
    #[arg(long, value_enum, default_value_t = EngineChoice::Smt)]
    engine: EngineChoice,

    /// With `--engine explicit`: give up (verdict: unknown) after this many
    /// distinct states.
    #[arg(long, value_name = "N", default_value_t = charter::explore::DEFAULT_MAX_STATES)]
    max_states: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EngineChoice {
    Smt,
    Explicit,
}

#[derive(clap::Args)]
struct VerifyArgs {
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Run only the commands about this assertion, lemma or scenario.
    #[arg(long, value_name = "NAME")]
    property: Option<String>,

    #[command(flatten)]
    solve: SolveArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args)]
struct TestArgs {
    /// Spec files, or folders searched for `.charter` files.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Rewrite the golden files with the current results.
    #[arg(long)]
    update: bool,

    #[command(flatten)]
    solve: SolveArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args)]
struct ExportArgs {
    #[command(subcommand)]
    format: ExportFormat,
}

#[derive(Subcommand)]
enum ExportFormat {
    /// SMT-LIB 2: "is there a history of exactly DEPTH steps that violates
    /// the property (or, for a scenario, reaches its condition)?"
    Smt2 {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The command to export (its name, or its property's name).
        #[arg(long, value_name = "NAME")]
        command: String,
        /// Number of steps (default: the command's depth; at most 100000).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=charter::hir::MAX_DEPTH))]
        depth: Option<u64>,
        /// Write to this file instead of standard output.
        #[arg(long, short, value_name = "OUT")]
        output: Option<PathBuf>,
    },
}

fn parse_scope(text: &str) -> Result<(String, u64), String> {
    let (sort, size) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not of the form Sort=N"))?;
    let size: u64 = size
        .trim()
        .parse()
        .map_err(|_| format!("`{size}` is not a number"))?;
    if size == 0 || size > charter::hir::MAX_SCOPE {
        return Err(format!("a scope is 1 to {}", charter::hir::MAX_SCOPE));
    }
    Ok((sort.trim().to_string(), size))
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
            Command::Verify(args) => verify(&args),
            Command::Test(args) => test(&args),
            Command::Lint(args) => lint(&args),
            Command::Export(args) => export(&args),
        });
    let code = match worker.map(|handle| handle.join()) {
        Ok(Ok(code)) => code,
        _ => {
            to_stderr("charter: internal error: the checker stopped unexpectedly\n");
            ExitCode::from(2)
        }
    };
    // What could not be written is a failure, whatever the verdicts were:
    // a report that was lost (a full disk, a closed pipe) is not a success.
    let _ = Output::new().flush();
    match OUTPUT_ERROR.get() {
        Some(error) => {
            to_stderr(&format!(
                "charter: cannot write to standard output: {error}\n"
            ));
            ExitCode::from(2)
        }
        None => code,
    }
}

/// A spec's bytes, read no further than one byte past the largest spec
/// charter accepts (the syntax stage then refuses it, saying so): a
/// device or a huge file is never read whole.
fn read_source(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let limit = charter::syntax::MAX_SOURCE_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The first error met writing to standard output, if any.
static OUTPUT_ERROR: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Standard output, remembering the first write error (see `main`).
struct Output(std::io::Stdout);

impl Output {
    fn new() -> Output {
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

fn check(args: &CheckArgs) -> ExitCode {
    let color = match args.color {
        ColorChoice::Always => Color::Always,
        ColorChoice::Never => Color::Never,
        ColorChoice::Auto if std::io::IsTerminal::is_terminal(&std::io::stderr()) => Color::Always,
        ColorChoice::Auto => Color::Never,
    };
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
                to_stderr(&format!("charter: cannot write JSON: {err}\n"));
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

/// Writes to standard error, ignoring a closed pipe (`charter … | head`).
fn to_stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
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

/// A spec that loaded and checked, with its source for messages.
struct Spec {
    source: SourceFile,
    charter: charter::hir::Charter,
}

/// Loads and checks a spec, printing its diagnostics (warnings included) to
/// standard error. `None` when it cannot be read or is invalid.
fn load_spec(path: &std::path::Path, color: Color) -> Option<Spec> {
    let name = path.display().to_string();
    let bytes = match read_source(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            let error = ReadError {
                path: name.clone(),
                reason: err.to_string(),
            };
            let source = SourceFile::from_bytes(&name, b"");
            to_stderr(&report::render(&error, &source, color));
            return None;
        }
    };
    let source = SourceFile::from_bytes(&name, &bytes);
    match charter::load(&bytes) {
        Err(error) => {
            to_stderr(&report::render(&error, &source, color));
            None
        }
        Ok(loaded) => match loaded.checked {
            Ok(checked) => {
                for warning in &checked.warnings {
                    to_stderr(&report::render(warning, &source, color));
                }
                Some(Spec {
                    source,
                    charter: checked.charter,
                })
            }
            Err(errors) => {
                for error in &errors {
                    to_stderr(&report::render(error, &source, color));
                }
                None
            }
        },
    }
}

fn terminal_color() -> Color {
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        Color::Always
    } else {
        Color::Never
    }
}

fn overrides(args: &SolveArgs) -> charter::verify::Overrides {
    charter::verify::Overrides {
        depth: args.depth,
        scopes: args.scope.clone(),
        limits: charter::solve::Limits {
            timeout_ms: args.timeout.map(|s| s.saturating_mul(1000)),
            rlimit: args.rlimit,
            seed: 0,
            symmetry: !args.no_symmetry,
            ..charter::solve::Limits::default()
        },
        engine: match args.engine {
            EngineChoice::Smt => charter::verify::Engine::Smt,
            EngineChoice::Explicit => charter::verify::Engine::Explicit {
                max_states: args.max_states,
            },
        },
        skip_blocking_check: false,
    }
}

/// Command-line options that name something the spec lacks.
fn check_overrides(spec: &Spec, args: &SolveArgs, property: Option<&str>) -> Result<(), String> {
    for (sort, size) in &args.scope {
        match spec.charter.sorts.iter().find(|s| &s.name == sort) {
            Some(s) if s.kind == charter::hir::SortKind::Abstract => {
                if (*size as usize) < s.names.len() {
                    return Err(format!(
                        "`{sort}` names {} elements, so its scope is at least {}",
                        s.names.len(),
                        s.names.len()
                    ));
                }
            }
            Some(_) => {
                return Err(format!(
                    "`{sort}` is an enum; only abstract sorts take a scope"
                ))
            }
            None => return Err(format!("{} declares no sort `{sort}`", spec.source.name)),
        }
    }
    if let Some(name) = property {
        let outcomes = spec.charter.commands.iter().any(|c| {
            c.name == name
                || match &c.kind {
                    charter::hir::CommandKind::Check(id) | charter::hir::CommandKind::Prove(id) => {
                        spec.charter.formula(*id).name == name
                    }
                    charter::hir::CommandKind::Scenario { .. } => false,
                }
        });
        if !outcomes {
            return Err(format!(
                "no command of {} is about `{name}`",
                spec.source.name
            ));
        }
    }
    Ok(())
}

/// Whether an outcome counts as success: as expected where `expect` is
/// given; otherwise proved, a witness, or no counterexample up to the
/// depth — and, for those that hold, resting on no event that clauses
/// block (a clash) and with the blocking check finished.
fn succeeded(outcome: &charter::verify::Outcome) -> bool {
    use charter::verify::Verdict;
    if outcome.expect.is_some() {
        return outcome.as_expected;
    }
    if let Some(rests_on) = &outcome.rests_on {
        let blocked = rests_on.blocked.iter().any(|f| f.kind.is_error());
        if blocked || rests_on.unsettled.is_some() {
            return false;
        }
    }
    match &outcome.verdict {
        Verdict::Proved { .. } | Verdict::Witness { .. } => true,
        Verdict::NoneUpTo { .. } => outcome.kind == "check",
        Verdict::Counterexample { .. } | Verdict::Unknown { .. } | Verdict::ReplayFailed { .. } => {
            false
        }
    }
}

/// Whether an outcome is an internal error (exit code 2).
fn internal_error(outcome: &charter::verify::Outcome) -> bool {
    matches!(
        outcome.verdict,
        charter::verify::Verdict::ReplayFailed { .. }
    )
}

#[derive(serde::Serialize)]
struct JsonVerify<'a> {
    schema: u32,
    kind: &'static str,
    files: Vec<JsonVerifyFile<'a>>,
}

#[derive(serde::Serialize)]
struct JsonVerifyFile<'a> {
    file: String,
    valid: bool,
    outcomes: &'a [charter::verify::Outcome],
    #[serde(skip_serializing_if = "Option::is_none")]
    golden: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lint: Option<JsonLintStatus>,
}

fn verify(args: &VerifyArgs) -> ExitCode {
    let color = terminal_color();
    let overrides = overrides(&args.solve);
    let mut worst = 0u8;
    let mut results: Vec<(String, Option<Vec<charter::verify::Outcome>>)> = Vec::new();
    let mut stdout = Output::new();
    for path in &args.files {
        let name = path.display().to_string();
        let Some(spec) = load_spec(path, color) else {
            worst = 2;
            results.push((name, None));
            continue;
        };
        if let Err(message) = check_overrides(&spec, &args.solve, args.property.as_deref()) {
            to_stderr(&format!("charter: {message}\n"));
            worst = 2;
            results.push((name, None));
            continue;
        }
        let outcomes = charter::verify::verify(&spec.charter, args.property.as_deref(), &overrides);
        for outcome in &outcomes {
            if internal_error(outcome) {
                worst = 2;
            } else if !succeeded(outcome) {
                worst = worst.max(1);
            }
            if args.format == Format::Human {
                let _ = writeln!(stdout, "{}", report::outcome(outcome, &spec.source));
            }
        }
        results.push((name, Some(outcomes)));
    }
    if args.format == Format::Json {
        let files = results
            .iter()
            .map(|(file, outcomes)| JsonVerifyFile {
                file: file.clone(),
                valid: outcomes.is_some(),
                outcomes: outcomes.as_deref().unwrap_or(&[]),
                golden: None,
                lint: None,
            })
            .collect();
        if !print_json(
            &mut stdout,
            &JsonVerify {
                schema: report::JSON_SCHEMA_VERSION,
                kind: "verify",
                files,
            },
        ) {
            return ExitCode::from(2);
        }
    }
    ExitCode::from(worst)
}

fn print_json(out: &mut impl Write, value: &impl serde::Serialize) -> bool {
    match serde_json::to_string_pretty(value) {
        Ok(text) => writeln!(out, "{text}").is_ok(),
        Err(err) => {
            to_stderr(&format!("charter: cannot write JSON: {err}\n"));
            false
        }
    }
}

/// Every `.charter` file under the paths, sorted, each once: a folder
/// reached again (through a link to itself or to a parent) is not walked
/// again, and a file reached by two paths is run once.
fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut seen_dirs = std::collections::HashSet::new();
    let mut seen_files = std::collections::HashSet::new();
    let real = |path: &std::path::Path| {
        std::fs::canonicalize(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    for path in paths {
        if path.is_dir() {
            let mut stack = vec![path.clone()];
            while let Some(dir) = stack.pop() {
                if !seen_dirs.insert(real(&dir)?) {
                    continue;
                }
                let entries = std::fs::read_dir(&dir)
                    .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
                for entry in entries {
                    let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
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
fn lock_folders(files: &[PathBuf]) -> Result<Vec<std::fs::File>, String> {
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

/// Writes a file so that it is either as it was or wholly new, whatever
/// happens meanwhile (a full disk, a kill): the bytes go to a temporary
/// file in the same folder, synced, then renamed over the old one. A
/// symbolic link is refused rather than written through (it could point
/// out of the spec's folder) or replaced.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
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

fn golden_path(spec: &std::path::Path) -> PathBuf {
    let mut name = spec.as_os_str().to_owned();
    name.push(".golden");
    PathBuf::from(name)
}

/// A spec run by `charter test`: its name, its outcomes (none if invalid),
/// and how its golden file compared.
type TestedFile = (
    String,
    Option<Vec<charter::verify::Outcome>>,
    Option<&'static str>,
    Option<JsonLintStatus>,
);

/// How a spec's lint compared with its `.lint` file, in `charter test`.
#[derive(Clone, serde::Serialize)]
struct JsonLintStatus {
    as_expected: bool,
    message: String,
}

fn test(args: &TestArgs) -> ExitCode {
    let color = terminal_color();
    let overrides = overrides(&args.solve);
    let files = match spec_files(&args.paths) {
        Ok(files) => files,
        Err(message) => {
            to_stderr(&format!("charter: {message}\n"));
            return ExitCode::from(2);
        }
    };
    // Goldens are written by one run at a time: each folder is locked
    // (released when the run ends, however it ends).
    let _locks = if args.update {
        match lock_folders(&files) {
            Ok(locks) => locks,
            Err(message) => {
                to_stderr(&format!("charter: {message}\n"));
                return ExitCode::from(2);
            }
        }
    } else {
        Vec::new()
    };
    let mut passed = 0usize;
    let mut failed = 0usize;
    let mut invalid = false;
    let mut stdout = Output::new();
    // With `--format json`, standard output is the JSON document alone: the
    // lines a person reads go to standard error.
    let mut log: Box<dyn Write> = match args.format {
        Format::Json => Box::new(std::io::stderr()),
        Format::Human => Box::new(Output::new()),
    };
    let mut json_results: Vec<TestedFile> = Vec::new();
    for path in &files {
        let name = path.display().to_string();
        let Some(spec) = load_spec(path, color) else {
            invalid = true;
            failed += 1;
            let _ = writeln!(log, "FAILED {name}: the spec is invalid");
            json_results.push((name, None, None, None));
            continue;
        };
        if let Err(message) = check_overrides(&spec, &args.solve, None) {
            to_stderr(&format!("charter: {message}\n"));
            invalid = true;
            json_results.push((name, None, None, None));
            continue;
        }
        let outcomes = charter::verify::verify(&spec.charter, None, &overrides);
        let mut rendered = String::new();
        for outcome in &outcomes {
            rendered.push_str(&report::outcome(outcome, &spec.source));
            rendered.push('\n');
            let ok = succeeded(outcome);
            invalid |= internal_error(outcome);
            if ok {
                passed += 1;
            } else {
                failed += 1;
            }
            let status = if ok { "ok" } else { "FAILED" };
            let _ = writeln!(
                log,
                "{status} {name}: {} {} — {}",
                outcome.kind,
                outcome.property.as_deref().unwrap_or(&outcome.command),
                report::verdict_line(outcome)
            );
        }
        let golden = golden_path(path);
        let golden_status = if args.update {
            match write_atomically(&golden, rendered.as_bytes()) {
                Ok(()) => Some("updated"),
                Err(err) => {
                    to_stderr(&format!("charter: {err}\n"));
                    invalid = true;
                    None
                }
            }
        } else {
            match std::fs::read_to_string(&golden) {
                Ok(expected) if expected == rendered => {
                    passed += 1;
                    let _ = writeln!(log, "ok {name}: results match {}", golden.display());
                    Some("matched")
                }
                Ok(expected) => {
                    failed += 1;
                    let _ = writeln!(
                        log,
                        "FAILED {name}: results differ from {} (run with --update to accept)\n{}",
                        golden.display(),
                        first_difference(&expected, &rendered)
                    );
                    Some("differs")
                }
                Err(_) => None,
            }
        };
        let lint = match lint_status(path, &spec, &overrides) {
            // Like a golden file, a clean lint counts only where the spec
            // has a `.lint` file saying what to expect.
            Ok(None) => None,
            Ok(Some(line)) => {
                passed += 1;
                let _ = writeln!(log, "ok {name}: lint — {line}");
                Some(JsonLintStatus {
                    as_expected: true,
                    message: line,
                })
            }
            Err(line) => {
                failed += 1;
                let _ = writeln!(log, "FAILED {name}: lint — {line}");
                Some(JsonLintStatus {
                    as_expected: false,
                    message: line,
                })
            }
        };
        json_results.push((name, Some(outcomes), golden_status, lint));
    }
    if args.format == Format::Json {
        let files = json_results
            .iter()
            .map(|(file, outcomes, golden, lint)| JsonVerifyFile {
                file: file.clone(),
                valid: outcomes.is_some(),
                outcomes: outcomes.as_deref().unwrap_or(&[]),
                golden: *golden,
                lint: lint.clone(),
            })
            .collect();
        if !print_json(
            &mut stdout,
            &JsonVerify {
                schema: report::JSON_SCHEMA_VERSION,
                kind: "test",
                files,
            },
        ) {
            return ExitCode::from(2);
        }
    } else {
        let _ = writeln!(stdout, "{passed} passed, {failed} failed");
    }
    if invalid {
        ExitCode::from(2)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Lints a spec for `charter test`: every finding must be listed in
/// `<spec>.lint`, and every finding listed there must be found. `None` when
/// there is nothing to say (no findings, no `.lint` file).
fn lint_status(
    path: &std::path::Path,
    spec: &Spec,
    overrides: &charter::verify::Overrides,
) -> Result<Option<String>, String> {
    let expected = expected_findings(path)?;
    let result = charter::lint::lint(&spec.charter, overrides)
        .map_err(|unknown| format!("the solver gave up: {}", unknown.reason))?;
    if !result.incomplete.is_empty() {
        return Err(format!(
            "incomplete: {} (run `charter lint {}`)",
            result.incomplete.join("; "),
            path.display()
        ));
    }
    let (unexpected, missing) = compare_findings(&result, &expected);
    if result.findings.is_empty() && !lint_path(path).exists() {
        return Ok(None);
    }
    if unexpected.is_empty() && missing.is_empty() {
        return Ok(Some(format!(
            "{} finding{} up to depth {}, as {} expects",
            result.findings.len(),
            if result.findings.len() == 1 { "" } else { "s" },
            result.depth,
            lint_path(path).display()
        )));
    }
    let mut problems = Vec::new();
    if !unexpected.is_empty() {
        problems.push(format!("unexpected: {}", unexpected.join(", ")));
    }
    if !missing.is_empty() {
        problems.push(format!("expected but not found: {}", missing.join(", ")));
    }
    Err(format!(
        "{} (run `charter lint {}`)",
        problems.join("; "),
        path.display()
    ))
}

/// The first line where two renderings differ, for a failing golden file.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    let mut line = 1;
    loop {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (a, b) => {
                return format!(
                    "  line {line}:\n  - {}\n  + {}",
                    a.unwrap_or("(end)"),
                    b.unwrap_or("(end)")
                )
            }
        }
    }
}

fn export(args: &ExportArgs) -> ExitCode {
    let ExportFormat::Smt2 {
        file,
        command,
        depth,
        output,
    } = &args.format;
    let Some(spec) = load_spec(file, terminal_color()) else {
        return ExitCode::from(2);
    };
    let Some(script) = charter::verify::export_smt2(&spec.charter, command, *depth) else {
        to_stderr(&format!(
            "charter: no command of {} is named or about `{command}`\n",
            spec.source.name
        ));
        return ExitCode::from(2);
    };
    match output {
        Some(path) => {
            if let Err(err) = write_atomically(path, script.as_bytes()) {
                to_stderr(&format!("charter: {err}\n"));
                return ExitCode::from(2);
            }
        }
        None => {
            let _ = Output::new().write_all(script.as_bytes());
        }
    }
    ExitCode::SUCCESS
}

fn lint_path(spec: &std::path::Path) -> PathBuf {
    let mut name = spec.as_os_str().to_owned();
    name.push(".lint");
    PathBuf::from(name)
}

/// The findings a spec expects, from `<spec>.lint`: one `kind subject` per
/// line (`-` as the subject of `no_initial_state`); `#` starts a comment.
fn expected_findings(spec: &std::path::Path) -> Result<Vec<(charter::lint::Kind, String)>, String> {
    let path = lint_path(spec);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    let mut expected = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let kind = words.next().unwrap_or("");
        let subject = words.next().unwrap_or("-");
        let Some(kind) = charter::lint::Kind::parse(kind) else {
            let kinds: Vec<&str> = charter::lint::Kind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect();
            return Err(format!(
                "{}:{}: unknown finding kind `{kind}` (one of {})",
                path.display(),
                number + 1,
                kinds.join(", ")
            ));
        };
        let subject = if subject == "-" {
            String::new()
        } else {
            subject.to_string()
        };
        expected.push((kind, subject));
    }
    Ok(expected)
}

/// Findings the spec does not expect, and expected findings not found.
fn compare_findings(
    report: &charter::lint::LintReport,
    expected: &[(charter::lint::Kind, String)],
) -> (Vec<String>, Vec<String>) {
    let found: Vec<(charter::lint::Kind, String)> = report
        .findings
        .iter()
        .map(|f| (f.kind, f.subject.clone()))
        .collect();
    let show = |(kind, subject): &(charter::lint::Kind, String)| {
        if subject.is_empty() {
            format!("{} -", kind.as_str())
        } else {
            format!("{} {subject}", kind.as_str())
        }
    };
    let unexpected = found
        .iter()
        .filter(|f| !expected.contains(f))
        .map(show)
        .collect();
    let missing = expected
        .iter()
        .filter(|e| !found.contains(e))
        .map(show)
        .collect();
    (unexpected, missing)
}

fn lint(args: &LintArgs) -> ExitCode {
    let color = terminal_color();
    let overrides = overrides(&args.solve);
    let mut worst = 0u8;
    let mut json_files = Vec::new();
    let mut stdout = Output::new();
    for path in &args.files {
        let name = path.display().to_string();
        let invalid = report::JsonLintFile {
            file: name.clone(),
            valid: false,
            depth: None,
            scopes: Vec::new(),
            findings: Vec::new(),
            incomplete: Vec::new(),
        };
        let Some(spec) = load_spec(path, color) else {
            worst = 2;
            json_files.push(invalid);
            continue;
        };
        let checked =
            check_overrides(&spec, &args.solve, None).and_then(|()| expected_findings(path));
        let expected = match checked {
            Ok(expected) => expected,
            Err(message) => {
                to_stderr(&format!("charter: {message}\n"));
                worst = 2;
                json_files.push(invalid);
                continue;
            }
        };
        let result = match charter::lint::lint(&spec.charter, &overrides) {
            Ok(result) => result,
            Err(unknown) => {
                to_stderr(&format!(
                    "charter: {name}: the solver gave up: {}\n",
                    unknown.reason
                ));
                worst = 2;
                json_files.push(invalid);
                continue;
            }
        };
        let (unexpected, missing) = compare_findings(&result, &expected);
        if !unexpected.is_empty() || !missing.is_empty() || !result.incomplete.is_empty() {
            worst = worst.max(1);
        }
        match args.format {
            Format::Human => {
                for finding in &result.findings {
                    let _ = write!(
                        stdout,
                        "{}",
                        report::lint_finding(finding, &spec.source, color)
                    );
                    let _ = writeln!(stdout);
                }
                let mut line = format!(
                    "{name}: {} finding{} (depth {}), {} unexpected",
                    result.findings.len(),
                    if result.findings.len() == 1 { "" } else { "s" },
                    result.depth,
                    unexpected.len()
                );
                if !missing.is_empty() {
                    line.push_str(&format!("; expected but not found: {}", missing.join(", ")));
                }
                for reason in &result.incomplete {
                    line.push_str(&format!("; incomplete: {reason}"));
                }
                let _ = writeln!(stdout, "{line}");
            }
            Format::Json => json_files.push(report::json_lint(&name, &result, &spec.source)),
        }
    }
    if args.format == Format::Json {
        #[derive(serde::Serialize)]
        struct JsonLint {
            schema: u32,
            kind: &'static str,
            files: Vec<report::JsonLintFile>,
        }
        if !print_json(
            &mut stdout,
            &JsonLint {
                schema: report::JSON_SCHEMA_VERSION,
                kind: "lint",
                files: json_files,
            },
        ) {
            return ExitCode::from(2);
        }
    }
    ExitCode::from(worst)
}

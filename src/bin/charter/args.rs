//! The command line's shape: subcommands, their arguments, and how the
//! solving options become the library's [`Overrides`].

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use charter::plan::{Engine, Overrides};
use charter::report::Color;

/// Formal verification of institutional rules: charters, treaties, rules of
/// procedure and bylaws.
#[derive(Parser)]
#[command(name = "charter", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to color diagnostics and the progress line (`auto`: when
    /// standard error is a terminal, unless NO_COLOR is set or CLICOLOR=0;
    /// CLICOLOR_FORCE=1 colors anyway).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// Suggest the smallest sets of rules whose removal makes a failing
    /// property hold within the depth, each re-verified (suggestions, not
    /// proofs of intent).
    Repair(RepairArgs),
    /// Write a command's bounded question as standard SMT-LIB 2 (logic
    /// QF_LIA), which Z3, cvc5 and other solvers read.
    Export(ExportArgs),
    /// Run a spec's commands and its lint, and write the results as one
    /// self-contained HTML page (no script, nothing fetched): the verdicts,
    /// each counterexample and witness as a timeline table linked to the
    /// clauses' quoted texts, the lint findings with what they blame.
    Report(ReportArgs),
    /// Compare two versions of a spec (files, or PATH@REV at a git
    /// revision): renamed, removed and added declarations, the commands
    /// whose verdict changed, a shortest history lawful under one version
    /// and refused by the other (each way, with what forbids it), and
    /// whether the versions agree on their matched locations. Exit code 0:
    /// no difference beyond names; 1: a difference; 2: bad input.
    Diff(DiffArgs),
    /// Run the language server over standard input and output, for
    /// editors (see editors/README.md).
    Lsp,
    /// Rewrite spec files (or the `.charter` files under folders) in the
    /// canonical layout; comments and quoted texts are kept as written.
    Fmt(FmtArgs),
    /// Print a completion script for a shell (bash, zsh, fish, elvish,
    /// powershell) to standard output.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print charter's manual page (roff, for `man -l -`) to standard
    /// output, or with `--out DIR` write one page per command into DIR.
    Man {
        /// Write charter.1 and charter-COMMAND.1 into this folder (made if
        /// missing).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
pub struct FmtArgs {
    /// Spec files, folders searched for `.charter` files, or `-` to format
    /// standard input to standard output.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Change nothing: print a unified diff of each file that is not in
    /// the canonical layout, and exit with 1 if there is one.
    #[arg(long)]
    pub check: bool,

    /// Format standard input to standard output (as `-`).
    #[arg(long)]
    pub stdin: bool,
}

#[derive(clap::Args)]
pub struct LintArgs {
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub solve: SolveArgs,

    #[command(flatten)]
    pub jobs: JobsArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(clap::Args, Clone)]
pub struct SolveArgs {
    /// Depth (number of steps) for every command, instead of its own
    /// (0 to 100000, as in a spec).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=charter::hir::MAX_DEPTH))]
    pub depth: Option<u64>,

    /// Scope of an abstract sort for every command, as `Sort=N`; repeatable.
    #[arg(long, value_name = "SORT=N", value_parser = parse_scope)]
    pub scope: Vec<(String, u64)>,

    /// The whole run's time budget, in seconds, over every file and
    /// command: a command still running when it is spent ends `unknown`
    /// (with the depth reached), and the commands after it do not start
    /// (at least 1; the default is no limit).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,

    /// The run's memory budget, in MiB: when the process holds more (its
    /// resident memory, read every 50 ms), the command in hand ends
    /// `unknown` (memory) (default 4096; at least 64).
    #[arg(long, value_name = "MIB", default_value_t = charter::budget::DEFAULT_MAX_MEMORY >> 20,
          value_parser = clap::value_parser!(u64).range(64..=(1 << 24)))]
    pub max_memory: u64,

    /// Deterministic resource limit per solver call (Z3 rlimit units; the
    /// verdict is unknown when exhausted; at least 1).
    #[arg(long, value_name = "UNITS", value_parser = clap::value_parser!(u64).range(1..))]
    pub rlimit: Option<u64>,

    /// Do not break the symmetry of abstract sorts (slower; for measurement).
    #[arg(long)]
    pub no_symmetry: bool,

    /// Decide `check` and `prove` with one engine after the other, on one
    /// core, rather than induction and the bounded search side by side
    /// (the verdicts are the same; JSON's `decided_by` may differ).
    #[arg(long)]
    pub no_portfolio: bool,

    /// The engine that decides verdicts: `smt` (Z3: bounded search and
    /// k-induction) or `explicit` (breadth-first search over concrete
    /// states, for small scopes; no solver).
    #[arg(long, value_enum, default_value_t = EngineChoice::Smt)]
    pub engine: EngineChoice,

    /// With `--engine explicit`: give up (verdict: unknown) after this many
    /// distinct states (stored packed, a few dozen bytes each, see the explore module; the stored
    /// states may also use at most half of `--max-memory`).
    #[arg(long, value_name = "N", default_value_t = charter::explore::DEFAULT_MAX_STATES)]
    pub max_states: usize,
}

/// `--jobs`, for the commands that take several files.
#[derive(clap::Args, Clone)]
pub struct JobsArgs {
    /// How many files run side by side (default: one per core); the
    /// output is the same, byte for byte, as one file after the other.
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    pub jobs: Option<u64>,
}

impl JobsArgs {
    /// How many files run side by side.
    pub fn count(&self) -> usize {
        crate::jobs::count(self.jobs)
    }
}

impl SolveArgs {
    /// The options as the library takes them, for one file at a time.
    pub fn overrides(&self) -> Overrides {
        self.overrides_for(1)
    }

    /// The options as the library takes them, with `jobs` files side by
    /// side.
    pub fn overrides_for(&self, jobs: usize) -> Overrides {
        Overrides {
            depth: self.depth,
            scopes: self.scope.clone(),
            limits: charter::solve::Limits {
                budget: crate::governor::start(self.timeout, self.max_memory << 20),
                rlimit: self.rlimit,
                seed: 0,
                symmetry: !self.no_symmetry,
                portfolio: !self.no_portfolio,
                // Files side by side solve side by side.
                exclusive: jobs == 1,
                ..charter::solve::Limits::default()
            },
            engine: match self.engine {
                EngineChoice::Smt => Engine::Smt,
                EngineChoice::Explicit => Engine::Explicit {
                    max_states: self.max_states,
                },
            },
            skip_blocking_check: false,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineChoice {
    Smt,
    Explicit,
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// The old version: a file, or PATH@REV (a file at a git revision).
    #[arg(value_name = "OLD")]
    pub old: String,

    /// The new version: a file, or PATH@REV.
    #[arg(value_name = "NEW")]
    pub new: String,

    /// Compare only this constant or variable (its old name) in the
    /// agreement question; repeatable (default: every matched one).
    #[arg(long, value_name = "NAME")]
    pub on: Vec<String>,

    #[command(flatten)]
    pub solve: SolveArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Run only the commands about this assertion, lemma or scenario.
    #[arg(long, value_name = "NAME")]
    pub property: Option<String>,

    #[command(flatten)]
    pub solve: SolveArgs,

    #[command(flatten)]
    pub jobs: JobsArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct RepairArgs {
    /// The spec file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The assertion or lemma to make hold.
    #[arg(long, value_name = "NAME")]
    pub property: String,

    /// The most suggestions listed.
    #[arg(long, value_name = "N", default_value_t = charter::repair::DEFAULT_MAX,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1000))]
    pub max: usize,

    /// The most rules one suggestion removes.
    #[arg(long, value_name = "N", default_value_t = charter::repair::DEFAULT_MAX_SIZE,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10))]
    pub max_size: usize,

    #[command(flatten)]
    pub solve: SolveArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The spec file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The HTML file to write (replaced whole, atomically).
    #[arg(long, short, value_name = "OUT")]
    pub output: PathBuf,

    #[command(flatten)]
    pub solve: SolveArgs,
}

#[derive(clap::Args)]
pub struct TestArgs {
    /// Spec files, or folders searched for `.charter` files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Rewrite the golden files with the current results (one line for
    /// each file written).
    #[arg(long)]
    pub update: bool,

    /// Also write the run as a JUnit XML report to FILE, for CI systems
    /// (one test case per command, golden file and `.lint` file).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    #[command(flatten)]
    pub solve: SolveArgs,

    #[command(flatten)]
    pub jobs: JobsArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub format: ExportFormat,
}

#[derive(Subcommand)]
pub enum ExportFormat {
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
        /// The choice of readings to export under, for a spec with
        /// `readings`: one reading of each group, as `literal,office`
        /// (required where the spec can be read more than one way).
        #[arg(long, value_name = "READINGS", value_delimiter = ',')]
        under: Vec<String>,
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
pub struct CheckArgs {
    /// Spec files to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Also print an internal form of each spec that parses: `ast` (the
    /// syntax tree, fully parenthesised, with byte spans) or `hir` (resolved
    /// and typed, for a spec that checks).
    #[arg(long, value_enum, value_name = "FORM")]
    pub emit: Option<Emit>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Emit {
    Ast,
    Hir,
    /// The transition system each command is lowered to.
    Ir,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether diagnostics are colored: `auto` as `anstream` decides for
    /// standard error (where most of them go): a terminal, unless NO_COLOR
    /// is set (not empty) or CLICOLOR=0, or CLICOLOR_FORCE (not empty) whatever
    /// the stream; `always` and `never` whatever the environment says.
    pub fn resolve(self) -> Color {
        match self {
            ColorChoice::Always => Color::Always,
            ColorChoice::Never => Color::Never,
            ColorChoice::Auto => match anstream::AutoStream::choice(&std::io::stderr()) {
                anstream::ColorChoice::Never => Color::Never,
                _ => Color::Always,
            },
        }
    }
}

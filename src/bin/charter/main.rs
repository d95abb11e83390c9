//! The `charter` command line: parses arguments, calls the library, prints,
//! and picks the exit code ([`Exit`]). One file per subcommand; `args.rs`
//! the arguments, `output.rs` files and streams.

mod args;
mod check;
mod diff;
mod dist;
mod export;
mod fmt;
mod governor;
mod jobs;
mod junit;
mod lint;
mod lsp;
mod output;
mod progress;
mod repair;
mod report;
mod test;
mod verify;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use output::{to_stderr, Output};

/// The exit code, one policy for every subcommand: the worst of what
/// happened wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// 0: all as expected.
    Ok,
    /// 1: a property failed or an expectation was missed.
    Failed,
    /// 2: an invalid spec, a usage error or a tool failure.
    Invalid,
    /// 130: the user interrupted the run (Ctrl-C, SIGTERM).
    Interrupted,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        match exit {
            Exit::Ok => ExitCode::SUCCESS,
            Exit::Failed => ExitCode::from(1),
            Exit::Invalid => ExitCode::from(2),
            Exit::Interrupted => ExitCode::from(130),
        }
    }
}

/// Deep specs recurse deeply in the checker; give it room. The limits in
/// the parser bound the depth, so this is a margin, not a hope.
const STACK_BYTES: usize = 256 * 1024 * 1024;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = cli.color.resolve();
    let worker = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || match cli.command {
            Command::Check(args) => check::check(&args, color),
            Command::Verify(args) => verify::verify(&args, color),
            Command::Test(args) => test::test(&args, color),
            Command::Lint(args) => lint::lint(&args, color),
            Command::Export(args) => export::export(&args, color),
            Command::Lsp => lsp::lsp(),
            Command::Fmt(args) => fmt::fmt(&args, color),
            Command::Completions { shell } => dist::completions(shell),
            Command::Man { out } => dist::man(out.as_deref(), color),
            Command::Report(args) => report::report(&args, color),
            Command::Repair(args) => repair::repair(&args, color),
            Command::Diff(args) => diff::diff(&args, color),
        });
    let exit = match worker.map(|handle| handle.join()) {
        Ok(Ok(exit)) => exit,
        _ => {
            to_stderr("charter: internal error: the checker stopped unexpectedly\n");
            Exit::Invalid
        }
    };
    let exit = if governor::interrupted() {
        Exit::Interrupted
    } else {
        exit
    };
    // What could not be written is a failure, whatever the verdicts were:
    // a report that was lost (a full disk, a closed pipe) is not a success.
    let _ = std::io::Write::flush(&mut Output::new());
    match output::output_error() {
        Some(error) => {
            to_stderr(&format!(
                "charter: cannot write to standard output: {error}\n"
            ));
            Exit::Invalid.into()
        }
        None => exit.into(),
    }
}

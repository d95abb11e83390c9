//! The run's budget as the binary keeps it ([`charter::budget::Budget`]):
//! the clock starts when the options are read; a watch thread compares the
//! process's resident memory with the budget; Ctrl-C and SIGTERM interrupt
//! the run (a second one ends the process at once). Exit code 130 says a
//! run was interrupted.

use std::sync::OnceLock;
use std::time::Duration;

use charter::budget::{Budget, Spent, Stopped};
use charter::verify::{Outcome, UnknownReason, Verdict};

use crate::output::to_stderr;

static RUN: OnceLock<Budget> = OnceLock::new();

/// How often the memory watch reads the process's resident memory.
const MEMORY_PERIOD: Duration = Duration::from_millis(50);

/// The run's budget, started on first use: one per process, so that
/// `--timeout` bounds the whole run.
pub fn start(timeout_s: Option<u64>, max_memory: u64) -> Budget {
    RUN.get_or_init(|| {
        let budget = Budget::new(timeout_s.map(Duration::from_secs), max_memory);
        watch_memory(budget.clone());
        on_signals(budget.clone());
        budget
    })
    .clone()
}

/// Whether the user interrupted the run.
pub fn interrupted() -> bool {
    RUN.get().is_some_and(Budget::interrupted)
}

/// The note printed when a run was interrupted: what was finished, and
/// that no file was written.
pub fn interrupted_note(finished: usize, what: &str) -> String {
    format!(
        "charter: interrupted after {finished} finished {what}; no further commands ran and no file was written after the interruption\n"
    )
}

/// The outcomes that were not cut short by an interruption.
pub fn finished(outcomes: Vec<Outcome>) -> Vec<Outcome> {
    outcomes
        .into_iter()
        .filter(|outcome| interrupted_at(outcome).is_none())
        .collect()
}

/// Where an interruption stopped an outcome's command, if it did.
fn interrupted_at(outcome: &Outcome) -> Option<&Stopped> {
    match &outcome.verdict {
        Verdict::Unknown {
            reason:
                UnknownReason::Budget(
                    stopped @ Stopped {
                        spent: Spent::Interrupted,
                        ..
                    },
                ),
        } => Some(stopped),
        _ => None,
    }
}

/// Whether an interruption cut an outcome's command short: then its
/// outcome is not shown, and for the command in hand (not those that did
/// not begin) a line says how far it got (`charter: FILE: check NAME: the
/// run was interrupted at depth 7 …`), before the [`interrupted_note`].
pub fn cut_short(file: &str, outcome: &Outcome) -> bool {
    let Some(stopped) = interrupted_at(outcome) else {
        return false;
    };
    if !stopped.before_start {
        let name = outcome.property.as_deref().unwrap_or(&outcome.command);
        to_stderr(&charter::printable(&format!(
            "charter: {file}: {} {name}: {stopped}\n",
            outcome.kind
        )));
    }
    true
}

fn on_signals(budget: Budget) {
    let installed = ctrlc::set_handler(move || {
        if budget.interrupted() {
            // A second signal: the user wants out now.
            std::process::exit(130);
        }
        budget.interrupt();
        to_stderr("charter: interrupted; stopping (again to quit at once)\n");
    });
    if let Err(error) = installed {
        to_stderr(&format!(
            "charter: warning: Ctrl-C will end the run abruptly ({error})\n"
        ));
    }
}

fn watch_memory(budget: Budget) {
    let spawned = std::thread::Builder::new()
        .name("charter-memory".into())
        .stack_size(64 * 1024)
        .spawn(move || loop {
            match resident_bytes() {
                Some(bytes) if bytes > budget.max_memory() => budget.memory_exceeded(),
                Some(_) => {}
                // Nothing to measure with (not Linux): the budget is the
                // solver's own memory limit alone.
                None => return,
            }
            std::thread::sleep(MEMORY_PERIOD);
        });
    if let Err(error) = spawned {
        to_stderr(&format!(
            "charter: warning: the memory budget is not watched ({error})\n"
        ));
    }
}

/// The process's resident memory, from `/proc/self/status`.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kilobytes: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kilobytes.saturating_mul(1024))
}

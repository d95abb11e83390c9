//! The progress line: on a terminal, while a command runs, one line on
//! standard error names the command, the depth it has reached (its
//! budget's [`Budget::depth_reached`]) and how long it has run, redrawn by
//! `indicatif` from its own thread. It is cleared before a verdict is
//! printed, and [`suspend`]ed around every other line written to standard
//! error (a diagnostic, the Ctrl-C note), so no line is written over it.
//! Never with `--format json`, nor when standard error is not a terminal
//! or the terminal is `TERM=dumb`: output then stays byte for byte what it
//! is without a terminal.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle, TermLike};

use charter::budget::Budget;
use charter::hir::{self, CommandKind};
use charter::plan::Plan;
use charter::report::Color;
use charter::verify::{Outcome, Progress};

use crate::args::Format;

/// The line shown now, if any: [`suspend`] and [`Line::clear`] find it here.
static SHOWN: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// How often the line is redrawn (the spinner turns, the clock and the
/// depth are read again).
const REDRAW: Duration = Duration::from_millis(100);

/// The progress line of a run (see the module's documentation).
pub struct Line {
    /// Whether a line is shown at all.
    shown: bool,
    color: Color,
    budget: Budget,
}

impl Line {
    /// The run's line: shown on a terminal standard error in human output
    /// only ([`wanted`]).
    pub fn new(format: Format, color: Color, budget: &Budget) -> Line {
        let term = std::env::var_os("TERM");
        Line {
            shown: wanted(format, std::io::stderr().is_terminal(), term.as_deref()),
            color,
            budget: budget.clone(),
        }
    }

    /// Shows the line for `what` (its clock starts now), replacing any;
    /// with the depth reached where `what` searches depth by depth.
    fn start(&self, what: &str, depth_shown: bool) {
        if !self.shown {
            return;
        }
        self.clear();
        let budget = self.budget.clone();
        let depth = move |_: &ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = match budget.depth_reached() {
                Some(depth) => write!(out, "depth {depth}"),
                None => write!(out, "preparing"),
            };
        };
        let template = match depth_shown {
            true => "{spinner} {msg} · {depth} · {elapsed}",
            false => "{spinner} {msg} · {elapsed}",
        };
        let Ok(style) = ProgressStyle::with_template(template) else {
            return;
        };
        let target = ProgressDrawTarget::term_like_with_hz(Box::new(ShortOfTheEdge::stderr()), 20);
        let bar = ProgressBar::with_draw_target(None, target)
            .with_style(style.with_key("depth", depth))
            .with_message(match self.color {
                Color::Always => {
                    let bold = anstyle::Style::new().bold();
                    format!("{bold}{what}{bold:#}")
                }
                Color::Never => what.to_string(),
            });
        bar.enable_steady_tick(REDRAW);
        if let Ok(mut shown) = SHOWN.lock() {
            *shown = Some(bar);
        }
    }

    /// Shows the line while `file` is linted (lint asks no one depth).
    pub fn linting(&self, file: &str) {
        self.start(&charter::printable(&format!("{file}: lint")), false);
    }

    /// Follows a run of `file`'s commands ([`charter::verify::run_observed`]):
    /// a line while each runs, cleared when it ends; the outcome to show,
    /// unless an interruption cut its command short
    /// ([`crate::governor::cut_short`]).
    pub fn follow<'a>(
        &self,
        file: &str,
        charter: &hir::Charter,
        event: Progress<'a>,
    ) -> Option<&'a Outcome> {
        match event {
            Progress::Started(plan) => {
                self.start(&label(file, charter, plan), true);
                None
            }
            Progress::Finished(outcome) => {
                self.clear();
                (!crate::governor::cut_short(file, outcome)).then_some(outcome)
            }
        }
    }

    /// Clears the line, if one is shown (before a verdict is printed).
    pub fn clear(&self) {
        let bar = SHOWN.lock().ok().and_then(|mut shown| shown.take());
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
    }
}

/// Standard error as the line is drawn on it: two columns narrower than
/// the terminal. `indicatif` pads the line to the terminal's width, which
/// leaves the cursor in the last column; the `^C` the terminal echoes on
/// Ctrl-C would then wrap to a line of its own, and clearing the line
/// would clear that one and leave the progress line on the screen.
#[derive(Debug)]
struct ShortOfTheEdge(console::Term);

impl ShortOfTheEdge {
    fn stderr() -> ShortOfTheEdge {
        ShortOfTheEdge(console::Term::buffered_stderr())
    }
}

impl TermLike for ShortOfTheEdge {
    fn width(&self) -> u16 {
        TermLike::width(&self.0).saturating_sub(2).max(1)
    }
    fn height(&self) -> u16 {
        TermLike::height(&self.0)
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        TermLike::move_cursor_up(&self.0, n)
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        TermLike::move_cursor_down(&self.0, n)
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        TermLike::move_cursor_right(&self.0, n)
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        TermLike::move_cursor_left(&self.0, n)
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        TermLike::write_line(&self.0, s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        TermLike::write_str(&self.0, s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        TermLike::clear_line(&self.0)
    }
    fn flush(&self) -> std::io::Result<()> {
        TermLike::flush(&self.0)
    }
}

/// Runs `write` with the line (if one is shown) cleared, and redraws it
/// after: for a line written to standard error while a command runs.
pub fn suspend<R>(write: impl FnOnce() -> R) -> R {
    // The lock is not held while writing: `write` may be slow, and the
    // line's own thread does not need it.
    let bar = SHOWN.lock().ok().and_then(|shown| shown.clone());
    match bar {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

/// Whether a progress line is shown: in human output, on a terminal
/// standard error that can move its cursor.
pub fn wanted(format: Format, stderr_is_terminal: bool, term: Option<&std::ffi::OsStr>) -> bool {
    format == Format::Human && stderr_is_terminal && term.is_none_or(|term| term != "dumb")
}

/// What the line says a planned command is: `FILE: KIND NAME` (the
/// property's name for `check` and `prove`, the command's for a scenario).
fn label(file: &str, charter: &hir::Charter, plan: &Plan) -> String {
    let (kind, name) = match &plan.command.kind {
        CommandKind::Check(id) => ("check", &charter.formula(*id).name),
        CommandKind::Prove(id) => ("prove", &charter.formula(*id).name),
        CommandKind::Scenario { .. } => ("scenario", &plan.command.name),
    };
    charter::printable(&format!("{file}: {kind} {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_only_in_human_output_on_a_terminal_that_moves_its_cursor() {
        let xterm = Some(std::ffi::OsStr::new("xterm-256color"));
        let dumb = Some(std::ffi::OsStr::new("dumb"));
        assert!(wanted(Format::Human, true, xterm));
        assert!(wanted(Format::Human, true, None));
        assert!(!wanted(Format::Json, true, xterm));
        assert!(!wanted(Format::Human, false, xterm));
        assert!(!wanted(Format::Human, true, dumb));
    }
}

//! What lint could not settle. Each of lint's questions (whether an event,
//! rule, exception, default or obligation can apply, whether an
//! assertion's antecedent can hold, whether an event can clash, whether an
//! initial state exists) runs under a budget of its own beside the run's
//! ([`query_time`]); one that runs out of it, or that the solver gives up
//! on (`--rlimit`), is reported as unsettled — by the check it belongs
//! to, its subject and the limit — and lint goes on with the others. The
//! findings made stand; an unsettled question is no finding, and an
//! expected finding whose question is unsettled is not missing (see
//! [`super::expected::compare`]). A report with anything unsettled is
//! incomplete: not clean (exit code 1), as a verdict `unknown` is.

use std::time::Duration;

use serde::Serialize;

use super::Kind;
use crate::budget::Stopped;
use crate::solve::{Limits, SolverUnknown};

/// The time limit of each of lint's questions (with its blame) when
/// neither the run's `--timeout` nor [`Limits::query_time`] says less:
/// lint never waits longer on one question.
pub const QUERY_TIME: Duration = Duration::from_secs(30);

/// The time limit of each of lint's questions under `limits`:
/// [`Limits::query_time`] when set; else [`QUERY_TIME`], and at most a
/// quarter of the run's `--timeout` (so that one question leaves time for
/// the others).
pub fn query_time(limits: &Limits) -> Duration {
    if let Some(limit) = limits.query_time {
        return limit;
    }
    match limits.budget.timeout() {
        Some(timeout) => QUERY_TIME.min(timeout / 4),
        None => QUERY_TIME,
    }
}

/// A question lint did not settle: no claim is made about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unsettled {
    /// The check the question belongs to (the kind of finding it would
    /// have made).
    pub kind: Kind,
    /// The event, clause or assertion asked about (empty for
    /// `no_initial_state`).
    pub subject: String,
    /// Why, in words: the limit reached, or the solver's reason.
    pub reason: String,
    /// The limit that ended it, when a budget did (`budget`: `query` for
    /// the question's own, `time`, `memory` or `interrupted` for the
    /// run's); absent when the solver gave up on its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<Stopped>,
}

impl Unsettled {
    pub(super) fn new(kind: Kind, subject: &str, unknown: &SolverUnknown) -> Unsettled {
        Unsettled {
            kind,
            subject: subject.to_string(),
            reason: unknown.reason.clone(),
            limit: unknown.stopped,
        }
    }

    /// `kind subject`, as a `.lint` file names the finding it would make.
    pub fn named(&self) -> (Kind, String) {
        (self.kind, self.subject.clone())
    }

    /// In words, for `LintReport::incomplete`.
    pub fn said(&self) -> String {
        let subject = match self.subject.is_empty() {
            true => "-",
            false => &self.subject,
        };
        format!(
            "{} {subject} not settled ({})",
            self.kind.as_str(),
            self.reason
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Budget;

    #[test]
    fn a_question_gets_a_quarter_of_the_run_at_most() {
        let mut limits = Limits::default();
        assert_eq!(query_time(&limits), QUERY_TIME);
        limits.budget = Budget::new(Some(Duration::from_secs(10)), 1 << 30);
        assert_eq!(query_time(&limits), Duration::from_millis(2500));
        limits.budget = Budget::new(Some(Duration::from_secs(1000)), 1 << 30);
        assert_eq!(query_time(&limits), QUERY_TIME);
        limits.query_time = Some(Duration::from_millis(5));
        assert_eq!(query_time(&limits), Duration::from_millis(5));
    }
}

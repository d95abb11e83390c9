//! Running a spec's commands: lowering, the vacuity checks, the solver
//! calls, and the verdict each command ends with.
//!
//! A verdict is closed: proved (with the method and k), a counterexample, a
//! witness, nothing found up to a depth (never shown as proved), or unknown
//! with its reason (never shown as success).

use serde::{Serialize, Serializer};

use crate::eval::{self, Ending};
use crate::explore;
use crate::hir::{self, Command, CommandKind, Expectation};
use crate::lower;
use crate::plan::{Plan, TooLarge};
use crate::solve::{self, Limits, Search, SolverUnknown};
use crate::span::Span;
use crate::trace::{self, Trace};

pub use crate::plan::{Engine, Overrides};

mod compare;
pub use compare::{meets as comparison_meets, Comparison, Difference, Refusal};
mod decreasing;
pub use decreasing::{CandidateFate, CandidateReport, MeasureReport};
mod lemmas;
pub use lemmas::{LemmaFate, LemmaReport};
mod liveness;
pub use liveness::fairness_words;
mod portfolio;
pub use portfolio::DecidedBy;
mod readings;
pub use readings::{reading_of, run_readings, ReadingChoice};
mod rests_on;
mod smt2;
pub use smt2::{export_smt2, smt2};

use rests_on::{rests_on, Blockings};

/// The largest k of the induction attempt that precedes a bounded check.
const INDUCTION_SHORTCUT_K: usize = 2;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Holds in every reachable state, for histories of every length.
    Proved {
        method: Method,
        k: usize,
        /// For a liveness property: the events assumed fair (perhaps
        /// none), which the proof rests on.
        #[serde(skip_serializing_if = "Option::is_none")]
        assuming: Option<Vec<String>>,
    },
    /// A history that violates the property.
    Counterexample {
        depth: usize,
        trace: Trace,
    },
    /// A lawful history ending where the scenario's condition holds.
    Witness {
        depth: usize,
        trace: Trace,
    },
    /// No violation (for `check`) or no witness (for `scenario`) in any
    /// history of at most `depth` steps. Longer histories were not examined.
    NoneUpTo {
        depth: usize,
    },
    Unknown {
        reason: UnknownReason,
    },
    /// An internal error: the history the engine found does not replay
    /// through [`crate::eval`], so it is not shown. A bug in charter.
    ReplayFailed {
        /// What the history was to be.
        found: Found,
        depth: usize,
        /// Where the replay failed and why.
        message: String,
    },
}

/// What a history an engine found was to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    Counterexample,
    Witness,
}

impl Found {
    /// What a history found for a command of this kind is.
    fn of(kind: &CommandKind) -> Found {
        match kind {
            CommandKind::Scenario { .. } => Found::Witness,
            _ => Found::Counterexample,
        }
    }
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Found::Counterexample => "counterexample",
            Found::Witness => "witness",
        })
    }
}

/// The kind of command an outcome answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Check,
    Prove,
    Scenario,
    Compare,
    Diverge,
}

impl OutcomeKind {
    pub fn of(kind: &CommandKind) -> OutcomeKind {
        match kind {
            CommandKind::Check(_) => OutcomeKind::Check,
            CommandKind::Prove(_) => OutcomeKind::Prove,
            CommandKind::Scenario { .. } => OutcomeKind::Scenario,
        }
    }
}

impl std::fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OutcomeKind::Check => "check",
            OutcomeKind::Prove => "prove",
            OutcomeKind::Scenario => "scenario",
            OutcomeKind::Compare => "compare",
            OutcomeKind::Diverge => "diverge",
        })
    }
}

/// An expectation as the spec spells it (`"no counterexample"`).
fn expectation_words<S: Serializer>(
    expect: &Option<Expectation>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match expect {
        Some(expect) => serializer.serialize_some(expect.as_str()),
        None => serializer.serialize_none(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    KInduction,
    /// The explicit-state engine saw every reachable state; `k` is the
    /// most steps any of them needs.
    Exhaustive,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum UnknownReason {
    /// The initial conditions and axioms admit no initial state: every
    /// property would hold vacuously.
    NoInitialState,
    /// The property's antecedent (`A` in `A implies B`) holds in no history
    /// of at most `depth` steps, so the property says nothing there.
    VacuousAntecedent { depth: usize },
    /// A liveness property would hold vacuously: no fair infinite history
    /// in which its obligation arises (for `P leads to Q`, P holds) loops
    /// back within `depth` steps (`None`: none at all), assuming fair these.
    NoFairInfiniteHistory {
        depth: Option<usize>,
        leads_to: bool,
        assuming: Vec<String>,
    },
    /// k-induction did not close for any k up to `k`, and no violation
    /// exists in fewer than `k` steps. A lemma may help.
    InductionOpen { k: usize },
    /// The solver gave up (timeout, resource limit, incompleteness).
    Solver { message: String },
    /// The explicit-state engine saw more than `max_states` distinct states.
    StateBudget { max_states: usize },
    /// The explicit-state engine cannot decide this command exactly.
    ExplicitUnsupported { what: String },
    /// The explicit-state engine's storage reached its memory budget.
    ExplicitLimit(explore::Stopped),
    /// The run's budget (`--timeout`, `--max-memory`) was spent, or the
    /// run was interrupted, while the command was examined at `depth`.
    Budget(crate::budget::Stopped),
    /// With the command line's scopes or depth, the command would be too
    /// large to encode (the checker refuses such commands as written).
    TooLarge { size: String, largest: String },
    /// Two readings compared have no initial state in common.
    NoCommonStart,
}

impl std::fmt::Display for UnknownReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnknownReason::NoInitialState => write!(
                f,
                "no initial state exists: the initial values, `init` conditions and axioms contradict each other"
            ),
            UnknownReason::VacuousAntecedent { depth } => write!(
                f,
                "vacuous: the condition before `implies` holds in no history of up to {depth} steps"
            ),
            UnknownReason::NoFairInfiniteHistory {
                depth,
                leads_to,
                assuming,
            } => liveness::vacuity_words(f, *depth, *leads_to, assuming),
            UnknownReason::InductionOpen { k } => write!(
                f,
                "no violation in fewer than {k} steps, but k-induction did not close for any k up to {k}; a `lemma` may help"
            ),
            UnknownReason::Solver { message } => write!(f, "the solver gave up: {message}"),
            UnknownReason::TooLarge { size, largest } => std::fmt::Display::fmt(
                &TooLarge {
                    size: size.clone(),
                    largest: largest.clone(),
                },
                f,
            ),
            UnknownReason::StateBudget { max_states } => write!(
                f,
                "the explicit-state engine reached its budget of {max_states} states (see --max-states)"
            ),
            UnknownReason::ExplicitUnsupported { what } => {
                write!(f, "the explicit-state engine cannot decide this: {what}")
            }
            UnknownReason::ExplicitLimit(stopped) => std::fmt::Display::fmt(stopped, f),
            UnknownReason::Budget(stopped) => std::fmt::Display::fmt(stopped, f),
            UnknownReason::NoCommonStart => f.write_str(compare::NO_COMMON_START),
        }
    }
}

/// One command's result.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub command: String,
    pub kind: OutcomeKind,
    /// The assertion or lemma checked, for `check` and `prove`.
    pub property: Option<String>,
    pub text: Option<String>,
    pub depth: usize,
    pub scopes: Vec<(String, u64)>,
    #[serde(serialize_with = "expectation_words")]
    pub expect: Option<Expectation>,
    pub verdict: Verdict,
    /// Whether the verdict is what `expect` says (true without `expect`).
    pub as_expected: bool,
    /// For a counterexample, the clauses whose effects it used.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clauses_used: Vec<trace::ClauseRef>,
    /// For a verdict that holds (proved, no counterexample, no witness):
    /// what it rests on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rests_on: Option<RestsOn>,
    /// For `prove`: what became of each lemma it could assume (proved and
    /// assumed, refuted, or neither).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lemmas: Vec<LemmaReport>,
    /// Which engine decided the verdict, where one did. Where two ran side
    /// by side and both would have, the first to finish: the one field of
    /// an outcome that may differ from one run to the next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<DecidedBy>,
    /// For a liveness `prove` with `decreasing M`: what became of the
    /// measure's candidate invariants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure: Option<MeasureReport>,
    /// For a spec with readings: the reading of each group the verdict is
    /// under, in the groups' order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reading: Vec<ReadingChoice>,
    /// For `compare` and `diverge`: the two readings side by side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Box<Comparison>>,
    #[serde(skip)]
    pub span: Span,
    /// The span of the property (or scenario condition) concerned.
    #[serde(skip)]
    pub property_span: Span,
}

impl Outcome {
    /// Whether the outcome counts as success: as expected where `expect`
    /// is given; otherwise proved, a witness, or no counterexample up to
    /// the depth — and, for those that hold, resting on no event that
    /// clauses block (a clash) and with the blocking check finished.
    pub fn succeeded(&self) -> bool {
        if self.expect.is_some() {
            return self.as_expected;
        }
        if let Some(rests_on) = &self.rests_on {
            let blocked = rests_on.blocked.iter().any(|f| f.kind.is_error());
            if blocked || rests_on.unsettled.is_some() {
                return false;
            }
        }
        match &self.verdict {
            Verdict::Proved { .. } | Verdict::Witness { .. } => true,
            Verdict::NoneUpTo { .. } => self.kind.succeeds_with_none_found(),
            Verdict::Counterexample { .. }
            | Verdict::Unknown { .. }
            | Verdict::ReplayFailed { .. } => false,
        }
    }

    /// Whether the run's budget cut any part of the outcome short: the
    /// verdict, the minimisation of its history, or the blocking check
    /// behind it (what such an outcome says depends on where the budget
    /// happened to stop it).
    pub fn budget_stopped(&self) -> bool {
        let minimisation = match &self.verdict {
            Verdict::Unknown {
                reason: UnknownReason::Budget(_),
            } => return true,
            Verdict::Counterexample { trace, .. } | Verdict::Witness { trace, .. } => {
                trace.minimised.as_ref().and_then(|m| m.stopped)
            }
            _ => None,
        };
        minimisation.is_some() || self.rests_on.as_ref().is_some_and(|r| r.stopped.is_some())
    }

    /// Whether the outcome is an internal error: a history that did not
    /// replay.
    pub fn internal_error(&self) -> bool {
        matches!(self.verdict, Verdict::ReplayFailed { .. })
    }
}

/// What a verdict that holds rests on, besides the spec's rules: the
/// scopes (in [`Outcome::scopes`]), the axioms and the lemmas it assumed,
/// and what the blocking check found in histories of up to `depth` steps:
/// events that clauses block where their guards hold (clashes), and
/// events, rules, `unless` exceptions and defaults that never apply. A
/// property may hold only because of those; an expectation fails unless
/// the command acknowledges each one (`expect proved allowing clash e`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RestsOn {
    pub axioms: Vec<String>,
    /// The lemmas proved first and assumed by the proof.
    pub lemmas: Vec<String>,
    /// The length of the histories the blocking check examined.
    pub depth: usize,
    pub blocked: Vec<crate::lint::Finding>,
    /// Those of `blocked` the command does not acknowledge, as `kind
    /// subject`, and the acknowledgements that match nothing found.
    pub unacknowledged: Vec<String>,
    pub stale: Vec<String>,
    /// Why the blocking check did not finish, if it did not: then nothing
    /// is claimed about blockings.
    pub unsettled: Option<String>,
    /// The limit of the run's budget that cut the blocking check short, if
    /// one did (otherwise, where unsettled, the solver gave up on its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<crate::budget::Spent>,
}

/// Runs every command of the spec (or only those concerning `only`) with
/// the overrides. No outcomes when the overrides do not fit the spec or
/// `only` names nothing a command is about ([`Plan::all`] says why).
pub fn verify(charter: &hir::Charter, only: Option<&str>, overrides: &Overrides) -> Vec<Outcome> {
    match Plan::all(charter, only, overrides) {
        Ok(plans) => run(charter, &plans),
        Err(_) => Vec::new(),
    }
}

/// Runs the planned commands, in order.
pub fn run(charter: &hir::Charter, plans: &[Plan]) -> Vec<Outcome> {
    run_observed(charter, plans, &mut |_| {})
}

/// What [`run_observed`] says as it goes, for a caller that shows each
/// verdict as soon as it is known. How deep the command in hand has got
/// is read from its budget meanwhile ([`crate::budget::Budget::depth_reached`]).
pub enum Progress<'a> {
    /// A command begins (its budget's depth reached is forgotten).
    Started(&'a Plan),
    /// A command has its outcome (the same as [`run_observed`] returns).
    Finished(&'a Outcome),
}

/// [`run`], telling `observe` when each command starts and finishes.
pub fn run_observed(
    charter: &hir::Charter,
    plans: &[Plan],
    observe: &mut (dyn FnMut(Progress<'_>) + Send),
) -> Vec<Outcome> {
    crate::with_stack(|| {
        // The blocking check's answers by scopes and depth: commands often
        // share them.
        let mut blockings = Blockings::default();
        // The lemmas proved, by scopes and depth: proved once per file.
        let mut lemma_cache = lemmas::Cache::default();
        plans
            .iter()
            // Each command on its own thread, hence with its own Z3 context,
            // and alone: a command's result does not depend on which
            // commands ran before it or run beside it (Z3 numbers its terms
            // per context, and the numbers steer its search).
            .map(|plan| {
                let _alone = solve::exclusive(&plan.limits);
                plan.limits.budget.forget_depth();
                observe(Progress::Started(plan));
                let outcome =
                    crate::with_stack(|| run_one(charter, plan, &mut blockings, &mut lemma_cache));
                // The memory the command held is freed with its thread:
                // the next starts afresh (the binary's watch raises the
                // stop again if the memory is still held).
                plan.limits.budget.memory_released();
                observe(Progress::Finished(&outcome));
                outcome
            })
            .collect()
    })
}

fn run_one(
    charter: &hir::Charter,
    plan: &Plan,
    blockings: &mut Blockings,
    lemma_cache: &mut lemmas::Cache,
) -> Outcome {
    let command = &plan.command;
    let depth = plan.depth;
    let mut lemmas = lemmas::Asked::default();
    let mut decided = portfolio::Decided::default();
    let budget = &plan.limits.budget;
    let result = match (budget.check_before_start(), &plan.too_large, plan.engine) {
        (Err(stopped), _, _) => Err(Stop::Solver(stopped.into())),
        (Ok(()), Some(TooLarge { size, largest }), _) => Ok(Verdict::Unknown {
            reason: UnknownReason::TooLarge {
                size: size.clone(),
                largest: largest.clone(),
            },
        }),
        (Ok(()), None, Engine::Smt) => {
            let limits = &plan.limits;
            // Watched: lowering and translating a large system stop with
            // the budget too, not only the solver's calls.
            crate::budget::watched(budget, || {
                let decided = &mut decided;
                verdict(
                    charter,
                    command,
                    depth,
                    limits,
                    &mut lemmas,
                    lemma_cache,
                    decided,
                )
            })
            .unwrap_or_else(|stopped| Err(Stop::Solver(stopped.into())))
        }
        (Ok(()), None, Engine::Explicit { max_states }) => {
            decided.by = Some(DecidedBy::Explicit);
            explicit_verdict(charter, command, depth, max_states, budget)
        }
    };
    let verdict = match result {
        Ok(verdict) => verdict,
        Err(Stop::Solver(SolverUnknown {
            stopped: Some(stopped),
            ..
        })) => Verdict::Unknown {
            reason: UnknownReason::Budget(stopped),
        },
        Err(Stop::Solver(unknown)) => Verdict::Unknown {
            reason: UnknownReason::Solver {
                message: unknown.reason,
            },
        },
        Err(Stop::Replay {
            found,
            depth,
            rejection,
        }) => Verdict::ReplayFailed {
            found,
            depth,
            message: rejection.to_string(),
        },
    };
    let kind = OutcomeKind::of(&command.kind);
    let (property, text, property_span) = match &command.kind {
        CommandKind::Check(id) | CommandKind::Prove(id) => {
            let formula = charter.formula(*id);
            (
                Some(formula.name.clone()),
                formula.text.clone(),
                formula.span,
            )
        }
        CommandKind::Scenario { text, goal } => (None, text.clone(), goal.span),
    };
    let rests_on = rests_on(charter, plan, &verdict, lemmas.used, blockings);
    let acknowledged = rests_on
        .as_ref()
        .is_none_or(|r| r.unacknowledged.is_empty() && r.stale.is_empty() && r.unsettled.is_none());
    let as_expected = command
        .expect
        .is_none_or(|expect| meets(&command.kind, expect, &verdict) && acknowledged);
    let scopes = charter.abstract_scopes(&command.scopes);
    let clauses_used = match &verdict {
        Verdict::Counterexample { trace, .. } => trace.clauses_used(),
        _ => Vec::new(),
    };
    // Only a verdict an engine reached names it.
    let decided_by = decided.by.filter(|_| match &verdict {
        Verdict::Unknown { .. } | Verdict::ReplayFailed { .. } => false,
        Verdict::Proved { .. }
        | Verdict::Counterexample { .. }
        | Verdict::Witness { .. }
        | Verdict::NoneUpTo { .. } => true,
    });
    Outcome {
        clauses_used,
        rests_on,
        decided_by,
        lemmas: lemmas.reports,
        measure: lemmas.measure,
        reading: reading_of(charter),
        comparison: None,
        command: command.name.clone(),
        kind,
        property,
        text,
        depth,
        scopes,
        expect: command.expect,
        verdict,
        as_expected,
        span: command.span,
        property_span,
    }
}

/// Whether a verdict is what the command's `expect` says.
pub fn meets(kind: &CommandKind, expect: Expectation, verdict: &Verdict) -> bool {
    match (expect, verdict) {
        (Expectation::Proved, Verdict::Proved { .. }) => true,
        (Expectation::Counterexample, Verdict::Counterexample { .. }) => true,
        (Expectation::Witness, Verdict::Witness { .. }) => true,
        (Expectation::Unknown, Verdict::Unknown { .. }) => true,
        (Expectation::NoCounterexample, Verdict::NoneUpTo { .. }) => {
            matches!(kind, CommandKind::Check(_))
        }
        (Expectation::NoWitness, Verdict::NoneUpTo { .. }) => {
            matches!(kind, CommandKind::Scenario { .. })
        }
        _ => false,
    }
}

/// Why a command ended without a verdict of its own.
enum Stop {
    Solver(SolverUnknown),
    /// A history found did not replay.
    Replay {
        found: Found,
        depth: usize,
        rejection: eval::Rejection,
    },
}

impl From<SolverUnknown> for Stop {
    fn from(unknown: SolverUnknown) -> Stop {
        Stop::Solver(unknown)
    }
}

/// What a command's histories must end with, for replay.
pub fn ending<'h>(charter: &'h hir::Charter, command: &'h Command) -> Ending<'h> {
    match &command.kind {
        CommandKind::Check(id) | CommandKind::Prove(id) => {
            let formula = charter.formula(*id);
            Ending::Violates(&formula.name, &formula.body)
        }
        CommandKind::Scenario { goal, .. } => Ending::Reaches(&command.name, goal),
    }
}

fn verdict(
    charter: &hir::Charter,
    command: &Command,
    depth: usize,
    limits: &Limits,
    lemmas_asked: &mut lemmas::Asked,
    lemma_cache: &mut lemmas::Cache,
    decided: &mut portfolio::Decided,
) -> Result<Verdict, Stop> {
    let mut lowered = lower::lower(charter, command);
    let objectives = lower::objectives(charter, command, &mut lowered);
    let system = &lowered.system;
    let model = eval::Model::new(charter, &command.scopes);
    let found = Found::of(&command.kind);
    // Every history is replayed through `eval` before it is shown, and
    // shown as replayed.
    let show = |raw: &solve::RawTrace| -> Result<Trace, Stop> {
        let (history, free) = trace::history(&model, &system.terms, &lowered.layout, raw);
        let depth = history.steps.len();
        let credit = trace::Credit::Spec;
        // A liveness counterexample is a lasso: replayed with its loop.
        let loop_start = lowered.layout.lasso.map(|l| liveness::loop_start(raw, l));
        let ending = loop_start
            .and_then(|at| liveness::ending(charter, command, at))
            .unwrap_or(ending(charter, command));
        let mut trace =
            trace::replayed(&model, history, &free, credit, ending).map_err(|rejection| {
                Stop::Replay {
                    found,
                    depth,
                    rejection,
                }
            })?;
        trace.loop_start = loop_start;
        Ok(trace)
    };
    // A shortest history found, made the simplest of its length (see
    // `solve::minimise`) where it was found, then replayed and shown as
    // every history is.
    let present = |found: portfolio::Found| -> Result<Trace, Stop> {
        let Some(minimised) = found.minimised else {
            return show(&found.raw);
        };
        let mut trace = show(&minimised.trace)?;
        trace.minimised = Some(trace::Minimality {
            minimal: minimised.minimal,
            counts: minimised.counts,
            stopped: minimised.stopped,
        });
        Ok(trace)
    };
    // Liveness commands (a lasso) are decided one engine after the other,
    // as before the portfolio.
    let safety = lowered.layout.lasso.is_none();
    let measure = std::sync::Mutex::new(None);
    let ask = portfolio::Ask {
        charter,
        command,
        system,
        objectives: &objectives,
        depth,
        limits: &Limits {
            portfolio: limits.portfolio && safety,
            ..limits.clone()
        },
        research: safety,
        lowered: &lowered,
        measure: &measure,
    };
    let decision = match &command.kind {
        CommandKind::Check(_) => portfolio::check(&ask, lemma_cache, decided)?,
        CommandKind::Prove(id) => {
            // Lemmas first, proved together; those proved are assumed by
            // the proof of the goal, and each one's fate is reported.
            // Proved once per file (see `lemmas`).
            let reports = &mut lemmas_asked.reports;
            portfolio::prove(&ask, *id, lemma_cache, decided, reports)?
        }
        CommandKind::Scenario { .. } => {
            if !solve::initial_state_exists(system, limits)? {
                return Ok(Verdict::Unknown {
                    reason: UnknownReason::NoInitialState,
                });
            }
            let goal = system.goal.term;
            decided.by = Some(portfolio::DecidedBy::BoundedSearch);
            let minimising = limits.minimise.then_some(&objectives);
            match solve::search(system, goal, false, depth, limits, minimising)? {
                Search::Found {
                    depth,
                    trace,
                    minimised,
                } => {
                    let found = portfolio::Found {
                        depth,
                        raw: trace,
                        minimised: minimised.map(|m| *m),
                    };
                    return Ok(Verdict::Witness {
                        depth,
                        trace: present(found)?,
                    });
                }
                Search::NoneUpTo { depth } => return Ok(Verdict::NoneUpTo { depth }),
            }
        }
    };
    lemmas_asked.used = std::mem::take(&mut decided.used);
    lemmas_asked.measure = measure.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(match decision {
        portfolio::Decision::Verdict(verdict) => verdict,
        portfolio::Decision::Proved { k } => Verdict::Proved {
            method: Method::KInduction,
            k,
            assuming: liveness::assumed(charter, command),
        },
        portfolio::Decision::Found(found) => Verdict::Counterexample {
            depth: found.depth,
            trace: present(found)?,
        },
    })
}

/// A command's verdict by the explicit-state engine, made comparable with
/// the SMT engine's: `check` and `scenario` stay bounded by the depth (a
/// `check` without a violation is "none up to", as with SMT), `prove`
/// explores every reachable state; the vacuity checks are the same.
fn explicit_verdict(
    charter: &hir::Charter,
    command: &Command,
    depth: usize,
    max_states: usize,
    budget: &crate::budget::Budget,
) -> Result<Verdict, Stop> {
    if let Some(formula) = liveness::formula(charter, command) {
        return liveness::explicit(charter, command, formula, depth, max_states, budget);
    }
    let limits = explore::Limits::new(max_states, budget);
    let model = eval::Model::new(charter, &command.scopes);
    let found = Found::of(&command.kind);
    let (goal, target) = match &command.kind {
        CommandKind::Check(id) | CommandKind::Prove(id) => {
            (&charter.formula(*id).body, explore::Target::Violation)
        }
        CommandKind::Scenario { goal, .. } => (goal, explore::Target::Witness),
    };
    let antecedent = match (&command.kind, &goal.kind) {
        (CommandKind::Scenario { .. }, _) => None,
        (_, hir::ExprKind::Binary(hir::BinaryOp::Implies, lhs, _)) => Some(lhs.as_ref()),
        _ => None,
    };
    let bound = match command.kind {
        CommandKind::Prove(_) => None,
        _ => Some(depth),
    };
    let unknown = |reason| Ok(Verdict::Unknown { reason });
    match explore::search(&model, goal, antecedent, target, bound, &limits) {
        explore::Found::NoInitialState => unknown(UnknownReason::NoInitialState),
        explore::Found::Stopped(explore::Stopped::Budget(stopped)) => {
            unknown(UnknownReason::Budget(stopped))
        }
        explore::Found::Stopped(stopped) => unknown(UnknownReason::ExplicitLimit(stopped)),
        explore::Found::Budget { max } => unknown(UnknownReason::StateBudget { max_states: max }),
        explore::Found::Unsupported { what } => {
            unknown(UnknownReason::ExplicitUnsupported { what })
        }
        explore::Found::Target(history) => {
            let depth = history.steps.len();
            let free = trace::Free::default();
            let credit = trace::Credit::Replay;
            let trace = trace::replayed(&model, history, &free, credit, ending(charter, command))
                .map_err(|rejection| Stop::Replay {
                found,
                depth,
                rejection,
            })?;
            Ok(match target {
                explore::Target::Violation => Verdict::Counterexample { depth, trace },
                explore::Target::Witness => Verdict::Witness { depth, trace },
            })
        }
        explore::Found::None {
            depth: reached,
            antecedent_at,
            ..
        } => {
            let vacuous = antecedent.is_some() && antecedent_at.is_none_or(|at| at > depth);
            if vacuous && target == explore::Target::Violation {
                return unknown(UnknownReason::VacuousAntecedent { depth });
            }
            Ok(match command.kind {
                CommandKind::Prove(_) => Verdict::Proved {
                    method: Method::Exhaustive,
                    k: reached,
                    assuming: None,
                },
                _ => Verdict::NoneUpTo { depth },
            })
        }
    }
}

//! `check` and `prove` of a safety property: induction and the bounded
//! search side by side on two threads (each thread its own Z3 context),
//! the first decisive answer winning and the other engine cancelled, or
//! one after the other (`--no-portfolio`, liveness commands).
//!
//! The verdict does not depend on which engine finishes first:
//!
//! - `check`: the search side does what the serial path does, in the same
//!   order on a fresh context (initial state, induction without lemmas up
//!   to k = 2, the bounded search, minimisation), so a counterexample is
//!   the one the serial path shows. The induction side assumes the lemmas
//!   proved at k = 2 (see `lemmas::Cache`) and goes on to k = depth. A
//!   proof within k = 2 is taken only once the search side's own short
//!   induction did not close (as serially, where it comes first), and
//!   rests on the lemmas it assumed; a proof at a larger k gives the same
//!   verdict as the search that it spares ("no counterexample up to the
//!   depth", resting on no lemma: they are proved), and says in
//!   [`DecidedBy`] which lemmas it assumed.
//! - `prove`: the induction side is the serial proof (lemmas first,
//!   proved once per file); the search side looks for a violation in
//!   fewer than `depth` steps (the base cases' range). A counterexample
//!   is always the search's, found and minimised on a fresh context:
//!   serially, a violation the base case finds is searched again so.
//!
//! Only [`DecidedBy`] (JSON's `decided_by`) may name a different engine
//! from one run to the next, where both would decide.

use std::sync::mpsc;

use serde::Serialize;

use super::{lemmas, UnknownReason, Verdict, INDUCTION_SHORTCUT_K};
use crate::budget::{self, Cancel};
use crate::hir::{self, CommandKind, FormulaId};
use crate::ir::{Objectives, System};
use crate::solve::{self, Limits, Minimised, Proof, RawTrace, Search, SolverUnknown};

/// Which engine decided a verdict (where two run side by side and both
/// would decide, the first to finish).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "engine", rename_all = "snake_case")]
pub enum DecidedBy {
    /// The bounded search (for a counterexample: the shortest one).
    BoundedSearch,
    /// k-induction at `k`, assuming `lemmas` (proved first).
    KInduction { k: usize, lemmas: Vec<String> },
    /// The explicit-state engine (`--engine explicit`).
    Explicit,
}

/// What a command asks of the engines.
pub(super) struct Ask<'a> {
    pub charter: &'a hir::Charter,
    pub command: &'a hir::Command,
    pub system: &'a System,
    pub objectives: &'a Objectives,
    pub depth: usize,
    pub limits: &'a Limits,
    /// Whether a violation the base case of `prove` finds is searched
    /// again (off for liveness, whose lassos stay the base case's).
    pub research: bool,
    /// The lowered command, for a liveness `prove`'s `decreasing` measure.
    pub lowered: &'a crate::lower::Lowered,
    /// What became of the measure's candidates (see `decreasing`).
    pub measure: &'a std::sync::Mutex<Option<super::MeasureReport>>,
}

/// A history an engine found, made the simplest of its length on the
/// thread (so in the Z3 context) that found it.
pub(super) struct Found {
    pub depth: usize,
    pub raw: RawTrace,
    /// `None` where minimisation is off.
    pub minimised: Option<Minimised>,
}

/// How a command ended, before its history (if any) is replayed.
pub(super) enum Decision {
    Verdict(Verdict),
    /// `prove`: proved by k-induction at `k`.
    Proved {
        k: usize,
    },
    Found(Found),
}

/// What a decision rests on: the lemmas it assumed (for `RestsOn`), and
/// which engine decided.
#[derive(Default)]
pub(super) struct Decided {
    pub used: Vec<String>,
    pub by: Option<DecidedBy>,
}

fn simplest(ask: &Ask, limits: &Limits, depth: usize, raw: RawTrace) -> Found {
    let minimised = limits.minimise.then(|| {
        let goal = ask.system.goal.term;
        solve::minimise(ask.system, ask.objectives, goal, true, depth, &raw, limits)
    });
    Found {
        depth,
        raw,
        minimised,
    }
}

/// The bounded search for a violation of the property in at most
/// `max_depth` steps, its history minimised on the search's solver (see
/// `solve::search`); `Err(depth)` where none exists up to `depth`.
fn violation(
    ask: &Ask,
    limits: &Limits,
    max_depth: usize,
) -> Result<Result<Found, usize>, SolverUnknown> {
    let goal = ask.system.goal.term;
    let minimising = limits.minimise.then_some(ask.objectives);
    Ok(
        match solve::search(ask.system, goal, true, max_depth, limits, minimising)? {
            Search::Found {
                depth,
                trace,
                minimised,
            } => Ok(Found {
                depth,
                raw: trace,
                minimised: minimised.map(|m| *m),
            }),
            Search::NoneUpTo { depth } => Err(depth),
        },
    )
}

/// The vacuity check of a verdict that holds: unknown where the property's
/// antecedent holds in no history of up to `depth` steps.
pub(super) fn vacuous(ask: &Ask, limits: &Limits) -> Result<Option<Verdict>, SolverUnknown> {
    let Some(antecedent) = ask.system.goal.antecedent else {
        return Ok(None);
    };
    Ok(
        match solve::search(ask.system, antecedent, false, ask.depth, limits, None)? {
            Search::Found { .. } => None,
            Search::NoneUpTo { depth } => Some(Verdict::Unknown {
                // A liveness property's antecedent is a fair lasso.
                reason: super::liveness::vacuous(ask.charter, ask.command, Some(depth))
                    .unwrap_or(UnknownReason::VacuousAntecedent { depth }),
            }),
        },
    )
}

/// A proof by induction, and the lemmas it assumed.
type Closed = Option<(usize, Vec<String>)>;

/// How the search side of `check` ended.
enum SearchEnd {
    NoInitialState,
    /// Induction within k = 2 closed, assuming `lemmas`; then the vacuity
    /// check's verdict, if vacuous.
    Proved {
        k: usize,
        lemmas: Vec<String>,
        vacuous: Option<Verdict>,
    },
    Found(Found),
    NoneUpTo {
        depth: usize,
        vacuous: Option<Verdict>,
    },
}

/// The search side of `check`, which is the serial path with `shortcut`
/// (the induction assuming lemmas) between the short induction and the
/// search. `open` is told when the short induction did not close.
fn search_side(
    ask: &Ask,
    limits: &Limits,
    open: &dyn Fn(),
    shortcut: &mut dyn FnMut() -> Closed,
) -> Result<SearchEnd, SolverUnknown> {
    let system = ask.system;
    if !solve::initial_state_exists(system, limits)? {
        return Ok(SearchEnd::NoInitialState);
    }
    let goal = system.goal.term;
    // A property that k-induction proves at a small k has no
    // counterexample at any depth: no need to search every depth. The
    // verdict stays the bounded one the command asked for.
    if limits.induction_first {
        let k = INDUCTION_SHORTCUT_K.min(ask.depth);
        let closed = match solve::prove(system, goal, &[], k, limits)? {
            Proof::Proved { k } => Some((k, Vec::new())),
            Proof::Refuted { depth, trace } => {
                return Ok(SearchEnd::Found(simplest(ask, limits, depth, trace)));
            }
            Proof::Open { .. } => {
                open();
                shortcut()
            }
        };
        if let Some((k, lemmas)) = closed {
            let vacuous = vacuous(ask, limits)?;
            return Ok(SearchEnd::Proved { k, lemmas, vacuous });
        }
    }
    match violation(ask, limits, ask.depth)? {
        Ok(found) => Ok(SearchEnd::Found(found)),
        Err(depth) => Ok(SearchEnd::NoneUpTo {
            depth,
            vacuous: vacuous(ask, limits)?,
        }),
    }
}

/// The property's id, where it is a formula.
fn goal_id(command: &hir::Command) -> Option<FormulaId> {
    match command.kind {
        CommandKind::Check(id) | CommandKind::Prove(id) => Some(id),
        CommandKind::Scenario { .. } => None,
    }
}

/// The induction side of `check`: assuming the lemmas proved at k = 2,
/// induction up to k = depth; `prelude` is told once whether it closed
/// within k = 2 assuming lemmas (what the serial path tries).
fn induction_side(
    ask: &Ask,
    cache: &mut lemmas::Cache,
    limits: &Limits,
    prelude: &dyn Fn(Closed),
) -> Closed {
    let short = INDUCTION_SHORTCUT_K.min(ask.depth);
    let prelude_k = short.max(1);
    let proved = cache
        .proved(
            ask.charter,
            &ask.command.scopes,
            short,
            limits,
            goal_id(ask.command),
        )
        .unwrap_or_default();
    let (assumed, names) = lemmas::assumed(ask.charter, ask.system, &proved);
    let told = std::cell::Cell::new(false);
    let tell = |closed: Closed| {
        if !told.replace(true) {
            prelude(closed);
        }
    };
    if assumed.is_empty() {
        // Without lemmas, induction beyond k = 2 rarely closes where the
        // search side's own did not, and it costs the search a core's
        // memory bandwidth (N = 1000, k = 50: 1.7x as long).
        tell(None);
        return None;
    }
    let goal = ask.system.goal.term;
    let max_k = ask.depth.max(prelude_k);
    let mut open = |k: usize| {
        if k >= prelude_k {
            tell(None);
        }
    };
    let closed = match solve::prove_observed(ask.system, goal, &assumed, max_k, limits, &mut open) {
        Ok(Proof::Proved { k }) => Some((k, names)),
        _ => None,
    };
    tell(closed.clone().filter(|(k, _)| *k <= prelude_k));
    closed
}

/// `check` of a safety property: a counterexample within the depth, or
/// none (found by the search or implied by a proof).
pub(super) fn check(
    ask: &Ask,
    cache: &mut lemmas::Cache,
    decided: &mut Decided,
) -> Result<Decision, SolverUnknown> {
    let end = if ask.limits.portfolio && ask.limits.induction_first {
        match check_side_by_side(ask, cache)? {
            Choice::Search(end) => *end,
            Choice::Induction { k, lemmas, prelude } => {
                let verdict = vacuous(ask, ask.limits)?;
                if prelude {
                    decided.used = lemmas.clone();
                }
                decided.by = Some(DecidedBy::KInduction { k, lemmas });
                let none = Verdict::NoneUpTo { depth: ask.depth };
                return Ok(Decision::Verdict(verdict.unwrap_or(none)));
            }
        }
    } else {
        let (charter, command, system) = (ask.charter, ask.command, ask.system);
        let k = INDUCTION_SHORTCUT_K.min(ask.depth);
        let mut shortcut = || {
            let mut used = Vec::new();
            let asked = (charter, command, system);
            match lemmas::shortcut(cache, asked, k, ask.limits, &mut used) {
                Proof::Proved { k } => Some((k, used)),
                _ => None,
            }
        };
        search_side(ask, ask.limits, &|| {}, &mut shortcut)?
    };
    Ok(match end {
        SearchEnd::NoInitialState => Decision::Verdict(Verdict::Unknown {
            reason: UnknownReason::NoInitialState,
        }),
        SearchEnd::Proved { k, lemmas, vacuous } => {
            decided.used = lemmas.clone();
            decided.by = Some(DecidedBy::KInduction { k, lemmas });
            let none = Verdict::NoneUpTo { depth: ask.depth };
            Decision::Verdict(vacuous.unwrap_or(none))
        }
        SearchEnd::Found(found) => {
            decided.by = Some(DecidedBy::BoundedSearch);
            Decision::Found(found)
        }
        SearchEnd::NoneUpTo { depth, vacuous } => {
            decided.by = Some(DecidedBy::BoundedSearch);
            Decision::Verdict(vacuous.unwrap_or(Verdict::NoneUpTo { depth }))
        }
    })
}

/// What the two sides of `check` tell.
enum CheckEvent {
    SearchOpen,
    Search(Box<Result<SearchEnd, SolverUnknown>>),
    Prelude(Closed),
    Induction(Closed),
}

/// Which side's answer `check` takes.
enum Choice {
    Search(Box<SearchEnd>),
    Induction {
        k: usize,
        lemmas: Vec<String>,
        /// Closed within k = 2 (where the serial path tries it).
        prelude: bool,
    },
}

#[derive(Default)]
struct CheckState {
    search_open: bool,
    search: Option<Result<SearchEnd, SolverUnknown>>,
    prelude: Option<Closed>,
    induction: Option<Closed>,
}

impl CheckState {
    /// Which side the verdict is taken from, once that is settled.
    fn choice(&mut self) -> Option<Result<Choice, SolverUnknown>> {
        let induction = |closed: &Closed, prelude: bool| {
            closed
                .clone()
                .map(|(k, lemmas)| Ok(Choice::Induction { k, lemmas, prelude }))
        };
        // The serial path's lemma shortcut, where its own did not close.
        if let (true, Some(closed @ Some(_))) = (self.search_open, &self.prelude) {
            return induction(closed, true);
        }
        let prelude_settled = self.prelude.is_some() || self.induction.is_some();
        match &self.search {
            Some(Ok(SearchEnd::NoneUpTo { .. })) if !prelude_settled => None,
            Some(Err(_)) if self.induction.is_none() => None,
            Some(Err(_)) if self.search_open && self.induction.as_ref()?.is_some() => {
                induction(self.induction.as_ref()?, false)
            }
            Some(_) => self
                .search
                .take()
                .map(|end| end.map(|end| Choice::Search(Box::new(end)))),
            None if self.search_open && prelude_settled => {
                induction(self.induction.as_ref()?, false)
            }
            None => None,
        }
    }
}

/// A budget for one side, which the other's win cancels.
fn side(limits: &Limits) -> (Limits, Cancel) {
    let (budget, cancel) = limits.budget.cancellable();
    (
        Limits {
            budget,
            ..limits.clone()
        },
        cancel,
    )
}

/// Runs `work` on a new thread of `scope` with the crate's stack, watched
/// by `limits`' budget, then `done` with its result; on this thread, to
/// the end, if no thread can be started.
fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    limits: &'scope Limits,
    work: impl FnOnce() -> T + Send + 'scope,
    stopped: impl FnOnce(budget::Stopped) -> T + Send + 'scope,
    done: impl FnOnce(T) + Send + 'scope,
) {
    let run = move || {
        let result = budget::watched(&limits.budget, work).unwrap_or_else(stopped);
        done(result);
    };
    let run = std::sync::Arc::new(std::sync::Mutex::new(Some(run)));
    let take = |run: &std::sync::Mutex<Option<_>>| run.lock().ok().and_then(|mut r| r.take());
    let there = run.clone();
    let spawned = std::thread::Builder::new()
        .stack_size(crate::STACK_BYTES)
        .spawn_scoped(scope, move || {
            if let Some(run) = take(&there) {
                run();
            }
        });
    if spawned.is_err() {
        if let Some(run) = take(&run) {
            run();
        }
    }
}

fn check_side_by_side(ask: &Ask, cache: &mut lemmas::Cache) -> Result<Choice, SolverUnknown> {
    let (search_limits, cancel_search) = side(ask.limits);
    let (induction_limits, cancel_induction) = side(ask.limits);
    let (tx, rx) = mpsc::channel();
    let (search_side_limits, induction_side_limits) = (&search_limits, &induction_limits);
    std::thread::scope(|scope| {
        let (prelude, done) = (tx.clone(), tx.clone());
        spawn(
            scope,
            induction_side_limits,
            move || {
                let prelude = |closed| drop(prelude.send(CheckEvent::Prelude(closed)));
                induction_side(ask, cache, induction_side_limits, &prelude)
            },
            |_| None,
            move |closed| drop(done.send(CheckEvent::Induction(closed))),
        );
        let (open, done) = (tx.clone(), tx);
        spawn(
            scope,
            search_side_limits,
            move || {
                let open = || drop(open.send(CheckEvent::SearchOpen));
                search_side(ask, search_side_limits, &open, &mut || None)
            },
            |stopped| Err(stopped.into()),
            move |end| drop(done.send(CheckEvent::Search(Box::new(end)))),
        );
        let mut state = CheckState::default();
        let choice = loop {
            let Ok(event) = rx.recv() else {
                break Err(SolverUnknown::gave_up(
                    "internal error: the engines ended without an answer",
                ));
            };
            match event {
                CheckEvent::SearchOpen => state.search_open = true,
                CheckEvent::Search(end) => state.search = Some(*end),
                CheckEvent::Prelude(closed) => state.prelude = Some(closed),
                CheckEvent::Induction(closed) => state.induction = Some(closed),
            }
            if let Some(choice) = state.choice() {
                break choice;
            }
        };
        cancel_search.cancel();
        cancel_induction.cancel();
        choice
    })
}

/// How the induction side of `prove` ended.
enum ProveEnd {
    NoInitialState,
    Proved {
        k: usize,
        vacuous: Option<Box<Verdict>>,
    },
    Refuted {
        depth: usize,
        raw: RawTrace,
    },
    Open {
        k: usize,
    },
}

/// The lemmas' fates, as `prove` reports them.
type Fates = Result<Vec<(FormulaId, lemmas::LemmaFate)>, SolverUnknown>;

/// The induction side of `prove` (the serial path but for the search of a
/// counterexample): lemmas (under the run's own budget: their fates are
/// reported whichever side wins), then k-induction assuming those proved.
fn prove_side(
    ask: &Ask,
    id: FormulaId,
    cache: &mut lemmas::Cache,
    limits: &Limits,
    fated: &dyn Fn(&Fates),
) -> Result<ProveEnd, SolverUnknown> {
    let system = ask.system;
    if !solve::initial_state_exists(system, limits)? {
        return Ok(ProveEnd::NoInitialState);
    }
    let fates = cache.fates(
        ask.charter,
        &ask.command.scopes,
        ask.depth,
        ask.limits,
        Some(id),
    );
    fated(&fates);
    let (proved, _) = lemmas::assumed(ask.charter, system, &lemmas::proved_of(&fates?));
    let mut measure = ask.measure.lock().unwrap_or_else(|e| e.into_inner());
    let measure_hint = ask.command.decreasing.as_ref();
    let proved = super::decreasing::assumed(
        ask.lowered,
        measure_hint,
        proved,
        ask.depth,
        limits,
        &mut measure,
    )?;
    drop(measure);
    Ok(
        match solve::prove(system, system.goal.term, &proved, ask.depth, limits)? {
            Proof::Proved { k } => ProveEnd::Proved {
                k,
                vacuous: vacuous(ask, limits)?.map(Box::new),
            },
            Proof::Refuted { depth, trace } => ProveEnd::Refuted { depth, raw: trace },
            Proof::Open { k } => ProveEnd::Open { k },
        },
    )
}

/// The search side of `prove`: a violation in at most `max_depth` steps.
fn refute_side(
    ask: &Ask,
    limits: &Limits,
    max_depth: usize,
) -> Result<Option<Found>, SolverUnknown> {
    Ok(violation(ask, limits, max_depth)?.ok())
}

/// `prove` of a safety property: proved, or a counterexample.
pub(super) fn prove(
    ask: &Ask,
    id: FormulaId,
    cache: &mut lemmas::Cache,
    decided: &mut Decided,
    reports: &mut Vec<lemmas::LemmaReport>,
) -> Result<Decision, SolverUnknown> {
    let fates = std::cell::RefCell::new(None);
    let (end, found) = if ask.limits.portfolio {
        let (end, found, told) = prove_side_by_side(ask, id, cache);
        *fates.borrow_mut() = told;
        (end, found)
    } else {
        let fated = |f: &Fates| *fates.borrow_mut() = Some(f.clone());
        let end = prove_side(ask, id, cache, ask.limits, &fated);
        // A violation the base case found, searched again on a context of
        // its own: the history the portfolio's search shows.
        let found = match &end {
            Ok(ProveEnd::Refuted { depth, .. }) if ask.research => {
                let depth = *depth;
                crate::with_stack(|| refute_side(ask, ask.limits, depth))
            }
            _ => Ok(None),
        };
        (Some(end), found)
    };
    if let Some(Ok(fates)) = fates.into_inner() {
        *reports = lemmas::reports(ask.charter, &fates);
        decided.used = lemmas::assumed(ask.charter, ask.system, &lemmas::proved_of(&fates)).1;
    }
    if let Ok(Some(found)) = found {
        decided.by = Some(DecidedBy::BoundedSearch);
        return Ok(Decision::Found(found));
    }
    let end = match (end, found) {
        (Some(end), _) => end,
        (None, Err(unknown)) => Err(unknown),
        (None, Ok(_)) => Err(SolverUnknown::gave_up(
            "internal error: the engines ended without an answer",
        )),
    };
    Ok(match end? {
        ProveEnd::NoInitialState => Decision::Verdict(Verdict::Unknown {
            reason: UnknownReason::NoInitialState,
        }),
        ProveEnd::Proved { k, vacuous } => {
            decided.by = Some(DecidedBy::KInduction {
                k,
                lemmas: decided.used.clone(),
            });
            match vacuous {
                Some(verdict) => Decision::Verdict(*verdict),
                None => Decision::Proved { k },
            }
        }
        ProveEnd::Refuted { depth, raw } => {
            // The search again gave up (a solver limit): the base case's
            // own history, made the simplest here.
            decided.by = Some(DecidedBy::BoundedSearch);
            Decision::Found(simplest(ask, ask.limits, depth, raw))
        }
        ProveEnd::Open { k } => Decision::Verdict(Verdict::Unknown {
            reason: UnknownReason::InductionOpen { k },
        }),
    })
}

enum ProveEvent {
    Fates(Fates),
    Induction(Result<ProveEnd, SolverUnknown>),
    Search(Result<Option<Found>, SolverUnknown>),
}

/// The induction side's end (if taken), the search side's, and the
/// lemmas' fates (if known).
type ProveAnswers = (
    Option<Result<ProveEnd, SolverUnknown>>,
    Result<Option<Found>, SolverUnknown>,
    Option<Fates>,
);

fn prove_side_by_side(ask: &Ask, id: FormulaId, cache: &mut lemmas::Cache) -> ProveAnswers {
    let (induction_limits, cancel_induction) = side(ask.limits);
    let (search_limits, cancel_search) = side(ask.limits);
    let (tx, rx) = mpsc::channel();
    // The base cases examine depths up to depth - 1.
    let max_depth = ask.depth.max(1) - 1;
    let (search_side_limits, induction_side_limits) = (&search_limits, &induction_limits);
    std::thread::scope(|scope| {
        let (fated, done) = (tx.clone(), tx.clone());
        spawn(
            scope,
            induction_side_limits,
            move || {
                let fated = |fates: &Fates| drop(fated.send(ProveEvent::Fates(fates.clone())));
                prove_side(ask, id, cache, induction_side_limits, &fated)
            },
            |stopped| Err(stopped.into()),
            move |end| drop(done.send(ProveEvent::Induction(end))),
        );
        spawn(
            scope,
            search_side_limits,
            move || refute_side(ask, search_side_limits, max_depth),
            |stopped| Err(stopped.into()),
            move |found| drop(tx.send(ProveEvent::Search(found))),
        );
        let (mut fates, mut induction, mut search) = (None, None, None);
        while let Ok(event) = rx.recv() {
            match event {
                ProveEvent::Fates(told) => fates = Some(told),
                ProveEvent::Induction(end) => induction = Some(end),
                ProveEvent::Search(found) => search = Some(found),
            }
            // A counterexample, once the lemmas' fates are known (they are
            // reported with it) or will never be.
            let found = matches!(search, Some(Ok(Some(_))));
            if found && (fates.is_some() || induction.is_some()) {
                break;
            }
            // A proof, or no violation there (then the search finds none).
            let decisive = matches!(
                induction,
                Some(Ok(ProveEnd::Proved { .. } | ProveEnd::NoInitialState))
            );
            if decisive || (induction.is_some() && search.is_some()) {
                break;
            }
        }
        cancel_induction.cancel();
        cancel_search.cancel();
        let search = search.unwrap_or(Ok(None));
        // The winner's answer only: the loser's, cancelled, is dropped.
        let induction = match &search {
            Ok(Some(_)) => None,
            _ => induction,
        };
        (induction, search, fates)
    })
}

//! The only module that touches Z3. It answers questions about an
//! [`ir::System`]: bounded model checking (one incremental solver across
//! depths, an assumption literal per depth, so the first counterexample
//! found is a shortest one), k-induction with simple-path constraints and
//! lemmas, and SMT-LIB export. Models leave as [`RawTrace`]s of plain values.
//!
//! Z3's context is thread-local and its terms are not `Send`: nothing
//! built here escapes the call that built it.

pub mod blame;
mod encode;
pub mod joint;
mod minimise;
pub mod product;
mod together;

pub use encode::{RawTrace, RawValue};
pub use minimise::{minimise, Counts, Minimised};
pub use together::{prove_together, prove_together_assuming, LemmaProof};

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use z3::ast::Bool;
use z3::{Params, SatResult, Solver};

use crate::budget::{Budget, Stopped};
use crate::ir::{Objectives, System, TermId};
use encode::Unrolling;

/// Serialises solver work across threads. Z3's contexts are per thread,
/// but some of its state is process-wide (its symbol table, its memory),
/// and the models it finds depend on it: two commands solved at once on
/// two threads can each get a different (equally valid) history than when
/// solved alone. Whoever needs reproducible results holds this while
/// solving, unless `limits` say commands run side by side
/// ([`Limits::exclusive`] off: `charter --jobs`).
pub fn exclusive(limits: &Limits) -> Option<std::sync::MutexGuard<'static, ()>> {
    static SOLVER: std::sync::Mutex<()> = std::sync::Mutex::new(());
    limits.exclusive.then(|| {
        SOLVER
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    })
}

/// How to run the solver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The run's time and memory budget, and its stop signal: every solver
    /// call ends when it is spent.
    pub budget: Budget,
    /// Deterministic resource limit per solver call (Z3's `rlimit`).
    pub rlimit: Option<u64>,
    /// The time limit of each of `charter lint`'s questions (with its
    /// blame), beside the run's; `None`: lint's own default
    /// (`lint::query_time`).
    pub query_time: Option<Duration>,
    pub seed: u32,
    /// Break the symmetry of abstract sorts (sound; off only to measure).
    pub symmetry: bool,
    /// Before a bounded search, try a short k-induction (sound; off only to
    /// measure the bounded search itself).
    pub induction_first: bool,
    /// Run induction and the bounded search of `check` and `prove` side by
    /// side on two threads, the first decisive answer winning (the verdict
    /// is the same as one after the other; off: `--no-portfolio`).
    pub portfolio: bool,
    /// Minimise the content of counterexamples and witnesses at their
    /// length (on by default; off only to measure what it costs).
    pub minimise: bool,
    /// The most candidate states the joint obligation check of `charter
    /// lint` examines before it stops, incomplete.
    pub joint_rounds: usize,
    /// Whether each command and lint holds [`exclusive`] while it solves
    /// (on by default; off where files run side by side, `--jobs`).
    pub exclusive: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            budget: Budget::default(),
            rlimit: None,
            query_time: None,
            seed: 0,
            symmetry: true,
            induction_first: true,
            portfolio: true,
            minimise: true,
            joint_rounds: joint::MAX_ROUNDS,
            exclusive: true,
        }
    }
}

/// Why the solver could not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolverUnknown {
    pub reason: String,
    /// Set when the run's budget ended the work (rather than the solver
    /// giving up on its own).
    pub stopped: Option<Stopped>,
}

impl SolverUnknown {
    /// The solver gave up on its own.
    pub fn gave_up(reason: impl Into<String>) -> SolverUnknown {
        SolverUnknown {
            reason: reason.into(),
            stopped: None,
        }
    }

    /// A budget stop, placed at `depth` unless it already has a place.
    pub fn at(mut self, depth: usize) -> SolverUnknown {
        if let Some(stopped) = &mut self.stopped {
            if stopped.depth.is_none() {
                stopped.depth = Some(depth);
                self.reason = stopped.to_string();
            }
        }
        self
    }
}

impl From<Stopped> for SolverUnknown {
    fn from(stopped: Stopped) -> SolverUnknown {
        SolverUnknown {
            reason: stopped.to_string(),
            stopped: Some(stopped),
        }
    }
}

/// The answer of a bounded search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// A history of `depth` steps ending in a state where the target holds;
    /// `minimised` where the search was asked to minimise it.
    Found {
        depth: usize,
        trace: RawTrace,
        minimised: Option<Box<Minimised>>,
    },
    /// No such history of at most `depth` steps.
    NoneUpTo { depth: usize },
}

/// The answer of an unbounded proof attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proof {
    /// The goal holds in every reachable state: k-induction closed at `k`.
    Proved { k: usize },
    /// A reachable violation.
    Refuted { depth: usize, trace: RawTrace },
    /// Induction did not close for any k up to `k` (and no violation
    /// exists in fewer than `k` steps).
    Open { k: usize },
}

fn new_solver(limits: &Limits) -> Solver {
    // Z3's own memory limit (`memory_max_size`) is not set: when Z3 hits
    // it, building a term returns null and the z3 crate panics. The
    // memory budget is kept instead by the binary's watch of the whole
    // process, which interrupts Z3 (see `check`), and by the estimates of
    // `check::size`, made before anything is built.
    let solver = Solver::new();
    let mut params = Params::new();
    // Relevancy filtering only pays off with quantifiers, which charter's
    // ground encodings never contain; off, the bounded searches of the
    // engine benchmark run about 40% faster.
    params.set_u32("smt.relevancy", 0);
    // Z3 compacts every model it builds (`model.compact`, made for
    // functions given as lookup tables, which charter's encodings never
    // contain: only constants). On a long unrolling that pass is most of
    // a model's cost (toy family, 200 members, 200 steps: 2.3 s per model
    // against 0.14 s without, a third of the command), and it changes no
    // constant's value.
    params.set_bool("model.compact", false);
    params.set_u32("random_seed", limits.seed);
    // Z3 would catch Ctrl-C itself during a call and cancel that call
    // alone; the run's budget catches it instead, and stops the run.
    params.set_bool("ctrl_c", false);
    solver.set_params(&params);
    set_rlimit(&solver, limits.rlimit);
    solver
}

/// Sets the resources (Z3's `rlimit`) each later call of `solver` may use
/// (`None`: no limit; the other parameters stay as they are).
fn set_rlimit(solver: &Solver, rlimit: Option<u64>) {
    let mut params = Params::new();
    // Z3 reads 0 as no limit.
    params.set_u32(
        "rlimit",
        rlimit.map_or(0, |r| r.clamp(1, u32::MAX as u64) as u32),
    );
    solver.set_params(&params);
}

/// One solver call under the run's budget. A watcher thread interrupts Z3
/// as soon as the budget is spent (the clock, the memory watch, Ctrl-C);
/// Z3 then gives up, and the answer says which limit ended it.
fn check(solver: &Solver, assumptions: &[Bool], budget: &Budget) -> Result<bool, SolverUnknown> {
    budget.check(None)?;
    let context = z3::Context::thread_local();
    let handle = context.handle();
    let done = AtomicBool::new(false);
    let answer = std::thread::scope(|scope| {
        let watcher = std::thread::Builder::new()
            .name("charter-watch".into())
            .stack_size(WATCHER_STACK)
            .spawn_scoped(scope, || {
                while !done.load(Ordering::Acquire) {
                    if budget.spent().is_some() {
                        // Repeated while the call lasts: an interrupt that
                        // comes before Z3 starts listening is lost.
                        handle.interrupt();
                    }
                    std::thread::park_timeout(WATCH_PERIOD);
                }
            });
        let answer = solver.check_assumptions(assumptions);
        done.store(true, Ordering::Release);
        if let Ok(watcher) = &watcher {
            watcher.thread().unpark();
        }
        (answer, watcher.is_ok())
    });
    match answer {
        (SatResult::Sat, _) => Ok(true),
        (SatResult::Unsat, _) => Ok(false),
        (SatResult::Unknown, watched) => {
            budget.check(None)?;
            let mut reason = solver
                .get_reason_unknown()
                .unwrap_or_else(|| "the solver gave up".to_string());
            if !watched {
                reason.push_str(" (the budget's watcher thread could not start)");
            }
            Err(SolverUnknown::gave_up(reason))
        }
    }
}

/// How often a solver call's watcher looks at the budget.
const WATCH_PERIOD: Duration = Duration::from_millis(20);
/// The watcher's stack: it only reads the budget.
const WATCHER_STACK: usize = 64 * 1024;

/// Whether any initial state exists (initial conditions and axioms agree).
pub fn initial_state_exists(system: &System, limits: &Limits) -> Result<bool, SolverUnknown> {
    let solver = new_solver(limits);
    let mut unrolling = Unrolling::new(system, "", limits.symmetry);
    unrolling.add_state(&solver);
    unrolling.assert_state(&solver, 0, true);
    check(&solver, &[], &limits.budget).map_err(|u| u.at(0))
}

/// Searches for the shortest history (of at most `max_depth` steps) ending in
/// a state where `target` holds (or, with `negate`, where it fails); with
/// `objectives`, the history found is then minimised on the search's own
/// solver (see [`minimise::after_search`]).
pub fn search(
    system: &System,
    target: TermId,
    negate: bool,
    max_depth: usize,
    limits: &Limits,
    objectives: Option<&Objectives>,
) -> Result<Search, SolverUnknown> {
    let solver = new_solver(limits);
    let mut unrolling = Unrolling::new(system, "", limits.symmetry);
    let mut one_step = OneStep::new(limits);
    for depth in 0..=max_depth {
        limits.budget.check(Some(depth))?;
        // Building this depth's question, stopped, says the depth too.
        let _examining = crate::budget::examining(depth);
        unrolling.add_state(&solver);
        unrolling.assert_state(&solver, depth, depth == 0);
        let mut goal = unrolling.bool_at(target, depth);
        if negate {
            goal = goal.not();
        }
        if depth > 0 && !one_step.reaches(&mut unrolling, target, negate, depth, &limits.budget) {
            // No step from a state like those at depth - 1 reaches the
            // target: a proven fact, as below, without the full search.
            solver.assert(goal.not());
            continue;
        }
        let activation = unrolling.fresh("depth");
        solver.assert(activation.implies(&goal));
        unrolling.flush(&solver);
        if check(&solver, std::slice::from_ref(&activation), &limits.budget)
            .map_err(|u| u.at(depth))?
        {
            let model = solver.get_model().ok_or_else(|| {
                SolverUnknown::gave_up("the solver found a history but gave no model")
            })?;
            let trace = unrolling.read(&model, depth);
            // The search's model is read: freed before minimisation,
            // which finds its own.
            drop(model);
            let minimised = objectives.map(|objectives| {
                let mut unrolling = unrolling;
                Box::new(minimise::after_search(
                    &solver,
                    &mut unrolling,
                    objectives,
                    &activation,
                    depth,
                    &trace,
                    limits,
                ))
            });
            return Ok(Search::Found {
                depth,
                trace,
                minimised,
            });
        }
        // No history of this depth reaches the target, so every history
        // avoids it here: a proven fact that spares the solver re-deriving
        // it at the next depths.
        solver.assert(activation.not());
        solver.assert(goal.not());
    }
    Ok(Search::NoneUpTo { depth: max_depth })
}

/// One step from a state that satisfies the axioms and misses the target
/// (`target`, or its negation with `negate`) to a state where it is met,
/// restricted to what a bounded search knows of two adjacent depths.
///
/// The bounded search asks this before it searches depth d, over its own
/// translation of states d - 1 and d and the step between them, in which
/// what it knows of them is folded in (values the constraints fix, such
/// as a clock; parameter bits its symmetry breaking rules out, and the
/// values that follow). The last step of every history of d steps the
/// search considers is such a step: its first state was reached in d - 1
/// steps, so it satisfies the axioms, has the known values and misses the
/// target (the search proved that at depth d - 1). So "no step" means no
/// history of d steps reaches the target either, and the search of depth
/// d, whose cost grows with d, is spared: this question is one step at
/// every depth (its size grows only with the elements symmetry breaking
/// lets the steps name). "A step exists" (or the solver giving up)
/// decides nothing: the full search runs.
///
/// (Its own solver, a scope per depth, over the search's translation: a
/// separate unrolling pinned to the search's known values cost about half
/// of the search on the toy family, 1,000 members, depth 50.)
struct OneStep {
    solver: Solver,
}

impl OneStep {
    fn new(limits: &Limits) -> OneStep {
        OneStep {
            solver: new_solver(limits),
        }
    }

    /// Whether a step reaches the target: the constraints of the states
    /// `depth - 1` and `depth` and of the step between them, as the
    /// bounded search's `unrolling` translated them (what it knows of
    /// those states, its constants, already folded in), the target
    /// missed before the step and met after it. Only that step, in a
    /// scope of its own, not the history before it.
    fn reaches(
        &mut self,
        unrolling: &mut Unrolling,
        target: TermId,
        negate: bool,
        depth: usize,
        budget: &Budget,
    ) -> bool {
        let system = unrolling.system;
        let before = depth - 1;
        let mut terms: Vec<Bool> = Vec::new();
        for constraint in &system.invariants {
            terms.push(unrolling.bool_at(constraint.term, before));
            terms.push(unrolling.bool_at(constraint.term, depth));
        }
        for constraint in &system.trans {
            terms.push(unrolling.bool_at(constraint.term, before));
        }
        let missed = unrolling.bool_at(target, before);
        let met = unrolling.bool_at(target, depth);
        terms.push(if negate { missed } else { missed.not() });
        terms.push(if negate { met.not() } else { met });
        self.solver.push();
        for term in terms.iter().filter(|t| t.as_bool() != Some(true)) {
            self.solver.assert(term);
        }
        let reaches = !matches!(check(&self.solver, &[], budget), Ok(false));
        self.solver.pop(1);
        reaches
    }
}

/// k-induction for `goal`, assuming already-proved `lemmas` in every state
/// of the inductive step. The base case is the bounded search; the step
/// case is an incremental solver over a path from an arbitrary state that
/// satisfies the axioms, with pairwise distinct states.
pub fn prove(
    system: &System,
    goal: TermId,
    lemmas: &[TermId],
    max_k: usize,
    limits: &Limits,
) -> Result<Proof, SolverUnknown> {
    prove_observed(system, goal, lemmas, max_k, limits, &mut |_| {})
}

/// [`prove`], telling `open` each k at which induction did not close (and
/// no violation of fewer than k steps exists), as it goes.
pub fn prove_observed(
    system: &System,
    goal: TermId,
    lemmas: &[TermId],
    max_k: usize,
    limits: &Limits,
    open: &mut dyn FnMut(usize),
) -> Result<Proof, SolverUnknown> {
    let base = new_solver(limits);
    let mut base_unrolling = Unrolling::new(system, "", limits.symmetry);
    let step = new_solver(limits);
    let mut step_unrolling = Unrolling::new(system, "step!", limits.symmetry);
    step_unrolling.add_state(&step);
    step_unrolling.assert_state(&step, 0, false);
    assert_lemmas(&step, &mut step_unrolling, lemmas, 0);
    for k in 0..max_k.max(1) {
        limits.budget.check(Some(k))?;
        let _examining = crate::budget::examining(k);
        // Base: no violation in exactly k steps (shorter ones were checked).
        base_unrolling.add_state(&base);
        base_unrolling.assert_state(&base, k, k == 0);
        let violated = base_unrolling.bool_at(goal, k).not();
        let activation = base_unrolling.fresh("base");
        base.assert(activation.implies(&violated));
        base_unrolling.flush(&base);
        if check(&base, std::slice::from_ref(&activation), &limits.budget).map_err(|u| u.at(k))? {
            let model = base.get_model().ok_or_else(|| {
                SolverUnknown::gave_up("the solver found a violation but gave no model")
            })?;
            let trace = base_unrolling.read(&model, k);
            return Ok(Proof::Refuted { depth: k, trace });
        }
        base.assert(activation.not());
        base.assert(violated.not());
        // Step: goal in states 0..k, a transition to state k+1 distinct from
        // all before it, and the goal violated there.
        let holds = step_unrolling.bool_at(goal, k);
        step.assert(holds);
        step_unrolling.add_state(&step);
        step_unrolling.assert_state(&step, k + 1, false);
        assert_lemmas(&step, &mut step_unrolling, lemmas, k + 1);
        for earlier in 0..=k {
            step.assert(step_unrolling.distinct(earlier, k + 1));
        }
        let violated = step_unrolling.bool_at(goal, k + 1).not();
        let activation = step_unrolling.fresh("step");
        step.assert(activation.implies(&violated));
        step_unrolling.flush(&step);
        if !check(&step, std::slice::from_ref(&activation), &limits.budget)
            .map_err(|u| u.at(k + 1))?
        {
            return Ok(Proof::Proved { k: k + 1 });
        }
        step.assert(activation.not());
        open(k + 1);
    }
    Ok(Proof::Open { k: max_k.max(1) })
}

/// The system unrolled to exactly `depth` steps on `solver`, with its
/// target (negated for a violation) asserted at the last state.
fn unrolled_to<'s>(
    solver: &Solver,
    system: &'s System,
    target: TermId,
    negate: bool,
    depth: usize,
    limits: &Limits,
) -> Unrolling<'s> {
    let unrolling = Unrolling::new(system, "", limits.symmetry);
    unroll(solver, unrolling, target, negate, depth)
}

/// [`unrolled_to`] on a given (empty) unrolling.
fn unroll<'s>(
    solver: &Solver,
    mut unrolling: Unrolling<'s>,
    target: TermId,
    negate: bool,
    depth: usize,
) -> Unrolling<'s> {
    for step in 0..=depth {
        unrolling.add_state(solver);
        unrolling.assert_state(solver, step, step == 0);
    }
    let mut goal = unrolling.bool_at(target, depth);
    if negate {
        goal = goal.not();
    }
    solver.assert(&goal);
    unrolling
}

fn assert_lemmas(solver: &Solver, unrolling: &mut Unrolling, lemmas: &[TermId], state: usize) {
    for lemma in lemmas {
        solver.assert(unrolling.bool_at(*lemma, state));
    }
}

/// The SMT-LIB script of the bounded question "is there a history of
/// exactly `depth` steps ending where `target` holds (or fails, with
/// `negate`)?", runnable as is by other solvers: standard SMT-LIB 2 in
/// the logic `QF_LIA` (counts as linear sums, not Z3's pseudo-Boolean
/// constraints), which Z3 and cvc5 both read.
pub fn smt2(
    system: &System,
    target: TermId,
    negate: bool,
    depth: usize,
    limits: &Limits,
) -> String {
    let solver = Solver::new();
    let unrolling = Unrolling::new(system, "", limits.symmetry).portable();
    let mut unrolling = unroll(&solver, unrolling, target, negate, depth);
    unrolling.flush(&solver);
    format!(
        "; charter: exported bounded check at depth {depth}\n(set-option :produce-models true)\n(set-logic QF_LIA)\n{}",
        solver.to_smt2()
    )
}

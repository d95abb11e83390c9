//! Coherence queries for `charter lint`, with blame: every clause rule,
//! guard, axiom, `init`, initial value and integer range is asserted under
//! its own tracking literal, so that a query that has no answer comes with
//! the items that rule it out (an unsat core over those literals, then
//! shrunk by deletion until removing any one item makes the query
//! satisfiable). Encoding-level constraints (one-hot values, one event per
//! step, inertia, monitors) are never blamed: they are not the user's.
//!
//! One incremental solver per query family: the reachability questions
//! share one unrolling and one solver, the clash search another, depth by
//! depth (so each clash found is a shortest one), after a one-step
//! question from an arbitrary state that rules out, at every depth at
//! once, the events that clash in no state.
//!
//! Each question (with its blame) runs under a budget of its own
//! ([`Limits::query_time`], beside the run's): a question that runs out of
//! it, or that the solver gives up on (`rlimit`), is answered `Err` with
//! the reason, and the others are still asked. Once the run's own budget
//! is spent, every question not yet answered is answered `Err` with it.

use z3::ast::Bool;
use z3::{Model, Solver};

use super::encode::{RawTrace, RawValue, Unrolling};
use super::{check, new_solver, Limits, SolverUnknown};
use crate::hir::{ClauseId, EventId, FormulaId, StateId};
use crate::ir::{Constraint, Origin, System, TermId};
use crate::span::Span;

/// Something in the spec that can be blamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    /// An effect or constraint of a clause.
    Clause { clause: ClauseId, span: Span },
    /// A `requires` of an event.
    Guard {
        event: EventId,
        index: usize,
        span: Span,
    },
    /// An axiom or `init`.
    Formula { formula: FormulaId, span: Span },
    /// A variable's initial value or a constant's value.
    Value { state: StateId, span: Span },
    /// The declared integer range of a variable or constant.
    Range { state: StateId },
}

/// Which blamable items a query asserts: all of them (lint), all but some,
/// or only some (to test that a blamed set is minimal: the query with only
/// the blamed items but one has an answer).
#[derive(Clone, Copy, Debug)]
pub enum Keep<'a> {
    All,
    Without(&'a [Item]),
    Only(&'a [Item]),
}

impl Keep<'_> {
    pub fn keeps(&self, item: &Item) -> bool {
        match self {
            Keep::All => true,
            Keep::Without(items) => !items.contains(item),
            Keep::Only(items) => items.contains(item),
        }
    }
}

/// Whether a query holds somewhere in a step or in a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// Over the state before a step and the step's event: steps
    /// `0..depth`.
    Step,
    /// Over one state: states `0..=depth`.
    State,
}

/// A state where an event's guards hold but no next state exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clash {
    /// The number of steps before the impossible one.
    pub depth: usize,
    /// The history, one step longer: its last step is the impossible
    /// event (its last state means nothing).
    pub trace: RawTrace,
    pub blamed: Vec<Item>,
}

/// The item a constraint is asserted under, if any: its blamable item,
/// except integer ranges where they are `fixed` (asserted as they are).
pub(super) fn tracked_item(constraint: &Constraint, fixed: bool) -> Option<Item> {
    item_of(constraint).filter(|i| !(fixed && matches!(i, Item::Range { .. })))
}

/// The blamable item a constraint belongs to, if any: read from its origin.
pub(super) fn item_of(constraint: &Constraint) -> Option<Item> {
    match &constraint.origin {
        Origin::Clause { clause, span } => Some(Item::Clause {
            clause: *clause,
            span: *span,
        }),
        Origin::Guard { event, index, span } => Some(Item::Guard {
            event: *event,
            index: *index,
            span: *span,
        }),
        Origin::Formula { formula, span } => Some(Item::Formula {
            formula: *formula,
            span: *span,
        }),
        Origin::Value { state, span } => Some(Item::Value {
            state: *state,
            span: *span,
        }),
        Origin::Range { state } => Some(Item::Range { state: *state }),
        Origin::Domain | Origin::Inertia { .. } | Origin::Rigid { .. } | Origin::Monitor => None,
    }
}

/// An unrolling whose blamable constraints are asserted under tracking
/// literals (one per item, shared by all steps). Items that `keep` does
/// not keep are left out altogether.
pub(super) struct Tracked<'s> {
    pub(super) unrolling: Unrolling<'s>,
    pub(super) solver: Solver,
    items: Vec<Item>,
    literals: Vec<Bool>,
    pub(super) keep: Keep<'s>,
    /// When set, constraints are asserted only where it holds (the step
    /// is part of the history: see [`reach`]).
    pub(super) guard: Option<Bool>,
    /// Integer ranges are asserted as they are, never blamed nor left out
    /// (for a question that needs finitely many states to end).
    pub(super) fixed_ranges: bool,
    budget: crate::budget::Budget,
}

impl<'s> Tracked<'s> {
    pub(super) fn new(system: &'s System, limits: &Limits, symmetry: bool, keep: Keep<'s>) -> Self {
        Tracked {
            unrolling: Unrolling::new(system, "", symmetry),
            solver: new_solver(limits),
            items: Vec::new(),
            literals: Vec::new(),
            keep,
            guard: None,
            fixed_ranges: false,
            budget: limits.budget.clone(),
        }
    }

    /// A new question begins: its checks run under a budget of its own
    /// (see the module's documentation).
    pub(super) fn question(&mut self, limits: &Limits) {
        self.budget = question_budget(limits);
    }

    fn literal(&mut self, item: Item) -> Bool {
        if let Some(index) = self.items.iter().position(|i| *i == item) {
            return self.literals[index].clone();
        }
        let literal = Bool::new_const(format!("blame!{}", self.items.len()));
        self.items.push(item);
        self.literals.push(literal.clone());
        literal
    }

    fn assert(&mut self, constraint: &Constraint, step: usize) {
        let item = tracked_item(constraint, self.fixed_ranges);
        if item.is_some_and(|i| !self.keep.keeps(&i)) {
            return;
        }
        let mut term = self.unrolling.bool_at(constraint.term, step);
        if let Some(guard) = &self.guard {
            term = guard.implies(&term);
        }
        match item {
            Some(item) => {
                let literal = self.literal(item);
                self.solver.assert(literal.implies(&term));
            }
            None => self.solver.assert(term),
        }
    }

    /// Creates state `step` and asserts its invariants (and initial
    /// conditions).
    pub(super) fn add_state(&mut self, step: usize, initial: bool) {
        let system = self.unrolling.system;
        self.unrolling.add_state(&self.solver);
        for constraint in &system.invariants {
            self.assert(constraint, step);
        }
        if initial {
            for constraint in &system.init {
                self.assert(constraint, step);
            }
        }
    }

    /// Asserts the transition constraints of `step` that concern only the
    /// event and the state before it (`pre`), or the others.
    pub(super) fn assert_step(&mut self, step: usize, pre: bool) {
        let system = self.unrolling.system;
        for constraint in &system.trans {
            let is_pre = crate::ir::is_pre_step(&constraint.origin, || {
                system.terms.mentions_next(constraint.term)
            });
            if is_pre == pre {
                self.assert(constraint, step);
            }
        }
    }

    /// Unrolls `steps` steps after the states so far, each step part of
    /// the history where its literal (returned, named `{name}!{step}`)
    /// holds; a history is a prefix, so every length up to `steps` is one
    /// model.
    pub(super) fn unroll_alive(&mut self, steps: usize, name: &str) -> Vec<Bool> {
        let mut alive = Vec::new();
        self.extend_alive(&mut alive, steps, name);
        alive
    }

    /// [`Tracked::unroll_alive`] continued: unrolls the steps from
    /// `alive.len()` to `steps`, pushing their literals onto `alive`.
    pub(super) fn extend_alive(&mut self, alive: &mut Vec<Bool>, steps: usize, name: &str) {
        for step in alive.len()..steps {
            let now = Bool::new_const(format!("{name}!{step}"));
            if let Some(before) = alive.last() {
                self.solver.assert(now.implies(before));
            }
            self.guard = Some(now.clone());
            alive.push(now);
            self.add_state(step + 1, false);
            self.assert_step(step, true);
            self.assert_step(step, false);
        }
        self.guard = None;
    }

    pub(super) fn check_with(
        &mut self,
        extra: &[Bool],
        enabled: &[usize],
    ) -> Result<bool, SolverUnknown> {
        self.unrolling.flush(&self.solver);
        let mut assumptions = extra.to_vec();
        assumptions.extend(enabled.iter().map(|i| self.literals[*i].clone()));
        check(&self.solver, &assumptions, &self.budget)
    }

    pub(super) fn all(&self) -> Vec<usize> {
        (0..self.items.len()).collect()
    }

    /// The tracking literals (by name) of the last unsatisfiable check's core.
    pub(super) fn core(&self) -> Vec<String> {
        self.solver
            .get_unsat_core()
            .iter()
            .map(|b| b.to_string())
            .collect()
    }

    /// After an unsatisfiable check with `extra` and every item: a minimal
    /// set of items that still rules the query out.
    pub(super) fn blame(&mut self, extra: &[Bool]) -> Result<Vec<Item>, SolverUnknown> {
        let core = self.core();
        let mut kept: Vec<usize> = (0..self.items.len())
            .filter(|i| core.contains(&self.literals[*i].to_string()))
            .collect();
        // Deletion: drop each item in turn where the rest still suffices.
        // Later deletions only shrink the set, so every item kept is
        // needed in the final set too.
        let mut index = 0;
        while index < kept.len() {
            let mut without = kept.clone();
            without.remove(index);
            if self.check_with(extra, &without)? {
                index += 1;
            } else {
                // The new core may drop more than the one item.
                let core = self.core();
                without.retain(|i| core.contains(&self.literals[*i].to_string()));
                kept = without;
            }
        }
        Ok(kept.into_iter().map(|i| self.items[i]).collect())
    }
}

/// The budget of one question asked under `limits`.
fn question_budget(limits: &Limits) -> crate::budget::Budget {
    match limits.query_time {
        Some(limit) => limits.budget.for_query(limit),
        None => limits.budget.clone(),
    }
}

/// `None` when an initial state exists; otherwise the items that rule
/// every initial state out.
pub fn no_initial_state(
    system: &System,
    limits: &Limits,
    keep: Keep,
) -> Result<Option<Vec<Item>>, SolverUnknown> {
    let mut tracked = Tracked::new(system, limits, false, keep);
    tracked.question(limits);
    tracked.add_state(0, true);
    if tracked.check_with(&[], &tracked.all())? {
        return Ok(None);
    }
    tracked.blame(&[]).map(Some)
}

/// The answer to one question: `Err` with the reason when it was not
/// settled (its budget, the run's, or the solver gave up).
pub type Answer<T> = Result<T, SolverUnknown>;

/// For each query, `None` when some history of at most `depth` steps
/// reaches it; otherwise the items that rule it out up to that depth.
/// One solver answers all of them; a model found for one query also
/// settles every other query it satisfies (one left unsettled too).
pub fn reach(
    system: &System,
    queries: &[(TermId, At)],
    depth: usize,
    limits: &Limits,
    keep: Keep,
) -> Vec<Answer<Option<Vec<Item>>>> {
    let mut tracked = Tracked::new(system, limits, limits.symmetry, keep);
    tracked.add_state(0, true);
    // (Without histories shorter than `depth`, a deadlock before `depth`
    // would make every query look unreachable.) The steps are unrolled as
    // the questions need them: a question is asked of histories of at most
    // 1, 2, 4, … steps, then of `depth` (see [`Lengths`]).
    let mut alive: Vec<Bool> = Vec::new();
    let mut answers: Vec<Option<Answer<Option<Vec<Item>>>>> = vec![None; queries.len()];
    for index in 0..queries.len() {
        if answers[index].is_some() {
            continue;
        }
        if let Err(stopped) = limits.budget.check(None) {
            answers[index] = Some(Err(stopped.into()));
            continue;
        }
        tracked.question(limits);
        let mut lengths = Lengths::up_to(depth);
        let answer = loop {
            let Some(steps) = lengths.next() else {
                break Ok(None);
            };
            tracked.extend_alive(&mut alive, steps, "alive");
            let literal = Bool::new_const(format!("query!{index}!{steps}"));
            let goal = reached(&mut tracked, queries[index], &alive);
            tracked.solver.assert(literal.implies(&goal));
            let extra = [literal];
            let all = tracked.all();
            match tracked.check_with(&extra, &all) {
                Ok(true) => {
                    if let Some(model) = tracked.solver.get_model() {
                        // (Only the open questions': the others are
                        // not looked at.)
                        let goals: Vec<Bool> = queries
                            .iter()
                            .zip(&answers)
                            .map(|(query, answer)| match answer {
                                Some(Ok(_)) => Bool::from_bool(false),
                                _ => reached(&mut tracked, *query, &alive),
                            })
                            .collect();
                        settle_others(&model, &goals, &mut answers);
                    }
                    break Ok(None);
                }
                // Unreachable in histories this short: longer ones next;
                // at the full depth, the items that rule it out.
                Ok(false) if steps == depth => break tracked.blame(&extra).map(Some),
                Ok(false) => {}
                // Given up on at a short length: the whole question may
                // still be answered (a spent budget ends it there too).
                Err(_) if steps < depth => lengths.skip_to_depth(),
                Err(unknown) => break Err(unknown),
            }
        };
        answers[index] = Some(answer);
    }
    answers
        .into_iter()
        .map(|answer| answer.unwrap_or(Ok(None)))
        .collect()
}

/// The lengths of history a reachability question is asked of, shortest
/// first: 1, 2, 4, … below `depth`, then `depth` (0 alone when `depth` is
/// 0). A question a short history answers is answered without unrolling
/// and searching all `depth` steps: on the wide family at N = 16 (depth
/// 32), reaching `adopt` took 2.2 s over the whole unrolling and the
/// solver's first question, over all 32 steps, 0.75 s. The last question
/// is the whole one, so an unreachable answer and its blame are those of
/// the full depth.
struct Lengths {
    next: Option<usize>,
    depth: usize,
}

impl Lengths {
    fn up_to(depth: usize) -> Lengths {
        Lengths {
            next: Some(depth.min(1)),
            depth,
        }
    }

    /// The next length asked is the depth (the shorter ones are left out).
    fn skip_to_depth(&mut self) {
        if self.next.is_some() {
            self.next = Some(self.depth);
        }
    }
}

impl Iterator for Lengths {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let steps = self.next?;
        self.next = (steps < self.depth).then(|| (steps * 2).min(self.depth));
        Some(steps)
    }
}

/// Whether `query` holds somewhere in the history unrolled so far (the
/// steps whose `alive` literal holds, and the states they reach).
fn reached(tracked: &mut Tracked, (term, at): (TermId, At), alive: &[Bool]) -> Bool {
    let points: Vec<Bool> = match at {
        At::Step => (0..alive.len())
            .map(|s| alive[s].clone() & tracked.unrolling.bool_at(term, s))
            .collect(),
        At::State => (0..=alive.len())
            .map(|s| {
                let holds = tracked.unrolling.bool_at(term, s);
                match s {
                    0 => holds,
                    _ => alive[s - 1].clone() & holds,
                }
            })
            .collect(),
    };
    Bool::or(&points)
}

/// Every question `model` reaches is settled, one left unsettled too.
fn settle_others(model: &Model, goals: &[Bool], answers: &mut [Option<Answer<Option<Vec<Item>>>>]) {
    for (goal, answer) in goals.iter().zip(answers.iter_mut()) {
        let open = matches!(answer, None | Some(Err(_)));
        if open && model.eval(goal, true).and_then(|b| b.as_bool()) == Some(true) {
            *answer = Some(Ok(None));
        }
    }
}

/// For each event (given by its selector), the shortest clash within
/// `depth` steps, if any: a reachable state and arguments where the
/// event's guards hold but `checks` (each constraint, evaluated on the only
/// candidate next state) fail. The blame comes from a second solver over
/// that one step, with the state and the arguments fixed.
#[allow(clippy::too_many_arguments)]
pub fn clashes(
    system: &System,
    selectors: &[TermId],
    checks: &[(Constraint, TermId)],
    atom_terms: &[TermId],
    input_terms: &[TermId],
    depth: usize,
    limits: &Limits,
    keep: Keep,
) -> Vec<Answer<Option<Clash>>> {
    let never = never_clash(system, selectors, checks, limits, keep);
    let mut tracked = Tracked::new(system, limits, limits.symmetry, keep);
    // `None`: no clash yet, still asked; an unsettled event is not asked
    // again (a clash found later would not be a shortest one).
    let mut found: Vec<Option<Answer<Clash>>> = vec![None; selectors.len()];
    tracked.add_state(0, true);
    for step in 0..depth {
        if let Err(stopped) = limits.budget.check(None) {
            for slot in found.iter_mut().filter(|slot| slot.is_none()) {
                *slot = Some(Err(SolverUnknown::from(stopped).at(step)));
            }
            break;
        }
        tracked.add_state(step + 1, false);
        tracked.assert_step(step, true);
        let impossible = no_next_state(&mut tracked, checks, keep, step);
        let all = tracked.all();
        for (event, selector) in selectors.iter().enumerate() {
            if found[event].is_some() || never[event] {
                continue;
            }
            tracked.question(limits);
            let literal = Bool::new_const(format!("clash!{event}@{step}"));
            let selected = tracked.unrolling.bool_at(*selector, step);
            tracked
                .solver
                .assert(literal.implies(&(selected & impossible.clone())));
            let extra = [literal.clone()];
            let sat = tracked.check_with(&extra, &all);
            if !matches!(sat, Ok(true)) {
                tracked.solver.assert(literal.not());
                if let Err(unknown) = sat {
                    found[event] = Some(Err(unknown.at(step)));
                }
                continue;
            }
            let Some(model) = tracked.solver.get_model() else {
                continue;
            };
            let trace = tracked.unrolling.read(&model, step + 1);
            tracked.solver.assert(literal.not());
            // The blame is part of the question, under its budget.
            let question = Limits {
                budget: tracked.budget.clone(),
                ..limits.clone()
            };
            match blame_step(
                system,
                &trace,
                step,
                atom_terms,
                input_terms,
                &question,
                keep,
            ) {
                Ok(Some(blamed)) => {
                    found[event] = Some(Ok(Clash {
                        depth: step,
                        trace,
                        blamed,
                    }))
                }
                Ok(None) => {}
                Err(unknown) => found[event] = Some(Err(unknown.at(step))),
            }
        }
        tracked.assert_step(step, false);
    }
    found.into_iter().map(|slot| slot.transpose()).collect()
}

/// That some of `checks` (those `keep` keeps) fail on the only candidate
/// next state of step `step`: the event of the step has no lawful next
/// state.
fn no_next_state(
    tracked: &mut Tracked,
    checks: &[(Constraint, TermId)],
    keep: Keep,
    step: usize,
) -> Bool {
    let holds: Vec<Bool> = checks
        .iter()
        .filter(|(c, _)| item_of(c).is_none_or(|i| keep.keeps(&i)))
        .map(|(_, t)| tracked.unrolling.bool_at(*t, step))
        .collect();
    Bool::and(&holds).not()
}

/// For each event, whether it clashes in no state at all, reachable or
/// not: one step from an arbitrary state that satisfies the invariants,
/// with the same constraints as a step of [`clashes`]. Every reachable
/// state is such a state, so an event that cannot clash there clashes at
/// no depth, and its depth-by-depth search (a reachability question per
/// step, each paying for the whole unrolling) is not needed. A question
/// this check does not settle (satisfiable, or unknown) is left to that
/// search.
fn never_clash(
    system: &System,
    selectors: &[TermId],
    checks: &[(Constraint, TermId)],
    limits: &Limits,
    keep: Keep,
) -> Vec<bool> {
    // No symmetry breaking: the state is arbitrary, not a history's.
    let mut tracked = Tracked::new(system, limits, false, keep);
    tracked.add_state(0, false);
    tracked.add_state(1, false);
    tracked.assert_step(0, true);
    let impossible = no_next_state(&mut tracked, checks, keep, 0);
    let all = tracked.all();
    selectors
        .iter()
        .map(|selector| {
            if limits.budget.check(None).is_err() {
                return false;
            }
            tracked.question(limits);
            let selected = tracked.unrolling.bool_at(*selector, 0);
            let clash = selected & impossible.clone();
            matches!(tracked.check_with(&[clash], &all), Ok(false))
        })
        .collect()
}

/// The items that rule out every next state from state `step` of `trace`
/// with its event `step`; `None` if a next state exists after all.
pub fn blame_step(
    system: &System,
    trace: &RawTrace,
    step: usize,
    atom_terms: &[TermId],
    input_terms: &[TermId],
    limits: &Limits,
    keep: Keep,
) -> Result<Option<Vec<Item>>, SolverUnknown> {
    // No symmetry breaking: the state and event are fixed as found.
    let mut tracked = Tracked::new(system, limits, false, keep);
    tracked.add_state(0, false);
    tracked.add_state(1, false);
    let fixed =
        |values: Option<&Vec<Option<RawValue>>>, terms: &[TermId], tracked: &mut Tracked| {
            for (term, value) in terms.iter().zip(values.into_iter().flatten()) {
                if let Some(value) = value {
                    let equal = tracked.unrolling.fix(*term, 0, *value);
                    tracked.solver.assert(equal);
                }
            }
        };
    fixed(trace.states.get(step), atom_terms, &mut tracked);
    fixed(trace.inputs.get(step), input_terms, &mut tracked);
    tracked.assert_step(0, true);
    tracked.assert_step(0, false);
    if tracked.check_with(&[], &tracked.all())? {
        return Ok(None);
    }
    tracked.blame(&[]).map(Some)
}

#[cfg(test)]
mod tests {
    use super::Lengths;

    #[test]
    fn lengths_double_up_to_the_depth() {
        let lengths = |depth| Lengths::up_to(depth).collect::<Vec<_>>();
        assert_eq!(lengths(0), [0]);
        assert_eq!(lengths(1), [1]);
        assert_eq!(lengths(2), [1, 2]);
        assert_eq!(lengths(5), [1, 2, 4, 5]);
        assert_eq!(lengths(8), [1, 2, 4, 8]);
    }

    #[test]
    fn a_question_given_up_on_goes_to_the_depth() {
        let mut lengths = Lengths::up_to(20);
        assert_eq!(lengths.next(), Some(1));
        lengths.skip_to_depth();
        assert_eq!(lengths.collect::<Vec<_>>(), [20]);
        // At the depth itself, nothing is left to skip to.
        let mut lengths = Lengths::up_to(2);
        assert_eq!(lengths.by_ref().collect::<Vec<_>>(), [1, 2]);
        lengths.skip_to_depth();
        assert_eq!(lengths.next(), None);
    }
}

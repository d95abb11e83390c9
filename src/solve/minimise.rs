//! Content minimisation: among the histories of the length a bounded
//! search found, the simplest, by a lexicographic order of counts (see
//! docs/language.md, "Counterexamples and witnesses"):
//!
//! 1. the fewest changed locations (a variable, a function point, a set
//!    element; counted per step);
//! 2. the fewest members of set-valued event arguments;
//! 3. the fewest members of sets in the constants and the initial state;
//! 4. the fewest elements of abstract sorts named by event arguments;
//! 5. integers closest to where they start: for variables, the distance
//!    from their initial value in every later state; for event arguments,
//!    the distance from the lowest value of their range.
//!
//! Each count is minimised in turn with the ones before fixed at their
//! optimum, in one incremental solver over the same unrolling at the fixed
//! depth (the bounded search's own, for a history it found: see
//! [`after_search`]): the bound "count ≤ m" under an assumption literal,
//! first just below the current count (most histories found are already
//! minimal there), then by bisection. A solver that gives up ends that
//! count's minimisation (the next counts are still minimised): the
//! simplest history found stands, not proven minimal.

use serde::Serialize;
use z3::ast::{Ast, Bool, Int};
use z3::{Model, Solver};

use super::encode::{RawTrace, Unrolling};
use super::{check, new_solver, set_rlimit, Limits};
use crate::ir::{Objectives, System, TermId};

/// The most resources (Z3's deterministic `rlimit`) one solver call of
/// minimisation may use (but the first, which confirms the history found),
/// or the command's own limit if lower: a bound that cannot be proven
/// within it leaves the history simplified, not proven minimal, rather
/// than the command waiting on it.
pub const RLIMIT: u64 = 1_000_000;

/// The counts of a history, in the order they are minimised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Locations changed, summed over the steps.
    pub changed_locations: u128,
    /// Members of set-valued arguments of the events that happen.
    pub argument_members: u128,
    /// Members of the sets in the constants and the initial state.
    pub initial_members: u128,
    /// Distinct elements of abstract sorts the events' arguments name.
    pub elements_named: u128,
    /// How far integers are from where they start (see the module).
    /// A sum of distances each below 2^64: it may not fit in 64 bits.
    pub integer_distance: u128,
}

/// A history after minimisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Minimised {
    pub trace: RawTrace,
    /// Its counts; `None` when the solver gave up before counting (the
    /// history is then the one found, as found).
    pub counts: Option<Counts>,
    /// Whether every count is proven minimal (false: the solver gave up,
    /// or the run's budget stopped it).
    pub minimal: bool,
    /// The limit of the run's budget that stopped minimisation, if one did.
    pub stopped: Option<crate::budget::Spent>,
}

/// One count, over the unrolling's terms.
enum Phase {
    /// How many of the literals hold, plus a number of them known to.
    Count(Vec<Bool>, u128),
    /// A non-negative integer sum.
    Sum(Int),
}

impl Phase {
    fn count(literals: Vec<Bool>) -> Phase {
        let mut holding = 0;
        let mut open = Vec::new();
        for literal in literals {
            match literal.as_bool() {
                Some(true) => holding += 1,
                Some(false) => {}
                None => open.push(literal),
            }
        }
        Phase::Count(open, holding)
    }

    fn value(&self, model: &Model) -> u128 {
        match self {
            Phase::Count(literals, holding) => {
                let open = literals
                    .iter()
                    .filter(|l| model.eval(*l, true).and_then(|b| b.as_bool()) == Some(true))
                    .count();
                holding + open as u128
            }
            // Exactly: the sum of several distances below 2^64 can pass
            // 2^64 (read as the largest count if it cannot be read at all,
            // so that minimisation goes on rather than stops).
            Phase::Sum(sum) => model
                .eval(sum, true)
                .and_then(|v| v.as_u128())
                .unwrap_or(u128::MAX),
        }
    }

    fn at_most(&self, bound: u128) -> Bool {
        match self {
            Phase::Count(literals, holding) => match bound.checked_sub(*holding) {
                None => Bool::from_bool(false),
                Some(k) if k as usize >= literals.len() => Bool::from_bool(true),
                Some(k) => {
                    let weighted: Vec<(&Bool, i32)> = literals.iter().map(|l| (l, 1)).collect();
                    Bool::pb_le(&weighted, k.min(i32::MAX as u128) as i32)
                }
            },
            Phase::Sum(sum) => sum.le(Int::from_u128(bound)),
        }
    }
}

/// The simplest history of exactly `depth` steps ending where `target`
/// holds (or fails, with `negate`), starting from `found`, one such
/// history. At most 1 + ⌈log₂(n + 1)⌉ solver calls per count n, plus one
/// to count `found`'s; each call has the command's limits, all but that
/// first one capped at [`RLIMIT`].
pub fn minimise(
    system: &System,
    objectives: &Objectives,
    target: TermId,
    negate: bool,
    depth: usize,
    found: &RawTrace,
    limits: &Limits,
) -> Minimised {
    watched(found, limits, || {
        minimised(system, objectives, target, negate, depth, found, limits)
    })
}

/// `minimise` watched on its own: a budget spent while its problem is
/// built leaves the history as found, not the command without one.
fn watched(found: &RawTrace, limits: &Limits, minimise: impl FnOnce() -> Minimised) -> Minimised {
    crate::budget::watched(&limits.budget, minimise).unwrap_or_else(|stopped| Minimised {
        trace: found.clone(),
        counts: None,
        minimal: false,
        stopped: Some(stopped.spent),
    })
}

fn minimised(
    system: &System,
    objectives: &Objectives,
    target: TermId,
    negate: bool,
    depth: usize,
    found: &RawTrace,
    limits: &Limits,
) -> Minimised {
    let command = limits;
    let limits = &capped(limits);
    let solver = new_solver(limits);
    let mut unrolling = super::unrolled_to(&solver, system, target, negate, depth, limits);
    let phases = phases(&mut unrolling, objectives, depth);
    unrolling.flush(&solver);
    // The history found, pinned where its model gives values: its counts.
    // This first call internalises the whole unrolling, at a cost that
    // grows with the history's length and width (toy family, 200 members,
    // 200 steps: over the per-call limit), and searches nothing (every
    // value is pinned): it runs under the command's own limits, the
    // questions after it under minimisation's.
    let pins = unrolling.pins_of(found);
    set_rlimit(&solver, command.rlimit);
    let model = pinned(&solver, &pins, &limits.budget);
    set_rlimit(&solver, limits.rlimit);
    match model {
        Some(model) => simplest(&solver, &mut unrolling, &phases, model, depth, limits),
        None => as_found(found, limits),
    }
}

/// [`minimise`] on the bounded search's own solver and unrolling, right
/// after its last (satisfiable) question, asked under `activation`, found
/// `found`. Neither the unrolling nor its internalisation by Z3 is made a
/// second time (toy family, 1,000 members, violation at 50: about a
/// quarter of the command's time). The search's own facts (no history
/// reaches the target in fewer steps) hold of every history of `depth`
/// steps that reaches it, so the histories ranged over are those of
/// [`minimise`]. The solver is left with minimisation's bounds asserted:
/// the search is over.
pub(super) fn after_search(
    solver: &Solver,
    unrolling: &mut Unrolling,
    objectives: &Objectives,
    activation: &Bool,
    depth: usize,
    found: &RawTrace,
    limits: &Limits,
) -> Minimised {
    watched(found, limits, || {
        solver.assert(activation);
        let phases = phases(unrolling, objectives, depth);
        unrolling.flush(solver);
        // The counts' terms are new: the history found, pinned, gives them
        // values, and leaves the solver's phases at it (as in `minimise`:
        // without the pins, one more corpus history was not proven
        // minimal). Under the command's own limits (the search's solver
        // has them), as there; the questions after it under
        // minimisation's.
        let model = pinned(solver, &unrolling.pins_of(found), &limits.budget);
        let limits = &capped(limits);
        set_rlimit(solver, limits.rlimit);
        match model {
            Some(model) => simplest(solver, unrolling, &phases, model, depth, limits),
            None => as_found(found, limits),
        }
    })
}

/// The command's limits with minimisation's cap on each solver call.
fn capped(limits: &Limits) -> Limits {
    Limits {
        rlimit: Some(limits.rlimit.map_or(RLIMIT, |r| r.min(RLIMIT))),
        ..limits.clone()
    }
}

/// The history found, as found (the solver gave up before counting).
fn as_found(found: &RawTrace, limits: &Limits) -> Minimised {
    Minimised {
        trace: found.clone(),
        counts: None,
        minimal: false,
        stopped: limits.budget.spent(),
    }
}

/// Each count minimised in turn, from `model` (a history of `depth` steps
/// on `solver`).
fn simplest(
    solver: &Solver,
    unrolling: &mut Unrolling,
    phases: &[Phase],
    model: Model,
    depth: usize,
    limits: &Limits,
) -> Minimised {
    // The values of the counts, and the history, are read from the last
    // model found when they are needed, not from every model: a long
    // history of a large sort takes tens of milliseconds to read.
    let mut minimal = true;
    let mut model = model;
    for phase in phases {
        let mut search = Search {
            solver,
            unrolling,
            budget: &limits.budget,
        };
        let (proven, last) = search.phase(phase, model);
        model = last;
        minimal &= proven;
        solver.assert(phase.at_most(phase.value(&model)));
    }
    // Every later model kept the counts already minimised: the last
    // model's values of them are those found.
    let values: Vec<u128> = phases.iter().map(|p| p.value(&model)).collect();
    let best = unrolling.read(&model, depth);
    Minimised {
        trace: best,
        counts: Some(Counts {
            changed_locations: values[0],
            argument_members: values[1],
            initial_members: values[2],
            elements_named: values[3],
            integer_distance: values[4],
        }),
        minimal,
        stopped: limits.budget.spent().filter(|_| !minimal),
    }
}

/// The most pins passed to the solver as assumptions; more are asserted
/// in a scope of their own. As assumptions they leave the solver's learnt
/// clauses and phases at the history found, which the bounds that follow
/// profit from (asserted in a scope, several corpus histories were no
/// longer proven minimal); but tens of thousands of them (a long history
/// of a large sort) made this one check spend Z3's whole `rlimit`, or its
/// model take seconds to read (toy family, 1,000 members, 50 steps, about
/// 100,000 pins: 10 s, against a fraction of a second in a scope).
const MAX_ASSUMED_PINS: usize = 20_000;

/// A model of the history found, pinned (`None` if the solver gives up).
fn pinned(solver: &Solver, pins: &[Bool], budget: &crate::budget::Budget) -> Option<Model> {
    if pins.len() <= MAX_ASSUMED_PINS {
        return match check(solver, pins, budget) {
            Ok(true) => solver.get_model(),
            _ => None,
        };
    }
    solver.push();
    for pin in pins {
        solver.assert(pin);
    }
    let model = match check(solver, &[], budget) {
        Ok(true) => solver.get_model(),
        _ => None,
    };
    solver.pop(1);
    model
}

/// The minimisation's solver, its unrolling (for fresh literals) and
/// budget.
struct Search<'a, 's> {
    solver: &'a Solver,
    unrolling: &'a mut Unrolling<'s>,
    budget: &'a crate::budget::Budget,
}

impl Search<'_, '_> {
    /// Asks for a history under `assumptions`; if one exists, it is the
    /// best so far (every bound asked keeps the counts from growing), and
    /// its model is returned. `Err` when the solver gives up.
    fn ask(&mut self, assumptions: &[Bool]) -> Result<Option<Model>, ()> {
        match check(self.solver, assumptions, self.budget) {
            Ok(true) => self.solver.get_model().map(Some).ok_or(()),
            Ok(false) => Ok(None),
            Err(_) => Err(()),
        }
    }

    /// Minimises the count `phase`, starting from `model`: whether its
    /// optimum is proven, and the last model found (the best).
    fn phase(&mut self, phase: &Phase, model: Model) -> (bool, Model) {
        let mut model = model;
        // First, item by item, for a count of items: an item that holds is
        // made false if some history allows it with those made false so
        // far. Each question is small (the items made false propagate),
        // and the result is minimal item by item (no item can be dropped
        // alone) even where the global bound below is too hard to prove.
        if let Phase::Count(literals, _) = phase {
            let mut dropped: Vec<Bool> = Vec::new();
            for literal in literals {
                let holds = model.eval(literal, true).and_then(|b| b.as_bool()) == Some(true);
                dropped.push(literal.not());
                if !holds {
                    continue;
                }
                // A literal that is true whatever the history (a change of
                // a clock known to tick: `(not (= 4 5))`, which Z3 builds
                // as it is) cannot be dropped: not asked.
                if literal.simplify().as_bool() == Some(true) {
                    dropped.pop();
                    continue;
                }
                match self.ask(&dropped) {
                    Ok(Some(found)) => model = found,
                    Ok(None) => {
                        dropped.pop();
                    }
                    Err(()) => return (false, model),
                }
            }
        }
        // Then the bound, globally: first just below the current count
        // (usually the optimum already), then by bisection.
        let mut low = 0;
        let mut first = true;
        let mut value = phase.value(&model);
        while low < value {
            let high = value;
            let bound = if first {
                high - 1
            } else {
                low + (high - low) / 2
            };
            first = false;
            let literal = self.unrolling.fresh("minimise");
            self.solver.assert(literal.implies(phase.at_most(bound)));
            match self.ask(std::slice::from_ref(&literal)) {
                Ok(Some(found)) => {
                    model = found;
                    value = phase.value(&model);
                }
                Ok(None) => {
                    low = bound + 1;
                    self.solver.assert(literal.not());
                }
                Err(()) => return (false, model),
            }
        }
        (true, model)
    }
}

/// The five counts over `depth` steps, in order.
fn phases(unrolling: &mut Unrolling, objectives: &Objectives, depth: usize) -> Vec<Phase> {
    let per_step = |unrolling: &mut Unrolling, terms: &[TermId]| -> Vec<Bool> {
        (0..depth)
            .flat_map(|step| terms.iter().map(move |t| (*t, step)))
            .map(|(term, step)| unrolling.bool_at(term, step))
            .collect()
    };
    let changes = per_step(unrolling, &objectives.changes);
    let members = per_step(unrolling, &objectives.members);
    let initial_members: Vec<Bool> = objectives
        .initial_members
        .iter()
        .map(|member| unrolling.bool_at(*member, 0))
        .collect();
    let elements: Vec<Bool> = objectives
        .elements
        .iter()
        .flatten()
        .map(|named| {
            let steps: Vec<Bool> = (0..depth).map(|s| unrolling.bool_at(*named, s)).collect();
            match steps.len() {
                0 => Bool::from_bool(false),
                _ => Bool::or(&steps),
            }
        })
        .collect();
    let zero = Int::from_i64(0);
    let mut distances = Vec::new();
    for step in 1..=depth {
        for integer in &objectives.integers {
            let now = unrolling.int_at(*integer, step);
            let start = unrolling.int_at(*integer, 0);
            let difference = now - start;
            distances.push(
                difference
                    .ge(&zero)
                    .ite(&difference, &(-difference.clone())),
            );
        }
    }
    for step in 0..depth {
        for (present, value, low) in &objectives.arguments {
            let present = unrolling.bool_at(*present, step);
            let above = unrolling.int_at(*value, step) - Int::from_i64(*low);
            distances.push(present.ite(&above, &zero));
        }
    }
    let distance = match distances.len() {
        0 => zero,
        _ => Int::add(&distances),
    };
    vec![
        Phase::count(changes),
        Phase::count(members),
        Phase::count(initial_members),
        Phase::count(elements),
        Phase::Sum(distance),
    ]
}

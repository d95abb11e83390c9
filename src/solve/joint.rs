//! The joint obligation check of `charter lint`: from every state that a
//! history of up to `depth` steps reaches, the obligations owed there (and
//! not yet past their dates) can all be met on time together, by some
//! continuation of up to `lookahead` steps. Where they cannot, a minimal
//! set of them that cannot (every smaller set can) and the blamable items
//! that rule it out.
//!
//! "Some state such that no continuation meets them" is a question with
//! two quantifiers (∃ state ∀ continuation), which one solver call does not
//! answer. Two solvers take turns, counterexample-guided:
//!
//! * the *attacker* searches the reachable states (depth by depth, so a
//!   conflict found is a shortest one) for one where something is owed
//!   and where none of the continuations found so far meets what is owed;
//! * the *defender*, given that state, searches for a continuation that
//!   meets everything owed there. If there is one, the attacker learns it:
//!   a copy of the system runs the continuation's events from the
//!   attacker's state (the same arguments; the dates shifted by the
//!   state's date, so that one continuation answers for every state that
//!   differs only by when it is, and, where the continuation lets time
//!   pass, a second copy with its dates as they are, for deadlines fixed
//!   in the calendar), and the attacker must make them fail. If there is
//!   none, the state is a conflict.
//!
//! A step's next state is a function of the state and the event (every
//! location is assigned by the effects that apply or kept), so the copy
//! computes it as terms, and "the continuation fails" is a formula the
//! attacker can satisfy only by a state where it really fails. The loop
//! ends: each round either reports a state or excludes it (the state
//! itself is excluded too), and there are finitely many states;
//! [`MAX_ROUNDS`] bounds the work on specs whose states are many and whose
//! continuations generalise badly, and the check then says it did not
//! settle.
//!
//! A duty is met when its obligation's on-time rule applies to it (not
//! merely when its monitor is `none`: with items left out for blame, a
//! monitor no rule assigns is free).

use z3::ast::Bool;

use super::blame::{tracked_item, Item, Keep, Tracked};
use super::encode::{RawTrace, RawValue, Unrolling};
use super::{Limits, SolverUnknown};
use crate::ir::{Constraint, System, TermId};

/// The most candidate states the attacker may propose in one check, by
/// default (`Limits::joint_rounds`).
pub const MAX_ROUNDS: usize = 400;

/// One point of an obligation (one choice of the arguments owed).
#[derive(Clone, Debug)]
pub struct Point {
    /// The obligation it belongs to (conflicts are reported by obligation).
    pub duty: usize,
    /// Over one state: something is owed, its date not past.
    pub pending: TermId,
    /// Over one step: the step fulfils it on time.
    pub fulfilled: TermId,
    /// Over one step: the date of a step of the event owed; over one
    /// state: the date it is due.
    pub day: TermId,
    pub due: TermId,
}

/// What the check reads of the system beyond its constraints.
pub struct Joint<'a> {
    pub points: &'a [Point],
    /// Per atom, its term over the current state and its candidate next
    /// value (over the current state and the step's event).
    pub atom_terms: &'a [TermId],
    pub successors: &'a [TermId],
    /// The transition constraints and invariants evaluated on the
    /// candidate next state (the successor checks `charter lint` builds).
    pub checks: &'a [(Constraint, TermId)],
    pub input_terms: &'a [TermId],
    /// `now` (over one state) and per event its selector and `date`.
    pub now: TermId,
    pub dates: &'a [(TermId, TermId)],
}

/// A reachable state where some obligations cannot be met together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The number of steps to the state.
    pub depth: usize,
    /// The history to it (every value given).
    pub trace: RawTrace,
    /// The points (indices into `Joint::points`) that cannot all be met
    /// on time; without any one of them, the others can.
    pub points: Vec<usize>,
    pub blamed: Vec<Item>,
}

/// What the check found, and why it stopped early, if it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub conflicts: Vec<Conflict>,
    pub unsettled: Option<String>,
}

/// A continuation the defender found.
struct Continuation {
    steps: Vec<Move>,
}

/// One step of a continuation: every input's value, and the step's `date`
/// as (its input, how many units after the state's `now`).
struct Move {
    inputs: Vec<Option<RawValue>>,
    date: Option<(usize, i64)>,
}

impl Continuation {
    /// Whether some step lets time pass.
    fn waits(&self) -> bool {
        self.steps
            .iter()
            .any(|m| m.date.is_some_and(|(_, offset)| offset != 0))
    }
}

/// Every reachable state (up to `depth` steps) where obligations owed
/// cannot all be met in `lookahead` more steps: one conflict per set of
/// obligations, shortest first. A state owing everything of a set reported
/// is not asked again, nor is a state, reached through one that owed all
/// of a reported set, that still owes some of it (what follows from a
/// conflict — after convening, dissolving can no longer be done — is not
/// another; a different problem of those obligations there shows once the
/// conflict is mended). A solver that gives up ends the check, unsettled.
pub fn conflicts(
    system: &System,
    joint: &Joint,
    depth: usize,
    lookahead: usize,
    limits: &Limits,
    keep: Keep,
) -> Result<Outcome, SolverUnknown> {
    let mut outcome = Outcome {
        conflicts: Vec::new(),
        unsettled: None,
    };
    if joint.points.is_empty() {
        return Ok(outcome);
    }
    if let Err(unknown) = search(system, joint, depth, lookahead, limits, keep, &mut outcome) {
        outcome.unsettled = Some(format!(
            "the joint obligation check stopped: {}",
            unknown.reason
        ));
    }
    Ok(outcome)
}

fn search(
    system: &System,
    joint: &Joint,
    depth: usize,
    lookahead: usize,
    limits: &Limits,
    keep: Keep,
    outcome: &mut Outcome,
) -> Result<(), SolverUnknown> {
    let mut defender = Defender::new(system, joint, lookahead, limits, keep);
    let mut attacker = Tracked::new(system, limits, limits.symmetry, keep);
    attacker.fixed_ranges = true;
    attacker.add_state(0, true);
    let mut learned: Vec<Continuation> = Vec::new();
    let mut reported: Vec<Vec<usize>> = Vec::new();
    let mut rounds = 0;
    let mut copies = 0;
    for step in 0..=depth {
        if step > 0 {
            attacker.add_state(step, false);
            attacker.assert_step(step - 1, true);
            attacker.assert_step(step - 1, false);
        }
        // This depth's question, under its own literal: something is owed
        // in state `step`, nothing reported is asked again, and every
        // continuation learned fails from it.
        let literal = Bool::new_const(format!("joint!{step}"));
        let owed = owed_somewhere(&mut attacker, joint, None, step);
        attacker.solver.assert(literal.implies(&owed));
        for duties in &reported {
            let new = not_reported(&mut attacker, joint, duties, step);
            attacker.solver.assert(literal.implies(&new));
        }
        for continuation in &learned {
            let fails = refuted(&mut attacker, joint, continuation, step, &mut copies);
            attacker.solver.assert(literal.implies(&fails));
        }
        let all = attacker.all();
        while attacker.check_with(std::slice::from_ref(&literal), &all)? {
            rounds += 1;
            if rounds > limits.joint_rounds {
                outcome.unsettled = Some(format!(
                    "the joint obligation check did not settle after {} candidate states, in histories of {step} steps: what is owed after longer histories, or after others of that length, was not examined",
                    limits.joint_rounds
                ));
                return Ok(());
            }
            let Some(model) = attacker.solver.get_model() else {
                return Err(SolverUnknown::gave_up("the solver gave no model"));
            };
            let trace = attacker.unrolling.read_completed(&model, step);
            let state = &trace.states[step];
            match defender.meet(state)? {
                Answer::Conflict { points, blamed } => {
                    let duties = duties_of(joint, &points);
                    let new = not_reported(&mut attacker, joint, &duties, step);
                    attacker.solver.assert(literal.implies(&new));
                    reported.push(duties);
                    outcome.conflicts.push(Conflict {
                        depth: step,
                        trace,
                        points,
                        blamed,
                    });
                }
                Answer::Met(continuation) => {
                    let fails = refuted(&mut attacker, joint, &continuation, step, &mut copies);
                    attacker.solver.assert(literal.implies(&fails));
                    learned.push(continuation);
                    // The state itself is settled, whatever the copies say
                    // (they compute the steps the defender took, so they
                    // say the same unless a step has several next states).
                    let same: Vec<Bool> = joint
                        .atom_terms
                        .iter()
                        .zip(state)
                        .filter_map(|(term, value)| {
                            Some(attacker.unrolling.fix(*term, step, (*value)?))
                        })
                        .collect();
                    attacker
                        .solver
                        .assert(literal.implies(Bool::and(&same).not()));
                }
            }
        }
    }
    Ok(())
}

/// The obligations of `points`, in order, once each.
fn duties_of(joint: &Joint, points: &[usize]) -> Vec<usize> {
    let mut duties: Vec<usize> = points.iter().map(|p| joint.points[*p].duty).collect();
    duties.sort();
    duties.dedup();
    duties
}

/// In state `step`, each of `duties` has something owed.
fn all_owed(tracked: &mut Tracked, joint: &Joint, duties: &[usize], step: usize) -> Bool {
    let each: Vec<Bool> = duties
        .iter()
        .map(|duty| owed_somewhere(tracked, joint, Some(&|d| d == *duty), step))
        .collect();
    Bool::and(&each)
}

/// State `step` is not one to ask again after `duties` were reported: it
/// does not owe all of them, nor, after a state that owed all of them,
/// still some of them (what follows from the conflict).
fn not_reported(tracked: &mut Tracked, joint: &Joint, duties: &[usize], step: usize) -> Bool {
    let now = all_owed(tracked, joint, duties, step);
    let before: Vec<Bool> = (0..step)
        .map(|at| all_owed(tracked, joint, duties, at))
        .collect();
    let some = owed_somewhere(tracked, joint, Some(&|d| duties.contains(&d)), step);
    now.not() & (Bool::or(&before) & some).not()
}

/// Whether some continuation of up to `lookahead` steps from `state` meets
/// every duty owed at `points` there (with the blamable items `keep`
/// keeps): the question a conflict's blame answers, asked again.
pub fn meetable(
    system: &System,
    joint: &Joint,
    state: &[Option<RawValue>],
    points: &[usize],
    lookahead: usize,
    limits: &Limits,
    keep: Keep,
) -> Result<bool, SolverUnknown> {
    let mut defender = Defender::new(system, joint, lookahead, limits, keep);
    let given = defender.given(state);
    let mut extra = vec![given];
    extra.extend(points.iter().map(|p| defender.requires[*p].clone()));
    let all = defender.tracked.all();
    defender.tracked.check_with(&extra, &all)
}

/// In state `step`, some point (of an obligation `which` accepts, if
/// given) is owed.
fn owed_somewhere(
    tracked: &mut Tracked,
    joint: &Joint,
    which: Option<&dyn Fn(usize) -> bool>,
    step: usize,
) -> Bool {
    let owed: Vec<Bool> = joint
        .points
        .iter()
        .filter(|p| which.is_none_or(|accepts| accepts(p.duty)))
        .map(|p| tracked.unrolling.bool_at(p.pending, step))
        .collect();
    Bool::or(&owed)
}

/// `point`, if owed in state 0 of `unrolling`, is fulfilled at one of the
/// steps `steps` by the date owed in state 0 (each step counting only
/// where its `alive` literal holds, when given). The date is the one owed
/// at the start: with items left out for blame, a later trigger may move
/// the monitor.
fn met(
    unrolling: &mut Unrolling,
    point: &Point,
    steps: std::ops::Range<usize>,
    alive: Option<&[Bool]>,
) -> Bool {
    let owed = unrolling.bool_at(point.pending, 0);
    let fulfilled: Vec<Bool> = steps
        .map(|at| {
            let fulfilled = unrolling.bool_at(point.fulfilled, at)
                & unrolling.at_most(point.day, at, point.due, 0);
            match alive {
                Some(alive) => alive[at].clone() & fulfilled,
                None => fulfilled,
            }
        })
        .collect();
    owed.implies(Bool::or(&fulfilled))
}

/// The continuation fails from the attacker's state `step`: run with its
/// dates shifted to the state's, and, if it lets time pass, with its dates
/// as they are.
fn refuted(
    attacker: &mut Tracked,
    joint: &Joint,
    continuation: &Continuation,
    step: usize,
    copies: &mut usize,
) -> Bool {
    *copies += 1;
    let shifted = fails(attacker, joint, continuation, step, *copies, true);
    if !continuation.waits() {
        return shifted;
    }
    *copies += 1;
    let fixed = fails(attacker, joint, continuation, step, *copies, false);
    shifted & fixed
}

/// A copy of the system that runs `continuation` from the attacker's
/// state `step`; true where no prefix of it is lawful and meets every
/// obligation owed in that state.
fn fails(
    attacker: &mut Tracked,
    joint: &Joint,
    continuation: &Continuation,
    step: usize,
    copy: usize,
    shift: bool,
) -> Bool {
    let system = attacker.unrolling.system;
    let keep = attacker.keep;
    let solver = &attacker.solver;
    let mut run = Unrolling::new(system, &format!("joint{copy}!"), false);
    let length = continuation.steps.len();
    for _ in 0..=length {
        run.add_state(solver);
    }
    let mut facts = vec![run.same_state(0, &attacker.unrolling, step)];
    let mut lawful = Vec::new();
    for (at, Move { inputs, date }) in continuation.steps.iter().enumerate() {
        for (index, term) in joint.input_terms.iter().enumerate() {
            match (date, inputs[index]) {
                (Some((date_input, offset)), _) if shift && *date_input == index => {
                    facts.push(run.offset(*term, at, joint.now, 0, *offset));
                }
                (_, Some(value)) => facts.push(run.fix(*term, at, value)),
                (_, None) => {}
            }
        }
        for (atom, successor) in joint.atom_terms.iter().zip(joint.successors) {
            facts.push(run.equal(*atom, at + 1, *successor, at));
        }
        // The step is lawful: its guards and input domains hold, and the
        // candidate next state satisfies every other constraint.
        let mut holds = Vec::new();
        for constraint in &system.trans {
            let pre = crate::ir::is_pre_step(&constraint.origin, || {
                system.terms.mentions_next(constraint.term)
            });
            if pre && kept(keep, constraint) {
                holds.push(run.bool_at(constraint.term, at));
            }
        }
        for (constraint, term) in joint.checks {
            if kept(keep, constraint) {
                holds.push(run.bool_at(*term, at));
            }
        }
        lawful.push(Bool::and(&holds));
    }
    // Succeeds after `t` steps: lawful so far, and every point owed at the
    // start fulfilled by then.
    let mut successes = Vec::new();
    for t in 1..=length {
        let mut ok = lawful[..t].to_vec();
        for point in joint.points {
            ok.push(met(&mut run, point, 0..t, None));
        }
        successes.push(Bool::and(&ok));
    }
    run.flush(solver);
    solver.assert(Bool::and(&facts));
    Bool::or(&successes).not()
}

/// Whether the check asserts a constraint, as its solvers do (`Tracked`
/// with `fixed_ranges`): integer ranges always (so that the states are
/// finitely many, with items left out too), the other blamable items as
/// `keep` says.
fn kept(keep: Keep, constraint: &Constraint) -> bool {
    tracked_item(constraint, true).is_none_or(|item| keep.keeps(&item))
}

enum Answer {
    Met(Continuation),
    Conflict {
        points: Vec<usize>,
        blamed: Vec<Item>,
    },
}

/// Continuations of up to `lookahead` steps from a given state, with every
/// blamable item under its tracking literal and one literal per point
/// requiring it met.
struct Defender<'s> {
    tracked: Tracked<'s>,
    /// The atom of `now`, and per event the inputs of its selector and
    /// `date`.
    now: Option<usize>,
    dates: Vec<(usize, usize)>,
    alive: Vec<Bool>,
    requires: Vec<Bool>,
    still: Bool,
    states: usize,
    atom_terms: Vec<TermId>,
    points: Vec<Point>,
}

impl<'s> Defender<'s> {
    fn new(
        system: &'s System,
        joint: &Joint,
        lookahead: usize,
        limits: &Limits,
        keep: Keep<'s>,
    ) -> Defender<'s> {
        // No symmetry breaking: the state is given, and may tell elements apart.
        let mut tracked = Tracked::new(system, limits, false, keep);
        tracked.fixed_ranges = true;
        tracked.add_state(0, false);
        let alive = tracked.unroll_alive(lookahead, "joint-alive");
        let requires = joint
            .points
            .iter()
            .enumerate()
            .map(|(index, point)| {
                let literal = Bool::new_const(format!("joint-require!{index}"));
                let met = met(&mut tracked.unrolling, point, 0..lookahead, Some(&alive));
                tracked.solver.assert(literal.implies(&met));
                literal
            })
            .collect();
        // Time standing still: every step on the state's date. Asked
        // first, since such a continuation answers for every state that
        // owes the same and differs only in dates.
        let still = Bool::new_const("joint-still");
        for (at, alive) in alive.iter().enumerate() {
            for (selector, date) in joint.dates {
                let selected = tracked.unrolling.bool_at(*selector, at);
                let today = tracked.unrolling.equal(*date, at, joint.now, 0);
                tracked
                    .solver
                    .assert(still.implies(alive.clone().implies(selected.implies(today))));
            }
        }
        let input_index = |term: TermId| joint.input_terms.iter().position(|t| *t == term);
        let dates = joint
            .dates
            .iter()
            .filter_map(|(selector, date)| Some((input_index(*selector)?, input_index(*date)?)))
            .collect();
        Defender {
            tracked,
            now: joint.atom_terms.iter().position(|t| *t == joint.now),
            dates,
            alive,
            requires,
            still,
            states: 0,
            atom_terms: joint.atom_terms.to_vec(),
            points: joint.points.to_vec(),
        }
    }

    /// A literal that fixes the first state to `state`.
    fn given(&mut self, state: &[Option<RawValue>]) -> Bool {
        self.states += 1;
        let given = Bool::new_const(format!("joint-state!{}", self.states));
        let fixed: Vec<Bool> = self
            .atom_terms
            .iter()
            .zip(state)
            .filter_map(|(term, value)| Some(self.tracked.unrolling.fix(*term, 0, (*value)?)))
            .collect();
        self.tracked.solver.assert(given.implies(Bool::and(&fixed)));
        given
    }

    /// A continuation from `state` that meets every obligation owed there,
    /// or a minimal set of them that none meets, with the items to blame.
    fn meet(&mut self, state: &[Option<RawValue>]) -> Result<Answer, SolverUnknown> {
        let given = self.given(state);
        let all = self.tracked.all();
        let with = |points: &[usize], requires: &[Bool]| -> Vec<Bool> {
            let mut extra = vec![given.clone()];
            extra.extend(points.iter().map(|p| requires[*p].clone()));
            extra
        };
        let every: Vec<usize> = (0..self.requires.len()).collect();
        let mut still = with(&every, &self.requires);
        still.push(self.still.clone());
        if self.tracked.check_with(&still, &all)?
            || self
                .tracked
                .check_with(&with(&every, &self.requires), &all)?
        {
            let model = self
                .tracked
                .solver
                .get_model()
                .ok_or_else(|| SolverUnknown::gave_up("the solver gave no model"))?;
            return Ok(Answer::Met(self.continuation(&model, state)));
        }
        // The points the core needs, then deletion: drop each where the
        // rest still cannot be met.
        let needed = |tracked: &Tracked, requires: &[Bool]| -> Vec<usize> {
            let core = tracked.core();
            (0..requires.len())
                .filter(|p| core.contains(&requires[*p].to_string()))
                .collect()
        };
        let mut points = needed(&self.tracked, &self.requires);
        let mut index = 0;
        while index < points.len() {
            let mut without = points.clone();
            without.remove(index);
            if self
                .tracked
                .check_with(&with(&without, &self.requires), &all)?
            {
                index += 1;
            } else {
                let core = needed(&self.tracked, &self.requires);
                without.retain(|p| core.contains(p));
                points = without;
            }
        }
        let extra = with(&points, &self.requires);
        if self.tracked.check_with(&extra, &all)? {
            return Err(SolverUnknown::gave_up(
                "internal error: a set of obligations found unmeetable was met",
            ));
        }
        let blamed = self.tracked.blame(&extra)?;
        Ok(Answer::Conflict { points, blamed })
    }

    /// The continuation in `model`: the steps it takes to meet everything
    /// owed (the solver may add steps that change nothing), every input's
    /// value, and the dates relative to the state's `now`.
    fn continuation(&mut self, model: &z3::Model, state: &[Option<RawValue>]) -> Continuation {
        let holds = |term: &Bool| model.eval(term, true).and_then(|b| b.as_bool()) == Some(true);
        let alive = self.alive.iter().take_while(|a| holds(a)).count();
        let unrolling = &mut self.tracked.unrolling;
        let points = &self.points;
        let mut met_by = |t: usize| {
            points
                .iter()
                .all(|point| holds(&met(unrolling, point, 0..t, None)))
        };
        let length = (1..=alive).find(|t| met_by(*t)).unwrap_or(alive);
        let trace = self.tracked.unrolling.read_completed(model, length);
        let now = match self.now.and_then(|atom| state.get(atom)) {
            Some(Some(RawValue::Int(now))) => Some(*now),
            _ => None,
        };
        let steps = trace
            .inputs
            .into_iter()
            .map(|inputs| {
                let date = self.dates.iter().find_map(|(selector, date)| {
                    match (inputs[*selector], inputs[*date], now) {
                        (Some(RawValue::Bool(true)), Some(RawValue::Int(day)), Some(now)) => {
                            Some((*date, day - now))
                        }
                        _ => None,
                    }
                });
                Move { inputs, date }
            })
            .collect();
        Continuation { steps }
    }
}

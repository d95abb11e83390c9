//! The one place where [`ir`] terms become Z3 terms: an unrolling of the
//! transition system over steps, with solver constants named reversibly
//! (`{atom}@{step}`), and the symmetry-breaking constraints for abstract
//! sorts.

mod known;
mod linear;
mod read;
mod symmetry;

use std::collections::HashMap;

/// A hasher without random keys, for maps whose order must not vary by
/// run (and fast: the translation memo is looked up for every subterm;
/// with SipHash, hashing was a tenth of the toy family's time).
type FixedState = rustc_hash::FxBuildHasher;

use z3::ast::{Bool, Int};
use z3::Solver;

use crate::ir::{Kind, System, Term, TermId, Time};
use symmetry::{symmetries, Symmetry};

/// A value read from a model: `None` where the model leaves it free.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RawValue {
    Bool(bool),
    Int(i64),
}

#[derive(Clone)]
enum Z3Term {
    Bool(Bool),
    Int(Int),
}

fn as_bool(term: &Z3Term) -> Bool {
    match term {
        Z3Term::Bool(b) => b.clone(),
        Z3Term::Int(_) => Bool::from_bool(false),
    }
}

/// Solver constants for each step, and translated terms by (term, step).
pub struct Unrolling<'s> {
    pub system: &'s System,
    /// Names prefix, distinguishing unrollings that share a solver.
    prefix: String,
    /// Auxiliary constants made so far (for their names).
    fresh: usize,
    states: Vec<Vec<Z3Term>>,
    inputs: Vec<Vec<Z3Term>>,
    /// Translated terms, one map per step (small maps, each made with the
    /// size of the last one: one map over every step spent a fifth of the
    /// toy family's time hashing, probing and growing). With a hasher
    /// without random keys: dropping a map releases its Z3 terms in
    /// iteration order, Z3 reuses the ids of released terms, and the ids
    /// of later terms steer its search. A per-process random order made
    /// the models of later commands differ from run to run.
    memo: Vec<HashMap<TermId, Z3Term, FixedState>>,
    /// Per state, the atoms whose value the constraints fix outright.
    known: Vec<Vec<Option<RawValue>>>,
    /// Per step, the inputs whose value symmetry breaking fixes.
    known_inputs: Vec<Vec<Option<RawValue>>>,
    /// Per symmetry (abstract sort, element i swapped with i + 1): the
    /// atoms and inputs it moves, as (earlier, its image), and the "equal so
    /// far" literal of the lexicographic chain.
    symmetries: Vec<Symmetry>,
    /// Per (items, step): the cardinality constraints over those items
    /// translated so far, each literal (and its negation, where that is a
    /// bound too) with the counts for which it holds.
    cardinalities: HashMap<(Vec<TermId>, usize), Vec<CountLiteral>, FixedState>,
    /// Facts relating them, for [`Self::flush`].
    pending: Vec<Bool>,
    /// Counts as sums of 0/1 terms (standard SMT-LIB, for an export other
    /// solvers read) instead of Z3's pseudo-Boolean constraints.
    portable: bool,
}

/// Which bound a count constraint states.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Count {
    AtMost,
    AtLeast,
    Exactly,
}

/// A literal about a count: the lowest and highest counts for which it
/// holds, and the literal.
type CountLiteral = (i64, i64, Bool);

impl<'s> Unrolling<'s> {
    pub fn new(system: &'s System, prefix: &str, symmetry: bool) -> Unrolling<'s> {
        let symmetries = if symmetry {
            symmetries(system)
        } else {
            Vec::new()
        };
        let prefix = prefix.to_string();
        Unrolling {
            system,
            prefix,
            fresh: 0,
            states: Vec::new(),
            inputs: Vec::new(),
            memo: Vec::new(),
            known: Vec::new(),
            known_inputs: Vec::new(),
            symmetries,
            cardinalities: HashMap::default(),
            pending: Vec::new(),
            portable: false,
        }
    }

    /// Counts become linear integer sums, which every SMT-LIB solver of
    /// `QF_LIA` reads (Z3's `(_ pbeq …)` and kin are Z3's own); for the
    /// export, before anything is translated.
    pub fn portable(mut self) -> Unrolling<'s> {
        self.portable = true;
        self
    }

    /// A new auxiliary Boolean constant (an activation literal, say).
    pub fn fresh(&mut self, hint: &str) -> Bool {
        self.fresh += 1;
        Bool::new_const(format!("{}{hint}!{}", self.prefix, self.fresh))
    }

    /// Creates the constants of state `step` (and of the inputs of the step
    /// before it), and the symmetry-breaking constraints over the inputs.
    pub fn add_state(&mut self, solver: &Solver) {
        let step = self.states.len();
        if step > 0 {
            let inputs = self
                .system
                .inputs
                .iter()
                .map(|input| {
                    constant(
                        &format!("{}{}@{}", self.prefix, input.name, step - 1),
                        input.kind,
                    )
                })
                .collect();
            self.inputs.push(inputs);
            self.known_inputs.push(vec![None; self.system.inputs.len()]);
        }
        let states = self
            .system
            .atoms
            .iter()
            .map(|atom| constant(&format!("{}{}@{}", self.prefix, atom.name, step), atom.kind))
            .collect();
        self.states.push(states);
        self.break_symmetry(solver, step);
    }

    pub fn bool_at(&mut self, term: TermId, step: usize) -> Bool {
        match self.translate(term, step) {
            Z3Term::Bool(b) => b,
            Z3Term::Int(_) => Bool::from_bool(false),
        }
    }

    /// `term` at `step` equals `value` (for `charter lint`, which fixes a
    /// state and an event found by one solver in another).
    pub fn fix(&mut self, term: TermId, step: usize, value: RawValue) -> Bool {
        match (self.translate(term, step), value) {
            (Z3Term::Bool(b), RawValue::Bool(v)) => b.eq(Bool::from_bool(v)),
            (Z3Term::Int(i), RawValue::Int(v)) => i.eq(Int::from_i64(v)),
            _ => Bool::from_bool(false),
        }
    }

    /// `term` at `step` equals `other` at `other_step` (terms of one kind).
    pub fn equal(&mut self, term: TermId, step: usize, other: TermId, other_step: usize) -> Bool {
        match (
            self.translate(term, step),
            self.translate(other, other_step),
        ) {
            (Z3Term::Bool(a), Z3Term::Bool(b)) => a.eq(&b),
            (Z3Term::Int(a), Z3Term::Int(b)) => a.eq(&b),
            _ => Bool::from_bool(false),
        }
    }

    /// `term` at `step` equals `other_term` at `other_step` of `other` (an
    /// unrolling of another system in the same solver, with another
    /// prefix): the product of two systems ties their inputs so.
    pub fn equal_across(
        &mut self,
        term: TermId,
        step: usize,
        other: &mut Unrolling,
        other_term: TermId,
        other_step: usize,
    ) -> Bool {
        match (
            self.translate(term, step),
            other.translate(other_term, other_step),
        ) {
            (Z3Term::Bool(a), Z3Term::Bool(b)) => a.eq(&b),
            (Z3Term::Int(a), Z3Term::Int(b)) => a.eq(&b),
            _ => Bool::from_bool(false),
        }
    }

    /// The integer `term` at `step` is at most `bound` at `bound_step`.
    pub fn at_most(&mut self, term: TermId, step: usize, bound: TermId, bound_step: usize) -> Bool {
        let value = self.int_at(term, step);
        let bound = self.int_at(bound, bound_step);
        value.le(&bound)
    }

    /// The integer `term` at `step` is `base` at `base_step` plus `offset`.
    pub fn offset(
        &mut self,
        term: TermId,
        step: usize,
        base: TermId,
        base_step: usize,
        offset: i64,
    ) -> Bool {
        let value = self.int_at(term, step);
        let base = self.int_at(base, base_step);
        value.eq(&(base + Int::from_i64(offset)))
    }

    /// Atom by atom, state `step` equals state `other_step` of `other` (an
    /// unrolling of the same system in the same solver).
    pub fn same_state(&self, step: usize, other: &Unrolling, other_step: usize) -> Bool {
        let equal: Vec<Bool> = self.states[step]
            .iter()
            .zip(&other.states[other_step])
            .map(|(x, y)| match (x, y) {
                (Z3Term::Bool(x), Z3Term::Bool(y)) => x.eq(y),
                (Z3Term::Int(x), Z3Term::Int(y)) => x.eq(y),
                _ => Bool::from_bool(false),
            })
            .collect();
        Bool::and(&equal)
    }

    pub fn int_at(&mut self, term: TermId, step: usize) -> Int {
        match self.translate(term, step) {
            Z3Term::Int(i) => i,
            Z3Term::Bool(_) => Int::from_i64(0),
        }
    }

    fn bools(&mut self, terms: &[TermId], step: usize) -> Vec<Bool> {
        terms.iter().map(|t| self.bool_at(*t, step)).collect()
    }

    fn translate(&mut self, term: TermId, step: usize) -> Z3Term {
        crate::budget::tick();
        if let Some(done) = self.memo.get(step).and_then(|memo| memo.get(&term)) {
            return done.clone();
        }
        // Borrowed from the system, not from `self`: no copy of the node
        // (and of its items) per translation.
        let system = self.system;
        let node = system.terms.get(term);
        if let Some(constraint) = self.counting(term, step) {
            let result = Z3Term::Bool(constraint);
            self.remember(term, step, &result);
            return result;
        }
        let result = match *node {
            Term::Bool(value) => Z3Term::Bool(Bool::from_bool(value)),
            Term::Int(value) => Z3Term::Int(Int::from_i64(value)),
            Term::State(atom, time) => {
                let at = match time {
                    Time::Now => step,
                    Time::Next => step + 1,
                };
                self.states[at][atom.0 as usize].clone()
            }
            Term::Input(input) => self.inputs[step][input.0 as usize].clone(),
            Term::Not(a) => Z3Term::Bool(fold_not(self.bool_at(a, step))),
            Term::And(ref items) => Z3Term::Bool(fold_junction(self.bools(items, step), false)),
            Term::Or(ref items) => Z3Term::Bool(fold_junction(self.bools(items, step), true)),
            Term::Implies(a, b) => {
                let a = fold_not(self.bool_at(a, step));
                Z3Term::Bool(fold_junction(vec![a, self.bool_at(b, step)], true))
            }
            Term::Iff(a, b) => {
                let (a, b) = (self.bool_at(a, step), self.bool_at(b, step));
                Z3Term::Bool(match (a.as_bool(), b.as_bool()) {
                    (Some(x), Some(y)) => Bool::from_bool(x == y),
                    (Some(true), None) => b,
                    (None, Some(true)) => a,
                    (Some(false), None) => b.not(),
                    (None, Some(false)) => a.not(),
                    (None, None) => a.eq(&b),
                })
            }
            Term::Ite(c, a, b) => {
                let c = self.bool_at(c, step);
                match c.as_bool() {
                    Some(true) => return self.memoized(term, step, a),
                    Some(false) => return self.memoized(term, step, b),
                    None => {}
                }
                match (self.translate(a, step), self.translate(b, step)) {
                    (Z3Term::Bool(a), Z3Term::Bool(b)) => Z3Term::Bool(c.ite(&a, &b)),
                    (Z3Term::Int(a), Z3Term::Int(b)) => Z3Term::Int(c.ite(&a, &b)),
                    _ => Z3Term::Bool(Bool::from_bool(false)),
                }
            }
            Term::IntEq(a, b) => {
                let a = self.int_at(a, step);
                Z3Term::Bool(a.eq(self.int_at(b, step)))
            }
            Term::Le(a, b) => {
                let a = self.int_at(a, step);
                Z3Term::Bool(a.le(self.int_at(b, step)))
            }
            Term::Lt(a, b) => {
                let a = self.int_at(a, step);
                Z3Term::Bool(a.lt(self.int_at(b, step)))
            }
            Term::Add(ref items) => {
                let mut items: Vec<Int> = items.iter().map(|t| self.int_at(*t, step)).collect();
                // SMT-LIB's `+` takes two terms or more (Z3 reads one).
                if self.portable && items.len() == 1 {
                    Z3Term::Int(items.remove(0))
                } else {
                    Z3Term::Int(Int::add(&items))
                }
            }
            Term::Sub(a, b) => {
                let a = self.int_at(a, step);
                Z3Term::Int(a - self.int_at(b, step))
            }
            Term::Mul(k, a) => Z3Term::Int(Int::from_i64(k) * self.int_at(a, step)),
            Term::AtMost(ref items, k) => {
                Z3Term::Bool(self.cardinality(items, i64::from(k), Count::AtMost, step))
            }
            Term::AtLeast(ref items, k) => {
                Z3Term::Bool(self.cardinality(items, i64::from(k), Count::AtLeast, step))
            }
            Term::Exactly(ref items, k) => {
                Z3Term::Bool(self.cardinality(items, i64::from(k), Count::Exactly, step))
            }
        };
        self.remember(term, step, &result);
        result
    }

    /// Records `term`'s translation at `step`.
    fn remember(&mut self, term: TermId, step: usize, result: &Z3Term) {
        if self.memo.len() <= step {
            let size = self.memo.last().map_or(0, HashMap::len);
            self.memo.resize_with(step + 1, || {
                HashMap::with_capacity_and_hasher(size, FixedState::default())
            });
        }
        self.memo[step].insert(term, result.clone());
    }

    /// At most / at least / exactly `k` of `items` hold at `step`: items
    /// known at `step` shift the bound; the constraint over the open ones
    /// is related to the others over the same items (and the same
    /// constraint asked for twice is one literal).
    fn cardinality(&mut self, items: &[TermId], k: i64, count: Count, step: usize) -> Bool {
        let mut open = Vec::with_capacity(items.len());
        let mut holding: i64 = 0;
        for item in items {
            let b = self.bool_at(*item, step);
            match b.as_bool() {
                Some(true) => holding += 1,
                Some(false) => {}
                None => open.push(b),
            }
        }
        let k = k - holding;
        let n = open.len() as i64;
        let decided = match count {
            Count::AtMost if k < 0 => Some(false),
            Count::AtMost if k >= n => Some(true),
            Count::AtLeast if k <= 0 => Some(true),
            Count::AtLeast if k > n => Some(false),
            Count::Exactly if k < 0 || k > n => Some(false),
            _ => None,
        };
        if let Some(value) = decided {
            return Bool::from_bool(value);
        }
        let (holds, fails) = match count {
            Count::AtMost => ((0, k), Some((k + 1, n))),
            Count::AtLeast => ((k, n), Some((0, k - 1))),
            Count::Exactly => ((k, k), None),
        };
        if let Some(known) = self.cardinalities.get(&(items.to_vec(), step)) {
            if let Some((.., literal)) = known.iter().find(|(l, h, _)| (*l, *h) == holds) {
                return literal.clone();
            }
        }
        let constraint = self.count(&open, k, count);
        self.relate_cardinality(items, step, &constraint, holds, fails);
        constraint
    }

    /// "At most / at least / exactly `k` of `open` hold": a pseudo-Boolean
    /// constraint, or where [`Self::portable`], a sum of 0/1 terms.
    fn count(&self, open: &[Bool], k: i64, count: Count) -> Bool {
        if self.portable {
            let one = Int::from_i64(1);
            let zero = Int::from_i64(0);
            let mut terms: Vec<Int> = open.iter().map(|b| b.ite(&one, &zero)).collect();
            // SMT-LIB's `+` takes two terms or more.
            let sum = match terms.len() {
                0 => zero,
                1 => terms.remove(0),
                _ => Int::add(&terms),
            };
            let k = Int::from_i64(k);
            return match count {
                Count::AtMost => sum.le(&k),
                Count::AtLeast => sum.ge(&k),
                Count::Exactly => sum.eq(&k),
            };
        }
        let weighted: Vec<(&Bool, i32)> = open.iter().map(|b| (b, 1)).collect();
        let bound = k.min(i64::from(i32::MAX)) as i32;
        match count {
            Count::AtMost => Bool::pb_le(&weighted, bound),
            Count::AtLeast => Bool::pb_ge(&weighted, bound),
            Count::Exactly => Bool::pb_eq(&weighted, bound),
        }
    }

    /// Records a cardinality constraint over `items` at `step` that holds
    /// when the count of its open items lies in `holds` (and fails in
    /// `fails`, where that is an interval), and relates it to the others
    /// over the same items: where one literal's counts lie within
    /// another's, the first implies the second. Z3's pseudo-Boolean theory
    /// does not find such consequences by itself: it takes over a minute
    /// to refute `at least 100 of 150` together with `not at least 76` of
    /// the same 150, which these facts settle by propagation.
    fn relate_cardinality(
        &mut self,
        items: &[TermId],
        step: usize,
        constraint: &Bool,
        holds: (i64, i64),
        fails: Option<(i64, i64)>,
    ) {
        let mut literals = vec![(holds.0, holds.1, constraint.clone())];
        if let Some((low, high)) = fails {
            literals.push((low, high, constraint.not()));
        }
        let known = self
            .cardinalities
            .entry((items.to_vec(), step))
            .or_default();
        for (low, high, literal) in &literals {
            for (other_low, other_high, other) in known.iter() {
                if other_low <= low && high <= other_high {
                    self.pending.push(literal.implies(other));
                }
                if low <= other_low && other_high <= high {
                    self.pending.push(other.implies(literal));
                }
            }
        }
        known.extend(literals);
    }

    /// Asserts the facts that relate cardinality constraints translated
    /// since the last flush (valid facts: asserting them changes no answer).
    pub fn flush(&mut self, solver: &Solver) {
        for fact in self.pending.drain(..) {
            solver.assert(&fact);
        }
    }

    /// The translation of `branch`, remembered as that of `term` too.
    fn memoized(&mut self, term: TermId, step: usize, branch: TermId) -> Z3Term {
        let result = self.translate(branch, step);
        self.remember(term, step, &result);
        result
    }

    /// Asserts the well-formedness, axioms and state constraints of state
    /// `step`, and its initial conditions (step 0) or the transition into it.
    pub fn assert_state(&mut self, solver: &Solver, step: usize, initial: bool) {
        let system = self.system;
        self.propagate_constants(step, initial);
        for constraint in &system.invariants {
            assert_unless_true(solver, self.bool_at(constraint.term, step));
        }
        if initial {
            for constraint in &system.init {
                assert_unless_true(solver, self.bool_at(constraint.term, step));
            }
        }
        if step > 0 {
            for constraint in &system.trans {
                assert_unless_true(solver, self.bool_at(constraint.term, step - 1));
            }
        }
        self.flush(solver);
    }
}

/// A history read from a model, atom by atom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawTrace {
    /// Per state (`steps + 1` of them), per atom.
    pub states: Vec<Vec<Option<RawValue>>>,
    /// Per step, per input.
    pub inputs: Vec<Vec<Option<RawValue>>>,
}

/// Negation, folding a constant: the translation sees many (atoms whose
/// values are known, parameter bits symmetry breaking rules out), and
/// terms Z3 need not build or simplify are the cheapest.
fn fold_not(a: Bool) -> Bool {
    match a.as_bool() {
        Some(value) => Bool::from_bool(!value),
        None => a.not(),
    }
}

/// Conjunction (`absorbing` false) or disjunction (`absorbing` true),
/// folding constants.
fn fold_junction(items: Vec<Bool>, absorbing: bool) -> Bool {
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        match item.as_bool() {
            Some(value) if value == absorbing => return Bool::from_bool(absorbing),
            Some(_) => {}
            None => kept.push(item),
        }
    }
    match kept.len() {
        0 => Bool::from_bool(!absorbing),
        1 => kept.pop().unwrap_or_else(|| Bool::from_bool(!absorbing)),
        _ if absorbing => Bool::or(&kept),
        _ => Bool::and(&kept),
    }
}

/// Asserts a constraint, unless it folded to true.
fn assert_unless_true(solver: &Solver, constraint: Bool) {
    if constraint.as_bool() != Some(true) {
        solver.assert(constraint);
    }
}

fn constant(name: &str, kind: Kind) -> Z3Term {
    match kind {
        Kind::Bool => Z3Term::Bool(Bool::new_const(name)),
        Kind::Int { .. } => Z3Term::Int(Int::new_const(name)),
    }
}

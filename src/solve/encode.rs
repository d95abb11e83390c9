//! The one place where [`ir`] terms become Z3 terms: an unrolling of the
//! transition system over steps, with solver constants named reversibly
//! (`{atom}@{step}`), and the symmetry-breaking constraints for abstract
//! sorts.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// A hasher with fixed keys, for maps whose order must not vary by run.
type FixedState = BuildHasherDefault<std::collections::hash_map::DefaultHasher>;

use z3::ast::{Bool, Int};
use z3::{Model, Solver};

use crate::hir::EventId;
use crate::ir::{AtomId, InputId, InputOwner, Kind, NextDef, System, Term, TermId, Time};

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
    /// With a fixed hasher: dropping the map releases its Z3 terms in
    /// iteration order, Z3 reuses the ids of released terms, and the ids
    /// of later terms steer its search. A per-process random order made
    /// the models of later commands differ from run to run.
    memo: HashMap<(TermId, usize), Z3Term, FixedState>,
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
}

/// A literal about a count: the lowest and highest counts for which it
/// holds, and the literal.
type CountLiteral = (i64, i64, Bool);

/// One abstract sort's symmetry breaking: for each element it may move (in
/// index order, the distinguished ones left out), the inputs that use it
/// (grouped by event selector), and whether the events so far have used it.
struct Symmetry {
    uses: Vec<Vec<(InputId, Vec<InputId>)>>,
    seen: Vec<Bool>,
    /// The most elements one step's event can use, when every parameter of
    /// this sort is a single (or optional) element; `None` when some
    /// parameter is a set of them.
    per_step: Option<usize>,
    /// Input steps encoded so far.
    steps: usize,
}

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
            memo: HashMap::default(),
            known: Vec::new(),
            known_inputs: Vec::new(),
            symmetries,
            cardinalities: HashMap::default(),
            pending: Vec::new(),
        }
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

    /// Symmetry breaking for abstract sorts: the elements used as the
    /// arguments of the steps' events so far are always the first ones
    /// (0, 1, …, m-1). Any history can be renamed into such a one (number
    /// the elements in the order the events first use them, the others
    /// after), and the renamed history is a history too, because nothing in
    /// a spec can tell the elements of an abstract sort apart. So a search
    /// that only considers such histories misses nothing.
    ///
    /// Except the named elements an expression mentions
    /// ([`System::distinguished`]): a spec can tell those apart, so the
    /// renaming leaves them in place and numbers only the others; "the
    /// first ones" are the first of the others, in index order.
    fn break_symmetry(&mut self, solver: &Solver, step: usize) {
        if step == 0 {
            return;
        }
        let mut unusable = Vec::new();
        let inputs = &self.inputs[step - 1];
        let mut fresh = self.fresh;
        let prefix = &self.prefix;
        for symmetry in &mut self.symmetries {
            // The used elements form a prefix no longer than the number of
            // elements the steps so far could name. Beyond it, nothing is
            // used: the parameters of this step's event cannot name those
            // elements, nor need the parameters of the events that do not
            // happen (nothing reads them), so every bit naming them is
            // false, a constant rather than a constraint to propagate.
            symmetry.steps += 1;
            let bound = symmetry.per_step.map_or(usize::MAX, |per_step| {
                per_step.saturating_mul(symmetry.steps)
            });
            let seen: Vec<Bool> = symmetry
                .uses
                .iter()
                .zip(&symmetry.seen)
                .enumerate()
                .map(|(element, (uses, before))| {
                    if element >= bound {
                        for (_, bits) in uses {
                            unusable.extend(bits.iter().copied());
                        }
                        return Bool::from_bool(false);
                    }
                    let used_now: Vec<Bool> = uses
                        .iter()
                        .map(|(selector, bits)| {
                            let bits: Vec<Bool> = bits
                                .iter()
                                .map(|b| as_bool(&inputs[b.0 as usize]))
                                .collect();
                            as_bool(&inputs[selector.0 as usize]) & Bool::or(&bits)
                        })
                        .collect();
                    fresh += 1;
                    let now = Bool::new_const(format!("{prefix}seen!{fresh}"));
                    solver.assert(now.eq(&(before.clone() | Bool::or(&used_now))));
                    now
                })
                .collect();
            for pair in seen.windows(2).take(bound.saturating_sub(1)) {
                solver.assert(pair[1].implies(&pair[0]));
            }
            symmetry.seen = seen;
        }
        self.fresh = fresh;
        for input in unusable {
            self.known_inputs[step - 1][input.0 as usize] = Some(RawValue::Bool(false));
            self.inputs[step - 1][input.0 as usize] = Z3Term::Bool(Bool::from_bool(false));
        }
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
        if let Some(done) = self.memo.get(&(term, step)) {
            return done.clone();
        }
        let node = self.system.terms.get(term).clone();
        let result = match node {
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
            Term::And(items) => Z3Term::Bool(fold_junction(self.bools(&items, step), false)),
            Term::Or(items) => Z3Term::Bool(fold_junction(self.bools(&items, step), true)),
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
            Term::Add(items) => {
                let items: Vec<Int> = items.iter().map(|t| self.int_at(*t, step)).collect();
                Z3Term::Int(Int::add(&items))
            }
            Term::Sub(a, b) => {
                let a = self.int_at(a, step);
                Z3Term::Int(a - self.int_at(b, step))
            }
            Term::Mul(k, a) => Z3Term::Int(Int::from_i64(k) * self.int_at(a, step)),
            Term::AtMost(items, k) | Term::AtLeast(items, k) | Term::Exactly(items, k) => {
                // Constant items only shift the bound.
                let mut bools = self.bools(&items, step);
                bools.retain(|b| b.as_bool() != Some(false));
                let mut open = Vec::with_capacity(bools.len());
                let mut holding: i64 = 0;
                for b in bools {
                    match b.as_bool() {
                        Some(true) => holding += 1,
                        _ => open.push(b),
                    }
                }
                let k = i64::from(k) - holding;
                let n = open.len() as i64;
                let kind = self.system.terms.get(term);
                let decided = match kind {
                    Term::AtMost(..) if k < 0 => Some(false),
                    Term::AtMost(..) if k >= n => Some(true),
                    Term::AtLeast(..) if k <= 0 => Some(true),
                    Term::AtLeast(..) if k > n => Some(false),
                    Term::Exactly(..) if k < 0 || k > n => Some(false),
                    _ => None,
                };
                Z3Term::Bool(match decided {
                    Some(value) => Bool::from_bool(value),
                    None => {
                        let weighted: Vec<(&Bool, i32)> = open.iter().map(|b| (b, 1)).collect();
                        let bound = k.min(i64::from(i32::MAX)) as i32;
                        let (constraint, holds, fails) = match kind {
                            Term::AtMost(..) => {
                                (Bool::pb_le(&weighted, bound), (0, k), Some((k + 1, n)))
                            }
                            Term::AtLeast(..) => {
                                (Bool::pb_ge(&weighted, bound), (k, n), Some((0, k - 1)))
                            }
                            _ => (Bool::pb_eq(&weighted, bound), (k, k), None),
                        };
                        self.relate_cardinality(&items, step, &constraint, holds, fails);
                        constraint
                    }
                })
            }
        };
        self.memo.insert((term, step), result.clone());
        result
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
        self.memo.insert((term, step), result.clone());
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

    /// Finds the atoms of state `step` whose value the constraints fix
    /// outright (`clock = 0` initially, `clock' = clock + 1` at every step,
    /// a constant's value) and replaces their solver constants by those
    /// values. The constraints stay asserted, so nothing changes in meaning;
    /// but the solver's incremental mode does not propagate such values
    /// itself, and a guard like `clock >= 24` then folds to false at the
    /// early steps instead of being searched.
    fn propagate_constants(&mut self, step: usize, initial: bool) {
        let system = self.system;
        while self.known.len() <= step {
            self.known.push(vec![None; system.atoms.len()]);
        }
        loop {
            let mut learned = Vec::new();
            for constraint in &system.invariants {
                self.learn(constraint.term, step, Time::Now, &mut learned);
            }
            if initial {
                for constraint in &system.init {
                    self.learn(constraint.term, step, Time::Now, &mut learned);
                }
            }
            if step > 0 {
                for constraint in &system.trans {
                    self.learn(constraint.term, step - 1, Time::Next, &mut learned);
                }
            }
            if step > 0 {
                for def in &system.next {
                    if let Some(value) = self.next_value(def, step - 1) {
                        learned.push((def.atom, value));
                    }
                }
            }
            learned.retain(|(atom, _)| self.known[step][atom.0 as usize].is_none());
            if learned.is_empty() {
                break;
            }
            for (atom, value) in learned {
                self.known[step][atom.0 as usize] = Some(value);
                self.states[step][atom.0 as usize] = match value {
                    RawValue::Bool(b) => Z3Term::Bool(Bool::from_bool(b)),
                    RawValue::Int(i) => Z3Term::Int(Int::from_i64(i)),
                };
            }
        }
    }

    /// What is known of state `step`'s atoms and of the inputs of the step
    /// after it: values the constraints fix, and parameter bits symmetry
    /// breaking rules out.
    pub fn known_at(&self, step: usize) -> Known {
        Known {
            atoms: self.known.get(step).cloned().unwrap_or_default(),
            inputs: self.known_inputs.get(step).cloned().unwrap_or_default(),
        }
    }

    /// Literals saying that state `step`'s atoms (and, with `inputs`, the
    /// inputs of the step after it) have the values in `known`: solver
    /// constraints that pin this unrolling to what another one knows.
    pub fn pinned(&self, step: usize, known: &Known, inputs: bool) -> Vec<Bool> {
        let pin = |term: &Z3Term, value: &RawValue| match (term, value) {
            (Z3Term::Bool(b), RawValue::Bool(true)) => b.clone(),
            (Z3Term::Bool(b), RawValue::Bool(false)) => b.not(),
            (Z3Term::Int(i), RawValue::Int(v)) => i.eq(Int::from_i64(*v)),
            // Never the case; pinning nothing keeps the question sound (a
            // `false` pin would make it vacuously unanswerable).
            _ => Bool::from_bool(true),
        };
        let mut literals: Vec<Bool> = self.states[step]
            .iter()
            .zip(&known.atoms)
            .filter_map(|(term, value)| value.as_ref().map(|v| pin(term, v)))
            .collect();
        if inputs {
            literals.extend(
                self.inputs[step]
                    .iter()
                    .zip(&known.inputs)
                    .filter_map(|(term, value)| value.as_ref().map(|v| pin(term, v))),
            );
        }
        // Constants (atoms the constraints fix here too) need no pin.
        literals.retain(|l| l.as_bool() != Some(true));
        literals
    }

    /// Values a top-level constraint (at `base`) fixes for atoms read at
    /// `target` time.
    fn learn(&self, term: TermId, base: usize, target: Time, out: &mut Vec<(AtomId, RawValue)>) {
        let terms = &self.system.terms;
        let atom_of = |t: TermId| match terms.get(t) {
            Term::State(atom, time) if *time == target => Some(*atom),
            _ => None,
        };
        match terms.get(term) {
            Term::And(items) => {
                for item in items {
                    self.learn(*item, base, target, out);
                }
            }
            Term::State(atom, time) if *time == target => out.push((*atom, RawValue::Bool(true))),
            Term::Not(inner) => {
                if let Some(atom) = atom_of(*inner) {
                    out.push((atom, RawValue::Bool(false)));
                }
            }
            Term::IntEq(a, b) | Term::Iff(a, b) => {
                for (side, other) in [(*a, *b), (*b, *a)] {
                    if let Some(atom) = atom_of(side) {
                        if let Some(value) = self.evaluate(other, base) {
                            out.push((atom, value));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The next value of an atom after step `base`, where every case that
    /// may apply (and inertia, unless some case surely applies) gives the
    /// same known value.
    fn next_value(&self, def: &NextDef, base: usize) -> Option<RawValue> {
        let mut result = None;
        let mut agree = |value: Option<RawValue>| match (value, result) {
            (None, _) => false,
            (Some(v), None) => {
                result = Some(v);
                true
            }
            (Some(v), Some(r)) => v == r,
        };
        let mut surely_assigned = false;
        for (guard, value) in &def.cases {
            match self.evaluate(*guard, base) {
                Some(RawValue::Bool(false)) => continue,
                Some(RawValue::Bool(true)) => surely_assigned = true,
                _ => {}
            }
            if !agree(self.evaluate(*value, base)) {
                return None;
            }
        }
        if !surely_assigned {
            let kept = self.known.get(base).and_then(|k| k[def.atom.0 as usize]);
            if !agree(kept) {
                return None;
            }
        }
        result
    }

    /// The value of a term at `step` where known atoms decide it.
    fn evaluate(&self, term: TermId, step: usize) -> Option<RawValue> {
        let terms = &self.system.terms;
        let boolean = |t: TermId| match self.evaluate(t, step) {
            Some(RawValue::Bool(b)) => Some(b),
            _ => None,
        };
        let integer = |t: TermId| match self.evaluate(t, step) {
            Some(RawValue::Int(i)) => Some(i),
            _ => None,
        };
        Some(match terms.get(term) {
            Term::Bool(b) => RawValue::Bool(*b),
            Term::Int(i) => RawValue::Int(*i),
            Term::State(atom, time) => {
                let at = if *time == Time::Now { step } else { step + 1 };
                return self.known.get(at).and_then(|k| k[atom.0 as usize]);
            }
            Term::Input(input) => {
                return self
                    .known_inputs
                    .get(step)
                    .and_then(|k| k[input.0 as usize]);
            }
            Term::Not(a) => RawValue::Bool(!boolean(*a)?),
            Term::And(items) => {
                let mut all = true;
                for item in items {
                    match boolean(*item) {
                        Some(false) => return Some(RawValue::Bool(false)),
                        Some(true) => {}
                        None => all = false,
                    }
                }
                if !all {
                    return None;
                }
                RawValue::Bool(true)
            }
            Term::Or(items) => {
                let mut none = true;
                for item in items {
                    match boolean(*item) {
                        Some(true) => return Some(RawValue::Bool(true)),
                        Some(false) => {}
                        None => none = false,
                    }
                }
                if !none {
                    return None;
                }
                RawValue::Bool(false)
            }
            Term::Implies(a, b) => match (boolean(*a), boolean(*b)) {
                (Some(false), _) | (_, Some(true)) => RawValue::Bool(true),
                (Some(true), Some(false)) => RawValue::Bool(false),
                _ => return None,
            },
            Term::Iff(a, b) => RawValue::Bool(boolean(*a)? == boolean(*b)?),
            Term::Ite(c, a, b) => match boolean(*c) {
                Some(true) => self.evaluate(*a, step)?,
                Some(false) => self.evaluate(*b, step)?,
                // Either way, the same value.
                None => {
                    let value = self.evaluate(*a, step)?;
                    (self.evaluate(*b, step)? == value).then_some(value)?
                }
            },
            Term::IntEq(a, b) => RawValue::Bool(integer(*a)? == integer(*b)?),
            Term::Le(a, b) => RawValue::Bool(integer(*a)? <= integer(*b)?),
            Term::Lt(a, b) => RawValue::Bool(integer(*a)? < integer(*b)?),
            Term::Add(items) => {
                let mut sum: i64 = 0;
                for item in items {
                    sum = sum.checked_add(integer(*item)?)?;
                }
                RawValue::Int(sum)
            }
            Term::Sub(a, b) => RawValue::Int(integer(*a)?.checked_sub(integer(*b)?)?),
            Term::Mul(k, a) => RawValue::Int(k.checked_mul(integer(*a)?)?),
            Term::AtMost(..) | Term::AtLeast(..) | Term::Exactly(..) => return None,
        })
    }

    /// Literals saying that the states and inputs have the values `raw`
    /// gives them (where it gives one): a history read from another
    /// unrolling of the same system, as assumptions.
    pub fn pins_of(&self, raw: &RawTrace) -> Vec<Bool> {
        let pin = |term: &Z3Term, value: &Option<RawValue>| match (term, value) {
            (Z3Term::Bool(b), Some(RawValue::Bool(true))) => Some(b.clone()),
            (Z3Term::Bool(b), Some(RawValue::Bool(false))) => Some(b.not()),
            (Z3Term::Int(i), Some(RawValue::Int(v))) => Some(i.eq(Int::from_i64(*v))),
            _ => None,
        };
        let states = self.states.iter().zip(&raw.states);
        let inputs = self.inputs.iter().zip(&raw.inputs);
        let mut literals: Vec<Bool> = states
            .chain(inputs)
            .flat_map(|(terms, values)| terms.iter().zip(values).filter_map(|(t, v)| pin(t, v)))
            .collect();
        literals.retain(|l| l.as_bool() != Some(true));
        literals
    }

    /// States `a` and `b` differ somewhere (for simple-path constraints).
    pub fn distinct(&self, a: usize, b: usize) -> Bool {
        let differences: Vec<Bool> = self.states[a]
            .iter()
            .zip(&self.states[b])
            .map(|(x, y)| match (x, y) {
                (Z3Term::Bool(x), Z3Term::Bool(y)) => x.eq(y).not(),
                (Z3Term::Int(x), Z3Term::Int(y)) => x.eq(y).not(),
                _ => Bool::from_bool(false),
            })
            .collect();
        Bool::or(&differences)
    }

    /// Reads every state atom and input from a model.
    pub fn read(&mut self, model: &Model, steps: usize) -> RawTrace {
        self.read_model(model, steps, false)
    }

    /// Reads every state atom and input from a model, giving those it
    /// leaves free the model's default (a history where nothing is free,
    /// for a question about its last state asked of another solver).
    pub fn read_completed(&mut self, model: &Model, steps: usize) -> RawTrace {
        self.read_model(model, steps, true)
    }

    fn read_model(&mut self, model: &Model, steps: usize, complete: bool) -> RawTrace {
        let states = (0..=steps)
            .map(|step| {
                self.states[step]
                    .iter()
                    .map(|t| read_value(model, t, complete))
                    .collect()
            })
            .collect();
        let inputs = (0..steps)
            .map(|step| {
                self.inputs[step]
                    .iter()
                    .map(|t| read_value(model, t, complete))
                    .collect()
            })
            .collect();
        let system = self.system;
        let fired = (0..steps)
            .map(|step| {
                system
                    .effects
                    .iter()
                    .map(|effect| {
                        let applies = self.bool_at(effect.applies, step);
                        model
                            .eval(&applies, true)
                            .and_then(|b| b.as_bool())
                            .unwrap_or(false)
                    })
                    .collect()
            })
            .collect();
        RawTrace {
            states,
            inputs,
            fired,
        }
    }
}

/// What an unrolling knows of one state and of the step after it.
#[derive(Clone, Debug, Default)]
pub struct Known {
    atoms: Vec<Option<RawValue>>,
    inputs: Vec<Option<RawValue>>,
}

/// A history read from a model, atom by atom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawTrace {
    /// Per state (`steps + 1` of them), per atom.
    pub states: Vec<Vec<Option<RawValue>>>,
    /// Per step, per input.
    pub inputs: Vec<Vec<Option<RawValue>>>,
    /// Per step, per effect record: whether it applied.
    pub fired: Vec<Vec<bool>>,
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

fn read_value(model: &Model, term: &Z3Term, complete: bool) -> Option<RawValue> {
    match term {
        Z3Term::Bool(b) => model.eval(b, complete)?.as_bool().map(RawValue::Bool),
        Z3Term::Int(i) => model.eval(i, complete)?.as_i64().map(RawValue::Int),
    }
}

/// For each abstract sort, which inputs use which element: the bits of
/// event parameters (one-hot values, set members, optional values) whose
/// address is that element.
fn symmetries(system: &System) -> Vec<Symmetry> {
    let selectors: std::collections::HashMap<EventId, InputId> = system
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| match input.owner {
            InputOwner::Selector(event) => Some((event, InputId(i as u32))),
            InputOwner::Param(..) => None,
        })
        .collect();
    let mut result = Vec::new();
    for sort in &system.abstract_sorts {
        let size = system.sort_sizes[sort.0];
        let mut uses: Vec<Vec<(InputId, Vec<InputId>)>> = vec![Vec::new(); size];
        for (index, input) in system.inputs.iter().enumerate() {
            let InputOwner::Param(event, _) = input.owner else {
                continue;
            };
            let Some(selector) = selectors.get(&event) else {
                continue;
            };
            for (value, s) in input.address.address.iter().zip(&input.address.sorts) {
                if *s != Some(*sort) {
                    continue;
                }
                let element = &mut uses[*value as usize];
                match element.iter_mut().find(|(sel, _)| sel == selector) {
                    Some((_, bits)) => bits.push(InputId(index as u32)),
                    None => element.push((*selector, vec![InputId(index as u32)])),
                }
            }
        }
        // Only the elements no term names may move.
        let distinguished = system
            .distinguished
            .get(sort.0)
            .map_or(&[][..], Vec::as_slice);
        let uses: Vec<Vec<(InputId, Vec<InputId>)>> = uses
            .into_iter()
            .enumerate()
            .filter(|(element, _)| !distinguished.contains(element))
            .map(|(_, uses)| uses)
            .collect();
        if uses.len() < 2 || uses.iter().all(Vec::is_empty) {
            continue;
        }
        // Parameters of this sort per event, and whether all are single
        // elements.
        let mut params: std::collections::BTreeMap<EventId, std::collections::BTreeSet<usize>> =
            std::collections::BTreeMap::new();
        let mut all_exclusive = true;
        for input in &system.inputs {
            if let InputOwner::Param(event, position) = input.owner {
                if input.address.sorts.contains(&Some(*sort)) {
                    params.entry(event).or_default().insert(position);
                    all_exclusive &= input.exclusive;
                }
            }
        }
        let per_step = all_exclusive.then(|| params.values().map(|p| p.len()).max().unwrap_or(0));
        let movable = uses.len();
        result.push(Symmetry {
            uses,
            seen: vec![Bool::from_bool(false); movable],
            per_step,
            steps: 0,
        });
    }
    result
}

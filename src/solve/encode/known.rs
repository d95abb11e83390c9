//! What an unrolling knows before the solver runs: values the constraints
//! fix outright, propagated into constants, and pins of one state to
//! what is known of it.

use z3::ast::{Bool, Int};

use super::{RawTrace, RawValue, Unrolling, Z3Term};
use crate::ir::{AtomId, NextDef, Term, TermId, Time};

impl Unrolling<'_> {
    /// Finds the atoms of state `step` whose value the constraints fix
    /// outright (`clock = 0` initially, `clock' = clock + 1` at every step,
    /// a constant's value) and replaces their solver constants by those
    /// values. The constraints stay asserted, so nothing changes in meaning;
    /// but the solver's incremental mode does not propagate such values
    /// itself, and a guard like `clock >= 24` then folds to false at the
    /// early steps instead of being searched.
    pub(super) fn propagate_constants(&mut self, step: usize, initial: bool) {
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
}

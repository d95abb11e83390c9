//! Operations on [`Val`]s: reading at another time, equality, choice, and
//! laying a value out in a compatible type (sets of integers move with
//! their range).

use crate::hir::*;
use crate::ir::*;

use super::{Lowerer, Val};

impl Lowerer<'_> {
    /// The same value, read at another time (leaves are current-state atoms).
    pub(super) fn at(&mut self, val: &Val, time: Time) -> Val {
        let retime = |t: TermId, terms: &mut Terms| match terms.get(t).clone() {
            Term::State(atom, _) => {
                let is_bool = terms.is_bool(t);
                let kind = if is_bool {
                    Kind::Bool
                } else {
                    Kind::Int { low: 0, high: 0 }
                };
                terms.state(atom, time, kind)
            }
            _ => t,
        };
        map_leaves(val, &mut |t| retime(t, &mut self.terms))
    }

    pub(super) fn equal(&mut self, a: &Val, b: &Val) -> TermId {
        match (a, b) {
            (Val::Bool(x), Val::Bool(y)) => self.terms.iff(*x, *y),
            (Val::Int(x), Val::Int(y)) => self.terms.int_eq(*x, *y),
            (Val::Elem(x), Val::Elem(y)) => {
                let both: Vec<TermId> = x
                    .iter()
                    .zip(y)
                    .map(|(p, q)| self.terms.and2(*p, *q))
                    .collect();
                self.terms.or(both)
            }
            (Val::Set(x), Val::Set(y)) => {
                let same: Vec<TermId> = x
                    .iter()
                    .zip(y)
                    .map(|(p, q)| self.terms.iff(*p, *q))
                    .collect();
                self.terms.and(same)
            }
            (Val::Opt(fx, vx), Val::Opt(fy, vy)) => {
                let values = self.equal(vx, vy);
                let both_some = self.terms.and([*fx, *fy, values]);
                let not_x = self.terms.not(*fx);
                let not_y = self.terms.not(*fy);
                let both_none = self.terms.and2(not_x, not_y);
                self.terms.or2(both_some, both_none)
            }
            (Val::Table(x), Val::Table(y)) => {
                let same: Vec<TermId> = x.iter().zip(y).map(|(p, q)| self.equal(p, q)).collect();
                self.terms.and(same)
            }
            _ => FALSE,
        }
    }

    /// `if c then a else b`, leaf by leaf.
    pub(super) fn choose(&mut self, c: TermId, a: &Val, b: &Val) -> Val {
        match (a, b) {
            (Val::Bool(x), Val::Bool(y)) => Val::Bool(self.terms.ite(c, *x, *y)),
            (Val::Int(x), Val::Int(y)) => Val::Int(self.terms.ite(c, *x, *y)),
            (Val::Elem(x), Val::Elem(y)) => Val::Elem(
                x.iter()
                    .zip(y)
                    .map(|(p, q)| self.terms.ite(c, *p, *q))
                    .collect(),
            ),
            (Val::Set(x), Val::Set(y)) => Val::Set(
                x.iter()
                    .zip(y)
                    .map(|(p, q)| self.terms.ite(c, *p, *q))
                    .collect(),
            ),
            (Val::Opt(fx, vx), Val::Opt(fy, vy)) => {
                let flag = self.terms.ite(c, *fx, *fy);
                let value = self.choose(c, vx, vy);
                Val::Opt(flag, Box::new(value))
            }
            (Val::Table(x), Val::Table(y)) => {
                Val::Table(x.iter().zip(y).map(|(p, q)| self.choose(c, p, q)).collect())
            }
            _ => a.clone(),
        }
    }

    /// One of several values by exclusive conditions (the last is the
    /// default when none holds).
    pub(super) fn select(&mut self, options: Vec<(TermId, Val)>) -> Val {
        let mut iter = options.into_iter().rev();
        let Some((_, mut result)) = iter.next() else {
            return Val::Bool(FALSE);
        };
        for (condition, value) in iter {
            result = self.choose(condition, &value, &result);
        }
        result
    }

    /// Lays a value of type `from` out as a value of the compatible type
    /// `to`. Only sets of integers differ: their members are indexed from
    /// the low end of their range, so they move when the range does.
    /// Members outside `to` are dropped; [`Self::fits`] says whether there
    /// are none.
    pub(super) fn fit(&mut self, val: Val, from: &Type, to: &Type) -> Val {
        let (Val::Set(bits), Type::Set(from), Type::Set(to)) = (&val, from, to) else {
            return val;
        };
        let (Type::Int(from), Type::Int(to)) = (from.as_ref(), to.as_ref()) else {
            return val;
        };
        if from == to {
            return val;
        }
        Val::Set(
            (to.low..=to.high)
                .map(|value| {
                    if value < from.low {
                        return FALSE;
                    }
                    bits.get((value - from.low) as usize)
                        .copied()
                        .unwrap_or(FALSE)
                })
                .collect(),
        )
    }

    /// Whether a value of type `from` has no member outside the compatible
    /// type `to` (always true but for sets of integers).
    pub(super) fn fits(&mut self, val: &Val, from: &Type, to: &Type) -> TermId {
        let (Val::Set(bits), Type::Set(from), Type::Set(to)) = (val, from, to) else {
            return TRUE;
        };
        let (Type::Int(from), Type::Int(to)) = (from.as_ref(), to.as_ref()) else {
            return TRUE;
        };
        let outside: Vec<TermId> = (from.low..=from.high)
            .zip(bits)
            .filter(|(value, _)| *value < to.low || *value > to.high)
            .map(|(_, bit)| self.terms.not(*bit))
            .collect();
        self.terms.and(outside)
    }

    /// Whether two values of compatible types are equal, compared in the
    /// type that covers both.
    pub(super) fn equal_typed(&mut self, a: Val, a_type: &Type, b: Val, b_type: &Type) -> TermId {
        let common = a_type.join(b_type);
        let a = self.fit(a, a_type, &common);
        let b = self.fit(b, b_type, &common);
        self.equal(&a, &b)
    }

    /// The `if` branches are laid out as the `if`'s type (which covers both).
    pub(super) fn widen(&mut self, val: Val, from: &Type, to: &Type) -> Val {
        self.fit(val, from, to)
    }
}

/// The leaves of a value, in a fixed order (flag before value).
pub(super) fn leaves(val: &Val) -> Vec<TermId> {
    match val {
        Val::Bool(t) | Val::Int(t) => vec![*t],
        Val::Elem(bits) | Val::Set(bits) => bits.clone(),
        Val::Opt(flag, value) => {
            let mut out = vec![*flag];
            out.extend(leaves(value));
            out
        }
        Val::Table(values) => values.iter().flat_map(leaves).collect(),
    }
}

pub(super) fn map_leaves(val: &Val, f: &mut dyn FnMut(TermId) -> TermId) -> Val {
    match val {
        Val::Bool(t) => Val::Bool(f(*t)),
        Val::Int(t) => Val::Int(f(*t)),
        Val::Elem(bits) => Val::Elem(bits.iter().map(|b| f(*b)).collect()),
        Val::Set(bits) => Val::Set(bits.iter().map(|b| f(*b)).collect()),
        Val::Opt(flag, value) => Val::Opt(f(*flag), Box::new(map_leaves(value, f))),
        Val::Table(values) => Val::Table(values.iter().map(|v| map_leaves(v, f)).collect()),
    }
}

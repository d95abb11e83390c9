//! Comparisons of counts as pseudo-Boolean constraints. Lowering states a
//! count `#s` as a sum of `if b then 1 else 0`, and shares, sums and
//! scaled counts as sums of those; compared with each other (`2 * #{…} >
//! #{…}`), such sums are arithmetic that Z3's linear solver handles badly
//! (a hand-written pseudo-Boolean form of the wide family's guard ran 30×
//! to over 3,000× faster). Here a comparison whose sides are integer
//! combinations of such terms and constants becomes one pseudo-Boolean
//! constraint with integer coefficients over the Boolean items, and an
//! integer equal to such a combination (`support' = #voted`) an order
//! encoding: `x ≥ v` exactly where the combination is at least `v`.
//!
//! Both are exact: the same truth value in every assignment of the atoms
//! (no range of any atom is assumed); a shape that does not fit, or a
//! weight above [`MAX_WEIGHT`], keeps the arithmetic form.

use z3::ast::{Bool, Int};

use super::Unrolling;
use crate::ir::{Term, TermId, Terms};

/// Whether comparisons become pseudo-Boolean constraints. On: every
/// verdict stays (the explicit engine agrees, `tests/counting.rs`); Z3
/// takes another path to some histories, so four spec goldens pick other,
/// equally minimal, members or constants (and one witness is now
/// minimised fully). Measured (wide family, user CPU, one run, against
/// the arithmetic form): `charter lint` at N = 12, 1.2 s against 4.2 s;
/// the planted bug at N = 12, 1.1 s against 2.6 s; induction on
/// `2 * #suspended < #Member` at N = 24, 0.2 s against over 12 s.
const ENABLED: bool = true;

/// Whether an integer equal to a combination (`support' = #voted`) is
/// order-encoded. Off, by measurement (wide family, user CPU, one run):
/// it sped the planted bug at N = 16 up (2.8 s against 6.5 s with the
/// comparisons alone) but slowed `charter lint` at N = 12 sevenfold (8.8 s
/// against 1.2 s), and the verify of every command runs lint's blocking
/// check; the arithmetic form stays.
const ORDER_ENCODING: bool = false;

/// The most values an order encoding spells out (one constraint each).
const MAX_ORDER_VALUES: i128 = 256;

/// The largest weight of an item in a pseudo-Boolean form. Counts
/// compared with counts have small weights (`2 * #{…} > #{…}`); sums of
/// large numbers (populations in the EU's qualified majority, weights up
/// to 840,000) stay arithmetic, which Z3 solves far faster there (a
/// scenario of that spec ran for minutes as a pseudo-Boolean constraint).
const MAX_WEIGHT: i128 = 16;

/// `Σ weight·[item] + constant (+ coefficient·other)`: a linear
/// combination of Boolean items, in order of first appearance, and at most
/// one integer term that is not such a combination.
#[derive(Default)]
struct Linear {
    items: Vec<(TermId, i128)>,
    constant: i128,
    other: Option<(TermId, i128)>,
}

impl Linear {
    /// Adds `scale · term`; false where the term is not linear over
    /// Boolean items (a product of terms, a second integer atom) or a
    /// number leaves i64.
    fn add(&mut self, terms: &Terms, term: TermId, scale: i128) -> bool {
        let fits = |value: i128| value.unsigned_abs() <= i64::MAX as u128;
        match terms.get(term) {
            Term::Int(value) => {
                self.constant += scale * i128::from(*value);
                fits(self.constant)
            }
            Term::Ite(c, a, b) => match (terms.as_int(*a), terms.as_int(*b)) {
                // b + (a - b)·[c]
                (Some(a), Some(b)) => {
                    self.constant += scale * i128::from(b);
                    let weight = scale * (i128::from(a) - i128::from(b));
                    self.item(terms, *c, weight);
                    fits(self.constant) && fits(weight)
                }
                _ => self.other(term, scale),
            },
            Term::Add(items) => items.iter().all(|item| self.add(terms, *item, scale)),
            Term::Sub(a, b) => self.add(terms, *a, scale) && self.add(terms, *b, -scale),
            Term::Mul(k, a) => {
                let scale = scale * i128::from(*k);
                fits(scale) && self.add(terms, *a, scale)
            }
            _ => self.other(term, scale),
        }
    }

    /// `weight · [item]`, a negation stated over what it negates
    /// (`w·[¬x] = w - w·[x]`), so that a set and its complement share items.
    fn item(&mut self, terms: &Terms, item: TermId, weight: i128) {
        let (item, weight) = match terms.get(item) {
            Term::Not(inner) => {
                self.constant += weight;
                (*inner, -weight)
            }
            _ => (item, weight),
        };
        match self.items.iter_mut().find(|(known, _)| *known == item) {
            Some((_, known)) => *known += weight,
            None => self.items.push((item, weight)),
        }
    }

    fn other(&mut self, term: TermId, scale: i128) -> bool {
        match self.other {
            None => {
                self.other = Some((term, scale));
                true
            }
            Some((known, ref mut coefficient)) if known == term => {
                *coefficient += scale;
                true
            }
            Some(_) => false,
        }
    }
}

/// `Σ weight·[literal] ≥ bound`, every weight positive: the form Z3 takes.
struct AtLeast {
    literals: Vec<(Bool, i32)>,
    bound: i128,
    /// The sum of the weights: the most the left side can be.
    total: i128,
}

impl AtLeast {
    fn constraint(&self) -> Bool {
        if self.bound <= 0 {
            return Bool::from_bool(true);
        }
        if self.bound > self.total {
            return Bool::from_bool(false);
        }
        let weighted: Vec<(&Bool, i32)> = self.literals.iter().map(|(l, w)| (l, *w)).collect();
        // `bound ≤ total`, which fits (checked when built).
        Bool::pb_ge(&weighted, self.bound as i32)
    }
}

/// The comparison a term makes between two integer sides, as `lhs - rhs`
/// against zero.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// `lhs - rhs ≤ 0`
    AtMostZero,
    /// `lhs - rhs ≤ -1`
    BelowZero,
    /// `lhs - rhs = 0`
    Zero,
}

impl Unrolling<'_> {
    /// The pseudo-Boolean form of `term` at `step` (an integer
    /// comparison), where it has one: see the module's comment.
    pub(super) fn counting(&mut self, term: TermId, step: usize) -> Option<Bool> {
        // The export stays standard SMT-LIB (`QF_LIA`): no `pbge`.
        if !ENABLED || self.portable {
            return None;
        }
        let terms = &self.system.terms;
        let (a, b, relation) = match terms.get(term) {
            Term::Le(a, b) => (*a, *b, Relation::AtMostZero),
            Term::Lt(a, b) => (*a, *b, Relation::BelowZero),
            Term::IntEq(a, b) => (*a, *b, Relation::Zero),
            _ => return None,
        };
        let mut linear = Linear::default();
        if !(linear.add(terms, a, 1) && linear.add(terms, b, -1)) {
            return None;
        }
        if linear.items.is_empty() {
            return None;
        }
        match linear.other {
            None => self.compared(linear, relation, step),
            Some(_) if !ORDER_ENCODING => None,
            Some((other, coefficient))
                if relation == Relation::Zero && coefficient.unsigned_abs() == 1 =>
            {
                self.order_encoded(linear, other, coefficient, step)
            }
            Some(_) => None,
        }
    }

    /// `Σ w·[item] + c` at least `bound`, with the items' values at `step`
    /// (constants folded into the bound, negative weights turned into
    /// positive ones over the negated literal).
    fn at_least(&mut self, items: &[(TermId, i128)], bound: i128, step: usize) -> Option<AtLeast> {
        let mut bound = bound;
        let mut literals = Vec::new();
        let mut total: i128 = 0;
        for (item, weight) in items {
            if *weight == 0 {
                continue;
            }
            if weight.abs() > MAX_WEIGHT {
                return None;
            }
            let literal = self.bool_at(*item, step);
            match literal.as_bool() {
                Some(true) => bound -= weight,
                Some(false) => {}
                // w·[l] with w < 0 is w + |w|·[¬l].
                None if *weight < 0 => {
                    bound -= weight;
                    literals.push((literal.not(), i32::try_from(-weight).ok()?));
                    total -= weight;
                }
                None => {
                    literals.push((literal, i32::try_from(*weight).ok()?));
                    total += weight;
                }
            }
        }
        i32::try_from(total).ok()?;
        Some(AtLeast {
            literals,
            bound,
            total,
        })
    }

    /// `Σ w·[item] + c` compared with zero.
    fn compared(&mut self, linear: Linear, relation: Relation, step: usize) -> Option<Bool> {
        let Linear {
            items, constant, ..
        } = linear;
        // `s ≤ 0` is `-s ≥ 0`; `s ≤ -1` is `-s ≥ 1`; `s = 0` is both
        // `s ≥ 0` and `-s ≥ 0`.
        let negated: Vec<(TermId, i128)> = items.iter().map(|(t, w)| (*t, -w)).collect();
        let upper = match relation {
            Relation::BelowZero => self.at_least(&negated, constant + 1, step)?,
            _ => self.at_least(&negated, constant, step)?,
        };
        if relation != Relation::Zero {
            return Some(upper.constraint());
        }
        let lower = self.at_least(&items, -constant, step)?;
        // Both over the same literals, up to negation: `Σ w·l = k`.
        if lower.bound < 0 || lower.bound > lower.total {
            return Some(Bool::from_bool(false));
        }
        let weighted: Vec<(&Bool, i32)> = lower.literals.iter().map(|(l, w)| (l, *w)).collect();
        Some(Bool::pb_eq(&weighted, lower.bound as i32))
    }

    /// `coefficient·x + Σ w·[item] + c = 0` with coefficient ±1, that is
    /// `x = s` for the combination `s`: `s`'s lowest value ≤ x ≤ its
    /// highest, and for every value v above the lowest, `x ≥ v` exactly
    /// where `s ≥ v` (exact: were x < s, v = s would tell them apart; were
    /// x > s, v = x).
    fn order_encoded(
        &mut self,
        linear: Linear,
        other: TermId,
        coefficient: i128,
        step: usize,
    ) -> Option<Bool> {
        // x = -(Σ w·[item] + c)/coefficient.
        let items: Vec<(TermId, i128)> = linear
            .items
            .iter()
            .map(|(t, w)| (*t, -w * coefficient))
            .collect();
        let constant = -linear.constant * coefficient;
        // The combination's range, from what the items can be at `step`.
        let base = self.at_least(&items, 0, step)?;
        let lowest = constant - base.bound;
        let highest = lowest + base.total;
        if highest - lowest > MAX_ORDER_VALUES {
            return None;
        }
        let x = self.int_at(other, step);
        let as_int = |v: i128| Int::from_i64(v as i64);
        let mut parts = vec![x.ge(as_int(lowest)), x.le(as_int(highest))];
        for value in lowest + 1..=highest {
            // s ≥ v ⇔ Σ w·[item] ≥ v - c.
            let reaches = self.at_least(&items, value - constant, step)?;
            parts.push(x.ge(as_int(value)).eq(reaches.constraint()));
        }
        Some(Bool::and(&parts))
    }
}

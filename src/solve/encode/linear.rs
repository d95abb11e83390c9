//! Comparisons of counts as cardinality and pseudo-Boolean constraints.
//! Lowering states a count `#s` as a sum of `if b then 1 else 0`, and
//! shares, sums and scaled counts as sums of those; compared with each
//! other (`2 * #{…} > #{…}`), such sums are arithmetic that Z3's linear
//! solver handles badly (a hand-written pseudo-Boolean form of the wide
//! family's guard ran 30× to over 3,000× faster). Here a comparison whose
//! sides are integer combinations of such terms and constants is read as
//! `Σ w·[item] + c ≥ 0` over the Boolean items, exactly.
//!
//! Where its items have two or more weights, [`Unrolling::by_counts`]
//! decomposes it into unit-weight cardinality constraints: the items of
//! one weight form a group with a count `C`; for each tuple of values the
//! other groups' counts can take (at most [`MAX_CASES`]), one clause "some
//! other count is beyond its value, or the main group's count meets what
//! is left". Those cardinality literals are shared across the
//! comparisons, related to each other by valid facts
//! ([`Unrolling::cardinality`]), and Z3 reasons over them far better than
//! over one weighted constraint. A comparison with more tuples stays one
//! pseudo-Boolean constraint with integer coefficients, and so does a
//! comparison of one weight (a single cardinality constraint already:
//! sharing and relating those literals made `charter lint`'s clash
//! questions on the Texas quorum spec over 30× slower). An integer state
//! atom equal to such a combination (`support' = #voted`) gets an order
//! encoding over the same literals: `x ≥ v` exactly where the combination
//! is at least `v`.
//!
//! Measured (wide family, user CPU, one run, decomposed against one
//! pseudo-Boolean constraint): the natural spelling at N = 16, check 6.2 s
//! and prove 7.5 s (both unknown at 150 s before); the planted bug at
//! N = 24, 7.6 s (unknown before); `charter lint` of the wide family at
//! N = 12, 1.87 s against 1.41 s.
//!
//! All are exact: the same truth value in every assignment of the atoms
//! (no range of any atom is assumed); a shape that does not fit keeps the
//! arithmetic form, and so does one with more tuples than [`MAX_CASES`]
//! and a weight above [`MAX_WEIGHT`] (the decomposition itself takes any
//! weight: its clauses are cardinality constraints).

use z3::ast::{Bool, Int};

use super::{fold_junction, Count, Unrolling};
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

/// Whether an integer atom equal to a combination (`support' = #voted`)
/// is order-encoded (over the cardinality literals of [`Unrolling::by_counts`]).
/// Only a state atom: lint's successor checks compare an `ite` of
/// candidates with the count, and its order encoding (beside the range
/// check, arithmetic) slowed `charter lint` of the wide family at N = 12
/// sevenfold. Measured (user CPU, one run, against off): the wide planted
/// bug at N = 24, 7.6 s against 20.2 s; N = 16 check 6.2 s against 8.3 s.
const ORDER_ENCODING: bool = true;

/// The most values an order encoding spells out (one constraint each).
const MAX_ORDER_VALUES: i128 = 256;

/// The most tuples of values [`Unrolling::by_counts`] spells out (one
/// clause each) before a comparison stays one pseudo-Boolean constraint.
const MAX_CASES: i128 = 256;

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
                if relation == Relation::Zero
                    && coefficient.unsigned_abs() == 1
                    && matches!(terms.get(other), Term::State(..)) =>
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
        // `s ≤ 0` is `-s ≥ 0`; `s ≤ -1` is `-s - 1 ≥ 0`; `s = 0` is both
        // `s ≥ 0` and `-s ≥ 0`.
        let negated: Vec<(TermId, i128)> = items.iter().map(|(t, w)| (*t, -w)).collect();
        match relation {
            Relation::AtMostZero => self.at_least_zero(&negated, -constant, step),
            Relation::BelowZero => self.at_least_zero(&negated, -constant - 1, step),
            Relation::Zero => {
                let by_counts = self
                    .by_counts(&negated, -constant, step)
                    .and_then(|upper| Some((upper, self.by_counts(&items, constant, step)?)));
                if let Some((upper, lower)) = by_counts {
                    return Some(fold_junction(vec![upper, lower], false));
                }
                let lower = self.at_least(&items, -constant, step)?;
                // Over the same literals as the upper bound, up to
                // negation: `Σ w·l = k`.
                if lower.bound < 0 || lower.bound > lower.total {
                    return Some(Bool::from_bool(false));
                }
                let weighted: Vec<(&Bool, i32)> =
                    lower.literals.iter().map(|(l, w)| (l, *w)).collect();
                Some(Bool::pb_eq(&weighted, lower.bound as i32))
            }
        }
    }

    /// `Σ w·[item] + c ≥ 0`: in unit-weight counts where it fits
    /// ([`Self::by_counts`]), else one pseudo-Boolean constraint.
    fn at_least_zero(
        &mut self,
        items: &[(TermId, i128)],
        constant: i128,
        step: usize,
    ) -> Option<Bool> {
        if let Some(done) = self.by_counts(items, constant, step) {
            return Some(done);
        }
        Some(self.at_least(items, -constant, step)?.constraint())
    }

    /// `Σ w·[item] + c ≥ 0` as cardinality constraints, exactly. The items
    /// of one (signed) weight w form a group, and the sum is `Σ w·C` over
    /// the groups' counts `C`. One group, the main one (the most open
    /// items), is left; for each tuple of values `c` the others can take,
    /// a clause: some other count is beyond its value (`C ≥ c + 1` where
    /// w > 0, `C ≤ c - 1` where w < 0), or the main count meets what is
    /// left (`w·C ≥ -(k + Σ w·c)`, divided out). Exact: the tuple of the
    /// counts' actual values gives the comparison itself; for any other
    /// tuple either a count is beyond its value, or every count is on the
    /// side of its value that asks less of the main one. None where the
    /// tuples number over [`MAX_CASES`].
    fn by_counts(&mut self, items: &[(TermId, i128)], constant: i128, step: usize) -> Option<Bool> {
        let mut groups: Vec<Group> = Vec::new();
        for (item, weight) in items {
            if *weight == 0 {
                continue;
            }
            match groups.iter_mut().find(|g| g.weight == *weight) {
                Some(group) => group.items.push(*item),
                None => groups.push(Group {
                    weight: *weight,
                    items: vec![*item],
                    low: 0,
                    open: 0,
                }),
            }
        }
        // Each count's range at `step`; a count the step decides is a
        // constant.
        let mut constant = constant;
        for group in &mut groups {
            for item in &group.items {
                match self.bool_at(*item, step).as_bool() {
                    Some(true) => group.low += 1,
                    Some(false) => {}
                    None => group.open += 1,
                }
            }
            if group.open == 0 {
                constant += group.weight * group.low;
            }
        }
        groups.retain(|group| group.open > 0);
        if groups.is_empty() {
            return Some(Bool::from_bool(constant >= 0));
        }
        // One weight is a single cardinality constraint as it stands: left
        // to the caller's pseudo-Boolean constraint (measured: sharing and
        // relating the literals of single counts made lint's clash
        // questions on the Texas quorum 30× slower).
        if groups.len() == 1 {
            return None;
        }
        let main = (0..groups.len()).max_by_key(|i| (groups[*i].open, usize::MAX - i))?;
        let main = groups.remove(main);
        let mut cases: i128 = 1;
        for group in &groups {
            cases *= group.open + 1;
            if cases > MAX_CASES {
                return None;
            }
        }
        let mut clauses = Vec::new();
        // The other counts' values, as an odometer.
        let mut values: Vec<i128> = groups.iter().map(|g| g.low).collect();
        loop {
            let mut parts = Vec::with_capacity(groups.len() + 1);
            let mut rest = constant;
            for (group, value) in groups.iter().zip(&values) {
                rest += group.weight * value;
                parts.push(if group.weight > 0 {
                    self.count_at(group, value + 1, Count::AtLeast, step)
                } else {
                    self.count_at(group, value - 1, Count::AtMost, step)
                });
            }
            // main.weight · C ≥ -rest.
            let (weight, need) = (main.weight, -rest);
            parts.push(if weight > 0 {
                // C ≥ ⌈need / weight⌉
                self.count_at(&main, -(-need).div_euclid(weight), Count::AtLeast, step)
            } else {
                // C ≤ ⌊need / weight⌋ = ⌊-need / -weight⌋
                self.count_at(&main, (-need).div_euclid(-weight), Count::AtMost, step)
            });
            let clause = fold_junction(parts, true);
            if clause.as_bool() == Some(false) {
                return Some(clause);
            }
            clauses.push(clause);
            // The next tuple, or the end.
            let mut place = 0;
            loop {
                if place == groups.len() {
                    return Some(fold_junction(clauses, false));
                }
                if values[place] < groups[place].low + groups[place].open {
                    values[place] += 1;
                    break;
                }
                values[place] = groups[place].low;
                place += 1;
            }
        }
    }

    /// At least / at most `k` of a group's items at `step` (a bound beyond
    /// the items' number kept just beyond it: the constraint is then
    /// constant).
    fn count_at(&mut self, group: &Group, k: i128, count: Count, step: usize) -> Bool {
        let k = k.clamp(-1, group.items.len() as i128 + 1) as i64;
        self.cardinality(&group.items, k, count, step)
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
            // s ≥ v ⇔ Σ w·[item] + c - v ≥ 0.
            let reaches = self.at_least_zero(&items, constant - value, step)?;
            parts.push(x.ge(as_int(value)).eq(reaches));
        }
        Some(Bool::and(&parts))
    }
}

/// The items of one weight in a combination, and their count's range at a
/// step: `low` known to hold, `open` undecided.
struct Group {
    weight: i128,
    items: Vec<TermId>,
    low: i128,
    open: i128,
}

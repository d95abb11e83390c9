//! A liveness proof's `decreasing M` hint: candidate invariants of the
//! liveness-to-safety product (see `liveness`) that relate the measure in
//! the current state to the measure in the saved state (the loop's start).
//!
//! With `owed` = "the loop has started and Q has been owed since its
//! start" (`saved and kept`):
//! - `kept → not Q`: true by construction, said so that an induction step
//!   from an arbitrary owed state knows Q is false there;
//! - `owed → M ≤ saved M`: the measure never rises in such a loop;
//! - per event e assumed fair, `owed and seen e → M < saved M`: it has
//!   fallen once e happened (or was disabled) in the loop;
//! - without fairness, `owed and moved → M < saved M`: it has fallen after
//!   any step of the loop.
//!
//! Any one strict candidate, proved, makes the bad state (every flag set,
//! the state equal to the saved one, so `M = saved M`) unreachable. They
//! are only candidates: `verify` proves them by k-induction before it
//! assumes them, and drops those it cannot prove, so a wrong measure can
//! cost a proof but never make one. The measure need not be bounded below:
//! a lasso comes back to its saved state, where it cannot have fallen.

use std::collections::HashMap;

use crate::hir::Measure;
use crate::ir::*;

use super::Lowerer;

/// What a candidate says of the measure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The awaited condition does not hold while it is owed: true by
    /// construction of the loop detector, but an induction step that
    /// starts in an arbitrary state needs it said (that a step from an
    /// owed state is taken where Q is false).
    NotYet,
    /// Never above its value at the loop's start while Q is owed.
    NeverRises,
    /// Below its value at the loop's start once this fair event happened
    /// or was disabled in the loop, while Q is owed.
    FallsWith(String),
    /// Below its value at the loop's start after any step of the loop,
    /// while Q is owed (no fairness assumed).
    FallsEachStep,
}

impl Claim {
    /// The claim in words, about the measure as written.
    pub fn describe(&self, measure: &str) -> String {
        match self {
            Claim::NotYet => "the awaited condition does not hold while it is owed".into(),
            Claim::NeverRises => {
                format!("`{measure}` never rises in a loop where the awaited condition is owed")
            }
            Claim::FallsWith(event) => format!(
                "`{measure}` has fallen in such a loop once `{event}` happened or was disabled"
            ),
            Claim::FallsEachStep => {
                format!("`{measure}` has fallen in such a loop after any step")
            }
        }
    }
}

/// One candidate invariant of a liveness system.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub claim: Claim,
    pub term: TermId,
}

impl Lowerer<'_> {
    /// The measure over the current state.
    pub(super) fn measure_term(&mut self, measure: &Measure) -> TermId {
        self.int_expr(&measure.expr, Time::Now)
    }

    /// The candidates of `measure` (its term over the current state), given each atom's shadow (its value at the loop's start),
    /// the loop detector's `saved`, `kept` and `moved`, and each fair
    /// event's `seen` flag.
    pub(super) fn measure_candidates(
        &mut self,
        measure: TermId,
        shadow_of: &[(AtomId, TermId)],
        (saved, kept, moved, not_q): (TermId, TermId, TermId, TermId),
        fair_seen: &[(String, TermId)],
    ) -> Vec<Candidate> {
        let map: HashMap<AtomId, TermId> = shadow_of.iter().copied().collect();
        let mut memo = HashMap::new();
        let at_start = shadowed(&mut self.terms, measure, &map, &mut memo);
        let owed = self.terms.and2(saved, kept);
        let (never_rises, fallen) = match linear(&self.terms, measure) {
            Some(items) => {
                // Item by item: each counted fact moves the measure only
                // down. Stronger than the sums compared, and Boolean, where
                // Z3 compares sums of many `if b then 1 else 0` badly.
                let mut steady = Vec::new();
                let mut down = Vec::new();
                for (weight, item) in items {
                    let start = shadowed(&mut self.terms, item, &map, &mut memo);
                    let (rises_from, rises_to) = match weight > 0 {
                        true => (start, item),
                        false => (item, start),
                    };
                    // For w > 0 a rise is the item off at the start and
                    // on now, a fall the reverse; for w < 0 the opposite.
                    let not_from = self.terms.not(rises_from);
                    let not_to = self.terms.not(rises_to);
                    let rose = self.terms.and2(not_from, rises_to);
                    steady.push(self.terms.not(rose));
                    down.push(self.terms.and2(rises_from, not_to));
                }
                let never_rises = self.terms.and(steady);
                let some_fell = self.terms.or(down);
                let fallen = self.terms.and2(never_rises, some_fell);
                (never_rises, fallen)
            }
            None => (
                self.terms.le(measure, at_start),
                self.terms.lt(measure, at_start),
            ),
        };
        let mut candidates = vec![
            Candidate {
                claim: Claim::NotYet,
                term: self.terms.implies(kept, not_q),
            },
            Candidate {
                claim: Claim::NeverRises,
                term: self.terms.implies(owed, never_rises),
            },
        ];
        let mut strict = |this: &mut Self, claim, flag| {
            let when = this.terms.and2(owed, flag);
            candidates.push(Candidate {
                claim,
                term: this.terms.implies(when, fallen),
            });
        };
        if fair_seen.is_empty() {
            strict(self, Claim::FallsEachStep, moved);
        }
        for (event, seen) in fair_seen {
            strict(self, Claim::FallsWith(event.clone()), *seen);
        }
        candidates
    }
}

/// The measure as `Σ weight·[item]` plus a constant (the constant
/// dropped), if it is such a sum of Boolean items (a count, a count
/// subtracted from a number, …), with the weights of equal items summed and
/// zero weights left out.
fn linear(terms: &Terms, term: TermId) -> Option<Vec<(i64, TermId)>> {
    let mut items: Vec<(i64, TermId)> = Vec::new();
    collect(terms, term, 1, &mut items)?;
    items.retain(|(w, _)| *w != 0);
    Some(items)
}

fn collect(terms: &Terms, term: TermId, scale: i64, items: &mut Vec<(i64, TermId)>) -> Option<()> {
    match terms.get(term) {
        Term::Int(_) => Some(()),
        Term::Ite(b, x, y) => {
            let (Term::Int(x), Term::Int(y)) = (terms.get(*x), terms.get(*y)) else {
                return None;
            };
            let weight = scale.checked_mul(x.checked_sub(*y)?)?;
            match items.iter_mut().find(|(_, item)| item == b) {
                Some((w, _)) => *w = w.checked_add(weight)?,
                None => items.push((weight, *b)),
            }
            Some(())
        }
        Term::Add(parts) => parts
            .iter()
            .try_for_each(|part| collect(terms, *part, scale, items)),
        Term::Sub(a, b) => {
            collect(terms, *a, scale, items)?;
            collect(terms, *b, scale.checked_neg()?, items)
        }
        Term::Mul(k, a) => collect(terms, *a, scale.checked_mul(*k)?, items),
        _ => None,
    }
}

/// `term` with every current-state atom of `map` replaced by its shadow.
fn shadowed(
    terms: &mut Terms,
    term: TermId,
    map: &HashMap<AtomId, TermId>,
    memo: &mut HashMap<TermId, TermId>,
) -> TermId {
    if let Some(done) = memo.get(&term) {
        return *done;
    }
    let node = terms.get(term).clone();
    let result = match &node {
        Term::State(atom, Time::Now) => map.get(atom).copied().unwrap_or(term),
        Term::Bool(_) | Term::Int(_) | Term::State(..) | Term::Input(_) => term,
        _ => {
            let children: Vec<TermId> = node
                .children()
                .into_iter()
                .map(|child| shadowed(terms, child, map, memo))
                .collect();
            rebuild(terms, &node, &children)
        }
    };
    memo.insert(term, result);
    result
}

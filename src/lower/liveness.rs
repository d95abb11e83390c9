//! Liveness to safety: a liveness command's system, whose goal is a safety
//! property that fails exactly where a fair lasso violating the liveness
//! property closes.
//!
//! Added to the system (atoms owned by [`Owner::Liveness`]):
//! - `pending`: the awaited condition Q is owed and has not come: for
//!   `eventually Q` it starts as `not Q` and stays while Q does not hold;
//!   for `P leads to Q`, `(pending or P) and not Q` in every state;
//! - `saved`: the loop has started (chosen freely, once: it stays true);
//! - a shadow copy of every other atom (state and past-time monitors): the
//!   current state until `saved`, then frozen at the loop's first state;
//! - `kept`: Q was owed at the loop's start and has not held since;
//! - `moved`: the loop has taken at least one step;
//! - per event assumed fair, `seen`: since the loop's start, it happened or
//!   was disabled in some state (its `requires` false for every argument).
//!
//! The goal is `not (saved and moved and kept and every seen and the state
//! equals its shadow)`: a history reaching such a state is a lasso — a
//! prefix and a loop back to the saved state — on which Q is owed and never
//! comes and every fair event is treated fairly. The system is finite, so
//! every fair infinite history violating the property has such a lasso:
//! proving the goal (k-induction, with the spec's lemmas, which are
//! invariants of the original state) proves the liveness property.
//!
//! The goal's antecedent, for the vacuity check, is the same lasso without
//! `kept` (whatever Q does) but, for `P leads to Q`, with `arisen` (an atom
//! added last: P has held): when no history within the depth reaches it,
//! there is no fair infinite history in which the obligation arises, and
//! a verdict that holds would hold vacuously.

use crate::hir::*;
use crate::ir::*;

use super::decreasing::Candidate;
use super::Lowerer;

/// Where a liveness system keeps its loop: the atom that says a state is
/// in the loop (the first such state is where the loop goes back to).
#[derive(Clone, Copy, Debug)]
pub struct LoopAtoms {
    pub saved: AtomId,
}

impl Lowerer<'_> {
    /// The goal of a liveness command about `formula`, assuming `fair`,
    /// and the candidate invariants of its `measure` (see `decreasing`).
    pub(super) fn liveness_goal(
        &mut self,
        formula: &Formula,
        fair: &[Fairness],
        measure: Option<&Measure>,
    ) -> (Goal, LoopAtoms, Vec<Candidate>) {
        let (trigger, awaited) = formula.liveness_parts();
        let q_now = self.bool_expr(awaited, Time::Now);
        let q_next = self.bool_expr(awaited, Time::Next);
        let p = trigger.map(|p| (self.bool_expr(p, Time::Now), self.bool_expr(p, Time::Next)));
        let enabled: Vec<(TermId, TermId, TermId)> = fair
            .iter()
            .map(|f| {
                let now = self.enabled(f.event, Time::Now);
                let next = self.enabled(f.event, Time::Next);
                (now, next, self.selectors[f.event.0])
            })
            .collect();
        // Lowered before the shadows, so that every atom it reads has one.
        let measure = measure.map(|m| self.measure_term(m));
        // Every atom so far (state and monitors) gets a shadow.
        let originals: Vec<(AtomId, Kind)> = self
            .atoms
            .iter()
            .enumerate()
            .map(|(i, a)| (AtomId(i as u32), a.kind))
            .collect();
        let fresh = |this: &mut Self, name: String, kind: Kind| {
            let id = AtomId(this.atoms.len() as u32);
            let index = this.atoms.len();
            this.atoms.push(AtomInfo {
                name,
                kind,
                owner: Owner::Liveness(index),
                address: Address {
                    address: Vec::new(),
                    sorts: Vec::new(),
                },
            });
            let now = this.terms.state(id, Time::Now, kind);
            let next = this.terms.state(id, Time::Next, kind);
            (id, now, next)
        };
        let (_, pending, pending_next) = fresh(self, "live.pending".into(), Kind::Bool);
        let (saved_id, saved, saved_next) = fresh(self, "live.saved".into(), Kind::Bool);
        let (_, kept, kept_next) = fresh(self, "live.kept".into(), Kind::Bool);
        let (_, moved, moved_next) = fresh(self, "live.moved".into(), Kind::Bool);
        let seen: Vec<(TermId, TermId)> = fair
            .iter()
            .map(|f| {
                let name = format!("live.seen {}", self.charter.events[f.event.0].name);
                let (_, now, next) = fresh(self, name, Kind::Bool);
                (now, next)
            })
            .collect();
        let shadows: Vec<(TermId, TermId, TermId, TermId, bool)> = originals
            .iter()
            .map(|(atom, kind)| {
                let name = format!("live.shadow {}", self.atoms[atom.0 as usize].name);
                let (_, now, next) = fresh(self, name, *kind);
                let x_now = self.terms.state(*atom, Time::Now, *kind);
                let x_next = self.terms.state(*atom, Time::Next, *kind);
                (x_now, x_next, now, next, matches!(kind, Kind::Bool))
            })
            .collect();
        let mut init = Vec::new();
        let mut trans = Vec::new();
        let not_q = self.terms.not(q_now);
        let not_q_next = self.terms.not(q_next);
        // pending
        let (pending_init, pending_update) = match p {
            None => (not_q, self.terms.and2(pending, not_q_next)),
            Some((p_now, p_next)) => {
                let owed = self.terms.or2(pending, p_next);
                (
                    self.terms.and2(p_now, not_q),
                    self.terms.and2(owed, not_q_next),
                )
            }
        };
        init.push(self.terms.iff(pending, pending_init));
        trans.push(self.terms.iff(pending_next, pending_update));
        // saved stays
        trans.push(self.terms.implies(saved, saved_next));
        // moved: a step taken from a saved state
        init.push(self.terms.not(moved));
        trans.push(self.terms.iff(moved_next, saved));
        // kept
        init.push(self.terms.iff(kept, pending));
        let kept_on = self.terms.and2(kept, not_q_next);
        let kept_update = self.terms.ite(saved, kept_on, pending_next);
        trans.push(self.terms.iff(kept_next, kept_update));
        // seen, per fair event
        for ((seen_now, seen_next), (en_now, en_next, selector)) in seen.iter().zip(&enabled) {
            let off_now = self.terms.not(*en_now);
            let off_next = self.terms.not(*en_next);
            init.push(self.terms.iff(*seen_now, off_now));
            let on = self.terms.or([*seen_now, *selector, off_next]);
            let update = self.terms.ite(saved, on, off_next);
            trans.push(self.terms.iff(*seen_next, update));
        }
        // shadows
        let mut equal = Vec::new();
        for (x_now, x_next, s_now, s_next, is_bool) in &shadows {
            let same = |this: &mut Self, a, b| match is_bool {
                true => this.terms.iff(a, b),
                false => this.terms.int_eq(a, b),
            };
            init.push(same(self, *s_now, *x_now));
            let follow = same(self, *s_next, *x_next);
            let frozen = same(self, *s_next, *s_now);
            trans.push(self.terms.ite(saved, frozen, follow));
            equal.push(same(self, *x_now, *s_now));
        }
        for term in init {
            self.init.push(Constraint {
                term,
                origin: Origin::Monitor,
            });
        }
        for term in trans {
            self.trans.push(Constraint {
                term,
                origin: Origin::Monitor,
            });
        }
        // A fair lasso whatever Q does, on which the obligation has
        // arisen (for `P leads to Q`, P held at some point): none within
        // the depth, and the property would hold vacuously there.
        let mut lasso = vec![saved, moved];
        lasso.extend(seen.iter().map(|(now, _)| *now));
        lasso.extend(equal.iter().copied());
        if let Some((p_now, p_next)) = p {
            let (_, arisen, arisen_next) = fresh(self, "live.arisen".into(), Kind::Bool);
            self.init.push(Constraint {
                term: self.terms.iff(arisen, p_now),
                origin: Origin::Monitor,
            });
            let update = self.terms.or2(arisen, p_next);
            self.trans.push(Constraint {
                term: self.terms.iff(arisen_next, update),
                origin: Origin::Monitor,
            });
            lasso.push(arisen);
        }
        let mut bad = vec![saved, moved, kept];
        bad.extend(seen.iter().map(|(now, _)| *now));
        bad.extend(equal);
        let bad = self.terms.and(bad);
        let goal = Goal {
            term: self.terms.not(bad),
            antecedent: Some(self.terms.and(lasso)),
        };
        let candidates = match measure {
            Some(measure) => {
                let shadow_of: Vec<(AtomId, TermId)> = originals
                    .iter()
                    .zip(&shadows)
                    .map(|((atom, _), (_, _, s_now, _, _))| (*atom, *s_now))
                    .collect();
                let fair_seen: Vec<(String, TermId)> = fair
                    .iter()
                    .zip(&seen)
                    .map(|(f, (now, _))| (self.charter.events[f.event.0].name.clone(), *now))
                    .collect();
                let loop_atoms = (saved, kept, moved, not_q);
                self.measure_candidates(measure, &shadow_of, loop_atoms, &fair_seen)
            }
            None => Vec::new(),
        };
        (goal, LoopAtoms { saved: saved_id }, candidates)
    }

    /// Whether `event`'s `requires` hold for some arguments, at `time`.
    fn enabled(&mut self, event: EventId, time: Time) -> TermId {
        let charter = self.charter;
        let decl = &charter.events[event.0];
        let binders: Vec<Binder> = decl
            .params
            .iter()
            .map(|p| Binder {
                local: *p,
                domain: Domain::Type(charter.local(*p).ty.clone()),
            })
            .collect();
        let instances = self.instances(&binders, time, &mut |this| {
            let guards: Vec<TermId> = decl
                .requires
                .iter()
                .map(|g| this.bool_expr(&g.body, time))
                .collect();
            this.terms.and(guards)
        });
        let hits: Vec<TermId> = instances
            .into_iter()
            .map(|(in_domain, holds)| self.terms.and2(in_domain, holds))
            .collect();
        self.terms.or(hits)
    }
}

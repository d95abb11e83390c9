//! The rules of a spec as constraints: initial and constant values,
//! axioms and `init`s, guards, clauses (`when`, `unless`, defaults, effects
//! as guarded equations on the next state), the effects of overridden
//! clauses (written once every clause is lowered), the next-value
//! definitions, and inertia per location.

use crate::hir::{self, *};
use crate::ir::*;
use crate::span::Span;

use super::lint_terms::{Application, ApplicationKind};
use super::values::{leaves, map_leaves};
use super::{Lowerer, Val};

/// A frame slot: one cell of a state, or one element of a set-valued cell.
pub(super) type Slot = (StateId, usize, Option<usize>);

/// An effect's equation on one slot, of a clause that others override: it
/// holds where the effect assigns the slot and no overriding clause does,
/// which is known once every clause is lowered.
pub(super) struct DeferredWrite {
    clause: ClauseId,
    slot: Slot,
    /// Where the effect assigns the slot.
    condition: TermId,
    /// What must hold of the next state there.
    consequence: TermId,
    /// The (next-state leaf, value) pairs for the candidate next state.
    leaves: Vec<(TermId, TermId)>,
    origin: Origin,
}

/// An effect record (one cell) of a clause that others override: it
/// applies where it assigns a slot that no overriding clause assigns (or,
/// assigning none, where its rule applies); its range check with it.
pub(super) struct DeferredRecord {
    clause: ClauseId,
    record: usize,
    assigned: TermId,
    slots: Vec<(Slot, TermId)>,
    fits: TermId,
    origin: Origin,
}

/// Per clause, the clauses above it in the override order: those that
/// override it directly, and those that override them, and so on.
pub(super) fn overriders(charter: &hir::Charter) -> Vec<Vec<ClauseId>> {
    let count = charter.clauses.len();
    let mut above: Vec<Vec<ClauseId>> = vec![Vec::new(); count];
    for (index, clause) in charter.clauses.iter().enumerate() {
        for below in &clause.overrides {
            above[below.0].push(ClauseId(index));
        }
    }
    (0..count)
        .map(|start| {
            let mut seen = vec![false; count];
            let mut stack = above[start].clone();
            let mut out = Vec::new();
            while let Some(clause) = stack.pop() {
                if clause.0 == start || std::mem::replace(&mut seen[clause.0], true) {
                    continue;
                }
                out.push(clause);
                stack.extend(above[clause.0].iter().copied());
            }
            out.sort();
            out
        })
        .collect()
}

impl Lowerer<'_> {
    /// Initial values of variables, values of constants.
    pub(super) fn state_values(&mut self) {
        for (index, state) in self.charter.states.iter().enumerate() {
            let Some(value) = &state.value else { continue };
            let lowered = self.expr(value, Time::Now);
            let cell = self.cells[index][0].1.clone();
            let term = self.equal_typed(cell, &state.ty, lowered, &value.ty);
            // A monitor's initial `none` is part of what it means.
            let origin = if state.provenance.is_monitor() {
                Origin::Monitor
            } else {
                Origin::Value {
                    state: StateId(index),
                    span: value.span,
                }
            };
            let constraint = Constraint { term, origin };
            match state.kind {
                StateKind::Var => self.init.push(constraint),
                StateKind::Const => self.invariants.push(constraint),
            }
        }
    }

    pub(super) fn formulas(&mut self) {
        for (index, formula) in self.charter.formulas.iter().enumerate() {
            // The `init`s the checker writes for monitors: part of what a
            // monitor means, not the user's to blame.
            let origin = if formula.provenance.is_monitor() {
                Origin::Monitor
            } else {
                Origin::Formula {
                    formula: FormulaId(index),
                    span: formula.span,
                }
            };
            match formula.kind {
                FormulaKind::Axiom => {
                    let term = self.bool_expr(&formula.body, Time::Now);
                    self.invariants.push(Constraint { term, origin });
                }
                FormulaKind::Init => {
                    let term = self.bool_expr(&formula.body, Time::Now);
                    self.init.push(Constraint { term, origin });
                }
                FormulaKind::Lemma
                | FormulaKind::Assert
                | FormulaKind::Eventually
                | FormulaKind::LeadsTo => {}
            }
        }
    }

    fn bind_params(&mut self, event: EventId, locals: &[Option<LocalId>]) {
        for (position, local) in locals.iter().enumerate() {
            if let Some(local) = local {
                self.env[local.0] = Some(self.params[event.0][position].clone());
            }
        }
    }

    fn unbind(&mut self, locals: &[Option<LocalId>]) {
        for local in locals.iter().flatten() {
            self.env[local.0] = None;
        }
    }

    pub(super) fn guards(&mut self) {
        for (index, event) in self.charter.events.iter().enumerate() {
            let locals: Vec<Option<LocalId>> = event.params.iter().map(|l| Some(*l)).collect();
            self.bind_params(EventId(index), &locals);
            for (position, guard) in event.requires.iter().enumerate() {
                let condition = self.bool_expr(&guard.body, Time::Now);
                let term = self.terms.implies(self.selectors[index], condition);
                self.trans.push(Constraint {
                    term,
                    origin: Origin::Guard {
                        event: EventId(index),
                        index: position,
                        span: guard.body.span,
                    },
                });
            }
            self.unbind(&locals);
        }
    }

    pub(super) fn clauses(&mut self) {
        for (index, clause) in self.charter.clauses.iter().enumerate() {
            let clause_id = ClauseId(index);
            for rule in &clause.rules {
                let origin = Origin::Clause {
                    clause: clause_id,
                    span: rule.span,
                };
                match &rule.kind {
                    RuleKind::StateConstraint(body) => {
                        let term = self.bool_expr(body, Time::Now);
                        self.invariants.push(Constraint { term, origin });
                    }
                    RuleKind::TransitionConstraint(body) => {
                        let term = self.bool_expr(body, Time::Now);
                        self.trans.push(Constraint { term, origin });
                    }
                    RuleKind::On {
                        events,
                        bindings,
                        when,
                        block,
                    } => {
                        let applies = match events {
                            EventSet::One(event) => {
                                self.bind_params(*event, bindings);
                                self.selectors[event.0]
                            }
                            EventSet::AllExcept(except) => {
                                let excluded: Vec<TermId> =
                                    except.iter().map(|e| self.selectors[e.0]).collect();
                                let any_excluded = self.terms.or(excluded);
                                self.terms.not(any_excluded)
                            }
                        };
                        let applies = match when {
                            Some(when) => {
                                let condition = self.bool_expr(when, Time::Now);
                                self.terms.and2(applies, condition)
                            }
                            None => applies,
                        };
                        self.applications.push(Application {
                            clause: clause_id,
                            kind: ApplicationKind::Rule,
                            provenance: rule.provenance,
                            span: rule.span,
                            applies,
                            parent: None,
                        });
                        self.rule = rule.provenance;
                        self.block(block, applies, clause_id);
                        self.unbind(bindings);
                    }
                }
            }
        }
    }

    /// Effects of a block apply where `active` holds and no exception's
    /// condition does; exception `i` applies where its condition holds and
    /// no later sibling's does.
    fn block(&mut self, block: &EffectBlock, active: TermId, clause: ClauseId) {
        let conditions: Vec<TermId> = block
            .exceptions
            .iter()
            .map(|e| self.bool_expr(&e.condition, Time::Now))
            .collect();
        for (index, exception) in block.exceptions.iter().enumerate() {
            let later: Vec<TermId> = conditions[index + 1..].to_vec();
            let any_later = self.terms.or(later);
            let none_later = self.terms.not(any_later);
            let exception_active = self.terms.and([active, conditions[index], none_later]);
            self.applications.push(Application {
                clause,
                kind: ApplicationKind::Exception,
                provenance: self.rule,
                span: exception.span,
                applies: exception_active,
                parent: Some(active),
            });
            self.block(&exception.block, exception_active, clause);
        }
        let any_exception = self.terms.or(conditions);
        let no_exception = self.terms.not(any_exception);
        let own_active = self.terms.and2(active, no_exception);
        if let (Some(first), Some(last), false) = (
            block.effects.first(),
            block.effects.last(),
            block.exceptions.is_empty(),
        ) {
            self.applications.push(Application {
                clause,
                kind: ApplicationKind::Default,
                provenance: self.rule,
                span: Span::new(first.span.start, last.span.end),
                applies: own_active,
                parent: Some(active),
            });
        }
        for effect in &block.effects {
            self.effect(effect, own_active, clause);
        }
    }

    fn effect(&mut self, effect: &Effect, active: TermId, clause: ClauseId) {
        if active == FALSE {
            return;
        }
        if let Some(forall) = &effect.forall {
            let point = Effect {
                forall: None,
                ..effect.clone()
            };
            return self.effect_instances(
                &forall.binders,
                forall.when.as_ref(),
                &point,
                active,
                clause,
            );
        }
        let state = self.charter.state(effect.target).clone();
        let args: Vec<Vec<TermId>> = effect
            .args
            .iter()
            .zip(&state.args)
            .map(|(arg, ty)| {
                let value = self.expr(arg, Time::Now);
                self.index_of(&value, ty)
            })
            .collect();
        let value = self.expr(&effect.value, Time::Now);
        // A set of integers is laid out by its own range: re-lay the value
        // out in the target's, and require (for `=` and `+=`) that it has no
        // member the target cannot hold.
        let mut fits = match effect.op {
            AssignOp::Set | AssignOp::Add => self.fits(&value, &effect.value.ty, &state.ty),
            _ => TRUE,
        };
        // `s' += x` wraps the element `x` in a set of the target's type: an
        // `x` outside the target's range fits nowhere, and must not vanish.
        if let (
            AssignOp::Set | AssignOp::Add,
            ExprKind::SetLiteral(elements),
            Type::Set(element_type),
        ) = (effect.op, &effect.value.kind, &effect.value.ty)
        {
            for element in elements {
                if let (Type::Int(range), Type::Int(within)) = (&element.ty, element_type.as_ref())
                {
                    if range.low < within.low || range.high > within.high {
                        let lowered = self.expr(element, Time::Now);
                        let index = self.index_of(&lowered, element_type);
                        let somewhere = self.terms.or(index);
                        fits = self.terms.and2(fits, somewhere);
                    }
                }
            }
        }
        let value = self.fit(value, &effect.value.ty, &state.ty);
        let origin = Origin::Clause {
            clause,
            span: effect.span,
        };
        let cells = self.cells[effect.target.0].clone();
        for (cell_index, (tuple, cell)) in cells.iter().enumerate() {
            let matches: Vec<TermId> = tuple
                .iter()
                .zip(&args)
                .map(|(i, conditions)| conditions[*i])
                .collect();
            let matching = self.terms.and(matches);
            let assigned = self.terms.and2(active, matching);
            if assigned == FALSE {
                continue;
            }
            // One record per cell the effect may assign: it applies where
            // the effect does and its arguments name this cell.
            let record = self.effects.len();
            self.effects.push(EffectRecord {
                clause,
                state: effect.target,
                applies: assigned,
                span: effect.span,
            });
            self.effect_cells.push(cell_index);
            self.effect_rules.push(self.rule);
            let overridden = !self.overriders[clause.0].is_empty();
            if fits != TRUE && !overridden {
                let term = self.terms.implies(assigned, fits);
                self.trans.push(Constraint {
                    term,
                    origin: origin.clone(),
                });
            }
            let mut slots = Vec::new();
            let next = self.at(cell, Time::Next);
            match (effect.op, &next, &value) {
                (AssignOp::Set, Val::Set(next_bits), Val::Set(bits)) => {
                    for (element, (next_bit, bit)) in next_bits.iter().zip(bits).enumerate() {
                        let equal = self.terms.iff(*next_bit, *bit);
                        let slot = (effect.target, cell_index, Some(element));
                        slots.push((slot, assigned));
                        let leaves = vec![(*next_bit, *bit)];
                        self.write(clause, slot, assigned, equal, leaves, &origin);
                    }
                }
                (AssignOp::Set, _, _) => {
                    self.mark_opaque(cell, &value);
                    let leaves: Vec<(TermId, TermId)> =
                        leaves(&next).into_iter().zip(leaves(&value)).collect();
                    let equal = self.equal(&next, &value);
                    let slot = (effect.target, cell_index, None);
                    slots.push((slot, assigned));
                    self.write(clause, slot, assigned, equal, leaves, &origin);
                }
                (op, Val::Set(next_bits), Val::Set(bits)) => {
                    for (element, (next_bit, bit)) in next_bits.iter().zip(bits).enumerate() {
                        let touched = self.terms.and2(assigned, *bit);
                        if touched == FALSE {
                            continue;
                        }
                        let added = op == AssignOp::Add;
                        let constant = self.terms.constant(added);
                        let result = match op {
                            AssignOp::Add => *next_bit,
                            _ => self.terms.not(*next_bit),
                        };
                        let slot = (effect.target, cell_index, Some(element));
                        slots.push((slot, touched));
                        let leaves = vec![(*next_bit, constant)];
                        self.write(clause, slot, touched, result, leaves, &origin);
                    }
                }
                _ => {}
            }
            if overridden {
                self.deferred_records.push(DeferredRecord {
                    clause,
                    record,
                    assigned,
                    slots,
                    fits,
                    origin: origin.clone(),
                });
            }
        }
    }

    /// A quantified point update: the point update once per binding (in
    /// the binders' domains) where the condition holds.
    fn effect_instances(
        &mut self,
        binders: &[Binder],
        when: Option<&Expr>,
        point: &Effect,
        active: TermId,
        clause: ClauseId,
    ) {
        let Some((first, rest)) = binders.split_first() else {
            let condition = match when {
                Some(when) => self.bool_expr(when, Time::Now),
                None => TRUE,
            };
            let active = self.terms.and2(active, condition);
            return self.effect(point, active, clause);
        };
        let ty = self.charter.local(first.local).ty.clone();
        let guards = match &first.domain {
            Domain::Type(_) => vec![TRUE; self.domain_size(&ty)],
            Domain::Set(set) => self.set_bits(set, Time::Now),
        };
        let saved = self.env[first.local.0].clone();
        for (index, in_domain) in guards.into_iter().enumerate() {
            if in_domain == FALSE {
                continue;
            }
            let value = self.concrete(&ty, index);
            self.env[first.local.0] = Some(value);
            let active = self.terms.and2(active, in_domain);
            self.effect_instances(rest, when, point, active, clause);
        }
        self.env[first.local.0] = saved;
    }

    /// An effect's equation on one slot: `consequence` holds where
    /// `condition` does. For a clause that others override, deferred until
    /// every clause is lowered (see [`Self::overridden`]).
    fn write(
        &mut self,
        clause: ClauseId,
        slot: Slot,
        condition: TermId,
        consequence: TermId,
        leaves: Vec<(TermId, TermId)>,
        origin: &Origin,
    ) {
        self.writers
            .entry(slot)
            .or_default()
            .push((clause, condition));
        if self.overriders[clause.0].is_empty() {
            for (next_leaf, value_leaf) in leaves {
                self.record_assignment(next_leaf, condition, value_leaf);
            }
            let term = self.terms.implies(condition, consequence);
            self.trans.push(Constraint {
                term,
                origin: origin.clone(),
            });
        } else {
            self.deferred_writes.push(DeferredWrite {
                clause,
                slot,
                condition,
                consequence,
                leaves,
                origin: origin.clone(),
            });
        }
        self.frame.entry(slot).or_default().push(condition);
    }

    /// Where some clause above `clause` in the override order assigns
    /// `slot` (before any override: priority is transitive, so the
    /// highest of them is in force and prevails).
    fn overridden_at(&mut self, clause: ClauseId, slot: &Slot) -> TermId {
        let above = &self.overriders[clause.0];
        let conditions: Vec<TermId> = self
            .writers
            .get(slot)
            .map(|writers| {
                writers
                    .iter()
                    .filter(|(writer, _)| above.contains(writer))
                    .map(|(_, condition)| *condition)
                    .collect()
            })
            .unwrap_or_default();
        self.terms.or(conditions)
    }

    /// The effects of overridden clauses, now that every clause's
    /// assignments are known: each equation holds where its slot is
    /// assigned by no clause above it; each record applies (and its range
    /// check holds) where one of its slots is, or where it has none.
    pub(super) fn overridden(&mut self) {
        for write in std::mem::take(&mut self.deferred_writes) {
            let above = self.overridden_at(write.clause, &write.slot);
            let not_above = self.terms.not(above);
            let holds = self.terms.and2(write.condition, not_above);
            for (next_leaf, value_leaf) in write.leaves {
                self.record_assignment(next_leaf, holds, value_leaf);
            }
            let term = self.terms.implies(holds, write.consequence);
            self.trans.push(Constraint {
                term,
                origin: write.origin,
            });
        }
        for record in std::mem::take(&mut self.deferred_records) {
            let mut any_slot = Vec::new();
            let mut all_overridden = Vec::new();
            for (slot, condition) in &record.slots {
                let above = self.overridden_at(record.clause, slot);
                any_slot.push(*condition);
                all_overridden.push(self.terms.implies(*condition, above));
            }
            let any_slot = self.terms.or(any_slot);
            let all_overridden = self.terms.and(all_overridden);
            let displaced = self.terms.and2(any_slot, all_overridden);
            let not_displaced = self.terms.not(displaced);
            let applies = self.terms.and2(record.assigned, not_displaced);
            self.effects[record.record].applies = applies;
            if record.fits != TRUE {
                let term = self.terms.implies(applies, record.fits);
                self.trans.push(Constraint {
                    term,
                    origin: record.origin,
                });
            }
        }
    }

    /// Marks the leaves of a cell assigned as a whole where its value is an
    /// option: an option's inner value is left free when it is absent, so
    /// the assignment does not fix those leaves (see [`NextDef`]).
    fn mark_opaque(&mut self, cell: &Val, value: &Val) {
        if let (Val::Opt(..), Val::Opt(..)) = (cell, value) {
            map_leaves(cell, &mut |leaf| {
                if let Term::State(atom, Time::Now) = *self.terms.get(leaf) {
                    self.opaque.insert(atom);
                }
                leaf
            });
        }
    }

    /// The next-value definitions of the variables' atoms, in declaration
    /// order.
    pub(super) fn next_defs(&self) -> Vec<NextDef> {
        let mut defs = Vec::new();
        for (index, state) in self.charter.states.iter().enumerate() {
            if state.kind == StateKind::Const {
                continue;
            }
            for (_, cell) in &self.cells[index] {
                map_leaves(cell, &mut |leaf| {
                    if let Term::State(atom, Time::Now) = *self.terms.get(leaf) {
                        if !self.opaque.contains(&atom) {
                            if let Some(cases) = self.assignments.get(&atom) {
                                defs.push(NextDef {
                                    atom,
                                    cases: cases.clone(),
                                });
                            }
                        }
                    }
                    leaf
                });
            }
        }
        defs
    }

    /// Every slot of every variable that no applicable effect assigns keeps
    /// its value.
    pub(super) fn inertia(&mut self) {
        for (index, state) in self.charter.states.iter().enumerate() {
            if state.kind == StateKind::Const {
                continue;
            }
            let id = StateId(index);
            let cells = self.cells[index].clone();
            for (cell_index, (_, cell)) in cells.iter().enumerate() {
                let next = self.at(cell, Time::Next);
                let slots: Vec<(Option<usize>, TermId)> = match (cell, &next) {
                    (Val::Set(bits), Val::Set(next_bits)) => bits
                        .iter()
                        .zip(next_bits)
                        .enumerate()
                        .map(|(element, (now, next))| {
                            let same = self.terms.iff(*next, *now);
                            (Some(element), same)
                        })
                        .collect(),
                    _ => vec![(None, self.equal(&next, cell))],
                };
                for (element, same) in slots {
                    let assigned = self
                        .frame
                        .get(&(id, cell_index, element))
                        .cloned()
                        .unwrap_or_default();
                    let any = self.terms.or(assigned);
                    let term = self.terms.or2(any, same);
                    self.trans.push(Constraint {
                        term,
                        origin: Origin::Inertia { state: id },
                    });
                }
            }
        }
    }
}

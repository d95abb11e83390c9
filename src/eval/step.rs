//! The rules of a state and a step: the shape and domains of a state, its
//! invariants, the effects a step applies (exceptions, priorities,
//! set updates), and inertia for every location no effect mentions.

use super::expr::Evaluator;
use super::replay::Reason;
use super::{History, Model, Occurrence, Scene, State, Value};
use crate::hir::*;

/// A frame slot: one cell of a state, or one element of a set-valued cell.
type Slot = (StateId, usize, Option<Value>);

/// An effect to apply: target, cell, operator and value.
pub type Assignment = (StateId, usize, AssignOp, Value);

/// An applicable effect, evaluated, before its equation is checked.
struct Pending {
    clause: ClauseId,
    target: StateId,
    cell: usize,
    op: AssignOp,
    /// Laid out as the target's type.
    value: Value,
    /// Whether the value has no member its target cannot hold.
    fits: bool,
    /// The slots it assigns: every element of a set it sets, the members
    /// it adds or removes, or the cell itself.
    slots: Vec<Slot>,
    span: crate::span::Span,
}

/// What the applicable effects of a step did.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// The slots they mention (kept out of inertia), each with the clause
    /// whose effect mentions it (for `overrides`).
    slots: Vec<(ClauseId, Slot)>,
    /// Per applicable effect: its clause, the state and cell it assigns,
    /// and its span (for a timeline's "by").
    pub fired: Vec<(ClauseId, StateId, usize, crate::span::Span)>,
}

impl Model<'_> {
    fn scene<'a>(&self, history: &'a History, now: usize, next: Option<&'a State>) -> Scene<'a> {
        Scene {
            states: &history.states,
            steps: &history.steps,
            now,
            next,
        }
    }

    /// Every cell of a state holds a value of its type, and the state has
    /// the cells the spec declares.
    fn check_shape(&self, state: &State) -> Result<(), Reason> {
        if state.cells.len() != self.charter.states.len() {
            return Err(Reason::Malformed {
                what: "a state has the wrong number of constants and variables".into(),
            });
        }
        for (index, decl) in self.charter.states.iter().enumerate() {
            let cells = &state.cells[index];
            if cells.len() as u128 != self.cell_count(&decl.args) {
                return Err(Reason::Malformed {
                    what: format!("`{}` has the wrong number of points", decl.name),
                });
            }
            for (cell, value) in cells.iter().enumerate() {
                if !self.in_domain(value, &decl.ty) {
                    return Err(Reason::OutOfDomain {
                        location: self.location_name(StateId(index), cell),
                        value: self.value_name(value, &decl.ty),
                    });
                }
            }
        }
        Ok(())
    }

    /// What holds in every state: the types, constants' values, axioms and
    /// clauses' state constraints.
    fn check_invariants(&self, history: &History, now: usize) -> Result<(), Reason> {
        self.check_shape(&history.states[now])?;
        let scene = self.scene(history, now, None);
        self.check_values(&history.states[now], StateKind::Const, scene)?;
        self.check_formulas(FormulaKind::Axiom, "axiom", scene)?;
        for clause in &self.charter.clauses {
            for rule in &clause.rules {
                if let RuleKind::StateConstraint(body) = &rule.kind {
                    if !self.eval(body, scene).truth() {
                        return Err(Reason::Formula {
                            kind: "the state constraint of clause",
                            name: clause.name.clone(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The initial state: invariants, variables' initial values, `init`s.
    pub fn check_initial(&self, history: &History) -> Result<(), Reason> {
        self.check_invariants(history, 0)?;
        let scene = self.scene(history, 0, None);
        self.check_values(&history.states[0], StateKind::Var, scene)?;
        self.check_formulas(FormulaKind::Init, "init", scene)
    }

    /// The declared values of the constants or variables (`kind`) in
    /// `state`, the scene's current state.
    fn check_values(&self, state: &State, kind: StateKind, scene: Scene) -> Result<(), Reason> {
        for (index, decl) in self.charter.states.iter().enumerate() {
            if decl.kind != kind {
                continue;
            }
            if let Some(value) = &decl.value {
                if state.cells[index][0] != self.eval(value, scene) {
                    return Err(Reason::Value {
                        name: decl.name.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The formulas of one kind (axioms, `init`s), named `what` in the
    /// reason, in the scene's current state.
    fn check_formulas(
        &self,
        kind: FormulaKind,
        what: &'static str,
        scene: Scene,
    ) -> Result<(), Reason> {
        for formula in &self.charter.formulas {
            if formula.kind == kind && !self.eval(&formula.body, scene).truth() {
                return Err(Reason::Formula {
                    kind: what,
                    name: formula.name.clone(),
                });
            }
        }
        Ok(())
    }

    /// Step `index` of a history (from state `index` to `index + 1`): the
    /// event is allowed, every applicable effect holds, every location no
    /// applicable effect mentions keeps its value, constants stay, the
    /// clauses' transition constraints hold, and the state after is one.
    pub fn check_step(&self, history: &History, index: usize) -> Result<Applied, Reason> {
        let step = &history.steps[index];
        let Some(event) = self.charter.events.get(step.event.0) else {
            return Err(Reason::Malformed {
                what: "no such event".into(),
            });
        };
        if step.args.len() != event.params.len() {
            return Err(Reason::Malformed {
                what: format!("`{}` takes {} arguments", event.name, event.params.len()),
            });
        }
        for (value, param) in step.args.iter().zip(&event.params) {
            let local = self.charter.local(*param);
            // A function argument: a value of the result at every point.
            let in_domain = match (value, local.args.is_empty()) {
                (Value::Table(values), false) => {
                    values.len() == self.tuples(&local.args).len()
                        && values.iter().all(|v| self.in_domain(v, &local.ty))
                }
                (value, true) => self.in_domain(value, &local.ty),
                _ => false,
            };
            if !in_domain {
                return Err(Reason::Argument {
                    event: event.name.clone(),
                    param: local.name.clone(),
                });
            }
        }
        let before = &history.states[index];
        let after = &history.states[index + 1];
        self.check_invariants(history, index + 1)?;
        let scene = self.scene(history, index, Some(after));
        let mut evaluator = Evaluator {
            model: self,
            scene,
            env: vec![None; self.charter.locals.len()],
            monitor: None,
        };
        for (param, value) in event.params.iter().zip(&step.args) {
            evaluator.env[param.0] = Some(value.clone());
        }
        for (position, guard) in event.requires.iter().enumerate() {
            if !evaluator.truth(&guard.body, index) {
                // A permission or prohibition is a guard written in a
                // clause: named by it, as lint names it.
                let span = guard.body.span;
                let clause = self
                    .charter
                    .clauses
                    .iter()
                    .find(|c| {
                        c.provenance.is_user()
                            && c.span.start <= span.start
                            && span.end <= c.span.end
                    })
                    .map(|c| c.name.clone());
                return Err(Reason::Guard {
                    event: event.name.clone(),
                    index: position,
                    clause,
                });
            }
        }
        for (id, decl) in self.charter.states.iter().enumerate() {
            if decl.kind == StateKind::Const && before.cells[id] != after.cells[id] {
                return Err(Reason::ConstantChanged {
                    constant: decl.name.clone(),
                });
            }
        }
        let mut applied = Applied::default();
        // The effects of clauses that others override are settled once
        // every clause's effects have said which slots they assign.
        let mut deferred: Vec<Pending> = Vec::new();
        for (clause_index, clause) in self.charter.clauses.iter().enumerate() {
            for rule in &clause.rules {
                match &rule.kind {
                    RuleKind::StateConstraint(_) => {}
                    RuleKind::TransitionConstraint(body) => {
                        if !evaluator.truth(body, index) {
                            return Err(Reason::TransitionConstraint {
                                clause: clause.name.clone(),
                            });
                        }
                    }
                    RuleKind::On {
                        events,
                        bindings,
                        when,
                        block,
                    } => {
                        if !events.contains(step.event) {
                            continue;
                        }
                        if let EventSet::One(_) = events {
                            for (local, value) in bindings.iter().zip(&step.args) {
                                if let Some(local) = local {
                                    evaluator.env[local.0] = Some(value.clone());
                                }
                            }
                        }
                        let active = when.as_ref().is_none_or(|w| evaluator.truth(w, index));
                        let result = if active {
                            evaluator.block(
                                block,
                                index,
                                ClauseId(clause_index),
                                after,
                                &mut applied,
                                &mut deferred,
                            )
                        } else {
                            Ok(())
                        };
                        for local in bindings.iter().flatten() {
                            evaluator.env[local.0] = None;
                        }
                        result?;
                    }
                }
            }
        }
        for pending in deferred {
            let above = &self.overriders[pending.clause.0];
            let overridden: Vec<bool> = pending
                .slots
                .iter()
                .map(|slot| {
                    applied
                        .slots
                        .iter()
                        .any(|(clause, s)| s == slot && above.contains(clause))
                })
                .collect();
            self.settle(&pending, &overridden, after, &mut applied)?;
        }
        self.check_inertia(before, after, &applied.slots)?;
        Ok(applied)
    }

    /// Whether every guard (`requires`) of the occurrence's event holds in
    /// `state`, read without a next state or a past: what
    /// [`Model::check_step`] tests first, so that a search can pass over a
    /// disabled event before it builds any successor. Only for guards that
    /// read neither a primed name nor the past (the caller knows which).
    pub fn guards_hold(&self, state: &State, occurrence: &Occurrence) -> bool {
        let Some(event) = self.charter.events.get(occurrence.event.0) else {
            return false;
        };
        let mut evaluator = Evaluator {
            model: self,
            scene: Scene {
                states: std::slice::from_ref(state),
                steps: &[],
                now: 0,
                next: None,
            },
            env: self.env(),
            monitor: None,
        };
        for (param, value) in event.params.iter().zip(&occurrence.args) {
            evaluator.env[param.0] = Some(value.clone());
        }
        let hold = event.requires.iter().all(|g| evaluator.truth(&g.body, 0));
        self.spare(evaluator.env);
        hold
    }

    /// One applicable effect, its slots known: unless every slot it
    /// assigns is overridden (by a clause above it assigning that slot in
    /// this step), it fired and its value must fit its target; its
    /// equation must hold on every slot not overridden.
    fn settle(
        &self,
        pending: &Pending,
        overridden: &[bool],
        after: &State,
        applied: &mut Applied,
    ) -> Result<(), Reason> {
        let displaced = !overridden.is_empty() && overridden.iter().all(|o| *o);
        if displaced {
            return Ok(());
        }
        let location = || self.location_name(pending.target, pending.cell);
        let clause_name = || self.charter.clauses[pending.clause.0].name.clone();
        applied
            .fired
            .push((pending.clause, pending.target, pending.cell, pending.span));
        if !pending.fits {
            return Err(Reason::EffectRange {
                clause: clause_name(),
                location: location(),
            });
        }
        let next = &after.cells[pending.target.0][pending.cell];
        let holds = match (pending.op, &pending.value) {
            (AssignOp::Set, Value::Set(_)) => {
                // Element by element: an overridden element is the other
                // clause's to decide.
                pending
                    .slots
                    .iter()
                    .zip(overridden)
                    .filter(|(_, o)| !**o)
                    .all(|((_, _, element), _)| match element {
                        Some(e) => {
                            next.members().binary_search(e).is_ok()
                                == pending.value.members().binary_search(e).is_ok()
                        }
                        None => true,
                    })
            }
            (AssignOp::Set, _) => overridden.first() == Some(&true) || *next == pending.value,
            (op, Value::Set(_)) => pending.slots.iter().zip(overridden).all(|(slot, o)| {
                let Some(member) = &slot.2 else { return true };
                *o || next.members().binary_search(member).is_ok() == (op == AssignOp::Add)
            }),
            _ => true,
        };
        if holds {
            Ok(())
        } else {
            Err(Reason::Effect {
                clause: clause_name(),
                location: location(),
            })
        }
    }

    /// The effects that apply to `occurrence` in `state`, read against
    /// what is known of the next state before it is computed: the
    /// calendar's `now'` is the step's date (its last argument), so that
    /// effects and conditions reading `now` need no enumeration; any other
    /// primed name reads its value in `state` (a candidate only: the
    /// explicit engine enumerates where such names are read). Target,
    /// cell, operator and value (laid out as the target's type). What the
    /// explicit-state engine applies to compute a successor directly, in
    /// turn: a clause's effects come after those of every clause it
    /// overrides, so that on the slots both assign its own prevail.
    pub fn applicable_effects(&self, state: &State, occurrence: &Occurrence) -> Vec<Assignment> {
        let states = std::slice::from_ref(state);
        let dated;
        let next = match (&self.charter.calendar, occurrence.args.last()) {
            (Some(calendar), Some(date)) => {
                let mut with_date = state.clone();
                with_date.cells[calendar.now.0][0] = date.clone();
                dated = with_date;
                &dated
            }
            _ => state,
        };
        let scene = Scene {
            states,
            steps: &[],
            now: 0,
            next: Some(next),
        };
        let mut evaluator = Evaluator {
            model: self,
            scene,
            env: self.env(),
            monitor: None,
        };
        // Per clause: how many clauses are above it, and its effects.
        let mut by_clause: Vec<(usize, Vec<Assignment>)> = Vec::new();
        for (index, clause) in self.charter.clauses.iter().enumerate() {
            let mut out = Vec::new();
            for rule in &clause.rules {
                let RuleKind::On {
                    events,
                    bindings,
                    when,
                    block,
                } = &rule.kind
                else {
                    continue;
                };
                if !events.contains(occurrence.event) {
                    continue;
                }
                if let EventSet::One(_) = events {
                    for (local, value) in bindings.iter().zip(&occurrence.args) {
                        if let Some(local) = local {
                            evaluator.env[local.0] = Some(value.clone());
                        }
                    }
                }
                if when.as_ref().is_none_or(|w| evaluator.truth(w, 0)) {
                    evaluator.collect(block, &mut out);
                }
                for local in bindings.iter().flatten() {
                    evaluator.env[local.0] = None;
                }
            }
            // A clause has more clauses above it than any clause above it.
            if !out.is_empty() {
                by_clause.push((self.overriders[index].len(), out));
            }
        }
        self.spare(evaluator.env);
        if by_clause.len() == 1 {
            return by_clause.pop().map(|(_, out)| out).unwrap_or_default();
        }
        // Stable: clauses with as many above them keep their order.
        by_clause.sort_by_key(|(above, _)| std::cmp::Reverse(*above));
        by_clause.into_iter().flat_map(|(_, out)| out).collect()
    }

    /// Every slot of every variable that no applicable effect mentions
    /// keeps its value.
    fn check_inertia(
        &self,
        before: &State,
        after: &State,
        mentioned: &[(ClauseId, Slot)],
    ) -> Result<(), Reason> {
        let mentioned = |slot: Slot| mentioned.iter().any(|(_, s)| *s == slot);
        for (index, decl) in self.charter.states.iter().enumerate() {
            if decl.kind == StateKind::Const {
                continue;
            }
            let id = StateId(index);
            let pairs = before.cells[index].iter().zip(&after.cells[index]);
            for (cell, (old, new)) in pairs.enumerate() {
                let changed = match (&decl.ty, old, new) {
                    (Type::Set(element), Value::Set(_), Value::Set(_)) => {
                        self.domain(element).into_iter().any(|e| {
                            let was = old.members().binary_search(&e).is_ok();
                            let is = new.members().binary_search(&e).is_ok();
                            was != is && !mentioned((id, cell, Some(e)))
                        })
                    }
                    _ => old != new && !mentioned((id, cell, None)),
                };
                if changed {
                    return Err(Reason::Inertia {
                        location: self.location_name(id, cell),
                    });
                }
            }
        }
        Ok(())
    }
}

impl Evaluator<'_, '_, '_> {
    /// The effects of an active block: those of the last exception whose
    /// condition holds (recursively), or else its own.
    fn block(
        &mut self,
        block: &EffectBlock,
        now: usize,
        clause: ClauseId,
        after: &State,
        applied: &mut Applied,
        deferred: &mut Vec<Pending>,
    ) -> Result<(), Reason> {
        let mut winner = None;
        for exception in &block.exceptions {
            if self.truth(&exception.condition, now) {
                winner = Some(exception);
            }
        }
        if let Some(exception) = winner {
            return self.block(&exception.block, now, clause, after, applied, deferred);
        }
        for pending in self.instances_of(&block.effects, now, clause) {
            applied
                .slots
                .extend(pending.slots.iter().map(|slot| (clause, slot.clone())));
            if self.model.overriders[clause.0].is_empty() {
                let overridden = vec![false; pending.slots.len()];
                self.model.settle(&pending, &overridden, after, applied)?;
            } else {
                deferred.push(pending);
            }
        }
        Ok(())
    }

    /// The effects of an active block (see [`Self::block`]), with values.
    fn collect(&mut self, block: &EffectBlock, out: &mut Vec<Assignment>) {
        let mut winner = None;
        for exception in &block.exceptions {
            if self.truth(&exception.condition, 0) {
                winner = Some(exception);
            }
        }
        if let Some(exception) = winner {
            return self.collect(&exception.block, out);
        }
        for effect in &block.effects {
            self.each_point(effect, 0, &mut |this, effect| {
                let args: Vec<Value> = effect.args.iter().map(|a| this.expr(a, 0)).collect();
                let Some(cell) = this.model.cell_of(effect.target, &args) else {
                    return;
                };
                let value = this.expr(&effect.value, 0);
                let ty = &this.model.charter.state(effect.target).ty;
                out.push((effect.target, cell, effect.op, this.model.fit(value, ty)));
            });
        }
    }

    /// Calls `each` with the effect, or (a quantified point update) with
    /// its point update once per binding where the condition holds, the
    /// binders' locals bound.
    fn each_point(
        &mut self,
        effect: &Effect,
        now: usize,
        each: &mut dyn FnMut(&mut Self, &Effect),
    ) {
        let Some(forall) = &effect.forall else {
            return each(self, effect);
        };
        let point = Effect {
            forall: None,
            ..effect.clone()
        };
        self.instances(&forall.binders, now, &mut |this, _, inside| {
            if inside && forall.when.as_ref().is_none_or(|w| this.truth(w, now)) {
                each(this, &point);
            }
        });
    }

    /// The applicable effects, evaluated (see [`Self::effect`]), a
    /// quantified update once per binding where its condition holds.
    fn instances_of(&mut self, effects: &[Effect], now: usize, clause: ClauseId) -> Vec<Pending> {
        let mut out = Vec::new();
        for effect in effects {
            self.each_point(effect, now, &mut |this, point| {
                out.extend(this.effect(point, now, clause));
            });
        }
        out
    }

    /// One applicable effect, evaluated: the cell it assigns, its value
    /// (laid out as the target's type), whether that fits, and the slots it
    /// mentions (kept out of inertia); `None` where its arguments name no
    /// point of the function (nothing is assigned).
    fn effect(&mut self, effect: &Effect, now: usize, clause: ClauseId) -> Option<Pending> {
        let model = self.model;
        let decl = model.charter.state(effect.target);
        let args: Vec<Value> = effect.args.iter().map(|a| self.expr(a, now)).collect();
        let cell = model.cell_of(effect.target, &args)?;
        let raw = self.expr(&effect.value, now);
        let fits = !matches!(effect.op, AssignOp::Set | AssignOp::Add)
            || self.fits(effect, &raw, &decl.ty, now);
        let value = model.fit(raw, &decl.ty);
        let slots = match (effect.op, &decl.ty) {
            (AssignOp::Set, Type::Set(element)) => model
                .domain(element)
                .into_iter()
                .map(|e| (effect.target, cell, Some(e)))
                .collect(),
            (AssignOp::Set, _) => vec![(effect.target, cell, None)],
            (_, Type::Set(_)) => value
                .members()
                .iter()
                .map(|m| (effect.target, cell, Some(m.clone())))
                .collect(),
            _ => Vec::new(),
        };
        Some(Pending {
            clause,
            target: effect.target,
            cell,
            op: effect.op,
            value,
            fits,
            slots,
            span: effect.span,
        })
    }

    /// Whether the value of a `=` or `+=` effect (of its own type) has no
    /// member its target cannot hold; for `s' += x`, whether `x` itself
    /// fits in the set it was wrapped in.
    fn fits(&mut self, effect: &Effect, value: &Value, target: &Type, now: usize) -> bool {
        if let (Type::Set(element), Type::Set(target_element)) = (&effect.value.ty, target) {
            if matches!(**element, Type::Int(_))
                && value
                    .members()
                    .iter()
                    .any(|m| self.model.position(m, target_element).is_none())
            {
                return false;
            }
            if let ExprKind::SetLiteral(elements) = &effect.value.kind {
                for e in elements {
                    if let (Type::Int(range), Type::Int(within)) = (&e.ty, element.as_ref()) {
                        if range.low < within.low || range.high > within.high {
                            let v = self.expr(e, now);
                            if self.model.position(&v, element).is_none() {
                                return false;
                            }
                        }
                    }
                }
            }
        }
        true
    }
}

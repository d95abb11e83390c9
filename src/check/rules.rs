//! Pass 4 for declarations and clauses: initial values, event guards,
//! formulas, clauses and their rules and effects, and the clauses named by
//! `overrides` (no cycles).

use super::{CheckError, Checker, Global, Place};
use crate::ast;
use crate::hir::{self, *};
use crate::span::{Ident, Span};

impl Checker {
    // ------------------------------------------------------------ pass 4: bodies

    pub(super) fn check_item(&mut self, item: &ast::Item) {
        match &item.kind {
            ast::ItemKind::Calendar(_)
            | ast::ItemKind::Enum(_)
            | ast::ItemKind::Sort(_)
            | ast::ItemKind::Readings(_)
            | ast::ItemKind::Define(_) => {}
            ast::ItemKind::Const(decl) | ast::ItemKind::Var(decl) => self.state_value(decl),
            ast::ItemKind::Event(decl) => self.event_guards(decl),
            ast::ItemKind::Axiom(f) => self.formula(f, FormulaKind::Axiom, Place::Axiom, item.span),
            ast::ItemKind::Init(f) => self.formula(f, FormulaKind::Init, Place::Init, item.span),
            ast::ItemKind::Lemma(f) => self.formula(f, FormulaKind::Lemma, Place::Lemma, item.span),
            ast::ItemKind::Assert(f) => {
                self.formula(f, FormulaKind::Assert, Place::Assert, item.span)
            }
            ast::ItemKind::Article(article) => {
                for clause in &article.clauses {
                    self.clause(clause, Some(&article.number.node));
                }
            }
            ast::ItemKind::Clause(clause) => self.clause(clause, None),
            ast::ItemKind::Command(command) => self.command(command, item.span),
        }
    }

    fn state_value(&mut self, decl: &ast::StateDecl) {
        let Some(Global::State(id)) = self.global(&decl.name.node) else {
            return;
        };
        let Some(value) = &decl.value else {
            return;
        };
        if self.state_broken[id.0] {
            return;
        }
        let state = self.states[id.0].clone();
        if let ast::ExprKind::FnLiteral(literal) = &value.kind {
            self.state_literal(id, literal, value.span);
            return;
        }
        if !state.args.is_empty() {
            self.error(CheckError::FunctionValue {
                name: state.name,
                action: "given an initial value",
                span: value.span,
            });
            return;
        }
        let place = match state.kind {
            StateKind::Const => Place::ConstValue,
            StateKind::Var => Place::VarInit,
        };
        let checked = self.value_for(value, &state.ty, place);
        self.states[id.0].value = checked;
    }

    fn event_guards(&mut self, decl: &ast::EventDecl) {
        let Some(Global::Event(id)) = self.global(&decl.name.node) else {
            return;
        };
        let params = self.events[id.0].params.clone();
        self.scope.extend(params.iter().copied());
        self.current_event = Some(id);
        let guards: Vec<Guard> = decl
            .requires
            .iter()
            .filter_map(|guard| self.expr_expecting(guard, &Type::Bool, Place::Requires))
            .map(|body| Guard {
                body,
                provenance: Provenance::User,
            })
            .collect();
        self.current_event = None;
        self.scope.truncate(self.scope.len() - params.len());
        for (index, local) in params.iter().enumerate() {
            if self.local_used[local.0] {
                self.event_param_used[id.0][index] = true;
            }
        }
        // Prohibitions of clauses written before the event are guards
        // already: they come after the event's own.
        let prohibitions = std::mem::take(&mut self.events[id.0].requires);
        self.events[id.0].requires = guards;
        self.events[id.0].requires.extend(prohibitions);
    }

    fn formula(&mut self, f: &ast::Formula, kind: FormulaKind, place: Place, span: Span) {
        let mut kind = kind;
        let mut body = self.expr_expecting(&f.body, &Type::Bool, place);
        match (&f.liveness, place) {
            (None, _) => {}
            (Some(liveness), Place::Assert) => {
                kind = match liveness {
                    ast::Liveness::Eventually(_) => FormulaKind::Eventually,
                    ast::Liveness::LeadsTo(goal) => {
                        let goal = self.expr_expecting(goal, &Type::Bool, place);
                        body = body.zip(goal).map(|(trigger, goal)| Expr {
                            span: trigger.span.join(goal.span),
                            kind: ExprKind::Binary(
                                BinaryOp::Implies,
                                Box::new(trigger),
                                Box::new(goal),
                            ),
                            ty: Type::Bool,
                        });
                        FormulaKind::LeadsTo
                    }
                };
            }
            (Some(liveness), _) => {
                let (form, span) = match liveness {
                    ast::Liveness::Eventually(keyword) => ("eventually", *keyword),
                    ast::Liveness::LeadsTo(goal) => ("leads to", f.body.span.join(goal.span)),
                };
                self.error(CheckError::LivenessOutsideAssertion {
                    form,
                    place: place.describe(),
                    span,
                });
            }
        }
        self.formulas.push(Formula {
            kind,
            name: f.name.node.clone(),
            text: f.text.as_ref().map(|t| t.node.clone()),
            // A placeholder keeps ids aligned; the error is reported.
            body: body.unwrap_or(Expr {
                kind: ExprKind::Bool(true),
                ty: Type::Bool,
                span: f.body.span,
            }),
            provenance: Provenance::User,
            span,
        });
    }

    fn clause(&mut self, clause: &ast::Clause, article: Option<&String>) {
        let checked = self.clause_rules(clause);
        self.clauses.push(Clause {
            name: clause.name.node.clone(),
            article: article.cloned(),
            text: clause.text.as_ref().map(|t| t.node.clone()),
            rules: checked.rules,
            // Resolved once every clause is known (`resolve_overrides`).
            overrides: Vec::new(),
            exception_to: Vec::new(),
            defines: checked.defines,
            provenance: Provenance::User,
            span: clause.span,
        });
        // An exception overrides the clause it excepts (unless the clause
        // says so already).
        let mut overrides = clause.overrides.clone();
        for excepted in &checked.excepted {
            if !overrides.iter().any(|o| o.node == excepted.node) {
                overrides.push(excepted.clone());
            }
        }
        self.override_names.push(overrides);
        self.exception_names.push(checked.excepted);
    }

    /// `clause a overrides b, c`: the names are clauses of the charter, each
    /// listed once, and priority runs one way (no clause overrides itself,
    /// directly or through others).
    pub(super) fn resolve_overrides(&mut self) {
        let names = std::mem::take(&mut self.override_names);
        let mut edges: Vec<Vec<(ClauseId, Span)>> = vec![Vec::new(); self.clauses.len()];
        for (index, list) in names.iter().enumerate() {
            for (position, name) in list.iter().enumerate() {
                if let Some(first) = list[..position].iter().find(|n| n.node == name.node) {
                    self.error(CheckError::DuplicateName {
                        name: name.node.clone(),
                        action: "listed",
                        help: "list each clause once after `overrides`",
                        span: name.span,
                        first: first.span,
                    });
                    continue;
                }
                let found = self.clauses.iter().position(|c| c.name == name.node);
                match (found, self.global(&name.node)) {
                    (Some(target), _) => edges[index].push((ClauseId(target), name.span)),
                    // The calendar's clause is the checker's, not the charter's.
                    (None, Some(Global::Clause)) => self.error(CheckError::NotAValue {
                        name: name.node.clone(),
                        what: "the calendar's clause",
                        expected: "a clause of the charter",
                        span: name.span,
                        help: Some(
                            "the calendar's clause only dates the steps; no clause can override it"
                                .into(),
                        ),
                    }),
                    (None, Some(other)) => self.error(CheckError::NotAValue {
                        name: name.node.clone(),
                        what: self.what(other),
                        expected: "a clause",
                        span: name.span,
                        help: Some("`overrides` names clauses: `clause a overrides b`".into()),
                    }),
                    (None, None) => self.unknown(name, "clause", |g| matches!(g, Global::Clause)),
                }
            }
        }
        for cycle in override_cycles(&edges) {
            let names: Vec<String> = cycle
                .iter()
                .map(|(clause, _)| format!("`{}`", self.clauses[clause.0].name))
                .collect();
            let (first, span) = cycle[0];
            let first_name = self.clauses[first.0].name.clone();
            let path = if cycle.len() == 1 {
                format!("`{first_name}` overrides `{first_name}`")
            } else {
                let mut path = names.join(" overrides ");
                path.push_str(&format!(" overrides `{first_name}`"));
                path
            };
            self.error(CheckError::OverrideCycle {
                clause: first_name,
                path,
                span,
                others: cycle[1..].iter().map(|(_, s)| *s).collect(),
            });
        }
        for (index, list) in edges.into_iter().enumerate() {
            self.clauses[index].overrides = list.into_iter().map(|(c, _)| c).collect();
        }
        self.resolve_exceptions();
    }

    pub(super) fn rule(&mut self, rule: &ast::Rule, clause: &str, text: Option<&str>) -> Vec<Rule> {
        match &rule.kind {
            ast::RuleKind::May { pattern, when } | ast::RuleKind::MustNot { pattern, when } => {
                let permit = matches!(rule.kind, ast::RuleKind::May { .. });
                self.permission(pattern, when.as_ref(), permit, rule.span);
                Vec::new()
            }
            ast::RuleKind::Obligation {
                pattern,
                when,
                duty,
            } => self.obligation(clause, text, pattern, when.as_ref(), duty, rule.span),
            _ => self.effect_rule(rule).into_iter().collect(),
        }
    }

    pub(super) fn effect_rule(&mut self, rule: &ast::Rule) -> Option<Rule> {
        let kind = match &rule.kind {
            ast::RuleKind::Always(body) => {
                let body = self.expr_expecting(body, &Type::Bool, Place::Constraint)?;
                if mentions_next_state(&body) {
                    RuleKind::TransitionConstraint(body)
                } else {
                    RuleKind::StateConstraint(body)
                }
            }
            ast::RuleKind::On {
                pattern,
                when,
                block,
            } => {
                let (events, bindings) = self.event_pattern(pattern)?;
                let bound: Vec<LocalId> = bindings.iter().flatten().copied().collect();
                self.scope.extend(bound.iter().copied());
                // `Some(None)`: a condition was written and failed to check.
                let when = when
                    .as_ref()
                    .map(|w| self.expr_expecting(w, &Type::Bool, Place::Condition));
                let block = self.effect_block(block);
                self.scope.truncate(self.scope.len() - bound.len());
                let when = match when {
                    Some(checked) => Some(checked?),
                    None => None,
                };
                RuleKind::On {
                    events,
                    bindings,
                    when,
                    block: block?,
                }
            }
            // Checked by `rule`, and by `clause_rules` (exceptions.rs).
            ast::RuleKind::May { .. }
            | ast::RuleKind::MustNot { .. }
            | ast::RuleKind::Obligation { .. }
            | ast::RuleKind::Except { .. }
            | ast::RuleKind::Defines(_) => return None,
        };
        Some(Rule {
            kind,
            provenance: Provenance::User,
            span: rule.span,
        })
    }

    pub(super) fn event_pattern(
        &mut self,
        pattern: &ast::EventPattern,
    ) -> Option<(EventSet, Vec<Option<LocalId>>)> {
        match pattern {
            ast::EventPattern::Any { except, .. } => {
                let mut ids: Vec<EventId> = Vec::new();
                for name in except {
                    if let Some(id) = self.event_named(name) {
                        if ids.contains(&id) {
                            self.error(CheckError::DuplicateName {
                                name: name.node.clone(),
                                action: "listed",
                                help: "list each event once after `except`",
                                span: name.span,
                                first: except
                                    .iter()
                                    .find(|e| e.node == name.node)
                                    .map_or(name.span, |e| e.span),
                            });
                        }
                        ids.push(id);
                    }
                }
                Some((EventSet::AllExcept(ids), Vec::new()))
            }
            ast::EventPattern::Event { name, bindings } => {
                let id = self.event_named(name)?;
                let event = self.events[id.0].clone();
                // With a calendar, the event's `date` comes last, unnamed.
                let date = usize::from(self.calendar.is_some());
                let Some(bindings) = bindings else {
                    return Some((EventSet::One(id), vec![None; event.params.len() + date]));
                };
                if bindings.len() != event.params.len() {
                    self.error(CheckError::WrongArity {
                        name: name.node.clone(),
                        expected: event.params.len(),
                        found: bindings.len(),
                        span: name.span.join(bindings.last().map_or(name.span, |b| b.span)),
                        declared: Some(event.span),
                        help: Some(
                            "name each of the event's parameters in order; write `_` for one you do not need".into(),
                        ),
                    });
                    return None;
                }
                let mut locals = Vec::new();
                for (index, binding) in bindings.iter().enumerate() {
                    if binding.node == "_" {
                        locals.push(None);
                        continue;
                    }
                    if let Some(first) = bindings[..index].iter().find(|b| b.node == binding.node) {
                        self.error(CheckError::DuplicateName {
                            name: binding.node.clone(),
                            action: "named",
                            help: "the pattern names the event's parameters in order, each with its own name; write `_` for one you do not need",
                            span: binding.span,
                            first: first.span,
                        });
                    }
                    self.event_param_used[id.0][index] = true;
                    let param = event.params[index];
                    let ty = self.locals[param.0].ty.clone();
                    let local = self.new_local(binding, ty);
                    self.locals[local.0].args = self.locals[param.0].args.clone();
                    self.written_locals.push(binding.clone());
                    self.local_broken[local.0] = self.local_broken[param.0];
                    locals.push(Some(local));
                }
                locals.extend((0..date).map(|_| None));
                Some((EventSet::One(id), locals))
            }
        }
    }

    pub(super) fn event_named(&mut self, name: &Ident) -> Option<EventId> {
        match self.global(&name.node) {
            Some(Global::Event(id)) => Some(id),
            Some(other) => {
                self.error(CheckError::NotAValue {
                    name: name.node.clone(),
                    what: self.what(other),
                    expected: "an event",
                    span: name.span,
                    help: Some(
                        "an effect rule starts with an event: `on event_name(params): …`".into(),
                    ),
                });
                None
            }
            None => {
                self.unknown(name, "event", |g| matches!(g, Global::Event(_)));
                None
            }
        }
    }

    fn effect_block(&mut self, block: &ast::EffectBlock) -> Option<EffectBlock> {
        let effects: Vec<Option<Effect>> = block.effects.iter().map(|e| self.effect(e)).collect();
        let exceptions: Vec<Option<Exception>> = block
            .exceptions
            .iter()
            .map(|exception| {
                let condition =
                    self.expr_expecting(&exception.condition, &Type::Bool, Place::Condition);
                let inner = self.effect_block(&exception.block);
                Some(Exception {
                    condition: condition?,
                    block: inner?,
                    span: exception.span,
                })
            })
            .collect();
        Some(EffectBlock {
            effects: effects.into_iter().collect::<Option<_>>()?,
            exceptions: exceptions.into_iter().collect::<Option<_>>()?,
            span: block.span,
        })
    }

    fn effect(&mut self, effect: &ast::Effect) -> Option<Effect> {
        let name = &effect.target;
        let id = match self.lookup_local(&name.node) {
            Some(_) => {
                self.error(CheckError::NotAssignable {
                    name: name.node.clone(),
                    what: "a parameter or bound variable",
                    span: name.span,
                });
                return None;
            }
            None => match self.global(&name.node) {
                Some(Global::State(id)) => id,
                Some(other) => {
                    self.error(CheckError::NotAssignable {
                        name: name.node.clone(),
                        what: self.what(other),
                        span: name.span,
                    });
                    return None;
                }
                None => {
                    self.unknown(name, "variable", |g| matches!(g, Global::State(_)));
                    return None;
                }
            },
        };
        let state = self.states[id.0].clone();
        self.state_used[id.0] = true;
        if self.state_broken[id.0] {
            return None;
        }
        if self.is_now(Some(Global::State(id))) {
            self.error(CheckError::NotAssignable {
                name: name.node.clone(),
                what: "the calendar's date (each step's date sets it)",
                span: name.span,
            });
            return None;
        }
        if state.kind == StateKind::Const {
            self.error(CheckError::PrimeOnConst {
                name: state.name,
                span: name.span,
                declared: state.span,
            });
            return None;
        }
        if let ast::ExprKind::FnLiteral(literal) = &effect.value.kind {
            if effect.forall.is_none()
                && effect.args.is_empty()
                && !state.args.is_empty()
                && effect.op == ast::AssignOp::Set
            {
                return self.effect_literal(id, literal, effect);
            }
        }
        if let Some(forall) = &effect.forall {
            let (forall, mut checked) =
                self.effect_forall(forall, |this| this.point_effect(id, effect))?;
            checked.forall = Some(Box::new(forall));
            return Some(checked);
        }
        self.point_effect(id, effect)
    }

    fn point_effect(&mut self, id: StateId, effect: &ast::Effect) -> Option<Effect> {
        let name = &effect.target;
        let state = self.states[id.0].clone();
        if effect.args.is_empty() && !state.args.is_empty() {
            self.error(CheckError::FunctionValue {
                name: state.name,
                action: "assigned",
                span: name.span,
            });
            return None;
        }
        let args = self.call_args(
            &name.node,
            Some(state.span),
            &state.args,
            &effect.args,
            effect.span,
            Place::Effect,
        )?;
        let value = match effect.op {
            ast::AssignOp::Set => self.value_for(&effect.value, &state.ty, Place::Effect)?,
            ast::AssignOp::Add | ast::AssignOp::Remove => {
                let Type::Set(element) = &state.ty else {
                    self.error(CheckError::TypeMismatch {
                        expected: "a set variable".into(),
                        found: self.type_name(&state.ty),
                        span: name.span,
                        help: Some("`+=` and `-=` add and remove elements of a `set` variable; use `=` for others".into()),
                    });
                    return None;
                };
                self.set_or_element(&effect.value, element, Place::Effect)?
            }
        };
        Some(Effect {
            forall: None,
            target: id,
            args,
            op: effect.op,
            value,
            span: effect.span,
        })
    }
}

/// The cycles of the override relation (`edges[a]`: the clauses `a`
/// overrides, each with the span of its name), one per strongly connected
/// part that has one: its edges in order around the cycle, starting at the
/// edge written first (`(clause, span)`: `clause` overrides the next one, as
/// written at `span`).
fn override_cycles(edges: &[Vec<(ClauseId, Span)>]) -> Vec<Vec<(ClauseId, Span)>> {
    let mut cycles: Vec<Vec<(ClauseId, Span)>> = Vec::new();
    let mut reported = vec![false; edges.len()];
    // Visit edges in source order, so the cycle reported starts at the
    // override written first.
    let mut all: Vec<(ClauseId, ClauseId, Span)> = edges
        .iter()
        .enumerate()
        .flat_map(|(from, list)| {
            list.iter()
                .map(move |(to, span)| (ClauseId(from), *to, *span))
        })
        .collect();
    all.sort_by_key(|(_, _, span)| *span);
    for (from, to, span) in all {
        if reported[from.0] {
            continue;
        }
        // A path back from `to` to `from`, by breadth-first search (the
        // shortest, so the message names as few clauses as it can).
        let mut parent: Vec<Option<(ClauseId, Span)>> = vec![None; edges.len()];
        let mut seen = vec![false; edges.len()];
        let mut queue = std::collections::VecDeque::from([to]);
        seen[to.0] = true;
        let mut closed = to == from;
        while let Some(at) = queue.pop_front() {
            if at == from {
                closed = true;
                break;
            }
            for (next, next_span) in &edges[at.0] {
                if !seen[next.0] {
                    seen[next.0] = true;
                    parent[next.0] = Some((at, *next_span));
                    queue.push_back(*next);
                }
            }
        }
        if !closed {
            continue;
        }
        // The cycle: from --span--> to ... --> from.
        let mut back: Vec<(ClauseId, Span)> = Vec::new();
        let mut at = from;
        while at != to {
            let Some((previous, edge_span)) = parent[at.0] else {
                break;
            };
            back.push((previous, edge_span));
            at = previous;
        }
        back.reverse();
        let mut cycle = vec![(from, span)];
        cycle.extend(back);
        for (clause, _) in &cycle {
            reported[clause.0] = true;
        }
        cycles.push(cycle);
    }
    cycles
}

/// Whether an expression reads the next state anywhere.
fn mentions_next_state(expr: &Expr) -> bool {
    hir::visit::any_node(expr, &mut |e| {
        matches!(e.kind, ExprKind::State { primed: true, .. })
    })
}

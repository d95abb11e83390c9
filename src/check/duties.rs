//! Permissions, prohibitions and obligations, checked into guards, rules
//! and an assertion, so that every later stage gives them the meaning it
//! gives everything else:
//!
//! * `may e(x) when c`: an event with permissions is permitted where one of
//!   them holds — one guard of the event, the disjunction of its
//!   permissions (an event without any is permitted by its guards alone);
//! * `must not e(x) when c`: the guard `not c` of the event;
//! * `on t(y) when c: must e(args) within d`: a monitor variable `due e
//!   (clause)` holding, per choice of the arguments given, the date the
//!   duty falls due (`none` when nothing is owed). The triggering step sets
//!   it to `now + d` unless an earlier date is already owed; a step of `e`
//!   with those arguments on or before that date fulfils it (a later one
//!   does not: the duty stays overdue); an `any event` trigger leaves out
//!   the event owed; and the clause's name becomes an assertion that no duty is ever past
//!   its date unfulfilled (`check clause`). Lint reports an obligation that
//!   can be met on time in no history, with the items that prevent it.
//!
//! An obligation's items are marked `Provenance::Duty { duty, part }`
//! (its index in `hir::Charter::duties`, and which part), the clause's
//! assertion `Provenance::DutyAssertion`; guards from permissions and
//! prohibitions are the user's.

use super::time::{binary, expr, some_and};
use super::{CheckError, Checker, Global, Place};
use crate::ast;
use crate::hir::*;
use crate::span::Span;

/// An obligation being built: what `finish_duties` turns into the clause's
/// assertion and the monitor's initial `none`. Its index in
/// `Checker::duties` is its index in `hir::Charter::duties`.
#[derive(Clone, Debug)]
pub(super) struct PendingDuty {
    pub clause: String,
    pub clause_id: ClauseId,
    pub text: Option<String>,
    pub event: EventId,
    pub due: StateId,
    pub keyed: Vec<bool>,
    pub span: Span,
}

/// Replaces locals by others (a rule's bindings by the event's parameters).
fn substitute(expr: &mut Expr, map: &[(LocalId, LocalId)]) {
    if let ExprKind::Local(id) = &mut expr.kind {
        if let Some((_, to)) = map.iter().find(|(from, _)| from == id) {
            *id = *to;
        }
    }
    crate::hir::visit::for_each_child_mut(expr, |child| substitute(child, map));
}

impl Checker {
    /// Clause names that carry an obligation, in order: each is the name of
    /// an assertion, whose id follows the spec's own formulas.
    pub(super) fn collect_duties(&mut self, charter: &ast::Charter) {
        let clauses = charter.items.iter().flat_map(|item| match &item.kind {
            ast::ItemKind::Article(article) => article.clauses.iter().collect::<Vec<_>>(),
            ast::ItemKind::Clause(clause) => vec![clause],
            _ => Vec::new(),
        });
        let mut names = Vec::new();
        for clause in clauses {
            if clause
                .rules
                .iter()
                .any(|r| matches!(r.kind, ast::RuleKind::Obligation { .. }))
                && !names.contains(&clause.name.node)
            {
                names.push(clause.name.node.clone());
            }
        }
        self.duty_clauses = names;
    }

    /// The assertion a command names by a clause with obligations.
    pub(super) fn duty_formula(&self, name: &str) -> Option<FormulaId> {
        let index = self.duty_clauses.iter().position(|n| n == name)?;
        Some(FormulaId(self.formula_kinds.len() + index))
    }

    /// `may` (`permit`) or `must not`: a condition over the event's
    /// parameters, recorded as a permission or added as a guard.
    pub(super) fn permission(
        &mut self,
        pattern: &ast::EventPattern,
        when: Option<&ast::Expr>,
        permit: bool,
        span: Span,
    ) {
        let Some((events, bindings)) = self.event_pattern(pattern) else {
            return;
        };
        let targets: Vec<EventId> = match &events {
            EventSet::One(id) => vec![*id],
            EventSet::AllExcept(except) => (0..self.events.len())
                .map(EventId)
                .filter(|e| !except.contains(e))
                .collect(),
        };
        let Some(&first) = targets.first() else {
            return;
        };
        let bound: Vec<LocalId> = bindings.iter().flatten().copied().collect();
        self.scope.extend(bound.iter().copied());
        self.current_event = Some(first);
        let condition = match when {
            Some(when) => self.expr_expecting(when, &Type::Bool, Place::Requires),
            None => Some(expr(ExprKind::Bool(true), Type::Bool, span)),
        };
        self.current_event = None;
        self.scope.truncate(self.scope.len() - bound.len());
        let Some(condition) = condition else {
            return;
        };
        for event in targets {
            let params = self.events[event.0].params.clone();
            let mut map: Vec<(LocalId, LocalId)> = bindings
                .iter()
                .zip(&params)
                .filter_map(|(binding, param)| binding.map(|b| (b, *param)))
                .collect();
            if self.calendar.is_some() {
                map.push((self.date_params[first.0], self.date_params[event.0]));
            }
            let mut guard = condition.clone();
            substitute(&mut guard, &map);
            guard.span = span;
            if permit {
                self.permissions[event.0].push(guard);
            } else {
                let not = expr(
                    ExprKind::Unary(UnaryOp::Not, Box::new(guard)),
                    Type::Bool,
                    span,
                );
                self.events[event.0].requires.push(Guard {
                    body: not,
                    provenance: Provenance::User,
                });
            }
        }
    }

    /// `on t(y) when c: must e(args) within d`: the rules that set and
    /// fulfil the duty, appended to the clause's rules.
    pub(super) fn obligation(
        &mut self,
        clause: &str,
        text: Option<&str>,
        pattern: &ast::EventPattern,
        when: Option<&ast::Expr>,
        duty: &ast::Obligation,
        span: Span,
    ) -> Vec<Rule> {
        let Some(calendar) = self.calendar.clone() else {
            self.error(CheckError::NoCalendar {
                what: "an obligation with a deadline".into(),
                span: duty.span,
            });
            return Vec::new();
        };
        let Some((mut events, bindings)) = self.event_pattern(pattern) else {
            return Vec::new();
        };
        let target = self.event_named(&duty.event);
        // The step that fulfils a duty cannot also create it: it would set
        // and clear the same monitor at once.
        match (&mut events, target) {
            (EventSet::One(trigger), Some(target)) if *trigger == target => {
                self.error(CheckError::SelfObligation {
                    event: duty.event.node.clone(),
                    span: duty.span,
                });
                return Vec::new();
            }
            (EventSet::AllExcept(except), Some(target)) if !except.contains(&target) => {
                except.push(target);
            }
            _ => {}
        }
        let bound: Vec<LocalId> = bindings.iter().flatten().copied().collect();
        self.scope.extend(bound.iter().copied());
        let when = when.map(|w| self.expr_expecting(w, &Type::Bool, Place::Condition));
        let within =
            self.expr_expecting(&duty.within, &Type::Int(DEFAULT_INT_RANGE), Place::Effect);
        let keys = target.and_then(|target| self.duty_keys(target, duty));
        self.scope.truncate(self.scope.len() - bound.len());
        let (Some(target), Some(within), Some((keys, keyed))) = (target, within, keys) else {
            return Vec::new();
        };
        let when = match when {
            Some(checked) => match checked {
                Some(checked) => Some(checked),
                None => return Vec::new(),
            },
            None => None,
        };
        let Type::Int(d) = within.ty else {
            return Vec::new();
        };
        let Some(date_range) = self.exact_range(
            i128::from(calendar.range.low) + i128::from(d.low.min(0)),
            i128::from(calendar.range.high) + i128::from(d.high.max(0)),
            "this deadline",
            duty.span,
        ) else {
            return Vec::new();
        };
        let date = Type::Int(date_range);
        let due_type = Type::Option(Box::new(date.clone()));
        let event_name = self.events[target.0].name.clone();
        let key_types: Vec<Type> = keys.iter().map(|k| k.ty.clone()).collect();
        let due = StateId(self.states.len());
        // The clause is declared once its rules are checked.
        let clause_id = ClauseId(self.clauses.len());
        let duty_index = self.duties.len();
        let part = |part| Provenance::Duty {
            duty: duty_index,
            part,
        };
        // One monitor per obligation: a second duty of the clause to the
        // same event gets a number.
        let earlier = self
            .duties
            .iter()
            .filter(|d| d.clause == clause && d.event == target)
            .count();
        let name = match earlier {
            0 => format!("due {event_name} ({clause})"),
            n => format!("due {event_name} ({clause}, {})", n + 1),
        };
        self.states.push(StateDecl {
            name,
            kind: StateKind::Var,
            args: key_types.clone(),
            ty: due_type.clone(),
            value: key_types
                .is_empty()
                .then(|| expr(ExprKind::None, due_type.clone(), duty.span)),
            provenance: part(DutyPart::Monitor),
            span: duty.span,
        });
        self.state_used.push(true);
        self.state_broken.push(false);
        let read = |args: Vec<Expr>, primed: bool| {
            expr(
                ExprKind::State {
                    id: due,
                    primed,
                    args,
                },
                due_type.clone(),
                duty.span,
            )
        };
        // Triggered: due at `now + d`, unless an earlier date is owed.
        let now = self.now_expr(duty.span, Place::Effect);
        let Some(now) = now else {
            return Vec::new();
        };
        let deadline = binary(BinaryOp::Add, now.clone(), within, date.clone(), duty.span);
        let owed = read(keys.clone(), false);
        let owed_earlier = some_and(
            owed.clone(),
            |value| binary(BinaryOp::Le, value, deadline.clone(), Type::Bool, duty.span),
            duty.span,
        );
        let new_due = expr(
            ExprKind::If(
                Box::new(owed_earlier),
                Box::new(owed),
                Box::new(expr(
                    ExprKind::Some(Box::new(deadline)),
                    due_type.clone(),
                    duty.span,
                )),
            ),
            due_type.clone(),
            duty.span,
        );
        let trigger = Rule {
            kind: RuleKind::On {
                events,
                bindings,
                when,
                block: EffectBlock {
                    effects: vec![Effect {
                        forall: None,
                        target: due,
                        args: keys,
                        op: ast::AssignOp::Set,
                        value: new_due,
                        span: duty.span,
                    }],
                    exceptions: Vec::new(),
                    span: duty.span,
                },
            },
            provenance: part(DutyPart::Undertake),
            span,
        };
        // Fulfilled by a step of the event with the arguments owed, on time
        // (the rule lint asks about). A step after the date fulfils
        // nothing: the duty stays overdue, which the assertion reports.
        let mut fulfil = || -> Rule {
            let params = self.events[target.0].params.clone();
            let mut rule_bindings: Vec<Option<LocalId>> = vec![None; params.len()];
            let mut key_reads = Vec::new();
            for (position, keyed) in keyed.iter().enumerate() {
                if !keyed {
                    continue;
                }
                let local = self.binding(params[position], part(DutyPart::OnTime), duty.span);
                rule_bindings[position] = Some(local);
                let ty = self.locals[local.0].ty.clone();
                key_reads.push(expr(ExprKind::Local(local), ty, duty.span));
            }
            if self.calendar.is_some() {
                rule_bindings.push(None);
            }
            let owed = read(key_reads.clone(), false);
            let step_date = self
                .now_expr(duty.span, Place::Effect)
                .unwrap_or_else(|| expr(ExprKind::Int(0), date.clone(), duty.span));
            let in_time = some_and(
                owed,
                |value| binary(BinaryOp::Le, step_date, value, Type::Bool, duty.span),
                duty.span,
            );
            let when = in_time;
            Rule {
                kind: RuleKind::On {
                    events: EventSet::One(target),
                    bindings: rule_bindings,
                    when: Some(when),
                    block: EffectBlock {
                        effects: vec![Effect {
                            forall: None,
                            target: due,
                            args: key_reads,
                            op: ast::AssignOp::Set,
                            value: expr(ExprKind::None, due_type.clone(), duty.span),
                            span: duty.event.span,
                        }],
                        exceptions: Vec::new(),
                        span: duty.event.span,
                    },
                },
                provenance: part(DutyPart::OnTime),
                span: duty.event.span,
            }
        };
        let on_time = fulfil();
        self.duties.push(PendingDuty {
            clause: clause.to_string(),
            clause_id,
            text: text.map(str::to_string),
            event: target,
            due,
            keyed: keyed.clone(),
            span: duty.span,
        });
        vec![trigger, on_time]
    }

    /// The arguments an obligation names (`_` for any), checked against
    /// the event's parameters, and which parameters they key.
    fn duty_keys(
        &mut self,
        target: EventId,
        duty: &ast::Obligation,
    ) -> Option<(Vec<Expr>, Vec<bool>)> {
        let params = self.events[target.0].params.clone();
        let given: Vec<Option<&ast::Expr>> = match &duty.args {
            None => vec![None; params.len()],
            Some(args) if args.len() == params.len() => args
                .iter()
                .map(|a| (!super::expr::is_wildcard(a)).then_some(a))
                .collect(),
            Some(args) => {
                self.error(CheckError::WrongArity {
                    name: duty.event.node.clone(),
                    expected: params.len(),
                    found: args.len(),
                    span: duty.event.span,
                    declared: Some(self.events[target.0].span),
                    help: Some(
                        "give every argument, `_` for any value, or none at all for any arguments"
                            .into(),
                    ),
                });
                return None;
            }
        };
        let mut keys = Vec::new();
        for (index, (arg, param)) in given.iter().zip(&params).enumerate() {
            let Some(arg) = arg else { continue };
            // The rule that fulfils the duty reads the parameter.
            self.event_param_used[target.0][index] = true;
            let ty = self.locals[param.0].ty.clone();
            if !self.locals[param.0].args.is_empty() {
                self.error(CheckError::NotEnumerable {
                    ty: crate::ast::print::expr(arg),
                    reason: "a function parameter's argument is not a value",
                    span: arg.span,
                    help: Some(
                        "an obligation names plain arguments; write `_` for a function parameter"
                            .into(),
                    ),
                });
                return None;
            }
            if !self.require_enumerable(&ty, arg.span, "the arguments of an obligation") {
                return None;
            }
            keys.push(self.value_for(arg, &ty, Place::Effect)?);
        }
        Some((keys, given.iter().map(Option::is_some).collect()))
    }

    /// Once every body is checked: the events' permissions as guards, each
    /// obligation clause's assertion (in the order of `duty_clauses`), and
    /// the initial `none` of keyed monitors.
    pub(super) fn finish_duties(&mut self) {
        for index in 0..self.events.len() {
            let permissions = std::mem::take(&mut self.permissions[index]);
            // One permission is its clause's guard; several joined are
            // the event's (no one clause is to blame for their join).
            let span = match permissions.as_slice() {
                [] => continue,
                [one] => one.span,
                _ => self.events[index].span,
            };
            let any = permissions
                .into_iter()
                .reduce(|a, b| binary(BinaryOp::Or, a, b, Type::Bool, span));
            if let Some(any) = any {
                self.events[index].requires.push(Guard {
                    body: any,
                    provenance: Provenance::User,
                });
            }
        }
        let Some(calendar) = self.calendar.clone() else {
            return;
        };
        let now = expr(
            ExprKind::State {
                id: calendar.now,
                primed: false,
                args: Vec::new(),
            },
            Type::Int(calendar.range),
            calendar.span,
        );
        let mut inits = Vec::new();
        for name in self.duty_clauses.clone() {
            let duties: Vec<(usize, PendingDuty)> = self
                .duties
                .iter()
                .enumerate()
                .filter(|(_, d)| d.clause == name)
                .map(|(index, d)| (index, d.clone()))
                .collect();
            // Every clause is checked (pass 4) before this runs.
            let clause = ClauseId(
                self.clauses
                    .iter()
                    .position(|c| c.name == name)
                    .unwrap_or_default(),
            );
            let assertion = Provenance::DutyAssertion { clause };
            let mut parts = Vec::new();
            for (index, duty) in &duties {
                let (binders, read) = self.every_point(duty.due, assertion, duty.span);
                let overdue = some_and(
                    read.clone(),
                    |value| binary(BinaryOp::Gt, now.clone(), value, Type::Bool, duty.span),
                    duty.span,
                );
                let met = expr(
                    ExprKind::Unary(UnaryOp::Not, Box::new(overdue)),
                    Type::Bool,
                    duty.span,
                );
                parts.push(if binders.is_empty() {
                    met
                } else {
                    expr(
                        ExprKind::Quantified(ast::Quantifier::Forall, binders, Box::new(met)),
                        Type::Bool,
                        duty.span,
                    )
                });
                if !self.states[duty.due.0].args.is_empty() {
                    inits.push(self.starts_as_none(
                        duty.due,
                        "Nothing is owed before the first step.",
                        Provenance::Duty {
                            duty: *index,
                            part: DutyPart::Init,
                        },
                        duty.span,
                    ));
                }
            }
            let span = duties.first().map_or(calendar.span, |(_, d)| d.span);
            let body = parts
                .into_iter()
                .reduce(|a, b| binary(BinaryOp::And, a, b, Type::Bool, span))
                .unwrap_or_else(|| expr(ExprKind::Bool(true), Type::Bool, span));
            self.formulas.push(Formula {
                kind: FormulaKind::Assert,
                name: name.clone(),
                text: duties.first().and_then(|(_, d)| d.text.clone()),
                body,
                provenance: assertion,
                span,
            });
        }
        self.formulas.extend(inits);
    }

    /// Whether `global` is a clause with obligations (a property then).
    pub(super) fn is_duty_clause(&self, global: Option<Global>, name: &str) -> bool {
        matches!(global, Some(Global::Clause)) && self.duty_clauses.iter().any(|n| n == name)
    }
}

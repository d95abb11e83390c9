//! Dates, durations and the order of enum values.
//!
//! A calendar is checked into ordinary declarations, so that every later
//! stage (lowering, the interpreter, the explicit engine, lint, traces)
//! gives it the one meaning they already agree on:
//!
//! * the variable `now`, an integer in the calendar's range, starting at its
//!   low end;
//! * a last parameter `date` of every event: the date on which it happens;
//! * the clause `calendar`: each event's step sets `now` to its date, and
//!   dates never go back (`now' >= now`);
//! * per event (and per choice of parameters) whose last date is read, a
//!   monitor variable `last E`, `none` until E first happens and set to the
//!   date of each E step.
//!
//! `now` reads the date of the step where a step is being taken (guards,
//! effects and their conditions) and the date of the state elsewhere.
//! `within d after E` and `at least d after E` become comparisons of `now`
//! with `last E`; `next(x)` and `next(x, s)` become choices over the enum's
//! values in declaration order.
//!
//! Everything written here is marked: `Provenance::Calendar` (`now`, the
//! `date` parameters and their guards, the clause `calendar` and its
//! rules) or `Provenance::LastMonitor` (a monitor and its `init`).

use super::{CheckError, Checker, Place};
use crate::ast::{self, TimeUnit};
use crate::hir::*;
use crate::span::{Ident, Span};

/// The calendar as the checker knows it while checking bodies.
#[derive(Clone, Debug)]
pub(super) struct CalendarInfo {
    pub unit: TimeUnit,
    pub unit_span: Span,
    pub range: IntRange,
    pub span: Span,
    pub now: StateId,
    /// `calendar dates …`: days with real months and years.
    pub civil: bool,
}

/// A `last E` monitor: the event, which of its parameters it is keyed by,
/// and its state.
#[derive(Clone, Debug)]
pub(super) struct LastMonitor {
    pub event: EventId,
    pub keyed: Vec<bool>,
    pub state: StateId,
}

/// How many of `to` make one `from`, where that is exact.
fn units_per(from: TimeUnit, to: TimeUnit) -> Option<i64> {
    use TimeUnit::*;
    match (to, from) {
        (a, b) if a == b => Some(1),
        (Day, Week) => Some(7),
        (Day, Month) => Some(30),
        (Day, Year) => Some(365),
        (Month, Year) => Some(12),
        _ => None,
    }
}

pub(super) fn expr(kind: ExprKind, ty: Type, span: Span) -> Expr {
    Expr { kind, ty, span }
}

pub(super) fn binary(op: BinaryOp, lhs: Expr, rhs: Expr, ty: Type, span: Span) -> Expr {
    expr(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), ty, span)
}

/// `option is some and compare(value(option))`: a date that exists and
/// compares as asked.
pub(super) fn some_and(option: Expr, compare: impl FnOnce(Expr) -> Expr, span: Span) -> Expr {
    let inner = match &option.ty {
        Type::Option(inner) => inner.as_ref().clone(),
        other => other.clone(),
    };
    let is_some = expr(
        ExprKind::OptionTest(Box::new(option.clone()), true),
        Type::Bool,
        span,
    );
    let value = expr(ExprKind::OptionValue(Box::new(option)), inner, span);
    binary(BinaryOp::And, is_some, compare(value), Type::Bool, span)
}

impl Checker {
    /// Whether a global is the calendar's `now`.
    pub(super) fn is_now(&self, global: Option<super::Global>) -> bool {
        match (global, &self.calendar) {
            (Some(super::Global::State(id)), Some(calendar)) => id == calendar.now,
            _ => false,
        }
    }

    /// `now` read at `place`: the step's date (the event's `date`) in a
    /// guard, the next state's date in effects and conditions, the state's
    /// date elsewhere.
    pub(super) fn now_expr(&mut self, span: Span, place: Place) -> Option<Expr> {
        let Some(calendar) = self.calendar.clone() else {
            self.error(CheckError::NoCalendar {
                what: "`now`".into(),
                span,
            });
            return None;
        };
        let ty = Type::Int(calendar.range);
        match place {
            Place::ConstValue => {
                self.error(CheckError::StateInConst {
                    name: "now".into(),
                    what: "the date",
                    span,
                });
                None
            }
            // In a define, `now` is the date where the define is used: a
            // parameter of its own, which each use passes.
            // (A define's body is checked with the define on the stack.)
            Place::Define => {
                let define = *self.define_stack.last()?;
                let local = self.define_now(define, ty.clone(), span);
                Some(expr(ExprKind::Local(local), ty, span))
            }
            Place::Requires => {
                let event = self.current_event?;
                let date = self.date_params[event.0];
                Some(expr(ExprKind::Local(date), ty, span))
            }
            _ => {
                let primed = matches!(place, Place::Effect | Place::Condition);
                Some(expr(
                    ExprKind::State {
                        id: calendar.now,
                        primed,
                        args: Vec::new(),
                    },
                    ty,
                    span,
                ))
            }
        }
    }

    /// `6 months`, as a number in the calendar's unit.
    pub(super) fn duration(&mut self, count: i64, unit: TimeUnit, span: Span) -> Option<Expr> {
        let Some(calendar) = self.calendar.clone() else {
            self.error(CheckError::NoCalendar {
                what: "a duration".into(),
                span,
            });
            return None;
        };
        if calendar.civil && matches!(unit, TimeUnit::Month | TimeUnit::Year) {
            self.error(CheckError::CivilDuration {
                count,
                unit: unit.as_str(),
                span,
            });
            return None;
        }
        let Some(factor) = units_per(unit, calendar.unit) else {
            let help = match calendar.unit {
                TimeUnit::Month => {
                    "the calendar counts months: write the duration in months or years"
                }
                TimeUnit::Year => "the calendar counts years: write the duration in years",
                TimeUnit::Week => "the calendar counts weeks: write the duration in weeks",
                TimeUnit::Day => "write the duration in days, weeks, months or years",
            };
            self.error(CheckError::DurationUnit {
                found: unit.as_str(),
                calendar: calendar.unit.as_str(),
                help: help.into(),
                span,
                declared: calendar.unit_span,
            });
            return None;
        };
        let Some(value) = count.checked_mul(factor) else {
            self.error(CheckError::IntOutOfRange {
                expected: "a 64-bit integer".into(),
                found: "this duration".into(),
                span,
            });
            return None;
        };
        Some(expr(
            ExprKind::Int(value),
            Type::Int(IntRange {
                low: value,
                high: value,
            }),
            span,
        ))
    }

    /// `last E(args)`: the date of E's last step (`none` before the first),
    /// read from the monitor keyed by the arguments given (`_` for any).
    pub(super) fn last_event(
        &mut self,
        event_name: &Ident,
        args: Option<&[ast::Expr]>,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        let Some(calendar) = self.calendar.clone() else {
            self.error(CheckError::NoCalendar {
                what: format!("`last {}`", event_name.node),
                span,
            });
            return None;
        };
        if place == Place::ConstValue {
            self.error(CheckError::StateInConst {
                name: format!("last {}", event_name.node),
                what: "the date of",
                span,
            });
            return None;
        }
        let event_id = self.event_named(event_name)?;
        let event = self.events[event_id.0].clone();
        let user_params = event.params.clone();
        let given: Vec<Option<&ast::Expr>> = match args {
            None => vec![None; user_params.len()],
            Some(args) => {
                if args.len() != user_params.len() {
                    self.error(CheckError::WrongArity {
                        name: event.name.clone(),
                        expected: user_params.len(),
                        found: args.len(),
                        span,
                        declared: Some(event.span),
                        help: Some(
                            "give every argument, `_` for any value, or none at all for any arguments"
                                .into(),
                        ),
                    });
                    return None;
                }
                args.iter()
                    .map(|a| (!super::expr::is_wildcard(a)).then_some(a))
                    .collect()
            }
        };
        let mut keys = Vec::new();
        let mut key_types = Vec::new();
        for (arg, param) in given.iter().zip(&user_params) {
            let Some(arg) = arg else { continue };
            let ty = self.locals[param.0].ty.clone();
            if !self.require_enumerable(&ty, arg.span, "the arguments of `last`") {
                return None;
            }
            keys.push(self.value_for(arg, &ty, place)?);
            key_types.push(ty);
        }
        let keyed: Vec<bool> = given.iter().map(Option::is_some).collect();
        // The monitor reads the keyed parameters at every step of the event.
        for (index, keyed) in keyed.iter().enumerate() {
            if *keyed {
                self.event_param_used[event_id.0][index] = true;
            }
        }
        let state = self.last_monitor(event_id, &keyed, key_types, &calendar);
        Some(expr(
            ExprKind::State {
                id: state,
                primed: false,
                args: keys,
            },
            Type::Option(Box::new(Type::Int(calendar.range))),
            span,
        ))
    }

    /// The monitor for `last E` keyed by the parameters marked in `keyed`,
    /// declared on first use.
    fn last_monitor(
        &mut self,
        event: EventId,
        keyed: &[bool],
        key_types: Vec<Type>,
        calendar: &CalendarInfo,
    ) -> StateId {
        if let Some(found) = self
            .last_monitors
            .iter()
            .find(|m| m.event == event && m.keyed == keyed)
        {
            return found.state;
        }
        let decl = self.events[event.0].clone();
        let any: Vec<String> = decl
            .params
            .iter()
            .zip(keyed)
            .filter(|(_, keyed)| !**keyed)
            .map(|(p, _)| self.locals[p.0].name.clone())
            .collect();
        // Names with a space cannot clash with the user's names.
        let name = if any.is_empty() {
            format!("last {}", decl.name)
        } else {
            format!("last {} (any {})", decl.name, any.join(", "))
        };
        let ty = Type::Option(Box::new(Type::Int(calendar.range)));
        let id = StateId(self.states.len());
        let value = key_types.is_empty().then(|| Expr {
            kind: ExprKind::None,
            ty: ty.clone(),
            span: calendar.span,
        });
        self.states.push(StateDecl {
            name,
            kind: StateKind::Var,
            args: key_types,
            ty,
            value,
            provenance: Provenance::LastMonitor { event },
            span: calendar.span,
        });
        self.state_used.push(true);
        self.state_broken.push(false);
        self.last_monitors.push(LastMonitor {
            event,
            keyed: keyed.to_vec(),
            state: id,
        });
        id
    }

    /// `within d after E` / `at least d after E`: E has happened, and `now`
    /// is at most (at least) `d` after its last date.
    pub(super) fn time_since(
        &mut self,
        at_least: bool,
        duration: &ast::Expr,
        event: &Ident,
        args: Option<&[ast::Expr]>,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        if self.calendar.is_none() {
            let form = if at_least { "at least" } else { "within" };
            self.error(CheckError::NoCalendar {
                what: format!("`{form} … after {}`", event.node),
                span,
            });
            return None;
        }
        if self.names_a_date(event) {
            // `within 30 days after value(notified_on)`: after a date; the
            // span holds only once there is one (`notified_on is some`).
            if let ("value", Some([inner])) = (event.node.as_str(), args) {
                return self.date_since(at_least, duration, inner, span, place);
            }
            let date = ast::Expr {
                kind: ast::ExprKind::Name {
                    name: event.clone(),
                    primed: false,
                    args: args.map(<[ast::Expr]>::to_vec),
                },
                span: event.span,
            };
            return self.date_since(at_least, duration, &date, span, place);
        }
        if self.civil_shift(duration, duration).is_some() {
            // `at least 2 years after notify`: after the event's last date.
            let last = ast::Expr {
                kind: ast::ExprKind::Last {
                    event: event.clone(),
                    args: args.map(<[ast::Expr]>::to_vec),
                },
                span: event.span,
            };
            return self.date_since(at_least, duration, &last, span, place);
        }
        let now = self.now_expr(span, place);
        let duration = self.expr_expecting(duration, &Type::Int(DEFAULT_INT_RANGE), place);
        let last = self.last_event(event, args, span, place)?;
        let (now, duration) = (now?, duration?);
        let (Type::Int(range), Type::Int(d)) = (&now.ty, &duration.ty) else {
            return None;
        };
        let deadline_range = self.exact_range(
            i128::from(range.low) + i128::from(d.low),
            i128::from(range.high) + i128::from(d.high),
            "this deadline",
            span,
        )?;
        let op = if at_least { BinaryOp::Ge } else { BinaryOp::Le };
        Some(some_and(
            last,
            |date| {
                let deadline = binary(
                    BinaryOp::Add,
                    date,
                    duration,
                    Type::Int(deadline_range),
                    span,
                );
                binary(op, now, deadline, Type::Bool, span)
            },
            span,
        ))
    }

    /// The calendar's declarations, once every body is checked: the
    /// `date` parameter of every event, the clause `calendar`, and the
    /// initial `none` of keyed monitors.
    pub(super) fn finish_calendar(&mut self) {
        let Some(calendar) = self.calendar.clone() else {
            return;
        };
        let date_type = Type::Int(calendar.range);
        let span = calendar.span;
        let now = |primed: bool| {
            expr(
                ExprKind::State {
                    id: calendar.now,
                    primed,
                    args: Vec::new(),
                },
                date_type.clone(),
                span,
            )
        };
        // Dates never go back: a guard of every event, so that a step
        // dated before its state is no choice of the event's arguments at
        // all (as a clause constraint, lint would call it a clash).
        let mut rules = Vec::new();
        for index in 0..self.events.len() {
            let date = self.date_params[index];
            self.events[index].params.push(date);
            let guard = binary(
                BinaryOp::Ge,
                expr(ExprKind::Local(date), date_type.clone(), span),
                now(false),
                Type::Bool,
                span,
            );
            self.events[index].requires.push(Guard {
                body: guard,
                provenance: Provenance::Calendar,
            });
        }
        for index in 0..self.events.len() {
            let event = EventId(index);
            let params = self.events[index].params.clone();
            let date = self.binding(params[params.len() - 1], Provenance::Calendar, span);
            let mut bindings = vec![None; params.len() - 1];
            bindings.push(Some(date));
            let mut effects = vec![Effect {
                forall: None,
                target: calendar.now,
                args: Vec::new(),
                op: ast::AssignOp::Set,
                value: expr(ExprKind::Local(date), date_type.clone(), span),
                span,
            }];
            for monitor in self.last_monitors.clone() {
                if monitor.event != event {
                    continue;
                }
                let mut keys = Vec::new();
                for (position, keyed) in monitor.keyed.iter().enumerate() {
                    if !keyed {
                        continue;
                    }
                    let local = match bindings[position] {
                        Some(local) => local,
                        None => {
                            let local = self.binding(params[position], Provenance::Calendar, span);
                            bindings[position] = Some(local);
                            local
                        }
                    };
                    let ty = self.locals[local.0].ty.clone();
                    keys.push(expr(ExprKind::Local(local), ty, span));
                }
                let ty = self.states[monitor.state.0].ty.clone();
                effects.push(Effect {
                    forall: None,
                    target: monitor.state,
                    args: keys,
                    op: ast::AssignOp::Set,
                    value: expr(
                        ExprKind::Some(Box::new(expr(
                            ExprKind::Local(date),
                            date_type.clone(),
                            span,
                        ))),
                        ty,
                        span,
                    ),
                    span,
                });
            }
            rules.push(Rule {
                kind: RuleKind::On {
                    events: EventSet::One(event),
                    bindings,
                    when: None,
                    block: EffectBlock {
                        effects,
                        exceptions: Vec::new(),
                        span,
                    },
                },
                provenance: Provenance::Calendar,
                span,
            });
        }
        self.clauses.push(Clause {
            name: "calendar".into(),
            article: None,
            text: Some(
                "Every step happens on a date, which becomes the date of the state after it."
                    .into(),
            ),
            rules,
            overrides: Vec::new(),
            exception_to: Vec::new(),
            defines: Vec::new(),
            provenance: Provenance::Calendar,
            span,
        });
        for monitor in self.last_monitors.clone() {
            let state = self.states[monitor.state.0].clone();
            if state.args.is_empty() {
                continue;
            }
            let init = self.starts_as_none(
                monitor.state,
                "No event has happened before the first state.",
                Provenance::LastMonitor {
                    event: monitor.event,
                },
                span,
            );
            self.formulas.push(init);
        }
        self.calendar_decl = Some(Calendar {
            unit: calendar.unit,
            range: calendar.range,
            now: calendar.now,
            span,
            civil: calendar.civil,
            dated_states: std::mem::take(&mut self.dated_states),
            dated_locals: std::mem::take(&mut self.dated_locals),
            dated_state_args: std::mem::take(&mut self.dated_state_args),
            dated_local_args: std::mem::take(&mut self.dated_local_args),
        });
    }

    /// Every point of a function state: binders over its arguments (locals
    /// of `provenance`), and the state read at them.
    pub(super) fn every_point(
        &mut self,
        state: StateId,
        provenance: Provenance,
        span: Span,
    ) -> (Vec<Binder>, Expr) {
        let decl = self.states[state.0].clone();
        let mut binders = Vec::new();
        let mut args = Vec::new();
        for ty in &decl.args {
            let local = self.new_local(
                &Ident {
                    node: "x".into(),
                    span,
                },
                ty.clone(),
            );
            self.local_used[local.0] = true;
            self.locals[local.0].provenance = provenance;
            binders.push(Binder {
                local,
                domain: Domain::Type(ty.clone()),
            });
            args.push(expr(ExprKind::Local(local), ty.clone(), span));
        }
        let read = expr(
            ExprKind::State {
                id: state,
                primed: false,
                args,
            },
            decl.ty,
            span,
        );
        (binders, read)
    }

    /// The initial condition of a keyed monitor: `none` at every point.
    pub(super) fn starts_as_none(
        &mut self,
        state: StateId,
        text: &str,
        provenance: Provenance,
        span: Span,
    ) -> Formula {
        let (binders, read) = self.every_point(state, provenance, span);
        let none = expr(
            ExprKind::OptionTest(Box::new(read), false),
            Type::Bool,
            span,
        );
        Formula {
            kind: FormulaKind::Init,
            name: format!("{} starts as none", self.states[state.0].name),
            text: Some(text.into()),
            body: expr(
                ExprKind::Quantified(ast::Quantifier::Forall, binders, Box::new(none)),
                Type::Bool,
                span,
            ),
            provenance,
            span,
        }
    }

    /// A fresh local standing for an event's parameter in a rule the
    /// checker writes (of `provenance`).
    pub(super) fn binding(
        &mut self,
        param: LocalId,
        provenance: Provenance,
        span: Span,
    ) -> LocalId {
        let local = &self.locals[param.0];
        let (name, ty) = (local.name.clone(), local.ty.clone());
        let id = self.new_local(&Ident { node: name, span }, ty);
        self.local_used[id.0] = true;
        self.locals[id.0].provenance = provenance;
        id
    }
}

//! Checking expressions: resolution, types (with the `T` to `T?` coercion
//! and integer ranges computed by interval arithmetic), and where the next
//! state, the past and events may be mentioned.
//!
//! Each function returns `None` after reporting an error, so that one
//! mistake is reported once rather than again by every enclosing node.

use super::{CheckError, Checker, Global, Place};
use crate::ast;
use crate::hir::*;
use crate::span::{Ident, Span};

impl Checker {
    /// Checks `expr` against a known type, wrapping a `T` into a `T?`
    /// where needed.
    pub(super) fn expr_expecting(
        &mut self,
        expr: &ast::Expr,
        expected: &Type,
        place: Place,
    ) -> Option<Expr> {
        let checked = self.expr(expr, Some(expected), place)?;
        self.coerce(checked, expected)
    }

    /// As [`Self::expr_expecting`], for a value stored somewhere of type
    /// `expected` (an assignment, an initial value, an argument): an integer
    /// that can never fit the destination's range is an error.
    pub(super) fn value_for(
        &mut self,
        expr: &ast::Expr,
        expected: &Type,
        place: Place,
    ) -> Option<Expr> {
        let checked = self.expr_expecting(expr, expected, place)?;
        if let (Type::Int(found), Type::Int(target)) = (&checked.ty, expected) {
            if found.high < target.low || found.low > target.high {
                let found = if found.low == found.high {
                    self.type_name(&checked.ty)
                } else {
                    format!("a value in {}", self.type_name(&checked.ty))
                };
                self.error(CheckError::IntOutOfRange {
                    expected: self.type_name(expected),
                    found,
                    span: checked.span,
                });
                return None;
            }
        }
        Some(checked)
    }

    fn coerce(&mut self, expr: Expr, expected: &Type) -> Option<Expr> {
        if expr.ty.compatible(expected) {
            return Some(expr);
        }
        if let Type::Option(inner) = expected {
            if expr.ty.compatible(inner) {
                let span = expr.span;
                return Some(Expr {
                    kind: ExprKind::Some(Box::new(expr)),
                    ty: expected.clone(),
                    span,
                });
            }
        }
        self.mismatch(expected, &expr.ty, expr.span);
        None
    }

    fn mismatch(&mut self, expected: &Type, found: &Type, span: Span) {
        let help = match (expected, found) {
            (inner, Type::Option(value)) if inner.compatible(value) => Some(
                "an optional value may be `none`: test it with `is some`, or quantify over the values it could hold".into(),
            ),
            (Type::Set(element), found) if element.as_ref().compatible(found) => {
                Some("wrap the element in braces to make a set: `{x}`".into())
            }
            (Type::Bool, Type::Set(_)) => {
                Some("a set is not a condition: test membership with `x in s` or size with `#s > 0`".into())
            }
            (Type::Bool, Type::Int(_)) => {
                Some("a number is not a condition: compare it, e.g. `n > 0` or `n = 3`".into())
            }
            _ => None,
        };
        self.error(CheckError::TypeMismatch {
            expected: self.type_name(expected),
            found: self.type_name(found),
            span,
            help,
        });
    }

    /// The central dispatch. `expected` is a hint for expressions whose type
    /// cannot be known on their own (`none`, `{}`); the caller coerces.
    pub(super) fn expr(
        &mut self,
        expr: &ast::Expr,
        expected: Option<&Type>,
        place: Place,
    ) -> Option<Expr> {
        let span = expr.span;
        let typed = |kind, ty| Some(Expr { kind, ty, span });
        match &expr.kind {
            ast::ExprKind::Bool(value) => typed(ExprKind::Bool(*value), Type::Bool),
            ast::ExprKind::Int(value) => typed(
                ExprKind::Int(*value),
                Type::Int(IntRange {
                    low: *value,
                    high: *value,
                }),
            ),
            ast::ExprKind::None => match expected {
                Some(ty @ Type::Option(_)) => typed(ExprKind::None, ty.clone()),
                Some(other) => {
                    self.error(CheckError::TypeMismatch {
                        expected: self.type_name(other),
                        found: "`none`".into(),
                        span,
                        help: Some(format!(
                            "only optional values may be `none`: declare the type as `{}?`",
                            self.type_name(other)
                        )),
                    });
                    None
                }
                None => {
                    self.error(CheckError::CannotInfer {
                        what: "`none`",
                        help: "compare or assign it to an optional value, e.g. `deputy = none` where `deputy: Person?`; a define of `none` needs its type: `define vacant: Person? = none`",
                        span,
                    });
                    None
                }
            },
            ast::ExprKind::Name { name, primed, args } => {
                self.name(name, *primed, args.as_deref(), span, place)
            }
            ast::ExprKind::Unary(op, operand) => self.unary(*op, operand, span, place),
            ast::ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs, span, place),
            ast::ExprKind::OptionTest { operand, is_some } => {
                let operand = self.expr(operand, None, place)?;
                if !matches!(operand.ty, Type::Option(_)) {
                    self.error(CheckError::TypeMismatch {
                        expected: "an optional value (`T?`)".into(),
                        found: self.type_name(&operand.ty),
                        span: operand.span,
                        help: Some("`is none` and `is some` test optional values; this one always has a value".into()),
                    });
                    return None;
                }
                typed(
                    ExprKind::OptionTest(Box::new(operand), *is_some),
                    Type::Bool,
                )
            }
            ast::ExprKind::If(cond, then, other) => {
                let cond = self.expr_expecting(cond, &Type::Bool, place);
                let (then, other) = self.same_type(then, other, expected, place)?;
                let ty = then.ty.join(&other.ty);
                typed(
                    ExprKind::If(Box::new(cond?), Box::new(then), Box::new(other)),
                    ty,
                )
            }
            ast::ExprKind::SetLiteral(elements) => {
                self.set_literal(elements, expected, span, place)
            }
            ast::ExprKind::Comprehension(binders, body) => {
                if binders.len() != 1 {
                    self.error(CheckError::ComprehensionArity {
                        found: binders.len(),
                        span,
                    });
                    return None;
                }
                let bound = self.binders(binders, place)?;
                let body = self.expr_expecting(body, &Type::Bool, place);
                self.scope.truncate(self.scope.len() - bound.len());
                let element = self.locals[bound[0].local.0].ty.clone();
                typed(
                    ExprKind::Comprehension(bound, Box::new(body?)),
                    Type::Set(Box::new(element)),
                )
            }
            ast::ExprKind::Quantified(quantifier, binders, body) => {
                let bound = self.binders(binders, place)?;
                let body = self.expr_expecting(body, &Type::Bool, place);
                self.scope.truncate(self.scope.len() - bound.len());
                typed(
                    ExprKind::Quantified(*quantifier, bound, Box::new(body?)),
                    Type::Bool,
                )
            }
            ast::ExprKind::Sum(binders, body) => {
                let bound = self.binders(binders, place)?;
                let body = self.int_operand(body, place);
                self.scope.truncate(self.scope.len() - bound.len());
                let body = body?;
                // Instances outside a set domain add nothing, so the total
                // (and every partial total) lies between n times the body's
                // range and 0.
                let instances = bound.iter().fold(1i128, |n, binder| {
                    let ty = &self.locals[binder.local.0].ty;
                    n.saturating_mul(i128::from(self.max_elements(ty)))
                });
                let Type::Int(range) = body.ty else {
                    return None;
                };
                let range = self.exact_range(
                    (i128::from(range.low).saturating_mul(instances)).min(0),
                    (i128::from(range.high).saturating_mul(instances)).max(0),
                    "this sum",
                    span,
                )?;
                typed(ExprKind::Sum(bound, Box::new(body)), Type::Int(range))
            }
            ast::ExprKind::Duration(count, unit) => self.duration(*count, *unit, span),
            ast::ExprKind::Fraction(numerator, denominator, _) => {
                self.error(CheckError::MisplacedShare {
                    numerator: *numerator,
                    denominator: *denominator,
                    span,
                });
                None
            }
            ast::ExprKind::TimeSince {
                at_least,
                duration,
                event,
                args,
            } => self.time_since(*at_least, duration, event, args.as_deref(), span, place),
            ast::ExprKind::Last { event, args } => {
                self.last_event(event, args.as_deref(), span, place)
            }
        }
    }

    /// Declares and scopes binders, in order (a domain may mention earlier
    /// binders). The caller pops them from the scope.
    fn binders(&mut self, binders: &[ast::Binder], place: Place) -> Option<Vec<Binder>> {
        let mut checked: Vec<Binder> = Vec::new();
        let mut ok = true;
        // `a, b in S` gives both binders the same expression: check it once.
        let mut last_set: Option<(Span, Option<(Expr, Type)>)> = None;
        for binder in binders {
            let resolved = match &binder.domain {
                ast::Domain::Type(ty) => self.value_type(ty).and_then(|ty| {
                    self.require_enumerable(
                        &ty,
                        binder.name.span.join(ty_span(binder)),
                        "quantifiers",
                    )
                    .then(|| (Domain::Type(ty.clone()), ty))
                }),
                ast::Domain::Set(set) => {
                    let reused = match &last_set {
                        Some((span, result)) if *span == set.span => Some(result.clone()),
                        _ => None,
                    };
                    let result = match reused {
                        Some(result) => result,
                        None => {
                            let result = self.expr(set, None, place).and_then(|set| match &set.ty {
                                Type::Set(element) => {
                                    let element = element.as_ref().clone();
                                    Some((set, element))
                                }
                                other => {
                                    let help = Some("`x in s` ranges over the elements of a set; use `x: T` to range over a type".into());
                                    self.error(CheckError::TypeMismatch {
                                        expected: "a set".into(),
                                        found: self.type_name(other),
                                        span: set.span,
                                        help,
                                    });
                                    None
                                }
                            });
                            last_set = Some((set.span, result.clone()));
                            result
                        }
                    };
                    result.map(|(set, element)| (Domain::Set(set), element))
                }
            };
            match resolved {
                Some((domain, ty)) => {
                    let local = self.new_local(&binder.name, ty);
                    self.scope.push(local);
                    checked.push(Binder { local, domain });
                }
                None => ok = false,
            }
        }
        if !ok {
            self.scope.truncate(self.scope.len() - checked.len());
            return None;
        }
        Some(checked)
    }

    fn name(
        &mut self,
        name: &Ident,
        primed: bool,
        args: Option<&[ast::Expr]>,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        let typed = |kind, ty| Some(Expr { kind, ty, span });
        if let Some(local) = self.lookup_local(&name.node) {
            self.local_used[local.0] = true;
            if self.local_broken[local.0] {
                return None;
            }
            self.no_prime(name, primed, "a parameter or bound variable")?;
            self.no_args(name, args, "a parameter or bound variable", span)?;
            let ty = self.locals[local.0].ty.clone();
            return typed(ExprKind::Local(local), ty);
        }
        let global = self.global(&name.node);
        if name.node == "next" && global.is_none() {
            self.no_prime(name, primed, "`next`")?;
            return self.next_in_order(name, args, span, place);
        }
        if name.node == "value" && global.is_none() {
            self.no_prime(name, primed, "`value`")?;
            return self.option_value(name, args, span, place);
        }
        if name.node == "now" && (global.is_none() || self.is_now(global)) {
            self.no_args(name, args, "`now`", span)?;
            if primed {
                if !place.allows_primes() {
                    self.error(CheckError::PrimeNotAllowed {
                        place: place.describe(),
                        span,
                    });
                    return None;
                }
                return self.now_expr(span, Place::Effect);
            }
            return self.now_expr(span, place);
        }
        let Some(global) = global else {
            self.unknown(name, "name", |g| {
                !matches!(g, Global::Formula(_) | Global::Clause | Global::Scenario)
            });
            return None;
        };
        match global {
            Global::EnumValue(sort, index) => {
                self.sort_used[sort.0] = true;
                let what = self.what(global);
                self.no_prime(name, primed, what)?;
                self.no_args(name, args, what, span)?;
                typed(ExprKind::EnumValue(sort, index), Type::Sort(sort))
            }
            Global::Sort(sort) => {
                self.sort_used[sort.0] = true;
                self.no_prime(name, primed, "a sort")?;
                self.no_args(name, args, "a sort (standing for all its elements)", span)?;
                typed(
                    ExprKind::Universe(sort),
                    Type::Set(Box::new(Type::Sort(sort))),
                )
            }
            Global::State(id) => {
                self.state_used[id.0] = true;
                if self.state_broken[id.0] {
                    return None;
                }
                let state = self.states[id.0].clone();
                if place == Place::ConstValue && state.kind == StateKind::Var {
                    self.error(CheckError::StateInConst {
                        name: name.node.clone(),
                        what: "the variable",
                        span: name.span,
                    });
                    return None;
                }
                if primed {
                    if state.kind == StateKind::Const {
                        self.error(CheckError::PrimeOnConst {
                            name: name.node.clone(),
                            span,
                            declared: state.span,
                        });
                        return None;
                    }
                    if !place.allows_primes() {
                        self.error(CheckError::PrimeNotAllowed {
                            place: place.describe(),
                            span,
                        });
                        return None;
                    }
                }
                let args = match args {
                    None if !state.args.is_empty() => {
                        self.error(CheckError::WrongArity {
                            name: name.node.clone(),
                            expected: state.args.len(),
                            found: 0,
                            span,
                            declared: Some(state.span),
                            help: Some(format!(
                                "`{}` is a function: apply it, as in `{}(x)`",
                                name.node, name.node
                            )),
                        });
                        return None;
                    }
                    None => Vec::new(),
                    Some(_) if state.args.is_empty() => {
                        self.no_args(name, args, "a variable that is not a function", span)?;
                        Vec::new()
                    }
                    Some(args) => self.call_args(
                        &name.node,
                        Some(state.span),
                        &state.args,
                        args,
                        span,
                        place,
                    )?,
                };
                typed(ExprKind::State { id, primed, args }, state.ty)
            }
            Global::Define(id) => {
                self.define_used[id.0] = true;
                self.no_prime(name, primed, "a define")?;
                self.ensure_define(id, Some(name.span));
                let sig = self.define_sigs[id.0].clone();
                let args = match (&sig.params, args) {
                    (None, Some(_)) => {
                        self.no_args(name, args, "a define without parameters", span)?;
                        Vec::new()
                    }
                    (None, None) => Vec::new(),
                    (Some(params), None) if params.is_empty() => Vec::new(),
                    (Some(params), args) => {
                        if self.any_broken(params, args.unwrap_or(&[]), place) {
                            return None;
                        }
                        let types: Vec<Type> =
                            params.iter().map(|p| self.locals[p.0].ty.clone()).collect();
                        self.call_args(
                            &name.node,
                            Some(sig.name_span),
                            &types,
                            args.unwrap_or(&[]),
                            span,
                            place,
                        )?
                    }
                };
                // The body failed to check, or the call is recursive:
                // both are reported already.
                let ty = sig.ty?;
                typed(ExprKind::Call(id, args), ty)
            }
            Global::Event(id) => {
                if !place.is_property() {
                    self.error(CheckError::EventOutsideProperty {
                        name: name.node.clone(),
                        place: place.describe(),
                        span,
                    });
                    return None;
                }
                self.no_prime(name, primed, "an event")?;
                let event = self.events[id.0].clone();
                let args = match args {
                    None => vec![None; event.params.len()],
                    Some(args) => {
                        if args.len() != event.params.len() {
                            self.error(CheckError::WrongArity {
                                name: name.node.clone(),
                                expected: event.params.len(),
                                found: args.len(),
                                span,
                                declared: Some(event.span),
                                help: Some("give every argument, `_` for any value, or none at all for any arguments".into()),
                            });
                            return None;
                        }
                        if self.any_broken(&event.params, args, place) {
                            return None;
                        }
                        let mut checked = Vec::new();
                        let mut ok = true;
                        for (arg, param) in args.iter().zip(&event.params) {
                            if is_wildcard(arg) {
                                checked.push(None);
                                continue;
                            }
                            let ty = self.locals[param.0].ty.clone();
                            match self.value_for(arg, &ty, place) {
                                Some(arg) => checked.push(Some(arg)),
                                None => ok = false,
                            }
                        }
                        if !ok {
                            return None;
                        }
                        checked
                    }
                };
                // With a calendar, any date.
                let mut args = args;
                if self.calendar.is_some() {
                    args.push(None);
                }
                typed(ExprKind::Happened(id, args), Type::Bool)
            }
            other @ (Global::Formula(_) | Global::Clause | Global::Scenario) => {
                self.error(CheckError::NotAValue {
                    name: name.node.clone(),
                    what: self.what(other),
                    expected: "a value",
                    span: name.span,
                    help: Some("assertions, clauses and scenarios are named for commands and reports; to reuse a condition, declare it with `define`".into()),
                });
                None
            }
        }
    }

    /// Whether a parameter's declared type was wrong (and reported). Then
    /// the arguments are checked only for errors of their own: their types
    /// cannot be compared with a type that does not exist.
    fn any_broken(&mut self, params: &[LocalId], args: &[ast::Expr], place: Place) -> bool {
        if !params.iter().any(|p| self.local_broken[p.0]) {
            return false;
        }
        for arg in args
            .iter()
            .filter(|arg| !is_wildcard(arg) && !needs_context(arg))
        {
            self.expr(arg, None, place);
        }
        true
    }

    fn no_prime(&mut self, name: &Ident, primed: bool, what: &'static str) -> Option<()> {
        if primed {
            self.error(CheckError::PrimeNotState {
                name: name.node.clone(),
                what,
                span: name.span,
            });
            return None;
        }
        Some(())
    }

    fn no_args(
        &mut self,
        name: &Ident,
        args: Option<&[ast::Expr]>,
        what: &'static str,
        span: Span,
    ) -> Option<()> {
        if args.is_some() {
            self.error(CheckError::NotCallable {
                name: name.node.clone(),
                what,
                span,
            });
            return None;
        }
        Some(())
    }

    /// Checks arguments against parameter types: count, then each value.
    pub(super) fn call_args(
        &mut self,
        name: &str,
        declared: Option<Span>,
        params: &[Type],
        args: &[ast::Expr],
        span: Span,
        place: Place,
    ) -> Option<Vec<Expr>> {
        if args.len() != params.len() {
            self.error(CheckError::WrongArity {
                name: name.into(),
                expected: params.len(),
                found: args.len(),
                span,
                declared,
                help: None,
            });
            return None;
        }
        let checked: Vec<Option<Expr>> = args
            .iter()
            .zip(params)
            .map(|(arg, ty)| self.value_for(arg, ty, place))
            .collect();
        checked.into_iter().collect()
    }

    /// The value of `s' += v` / `s' -= v`: a set, or one element.
    pub(super) fn set_or_element(
        &mut self,
        value: &ast::Expr,
        element: &Type,
        place: Place,
    ) -> Option<Expr> {
        let set_type = Type::Set(Box::new(element.clone()));
        let checked = self.expr(value, Some(&set_type), place)?;
        if checked.ty.compatible(element)
            || matches!(element, Type::Option(inner) if checked.ty.compatible(inner))
        {
            let span = checked.span;
            let checked = self.coerce(checked, element)?;
            return Some(Expr {
                kind: ExprKind::SetLiteral(vec![checked]),
                ty: set_type,
                span,
            });
        }
        self.coerce(checked, &set_type)
    }

    fn unary(
        &mut self,
        op: ast::UnaryOp,
        operand: &ast::Expr,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        let typed = |kind, ty| Some(Expr { kind, ty, span });
        match op {
            ast::UnaryOp::Not => {
                let operand = self.expr_expecting(operand, &Type::Bool, place)?;
                typed(ExprKind::Unary(UnaryOp::Not, Box::new(operand)), Type::Bool)
            }
            ast::UnaryOp::Once | ast::UnaryOp::Previously | ast::UnaryOp::Historically => {
                if !place.is_property() {
                    self.error(CheckError::TemporalOutsideProperty {
                        op: op.as_str(),
                        place: place.describe(),
                        span,
                    });
                    return None;
                }
                let operand = self.expr_expecting(operand, &Type::Bool, place)?;
                let op = match op {
                    ast::UnaryOp::Once => UnaryOp::Once,
                    ast::UnaryOp::Previously => UnaryOp::Previously,
                    _ => UnaryOp::Historically,
                };
                typed(ExprKind::Unary(op, Box::new(operand)), Type::Bool)
            }
            ast::UnaryOp::Neg => {
                let operand = self.int_operand(operand, place)?;
                let Type::Int(range) = operand.ty else {
                    return None;
                };
                let range = self.exact_range(
                    -i128::from(range.high),
                    -i128::from(range.low),
                    "this negation",
                    span,
                )?;
                typed(
                    ExprKind::Unary(UnaryOp::Neg, Box::new(operand)),
                    Type::Int(range),
                )
            }
            ast::UnaryOp::Card => {
                let operand = self.expr(operand, None, place)?;
                let Type::Set(element) = &operand.ty else {
                    self.error(CheckError::TypeMismatch {
                        expected: "a set".into(),
                        found: self.type_name(&operand.ty),
                        span: operand.span,
                        help: Some("`#` counts the elements of a set, e.g. `#members` or `#{p: Person | p in chair}`".into()),
                    });
                    return None;
                };
                let high = self.max_elements(element);
                typed(
                    ExprKind::Unary(UnaryOp::Card, Box::new(operand)),
                    Type::Int(IntRange { low: 0, high }),
                )
            }
        }
    }

    /// The range of an integer expression from its exact bounds: `None`
    /// after reporting `integer_overflow` when a bound leaves i64, the
    /// integers every stage computes with. Since every expression's range
    /// is checked, no stage meets an intermediate result outside i64
    /// (shares aside: see [`Self::share_comparison`]).
    pub(super) fn exact_range(
        &mut self,
        low: i128,
        high: i128,
        what: &'static str,
        span: Span,
    ) -> Option<IntRange> {
        match (i64::try_from(low), i64::try_from(high)) {
            (Ok(low), Ok(high)) => Some(IntRange { low, high }),
            _ => {
                let value = if i64::try_from(high).is_err() {
                    high
                } else {
                    low
                };
                self.error(CheckError::IntegerOverflow {
                    what,
                    value: value.to_string(),
                    span,
                });
                None
            }
        }
    }

    /// How many values a type has, as far as is known before scopes.
    fn max_elements(&self, ty: &Type) -> i64 {
        match ty {
            Type::Bool => 2,
            Type::Int(range) => range.high.saturating_sub(range.low).saturating_add(1),
            Type::Sort(id) => match &self.sorts[id.0].kind {
                SortKind::Enum(values) => values.len() as i64,
                SortKind::Abstract => MAX_SCOPE as i64,
            },
            Type::Option(inner) => self.max_elements(inner).saturating_add(1),
            Type::Set(_) => i64::MAX,
        }
    }

    fn int_operand(&mut self, operand: &ast::Expr, place: Place) -> Option<Expr> {
        let checked = self.expr(operand, None, place)?;
        if !matches!(checked.ty, Type::Int(_)) {
            self.error(CheckError::TypeMismatch {
                expected: "an integer".into(),
                found: self.type_name(&checked.ty),
                span: checked.span,
                help: None,
            });
            return None;
        }
        Some(checked)
    }

    /// Checks two expressions that must have the same type; the one that
    /// cannot be typed alone (`none`, `{}`) takes the other's type.
    fn same_type(
        &mut self,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        hint: Option<&Type>,
        place: Place,
    ) -> Option<(Expr, Expr)> {
        // When the side that gives the type fails (reported), the side that
        // needs it is not checked: "cannot tell the type of `{}`" would only
        // repeat the first error.
        let (lhs, rhs) = if needs_context(lhs) && !needs_context(rhs) && hint.is_none() {
            let rhs = self.expr(rhs, None, place)?;
            let lhs = self.expr(lhs, Some(&rhs.ty), place)?;
            (lhs, rhs)
        } else {
            let lhs = self.expr(lhs, hint, place);
            let hint = hint.or(lhs.as_ref().map(|l| &l.ty));
            if hint.is_none() && needs_context(rhs) {
                return None;
            }
            let rhs = self.expr(rhs, hint, place);
            (lhs?, rhs?)
        };
        if lhs.ty.compatible(&rhs.ty) {
            return Some((lhs, rhs));
        }
        if let Type::Option(inner) = &lhs.ty {
            if inner.compatible(&rhs.ty) {
                let ty = lhs.ty.clone();
                let rhs = self.coerce(rhs, &ty)?;
                return Some((lhs, rhs));
            }
        }
        if let Type::Option(inner) = &rhs.ty {
            if inner.compatible(&lhs.ty) {
                let ty = rhs.ty.clone();
                let lhs = self.coerce(lhs, &ty)?;
                return Some((lhs, rhs));
            }
        }
        self.mismatch(&lhs.ty, &rhs.ty, rhs.span);
        None
    }

    fn binary(
        &mut self,
        op: ast::BinaryOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        use ast::BinaryOp as A;
        let typed = |kind, ty| Some(Expr { kind, ty, span });
        let node =
            |op: BinaryOp, lhs: Expr, rhs: Expr| ExprKind::Binary(op, Box::new(lhs), Box::new(rhs));
        match op {
            A::And | A::Or | A::Implies | A::Iff | A::Since => {
                if op == A::Since && !place.is_property() {
                    self.error(CheckError::TemporalOutsideProperty {
                        op: "since",
                        place: place.describe(),
                        span,
                    });
                    return None;
                }
                let lhs = self.expr_expecting(lhs, &Type::Bool, place);
                let rhs = self.expr_expecting(rhs, &Type::Bool, place);
                let op = match op {
                    A::And => BinaryOp::And,
                    A::Or => BinaryOp::Or,
                    A::Implies => BinaryOp::Implies,
                    A::Iff => BinaryOp::Iff,
                    _ => BinaryOp::Since,
                };
                typed(node(op, lhs?, rhs?), Type::Bool)
            }
            A::Lt | A::Le | A::Gt | A::Ge | A::Eq | A::Ne
                if matches!(lhs.kind, ast::ExprKind::Fraction(..))
                    || matches!(rhs.kind, ast::ExprKind::Fraction(..)) =>
            {
                self.share_comparison(op, lhs, rhs, span, place)
            }
            A::Eq | A::Ne => {
                let (lhs, rhs) = self.same_type(lhs, rhs, None, place)?;
                let op = if op == A::Eq {
                    BinaryOp::Eq
                } else {
                    BinaryOp::Ne
                };
                typed(node(op, lhs, rhs), Type::Bool)
            }
            A::Lt | A::Le | A::Gt | A::Ge => {
                let lhs = self.int_operand(lhs, place);
                let rhs = self.int_operand(rhs, place);
                let op = match op {
                    A::Lt => BinaryOp::Lt,
                    A::Le => BinaryOp::Le,
                    A::Gt => BinaryOp::Gt,
                    _ => BinaryOp::Ge,
                };
                typed(node(op, lhs?, rhs?), Type::Bool)
            }
            A::In | A::NotIn => {
                let (element, set) = if needs_context(rhs) && !needs_context(lhs) {
                    let element = self.expr(lhs, None, place)?;
                    let set_type = Type::Set(Box::new(element.ty.clone()));
                    let set = self.expr_expecting(rhs, &set_type, place)?;
                    (element, set)
                } else {
                    let set = self.expr(rhs, None, place);
                    let element_type = match set.as_ref().map(|s| &s.ty) {
                        Some(Type::Set(element)) => Some(element.as_ref().clone()),
                        Some(other) => {
                            let other = other.clone();
                            self.error(CheckError::TypeMismatch {
                                expected: "a set".into(),
                                found: self.type_name(&other),
                                span: rhs.span,
                                help: Some("the right of `in` is a set: a `set` variable, a sort's name, `{a, b}` or `{x: T | …}`".into()),
                            });
                            None
                        }
                        None => None,
                    };
                    let element = match &element_type {
                        Some(ty) => self.expr_expecting(lhs, ty, place),
                        None => self.expr(lhs, None, place),
                    };
                    element_type?;
                    (element?, set?)
                };
                let membership = Expr {
                    kind: node(BinaryOp::In, element, set),
                    ty: Type::Bool,
                    span,
                };
                if op == A::NotIn {
                    typed(
                        ExprKind::Unary(UnaryOp::Not, Box::new(membership)),
                        Type::Bool,
                    )
                } else {
                    Some(membership)
                }
            }
            A::Union | A::Intersect => {
                let (lhs, rhs) = self.set_pair(lhs, rhs, op, place)?;
                let op = if op == A::Union {
                    BinaryOp::Union
                } else {
                    BinaryOp::Intersect
                };
                // Integer elements: the result's range covers both sides'.
                let ty = lhs.ty.join(&rhs.ty);
                typed(node(op, lhs, rhs), ty)
            }
            A::Sub if is_set_expr(lhs) || is_set_expr(rhs) => {
                let (lhs, rhs) = self.set_pair(lhs, rhs, op, place)?;
                let ty = lhs.ty.clone();
                typed(node(BinaryOp::Difference, lhs, rhs), ty)
            }
            A::Add | A::Sub | A::Mul => {
                let lhs_checked = self.expr(lhs, None, place);
                if op == A::Sub {
                    if let Some(Type::Set(_)) = lhs_checked.as_ref().map(|l| &l.ty) {
                        // `member - {s}`: set difference, spelled as in DESIGN.md.
                        let rhs =
                            self.expr_expecting(rhs, &lhs_checked.as_ref()?.ty.clone(), place)?;
                        let lhs = lhs_checked?;
                        let ty = lhs.ty.clone();
                        return typed(node(BinaryOp::Difference, lhs, rhs), ty);
                    }
                }
                let rhs_checked = self.expr(rhs, None, place);
                let (lhs, rhs) = (lhs_checked?, rhs_checked?);
                for side in [&lhs, &rhs] {
                    if !matches!(side.ty, Type::Int(_)) {
                        let help = matches!(side.ty, Type::Set(_)).then(|| {
                            "for sets, write `union`, `intersect` or `-` (difference)".to_string()
                        });
                        self.error(CheckError::TypeMismatch {
                            expected: "an integer".into(),
                            found: self.type_name(&side.ty),
                            span: side.span,
                            help,
                        });
                        return None;
                    }
                }
                let (Type::Int(a), Type::Int(b)) = (&lhs.ty, &rhs.ty) else {
                    return None;
                };
                // Bounds in i128, where no product or sum of two i64s
                // overflows; the result must fit in i64 again.
                let [a_low, a_high, b_low, b_high] = [a.low, a.high, b.low, b.high].map(i128::from);
                let (op, low, high, what) = match op {
                    A::Add => (BinaryOp::Add, a_low + b_low, a_high + b_high, "this sum"),
                    A::Sub => (
                        BinaryOp::Sub,
                        a_low - b_high,
                        a_high - b_low,
                        "this difference",
                    ),
                    _ => {
                        if !is_constant(&lhs) && !is_constant(&rhs) {
                            self.error(CheckError::Nonlinear { span });
                            return None;
                        }
                        let products = [
                            a_low * b_low,
                            a_low * b_high,
                            a_high * b_low,
                            a_high * b_high,
                        ];
                        let low = products.iter().copied().min().unwrap_or(0);
                        let high = products.iter().copied().max().unwrap_or(0);
                        (BinaryOp::Mul, low, high, "this product")
                    }
                };
                let range = self.exact_range(low, high, what, span)?;
                typed(node(op, lhs, rhs), Type::Int(range))
            }
        }
    }

    /// `value(x)`: the value inside the option `x` (the first value of its
    /// type when `x` is `none`, so read it where `x is some`).
    fn option_value(
        &mut self,
        name: &Ident,
        args: Option<&[ast::Expr]>,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        let [arg] = args.unwrap_or(&[]) else {
            self.error(CheckError::WrongArity {
                name: name.node.clone(),
                expected: 1,
                found: args.map_or(0, <[ast::Expr]>::len),
                span,
                declared: None,
                help: Some("`value(x)` is the value inside the optional value `x`".into()),
            });
            return None;
        };
        let operand = self.expr(arg, None, place)?;
        let Type::Option(inner) = &operand.ty else {
            self.error(CheckError::TypeMismatch {
                expected: "an optional value (`T?`)".into(),
                found: self.type_name(&operand.ty),
                span: operand.span,
                help: Some("`value(x)` reads the value inside an optional `x`; this one always has a value: use it as it is".into()),
            });
            return None;
        };
        let ty = inner.as_ref().clone();
        Some(Expr {
            kind: ExprKind::OptionValue(Box::new(operand)),
            ty,
            span,
        })
    }

    /// `a >= p/q of b` (either side may be the share) compares `q * a`
    /// with `p * b`: exact, with no rounding.
    fn share_comparison(
        &mut self,
        op: ast::BinaryOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        use ast::BinaryOp as A;
        let share = |side: &ast::Expr| match &side.kind {
            ast::ExprKind::Fraction(p, q, whole) => {
                Some((*p, *q, whole.as_ref().clone(), side.span))
            }
            _ => None,
        };
        // A side scaled by the other's denominator: `q·a`, up to 2^126,
        // which every stage computes exactly (the solver's integers are
        // unbounded, `eval` compares in i128, the IR folds only what fits).
        // Its type is only read by the comparison, so its range is the
        // exact one clipped to i64, never used for further arithmetic.
        let scale = |this: &mut Self, factor: i64, operand: Expr| -> Expr {
            let Type::Int(range) = operand.ty else {
                return operand;
            };
            let (a, b) = (
                i128::from(range.low) * i128::from(factor),
                i128::from(range.high) * i128::from(factor),
            );
            let clip = |v: i128| v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
            let _ = this;
            Expr {
                span: operand.span,
                ty: Type::Int(IntRange {
                    low: clip(a.min(b)),
                    high: clip(a.max(b)),
                }),
                kind: ExprKind::Binary(
                    BinaryOp::Mul,
                    Box::new(Expr {
                        kind: ExprKind::Int(factor),
                        ty: Type::Int(IntRange {
                            low: factor,
                            high: factor,
                        }),
                        span: operand.span,
                    }),
                    Box::new(operand),
                ),
            }
        };
        let mut sides = Vec::new();
        let mut shares = 0;
        for side in [lhs, rhs] {
            match share(side) {
                Some((p, q, whole, share_span)) => {
                    shares += 1;
                    let whole = self.int_operand(&whole, place);
                    let problem = if q <= 0 {
                        Some("has a zero denominator")
                    } else if p > q {
                        Some("is more than the whole")
                    } else {
                        match whole.as_ref().map(|w| &w.ty) {
                            Some(Type::Int(range)) if range.high <= 0 => {
                                Some("is of a number that is never positive (an empty body)")
                            }
                            _ => None,
                        }
                    };
                    if let Some(problem) = problem {
                        self.error(CheckError::BadShare {
                            numerator: p,
                            denominator: q,
                            problem,
                            span: share_span,
                        });
                        return None;
                    }
                    sides.push(whole.map(|w| (w, p, q)));
                }
                None => sides.push(self.int_operand(side, place).map(|e| (e, 1, 1))),
            }
        }
        if shares == 2 {
            if let Some((p, q, _, share_span)) = share(rhs) {
                self.error(CheckError::MisplacedShare {
                    numerator: p,
                    denominator: q,
                    span: share_span,
                });
            }
            return None;
        }
        let rhs_side = sides.pop()??;
        let lhs_side = sides.pop()??;
        // a OP p/q·b  ⇔  q·a OP p·b (q > 0); likewise with the share on the left.
        let (a, a_num, a_den) = lhs_side;
        let (b, b_num, b_den) = rhs_side;
        let lhs = scale(self, a_num * b_den, a);
        let rhs = scale(self, b_num * a_den, b);
        let op = match op {
            A::Lt => BinaryOp::Lt,
            A::Le => BinaryOp::Le,
            A::Gt => BinaryOp::Gt,
            A::Ge => BinaryOp::Ge,
            A::Eq => BinaryOp::Eq,
            _ => BinaryOp::Ne,
        };
        Some(Expr {
            kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
            ty: Type::Bool,
            span,
        })
    }

    fn set_pair(
        &mut self,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        op: ast::BinaryOp,
        place: Place,
    ) -> Option<(Expr, Expr)> {
        let (lhs, rhs) = self.same_type(lhs, rhs, None, place)?;
        if !matches!(lhs.ty, Type::Set(_)) {
            self.error(CheckError::TypeMismatch {
                expected: "a set".into(),
                found: self.type_name(&lhs.ty),
                span: lhs.span,
                help: Some(format!("`{}` combines two sets", op.as_str())),
            });
            return None;
        }
        Some((lhs, rhs))
    }

    fn set_literal(
        &mut self,
        elements: &[ast::Expr],
        expected: Option<&Type>,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        let element_hint = match expected {
            Some(Type::Set(element)) => Some(element.as_ref().clone()),
            _ => None,
        };
        let Some(first) = elements.first() else {
            return match element_hint {
                Some(element) => Some(Expr {
                    kind: ExprKind::SetLiteral(Vec::new()),
                    ty: Type::Set(Box::new(element)),
                    span,
                }),
                None => {
                    self.error(CheckError::CannotInfer {
                        what: "the empty set `{}`",
                        help: "compare or assign it to a set whose type is known, e.g. `chair = {}` where `chair: set Person`; a define of `{}` needs its type: `define nobody: set Person = {}`",
                        span,
                    });
                    None
                }
            };
        };
        let element_type = match element_hint {
            Some(ty) => ty,
            None => self.expr(first, None, place)?.ty,
        };
        if !self.require_enumerable(&element_type, first.span, "a set's elements") {
            return None;
        }
        let checked: Vec<Option<Expr>> = elements
            .iter()
            .map(|e| self.expr_expecting(e, &element_type, place))
            .collect();
        let checked: Vec<Expr> = checked.into_iter().collect::<Option<_>>()?;
        let element_type = checked
            .iter()
            .map(|e| e.ty.clone())
            .reduce(|a, b| a.join(&b))
            .unwrap_or(element_type);
        Some(Expr {
            kind: ExprKind::SetLiteral(checked),
            ty: Type::Set(Box::new(element_type)),
            span,
        })
    }
}

fn ty_span(binder: &ast::Binder) -> Span {
    match &binder.domain {
        ast::Domain::Type(ty) => ty.span,
        ast::Domain::Set(set) => set.span,
    }
}

/// `none` and `{}` have no type of their own.
fn needs_context(expr: &ast::Expr) -> bool {
    matches!(&expr.kind, ast::ExprKind::None)
        || matches!(&expr.kind, ast::ExprKind::SetLiteral(elements) if elements.is_empty())
}

/// Whether an expression is a set by its shape alone (so that `a - b` is a
/// difference even when `a` is a literal).
fn is_set_expr(expr: &ast::Expr) -> bool {
    matches!(
        expr.kind,
        ast::ExprKind::SetLiteral(_) | ast::ExprKind::Comprehension(..)
    )
}

pub(super) fn is_wildcard(expr: &ast::Expr) -> bool {
    matches!(&expr.kind, ast::ExprKind::Name { name, primed: false, args: None } if name.node == "_")
}

/// A number written in the spec (possibly negated): what "multiplication by a
/// constant" may multiply by.
fn is_constant(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Int(_) => true,
        ExprKind::Unary(UnaryOp::Neg, inner) => is_constant(inner),
        ExprKind::Binary(BinaryOp::Mul | BinaryOp::Add | BinaryOp::Sub, a, b) => {
            is_constant(a) && is_constant(b)
        }
        _ => false,
    }
}

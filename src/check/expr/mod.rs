//! Checking expressions: resolution, types (with the `T` to `T?` coercion
//! and integer ranges computed by interval arithmetic), and where the next
//! state, the past and events may be mentioned.
//!
//! Each function returns `None` after reporting an error, so that one
//! mistake is reported once rather than again by every enclosing node.
//!
//! This file: the entry points, coercion, each kind of expression
//! dispatched, binders. `names.rs`: names and their arguments; `ops.rs`:
//! operators, options, shares and set literals.

mod happens;
mod names;
mod ops;

use super::{CheckError, Checker, Place};
use crate::ast;
use crate::hir::*;
use crate::span::Span;

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

    /// Reports that `expr` is not the kind of value its place needs
    /// (`expected` in words: "a set", "an integer").
    pub(in crate::check) fn not_a(&mut self, expected: &str, expr: &Expr, help: Option<String>) {
        self.error(CheckError::TypeMismatch {
            expected: expected.into(),
            found: self.type_name(&expr.ty),
            span: expr.span,
            help,
        });
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
            ast::ExprKind::Reading { group, arms } => {
                let arm = self.reading_arm(group, arms, span)?;
                self.expr(arm, expected, place)
            }
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
                    self.not_a("an optional value (`T?`)", &operand, Some("`is none` and `is some` test optional values; this one always has a value".into()));
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
            ast::ExprKind::Date(days) => self.date_literal(*days, span),
            ast::ExprKind::CivilPart(field, date) => self.civil_part(*field, date, span, place),
            ast::ExprKind::WeekdayTest { date, day } => self.weekday_test(date, *day, span, place),
            ast::ExprKind::CivilBoundary {
                last,
                period,
                after,
                date,
            } => self.civil_boundary(*last, *period, *after, date, span, place),
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
            ast::ExprKind::Happens { event, args } => {
                // Not at the head of an `and` or `implies`: the names it
                // binds are read nowhere else (and must not leak into later
                // properties).
                let mut bound = Vec::new();
                let test = self.happens(event, args.as_deref(), span, place, &mut bound);
                self.scope.truncate(self.scope.len() - bound.len());
                test
            }
            ast::ExprKind::DateSince {
                at_least,
                duration,
                date,
            } => self.date_since(*at_least, duration, date, span, place),
            ast::ExprKind::DateBound { before, date } => {
                self.date_bound(*before, date, span, place)
            }
            ast::ExprKind::FnLiteral(_) => {
                self.misplaced_literal(span);
                None
            }
        }
    }

    /// Declares and scopes binders, in order (a domain may mention earlier
    /// binders). The caller pops them from the scope.
    pub(super) fn binders(&mut self, binders: &[ast::Binder], place: Place) -> Option<Vec<Binder>> {
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
                    self.written_locals.push(binder.name.clone());
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

pub(super) fn is_wildcard(expr: &ast::Expr) -> bool {
    matches!(&expr.kind, ast::ExprKind::Name { name, primed: false, args: None } if name.node == "_")
}

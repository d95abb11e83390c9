//! Operators: unary and binary, options, shares `p/q of n` and set
//! literals, with the integer ranges of their results.

use super::needs_context;
use crate::ast;
use crate::check::{CheckError, Checker, Place};
use crate::hir::*;
use crate::span::{Ident, Span};

impl Checker {
    pub(super) fn unary(
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
                    self.not_a("a set", &operand, Some("`#` counts the elements of a set, e.g. `#members` or `#{p: Person | p in chair}`".into()));
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
    pub(in crate::check) fn exact_range(
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
    pub(super) fn max_elements(&self, ty: &Type) -> i64 {
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

    pub(in crate::check) fn int_operand(
        &mut self,
        operand: &ast::Expr,
        place: Place,
    ) -> Option<Expr> {
        let checked = self.expr(operand, None, place)?;
        if !matches!(checked.ty, Type::Int(_)) {
            self.not_a("an integer", &checked, None);
            return None;
        }
        Some(checked)
    }

    /// Checks two expressions that must have the same type; the one that
    /// cannot be typed alone (`none`, `{}`) takes the other's type.
    pub(super) fn same_type(
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

    pub(super) fn binary(
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
                let binds = matches!(op, A::And | A::Implies);
                let (lhs, rhs) = match binds.then(|| self.happens_binding(lhs, rhs, place)) {
                    Some(Some(both)) => both,
                    _ => (
                        self.expr_expecting(lhs, &Type::Bool, place),
                        self.expr_expecting(rhs, &Type::Bool, place),
                    ),
                };
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
            A::Subset => {
                // `A subset B` is `A - B = {}`: nothing of A outside B.
                let (lhs, rhs) = self.set_pair(lhs, rhs, op, place)?;
                let ty = lhs.ty.clone();
                let outside = Expr {
                    kind: node(BinaryOp::Difference, lhs, rhs),
                    ty: ty.clone(),
                    span,
                };
                let empty = Expr {
                    kind: ExprKind::SetLiteral(Vec::new()),
                    ty,
                    span,
                };
                typed(node(BinaryOp::Eq, outside, empty), Type::Bool)
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
            A::Add | A::Sub if self.civil_shift(lhs, rhs).is_some() => {
                self.shift_date(op == A::Sub, lhs, rhs, span, place)
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
                        self.not_a("an integer", side, help);
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
    pub(super) fn option_value(
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
            self.not_a("an optional value (`T?`)", &operand, Some("`value(x)` reads the value inside an optional `x`; this one always has a value: use it as it is".into()));
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
            self.not_a(
                "a set",
                &lhs,
                Some(format!("`{}` combines two sets", op.as_str())),
            );
            return None;
        }
        Some((lhs, rhs))
    }

    pub(super) fn set_literal(
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

/// Whether an expression is a set by its shape alone (so that `a - b` is a
/// difference even when `a` is a literal).
fn is_set_expr(expr: &ast::Expr) -> bool {
    matches!(
        expr.kind,
        ast::ExprKind::SetLiteral(_) | ast::ExprKind::Comprehension(..)
    )
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

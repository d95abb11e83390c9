//! Walking expressions: the one place that knows which sub-expressions
//! each [`ExprKind`] has. Passes over the tree (collecting, testing,
//! rewriting) visit children through these functions rather than a match
//! of their own, so a new kind of expression is added here once.

use super::{Domain, Expr, ExprKind};

/// Calls `each` on the direct sub-expressions of `expr`, in order (a
/// binder's set before the body), until it returns `true`; whether one did.
pub fn any_child(expr: &Expr, mut each: impl FnMut(&Expr) -> bool) -> bool {
    match &expr.kind {
        ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::None
        | ExprKind::EnumValue(..)
        | ExprKind::Universe(_)
        | ExprKind::Local(_)
        | ExprKind::EventArg(..) => false,
        ExprKind::Some(inner)
        | ExprKind::Unary(_, inner)
        | ExprKind::OptionTest(inner, _)
        | ExprKind::OptionValue(inner) => each(inner),
        ExprKind::State { args, .. } | ExprKind::Call(_, args) | ExprKind::SetLiteral(args) => {
            args.iter().any(each)
        }
        ExprKind::Happened(_, args) => args.iter().flatten().any(each),
        ExprKind::Apply(head, args) => each(head) || args.iter().any(each),
        ExprKind::Binary(_, a, b) => each(a) || each(b),
        ExprKind::If(a, b, c) => each(a) || each(b) || each(c),
        ExprKind::Comprehension(binders, body)
        | ExprKind::Quantified(_, binders, body)
        | ExprKind::Sum(binders, body) => {
            binders.iter().any(|binder| match &binder.domain {
                Domain::Set(set) => each(set),
                Domain::Type(_) => false,
            }) || each(body)
        }
    }
}

/// Calls `each` on every direct sub-expression of `expr`, in order.
pub fn for_each_child(expr: &Expr, mut each: impl FnMut(&Expr)) {
    any_child(expr, |child| {
        each(child);
        false
    });
}

/// [`for_each_child`], for rewriting the children in place.
pub fn for_each_child_mut(expr: &mut Expr, mut each: impl FnMut(&mut Expr)) {
    match &mut expr.kind {
        ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::None
        | ExprKind::EnumValue(..)
        | ExprKind::Universe(_)
        | ExprKind::Local(_)
        | ExprKind::EventArg(..) => {}
        ExprKind::Some(inner)
        | ExprKind::Unary(_, inner)
        | ExprKind::OptionTest(inner, _)
        | ExprKind::OptionValue(inner) => each(inner),
        ExprKind::State { args, .. } | ExprKind::Call(_, args) | ExprKind::SetLiteral(args) => {
            args.iter_mut().for_each(each);
        }
        ExprKind::Happened(_, args) => args.iter_mut().flatten().for_each(each),
        ExprKind::Apply(head, args) => {
            each(head);
            args.iter_mut().for_each(each);
        }
        ExprKind::Binary(_, a, b) => {
            each(a);
            each(b);
        }
        ExprKind::If(a, b, c) => {
            each(a);
            each(b);
            each(c);
        }
        ExprKind::Comprehension(binders, body)
        | ExprKind::Quantified(_, binders, body)
        | ExprKind::Sum(binders, body) => {
            for binder in binders {
                if let Domain::Set(set) = &mut binder.domain {
                    each(set);
                }
            }
            each(body);
        }
    }
}

/// Calls `visit` on every node, parents before children.
pub fn walk(expr: &Expr, visit: &mut dyn FnMut(&Expr)) {
    visit(expr);
    for_each_child(expr, |child| walk(child, visit));
}

/// Whether `test` picks some node, parents before children, stopping at
/// the first.
pub fn any_node(expr: &Expr, test: &mut dyn FnMut(&Expr) -> bool) -> bool {
    test(expr) || any_child(expr, |child| any_node(child, test))
}

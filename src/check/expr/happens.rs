//! Events in properties: `e(args)` and `happens e(args)`, the step into
//! this state was `e` with these arguments. With `happens`, a name not yet
//! bound binds its argument for the right side of the `and` or `implies`
//! that the test heads (`happens decide(g) implies #g >= 2`).

use super::is_wildcard;
use crate::ast;
use crate::check::{CheckError, Checker, Global, Place};
use crate::hir::visit;
use crate::hir::*;
use crate::span::{Ident, Span};

impl Checker {
    /// `happens e(args)`; the names it binds are pushed on `bound` (and on
    /// the scope, from where the caller pops them).
    pub(super) fn happens(
        &mut self,
        event: &Ident,
        args: Option<&[ast::Expr]>,
        span: Span,
        place: Place,
        bound: &mut Vec<LocalId>,
    ) -> Option<Expr> {
        let Some(Global::Event(id)) = self.global(&event.node) else {
            self.unknown(event, "event", |g| matches!(g, Global::Event(_)));
            return None;
        };
        self.event_test(event, id, args, span, place, Some(bound))
    }

    /// The test that the step into this state was the event `id` with the
    /// given arguments. `binding`: names not yet bound bind the arguments
    /// (with `happens`); without, every argument is a value or `_`.
    pub(super) fn event_test(
        &mut self,
        name: &Ident,
        id: EventId,
        args: Option<&[ast::Expr]>,
        span: Span,
        place: Place,
        binding: Option<&mut Vec<LocalId>>,
    ) -> Option<Expr> {
        if !place.is_property() {
            self.error(CheckError::EventOutsideProperty {
                name: name.node.clone(),
                place: place.describe(),
                span,
            });
            return None;
        }
        let event = self.events[id.0].clone();
        let mut equal: Vec<(usize, usize)> = Vec::new();
        let mut checked = match args {
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
                let mut fresh = Vec::new();
                let mut repeated = Vec::new();
                let mut ok = true;
                for (position, (arg, param)) in args.iter().zip(&event.params).enumerate() {
                    if is_wildcard(arg) {
                        checked.push(None);
                        continue;
                    }
                    let function = !self.locals[param.0].args.is_empty();
                    // A function is bound to a new name, once, or skipped.
                    let new_name = self.fresh_name(arg).filter(|binder| {
                        !function
                            || fresh
                                .iter()
                                .all(|(b, _): &(Ident, usize)| b.node != binder.node)
                    });
                    if function && (binding.is_none() || new_name.is_none()) {
                        self.error(CheckError::FunctionArgument {
                            event: event.name.clone(),
                            param: self.locals[param.0].name.clone(),
                            span: arg.span,
                        });
                        ok = false;
                        checked.push(None);
                        continue;
                    }
                    if let (Some(_), Some(binder)) = (&binding, new_name) {
                        // A name given twice, `happens elect(x, x)`: the
                        // two arguments are equal (as a reader takes it).
                        match fresh
                            .iter()
                            .find(|(b, _): &&(Ident, usize)| b.node == binder.node)
                        {
                            Some(&(_, first)) => repeated.push((first, position, binder.span)),
                            None => fresh.push((binder, position)),
                        }
                        checked.push(None);
                        continue;
                    }
                    let ty = self.locals[param.0].ty.clone();
                    match self.value_for(arg, &ty, place) {
                        Some(arg) => checked.push(Some(arg)),
                        None => ok = false,
                    }
                }
                for &(first, second, at) in &repeated {
                    let param = |p: usize| self.locals[event.params[p].0].ty.clone();
                    let (a, b) = (param(first), param(second));
                    if !a.compatible(&b) {
                        let (expected, found) = (self.type_name(&a), self.type_name(&b));
                        self.error(CheckError::TypeMismatch {
                            help: Some(format!(
                                "a name given twice means the two arguments are equal, \
                                 but argument {} is {expected} and argument {} is {found}",
                                first + 1,
                                second + 1
                            )),
                            expected,
                            found,
                            span: at,
                        });
                        ok = false;
                    }
                }
                if !ok {
                    return None;
                }
                equal.extend(repeated.iter().map(|&(first, second, _)| (first, second)));
                if let Some(bound) = binding {
                    for (binder, position) in fresh {
                        // A property reads the parameter.
                        self.local_used[event.params[position].0] = true;
                        let ty = self.locals[event.params[position].0].ty.clone();
                        let local = self.new_local(&binder, ty.clone());
                        self.locals[local.0].args =
                            self.locals[event.params[position].0].args.clone();
                        // A name given twice is read: it says two
                        // arguments are equal (`_` would not).
                        if repeated.iter().any(|&(first, _, _)| first == position) {
                            self.local_used[local.0] = true;
                        }
                        self.written_locals.push(binder.clone());
                        let alias = Expr {
                            kind: ExprKind::EventArg(id, position),
                            ty,
                            span: binder.span,
                        };
                        self.aliases.insert(local, alias);
                        self.scope.push(local);
                        bound.push(local);
                    }
                }
                checked
            }
        };
        // With a calendar, any date.
        if self.calendar.is_some() {
            checked.push(None);
        }
        let test = Expr {
            kind: ExprKind::Happened(id, checked),
            ty: Type::Bool,
            span,
        };
        // `happens e(x, x)`: the step was `e`, and its two arguments equal.
        Some(equal.into_iter().fold(test, |test, (first, second)| {
            let arg = |position: usize| Expr {
                kind: ExprKind::EventArg(id, position),
                ty: self.locals[event.params[position].0].ty.clone(),
                span,
            };
            let same = Expr {
                kind: ExprKind::Binary(BinaryOp::Eq, Box::new(arg(first)), Box::new(arg(second))),
                ty: Type::Bool,
                span,
            };
            Expr {
                kind: ExprKind::Binary(BinaryOp::And, Box::new(test), Box::new(same)),
                ty: Type::Bool,
                span,
            }
        }))
    }

    /// A bare name that names nothing in scope: `happens` binds it.
    fn fresh_name(&self, arg: &ast::Expr) -> Option<Ident> {
        let ast::ExprKind::Name {
            name,
            primed: false,
            args: None,
        } = &arg.kind
        else {
            return None;
        };
        let special = matches!(name.node.as_str(), "now" | "next" | "value");
        let taken =
            special || self.lookup_local(&name.node).is_some() || self.global(&name.node).is_some();
        (!taken).then(|| name.clone())
    }

    /// `lhs and rhs`, `lhs implies rhs` where `lhs` is `happens e(x)` or
    /// a chain of `and`s that starts with one: the names it binds are in
    /// scope in the rest of the chain and in `rhs`. `None` when `lhs` does
    /// not start with a `happens`.
    pub(super) fn happens_binding(
        &mut self,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        place: Place,
    ) -> Option<(Option<Expr>, Option<Expr>)> {
        if !starts_with_happens(lhs) {
            return None;
        }
        let mut bound = Vec::new();
        let lhs = self.binding_operand(lhs, place, &mut bound);
        let rhs = self.expr_expecting(rhs, &Type::Bool, place);
        self.scope.truncate(self.scope.len() - bound.len());
        for part in [&lhs, &rhs].into_iter().flatten() {
            if let Some(span) = bound_name_in_past(part) {
                self.error(CheckError::HappensBindingInPast { span });
                return Some((None, None));
            }
        }
        Some((lhs, rhs))
    }

    /// The left operand of [`Self::happens_binding`], its binders left in
    /// scope.
    fn binding_operand(
        &mut self,
        expr: &ast::Expr,
        place: Place,
        bound: &mut Vec<LocalId>,
    ) -> Option<Expr> {
        match &expr.kind {
            ast::ExprKind::Happens { event, args } => {
                self.happens(event, args.as_deref(), expr.span, place, bound)
            }
            ast::ExprKind::Binary(ast::BinaryOp::And, lhs, rhs) => {
                let lhs = self.binding_operand(lhs, place, bound);
                let rhs = self.expr_expecting(rhs, &Type::Bool, place);
                Some(Expr {
                    kind: ExprKind::Binary(BinaryOp::And, Box::new(lhs?), Box::new(rhs?)),
                    ty: Type::Bool,
                    span: expr.span,
                })
            }
            _ => self.expr_expecting(expr, &Type::Bool, place),
        }
    }
}

/// `happens e(…)`, or a chain of `and`s whose first operand is one.
fn starts_with_happens(expr: &ast::Expr) -> bool {
    match &expr.kind {
        ast::ExprKind::Happens { .. } => true,
        ast::ExprKind::Binary(ast::BinaryOp::And, lhs, _) => starts_with_happens(lhs),
        _ => false,
    }
}

/// Where a name `happens` binds is read under a past-time operator (or in
/// another event's arguments): there it would stand for the argument of an
/// earlier step, not the bound one.
fn bound_name_in_past(expr: &Expr) -> Option<Span> {
    let past = matches!(
        expr.kind,
        ExprKind::Unary(
            UnaryOp::Once | UnaryOp::Previously | UnaryOp::Historically,
            _
        ) | ExprKind::Binary(BinaryOp::Since, ..)
            | ExprKind::Happened(..)
    );
    if past {
        let mut found = None;
        visit::any_child(expr, |e| {
            found = event_arg(e);
            found.is_some()
        });
        if found.is_some() {
            return found;
        }
    }
    let mut found = None;
    visit::any_child(expr, |e| {
        found = bound_name_in_past(e);
        found.is_some()
    });
    found
}

/// The first `EventArg` in the expression.
fn event_arg(expr: &Expr) -> Option<Span> {
    if matches!(expr.kind, ExprKind::EventArg(..)) {
        return Some(expr.span);
    }
    let mut found = None;
    visit::any_child(expr, |e| {
        found = event_arg(e);
        found.is_some()
    });
    found
}

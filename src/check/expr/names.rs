//! Names in expressions: states, events, defines, locals, enum values
//! and sort elements, with their arguments.

use super::{is_wildcard, needs_context};
use crate::ast;
use crate::check::{CheckError, Checker, Global, Place};
use crate::hir::*;
use crate::span::{Ident, Span};

impl Checker {
    pub(super) fn name(
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
            if !self.locals[local.0].args.is_empty() {
                return self.function_point(local, name, primed, args, span, place);
            }
            self.no_prime(name, primed, "a parameter or bound variable")?;
            self.no_args(name, args, "a parameter or bound variable", span)?;
            if let Some(alias) = self.aliases.get(&local) {
                // A name `happens e(x)` binds: the step's argument.
                return Some(Expr {
                    span,
                    ..alias.clone()
                });
            }
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
                let mut args = args;
                if sig.now.is_some() {
                    // The define reads `now`: the date here.
                    args.push(self.now_expr(name.span, place)?);
                }
                typed(ExprKind::Call(id, args), ty)
            }
            Global::Event(id) => {
                self.no_prime(name, primed, "an event")?;
                self.event_test(name, id, args, span, place, None)
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
    pub(super) fn any_broken(
        &mut self,
        params: &[LocalId],
        args: &[ast::Expr],
        place: Place,
    ) -> bool {
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

    /// `votes(m)`: a function-typed event parameter (or the name `happens
    /// e(v)` bound to one) read at a point; never read as a whole.
    fn function_point(
        &mut self,
        local: LocalId,
        name: &Ident,
        primed: bool,
        args: Option<&[ast::Expr]>,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        self.no_prime(name, primed, "a parameter or bound variable")?;
        let Some(args) = args else {
            self.error(CheckError::FunctionValue {
                name: name.node.clone(),
                action: "read",
                span,
            });
            return None;
        };
        let decl = self.locals[local.0].clone();
        let args = self.call_args(&name.node, Some(decl.span), &decl.args, args, span, place)?;
        let head = match self.aliases.get(&local) {
            Some(alias) => Expr {
                span: name.span,
                ..alias.clone()
            },
            None => Expr {
                kind: ExprKind::Local(local),
                ty: decl.ty.clone(),
                span: name.span,
            },
        };
        Some(Expr {
            kind: ExprKind::Apply(Box::new(head), args),
            ty: decl.ty,
            span,
        })
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
    pub(in crate::check) fn call_args(
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
    pub(in crate::check) fn set_or_element(
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
}

//! Function literals (`{ President: none, _: none }`) and quantified point
//! updates (`forall o: Office when vacant(o). holder'(o) = none`).
//!
//! A literal is read as one value per point: `if x = p1 then v1 else …
//! else default`. As a function's initial value (or a constant's value) it
//! becomes an `init` (an axiom) `forall x. f(x) = …`, written once checking
//! ends so that formula ids stay aligned; as an effect `f' = {…}` it becomes
//! the quantified update `forall x. f'(x) = …`. A quantified update keeps
//! its binders and condition into the HIR: lowering and `eval` expand it
//! per binding, so each location is assigned only where the condition
//! holds, exactly as a point update.

use miette::Diagnostic;
use thiserror::Error;

use super::time::expr;
use super::{CheckError, Checker, Place};
use crate::ast;
use crate::hir::*;
use crate::span::Span;

/// What can be wrong with a function literal.
#[derive(Clone, Debug, Error, Diagnostic, PartialEq, Eq)]
pub enum LiteralError {
    #[error("a function literal is only a function's whole value")]
    #[diagnostic(
        code(charter::check::misplaced_fn_literal),
        help("write it as the initial value of a function variable (`var holder: Office -> Person? = {{ President: none, _: none }}`), the value of a function constant, or an effect assigning every point (`holder' = {{ _: none }}`)")
    )]
    Misplaced {
        #[label("a function literal here")]
        span: Span,
    },

    #[error("the literal for `{name}` leaves points without a value")]
    #[diagnostic(
        code(charter::check::fn_literal_without_default),
        help("add a default for the points not listed, e.g. `_: {example}`; a default may be left out only where every point is listed")
    )]
    NoDefault {
        name: String,
        example: String,
        #[label("no `_: value` entry")]
        span: Span,
    },

    #[error("point listed twice in the literal for `{name}`")]
    #[diagnostic(
        code(charter::check::duplicate_point),
        help("each point has one value: remove one of the entries")
    )]
    DuplicatePoint {
        name: String,
        #[label(primary, "listed again here")]
        span: Span,
        #[label("first listed here")]
        first: Span,
    },

    #[error("`_` given twice in the literal for `{name}`")]
    #[diagnostic(
        code(charter::check::duplicate_point),
        help("one default covers every point not listed: remove one")
    )]
    DuplicateDefault {
        name: String,
        #[label("a second default here")]
        span: Span,
    },

    #[error("`{name}` takes {expected} argument{s}; this point has {found}", s = if *expected == 1 { "" } else { "s" })]
    #[diagnostic(
        code(charter::check::point_arity),
        help(
            "a point of a function of several arguments is written in parentheses: `(a, b): value`"
        )
    )]
    PointArity {
        name: String,
        expected: usize,
        found: usize,
        #[label("this point")]
        span: Span,
    },

    #[error("a function literal gives every point of `{name}`, which takes no arguments")]
    #[diagnostic(
        code(charter::check::fn_literal_not_function),
        help("`{name}` holds a single value: write the value itself")
    )]
    NotFunction {
        name: String,
        #[label("a function literal here")]
        span: Span,
    },
}

impl LiteralError {
    pub fn span(&self) -> Span {
        match self {
            LiteralError::Misplaced { span }
            | LiteralError::NoDefault { span, .. }
            | LiteralError::DuplicatePoint { span, .. }
            | LiteralError::DuplicateDefault { span, .. }
            | LiteralError::PointArity { span, .. }
            | LiteralError::NotFunction { span, .. } => *span,
        }
    }
}

/// A constant point's identity, for finding points listed twice and
/// whether every point is listed.
fn point_key(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Bool(b) => Some(format!("b{b}")),
        ExprKind::Int(i) => Some(format!("i{i}")),
        ExprKind::EnumValue(sort, index) => Some(format!("e{}.{index}", sort.0)),
        ExprKind::None => Some("none".into()),
        ExprKind::Some(inner) => point_key(inner).map(|k| format!("s{k}")),
        _ => None,
    }
}

impl Checker {
    fn literal_error(&mut self, error: LiteralError) {
        self.error(CheckError::Literal(Box::new(error)));
    }

    pub(super) fn misplaced_literal(&mut self, span: Span) {
        self.literal_error(LiteralError::Misplaced { span });
    }

    /// The number of values of a type, where it is fixed by the spec (not
    /// by a command's scope).
    fn fixed_size(&self, ty: &Type) -> Option<u128> {
        match ty {
            Type::Bool => Some(2),
            Type::Int(range) => u128::try_from(range.high - range.low + 1).ok(),
            Type::Sort(id) => match &self.sorts[id.0].kind {
                SortKind::Enum(values) => Some(values.len() as u128),
                SortKind::Abstract => None,
            },
            Type::Option(inner) => self.fixed_size(inner).map(|n| n + 1),
            _ => None,
        }
    }

    /// The literal as one value per point of `state`, read at `args` (one
    /// expression per argument): `if args = p1 then v1 else … else d`.
    fn literal_value(
        &mut self,
        state: StateId,
        literal: &ast::FnLiteral,
        span: Span,
        args: &[Expr],
        place: Place,
    ) -> Option<Expr> {
        let decl = self.states[state.0].clone();
        let mut ok = true;
        let mut seen: Vec<(Vec<String>, Span)> = Vec::new();
        let mut complete_keys = 0u128;
        let mut cases = Vec::new();
        for entry in &literal.entries {
            if entry.point.is_empty() {
                self.literal_error(LiteralError::DuplicateDefault {
                    name: decl.name.clone(),
                    span: entry.span,
                });
                ok = false;
                continue;
            }
            if entry.point.len() != decl.args.len() {
                let point_span = entry.point[0]
                    .span
                    .join(entry.point[entry.point.len() - 1].span);
                self.literal_error(LiteralError::PointArity {
                    name: decl.name.clone(),
                    expected: decl.args.len(),
                    found: entry.point.len(),
                    span: point_span,
                });
                ok = false;
                continue;
            }
            let mut coordinates = Vec::new();
            for (coordinate, ty) in entry.point.iter().zip(&decl.args) {
                match self.value_for(coordinate, ty, place) {
                    Some(c) => coordinates.push(c),
                    None => ok = false,
                }
            }
            let value = self.value_for(&entry.value, &decl.ty, place);
            let (Some(value), true) = (value, coordinates.len() == decl.args.len()) else {
                ok = false;
                continue;
            };
            let keys: Option<Vec<String>> = coordinates.iter().map(point_key).collect();
            if let Some(keys) = keys {
                let point_span = entry.point[0]
                    .span
                    .join(entry.point[entry.point.len() - 1].span);
                if let Some((_, first)) = seen.iter().find(|(k, _)| *k == keys) {
                    self.literal_error(LiteralError::DuplicatePoint {
                        name: decl.name.clone(),
                        span: point_span,
                        first: *first,
                    });
                    ok = false;
                    continue;
                }
                seen.push((keys, point_span));
                complete_keys += 1;
            }
            cases.push((coordinates, value));
        }
        let default = match &literal.default {
            Some((_, value)) => self.value_for(value, &decl.ty, place),
            None => {
                let points = decl
                    .args
                    .iter()
                    .map(|ty| self.fixed_size(ty))
                    .try_fold(1u128, |n, size| size.and_then(|s| n.checked_mul(s)));
                if points != Some(complete_keys) {
                    if ok {
                        let example = match decl.ty {
                            Type::Option(_) => "none".to_string(),
                            Type::Bool => "false".to_string(),
                            Type::Int(range) => range.low.max(0).min(range.high).to_string(),
                            Type::Set(_) => "{}".to_string(),
                            _ => "value".to_string(),
                        };
                        self.literal_error(LiteralError::NoDefault {
                            name: decl.name.clone(),
                            example,
                            span,
                        });
                    }
                    return None;
                }
                // Every point is listed: the last entry's value stands for
                // the (unreachable) rest.
                cases.pop().map(|(_, value)| value)
            }
        };
        if !ok {
            return None;
        }
        let mut chain = default?;
        for (coordinates, value) in cases.into_iter().rev() {
            let tests: Vec<Expr> = coordinates
                .into_iter()
                .zip(args)
                .map(|(c, arg)| {
                    expr(
                        ExprKind::Binary(BinaryOp::Eq, Box::new(arg.clone()), Box::new(c)),
                        Type::Bool,
                        span,
                    )
                })
                .collect();
            let test = tests.into_iter().reduce(|a, b| {
                expr(
                    ExprKind::Binary(BinaryOp::And, Box::new(a), Box::new(b)),
                    Type::Bool,
                    span,
                )
            })?;
            let ty = decl.ty.clone();
            chain = expr(
                ExprKind::If(Box::new(test), Box::new(value), Box::new(chain)),
                ty,
                span,
            );
        }
        Some(chain)
    }

    /// `var f: A -> B = {…}` or `const f: A -> B = {…}`: the `init` (the
    /// axiom) `forall x: A. f(x) = …`, added when checking finishes.
    pub(super) fn state_literal(&mut self, state: StateId, literal: &ast::FnLiteral, span: Span) {
        let decl = self.states[state.0].clone();
        if decl.args.is_empty() {
            self.literal_error(LiteralError::NotFunction {
                name: decl.name,
                span,
            });
            return;
        }
        let (binders, read) = self.every_point(state, Provenance::User, span);
        let ExprKind::State { args, .. } = &read.kind else {
            return;
        };
        let args = args.clone();
        let (place, kind, name) = match decl.kind {
            StateKind::Const => (Place::ConstValue, FormulaKind::Axiom, "value"),
            StateKind::Var => (Place::VarInit, FormulaKind::Init, "initial value"),
        };
        let Some(value) = self.literal_value(state, literal, span, &args, place) else {
            return;
        };
        let equal = expr(
            ExprKind::Binary(BinaryOp::Eq, Box::new(read), Box::new(value)),
            Type::Bool,
            span,
        );
        self.literal_formulas.push(Formula {
            kind,
            name: format!("{}'s {name}", decl.name),
            text: None,
            body: expr(
                ExprKind::Quantified(ast::Quantifier::Forall, binders, Box::new(equal)),
                Type::Bool,
                span,
            ),
            provenance: Provenance::User,
            span,
        });
    }

    /// `f' = {…}`: the quantified update `forall x. f'(x) = …`.
    pub(super) fn effect_literal(
        &mut self,
        state: StateId,
        literal: &ast::FnLiteral,
        effect: &ast::Effect,
    ) -> Option<Effect> {
        let span = effect.value.span;
        let (binders, read) = self.every_point(state, Provenance::User, span);
        let ExprKind::State { args, .. } = read.kind else {
            return None;
        };
        let value = self.literal_value(state, literal, span, &args, Place::Effect)?;
        Some(Effect {
            forall: Some(Box::new(EffectForall {
                binders,
                when: None,
            })),
            target: state,
            args,
            op: AssignOp::Set,
            value,
            span: effect.span,
        })
    }

    /// The binders and condition of `forall x: T when c.` before an
    /// effect, in scope for `check` (the effect itself); popped after.
    pub(super) fn effect_forall<T>(
        &mut self,
        forall: &ast::EffectForall,
        check: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<(EffectForall, T)> {
        let binders = self.binders(&forall.binders, Place::Effect)?;
        let when = forall
            .when
            .as_ref()
            .map(|w| self.expr_expecting(w, &Type::Bool, Place::Condition));
        let checked = check(self);
        self.scope.truncate(self.scope.len() - binders.len());
        let when = match when {
            Some(w) => Some(w?),
            None => None,
        };
        Some((EffectForall { binders, when }, checked?))
    }
}

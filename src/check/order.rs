//! `next` over an enum's order, checked and expanded into the HIR's
//! if-then-else form. The expansion is built so that its size is known
//! before it is built: `next` of a value whose every outcome is a constant
//! (an enum value, or an if-then-else of them, such as another `next`)
//! maps those constants and shares the conditions, so `next` nested n
//! deep stays the size of one; any other value is compared once per enum
//! value, and an expansion beyond [`MAX_EXPANSION`] nodes is refused with
//! its size instead of exhausting memory.

use super::time::{binary, expr};
use super::{CheckError, Checker, Place};
use crate::ast;
use crate::hir::*;
use crate::span::{Ident, Span};

/// The most expression nodes one `next` may expand into.
pub const MAX_EXPANSION: u128 = 1_000_000;

impl Checker {
    /// `next(x)`: the value after `x` in its enum's order (declared, or
    /// alphabetical), wrapping around; `next(x, s)`: the first value after `x` (wrapping
    /// around, `x` itself last) that is in `s`, or `x` when there is none.
    pub(super) fn next_in_order(
        &mut self,
        name: &Ident,
        args: Option<&[ast::Expr]>,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        let args = args.unwrap_or(&[]);
        if args.is_empty() || args.len() > 2 {
            self.error(CheckError::WrongArity {
                name: name.node.clone(),
                expected: 1,
                found: args.len(),
                span,
                declared: None,
                help: Some("`next(x)` is the value after `x` in its enum's order; `next(x, s)` the first after `x` that is in the set `s`".into()),
            });
            return None;
        }
        let value = self.expr(&args[0], None, place)?;
        let sort = match &value.ty {
            Type::Sort(sort) => *sort,
            other => {
                let what = self.type_name(other);
                self.error(CheckError::NoOrder {
                    what: format!("`{what}`"),
                    span: value.span,
                    help: Some(
                        "enum values are ordered as declared; `next` takes one of them".into(),
                    ),
                });
                return None;
            }
        };
        let SortKind::Enum(values) = self.sorts[sort.0].kind.clone() else {
            let what = self.sorts[sort.0].name.clone();
            self.error(CheckError::NoOrder {
                what: format!("the sort `{what}`"),
                span: value.span,
                help: Some("a sort's elements are interchangeable, so none comes next; declare an `enum` with the values in order".into()),
            });
            return None;
        };
        let set = match args.get(1) {
            Some(set) => {
                let set_type = Type::Set(Box::new(Type::Sort(sort)));
                Some(self.expr_expecting(set, &set_type, place)?)
            }
            None => None,
        };
        let count = values.len() as u128;
        // Nodes of one successor: a constant, or with a set one membership
        // test and one if-then-else per candidate.
        let successor_size = match &set {
            None => 1,
            Some(set) => count.saturating_mul(nodes(set).saturating_add(3)),
        };
        let expansion = match constant_leaves(&value) {
            Some(leaves) => nodes(&value).saturating_add(leaves.saturating_mul(successor_size)),
            None => count.saturating_mul(
                nodes(&value)
                    .saturating_add(3)
                    .saturating_add(successor_size),
            ),
        };
        if expansion > MAX_EXPANSION {
            self.error(CheckError::ExpansionTooLarge {
                what: format!(
                    "`next` over the {count} values of `{}`",
                    self.sorts[sort.0].name
                ),
                nodes: expansion,
                limit: MAX_EXPANSION,
                span,
            });
            return None;
        }
        let order = Order {
            sort,
            order: self.sort_order[sort.0].clone(),
            set,
            span,
        };
        if constant_leaves(&value).is_some() {
            return Some(order.map_leaves(value));
        }
        let ty = Type::Sort(sort);
        let last = order.order.len().saturating_sub(1);
        let result = (0..last).rev().fold(order.successor(last), |other, index| {
            let is = binary(
                BinaryOp::Eq,
                value.clone(),
                order.constant(index),
                Type::Bool,
                span,
            );
            expr(
                ExprKind::If(
                    Box::new(is),
                    Box::new(order.successor(index)),
                    Box::new(other),
                ),
                ty.clone(),
                span,
            )
        });
        Some(result)
    }
}

/// An enum's order, and the set `next` is confined to, if any.
struct Order {
    sort: SortId,
    /// `order[rank]` is the value at that rank (declared or alphabetical).
    order: Vec<usize>,
    set: Option<Expr>,
    span: Span,
}

impl Order {
    fn constant(&self, index: usize) -> Expr {
        expr(
            ExprKind::EnumValue(self.sort, index),
            Type::Sort(self.sort),
            self.span,
        )
    }

    /// The value that comes after the value `index`.
    fn successor(&self, index: usize) -> Expr {
        let count = self.order.len();
        let rank = self.order.iter().position(|v| *v == index).unwrap_or(0);
        let Some(set) = &self.set else {
            return self.constant(self.order[(rank + 1) % count]);
        };
        // The candidates after `index`, nearest last, folded from the
        // fallback (the value itself) outwards.
        (1..count)
            .rev()
            .fold(self.constant(index), |other, offset| {
                let candidate = self.order[(rank + offset) % count];
                let member = binary(
                    BinaryOp::In,
                    self.constant(candidate),
                    set.clone(),
                    Type::Bool,
                    self.span,
                );
                expr(
                    ExprKind::If(
                        Box::new(member),
                        Box::new(self.constant(candidate)),
                        Box::new(other),
                    ),
                    Type::Sort(self.sort),
                    self.span,
                )
            })
    }

    /// `next` of a value whose outcomes are all constants: each constant
    /// replaced by its successor, the conditions kept as they are
    /// (`next(if c then a else b)` is `if c then next(a) else next(b)`).
    fn map_leaves(&self, value: Expr) -> Expr {
        match value.kind {
            ExprKind::EnumValue(_, index) => self.successor(index),
            ExprKind::If(condition, then, other) => expr(
                ExprKind::If(
                    condition,
                    Box::new(self.map_leaves(*then)),
                    Box::new(self.map_leaves(*other)),
                ),
                value.ty,
                value.span,
            ),
            kind => Expr { kind, ..value },
        }
    }
}

/// The number of constant outcomes of a value made of enum constants and
/// if-then-else alone (`None` for any other value).
fn constant_leaves(value: &Expr) -> Option<u128> {
    match &value.kind {
        ExprKind::EnumValue(..) => Some(1),
        ExprKind::If(_, then, other) => {
            Some(constant_leaves(then)?.saturating_add(constant_leaves(other)?))
        }
        _ => None,
    }
}

/// Nodes of an expression tree.
fn nodes(value: &Expr) -> u128 {
    let mut count: u128 = 0;
    crate::hir::visit::walk(value, &mut |_| count = count.saturating_add(1));
    count
}

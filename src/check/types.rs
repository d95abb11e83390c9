//! Written types to [`hir::Type`]s, and the finiteness rule for what
//! quantifiers and function arguments range over.

use super::{CheckError, Checker, Global};
use crate::ast;
use crate::hir::{IntRange, SortKind, Type, DEFAULT_INT_RANGE};
use crate::span::{Span, Spanned};

/// Largest `Int` range a quantifier or function argument may span.
pub const MAX_ENUMERABLE_INTS: i64 = 4096;

impl Checker {
    /// A value type (functions are not values). `None` after reporting.
    pub(super) fn value_type(&mut self, ty: &ast::Type) -> Option<Type> {
        match &ty.kind {
            ast::TypeKind::Bool => Some(Type::Bool),
            ast::TypeKind::Int(None) => Some(Type::Int(DEFAULT_INT_RANGE)),
            ast::TypeKind::Date(range) => {
                if !self.civil_calendar("the type `Date`", ty.span) {
                    return None;
                }
                let calendar = self.calendar.as_ref()?.range;
                let (low, high) = range.unwrap_or((calendar.low, calendar.high));
                if low > high {
                    self.error(CheckError::EmptyRange {
                        low,
                        high,
                        span: ty.span,
                    });
                    return None;
                }
                Some(Type::Int(IntRange { low, high }))
            }
            ast::TypeKind::Int(Some((low, high))) => {
                if low > high {
                    self.error(CheckError::EmptyRange {
                        low: *low,
                        high: *high,
                        span: ty.span,
                    });
                    return None;
                }
                Some(Type::Int(IntRange {
                    low: *low,
                    high: *high,
                }))
            }
            ast::TypeKind::Named(name) => {
                let ident = Spanned {
                    node: name.clone(),
                    span: ty.span,
                };
                match self.global(name) {
                    Some(Global::Sort(id)) => {
                        self.sort_used[id.0] = true;
                        Some(Type::Sort(id))
                    }
                    Some(other) => {
                        self.error(CheckError::NotAType {
                            name: name.clone(),
                            what: self.what(other),
                            span: ty.span,
                        });
                        None
                    }
                    None => {
                        self.unknown(&ident, "type", |g| matches!(g, Global::Sort(_)));
                        None
                    }
                }
            }
            ast::TypeKind::Option(inner) => {
                let inner = self.value_type(inner)?;
                if let Type::Option(_) = inner {
                    self.error(CheckError::TypeMismatch {
                        expected: "a type that is not already optional".into(),
                        found: format!("{}?", self.type_name(&inner)),
                        span: ty.span,
                        help: Some("`T??` adds nothing to `T?`: write a single `?`".into()),
                    });
                    return None;
                }
                Some(Type::Option(Box::new(inner)))
            }
            ast::TypeKind::Set(element) => {
                let inner = self.value_type(element)?;
                self.require_enumerable(&inner, element.span, "a set's elements");
                Some(Type::Set(Box::new(inner)))
            }
            ast::TypeKind::Function(..) => {
                self.error(CheckError::NotEnumerable {
                    ty: crate::ast::print::ty(ty),
                    reason: "a function is not a value",
                    span: ty.span,
                    help: Some(
                        "functions are declared as `const`, `var` or an event's parameter; a define's parameters, sets and results hold plain values".into(),
                    ),
                });
                None
            }
        }
    }

    /// Quantifiers, set elements and function arguments range over sorts,
    /// `Bool` and explicit `Int` ranges.
    pub(super) fn require_enumerable(&mut self, ty: &Type, span: Span, what: &str) -> bool {
        let problem = match ty {
            Type::Bool => None,
            Type::Sort(id) => match self.sorts[id.0].kind {
                SortKind::Enum(_) | SortKind::Abstract => None,
            },
            Type::Int(range) => {
                let size = range.high.saturating_sub(range.low).saturating_add(1);
                (size > MAX_ENUMERABLE_INTS).then(|| {
                    ("too many integers", format!(
                        "{what} range over at most {MAX_ENUMERABLE_INTS} integers; give a narrower range such as `Int[0..100]`"
                    ))
                })
            }
            Type::Option(_) | Type::Set(_) => Some(("not a domain of plain values", format!(
                "{what} range over sorts, enums, `Bool` and `Int` ranges, not over optional values or sets"
            ))),
        };
        match problem {
            Some((reason, help)) => {
                self.error(CheckError::NotEnumerable {
                    ty: self.type_name(ty),
                    reason,
                    span,
                    help: Some(help),
                });
                false
            }
            None => true,
        }
    }
}

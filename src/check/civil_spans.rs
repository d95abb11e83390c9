//! The spans the law names, checked into integer comparisons of days:
//!
//! * `not later than d`: `now <= d` (d itself is in time);
//! * `before d`: `now < d` (d itself is too late);
//! * `within n days after d`: `d <= now <= d + n` (both ends counted, as
//!   `within n days after e` counts from the event's date);
//! * `at least n days after d`: `now >= d + n`;
//! * `d + n months`, `d - n years` in a civil calendar: the same day of
//!   the month `n` months on, or the last day of that month where it is
//!   shorter (31 January + 1 month = 28 or 29 February): a lookup over
//!   the months `d` can fall in, as [`super::civil`]'s, whose leaves are
//!   `d + offset` or a fixed last day.

use super::civil::{by_start, int};
use super::time::{binary, expr, some_and};
use super::{Checker, Global, Place};
use crate::ast::{self, TimeUnit};
use crate::civil;
use crate::hir::*;
use crate::span::{Ident, Span};

/// One row of a shift: from day `start` on, the result is `d + offset`
/// (`Offset`) or a fixed day (`Fixed`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Leaf {
    Offset(i64),
    Fixed(i64),
}

impl Checker {
    /// `not later than d` (`before == false`), `before d`.
    pub(super) fn date_bound(
        &mut self,
        before: bool,
        date: &ast::Expr,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        if before {
            // `before(x)` calling a define `before`, or `before - x`, would
            // otherwise silently read as the span.
            let declared = match self.lookup_local("before") {
                Some(local) => Some(("a parameter or bound variable", self.locals[local.0].span)),
                None => self
                    .globals
                    .get("before")
                    .map(|(g, at)| (self.what(*g), *at)),
            };
            if let Some((what, declared)) = declared {
                self.error(super::CheckError::AmbiguousBefore {
                    what,
                    span,
                    declared,
                });
                return None;
            }
        }
        let now = self.now_expr(span, place);
        let date = self.date_operand(date, place);
        let (now, date) = (now?, date?);
        let op = if before { BinaryOp::Lt } else { BinaryOp::Le };
        Some(if_some(
            date,
            |date| binary(op, now, date, Type::Bool, span),
            span,
        ))
    }

    /// `within n after d` (`at_least == false`), `at least n after d`.
    pub(super) fn date_since(
        &mut self,
        at_least: bool,
        duration: &ast::Expr,
        date: &ast::Expr,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        let now = self.now_expr(span, place);
        let date = self.date_operand(date, place);
        if let Some(months) = self.civil_shift(duration, duration) {
            let (now, date) = (now?, date?);
            let inner = match &date.ty {
                Type::Option(inner) => (**inner).clone(),
                other => other.clone(),
            };
            // Checked once on a stand-in of the date's type, to report a
            // range too wide before building the comparison.
            let probe = expr(ExprKind::Int(0), inner, span);
            self.shifted(probe, months, span)?;
            return Some(if_some(
                date,
                |date| self.after_shift(at_least, now, date, months, span),
                span,
            ));
        }
        let duration = self.expr_expecting(duration, &Type::Int(DEFAULT_INT_RANGE), place);
        let (now, duration, date) = (now?, duration?, date?);
        let (Type::Int(d), Some(Type::Int(r))) = (&duration.ty, inner_int(&date.ty)) else {
            return None;
        };
        let end = self.exact_range(
            i128::from(r.low) + i128::from(d.low),
            i128::from(r.high) + i128::from(d.high),
            "this deadline",
            span,
        )?;
        Some(if_some(
            date,
            |date| {
                let end = binary(BinaryOp::Add, date.clone(), duration, Type::Int(end), span);
                if at_least {
                    return binary(BinaryOp::Ge, now, end, Type::Bool, span);
                }
                let from = binary(BinaryOp::Le, date, now.clone(), Type::Bool, span);
                let to = binary(BinaryOp::Le, now, end, Type::Bool, span);
                binary(BinaryOp::And, from, to, Type::Bool, span)
            },
            span,
        ))
    }

    /// `date <= now <= date + months` or `now >= date + months`.
    fn after_shift(
        &mut self,
        at_least: bool,
        now: Expr,
        date: Expr,
        months: i64,
        span: Span,
    ) -> Expr {
        let Some(end) = self.shifted(date.clone(), months, span) else {
            return expr(ExprKind::Bool(false), Type::Bool, span);
        };
        if at_least {
            return binary(BinaryOp::Ge, now, end, Type::Bool, span);
        }
        let from = binary(BinaryOp::Le, date, now.clone(), Type::Bool, span);
        let to = binary(BinaryOp::Le, now, end, Type::Bool, span);
        binary(BinaryOp::And, from, to, Type::Bool, span)
    }

    /// A date, or an optional one (`none`: the span does not hold).
    fn date_operand(&mut self, date: &ast::Expr, place: Place) -> Option<Expr> {
        let date = self.expr(date, None, place)?;
        if inner_int(&date.ty).is_none() {
            self.not_a("a date", &date, None);
            return None;
        }
        Some(date)
    }

    /// `within n after x(args)` where `x` is no event but a date (a
    /// constant, variable, parameter or `value(…)`): the span after that
    /// date.
    pub(super) fn names_a_date(&self, name: &Ident) -> bool {
        match self.global(&name.node) {
            Some(Global::Event(_)) => false,
            Some(_) => true,
            None => {
                name.node == "value"
                    || self
                        .scope
                        .iter()
                        .any(|local| self.locals[local.0].name == name.node)
            }
        }
    }

    /// The months of `d + n months` (or years; negative for `-`), when
    /// one side is such a duration in a civil calendar.
    pub(in crate::check) fn civil_shift(&self, lhs: &ast::Expr, rhs: &ast::Expr) -> Option<i64> {
        if !self.calendar.as_ref().is_some_and(|c| c.civil) {
            return None;
        }
        [rhs, lhs].into_iter().find_map(|side| match side.kind {
            ast::ExprKind::Duration(count, TimeUnit::Month) => Some(count),
            ast::ExprKind::Duration(count, TimeUnit::Year) => count.checked_mul(12),
            _ => None,
        })
    }

    /// `d + n months`, `d - n years`, `n months + d`.
    pub(super) fn shift_date(
        &mut self,
        subtract: bool,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        let on_right = matches!(rhs.kind, ast::ExprKind::Duration(..));
        let (date, duration) = if on_right { (lhs, rhs) } else { (rhs, lhs) };
        if matches!(date.kind, ast::ExprKind::Duration(..)) || (subtract && !on_right) {
            let (count, unit) = match duration.kind {
                ast::ExprKind::Duration(count, unit) => (count, unit.as_str()),
                _ => (0, "months"),
            };
            self.error(super::CheckError::CivilDuration {
                count,
                unit,
                span: duration.span,
            });
            return None;
        }
        let months = self.civil_shift(lhs, rhs)?;
        let months = if subtract { -months } else { months };
        let date = self.int_operand(date, place)?;
        self.shifted(date, months, span)
    }

    /// `date` moved by `months` (the end-of-month rule above).
    pub(super) fn shifted(&mut self, date: Expr, months: i64, span: Span) -> Option<Expr> {
        // Beyond ±1,000,000 years no calendar reaches.
        let months = months.clamp(-12_000_000, 12_000_000);
        let what = "adding months or years to a date";
        let table = self.months_of(&date, what)?;
        let mut rows: Vec<(i64, Leaf)> = Vec::new();
        for (start, month) in table {
            let target = month.add_months(months);
            rows.push((start, Leaf::Offset(target.days() - start)));
            let length = civil::days_in_month(target.year, target.month);
            if length < civil::days_in_month(month.year, month.month) {
                let last = target.days() + i64::from(length) - 1;
                rows.push((start + i64::from(length), Leaf::Fixed(last)));
            }
        }
        rows.dedup_by(|row, previous| row.1 == previous.1);
        // A later date never gives an earlier result: the range is that of
        // the ends of `d`'s.
        let Type::Int(range) = date.ty else {
            return None;
        };
        let shift = |day: i64| civil::Date::from_days(day).add_months(months).days();
        let leaf = |leaf: &Leaf| match *leaf {
            Leaf::Fixed(day) => int(day, span),
            Leaf::Offset(offset) => binary(
                BinaryOp::Add,
                date.clone(),
                int(offset, span),
                Type::Int(IntRange {
                    low: range.low.saturating_add(offset),
                    high: range.high.saturating_add(offset),
                }),
                span,
            ),
        };
        let mut shifted = by_start(&date, &rows, &leaf, span);
        shifted.ty = Type::Int(IntRange {
            low: shift(range.low),
            high: shift(range.high),
        });
        Some(shifted)
    }
}

/// `compare(d)` for a date, `d is some and compare(value(d))` for an
/// optional one.
fn if_some(date: Expr, compare: impl FnOnce(Expr) -> Expr, span: Span) -> Expr {
    match date.ty {
        Type::Option(_) => some_and(date, compare, span),
        _ => compare(date),
    }
}

/// The integer range inside an integer or optional integer type.
fn inner_int(ty: &Type) -> Option<Type> {
    match ty {
        Type::Int(_) => Some(ty.clone()),
        Type::Option(inner) if matches!(**inner, Type::Int(_)) => Some((**inner).clone()),
        _ => None,
    }
}

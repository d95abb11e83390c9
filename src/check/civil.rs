//! The civil calendar's expressions (`calendar dates A..B`), checked into
//! integer arithmetic over days since 1970-01-01, so that every later
//! stage (lowering, both engines, replay) reads them as any expression:
//!
//! * a date literal `2019-03-22` is its day number;
//! * `day of d`, `month of d`, `year of d` and the boundaries `first day
//!   of the month after d`, `last day of the year of d` become a lookup in
//!   a table of the months `d` can fall in (from its type's range): a
//!   balanced tree of comparisons `d < start` with the value of each
//!   month at its leaves, so exact for every value of `d` (leap years
//!   included), with no division for the solver;
//! * `d is Saturday` is the same lookup over the weeks `d` can fall in
//!   (the Monday each starts on), and a comparison of the days since.
//!
//! Everything here reads the Gregorian conversion from [`crate::civil`].

use super::time::{binary, expr};
use super::{CheckError, Checker, Place};
use crate::ast::{self, CivilField};
use crate::civil::{self, Date};
use crate::hir::*;
use crate::span::Span;

/// Most months a lookup unrolls (200 years).
pub const MAX_MONTHS: usize = 2400;

/// One row of a lookup: from day `start` on (to the next row's start),
/// the value is `value`.
type Row = (i64, i64);

impl Checker {
    /// Whether the spec's calendar is civil; otherwise says that `what`
    /// needs one.
    pub(super) fn civil_calendar(&mut self, what: &str, span: Span) -> bool {
        if self.calendar.as_ref().is_some_and(|c| c.civil) {
            return true;
        }
        self.error(CheckError::NoCivilCalendar {
            what: what.into(),
            span,
        });
        false
    }

    /// `2019-03-22`: its day number.
    pub(super) fn date_literal(&mut self, days: i64, span: Span) -> Option<Expr> {
        if !self.civil_calendar("a date", span) {
            return None;
        }
        Some(expr(
            ExprKind::Int(days),
            Type::Int(IntRange {
                low: days,
                high: days,
            }),
            span,
        ))
    }

    /// `day of d`, `month of d`, `year of d`.
    pub(super) fn civil_part(
        &mut self,
        field: CivilField,
        date: &ast::Expr,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        let what = format!("`{} of`", field.as_str());
        if !self.civil_calendar(&what, span) {
            return None;
        }
        let date = self.int_operand(date, place)?;
        let months = self.months_of(&date, &what)?;
        let rows: Vec<Row> = months
            .iter()
            .map(|(start, month)| {
                let value = match field {
                    CivilField::Day => *start,
                    CivilField::Month => i64::from(month.month),
                    CivilField::Year => month.year,
                };
                (*start, value)
            })
            .collect();
        let lookup = lookup(&date, &merged(rows), span);
        Some(match field {
            // The day of the month: one more than the days since its first.
            CivilField::Day => {
                let since = binary(
                    BinaryOp::Sub,
                    date,
                    lookup,
                    Type::Int(IntRange { low: 0, high: 30 }),
                    span,
                );
                binary(
                    BinaryOp::Add,
                    since,
                    int(1, span),
                    Type::Int(IntRange { low: 1, high: 31 }),
                    span,
                )
            }
            _ => lookup,
        })
    }

    /// `first day of the month after d`, `last day of the year of d`, …
    pub(super) fn civil_boundary(
        &mut self,
        last: bool,
        period: CivilField,
        after: bool,
        date: &ast::Expr,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        let what = format!(
            "`{} day of the {}`",
            if last { "last" } else { "first" },
            period.as_str()
        );
        if !self.civil_calendar(&what, span) {
            return None;
        }
        let date = self.int_operand(date, place)?;
        let months = self.months_of(&date, &what)?;
        let rows: Vec<Row> = months
            .iter()
            .map(|(start, month)| (*start, boundary(*month, last, period, after)))
            .collect();
        Some(lookup(&date, &merged(rows), span))
    }

    /// `d is Saturday`: the days since the Monday that starts d's week
    /// (a lookup in the table of the weeks d can fall in) are Saturday's.
    pub(super) fn weekday_test(
        &mut self,
        date: &ast::Expr,
        day: usize,
        span: Span,
        place: Place,
    ) -> Option<Expr> {
        let what = format!("`is {}`", civil::WEEKDAYS[day]);
        if !self.civil_calendar(&what, span) {
            return None;
        }
        let date = self.int_operand(date, place)?;
        // The same bound on the operand's range as for months.
        self.months_of(&date, &what)?;
        let Type::Int(range) = date.ty else {
            return None;
        };
        let rows: Vec<Row> = civil::week_starts(range.low, range.high)
            .into_iter()
            .map(|start| (start, start))
            .collect();
        let monday = lookup(&date, &rows, span);
        let since = binary(
            BinaryOp::Sub,
            date,
            monday,
            Type::Int(IntRange { low: 0, high: 6 }),
            span,
        );
        let day = i64::try_from(day).unwrap_or(0);
        Some(binary(
            BinaryOp::Eq,
            since,
            int(day, span),
            Type::Bool,
            span,
        ))
    }

    /// The months (first day, date) that the values of `date` can fall in;
    /// refused beyond [`MAX_MONTHS`].
    pub(super) fn months_of(&mut self, date: &Expr, what: &str) -> Option<Vec<(i64, Date)>> {
        let Type::Int(range) = date.ty else {
            return None;
        };
        // A year from ±1,000,000 is beyond any table: refuse by size first.
        let months = (i128::from(range.high) - i128::from(range.low)) / 28 + 2;
        if months > MAX_MONTHS as i128 {
            self.error(CheckError::CivilRangeTooWide {
                what: what.into(),
                months: usize::try_from(months).unwrap_or(usize::MAX),
                max: MAX_MONTHS,
                span: date.span,
                low: civil::iso(range.low),
                high: civil::iso(range.high),
            });
            return None;
        }
        Some(civil::month_starts(range.low, range.high))
    }
}

/// The boundary of the month or year of a day in `month` (or of the
/// period after it): its first day, or its last.
fn boundary(month: Date, last: bool, period: CivilField, after: bool) -> i64 {
    let first = match period {
        CivilField::Year => Date {
            year: month.year + i64::from(after),
            month: 1,
            day: 1,
        },
        _ if after => month.next_month(),
        _ => Date { day: 1, ..month },
    };
    if !last {
        return first.days();
    }
    let following = match period {
        CivilField::Year => Date {
            year: first.year + 1,
            ..first
        },
        _ => first.next_month(),
    };
    following.days() - 1
}

/// Rows with the previous row's value left out (a year's twelve months
/// are one row of `year of`).
fn merged(rows: Vec<Row>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::with_capacity(rows.len());
    for row in rows {
        if out.last().is_none_or(|last| last.1 != row.1) {
            out.push(row);
        }
    }
    out
}

pub(super) fn int(value: i64, span: Span) -> Expr {
    expr(
        ExprKind::Int(value),
        Type::Int(IntRange {
            low: value,
            high: value,
        }),
        span,
    )
}

/// The value of the last row whose start is at most `date`, as a balanced
/// tree of `if date < start then … else …` (the first row's value below
/// every start). `rows` is sorted by start and not empty.
fn lookup(date: &Expr, rows: &[Row], span: Span) -> Expr {
    by_start(date, rows, &|value: &i64| int(*value, span), span)
}

/// The leaf of the last row whose start is at most `date`, as a balanced
/// tree of `if date < start then … else …`, each node typed with the range
/// of what its leaves give; a subtree whose leaves are all one number is
/// that number. `rows` is sorted by start; with none, `date` itself.
pub(super) fn by_start<L>(
    date: &Expr,
    rows: &[(i64, L)],
    leaf: &impl Fn(&L) -> Expr,
    span: Span,
) -> Expr {
    match rows {
        [] => date.clone(),
        [(_, only)] => leaf(only),
        _ => {
            let middle = rows.len() / 2;
            let below = by_start(date, &rows[..middle], leaf, span);
            let above = by_start(date, &rows[middle..], leaf, span);
            if let (ExprKind::Int(a), ExprKind::Int(b)) = (&below.kind, &above.kind) {
                if a == b {
                    return below;
                }
            }
            let (Type::Int(a), Type::Int(b)) = (&below.ty, &above.ty) else {
                return below;
            };
            let ty = Type::Int(IntRange {
                low: a.low.min(b.low),
                high: a.high.max(b.high),
            });
            let condition = binary(
                BinaryOp::Lt,
                date.clone(),
                int(rows[middle].0, span),
                Type::Bool,
                span,
            );
            expr(
                ExprKind::If(Box::new(condition), Box::new(below), Box::new(above)),
                ty,
                span,
            )
        }
    }
}

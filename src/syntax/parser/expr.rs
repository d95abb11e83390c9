//! Expressions. They arrive from the grammar as flat operand/operator
//! sequences; [`ExprBuilder`] applies precedence (the `binding_power`
//! tables) and refuses trees deeper than [`MAX_EXPR_DEPTH`].

use pest::iterators::Pair;

use super::decls::{call_args, event_call, time_unit, value_type};
use super::{ident, internal, span_of, Children, Result, Rule, MAX_EXPR_DEPTH};
use crate::ast::*;
use crate::span::Span;
use crate::syntax::error::SyntaxError;

pub(super) fn expr(pair: Pair<Rule>) -> Result<Expr> {
    ExprBuilder::default().expr(pair).map(|(expr, _depth)| expr)
}

/// An expression with the depth of its tree.
type Built = (Expr, usize);

enum Token {
    Prefix(UnaryOp, Span),
    Operand(Built),
    Binary(BinaryOp, Span),
}

/// Binding powers (left, right) of binary operators: higher binds tighter.
/// Left-associative operators have `right = left + 1`; `implies` is
/// right-associative.
fn binding_power(op: BinaryOp) -> (u8, u8) {
    match op {
        BinaryOp::Iff => (1, 2),
        BinaryOp::Implies => (4, 3),
        BinaryOp::Since => (5, 6),
        BinaryOp::Or => (7, 8),
        BinaryOp::And => (9, 10),
        BinaryOp::Eq
        | BinaryOp::Ne
        | BinaryOp::Lt
        | BinaryOp::Le
        | BinaryOp::Gt
        | BinaryOp::Ge
        | BinaryOp::In
        | BinaryOp::NotIn
        | BinaryOp::Subset => (13, 14),
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Union => (15, 16),
        BinaryOp::Mul | BinaryOp::Intersect => (17, 18),
    }
}

/// The prefix operator a grammar rule stands for.
fn prefix_op(rule: Rule, span: Span) -> Result<UnaryOp> {
    Ok(match rule {
        Rule::op_not => UnaryOp::Not,
        Rule::op_once => UnaryOp::Once,
        Rule::op_previously => UnaryOp::Previously,
        Rule::op_historically => UnaryOp::Historically,
        Rule::op_neg => UnaryOp::Neg,
        Rule::op_card => UnaryOp::Card,
        _ => return Err(internal(span)),
    })
}

/// Binding power of the operand of a prefix operator. `not` and the
/// past-time operators take a whole comparison (`not a = b` is
/// `not (a = b)`) but stop at `and`; `-` and `#` take a single operand.
fn prefix_power(op: UnaryOp) -> u8 {
    match op {
        UnaryOp::Not | UnaryOp::Once | UnaryOp::Previously | UnaryOp::Historically => 11,
        UnaryOp::Neg | UnaryOp::Card => 19,
    }
}

#[derive(Default)]
pub(super) struct ExprBuilder {
    tokens: Vec<Token>,
    pos: usize,
    /// How many constructs enclose this expression (see [`nested`]).
    nesting: usize,
}

fn too_deep(span: Span) -> SyntaxError {
    SyntaxError::ExpressionTooDeep {
        limit: MAX_EXPR_DEPTH,
        span,
    }
}

/// The nesting of a construct's sub-expressions, refusing the construct if
/// it is itself [`MAX_EXPR_DEPTH`] constructs deep. `node` bounds the depth
/// of the tree too, but bottom-up: only after recursing through all of the
/// input, which quantifier bodies and `else` branches (nested without
/// brackets, so not bounded by the prescan) can make arbitrarily deep.
/// Every construct counted here adds a level to the tree, so this refuses
/// only trees that `node` would refuse anyway.
pub(super) fn nested(construct: &Pair<Rule>, nesting: usize) -> Result<usize> {
    if nesting >= MAX_EXPR_DEPTH {
        return Err(too_deep(opening_token(construct)));
    }
    Ok(nesting + 1)
}

/// The first token of a construct: its keyword, bracket or name.
pub(super) fn opening_token(pair: &Pair<Rule>) -> Span {
    let start = pair.as_span().start();
    let text = pair.as_str();
    let word = text
        .find(|c: char| !unicode_ident::is_xid_continue(c))
        .unwrap_or(text.len());
    let len = match word {
        0 => text.chars().next().map_or(0, char::len_utf8),
        _ => word,
    };
    Span::new(start, start + len)
}

fn node(kind: ExprKind, span: Span, depth: usize) -> Result<Built> {
    if depth > MAX_EXPR_DEPTH {
        return Err(too_deep(span));
    }
    Ok((Expr { kind, span }, depth))
}

impl ExprBuilder {
    fn expr(self, pair: Pair<Rule>) -> Result<Built> {
        let mut tokens = Vec::new();
        for part in Children::of(pair).rest() {
            match part.as_rule() {
                Rule::operand => self.operand(part, &mut tokens)?,
                rule => {
                    let op = match rule {
                        Rule::op_iff => BinaryOp::Iff,
                        Rule::op_implies => BinaryOp::Implies,
                        Rule::op_since => BinaryOp::Since,
                        Rule::op_or => BinaryOp::Or,
                        Rule::op_and => BinaryOp::And,
                        Rule::op_not_in => BinaryOp::NotIn,
                        Rule::op_subset => BinaryOp::Subset,
                        Rule::op_in => BinaryOp::In,
                        Rule::op_ne => BinaryOp::Ne,
                        Rule::op_le => BinaryOp::Le,
                        Rule::op_ge => BinaryOp::Ge,
                        Rule::op_lt => BinaryOp::Lt,
                        Rule::op_gt => BinaryOp::Gt,
                        Rule::op_eq => BinaryOp::Eq,
                        Rule::op_union => BinaryOp::Union,
                        Rule::op_intersect => BinaryOp::Intersect,
                        Rule::op_add => BinaryOp::Add,
                        Rule::op_sub => BinaryOp::Sub,
                        Rule::op_mul => BinaryOp::Mul,
                        _ => return Err(internal(span_of(&part))),
                    };
                    tokens.push(Token::Binary(op, span_of(&part)));
                }
            }
        }
        let mut builder = ExprBuilder {
            tokens,
            ..ExprBuilder::default()
        };
        builder.climb(0, 0)
    }

    /// Precedence climbing. `level` counts recursion, which only prefix
    /// operators and right-associative chains cause; both are bounded.
    fn climb(&mut self, min_power: u8, level: usize) -> Result<Built> {
        let token = std::mem::replace(
            self.tokens
                .get_mut(self.pos)
                .ok_or_else(|| internal(Span::default()))?,
            Token::Binary(BinaryOp::And, Span::default()),
        );
        self.pos += 1;
        let mut lhs = match token {
            Token::Operand(built) => built,
            Token::Prefix(op, span) => {
                if level > MAX_EXPR_DEPTH {
                    return Err(too_deep(span));
                }
                let (operand, depth) = self.climb(prefix_power(op), level + 1)?;
                let span = span.join(operand.span);
                node(ExprKind::Unary(op, Box::new(operand)), span, depth + 1)?
            }
            Token::Binary(_, span) => return Err(internal(span)),
        };
        while let Some(Token::Binary(op, op_span)) = self.tokens.get(self.pos) {
            let (op, op_span) = (*op, *op_span);
            let (left_power, right_power) = binding_power(op);
            if left_power < min_power {
                break;
            }
            if level > MAX_EXPR_DEPTH {
                return Err(too_deep(op_span));
            }
            self.pos += 1;
            let (rhs, rhs_depth) = self.climb(right_power, level + 1)?;
            let (lhs_expr, lhs_depth) = lhs;
            let span = lhs_expr.span.join(rhs.span);
            lhs = node(
                ExprKind::Binary(op, Box::new(lhs_expr), Box::new(rhs)),
                span,
                lhs_depth.max(rhs_depth) + 1,
            )?;
        }
        Ok(lhs)
    }
}

/// A sub-expression `nesting` constructs deep.
pub(super) fn sub_expr(pair: Pair<Rule>, nesting: usize) -> Result<Built> {
    ExprBuilder {
        nesting,
        ..ExprBuilder::default()
    }
    .expr(pair)
}

fn postfix(pair: Pair<Rule>, nesting: usize) -> Result<Built> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let (operand, depth) = primary(children.next()?, nesting)?;
    match children.next_if(Rule::option_test) {
        Some(test) => {
            let word = Children::of(test).next()?;
            let is_some = match word.as_rule() {
                Rule::kw_some => true,
                Rule::lit_none => false,
                _ => return Err(internal(span_of(&word))),
            };
            node(
                ExprKind::OptionTest {
                    operand: Box::new(operand),
                    is_some,
                },
                span,
                depth + 1,
            )
        }
        None => match children.next_if(Rule::weekday_test) {
            Some(test) => {
                let word = Children::of(test).next()?;
                let day = crate::civil::WEEKDAYS
                    .iter()
                    .position(|d| *d == word.as_str())
                    .ok_or_else(|| internal(span_of(&word)))?;
                node(
                    ExprKind::WeekdayTest {
                        date: Box::new(operand),
                        day,
                    },
                    span,
                    depth + 1,
                )
            }
            None => Ok((operand, depth)),
        },
    }
}

fn primary(pair: Pair<Rule>, nesting: usize) -> Result<Built> {
    let span = span_of(&pair);
    match pair.as_rule() {
        Rule::lit_true => node(ExprKind::Bool(true), span, 1),
        Rule::lit_false => node(ExprKind::Bool(false), span, 1),
        Rule::lit_none => node(ExprKind::None, span, 1),
        Rule::int_lit => {
            let value = pair
                .as_str()
                .parse::<i64>()
                .map_err(|_| SyntaxError::NumberTooLarge { span })?;
            node(ExprKind::Int(value), span, 1)
        }
        Rule::paren => {
            // Brackets are bounded by the prescan and add no level.
            let (inner, depth) = sub_expr(Children::of(pair).next()?, nesting)?;
            // Parentheses leave no node, but the tree keeps the span of
            // what was written inside them.
            Ok((inner, depth))
        }
        Rule::if_expr => {
            let nesting = nested(&pair, nesting)?;
            let mut children = Children::of(pair);
            let (cond, d1) = sub_expr(children.next()?, nesting)?;
            let (then, d2) = sub_expr(children.next()?, nesting)?;
            let (other, d3) = sub_expr(children.next()?, nesting)?;
            node(
                ExprKind::If(Box::new(cond), Box::new(then), Box::new(other)),
                span,
                d1.max(d2).max(d3) + 1,
            )
        }
        Rule::set_literal => {
            let nesting = nested(&pair, nesting)?;
            let mut depth = 0;
            let mut elements = Vec::new();
            for element in Children::of(pair).rest() {
                let (element, element_depth) = sub_expr(element, nesting)?;
                depth = depth.max(element_depth);
                elements.push(element);
            }
            node(ExprKind::SetLiteral(elements), span, depth + 1)
        }
        Rule::fn_literal => {
            let nesting = nested(&pair, nesting)?;
            fn_literal(pair, span, nesting)
        }
        Rule::reading_expr => {
            let nesting = nested(&pair, nesting)?;
            let mut children = Children::of(pair);
            let _keyword = children.next()?;
            let group = ident(children.next()?);
            let mut arms = Vec::new();
            let mut depth = 0;
            for arm in children.rest() {
                let mut parts = Children::of(arm);
                let reading = ident(parts.next()?);
                let (body, d) = sub_expr(parts.next()?, nesting)?;
                depth = depth.max(d);
                arms.push((reading, body));
            }
            node(ExprKind::Reading { group, arms }, span, depth + 1)
        }
        Rule::comprehension => {
            let nesting = nested(&pair, nesting)?;
            let mut children = Children::of(pair);
            let (binders, d1) = binders(children.next()?, nesting)?;
            let (body, d2) = sub_expr(children.next()?, nesting)?;
            node(
                ExprKind::Comprehension(binders, Box::new(body)),
                span,
                d1.max(d2) + 1,
            )
        }
        Rule::quantified => {
            let nesting = nested(&pair, nesting)?;
            let mut children = Children::of(pair);
            let word = Children::of(children.next()?).next()?;
            let quantifier = match word.as_rule() {
                Rule::q_forall => Quantifier::Forall,
                Rule::q_exists => Quantifier::Exists,
                Rule::q_exactly_one => Quantifier::ExactlyOne,
                Rule::q_at_most_one => Quantifier::AtMostOne,
                Rule::q_no => Quantifier::No,
                _ => return Err(internal(span_of(&word))),
            };
            let (binders, d1) = binders(children.next()?, nesting)?;
            let (body, d2) = sub_expr(children.next()?, nesting)?;
            node(
                ExprKind::Quantified(quantifier, binders, Box::new(body)),
                span,
                d1.max(d2) + 1,
            )
        }
        Rule::duration => {
            let mut children = Children::of(pair);
            let count = children.next()?;
            let value = count
                .as_str()
                .parse::<i64>()
                .map_err(|_| SyntaxError::NumberTooLarge {
                    span: span_of(&count),
                })?;
            let unit = time_unit(children.next()?)?;
            node(ExprKind::Duration(value, unit.node), span, 1)
        }
        Rule::fraction => {
            let mut children = Children::of(pair);
            let mut share = || -> Result<i64> {
                let part = children.next()?;
                part.as_str()
                    .parse::<i64>()
                    .map_err(|_| SyntaxError::NumberTooLarge {
                        span: span_of(&part),
                    })
            };
            let numerator = share()?;
            let denominator = share()?;
            children.next()?; // `of`
            let builder = ExprBuilder {
                nesting,
                ..ExprBuilder::default()
            };
            let (whole, depth) = builder.operand_expr(Children::of(children.next()?).next()?)?;
            node(
                ExprKind::Fraction(numerator, denominator, Box::new(whole)),
                span,
                depth + 1,
            )
        }
        Rule::sum_expr => {
            let nesting = nested(&pair, nesting)?;
            let mut children = Children::of(pair);
            children.next()?; // `sum`
            let (binders, d1) = binders(children.next()?, nesting)?;
            let (body, d2) = sub_expr(children.next()?, nesting)?;
            node(ExprKind::Sum(binders, Box::new(body)), span, d1.max(d2) + 1)
        }
        Rule::time_since => {
            let mut children = Children::of(pair);
            let word = children.next()?;
            let at_least = match word.as_rule() {
                Rule::at_least => true,
                Rule::kw_within => false,
                _ => return Err(internal(span_of(&word))),
            };
            let builder = ExprBuilder {
                nesting,
                ..ExprBuilder::default()
            };
            let (duration, d1) = builder.operand_expr(Children::of(children.next()?).next()?)?;
            children.next()?; // `after`
            let target = children.next()?;
            if target.as_rule() == Rule::operand_expr {
                let builder = ExprBuilder {
                    nesting,
                    ..ExprBuilder::default()
                };
                let (date, d2) = builder.operand_expr(Children::of(target).next()?)?;
                return node(
                    ExprKind::DateSince {
                        at_least,
                        duration: Box::new(duration),
                        date: Box::new(date),
                    },
                    span,
                    d1.max(d2) + 1,
                );
            }
            let (event, args, d2) = event_call(target, nesting)?;
            node(
                ExprKind::TimeSince {
                    at_least,
                    duration: Box::new(duration),
                    event,
                    args,
                },
                span,
                d1.max(d2) + 1,
            )
        }
        Rule::date_lit => node(ExprKind::Date(date(pair)?), span, 1),
        Rule::date_bound => {
            let mut children = Children::of(pair);
            let before = children.next()?.as_rule() == Rule::kw_before;
            let builder = ExprBuilder {
                nesting,
                ..ExprBuilder::default()
            };
            let (date, depth) = builder.operand_expr(Children::of(children.next()?).next()?)?;
            node(
                ExprKind::DateBound {
                    before,
                    date: Box::new(date),
                },
                span,
                depth + 1,
            )
        }
        Rule::civil_part => {
            let mut children = Children::of(pair);
            let field = civil_field(children.next()?)?;
            children.next()?; // `of`
            let builder = ExprBuilder {
                nesting,
                ..ExprBuilder::default()
            };
            let (date, depth) = builder.operand_expr(Children::of(children.next()?).next()?)?;
            node(ExprKind::CivilPart(field, Box::new(date)), span, depth + 1)
        }
        Rule::civil_boundary => {
            let mut children = Children::of(pair);
            let last = children.next()?.as_rule() == Rule::kw_last;
            children.next()?; // `day`
            children.next()?; // `of`
            children.next()?; // `the`
            let period = civil_field(children.next()?)?;
            let after = children.next()?.as_rule() == Rule::kw_after;
            let builder = ExprBuilder {
                nesting,
                ..ExprBuilder::default()
            };
            let (date, depth) = builder.operand_expr(Children::of(children.next()?).next()?)?;
            node(
                ExprKind::CivilBoundary {
                    last,
                    period,
                    after,
                    date: Box::new(date),
                },
                span,
                depth + 1,
            )
        }
        Rule::last_event => {
            let mut children = Children::of(pair);
            children.next()?; // `last`
            let (event, args, depth) = event_call(children.next()?, nesting)?;
            node(ExprKind::Last { event, args }, span, depth + 1)
        }
        Rule::happens_event => {
            let mut children = Children::of(pair);
            children.next()?; // `happens`
            let (event, args, depth) = event_call(children.next()?, nesting)?;
            node(ExprKind::Happens { event, args }, span, depth + 1)
        }
        Rule::name_ref => {
            let mut children = Children::of(pair);
            let name = ident(children.next()?);
            let primed = children.next_if(Rule::prime).is_some();
            let (args, depth) = call_args(children.next_if(Rule::call_args), nesting)?;
            node(ExprKind::Name { name, primed, args }, span, depth + 1)
        }
        _ => Err(internal(span)),
    }
}

/// `{ point: value, …, _: default }`.
fn fn_literal(pair: Pair<Rule>, span: Span, nesting: usize) -> Result<Built> {
    let mut depth = 0;
    let mut entries = Vec::new();
    let mut default = None;
    for entry in Children::of(pair).rest() {
        let entry_span = span_of(&entry);
        let mut children = Children::of(entry);
        let point = children.next()?;
        let (value, value_depth) = sub_expr(children.next()?, nesting)?;
        depth = depth.max(value_depth);
        match point.as_rule() {
            Rule::fn_default => {
                // A second `_` keeps the first; the checker reports it.
                if default.is_none() {
                    default = Some((span_of(&point), Box::new(value)));
                } else {
                    entries.push(FnEntry {
                        point: Vec::new(),
                        value,
                        span: entry_span,
                    });
                }
            }
            _ => {
                let mut coordinates = Vec::new();
                for coordinate in Children::of(point).rest() {
                    let (coordinate, d) = sub_expr(coordinate, nesting)?;
                    depth = depth.max(d);
                    coordinates.push(coordinate);
                }
                entries.push(FnEntry {
                    point: coordinates,
                    value,
                    span: entry_span,
                });
            }
        }
    }
    node(
        ExprKind::FnLiteral(FnLiteral { entries, default }),
        span,
        depth + 1,
    )
}

/// The binders of a quantified point update (`forall o: Office …`).
pub(super) fn effect_binders(pair: Pair<Rule>) -> Result<Vec<Binder>> {
    binders(pair, 0).map(|(binders, _)| binders)
}

fn binders(pair: Pair<Rule>, nesting: usize) -> Result<(Vec<Binder>, usize)> {
    let mut binders = Vec::new();
    let mut depth = 0;
    for group in Children::of(pair).rest() {
        let mut names = Vec::new();
        let mut domain = None;
        for part in Children::of(group).rest() {
            match part.as_rule() {
                Rule::ident => names.push(ident(part)),
                Rule::value_type => domain = Some(Domain::Type(value_type(part)?)),
                Rule::operand_expr => {
                    let operand = Children::of(part).next()?;
                    let builder = ExprBuilder {
                        nesting,
                        ..ExprBuilder::default()
                    };
                    let (set, set_depth) = builder.operand_expr(operand)?;
                    depth = depth.max(set_depth);
                    domain = Some(Domain::Set(set));
                }
                _ => return Err(internal(span_of(&part))),
            }
        }
        let domain = domain.ok_or_else(|| internal(Span::default()))?;
        binders.extend(names.into_iter().map(|name| Binder {
            name,
            domain: domain.clone(),
        }));
    }
    Ok((binders, depth))
}

impl ExprBuilder {
    /// Appends an operand's tokens: its prefix operators, then its value.
    fn operand(&self, operand: Pair<Rule>, tokens: &mut Vec<Token>) -> Result<()> {
        let mut children = Children::of(operand);
        while let Some(prefix) = children.next_if(Rule::prefix_op) {
            let op_pair = Children::of(prefix).next()?;
            let span = span_of(&op_pair);
            tokens.push(Token::Prefix(prefix_op(op_pair.as_rule(), span)?, span));
            if tokens.len() > MAX_EXPR_DEPTH {
                return Err(too_deep(span));
            }
        }
        tokens.push(Token::Operand(postfix(children.next()?, self.nesting)?));
        Ok(())
    }

    /// A lone operand (the collection of an `x in S` binder).
    pub(super) fn operand_expr(self, operand: Pair<Rule>) -> Result<Built> {
        let mut tokens = Vec::new();
        self.operand(operand, &mut tokens)?;
        let mut builder = ExprBuilder {
            tokens,
            ..ExprBuilder::default()
        };
        builder.climb(0, 0)
    }
}

/// `2019-03-22` as days since 1970-01-01; a day that does not exist is
/// refused (`invalid_date`).
pub(super) fn date(pair: Pair<Rule>) -> Result<i64> {
    let text = pair.as_str();
    crate::civil::Date::parse(text)
        .map(crate::civil::Date::days)
        .ok_or_else(|| SyntaxError::InvalidDate {
            text: text.to_string(),
            span: span_of(&pair),
        })
}

fn civil_field(pair: Pair<Rule>) -> Result<CivilField> {
    Ok(match pair.as_str() {
        "day" => CivilField::Day,
        "month" => CivilField::Month,
        "year" => CivilField::Year,
        _ => return Err(internal(span_of(&pair))),
    })
}

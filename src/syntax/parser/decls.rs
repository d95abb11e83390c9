//! The header, declarations and types: one function per grammar rule.

use pest::iterators::Pair;

use super::clauses::{article, clause};
use super::commands::command;
use super::expr::{expr, nested, opening_token, sub_expr};
use super::{ident, internal, name, signed_number, span_of, string, Children, Result, Rule};
use crate::ast::{self, *};
use crate::span::{Ident, Spanned};
use crate::syntax::error::SyntaxError;
use crate::syntax::prescan::MAX_NESTING;

pub(super) fn charter(pair: Pair<Rule>) -> Result<ast::Charter> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let header = children.next()?;
    let title = string(Children::of(header).next()?)?;
    let mut items = Vec::new();
    for pair in children.rest() {
        if pair.as_rule() == Rule::EOI {
            break;
        }
        items.push(item(pair)?);
    }
    Ok(ast::Charter { title, items, span })
}

fn item(pair: Pair<Rule>) -> Result<Item> {
    let span = span_of(&pair);
    let kind = match pair.as_rule() {
        Rule::calendar_decl => ItemKind::Calendar(calendar_decl(pair)?),
        Rule::readings_decl => ItemKind::Readings(readings_decl(pair)?),
        Rule::enum_decl => ItemKind::Enum(enum_decl(pair)?),
        Rule::sort_decl => ItemKind::Sort(sort_decl(pair)?),
        Rule::const_decl => ItemKind::Const(state_decl(pair)?),
        Rule::var_decl => ItemKind::Var(state_decl(pair)?),
        Rule::event_decl => ItemKind::Event(event_decl(pair)?),
        Rule::define_decl => ItemKind::Define(define_decl(pair)?),
        Rule::axiom_decl => ItemKind::Axiom(formula(pair)?),
        Rule::init_decl => ItemKind::Init(formula(pair)?),
        Rule::lemma_decl => ItemKind::Lemma(formula(pair)?),
        Rule::assert_decl => ItemKind::Assert(formula(pair)?),
        Rule::article => ItemKind::Article(article(pair)?),
        Rule::clause => ItemKind::Clause(clause(pair)?),
        Rule::check_cmd
        | Rule::prove_cmd
        | Rule::scenario_cmd
        | Rule::compare_cmd
        | Rule::diverge_cmd => ItemKind::Command(command(pair)?),
        _ => return Err(internal(span)),
    };
    Ok(Item { kind, span })
}

fn readings_decl(pair: Pair<Rule>) -> Result<ReadingsDecl> {
    let mut children = Children::of(pair);
    let _keyword = children.next()?;
    let name = ident(children.next()?);
    let text = children.next_if(Rule::string).map(string).transpose()?;
    let readings = children
        .rest()
        .map(|item| {
            let mut parts = Children::of(item);
            let name = ident(parts.next()?);
            let text = parts.next_if(Rule::string).map(string).transpose()?;
            Ok(ReadingItem { name, text })
        })
        .collect::<Result<_>>()?;
    Ok(ReadingsDecl {
        name,
        text,
        readings,
    })
}

fn calendar_decl(pair: Pair<Rule>) -> Result<CalendarDecl> {
    let mut children = Children::of(pair);
    children.next()?; // `calendar`
    let first = children.next()?;
    if first.as_rule() == Rule::civil_range {
        let mut range = Children::of(first);
        let word = range.next()?; // `dates`
        let unit = Spanned {
            node: TimeUnit::Day,
            span: span_of(&word),
        };
        let low = super::expr::date(range.next()?)?;
        let high = super::expr::date(range.next()?)?;
        return Ok(CalendarDecl {
            unit,
            low,
            high,
            civil: true,
        });
    }
    let unit = time_unit(first)?;
    let low = signed_number(children.next()?)?;
    let high = signed_number(children.next()?)?;
    Ok(CalendarDecl {
        unit,
        low,
        high,
        civil: false,
    })
}

pub(super) fn time_unit(pair: Pair<Rule>) -> Result<Spanned<TimeUnit>> {
    let span = span_of(&pair);
    let node = match pair.as_str().trim_end_matches('s') {
        "day" => TimeUnit::Day,
        "week" => TimeUnit::Week,
        "month" => TimeUnit::Month,
        "year" => TimeUnit::Year,
        _ => return Err(internal(span)),
    };
    Ok(Spanned { node, span })
}

/// `name` or `name(args)` after `last` or `after`.
pub(super) fn event_call(
    pair: Pair<Rule>,
    nesting: usize,
) -> Result<(Ident, Option<Vec<Expr>>, usize)> {
    let mut children = Children::of(pair);
    let name = ident(children.next()?);
    let (args, depth) = call_args(children.next_if(Rule::call_args), nesting)?;
    Ok((name, args, depth))
}

/// The arguments `(a, b)` of a name, if written, and their depth.
pub(super) fn call_args(
    call: Option<Pair<Rule>>,
    nesting: usize,
) -> Result<(Option<Vec<Expr>>, usize)> {
    let Some(call) = call else {
        return Ok((None, 0));
    };
    let nesting = nested(&call, nesting)?;
    let mut depth = 0;
    let mut args = Vec::new();
    for arg in Children::of(call).rest() {
        let (arg, arg_depth) = sub_expr(arg, nesting)?;
        depth = depth.max(arg_depth);
        args.push(arg);
    }
    Ok((Some(args), depth))
}

fn enum_decl(pair: Pair<Rule>) -> Result<EnumDecl> {
    let mut children = Children::of(pair);
    let name = ident(children.next()?);
    let alphabetical = children.next_if(Rule::alphabetical).is_some();
    let values = children.rest().map(ident).collect();
    Ok(EnumDecl {
        name,
        alphabetical,
        values,
    })
}

fn sort_decl(pair: Pair<Rule>) -> Result<SortDecl> {
    let mut children = Children::of(pair);
    let name = ident(children.next()?);
    let names = match children.next_if(Rule::kw_names) {
        Some(_) => children.rest().map(ident).collect(),
        None => Vec::new(),
    };
    Ok(SortDecl { name, names })
}

fn state_decl(pair: Pair<Rule>) -> Result<StateDecl> {
    let mut children = Children::of(pair);
    let name = ident(children.next()?);
    let ty = type_expr(children.next()?)?;
    let value = children.next_if(Rule::expr).map(expr).transpose()?;
    Ok(StateDecl { name, ty, value })
}

fn params(pair: Pair<Rule>) -> Result<Vec<Param>> {
    Children::of(pair)
        .rest()
        .map(|param| {
            let mut children = Children::of(param);
            let name = ident(children.next()?);
            let ty = type_expr(children.next()?)?;
            Ok(Param { name, ty })
        })
        .collect()
}

fn event_decl(pair: Pair<Rule>) -> Result<EventDecl> {
    let mut children = Children::of(pair);
    let fair = children.next_if(Rule::kw_fair).map(|word| span_of(&word));
    let name = ident(children.next()?);
    let params = match children.next_if(Rule::params) {
        Some(pair) => params(pair)?,
        None => Vec::new(),
    };
    let requires = children
        .rest()
        .map(|requires| expr(Children::of(requires).next()?))
        .collect::<Result<_>>()?;
    Ok(EventDecl {
        fair,
        name,
        params,
        requires,
    })
}

fn define_decl(pair: Pair<Rule>) -> Result<DefineDecl> {
    let mut children = Children::of(pair);
    let name = ident(children.next()?);
    let params = children.next_if(Rule::params).map(params).transpose()?;
    let ty = children
        .next_if(Rule::value_type)
        .map(value_type)
        .transpose()?;
    let body = expr(children.next()?)?;
    Ok(DefineDecl {
        name,
        params,
        ty,
        body,
    })
}

fn formula(pair: Pair<Rule>) -> Result<Formula> {
    let mut children = Children::of(pair);
    let name = ident(children.next()?);
    let text = children.next_if(Rule::string).map(string).transpose()?;
    if let Some(eventually) = children.next_if(Rule::eventually) {
        let mut parts = Children::of(eventually);
        let keyword = span_of(&parts.next()?);
        let body = expr(parts.next()?)?;
        return Ok(Formula {
            name,
            text,
            always: false,
            body,
            liveness: Some(Liveness::Eventually(keyword)),
        });
    }
    let always = children.next_if(Rule::always).is_some();
    let body = expr(children.next()?)?;
    let liveness = match children.next_if(Rule::leads_to) {
        Some(leads_to) => {
            let mut parts = Children::of(leads_to);
            let _leads = parts.next()?;
            let _to = parts.next()?;
            Some(Liveness::LeadsTo(expr(parts.next()?)?))
        }
        None => None,
    };
    Ok(Formula {
        name,
        text,
        always,
        body,
        liveness,
    })
}
// ---------------------------------------------------------------- types

pub(super) fn type_expr(pair: Pair<Rule>) -> Result<Type> {
    let inner = Children::of(pair).next()?;
    match inner.as_rule() {
        Rule::fn_type => {
            let span = span_of(&inner);
            let mut children = Children::of(inner);
            let args = Children::of(children.next()?)
                .rest()
                .map(value_type)
                .collect::<Result<_>>()?;
            let result = value_type(children.next()?)?;
            Ok(Type {
                kind: TypeKind::Function(args, Box::new(result)),
                span,
            })
        }
        Rule::value_type => value_type(inner),
        _ => Err(internal(span_of(&inner))),
    }
}

pub(super) fn value_type(pair: Pair<Rule>) -> Result<Type> {
    nested_value_type(pair, 0)
}

/// A value type inside `sets` set types. `set set T` never checks (set
/// elements range over sorts, enums, `Bool` and `Int` ranges), but it
/// parses, and nothing else bounds how deep: refuse it past the bracket
/// limit, before recursing through all of it.
fn nested_value_type(pair: Pair<Rule>, sets: usize) -> Result<Type> {
    let inner = Children::of(pair).next()?;
    let span = span_of(&inner);
    match inner.as_rule() {
        Rule::set_type if sets >= MAX_NESTING => Err(SyntaxError::Unexpected {
            expected: "an element type".into(),
            found: format!("`set` nested more than {MAX_NESTING} deep"),
            span: opening_token(&inner),
            label: "one `set` too many".into(),
            help: Some(
                "set elements are sorts, enums, `Bool` or `Int` ranges: sets of sets are not supported"
                    .into(),
            ),
        }),
        Rule::set_type => {
            let element = nested_value_type(Children::of(inner).next()?, sets + 1)?;
            Ok(Type {
                kind: TypeKind::Set(Box::new(element)),
                span,
            })
        }
        Rule::option_type => {
            let mut children = Children::of(inner);
            let base = base_type(children.next()?)?;
            Ok(match children.next_if(Rule::question) {
                Some(_) => Type {
                    kind: TypeKind::Option(Box::new(base)),
                    span,
                },
                None => base,
            })
        }
        _ => Err(internal(span)),
    }
}

/// The `[lo..hi]` of `Int[lo..hi]` or `Date[lo..hi]`, if written.
fn type_range(pair: Pair<Rule>) -> Result<Option<(i64, i64)>> {
    let Some(range) = Children::of(pair).inner.next() else {
        return Ok(None);
    };
    let mut bounds = Children::of(range);
    let bound = |pair: Pair<Rule>| match pair.as_rule() {
        Rule::date_lit => super::expr::date(pair),
        _ => signed_number(pair),
    };
    let low = bound(bounds.next()?)?;
    let high = bound(bounds.next()?)?;
    Ok(Some((low, high)))
}

fn base_type(pair: Pair<Rule>) -> Result<Type> {
    let inner = Children::of(pair).next()?;
    let span = span_of(&inner);
    let kind = match inner.as_rule() {
        Rule::bool_type => TypeKind::Bool,
        Rule::int_type => TypeKind::Int(type_range(inner)?),
        Rule::date_type => TypeKind::Date(type_range(inner)?),
        Rule::named_type => TypeKind::Named(name(inner.as_str())),
        _ => return Err(internal(span)),
    };
    Ok(Type { kind, span })
}

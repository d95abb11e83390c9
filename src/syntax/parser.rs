//! The only file that knows pest. It runs the generated parser and turns
//! pest's pairs into the owned [`ast`] tree, one function per grammar rule,
//! and pest's errors into [`SyntaxError`]s written in the user's words.
//!
//! Expressions arrive from the grammar as flat operand/operator sequences;
//! [`ExprBuilder`] applies precedence (the `binding_power` tables) and
//! refuses trees deeper than [`MAX_EXPR_DEPTH`], so that later recursive
//! passes (and `Drop`) never run out of stack.

use std::cell::RefCell;

use pest::error::InputLocation;
use pest::iterators::Pair;
use pest::Parser as _;
use pest_derive::Parser;

use super::error::SyntaxError;
use super::prescan::MAX_NESTING;
use crate::ast::{self, *};
use crate::span::{Ident, Span, Spanned};

#[derive(Parser)]
#[grammar = "../grammar/charter.pest"]
struct CharterParser;

/// Deepest expression tree accepted (operators and brackets together).
pub const MAX_EXPR_DEPTH: usize = 400;

type Result<T> = std::result::Result<T, SyntaxError>;

/// Held while pest's process-wide error detail is on.
static ERROR_DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Parses a whole spec. The caller has run the prescan.
pub fn parse_spec(source: &str) -> Result<ast::Charter> {
    let mut pairs = match CharterParser::parse(Rule::spec, source) {
        Ok(pairs) => pairs,
        Err(_) => {
            // Re-run with error detail on: it records the literal tokens the
            // parser tried at the failure point, which we list to the user.
            // The setting is process-wide and doubles the time of every
            // parse while on, so it is on only for these re-runs, one at a
            // time (a parse elsewhere meanwhile merely runs slower).
            let _detail = ERROR_DETAIL
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            pest::set_error_detail(true);
            let rerun = CharterParser::parse(Rule::spec, source);
            pest::set_error_detail(false);
            return Err(match rerun {
                Err(err) => translate_error(source, &err),
                Ok(_) => SyntaxError::Unexpected {
                    expected: "a valid spec".into(),
                    found: "an inconsistent parse".into(),
                    span: Span::new(0, 0),
                    label: "here".into(),
                    help: None,
                },
            });
        }
    };
    let spec = pairs.next().ok_or_else(|| internal(Span::new(0, 0)))?;
    TRIVIA.with(|trivia| *trivia.borrow_mut() = Some(Trivia::of(source)));
    let charter = charter(spec);
    TRIVIA.with(|trivia| *trivia.borrow_mut() = None);
    charter
}

/// The span of what the user wrote for this rule. pest includes whitespace
/// and comments skipped after the last token of a repetition; they are cut
/// off here, so that spans end at the last real token.
fn span_of(pair: &Pair<Rule>) -> Span {
    let span = pair.as_span();
    if pair.as_rule() == Rule::spec {
        // The spec's last child is EOI, an empty pair at the very end of the
        // text, so its span runs to the end, trailing trivia included.
        return Span::new(span.start(), span.end());
    }
    let input = pair.get_input();
    let indexed = TRIVIA.with(|trivia| {
        trivia
            .borrow()
            .as_ref()
            .filter(|trivia| trivia.indexes(input))
            .map(|trivia| trivia.token_end(span.start(), span.end()))
    });
    let end = indexed.unwrap_or_else(|| token_end_by_descent(pair));
    Span::new(span.start(), end)
}

/// What [`span_of`] computes, without the index: the end of the rule's last
/// child, then the last token after it. This descends the rightmost path
/// below the pair, so computing it for every pair of a deeply nested input
/// takes quadratic time.
fn token_end_by_descent(pair: &Pair<Rule>) -> usize {
    let span = pair.as_span();
    let tail_start = match pair.clone().into_inner().last() {
        Some(child) => token_end_by_descent(&child),
        None => span.start(),
    };
    last_token_end(pair.get_input(), tail_start, span.end())
}

thread_local! {
    /// The trivia of the text being turned into a tree, for [`span_of`].
    static TRIVIA: RefCell<Option<Trivia>> = const { RefCell::new(None) };
}

/// The maximal runs of whitespace and comments in a text, in order, found
/// by one pass that skips strings as the prescan does. pest's implicit
/// whitespace rule skips such a run whole, so a pair that ends with skipped
/// trivia ends exactly at the end of a run, and its last token ends where
/// the run starts.
struct Trivia {
    /// Address and length of the indexed text.
    text: (usize, usize),
    runs: Vec<(usize, usize)>,
}

impl Trivia {
    fn of(text: &str) -> Trivia {
        let bytes = text.as_bytes();
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let start = pos;
            match bytes[pos] {
                b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
                b'/' if bytes.get(pos + 1) == Some(&b'/') => {
                    while pos < bytes.len() && bytes[pos] != b'\n' {
                        pos += 1;
                    }
                }
                b'/' if bytes.get(pos + 1) == Some(&b'*') => {
                    pos += 2;
                    while pos < bytes.len() && !bytes[pos..].starts_with(b"*/") {
                        pos += 1;
                    }
                    pos = (pos + 2).min(bytes.len());
                }
                b'"' => {
                    pos += 1;
                    while pos < bytes.len() && bytes[pos] != b'"' {
                        pos += if bytes[pos] == b'\\' { 2 } else { 1 };
                    }
                    pos = (pos + 1).min(bytes.len());
                    continue;
                }
                _ => {
                    pos += 1;
                    continue;
                }
            }
            match runs.last_mut() {
                Some(last) if last.1 == start => last.1 = pos,
                _ => runs.push((start, pos)),
            }
        }
        Trivia {
            text: (text.as_ptr() as usize, text.len()),
            runs,
        }
    }

    fn indexes(&self, text: &str) -> bool {
        self.text == (text.as_ptr() as usize, text.len())
    }

    /// The end of the last token in `start..end`, a pair's extent (or
    /// `start` if it holds only trivia).
    fn token_end(&self, start: usize, end: usize) -> usize {
        match self
            .runs
            .binary_search_by_key(&end, |&(_, run_end)| run_end)
        {
            Ok(index) => self.runs[index].0.max(start),
            Err(_) => end,
        }
    }
}

/// The end of the last byte in `start..end` that is neither whitespace nor
/// part of a comment (or `start` if there is none). The range lies after the
/// rule's last child, so it holds no strings: only literals, whitespace and
/// comments.
fn last_token_end(input: &str, start: usize, end: usize) -> usize {
    let bytes = input.as_bytes();
    let mut pos = start;
    let mut token_end = start;
    while pos < end {
        match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'/' if bytes.get(pos + 1) == Some(&b'/') => {
                while pos < end && bytes[pos] != b'\n' {
                    pos += 1;
                }
            }
            b'/' if bytes.get(pos + 1) == Some(&b'*') => {
                pos += 2;
                while pos + 1 < end && !(bytes[pos] == b'*' && bytes[pos + 1] == b'/') {
                    pos += 1;
                }
                pos += 2;
            }
            _ => {
                pos += 1;
                token_end = pos;
            }
        }
    }
    token_end.min(end)
}

/// A tree the grammar guarantees cannot occur; reported rather than panicking.
fn internal(span: Span) -> SyntaxError {
    SyntaxError::Unexpected {
        expected: "a construct this version of charter understands".into(),
        found: "a shape the parser does not handle".into(),
        span,
        label: "here".into(),
        help: Some("this is a bug in charter; please report it with this spec".into()),
    }
}

/// Iterates over a pair's children, failing instead of panicking when the
/// grammar and this file disagree.
struct Children<'i> {
    inner: pest::iterators::Pairs<'i, Rule>,
    /// Where the parent is, for the internal error only. This is pest's
    /// extent, trailing whitespace included: [`span_of`] walks the pair's
    /// rightmost descendants, and computing it for every pair made building
    /// the tree quadratic in its depth.
    span: Span,
}

impl<'i> Children<'i> {
    fn of(pair: Pair<'i, Rule>) -> Children<'i> {
        let extent = pair.as_span();
        let span = Span::new(extent.start(), extent.end());
        Children {
            inner: pair.into_inner(),
            span,
        }
    }

    fn next(&mut self) -> Result<Pair<'i, Rule>> {
        self.inner.next().ok_or_else(|| internal(self.span))
    }

    fn next_if(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        match self.inner.peek() {
            Some(pair) if pair.as_rule() == rule => self.inner.next(),
            _ => None,
        }
    }

    fn rest(self) -> pest::iterators::Pairs<'i, Rule> {
        self.inner
    }
}

fn ident(pair: Pair<Rule>) -> Ident {
    Spanned {
        span: span_of(&pair),
        node: pair.as_str().to_string(),
    }
}

fn string(pair: Pair<Rule>) -> Result<Spanned<String>> {
    let span = span_of(&pair);
    let body = Children::of(pair).next()?;
    let mut text = String::new();
    let mut chars = body.as_str().chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(escaped) = chars.next() {
                text.push(escaped);
            }
        } else {
            text.push(c);
        }
    }
    Ok(Spanned { node: text, span })
}

fn number(pair: Pair<Rule>) -> Result<Spanned<u64>> {
    let span = span_of(&pair);
    let node = pair
        .as_str()
        .parse::<u64>()
        .map_err(|_| SyntaxError::NumberTooLarge { span })?;
    Ok(Spanned { node, span })
}

fn signed_number(pair: Pair<Rule>) -> Result<i64> {
    let span = span_of(&pair);
    pair.as_str()
        .parse::<i64>()
        .map_err(|_| SyntaxError::NumberTooLarge { span })
}

// ---------------------------------------------------------------- items

fn charter(pair: Pair<Rule>) -> Result<ast::Charter> {
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
        Rule::check_cmd | Rule::prove_cmd | Rule::scenario_cmd => ItemKind::Command(command(pair)?),
        _ => return Err(internal(span)),
    };
    Ok(Item { kind, span })
}

fn calendar_decl(pair: Pair<Rule>) -> Result<CalendarDecl> {
    let mut children = Children::of(pair);
    children.next()?; // `calendar`
    let unit = time_unit(children.next()?);
    let low = signed_number(children.next()?)?;
    let high = signed_number(children.next()?)?;
    Ok(CalendarDecl { unit, low, high })
}

fn time_unit(pair: Pair<Rule>) -> Spanned<TimeUnit> {
    let node = match pair.as_str().trim_end_matches('s') {
        "day" => TimeUnit::Day,
        "week" => TimeUnit::Week,
        "month" => TimeUnit::Month,
        _ => TimeUnit::Year,
    };
    Spanned {
        node,
        span: span_of(&pair),
    }
}

/// `name` or `name(args)` after `last` or `after`.
fn event_call(pair: Pair<Rule>, nesting: usize) -> Result<(Ident, Option<Vec<Expr>>, usize)> {
    let mut children = Children::of(pair);
    let name = ident(children.next()?);
    let (args, depth) = call_args(children.next_if(Rule::call_args), nesting)?;
    Ok((name, args, depth))
}

/// The arguments `(a, b)` of a name, if written, and their depth.
fn call_args(call: Option<Pair<Rule>>, nesting: usize) -> Result<(Option<Vec<Expr>>, usize)> {
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
            let ty = value_type(children.next()?)?;
            Ok(Param { name, ty })
        })
        .collect()
}

fn event_decl(pair: Pair<Rule>) -> Result<EventDecl> {
    let mut children = Children::of(pair);
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
    let always = children.next_if(Rule::always).is_some();
    let body = expr(children.next()?)?;
    Ok(Formula {
        name,
        text,
        always,
        body,
    })
}

fn article(pair: Pair<Rule>) -> Result<Article> {
    let mut children = Children::of(pair);
    let number_pair = children.next()?;
    let number = Spanned {
        span: span_of(&number_pair),
        node: number_pair.as_str().to_string(),
    };
    let title = children.next_if(Rule::string).map(string).transpose()?;
    let clauses = children.rest().map(clause).collect::<Result<_>>()?;
    Ok(Article {
        number,
        title,
        clauses,
    })
}

fn clause(pair: Pair<Rule>) -> Result<Clause> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let name = ident(children.next()?);
    let overrides = match children.next_if(Rule::overrides) {
        // The first child is the word `overrides`.
        Some(list) => Children::of(list).rest().skip(1).map(ident).collect(),
        None => Vec::new(),
    };
    let text = children.next_if(Rule::string).map(string).transpose()?;
    let rules = children.rest().map(rule).collect::<Result<_>>()?;
    Ok(Clause {
        name,
        overrides,
        text,
        rules,
        span,
    })
}

fn rule(pair: Pair<Rule>) -> Result<ast::Rule> {
    let span = span_of(&pair);
    let kind = match pair.as_rule() {
        Rule::constraint_rule => RuleKind::Always(expr(Children::of(pair).next()?)?),
        Rule::on_rule => {
            let mut children = Children::of(pair);
            let pattern = event_pattern(children.next()?)?;
            let when = match children.next_if(Rule::when_cond) {
                Some(when) => Some(expr(Children::of(when).next()?)?),
                None => None,
            };
            let body = children.next()?;
            if body.as_rule() == Rule::obligation {
                RuleKind::Obligation {
                    pattern,
                    when,
                    duty: obligation(body)?,
                }
            } else {
                RuleKind::On {
                    pattern,
                    when,
                    block: effect_block(body)?,
                }
            }
        }
        Rule::permission | Rule::prohibition => {
            let may = pair.as_rule() == Rule::permission;
            let mut children = Children::of(pair);
            children.next()?; // `may` or `must`
            let pattern = event_pattern(children.next()?)?;
            let when = match children.next_if(Rule::when_cond) {
                Some(when) => Some(expr(Children::of(when).next()?)?),
                None => None,
            };
            if may {
                RuleKind::May { pattern, when }
            } else {
                RuleKind::MustNot { pattern, when }
            }
        }
        _ => return Err(internal(span)),
    };
    Ok(ast::Rule { kind, span })
}

fn obligation(pair: Pair<Rule>) -> Result<ast::Obligation> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    children.next()?; // `must`
    let (event, args, _) = event_call(children.next()?, 0)?;
    children.next()?; // `within`
    let builder = ExprBuilder::default();
    let (within, _) = builder.operand_expr(Children::of(children.next()?).next()?)?;
    Ok(ast::Obligation {
        event,
        args,
        within,
        span,
    })
}

fn event_pattern(pair: Pair<Rule>) -> Result<EventPattern> {
    let inner = Children::of(pair).next()?;
    let span = span_of(&inner);
    match inner.as_rule() {
        Rule::any_event => {
            let except = Children::of(inner)
                .rest()
                .filter(|pair| pair.as_rule() == Rule::ident)
                .map(ident)
                .collect();
            Ok(EventPattern::Any { except, span })
        }
        Rule::event_ref => {
            let text = inner.as_str();
            let mut children = Children::of(inner);
            let name = ident(children.next()?);
            let bindings: Vec<Ident> = children
                .rest()
                .map(|binding| Children::of(binding).next().map(ident))
                .collect::<Result<_>>()?;
            let bindings = (text.trim_end().ends_with(')')).then_some(bindings);
            Ok(EventPattern::Event { name, bindings })
        }
        _ => Err(internal(span)),
    }
}

fn effect_block(pair: Pair<Rule>) -> Result<EffectBlock> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let effects = effects(children.next()?)?;
    let exceptions = children.rest().map(exception).collect::<Result<_>>()?;
    Ok(EffectBlock {
        effects,
        exceptions,
        span,
    })
}

fn effects(pair: Pair<Rule>) -> Result<Vec<Effect>> {
    Children::of(pair).rest().map(effect).collect()
}

fn exception(pair: Pair<Rule>) -> Result<Exception> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let condition = expr(children.next()?)?;
    let body = children.next()?;
    let block = match body.as_rule() {
        Rule::effect_block => effect_block(body)?,
        _ => EffectBlock {
            span: span_of(&body),
            effects: effects(body)?,
            exceptions: Vec::new(),
        },
    };
    Ok(Exception {
        condition,
        block,
        span,
    })
}

fn effect(pair: Pair<Rule>) -> Result<Effect> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let mut target_parts = Children::of(children.next()?);
    let target = ident(target_parts.next()?);
    let _prime = target_parts.next()?;
    let args = target_parts.rest().map(expr).collect::<Result<_>>()?;
    let op = match children.next()?.as_str() {
        "+=" => AssignOp::Add,
        "-=" => AssignOp::Remove,
        _ => AssignOp::Set,
    };
    let value = expr(children.next()?)?;
    Ok(Effect {
        target,
        args,
        op,
        value,
        span,
    })
}

fn command(pair: Pair<Rule>) -> Result<Command> {
    let rule = pair.as_rule();
    let mut children = Children::of(pair);
    let name = ident(children.next()?);
    let kind = match rule {
        Rule::check_cmd => CommandKind::Check,
        Rule::prove_cmd => CommandKind::Prove,
        _ => {
            let text = children.next_if(Rule::string).map(string).transpose()?;
            let goal = expr(children.next()?)?;
            CommandKind::Scenario { text, goal }
        }
    };
    let options = children.rest().map(command_option).collect::<Result<_>>()?;
    Ok(Command {
        kind,
        name,
        options,
    })
}

fn command_option(pair: Pair<Rule>) -> Result<CommandOption> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    let mut children = Children::of(pair);
    let _keyword = children.next()?;
    let kind = match rule {
        Rule::depth_opt => CommandOptionKind::Depth(number(children.next()?)?),
        Rule::scope_opt => CommandOptionKind::Scope(
            children
                .rest()
                .map(|item| {
                    let mut parts = Children::of(item);
                    let sort = ident(parts.next()?);
                    Ok((sort, number(parts.next()?)?))
                })
                .collect::<Result<_>>()?,
        ),
        Rule::expect_opt => {
            let mut parts = Children::of(children.next()?);
            let first = parts.next()?;
            let expectation = match first.as_rule() {
                Rule::expect_no => match parts.next()?.as_rule() {
                    Rule::exp_witness => Expectation::NoWitness,
                    _ => Expectation::NoCounterexample,
                },
                Rule::exp_proved => Expectation::Proved,
                Rule::exp_counterexample => Expectation::Counterexample,
                Rule::exp_witness => Expectation::Witness,
                _ => Expectation::Unknown,
            };
            let allowing = match children.next_if(Rule::allowing) {
                Some(allowing) => {
                    let mut items = Children::of(allowing);
                    let _keyword = items.next()?;
                    items
                        .rest()
                        .map(|item| {
                            let span = span_of(&item);
                            let mut parts = Children::of(item);
                            let kind = ident(parts.next()?);
                            let subject = parts.rest().next().map(ident);
                            Ok(Allowed {
                                kind,
                                subject,
                                span,
                            })
                        })
                        .collect::<Result<_>>()?
                }
                None => Vec::new(),
            };
            CommandOptionKind::Expect(expectation, allowing)
        }
        _ => return Err(internal(span)),
    };
    Ok(CommandOption { kind, span })
}

// ---------------------------------------------------------------- types

fn type_expr(pair: Pair<Rule>) -> Result<Type> {
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
        _ => value_type(inner),
    }
}

fn value_type(pair: Pair<Rule>) -> Result<Type> {
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

fn base_type(pair: Pair<Rule>) -> Result<Type> {
    let inner = Children::of(pair).next()?;
    let span = span_of(&inner);
    let kind = match inner.as_rule() {
        Rule::bool_type => TypeKind::Bool,
        Rule::int_type => match Children::of(inner).inner.next() {
            Some(range) => {
                let mut bounds = Children::of(range);
                let low = signed_number(bounds.next()?)?;
                let high = signed_number(bounds.next()?)?;
                TypeKind::Int(Some((low, high)))
            }
            None => TypeKind::Int(None),
        },
        Rule::named_type => TypeKind::Named(inner.as_str().to_string()),
        _ => return Err(internal(span)),
    };
    Ok(Type { kind, span })
}

// ---------------------------------------------------------------- expressions

fn expr(pair: Pair<Rule>) -> Result<Expr> {
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
        | BinaryOp::NotIn => (13, 14),
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Union => (15, 16),
        BinaryOp::Mul | BinaryOp::Intersect => (17, 18),
    }
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
struct ExprBuilder {
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
fn nested(construct: &Pair<Rule>, nesting: usize) -> Result<usize> {
    if nesting >= MAX_EXPR_DEPTH {
        return Err(too_deep(opening_token(construct)));
    }
    Ok(nesting + 1)
}

/// The first token of a construct: its keyword, bracket or name.
fn opening_token(pair: &Pair<Rule>) -> Span {
    let start = pair.as_span().start();
    let text = pair.as_str();
    let word = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
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
                Rule::operand => {
                    let mut children = Children::of(part);
                    while let Some(prefix) = children.next_if(Rule::prefix_op) {
                        let op_pair = Children::of(prefix).next()?;
                        let op = match op_pair.as_rule() {
                            Rule::op_not => UnaryOp::Not,
                            Rule::op_once => UnaryOp::Once,
                            Rule::op_previously => UnaryOp::Previously,
                            Rule::op_historically => UnaryOp::Historically,
                            Rule::op_neg => UnaryOp::Neg,
                            _ => UnaryOp::Card,
                        };
                        tokens.push(Token::Prefix(op, span_of(&op_pair)));
                        if tokens.len() > MAX_EXPR_DEPTH {
                            return Err(too_deep(span_of(&op_pair)));
                        }
                    }
                    tokens.push(Token::Operand(postfix(children.next()?, self.nesting)?));
                }
                rule => {
                    let op = match rule {
                        Rule::op_iff => BinaryOp::Iff,
                        Rule::op_implies => BinaryOp::Implies,
                        Rule::op_since => BinaryOp::Since,
                        Rule::op_or => BinaryOp::Or,
                        Rule::op_and => BinaryOp::And,
                        Rule::op_not_in => BinaryOp::NotIn,
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
fn sub_expr(pair: Pair<Rule>, nesting: usize) -> Result<Built> {
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
            let is_some = Children::of(test).next()?.as_rule() == Rule::kw_some;
            node(
                ExprKind::OptionTest {
                    operand: Box::new(operand),
                    is_some,
                },
                span,
                depth + 1,
            )
        }
        None => Ok((operand, depth)),
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
            let quantifier = match Children::of(children.next()?).next()?.as_rule() {
                Rule::q_forall => Quantifier::Forall,
                Rule::q_exists => Quantifier::Exists,
                Rule::q_exactly_one => Quantifier::ExactlyOne,
                Rule::q_at_most_one => Quantifier::AtMostOne,
                _ => Quantifier::No,
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
            let unit = time_unit(children.next()?);
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
            let at_least = children.next()?.as_rule() == Rule::at_least;
            let builder = ExprBuilder {
                nesting,
                ..ExprBuilder::default()
            };
            let (duration, d1) = builder.operand_expr(Children::of(children.next()?).next()?)?;
            children.next()?; // `after`
            let (event, args, d2) = event_call(children.next()?, nesting)?;
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
        Rule::last_event => {
            let mut children = Children::of(pair);
            children.next()?; // `last`
            let (event, args, depth) = event_call(children.next()?, nesting)?;
            node(ExprKind::Last { event, args }, span, depth + 1)
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
                _ => {
                    let operand = Children::of(part).next()?;
                    let builder = ExprBuilder {
                        nesting,
                        ..ExprBuilder::default()
                    };
                    let (set, set_depth) = builder.operand_expr(operand)?;
                    depth = depth.max(set_depth);
                    domain = Some(Domain::Set(set));
                }
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
    /// A lone operand (the collection of an `x in S` binder).
    fn operand_expr(self, operand: Pair<Rule>) -> Result<Built> {
        let mut tokens = Vec::new();
        let mut children = Children::of(operand);
        while let Some(prefix) = children.next_if(Rule::prefix_op) {
            let op_pair = Children::of(prefix).next()?;
            let op = match op_pair.as_rule() {
                Rule::op_neg => UnaryOp::Neg,
                Rule::op_card => UnaryOp::Card,
                Rule::op_not => UnaryOp::Not,
                Rule::op_once => UnaryOp::Once,
                Rule::op_previously => UnaryOp::Previously,
                _ => UnaryOp::Historically,
            };
            tokens.push(Token::Prefix(op, span_of(&op_pair)));
            if tokens.len() > MAX_EXPR_DEPTH {
                return Err(too_deep(span_of(&op_pair)));
            }
        }
        tokens.push(Token::Operand(postfix(children.next()?, self.nesting)?));
        let mut builder = ExprBuilder {
            tokens,
            ..ExprBuilder::default()
        };
        builder.climb(0, 0)
    }
}

// ---------------------------------------------------------------- errors

/// Turns pest's error into ours: the position, what was expected (grammar
/// rules renamed into words) and what was found there.
fn translate_error(source: &str, err: &pest::error::Error<Rule>) -> SyntaxError {
    let position = match err.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    };
    // pest gives up with a custom error when its stack guard (or a call
    // limit) trips: input nested too deeply for the stack, which only
    // bracket-free nesting (quantifier bodies, `else` branches, `set` types)
    // can reach past the prescan. Its parse attempts would name a token
    // that is perfectly fine where it stands.
    if let pest::error::ErrorVariant::CustomError { .. } = &err.variant {
        let (_, span) = found_at(source, position);
        return SyntaxError::ExpressionTooDeep {
            limit: MAX_EXPR_DEPTH,
            span,
        };
    }
    let mut expected: Vec<String> = Vec::new();
    let mut push = |word: String| {
        if !expected.contains(&word) {
            expected.push(word);
        }
    };
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &err.variant {
        for rule in positives {
            if let Some(word) = describe(*rule) {
                push(word.to_string());
            }
        }
    }
    if let Some(attempts) = err.parse_attempts() {
        if attempts.max_position == position {
            for token in attempts.expected_tokens() {
                let token = token.to_string();
                if is_user_token(&token) {
                    push(format!("`{token}`"));
                }
            }
        }
    }
    drop_redundant_keywords(&mut expected);
    if expected.is_empty() {
        expected.push("something else".into());
    }
    let (found, span) = found_at(source, position);
    let help = keyword_help(&found, &expected);
    let expected_count = expected.len();
    let expected = join_alternatives(&expected);
    // A long list belongs in the message only; the label stays short.
    let label = if expected_count <= 3 && expected.chars().count() <= 60 {
        format!("expected {expected}")
    } else {
        "not expected here".to_string()
    };
    SyntaxError::Unexpected {
        label,
        expected,
        found,
        span,
        help,
    }
}

/// The keywords that start a rule already named in `expected` ("a
/// declaration" covers `enum`, `sort`, …; "a type" covers `Bool`, `set`, …)
/// add nothing but length: remove them. Then list single tokens first and
/// "the end of the file", the least useful alternative, last.
fn drop_redundant_keywords(expected: &mut Vec<String>) {
    const ITEM_KEYWORDS: &[&str] = &[
        "`enum`",
        "`sort`",
        "`const`",
        "`var`",
        "`event`",
        "`define`",
        "`axiom`",
        "`init`",
        "`lemma`",
        "`article`",
        "`assert`",
        "`clause`",
        "`check`",
        "`prove`",
        "`scenario`",
    ];
    let has = |words: &[String], word: &str| words.iter().any(|w| w == word);
    let items =
        has(expected, "a declaration") || has(expected, "a clause") || has(expected, "a command");
    let header = has(expected, "the header `charter \"title\"`");
    let expectation = expected.iter().any(|w| w.starts_with("an expectation"));
    let ty = has(expected, "a type");
    let operator = has(expected, "an operator");
    let expression = has(expected, "an expression");
    const OPERATORS: &[&str] = &[
        "`=`",
        "`and`",
        "`or`",
        "`iff`",
        "`implies`",
        "`in`",
        "`intersect`",
        "`not`",
        "`since`",
        "`union`",
        "`is`",
        "`is none` or `is some`",
        // What may follow a name: also not worth listing after an operand.
        "`(`",
        "arguments `(…)`",
        "`'` (effects assign the next state: `x' = …`)",
    ];
    const EXPRESSION_STARTS: &[&str] = &[
        "`(`",
        "`{`",
        "`exactly`",
        "`exists`",
        "`false`",
        "`forall`",
        "`historically`",
        "`if`",
        "`no`",
        "`none`",
        "`not`",
        "`once`",
        "`previously`",
        "`true`",
    ];
    expected.retain(|word| {
        let word = word.as_str();
        !(items && ITEM_KEYWORDS.contains(&word)
            || header && word == "`charter`"
            || expectation && word == "`no`"
            || ty && ["`Bool`", "`Int`", "`set`", "`(`"].contains(&word)
            || operator && OPERATORS.contains(&word)
            || expression && EXPRESSION_STARTS.contains(&word))
    });
    // Stable: tokens, then descriptions, then the end of the file.
    expected.sort_by_key(|w| match w.as_str() {
        "the end of the file" => 2,
        w if w.starts_with('`') => 0,
        _ => 1,
    });
}

/// What the user sees for a grammar rule; `None` hides rules that are
/// implementation details.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::header => "the header `charter \"title\"`",
        Rule::calendar_decl
        | Rule::enum_decl
        | Rule::sort_decl
        | Rule::const_decl
        | Rule::var_decl
        | Rule::event_decl
        | Rule::define_decl
        | Rule::axiom_decl
        | Rule::init_decl
        | Rule::lemma_decl
        | Rule::assert_decl
        | Rule::article => "a declaration",
        Rule::clause => "a clause",
        Rule::check_cmd | Rule::prove_cmd | Rule::scenario_cmd => "a command",
        Rule::ident | Rule::binding | Rule::named_type => "a name",
        Rule::int_lit | Rule::signed_int => "a number",
        Rule::string => "a quoted string",
        Rule::article_id => "an article number",
        Rule::type_expr | Rule::value_type | Rule::fn_type | Rule::base_type => "a type",
        Rule::expr | Rule::operand | Rule::operand_expr | Rule::postfix | Rule::prefix_op => {
            "an expression"
        }
        Rule::op_iff
        | Rule::op_implies
        | Rule::op_since
        | Rule::op_or
        | Rule::op_and
        | Rule::op_not_in
        | Rule::op_in
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_eq
        | Rule::op_union
        | Rule::op_intersect
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul => "an operator",
        Rule::on_rule => "an effect rule `on event: …`",
        Rule::permission => "a permission `may event when …`",
        Rule::prohibition => "a prohibition `must not event when …`",
        Rule::obligation => "an obligation `must event within …`",
        Rule::constraint_rule => "a constraint `always …`",
        Rule::effect | Rule::target => "an effect such as `x' = …`",
        Rule::prime => "`'` (effects assign the next state: `x' = …`)",
        Rule::assign_op => "`=`, `+=` or `-=`",
        Rule::exception => "`unless`",
        Rule::event_pattern | Rule::event_ref => "an event",
        Rule::any_event => "`any event`",
        Rule::when_cond => "`when`",
        Rule::overrides => "`overrides` and clause names",
        Rule::requires => "`requires`",
        Rule::always => "`always`",
        Rule::params => "parameters `(name: Type, …)`",
        Rule::call_args => "arguments `(…)`",
        Rule::option_test => "`is none` or `is some`",
        Rule::quantifier => "a quantifier",
        Rule::time_unit => "a unit of time (`days`, `weeks`, `months` or `years`)",
        Rule::duration => "a duration such as `6 months`",
        Rule::fraction => "a share such as `2/3 of #present`",
        Rule::sum_expr => "a sum `sum x: T. value`",
        Rule::time_since => "`within … after event` or `at least … after event`",
        Rule::last_event => "`last event`",
        Rule::event_call => "an event",
        Rule::binders | Rule::binder_group => "a binder such as `x: Type` or `x in set`",
        Rule::int_range => "a range `[low..high]`",
        Rule::question => "`?`",
        Rule::kw_names => "`names`",
        Rule::depth_opt => "`depth N`",
        Rule::scope_opt => "`scope Sort = N`",
        Rule::expect_opt => "`expect …`",
        Rule::allowing | Rule::kw_allowing => "`allowing kind subject, …`",
        Rule::allowed => "what a verdict may rest on, such as `clash election`",
        Rule::expectation
        | Rule::exp_proved
        | Rule::exp_counterexample
        | Rule::exp_witness
        | Rule::exp_unknown
        | Rule::expect_no => {
            "an expectation (`proved`, `counterexample`, `no counterexample`, `witness`, `no witness` or `unknown`)"
        }
        _ => return None,
    })
}

/// Literal tokens worth listing: punctuation and reserved words, not the
/// pieces of atomic rules (quotes, escapes, character ranges).
fn is_user_token(token: &str) -> bool {
    const PUNCTUATION: &[&str] = &[
        "{", "}", "(", ")", "[", "]", ":", ",", "=", "+=", "-=", "->", "?", ".", "|",
    ];
    PUNCTUATION.contains(&token) || super::KEYWORDS.contains(&token)
}

fn join_alternatives(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Names the token at `position`: a whole word, a number, one symbol, or
/// the end of the file.
fn found_at(source: &str, position: usize) -> (String, Span) {
    let rest = source.get(position..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        // Point just after the last thing written, on a line that shows.
        let end = source.get(..position).unwrap_or(source).trim_end().len();
        return ("the end of the file".into(), Span::new(end, end));
    };
    const SYMBOLS: &[&str] = &[
        "<=>", "->", "=>", "+=", "-=", "<=", ">=", "!=", "..", "&&", "||", "==",
    ];
    let len = if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else if let Some(symbol) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
        symbol.len()
    } else {
        first.len_utf8()
    };
    let text = &rest[..len];
    let found = if first.is_control() {
        format!("the control character U+{:04X}", first as u32)
    } else {
        format!("`{text}`")
    };
    (found, Span::new(position, position + len))
}

/// Reserved words are the commonest surprise: say so. A few habits from
/// other notations get a word too.
fn keyword_help(found: &str, expected: &[String]) -> Option<String> {
    let word = found.trim_matches('`');
    let wanted = |what: &str| expected.iter().any(|e| e == what);
    if wanted("a name") && super::KEYWORDS.contains(&word) {
        return Some(format!(
            "`{word}` is a reserved word of the language and cannot be used as a name"
        ));
    }
    if expected == ["`always`"] {
        return Some(
            "an assertion holds in every reachable state: `assert name: always condition`".into(),
        );
    }
    if wanted("a type") && word == "{" {
        return Some(
            "a set type is written `set T`, as in `set Person`; braces write set values".into(),
        );
    }
    if wanted("`.`") {
        return Some(
            "a quantifier's binders end with a dot: `forall p: Person. p in chair`".into(),
        );
    }
    if wanted("`->`") && word.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        return Some("the type ends before this word; types are written `Person`, `set Person`, `Person?`, `State -> Person` or `(State, Person) -> Bool`".into());
    }
    if word == "->" && wanted("`?`") {
        return Some("only a `const` or `var` has a function type, `A -> B` or `(A, B) -> C`, and its arguments and result are plain values".into());
    }
    let example = match word {
        "&" | "&&" => Some("a and b"),
        "|" | "||" if !wanted("`|`") => Some("a or b"),
        "!" => Some("not a"),
        _ => None,
    };
    if let Some(example) = example {
        return Some(format!("logical operators are words, as in `{example}`"));
    }
    if word == "=" && wanted("an expression") {
        return Some("equality is a single `=`: `a = b`".into());
    }
    if found.starts_with("the control character") {
        return Some("a spec is text: is this a binary file?".into());
    }
    None
}

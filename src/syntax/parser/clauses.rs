//! Articles, clauses, their rules (effects, permissions, prohibitions,
//! obligations, constraints) and effects.

use pest::iterators::Pair;

use super::decls::event_call;
use super::expr::{expr, ExprBuilder};
use super::{ident, internal, span_of, string, Children, Result, Rule};
use crate::ast::{self, *};
use crate::span::{Ident, Spanned};

pub(super) fn article(pair: Pair<Rule>) -> Result<Article> {
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

pub(super) fn clause(pair: Pair<Rule>) -> Result<Clause> {
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
    if pair.as_rule() == Rule::under_rule {
        // `under practice: rule`: the rule, tagged, spanning the tag.
        let span = span_of(&pair);
        let mut children = Children::of(pair);
        let _keyword = children.next()?;
        let under = reading_names(children.next()?);
        let inner = rule(children.next()?)?;
        return Ok(ast::Rule {
            under,
            span,
            ..inner
        });
    }
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
            match body.as_rule() {
                Rule::obligation => RuleKind::Obligation {
                    pattern,
                    when,
                    duty: obligation(body)?,
                },
                Rule::effect_block => RuleKind::On {
                    pattern,
                    when,
                    block: effect_block(body)?,
                },
                _ => return Err(internal(span_of(&body))),
            }
        }
        Rule::except_rule => {
            let mut children = Children::of(pair);
            children.next()?; // `except`
            let clause = ident(children.next()?);
            let when = match children.next_if(Rule::when_cond) {
                Some(when) => Some(expr(Children::of(when).next()?)?),
                None => None,
            };
            let block = effect_block(children.next()?)?;
            RuleKind::Except {
                clause,
                when,
                block,
            }
        }
        Rule::defines_rule => {
            // The first child is the word `defines`.
            RuleKind::Defines(Children::of(pair).rest().skip(1).map(ident).collect())
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
    Ok(ast::Rule {
        kind,
        under: Vec::new(),
        span,
    })
}

/// `literal, strict`: the readings a rule or command is tagged with.
pub(super) fn reading_names(pair: Pair<Rule>) -> Vec<Ident> {
    Children::of(pair).rest().map(ident).collect()
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
        Rule::effects => EffectBlock {
            span: span_of(&body),
            effects: effects(body)?,
            exceptions: Vec::new(),
        },
        _ => return Err(internal(span_of(&body))),
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
    let forall = match children.next_if(Rule::effect_forall) {
        Some(quantifier) => Some(effect_forall(quantifier)?),
        None => None,
    };
    let mut target_parts = Children::of(children.next()?);
    let target = ident(target_parts.next()?);
    let _prime = target_parts.next()?;
    let args = target_parts.rest().map(expr).collect::<Result<_>>()?;
    let op_pair = children.next()?;
    let op = match op_pair.as_str() {
        "+=" => AssignOp::Add,
        "-=" => AssignOp::Remove,
        "=" => AssignOp::Set,
        _ => return Err(internal(span_of(&op_pair))),
    };
    let value = expr(children.next()?)?;
    Ok(Effect {
        forall,
        target,
        args,
        op,
        value,
        span,
    })
}

/// `forall o: Office when vacant(o).`
fn effect_forall(pair: Pair<Rule>) -> Result<EffectForall> {
    let span = span_of(&pair);
    let mut children = Children::of(pair);
    let _word = children.next()?;
    let binders = super::expr::effect_binders(children.next()?)?;
    let when = match children.next_if(Rule::when_cond) {
        Some(when) => Some(expr(Children::of(when).next()?)?),
        None => None,
    };
    Ok(EffectForall {
        binders,
        when,
        span,
    })
}

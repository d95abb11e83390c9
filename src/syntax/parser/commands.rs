//! Commands (`check`, `prove`, `scenario`, `compare`, `diverge`) and their
//! options.

use pest::iterators::Pair;

use super::expr::expr;
use super::{ident, internal, number, span_of, string, Children, Result, Rule};
use crate::ast::*;

pub(super) fn command(pair: Pair<Rule>) -> Result<Command> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    let mut children = Children::of(pair);
    let name = ident(children.next()?);
    let kind = match rule {
        Rule::check_cmd => CommandKind::Check,
        Rule::prove_cmd => CommandKind::Prove,
        Rule::scenario_cmd => {
            let text = children.next_if(Rule::string).map(string).transpose()?;
            let goal = expr(children.next()?)?;
            CommandKind::Scenario { text, goal }
        }
        Rule::compare_cmd => {
            let second = ident(children.next()?);
            let mut locations = Vec::new();
            while let Some(location) = children.next_if(Rule::ident) {
                locations.push(ident(location));
            }
            CommandKind::Compare { second, locations }
        }
        Rule::diverge_cmd => CommandKind::Diverge {
            second: ident(children.next()?),
        },
        _ => return Err(internal(span)),
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
        Rule::fair_opt => {
            let _fair = children.next()?;
            CommandOptionKind::Fair(children.rest().map(ident).collect())
        }
        Rule::decreasing_opt => {
            let measure = children.next()?;
            // The measure's own text, without trailing trivia.
            let written = span_of(&measure);
            let text = measure
                .get_input()
                .get(written.start..written.end)
                .unwrap_or(measure.as_str())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            CommandOptionKind::Decreasing(expr(measure)?, text)
        }
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
        Rule::under_opt => {
            CommandOptionKind::Under(super::clauses::reading_names(children.next()?))
        }
        Rule::expect_opt => {
            let reading = children
                .next_if(Rule::expect_reading)
                .map(|prefix| Children::of(prefix).next().map(ident))
                .transpose()?;
            let mut parts = Children::of(children.next()?);
            let first = parts.next()?;
            let expectation = match first.as_rule() {
                Rule::expect_no => {
                    let what = parts.next()?;
                    match what.as_rule() {
                        Rule::exp_witness => Expectation::NoWitness,
                        Rule::exp_counterexample => Expectation::NoCounterexample,
                        _ => return Err(internal(span_of(&what))),
                    }
                }
                Rule::exp_proved => Expectation::Proved,
                Rule::exp_counterexample => Expectation::Counterexample,
                Rule::exp_witness => Expectation::Witness,
                Rule::exp_unknown => Expectation::Unknown,
                _ => return Err(internal(span_of(&first))),
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
            match reading {
                Some(reading) => CommandOptionKind::ExpectUnder(reading, expectation, allowing),
                None => CommandOptionKind::Expect(expectation, allowing),
            }
        }
        _ => return Err(internal(span)),
    };
    Ok(CommandOption { kind, span })
}

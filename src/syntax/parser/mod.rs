//! The parser: the only place that knows pest, with its submodules (all
//! of pest stays under `src/syntax/`). It runs the generated parser and
//! turns pest's pairs into the owned [`ast`] tree, one function per grammar
//! rule, and pest's errors into [`SyntaxError`]s written in the user's
//! words.
//!
//! This file holds the entry point and what every rule's function shares
//! (spans without trailing trivia, [`Children`], the internal error, names,
//! strings and numbers). `decls.rs`: the header, declarations and types;
//! `clauses.rs`: articles, clauses, rules and effects; `commands.rs`:
//! commands and their options; `expr.rs`: expressions, where
//! `ExprBuilder` applies precedence (the `binding_power` tables) and refuses
//! trees deeper than [`MAX_EXPR_DEPTH`], so that later recursive passes (and
//! `Drop`) never run out of stack; `describe.rs`: pest's errors in words.

mod clauses;
mod commands;
mod decls;
mod describe;
mod expr;

use std::cell::RefCell;

use pest::iterators::Pair;
use pest::Parser as _;
use pest_derive::Parser;

use super::error::SyntaxError;
use crate::ast;
use crate::span::{Ident, Span, Spanned};
use decls::charter;
use describe::translate_error;

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
        node: name(pair.as_str()),
    }
}

/// A name as the later stages see it: in Unicode's composed form (NFC), so
/// that `é` typed as one character or as `e` and a combining accent is one
/// name everywhere (lookup, reports, JSON). The span keeps pointing at the
/// bytes as written.
fn name(text: &str) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text.to_string(),
        IsNormalized::No | IsNormalized::Maybe => text.nfc().collect(),
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

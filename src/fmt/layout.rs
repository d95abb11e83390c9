//! The layout: which tokens start a line, how far each line is indented,
//! and the spaces between the tokens of a line. It only ever changes the
//! blanks between tokens; the tokens themselves are written as they were.
//!
//! The author's line breaks are kept (where a formula is broken says how it
//! groups), except where the layout decides: a declaration, clause, rule
//! or closing brace of an article starts its own line; a line comment ends
//! one; nothing starts a line with `,`, `)`, `:`, `.` or a prime, and
//! nothing ends one with `#`, a unary minus or `..`. Runs of blank lines
//! shrink to two between declarations and one elsewhere; none follow an
//! opening bracket or precede a closing one.

use super::lex::{Kind, Token};
use super::shape::{Anchor, Region, RegionKind, Shape, INDENT};
use crate::syntax::KEYWORDS;

/// Contextual words that are followed by an operand, like keywords.
const OPERATOR_WORDS: &[&str] = &["of", "within", "least", "after", "last", "sum"];

/// Blank lines kept between top-level declarations and elsewhere.
const BLANKS_TOP: usize = 2;
const BLANKS_INNER: usize = 1;

fn is_keyword(token: &Token) -> bool {
    token.kind == Kind::Word
        && (KEYWORDS.contains(&token.text) || OPERATOR_WORDS.contains(&token.text))
}

/// Whether a token ends an operand (so a `-` after it subtracts, and a `(`
/// after it calls).
fn ends_operand(token: &Token) -> bool {
    match token.kind {
        Kind::Str => true,
        Kind::Word => !is_keyword(token) || matches!(token.text, "true" | "false" | "none"),
        Kind::Punct => matches!(token.text, ")" | "]" | "}" | "'" | "?"),
        Kind::LineComment | Kind::BlockComment => false,
    }
}

fn is_opener(token: &Token) -> bool {
    token.kind == Kind::Punct && matches!(token.text, "(" | "[" | "{")
}

fn is_closer(token: &Token) -> bool {
    token.kind == Kind::Punct && matches!(token.text, ")" | "]" | "}")
}

/// What the layout knows of each token before it writes any.
struct Plan {
    /// The previous token that is not a comment.
    prev_code: Vec<Option<usize>>,
    /// The matching bracket of each bracket.
    partner: Vec<Option<usize>>,
    /// An opening bracket followed by a line break, and its closing one.
    hanging: Vec<bool>,
    /// An enum's or an article's brace (spaced inside), not a set's.
    block_brace: Vec<bool>,
    /// A `-` that negates.
    unary: Vec<bool>,
    anchor: Vec<Option<Anchor>>,
}

impl Plan {
    fn of(tokens: &[Token], shape: &Shape) -> Plan {
        let count = tokens.len();
        let mut plan = Plan {
            prev_code: vec![None; count],
            partner: vec![None; count],
            hanging: vec![false; count],
            block_brace: vec![false; count],
            unary: vec![false; count],
            anchor: vec![None; count],
        };
        let mut last_code = None;
        let mut open: Vec<usize> = Vec::new();
        for (index, token) in tokens.iter().enumerate() {
            plan.prev_code[index] = last_code;
            let prev = last_code.map(|p| &tokens[p]);
            if let Some(anchor) = shape.anchors.get(&token.start) {
                plan.anchor[index] = Some(*anchor);
            }
            if let (Some(anchor), Some(p)) = (shape.anchors_before.get(&token.start), last_code) {
                plan.anchor[p] = Some(*anchor);
            }
            if is_opener(token) {
                open.push(index);
                plan.block_brace[index] = token.text == "{"
                    && prev.is_some_and(|p| {
                        p.kind == Kind::Str || (p.kind == Kind::Word && !is_keyword(p))
                    });
                let next_code = tokens[index + 1..].iter().position(|t| !t.is_comment());
                plan.hanging[index] = match next_code {
                    Some(offset) => tokens[index + 1..=index + 1 + offset]
                        .iter()
                        .any(|t| t.breaks > 0),
                    None => false,
                };
            } else if is_closer(token) {
                if let Some(opener) = open.pop() {
                    plan.partner[opener] = Some(index);
                    plan.partner[index] = Some(opener);
                    plan.hanging[index] = plan.hanging[opener];
                    plan.block_brace[index] = plan.block_brace[opener];
                }
            }
            plan.unary[index] = token.is("-") && !prev.is_some_and(ends_operand);
            if !token.is_comment() {
                last_code = Some(index);
            }
        }
        plan
    }
}

/// Whether the word at `index` ends a phrase an operand follows
/// (`eventually (…)`, `leads to (…)`, `not later than (…)`, `before (…)`):
/// a blank after it, not a call's glued `(`.
fn ends_phrase(plan: &Plan, tokens: &[Token], index: usize) -> bool {
    let before = plan.prev_code[index].map(|p| tokens[p].text);
    match tokens[index].text {
        "eventually" | "before" => true,
        "to" => before == Some("leads"),
        "than" => before == Some("later"),
        _ => false,
    }
}

/// Whether no blank goes between two tokens of one line.
fn glued(plan: &Plan, tokens: &[Token], prev: usize, index: usize) -> bool {
    let (p, t) = (&tokens[prev], &tokens[index]);
    if p.is_comment() || t.is_comment() {
        return false;
    }
    let set_brace = |i: usize| !plan.block_brace[i];
    (t.kind == Kind::Punct
        && matches!(t.text, "," | ")" | "]" | ":" | "." | "'" | "?" | ".." | "/"))
        || (t.is("}") && set_brace(index))
        || (p.kind == Kind::Punct && matches!(p.text, "(" | "[" | "#" | ".." | "/"))
        || (p.is("{") && set_brace(prev))
        || plan.unary[prev]
        || (t.is("(")
            && (p.is("'")
                || (p.kind == Kind::Word && !is_keyword(p) && !ends_phrase(plan, tokens, prev))))
        || (t.is("[") && p.kind == Kind::Word)
}

/// Whether the line break before a token is dropped.
fn joins(plan: &Plan, tokens: &[Token], index: usize) -> bool {
    let t = &tokens[index];
    let Some(prev) = index.checked_sub(1) else {
        return true;
    };
    let p = &tokens[prev];
    if p.kind == Kind::LineComment {
        return false;
    }
    if is_closer(t) {
        return !plan.hanging[index];
    }
    (t.kind == Kind::Punct && matches!(t.text, "," | ":" | "." | "'" | "?" | ".." | "/"))
        || (p.kind == Kind::Punct && matches!(p.text, "#" | ".." | "/"))
        || plan.unary[prev]
}

/// Whether a token starts a line, and after how many blank lines.
fn line_start(plan: &Plan, tokens: &[Token], depth: usize, index: usize) -> Option<usize> {
    let t = &tokens[index];
    if index == 0 {
        return Some(0);
    }
    let prev = &tokens[index - 1];
    // `/* note */ var x`: a block comment that starts a line stays on the
    // line of what it precedes.
    let led_by_comment =
        prev.kind == Kind::BlockComment && t.breaks == 0 && (prev.breaks > 0 || index == 1);
    let forced = prev.kind == Kind::LineComment
        || (plan.anchor[index].is_some_and(|a| a.own_line) && !led_by_comment)
        || (is_closer(t) && plan.hanging[index]);
    if !forced && (t.breaks == 0 || joins(plan, tokens, index)) {
        return None;
    }
    let most = if is_opener(prev) || is_closer(t) {
        0
    } else if depth == 0 {
        BLANKS_TOP
    } else {
        BLANKS_INNER
    };
    Some(t.breaks.saturating_sub(1).min(most))
}

/// An open bracket while writing.
struct Open {
    index: usize,
    line_indent: usize,
    /// The column just after the bracket (and its blank, for a block brace).
    column: usize,
}

struct Writer<'t, 's> {
    tokens: &'t [Token<'s>],
    out: String,
    column: usize,
    /// Each token's line.
    line_of: Vec<usize>,
    /// Each line's indentation and first token.
    lines: Vec<(usize, usize)>,
    open: Vec<Open>,
    /// Regions containing the current position, innermost last.
    regions: Vec<Region>,
    next_region: usize,
}

/// The spec's tokens laid out.
pub fn layout(tokens: &[Token], shape: &Shape) -> String {
    let plan = Plan::of(tokens, shape);
    let mut writer = Writer {
        tokens,
        out: String::new(),
        column: 0,
        line_of: vec![0; tokens.len()],
        lines: Vec::new(),
        open: Vec::new(),
        regions: Vec::new(),
        next_region: 0,
    };
    for index in 0..tokens.len() {
        let token = &tokens[index];
        match line_start(&plan, tokens, writer.open.len(), index) {
            Some(blanks) => {
                let indent = writer.indent(&plan, shape, index);
                if index > 0 {
                    writer.out.push('\n');
                }
                for _ in 0..blanks {
                    writer.out.push('\n');
                }
                writer.out.extend(std::iter::repeat_n(' ', indent));
                writer.column = indent;
                writer.lines.push((indent, index));
            }
            None => {
                if index > 0 && !glued(&plan, tokens, index - 1, index) {
                    writer.out.push(' ');
                    writer.column += 1;
                }
            }
        }
        writer.line_of[index] = writer.lines.len().saturating_sub(1);
        writer.out.push_str(token.text);
        match token.text.rfind('\n') {
            Some(at) => writer.column = token.text[at + 1..].chars().count(),
            None => writer.column += token.text.chars().count(),
        }
        if is_opener(token) {
            let line_indent = writer.lines.last().map_or(0, |line| line.0);
            let spaced = usize::from(plan.block_brace[index]);
            writer.open.push(Open {
                index,
                line_indent,
                column: writer.column + spaced,
            });
        } else if is_closer(token) && plan.partner[index].is_some() {
            writer.open.pop();
        }
    }
    if !writer.out.is_empty() {
        writer.out.push('\n');
    }
    writer.out
}

impl Writer<'_, '_> {
    /// The indentation of a line that starts at `index`.
    fn indent(&mut self, plan: &Plan, shape: &Shape, index: usize) -> usize {
        let tokens = self.tokens;
        // A comment takes the indentation of the code after it.
        let code = (index..tokens.len())
            .find(|&i| !tokens[i].is_comment())
            .unwrap_or(index);
        if code >= tokens.len() || tokens[code].is_comment() {
            return 0;
        }
        if let Some(anchor) = plan.anchor[code] {
            let closing = is_closer(&tokens[code]);
            return if closing && code != index {
                anchor.indent + INDENT
            } else {
                anchor.indent
            };
        }
        let position = tokens[code].start;
        let region = self.region_at(shape, position).and_then(|region| {
            match tokens.binary_search_by_key(&region.span.start, |t| t.start) {
                Ok(start) if start < index => Some((region.kind, start)),
                _ => None,
            }
        });
        // The innermost open bracket rules, unless a region starts on a
        // later line than it (effects inside an exception's braces).
        let bracket = self.open.last().filter(|open| {
            region.is_none_or(|(_, start)| self.line_of[start] <= self.line_of[open.index])
        });
        if let Some(open) = bracket {
            if plan.hanging[open.index] {
                let closing = is_closer(&tokens[code]) && code == index;
                return open.line_indent + if closing { 0 } else { INDENT };
            }
            return open.column;
        }
        let Some((kind, start)) = region else {
            return 0;
        };
        let (line_indent, first) = self.lines[self.line_of[start]];
        match kind {
            RegionKind::Header => line_indent + INDENT,
            // `(forall …` on a line of its own: the parenthesis is the
            // expression's start.
            RegionKind::Expr
                if tokens[first..start]
                    .iter()
                    .all(|t| t.is_comment() || is_opener(t)) =>
            {
                line_indent
            }
            RegionKind::Expr => line_indent + INDENT,
        }
    }

    /// The innermost region that contains `position` and starts before it.
    fn region_at(&mut self, shape: &Shape, position: usize) -> Option<Region> {
        while let Some(region) = shape.regions.get(self.next_region) {
            if region.span.start >= position {
                break;
            }
            while self
                .regions
                .last()
                .is_some_and(|r| r.span.end <= region.span.start)
            {
                self.regions.pop();
            }
            self.regions.push(*region);
            self.next_region += 1;
        }
        while self.regions.last().is_some_and(|r| r.span.end <= position) {
            self.regions.pop();
        }
        self.regions.last().copied()
    }
}

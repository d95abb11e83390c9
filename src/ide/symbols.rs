//! The outline of a spec, from its AST: articles holding their clauses,
//! enums holding their values, and every other declaration and command.

use crate::ast::{self, ItemKind};
use crate::span::{Ident, Span};

/// What a symbol is, for the editor's icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Calendar,
    Enum,
    EnumValue,
    Sort,
    SortElement,
    Const,
    Var,
    Event,
    Define,
    /// An axiom, init, lemma or assertion.
    Formula,
    Article,
    Clause,
    Command,
}

/// One entry of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// A short description: a formula's kind, a clause's text, a type.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole declaration.
    pub span: Span,
    /// Its name (inside `span`).
    pub selection: Span,
    pub children: Vec<Symbol>,
}

/// Characters of a clause's text a symbol's detail keeps.
const DETAIL_CHARS: usize = 60;

pub fn of(charter: &ast::Charter) -> Vec<Symbol> {
    charter.items.iter().map(item_symbol).collect()
}

fn leaf(name: &Ident, kind: SymbolKind, span: Span, detail: Option<String>) -> Symbol {
    Symbol {
        name: name.node.clone(),
        detail,
        kind,
        span: span.join(name.span),
        selection: name.span,
        children: Vec::new(),
    }
}

fn item_symbol(item: &ast::Item) -> Symbol {
    let span = item.span;
    match &item.kind {
        ItemKind::Calendar(calendar) => Symbol {
            name: "calendar".into(),
            detail: Some(calendar.range_text()),
            kind: SymbolKind::Calendar,
            span,
            selection: span,
            children: Vec::new(),
        },
        ItemKind::Enum(decl) => Symbol {
            children: decl
                .values
                .iter()
                .map(|v| leaf(v, SymbolKind::EnumValue, v.span, None))
                .collect(),
            ..leaf(&decl.name, SymbolKind::Enum, span, Some("enum".into()))
        },
        ItemKind::Sort(decl) => Symbol {
            children: decl
                .names
                .iter()
                .map(|v| leaf(v, SymbolKind::SortElement, v.span, None))
                .collect(),
            ..leaf(&decl.name, SymbolKind::Sort, span, Some("sort".into()))
        },
        ItemKind::Const(decl) => leaf(&decl.name, SymbolKind::Const, span, Some("const".into())),
        ItemKind::Var(decl) => leaf(&decl.name, SymbolKind::Var, span, Some("var".into())),
        ItemKind::Event(decl) => leaf(&decl.name, SymbolKind::Event, span, Some("event".into())),
        ItemKind::Define(decl) => leaf(&decl.name, SymbolKind::Define, span, Some("define".into())),
        ItemKind::Axiom(f) => formula(f, "axiom", span),
        ItemKind::Init(f) => formula(f, "init", span),
        ItemKind::Lemma(f) => formula(f, "lemma", span),
        ItemKind::Assert(f) => formula(f, "assert", span),
        ItemKind::Article(article) => Symbol {
            name: format!("article {}", article.number.node),
            detail: article.title.as_ref().map(|t| short(&t.node)),
            kind: SymbolKind::Article,
            span,
            selection: article.number.span,
            children: article.clauses.iter().map(clause).collect(),
        },
        ItemKind::Clause(c) => clause(c),
        ItemKind::Readings(decl) => Symbol {
            children: decl
                .readings
                .iter()
                .map(|r| {
                    let text = r.text.as_ref().map(|t| short(&t.node));
                    leaf(&r.name, SymbolKind::EnumValue, r.name.span, text)
                })
                .collect(),
            detail: decl.text.as_ref().map(|t| short(&t.node)),
            ..leaf(&decl.name, SymbolKind::Enum, span, Some("readings".into()))
        },
        ItemKind::Command(command) => {
            let kind = match command.kind {
                ast::CommandKind::Check => "check",
                ast::CommandKind::Prove => "prove",
                ast::CommandKind::Scenario { .. } => "scenario",
                ast::CommandKind::Compare { .. } => "compare",
                ast::CommandKind::Diverge { .. } => "diverge",
            };
            Symbol {
                name: format!("{kind} {}", command.name.node),
                ..leaf(&command.name, SymbolKind::Command, span, Some(kind.into()))
            }
        }
    }
}

fn formula(formula: &ast::Formula, kind: &str, span: Span) -> Symbol {
    leaf(&formula.name, SymbolKind::Formula, span, Some(kind.into()))
}

fn clause(clause: &ast::Clause) -> Symbol {
    let detail = clause.text.as_ref().map(|t| short(&t.node));
    leaf(&clause.name, SymbolKind::Clause, clause.span, detail)
}

/// A text on one line, cut at [`DETAIL_CHARS`] characters.
fn short(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = line.chars().take(DETAIL_CHARS).collect();
    if line.chars().count() > DETAIL_CHARS {
        out.push('…');
    }
    crate::printable(&out)
}

//! The library's answers ([`charter::ide`]) as LSP values: byte spans as
//! ranges in UTF-16 code units, diagnostics with their code, help and
//! secondary labels, outline and completion kinds.

use lsp_types as lsp;

use charter::ide::{self, Analysis, DeclKind, SymbolKind};
use charter::report::{JsonDiagnostic, JsonSeverity};
use charter::span::Span;

pub fn position(analysis: &Analysis, offset: usize) -> lsp::Position {
    let at = analysis.lines.position(&analysis.text, offset);
    lsp::Position::new(at.line, at.character)
}

pub fn range(analysis: &Analysis, span: Span) -> lsp::Range {
    lsp::Range::new(position(analysis, span.start), position(analysis, span.end))
}

pub fn offset(analysis: &Analysis, position: lsp::Position) -> usize {
    analysis.lines.offset(
        &analysis.text,
        ide::Position {
            line: position.line,
            character: position.character,
        },
    )
}

/// One diagnostic as the CLI has it: the range of its primary label (else
/// its first; else the start of the text), the message with the primary
/// label's words and the help, the other labels as related information.
pub fn diagnostic(analysis: &Analysis, uri: &lsp::Uri, d: &JsonDiagnostic) -> lsp::Diagnostic {
    let primary = d
        .labels
        .iter()
        .position(|l| l.primary)
        .or((!d.labels.is_empty()).then_some(0));
    let span = primary.map_or(Span::default(), |i| {
        Span::new(d.labels[i].start, d.labels[i].end)
    });
    let mut message = d.message.clone();
    if let Some(words) = primary.and_then(|i| d.labels[i].message.as_ref()) {
        if *words != d.message {
            message.push_str(&format!("\n{words}"));
        }
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != primary)
        .map(|(_, label)| lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(
                uri.clone(),
                range(analysis, Span::new(label.start, label.end)),
            ),
            message: label.message.clone().unwrap_or_else(|| "here".into()),
        })
        .collect();
    lsp::Diagnostic {
        range: range(analysis, span),
        severity: Some(match d.severity {
            JsonSeverity::Error => lsp::DiagnosticSeverity::ERROR,
            JsonSeverity::Warning => lsp::DiagnosticSeverity::WARNING,
            JsonSeverity::Advice => lsp::DiagnosticSeverity::HINT,
        }),
        code: (!d.code.is_empty()).then(|| lsp::NumberOrString::String(d.code.clone())),
        source: Some("charter".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp::Diagnostic::default()
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
pub fn symbol(analysis: &Analysis, symbol: &ide::Symbol) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: symbol.name.clone(),
        detail: symbol.detail.clone(),
        kind: match symbol.kind {
            SymbolKind::Calendar => lsp::SymbolKind::PACKAGE,
            SymbolKind::Enum => lsp::SymbolKind::ENUM,
            SymbolKind::EnumValue => lsp::SymbolKind::ENUM_MEMBER,
            SymbolKind::Sort => lsp::SymbolKind::CLASS,
            SymbolKind::SortElement => lsp::SymbolKind::OBJECT,
            SymbolKind::Const => lsp::SymbolKind::CONSTANT,
            SymbolKind::Var => lsp::SymbolKind::VARIABLE,
            SymbolKind::Event => lsp::SymbolKind::EVENT,
            SymbolKind::Define => lsp::SymbolKind::FUNCTION,
            SymbolKind::Formula => lsp::SymbolKind::PROPERTY,
            SymbolKind::Article => lsp::SymbolKind::NAMESPACE,
            SymbolKind::Clause => lsp::SymbolKind::STRUCT,
            SymbolKind::Command => lsp::SymbolKind::METHOD,
        },
        tags: None,
        deprecated: None,
        range: range(analysis, symbol.span),
        selection_range: range(analysis, symbol.selection),
        children: (!symbol.children.is_empty()).then(|| {
            symbol
                .children
                .iter()
                .map(|c| self::symbol(analysis, c))
                .collect()
        }),
    }
}

pub fn completion(completion: &ide::Completion) -> lsp::CompletionItem {
    let kind = match completion.kind {
        None => lsp::CompletionItemKind::KEYWORD,
        Some(DeclKind::Enum) => lsp::CompletionItemKind::ENUM,
        Some(DeclKind::EnumValue) => lsp::CompletionItemKind::ENUM_MEMBER,
        Some(DeclKind::Sort) => lsp::CompletionItemKind::CLASS,
        Some(DeclKind::SortElement | DeclKind::Const) => lsp::CompletionItemKind::CONSTANT,
        Some(DeclKind::Event) => lsp::CompletionItemKind::EVENT,
        Some(DeclKind::Define) => lsp::CompletionItemKind::FUNCTION,
        Some(DeclKind::Clause) => lsp::CompletionItemKind::MODULE,
        Some(
            DeclKind::Axiom
            | DeclKind::Init
            | DeclKind::Lemma
            | DeclKind::Assert
            | DeclKind::Scenario,
        ) => lsp::CompletionItemKind::PROPERTY,
        Some(
            DeclKind::Var
            | DeclKind::Parameter
            | DeclKind::Bound
            | DeclKind::Binding
            | DeclKind::Now,
        ) => lsp::CompletionItemKind::VARIABLE,
    };
    lsp::CompletionItem {
        label: completion.label.clone(),
        kind: Some(kind),
        detail: Some(completion.detail.clone()),
        ..lsp::CompletionItem::default()
    }
}

//! Rendering results for people and programs: miette diagnostics with a
//! fixed theme and width (so output does not depend on the terminal), short
//! summaries, and the JSON form. Returns strings; the binary prints them.
//!
//! `summary.rs`: what a valid spec declares; `verdicts.rs`: a command's
//! outcome and verdict line; `timeline.rs`: histories; `lint.rs`: lint
//! findings; `repair.rs`: repair suggestions; `json.rs`: every JSON shape
//! charter prints; `html/`: the self-contained page of `charter report`.

mod compare;
mod diff;
mod html;
mod json;
mod lint;
mod repair;
mod summary;
mod timeline;
mod verdicts;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, Severity};

use crate::span::Span;
use crate::trace::ClauseRef;

pub use diff::{diff, JsonDiff};
pub use html::{escape as html_escape, html, Linted, Page};
pub use json::*;
pub use lint::lint_finding;
pub use repair::repair;
pub use summary::summary;
pub use timeline::{render_trace, BIG_SET};
pub use verdicts::{outcome, verdict_line};

/// A spec's text as displayed in diagnostics, with the name it is shown under.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    /// Invalid UTF-8 is displayed with replacement characters; diagnostics
    /// about encoding point into this text.
    pub fn from_bytes(name: &str, bytes: &[u8]) -> SourceFile {
        SourceFile {
            name: name.to_string(),
            text: String::from_utf8_lossy(bytes).into_owned(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rfind('\n')
            .map_or(before, |newline| &before[newline + 1..])
            .chars()
            .count()
            + 1;
        (line, column)
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Never,
    Always,
}

/// Longest line, in characters, that diagnostics quote. miette pads the
/// underline of a label with a formatting width, which panics past 65,535
/// columns (tabs count four); quoting a line of a megabyte helps nobody
/// anyway. Labels on longer lines are given as `file:line:column`.
const MAX_QUOTED_LINE: usize = 10_000;

/// Renders one diagnostic against its source, as a human reads it.
pub fn render(diagnostic: &dyn Diagnostic, source: &SourceFile, color: Color) -> String {
    let theme = match color {
        Color::Never => GraphicalTheme::unicode_nocolor(),
        Color::Always => GraphicalTheme::unicode(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(80)
        .with_links(false);
    let labels: Vec<miette::LabeledSpan> = diagnostic
        .labels()
        .map(Iterator::collect)
        .unwrap_or_default();
    let quotable = labels.iter().all(|label| {
        line_length(&source.text, label.offset()) <= MAX_QUOTED_LINE
            && line_length(&source.text, label.offset() + label.len()) <= MAX_QUOTED_LINE
    });
    let with_source = WithSource {
        inner: diagnostic,
        source: quotable.then(|| {
            NamedSource::new(
                crate::printable(&source.name),
                crate::printable_in_place(&source.text),
            )
        }),
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &with_source).is_err() {
        out = format!("{diagnostic}\n");
    }
    if !quotable {
        for label in &labels {
            let at = position(
                source,
                Span::new(label.offset(), label.offset() + label.len()),
            );
            match label.label() {
                Some(text) => out.push_str(&format!("  at {at}: {text}\n")),
                None => out.push_str(&format!("  at {at}\n")),
            }
        }
    }
    out
}

/// The length in characters of the line holding byte `offset`.
fn line_length(text: &str, offset: usize) -> usize {
    let offset = floor_char_boundary(text, offset);
    let start = text[..offset].rfind('\n').map_or(0, |newline| newline + 1);
    let end = text[offset..]
        .find('\n')
        .map_or(text.len(), |newline| offset + newline);
    text[start..end].chars().count()
}

/// A diagnostic paired with the text its spans point into, if it is to be
/// quoted.
struct WithSource<'a> {
    inner: &'a dyn Diagnostic,
    source: Option<NamedSource<String>>,
}

impl std::fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.inner, f)
    }
}

impl std::fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|source| source as &dyn miette::SourceCode)
    }
}

/// A span as `line:column` for short messages.
pub fn position(source: &SourceFile, span: Span) -> String {
    let (line, column) = source.line_column(span.start);
    format!("{}:{line}:{column}", source.name)
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub(crate) fn one_line(text: &str) -> String {
    crate::printable(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Scopes as a command's outcome names them: `Person = 7, Question = 3`.
pub(crate) fn scopes(scopes: &[(String, u64)]) -> String {
    let scopes: Vec<String> = scopes
        .iter()
        .map(|(sort, size)| format!("{sort} = {size}"))
        .collect();
    scopes.join(", ")
}

/// Clauses by name (and article), as a timeline or outcome names them.
pub(crate) fn clauses(by: &[ClauseRef]) -> String {
    let names: Vec<String> = by
        .iter()
        .map(|c| {
            let mut notes: Vec<String> = c.article.iter().map(|a| format!("art. {a}")).collect();
            if !c.exception_to.is_empty() {
                notes.push(format!("an exception to {}", c.exception_to.join(", ")));
            }
            if notes.is_empty() {
                c.clause.clone()
            } else {
                format!("{} ({})", c.clause, notes.join("; "))
            }
        })
        .collect();
    names.join(", ")
}

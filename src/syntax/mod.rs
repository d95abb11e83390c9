//! Source text to [`ast::Charter`]. The prescan rejects what recursive
//! descent handles badly (size, encoding, unterminated strings and comments,
//! unbalanced or deep brackets); the pest parser does the rest.

mod error;
mod parser;
mod prescan;

pub use error::SyntaxError;
pub use parser::MAX_EXPR_DEPTH;
pub use prescan::{MAX_NESTING, MAX_SOURCE_BYTES};

use crate::ast;

/// The language's reserved words: never names.
pub const KEYWORDS: &[&str] = &[
    "charter",
    "enum",
    "sort",
    "const",
    "var",
    "event",
    "requires",
    "define",
    "axiom",
    "init",
    "lemma",
    "article",
    "clause",
    "on",
    "when",
    "unless",
    "always",
    "assert",
    "check",
    "prove",
    "scenario",
    "not",
    "and",
    "or",
    "implies",
    "iff",
    "in",
    "union",
    "intersect",
    "if",
    "then",
    "else",
    "forall",
    "exists",
    "exactly",
    "no",
    "once",
    "previously",
    "historically",
    "since",
    "none",
    "is",
    "true",
    "false",
    "set",
    "Bool",
    "Int",
];

/// Decodes raw bytes as a spec's text. Diagnostics about the bytes point into
/// `String::from_utf8_lossy(bytes)`, which is what should be displayed.
pub fn decode(bytes: &[u8]) -> Result<&str, SyntaxError> {
    prescan::decode(bytes)
}

/// Parses a spec's text into its syntax tree.
pub fn parse(source: &str) -> Result<ast::Charter, SyntaxError> {
    prescan::scan(source)?;
    parser::parse_spec(source)
}

//! `charter fmt`: one canonical layout of a spec's text. The spec is parsed
//! first (a spec with a syntax error is not formatted: the error is
//! returned); the syntax tree says where declarations, clauses, rules and
//! expressions begin (`shape.rs`), and the text cut into tokens
//! (`lex.rs`) is written again with canonical blanks between them
//! (`layout.rs`). Only blanks change: every token — each comment, each
//! quoted text, byte for byte — is written as it was, so the formatted
//! spec means what the original means (`tests/fmt.rs` compares their
//! `hir`), and formatting it again changes nothing.

mod layout;
mod lex;
mod shape;

use crate::syntax::{self, SyntaxError};

/// The spec's text in the canonical layout.
pub fn format(source: &str) -> Result<String, SyntaxError> {
    let charter = syntax::parse(source)?;
    let tokens = lex::tokens(source);
    let shape = shape::shape(&charter);
    Ok(layout::layout(&tokens, &shape))
}

//! charter: formal verification of institutional rules.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! source text ─ [`syntax`] ─▶ [`ast`] ─ [`check`] ─▶ [`hir`] ─▶ …
//! The library does no I/O: it takes text and returns data.

pub mod ast;
pub mod span;
pub mod syntax;

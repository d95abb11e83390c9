//! charter: formal verification of institutional rules.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//!
//! ```text
//! bytes ─ syntax ─▶ ast::Charter ─ check ─▶ hir::Charter ─ lower ─▶ ir::System ─ solve ─▶ verify::Verdict + trace::Trace ─ report ─▶ text / JSON
//! ```
//!
//! The library does no I/O: it takes text and returns data; [`report`]
//! renders data as text, and the binary prints it.

pub mod ast;
pub mod check;
pub mod hir;
pub mod ir;
pub mod lower;
pub mod report;
pub mod solve;
pub mod span;
pub mod syntax;
pub mod trace;
pub mod verify;

/// A spec that parsed, with the checker's verdict on it.
#[derive(Debug)]
pub struct Loaded {
    pub ast: ast::Charter,
    pub checked: Result<check::Checked, Vec<check::CheckError>>,
}

/// The front end: decodes, parses and checks a spec's bytes.
pub fn load(bytes: &[u8]) -> Result<Loaded, syntax::SyntaxError> {
    let text = syntax::decode(bytes)?;
    let ast = syntax::parse(text)?;
    let checked = check::check(&ast);
    Ok(Loaded { ast, checked })
}

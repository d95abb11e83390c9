//! What an editor asks about a spec, answered from its text: diagnostics
//! (the CLI's own: codes, messages, spans and help), the name at an offset
//! and its declaration, its uses, a hover text, the outline, completions,
//! and the commands a code lens runs. No I/O and no protocol: the language
//! server (`src/bin/charter/lsp.rs`) turns these into LSP messages, byte
//! spans into UTF-16 positions with [`LineIndex`].
//!
//! A spec that does not check still has its names and outline (from the
//! AST); one that does not parse has its diagnostic alone.
//!
//! `names.rs`: declarations and resolved uses; `lines.rs`: offsets and
//! positions; `hover.rs`: hover texts; `symbols.rs`: the outline.

mod hover;
mod lines;
mod names;
mod symbols;

pub use lines::{LineIndex, Position};
pub use names::{Decl, DeclId, DeclKind, Names, Use};
pub use symbols::{Symbol, SymbolKind};

use crate::plan::{Overrides, Plan};
use crate::report::{self, JsonDiagnostic, SourceFile};
use crate::span::Span;
use crate::{ast, check};

/// One spec's text, parsed and checked once, and what is known about it.
pub struct Analysis {
    pub text: String,
    pub lines: LineIndex,
    /// `None` when the text does not parse.
    pub ast: Option<ast::Charter>,
    /// `None` when the spec does not parse or check.
    pub checked: Option<check::Checked>,
    pub names: Names,
    /// Errors, or the warnings of a spec that checks, in the CLI's order.
    pub diagnostics: Vec<JsonDiagnostic>,
}

/// A hover: the text (Markdown) and the name it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub span: Span,
}

/// A completion: a name in scope (with what it declares) or a keyword.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    /// `None` for a keyword.
    pub kind: Option<DeclKind>,
    pub detail: String,
}

/// A command of the spec, for a code lens that runs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandAt {
    /// Its place among the spec's commands (what [`Analysis::run`] takes).
    pub index: usize,
    /// `check`, `prove`, `scenario`, `compare` or `diverge`.
    pub kind: &'static str,
    pub name: String,
    pub span: Span,
}

/// A command's result for the editor: the verdict in one line, the report
/// the CLI prints, and whether it is what the spec expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ran {
    pub verdict: String,
    pub report: String,
    pub succeeded: bool,
}

/// Words the grammar reads in context (they stay usable as names), offered
/// as completions beside [`crate::syntax::KEYWORDS`].
const CONTEXTUAL_WORDS: &[&str] = &[
    "calendar",
    "days",
    "weeks",
    "months",
    "years",
    "within",
    "at least",
    "after",
    "last",
    "of",
    "sum",
    "may",
    "must",
    "must not",
    "overrides",
    "names",
    "alphabetical",
    "any event",
    "except",
    "depth",
    "scope",
    "expect",
    "allowing",
    "assuming fair",
    "decreasing",
    "proved",
    "counterexample",
    "no counterexample",
    "witness",
    "no witness",
    "unknown",
    "some",
    "exactly one",
    "at most one",
    "next",
    "value",
];

impl Analysis {
    /// Parses and checks `text` (on a thread with room for deep specs).
    pub fn new(text: &str) -> Analysis {
        let source = SourceFile {
            name: String::new(),
            text: text.to_string(),
        };
        let mut diagnostics = Vec::new();
        let mut tree = None;
        let mut checked = None;
        match crate::load(text.as_bytes()) {
            Err(error) => diagnostics.push(report::json_diagnostic(&error, &source)),
            Ok(loaded) => {
                match loaded.checked {
                    Ok(ok) => {
                        diagnostics.extend(
                            ok.warnings
                                .iter()
                                .map(|w| report::json_diagnostic(w, &source)),
                        );
                        checked = Some(ok);
                    }
                    Err(errors) => diagnostics
                        .extend(errors.iter().map(|e| report::json_diagnostic(e, &source))),
                }
                tree = Some(loaded.ast);
            }
        }
        let names = tree
            .as_ref()
            .map(|tree| crate::with_stack(|| Names::of(tree, text)))
            .unwrap_or_default();
        Analysis {
            text: text.to_string(),
            lines: LineIndex::new(text),
            ast: tree,
            checked,
            names,
            diagnostics,
        }
    }

    /// The name of the declaration named at `offset`.
    pub fn definition(&self, offset: usize) -> Option<Span> {
        let decl = &self.names.decls[self.names.at(offset)?];
        (!decl.span.is_empty()).then_some(decl.span)
    }

    /// Every use of the declaration named at `offset`, and the declaration
    /// itself first if asked.
    pub fn references(&self, offset: usize, with_declaration: bool) -> Vec<Span> {
        let Some(id) = self.names.at(offset) else {
            return Vec::new();
        };
        let decl = &self.names.decls[id];
        let mut spans = Vec::new();
        if with_declaration && !decl.span.is_empty() {
            spans.push(decl.span);
        }
        spans.extend(self.names.uses_of(id));
        spans
    }

    /// What the name at `offset` declares: its declaration and type; for a
    /// clause, formula or scenario, its quoted text.
    pub fn hover(&self, offset: usize) -> Option<Hover> {
        let id = self.names.at(offset)?;
        let span = self
            .names
            .uses
            .iter()
            .find(|u| u.decl == id && u.span.start <= offset && offset <= u.span.end)
            .map_or(self.names.decls[id].span, |u| u.span);
        Some(Hover {
            markdown: hover::markdown(self, &self.names.decls[id]),
            span,
        })
    }

    /// The outline: articles holding their clauses, and every other
    /// declaration and command.
    pub fn symbols(&self) -> Vec<Symbol> {
        self.ast.as_ref().map(symbols::of).unwrap_or_default()
    }

    /// The names visible at `offset` and the keywords. Where the text does
    /// not parse (as while typing), the global names of `fallback` (the
    /// last version that did).
    pub fn completions(&self, offset: usize, fallback: Option<&Analysis>) -> Vec<Completion> {
        let names: Vec<&Decl> = if self.ast.is_some() {
            self.names.visible(offset)
        } else {
            fallback.map_or_else(Vec::new, |f| {
                f.names
                    .visible(0)
                    .into_iter()
                    .filter(|d| d.scope.is_none())
                    .collect()
            })
        };
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<Completion> = names
            .into_iter()
            .filter(|d| !d.name.is_empty() && seen.insert(d.name.clone()))
            .map(|d| Completion {
                label: d.name.clone(),
                kind: Some(d.kind),
                detail: d.kind.describe().into(),
            })
            .collect();
        for word in crate::syntax::KEYWORDS.iter().chain(CONTEXTUAL_WORDS) {
            if seen.insert((*word).to_string()) {
                out.push(Completion {
                    label: (*word).to_string(),
                    kind: None,
                    detail: "keyword".into(),
                });
            }
        }
        out
    }

    /// The spec's commands, in order.
    pub fn commands(&self) -> Vec<CommandAt> {
        let Some(tree) = &self.ast else {
            return Vec::new();
        };
        let commands = |comparisons: bool| {
            tree.items.iter().filter_map(move |item| match &item.kind {
                ast::ItemKind::Command(command) if command.kind.compares() == comparisons => {
                    Some((command, item.span))
                }
                _ => None,
            })
        };
        // The spec's other commands, then its comparisons of readings
        // (`compare`, `diverge`), as `charter verify` runs them.
        commands(false)
            .chain(commands(true))
            .enumerate()
            .map(|(index, (command, span))| CommandAt {
                index,
                kind: match command.kind {
                    ast::CommandKind::Check => "check",
                    ast::CommandKind::Prove => "prove",
                    ast::CommandKind::Scenario { .. } => "scenario",
                    ast::CommandKind::Compare { .. } => "compare",
                    ast::CommandKind::Diverge { .. } => "diverge",
                },
                name: command.name.node.clone(),
                span,
            })
            .collect()
    }

    /// Runs the `index`th command with a time budget for the whole run, as
    /// `charter verify` would; an error says why it cannot run.
    pub fn run(&self, index: usize, timeout_ms: u64) -> Result<Ran, String> {
        let Some(checked) = &self.checked else {
            return Err("the spec has errors: fix them to run its commands".into());
        };
        let charter = &checked.charter;
        if let Some(comparison) = index
            .checked_sub(charter.commands.len())
            .and_then(|j| checked.comparisons.get(j))
        {
            return self.compare(checked, comparison, timeout_ms);
        }
        let command = charter
            .commands
            .get(index)
            .filter(|c| {
                self.commands()
                    .get(index)
                    .is_some_and(|at| at.name == c.name)
            })
            .ok_or_else(|| format!("the spec has no command number {}", index + 1))?;
        let mut overrides = Overrides::default();
        overrides.limits.budget = crate::budget::Budget::new(
            Some(std::time::Duration::from_millis(timeout_ms)),
            crate::budget::DEFAULT_MAX_MEMORY,
        );
        let plan = Plan::resolve(charter, command, &overrides).map_err(|e| e.message("spec"))?;
        let outcomes = crate::verify::run(charter, &[plan]);
        let outcome = outcomes
            .first()
            .ok_or_else(|| "the command gave no verdict".to_string())?;
        let source = SourceFile {
            name: String::new(),
            text: self.text.clone(),
        };
        Ok(Ran {
            verdict: report::verdict_line(outcome),
            report: report::outcome(outcome, &source),
            succeeded: outcome.succeeded(),
        })
    }

    /// Runs a comparison of readings (once per choice of the other
    /// groups' readings, as `charter verify` does).
    fn compare(
        &self,
        checked: &crate::check::Checked,
        comparison: &crate::hir::Comparison,
        timeout_ms: u64,
    ) -> Result<Ran, String> {
        let mut overrides = Overrides::default();
        overrides.limits.budget = crate::budget::Budget::new(
            Some(std::time::Duration::from_millis(timeout_ms)),
            crate::budget::DEFAULT_MAX_MEMORY,
        );
        let charters: Vec<&crate::hir::Charter> = checked.selections().collect();
        let outcomes =
            crate::compare::run_on(&charters, std::slice::from_ref(comparison), &overrides)
                .map_err(|e| e.message("spec"))?;
        let source = SourceFile {
            name: String::new(),
            text: self.text.clone(),
        };
        let verdicts: Vec<String> = outcomes
            .iter()
            .filter_map(|o| {
                Some(
                    report::outcome(o, &source)
                        .lines()
                        .nth(1)?
                        .trim()
                        .to_string(),
                )
            })
            .collect();
        Ok(Ran {
            verdict: verdicts.join("; "),
            report: outcomes
                .iter()
                .map(|o| report::outcome(o, &source))
                .collect::<Vec<_>>()
                .join("\n"),
            succeeded: !outcomes.is_empty() && outcomes.iter().all(|o| o.succeeded()),
        })
    }
}

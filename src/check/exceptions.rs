//! Exceptions written as clauses of their own (`except in vesting when …:
//! …`) and clauses that carry definitions (`defines quorum`) or only their
//! text.
//!
//! An exception is checked once per `on` rule of the clause it names, in
//! that rule's scope: the rule's event pattern (its names), its `when` and
//! the exception's `when` together, and the exception's effects. What it
//! makes is an ordinary `on` rule of the exception's clause, and the clause
//! overrides the one it excepts: where both assign a location in a step,
//! the exception's effects hold there; the excepted rule's other effects
//! stay in force (see `overrides`, `lower/rules.rs`). So every later stage
//! (lowering, replay, the explicit engine, blame) treats it as it treats
//! `overrides`, and names the exception's clause where it applies.

use std::collections::HashMap;

use super::{CheckError, Checker, Global};
use crate::ast;
use crate::hir::{ClauseId, Defined, Rule, RuleKind};
use crate::span::{Ident, Span};

/// A clause's rules once checked, and what its `except in` and `defines`
/// rules named.
pub(super) struct ClauseRules {
    pub rules: Vec<Rule>,
    /// The clauses excepted, each a clause of the charter (others are
    /// reported).
    pub excepted: Vec<Ident>,
    pub defines: Vec<Defined>,
}

impl Checker {
    pub(super) fn clause_rules(&mut self, clause: &ast::Clause) -> ClauseRules {
        let text = clause.text.as_ref().map(|t| t.node.as_str());
        let mut out = ClauseRules {
            rules: Vec::new(),
            excepted: Vec::new(),
            defines: Vec::new(),
        };
        for rule in &clause.rules {
            match &rule.kind {
                ast::RuleKind::Except {
                    clause: target,
                    when,
                    block,
                } => {
                    if let Some(rules) = self.exception(target, when.as_ref(), block, rule.span) {
                        out.rules.extend(rules);
                        if !out.excepted.iter().any(|t| t.node == target.node) {
                            out.excepted.push(target.clone());
                        }
                    }
                }
                ast::RuleKind::Defines(names) => {
                    for name in names {
                        if let Some(defined) = self.defined(name) {
                            out.defines.push(defined);
                        }
                    }
                }
                _ => out.rules.extend(self.rule(rule, &clause.name.node, text)),
            }
        }
        if clause.text.is_none() && clause.rules.is_empty() {
            self.error(CheckError::EmptyClause {
                clause: clause.name.node.clone(),
                span: clause.name.span,
            });
        }
        out
    }

    /// The rules an exception to `target` makes, one per `on` rule of it;
    /// `None` (reported) when `target` is not a clause with such a rule.
    fn exception(
        &mut self,
        target: &Ident,
        when: Option<&ast::Expr>,
        block: &ast::EffectBlock,
        span: Span,
    ) -> Option<Vec<Rule>> {
        let Some(excepted) = self.clause_asts.get(&target.node).cloned() else {
            self.not_a_clause(target);
            return None;
        };
        let mut rules = Vec::new();
        let mut any = false;
        for rule in &excepted.rules {
            let ast::RuleKind::On {
                pattern,
                when: rule_when,
                ..
            } = &rule.kind
            else {
                continue;
            };
            any = true;
            let when = match (rule_when, when) {
                (Some(first), Some(second)) => Some(ast::Expr {
                    kind: ast::ExprKind::Binary(
                        ast::BinaryOp::And,
                        Box::new(first.clone()),
                        Box::new(second.clone()),
                    ),
                    span: second.span,
                }),
                (first, second) => first.clone().or_else(|| second.cloned()),
            };
            let synthetic = ast::Rule {
                kind: ast::RuleKind::On {
                    pattern: pattern.clone(),
                    when,
                    block: block.clone(),
                },
                under: Vec::new(),
                span,
            };
            if let Some(checked) = self.effect_rule(&synthetic) {
                // The pattern's names are the excepted rule's: an exception
                // need not read them all.
                if let RuleKind::On { bindings, .. } = &checked.kind {
                    for local in bindings.iter().flatten() {
                        self.local_used[local.0] = true;
                    }
                }
                rules.push(checked);
            }
        }
        if !any {
            self.error(CheckError::ExceptionWithoutRule {
                clause: target.node.clone(),
                span: target.span,
                target: excepted.name.span,
            });
            return None;
        }
        Some(rules)
    }

    fn not_a_clause(&mut self, name: &Ident) {
        match self.global(&name.node) {
            Some(Global::Clause) => self.error(CheckError::NotAValue {
                name: name.node.clone(),
                what: "the calendar's clause",
                expected: "a clause of the charter",
                span: name.span,
                help: Some(
                    "the calendar's clause only dates the steps; it has no exceptions".into(),
                ),
            }),
            Some(other) => self.error(CheckError::NotAValue {
                name: name.node.clone(),
                what: self.what(other),
                expected: "a clause",
                span: name.span,
                help: Some("`except in` names a clause: `except in vesting when …: …`".into()),
            }),
            None => self.unknown(name, "clause", |g| matches!(g, Global::Clause)),
        }
    }

    /// A name after `defines`: a define or a constant.
    fn defined(&mut self, name: &Ident) -> Option<Defined> {
        match self.global(&name.node) {
            Some(Global::Define(id)) => Some(Defined::Define(id)),
            Some(Global::State(id)) if self.states[id.0].kind == crate::hir::StateKind::Const => {
                Some(Defined::Const(id))
            }
            Some(other) => {
                self.error(CheckError::NotDefinable {
                    name: name.node.clone(),
                    what: self.what(other),
                    span: name.span,
                });
                None
            }
            None => {
                self.unknown(name, "define or constant", |g| {
                    matches!(g, Global::Define(_) | Global::State(_))
                });
                None
            }
        }
    }

    /// Each clause's excepted clauses, by id, once every clause is known.
    pub(super) fn resolve_exceptions(&mut self) {
        let names = std::mem::take(&mut self.exception_names);
        for (index, list) in names.iter().enumerate() {
            let ids: Vec<ClauseId> = list
                .iter()
                .filter_map(|name| self.clauses.iter().position(|c| c.name == name.node))
                .map(ClauseId)
                .collect();
            self.clauses[index].exception_to = ids;
        }
    }
}

/// Every clause of the charter, by name (the first, where a name is
/// declared twice: that is reported).
pub(super) fn clauses_by_name(charter: &ast::Charter) -> HashMap<String, ast::Clause> {
    let mut clauses = HashMap::new();
    for item in &charter.items {
        let list = match &item.kind {
            ast::ItemKind::Article(article) => article.clauses.iter().collect(),
            ast::ItemKind::Clause(clause) => vec![clause],
            _ => Vec::new(),
        };
        for clause in list {
            clauses
                .entry(clause.name.node.clone())
                .or_insert_with(|| clause.clone());
        }
    }
    clauses
}

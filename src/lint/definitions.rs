//! Clauses cited for the definitions they carry (`clause quorum "…"
//! defines quorum`): where a blamed item reads a define or constant that a
//! clause's text defines (directly or through other defines), the clause
//! is cited after the items, as a `definition`. It is not an assumption of
//! the query (removing it changes nothing): it says which sentence of the
//! text the blamed item's words come from.

use super::findings::{blamed, Blamed, BlamedKind};
use super::Item;
use crate::hir::{self, visit, Defined, Expr, ExprKind, RuleKind};

/// The blamed items in the user's terms, then the clauses that define
/// what they read.
pub fn blamed_all(charter: &hir::Charter, items: &[Item]) -> Vec<Blamed> {
    let mut out: Vec<Blamed> = items.iter().map(|i| blamed(charter, *i)).collect();
    let mut read = Vec::new();
    for item in items {
        for expr in item_exprs(charter, item) {
            reads(charter, expr, &mut read);
        }
    }
    for (index, clause) in charter.clauses.iter().enumerate() {
        if !clause.defines.iter().any(|d| read.contains(d)) {
            continue;
        }
        let cited = Item::Clause {
            clause: hir::ClauseId(index),
            span: clause.span,
        };
        let mut entry = blamed(charter, cited);
        entry.kind = BlamedKind::Definition;
        if !out.iter().any(|b| b.name == entry.name) {
            out.push(entry);
        }
    }
    out
}

/// The expressions an item stands for.
fn item_exprs<'a>(charter: &'a hir::Charter, item: &Item) -> Vec<&'a Expr> {
    let mut out = Vec::new();
    match *item {
        Item::Clause { clause, span } => {
            let rules = &charter.clauses[clause.0].rules;
            let within: Vec<&hir::Rule> = rules
                .iter()
                .filter(|r| r.span.start <= span.end && span.start <= r.span.end)
                .collect();
            let chosen = if within.is_empty() {
                rules.iter().collect()
            } else {
                within
            };
            for rule in chosen {
                match &rule.kind {
                    RuleKind::On { when, block, .. } => {
                        out.extend(when);
                        block_exprs(block, &mut out);
                    }
                    RuleKind::StateConstraint(body) | RuleKind::TransitionConstraint(body) => {
                        out.push(body)
                    }
                }
            }
        }
        Item::Guard { event, index, .. } => {
            out.extend(charter.events[event.0].requires.get(index).map(|g| &g.body));
        }
        Item::Formula { formula, .. } => out.push(&charter.formula(formula).body),
        Item::Value { state, .. } => out.extend(charter.state(state).value.as_ref()),
        Item::Range { .. } => {}
    }
    out
}

fn block_exprs<'a>(block: &'a hir::EffectBlock, out: &mut Vec<&'a Expr>) {
    for effect in &block.effects {
        if let Some(forall) = &effect.forall {
            out.extend(&forall.when);
        }
        out.extend(&effect.args);
        out.push(&effect.value);
    }
    for exception in &block.exceptions {
        out.push(&exception.condition);
        block_exprs(&exception.block, out);
    }
}

/// The defines (through their bodies) and constants `expr` reads.
fn reads(charter: &hir::Charter, expr: &Expr, out: &mut Vec<Defined>) {
    let mut calls = Vec::new();
    visit::walk(expr, &mut |e| match &e.kind {
        ExprKind::Call(id, _) => calls.push(*id),
        ExprKind::State { id, .. }
            if charter.state(*id).kind == hir::StateKind::Const
                && !out.contains(&Defined::Const(*id)) =>
        {
            out.push(Defined::Const(*id));
        }
        _ => {}
    });
    for id in calls {
        if !out.contains(&Defined::Define(id)) {
            out.push(Defined::Define(id));
            reads(charter, &charter.define(id).body, out);
        }
    }
}

//! What the rules say about an event before any state is known: whether
//! an applicable rule reads the next state, which locations its effects may
//! assign, and whether the property reads `happened`.

use crate::eval::Model;
use crate::hir::{self, *};

/// The rules that may apply to an event.
fn rules_for(charter: &hir::Charter, event: EventId) -> impl Iterator<Item = &Rule> {
    charter
        .clauses
        .iter()
        .flat_map(|c| &c.rules)
        .filter(move |rule| match &rule.kind {
            RuleKind::On { events, .. } => events.contains(event),
            _ => false,
        })
}

/// Whether some rule that may apply to the event reads the next state (in
/// its condition, an exception's condition, an effect's arguments or
/// value). Otherwise the applicable effects determine every location they
/// mention and inertia the others: the direct successor is the only
/// candidate (transition constraints can only rule it out).
pub fn reads_next(model: &Model, event: EventId) -> bool {
    let charter = model.charter;
    rules_for(charter, event).any(|rule| match &rule.kind {
        RuleKind::On { when, block, .. } => {
            when.as_ref().is_some_and(|w| primed(charter, w)) || block_primed(charter, block)
        }
        _ => false,
    })
}

fn block_primed(charter: &hir::Charter, block: &EffectBlock) -> bool {
    block.effects.iter().any(|e| {
        primed(charter, &e.value)
            || e.args.iter().any(|a| primed(charter, a))
            || e.forall.as_ref().is_some_and(|f| {
                f.when.as_ref().is_some_and(|w| primed(charter, w))
                    || f.binders.iter().any(|b| match &b.domain {
                        Domain::Set(set) => primed(charter, set),
                        Domain::Type(_) => false,
                    })
            })
    }) || block
        .exceptions
        .iter()
        .any(|x| primed(charter, &x.condition) || block_primed(charter, &x.block))
}

/// Every cell of every variable some rule for the event assigns.
pub fn assignable(model: &Model, event: EventId) -> Vec<(usize, usize)> {
    let charter = model.charter;
    let mut targets = Vec::new();
    for rule in rules_for(charter, event) {
        if let RuleKind::On { block, .. } = &rule.kind {
            block_targets(block, &mut targets);
        }
    }
    targets.sort();
    targets.dedup();
    targets
        .into_iter()
        .flat_map(|t: StateId| {
            let cells = super::domains::cells(model, &charter.state(t).args) as usize;
            (0..cells).map(move |c| (t.0, c))
        })
        .collect()
}

fn block_targets(block: &EffectBlock, out: &mut Vec<StateId>) {
    out.extend(block.effects.iter().map(|e| e.target));
    for exception in &block.exceptions {
        block_targets(&exception.block, out);
    }
}

/// Whether an expression reads a primed name (through defines too) other
/// than the calendar's `now'`: that is the step's date, known before the
/// next state is ([`Model::applicable_effects`] reads it there).
fn primed(charter: &hir::Charter, expr: &Expr) -> bool {
    let now = charter.calendar.as_ref().map(|c| c.now);
    any_node(
        charter,
        expr,
        &mut |e| matches!(e.kind, ExprKind::State { id, primed: true, .. } if Some(id) != now),
    )
}

pub fn mentions_happened(charter: &hir::Charter, expr: &Expr) -> bool {
    any_node(charter, expr, &mut |e| {
        matches!(e.kind, ExprKind::Happened(..) | ExprKind::EventArg(..))
    })
}

/// Whether some node of the expression (or of a define it calls) is one
/// `test` picks.
pub fn any_node(charter: &hir::Charter, expr: &Expr, test: &mut dyn FnMut(&Expr) -> bool) -> bool {
    let mut visited = vec![false; charter.defines.len()];
    any_node_in(charter, expr, test, &mut visited)
}

fn any_node_in(
    charter: &hir::Charter,
    expr: &Expr,
    test: &mut dyn FnMut(&Expr) -> bool,
    visited: &mut Vec<bool>,
) -> bool {
    if test(expr) {
        return true;
    }
    if hir::visit::any_child(expr, |e| any_node_in(charter, e, test, visited)) {
        return true;
    }
    match &expr.kind {
        ExprKind::Call(id, _) if !visited[id.0] => {
            visited[id.0] = true;
            any_node_in(charter, &charter.define(*id).body, test, visited)
        }
        _ => false,
    }
}

/// Whether the expression (or a define it calls) reads the past: a
/// past-time operator or an event test.
pub fn mentions_past(charter: &hir::Charter, expr: &Expr) -> bool {
    any_node(charter, expr, &mut |e| {
        matches!(
            e.kind,
            ExprKind::Happened(..)
                | ExprKind::EventArg(..)
                | ExprKind::Unary(
                    UnaryOp::Once | UnaryOp::Historically | UnaryOp::Previously,
                    _
                )
                | ExprKind::Binary(BinaryOp::Since, _, _)
        )
    })
}

/// Whether every guard of the event reads only the state it is taken in:
/// no primed name (not even `now'`) and no past, so that
/// [`Model::guards_hold`] decides it before any successor is built.
pub fn guards_read_state_only(charter: &hir::Charter, event: EventId) -> bool {
    charter.events[event.0].requires.iter().all(|guard| {
        !mentions_past(charter, &guard.body)
            && !any_node(charter, &guard.body, &mut |e| {
                matches!(e.kind, ExprKind::State { primed: true, .. })
            })
    })
}

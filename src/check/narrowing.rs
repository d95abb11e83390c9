//! A warning where a declared integer range (`Int` alone is `-128..127`)
//! cuts values that an axiom, an `init`, a clause's state constraint or an
//! initial value allows: `const term: Int` with `axiom: term <= 365` keeps
//! only the terms up to 127, silently.
//!
//! What a formula allows is read from its top-level conjuncts that compare
//! a constant or variable (not a function) with a number: `x <= 365`,
//! `365 >= x`, `x = 365`, `x in {1, 365}`, and a disjunction of such
//! comparisons of the same name (each side an alternative). A bound the formula gives
//! beyond the declared range is the warning; a formula with no bound on
//! that side (`x >= 0`) allows nothing in particular there, so it is
//! silent.

use super::{CheckError, Checker};
use crate::hir::{
    BinaryOp, Expr, ExprKind, FormulaKind, RuleKind, StateId, Type, UnaryOp, DEFAULT_INT_RANGE,
};
use crate::span::Span;

/// The values a formula allows one name: `low..=high`, each bound with the
/// comparison that gave it (`None`: unbounded).
#[derive(Clone, Copy, Debug)]
struct Allowed {
    low: Option<(i64, Span)>,
    high: Option<(i64, Span)>,
}

impl Checker {
    pub(super) fn report_narrowing(&mut self) {
        let mut sources: Vec<(String, Expr)> = Vec::new();
        for formula in &self.formulas {
            let what = match formula.kind {
                FormulaKind::Axiom => "axiom",
                FormulaKind::Init => "init",
                FormulaKind::Lemma
                | FormulaKind::Assert
                | FormulaKind::Eventually
                | FormulaKind::LeadsTo => continue,
            };
            if formula.provenance.is_user() {
                sources.push((format!("{what} `{}`", formula.name), formula.body.clone()));
            }
        }
        for clause in &self.clauses {
            for rule in &clause.rules {
                if let RuleKind::StateConstraint(body) = &rule.kind {
                    if rule.provenance.is_user() {
                        let what = format!("the constraint of clause `{}`", clause.name);
                        sources.push((what, body.clone()));
                    }
                }
            }
        }
        for (source, body) in sources {
            // Per name, the alternatives the conjuncts leave it.
            let mut allowed: Vec<(StateId, Vec<Allowed>)> = Vec::new();
            for conjunct in conjuncts(&body) {
                let Some((id, alternatives)) = atom(conjunct) else {
                    continue;
                };
                match allowed.iter_mut().find(|(other, _)| *other == id) {
                    Some((_, known)) => {
                        let product = known
                            .iter()
                            .flat_map(|a| alternatives.iter().map(|b| intersect(*a, *b)))
                            .collect();
                        *known = product;
                    }
                    None => allowed.push((id, alternatives)),
                }
            }
            for (id, alternatives) in allowed {
                self.narrowed(id, &alternatives, &source);
            }
        }
    }

    fn narrowed(&mut self, id: StateId, alternatives: &[Allowed], source: &str) {
        let state = &self.states[id.0];
        let Type::Int(range) = &state.ty else {
            return;
        };
        let (low, high) = (range.low, range.high);
        let (mut wanted_low, mut wanted_high) = (low, high);
        let mut cuts: Vec<String> = Vec::new();
        let mut first_span = None;
        for allowed in alternatives {
            let (from, to) = (allowed.low.map(|b| b.0), allowed.high.map(|b| b.0));
            if from.zip(to).is_some_and(|(from, to)| from > to) {
                continue;
            }
            // Each side is a cut of its own: `x >= -5 and x <= 20` against
            // `Int[0..10]` cuts -5..-1 and 11..20.
            let mut sides = Vec::new();
            if let Some((from, span)) = allowed.low.filter(|b| b.0 < low) {
                sides.push((
                    span_text(from, to.map_or(low - 1, |t| t.min(low - 1))),
                    span,
                ));
            }
            if let Some((to, span)) = allowed.high.filter(|b| b.0 > high) {
                sides.push((
                    span_text(from.map_or(high + 1, |f| f.max(high + 1)), to),
                    span,
                ));
            }
            if sides.is_empty() {
                continue;
            }
            wanted_low = wanted_low.min(from.unwrap_or(low));
            wanted_high = wanted_high.max(to.unwrap_or(high));
            for (cut, span) in sides {
                if !cuts.contains(&cut) {
                    cuts.push(cut);
                }
                first_span.get_or_insert(span);
            }
        }
        let Some(span) = first_span else {
            return;
        };
        let cut = cuts.join(", ");
        let declared = if *range == DEFAULT_INT_RANGE {
            format!("`Int`, which is `Int[{low}..{high}]`")
        } else {
            format!("`Int[{low}..{high}]`")
        };
        let help = format!(
            "`{}` is declared {declared}, so no history gives it {cut}; if the text allows \
             that, declare the range: `{}: Int[{wanted_low}..{wanted_high}]`",
            state.name, state.name
        );
        self.error(CheckError::NarrowingRange {
            name: state.name.clone(),
            cut,
            source_what: source.to_string(),
            help,
            span,
            declared: state.span,
        });
    }
}

fn span_text(from: i64, to: i64) -> String {
    if from == to {
        format!("{from}")
    } else {
        format!("{from}..{to}")
    }
}

fn intersect(a: Allowed, b: Allowed) -> Allowed {
    let low = match (a.low, b.low) {
        (Some(x), Some(y)) => Some(if x.0 >= y.0 { x } else { y }),
        (x, y) => x.or(y),
    };
    let high = match (a.high, b.high) {
        (Some(x), Some(y)) => Some(if x.0 <= y.0 { x } else { y }),
        (x, y) => x.or(y),
    };
    Allowed { low, high }
}

fn conjuncts(expr: &Expr) -> Vec<&Expr> {
    match &expr.kind {
        ExprKind::Binary(BinaryOp::And, a, b) => {
            let mut out = conjuncts(a);
            out.extend(conjuncts(b));
            out
        }
        _ => vec![expr],
    }
}

/// A comparison of one nullary, unprimed constant or variable with numbers:
/// the intervals it allows (one each for a disjunction's sides and a set's
/// members).
fn atom(expr: &Expr) -> Option<(StateId, Vec<Allowed>)> {
    let ExprKind::Binary(op, a, b) = &expr.kind else {
        return None;
    };
    let span = expr.span;
    let point = |n: i64| Allowed {
        low: Some((n, span)),
        high: Some((n, span)),
    };
    let at_most = |n: i64| Allowed {
        low: None,
        high: Some((n, span)),
    };
    let at_least = |n: i64| Allowed {
        low: Some((n, span)),
        high: None,
    };
    if *op == BinaryOp::Or {
        let (x, mut left) = atom(a)?;
        let (y, right) = atom(b)?;
        left.extend(right);
        return (x == y).then_some((x, left));
    }
    if *op == BinaryOp::In {
        let id = name(a)?;
        let ExprKind::SetLiteral(items) = &b.kind else {
            return None;
        };
        let numbers: Vec<i64> = items.iter().map(number).collect::<Option<_>>()?;
        return Some((id, numbers.into_iter().map(point).collect()));
    }
    // `x op n`, or `n op x` read as `x op' n`.
    let (id, n, op) = match (name(a), number(b), name(b), number(a)) {
        (Some(id), Some(n), _, _) => (id, n, *op),
        (_, _, Some(id), Some(n)) => (id, n, flipped(*op)?),
        _ => return None,
    };
    match op {
        BinaryOp::Eq => Some((id, vec![point(n)])),
        BinaryOp::Le => Some((id, vec![at_most(n)])),
        BinaryOp::Lt => Some((id, vec![at_most(n.checked_sub(1)?)])),
        BinaryOp::Ge => Some((id, vec![at_least(n)])),
        BinaryOp::Gt => Some((id, vec![at_least(n.checked_add(1)?)])),
        _ => None,
    }
}

fn flipped(op: BinaryOp) -> Option<BinaryOp> {
    Some(match op {
        BinaryOp::Eq => BinaryOp::Eq,
        BinaryOp::Le => BinaryOp::Ge,
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::Ge => BinaryOp::Le,
        BinaryOp::Gt => BinaryOp::Lt,
        _ => return None,
    })
}

fn name(expr: &Expr) -> Option<StateId> {
    match &expr.kind {
        ExprKind::State {
            id,
            primed: false,
            args,
        } if args.is_empty() => Some(*id),
        _ => None,
    }
}

fn number(expr: &Expr) -> Option<i64> {
    match &expr.kind {
        ExprKind::Int(n) => Some(*n),
        ExprKind::Unary(UnaryOp::Neg, inner) => number(inner)?.checked_neg(),
        _ => None,
    }
}

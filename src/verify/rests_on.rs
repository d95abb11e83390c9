//! What a verdict that holds rests on: the axioms and lemmas it assumed,
//! and the blocking check's answer (the events, rules, exceptions and
//! defaults that never apply, and the clashes, in the histories the command
//! examined), with the `allowing` clauses that acknowledge them.

use super::{Plan, RestsOn, Verdict};
use crate::hir::{self, FormulaKind};
use crate::plan::Examined;

/// The blocking check's answers, by the scopes and depth asked.
type BlockingKey = (Vec<(hir::SortId, u64)>, usize);

#[derive(Default)]
pub(super) struct Blockings {
    known: Vec<(BlockingKey, Result<Vec<crate::lint::Finding>, String>)>,
}

/// Why the blocking check did not finish, and the limit of the run's
/// budget that stopped it, if one did.
type Unsettled = (String, Option<crate::budget::Spent>);

impl Blockings {
    fn of(
        &mut self,
        charter: &hir::Charter,
        examined: &Examined,
    ) -> Result<Vec<crate::lint::Finding>, Unsettled> {
        let mut scopes = examined.scopes.clone();
        scopes.sort();
        let key = (scopes, examined.depth);
        if let Some((_, answer)) = self.known.iter().find(|(k, _)| *k == key) {
            return answer.clone().map_err(|reason| (reason, None));
        }
        // On a thread (hence a Z3 context) of its own, so that its answer
        // does not depend on which command asked first.
        let answer = crate::with_stack(|| {
            crate::budget::watched(&examined.limits.budget, || {
                crate::lint::blocking(charter, examined)
            })
            .unwrap_or_else(|stopped| Err(stopped.into()))
        });
        // An answer the run's budget cut short is not remembered: a later
        // command asks again.
        if !matches!(&answer, Err(unknown) if unknown.stopped.is_some()) {
            let answer = answer.clone().map_err(|u| u.reason);
            self.known.push((key, answer));
        }
        answer.map_err(|u| (u.reason, u.stopped.map(|s| s.spent)))
    }
}

/// What a verdict that holds rests on (see [`RestsOn`]); `None` for the
/// others.
pub(super) fn rests_on(
    charter: &hir::Charter,
    plan: &Plan,
    verdict: &Verdict,
    lemmas: Vec<String>,
    blockings: &mut Blockings,
) -> Option<RestsOn> {
    let command = &plan.command;
    if plan.skip_blocking_check
        || !matches!(verdict, Verdict::Proved { .. } | Verdict::NoneUpTo { .. })
    {
        return None;
    }
    let axioms = charter
        .formulas
        .iter()
        .filter(|f| f.kind == FormulaKind::Axiom)
        .map(|f| f.name.clone())
        .collect();
    // The histories examined: see `Plan::for_blocking`.
    let examined = plan.for_blocking(charter);
    let depth = examined.depth;
    let (blocked, unsettled, stopped) = match blockings.of(charter, &examined) {
        Ok(blocked) => (blocked, None, None),
        Err((reason, stopped)) => (Vec::new(), Some(reason), stopped),
    };
    let allows = |allowance: &hir::Allowance, finding: &crate::lint::Finding| {
        finding.kind.blocking() == Some(allowance.kind)
            && allowance
                .subject
                .as_ref()
                .is_none_or(|s| *s == finding.subject)
    };
    let mut unacknowledged: Vec<String> = Vec::new();
    for finding in &blocked {
        let named = format!("{} {}", finding.kind.as_str(), finding.subject);
        if !command.allowing.iter().any(|a| allows(a, finding)) && !unacknowledged.contains(&named)
        {
            unacknowledged.push(named);
        }
    }
    let stale = match unsettled {
        Some(_) => Vec::new(),
        None => command
            .allowing
            .iter()
            .filter(|a| !blocked.iter().any(|f| allows(a, f)))
            .map(|a| match &a.subject {
                Some(subject) => format!("{} {subject}", a.kind.as_str()),
                None => a.kind.as_str().to_string(),
            })
            .collect(),
    };
    Some(RestsOn {
        axioms,
        lemmas,
        depth,
        blocked,
        unacknowledged,
        stale,
        unsettled,
        stopped,
    })
}

//! The size guard's estimate (`check::size::estimate`) bounds what lowering
//! builds: for every command of every spec and fixture, at its own scopes
//! and with each abstract sort doubled and tripled, the terms of the
//! lowered system (the command's, and lint's at the same scopes) are at
//! most [`Estimated::term_bound`].

#![allow(clippy::unwrap_used)]

use crate::common;

use charter::check::size::{estimate, Estimated, Uses};
use charter::hir::{Charter, SortId, SortKind};

/// Every spec and every fixture that checks clean.
fn charters() -> Vec<(String, Charter)> {
    let mut files = common::charter_files("specs");
    for dir in ["verify", "lint", "lower", "trust", "syntax_ok", "fmt"] {
        files.extend(common::charter_files(&format!("tests/fixtures/{dir}")));
    }
    files
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            let checked = charter::load(&bytes).ok()?.checked.ok()?;
            Some((path.display().to_string(), checked.charter))
        })
        .collect()
}

/// `scopes` with every abstract sort `factor` times as large.
fn scaled(charter: &Charter, scopes: &[(SortId, u64)], factor: u64) -> Vec<(SortId, u64)> {
    charter
        .sort_sizes(scopes)
        .into_iter()
        .enumerate()
        .filter(|(index, _)| charter.sorts[*index].kind == SortKind::Abstract)
        .map(|(index, size)| (SortId(index), size as u64 * factor))
        .collect()
}

#[test]
fn the_estimate_bounds_the_terms_lowering_builds() {
    let mut measured = 0;
    let mut failures = Vec::new();
    for (name, charter) in charters() {
        for command in &charter.commands {
            for factor in [1, 2, 3] {
                let scopes = scaled(&charter, &command.scopes, factor);
                let estimated = estimate(&charter, Uses::Command(command), &scopes, command.depth);
                // Large scaled commands cost time to lower, not coverage.
                if factor > 1 && estimated.per_step > 200_000 {
                    continue;
                }
                let mut scaled_command = command.clone();
                scaled_command.scopes = scopes;
                let built = charter::lower::lower(&charter, &scaled_command)
                    .system
                    .terms
                    .len();
                // Lint's system at the same scopes, against lint's estimate.
                let lint_estimated = estimate(
                    &charter,
                    charter::check::size::Uses::Lint,
                    &scaled_command.scopes,
                    command.depth,
                );
                let (lint_lowered, _) =
                    charter::lower::lower_lint(&charter, &scaled_command.scopes);
                let lint_built = lint_lowered.system.terms.len();
                if lint_built as u128 > lint_estimated.term_bound() {
                    failures.push(format!(
                        "{name}: lint at the scopes of `{}` ×{factor}: {lint_built} terms built, bound {}",
                        command.name,
                        lint_estimated.term_bound()
                    ));
                }
                measured += 1;
                if built as u128 > estimated.term_bound() {
                    failures.push(format!(
                        "{name}: `{}` ×{factor}: {built} terms built, bound {} (estimate {})",
                        command.name,
                        estimated.term_bound(),
                        estimated.per_step
                    ));
                }
            }
        }
    }
    assert!(measured > 500, "only {measured} commands measured");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_bound_is_not_vacuous() {
    let bound = |per_step| {
        Estimated {
            per_step,
            unrolled: 0,
            steps: 1,
            largest: String::new(),
        }
        .term_bound()
    };
    assert_eq!(bound(0), 64);
    assert_eq!(bound(1000), 3064);
}

/// Past-time operators are monitors: each builds several terms (its atom
/// read now and next, its initial value and update), and reads its operand
/// in two states. Nested under a quantifier, lowering built 5.2 times the
/// estimate (issue 14's review).
#[test]
fn the_estimate_bounds_past_time_operators() {
    let spec = r#"charter "nested past"
var c: Int[0..100] = 0
event go(a: Int[0..100])
clause r "x"
  on go(a): c' = a
assert ok "y": always forall i: Int[0..100]. (once (historically (previously (once (c = i and go(i)))))) or (c >= i since previously (c < i))
check ok depth 2
"#;
    assert_first_command_within_estimate(spec);
}

/// A liveness command builds, per event assumed fair, whether it is
/// enabled (its `requires` for every choice of its arguments, in the state
/// and the next), and a shadow copy of every atom of the state for the
/// loop detector. The estimate counted neither: lowering built 593 terms
/// here against a bound of 109 (issue 19).
#[test]
fn the_estimate_bounds_fairness() {
    let spec = r#"charter "fair events with wide parameters"
var c: Int[0..100] = 0
var done: Bool = false
event go(a: Int[0..100], b: Int[0..100]) requires a > c and b != a and not done
event finish requires c > 50
event idle
clause r "x"
  on go(a, _): c' = a
  on finish: done' = true
assert ends "y": eventually done
check ends assuming fair go, finish depth 3
"#;
    assert_first_command_within_estimate(spec);
}

/// Lowers the first command of `spec` and asserts it builds no more terms
/// than the estimate bounds.
fn assert_first_command_within_estimate(spec: &str) {
    let checked = charter::load(spec.as_bytes())
        .unwrap()
        .checked
        .ok()
        .unwrap();
    let charter = checked.charter;
    let command = &charter.commands[0];
    let estimated = estimate(
        &charter,
        Uses::Command(command),
        &command.scopes,
        command.depth,
    );
    let built = charter::lower::lower(&charter, command).system.terms.len();
    assert!(
        built as u128 <= estimated.term_bound(),
        "{built} terms built, bound {}",
        estimated.term_bound()
    );
}

//! Counts compared with counts, sums and constants become pseudo-Boolean
//! constraints in the SMT engine (`solve/encode/linear.rs`): differential
//! tests against the explicit engine, which counts by enumeration, on
//! small count-heavy specs in both spellings of the wide family's guard.
//! A property that fails must still be refuted, at the same depth.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::explicit::by_both_engines;

/// The wide family of `../shared/perf-cases` at `n` members: the natural
/// spelling (`2 * #{…} > #{…}`, `support' = #voted`) or the bound-by-bound
/// one (`forall c …`); with `bug`, suspensions lose their safeguard.
fn wide(n: usize, natural: bool, bug: bool) -> String {
    let safeguard = match (bug, natural) {
        (true, _) => "",
        (false, true) => "  requires 2 * (#suspended + 1) < #Member\n",
        (false, false) => "  requires 2 * #suspended < #Member - 2\n",
    };
    let (support_var, adopt_guard, opening, adoption, property) = if natural {
        (
            format!("var support: Int[0..{n}] = 0\n"),
            "  requires 2 * #{m: Member | m in voted and m not in suspended} > #{m: Member | m not in suspended}\n".to_string(),
            ", support' = 0",
            ", support' = #voted",
            "adopted implies 4 * support > #Member",
        )
    } else {
        (
            String::new(),
            format!("  requires forall c: Int[0..{n}]. #{{m: Member | m not in suspended}} >= c\n    implies 2 * #{{m: Member | m in voted and m not in suspended}} > c\n"),
            "",
            "",
            "adopt implies 4 * #voted > #Member",
        )
    };
    let depth = 2 * n;
    let verb = if bug { "check" } else { "prove" };
    format!(
        r#"charter "Wide: suspensions and votes on a motion"

sort Member
var suspended: set Member = {{}}
var voted: set Member = {{}}
var open: Bool = false
var adopted: Bool = false
{support_var}
event open_motion
  requires not open
event vote(m: Member)
  requires open
  requires m not in suspended
  requires m not in voted
event suspend(m: Member)
  requires m not in suspended
{safeguard}event reinstate(m: Member)
  requires m in suspended
event adopt
  requires open
{adopt_guard}
clause opening "A new motion starts with no votes and is not adopted."
  on open_motion: open' = true, voted' = {{}}, adopted' = false{opening}
clause voting "A member in good standing may vote once on the open motion."
  on vote(m): voted' += m
clause suspension "A suspended member's vote is struck."
  on suspend(m): suspended' += m, voted' -= m
clause reinstatement "A suspended member may be reinstated."
  on reinstate(m): suspended' -= m
clause adoption "A motion is adopted when a majority of the members in good standing voted for it."
  on adopt: open' = false, adopted' = true{adoption}

lemma no_suspended_votes "only members in good standing have a recorded vote":
  always forall m: Member. m in voted implies m not in suspended
lemma minority_suspended "fewer than half of the members are suspended":
  always 2 * #suspended < #Member

assert quarter_support "an adopted motion had the votes of more than a quarter of all members":
  always {property}

{verb} quarter_support depth {depth} scope Member = {n}
check quarter_support depth {depth} scope Member = {n}
"#
    )
}

/// Both spellings of the wide family, the property holding and with the
/// planted bug: the engines agree, and the bug is found at the same depth.
#[test]
fn the_wide_family_agrees_with_the_explicit_engine() {
    for natural in [true, false] {
        for n in [4, 5] {
            let (smt, explicit) = by_both_engines(&wide(n, natural, false), 200_000);
            assert_eq!(smt, explicit, "n = {n}, natural = {natural}");
            let depth = 2 * n;
            assert_eq!(smt, ["proved".to_string(), format!("none up to {depth}")]);
            let (smt, explicit) = by_both_engines(&wide(n, natural, true), 200_000);
            assert_eq!(smt, explicit, "bug, n = {n}, natural = {natural}");
            assert!(
                smt.iter().all(|v| v.starts_with("counterexample")),
                "bug, n = {n}, natural = {natural}: {smt:?}"
            );
        }
    }
}

/// Counts on either side of a comparison, scaled, summed and subtracted,
/// in guards, effects and properties: the engines agree on every verdict,
/// and the properties that fail are refuted.
#[test]
fn counts_compared_every_way_agree_with_the_explicit_engine() {
    let (smt, explicit) =
        by_both_engines(include_str!("fixtures/counting/shapes.charter"), 200_000);
    assert_eq!(smt, explicit, "engines disagree");
    assert_eq!(
        smt,
        [
            "counterexample in 2",
            "counterexample in 3",
            "none up to 6",
            "counterexample in 4",
            "proved",
            "counterexample in 2",
        ]
    );
}

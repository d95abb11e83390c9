//! Counts compared with counts, sums and constants become pseudo-Boolean
//! constraints in the SMT engine (`solve/encode/linear.rs`): differential
//! tests against the explicit engine, which counts by enumeration, on
//! small count-heavy specs in both spellings of the wide family's guard.
//! A property that fails must still be refuted, at the same depth.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::wide::Spelling;
use crate::explicit::by_both_engines;

/// The wide family at `n` members (see `common::wide`), proved (or
/// refuted, with `bug`) and checked to depth 2n.
fn wide(n: usize, natural: bool, bug: bool) -> String {
    let spelling = if natural {
        Spelling::Natural
    } else {
        Spelling::Bound
    };
    let depth = 2 * n;
    let verb = if bug { "check" } else { "prove" };
    common::wide::wide(
        n,
        spelling,
        bug,
        &format!(
            "{verb} quarter_support depth {depth} scope Member = {n}\ncheck quarter_support depth {depth} scope Member = {n}"
        ),
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
    engines_agree(
        include_str!("fixtures/counting/shapes.charter"),
        &[
            "counterexample in 2",
            "counterexample in 3",
            "none up to 6",
            "counterexample in 4",
            "proved",
            "counterexample in 2",
        ],
    );
}

/// The SMT and explicit engines give the same verdicts on `source`'s
/// commands, and those are `expected`.
fn engines_agree(source: &str, expected: &[&str]) {
    let (smt, explicit) = by_both_engines(source, 200_000);
    assert_eq!(smt, explicit, "engines disagree");
    assert_eq!(smt, expected);
}

/// Counts of two and three weights compared (`2 * #a < #b + 3`,
/// `3 * #c + #a <= 2 * #b + 1`, an equality, a count of a complement,
/// constants on both sides), which the SMT engine decomposes into
/// unit-weight cardinality constraints: in guards the bounds decide which
/// states are reached, so a bound off by one changes a depth below.
#[test]
fn counts_of_several_weights_agree_with_the_explicit_engine() {
    engines_agree(
        include_str!("fixtures/counting/weights.charter"),
        &[
            "counterexample in 6",
            "counterexample in 3",
            "counterexample in 2",
            "counterexample in 5",
            "counterexample in 5",
            "counterexample in 3",
            "proved",
            "counterexample in 9",
        ],
    );
}

//! Review 15: regressions found reviewing vacuous liveness verdicts,
//! shortest lassos, `decreasing` measures, the portfolio and the civil
//! calendar additions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

/// `happens e(x, x)`: the repeated name says the two arguments are equal,
/// so it is read; warning it unused with "write `_` for a value you do not
/// need" advised a change of meaning (`e(_, _)` is any step of `e`).
#[test]
fn a_name_given_twice_to_happens_is_not_warned_unused() {
    let source = r#"charter "pairs"
var n: Int[0..3] = 0
event pair(x: Int[0..2], y: Int[0..2])
clause c "pair"
  on pair(x, y): n' = if x = y then 1 else 2
assert same: always (happens pair(x, x) implies n = 1)
assert past: always (once happens pair(z, z) implies n > 0)
check same
check past
"#;
    let unused: Vec<String> = common::diagnostics_of(source.as_bytes())
        .into_iter()
        .map(|(code, _)| code)
        .filter(|code| code == "charter::check::unused")
        .collect();
    assert!(unused.is_empty(), "{unused:?}");
}

/// A name `happens e(x)` binds is the step's argument: calling it or
/// priming it is refused, as for any parameter (before, `x(3)` and `x'`
/// were read as `x`, the arguments and the prime silently dropped).
#[test]
fn a_name_happens_binds_is_neither_called_nor_primed() {
    for (read, code) in [
        ("x(3) > 0", "charter::check::not_callable"),
        ("x' > 0", "charter::check::prime_not_state"),
    ] {
        let source = format!(
            r#"charter "bound"
var n: Int[0..3] = 0
event e(x: Int[0..2])
clause c "e"
  on e(x): n' = x
assert a: always (happens e(x) implies {read})
check a
"#
        );
        let codes: Vec<String> = common::diagnostics_of(source.as_bytes())
            .into_iter()
            .map(|(code, _)| code)
            .collect();
        assert!(codes.iter().any(|c| c == code), "{read}: {codes:?}");
    }
}

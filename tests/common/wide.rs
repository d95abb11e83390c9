//! The wide family of `benches/peers` (members with suspensions and votes
//! on a motion; a count against a count as a guard), as the tests use it:
//! the bench's own templates, with `n` members and the tests' commands in
//! place of the bench's.

/// How the adoption guard and the property are spelt.
#[derive(Clone, Copy, Debug)]
pub enum Spelling {
    /// `2 * #{…} > #{…}`, `support' = #voted`.
    Natural,
    /// Bound by bound: `forall c … >= c implies 2 * #{…} > c`.
    Bound,
}

/// The wide family at `n` members in `spelling`; with `bug`, suspensions
/// lose their safeguard. `commands` replace the template's last line (its
/// `check`); anything else the tests need (an extra assertion) goes there
/// too.
pub fn wide(n: usize, spelling: Spelling, bug: bool, commands: &str) -> String {
    let (template, safeguard) = match spelling {
        Spelling::Natural => (
            include_str!("../../benches/peers/wide_holds.charter"),
            "  requires 2 * (#suspended + 1) < #Member\n",
        ),
        Spelling::Bound => (
            include_str!("../../benches/peers/wide_bound.charter"),
            "  requires 2 * #suspended < #Member - 2\n",
        ),
    };
    assert!(template.contains(safeguard), "the template changed");
    let template = if bug {
        template.replacen(safeguard, "", 1)
    } else {
        template.to_string()
    };
    let body = template
        .trim_end()
        .rsplit_once('\n')
        .map_or(template.as_str(), |(body, _)| body);
    format!("{}\n{commands}\n", body.replace("@N@", &n.to_string()))
}

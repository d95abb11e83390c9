//! A third review of issue 16: each test pins a bug found, and failed
//! before its fix.

use charter::diff::{self, Category, Options};

use crate::common;

const SPEC: &str = "specs/cis-charter-art9.charter";

fn formulas_changed(old: &str, new: &str) -> Vec<String> {
    let (old, new) = (common::checked(old), common::checked(new));
    let found = diff::diff(&old, &new, &Options::default()).unwrap();
    found
        .changed
        .iter()
        .filter(|c| c.category == Category::Formula)
        .map(|c| c.name.clone())
        .collect()
}

/// An enum value in a formula is compared by its name, not its index
/// (found in review: reordering an enum's values reported every formula
/// naming one as changed, and a formula naming another value at the same
/// index as unchanged).
#[test]
fn enum_values_in_formulas_are_compared_by_name() {
    let old = std::fs::read_to_string(SPEC).unwrap();
    let order = "enum Status { Member, Withdrawing, Withdrawn }";
    let formula = "always status = Withdrawn iff at least 12 months";
    assert!(old.contains(order) && old.contains(formula));
    // Reordered, the same formulas.
    let reordered = old.replace(order, "enum Status { Withdrawn, Member, Withdrawing }");
    assert_eq!(formulas_changed(&old, &reordered), Vec::<String>::new());
    // Swapped, and the formula names the value now at the old index.
    let swapped = old
        .replace(order, "enum Status { Withdrawn, Withdrawing, Member }")
        .replace(formula, "always status = Member iff at least 12 months");
    assert_eq!(
        formulas_changed(&old, &swapped),
        vec!["exactly_twelve_months".to_string()]
    );
}

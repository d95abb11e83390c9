//! What [`crate::solve::minimise`] minimises in a history ([`Objectives`]),
//! read off the [`Layout`](super::Layout): changed locations, argument
//! members, open initial members, elements named, integer distances.

use crate::hir::{self, *};
use crate::ir::*;

use super::values::{leaves, map_leaves};
use super::{Lowered, Val};

/// What [`crate::solve::minimise`] minimises in a history of this command
/// (see [`Objectives`]), built over the lowering's terms from its layout.
pub fn objectives(charter: &hir::Charter, command: &Command, lowered: &mut Lowered) -> Objectives {
    let terms = &mut lowered.system.terms;
    let layout = &lowered.layout;
    let sizes = charter.sort_sizes(&command.scopes);
    let mut objectives = Objectives::default();
    for (index, decl) in charter.states.iter().enumerate() {
        // The sets the spec leaves open at the start: those with a value
        // written are what it says (`init` and axioms may still fix them).
        for (_, cell) in &layout.cells[index] {
            if let (Val::Set(bits), None) = (cell, &decl.value) {
                objectives.initial_members.extend(bits.iter().copied());
            }
        }
        if decl.kind == StateKind::Const {
            continue;
        }
        for (_, cell) in &layout.cells[index] {
            let next = map_leaves(cell, &mut |t| retimed(terms, t));
            match (cell, &next) {
                (Val::Set(bits), Val::Set(next_bits)) => {
                    for (now, next) in bits.iter().zip(next_bits) {
                        let same = terms.iff(*now, *next);
                        objectives.changes.push(terms.not(same));
                    }
                }
                _ => {
                    // Values are canonical (an absent option's value
                    // too), so leaf by leaf is equality.
                    let same: Vec<TermId> = leaves(cell)
                        .into_iter()
                        .zip(leaves(&next))
                        .map(|(now, next)| {
                            if terms.is_bool(now) {
                                terms.iff(now, next)
                            } else {
                                terms.int_eq(now, next)
                            }
                        })
                        .collect();
                    let same = terms.and(same);
                    objectives.changes.push(terms.not(same));
                }
            }
            for leaf in leaves(cell) {
                if matches!(terms.get(leaf), Term::State(_, Time::Now)) && !terms.is_bool(leaf) {
                    objectives.integers.push(leaf);
                }
            }
        }
    }
    let mut elements: Vec<Vec<Vec<TermId>>> = charter
        .sorts
        .iter()
        .zip(&sizes)
        .map(|(sort, size)| match sort.kind {
            SortKind::Abstract => vec![Vec::new(); *size],
            SortKind::Enum(_) => Vec::new(),
        })
        .collect();
    for (event, decl) in charter.events.iter().enumerate() {
        let selector = layout.selectors[event];
        for (local, val) in decl.params.iter().zip(&layout.params[event]) {
            let (val, ty, present) = match (val, &charter.local(*local).ty) {
                (Val::Opt(flag, inner), Type::Option(ty)) => {
                    (inner.as_ref(), ty.as_ref(), terms.and2(selector, *flag))
                }
                (val, ty) => (val, ty, selector),
            };
            match (val, ty) {
                (Val::Int(value), Type::Int(range)) => {
                    objectives.arguments.push((present, *value, range.low));
                }
                (Val::Set(bits), Type::Set(element)) => {
                    for (position, bit) in bits.iter().enumerate() {
                        let member = terms.and2(present, *bit);
                        objectives.members.push(member);
                        if let Type::Sort(sort) = element.as_ref() {
                            if let Some(uses) = elements[sort.0].get_mut(position) {
                                uses.push(member);
                            }
                        }
                    }
                }
                (Val::Elem(bits), Type::Sort(sort)) => {
                    for (position, bit) in bits.iter().enumerate() {
                        if let Some(uses) = elements[sort.0].get_mut(position) {
                            let named = terms.and2(present, *bit);
                            uses.push(named);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    objectives.elements = elements
        .into_iter()
        .filter(|sort| !sort.is_empty())
        .map(|sort| sort.into_iter().map(|uses| terms.or(uses)).collect())
        .collect();
    objectives
}

/// A current-state leaf read in the next state (other leaves as they are).
fn retimed(terms: &mut Terms, leaf: TermId) -> TermId {
    match terms.get(leaf).clone() {
        Term::State(atom, Time::Now) => {
            let kind = if terms.is_bool(leaf) {
                Kind::Bool
            } else {
                Kind::Int { low: 0, high: 0 }
            };
            terms.state(atom, Time::Next, kind)
        }
        _ => leaf,
    }
}

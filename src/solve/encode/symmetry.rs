//! Symmetry breaking for abstract sorts: which inputs use which element,
//! and the constraints that the elements a history uses are the first ones.
//!
//! Every parameter over a sort takes part, set-valued ones included:
//! measured side by side on the Texas spec (`walk_out(group: set
//! Representative)`, 150 members), `charter lint` at depth 3 takes 3.0 s of
//! CPU with it against 17 s with `--no-symmetry`, and at depth 2 1.8 s
//! against 2.0 s; leaving the sets out (only `compel(r)` and `return(r)`
//! taking part) made the clash question of `walk_out` at depth 2 run past
//! 30 s, and leaving the sort out altogether made depth 3 as slow as
//! `--no-symmetry`. (Before count comparisons were encoded as
//! pseudo-Boolean constraints, the breaking over `group` made one clash
//! question of that lint run for minutes.) Leaving a parameter out would
//! be sound — the renaming argument of [`Unrolling::break_symmetry`]
//! holds for the uses of any subset of the parameters — but is not done
//! where it is not faster.

use z3::ast::Bool;
use z3::Solver;

use super::{as_bool, RawValue, Unrolling, Z3Term};
use crate::hir::EventId;
use crate::ir::{InputId, InputOwner, System};

/// One abstract sort's symmetry breaking: for each element it may move (in
/// index order, the distinguished ones left out), the inputs that use it
/// (grouped by event selector), and whether the events so far have used it.
pub(super) struct Symmetry {
    uses: Vec<Vec<(InputId, Vec<InputId>)>>,
    seen: Vec<Bool>,
    /// The most elements one step's event can use, when every parameter of
    /// this sort is a single (or optional) element; `None` when some
    /// parameter is a set of them.
    per_step: Option<usize>,
    /// Input steps encoded so far.
    steps: usize,
}

impl Unrolling<'_> {
    /// Symmetry breaking for abstract sorts: the elements used as the
    /// arguments of the steps' events so far are always the first ones
    /// (0, 1, …, m-1). Any history can be renamed into such a one (number
    /// the elements in the order the events first use them, the others
    /// after), and the renamed history is a history too, because nothing in
    /// a spec can tell the elements of an abstract sort apart. So a search
    /// that only considers such histories misses nothing.
    ///
    /// Except the named elements an expression mentions
    /// ([`System::distinguished`]): a spec can tell those apart, so the
    /// renaming leaves them in place and numbers only the others; "the
    /// first ones" are the first of the others, in index order.
    pub(super) fn break_symmetry(&mut self, solver: &Solver, step: usize) {
        if step == 0 {
            return;
        }
        let mut unusable = Vec::new();
        let inputs = &self.inputs[step - 1];
        let mut fresh = self.fresh;
        let prefix = &self.prefix;
        for symmetry in &mut self.symmetries {
            // The used elements form a prefix no longer than the number of
            // elements the steps so far could name. Beyond it, nothing is
            // used: the parameters of this step's event cannot name those
            // elements, nor need the parameters of the events that do not
            // happen (nothing reads them), so every bit naming them is
            // false, a constant rather than a constraint to propagate.
            symmetry.steps += 1;
            let bound = symmetry.per_step.map_or(usize::MAX, |per_step| {
                per_step.saturating_mul(symmetry.steps)
            });
            let seen: Vec<Bool> = symmetry
                .uses
                .iter()
                .zip(&symmetry.seen)
                .enumerate()
                .map(|(element, (uses, before))| {
                    if element >= bound {
                        for (_, bits) in uses {
                            unusable.extend(bits.iter().copied());
                        }
                        return Bool::from_bool(false);
                    }
                    let used_now: Vec<Bool> = uses
                        .iter()
                        .map(|(selector, bits)| {
                            let bits: Vec<Bool> = bits
                                .iter()
                                .map(|b| as_bool(&inputs[b.0 as usize]))
                                .collect();
                            as_bool(&inputs[selector.0 as usize]) & Bool::or(&bits)
                        })
                        .collect();
                    fresh += 1;
                    let now = Bool::new_const(format!("{prefix}seen!{fresh}"));
                    solver.assert(now.eq(&(before.clone() | Bool::or(&used_now))));
                    now
                })
                .collect();
            for pair in seen.windows(2).take(bound.saturating_sub(1)) {
                solver.assert(pair[1].implies(&pair[0]));
            }
            symmetry.seen = seen;
        }
        self.fresh = fresh;
        for input in unusable {
            self.known_inputs[step - 1][input.0 as usize] = Some(RawValue::Bool(false));
            self.inputs[step - 1][input.0 as usize] = Z3Term::Bool(Bool::from_bool(false));
        }
    }
}

/// For each abstract sort, which inputs use which element: the bits of
/// event parameters (one-hot values, set members, optional values) whose
/// address is that element.
pub(super) fn symmetries(system: &System) -> Vec<Symmetry> {
    let selectors: std::collections::HashMap<EventId, InputId> = system
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| match input.owner {
            InputOwner::Selector(event) => Some((event, InputId(i as u32))),
            InputOwner::Param(..) => None,
        })
        .collect();
    let mut result = Vec::new();
    for sort in &system.abstract_sorts {
        let size = system.sort_sizes[sort.0];
        let mut uses: Vec<Vec<(InputId, Vec<InputId>)>> = vec![Vec::new(); size];
        for (index, input) in system.inputs.iter().enumerate() {
            let InputOwner::Param(event, _) = input.owner else {
                continue;
            };
            let Some(selector) = selectors.get(&event) else {
                continue;
            };
            for (value, s) in input.address.address.iter().zip(&input.address.sorts) {
                if *s != Some(*sort) {
                    continue;
                }
                let element = &mut uses[*value as usize];
                match element.iter_mut().find(|(sel, _)| sel == selector) {
                    Some((_, bits)) => bits.push(InputId(index as u32)),
                    None => element.push((*selector, vec![InputId(index as u32)])),
                }
            }
        }
        // Only the elements no term names may move.
        let distinguished = system
            .distinguished
            .get(sort.0)
            .map_or(&[][..], Vec::as_slice);
        let uses: Vec<Vec<(InputId, Vec<InputId>)>> = uses
            .into_iter()
            .enumerate()
            .filter(|(element, _)| !distinguished.contains(element))
            .map(|(_, uses)| uses)
            .collect();
        if uses.len() < 2 || uses.iter().all(Vec::is_empty) {
            continue;
        }
        // Parameters of this sort per event, and whether all are single
        // elements.
        let mut params: std::collections::BTreeMap<EventId, std::collections::BTreeSet<usize>> =
            std::collections::BTreeMap::new();
        let mut all_exclusive = true;
        for input in &system.inputs {
            if let InputOwner::Param(event, position) = input.owner {
                if input.address.sorts.contains(&Some(*sort)) {
                    params.entry(event).or_default().insert(position);
                    all_exclusive &= input.exclusive;
                }
            }
        }
        let per_step = all_exclusive.then(|| params.values().map(|p| p.len()).max().unwrap_or(0));
        let movable = uses.len();
        result.push(Symmetry {
            uses,
            seen: vec![Bool::from_bool(false); movable],
            per_step,
            steps: 0,
        });
    }
    result
}

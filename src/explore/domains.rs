//! What the search enumerates, each counted exactly before it is listed:
//! the values of a type, the events with their arguments, the initial
//! states, and the candidate successors of a state. A domain of more than
//! [`MAX_VALUES`] values, or a product of more combinations than the state
//! budget, is refused with what it is and how large, before anything of
//! it is built; the products themselves are walked one combination at a
//! time, and only the lawful states are kept.

use super::rules::{assignable, reads_next};
use super::{Found, Watch};
use crate::eval::{self, History, Model, Occurrence, State, Value};
use crate::hir::*;

/// Most values a single location or argument may range over.
pub const MAX_VALUES: usize = 1 << 16;

/// Most locations (cells) a state may have.
pub const MAX_CELLS: u128 = 1 << 20;

/// The number of values of a type, exactly (saturating at `u128::MAX`,
/// far beyond any limit).
pub fn count(model: &Model, ty: &Type) -> u128 {
    match ty {
        Type::Option(inner) => count(model, inner).saturating_add(1),
        Type::Set(element) => u32::try_from(count(model, element))
            .ok()
            .and_then(|n| 1u128.checked_shl(n))
            .unwrap_or(u128::MAX),
        Type::Int(range) => (i128::from(range.high) - i128::from(range.low) + 1).max(0) as u128,
        Type::Bool => 2,
        Type::Sort(id) => model.sizes[id.0] as u128,
    }
}

/// The number of cells of a function with these argument types (one for a
/// plain value), exactly.
pub fn cells(model: &Model, args: &[Type]) -> u128 {
    model.cell_count(args)
}

/// Every value of a type: elements, options, and the subsets of a finite
/// element type; counted first, and refused above [`MAX_VALUES`] values
/// (of an element type, or subsets), `what` naming whose values they are.
pub fn all_values(
    model: &Model,
    ty: &Type,
    what: &dyn Fn() -> String,
) -> Result<Vec<Value>, Found> {
    let size = match ty {
        Type::Option(inner) => {
            let mut values = vec![Value::Opt(None)];
            values.extend(
                all_values(model, inner, what)?
                    .into_iter()
                    .map(|v| Value::Opt(Some(Box::new(v)))),
            );
            return Ok(values);
        }
        _ => count(model, ty),
    };
    if size > MAX_VALUES as u128 {
        let size = match ty {
            Type::Set(element) => format!("2^{}", count(model, element)),
            _ => size.to_string(),
        };
        return Err(Found::Unsupported {
            what: format!(
                "{} ranges over `{}`: {size} values, more than the {MAX_VALUES} it lists",
                what(),
                model.charter.type_name(ty)
            ),
        });
    }
    Ok(match ty {
        Type::Set(element) => {
            let domain = model.domain(element);
            (0..1usize << domain.len())
                .map(|mask| {
                    Value::Set(
                        domain
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| mask & (1 << i) != 0)
                            .map(|(_, v)| v.clone())
                            .collect(),
                    )
                })
                .collect()
        }
        _ => model.domain(ty),
    })
}

/// The product of several value lists, walked one tuple at a time in
/// row-major order (the last list varies fastest); counted first, more
/// than `max` tuples exceed the state budget.
struct Product<'l> {
    lists: &'l [Vec<Value>],
    at: Vec<usize>,
    started: bool,
}

impl<'l> Product<'l> {
    fn new(lists: &'l [Vec<Value>], max: usize) -> Result<Product<'l>, Found> {
        let total = lists
            .iter()
            .fold(1u128, |n, l| n.saturating_mul(l.len() as u128));
        if total > max as u128 {
            return Err(Found::Budget { max });
        }
        Ok(Product {
            lists,
            at: vec![0; lists.len()],
            started: false,
        })
    }

    /// The next tuple, as one value of each list.
    fn next(&mut self) -> Option<impl Iterator<Item = &'l Value> + '_> {
        if self.lists.iter().any(Vec::is_empty) {
            return None;
        }
        if self.started {
            let mut i = self.lists.len();
            loop {
                if i == 0 {
                    return None;
                }
                i -= 1;
                self.at[i] += 1;
                if self.at[i] < self.lists[i].len() {
                    break;
                }
                self.at[i] = 0;
            }
        }
        self.started = true;
        let lists = self.lists;
        Some(self.at.iter().enumerate().map(move |(i, &a)| &lists[i][a]))
    }
}

/// Every event with every tuple of arguments, in declaration order.
pub fn occurrences(model: &Model, max: usize) -> Result<Vec<Occurrence>, Found> {
    let charter = model.charter;
    let mut lists_of = Vec::new();
    let mut total = 0u128;
    for event in &charter.events {
        let lists = event
            .params
            .iter()
            .map(|p| {
                let local = charter.local(*p);
                let what = || format!("the argument `{}` of `{}`", local.name, event.name);
                all_values(model, &local.ty, &what)
            })
            .collect::<Result<Vec<_>, _>>()?;
        total = total.saturating_add(
            lists
                .iter()
                .fold(1u128, |n, l| n.saturating_mul(l.len() as u128)),
        );
        lists_of.push(lists);
    }
    if total > max as u128 {
        return Err(Found::Budget { max });
    }
    let mut all = Vec::new();
    for (index, lists) in lists_of.iter().enumerate() {
        let mut product = Product::new(lists, max)?;
        while let Some(args) = product.next() {
            all.push(Occurrence {
                event: EventId(index),
                args: args.cloned().collect(),
            });
        }
    }
    Ok(all)
}

/// Every initial state: constants and variables with a declared value take
/// it; the others range over their types; init, axioms and the other
/// conditions of an initial state filter them.
pub fn initial_states(model: &Model, watch: &Watch) -> Result<Vec<State>, Found> {
    let charter = model.charter;
    let total = charter
        .states
        .iter()
        .fold(0u128, |n, decl| n.saturating_add(cells(model, &decl.args)));
    if total > MAX_CELLS {
        return Err(Found::Unsupported {
            what: format!("a state has {total} locations, more than the {MAX_CELLS} it holds"),
        });
    }
    let mut free = Vec::new();
    let mut lists = Vec::new();
    let mut template = State { cells: Vec::new() };
    for (index, decl) in charter.states.iter().enumerate() {
        let count = cells(model, &decl.args) as usize;
        let mut cells = Vec::new();
        for cell in 0..count {
            if decl.value.is_none() {
                free.push((index, cell));
                let what = || format!("`{}`", model.location_name(StateId(index), cell));
                lists.push(all_values(model, &decl.ty, &what)?);
            }
            cells.push(model.first_value(&decl.ty));
        }
        template.cells.push(cells);
    }
    let mut states = Vec::new();
    let mut product = Product::new(&lists, watch.max_states)?;
    while let Some(values) = product.next() {
        let mut state = template.clone();
        for ((index, cell), value) in free.iter().zip(values) {
            state.cells[*index][*cell] = value.clone();
        }
        settle(model, &mut state);
        let history = History {
            states: vec![state],
            steps: Vec::new(),
        };
        if model.check_initial(&history).is_ok() {
            states.extend(history.states);
            watch.holding(states.len(), 0)?;
        }
        watch.tick(0)?;
    }
    states.sort();
    states.dedup();
    Ok(states)
}

/// Gives the constants and variables with a declared value that value;
/// declared values may read each other.
fn settle(model: &Model, state: &mut State) {
    let charter = model.charter;
    for _ in 0..=charter.states.len() {
        let mut changed = false;
        for (index, decl) in charter.states.iter().enumerate() {
            if let Some(expr) = &decl.value {
                let states = std::slice::from_ref(&*state);
                let scene = eval::Scene {
                    states,
                    steps: &[],
                    now: 0,
                    next: None,
                };
                let value = model.eval(expr, scene);
                if state.cells[index][0] != value {
                    state.cells[index][0] = value;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// The lawful states after `occurrence` in `state`, sorted, each once.
pub fn successors(
    model: &Model,
    state: &State,
    occurrence: &Occurrence,
    watch: &Watch,
    depth: usize,
) -> Result<Vec<State>, Found> {
    let mut lawful = Vec::new();
    let consider = |next: State, lawful: &mut Vec<State>| {
        let history = History {
            states: vec![state.clone(), next],
            steps: vec![occurrence.clone()],
        };
        if model.check_step(&history, 0).is_ok() {
            lawful.extend(history.states.into_iter().nth(1));
        }
    };
    consider(direct_successor(model, state, occurrence), &mut lawful);
    if reads_next(model, occurrence.event) {
        // Try every value of every location an applicable effect may
        // assign (over-approximated by the event's effects and the
        // `any event` ones), with the others kept.
        let slots = assignable(model, occurrence.event);
        let lists = slots
            .iter()
            .map(|&(index, cell)| {
                let what = || format!("`{}`", model.location_name(StateId(index), cell));
                all_values(model, &model.charter.states[index].ty, &what)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut product = Product::new(&lists, watch.max_states)?;
        while let Some(values) = product.next() {
            let mut next = state.clone();
            for ((index, cell), value) in slots.iter().zip(values) {
                next.cells[*index][*cell] = value.clone();
            }
            consider(next, &mut lawful);
            watch.holding(lawful.len(), depth)?;
            watch.tick(depth)?;
        }
    }
    lawful.sort();
    lawful.dedup();
    Ok(lawful)
}

/// The state the applicable effects give when none reads the next state:
/// each effect applied in turn (where they disagree, [`eval::Model::check_step`]
/// rejects the result).
fn direct_successor(model: &Model, state: &State, occurrence: &Occurrence) -> State {
    let mut next = state.clone();
    for (target, cell, op, value) in model.applicable_effects(state, occurrence) {
        let slot = &mut next.cells[target.0][cell];
        match op {
            AssignOp::Set => *slot = value,
            AssignOp::Add | AssignOp::Remove => {
                let Value::Set(members) = slot else { continue };
                let Value::Set(change) = value else { continue };
                for m in change {
                    let at = members.binary_search(&m);
                    match (op, at) {
                        (AssignOp::Add, Err(i)) => members.insert(i, m),
                        (AssignOp::Remove, Ok(i)) => {
                            members.remove(i);
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    next
}

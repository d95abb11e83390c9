//! What the search enumerates, each counted exactly before it is listed:
//! the values of a type, the events with their arguments, the initial
//! states, and the candidate successors of a state. A domain of more than
//! [`MAX_VALUES`] values, or a product of more combinations than the state
//! budget, is refused with what it is and how large, before anything of
//! it is built; the products themselves are walked one combination at a
//! time, and only the lawful states are kept.

use super::rules::{assignable, guards_read_state_only, reads_next};
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

/// Refuses a type of more than [`MAX_VALUES`] values (of an element type,
/// or subsets; options add `none` to their inner type's), `what` naming
/// whose values they are; counts, lists nothing.
fn listable(model: &Model, ty: &Type, what: &dyn Fn() -> String) -> Result<(), Found> {
    if let Type::Option(inner) = ty {
        return listable(model, inner, what);
    }
    let size = count(model, ty);
    if size <= MAX_VALUES as u128 {
        return Ok(());
    }
    let size = match ty {
        Type::Set(element) => format!("2^{}", count(model, element)),
        _ => size.to_string(),
    };
    Err(Found::Unsupported {
        what: format!(
            "{} ranges over `{}`: {size} values, more than the {MAX_VALUES} it lists",
            what(),
            model.charter.type_name(ty)
        ),
    })
}

/// Every value of a type: elements, options, and the subsets of a finite
/// element type; counted first, and refused above [`MAX_VALUES`] values
/// ([`listable`]).
pub fn all_values(
    model: &Model,
    ty: &Type,
    what: &dyn Fn() -> String,
) -> Result<Vec<Value>, Found> {
    listable(model, ty, what)?;
    Ok(match ty {
        Type::Option(inner) => {
            let mut values = vec![Value::Opt(None)];
            values.extend(
                all_values(model, inner, what)?
                    .into_iter()
                    .map(|v| Value::Opt(Some(Box::new(v)))),
            );
            values
        }
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

/// The values of several slots (locations, or an event's arguments), each
/// type listed once however many slots share it. Everything is counted
/// before anything is listed: a slot's type of more than [`MAX_VALUES`]
/// values is refused by name, and more than `max` combinations exceed the
/// state budget, so what is listed stays within a few lists of at most
/// [`MAX_VALUES`] values each.
pub struct Lists {
    lists: Vec<(Type, Vec<Value>)>,
    /// Per slot, its list.
    of_slot: Vec<usize>,
}

impl Lists {
    fn new(
        model: &Model,
        types: &[&Type],
        max: usize,
        what: &dyn Fn(usize) -> String,
    ) -> Result<Lists, Found> {
        let mut total = 1u128;
        for (slot, ty) in types.iter().enumerate() {
            listable(model, ty, &|| what(slot))?;
            total = total.saturating_mul(count(model, ty));
        }
        if total > max as u128 {
            return Err(Found::Budget { max });
        }
        let mut lists: Vec<(Type, Vec<Value>)> = Vec::new();
        let mut of_slot = Vec::with_capacity(types.len());
        for (slot, &ty) in types.iter().enumerate() {
            let index = match lists.iter().position(|(t, _)| t == ty) {
                Some(index) => index,
                None => {
                    lists.push((ty.clone(), all_values(model, ty, &|| what(slot))?));
                    lists.len() - 1
                }
            };
            of_slot.push(index);
        }
        Ok(Lists { lists, of_slot })
    }

    /// The number of combinations (at most the `max` it was built with).
    fn combinations(&self) -> usize {
        self.of_slot
            .iter()
            .fold(1, |n, &l| n.saturating_mul(self.lists[l].1.len()))
    }

    fn product(&self) -> Product<'_> {
        Product {
            lists: self,
            at: vec![0; self.of_slot.len()],
            started: false,
        }
    }

    /// Combination number `n` in the product's order (the last slot
    /// varies fastest).
    fn nth(&self, mut n: usize) -> Vec<Value> {
        let mut values = vec![Value::Bool(false); self.of_slot.len()];
        for (slot, &l) in self.of_slot.iter().enumerate().rev() {
            let list = &self.lists[l].1;
            values[slot] = list[n % list.len()].clone();
            n /= list.len();
        }
        values
    }
}

/// The combinations of [`Lists`], walked one at a time in row-major
/// order (the last slot varies fastest).
struct Product<'l> {
    lists: &'l Lists,
    at: Vec<usize>,
    started: bool,
}

impl<'l> Product<'l> {
    /// The next combination, as one value per slot.
    fn next(&mut self) -> Option<impl Iterator<Item = &'l Value> + '_> {
        let lists = self.lists;
        let len = |slot: usize| lists.lists[lists.of_slot[slot]].1.len();
        if (0..self.at.len()).any(|slot| len(slot) == 0) {
            return None;
        }
        if self.started {
            let mut i = self.at.len();
            loop {
                if i == 0 {
                    return None;
                }
                i -= 1;
                self.at[i] += 1;
                if self.at[i] < len(i) {
                    break;
                }
                self.at[i] = 0;
            }
        }
        self.started = true;
        Some(
            self.at
                .iter()
                .enumerate()
                .map(move |(slot, &a)| &lists.lists[lists.of_slot[slot]].1[a]),
        )
    }
}

/// Every event with every tuple of arguments, in declaration order (the
/// last argument varying fastest), numbered; each occurrence is built when
/// asked for, so that a million of them take no memory. A function
/// argument is one slot per point of its domain, each ranging over the
/// result type: every function, point by point.
pub struct Occurrences {
    /// Per event, its arguments' values (a function's points each a slot).
    events: Vec<Lists>,
    /// Per event, per parameter, its points if it is a function.
    points: Vec<Vec<Option<usize>>>,
    /// Per event, the number of its first occurrence; then the total.
    starts: Vec<usize>,
}

impl Occurrences {
    /// Counted before anything is listed: more than `max` occurrences
    /// exceed the state budget; a function argument of more than
    /// [`MAX_VALUES`] functions is refused by name.
    pub fn new(model: &Model, max: usize) -> Result<Occurrences, Found> {
        let charter = model.charter;
        let mut total = 0u128;
        for event in &charter.events {
            let mut product = 1u128;
            for p in &event.params {
                let local = charter.local(*p);
                let what = || format!("the argument `{}` of `{}`", local.name, event.name);
                listable(model, &local.ty, &what)?;
                let points = cells(model, &local.args);
                let values = u32::try_from(points)
                    .ok()
                    .and_then(|n| count(model, &local.ty).checked_pow(n))
                    .unwrap_or(u128::MAX);
                if !local.args.is_empty() && values > MAX_VALUES as u128 {
                    return Err(Found::Unsupported {
                        what: format!(
                            "{} ranges over `{}`: {}^{points} functions, more than the {MAX_VALUES} it lists",
                            what(),
                            charter.local_type_name(*p),
                            count(model, &local.ty)
                        ),
                    });
                }
                product = product.saturating_mul(values);
            }
            total = total.saturating_add(product);
        }
        if total > max as u128 {
            return Err(Found::Budget { max });
        }
        let mut events = Vec::new();
        let mut points = Vec::new();
        let mut starts = vec![0];
        for event in &charter.events {
            let mut types: Vec<&Type> = Vec::new();
            let mut owner: Vec<usize> = Vec::new();
            let mut shape = Vec::new();
            for (position, p) in event.params.iter().enumerate() {
                let local = charter.local(*p);
                let slots = match local.args.is_empty() {
                    true => 1,
                    false => cells(model, &local.args) as usize,
                };
                types.extend(std::iter::repeat_n(&local.ty, slots));
                owner.extend(std::iter::repeat_n(position, slots));
                shape.push((!local.args.is_empty()).then_some(slots));
            }
            let what = |slot: usize| {
                let local = charter.local(event.params[owner[slot]]);
                format!("the argument `{}` of `{}`", local.name, event.name)
            };
            let lists = Lists::new(model, &types, max, &what)?;
            starts.push(starts[starts.len() - 1] + lists.combinations());
            events.push(lists);
            points.push(shape);
        }
        Ok(Occurrences {
            events,
            points,
            starts,
        })
    }

    pub fn len(&self) -> usize {
        self.starts[self.starts.len() - 1]
    }

    /// Occurrence number `n` (below [`Occurrences::len`]).
    pub fn get(&self, n: usize) -> Occurrence {
        let event = self.starts.partition_point(|&s| s <= n) - 1;
        let mut slots = self.events[event].nth(n - self.starts[event]).into_iter();
        let args = self.points[event]
            .iter()
            .map(|points| match points {
                None => slots.next().unwrap_or(Value::Bool(false)),
                Some(points) => Value::Table(slots.by_ref().take(*points).collect()),
            })
            .collect();
        Occurrence {
            event: EventId(event),
            args,
        }
    }
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
    let mut template = State { cells: Vec::new() };
    for (index, decl) in charter.states.iter().enumerate() {
        let count = cells(model, &decl.args) as usize;
        let mut cells = Vec::new();
        for cell in 0..count {
            if decl.value.is_none() {
                free.push((index, cell));
            }
            cells.push(model.first_value(&decl.ty));
        }
        template.cells.push(cells);
    }
    let lists = slot_lists(model, &free, watch.max_states)?;
    let mut states = Vec::new();
    let mut product = lists.product();
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

/// The values of some cells (by constant or variable and cell number).
fn slot_lists(model: &Model, slots: &[(usize, usize)], max: usize) -> Result<Lists, Found> {
    let types: Vec<&Type> = slots
        .iter()
        .map(|&(index, _)| &model.charter.states[index].ty)
        .collect();
    let what = |slot: usize| {
        let (index, cell) = slots[slot];
        format!("`{}`", model.location_name(StateId(index), cell))
    };
    Lists::new(model, &types, max, &what)
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
    let plan = Plan::of_event(model, occurrence.event, watch.max_states)?;
    let mut scratch = Scratch::new(state.clone());
    let mut lawful = Vec::new();
    plan.successors(
        model,
        &mut scratch,
        occurrence,
        watch,
        depth,
        &mut |_| false,
        &mut lawful,
    )?;
    Ok(lawful)
}

/// What is known of an event before any state: whether its guards read
/// the state alone, and, where an applicable rule reads the next state,
/// the values of the locations its effects may assign.
pub struct Plan {
    guards_read_state_only: bool,
    assignable: Option<(Vec<(usize, usize)>, Lists)>,
}

impl Plan {
    fn of_event(model: &Model, event: EventId, max: usize) -> Result<Plan, Found> {
        let assignable = match reads_next(model, event) {
            true => {
                let slots = assignable(model, event);
                let lists = slot_lists(model, &slots, max)?;
                Some((slots, lists))
            }
            false => None,
        };
        Ok(Plan {
            guards_read_state_only: guards_read_state_only(model.charter, event),
            assignable,
        })
    }

    /// Per event of the charter, its plan.
    pub fn of_charter(model: &Model, max: usize) -> Result<Vec<Plan>, Found> {
        (0..model.charter.events.len())
            .map(|e| Plan::of_event(model, EventId(e), max))
            .collect()
    }

    /// Appends to `out` the lawful states after `occurrence` in the state
    /// `scratch` holds, sorted, each once, but for those `known` says the
    /// search has already (it is asked before a candidate is checked, so
    /// that a state seen before costs no [`Model::check_step`]: whether it
    /// is lawful from here changes nothing, as the search keeps a state
    /// only the first time it is found). A disabled event (a guard false
    /// in the state) builds no candidate; a candidate is checked in place,
    /// the state before not copied for it.
    #[allow(clippy::too_many_arguments)]
    pub fn successors(
        &self,
        model: &Model,
        scratch: &mut Scratch,
        occurrence: &Occurrence,
        watch: &Watch,
        depth: usize,
        known: &mut dyn FnMut(&State) -> bool,
        out: &mut Vec<State>,
    ) -> Result<(), Found> {
        let from = out.len();
        if self.guards_read_state_only && !model.guards_hold(&scratch.history.states[0], occurrence)
        {
            return Ok(());
        }
        let direct = direct_successor(model, &scratch.history.states[0], occurrence);
        if !known(&direct) {
            scratch.consider(model, direct, occurrence, out);
        }
        if let Some((slots, lists)) = &self.assignable {
            // Try every value of every location an applicable effect may
            // assign (over-approximated by the event's effects and the
            // `any event` ones), with the others kept.
            let mut product = lists.product();
            while let Some(values) = product.next() {
                let mut next = scratch.history.states[0].clone();
                for ((index, cell), value) in slots.iter().zip(values) {
                    next.cells[*index][*cell] = value.clone();
                }
                if !known(&next) {
                    scratch.consider(model, next, occurrence, out);
                }
                watch.holding(out.len() - from, depth)?;
                watch.tick(depth)?;
            }
            out[from..].sort();
            let mut kept = from;
            for i in from..out.len() {
                if i == from || out[i] != out[kept - 1] {
                    out.swap(kept, i);
                    kept += 1;
                }
            }
            out.truncate(kept);
        }
        Ok(())
    }
}

/// A history of one step whose first state is the state successors are
/// sought of: each candidate is checked in it in turn.
pub struct Scratch {
    history: History,
}

impl Scratch {
    pub fn new(state: State) -> Scratch {
        Scratch {
            history: History {
                states: vec![state],
                steps: Vec::new(),
            },
        }
    }

    /// Makes `state` the one successors are sought of.
    pub fn set(&mut self, state: State) {
        self.history.states.truncate(1);
        self.history.states[0] = state;
    }

    /// Checks the step to `next` from the state held; keeps `next` in
    /// `out` if it is lawful.
    pub fn consider(
        &mut self,
        model: &Model,
        next: State,
        occurrence: &Occurrence,
        out: &mut Vec<State>,
    ) {
        let history = &mut self.history;
        history.states.truncate(1);
        history.states.push(next);
        history.steps.clear();
        history.steps.push(occurrence.clone());
        if model.check_step(history, 0).is_ok() {
            out.extend(history.states.pop());
        }
    }
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

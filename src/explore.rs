//! The explicit-state engine (`--engine explicit`): breadth-first search
//! over the concrete states of [`crate::eval`], for small scopes. No solver
//! and nothing of [`crate::lower`], so its verdicts cross-check the SMT
//! engine's.
//!
//! A search node is a state, the monitors of the property's past-time
//! subformulas in it, and (where the property tests which event happened)
//! the step into it; so past-time properties are exact. Successors are
//! computed directly where no applicable effect reads the next state, and
//! otherwise by trying every value of the locations such effects may assign;
//! either way [`eval::Model::check_step`] decides which are lawful. Breadth
//! first, the first violation or witness found is a shortest one.

use std::collections::HashMap;

use crate::eval::{self, History, Model, Monitors, Occurrence, State, Value};
use crate::hir::{self, *};

/// The default budget of distinct search nodes.
pub const DEFAULT_MAX_STATES: usize = 1_000_000;

/// Most values a single location or argument may range over.
const MAX_VALUES: usize = 1 << 16;

/// What the search is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A state where the goal is false (`check`, `prove`).
    Violation,
    /// A state where the goal holds (`scenario`).
    Witness,
}

/// How a search ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// A shortest history to a target state.
    Target(History),
    /// No target state within `depth` steps; `exhausted` when no state is
    /// reachable beyond them (every reachable state was examined).
    None {
        depth: usize,
        exhausted: bool,
        /// The fewest steps after which the antecedent held, if it did.
        antecedent_at: Option<usize>,
    },
    /// No initial state.
    NoInitialState,
    /// More than `max` nodes.
    Budget { max: usize },
    /// Something the engine cannot do exactly at this size.
    Unsupported { what: String },
}

struct Node {
    state: State,
    monitors: Monitors,
    parent: Option<usize>,
    depth: usize,
}

type Key = (State, Monitors, Option<Occurrence>);

/// Searches for a state where `goal` is false (or true, for a witness)
/// within `depth` steps (`None`: until every reachable state is seen).
pub fn search(
    model: &Model,
    goal: &Expr,
    antecedent: Option<&Expr>,
    target: Target,
    depth: Option<usize>,
    max_states: usize,
) -> Found {
    let found = search_states(model, goal, antecedent, target, depth, max_states);
    // Arithmetic is exact within i64, which the checker's ranges keep every
    // integer expression to; should a result ever leave it, nothing found
    // is trusted.
    if model.overflowed() {
        return Found::Unsupported {
            what: "an integer result outside the 64-bit integers charter computes with".into(),
        };
    }
    found
}

fn search_states(
    model: &Model,
    goal: &Expr,
    antecedent: Option<&Expr>,
    target: Target,
    depth: Option<usize>,
    max_states: usize,
) -> Found {
    let happened = mentions_happened(model.charter, goal);
    let initial = match initial_states(model, max_states) {
        Ok(states) => states,
        Err(found) => return found,
    };
    if initial.is_empty() {
        return Found::NoInitialState;
    }
    let mut nodes: Vec<Node> = Vec::new();
    let mut seen: HashMap<Key, usize> = HashMap::new();
    let mut antecedent_at = None;
    let occurrences = match occurrences(model, max_states) {
        Ok(o) => o,
        Err(found) => return found,
    };
    // Returns Some(found) when the search ends at this node.
    let visit = |nodes: &mut Vec<Node>,
                 seen: &mut HashMap<Key, usize>,
                 state: State,
                 parent: Option<usize>,
                 last: Option<Occurrence>,
                 antecedent_at: &mut Option<usize>|
     -> Result<Option<usize>, Found> {
        let before = parent.map(|p| &nodes[p].monitors);
        let Some((holds, monitors)) = model.eval_monitored(goal, &state, before, last.as_ref())
        else {
            return Err(Found::Unsupported {
                what: "a past-time operator under a define whose arguments depend on the state"
                    .into(),
            });
        };
        if let Some(antecedent) = antecedent {
            if let Some((true, _)) = model.eval_monitored(antecedent, &state, before, last.as_ref())
            {
                let depth = parent.map_or(0, |p| nodes[p].depth + 1);
                *antecedent_at = Some(antecedent_at.map_or(depth, |d| d.min(depth)));
            }
        }
        let last = if happened { last } else { None };
        let key = (state, monitors, last);
        if seen.contains_key(&key) {
            return Ok(None);
        }
        if seen.len() >= max_states {
            return Err(Found::Budget { max: max_states });
        }
        let depth = parent.map_or(0, |p| nodes[p].depth + 1);
        let index = nodes.len();
        let (state, monitors, _) = key.clone();
        seen.insert(key, index);
        nodes.push(Node {
            state,
            monitors,
            parent,
            depth,
        });
        let is_target = match target {
            Target::Violation => !holds,
            Target::Witness => holds,
        };
        Ok(is_target.then_some(index))
    };
    for state in initial {
        match visit(&mut nodes, &mut seen, state, None, None, &mut antecedent_at) {
            Err(found) => return found,
            Ok(Some(index)) => return Found::Target(history(&nodes, index, &HashMap::new())),
            Ok(None) => {}
        }
    }
    let mut steps_of: HashMap<usize, Occurrence> = HashMap::new();
    let mut frontier: Vec<usize> = (0..nodes.len()).collect();
    let mut level: usize = 0;
    loop {
        if frontier.is_empty() {
            return Found::None {
                depth: level.saturating_sub(1),
                exhausted: true,
                antecedent_at,
            };
        }
        if depth.is_some_and(|d| level >= d) {
            return Found::None {
                depth: level,
                exhausted: false,
                antecedent_at,
            };
        }
        let mut next_frontier = Vec::new();
        for &index in &frontier {
            for occurrence in &occurrences {
                let successors =
                    match successors(model, &nodes[index].state, occurrence, max_states) {
                        Ok(s) => s,
                        Err(found) => return found,
                    };
                for state in successors {
                    let before = nodes.len();
                    match visit(
                        &mut nodes,
                        &mut seen,
                        state,
                        Some(index),
                        Some(occurrence.clone()),
                        &mut antecedent_at,
                    ) {
                        Err(found) => return found,
                        Ok(found) => {
                            if nodes.len() > before {
                                steps_of.insert(nodes.len() - 1, occurrence.clone());
                                next_frontier.push(nodes.len() - 1);
                            }
                            if let Some(target) = found {
                                return Found::Target(history(&nodes, target, &steps_of));
                            }
                        }
                    }
                }
            }
        }
        frontier = next_frontier;
        level += 1;
    }
}

/// The path from an initial node to `index`, by parent pointers.
fn history(nodes: &[Node], index: usize, steps_of: &HashMap<usize, Occurrence>) -> History {
    let mut states = Vec::new();
    let mut steps = Vec::new();
    let mut at = Some(index);
    while let Some(i) = at {
        states.push(nodes[i].state.clone());
        if let Some(step) = steps_of.get(&i) {
            steps.push(step.clone());
        }
        at = nodes[i].parent;
    }
    states.reverse();
    steps.reverse();
    History { states, steps }
}

/// Every value of a type: elements, options, and the subsets of a finite
/// element type (at most [`MAX_VALUES`] values).
fn all_values(model: &Model, ty: &Type) -> Result<Vec<Value>, Found> {
    let too_many = || Found::Unsupported {
        what: format!(
            "values of `{}` are too many to enumerate",
            model.charter.type_name(ty)
        ),
    };
    match ty {
        Type::Option(inner) => {
            let mut values = vec![Value::Opt(None)];
            values.extend(
                all_values(model, inner)?
                    .into_iter()
                    .map(|v| Value::Opt(Some(Box::new(v)))),
            );
            Ok(values)
        }
        Type::Set(element) => {
            let domain = model.domain(element);
            if domain.len() > 16 {
                return Err(too_many());
            }
            Ok((0..1usize << domain.len())
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
                .collect())
        }
        // Counted before listed: a wide range has more values than memory.
        Type::Int(range)
            if i128::from(range.high) - i128::from(range.low) >= MAX_VALUES as i128 =>
        {
            Err(too_many())
        }
        _ => {
            let domain = model.domain(ty);
            if domain.len() > MAX_VALUES {
                return Err(too_many());
            }
            Ok(domain)
        }
    }
}

/// The product of several value lists; more than `max` tuples exceed the
/// state budget.
fn product(lists: &[Vec<Value>], max: usize) -> Result<Vec<Vec<Value>>, Found> {
    let mut tuples = vec![Vec::new()];
    for list in lists {
        if tuples.len().saturating_mul(list.len()) > max {
            return Err(Found::Budget { max });
        }
        tuples = tuples
            .into_iter()
            .flat_map(|prefix| {
                list.iter().map(move |v| {
                    let mut t = prefix.clone();
                    t.push(v.clone());
                    t
                })
            })
            .collect();
    }
    Ok(tuples)
}

/// Every event with every tuple of arguments.
fn occurrences(model: &Model, max: usize) -> Result<Vec<Occurrence>, Found> {
    let mut all = Vec::new();
    for (index, event) in model.charter.events.iter().enumerate() {
        let lists = event
            .params
            .iter()
            .map(|p| all_values(model, &model.charter.local(*p).ty))
            .collect::<Result<Vec<_>, _>>()?;
        for args in product(&lists, max)? {
            all.push(Occurrence {
                event: EventId(index),
                args,
            });
        }
    }
    Ok(all)
}

/// Every initial state: constants and variables with a declared value take
/// it; the others range over their types; init, axioms and the other
/// conditions of an initial state filter them.
fn initial_states(model: &Model, max: usize) -> Result<Vec<State>, Found> {
    let charter = model.charter;
    let mut free = Vec::new();
    let mut lists = Vec::new();
    let mut template = State { cells: Vec::new() };
    for (index, decl) in charter.states.iter().enumerate() {
        let tuples = model.tuples(&decl.args);
        let mut cells = Vec::new();
        for cell in 0..tuples.len() {
            if decl.value.is_none() {
                free.push((index, cell));
                lists.push(all_values(model, &decl.ty)?);
            }
            cells.push(model.first_value(&decl.ty));
        }
        template.cells.push(cells);
    }
    let mut states = Vec::new();
    for values in product(&lists, max)? {
        let mut state = template.clone();
        for ((index, cell), value) in free.iter().zip(values) {
            state.cells[*index][*cell] = value;
        }
        // Declared values may read each other: settle them.
        for _ in 0..=charter.states.len() {
            let mut changed = false;
            for (index, decl) in charter.states.iter().enumerate() {
                if let Some(expr) = &decl.value {
                    let states = std::slice::from_ref(&state);
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
        let history = History {
            states: vec![state],
            steps: Vec::new(),
        };
        if model.check_initial(&history).is_ok() {
            states.extend(history.states);
        }
    }
    states.sort();
    states.dedup();
    Ok(states)
}

/// The lawful states after `occurrence` in `state`.
fn successors(
    model: &Model,
    state: &State,
    occurrence: &Occurrence,
    max: usize,
) -> Result<Vec<State>, Found> {
    let mut candidates = vec![direct_successor(model, state, occurrence)];
    if reads_next(model, occurrence.event) {
        // Try every value of every location an applicable effect may
        // assign (over-approximated by the event's effects and the
        // `any event` ones), with the others kept.
        let slots = assignable(model, occurrence.event);
        let lists = slots
            .iter()
            .map(|(index, _)| all_values(model, &model.charter.states[*index].ty))
            .collect::<Result<Vec<_>, _>>()?;
        for values in product(&lists, max)? {
            let mut next = state.clone();
            for ((index, cell), value) in slots.iter().zip(values) {
                next.cells[*index][*cell] = value;
            }
            candidates.push(next);
        }
    }
    candidates.sort();
    candidates.dedup();
    let mut lawful = Vec::new();
    for next in candidates {
        let history = History {
            states: vec![state.clone(), next],
            steps: vec![occurrence.clone()],
        };
        if model.check_step(&history, 0).is_ok() {
            lawful.extend(history.states.into_iter().nth(1));
        }
    }
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

/// The rules that may apply to an event.
fn rules_for(charter: &hir::Charter, event: EventId) -> impl Iterator<Item = &Rule> {
    charter
        .clauses
        .iter()
        .flat_map(|c| &c.rules)
        .filter(move |rule| match &rule.kind {
            RuleKind::On { events, .. } => events.contains(event),
            _ => false,
        })
}

/// Whether some rule that may apply to the event reads the next state (in
/// its condition, an exception's condition, an effect's arguments or
/// value). Otherwise the applicable effects determine every location they
/// mention and inertia the others: the direct successor is the only
/// candidate (transition constraints can only rule it out).
fn reads_next(model: &Model, event: EventId) -> bool {
    let charter = model.charter;
    rules_for(charter, event).any(|rule| match &rule.kind {
        RuleKind::On { when, block, .. } => {
            when.as_ref().is_some_and(|w| primed(charter, w)) || block_primed(charter, block)
        }
        _ => false,
    })
}

fn block_primed(charter: &hir::Charter, block: &EffectBlock) -> bool {
    block
        .effects
        .iter()
        .any(|e| primed(charter, &e.value) || e.args.iter().any(|a| primed(charter, a)))
        || block
            .exceptions
            .iter()
            .any(|x| primed(charter, &x.condition) || block_primed(charter, &x.block))
}

/// Every cell of every variable some rule for the event assigns.
fn assignable(model: &Model, event: EventId) -> Vec<(usize, usize)> {
    let charter = model.charter;
    let mut targets = Vec::new();
    for rule in rules_for(charter, event) {
        if let RuleKind::On { block, .. } = &rule.kind {
            block_targets(block, &mut targets);
        }
    }
    targets.sort();
    targets.dedup();
    targets
        .into_iter()
        .flat_map(|t: StateId| {
            let cells = model.tuples(&charter.state(t).args).len();
            (0..cells).map(move |c| (t.0, c))
        })
        .collect()
}

fn block_targets(block: &EffectBlock, out: &mut Vec<StateId>) {
    out.extend(block.effects.iter().map(|e| e.target));
    for exception in &block.exceptions {
        block_targets(&exception.block, out);
    }
}

/// Whether an expression reads a primed name (through defines too).
fn primed(charter: &hir::Charter, expr: &Expr) -> bool {
    any_node(charter, expr, &mut |e| {
        matches!(e.kind, ExprKind::State { primed: true, .. })
    })
}

fn mentions_happened(charter: &hir::Charter, expr: &Expr) -> bool {
    any_node(charter, expr, &mut |e| {
        matches!(e.kind, ExprKind::Happened(..))
    })
}

/// Whether some node of the expression (or of a define it calls) is one
/// `test` picks.
fn any_node(charter: &hir::Charter, expr: &Expr, test: &mut dyn FnMut(&Expr) -> bool) -> bool {
    let mut visited = vec![false; charter.defines.len()];
    any_node_in(charter, expr, test, &mut visited)
}

fn any_node_in(
    charter: &hir::Charter,
    expr: &Expr,
    test: &mut dyn FnMut(&Expr) -> bool,
    visited: &mut Vec<bool>,
) -> bool {
    if test(expr) {
        return true;
    }
    if hir::visit::any_child(expr, |e| any_node_in(charter, e, test, visited)) {
        return true;
    }
    match &expr.kind {
        ExprKind::Call(id, _) if !visited[id.0] => {
            visited[id.0] = true;
            any_node_in(charter, &charter.define(*id).body, test, visited)
        }
        _ => false,
    }
}

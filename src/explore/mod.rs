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
//!
//! Bounded: every domain is counted before it is listed ([`domains`]); the
//! nodes seen are stored packed ([`pack`], [`store`]: a few dozen bytes a
//! node where a full state took about 700), within a budget of states and
//! one of memory; and the search stops at the run's time limit. Each limit
//! reached is a [`Found`] that names it.
//!
//! This file: the search; `domains.rs`: what it enumerates; `rules.rs`:
//! what the rules say about an event; `pack.rs`: a node as bytes;
//! `store.rs`: the visited set and parent pointers.

mod domains;
pub mod fair;
mod pack;
pub mod product;
mod rules;
mod store;

use crate::budget::Budget;

use serde::Serialize;

use crate::eval::{self, History, Model, Monitors, Occurrence, State};
use crate::hir::*;
use domains::{initial_states, successors, Occurrences};
use store::{Full, Store};

pub use domains::{MAX_CELLS, MAX_VALUES};

/// The default budget of distinct search nodes. Packed, a node of the
/// specs under `specs/` takes 30 to 60 bytes of storage, so the default
/// budget needs well under 100 MB for them; larger states meet the memory
/// budget first.
pub const DEFAULT_MAX_STATES: usize = 1_000_000;

/// A limit the search reached, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "limit", rename_all = "snake_case")]
pub enum Stopped {
    /// The run's budget (time, memory, an interruption) ended the search
    /// while it examined the nodes of `depth` steps.
    Budget(crate::budget::Stopped),
    /// The storage would have grown beyond `budget_bytes`, after `states`
    /// nodes, examining those of `depth` steps.
    Memory {
        budget_bytes: usize,
        states: usize,
        depth: usize,
    },
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stopped::Budget(stopped) => std::fmt::Display::fmt(stopped, f),
            Stopped::Memory {
                budget_bytes,
                states,
                depth,
            } => write!(
                f,
                "the explicit-state engine reached its memory budget of {} MiB after {states} \
                 states, at depth {depth}",
                budget_bytes >> 20
            ),
        }
    }
}

/// The limits of one search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most distinct nodes (see `--max-states`).
    pub max_states: usize,
    /// Most bytes of storage: half the run's memory budget (the rest is
    /// for everything else the process holds).
    pub max_memory: usize,
    /// The run's budget: its clock and its stop signal.
    pub budget: Budget,
}

impl Limits {
    /// A budget of `max_states` under the run's budget.
    pub fn new(max_states: usize, budget: &Budget) -> Limits {
        Limits {
            max_states,
            max_memory: usize::try_from(budget.max_memory() / 2).unwrap_or(usize::MAX),
            budget: budget.clone(),
        }
    }
}

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
    /// The time limit or the memory budget was reached.
    Stopped(Stopped),
    /// Something the engine cannot do exactly at this size.
    Unsupported { what: String },
}

/// The limits as the search goes: the clock, and the memory held.
pub struct Watch {
    max_states: usize,
    max_memory: usize,
    budget: Budget,
    /// Bytes of the store's storage, and its nodes.
    stored: usize,
    nodes: usize,
    /// Bytes a full state takes, about (for the states held at once).
    state_bytes: usize,
}

impl Watch {
    fn new(limits: &Limits, model: &Model) -> Watch {
        let cells: u128 = model
            .charter
            .states
            .iter()
            .map(|decl| domains::cells(model, &decl.args))
            .sum();
        let state_bytes = usize::try_from(cells)
            .unwrap_or(usize::MAX)
            .saturating_mul(std::mem::size_of::<eval::Value>())
            .saturating_add(model.charter.states.len() * 24 + 64);
        Watch {
            max_states: limits.max_states.min(u32::MAX as usize - 1),
            max_memory: limits.max_memory,
            budget: limits.budget.clone(),
            stored: 0,
            nodes: 0,
            state_bytes,
        }
    }

    /// Whether the time limit is spent (read at every state or candidate
    /// examined: a clock read costs far less than either).
    fn tick(&self, depth: usize) -> Result<(), Found> {
        self.budget
            .check(Some(depth))
            .map_err(|stopped| Found::Stopped(Stopped::Budget(stopped)))
    }

    /// Whether `held` full states fit beside the store.
    fn holding(&self, held: usize, depth: usize) -> Result<(), Found> {
        if self
            .stored
            .saturating_add(held.saturating_mul(self.state_bytes))
            > self.max_memory
        {
            return Err(self.memory(self.nodes, depth));
        }
        Ok(())
    }

    fn memory(&self, states: usize, depth: usize) -> Found {
        Found::Stopped(Stopped::Memory {
            budget_bytes: self.max_memory,
            states,
            depth,
        })
    }
}

/// Searches for a state where `goal` is false (or true, for a witness)
/// within `depth` steps (`None`: until every reachable state is seen).
pub fn search(
    model: &Model,
    goal: &Expr,
    antecedent: Option<&Expr>,
    target: Target,
    depth: Option<usize>,
    limits: &Limits,
) -> Found {
    let (Ok(found) | Err(found)) = run(model, goal, antecedent, target, depth, limits);
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

/// The search proper: the nodes of one depth after another, each stored
/// packed; the nodes of depth `level` are those numbered from
/// `level_start` up to the number of the first node of the next.
struct Search<'a, 'h> {
    model: &'a Model<'h>,
    goal: &'a Expr,
    antecedent: Option<&'a Expr>,
    target: Target,
    happened: bool,
    shape: pack::Shape,
    store: Store,
    watch: Watch,
    occurrences: Occurrences,
    antecedent_at: Option<usize>,
    key: Vec<u8>,
}

fn run(
    model: &Model,
    goal: &Expr,
    antecedent: Option<&Expr>,
    target: Target,
    depth: Option<usize>,
    limits: &Limits,
) -> Result<Found, Found> {
    let watch = Watch::new(limits, model);
    let initial = initial_states(model, &watch)?;
    if initial.is_empty() {
        return Ok(Found::NoInitialState);
    }
    let shape_cells = model
        .charter
        .states
        .iter()
        .map(|decl| (decl.ty.clone(), domains::cells(model, &decl.args) as usize))
        .collect();
    let mut search = Search {
        model,
        goal,
        antecedent,
        target,
        happened: rules::mentions_happened(model.charter, goal),
        shape: pack::Shape::new(model, shape_cells),
        store: Store::new(),
        watch,
        occurrences: Occurrences::new(model, limits.max_states)?,
        antecedent_at: None,
        key: Vec::new(),
    };
    for state in initial {
        if let Some(index) = search.visit(state, None, None, 0)? {
            return Ok(Found::Target(search.history(index)?));
        }
    }
    let mut level_start = 0;
    let mut level: usize = 0;
    loop {
        let level_end = search.store.len();
        if level_start == level_end {
            return Ok(Found::None {
                depth: level.saturating_sub(1),
                exhausted: true,
                antecedent_at: search.antecedent_at,
            });
        }
        if depth.is_some_and(|d| level >= d) {
            return Ok(Found::None {
                depth: level,
                exhausted: false,
                antecedent_at: search.antecedent_at,
            });
        }
        for index in level_start..level_end {
            let (state, monitors, _) = search.unpack(index)?;
            for number in 0..search.occurrences.len() {
                search.watch.tick(level)?;
                let occurrence = search.occurrences.get(number);
                let next = successors(model, &state, &occurrence, &search.watch, level)?;
                for successor in next {
                    let parent = Some((index, &monitors));
                    let step = Some((number, &occurrence));
                    if let Some(found) = search.visit(successor, parent, step, level + 1)? {
                        return Ok(Found::Target(search.history(found)?));
                    }
                }
            }
        }
        level_start = level_end;
        level += 1;
    }
}

impl Search<'_, '_> {
    /// Examines a node found at `depth`: stores it if it is new, and says
    /// whether the search ends there (its number).
    fn visit(
        &mut self,
        state: State,
        parent: Option<(usize, &Monitors)>,
        step: Option<(usize, &Occurrence)>,
        depth: usize,
    ) -> Result<Option<usize>, Found> {
        let model = self.model;
        let before = parent.map(|(_, m)| m);
        let last = step.map(|(_, occurrence)| occurrence);
        let step = step.map(|(number, _)| number);
        let Some((holds, monitors)) = model.eval_monitored(self.goal, &state, before, last) else {
            return Err(Found::Unsupported {
                what: "a past-time operator under a define whose arguments depend on the state"
                    .into(),
            });
        };
        if let Some(antecedent) = self.antecedent {
            if let Some((true, _)) = model.eval_monitored(antecedent, &state, before, last) {
                self.antecedent_at = Some(self.antecedent_at.map_or(depth, |d| d.min(depth)));
            }
        }
        let last = if self.happened { step } else { None };
        if self
            .shape
            .pack(&state, &monitors, last, &mut self.key)
            .is_none()
        {
            return Err(Found::Unsupported {
                what: "a state with a value outside its type".into(),
            });
        }
        if self.store.contains(&self.key) {
            return Ok(None);
        }
        if self.store.len() >= self.watch.max_states {
            return Err(Found::Budget {
                max: self.watch.max_states,
            });
        }
        let budget = self.watch.max_memory;
        let index = match self
            .store
            .insert(&self.key, parent.map(|(p, _)| p), step, budget)
        {
            Ok(index) => index,
            Err(Full::Memory) => return Err(self.watch.memory(self.store.len(), depth)),
            Err(Full::Numbers) => {
                return Err(Found::Budget {
                    max: self.store.len(),
                })
            }
        };
        self.watch.stored = self.store.allocated();
        self.watch.nodes = self.store.len();
        let is_target = match self.target {
            Target::Violation => !holds,
            Target::Witness => holds,
        };
        Ok(is_target.then_some(index))
    }

    fn unpack(&self, index: usize) -> Result<(State, Monitors, Option<usize>), Found> {
        self.shape
            .unpack(self.store.node(index))
            .ok_or_else(|| Found::Unsupported {
                what: "a stored state that does not unpack".into(),
            })
    }

    /// The path from an initial node to `index`, by parent pointers.
    fn history(&self, index: usize) -> Result<History, Found> {
        let mut states = Vec::new();
        let mut steps = Vec::new();
        let mut at = Some(index);
        while let Some(i) = at {
            states.push(self.unpack(i)?.0);
            if let Some(step) = self.store.step(i) {
                steps.push(self.occurrences.get(step));
            }
            at = self.store.parent(i);
        }
        states.reverse();
        steps.reverse();
        Ok(History { states, steps })
    }
}

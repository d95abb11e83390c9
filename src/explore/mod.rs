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
//! Memory per node: its packed bytes (the wide family at 12 members: 9),
//! 8 for where they end (only once nodes of different lengths are met:
//! not in the wide family), 4 for its parent, 4 for the step into it, and
//! a slot of the visited set (4 bytes at a load between a quarter and a
//! half: 8 to 16): about 25 to 35 bytes for the wide family. The visited
//! set compares the packed bytes, not fingerprints, so no verdict rests on
//! a hash: the bytes are kept anyway (a level is expanded from them, and a
//! history is read back from them), so exactness costs one short compare.
//!
//! Successors: an event whose guards read only the state is passed over
//! where a guard is false before any candidate is built; where the goal
//! does not read the past (so a node is its state, and its step where the
//! goal reads `happened`), a candidate already stored or found is passed
//! over before [`Model::check_step`] (most candidates are: a state is
//! kept only the first time it is found, lawful or not from elsewhere,
//! so the nodes, their numbers and every history are the same), and a
//! new node is looked up before the goal is evaluated; a candidate is
//! checked against the state before without copying it. The nodes of a level are expanded by [`Limits::workers`]
//! threads in rounds and stored in serial order (see `run`).
//!
//! Compiled steps ([`fast`], [`compile`]): where the goal reads no past,
//! an event whose guards and effects compile is taken on words, one per
//! cell, read from the node's bytes: a false guard passes it over, and
//! its direct successor is packed from words and looked up with no value
//! built. A new one is checked by the interpreter as above, unless its
//! step is lawful by construction and the goal compiled (then it is kept
//! as is); an occurrence that does not compile, or meets an integer
//! beyond i64, is left to the interpreter whole. The wide family at 12
//! members runs about 4 to 5 times faster so than with values alone;
//! the store's lookups are then the larger part of the time.
//!
//! This file: the search; `domains.rs`: what it enumerates; `rules.rs`:
//! what the rules say about an event; `pack.rs`: a node as bytes;
//! `store.rs`: the visited set and parent pointers; `compile.rs` and
//! `fast.rs`: the compiled steps.

mod compile;
mod domains;
pub mod fair;
mod fast;
mod pack;
pub mod product;
mod rules;
mod store;

use crate::budget::Budget;

use serde::Serialize;

use crate::eval::{self, History, Model, Monitors, Occurrence, State};
use crate::hir::*;
use domains::{initial_states, Occurrences, Plan, Scratch};
use fast::Fast;
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
    /// Threads that expand the nodes of a level side by side (1: the
    /// caller's alone). The result is the same whatever their number.
    pub workers: usize,
}

impl Limits {
    /// A budget of `max_states` under the run's budget.
    pub fn new(max_states: usize, budget: &Budget) -> Limits {
        Limits {
            max_states,
            max_memory: usize::try_from(budget.max_memory() / 2).unwrap_or(usize::MAX),
            budget: budget.clone(),
            workers: std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_WORKERS)),
        }
    }
}

/// Most threads a search expands nodes on.
const MAX_WORKERS: usize = 4;

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
    let mut forks: Vec<Model> = (1..limits.workers.max(1)).map(|_| model.fork()).collect();
    let (Ok(found) | Err(found)) = run(model, &mut forks, goal, antecedent, target, depth, limits);
    // Arithmetic is exact within i64, which the checker's ranges keep every
    // integer expression to; should a result ever leave it, nothing found
    // is trusted.
    if model.overflowed() || forks.iter().any(Model::overflowed) {
        return Found::Unsupported {
            what: "an integer result outside the 64-bit integers charter computes with".into(),
        };
    }
    found
}

/// Nodes of a level that one round expands, per worker: enough to keep
/// both cores busy between two merges, few enough that the candidates
/// held at once stay small beside the store.
const ROUND: usize = 1024;

/// Occurrences examined between two reads of the clock.
const TICK: usize = 16;

/// A level this small is expanded by the caller's thread alone.
const ALONE: usize = 64;

/// What the workers share while they expand nodes: read only; the store
/// grows between rounds, on the caller's thread.
struct Ctx<'a> {
    goal: &'a Expr,
    antecedent: Option<&'a Expr>,
    target: Target,
    /// Whether the goal reads `happened` (the step into a node is part of
    /// it).
    happened: bool,
    /// Whether the goal reads the past (a node's monitors are part of it,
    /// and known only once the goal is evaluated).
    past: bool,
    shape: &'a pack::Shape,
    store: &'a Store,
    watch: &'a Watch,
    occurrences: &'a Occurrences,
    /// The occurrences built once, when there are few.
    built: &'a [Occurrence],
    plans: &'a [Plan],
    /// The compiled events, where the nodes are their states alone.
    fast: Option<&'a Fast>,
}

/// The new nodes one worker found, in the order a single thread finds
/// them: packed one after another in `bytes`.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    found: Vec<Candidate>,
    /// What stopped the worker, after the candidates found before it.
    error: Option<Found>,
}

struct Candidate {
    end: usize,
    parent: Option<usize>,
    step: Option<usize>,
    is_target: bool,
    antecedent: bool,
}

impl Ctx<'_> {
    /// Expands the nodes `range` of the level `level`.
    fn expand(&self, model: &Model, range: std::ops::Range<usize>, level: usize) -> Batch {
        let mut batch = Batch::default();
        if let Err(found) = self.expand_into(model, range, level, &mut batch) {
            batch.error = Some(found);
        }
        batch
    }

    fn expand_into(
        &self,
        model: &Model,
        range: std::ops::Range<usize>,
        level: usize,
        batch: &mut Batch,
    ) -> Result<(), Found> {
        let mut local = Seen::default();
        let mut scratch = None::<Scratch>;
        let mut next = Vec::new();
        let (mut cells, mut words) = (Vec::new(), Vec::new());
        let mut locals = self.fast.map(Fast::locals).unwrap_or_default();
        for index in range {
            // The node's state and monitors, unpacked only where the
            // interpreter is asked (into `scratch`).
            let mut node = None::<Monitors>;
            let fast = self
                .fast
                .filter(|fast| fast.decode(self.store.node(index), &mut cells));
            for number in 0..self.occurrences.len() {
                if number % TICK == 0 {
                    self.watch.tick(level)?;
                }
                let outcome = match fast {
                    Some(fast) => fast.step(number, &cells, &mut words, &mut locals),
                    None => fast::Outcome::Interpret,
                };
                if let fast::Outcome::Disabled = outcome {
                    continue;
                }
                if let (Some(fast), fast::Outcome::Candidate) = (fast, &outcome) {
                    fast.encode(&words, &mut local.probe);
                    let probe = local.probe.as_slice();
                    if self.store.contains(probe) || local.keys.contains(probe) {
                        continue;
                    }
                    // A new node whose step is lawful by construction, and
                    // whose goal compiled: kept without a value built.
                    if fast.sure(number) {
                        if let Some(judged) = fast.judge(&words, &mut locals) {
                            let key = std::mem::take(&mut local.probe);
                            self.keep(&key, Some(index), Some(number), judged, batch, &mut local);
                            local.probe = key;
                            continue;
                        }
                    }
                }
                let monitors = match &mut node {
                    Some(monitors) => &*monitors,
                    None => {
                        let (state, monitors, _) = unpack(self.shape, self.store, index)?;
                        match &mut scratch {
                            Some(scratch) => scratch.set(state),
                            None => drop(scratch.insert(Scratch::new(state))),
                        }
                        &*node.insert(monitors)
                    }
                };
                let Some(scratch) = &mut scratch else {
                    continue;
                };
                let built;
                let occurrence = match self.built.get(number) {
                    Some(occurrence) => occurrence,
                    None => {
                        built = self.occurrences.get(number);
                        &built
                    }
                };
                if let fast::Outcome::Candidate = outcome {
                    // A new direct successor: unpacked from its bytes (the
                    // state the interpreter computes) and checked.
                    let (state, _, _) =
                        self.shape
                            .unpack(&local.probe)
                            .ok_or_else(|| Found::Unsupported {
                                what: "a compiled successor that does not unpack".into(),
                            })?;
                    scratch.consider(model, state, occurrence, &mut next);
                } else {
                    self.interpret(
                        model, scratch, number, occurrence, level, &mut local, &mut next,
                    )?;
                }
                for successor in next.drain(..) {
                    let parent = Some((index, monitors));
                    let step = Some((number, occurrence));
                    self.consider(model, successor, parent, step, batch, &mut local)?;
                }
            }
        }
        Ok(())
    }

    /// The lawful successors of an occurrence in the state `scratch`
    /// holds, by the interpreter, into `next`.
    #[allow(clippy::too_many_arguments)]
    fn interpret(
        &self,
        model: &Model,
        scratch: &mut Scratch,
        number: usize,
        occurrence: &Occurrence,
        level: usize,
        local: &mut Seen,
        next: &mut Vec<State>,
    ) -> Result<(), Found> {
        let plan = &self.plans[occurrence.event.0];
        // Where a node is its state (and step) alone, a candidate
        // already stored or found is passed over before it is
        // checked; one that does not pack is left to the check.
        let happened = self.happened.then_some(number);
        let probe = &mut local.probe;
        let keys = &local.keys;
        let mut known = |state: &State| {
            !self.past
                && self
                    .shape
                    .pack(state, &Monitors::new(), happened, probe)
                    .is_some()
                && (self.store.contains(probe) || keys.contains(probe.as_slice()))
        };
        plan.successors(
            model, scratch, occurrence, self.watch, level, &mut known, next,
        )
    }

    /// A node found: kept in `batch` unless the store or the batch has it.
    /// Where the goal does not read the past, the node is known (and
    /// looked up) before the goal is evaluated, so that a node seen
    /// before costs no evaluation.
    fn consider(
        &self,
        model: &Model,
        state: State,
        parent: Option<(usize, &Monitors)>,
        step: Option<(usize, &Occurrence)>,
        batch: &mut Batch,
        local: &mut Seen,
    ) -> Result<(), Found> {
        let before = parent.map(|(_, m)| m);
        let last = step.map(|(_, occurrence)| occurrence);
        let number = step.map(|(number, _)| number).filter(|_| self.happened);
        let key = &mut local.key;
        let pack = |monitors: &Monitors, key: &mut Vec<u8>| {
            self.shape
                .pack(&state, monitors, number, key)
                .ok_or_else(|| Found::Unsupported {
                    what: "a state with a value outside its type".into(),
                })
        };
        if !self.past {
            pack(&Monitors::new(), key)?;
            if self.store.contains(key) || local.keys.contains(key.as_slice()) {
                return Ok(());
            }
        }
        let Some((holds, monitors)) = model.eval_monitored(self.goal, &state, before, last) else {
            return Err(Found::Unsupported {
                what: "a past-time operator under a define whose arguments depend on the state"
                    .into(),
            });
        };
        if self.past {
            pack(&monitors, key)?;
            if self.store.contains(key) || local.keys.contains(key.as_slice()) {
                return Ok(());
            }
        }
        let antecedent = self.antecedent.is_some_and(|a| {
            matches!(
                model.eval_monitored(a, &state, before, last),
                Some((true, _))
            )
        });
        let key = std::mem::take(&mut local.key);
        let judged = fast::Judged { holds, antecedent };
        let (parent, step) = (parent.map(|(p, _)| p), step.map(|(s, _)| s));
        self.keep(&key, parent, step, judged, batch, local);
        local.key = key;
        Ok(())
    }

    /// A new node kept in `batch` (its bytes `key`).
    fn keep(
        &self,
        key: &[u8],
        parent: Option<usize>,
        step: Option<usize>,
        judged: fast::Judged,
        batch: &mut Batch,
        local: &mut Seen,
    ) {
        local.keys.insert(key.to_vec());
        batch.bytes.extend_from_slice(key);
        batch.found.push(Candidate {
            end: batch.bytes.len(),
            parent,
            step,
            is_target: match self.target {
                Target::Violation => !judged.holds,
                Target::Witness => judged.holds,
            },
            antecedent: self.antecedent.is_some() && judged.antecedent,
        });
    }
}

/// The nodes a worker has found in a round (their bytes), and the bytes
/// of the node in hand.
#[derive(Default)]
struct Seen {
    keys: std::collections::HashSet<Vec<u8>>,
    key: Vec<u8>,
    /// The bytes of a candidate before it is checked.
    probe: Vec<u8>,
}

fn unpack(
    shape: &pack::Shape,
    store: &Store,
    index: usize,
) -> Result<(State, Monitors, Option<usize>), Found> {
    shape
        .unpack(store.node(index))
        .ok_or_else(|| Found::Unsupported {
            what: "a stored state that does not unpack".into(),
        })
}

/// The search proper: the nodes of one depth after another, each stored
/// packed; the nodes of depth `level` are those numbered from
/// `level_start` up to the number of the first node of the next. A level
/// is expanded in rounds, each round's nodes split among the workers in
/// consecutive ranges; the new nodes they find are then stored in the
/// order of their ranges, which is the order one thread finds them in: so
/// the numbering, the first target met, every limit met and every history
/// are those of a single thread, whatever the number of workers.
struct Search {
    antecedent_at: Option<usize>,
    store: Store,
    watch: Watch,
}

fn run(
    model: &Model,
    forks: &mut [Model],
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
    let shape = pack::Shape::new(model, shape_cells);
    let occurrences = Occurrences::new(model, limits.max_states)?;
    let built: Vec<Occurrence> = match occurrences.len() <= 1 << 12 {
        true => (0..occurrences.len()).map(|n| occurrences.get(n)).collect(),
        false => Vec::new(),
    };
    let plans = Plan::of_charter(model, limits.max_states)?;
    let mut search = Search {
        antecedent_at: None,
        store: Store::new(),
        watch,
    };
    let happened = rules::mentions_happened(model.charter, goal);
    let past = rules::mentions_past(model.charter, goal);
    let fast = match past {
        true => None,
        false => Fast::new(model, &occurrences, goal, antecedent),
    };
    // The workers' view, taken anew each round (the store grows between).
    macro_rules! ctx {
        () => {
            Ctx {
                goal,
                antecedent,
                target,
                happened,
                past,
                shape: &shape,
                store: &search.store,
                watch: &search.watch,
                occurrences: &occurrences,
                built: &built,
                plans: &plans,
                fast: fast.as_ref(),
            }
        };
    }
    let mut batch = Batch::default();
    {
        let ctx = ctx!();
        let mut local = Seen::default();
        for state in initial {
            if let Err(found) = ctx.consider(model, state, None, None, &mut batch, &mut local) {
                batch.error = Some(found);
                break;
            }
        }
    }
    if let Some(found) = search.merge(batch, 0)? {
        return Ok(Found::Target(history(
            &shape,
            &search.store,
            &occurrences,
            found,
        )?));
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
        let workers = forks.len() + 1;
        let mut at = level_start;
        while at < level_end {
            let round_end = level_end.min(at + ROUND * workers);
            let batches: Vec<Batch> = {
                let ctx = ctx!();
                if round_end - at <= ALONE || workers == 1 {
                    vec![ctx.expand(model, at..round_end, level)]
                } else {
                    let part = (round_end - at).div_ceil(workers);
                    let range = |w: usize| {
                        (at + w * part).min(round_end)..(at + (w + 1) * part).min(round_end)
                    };
                    std::thread::scope(|scope| {
                        let ctx = &ctx;
                        let handles: Vec<_> = forks
                            .iter_mut()
                            .enumerate()
                            .map(|(w, fork)| {
                                let range = range(w + 1);
                                scope.spawn(move || ctx.expand(fork, range, level))
                            })
                            .collect();
                        let mut batches = vec![ctx.expand(model, range(0), level)];
                        for handle in handles {
                            match handle.join() {
                                Ok(batch) => batches.push(batch),
                                Err(panic) => std::panic::resume_unwind(panic),
                            }
                        }
                        batches
                    })
                }
            };
            for batch in batches {
                if let Some(found) = search.merge(batch, level + 1)? {
                    return Ok(Found::Target(history(
                        &shape,
                        &search.store,
                        &occurrences,
                        found,
                    )?));
                }
            }
            at = round_end;
        }
        level_start = level_end;
        level += 1;
    }
}

impl Search {
    /// Stores the new nodes of a batch found at `depth`, in order; says
    /// whether the search ends at one (its number), or why it stops.
    fn merge(&mut self, batch: Batch, depth: usize) -> Result<Option<usize>, Found> {
        let mut start = 0;
        for candidate in &batch.found {
            let key = &batch.bytes[start..candidate.end];
            start = candidate.end;
            if self.store.contains(key) {
                continue;
            }
            if self.store.len() >= self.watch.max_states {
                return Err(Found::Budget {
                    max: self.watch.max_states,
                });
            }
            let budget = self.watch.max_memory;
            let index = match self
                .store
                .insert(key, candidate.parent, candidate.step, budget)
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
            if candidate.antecedent {
                self.antecedent_at = Some(self.antecedent_at.map_or(depth, |d| d.min(depth)));
            }
            if candidate.is_target {
                return Ok(Some(index));
            }
        }
        match batch.error {
            Some(found) => Err(found),
            None => Ok(None),
        }
    }
}

/// The path from an initial node to `index`, by parent pointers.
fn history(
    shape: &pack::Shape,
    store: &Store,
    occurrences: &Occurrences,
    index: usize,
) -> Result<History, Found> {
    let mut states = Vec::new();
    let mut steps = Vec::new();
    let mut at = Some(index);
    while let Some(i) = at {
        states.push(unpack(shape, store, i)?.0);
        if let Some(step) = store.step(i) {
            steps.push(occurrences.get(step));
        }
        at = store.parent(i);
    }
    states.reverse();
    steps.reverse();
    Ok(History { states, steps })
}

//! Liveness by explicit search: every reachable state (up to the state
//! budget), the graph of lawful steps between them, and in it a fair cycle
//! on which the awaited condition is owed and never comes.
//!
//! A node is a state and whether Q is owed (`pending`: for `eventually Q`,
//! from the start; for `P leads to Q`, since a state where P held, until Q
//! holds). A counterexample is a strongly connected set of owed nodes with
//! a step inside it that is *fair*: every event assumed fair happens on a
//! step inside it or is disabled (its `requires` false for every argument)
//! in one of its states. The lasso shown is a shortest one (or, for a
//! `check`, none when it is longer than the depth): over the nodes
//! of such sets, nearest first, the shortest path to the node plus the
//! shortest fair cycle through it (breadth-first over the nodes and the
//! fair events seen on the way). No such set among all reachable nodes
//! proves the property — unless there is no fair infinite history at all
//! (for `P leads to Q`: none through a state where P holds; for a `check`,
//! none looping back within the depth), when it would hold vacuously. Properties whose P or Q read the past are left to the
//! SMT engine.

use std::collections::{HashMap, VecDeque};

use super::domains::{initial_states, successors, Occurrences};
use super::{Found, Limits, Watch};
use crate::eval::{self, History, Model, State};
use crate::hir::*;

/// The answer of the explicit liveness search.
pub enum Fair {
    /// A lasso: the history and the state it loops back to; `shortest`
    /// when no lasso has fewer steps (false when the search for a
    /// shortest one stopped at its budget of work).
    Lasso {
        history: History,
        loop_start: usize,
        shortest: bool,
    },
    /// Every reachable node was seen, and no fair cycle owes Q forever.
    Holds { depth: usize },
    /// No fair cycle owes Q forever (within the depth), because there is
    /// no fair infinite history (for `P leads to Q`: none in which P
    /// holds) at all, or none looping back `within` that many steps: the
    /// property would hold vacuously.
    Vacuous { within: Option<usize> },
}

struct Graph {
    states: Vec<State>,
    state_index: HashMap<State, usize>,
    /// Nodes: a state index and whether Q is owed there.
    nodes: Vec<(usize, bool)>,
    index: HashMap<(usize, bool), usize>,
    /// Per node: (successor node, occurrence number).
    edges: Vec<Vec<(usize, usize)>>,
    /// Per node: the node and step it was first reached from.
    parent: Vec<Option<(usize, usize)>>,
    depth: Vec<usize>,
}

/// Searches for a fair lasso violating `formula` under `fair`, of at most
/// `within` steps if given (a `check`'s depth; a shortest lasso longer
/// than that is no answer).
pub fn liveness(
    model: &Model,
    formula: &Formula,
    fair: &[Fairness],
    limits: &Limits,
    within: Option<usize>,
) -> Result<Fair, Found> {
    let (trigger, awaited) = formula.liveness_parts();
    let past = |e: &Expr| super::rules::mentions_past(model.charter, e);
    if trigger.is_some_and(past) || past(awaited) {
        return Err(Found::Unsupported {
            what: "a liveness property that reads the past".into(),
        });
    }
    let watch = Watch::new(limits, model);
    let occurrences = Occurrences::new(model, limits.max_states)?;
    let mut graph = Graph {
        states: Vec::new(),
        state_index: HashMap::new(),
        nodes: Vec::new(),
        index: HashMap::new(),
        edges: Vec::new(),
        parent: Vec::new(),
        depth: Vec::new(),
    };
    let truth = |e: &Expr, s: &State| {
        let history = std::slice::from_ref(s);
        let scene = eval::Scene {
            states: history,
            steps: &[],
            now: 0,
            next: None,
        };
        model.eval(e, scene) == eval::Value::Bool(true)
    };
    // `before`: Q was owed in the state before (`None` in an initial
    // state). `eventually Q` is owed from the start only: once Q has held,
    // nothing is owed again; `P leads to Q` is owed anew wherever P holds.
    let owed = |before: Option<bool>, s: &State| {
        let triggered = match trigger {
            None => before.unwrap_or(true),
            Some(p) => before.unwrap_or(false) || truth(p, s),
        };
        triggered && !truth(awaited, s)
    };
    let mut queue = VecDeque::new();
    let initial = initial_states(model, &watch)?;
    if initial.is_empty() {
        return Err(Found::NoInitialState);
    }
    for state in initial {
        let pending = owed(None, &state);
        graph.add(state, pending, None, 0, &mut queue, limits.max_states)?;
    }
    while let Some(node) = queue.pop_front() {
        let (id, pending) = graph.nodes[node];
        let depth = graph.depth[node];
        watch.tick(depth)?;
        let state = graph.states[id].clone();
        for number in 0..occurrences.len() {
            let occurrence = occurrences.get(number);
            for next in successors(model, &state, &occurrence, &watch, depth)? {
                let pending = owed(Some(pending), &next);
                let from = Some((node, number));
                let to = graph.add(
                    next,
                    pending,
                    from,
                    depth + 1,
                    &mut queue,
                    limits.max_states,
                )?;
                graph.edges[node].push((to, number));
            }
        }
    }
    if fair.len() > 63 {
        return Err(Found::Unsupported {
            what: "more than 63 events assumed fair".into(),
        });
    }
    // Per occurrence, the fair events it is (a bit each); per state, the
    // fair events disabled there (computed when first asked).
    let events: Vec<u64> = (0..occurrences.len())
        .map(|number| {
            let event = occurrences.get(number).event;
            bits(fair.iter().map(|f| f.event == event))
        })
        .collect();
    let mut off: Vec<Option<u64>> = vec![None; graph.states.len()];
    let mut disabled = |id: usize| {
        *off[id].get_or_insert_with(|| {
            let history = History {
                states: vec![graph.states[id].clone()],
                steps: Vec::new(),
            };
            bits(fair.iter().map(|f| !model.enabled(&history, f.event, 0)))
        })
    };
    let full = bits(fair.iter().map(|_| true));
    let owed_nodes: Vec<bool> = graph.nodes.iter().map(|(_, p)| *p).collect();
    let cycles = Cycles {
        edges: &graph.edges,
        events: &events,
        fair: full,
        full,
    };
    // A shortest lasso whose loop owes Q throughout and is fair.
    let mut marks = |node: usize| disabled(graph.nodes[node].0);
    let (component_of, _) = fair_components(&cycles, &owed_nodes, &mut marks);
    let mut entries: Vec<Entry> = (0..graph.nodes.len())
        .filter(|&n| component_of[n] != usize::MAX)
        .map(|node| Entry {
            node,
            seen: 0,
            steps: graph.depth[node],
        })
        .collect();
    entries.sort_by_key(|e| (e.steps, e.node));
    let found = cycles.lasso(&component_of, &entries, usize::MAX, &mut marks);
    if let Some((entry, path)) = found.lasso {
        let entry = entries[entry].node;
        let steps = graph.depth[entry] + path.len();
        if within.is_none_or(|k| steps <= k) || !found.shortest {
            let history = graph.history(entry, &path, &occurrences);
            return Ok(Fair::Lasso {
                loop_start: history.steps.len() - path.len(),
                history,
                shortest: found.shortest,
            });
        }
    }
    // The property holds (within the depth), unless vacuously.
    let p = |id: usize| trigger.is_none_or(|p| truth(p, &graph.states[id]));
    vacuity(&graph, &events, full, &mut disabled, &p, within)
}

/// How many (node, events seen) pairs the search for a shortest lasso
/// examines beyond the first fair cycle it finds.
const WORK: usize = 1 << 22;

/// Whether the property would hold vacuously: no fair infinite history
/// in which its obligation arises (`p` holds in a state on it; for
/// `eventually Q`, in every state) — none at all, or (with `within`) none
/// whose lasso has at most that many steps. Searched among states, not
/// nodes: whether Q is owed does not matter here (`disabled` and `p` are
/// per state).
fn vacuity(
    graph: &Graph,
    events: &[u64],
    full: u64,
    disabled: &mut dyn FnMut(usize) -> u64,
    p: &dyn Fn(usize) -> bool,
    within: Option<usize>,
) -> Result<Fair, Found> {
    let holds = Fair::Holds {
        depth: graph.depth.iter().copied().max().unwrap_or(0),
    };
    // The graph of states: the steps of any node of each.
    let mut edges = vec![Vec::new(); graph.states.len()];
    let mut done = vec![false; graph.states.len()];
    for (n, &(id, _)) in graph.nodes.iter().enumerate() {
        if !std::mem::replace(&mut done[id], true) {
            edges[id] = graph.edges[n]
                .iter()
                .map(|&(to, number)| (graph.nodes[to].0, number))
                .collect();
        }
    }
    let initial: Vec<usize> = (0..graph.nodes.len())
        .filter(|&n| graph.parent[n].is_none())
        .map(|n| graph.nodes[n].0)
        .collect();
    // The states after one where P holds.
    let mut keep: Vec<bool> = (0..graph.states.len()).map(p).collect();
    let mut stack: Vec<usize> = (0..keep.len()).filter(|&n| keep[n]).collect();
    while let Some(n) = stack.pop() {
        for &(to, _) in &edges[n] {
            if !keep[to] {
                keep[to] = true;
                stack.push(to);
            }
        }
    }
    let cycles = Cycles {
        edges: &edges,
        events,
        fair: full,
        full,
    };
    let (component_of, any) = fair_components(&cycles, &keep, disabled);
    let Some(k) = within.filter(|_| any) else {
        return Ok(if any {
            holds
        } else {
            Fair::Vacuous { within: None }
        });
    };
    // Within `k` steps: the shortest lasso on which P holds somewhere (a
    // mark of its own, set on the way to the loop or in it).
    let arisen = 1u64 << full.count_ones();
    let mut marks = |n: usize| disabled(n) | if p(n) { arisen } else { 0 };
    let cycles = Cycles {
        full: full | arisen,
        ..cycles
    };
    // The fewest steps to each state, P having held on the way or not.
    let mut steps = vec![[usize::MAX; 2]; graph.states.len()];
    let mut queue = VecDeque::new();
    for n in initial {
        let a = usize::from(p(n));
        steps[n][a] = 0;
        queue.push_back((n, a));
    }
    while let Some((n, a)) = queue.pop_front() {
        for &(to, _) in &edges[n] {
            let b = a.max(usize::from(p(to)));
            if steps[to][b] == usize::MAX {
                steps[to][b] = steps[n][a] + 1;
                queue.push_back((to, b));
            }
        }
    }
    let mut entries: Vec<Entry> = Vec::new();
    for node in (0..graph.states.len()).filter(|&n| component_of[n] != usize::MAX) {
        for (a, &steps) in steps[node].iter().enumerate() {
            if steps <= k {
                let seen = if a == 1 { arisen } else { 0 };
                entries.push(Entry { node, seen, steps });
            }
        }
    }
    entries.sort_by_key(|e| (e.steps, e.node));
    let found = cycles.lasso(&component_of, &entries, k, &mut marks);
    match (found.lasso, found.shortest) {
        (Some(_), _) => Ok(holds),
        (None, true) => Ok(Fair::Vacuous { within: Some(k) }),
        (None, false) => Err(Found::Unsupported {
            what: format!(
                "the search for a fair infinite history looping back within {k} steps stopped at its budget"
            ),
        }),
    }
}

/// Steps through the graph, as (node, step into it).
type Path = Vec<(usize, usize)>;

/// Where a lasso may enter its loop: a node, the marks set on the way to
/// it, and the steps to it.
struct Entry {
    node: usize,
    seen: u64,
    steps: usize,
}

/// What [`Cycles::lasso`] found: the entry and loop of a shortest lasso
/// (or of none within the bound), and whether it is shown shortest.
struct Lasso {
    lasso: Option<(usize, Path)>,
    shortest: bool,
}

/// The components of the graph restricted to `keep` that hold a fair
/// cycle (numbered in each node's place; `usize::MAX` elsewhere), and
/// whether there is one.
fn fair_components(
    cycles: &Cycles,
    keep: &[bool],
    disabled: &mut dyn FnMut(usize) -> u64,
) -> (Vec<usize>, bool) {
    let mut component_of = vec![usize::MAX; keep.len()];
    let mut any = false;
    for (c, component) in components(cycles.edges, keep).into_iter().enumerate() {
        if cycles.fair(&component, disabled) {
            any = true;
            for &n in &component {
                component_of[n] = c;
            }
        }
    }
    (component_of, any)
}

/// The bits of a list of flags, the first the lowest.
fn bits(flags: impl Iterator<Item = bool>) -> u64 {
    flags
        .enumerate()
        .fold(0, |acc, (i, on)| acc | (u64::from(on) << i))
}

/// The graph's steps with the fair events each is, for fair cycles.
struct Cycles<'g> {
    edges: &'g [Vec<(usize, usize)>],
    /// Per occurrence number, the fair events it is.
    events: &'g [u64],
    /// Every fair event.
    fair: u64,
    /// Every mark a loop must see: the fair events, and perhaps more.
    full: u64,
}

impl Cycles<'_> {
    /// Whether a strongly connected `component` (sorted) holds a fair
    /// cycle: it has a step inside, and every fair event happens on a step
    /// inside or is disabled in one of its states.
    fn fair(&self, component: &[usize], disabled: &mut dyn FnMut(usize) -> u64) -> bool {
        let inside = |n: usize| component.binary_search(&n).is_ok();
        let mut seen = 0;
        let mut step = false;
        for &n in component {
            seen |= disabled(n);
            for &(to, number) in &self.edges[n] {
                if inside(to) {
                    step = true;
                    seen |= self.events[number];
                }
            }
        }
        step && seen & self.fair == self.fair
    }

    /// A shortest lasso of at most `bound` steps entering its loop at one
    /// of `entries` (sorted by their steps), the loop staying in the
    /// entry's component and seeing every mark (`marks` of its nodes, and
    /// its steps' events). Entries nearer the start are tried first; none
    /// whose path alone is as long as the best lasso can beat it. Past
    /// `WORK` pairs examined, the best found is kept, not shown shortest.
    fn lasso(
        &self,
        component_of: &[usize],
        entries: &[Entry],
        bound: usize,
        marks: &mut dyn FnMut(usize) -> u64,
    ) -> Lasso {
        // (steps, entry, loop)
        let mut best: Option<(usize, usize, Path)> = None;
        let mut work = 0usize;
        for (i, entry) in entries.iter().enumerate() {
            // The most steps a lasso found now may have.
            let most = best.as_ref().map_or(bound, |b| b.0 - 1);
            if entry.steps >= most {
                break;
            }
            if best.is_some() && work > WORK {
                return Lasso {
                    lasso: best.map(|(_, i, path)| (i, path)),
                    shortest: false,
                };
            }
            let inside = |n: usize| component_of[n] == component_of[entry.node];
            let cycle_bound = most - entry.steps;
            if let Some(path) = self.shortest(
                entry.node,
                entry.seen,
                &inside,
                cycle_bound,
                marks,
                &mut work,
            ) {
                best = Some((entry.steps + path.len(), i, path));
            }
        }
        Lasso {
            lasso: best.map(|(_, i, path)| (i, path)),
            shortest: true,
        }
    }

    /// A shortest fair cycle from `from` back to it through nodes
    /// `inside`, of at most `bound` steps, as (node, step into it):
    /// breadth-first over the nodes and the fair events seen on the way.
    fn shortest(
        &self,
        from: usize,
        seen: u64,
        inside: &dyn Fn(usize) -> bool,
        bound: usize,
        marks: &mut dyn FnMut(usize) -> u64,
        work: &mut usize,
    ) -> Option<Vec<(usize, usize)>> {
        let start = (from, seen | marks(from));
        // (node, seen) -> (the pair before, the step into it)
        let mut came: HashMap<(usize, u64), ((usize, u64), usize)> = HashMap::new();
        let mut queue = VecDeque::from([(start, 0usize)]);
        while let Some((at, distance)) = queue.pop_front() {
            *work += 1;
            if distance >= bound {
                continue;
            }
            for &(to, number) in &self.edges[at.0] {
                if !inside(to) {
                    continue;
                }
                let seen = at.1 | self.events[number] | marks(to);
                if to == from && seen == self.full {
                    let mut path = vec![(to, number)];
                    let mut here = at;
                    while here != start {
                        let (before, number) = came[&here];
                        path.push((here.0, number));
                        here = before;
                    }
                    path.reverse();
                    return Some(path);
                }
                let next = (to, seen);
                if next == start || came.contains_key(&next) {
                    continue;
                }
                came.insert(next, (at, number));
                queue.push_back((next, distance + 1));
            }
        }
        None
    }
}

impl Graph {
    /// The history of the shortest path to `entry`, then `path`.
    fn history(&self, entry: usize, path: &[(usize, usize)], occurrences: &Occurrences) -> History {
        let mut prefix = Vec::new();
        let mut node = entry;
        while let Some((from, number)) = self.parent[node] {
            prefix.push((node, number));
            node = from;
        }
        prefix.reverse();
        let mut history = History {
            states: vec![self.states[self.nodes[node].0].clone()],
            steps: Vec::new(),
        };
        for (to, number) in prefix.iter().chain(path) {
            history.steps.push(occurrences.get(*number));
            history.states.push(self.states[self.nodes[*to].0].clone());
        }
        history
    }

    /// The node of `state` with `pending`, added (and queued) if new.
    fn add(
        &mut self,
        state: State,
        pending: bool,
        from: Option<(usize, usize)>,
        depth: usize,
        queue: &mut VecDeque<usize>,
        max: usize,
    ) -> Result<usize, Found> {
        let next_id = self.states.len();
        let id = *self.state_index.entry(state.clone()).or_insert(next_id);
        if id == next_id {
            self.states.push(state);
        }
        if let Some(node) = self.index.get(&(id, pending)) {
            return Ok(*node);
        }
        if self.nodes.len() >= max {
            return Err(Found::Budget { max });
        }
        let node = self.nodes.len();
        self.nodes.push((id, pending));
        self.index.insert((id, pending), node);
        self.edges.push(Vec::new());
        self.parent.push(from);
        self.depth.push(depth);
        queue.push_back(node);
        Ok(node)
    }
}

/// The strongly connected components of the graph restricted to the nodes
/// `keep` marks (Tarjan's algorithm, without recursion), each sorted.
fn components(edges: &[Vec<(usize, usize)>], keep: &[bool]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut result = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if !keep[root] || index[root] != usize::MAX {
            continue;
        }
        // (node, next edge to look at)
        let mut frames = vec![(root, 0usize)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut next)) = frames.last_mut() {
            if let Some(&(w, _)) = edges[v].get(*next) {
                *next += 1;
                if !keep[w] {
                    continue;
                }
                if index[w] == usize::MAX {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    frames.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                result.push(component);
            }
        }
    }
    result.sort();
    result
}

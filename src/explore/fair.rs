//! Liveness by explicit search: every reachable state (up to the state
//! budget), the graph of lawful steps between them, and in it a fair cycle
//! on which the awaited condition is owed and never comes.
//!
//! A node is a state and whether Q is owed (`pending`: for `eventually Q`,
//! from the start; for `P leads to Q`, since a state where P held, until Q
//! holds). A counterexample is a strongly connected set of owed nodes with
//! a step inside it that is *fair*: every event assumed fair happens on a
//! step inside it or is disabled (its `requires` false for every argument)
//! in one of its states. Walking the set through a witness for each event
//! and back gives a lasso: the shortest path to the set, then the loop.
//! No such set among all reachable nodes proves the property. Properties
//! whose P or Q read the past are left to the SMT engine.

use std::collections::{HashMap, VecDeque};

use super::domains::{initial_states, successors, Occurrences};
use super::{Found, Limits, Watch};
use crate::eval::{self, History, Model, State};
use crate::hir::*;

/// The answer of the explicit liveness search.
pub enum Fair {
    /// A lasso: the history and the state it loops back to.
    Lasso { history: History, loop_start: usize },
    /// Every reachable node was seen, and no fair cycle owes Q forever.
    Holds { depth: usize },
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

/// Searches for a fair lasso violating `formula` under `fair`.
pub fn liveness(
    model: &Model,
    formula: &Formula,
    fair: &[Fairness],
    limits: &Limits,
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
    let enabled = |event: EventId, id: usize| {
        let history = History {
            states: vec![graph.states[id].clone()],
            steps: Vec::new(),
        };
        model.enabled(&history, event, 0)
    };
    let owed_nodes: Vec<bool> = graph.nodes.iter().map(|(_, p)| *p).collect();
    for component in components(&graph.edges, &owed_nodes) {
        let inside = |n: usize| component.binary_search(&n).is_ok();
        let has_edge = component
            .iter()
            .any(|&n| graph.edges[n].iter().any(|(to, _)| inside(*to)));
        if !has_edge {
            continue;
        }
        // Per fair event, a witness: a step of it inside, or a state where
        // it is disabled.
        let mut witnesses = Vec::new();
        let mut fair_here = true;
        for f in fair {
            let step = component.iter().find_map(|&n| {
                graph.edges[n].iter().find_map(|&(to, number)| {
                    (inside(to) && occurrences.get(number).event == f.event)
                        .then_some(Witness::Step(n, to, number))
                })
            });
            let off = || {
                component
                    .iter()
                    .find(|&&n| !enabled(f.event, graph.nodes[n].0))
                    .map(|&n| Witness::Node(n))
            };
            match step.or_else(off) {
                Some(w) => witnesses.push(w),
                None => {
                    fair_here = false;
                    break;
                }
            }
        }
        if !fair_here {
            continue;
        }
        // The entry: the component's node reached first.
        let entry = *component
            .iter()
            .min_by_key(|&&n| (graph.depth[n], n))
            .unwrap_or(&component[0]);
        let mut path: Vec<(usize, usize)> = Vec::new(); // (node, step into it)
        let mut at = entry;
        for witness in &witnesses {
            match *witness {
                Witness::Node(n) => {
                    path.extend(walk(&graph.edges, &inside, at, n));
                    at = n;
                }
                Witness::Step(from, to, number) => {
                    path.extend(walk(&graph.edges, &inside, at, from));
                    path.push((to, number));
                    at = to;
                }
            }
        }
        path.extend(walk(&graph.edges, &inside, at, entry));
        if path.is_empty() {
            // No fair event to visit: any step inside, then back.
            let (to, number) = component
                .iter()
                .find_map(|&n| {
                    (n == entry).then(|| graph.edges[n].iter().find(|(to, _)| inside(*to)))
                })
                .flatten()
                .copied()
                .or_else(|| {
                    graph.edges[entry]
                        .iter()
                        .find(|(to, _)| inside(*to))
                        .copied()
                })
                .ok_or_else(|| Found::Unsupported {
                    what: "a cycle without a step".into(),
                })?;
            path.push((to, number));
            path.extend(walk(&graph.edges, &inside, to, entry));
        }
        // The prefix, by parent pointers.
        let mut prefix = Vec::new();
        let mut node = entry;
        while let Some((from, number)) = graph.parent[node] {
            prefix.push((node, number));
            node = from;
        }
        prefix.reverse();
        let mut history = History {
            states: vec![graph.states[graph.nodes[node].0].clone()],
            steps: Vec::new(),
        };
        for (to, number) in prefix.iter().chain(&path) {
            history.steps.push(occurrences.get(*number));
            history
                .states
                .push(graph.states[graph.nodes[*to].0].clone());
        }
        return Ok(Fair::Lasso {
            history,
            loop_start: prefix.len(),
        });
    }
    Ok(Fair::Holds {
        depth: graph.depth.iter().copied().max().unwrap_or(0),
    })
}

impl Graph {
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

enum Witness {
    Node(usize),
    Step(usize, usize, usize),
}

/// A shortest path inside a component from `from` to `to`, as (node, step
/// into it); empty when they are the same node.
fn walk(
    edges: &[Vec<(usize, usize)>],
    inside: &dyn Fn(usize) -> bool,
    from: usize,
    to: usize,
) -> Vec<(usize, usize)> {
    if from == to {
        return Vec::new();
    }
    let mut came: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(n) = queue.pop_front() {
        for &(next, number) in &edges[n] {
            if !inside(next) || next == from || came.contains_key(&next) {
                continue;
            }
            came.insert(next, (n, number));
            if next == to {
                let mut path = Vec::new();
                let mut at = to;
                while at != from {
                    let (before, number) = came[&at];
                    path.push((at, number));
                    at = before;
                }
                path.reverse();
                return path;
            }
            queue.push_back(next);
        }
    }
    Vec::new()
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

//! Histories in the user's terms: the events, their arguments, every
//! state's values, what changed at each step and which clause changed it.
//!
//! One way in: a concrete [`History`] (from the explicit-state engine, or
//! read once from a solver's raw atom values with the lowering's
//! [`Layout`] by [`history`]) is replayed through [`eval`], and the trace
//! shown is built from that history and what its replay applied
//! ([`replayed`]).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::eval::{self, Applied, History, Occurrence};
use crate::hir::{self, ClauseId, EventId, StateKind, Type};
use crate::ir::{Term, TermId, Terms};
use crate::lower::{Layout, Val};
use crate::solve::{RawTrace, RawValue};
use crate::span::Span;

/// A value as the user writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    Bool(bool),
    Int(i64),
    /// An enum value or sort element (`Person#2`).
    Element(String),
    None,
    Set(Vec<String>),
    /// A date of a civil calendar, as an ISO date (`2019-03-22`).
    Date(String),
    /// Nothing in the history depends on it: any value would do.
    Unconstrained,
    /// A function-typed event argument: its value at every point, in
    /// order (`{alice: x, bob: none}`).
    Function(Vec<Point>),
}

/// One point of a function argument: `alice` (`(a, b)` for several
/// arguments) and its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Point {
    pub point: String,
    pub value: Value,
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Element(e) => write!(f, "{e}"),
            Value::None => write!(f, "none"),
            Value::Set(elements) => write!(f, "{{{}}}", elements.join(", ")),
            Value::Date(date) => write!(f, "{date}"),
            Value::Unconstrained => write!(f, "(unconstrained)"),
            Value::Function(points) => {
                let points: Vec<String> = points
                    .iter()
                    .map(|p| format!("{}: {}", p.point, p.value))
                    .collect();
                write!(f, "{{{}}}", points.join(", "))
            }
        }
    }
}

/// One location's value in a state: `chair`, `head_of_state(Armenia)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Binding {
    pub location: String,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClauseRef {
    pub clause: String,
    pub article: Option<String>,
    /// The clauses it is an exception to (`except in vesting`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exception_to: Vec<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub location: String,
    pub before: Value,
    pub after: Value,
    /// The clauses whose effects on this location applied at this step.
    pub by: Vec<ClauseRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub event: String,
    pub args: Vec<Binding>,
    pub changes: Vec<Change>,
    /// Variables with no change: kept by inertia, or re-asserted by a clause.
    pub unchanged: Vec<Unchanged>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unchanged {
    pub variable: String,
    /// Empty when kept by inertia.
    pub by: Vec<ClauseRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// Constants, fixed for the whole history.
    pub constants: Vec<Binding>,
    /// The initial state's variables.
    pub initial: Vec<Binding>,
    pub steps: Vec<Step>,
    /// Whether the history was replayed through [`crate::eval`] (every
    /// trace in a verdict has been).
    pub replayed: bool,
    /// How its content was minimised at its length (`None`: it was not,
    /// as with the explicit-state engine).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimised: Option<Minimality>,
    /// For a liveness counterexample (a lasso): the state the history loops
    /// back to, which equals its last state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loop_start: Option<usize>,
    /// Not shown to be a shortest history: an explicit-state liveness
    /// lasso whose search for a shortest one stopped at its budget.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_shortest: bool,
    /// The concrete history that was replayed, in [`crate::eval`] values.
    #[serde(skip)]
    pub history: Option<History>,
}

/// The outcome of minimising a history's content (see
/// [`crate::solve::minimise`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Minimality {
    /// Every count is proven minimal; false when the solver gave up on
    /// the way, and the simplest history found before is shown.
    pub minimal: bool,
    /// The history's counts, in the order minimised; `None` when the
    /// solver gave up before counting.
    pub counts: Option<crate::solve::Counts>,
    /// The limit of the run's budget that stopped minimisation, if one did
    /// (otherwise, where not minimal, the solver gave up on its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<crate::budget::Spent>,
}

impl Trace {
    /// The clauses whose effects the history used (changed a location, or
    /// re-asserted its value), each once, in the order they first apply.
    pub fn clauses_used(&self) -> Vec<ClauseRef> {
        let mut used: Vec<ClauseRef> = Vec::new();
        let all = self.steps.iter().flat_map(|step| {
            let changed = step.changes.iter().flat_map(|c| c.by.iter());
            changed.chain(step.unchanged.iter().flat_map(|u| u.by.iter()))
        });
        for clause in all {
            if !used
                .iter()
                .any(|c| c.clause == clause.clause && c.article == clause.article)
            {
                used.push(clause.clone());
            }
        }
        used
    }
}

/// The locations and event arguments of a history that the model it was
/// read from leaves free: nothing depends on them, any value would do. The
/// history gives them the first value of their type (see
/// [`eval::Model::first_value`]) for replay; a trace shows them as
/// [`Value::Unconstrained`]. None for a history from the explicit-state
/// engine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Free {
    /// By state, constant or variable ([`hir::StateId`]) and cell.
    cells: BTreeSet<(usize, usize, usize)>,
    /// By step and parameter.
    args: BTreeSet<(usize, usize)>,
}

/// The order in which a step lists the clauses whose effects applied to a
/// location. The engines have listed them differently where an overridden
/// clause's effect applies beside another clause's (a set's members added
/// by one, removed by the other); kept as it was for now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credit {
    /// In the order of the spec's clauses (the SMT engine, lint).
    Spec,
    /// In the order replay applied their effects, overridden clauses' last
    /// (the explicit-state engine).
    Replay,
}

/// A history replayed through [`eval`] with its `ending`, in the user's
/// terms (the history is kept in [`Trace::history`]); why not, if it does
/// not replay. Every trace charter shows is built so.
pub fn replayed(
    model: &eval::Model,
    history: History,
    free: &Free,
    credit: Credit,
    ending: eval::Ending,
) -> Result<Trace, eval::Rejection> {
    let applied = eval::replay_applied(model, &history, ending)?;
    let mut trace = build(model, &history, &applied, free, credit);
    trace.replayed = true;
    trace.history = Some(history);
    Ok(trace)
}

/// A history that was not replayed (lawful only for a spec with items left
/// out, which [`eval`] does not know), in the user's terms, crediting no
/// clause with its changes.
pub fn unreplayed(model: &eval::Model, history: History, free: &Free) -> Trace {
    let mut trace = build(model, &history, &[], free, Credit::Spec);
    trace.history = Some(history);
    trace
}

/// A history in the user's terms: `applied` says, per step, which clauses'
/// effects applied to which locations (a step beyond it credits none).
fn build(
    model: &eval::Model,
    history: &History,
    applied: &[Applied],
    free: &Free,
    credit: Credit,
) -> Trace {
    let charter = model.charter;
    let names: Vec<Vec<String>> = (0..charter.states.len())
        .map(|id| model.location_names(hir::StateId(id)))
        .collect();
    // Every location's value in every state, as shown.
    let values: Vec<Vec<Vec<Value>>> = history
        .states
        .iter()
        .enumerate()
        .map(|(state, cells)| {
            charter
                .states
                .iter()
                .zip(&cells.cells)
                .enumerate()
                .map(|(id, (decl, cells))| {
                    cells
                        .iter()
                        .enumerate()
                        .map(|(cell, value)| {
                            let left_free = free.cells.contains(&(state, id, cell));
                            let value = shown(model, value, &decl.ty, left_free);
                            let dated = dated(charter, decl.provenance)
                                || charter
                                    .calendar
                                    .as_ref()
                                    .is_some_and(|c| c.dated_states.contains(&hir::StateId(id)));
                            as_date(charter, dated, value)
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let bindings = |kind: StateKind| -> Vec<Binding> {
        let Some(first) = values.first() else {
            return Vec::new();
        };
        charter
            .states
            .iter()
            .zip(first)
            .zip(&names)
            .filter(|((decl, _), _)| decl.kind == kind)
            .flat_map(|((_, values), names)| {
                names.iter().zip(values).map(|(location, value)| Binding {
                    location: location.clone(),
                    value: value.clone(),
                })
            })
            .collect()
    };
    let mut steps = Vec::new();
    for (index, occurrence) in history.steps.iter().enumerate() {
        // The effects that applied, in the order `credit` says (replay
        // settles those of overridden clauses last).
        let mut fired: Vec<&(ClauseId, hir::StateId, usize, Span)> = applied
            .get(index)
            .map_or(Vec::new(), |a| a.fired.iter().collect());
        if credit == Credit::Spec {
            fired.sort_by_key(|(clause, ..)| *clause);
        }
        // The clauses whose effects applied to `state` at this step: to
        // its cell `cell`, or to any of its cells.
        let fired_on = |state: usize, cell: Option<usize>| -> Vec<ClauseRef> {
            let mut refs: Vec<ClauseRef> = Vec::new();
            for (clause, target, at, span) in &fired {
                if target.0 == state && cell.is_none_or(|c| c == *at) {
                    let clause = clause_ref(charter, *clause, *span);
                    if !refs.iter().any(|r| r.clause == clause.clause) {
                        refs.push(clause);
                    }
                }
            }
            refs
        };
        let mut step = call(model, occurrence, index, free);
        let (Some(before), Some(after)) = (values.get(index), values.get(index + 1)) else {
            steps.push(step);
            continue;
        };
        let cells = before.iter().zip(after).zip(&names);
        for (state, (decl, ((before, after), names))) in
            charter.states.iter().zip(cells).enumerate()
        {
            if decl.kind == StateKind::Const {
                continue;
            }
            let mut any = false;
            for ((cell, (old, new)), location) in before.iter().zip(after).enumerate().zip(names) {
                if old != new {
                    any = true;
                    step.changes.push(Change {
                        location: location.clone(),
                        before: old.clone(),
                        after: new.clone(),
                        by: fired_on(state, Some(cell)),
                    });
                }
            }
            if !any {
                step.unchanged.push(Unchanged {
                    variable: decl.name.clone(),
                    by: fired_on(state, None),
                });
            }
        }
        steps.push(step);
    }
    Trace {
        constants: bindings(StateKind::Const),
        initial: bindings(StateKind::Var),
        steps,
        replayed: false,
        minimised: None,
        loop_start: None,
        not_shortest: false,
        history: None,
    }
}

/// Step `index` of a history, `occurrence`, as a call: its event and
/// arguments, without what changed.
pub fn call(model: &eval::Model, occurrence: &Occurrence, index: usize, free: &Free) -> Step {
    let charter = model.charter;
    let decl = charter.events.get(occurrence.event.0);
    let args = decl
        .map_or(&[][..], |decl| &decl.params)
        .iter()
        .zip(&occurrence.args)
        .enumerate()
        .map(|(param, (id, value))| {
            let local = charter.local(*id);
            let dated = dated(charter, local.provenance)
                || charter
                    .calendar
                    .as_ref()
                    .is_some_and(|c| c.dated_locals.contains(id));
            let left_free = free.args.contains(&(index, param));
            let value = match (value, left_free) {
                (eval::Value::Table(values), false) => Value::Function(
                    model
                        .points(*id)
                        .into_iter()
                        .zip(values)
                        .map(|(point, value)| Point {
                            point,
                            value: as_date(charter, dated, user_value(model, value, &local.ty)),
                        })
                        .collect(),
                ),
                _ => as_date(charter, dated, shown(model, value, &local.ty, left_free)),
            };
            Binding {
                location: local.name.clone(),
                value,
            }
        })
        .collect();
    Step {
        event: decl.map_or_else(String::new, |decl| decl.name.clone()),
        args,
        changes: Vec::new(),
        unchanged: Vec::new(),
    }
}

/// Whether the calendar made the declaration to hold dates: `now`, each
/// event's `date`, the `last E` monitors, the dates duties fall due.
fn dated(charter: &hir::Charter, provenance: hir::Provenance) -> bool {
    charter.calendar.is_some()
        && matches!(
            provenance,
            hir::Provenance::Calendar
                | hir::Provenance::LastMonitor { .. }
                | hir::Provenance::Duty {
                    part: hir::DutyPart::Monitor,
                    ..
                }
        )
}

/// In a civil calendar, a value of a declaration that holds dates (the
/// calendar's own, and those declared `Date`) as an ISO date (a set's
/// members each); any other
/// value as it is.
fn as_date(charter: &hir::Charter, dated: bool, value: Value) -> Value {
    let civil = charter.calendar.as_ref().is_some_and(|c| c.civil);
    match value {
        Value::Int(days) if civil && dated => Value::Date(crate::civil::iso(days)),
        // A `set Date`'s members, written as day numbers.
        Value::Set(members) if civil && dated => Value::Set(
            members
                .into_iter()
                .map(|m| m.parse().map_or(m, crate::civil::iso))
                .collect(),
        ),
        other => other,
    }
}

/// A concrete value as the user writes it; unconstrained if the model it
/// was read from leaves it free.
fn shown(model: &eval::Model, value: &eval::Value, ty: &Type, left_free: bool) -> Value {
    match left_free {
        true => Value::Unconstrained,
        false => user_value(model, value, ty),
    }
}

/// A concrete value as the user writes it.
fn user_value(model: &eval::Model, value: &eval::Value, ty: &Type) -> Value {
    match (value, ty) {
        (eval::Value::Bool(b), _) => Value::Bool(*b),
        (eval::Value::Int(i), _) => Value::Int(*i),
        (eval::Value::Elem(_), _) => Value::Element(model.value_name(value, ty)),
        (eval::Value::Opt(None), _) => Value::None,
        (eval::Value::Opt(Some(inner)), Type::Option(inner_ty)) => {
            user_value(model, inner, inner_ty)
        }
        (eval::Value::Set(members), Type::Set(element)) => Value::Set(
            members
                .iter()
                .map(|m| model.value_name(m, element))
                .collect(),
        ),
        _ => Value::Unconstrained,
    }
}

/// A raw model trace as a concrete history, read once: for
/// [`eval::replay`], then shown. A location the model leaves free gets the
/// first value of its type (see [`eval::Model::first_value`]) and is
/// recorded in [`Free`]; a step with no event selected is event 0.
pub fn history(
    model: &eval::Model,
    terms: &Terms,
    layout: &Layout,
    raw: &RawTrace,
) -> (History, Free) {
    let reader = Reader { terms, raw };
    let mut free = Free::default();
    let states = (0..raw.states.len())
        .map(|state| eval::State {
            cells: model
                .charter
                .states
                .iter()
                .enumerate()
                .map(|(index, decl)| {
                    layout.cells[index]
                        .iter()
                        .enumerate()
                        .map(|(cell, (_, val))| {
                            let (value, left_free) =
                                reader.concrete(model, val, &decl.ty, Source::State(state));
                            if left_free {
                                free.cells.insert((state, index, cell));
                            }
                            value
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    let steps = (0..raw.inputs.len())
        .map(|step| {
            let event = (0..model.charter.events.len())
                .find(|e| reader.bool(layout.selectors[*e], Source::Input(step)) == Some(true))
                .unwrap_or(0);
            let args = match model.charter.events.get(event) {
                Some(decl) => decl
                    .params
                    .iter()
                    .zip(&layout.params[event])
                    .enumerate()
                    .map(|(param, (local, val))| {
                        let ty = &model.charter.local(*local).ty;
                        let (value, left_free) =
                            reader.concrete(model, val, ty, Source::Input(step));
                        if left_free {
                            free.args.insert((step, param));
                        }
                        value
                    })
                    .collect(),
                None => Vec::new(),
            };
            Occurrence {
                event: EventId(event),
                args,
            }
        })
        .collect();
    (History { states, steps }, free)
}

fn clause_ref(charter: &hir::Charter, clause: ClauseId, span: Span) -> ClauseRef {
    let decl = &charter.clauses[clause.0];
    ClauseRef {
        clause: decl.name.clone(),
        article: decl.article.clone(),
        exception_to: decl
            .exception_to
            .iter()
            .map(|c| charter.clauses[c.0].name.clone())
            .collect(),
        span,
    }
}

/// The name of the `index`th value of a finite type.
pub fn element_name(charter: &hir::Charter, ty: &Type, index: usize) -> String {
    match ty {
        Type::Bool => (index == 1).to_string(),
        Type::Int(range) => (range.low + index as i64).to_string(),
        Type::Sort(id) => charter.sort(*id).element_name(index),
        Type::Option(_) | Type::Set(_) => String::new(),
    }
}

#[derive(Clone, Copy)]
enum Source {
    State(usize),
    Input(usize),
}

struct Reader<'a> {
    terms: &'a Terms,
    raw: &'a RawTrace,
}

impl Reader<'_> {
    fn raw(&self, leaf: TermId, source: Source) -> Option<RawValue> {
        match (self.terms.get(leaf), source) {
            (Term::State(atom, _), Source::State(state)) => self.raw.states[state][atom.0 as usize],
            (Term::Input(input), Source::Input(step)) => self.raw.inputs[step][input.0 as usize],
            (Term::Bool(b), _) => Some(RawValue::Bool(*b)),
            (Term::Int(i), _) => Some(RawValue::Int(*i)),
            _ => None,
        }
    }

    fn bool(&self, leaf: TermId, source: Source) -> Option<bool> {
        match self.raw(leaf, source) {
            Some(RawValue::Bool(b)) => Some(b),
            _ => None,
        }
    }

    /// A value for replay, and whether the model leaves it free (a trace
    /// shows it as unconstrained): then the first value of its type (an
    /// absent member, a `none`, element 0). A set is free only where every
    /// member is; a member the model leaves free is absent, one of the
    /// histories the model stands for.
    fn concrete(
        &self,
        model: &eval::Model,
        val: &Val,
        ty: &Type,
        source: Source,
    ) -> (eval::Value, bool) {
        match (val, ty) {
            (Val::Bool(leaf), _) => match self.raw(*leaf, source) {
                Some(RawValue::Bool(b)) => (eval::Value::Bool(b), false),
                _ => (model.first_value(ty), true),
            },
            (Val::Int(leaf), _) => match self.raw(*leaf, source) {
                Some(RawValue::Int(i)) => (eval::Value::Int(i), false),
                _ => (model.first_value(ty), true),
            },
            (Val::Elem(bits), _) => {
                match bits
                    .iter()
                    .position(|b| self.bool(*b, source) == Some(true))
                {
                    Some(index) => (eval::Value::Elem(index), false),
                    None => (eval::Value::Elem(0), true),
                }
            }
            (Val::Opt(flag, inner), Type::Option(inner_ty)) => match self.bool(*flag, source) {
                Some(true) => {
                    let (inner, free) = self.concrete(model, inner, inner_ty, source);
                    (eval::Value::Opt(Some(Box::new(inner))), free)
                }
                Some(false) => (eval::Value::Opt(None), false),
                None => (eval::Value::Opt(None), true),
            },
            (Val::Set(bits), Type::Set(element)) => {
                let known: Vec<Option<bool>> = bits.iter().map(|b| self.bool(*b, source)).collect();
                let free = !known.is_empty() && known.iter().all(Option::is_none);
                let members = model
                    .domain(element)
                    .into_iter()
                    .zip(&known)
                    .filter(|(_, b)| **b == Some(true))
                    .map(|(v, _)| v)
                    .collect();
                (eval::Value::Set(members), free)
            }
            // A function argument: `ty` is its result type; free only where
            // every point is.
            (Val::Table(points), _) => {
                let (values, free): (Vec<_>, Vec<bool>) = points
                    .iter()
                    .map(|point| self.concrete(model, point, ty, source))
                    .unzip();
                let free = !free.is_empty() && free.iter().all(|f| *f);
                (eval::Value::Table(values), free)
            }
            _ => (model.first_value(ty), true),
        }
    }
}

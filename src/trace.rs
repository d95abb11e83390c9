//! Histories in the user's terms: the events, their arguments, every
//! state's values, what changed at each step and which clause changed it.
//! Built from a solver's raw atom values with the lowering's [`Layout`].

use serde::Serialize;

use crate::eval::{self, History, Occurrence};
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
    /// Nothing in the history depends on it: any value would do.
    Unconstrained,
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Element(e) => write!(f, "{e}"),
            Value::None => write!(f, "none"),
            Value::Set(elements) => write!(f, "{{{}}}", elements.join(", ")),
            Value::Unconstrained => write!(f, "(unconstrained)"),
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

/// Decodes a raw model trace.
pub fn decode(
    charter: &hir::Charter,
    terms: &Terms,
    layout: &Layout,
    raw: &RawTrace,
    effects: &[crate::ir::EffectRecord],
) -> Trace {
    let reader = Reader {
        charter,
        terms,
        raw,
    };
    let states: Vec<Vec<Vec<Binding>>> = (0..raw.states.len())
        .map(|state| {
            charter
                .states
                .iter()
                .enumerate()
                .map(|(index, decl)| {
                    layout.cells[index]
                        .iter()
                        .map(|(tuple, val)| Binding {
                            location: location_name(charter, decl, tuple),
                            value: reader.value(val, &decl.ty, Source::State(state)),
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let split = |bindings: &Vec<Vec<Binding>>, kind: StateKind| -> Vec<Binding> {
        charter
            .states
            .iter()
            .zip(bindings)
            .filter(|(decl, _)| decl.kind == kind)
            .flat_map(|(_, cells)| cells.clone())
            .collect()
    };
    let constants = split(&states[0], StateKind::Const);
    let initial = split(&states[0], StateKind::Var);
    let steps = (0..raw.inputs.len())
        .map(|step| {
            let event = (0..charter.events.len())
                .find(|e| reader.bool(layout.selectors[*e], Source::Input(step)) == Some(true))
                .unwrap_or(0);
            let decl = &charter.events[event];
            let args = decl
                .params
                .iter()
                .zip(&layout.params[event])
                .map(|(local, val)| {
                    let local = charter.local(*local);
                    Binding {
                        location: local.name.clone(),
                        value: reader.value(val, &local.ty, Source::Input(step)),
                    }
                })
                .collect();
            // The clauses whose effects applied to `state` at this step: to
            // its cell `cell`, or to any of its cells.
            let fired_on = |state: usize, cell: Option<usize>| -> Vec<ClauseRef> {
                let mut refs: Vec<ClauseRef> = Vec::new();
                for ((record, fired), record_cell) in effects
                    .iter()
                    .zip(&raw.fired[step])
                    .zip(&layout.effect_cells)
                {
                    if *fired
                        && record.state.0 == state
                        && cell.is_none_or(|cell| cell == *record_cell)
                    {
                        let clause = clause_ref(charter, record.clause, record.span);
                        if !refs.iter().any(|r| r.clause == clause.clause) {
                            refs.push(clause);
                        }
                    }
                }
                refs
            };
            let mut changes = Vec::new();
            let mut unchanged = Vec::new();
            for (index, decl) in charter.states.iter().enumerate() {
                if decl.kind == StateKind::Const {
                    continue;
                }
                let before = &states[step][index];
                let after = &states[step + 1][index];
                let mut any = false;
                for (cell, (old, new)) in before.iter().zip(after).enumerate() {
                    if old.value != new.value {
                        any = true;
                        changes.push(Change {
                            location: new.location.clone(),
                            before: old.value.clone(),
                            after: new.value.clone(),
                            by: fired_on(index, Some(cell)),
                        });
                    }
                }
                if !any {
                    unchanged.push(Unchanged {
                        variable: decl.name.clone(),
                        by: fired_on(index, None),
                    });
                }
            }
            Step {
                event: decl.name.clone(),
                args,
                changes,
                unchanged,
            }
        })
        .collect();
    Trace {
        constants,
        initial,
        steps,
        replayed: false,
        minimised: None,
        history: None,
    }
}

/// A concrete history (from the explicit-state engine) in the user's
/// terms, with the clauses whose effects applied at each step; `None` if a
/// step is not lawful.
pub fn from_history(model: &eval::Model, history: &History) -> Option<Trace> {
    let charter = model.charter;
    let bindings = |state: &eval::State, kind: StateKind| -> Vec<Binding> {
        charter
            .states
            .iter()
            .enumerate()
            .filter(|(_, decl)| decl.kind == kind)
            .flat_map(|(index, decl)| {
                state.cells[index]
                    .iter()
                    .enumerate()
                    .map(move |(cell, value)| Binding {
                        location: model.location_name(hir::StateId(index), cell),
                        value: user_value(model, value, &decl.ty),
                    })
            })
            .collect()
    };
    let first = history.states.first()?;
    let mut steps = Vec::new();
    for (index, occurrence) in history.steps.iter().enumerate() {
        let applied = model.check_step(history, index).ok()?;
        let decl = charter.events.get(occurrence.event.0)?;
        let fired_on = |state: usize, cell: Option<usize>| -> Vec<ClauseRef> {
            let mut refs: Vec<ClauseRef> = Vec::new();
            for (clause, target, at, span) in &applied.fired {
                if target.0 == state && cell.is_none_or(|c| c == *at) {
                    let clause = clause_ref(charter, *clause, *span);
                    if !refs.iter().any(|r| r.clause == clause.clause) {
                        refs.push(clause);
                    }
                }
            }
            refs
        };
        let args = decl
            .params
            .iter()
            .zip(&occurrence.args)
            .map(|(local, value)| {
                let local = charter.local(*local);
                Binding {
                    location: local.name.clone(),
                    value: user_value(model, value, &local.ty),
                }
            })
            .collect();
        let mut changes = Vec::new();
        let mut unchanged = Vec::new();
        for (state, decl) in charter.states.iter().enumerate() {
            if decl.kind == StateKind::Const {
                continue;
            }
            let before = &history.states[index].cells[state];
            let after = &history.states[index + 1].cells[state];
            let mut any = false;
            for (cell, (old, new)) in before.iter().zip(after).enumerate() {
                if old != new {
                    any = true;
                    changes.push(Change {
                        location: model.location_name(hir::StateId(state), cell),
                        before: user_value(model, old, &decl.ty),
                        after: user_value(model, new, &decl.ty),
                        by: fired_on(state, Some(cell)),
                    });
                }
            }
            if !any {
                unchanged.push(Unchanged {
                    variable: decl.name.clone(),
                    by: fired_on(state, None),
                });
            }
        }
        steps.push(Step {
            event: decl.name.clone(),
            args,
            changes,
            unchanged,
        });
    }
    Some(Trace {
        constants: bindings(first, StateKind::Const),
        initial: bindings(first, StateKind::Var),
        steps,
        replayed: false,
        minimised: None,
        history: Some(history.clone()),
    })
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

/// The same raw model trace as a concrete history for [`eval::replay`]. A
/// location the model leaves free gets the first value of its type (see
/// [`eval::Model::first_value`]); a step with no event selected is event 0.
pub fn history(model: &eval::Model, terms: &Terms, layout: &Layout, raw: &RawTrace) -> History {
    let reader = Reader {
        charter: model.charter,
        terms,
        raw,
    };
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
                        .map(|(_, val)| reader.concrete(model, val, &decl.ty, Source::State(state)))
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
                    .map(|(local, val)| {
                        let ty = &model.charter.local(*local).ty;
                        reader.concrete(model, val, ty, Source::Input(step))
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
    History { states, steps }
}

fn clause_ref(charter: &hir::Charter, clause: ClauseId, span: Span) -> ClauseRef {
    let decl = &charter.clauses[clause.0];
    ClauseRef {
        clause: decl.name.clone(),
        article: decl.article.clone(),
        span,
    }
}

fn location_name(charter: &hir::Charter, decl: &hir::StateDecl, tuple: &[usize]) -> String {
    if tuple.is_empty() {
        return decl.name.clone();
    }
    let args: Vec<String> = tuple
        .iter()
        .zip(&decl.args)
        .map(|(index, ty)| element_name(charter, ty, *index))
        .collect();
    format!("{}({})", decl.name, args.join(", "))
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
    charter: &'a hir::Charter,
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

    /// A value for replay: where the model leaves a leaf free, the first
    /// value of its type (an absent member, a `none`, element 0).
    fn concrete(&self, model: &eval::Model, val: &Val, ty: &Type, source: Source) -> eval::Value {
        match (val, ty) {
            (Val::Bool(leaf), _) => match self.raw(*leaf, source) {
                Some(RawValue::Bool(b)) => eval::Value::Bool(b),
                _ => model.first_value(ty),
            },
            (Val::Int(leaf), _) => match self.raw(*leaf, source) {
                Some(RawValue::Int(i)) => eval::Value::Int(i),
                _ => model.first_value(ty),
            },
            (Val::Elem(bits), _) => eval::Value::Elem(
                bits.iter()
                    .position(|b| self.bool(*b, source) == Some(true))
                    .unwrap_or(0),
            ),
            (Val::Opt(flag, inner), Type::Option(inner_ty)) => match self.bool(*flag, source) {
                Some(true) => eval::Value::Opt(Some(Box::new(
                    self.concrete(model, inner, inner_ty, source),
                ))),
                _ => eval::Value::Opt(None),
            },
            (Val::Set(bits), Type::Set(element)) => eval::Value::Set(
                model
                    .domain(element)
                    .into_iter()
                    .zip(bits)
                    .filter(|(_, b)| self.bool(**b, source) == Some(true))
                    .map(|(v, _)| v)
                    .collect(),
            ),
            _ => model.first_value(ty),
        }
    }

    fn value(&self, val: &Val, ty: &Type, source: Source) -> Value {
        match (val, ty) {
            (Val::Bool(leaf), _) => match self.raw(*leaf, source) {
                Some(RawValue::Bool(b)) => Value::Bool(b),
                _ => Value::Unconstrained,
            },
            (Val::Int(leaf), _) => match self.raw(*leaf, source) {
                Some(RawValue::Int(i)) => Value::Int(i),
                _ => Value::Unconstrained,
            },
            (Val::Elem(bits), _) => {
                let known: Vec<Option<bool>> = bits.iter().map(|b| self.bool(*b, source)).collect();
                match known.iter().position(|b| *b == Some(true)) {
                    Some(index) => Value::Element(element_name(self.charter, ty, index)),
                    None => Value::Unconstrained,
                }
            }
            (Val::Opt(flag, inner), Type::Option(inner_ty)) => match self.bool(*flag, source) {
                Some(true) => self.value(inner, inner_ty, source),
                Some(false) => Value::None,
                None => Value::Unconstrained,
            },
            (Val::Set(bits), Type::Set(element)) => {
                let known: Vec<Option<bool>> = bits.iter().map(|b| self.bool(*b, source)).collect();
                if !known.is_empty() && known.iter().all(Option::is_none) {
                    return Value::Unconstrained;
                }
                // A member the model leaves free may be either; showing it
                // as absent is one of the histories the model stands for.
                Value::Set(
                    known
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| **b == Some(true))
                        .map(|(i, _)| element_name(self.charter, element, i))
                        .collect(),
                )
            }
            _ => Value::Unconstrained,
        }
    }
}

//! A plain interpreter of the spec's semantics over [`hir::Charter`]:
//! concrete values, states and histories, and the rules that say whether a
//! history is lawful. No solver and nothing of [`crate::lower`]: this module
//! is the second, independent reading of docs/language.md against which
//! every trace the solver finds is replayed ([`replay`]) before it is shown.
//!
//! The details follow the lowering's documented choices: an exception's
//! condition and a `when` are read with the step's next state at hand; `s'
//! += x` mentions only the elements of `x`; a set of integers keeps only the
//! members in its type's range; integer expressions are exact, and only
//! a state's values must lie in their declared ranges.
//!
//! Integer arithmetic is exact, never saturated or wrapped: the checker
//! bounds every integer expression within i64, and this module computes
//! sums, differences, products and negations in i128 and compares in
//! i128, so a share's products `q·a` (up to 2^126, read only by their
//! comparison) are exact too. A result outside i64 where a value is kept
//! (which the checker rules out) is recorded ([`Model::overflowed`]) and
//! makes replay fail and the explicit engine answer unknown.
//!
//! This file: values, states, histories and the [`Model`] of a command
//! (its domains). `expr.rs`: the evaluator of expressions; `step.rs`: the
//! rules of a state and a step (`check_initial`, `check_step`, effects,
//! inertia); `replay.rs`: a whole history judged, and why not
//! ([`Reason`], [`At`], [`Rejection`]).

mod expr;
mod lasso;
mod replay;
mod step;

pub use expr::{Monitors, Scene};
pub use lasso::Lasso;
pub use replay::{replay, replay_applied, At, Ending, Reason, Rejection};
pub use step::{Applied, Assignment};

use crate::hir::{self, *};

/// A concrete value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    Bool(bool),
    Int(i64),
    /// An enum value or sort element, by index.
    Elem(usize),
    Opt(Option<Box<Value>>),
    /// Members, sorted and without repeats.
    Set(Vec<Value>),
    /// A function-typed event argument: its value at each argument tuple,
    /// in row-major order over the argument domains.
    Table(Vec<Value>),
}

impl Value {
    fn truth(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    fn members(&self) -> &[Value] {
        match self {
            Value::Set(members) => members,
            _ => &[],
        }
    }
}

/// A state: per constant or variable (by [`StateId`]), the value of each of
/// its cells, the argument tuples in row-major order over their domains.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct State {
    pub cells: Vec<Vec<Value>>,
}

/// One step's event and its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Occurrence {
    pub event: EventId,
    pub args: Vec<Value>,
}

/// A history: `steps.len() + 1` states; step `i` leads from state `i` to
/// state `i + 1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct History {
    pub states: Vec<State>,
    pub steps: Vec<Occurrence>,
}

/// The spec for one command: its charter and the size of every sort.
pub struct Model<'h> {
    pub charter: &'h hir::Charter,
    pub sizes: Vec<usize>,
    /// Set when an integer result outside i64 was to be kept as a value.
    overflow: std::cell::Cell<bool>,
    /// Per clause, every clause above it in the override order (that
    /// overrides it, or overrides one that does, …).
    overriders: Vec<Vec<ClauseId>>,
    /// Environments (every local unbound) kept for reuse, so that the
    /// explicit engine's many short evaluations allocate none.
    envs: std::cell::RefCell<Vec<Vec<Option<Value>>>>,
}

impl<'h> Model<'h> {
    /// The model of a command: enums have their values, abstract sorts the
    /// command's scope or the default.
    pub fn new(charter: &'h hir::Charter, scopes: &[(SortId, u64)]) -> Model<'h> {
        let sizes = charter.sort_sizes(scopes);
        // Priority is transitive: walk `overrides` upwards from each clause.
        let overriders = (0..charter.clauses.len())
            .map(|index| {
                let mut found: Vec<ClauseId> = Vec::new();
                let mut frontier = vec![ClauseId(index)];
                while let Some(below) = frontier.pop() {
                    for (upper, clause) in charter.clauses.iter().enumerate() {
                        let upper = ClauseId(upper);
                        if clause.overrides.contains(&below)
                            && upper.0 != index
                            && !found.contains(&upper)
                        {
                            found.push(upper);
                            frontier.push(upper);
                        }
                    }
                }
                found
            })
            .collect();
        Model {
            charter,
            sizes,
            overflow: std::cell::Cell::new(false),
            overriders,
            envs: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// How many clauses override clause `clause` (transitively): the
    /// order in which [`Model::applicable_effects`] lists their effects.
    pub fn overridden_by(&self, clause: ClauseId) -> usize {
        self.overriders[clause.0].len()
    }

    /// A copy for another thread (a model is not shared between threads:
    /// its overflow flag is not atomic); its flag starts clear.
    pub fn fork(&self) -> Model<'h> {
        Model {
            charter: self.charter,
            sizes: self.sizes.clone(),
            overflow: std::cell::Cell::new(false),
            overriders: self.overriders.clone(),
            envs: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// An environment with every local unbound: a kept one if there is.
    fn env(&self) -> Vec<Option<Value>> {
        self.envs
            .borrow_mut()
            .pop()
            .unwrap_or_else(|| vec![None; self.charter.locals.len()])
    }

    /// Keeps an environment for reuse ([`Self::env`]), every local unbound.
    fn spare(&self, mut env: Vec<Option<Value>>) {
        env.iter_mut().for_each(|v| *v = None);
        let mut envs = self.envs.borrow_mut();
        if envs.len() < 4 {
            envs.push(env);
        }
    }

    /// Whether an integer result outside i64 was met (and stood in as 0):
    /// then what was evaluated is not exact. The checker's ranges rule it
    /// out; replay and the explicit engine refuse to conclude if it occurs.
    pub fn overflowed(&self) -> bool {
        self.overflow.get()
    }

    // ------------------------------------------------------------ domains

    /// Every value of a finite type (a sort, `Bool`, an `Int` range), in
    /// index order; empty for options and sets, which are not element types.
    pub fn domain(&self, ty: &Type) -> Vec<Value> {
        match ty {
            Type::Bool => vec![Value::Bool(false), Value::Bool(true)],
            Type::Int(range) => (range.low..=range.high).map(Value::Int).collect(),
            Type::Sort(id) => (0..self.sizes[id.0]).map(Value::Elem).collect(),
            Type::Option(_) | Type::Set(_) => Vec::new(),
        }
    }

    /// The position of a value in its finite type's domain.
    fn position(&self, value: &Value, ty: &Type) -> Option<usize> {
        match (value, ty) {
            (Value::Bool(b), Type::Bool) => Some(usize::from(*b)),
            (Value::Int(i), Type::Int(range)) if range.low <= *i && *i <= range.high => {
                usize::try_from(i128::from(*i) - i128::from(range.low)).ok()
            }
            (Value::Elem(e), Type::Sort(id)) if *e < self.sizes[id.0] => Some(*e),
            _ => None,
        }
    }

    /// Whether a value is one of its type's.
    pub fn in_domain(&self, value: &Value, ty: &Type) -> bool {
        match (value, ty) {
            (Value::Opt(None), Type::Option(_)) => true,
            (Value::Opt(Some(inner)), Type::Option(inner_ty)) => self.in_domain(inner, inner_ty),
            (Value::Set(members), Type::Set(element)) => {
                members.windows(2).all(|w| w[0] < w[1])
                    && members.iter().all(|m| self.position(m, element).is_some())
            }
            _ => self.position(value, ty).is_some(),
        }
    }

    /// The first value of a type: what a location the solver leaves free
    /// is given for replay.
    pub fn first_value(&self, ty: &Type) -> Value {
        match ty {
            Type::Bool => Value::Bool(false),
            Type::Int(range) => Value::Int(range.low),
            Type::Sort(_) => Value::Elem(0),
            Type::Option(_) => Value::Opt(None),
            Type::Set(_) => Value::Set(Vec::new()),
        }
    }

    /// The number of argument tuples (cells) of a function with these
    /// argument types, counted without listing them (one for a plain value).
    pub fn cell_count(&self, args: &[Type]) -> u128 {
        args.iter().fold(1u128, |n, ty| {
            n.saturating_mul(ty.domain_size(&self.sizes) as u128)
        })
    }

    /// The argument tuple of one cell (row-major), without listing the
    /// others.
    fn tuple_of(&self, args: &[Type], cell: usize) -> Option<Vec<Value>> {
        let mut rest = cell;
        let mut tuple = Vec::with_capacity(args.len());
        for ty in args.iter().rev() {
            let size = ty.domain_size(&self.sizes);
            let position = rest.checked_rem(size)?;
            rest /= size;
            tuple.push(match ty {
                Type::Bool => Value::Bool(position == 1),
                Type::Int(range) => Value::Int(range.low.checked_add_unsigned(position as u64)?),
                Type::Sort(_) => Value::Elem(position),
                Type::Option(_) | Type::Set(_) => return None,
            });
        }
        tuple.reverse();
        (rest == 0).then_some(tuple)
    }

    /// All argument tuples of a function with these argument types, in
    /// row-major order (one empty tuple for a plain value).
    pub fn tuples(&self, args: &[Type]) -> Vec<Vec<Value>> {
        let mut tuples = vec![Vec::new()];
        for arg in args {
            let domain = self.domain(arg);
            tuples = tuples
                .into_iter()
                .flat_map(|prefix| {
                    domain.iter().map(move |value| {
                        let mut tuple = prefix.clone();
                        tuple.push(value.clone());
                        tuple
                    })
                })
                .collect();
        }
        tuples
    }

    /// The cell of `state` at these arguments, if they are in its domain.
    pub fn cell_of(&self, state: StateId, args: &[Value]) -> Option<usize> {
        self.point_of(&self.charter.state(state).args, args)
    }

    /// The index of an argument tuple among a function's points (row-major
    /// over the argument types' domains).
    pub fn point_of(&self, arg_types: &[Type], args: &[Value]) -> Option<usize> {
        let mut index = 0usize;
        for (value, ty) in args.iter().zip(arg_types) {
            let size = ty.domain_size(&self.sizes);
            index = index.checked_mul(size)? + self.position(value, ty)?;
        }
        Some(index)
    }

    /// The name of a value as the user writes it.
    pub fn value_name(&self, value: &Value, ty: &Type) -> String {
        match (value, ty) {
            (Value::Bool(b), _) => b.to_string(),
            (Value::Int(i), _) => i.to_string(),
            (Value::Elem(e), Type::Sort(id)) => self.charter.sort(*id).element_name(*e),
            (Value::Opt(None), _) => "none".into(),
            (Value::Opt(Some(inner)), Type::Option(inner_ty)) => self.value_name(inner, inner_ty),
            (Value::Set(members), Type::Set(element)) => {
                let names: Vec<String> = members
                    .iter()
                    .map(|m| self.value_name(m, element))
                    .collect();
                format!("{{{}}}", names.join(", "))
            }
            (value, _) => format!("{value:?}"),
        }
    }

    /// A location's name: `chair`, `head_of_state(Armenia)`.
    pub fn location_name(&self, state: StateId, cell: usize) -> String {
        let decl = self.charter.state(state);
        if decl.args.is_empty() {
            return decl.name.clone();
        }
        match self.tuple_of(&decl.args, cell) {
            Some(tuple) => self.point_name(state, &tuple),
            None => format!("{}(?)", decl.name),
        }
    }

    /// The names of all of a constant's or variable's locations, in cell
    /// order (see [`Self::location_name`]).
    pub fn location_names(&self, state: StateId) -> Vec<String> {
        let decl = self.charter.state(state);
        if decl.args.is_empty() {
            return vec![decl.name.clone()];
        }
        self.tuples(&decl.args)
            .iter()
            .map(|tuple| self.point_name(state, tuple))
            .collect()
    }

    /// The names of a function parameter's points, in row-major order:
    /// `alice`, or `(a, b)` for several arguments.
    pub fn points(&self, param: LocalId) -> Vec<String> {
        let arg_types = &self.charter.local(param).args;
        let dated = |position| {
            self.charter
                .calendar
                .as_ref()
                .is_some_and(|c| c.dated_local_args.contains(&(param, position)))
        };
        self.tuples(arg_types)
            .iter()
            .map(|tuple| {
                let names: Vec<String> = tuple
                    .iter()
                    .zip(arg_types)
                    .enumerate()
                    .map(|(position, (v, ty))| self.arg_name(v, ty, dated(position)))
                    .collect();
                match names.as_slice() {
                    [one] => one.clone(),
                    _ => format!("({})", names.join(", ")),
                }
            })
            .collect()
    }

    /// The name of the location of a function at the arguments `tuple`:
    /// `signed(2022-01-10)`.
    fn point_name(&self, state: StateId, tuple: &[Value]) -> String {
        let decl = self.charter.state(state);
        let dated = |position| {
            self.charter
                .calendar
                .as_ref()
                .is_some_and(|c| c.dated_state_args.contains(&(state, position)))
        };
        let args: Vec<String> = tuple
            .iter()
            .zip(&decl.args)
            .enumerate()
            .map(|(position, (v, ty))| self.arg_name(v, ty, dated(position)))
            .collect();
        format!("{}({})", decl.name, args.join(", "))
    }

    /// A function argument's value as a point names it: an argument declared
    /// `Date` under a civil calendar as an ISO date, else as `value_name`.
    fn arg_name(&self, value: &Value, ty: &Type, dated: bool) -> String {
        let civil = self.charter.calendar.as_ref().is_some_and(|c| c.civil);
        match value {
            Value::Int(days) if dated && civil => crate::civil::iso(*days),
            _ => self.value_name(value, ty),
        }
    }

    /// A value laid out as the compatible type `to`: a set of integers
    /// keeps only the members `to` can hold.
    fn fit(&self, value: Value, to: &Type) -> Value {
        match (value, to) {
            (Value::Set(members), Type::Set(element)) if matches!(**element, Type::Int(_)) => {
                Value::Set(
                    members
                        .into_iter()
                        .filter(|m| self.position(m, element).is_some())
                        .collect(),
                )
            }
            (value, _) => value,
        }
    }
}

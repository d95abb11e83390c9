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

use std::fmt;

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
}

impl<'h> Model<'h> {
    /// The model of a command: enums have their values, abstract sorts the
    /// command's scope or the default.
    pub fn new(charter: &'h hir::Charter, command: &Command) -> Model<'h> {
        let sizes = charter.sort_sizes(command);
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
        let decl = self.charter.state(state);
        let mut index = 0usize;
        for (value, ty) in args.iter().zip(&decl.args) {
            let size = self.domain(ty).len();
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
        let tuples = self.tuples(&decl.args);
        let Some(tuple) = tuples.get(cell) else {
            return format!("{}(?)", decl.name);
        };
        let args: Vec<String> = tuple
            .iter()
            .zip(&decl.args)
            .map(|(v, ty)| self.value_name(v, ty))
            .collect();
        format!("{}({})", decl.name, args.join(", "))
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

    // ------------------------------------------------------------ formulas

    /// The value of a closed expression in state `now` of a history prefix
    /// (`next`: the state after it, for primed names).
    pub fn eval(&self, expr: &Expr, scene: Scene<'_>) -> Value {
        let mut evaluator = Evaluator {
            model: self,
            scene,
            env: vec![None; self.charter.locals.len()],
            monitor: None,
        };
        evaluator.expr(expr, scene.now)
    }

    /// A property in `state` (the only state of `scene`), its past-time
    /// subformulas read from the monitors of the state before (`None` for
    /// an initial state) and the step into it. Every subformula instance is
    /// evaluated (no short cuts), so the monitors it returns are complete.
    /// `None` when an instance had no monitor before.
    pub fn eval_monitored(
        &self,
        expr: &Expr,
        state: &State,
        before: Option<&Monitors>,
        last: Option<&Occurrence>,
    ) -> Option<(bool, Monitors)> {
        let states = std::slice::from_ref(state);
        let mut evaluator = Evaluator {
            model: self,
            scene: Scene {
                states,
                steps: &[],
                now: 0,
                next: None,
            },
            env: vec![None; self.charter.locals.len()],
            monitor: Some(MonitorMode {
                before,
                last,
                after: Monitors::new(),
                missing: false,
            }),
        };
        let value = evaluator.truth(expr, 0);
        let mode = evaluator.monitor?;
        (!mode.missing).then_some((value, mode.after))
    }
}

/// Where an expression is read: states `0..=now` of a history with the
/// steps between them, and the state after `now` where a step is at hand.
#[derive(Clone, Copy)]
pub struct Scene<'a> {
    pub states: &'a [State],
    pub steps: &'a [Occurrence],
    pub now: usize,
    pub next: Option<&'a State>,
}

struct Evaluator<'m, 'h, 'a> {
    model: &'m Model<'h>,
    scene: Scene<'a>,
    /// The value bound to each local, while it is in scope.
    env: Vec<Option<Value>>,
    /// In monitor mode, past-time operators read the monitors of the state
    /// before instead of the history.
    monitor: Option<MonitorMode<'a>>,
}

/// The values of past-time subformulas in one state, by the subformula (its
/// address in the charter) and the locals bound around it: what the
/// explicit-state engine keeps per state instead of the whole history.
/// Each holds what the next state needs (for `previously P`: P now) and
/// the subformula's value now, which a state's identity must include.
pub type Monitors = std::collections::BTreeMap<(usize, Vec<(usize, Value)>), (bool, bool)>;

struct MonitorMode<'a> {
    /// The monitors of the state before; `None` in an initial state.
    before: Option<&'a Monitors>,
    /// The step into this state.
    last: Option<&'a Occurrence>,
    after: Monitors,
    /// A subformula instance the state before has no monitor for (its
    /// bound values depend on the state): the result is not exact.
    missing: bool,
}

impl Evaluator<'_, '_, '_> {
    fn charter(&self) -> &hir::Charter {
        self.model.charter
    }

    fn truth(&mut self, expr: &Expr, now: usize) -> bool {
        self.expr(expr, now).truth()
    }

    fn int(&mut self, expr: &Expr, now: usize) -> i64 {
        match self.expr(expr, now) {
            Value::Int(i) => i,
            _ => 0,
        }
    }

    /// An integer expression in i128: arithmetic exactly (a share's
    /// product may exceed i64 here; nothing the checker accepts exceeds
    /// i128), anything else by its value. A result beyond i128 is recorded
    /// as an overflow and stands in as 0.
    fn wide(&mut self, expr: &Expr, now: usize) -> i128 {
        let value = match &expr.kind {
            ExprKind::Binary(op @ (BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul), lhs, rhs) => {
                self.arithmetic(*op, lhs, rhs, now)
            }
            ExprKind::Unary(UnaryOp::Neg, operand) => self.wide(operand, now).checked_neg(),
            _ => Some(i128::from(self.int(expr, now))),
        };
        value.unwrap_or_else(|| {
            self.model.overflow.set(true);
            0
        })
    }

    fn arithmetic(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, now: usize) -> Option<i128> {
        let a = self.wide(lhs, now);
        let b = self.wide(rhs, now);
        match op {
            BinaryOp::Add => a.checked_add(b),
            BinaryOp::Sub => a.checked_sub(b),
            _ => a.checked_mul(b),
        }
    }

    /// An integer result kept as a value: in i64, or an overflow recorded.
    fn narrow(&mut self, value: Option<i128>) -> i64 {
        match value.and_then(|v| i64::try_from(v).ok()) {
            Some(value) => value,
            None => {
                self.model.overflow.set(true);
                0
            }
        }
    }

    fn expr(&mut self, expr: &Expr, now: usize) -> Value {
        match &expr.kind {
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::None => Value::Opt(None),
            ExprKind::Some(inner) => Value::Opt(Some(Box::new(self.expr(inner, now)))),
            ExprKind::EnumValue(_, index) => Value::Elem(*index),
            ExprKind::Universe(sort) => Value::Set(self.model.domain(&Type::Sort(*sort))),
            ExprKind::State { id, primed, args } => {
                let args: Vec<Value> = args.iter().map(|a| self.expr(a, now)).collect();
                let state = if *primed {
                    self.scene.next
                } else {
                    self.scene.states.get(now)
                };
                let decl = self.charter().state(*id);
                let cell = self.model.cell_of(*id, &args);
                match (state, cell) {
                    (Some(state), Some(cell)) => state.cells[id.0][cell].clone(),
                    _ => self.model.first_value(&decl.ty),
                }
            }
            ExprKind::Local(id) => self.env[id.0]
                .clone()
                .unwrap_or_else(|| self.model.first_value(&expr.ty)),
            ExprKind::Call(id, args) => {
                let charter = self.model.charter;
                let define = charter.define(*id);
                let values: Vec<Value> = args
                    .iter()
                    .zip(&define.params)
                    .map(|(a, p)| {
                        let value = self.expr(a, now);
                        self.model.fit(value, &charter.local(*p).ty)
                    })
                    .collect();
                let saved: Vec<Option<Value>> =
                    define.params.iter().map(|p| self.env[p.0].take()).collect();
                for (param, value) in define.params.iter().zip(values) {
                    self.env[param.0] = Some(value);
                }
                let result = self.expr(&define.body, now);
                for (param, value) in define.params.iter().zip(saved) {
                    self.env[param.0] = value;
                }
                self.model.fit(result, &expr.ty)
            }
            ExprKind::Happened(event, args) => Value::Bool(self.happened(*event, args, now)),
            ExprKind::Unary(op, operand) => self.unary(*op, operand, now),
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs, &expr.ty, now),
            ExprKind::OptionTest(operand, is_some) => match self.expr(operand, now) {
                Value::Opt(inner) => Value::Bool(inner.is_some() == *is_some),
                _ => Value::Bool(false),
            },
            ExprKind::If(cond, then, other) if self.monitor.is_some() => {
                let c = self.truth(cond, now);
                let a = self.expr(then, now);
                let b = self.expr(other, now);
                self.model.fit(if c { a } else { b }, &expr.ty)
            }
            ExprKind::If(cond, then, other) => {
                let value = if self.truth(cond, now) {
                    self.expr(then, now)
                } else {
                    self.expr(other, now)
                };
                self.model.fit(value, &expr.ty)
            }
            ExprKind::SetLiteral(elements) => {
                let Type::Set(element_type) = &expr.ty else {
                    return Value::Set(Vec::new());
                };
                let values: Vec<Value> = elements.iter().map(|e| self.expr(e, now)).collect();
                let model = self.model;
                let mut members: Vec<Value> = values
                    .into_iter()
                    .filter(|v| model.position(v, element_type).is_some())
                    .collect();
                members.sort();
                members.dedup();
                Value::Set(members)
            }
            ExprKind::Comprehension(binders, body) => {
                let mut members = Vec::new();
                self.instances(binders, now, &mut |this, values, inside| {
                    if this.truth(body, now) && inside {
                        if let Some(first) = values.first() {
                            members.push(first.clone());
                        }
                    }
                });
                members.sort();
                members.dedup();
                Value::Set(members)
            }
            ExprKind::Sum(binders, body) => {
                let mut total = Some(0i128);
                self.instances(binders, now, &mut |this, _, inside| {
                    let value = this.wide(body, now);
                    if inside {
                        total = total.and_then(|t| t.checked_add(value));
                    }
                });
                Value::Int(self.narrow(total))
            }
            ExprKind::OptionValue(inner) => match self.expr(inner, now) {
                Value::Opt(Some(value)) => *value,
                _ => self.model.first_value(&expr.ty),
            },
            ExprKind::Quantified(quantifier, binders, body) => {
                let mut hits = 0usize;
                let mut total = 0usize;
                self.instances(binders, now, &mut |this, _, inside| {
                    let holds = this.truth(body, now);
                    if inside {
                        total += 1;
                        hits += usize::from(holds);
                    }
                });
                Value::Bool(match quantifier {
                    Quantifier::Forall => hits == total,
                    Quantifier::Exists => hits > 0,
                    Quantifier::ExactlyOne => hits == 1,
                    Quantifier::AtMostOne => hits <= 1,
                    Quantifier::No => hits == 0,
                })
            }
        }
    }

    /// Calls `each` once for every instance of the binders (the product of
    /// their domains), with the binders' locals bound and whether the
    /// instance is in the domains. Outside monitor mode, only instances in
    /// the domains are visited; in it, a set binder visits every value of
    /// its type, so that the monitors under it exist in every state.
    fn instances(
        &mut self,
        binders: &[Binder],
        now: usize,
        each: &mut dyn FnMut(&mut Self, &[Value], bool),
    ) {
        let mut chosen = Vec::new();
        self.instances_from(binders, now, &mut chosen, true, each);
    }

    fn instances_from(
        &mut self,
        binders: &[Binder],
        now: usize,
        chosen: &mut Vec<Value>,
        inside: bool,
        each: &mut dyn FnMut(&mut Self, &[Value], bool),
    ) {
        let Some((first, rest)) = binders.split_first() else {
            each(self, chosen, inside);
            return;
        };
        let (domain, members) = match &first.domain {
            Domain::Type(ty) => (self.model.domain(ty), None),
            Domain::Set(set) => {
                let members = self.expr(set, now).members().to_vec();
                if self.monitor.is_some() {
                    let ty = &self.model.charter.local(first.local).ty;
                    (self.model.domain(ty), Some(members))
                } else {
                    (members, None)
                }
            }
        };
        let saved = self.env[first.local.0].take();
        for value in domain {
            let member = members
                .as_ref()
                .is_none_or(|m| m.binary_search(&value).is_ok());
            self.env[first.local.0] = Some(value.clone());
            chosen.push(value);
            self.instances_from(rest, now, chosen, inside && member, each);
            chosen.pop();
        }
        self.env[first.local.0] = saved;
    }

    /// The key of a past-time subformula's monitor: its operand's address
    /// and the locals bound now.
    fn monitor_key(&self, operand: &Expr) -> (usize, Vec<(usize, Value)>) {
        let bound = self
            .env
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.clone().map(|v| (i, v)))
            .collect();
        (std::ptr::from_ref(operand) as usize, bound)
    }

    /// The monitor's value in the state before (`None` in an initial state).
    fn before(&mut self, key: &(usize, Vec<(usize, Value)>)) -> Option<bool> {
        let mode = self.monitor.as_mut()?;
        let before = mode.before?;
        let value = before.get(key).map(|(kept, _)| *kept);
        if value.is_none() {
            mode.missing = true;
        }
        value
    }

    fn record(&mut self, key: (usize, Vec<(usize, Value)>), kept: bool, value: bool) {
        if let Some(mode) = &mut self.monitor {
            mode.after.insert(key, (kept, value));
        }
    }

    fn unary(&mut self, op: UnaryOp, operand: &Expr, now: usize) -> Value {
        if self.monitor.is_some()
            && matches!(
                op,
                UnaryOp::Once | UnaryOp::Historically | UnaryOp::Previously
            )
        {
            let p = self.truth(operand, now);
            let key = self.monitor_key(operand);
            let before = self.before(&key);
            let (value, kept) = match op {
                UnaryOp::Once => {
                    let v = p || before.unwrap_or(false);
                    (v, v)
                }
                UnaryOp::Historically => {
                    let v = p && before.unwrap_or(true);
                    (v, v)
                }
                _ => (before.unwrap_or(false), p),
            };
            self.record(key, kept, value);
            return Value::Bool(value);
        }
        match op {
            UnaryOp::Not => Value::Bool(!self.truth(operand, now)),
            UnaryOp::Neg => {
                let value = self.wide(operand, now).checked_neg();
                Value::Int(self.narrow(value))
            }
            UnaryOp::Card => Value::Int(self.expr(operand, now).members().len() as i64),
            UnaryOp::Once => Value::Bool((0..=now).any(|i| self.truth(operand, i))),
            UnaryOp::Historically => Value::Bool((0..=now).all(|i| self.truth(operand, i))),
            UnaryOp::Previously => Value::Bool(now > 0 && self.truth(operand, now - 1)),
        }
    }

    /// `P since Q` at `now`: Q held at some point, and P at every later one.
    fn since(&mut self, p: &Expr, q: &Expr, now: usize) -> bool {
        if self.monitor.is_some() {
            let p_now = self.truth(p, now);
            let q_now = self.truth(q, now);
            let key = self.monitor_key(q);
            let value = q_now || (p_now && self.before(&key).unwrap_or(false));
            self.record(key, value, value);
            return value;
        }
        for at in (0..=now).rev() {
            if self.truth(q, at) {
                return true;
            }
            if !self.truth(p, at) {
                return false;
            }
        }
        false
    }

    /// Whether the step into state `now` was `event`, with arguments equal
    /// to those given (read in state `now`).
    fn happened(&mut self, event: EventId, args: &[Option<Expr>], now: usize) -> bool {
        let step = match &self.monitor {
            Some(mode) => mode.last,
            None => now.checked_sub(1).and_then(|i| self.scene.steps.get(i)),
        };
        let Some(step) = step else {
            return false;
        };
        if step.event != event {
            return false;
        }
        let actual = step.args.clone();
        for (arg, value) in args.iter().zip(&actual) {
            if let Some(arg) = arg {
                if self.expr(arg, now) != *value {
                    return false;
                }
            }
        }
        true
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, ty: &Type, now: usize) -> Value {
        match op {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Implies if self.monitor.is_some() => {
                // Both sides, so that every monitor is kept up to date.
                let a = self.truth(lhs, now);
                let b = self.truth(rhs, now);
                Value::Bool(match op {
                    BinaryOp::And => a && b,
                    BinaryOp::Or => a || b,
                    _ => !a || b,
                })
            }
            BinaryOp::And => Value::Bool(self.truth(lhs, now) && self.truth(rhs, now)),
            BinaryOp::Or => Value::Bool(self.truth(lhs, now) || self.truth(rhs, now)),
            BinaryOp::Implies => Value::Bool(!self.truth(lhs, now) || self.truth(rhs, now)),
            BinaryOp::Iff => Value::Bool(self.truth(lhs, now) == self.truth(rhs, now)),
            BinaryOp::Since => Value::Bool(self.since(lhs, rhs, now)),
            BinaryOp::Eq | BinaryOp::Ne => {
                let equal = if matches!(lhs.ty, Type::Int(_)) && matches!(rhs.ty, Type::Int(_)) {
                    self.wide(lhs, now) == self.wide(rhs, now)
                } else {
                    self.expr(lhs, now) == self.expr(rhs, now)
                };
                Value::Bool(equal == (op == BinaryOp::Eq))
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let a = self.wide(lhs, now);
                let b = self.wide(rhs, now);
                Value::Bool(match op {
                    BinaryOp::Lt => a < b,
                    BinaryOp::Le => a <= b,
                    BinaryOp::Gt => a > b,
                    _ => a >= b,
                })
            }
            BinaryOp::In => {
                let element = self.expr(lhs, now);
                let set = self.expr(rhs, now);
                Value::Bool(set.members().binary_search(&element).is_ok())
            }
            BinaryOp::Union | BinaryOp::Intersect | BinaryOp::Difference => {
                let a = self.expr(lhs, now);
                let b = self.expr(rhs, now);
                let (a, b) = (a.members(), b.members());
                let mut members: Vec<Value> = match op {
                    BinaryOp::Union => a.iter().chain(b).cloned().collect(),
                    BinaryOp::Intersect => a
                        .iter()
                        .filter(|m| b.binary_search(m).is_ok())
                        .cloned()
                        .collect(),
                    _ => a
                        .iter()
                        .filter(|m| b.binary_search(m).is_err())
                        .cloned()
                        .collect(),
                };
                members.sort();
                members.dedup();
                self.model.fit(Value::Set(members), ty)
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => {
                let value = self.arithmetic(op, lhs, rhs, now);
                Value::Int(self.narrow(value))
            }
        }
    }
}

// ---------------------------------------------------------------- steps

/// Why a history is not one the spec allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The history's shape is wrong (states and steps do not line up, a
    /// state has the wrong number of cells).
    Malformed { what: String },
    /// A location holds a value outside its type (an integer out of range).
    OutOfDomain { location: String, value: String },
    /// A constant changed during the history.
    ConstantChanged { constant: String },
    /// A variable's initial value, or a constant's value, does not hold.
    Value { name: String },
    /// An `init`, axiom or clause state constraint does not hold.
    Formula { kind: &'static str, name: String },
    /// An event argument outside its parameter's type.
    Argument { event: String, param: String },
    /// A `requires` guard does not hold in the state before.
    Guard { event: String, index: usize },
    /// A clause's transition constraint does not hold.
    TransitionConstraint { clause: String },
    /// An applicable effect's value has a member its target cannot hold.
    EffectRange { clause: String, location: String },
    /// An applicable effect's equation does not hold.
    Effect { clause: String, location: String },
    /// A location no applicable effect mentions changed.
    Inertia { location: String },
    /// The final state does not violate the property.
    NotViolated { property: String },
    /// The final state does not satisfy the scenario's condition.
    NotReached { scenario: String },
    /// An integer result outside i64 was met (the checker rules it out):
    /// what was evaluated is not exact.
    Overflow,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Malformed { what } => write!(f, "malformed history: {what}"),
            Reason::OutOfDomain { location, value } => {
                write!(f, "`{location}` = {value} is outside its type")
            }
            Reason::ConstantChanged { constant } => write!(f, "constant `{constant}` changed"),
            Reason::Value { name } => write!(f, "the declared value of `{name}` does not hold"),
            Reason::Formula { kind, name } => write!(f, "{kind} `{name}` does not hold"),
            Reason::Argument { event, param } => {
                write!(f, "argument `{param}` of `{event}` is outside its type")
            }
            Reason::Guard { event, index } => {
                write!(
                    f,
                    "guard {} (`requires`) of `{event}` does not hold",
                    index + 1
                )
            }
            Reason::TransitionConstraint { clause } => {
                write!(
                    f,
                    "the transition constraint of clause `{clause}` does not hold"
                )
            }
            Reason::EffectRange { clause, location } => write!(
                f,
                "an effect of clause `{clause}` gives `{location}` a member outside its type"
            ),
            Reason::Effect { clause, location } => write!(
                f,
                "an applicable effect of clause `{clause}` on `{location}` does not hold"
            ),
            Reason::Inertia { location } => write!(
                f,
                "`{location}` changed although no applicable effect mentions it"
            ),
            Reason::NotViolated { property } => {
                write!(f, "the final state does not violate `{property}`")
            }
            Reason::NotReached { scenario } => {
                write!(f, "the final state does not satisfy scenario `{scenario}`")
            }
            Reason::Overflow => write!(
                f,
                "an integer result left the 64-bit integers charter computes with"
            ),
        }
    }
}

/// Where in a history a check failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// The initial state (or the constants).
    Initial,
    /// Step `n` (1-based) and the state it leads to.
    Step(usize),
    /// The final state, against the property or scenario.
    End,
}

/// A history that does not replay, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub at: At,
    /// The event of the step, where `at` is a step.
    pub event: Option<String>,
    pub reason: Reason,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.at, &self.event) {
            (At::Initial, _) => write!(f, "initial state: {}", self.reason),
            (At::Step(n), Some(event)) => write!(f, "step {n} (`{event}`): {}", self.reason),
            (At::Step(n), None) => write!(f, "step {n}: {}", self.reason),
            (At::End, _) => write!(f, "{}", self.reason),
        }
    }
}

/// What the last state of a replayed history must show.
#[derive(Clone, Copy)]
pub enum Ending<'a> {
    /// A counterexample: the property (by name and body) is false.
    Violates(&'a str, &'a Expr),
    /// A witness: the scenario's condition holds.
    Reaches(&'a str, &'a Expr),
    /// Only a lawful history (the road to a lint finding).
    Lawful,
}

/// Replays a history through the semantics: the initial state is one, each
/// step is allowed and leads to exactly what the clauses allow, and the last
/// state ends as `ending` says.
pub fn replay(model: &Model, history: &History, ending: Ending) -> Result<(), Rejection> {
    let initial = |reason| Rejection {
        at: At::Initial,
        event: None,
        reason,
    };
    if history.states.len() != history.steps.len() + 1 {
        return Err(initial(Reason::Malformed {
            what: format!(
                "{} states for {} steps",
                history.states.len(),
                history.steps.len()
            ),
        }));
    }
    model.check_initial(history).map_err(initial)?;
    for (index, step) in history.steps.iter().enumerate() {
        model
            .check_step(history, index)
            .map_err(|reason| Rejection {
                at: At::Step(index + 1),
                event: model
                    .charter
                    .events
                    .get(step.event.0)
                    .map(|e| e.name.clone()),
                reason,
            })?;
    }
    let scene = Scene {
        states: &history.states,
        steps: &history.steps,
        now: history.states.len() - 1,
        next: None,
    };
    let reason = match ending {
        Ending::Violates(name, body) => {
            model
                .eval(body, scene)
                .truth()
                .then(|| Reason::NotViolated {
                    property: name.to_string(),
                })
        }
        Ending::Reaches(name, goal) => {
            (!model.eval(goal, scene).truth()).then(|| Reason::NotReached {
                scenario: name.to_string(),
            })
        }
        Ending::Lawful => None,
    };
    // Only once the verdict's own reason is known: an inexact evaluation
    // anywhere makes the history unconfirmed, whatever it showed.
    let reason = match reason {
        None if model.overflowed() => Some(Reason::Overflow),
        reason => reason,
    };
    match reason {
        Some(reason) => Err(Rejection {
            at: At::End,
            event: None,
            reason,
        }),
        None => Ok(()),
    }
}

/// A frame slot: one cell of a state, or one element of a set-valued cell.
type Slot = (StateId, usize, Option<Value>);

/// An effect to apply: target, cell, operator and value.
pub type Assignment = (StateId, usize, AssignOp, Value);

/// An applicable effect, evaluated, before its equation is checked.
struct Pending {
    clause: ClauseId,
    target: StateId,
    cell: usize,
    op: AssignOp,
    /// Laid out as the target's type.
    value: Value,
    /// Whether the value has no member its target cannot hold.
    fits: bool,
    /// The slots it assigns: every element of a set it sets, the members
    /// it adds or removes, or the cell itself.
    slots: Vec<Slot>,
    span: crate::span::Span,
}

/// What the applicable effects of a step did.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// The slots they mention (kept out of inertia), each with the clause
    /// whose effect mentions it (for `overrides`).
    slots: Vec<(ClauseId, Slot)>,
    /// Per applicable effect: its clause, the state and cell it assigns,
    /// and its span (for a timeline's "by").
    pub fired: Vec<(ClauseId, StateId, usize, crate::span::Span)>,
}

impl Model<'_> {
    fn scene<'a>(&self, history: &'a History, now: usize, next: Option<&'a State>) -> Scene<'a> {
        Scene {
            states: &history.states,
            steps: &history.steps,
            now,
            next,
        }
    }

    /// Every cell of a state holds a value of its type, and the state has
    /// the cells the spec declares.
    fn check_shape(&self, state: &State) -> Result<(), Reason> {
        if state.cells.len() != self.charter.states.len() {
            return Err(Reason::Malformed {
                what: "a state has the wrong number of constants and variables".into(),
            });
        }
        for (index, decl) in self.charter.states.iter().enumerate() {
            let cells = &state.cells[index];
            if cells.len() != self.tuples(&decl.args).len() {
                return Err(Reason::Malformed {
                    what: format!("`{}` has the wrong number of points", decl.name),
                });
            }
            for (cell, value) in cells.iter().enumerate() {
                if !self.in_domain(value, &decl.ty) {
                    return Err(Reason::OutOfDomain {
                        location: self.location_name(StateId(index), cell),
                        value: self.value_name(value, &decl.ty),
                    });
                }
            }
        }
        Ok(())
    }

    /// What holds in every state: the types, constants' values, axioms and
    /// clauses' state constraints.
    fn check_invariants(&self, history: &History, now: usize) -> Result<(), Reason> {
        self.check_shape(&history.states[now])?;
        let scene = self.scene(history, now, None);
        for (index, decl) in self.charter.states.iter().enumerate() {
            if decl.kind != StateKind::Const {
                continue;
            }
            if let Some(value) = &decl.value {
                let expected = self.eval(value, scene);
                if history.states[now].cells[index][0] != expected {
                    return Err(Reason::Value {
                        name: decl.name.clone(),
                    });
                }
            }
        }
        for formula in &self.charter.formulas {
            if formula.kind == FormulaKind::Axiom && !self.eval(&formula.body, scene).truth() {
                return Err(Reason::Formula {
                    kind: "axiom",
                    name: formula.name.clone(),
                });
            }
        }
        for clause in &self.charter.clauses {
            for rule in &clause.rules {
                if let RuleKind::StateConstraint(body) = &rule.kind {
                    if !self.eval(body, scene).truth() {
                        return Err(Reason::Formula {
                            kind: "the state constraint of clause",
                            name: clause.name.clone(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The initial state: invariants, variables' initial values, `init`s.
    pub fn check_initial(&self, history: &History) -> Result<(), Reason> {
        self.check_invariants(history, 0)?;
        let scene = self.scene(history, 0, None);
        for (index, decl) in self.charter.states.iter().enumerate() {
            if decl.kind != StateKind::Var {
                continue;
            }
            if let Some(value) = &decl.value {
                if history.states[0].cells[index][0] != self.eval(value, scene) {
                    return Err(Reason::Value {
                        name: decl.name.clone(),
                    });
                }
            }
        }
        for formula in &self.charter.formulas {
            if formula.kind == FormulaKind::Init && !self.eval(&formula.body, scene).truth() {
                return Err(Reason::Formula {
                    kind: "init",
                    name: formula.name.clone(),
                });
            }
        }
        Ok(())
    }

    /// Step `index` of a history (from state `index` to `index + 1`): the
    /// event is allowed, every applicable effect holds, every location no
    /// applicable effect mentions keeps its value, constants stay, the
    /// clauses' transition constraints hold, and the state after is one.
    pub fn check_step(&self, history: &History, index: usize) -> Result<Applied, Reason> {
        let step = &history.steps[index];
        let Some(event) = self.charter.events.get(step.event.0) else {
            return Err(Reason::Malformed {
                what: "no such event".into(),
            });
        };
        if step.args.len() != event.params.len() {
            return Err(Reason::Malformed {
                what: format!("`{}` takes {} arguments", event.name, event.params.len()),
            });
        }
        for (value, param) in step.args.iter().zip(&event.params) {
            let local = self.charter.local(*param);
            if !self.in_domain(value, &local.ty) {
                return Err(Reason::Argument {
                    event: event.name.clone(),
                    param: local.name.clone(),
                });
            }
        }
        let before = &history.states[index];
        let after = &history.states[index + 1];
        self.check_invariants(history, index + 1)?;
        let scene = self.scene(history, index, Some(after));
        let mut evaluator = Evaluator {
            model: self,
            scene,
            env: vec![None; self.charter.locals.len()],
            monitor: None,
        };
        for (param, value) in event.params.iter().zip(&step.args) {
            evaluator.env[param.0] = Some(value.clone());
        }
        for (position, guard) in event.requires.iter().enumerate() {
            if !evaluator.truth(guard, index) {
                return Err(Reason::Guard {
                    event: event.name.clone(),
                    index: position,
                });
            }
        }
        for (id, decl) in self.charter.states.iter().enumerate() {
            if decl.kind == StateKind::Const && before.cells[id] != after.cells[id] {
                return Err(Reason::ConstantChanged {
                    constant: decl.name.clone(),
                });
            }
        }
        let mut applied = Applied::default();
        // The effects of clauses that others override are settled once
        // every clause's effects have said which slots they assign.
        let mut deferred: Vec<Pending> = Vec::new();
        for (clause_index, clause) in self.charter.clauses.iter().enumerate() {
            for rule in &clause.rules {
                match &rule.kind {
                    RuleKind::StateConstraint(_) => {}
                    RuleKind::TransitionConstraint(body) => {
                        if !evaluator.truth(body, index) {
                            return Err(Reason::TransitionConstraint {
                                clause: clause.name.clone(),
                            });
                        }
                    }
                    RuleKind::On {
                        events,
                        bindings,
                        when,
                        block,
                    } => {
                        let applies = match events {
                            EventSet::One(e) => *e == step.event,
                            EventSet::AllExcept(except) => !except.contains(&step.event),
                        };
                        if !applies {
                            continue;
                        }
                        if let EventSet::One(_) = events {
                            for (local, value) in bindings.iter().zip(&step.args) {
                                if let Some(local) = local {
                                    evaluator.env[local.0] = Some(value.clone());
                                }
                            }
                        }
                        let active = when.as_ref().is_none_or(|w| evaluator.truth(w, index));
                        let result = if active {
                            evaluator.block(
                                block,
                                index,
                                ClauseId(clause_index),
                                after,
                                &mut applied,
                                &mut deferred,
                            )
                        } else {
                            Ok(())
                        };
                        for local in bindings.iter().flatten() {
                            evaluator.env[local.0] = None;
                        }
                        result?;
                    }
                }
            }
        }
        for pending in deferred {
            let above = &self.overriders[pending.clause.0];
            let overridden: Vec<bool> = pending
                .slots
                .iter()
                .map(|slot| {
                    applied
                        .slots
                        .iter()
                        .any(|(clause, s)| s == slot && above.contains(clause))
                })
                .collect();
            self.settle(&pending, &overridden, after, &mut applied)?;
        }
        self.check_inertia(before, after, &applied.slots)?;
        Ok(applied)
    }

    /// One applicable effect, its slots known: unless every slot it
    /// assigns is overridden (by a clause above it assigning that slot in
    /// this step), it fired and its value must fit its target; its
    /// equation must hold on every slot not overridden.
    fn settle(
        &self,
        pending: &Pending,
        overridden: &[bool],
        after: &State,
        applied: &mut Applied,
    ) -> Result<(), Reason> {
        let displaced = !overridden.is_empty() && overridden.iter().all(|o| *o);
        if displaced {
            return Ok(());
        }
        let location = || self.location_name(pending.target, pending.cell);
        let clause_name = || self.charter.clauses[pending.clause.0].name.clone();
        applied
            .fired
            .push((pending.clause, pending.target, pending.cell, pending.span));
        if !pending.fits {
            return Err(Reason::EffectRange {
                clause: clause_name(),
                location: location(),
            });
        }
        let next = &after.cells[pending.target.0][pending.cell];
        let holds = match (pending.op, &pending.value) {
            (AssignOp::Set, Value::Set(_)) => {
                // Element by element: an overridden element is the other
                // clause's to decide.
                pending
                    .slots
                    .iter()
                    .zip(overridden)
                    .filter(|(_, o)| !**o)
                    .all(|((_, _, element), _)| match element {
                        Some(e) => {
                            next.members().binary_search(e).is_ok()
                                == pending.value.members().binary_search(e).is_ok()
                        }
                        None => true,
                    })
            }
            (AssignOp::Set, _) => overridden.first() == Some(&true) || *next == pending.value,
            (op, Value::Set(_)) => pending.slots.iter().zip(overridden).all(|(slot, o)| {
                let Some(member) = &slot.2 else { return true };
                *o || next.members().binary_search(member).is_ok() == (op == AssignOp::Add)
            }),
            _ => true,
        };
        if holds {
            Ok(())
        } else {
            Err(Reason::Effect {
                clause: clause_name(),
                location: location(),
            })
        }
    }

    /// The effects that apply to `occurrence` in `state`, read without a
    /// next state (primed names read their type's first value): target,
    /// cell, operator and value (laid out as the target's type). What the
    /// explicit-state engine applies to compute a successor directly, in
    /// turn: a clause's effects come after those of every clause it
    /// overrides, so that on the slots both assign its own prevail.
    pub fn applicable_effects(&self, state: &State, occurrence: &Occurrence) -> Vec<Assignment> {
        let states = std::slice::from_ref(state);
        let scene = Scene {
            states,
            steps: &[],
            now: 0,
            next: None,
        };
        let mut evaluator = Evaluator {
            model: self,
            scene,
            env: vec![None; self.charter.locals.len()],
            monitor: None,
        };
        // Per clause: how many clauses are above it, and its effects.
        let mut by_clause: Vec<(usize, Vec<Assignment>)> = Vec::new();
        for (index, clause) in self.charter.clauses.iter().enumerate() {
            let mut out = Vec::new();
            for rule in &clause.rules {
                let RuleKind::On {
                    events,
                    bindings,
                    when,
                    block,
                } = &rule.kind
                else {
                    continue;
                };
                let applies = match events {
                    EventSet::One(e) => *e == occurrence.event,
                    EventSet::AllExcept(except) => !except.contains(&occurrence.event),
                };
                if !applies {
                    continue;
                }
                if let EventSet::One(_) = events {
                    for (local, value) in bindings.iter().zip(&occurrence.args) {
                        if let Some(local) = local {
                            evaluator.env[local.0] = Some(value.clone());
                        }
                    }
                }
                if when.as_ref().is_none_or(|w| evaluator.truth(w, 0)) {
                    evaluator.collect(block, &mut out);
                }
                for local in bindings.iter().flatten() {
                    evaluator.env[local.0] = None;
                }
            }
            // A clause has more clauses above it than any clause above it.
            by_clause.push((self.overriders[index].len(), out));
        }
        by_clause.sort_by_key(|(above, _)| std::cmp::Reverse(*above));
        by_clause.into_iter().flat_map(|(_, out)| out).collect()
    }

    /// Every slot of every variable that no applicable effect mentions
    /// keeps its value.
    fn check_inertia(
        &self,
        before: &State,
        after: &State,
        mentioned: &[(ClauseId, Slot)],
    ) -> Result<(), Reason> {
        let mentioned = |slot: Slot| mentioned.iter().any(|(_, s)| *s == slot);
        for (index, decl) in self.charter.states.iter().enumerate() {
            if decl.kind == StateKind::Const {
                continue;
            }
            let id = StateId(index);
            let pairs = before.cells[index].iter().zip(&after.cells[index]);
            for (cell, (old, new)) in pairs.enumerate() {
                let changed = match (&decl.ty, old, new) {
                    (Type::Set(element), Value::Set(_), Value::Set(_)) => {
                        self.domain(element).into_iter().any(|e| {
                            let was = old.members().binary_search(&e).is_ok();
                            let is = new.members().binary_search(&e).is_ok();
                            was != is && !mentioned((id, cell, Some(e)))
                        })
                    }
                    _ => old != new && !mentioned((id, cell, None)),
                };
                if changed {
                    return Err(Reason::Inertia {
                        location: self.location_name(id, cell),
                    });
                }
            }
        }
        Ok(())
    }
}

impl Evaluator<'_, '_, '_> {
    /// The effects of an active block: those of the last exception whose
    /// condition holds (recursively), or else its own.
    fn block(
        &mut self,
        block: &EffectBlock,
        now: usize,
        clause: ClauseId,
        after: &State,
        applied: &mut Applied,
        deferred: &mut Vec<Pending>,
    ) -> Result<(), Reason> {
        let mut winner = None;
        for exception in &block.exceptions {
            if self.truth(&exception.condition, now) {
                winner = Some(exception);
            }
        }
        if let Some(exception) = winner {
            return self.block(&exception.block, now, clause, after, applied, deferred);
        }
        for effect in &block.effects {
            let Some(pending) = self.effect(effect, now, clause) else {
                continue;
            };
            applied
                .slots
                .extend(pending.slots.iter().map(|slot| (clause, slot.clone())));
            if self.model.overriders[clause.0].is_empty() {
                let overridden = vec![false; pending.slots.len()];
                self.model.settle(&pending, &overridden, after, applied)?;
            } else {
                deferred.push(pending);
            }
        }
        Ok(())
    }

    /// The effects of an active block (see [`Self::block`]), with values.
    fn collect(&mut self, block: &EffectBlock, out: &mut Vec<Assignment>) {
        let mut winner = None;
        for exception in &block.exceptions {
            if self.truth(&exception.condition, 0) {
                winner = Some(exception);
            }
        }
        if let Some(exception) = winner {
            return self.collect(&exception.block, out);
        }
        for effect in &block.effects {
            let args: Vec<Value> = effect.args.iter().map(|a| self.expr(a, 0)).collect();
            let Some(cell) = self.model.cell_of(effect.target, &args) else {
                continue;
            };
            let value = self.expr(&effect.value, 0);
            let ty = &self.model.charter.state(effect.target).ty;
            out.push((effect.target, cell, effect.op, self.model.fit(value, ty)));
        }
    }

    /// One applicable effect, evaluated: the cell it assigns, its value
    /// (laid out as the target's type), whether that fits, and the slots it
    /// mentions (kept out of inertia); `None` where its arguments name no
    /// point of the function (nothing is assigned).
    fn effect(&mut self, effect: &Effect, now: usize, clause: ClauseId) -> Option<Pending> {
        let model = self.model;
        let decl = model.charter.state(effect.target);
        let args: Vec<Value> = effect.args.iter().map(|a| self.expr(a, now)).collect();
        let cell = model.cell_of(effect.target, &args)?;
        let raw = self.expr(&effect.value, now);
        let fits = !matches!(effect.op, AssignOp::Set | AssignOp::Add)
            || self.fits(effect, &raw, &decl.ty, now);
        let value = model.fit(raw, &decl.ty);
        let slots = match (effect.op, &decl.ty) {
            (AssignOp::Set, Type::Set(element)) => model
                .domain(element)
                .into_iter()
                .map(|e| (effect.target, cell, Some(e)))
                .collect(),
            (AssignOp::Set, _) => vec![(effect.target, cell, None)],
            (_, Type::Set(_)) => value
                .members()
                .iter()
                .map(|m| (effect.target, cell, Some(m.clone())))
                .collect(),
            _ => Vec::new(),
        };
        Some(Pending {
            clause,
            target: effect.target,
            cell,
            op: effect.op,
            value,
            fits,
            slots,
            span: effect.span,
        })
    }

    /// Whether the value of a `=` or `+=` effect (of its own type) has no
    /// member its target cannot hold; for `s' += x`, whether `x` itself
    /// fits in the set it was wrapped in.
    fn fits(&mut self, effect: &Effect, value: &Value, target: &Type, now: usize) -> bool {
        if let (Type::Set(element), Type::Set(target_element)) = (&effect.value.ty, target) {
            if matches!(**element, Type::Int(_))
                && value
                    .members()
                    .iter()
                    .any(|m| self.model.position(m, target_element).is_none())
            {
                return false;
            }
            if let ExprKind::SetLiteral(elements) = &effect.value.kind {
                for e in elements {
                    if let (Type::Int(range), Type::Int(within)) = (&e.ty, element.as_ref()) {
                        if range.low < within.low || range.high > within.high {
                            let v = self.expr(e, now);
                            if self.model.position(&v, element).is_none() {
                                return false;
                            }
                        }
                    }
                }
            }
        }
        true
    }
}

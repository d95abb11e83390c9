//! The evaluator: the value of an expression in a scene (a history
//! prefix, or one state read with monitors of the past).

use super::{Model, Occurrence, State, Value};
use crate::hir::{self, *};

impl Model<'_> {
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
            env: self.env(),
            monitor: Some(MonitorMode {
                before,
                last,
                after: Monitors::new(),
                missing: false,
            }),
        };
        let value = evaluator.truth(expr, 0);
        self.spare(std::mem::take(&mut evaluator.env));
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

pub(super) struct Evaluator<'m, 'h, 'a> {
    pub(super) model: &'m Model<'h>,
    pub(super) scene: Scene<'a>,
    /// The value bound to each local, while it is in scope.
    pub(super) env: Vec<Option<Value>>,
    /// In monitor mode, past-time operators read the monitors of the state
    /// before instead of the history.
    pub(super) monitor: Option<MonitorMode<'a>>,
}

/// The values of past-time subformulas in one state, by the subformula (its
/// address in the charter) and the locals bound around it: what the
/// explicit-state engine keeps per state instead of the whole history.
/// Each holds what the next state needs (for `previously P`: P now) and
/// the subformula's value now, which a state's identity must include.
pub type Monitors = std::collections::BTreeMap<(usize, Vec<(usize, Value)>), (bool, bool)>;

pub(super) struct MonitorMode<'a> {
    /// The monitors of the state before; `None` in an initial state.
    before: Option<&'a Monitors>,
    /// The step into this state.
    last: Option<&'a Occurrence>,
    after: Monitors,
    /// A subformula instance the state before has no monitor for (its
    /// bound values depend on the state): the result is not exact.
    missing: bool,
}

impl<'a> Evaluator<'_, '_, 'a> {
    fn charter(&self) -> &hir::Charter {
        self.model.charter
    }

    pub(super) fn truth(&mut self, expr: &Expr, now: usize) -> bool {
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

    /// The value a constant or variable (`expr`, an [`ExprKind::State`])
    /// has in the scene, borrowed rather than copied; `None` where it has
    /// none (no such state, arguments outside its domain: then it reads
    /// as its type's first value).
    fn state_ref<'s>(&mut self, expr: &Expr, now: usize) -> Option<&'s Value>
    where
        'a: 's,
    {
        let ExprKind::State { id, primed, args } = &expr.kind else {
            return None;
        };
        let cell = match args.is_empty() {
            true => 0,
            false => {
                let args: Vec<Value> = args.iter().map(|a| self.expr(a, now)).collect();
                self.model.cell_of(*id, &args)?
            }
        };
        let state: &'a State = if *primed {
            self.scene.next?
        } else {
            self.scene.states.get(now)?
        };
        state.cells.get(id.0)?.get(cell)
    }

    /// Whether `element` is a member of the set `set` evaluates to; a set
    /// read from the state is not copied for it.
    fn member(&mut self, element: &Value, set: &Expr, now: usize) -> bool {
        if matches!(set.kind, ExprKind::State { .. }) {
            // Where it has no value, it reads as its type's first: for a
            // set, the empty set.
            return self
                .state_ref(set, now)
                .is_some_and(|value| value.members().binary_search(element).is_ok());
        }
        self.expr(set, now).members().binary_search(element).is_ok()
    }

    /// The number of members of the set `set` evaluates to, without
    /// copying a set read from the state or building a comprehension of
    /// one binder (whose instances are distinct values).
    fn card(&mut self, set: &Expr, now: usize) -> usize {
        match &set.kind {
            ExprKind::State { .. } => {
                return self.state_ref(set, now).map_or(0, |v| v.members().len());
            }
            ExprKind::Comprehension(binders, body) if binders.len() == 1 => {
                let mut count = 0usize;
                self.instances(binders, now, &mut |this, _, inside| {
                    if this.truth(body, now) && inside {
                        count += 1;
                    }
                });
                return count;
            }
            _ => {}
        }
        self.expr(set, now).members().len()
    }

    pub(super) fn expr(&mut self, expr: &Expr, now: usize) -> Value {
        match &expr.kind {
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Int(i) => Value::Int(*i),
            ExprKind::None => Value::Opt(None),
            ExprKind::Some(inner) => Value::Opt(Some(Box::new(self.expr(inner, now)))),
            ExprKind::EnumValue(_, index) => Value::Elem(*index),
            ExprKind::Universe(sort) => Value::Set(self.model.domain(&Type::Sort(*sort))),
            ExprKind::State { id, .. } => match self.state_ref(expr, now) {
                Some(value) => value.clone(),
                None => self.model.first_value(&self.charter().state(*id).ty),
            },
            ExprKind::Local(id) => self.env[id.0]
                .clone()
                .unwrap_or_else(|| self.model.first_value(&expr.ty)),
            ExprKind::Apply(head, args) => {
                let table = self.expr(head, now);
                let args: Vec<Value> = args.iter().map(|a| self.expr(a, now)).collect();
                let point = self
                    .model
                    .point_of(self.charter().function_args(head), &args);
                match (table, point) {
                    (Value::Table(values), Some(point)) if point < values.len() => {
                        values[point].clone()
                    }
                    _ => self.model.first_value(&expr.ty),
                }
            }
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
            ExprKind::EventArg(event, position) => self
                .event_arg(*event, *position, now)
                .unwrap_or_else(|| self.model.first_value(&expr.ty)),
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
    pub(super) fn instances(
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
            UnaryOp::Card => Value::Int(self.card(operand, now) as i64),
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
    /// The argument at `position` of the step into the state `now` (in
    /// monitor mode, the step being taken) if it was `event`.
    fn event_arg(&self, event: EventId, position: usize, now: usize) -> Option<Value> {
        let step = match &self.monitor {
            Some(mode) => mode.last,
            None => now.checked_sub(1).and_then(|i| self.scene.steps.get(i)),
        }?;
        (step.event == event).then(|| step.args.get(position).cloned())?
    }

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
                Value::Bool(self.member(&element, rhs, now))
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

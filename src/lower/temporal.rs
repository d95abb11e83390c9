//! Past-time operators (`happened`, `once`, `historically`, `previously`,
//! `since`) as monitor atoms, each with an initial value and an update,
//! shared by every occurrence with the same lowered operands.

use crate::hir::*;
use crate::ir::*;

use super::{Lowerer, Val};

impl Lowerer<'_> {
    /// A past-time expression, read at `time`. Each is a monitor atom with
    /// an initial value and an update, shared by every occurrence with the
    /// same meaning: monitors are keyed by the lowered operands, and
    /// `historically P` is `not once not P`, so that facts about one are
    /// facts about the other (which k-induction needs).
    pub(super) fn temporal(&mut self, expr: &Expr, time: Time) -> TermId {
        let atom = match &expr.kind {
            ExprKind::Happened(event, args) => {
                let event = *event;
                let key_args: Vec<Option<Val>> = args
                    .iter()
                    .map(|a| a.as_ref().map(|a| self.expr(a, Time::Now)))
                    .collect();
                self.monitor(MonitorKey::Happened(event, key_args), |this, _| {
                    let mut matches = vec![this.selectors[event.0]];
                    let charter = this.charter;
                    let decl = &charter.events[event.0];
                    for (position, arg) in args.iter().enumerate() {
                        if let Some(arg) = arg {
                            let value = this.expr(arg, Time::Next);
                            let param = this.params[event.0][position].clone();
                            let param_type = &charter.local(decl.params[position]).ty;
                            matches.push(this.equal_typed(param, param_type, value, &arg.ty));
                        }
                    }
                    (FALSE, this.terms.and(matches))
                })
            }
            ExprKind::Unary(UnaryOp::Once, p) => {
                let p_now = self.bool_expr(p, Time::Now);
                let p_next = self.bool_expr(p, Time::Next);
                self.once(p_now, p_next)
            }
            ExprKind::Unary(UnaryOp::Historically, p) => {
                let p_now = self.bool_expr(p, Time::Now);
                let p_next = self.bool_expr(p, Time::Next);
                let not_now = self.terms.not(p_now);
                let not_next = self.terms.not(p_next);
                let once_not = self.once(not_now, not_next);
                let term = self.terms.state(once_not, time, Kind::Bool);
                return self.terms.not(term);
            }
            ExprKind::Unary(UnaryOp::Previously, p) => {
                let p_now = self.bool_expr(p, Time::Now);
                self.monitor(MonitorKey::Previously(p_now), |_, _| (FALSE, p_now))
            }
            ExprKind::Binary(BinaryOp::Since, p, q) => {
                let p_now = self.bool_expr(p, Time::Now);
                let q_now = self.bool_expr(q, Time::Now);
                let p_next = self.bool_expr(p, Time::Next);
                let q_next = self.bool_expr(q, Time::Next);
                self.monitor(MonitorKey::Since(p_now, q_now), |this, now| {
                    let kept = this.terms.and2(p_next, now);
                    (q_now, this.terms.or2(q_next, kept))
                })
            }
            _ => return FALSE,
        };
        self.terms.state(atom, time, Kind::Bool)
    }

    /// The argument at `position` of the step into the state at `time`: a
    /// copy of the parameter's inputs kept in monitors (one per leaf),
    /// read only where the step was the event (`happens e(x)` binds x).
    pub(super) fn event_arg(&mut self, event: EventId, position: usize, time: Time) -> Val {
        let param = self.params[event.0][position].clone();
        let decl = &self.charter.events[event.0];
        let ty = self.charter.local(decl.params[position]).ty.clone();
        self.copy(&param, &ty, time)
    }

    fn copy(&mut self, val: &Val, ty: &Type, time: Time) -> Val {
        let bit = |this: &mut Self, input: TermId| {
            let atom = this.monitor_of(Kind::Bool, MonitorKey::Arg(input), |_, _| (FALSE, input));
            this.terms.state(atom, time, Kind::Bool)
        };
        match (val, ty) {
            (Val::Bool(input), _) => Val::Bool(bit(self, *input)),
            (Val::Int(input), Type::Int(range)) => {
                let kind = Kind::Int {
                    low: range.low,
                    high: range.high,
                };
                let low = self.terms.int(range.low);
                let input = *input;
                let atom = self.monitor_of(kind, MonitorKey::Arg(input), |_, _| (low, input));
                Val::Int(self.terms.state(atom, time, kind))
            }
            (Val::Elem(bits), _) => Val::Elem(bits.iter().map(|b| bit(self, *b)).collect()),
            (Val::Set(bits), _) => Val::Set(bits.iter().map(|b| bit(self, *b)).collect()),
            (Val::Opt(flag, inner), Type::Option(inner_ty)) => {
                let flag = bit(self, *flag);
                Val::Opt(flag, Box::new(self.copy(inner, inner_ty, time)))
            }
            // A function's points each copied: `ty` is its result type.
            (Val::Table(values), _) => {
                Val::Table(values.iter().map(|v| self.copy(v, ty, time)).collect())
            }
            // The encoding follows the type: no other pair is built.
            (other, _) => other.clone(),
        }
    }

    /// The monitor of `once P`, given P now and next.
    fn once(&mut self, p_now: TermId, p_next: TermId) -> AtomId {
        self.monitor(MonitorKey::Once(p_now), |this, now| {
            (p_now, this.terms.or2(now, p_next))
        })
    }

    /// The monitor atom for `key`, created on first use with the initial
    /// value and update that `define` gives (from the monitor's current
    /// value).
    fn monitor(
        &mut self,
        key: MonitorKey,
        define: impl FnOnce(&mut Self, TermId) -> (TermId, TermId),
    ) -> AtomId {
        self.monitor_of(Kind::Bool, key, define)
    }

    /// A monitor atom of any kind (see [`Self::monitor`]).
    fn monitor_of(
        &mut self,
        kind: Kind,
        key: MonitorKey,
        define: impl FnOnce(&mut Self, TermId) -> (TermId, TermId),
    ) -> AtomId {
        if let Some(atom) = self.monitors.get(&key) {
            return *atom;
        }
        let id = AtomId(self.atoms.len() as u32);
        let index = self.monitors.len();
        self.atoms.push(AtomInfo {
            name: format!("monitor{index}"),
            kind,
            owner: Owner::Monitor(index),
            address: Address {
                address: Vec::new(),
                sorts: Vec::new(),
            },
        });
        self.monitors.insert(key, id);
        let now = self.terms.state(id, Time::Now, kind);
        let next = self.terms.state(id, Time::Next, kind);
        let (initial, update) = define(self, now);
        let same = |terms: &mut Terms, a, b| match kind {
            Kind::Bool => terms.iff(a, b),
            Kind::Int { .. } => terms.int_eq(a, b),
        };
        let init = same(&mut self.terms, now, initial);
        self.init.push(Constraint {
            term: init,
            origin: Origin::Monitor,
        });
        self.record_assignment(next, TRUE, update);
        let step = same(&mut self.terms, next, update);
        self.trans.push(Constraint {
            term: step,
            origin: Origin::Monitor,
        });
        id
    }
}

/// What a monitor watches, by its lowered operands.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum MonitorKey {
    Happened(EventId, Vec<Option<Val>>),
    Once(TermId),
    Previously(TermId),
    Since(TermId, TermId),
    /// A copy of an event parameter's input leaf.
    Arg(TermId),
}

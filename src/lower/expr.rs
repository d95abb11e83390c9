//! Expressions to [`Val`]s: every `hir` expression kind, quantifiers and
//! comprehensions expanded over their domains, binary operators, and
//! counts against constants as pseudo-Boolean constraints.

use crate::hir::*;
use crate::ir::*;

use super::{Lowerer, Val};

impl Lowerer<'_> {
    pub(super) fn bool_expr(&mut self, expr: &Expr, time: Time) -> TermId {
        match self.expr(expr, time) {
            Val::Bool(term) => term,
            _ => FALSE,
        }
    }

    pub(super) fn int_expr(&mut self, expr: &Expr, time: Time) -> TermId {
        match self.expr(expr, time) {
            Val::Int(term) => term,
            _ => self.terms.int(0),
        }
    }

    pub(super) fn set_bits(&mut self, expr: &Expr, time: Time) -> Vec<TermId> {
        match self.expr(expr, time) {
            Val::Set(bits) => bits,
            _ => Vec::new(),
        }
    }

    pub(super) fn expr(&mut self, expr: &Expr, time: Time) -> Val {
        match &expr.kind {
            ExprKind::Bool(value) => Val::Bool(self.terms.constant(*value)),
            ExprKind::Int(value) => Val::Int(self.terms.int(*value)),
            ExprKind::None => self.default_value(&expr.ty),
            ExprKind::Some(inner) => {
                let value = self.expr(inner, time);
                Val::Opt(TRUE, Box::new(value))
            }
            ExprKind::EnumValue(sort, index) => {
                // A named element of an abstract sort, used here, is told
                // apart from the others: no symmetry may move it.
                if self.charter.sort(*sort).kind == SortKind::Abstract {
                    self.distinguished[sort.0].insert(*index);
                }
                self.concrete(&Type::Sort(*sort), *index)
            }
            ExprKind::Universe(sort) => Val::Set(vec![TRUE; self.sizes[sort.0]]),
            ExprKind::State { id, primed, args } => {
                let when = if *primed { Time::Next } else { time };
                let charter = self.charter;
                let state = charter.state(*id);
                let cells = self.cells[id.0].clone();
                if args.is_empty() {
                    return self.at(&cells[0].1, when);
                }
                self.read_point(&cells, &state.args, &state.ty, args, time, when)
            }
            ExprKind::Apply(head, args) => {
                let Val::Table(values) = self.expr(head, time) else {
                    return self.first_value(&expr.ty);
                };
                let charter = self.charter;
                let arg_types = charter.function_args(head);
                let cells: Vec<(Vec<usize>, Val)> =
                    self.tuples(arg_types).into_iter().zip(values).collect();
                // The table is already read at `time`.
                self.read_point(&cells, arg_types, &expr.ty, args, time, Time::Now)
            }
            ExprKind::Local(id) => self.env[id.0].clone().unwrap_or(Val::Bool(FALSE)),
            ExprKind::Call(id, args) => {
                let charter = self.charter;
                let define = charter.define(*id);
                let values: Vec<Val> = args
                    .iter()
                    .zip(&define.params)
                    .map(|(a, p)| {
                        let value = self.expr(a, time);
                        self.fit(value, &a.ty, &charter.local(*p).ty)
                    })
                    .collect();
                let saved: Vec<Option<Val>> = define
                    .params
                    .iter()
                    .map(|p| self.env[p.0].clone())
                    .collect();
                for (param, value) in define.params.iter().zip(values) {
                    self.env[param.0] = Some(value);
                }
                let result = self.expr(&define.body, time);
                for (param, value) in define.params.iter().zip(saved) {
                    self.env[param.0] = value;
                }
                self.fit(result, &define.body.ty, &expr.ty)
            }
            ExprKind::EventArg(event, position) => self.event_arg(*event, *position, time),
            ExprKind::Happened(..)
            | ExprKind::Unary(UnaryOp::Once | UnaryOp::Previously | UnaryOp::Historically, _)
            | ExprKind::Binary(BinaryOp::Since, ..) => Val::Bool(self.temporal(expr, time)),
            ExprKind::Unary(op, operand) => match op {
                UnaryOp::Not => {
                    let inner = self.bool_expr(operand, time);
                    Val::Bool(self.terms.not(inner))
                }
                UnaryOp::Neg => {
                    let inner = self.int_expr(operand, time);
                    Val::Int(self.terms.mul(-1, inner))
                }
                UnaryOp::Card => {
                    let bits = self.set_bits(operand, time);
                    let one = self.terms.int(1);
                    let zero = self.terms.int(0);
                    let counts: Vec<TermId> =
                        bits.iter().map(|b| self.terms.ite(*b, one, zero)).collect();
                    Val::Int(self.terms.add(counts))
                }
                _ => Val::Bool(FALSE),
            },
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs, &expr.ty, time),
            ExprKind::OptionTest(operand, is_some) => match self.expr(operand, time) {
                Val::Opt(flag, _) => Val::Bool(if *is_some { flag } else { self.terms.not(flag) }),
                _ => Val::Bool(FALSE),
            },
            ExprKind::If(cond, then, other) => {
                let c = self.bool_expr(cond, time);
                let a = self.expr(then, time);
                let b = self.expr(other, time);
                let a = self.widen(a, &then.ty, &expr.ty);
                let b = self.widen(b, &other.ty, &expr.ty);
                self.choose(c, &a, &b)
            }
            ExprKind::SetLiteral(elements) => {
                let Type::Set(element_type) = &expr.ty else {
                    return Val::Set(Vec::new());
                };
                let size = self.domain_size(element_type);
                let mut bits = vec![FALSE; size];
                for element in elements {
                    let value = self.expr(element, time);
                    let index = self.index_of(&value, element_type);
                    for (bit, condition) in bits.iter_mut().zip(index) {
                        *bit = self.terms.or2(*bit, condition);
                    }
                }
                Val::Set(bits)
            }
            ExprKind::Comprehension(binders, body) => {
                let members = self.expand(binders, body, time);
                Val::Set(members)
            }
            ExprKind::Sum(binders, body) => {
                let instances = self.expand_values(binders, body, time);
                let zero = self.terms.int(0);
                let parts: Vec<TermId> = instances
                    .into_iter()
                    .map(|(guard, value)| self.terms.ite(guard, value, zero))
                    .collect();
                Val::Int(self.terms.add(parts))
            }
            ExprKind::OptionValue(inner) => match self.expr(inner, time) {
                // Absent, the first value of the type, as `eval` reads it
                // (the canonical absent value has no element at all).
                Val::Opt(flag, value) => {
                    let first = self.first_value(&expr.ty);
                    self.choose(flag, &value, &first)
                }
                _ => self.first_value(&expr.ty),
            },
            ExprKind::Quantified(quantifier, binders, body) => {
                let instances = self.expand_guarded(binders, body, time);
                let term = match quantifier {
                    Quantifier::Forall => {
                        let holds: Vec<TermId> = instances
                            .iter()
                            .map(|(guard, body)| self.terms.implies(*guard, *body))
                            .collect();
                        self.terms.and(holds)
                    }
                    _ => {
                        let hits: Vec<TermId> = instances
                            .iter()
                            .map(|(guard, body)| self.terms.and2(*guard, *body))
                            .collect();
                        match quantifier {
                            Quantifier::Exists => self.terms.or(hits),
                            Quantifier::ExactlyOne => self.terms.exactly(&hits, 1),
                            Quantifier::AtMostOne => self.terms.at_most(&hits, 1),
                            _ => {
                                let any = self.terms.or(hits);
                                self.terms.not(any)
                            }
                        }
                    }
                };
                Val::Bool(term)
            }
        }
    }

    /// The comprehension's membership vector: element `i` is in the set when
    /// it is in the binder's domain and the body holds for it. One bit per
    /// element of the binder's type, also where a `x in set` domain rules
    /// the element out (a bit per instance would shift the elements after
    /// it: `{x in {B, C} | true}` would be {A, B}).
    fn expand(&mut self, binders: &[Binder], body: &Expr, time: Time) -> Vec<TermId> {
        let Some((first, rest)) = binders.split_first() else {
            return Vec::new();
        };
        let ty = self.charter.local(first.local).ty.clone();
        let guards = match &first.domain {
            Domain::Type(_) => vec![TRUE; self.domain_size(&ty)],
            Domain::Set(set) => self.set_bits(set, time),
        };
        let saved = self.env[first.local.0].clone();
        let mut bits = Vec::with_capacity(guards.len());
        for (index, in_domain) in guards.into_iter().enumerate() {
            if in_domain == FALSE {
                bits.push(FALSE);
                continue;
            }
            let value = self.concrete(&ty, index);
            self.env[first.local.0] = Some(value);
            let holds: Vec<TermId> = self
                .expand_guarded(rest, body, time)
                .into_iter()
                .map(|(guard, holds)| self.terms.and2(guard, holds))
                .collect();
            let any = self.terms.or(holds);
            bits.push(self.terms.and2(in_domain, any));
        }
        self.env[first.local.0] = saved;
        bits
    }

    /// Every instance of the binders (the product of their domains), as
    /// (the instance is in the domain, the body holds for it).
    fn expand_guarded(
        &mut self,
        binders: &[Binder],
        body: &Expr,
        time: Time,
    ) -> Vec<(TermId, TermId)> {
        self.instances(binders, time, &mut |this| this.bool_expr(body, time))
    }

    /// Every instance of the binders, as (the instance is in the domain,
    /// the integer body's value for it).
    fn expand_values(
        &mut self,
        binders: &[Binder],
        body: &Expr,
        time: Time,
    ) -> Vec<(TermId, TermId)> {
        self.instances(binders, time, &mut |this| this.int_expr(body, time))
    }

    /// Every instance of the binders, as (the instance is in the domain,
    /// `leaf` evaluated with the binders bound to it).
    pub(super) fn instances(
        &mut self,
        binders: &[Binder],
        time: Time,
        leaf: &mut dyn FnMut(&mut Self) -> TermId,
    ) -> Vec<(TermId, TermId)> {
        let Some((first, rest)) = binders.split_first() else {
            return vec![(TRUE, leaf(self))];
        };
        let ty = self.charter.local(first.local).ty.clone();
        let guards = match &first.domain {
            Domain::Type(_) => vec![TRUE; self.domain_size(&ty)],
            Domain::Set(set) => self.set_bits(set, time),
        };
        let saved = self.env[first.local.0].clone();
        let mut instances = Vec::new();
        for (index, in_domain) in guards.into_iter().enumerate() {
            if in_domain == FALSE {
                continue;
            }
            let value = self.concrete(&ty, index);
            self.env[first.local.0] = Some(value);
            for (guard, value) in self.instances(rest, time, leaf) {
                let guard = self.terms.and2(in_domain, guard);
                instances.push((guard, value));
            }
        }
        self.env[first.local.0] = saved;
        instances
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, ty: &Type, time: Time) -> Val {
        match op {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Implies | BinaryOp::Iff => {
                let a = self.bool_expr(lhs, time);
                let b = self.bool_expr(rhs, time);
                Val::Bool(match op {
                    BinaryOp::And => self.terms.and2(a, b),
                    BinaryOp::Or => self.terms.or2(a, b),
                    BinaryOp::Implies => self.terms.implies(a, b),
                    _ => self.terms.iff(a, b),
                })
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                let a = self.expr(lhs, time);
                let b = self.expr(rhs, time);
                let equal = self.equal_typed(a, &lhs.ty, b, &rhs.ty);
                Val::Bool(if op == BinaryOp::Eq {
                    equal
                } else {
                    self.terms.not(equal)
                })
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                if let Some(term) = self.counting(op, lhs, rhs, time) {
                    return Val::Bool(term);
                }
                let a = self.int_expr(lhs, time);
                let b = self.int_expr(rhs, time);
                Val::Bool(match op {
                    BinaryOp::Lt => self.terms.lt(a, b),
                    BinaryOp::Le => self.terms.le(a, b),
                    BinaryOp::Gt => self.terms.lt(b, a),
                    _ => self.terms.le(b, a),
                })
            }
            BinaryOp::In => {
                let element = self.expr(lhs, time);
                let bits = self.set_bits(rhs, time);
                let Type::Set(element_type) = &rhs.ty else {
                    return Val::Bool(FALSE);
                };
                let index = self.index_of(&element, element_type);
                let hits: Vec<TermId> = index
                    .iter()
                    .zip(&bits)
                    .map(|(i, b)| self.terms.and2(*i, *b))
                    .collect();
                Val::Bool(self.terms.or(hits))
            }
            BinaryOp::Union | BinaryOp::Intersect | BinaryOp::Difference => {
                // Computed in the type covering both operands, then laid out
                // as the expression's type.
                let common = lhs.ty.join(&rhs.ty);
                let a = self.expr(lhs, time);
                let Val::Set(a) = self.fit(a, &lhs.ty, &common) else {
                    return Val::Set(Vec::new());
                };
                let b = self.expr(rhs, time);
                let Val::Set(b) = self.fit(b, &rhs.ty, &common) else {
                    return Val::Set(Vec::new());
                };
                let result = Val::Set(
                    a.iter()
                        .zip(&b)
                        .map(|(x, y)| match op {
                            BinaryOp::Union => self.terms.or2(*x, *y),
                            BinaryOp::Intersect => self.terms.and2(*x, *y),
                            _ => {
                                let not_y = self.terms.not(*y);
                                self.terms.and2(*x, not_y)
                            }
                        })
                        .collect(),
                );
                self.fit(result, &common, ty)
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => {
                let a = self.int_expr(lhs, time);
                let b = self.int_expr(rhs, time);
                Val::Int(match op {
                    BinaryOp::Add => self.terms.add(vec![a, b]),
                    BinaryOp::Sub => self.terms.sub(a, b),
                    _ => match (self.terms.as_int(a), self.terms.as_int(b)) {
                        (Some(k), _) => self.terms.mul(k, b),
                        (_, Some(k)) => self.terms.mul(k, a),
                        // The checker allows only products with a number.
                        _ => self.terms.int(0),
                    },
                })
            }
            BinaryOp::Since => Val::Bool(FALSE),
        }
    }

    /// `#s op n` with a constant `n` as a pseudo-Boolean constraint, which
    /// the solver handles far better than a sum (see PERFORMANCE.md).
    fn counting(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, time: Time) -> Option<TermId> {
        let flipped = match op {
            BinaryOp::Lt => BinaryOp::Gt,
            BinaryOp::Le => BinaryOp::Ge,
            BinaryOp::Gt => BinaryOp::Lt,
            _ => BinaryOp::Le,
        };
        let left = scaled_card(lhs);
        let right = scaled_card(rhs);
        let left_constant = left.and_then(|_| {
            let n = self.int_expr(rhs, time);
            self.terms.as_int(n)
        });
        let (set, factor, constant, op) = match (left, left_constant, right) {
            (Some((factor, set)), Some(n), _) => (set, factor, n, op),
            (_, _, Some((factor, set))) => {
                let n = self.int_expr(lhs, time);
                (set, factor, self.terms.as_int(n)?, flipped)
            }
            _ => return None,
        };
        // `k * #s op n` (a share, `#s op n/k of …`, once the whole is
        // constant) with k > 0 is `#s op' n'`: k·c ≤ n ⇔ c ≤ ⌊n/k⌋,
        // k·c ≥ n ⇔ c ≥ ⌈n/k⌉ (and < / > as ≤ n-1 / ≥ n+1).
        // In i128: no bound a spec can write overflows.
        let (k, n) = (i128::from(factor), i128::from(constant));
        let (op, bound) = match op {
            _ if factor == 1 => (op, n),
            BinaryOp::Lt => (BinaryOp::Le, (n - 1).div_euclid(k)),
            BinaryOp::Le => (BinaryOp::Le, n.div_euclid(k)),
            BinaryOp::Gt => (BinaryOp::Ge, (n + k).div_euclid(k)),
            _ => (BinaryOp::Ge, (n + k - 1).div_euclid(k)),
        };
        let constant = bound.clamp(i128::from(i64::MIN / 2), i128::from(i64::MAX / 2)) as i64;
        let bits = self.set_bits(set, time);
        // #s < n ⇔ #s ≤ n-1; #s > n ⇔ #s ≥ n+1; negative bounds are trivial.
        let term = match op {
            BinaryOp::Lt | BinaryOp::Le => {
                let bound = if op == BinaryOp::Lt {
                    constant - 1
                } else {
                    constant
                };
                if bound < 0 {
                    FALSE
                } else {
                    self.terms.at_most(&bits, bound.min(u32::MAX as i64) as u32)
                }
            }
            _ => {
                let bound = if op == BinaryOp::Gt {
                    constant + 1
                } else {
                    constant
                };
                if bound <= 0 {
                    TRUE
                } else {
                    self.terms
                        .at_least(&bits, bound.min(u32::MAX as i64) as u32)
                }
            }
        };
        Some(term)
    }
}

/// `#s`, or `k * #s` with a constant k > 0 (as shares are checked into),
/// with its factor.
fn scaled_card(expr: &Expr) -> Option<(i64, &Expr)> {
    match &expr.kind {
        ExprKind::Unary(UnaryOp::Card, set) => Some((1, set)),
        ExprKind::Binary(BinaryOp::Mul, factor, operand) => match (&factor.kind, &operand.kind) {
            (ExprKind::Int(k), ExprKind::Unary(UnaryOp::Card, set)) if *k > 0 => Some((*k, set)),
            _ => None,
        },
        _ => None,
    }
}

impl Lowerer<'_> {
    /// A function's value at the point `args` name: its cells (argument
    /// tuple, value), read at `when`; the arguments are read at `time`.
    fn read_point(
        &mut self,
        cells: &[(Vec<usize>, Val)],
        arg_types: &[Type],
        result: &Type,
        args: &[Expr],
        time: Time,
        when: Time,
    ) -> Val {
        let indices: Vec<Vec<TermId>> = args
            .iter()
            .zip(arg_types)
            .map(|(arg, ty)| {
                let value = self.expr(arg, time);
                self.index_of(&value, ty)
            })
            .collect();
        let mut options = Vec::new();
        for (tuple, cell) in cells {
            let matches: Vec<TermId> = tuple
                .iter()
                .zip(&indices)
                .map(|(i, conditions)| conditions.get(*i).copied().unwrap_or(FALSE))
                .collect();
            let condition = self.terms.and(matches);
            if condition == FALSE {
                continue;
            }
            let value = if when == Time::Now {
                cell.clone()
            } else {
                self.at(cell, when)
            };
            if condition == TRUE {
                return value;
            }
            options.push((condition, value));
        }
        // Arguments outside the function's domain (an integer out of its
        // range) name no point: the read gives the first value of the
        // type, as `eval` does (it was the last point's value). Sort and
        // Bool arguments always name one.
        if arg_types.iter().any(|ty| matches!(ty, Type::Int(_))) {
            let fallback = self.first_value(result);
            options.push((FALSE, fallback));
        }
        self.select(options)
    }
}

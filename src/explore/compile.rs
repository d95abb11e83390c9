//! Simple expressions compiled to work on a state held as words, one per
//! cell ([`super::fast`]): a Boolean, integer or element as its value, a
//! set over at most 64 elements (of a sort or `Bool`) as a bit mask. What
//! compiles: constants, plain and point reads of the state (unprimed),
//! bound locals, the Boolean connectives, comparisons, arithmetic,
//! membership, set literals, unions and the like, counts, `if`,
//! quantifiers, sums, one-binder comprehensions and calls of defines
//! with plain arguments; anything else (options, primed names, the past,
//! function-typed parameters, sets of integers) does not, and is left to
//! the interpreter [`crate::eval`].
//!
//! A compiled expression answers exactly what the interpreter answers, or
//! `None`: where an integer leaves i64 (the interpreter would record an
//! overflow, or computes in i128 where this does not), the caller asks
//! the interpreter instead. So no verdict rests on this module alone.

use crate::eval::Model;
use crate::hir::*;

/// How an argument's value is placed among its type's: `value - low`, in
/// `0..size`.
#[derive(Clone, Copy)]
pub struct Place {
    pub low: i128,
    pub size: u64,
}

impl Place {
    /// The place of a plain (element) type; `None` for options and sets.
    pub fn of(model: &Model, ty: &Type) -> Option<Place> {
        match ty {
            Type::Bool => Some(Place { low: 0, size: 2 }),
            Type::Int(range) => Some(Place {
                low: i128::from(range.low),
                size: u64::try_from(ty.domain_size(&model.sizes)).ok()?,
            }),
            Type::Sort(id) => Some(Place {
                low: 0,
                size: model.sizes[id.0] as u64,
            }),
            Type::Option(_) | Type::Set(_) => None,
        }
    }

    pub fn position(self, value: i128) -> Option<u64> {
        let p = value.checked_sub(self.low)?;
        (0 <= p && p < i128::from(self.size)).then_some(p as u64)
    }
}

/// A read of a function's cell: its first cell and its arguments.
pub struct Point {
    pub start: usize,
    pub args: Vec<(Ex, Place)>,
}

impl Point {
    /// The cell the arguments name (row-major), `None` outside the domain.
    pub fn cell(&self, at: &mut At) -> Result<Option<usize>, ()> {
        let mut index = 0usize;
        for (arg, place) in &self.args {
            let v = arg.eval(at)?;
            let Some(p) = place.position(v) else {
                return Ok(None);
            };
            index = index * place.size as usize + p as usize;
        }
        Ok(Some(self.start + index))
    }
}

/// A scalar expression (Boolean 0/1, integer, element index).
pub enum Ex {
    Const(i128),
    /// A cell plus the low end of its range (0 but for integers).
    Cell(usize, i128),
    /// A function's cell; its first value (`first`) outside its domain.
    Point(Point, i128, i128),
    Local(usize),
    Not(Box<Ex>),
    Logic(BinaryOp, Box<Ex>, Box<Ex>),
    /// A connective with both sides evaluated, as a property is read.
    Strict(BinaryOp, Box<Ex>, Box<Ex>),
    Cmp(BinaryOp, Box<Ex>, Box<Ex>),
    SetEq(bool, Box<SetEx>, Box<SetEx>),
    In(Box<Ex>, Box<SetEx>),
    Arith(BinaryOp, Box<Ex>, Box<Ex>),
    Neg(Box<Ex>),
    Card(Box<SetEx>),
    If(Box<Ex>, Box<Ex>, Box<Ex>),
    /// `if` with both branches evaluated, as a property is read.
    StrictIf(Box<Ex>, Box<Ex>, Box<Ex>),
    Quant(Quantifier, Vec<Bind>, Box<Ex>),
    Sum(Vec<Bind>, Box<Ex>),
    Call(Vec<(usize, Ex)>, Box<Ex>),
}

/// A set expression, as a mask over its element type's positions.
pub enum SetEx {
    Const(u64),
    Cell(usize),
    Point(Point),
    Lit(Vec<Ex>, u64),
    Op(BinaryOp, Box<SetEx>, Box<SetEx>),
    Comp(Bind, Box<Ex>),
    If(Box<Ex>, Box<SetEx>, Box<SetEx>),
    Call(Vec<(usize, Ex)>, Box<SetEx>),
}

/// A binder: a local and the values it ranges over.
pub struct Bind {
    local: usize,
    domain: Dom,
}

enum Dom {
    /// Every value from `low` to `high`.
    Range(i128, i128),
    /// The members of a set (positions are values: sorts and `Bool`).
    Set(Box<SetEx>),
}

/// Where a compiled expression is read: the state's words and the locals.
pub struct At<'a> {
    pub cells: &'a [u64],
    pub locals: &'a mut [i128],
}

/// Most values a compiled binder ranges over.
const MAX_RANGE: i128 = 1 << 16;

/// Compiles expressions of one charter against a state's cells.
pub struct Compiler<'m, 'h> {
    pub model: &'m Model<'h>,
    /// Per constant or variable, its first cell and (per cell) its kind.
    pub starts: Vec<usize>,
    /// Which locals are bound where the expression is read.
    pub bound: Vec<bool>,
    /// The defines being compiled (calls form no cycle; a guard anyway).
    calls: Vec<DefineId>,
    /// Read as a property is ([`Model::eval_monitored`]): both sides of a
    /// connective and of an `if` evaluated, and no binder over a set
    /// (there it visits every value of the type), so that whatever the
    /// interpreter evaluates this does.
    pub strict: bool,
}

/// The mask of every position of a set over `size` elements.
pub fn full(size: u64) -> u64 {
    match size {
        64.. => u64::MAX,
        n => (1u64 << n) - 1,
    }
}

/// The element count of a set type the words hold (sorts and `Bool`, at
/// most 64 elements).
pub fn set_size(model: &Model, ty: &Type) -> Option<u64> {
    match ty {
        Type::Set(element) if matches!(**element, Type::Sort(_) | Type::Bool) => {
            let size = element.domain_size(&model.sizes) as u64;
            (size <= 64).then_some(size)
        }
        _ => None,
    }
}

impl<'m, 'h> Compiler<'m, 'h> {
    pub fn new(model: &'m Model<'h>) -> Compiler<'m, 'h> {
        let mut starts = Vec::new();
        let mut at = 0;
        for decl in &model.charter.states {
            starts.push(at);
            at += model.cell_count(&decl.args) as usize;
        }
        Compiler {
            model,
            starts,
            bound: vec![false; model.charter.locals.len()],
            calls: Vec::new(),
            strict: false,
        }
    }

    fn first(&self, ty: &Type) -> Option<i128> {
        Place::of(self.model, ty).map(|p| p.low)
    }

    pub fn point(&mut self, id: StateId, args: &[Expr]) -> Option<Point> {
        let decl = self.model.charter.state(id);
        let args = args
            .iter()
            .zip(&decl.args)
            .map(|(a, ty)| Some((self.scalar(a)?, Place::of(self.model, ty)?)))
            .collect::<Option<Vec<_>>>()?;
        Some(Point {
            start: self.starts[id.0],
            args,
        })
    }

    fn binders(&mut self, binders: &[Binder]) -> Option<Vec<Bind>> {
        let mut out = Vec::new();
        for b in binders {
            let domain = match &b.domain {
                Domain::Type(ty) => {
                    let place = Place::of(self.model, ty)?;
                    (i128::from(place.size) <= MAX_RANGE)
                        .then(|| Dom::Range(place.low, place.low + i128::from(place.size) - 1))?
                }
                Domain::Set(_) if self.strict => return None,
                Domain::Set(set) => Dom::Set(Box::new(self.set(set)?)),
            };
            self.bound[b.local.0] = true;
            out.push(Bind {
                local: b.local.0,
                domain,
            });
        }
        Some(out)
    }

    /// Compiles `inner` with the binders bound, then unbinds them.
    fn scoped<T>(
        &mut self,
        binders: &[Binder],
        inner: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<(Vec<Bind>, T)> {
        let saved: Vec<bool> = binders.iter().map(|b| self.bound[b.local.0]).collect();
        let result = self
            .binders(binders)
            .and_then(|binds| Some((binds, inner(self)?)));
        for (b, was) in binders.iter().zip(saved) {
            self.bound[b.local.0] = was;
        }
        result
    }

    /// A call: its arguments, then its body with its parameters bound.
    fn call<T>(
        &mut self,
        id: DefineId,
        args: &[Expr],
        body: impl FnOnce(&mut Self, &Expr) -> Option<T>,
    ) -> Option<(Vec<(usize, Ex)>, T)> {
        if self.calls.contains(&id) || self.calls.len() > 32 {
            return None;
        }
        let define = self.model.charter.define(id);
        let values = define
            .params
            .iter()
            .zip(args)
            .map(|(p, a)| Some((p.0, self.scalar(a)?)))
            .collect::<Option<Vec<_>>>()?;
        let fresh = vec![false; self.bound.len()];
        let saved = std::mem::replace(&mut self.bound, fresh);
        for p in &define.params {
            self.bound[p.0] = true;
        }
        self.calls.push(id);
        let result = body(self, &define.body);
        self.calls.pop();
        self.bound = saved;
        Some((values, result?))
    }

    /// A scalar expression, or `None` where it does not compile.
    pub fn scalar(&mut self, expr: &Expr) -> Option<Ex> {
        Place::of(self.model, &expr.ty)?;
        let b = |e| Some(Box::new(e));
        Some(match &expr.kind {
            ExprKind::Bool(v) => Ex::Const(i128::from(*v)),
            ExprKind::Int(i) => Ex::Const(i128::from(*i)),
            ExprKind::EnumValue(_, index) => Ex::Const(*index as i128),
            ExprKind::State {
                id,
                primed: false,
                args,
            } => {
                let ty = &self.model.charter.state(*id).ty;
                let low = self.first(ty)?;
                match args.is_empty() {
                    true => Ex::Cell(self.starts[id.0], low),
                    false => Ex::Point(self.point(*id, args)?, low, low),
                }
            }
            ExprKind::Local(id) => match self.bound[id.0] {
                true => Ex::Local(id.0),
                false => Ex::Const(self.first(&expr.ty)?),
            },
            ExprKind::Call(id, args) => {
                let (values, body) = self.call(*id, args, |c, body| c.scalar(body))?;
                Ex::Call(values, Box::new(body))
            }
            ExprKind::Unary(UnaryOp::Not, e) => Ex::Not(b(self.scalar(e)?)?),
            ExprKind::Unary(UnaryOp::Neg, e) => Ex::Neg(b(self.scalar(e)?)?),
            ExprKind::Unary(UnaryOp::Card, e) => Ex::Card(Box::new(self.set(e)?)),
            ExprKind::Binary(op, l, r) => match op {
                BinaryOp::And | BinaryOp::Or | BinaryOp::Implies if self.strict => {
                    Ex::Strict(*op, b(self.scalar(l)?)?, b(self.scalar(r)?)?)
                }
                BinaryOp::And | BinaryOp::Or | BinaryOp::Implies | BinaryOp::Iff => {
                    Ex::Logic(*op, b(self.scalar(l)?)?, b(self.scalar(r)?)?)
                }
                BinaryOp::Eq | BinaryOp::Ne if matches!(l.ty, Type::Set(_)) => Ex::SetEq(
                    *op == BinaryOp::Eq,
                    Box::new(self.set(l)?),
                    Box::new(self.set(r)?),
                ),
                BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge => Ex::Cmp(*op, b(self.scalar(l)?)?, b(self.scalar(r)?)?),
                BinaryOp::In => Ex::In(b(self.scalar(l)?)?, Box::new(self.set(r)?)),
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => {
                    Ex::Arith(*op, b(self.scalar(l)?)?, b(self.scalar(r)?)?)
                }
                _ => return None,
            },
            ExprKind::If(c, t, e) if self.strict => Ex::StrictIf(
                b(self.scalar(c)?)?,
                b(self.scalar(t)?)?,
                b(self.scalar(e)?)?,
            ),
            ExprKind::If(c, t, e) => Ex::If(
                b(self.scalar(c)?)?,
                b(self.scalar(t)?)?,
                b(self.scalar(e)?)?,
            ),
            ExprKind::Quantified(q, binders, body) => {
                let (binds, body) = self.scoped(binders, |c| c.scalar(body))?;
                Ex::Quant(*q, binds, Box::new(body))
            }
            ExprKind::Sum(binders, body) => {
                let (binds, body) = self.scoped(binders, |c| c.scalar(body))?;
                Ex::Sum(binds, Box::new(body))
            }
            _ => return None,
        })
    }

    /// A set expression (of a sort or `Bool`), or `None`.
    pub fn set(&mut self, expr: &Expr) -> Option<SetEx> {
        let size = set_size(self.model, &expr.ty)?;
        Some(match &expr.kind {
            ExprKind::Universe(_) => SetEx::Const(full(size)),
            ExprKind::State {
                id,
                primed: false,
                args,
            } => {
                set_size(self.model, &self.model.charter.state(*id).ty)?;
                match args.is_empty() {
                    true => SetEx::Cell(self.starts[id.0]),
                    false => SetEx::Point(self.point(*id, args)?),
                }
            }
            ExprKind::Local(id) if !self.bound[id.0] => SetEx::Const(0),
            ExprKind::Call(id, args) => {
                let (values, body) = self.call(*id, args, |c, body| c.set(body))?;
                SetEx::Call(values, Box::new(body))
            }
            ExprKind::SetLiteral(elements) => SetEx::Lit(
                elements
                    .iter()
                    .map(|e| self.scalar(e))
                    .collect::<Option<_>>()?,
                size,
            ),
            ExprKind::Binary(
                op @ (BinaryOp::Union | BinaryOp::Intersect | BinaryOp::Difference),
                l,
                r,
            ) => SetEx::Op(*op, Box::new(self.set(l)?), Box::new(self.set(r)?)),
            ExprKind::Comprehension(binders, body) if binders.len() == 1 => {
                let (mut binds, body) = self.scoped(binders, |c| c.scalar(body))?;
                SetEx::Comp(binds.pop()?, Box::new(body))
            }
            ExprKind::If(..) if self.strict => return None,
            ExprKind::If(c, t, e) => SetEx::If(
                Box::new(self.scalar(c)?),
                Box::new(self.set(t)?),
                Box::new(self.set(e)?),
            ),
            _ => return None,
        })
    }
}

/// `Err(())`: the interpreter must answer (an integer beyond i64).
type R<T> = Result<T, ()>;

fn narrow(v: Option<i128>) -> R<i128> {
    match v {
        Some(v) if i64::try_from(v).is_ok() => Ok(v),
        _ => Err(()),
    }
}

/// Calls `each` for every instance of the binders, their locals bound.
fn instances(binds: &[Bind], at: &mut At, each: &mut dyn FnMut(&mut At) -> R<()>) -> R<()> {
    let Some((first, rest)) = binds.split_first() else {
        return each(at);
    };
    match &first.domain {
        Dom::Range(low, high) => {
            for v in *low..=*high {
                at.locals[first.local] = v;
                instances(rest, at, each)?;
            }
        }
        Dom::Set(set) => {
            let mut mask = set.eval(at)?;
            while mask != 0 {
                at.locals[first.local] = i128::from(mask.trailing_zeros());
                mask &= mask - 1;
                instances(rest, at, each)?;
            }
        }
    }
    Ok(())
}

/// Binds a call's parameters around `body`, as the interpreter does.
fn called<T>(values: &[(usize, Ex)], at: &mut At, body: impl FnOnce(&mut At) -> R<T>) -> R<T> {
    let mut evaluated = Vec::with_capacity(values.len());
    for (local, e) in values {
        evaluated.push((*local, e.eval(at)?));
    }
    let saved: Vec<i128> = values.iter().map(|(l, _)| at.locals[*l]).collect();
    for (local, v) in evaluated {
        at.locals[local] = v;
    }
    let result = body(at);
    for ((local, _), v) in values.iter().zip(saved) {
        at.locals[*local] = v;
    }
    result
}

impl Ex {
    pub fn eval(&self, at: &mut At) -> R<i128> {
        Ok(match self {
            Ex::Const(v) => *v,
            Ex::Cell(cell, low) => low + i128::from(at.cells[*cell]),
            Ex::Point(point, low, first) => match point.cell(at)? {
                Some(cell) => low + i128::from(at.cells[cell]),
                None => *first,
            },
            Ex::Local(l) => at.locals[*l],
            Ex::Not(e) => i128::from(e.eval(at)? == 0),
            Ex::Logic(op, l, r) => {
                let a = l.eval(at)? != 0;
                i128::from(match op {
                    BinaryOp::And => a && r.eval(at)? != 0,
                    BinaryOp::Or => a || r.eval(at)? != 0,
                    BinaryOp::Implies => !a || r.eval(at)? != 0,
                    _ => a == (r.eval(at)? != 0),
                })
            }
            Ex::Strict(op, l, r) => {
                let (a, b) = (l.eval(at)? != 0, r.eval(at)? != 0);
                i128::from(match op {
                    BinaryOp::And => a && b,
                    BinaryOp::Or => a || b,
                    _ => !a || b,
                })
            }
            Ex::StrictIf(c, t, e) => {
                let (c, t, e) = (c.eval(at)?, t.eval(at)?, e.eval(at)?);
                if c != 0 {
                    t
                } else {
                    e
                }
            }
            Ex::Cmp(op, l, r) => {
                let (a, b) = (l.eval(at)?, r.eval(at)?);
                i128::from(match op {
                    BinaryOp::Eq => a == b,
                    BinaryOp::Ne => a != b,
                    BinaryOp::Lt => a < b,
                    BinaryOp::Le => a <= b,
                    BinaryOp::Gt => a > b,
                    _ => a >= b,
                })
            }
            Ex::SetEq(eq, l, r) => i128::from((l.eval(at)? == r.eval(at)?) == *eq),
            Ex::In(e, set) => {
                let v = e.eval(at)?;
                let mask = set.eval(at)?;
                i128::from((0..64).contains(&v) && mask >> v & 1 == 1)
            }
            Ex::Arith(op, l, r) => {
                let (a, b) = (l.eval(at)?, r.eval(at)?);
                narrow(match op {
                    BinaryOp::Add => a.checked_add(b),
                    BinaryOp::Sub => a.checked_sub(b),
                    _ => a.checked_mul(b),
                })?
            }
            Ex::Neg(e) => narrow(e.eval(at)?.checked_neg())?,
            Ex::Card(set) => i128::from(set.eval(at)?.count_ones()),
            Ex::If(c, t, e) => match c.eval(at)? != 0 {
                true => t.eval(at)?,
                false => e.eval(at)?,
            },
            Ex::Quant(q, binds, body) => {
                let (mut hits, mut total) = (0usize, 0usize);
                instances(binds, at, &mut |at| {
                    total += 1;
                    hits += usize::from(body.eval(at)? != 0);
                    Ok(())
                })?;
                i128::from(match q {
                    Quantifier::Forall => hits == total,
                    Quantifier::Exists => hits > 0,
                    Quantifier::ExactlyOne => hits == 1,
                    Quantifier::AtMostOne => hits <= 1,
                    Quantifier::No => hits == 0,
                })
            }
            Ex::Sum(binds, body) => {
                let mut total = Some(0i128);
                instances(binds, at, &mut |at| {
                    let v = body.eval(at)?;
                    total = total.and_then(|t| t.checked_add(v));
                    Ok(())
                })?;
                narrow(total)?
            }
            Ex::Call(values, body) => called(values, at, |at| body.eval(at))?,
        })
    }
}

impl SetEx {
    pub fn eval(&self, at: &mut At) -> R<u64> {
        Ok(match self {
            SetEx::Const(m) => *m,
            SetEx::Cell(cell) => at.cells[*cell],
            SetEx::Point(point) => match point.cell(at)? {
                Some(cell) => at.cells[cell],
                None => 0,
            },
            SetEx::Lit(elements, size) => {
                let mut mask = 0;
                for e in elements {
                    let v = e.eval(at)?;
                    if 0 <= v && v < i128::from(*size) {
                        mask |= 1 << v;
                    }
                }
                mask
            }
            SetEx::Op(op, l, r) => {
                let (a, b) = (l.eval(at)?, r.eval(at)?);
                match op {
                    BinaryOp::Union => a | b,
                    BinaryOp::Intersect => a & b,
                    _ => a & !b,
                }
            }
            SetEx::Comp(bind, body) => {
                let mut mask = 0u64;
                instances(std::slice::from_ref(bind), at, &mut |at| {
                    if body.eval(at)? != 0 {
                        mask |= 1 << at.locals[bind.local];
                    }
                    Ok(())
                })?;
                mask
            }
            SetEx::If(c, t, e) => match c.eval(at)? != 0 {
                true => t.eval(at)?,
                false => e.eval(at)?,
            },
            SetEx::Call(values, body) => called(values, at, |at| body.eval(at))?,
        })
    }
}

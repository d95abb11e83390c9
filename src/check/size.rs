//! How much each command asks of the engines, estimated before anything is
//! built. Both engines expand a spec over its finite domains (every point
//! of a function, every element of a set, every instance of a quantifier);
//! a large scope can make that expansion run out of memory or time. A
//! command beyond the limits is refused here, with the part of the spec
//! that makes it large, instead of hanging later.

use std::collections::HashMap;

use super::error::CheckError;
use crate::hir::*;

/// Estimated terms in one step's encoding (state, event arguments,
/// constraints, quantifier instances).
pub const MAX_TERMS_PER_STEP: u128 = 2_000_000;
/// Estimated terms over all the steps a command unrolls.
pub const MAX_TERMS_UNROLLED: u128 = 40_000_000;

/// Terms a past-time operator's monitor builds besides its operands (two
/// readings of its atom, the initial value and the update with their
/// constraints, `historically`'s negations).
const MONITOR: u128 = 8;

/// Terms the loop detector of a liveness command builds per atom of the
/// state (see `lower::liveness`): the shadow's two readings, its initial
/// equality, its update (following or frozen) and its comparison with the
/// atom, besides the atom's own two readings.
const SHADOW: u128 = 9;

/// Terms the loop detector builds per event assumed fair besides whether
/// it is enabled: its `seen` flag's readings, negations and update.
const SEEN: u128 = 8;

/// Terms the loop detector builds once: `pending`, `saved`, `kept`,
/// `moved` and their updates, the goal and its antecedent.
const DETECTOR: u128 = 32;

/// The commands whose encoding would be too large.
pub fn too_large(charter: &Charter) -> Vec<CheckError> {
    charter
        .commands
        .iter()
        .filter_map(|command| {
            let uses = Uses::Command(command);
            exceeds(charter, uses, &command.scopes, command.depth).map(|(size, largest)| {
                CheckError::CommandTooLarge {
                    name: command.name.clone(),
                    size,
                    largest,
                    span: command.span,
                }
            })
        })
        .collect()
}

/// What an encoding holds besides the rules, which every encoding holds:
/// the axioms, `init`s and lemmas, and then a command's own property or
/// goal, or (for `charter lint`) the antecedents of every assertion. An
/// assertion no command checks weighs on no command.
#[derive(Clone, Copy, Debug)]
pub enum Uses<'h> {
    /// A command: its kind, and for a liveness command the events it
    /// assumes fair.
    Command(&'h Command),
    Lint,
}

/// Whether the command (as it will run: with its scopes and depth, after
/// any command-line overrides) would be too large to encode: how large,
/// and the part of the spec that weighs most.
pub fn exceeds(
    charter: &Charter,
    uses: Uses,
    scopes: &[(SortId, u64)],
    depth: Option<u64>,
) -> Option<(String, String)> {
    let Estimated {
        per_step,
        unrolled,
        steps,
        largest,
    } = estimate(charter, uses, scopes, depth);
    let size = if per_step > MAX_TERMS_PER_STEP {
        format!(
            "about {} terms per step (the limit is {})",
            rounded(per_step),
            rounded(MAX_TERMS_PER_STEP)
        )
    } else if unrolled > MAX_TERMS_UNROLLED {
        format!(
            "about {} terms over {steps} states (the limit is {})",
            rounded(unrolled),
            rounded(MAX_TERMS_UNROLLED)
        )
    } else {
        return None;
    };
    Some((size, largest))
}

/// The estimate of one command's encoding.
///
/// `per_step` counts the operations the spec asks for in one step; the
/// terms lowering builds for them are at most [`Estimated::term_bound`]
/// (each operation may need an auxiliary term, and every system has a few
/// terms of its own: tested on every spec and fixture at their scopes and
/// at scopes doubled and tripled, in `tests/size_bounds.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Estimated {
    /// Terms in one step's encoding.
    pub per_step: u128,
    /// Terms over every state the command unrolls.
    pub unrolled: u128,
    /// States unrolled (the depth and the initial state).
    pub steps: u128,
    /// The part of the spec that weighs most.
    pub largest: String,
}

/// The estimate for a command with these scopes and depth.
pub fn estimate(
    charter: &Charter,
    uses: Uses,
    scopes: &[(SortId, u64)],
    depth: Option<u64>,
) -> Estimated {
    let (per_step, largest) = Estimate::new(charter, scopes).per_step(uses);
    let steps = (depth.unwrap_or(DEFAULT_DEPTH) as u128).saturating_add(1);
    Estimated {
        per_step,
        unrolled: per_step.saturating_mul(steps),
        steps,
        largest,
    }
}

impl Estimated {
    /// At most this many terms are built when one step of the command is
    /// lowered: three times the estimate, and 64 (measured: at most 2.1
    /// times on systems of more than 300 terms).
    pub fn term_bound(&self) -> u128 {
        self.per_step.saturating_mul(3).saturating_add(64)
    }
}

/// Sum that stops at the largest value instead of overflowing.
fn total(parts: impl IntoIterator<Item = u128>) -> u128 {
    parts.into_iter().fold(0, u128::saturating_add)
}

fn rounded(n: u128) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{}k", n / 1_000),
        1_000_000..=9_999_999 => format!("{}.{}M", n / 1_000_000, n / 100_000 % 10),
        10_000_000..=9_999_999_999 => format!("{}M", n / 1_000_000),
        _ => format!("{:.1e}", n as f64),
    }
}

struct Estimate<'h> {
    charter: &'h Charter,
    /// Per sort, its number of elements in this command.
    sizes: Vec<u128>,
    defines: std::cell::RefCell<HashMap<DefineId, u128>>,
}

impl<'h> Estimate<'h> {
    fn new(charter: &'h Charter, scopes: &[(SortId, u64)]) -> Estimate<'h> {
        let sizes = charter
            .sort_sizes(scopes)
            .into_iter()
            .map(|n| n as u128)
            .collect();
        Estimate {
            charter,
            sizes,
            defines: Default::default(),
        }
    }

    /// The estimate for one step, and the part of the spec that weighs
    /// most in it.
    fn per_step(&self, uses: Uses) -> (u128, String) {
        let mut parts: Vec<(u128, String)> = Vec::new();
        for state in &self.charter.states {
            let cells = self.cells(&state.args);
            let value = state.value.as_ref().map_or(0, |v| self.expr(v));
            parts.push((
                cells.saturating_mul(self.leaves(&state.ty).saturating_add(value)),
                format!("`{}`", state.name),
            ));
        }
        for event in &self.charter.events {
            let params = total(event.params.iter().map(|p| self.local_leaves(*p)));
            let guards = total(event.requires.iter().map(|g| self.expr(&g.body)));
            parts.push((
                total([1, params, guards]),
                format!("event `{}`", event.name),
            ));
        }
        for (index, formula) in self.charter.formulas.iter().enumerate() {
            let body = match (formula.kind, uses) {
                (FormulaKind::Axiom | FormulaKind::Init | FormulaKind::Lemma, _) => &formula.body,
                (FormulaKind::Assert, Uses::Lint) => match &formula.body.kind {
                    ExprKind::Binary(BinaryOp::Implies, antecedent, _) => &**antecedent,
                    _ => continue,
                },
                (FormulaKind::Assert, Uses::Command(command))
                    if about(&command.kind) == Some(index) =>
                {
                    &formula.body
                }
                (FormulaKind::Assert, Uses::Command(_)) => continue,
                (FormulaKind::Eventually | FormulaKind::LeadsTo, Uses::Lint) => continue,
                (FormulaKind::Eventually | FormulaKind::LeadsTo, Uses::Command(command))
                    if about(&command.kind) == Some(index) =>
                {
                    // The loop detector: the property read in the next
                    // state too, the shadow state, and each fair event's
                    // `enabled` (its `requires` at every choice of its
                    // arguments, in the state and the next).
                    parts.push((
                        total([self.expr(&formula.body), self.loop_detector()]),
                        format!("the loop detector of `{}`", formula.name),
                    ));
                    for fair in &command.fair {
                        let event = &self.charter.events[fair.event.0];
                        parts.push((
                            self.fairness(event),
                            format!("the fairness of event `{}`", event.name),
                        ));
                    }
                    &formula.body
                }
                (FormulaKind::Eventually | FormulaKind::LeadsTo, Uses::Command(_)) => continue,
            };
            parts.push((self.expr(body), format!("`{}`", formula.name)));
        }
        if let Uses::Command(Command {
            kind: CommandKind::Scenario { goal, .. },
            ..
        }) = uses
        {
            parts.push((self.expr(goal), "the scenario's goal".to_string()));
        }
        for clause in &self.charter.clauses {
            let cost = total(clause.rules.iter().map(|r| self.rule(r)));
            parts.push((cost, format!("clause `{}`", clause.name)));
        }
        let total = parts
            .iter()
            .fold(0u128, |sum, (n, _)| sum.saturating_add(*n));
        let largest = parts
            .into_iter()
            .max_by_key(|(n, _)| *n)
            .map_or_else(String::new, |(_, name)| name);
        (total, largest)
    }

    /// A liveness command's loop detector, besides the property: a shadow
    /// of every atom of the state, and the detector's own flags.
    fn loop_detector(&self) -> u128 {
        let atoms = total(self.charter.states.iter().map(|state| {
            self.cells(&state.args)
                .saturating_mul(self.leaves(&state.ty))
        }));
        atoms.saturating_mul(SHADOW).saturating_add(DETECTOR)
    }

    /// Whether an event assumed fair is enabled, in the state and the
    /// next: its `requires` at every choice of its arguments (fair events
    /// have enumerable parameters), one term per choice to join them, and
    /// its `seen` flag.
    fn fairness(&self, event: &Event) -> u128 {
        let instances = event.params.iter().fold(1u128, |n, p| {
            n.saturating_mul(self.values(&self.charter.local(*p).ty))
        });
        let guards = total(event.requires.iter().map(|g| self.expr(&g.body)));
        let once = instances.saturating_mul(guards.saturating_add(2));
        once.saturating_mul(2).saturating_add(SEEN)
    }

    fn rule(&self, rule: &Rule) -> u128 {
        match &rule.kind {
            RuleKind::On { when, block, .. } => {
                total([when.as_ref().map_or(0, |w| self.expr(w)), self.block(block)])
            }
            RuleKind::StateConstraint(e) | RuleKind::TransitionConstraint(e) => self.expr(e),
        }
    }

    fn block(&self, block: &EffectBlock) -> u128 {
        let effects = block.effects.iter().fold(0u128, |sum, effect| {
            let target = self.charter.state(effect.target);
            let per_cell = total(
                [self.leaves(&target.ty), self.expr(&effect.value)]
                    .into_iter()
                    .chain(effect.args.iter().map(|a| self.expr(a))),
            );
            let point = self.cells(&target.args).saturating_mul(per_cell);
            // A quantified update is the point update once per binding,
            // each with its condition.
            let cost = match &effect.forall {
                Some(forall) => {
                    let (instances, domains) = self.instances(&forall.binders);
                    let when = forall.when.as_ref().map_or(0, |w| self.expr(w));
                    instances
                        .saturating_mul(point.saturating_add(when))
                        .saturating_add(domains)
                }
                None => point,
            };
            sum.saturating_add(cost)
        });
        block.exceptions.iter().fold(effects, |sum, exception| {
            sum.saturating_add(self.expr(&exception.condition))
                .saturating_add(self.block(&exception.block))
        })
    }

    /// The instances of binders (the product of their domains) and the
    /// terms their set domains build.
    fn instances(&self, binders: &[Binder]) -> (u128, u128) {
        binders.iter().fold((1u128, 0u128), |(n, d), b| {
            let (size, cost) = match &b.domain {
                Domain::Type(ty) => (self.values(ty), 0),
                Domain::Set(set) => (self.values(&element(&set.ty)), self.expr(set)),
            };
            (n.saturating_mul(size), d.saturating_add(cost))
        })
    }

    /// Terms an expression builds: reading a variable or a bound name costs
    /// nothing (its atoms exist anyway), an operation on sets one term per
    /// possible element, any other operation one.
    fn expr(&self, expr: &Expr) -> u128 {
        let own = match &expr.kind {
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::None
            | ExprKind::EnumValue(..)
            | ExprKind::Universe(_)
            | ExprKind::Local(_)
            | ExprKind::State { .. } => 0,
            // A copy of the argument kept in the state: a monitor per leaf
            // (per point of a function's domain).
            ExprKind::EventArg(event, position) => {
                let local = self.charter.events[event.0].params.get(*position);
                MONITOR.saturating_mul(local.map_or(1, |l| self.local_leaves(*l)))
            }
            // A past-time operator is a monitor: two readings of its atom,
            // an initial value, an update and their constraints.
            ExprKind::Unary(UnaryOp::Once | UnaryOp::Previously | UnaryOp::Historically, _)
            | ExprKind::Binary(BinaryOp::Since, ..)
            | ExprKind::Happened(..) => MONITOR,
            // Operations on sets (a count too) build one term per element.
            ExprKind::Binary(_, lhs, _) | ExprKind::Unary(_, lhs)
                if matches!(lhs.ty, Type::Set(_)) =>
            {
                self.leaves(&lhs.ty)
            }
            _ if matches!(expr.ty, Type::Set(_)) => self.leaves(&expr.ty),
            _ => 1,
        };
        let children: u128 = match &expr.kind {
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::None
            | ExprKind::EnumValue(..)
            | ExprKind::Universe(_)
            | ExprKind::Local(_)
            | ExprKind::EventArg(..) => 0,
            // A function parameter's point: one known point, or a choice
            // among every point.
            ExprKind::Apply(head, args) => {
                let known_point = args.iter().all(|a| {
                    matches!(
                        a.kind,
                        ExprKind::Local(_) | ExprKind::EnumValue(..) | ExprKind::Int(_)
                    )
                });
                let read = match known_point {
                    true => self.leaves(&expr.ty),
                    false => self
                        .cells(self.charter.function_args(head))
                        .saturating_mul(self.leaves(&expr.ty)),
                };
                args.iter()
                    .fold(read.saturating_add(self.expr(head)), |sum, a| {
                        sum.saturating_add(self.expr(a))
                    })
            }
            // A monitor's operands are read now and in the next state.
            ExprKind::Unary(UnaryOp::Once | UnaryOp::Previously | UnaryOp::Historically, e) => {
                self.twice(e)
            }
            ExprKind::Binary(BinaryOp::Since, a, b) => self.twice(a).saturating_add(self.twice(b)),
            ExprKind::Some(e)
            | ExprKind::Unary(_, e)
            | ExprKind::OptionTest(e, _)
            | ExprKind::OptionValue(e) => self.expr(e),
            ExprKind::State { id, args, .. } => {
                // A point read at bound names or literals (a quantifier's
                // element) is one known point.
                let known_point = args.iter().all(|a| {
                    matches!(
                        a.kind,
                        ExprKind::Local(_) | ExprKind::EnumValue(..) | ExprKind::Int(_)
                    )
                });
                let read = if args.is_empty() {
                    0
                } else if known_point {
                    self.leaves(&self.charter.state(*id).ty)
                } else {
                    // A point read at an unknown argument selects among
                    // every point.
                    self.cells(&self.charter.state(*id).args)
                        .saturating_mul(self.leaves(&self.charter.state(*id).ty))
                };
                args.iter()
                    .fold(read, |sum, a| sum.saturating_add(self.expr(a)))
            }
            ExprKind::Call(id, args) => {
                let body = self.define(*id);
                args.iter()
                    .fold(body, |sum, a| sum.saturating_add(self.expr(a)))
            }
            // Each argument read now and next, and compared with the
            // event's parameter.
            ExprKind::Happened(_, args) => args.iter().flatten().fold(0u128, |sum, a| {
                sum.saturating_add(self.twice(a))
                    .saturating_add(self.leaves(&a.ty))
            }),
            ExprKind::Binary(_, a, b) => self.expr(a).saturating_add(self.expr(b)),
            ExprKind::If(c, a, b) => self
                .expr(c)
                .saturating_add(self.expr(a))
                .saturating_add(self.expr(b)),
            ExprKind::SetLiteral(items) => items
                .iter()
                .fold(0u128, |sum, a| sum.saturating_add(self.expr(a))),
            ExprKind::Comprehension(binders, body)
            | ExprKind::Quantified(_, binders, body)
            | ExprKind::Sum(binders, body) => {
                let (instances, domains) = self.instances(binders);
                instances
                    .saturating_mul(self.expr(body).saturating_add(1))
                    .saturating_add(domains)
            }
        };
        own.saturating_add(children)
    }

    /// Terms an operand read now and in the next state builds: a monitor
    /// (a past-time operand) is built once and read twice.
    fn twice(&self, expr: &Expr) -> u128 {
        let once = self.expr(expr);
        let again = match &expr.kind {
            ExprKind::Unary(UnaryOp::Once | UnaryOp::Previously | UnaryOp::Historically, _)
            | ExprKind::Binary(BinaryOp::Since, ..)
            | ExprKind::Happened(..) => 2,
            _ => once,
        };
        once.saturating_add(again)
    }

    fn define(&self, id: DefineId) -> u128 {
        if let Some(cost) = self.defines.borrow().get(&id) {
            return *cost;
        }
        let cost = self.expr(&self.charter.define(id).body);
        self.defines.borrow_mut().insert(id, cost);
        cost
    }

    /// Points of a function over these argument types (1 for a value).
    fn cells(&self, args: &[Type]) -> u128 {
        args.iter()
            .fold(1u128, |n, ty| n.saturating_mul(self.values(ty)))
    }

    /// The leaves of a parameter: of its value, at each point of a
    /// function's domain.
    fn local_leaves(&self, local: LocalId) -> u128 {
        let local = self.charter.local(local);
        self.cells(&local.args)
            .saturating_mul(self.leaves(&local.ty))
    }

    /// Solver atoms that hold one value of the type.
    fn leaves(&self, ty: &Type) -> u128 {
        match ty {
            Type::Bool | Type::Int(_) => 1,
            Type::Sort(id) => self.sizes[id.0],
            Type::Option(inner) => self.leaves(inner).saturating_add(1),
            Type::Set(inner) => self.values(inner),
        }
    }

    /// Distinct values of the type.
    fn values(&self, ty: &Type) -> u128 {
        match ty {
            Type::Bool => 2,
            Type::Int(range) => (range.high as i128 - range.low as i128 + 1).max(0) as u128,
            Type::Sort(id) => self.sizes[id.0],
            Type::Option(inner) => self.values(inner).saturating_add(1),
            Type::Set(inner) => {
                let n = self.values(inner);
                if n >= 127 {
                    u128::MAX
                } else {
                    1u128 << n
                }
            }
        }
    }
}

fn element(ty: &Type) -> Type {
    match ty {
        Type::Set(inner) => (**inner).clone(),
        other => other.clone(),
    }
}

/// The index of the formula a `check` or `prove` is about.
fn about(kind: &CommandKind) -> Option<usize> {
    match kind {
        CommandKind::Check(id) | CommandKind::Prove(id) => Some(id.0),
        CommandKind::Scenario { .. } => None,
    }
}

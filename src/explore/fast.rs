//! The direct successor of a node computed on words ([`compile`]) instead
//! of [`crate::eval`]'s values: a node's bytes are read into one word per
//! cell, an event's guards and applicable effects (compiled where every
//! one of them compiles, and where no rule of the event reads the next
//! state) give the candidate's words, and these are packed into exactly
//! the bytes [`super::pack::Shape::pack`] gives the state
//! `direct_successor` computes. So a candidate the search has seen
//! (most are) is passed over without a value built; a new one is unpacked
//! and checked by [`crate::eval::Model::check_step`] as before, and any
//! occurrence of an event that does not compile, or whose words leave
//! their types or i64, is left to the interpreter whole. Only for nodes
//! that are their state alone (the goal reads no past).

use super::compile::{full, set_size, At, Compiler, Ex, Place, Point, SetEx};
use super::domains::Occurrences;
use super::rules::{any_node, guards_read_state_only, reads_next};
use crate::eval::{Model, Value};
use crate::hir::*;

/// How a cell is held as a word, and packed.
#[derive(Clone, Copy)]
enum Kind {
    /// 0 or 1, one byte.
    Bool,
    /// Its position in its type's domain, a varint.
    Scalar(Place),
    /// A mask over `size` elements, `size.div_ceil(8)` bytes.
    Set(u64),
}

/// An event compiled: its guards, and its applicable rules in the order
/// [`Model::applicable_effects`] lists their effects.
struct Program {
    params: Vec<usize>,
    guards: Vec<Ex>,
    rules: Vec<Rule>,
    /// Whether a direct successor computed here is lawful (see
    /// [`lawful`]): then [`Model::check_step`] is not asked.
    sure: bool,
}

struct Rule {
    /// Locals bound to the occurrence's arguments (by position).
    binds: Vec<(usize, usize)>,
    when: Option<Ex>,
    block: Block,
}

struct Block {
    exceptions: Vec<(Ex, Block)>,
    /// The constant or variable assigned, the cell, how, and the value.
    effects: Vec<(usize, Point, AssignOp, Val)>,
}

enum Val {
    Scalar(Ex),
    Set(SetEx),
}

/// What compiled guards and effects say of an occurrence in a node.
pub enum Outcome {
    /// A guard is false: no successor.
    Disabled,
    /// The direct successor's words are in the buffer given.
    Candidate,
    /// The interpreter must answer.
    Interpret,
}

/// What the goal and the antecedent say of a candidate, where both
/// compiled ([`Fast::judge`]).
pub struct Judged {
    pub holds: bool,
    pub antecedent: bool,
}

/// The compiled events of a search, and the occurrences' arguments as
/// words.
pub struct Fast {
    kinds: Vec<Kind>,
    programs: Vec<Option<Program>>,
    /// Per occurrence, its event and where its arguments start in `args`.
    occurrences: Vec<(u32, u32)>,
    args: Vec<i128>,
    locals: usize,
    /// The goal, and the antecedent if there is one, read as a property.
    goal: Option<Ex>,
    antecedent: Option<Option<Ex>>,
}

/// Most occurrences whose arguments are kept as words.
const MAX_OCCURRENCES: usize = 1 << 16;

impl Fast {
    /// `None` where nothing compiles: a cell that is not a word, a
    /// calendar, too many occurrences.
    pub fn new(
        model: &Model,
        occurrences: &Occurrences,
        goal: &Expr,
        antecedent: Option<&Expr>,
    ) -> Option<Fast> {
        let charter = model.charter;
        if charter.calendar.is_some() || occurrences.len() > MAX_OCCURRENCES {
            return None;
        }
        let mut kinds = Vec::new();
        for decl in &charter.states {
            let kind = match &decl.ty {
                Type::Bool => Kind::Bool,
                Type::Set(_) => Kind::Set(set_size(model, &decl.ty)?),
                ty => Kind::Scalar(Place::of(model, ty)?),
            };
            let cells = usize::try_from(model.cell_count(&decl.args)).ok()?;
            kinds.extend(std::iter::repeat_n(kind, cells));
        }
        let settled = lawful(model);
        let programs: Vec<Option<Program>> = (0..charter.events.len())
            .map(|e| program(model, EventId(e), settled))
            .collect();
        if programs.iter().all(Option::is_none) {
            return None;
        }
        let mut table = Vec::with_capacity(occurrences.len());
        let mut args = Vec::new();
        for n in 0..occurrences.len() {
            let occurrence = occurrences.get(n);
            let start = u32::try_from(args.len()).ok()?;
            if programs[occurrence.event.0].is_some() {
                for value in &occurrence.args {
                    args.push(match value {
                        Value::Bool(b) => i128::from(*b),
                        Value::Int(i) => i128::from(*i),
                        Value::Elem(e) => *e as i128,
                        _ => return None,
                    });
                }
            }
            table.push((occurrence.event.0 as u32, start));
        }
        let mut c = Compiler::new(model);
        c.strict = true;
        let goal_ex = c.scalar(goal);
        let antecedent = match antecedent {
            Some(a) => c.scalar(a).map(Some),
            None => Some(None),
        };
        Some(Fast {
            kinds,
            programs,
            occurrences: table,
            args,
            locals: charter.locals.len(),
            goal: goal_ex,
            antecedent,
        })
    }

    /// Whether the direct successor of occurrence `number` (where
    /// [`Fast::step`] gave one) is lawful without a check.
    pub fn sure(&self, number: usize) -> bool {
        let (event, _) = self.occurrences[number];
        self.programs[event as usize]
            .as_ref()
            .is_some_and(|p| p.sure)
    }

    /// The goal and antecedent in the state `cells`, where they compiled
    /// and no integer left i64: what [`Model::eval_monitored`] says of
    /// them for a node without past.
    pub fn judge(&self, cells: &[u64], locals: &mut [i128]) -> Option<Judged> {
        let (goal, antecedent) = (self.goal.as_ref()?, self.antecedent.as_ref()?);
        let mut at = At { cells, locals };
        let holds = goal.eval(&mut at).ok()? != 0;
        let antecedent = match antecedent {
            Some(a) => a.eval(&mut at).ok()? != 0,
            None => false,
        };
        Some(Judged { holds, antecedent })
    }

    /// A buffer for the locals of [`Fast::step`].
    pub fn locals(&self) -> Vec<i128> {
        vec![0; self.locals]
    }

    /// Reads a node's bytes into words; false where they are not those of
    /// a state alone (monitors, a step) or do not decode.
    pub fn decode(&self, bytes: &[u8], cells: &mut Vec<u64>) -> bool {
        cells.clear();
        let mut at = 0;
        for kind in &self.kinds {
            let word = match *kind {
                Kind::Bool => match bytes.get(at) {
                    Some(b @ (0 | 1)) => {
                        at += 1;
                        u64::from(*b)
                    }
                    _ => return false,
                },
                Kind::Scalar(place) => {
                    let mut n = 0u64;
                    let mut shift = 0;
                    loop {
                        let Some(b) = bytes.get(at) else { return false };
                        at += 1;
                        if shift >= 64 {
                            return false;
                        }
                        n |= u64::from(b & 0x7f) << shift;
                        shift += 7;
                        if b & 0x80 == 0 {
                            break;
                        }
                    }
                    if n >= place.size {
                        return false;
                    }
                    n
                }
                Kind::Set(size) => {
                    let width = size.div_ceil(8) as usize;
                    let Some(slice) = bytes.get(at..at + width) else {
                        return false;
                    };
                    at += width;
                    let mut word = [0u8; 8];
                    word[..width].copy_from_slice(slice);
                    let mask = u64::from_le_bytes(word);
                    if mask & !full(size) != 0 {
                        return false;
                    }
                    mask
                }
            };
            cells.push(word);
        }
        bytes.get(at..) == Some(&[0, 0])
    }

    /// The bytes of the node of a state held as words (no monitors, no
    /// step): what [`super::pack::Shape::pack`] gives for it.
    pub fn encode(&self, cells: &[u64], out: &mut Vec<u8>) {
        out.clear();
        for (kind, &word) in self.kinds.iter().zip(cells) {
            match kind {
                Kind::Bool => out.push(word as u8),
                Kind::Scalar(_) => {
                    let mut n = word;
                    while n >= 0x80 {
                        out.push((n as u8) | 0x80);
                        n >>= 7;
                    }
                    out.push(n as u8);
                }
                Kind::Set(size) => {
                    out.extend_from_slice(&word.to_le_bytes()[..size.div_ceil(8) as usize]);
                }
            }
        }
        out.extend_from_slice(&[0, 0]);
    }

    /// Occurrence `number` in the state `cells`: disabled, or its direct
    /// successor in `next`, or left to the interpreter.
    pub fn step(
        &self,
        number: usize,
        cells: &[u64],
        next: &mut Vec<u64>,
        locals: &mut [i128],
    ) -> Outcome {
        let (event, start) = self.occurrences[number];
        let Some(program) = &self.programs[event as usize] else {
            return Outcome::Interpret;
        };
        let args = &self.args[start as usize..start as usize + program.params.len()];
        match self.run(program, args, cells, next, locals) {
            Ok(outcome) => outcome,
            Err(()) => Outcome::Interpret,
        }
    }

    fn run(
        &self,
        program: &Program,
        args: &[i128],
        cells: &[u64],
        next: &mut Vec<u64>,
        locals: &mut [i128],
    ) -> Result<Outcome, ()> {
        let mut at = At { cells, locals };
        for (param, value) in program.params.iter().zip(args) {
            at.locals[*param] = *value;
        }
        for guard in &program.guards {
            if guard.eval(&mut at)? == 0 {
                return Ok(Outcome::Disabled);
            }
        }
        next.clear();
        next.extend_from_slice(cells);
        for rule in &program.rules {
            for (local, position) in &rule.binds {
                at.locals[*local] = args[*position];
            }
            if let Some(when) = &rule.when {
                if when.eval(&mut at)? == 0 {
                    continue;
                }
            }
            self.apply(&rule.block, &mut at, next)?;
        }
        Ok(Outcome::Candidate)
    }

    /// The effects of an active block (the last exception that holds, or
    /// its own), applied in turn to `next`.
    fn apply(&self, block: &Block, at: &mut At, next: &mut [u64]) -> Result<(), ()> {
        let mut winner = None;
        for (condition, inner) in &block.exceptions {
            if condition.eval(at)? != 0 {
                winner = Some(inner);
            }
        }
        if let Some(inner) = winner {
            return self.apply(inner, at, next);
        }
        for (_, target, op, value) in &block.effects {
            let Some(cell) = target.cell(at)? else {
                continue;
            };
            let word = match (value, self.kinds[cell]) {
                (Val::Scalar(e), Kind::Bool) => match e.eval(at)? {
                    v @ (0 | 1) => v as u64,
                    _ => return Err(()),
                },
                (Val::Scalar(e), Kind::Scalar(place)) => place.position(e.eval(at)?).ok_or(())?,
                (Val::Set(e), Kind::Set(size)) => {
                    let mask = e.eval(at)?;
                    if mask & !full(size) != 0 {
                        return Err(());
                    }
                    match op {
                        AssignOp::Set => mask,
                        AssignOp::Add => next[cell] | mask,
                        AssignOp::Remove => next[cell] & !mask,
                    }
                }
                _ => return Err(()),
            };
            next[cell] = word;
        }
        Ok(())
    }
}

/// An event compiled, if its guards read the state alone, no rule for it
/// reads the next state, its parameters are plain and every guard, rule
/// and effect compiles.
fn program(model: &Model, event: EventId, settled: bool) -> Option<Program> {
    let charter = model.charter;
    if reads_next(model, event) || !guards_read_state_only(charter, event) {
        return None;
    }
    let decl = &charter.events[event.0];
    for p in &decl.params {
        let local = charter.local(*p);
        if !local.args.is_empty() {
            return None;
        }
        Place::of(model, &local.ty)?;
    }
    let mut c = Compiler::new(model);
    for p in &decl.params {
        c.bound[p.0] = true;
    }
    let guards = decl
        .requires
        .iter()
        .map(|g| c.scalar(&g.body))
        .collect::<Option<Vec<_>>>()?;
    // Clauses with more clauses above them first; stable.
    let mut clauses: Vec<usize> = (0..charter.clauses.len()).collect();
    clauses.sort_by_key(|&i| std::cmp::Reverse(model.overridden_by(ClauseId(i))));
    let mut rules = Vec::new();
    for index in clauses {
        for rule in &charter.clauses[index].rules {
            let RuleKind::On {
                events,
                bindings,
                when,
                block,
            } = &rule.kind
            else {
                continue;
            };
            if !events.contains(event) {
                continue;
            }
            let mut c = Compiler::new(model);
            let mut binds = Vec::new();
            if let EventSet::One(_) = events {
                for (position, local) in bindings.iter().enumerate() {
                    if let Some(local) = local {
                        if position < decl.params.len() {
                            c.bound[local.0] = true;
                            binds.push((local.0, position));
                        }
                    }
                }
            }
            let when = match when {
                Some(w) => Some(c.scalar(w)?),
                None => None,
            };
            rules.push(Rule {
                binds,
                when,
                block: compile_block(&mut c, block)?,
            });
        }
    }
    // Lawful where nothing else is checked and no two effects (in any
    // block) assign the same constant or variable, none a constant: then
    // each effect's equation holds of the direct successor and inertia
    // of every other location.
    let mut targets = Vec::new();
    for rule in &rules {
        block_targets(&rule.block, &mut targets);
    }
    let count = targets.len();
    targets.sort_unstable();
    targets.dedup();
    let sure = settled
        && targets.len() == count
        && targets
            .iter()
            .all(|t| charter.states[*t].kind != StateKind::Const);
    Some(Program {
        params: decl.params.iter().map(|p| p.0).collect(),
        guards,
        rules,
        sure,
    })
}

/// The constants and variables a block's effects (and its exceptions')
/// assign, once per effect.
fn block_targets(block: &Block, out: &mut Vec<usize>) {
    out.extend(block.effects.iter().map(|(target, ..)| *target));
    for (_, inner) in &block.exceptions {
        block_targets(inner, out);
    }
}

/// Whether a step's check ([`Model::check_step`]) asks nothing of the
/// state after but its shape, the guards and the effects: no transition
/// constraint, and axioms, state constraints and constants' values that
/// read constants alone (so they hold after as they held before).
fn lawful(model: &Model) -> bool {
    let charter = model.charter;
    let constant = |expr: &Expr| {
        !any_node(charter, expr, &mut |e| match &e.kind {
            ExprKind::State { id, .. } => charter.state(*id).kind != StateKind::Const,
            ExprKind::Happened(..)
            | ExprKind::EventArg(..)
            | ExprKind::Unary(UnaryOp::Once | UnaryOp::Historically | UnaryOp::Previously, _)
            | ExprKind::Binary(BinaryOp::Since, _, _) => true,
            _ => false,
        })
    };
    let formulas = charter
        .formulas
        .iter()
        .all(|f| f.kind != FormulaKind::Axiom || constant(&f.body));
    let rules = charter
        .clauses
        .iter()
        .flat_map(|c| &c.rules)
        .all(|r| match &r.kind {
            RuleKind::StateConstraint(body) => constant(body),
            RuleKind::TransitionConstraint(_) => false,
            RuleKind::On { .. } => true,
        });
    let values = charter
        .states
        .iter()
        .all(|d| d.kind != StateKind::Const || d.value.as_ref().is_none_or(constant));
    formulas && rules && values
}

fn compile_block(c: &mut Compiler, block: &EffectBlock) -> Option<Block> {
    let exceptions = block
        .exceptions
        .iter()
        .map(|x| Some((c.scalar(&x.condition)?, compile_block(c, &x.block)?)))
        .collect::<Option<Vec<_>>>()?;
    let mut effects = Vec::new();
    for effect in &block.effects {
        if effect.forall.is_some() {
            return None;
        }
        let target = c.point(effect.target, &effect.args)?;
        let ty = &c.model.charter.state(effect.target).ty;
        let value = match (ty, effect.op) {
            (Type::Set(_), _) => Val::Set(c.set(&effect.value)?),
            (_, AssignOp::Set) => Val::Scalar(c.scalar(&effect.value)?),
            _ => return None,
        };
        effects.push((effect.target.0, target, effect.op, value));
    }
    Some(Block {
        exceptions,
        effects,
    })
}

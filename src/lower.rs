//! [`hir::Charter`] and one command to [`ir::System`]: the finite transition
//! system the command is about, for the command's scopes.
//!
//! The semantics live here (see docs/language.md): one event per step; the
//! effects of applicable clauses are equations on the next state, all of
//! which must hold; an `unless` replaces its parent's effects where its
//! condition holds, the last applicable sibling winning; where a clause that
//! overrides another (transitively) assigns a location in a step, the other
//! clause's effects on that location do not hold; a location that no
//! applicable effect assigns keeps its value; axioms and state constraints
//! hold in every state; past-time operators become monitor atoms updated at
//! every step.
//!
//! Values are encoded as [`Val`]s over ir terms: one-hot vectors for enum
//! and sort values, membership vectors for sets, a flag and a value for
//! options. Quantifiers expand over their (finite, scoped) domains.

use std::collections::HashMap;

use crate::hir::{self, *};
use crate::ir::*;
use crate::span::Span;

/// A value in the encoding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Val {
    Bool(TermId),
    Int(TermId),
    /// An enum or sort value: position `i` holds when the value is element `i`.
    Elem(Vec<TermId>),
    /// Whether there is a value, and the value (canonical when absent).
    Opt(TermId, Box<Val>),
    /// Membership of each element of the element type.
    Set(Vec<TermId>),
}

/// Where each part of the spec's state lives in the system: what trace
/// decoding needs to turn atom values back into the user's values.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Per state: the argument tuples (element indices) of its cells, in
    /// order, and each cell's value (over current-state atoms).
    pub cells: Vec<Vec<(Vec<usize>, Val)>>,
    /// Per event: its selector input.
    pub selectors: Vec<TermId>,
    /// Per event: its parameters' values (over inputs).
    pub params: Vec<Vec<Val>>,
    /// Per effect record of the system (in the same order): the index of
    /// the cell of its state that it assigns, so that a trace attributes a
    /// change of one point of a function to the effects on that point.
    pub effect_cells: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct Lowered {
    pub system: System,
    pub layout: Layout,
}

/// The scope each sort has in a command: enums their number of values,
/// abstract sorts the command's scope or the default.
pub fn sort_sizes(charter: &hir::Charter, command: &Command) -> Vec<usize> {
    charter
        .sorts
        .iter()
        .enumerate()
        .map(|(index, sort)| match &sort.kind {
            SortKind::Enum(values) => values.len(),
            SortKind::Abstract => command
                .scopes
                .iter()
                .find(|(id, _)| id.0 == index)
                .map_or(sort.default_scope(), |(_, size)| *size)
                as usize,
        })
        .collect()
}

/// Lowers the spec for one command.
pub fn lower(charter: &hir::Charter, command: &Command) -> Lowered {
    let mut lowerer = Lowerer::start(charter, command);
    let (lemmas, goal) = lowerer.goals(command);
    lowerer.finish(lemmas, goal)
}

/// What [`crate::solve::minimise`] minimises in a history of this command
/// (see [`Objectives`]), built over the lowering's terms from its layout.
pub fn objectives(charter: &hir::Charter, command: &Command, lowered: &mut Lowered) -> Objectives {
    let terms = &mut lowered.system.terms;
    let layout = &lowered.layout;
    let sizes = sort_sizes(charter, command);
    let mut objectives = Objectives::default();
    for (index, decl) in charter.states.iter().enumerate() {
        // The sets the spec leaves open at the start: those with a value
        // written are what it says (`init` and axioms may still fix them).
        for (_, cell) in &layout.cells[index] {
            if let (Val::Set(bits), None) = (cell, &decl.value) {
                objectives.initial_members.extend(bits.iter().copied());
            }
        }
        if decl.kind == StateKind::Const {
            continue;
        }
        for (_, cell) in &layout.cells[index] {
            let next = map_leaves(cell, &mut |t| retimed(terms, t));
            match (cell, &next) {
                (Val::Set(bits), Val::Set(next_bits)) => {
                    for (now, next) in bits.iter().zip(next_bits) {
                        let same = terms.iff(*now, *next);
                        objectives.changes.push(terms.not(same));
                    }
                }
                _ => {
                    // Values are canonical (an absent option's value
                    // too), so leaf by leaf is equality.
                    let same: Vec<TermId> = leaves(cell)
                        .into_iter()
                        .zip(leaves(&next))
                        .map(|(now, next)| {
                            if terms.is_bool(now) {
                                terms.iff(now, next)
                            } else {
                                terms.int_eq(now, next)
                            }
                        })
                        .collect();
                    let same = terms.and(same);
                    objectives.changes.push(terms.not(same));
                }
            }
            for leaf in leaves(cell) {
                if matches!(terms.get(leaf), Term::State(_, Time::Now)) && !terms.is_bool(leaf) {
                    objectives.integers.push(leaf);
                }
            }
        }
    }
    let mut elements: Vec<Vec<Vec<TermId>>> = charter
        .sorts
        .iter()
        .zip(&sizes)
        .map(|(sort, size)| match sort.kind {
            SortKind::Abstract => vec![Vec::new(); *size],
            SortKind::Enum(_) => Vec::new(),
        })
        .collect();
    for (event, decl) in charter.events.iter().enumerate() {
        let selector = layout.selectors[event];
        for (local, val) in decl.params.iter().zip(&layout.params[event]) {
            let (val, ty, present) = match (val, &charter.local(*local).ty) {
                (Val::Opt(flag, inner), Type::Option(ty)) => {
                    (inner.as_ref(), ty.as_ref(), terms.and2(selector, *flag))
                }
                (val, ty) => (val, ty, selector),
            };
            match (val, ty) {
                (Val::Int(value), Type::Int(range)) => {
                    objectives.arguments.push((present, *value, range.low));
                }
                (Val::Set(bits), Type::Set(element)) => {
                    for (position, bit) in bits.iter().enumerate() {
                        let member = terms.and2(present, *bit);
                        objectives.members.push(member);
                        if let Type::Sort(sort) = element.as_ref() {
                            if let Some(uses) = elements[sort.0].get_mut(position) {
                                uses.push(member);
                            }
                        }
                    }
                }
                (Val::Elem(bits), Type::Sort(sort)) => {
                    for (position, bit) in bits.iter().enumerate() {
                        if let Some(uses) = elements[sort.0].get_mut(position) {
                            let named = terms.and2(present, *bit);
                            uses.push(named);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    objectives.elements = elements
        .into_iter()
        .filter(|sort| !sort.is_empty())
        .map(|sort| sort.into_iter().map(|uses| terms.or(uses)).collect())
        .collect();
    objectives
}

/// A current-state leaf read in the next state (other leaves as they are).
fn retimed(terms: &mut Terms, leaf: TermId) -> TermId {
    match terms.get(leaf).clone() {
        Term::State(atom, Time::Now) => {
            let kind = if terms.is_bool(leaf) {
                Kind::Bool
            } else {
                Kind::Int { low: 0, high: 0 }
            };
            terms.state(atom, Time::Next, kind)
        }
        _ => leaf,
    }
}

/// How a rule, an exception or a default applies, for `charter lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplicationKind {
    /// An `on` rule: its event happens (and its `when` holds).
    Rule,
    /// An `unless` exception: it replaces its parent's effects.
    Exception,
    /// The effects of a block that has exceptions, where none of them fires.
    Default,
}

/// Where a rule, exception or default applies: a term over one step (the
/// current state and the step's event). Exceptions and defaults also give
/// where their parent applies.
#[derive(Clone, Debug)]
pub struct Application {
    pub clause: ClauseId,
    pub kind: ApplicationKind,
    pub span: Span,
    pub applies: TermId,
    pub parent: Option<TermId>,
}

/// What `charter lint` asks about a system beyond what verification needs.
#[derive(Clone, Debug)]
pub struct LintTerms {
    pub applications: Vec<Application>,
    /// The antecedents of the assertions written `A implies B`.
    pub antecedents: Vec<(FormulaId, TermId)>,
    /// Per atom, the term (over the current state and the step's event)
    /// reading it and the value the applicable effects give it next. Every
    /// location is either assigned by an applicable effect or kept, so this
    /// is the only candidate next state: an event is possible iff
    /// `successor_ok` holds.
    pub atom_terms: Vec<TermId>,
    pub input_terms: Vec<TermId>,
    /// Per transition constraint and invariant (by origin, guards and input
    /// domains excluded): the constraint evaluated on the candidate next
    /// state.
    pub successor_checks: Vec<(Constraint, TermId)>,
    /// Per atom, its value in the candidate next state (over the current
    /// state and the step's event; `atom_terms` where nothing assigns it).
    pub successors: Vec<TermId>,
    /// Per obligation (as `charter.duties`) and point of its monitor: what
    /// the joint obligation check asks about.
    pub duty_points: Vec<DutyPoint>,
    /// With a calendar: `now`, and per event its selector and its `date`.
    pub dates: Option<Dates>,
}

/// One point of an obligation's monitor (one choice of the arguments owed).
#[derive(Clone, Debug)]
pub struct DutyPoint {
    /// Its index in `charter.duties`.
    pub duty: usize,
    /// The arguments owed (element indices), as in `Layout::cells`.
    pub args: Vec<usize>,
    /// Over one state: a duty is owed and its date is not past (`now` is
    /// on or before it) but before the calendar's last day (a date on or
    /// after it never passes: nothing owed then can be broken).
    pub pending: TermId,
    /// Over one step: the step fulfils it on time (the obligation's
    /// on-time rule assigns this point).
    pub fulfilled: TermId,
    /// Over one step: the date of a step of the event owed.
    pub day: TermId,
    /// Over one state: the date it is due.
    pub date: TermId,
}

/// The terms of the calendar: `now` (over one state) and, per event, its
/// selector and its `date` parameter (over a step's inputs).
#[derive(Clone, Debug)]
pub struct Dates {
    pub now: TermId,
    pub events: Vec<(TermId, TermId)>,
}

/// Lowers the spec for `charter lint`: the system of `command` (whose goal
/// is ignored) with the assertions' antecedents, and what the coherence
/// queries need ([`LintTerms`]).
pub fn lower_lint(charter: &hir::Charter, command: &Command) -> (Lowered, LintTerms) {
    let mut lowerer = Lowerer::start(charter, command);
    let antecedents = charter
        .formulas
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == FormulaKind::Assert)
        .filter_map(|(index, f)| match &f.body.kind {
            ExprKind::Binary(BinaryOp::Implies, lhs, _) => {
                Some((FormulaId(index), lowerer.bool_expr(lhs, Time::Now)))
            }
            _ => None,
        })
        .collect();
    let (lemmas, goal) = lowerer.goals(command);
    let lint = lowerer.lint_terms(antecedents);
    (lowerer.finish(lemmas, goal), lint)
}

impl<'h> Lowerer<'h> {
    fn start(charter: &'h hir::Charter, command: &Command) -> Lowerer<'h> {
        let sizes = sort_sizes(charter, command);
        let mut lowerer = Lowerer {
            charter,
            sizes,
            terms: Terms::new(),
            atoms: Vec::new(),
            inputs: Vec::new(),
            cells: Vec::new(),
            selectors: Vec::new(),
            params: Vec::new(),
            env: vec![None; charter.locals.len()],
            monitors: HashMap::new(),
            init: Vec::new(),
            invariants: Vec::new(),
            trans: Vec::new(),
            effects: Vec::new(),
            effect_cells: Vec::new(),
            frame: HashMap::new(),
            applications: Vec::new(),
            assignments: HashMap::new(),
            opaque: std::collections::HashSet::new(),
            overriders: overriders(charter),
            writers: HashMap::new(),
            deferred_writes: Vec::new(),
            deferred_records: Vec::new(),
            distinguished: vec![std::collections::BTreeSet::new(); charter.sorts.len()],
        };
        lowerer.declare_state();
        lowerer.declare_events();
        lowerer.state_values();
        lowerer.formulas();
        lowerer.guards();
        lowerer.clauses();
        lowerer.overridden();
        lowerer.inertia();
        lowerer
    }

    fn goals(&mut self, command: &Command) -> (Vec<(FormulaId, TermId)>, Goal) {
        let charter = self.charter;
        let lemmas = charter
            .formulas
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == FormulaKind::Lemma)
            .map(|(index, f)| {
                let term = self.bool_expr(&f.body, Time::Now);
                (FormulaId(index), term)
            })
            .collect();
        let goal = self.goal(command);
        (lemmas, goal)
    }

    fn finish(self, lemmas: Vec<(FormulaId, TermId)>, goal: Goal) -> Lowered {
        let next = self.next_defs();
        let abstract_sorts = self
            .charter
            .sorts
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == SortKind::Abstract)
            .map(|(i, _)| SortId(i))
            .collect();
        Lowered {
            system: System {
                terms: self.terms,
                atoms: self.atoms,
                inputs: self.inputs,
                sort_sizes: self.sizes,
                abstract_sorts,
                distinguished: self
                    .distinguished
                    .into_iter()
                    .map(|elements| elements.into_iter().collect())
                    .collect(),
                init: self.init,
                invariants: self.invariants,
                trans: self.trans,
                effects: self.effects,
                next,
                lemmas,
                goal,
            },
            layout: Layout {
                cells: self.cells,
                selectors: self.selectors,
                params: self.params,
                effect_cells: self.effect_cells,
            },
        }
    }

    /// The candidate next state and the checks on it (see [`LintTerms`]).
    fn lint_terms(&mut self, antecedents: Vec<(FormulaId, TermId)>) -> LintTerms {
        let atom_terms: Vec<TermId> = (0..self.atoms.len())
            .map(|i| {
                let kind = self.atoms[i].kind;
                self.terms.state(AtomId(i as u32), Time::Now, kind)
            })
            .collect();
        let input_terms: Vec<TermId> = (0..self.inputs.len())
            .map(|i| {
                let kind = self.inputs[i].kind;
                self.terms.input(InputId(i as u32), kind)
            })
            .collect();
        // Each atom's next value, first applicable effect first; monitors'
        // updates read next-state atoms, which resolve to their own
        // candidates (inner monitors are created before outer ones).
        let mut successor: Vec<Option<TermId>> = vec![None; self.atoms.len()];
        for index in 0..self.atoms.len() {
            self.successor_of(AtomId(index as u32), &atom_terms, &mut successor);
        }
        let successor: Vec<TermId> = successor
            .iter()
            .zip(&atom_terms)
            .map(|(s, now)| s.unwrap_or(*now))
            .collect();
        let mut checks = Vec::new();
        let mut memo = HashMap::new();
        for constraint in self.trans.clone() {
            if is_pre_step(&constraint.origin, || self.mentions_next(constraint.term)) {
                continue;
            }
            let term = self.substitute(constraint.term, Time::Next, &successor, &mut memo);
            checks.push((constraint, term));
        }
        let mut memo = HashMap::new();
        for constraint in self.invariants.clone() {
            let term = self.substitute(constraint.term, Time::Now, &successor, &mut memo);
            checks.push((constraint, term));
        }
        let (duty_points, dates) = self.duty_terms();
        LintTerms {
            applications: std::mem::take(&mut self.applications),
            antecedents,
            atom_terms,
            input_terms,
            successor_checks: checks,
            successors: successor,
            duty_points,
            dates,
        }
    }

    /// The obligations' points and the calendar's terms (see [`LintTerms`]).
    fn duty_terms(&mut self) -> (Vec<DutyPoint>, Option<Dates>) {
        let charter = self.charter;
        let Some(calendar) = &charter.calendar else {
            return (Vec::new(), None);
        };
        let Some((_, Val::Int(now))) = self.cells[calendar.now.0].first().cloned() else {
            return (Vec::new(), None);
        };
        let events = self
            .selectors
            .iter()
            .zip(&self.params)
            .filter_map(|(selector, params)| match params.last() {
                Some(Val::Int(date)) => Some((*selector, *date)),
                _ => None,
            })
            .collect();
        let end = self.terms.int(calendar.range.high);
        let mut points = Vec::new();
        for (index, duty) in charter.duties.iter().enumerate() {
            let cells = self.cells[duty.due.0].clone();
            for (cell_index, (args, cell)) in cells.into_iter().enumerate() {
                let Val::Opt(owed, value) = cell else {
                    continue;
                };
                let Val::Int(value) = *value else { continue };
                let in_time = self.terms.le(now, value);
                let in_calendar = self.terms.lt(value, end);
                let pending = self.terms.and([owed, in_time, in_calendar]);
                let on_time: Vec<TermId> = self
                    .effects
                    .iter()
                    .zip(&self.effect_cells)
                    .filter(|(e, c)| {
                        e.state == duty.due && e.span == duty.on_time && **c == cell_index
                    })
                    .map(|(e, _)| e.applies)
                    .collect();
                let fulfilled = self.terms.or(on_time);
                let day = match self.params[duty.event.0].last() {
                    Some(Val::Int(day)) => *day,
                    _ => now,
                };
                points.push(DutyPoint {
                    duty: index,
                    args,
                    pending,
                    fulfilled,
                    day,
                    date: value,
                });
            }
        }
        (points, Some(Dates { now, events }))
    }

    fn successor_of(
        &mut self,
        atom: AtomId,
        now: &[TermId],
        done: &mut Vec<Option<TermId>>,
    ) -> TermId {
        if let Some(term) = done[atom.0 as usize] {
            return term;
        }
        // Guard against a cycle (none is expected): the current value.
        done[atom.0 as usize] = Some(now[atom.0 as usize]);
        let assigned = self.assignments.get(&atom).cloned().unwrap_or_default();
        let mut result = now[atom.0 as usize];
        for (condition, value) in assigned.into_iter().rev() {
            let mut memo = HashMap::new();
            let value = self.resolve_next(value, now, done, &mut memo);
            let condition = self.resolve_next(condition, now, done, &mut memo);
            result = self.terms.ite(condition, value, result);
        }
        done[atom.0 as usize] = Some(result);
        result
    }

    /// A term with its next-state atoms replaced by their candidates.
    fn resolve_next(
        &mut self,
        term: TermId,
        now: &[TermId],
        done: &mut Vec<Option<TermId>>,
        memo: &mut HashMap<TermId, TermId>,
    ) -> TermId {
        if !self.mentions_next(term) {
            return term;
        }
        if let Some(done_term) = memo.get(&term) {
            return *done_term;
        }
        let result = match self.terms.get(term).clone() {
            Term::State(atom, Time::Next) => self.successor_of(atom, now, done),
            node => {
                let children = node.children();
                let mapped: Vec<TermId> = children
                    .iter()
                    .map(|c| self.resolve_next(*c, now, done, memo))
                    .collect();
                rebuild(&mut self.terms, &node, &mapped)
            }
        };
        memo.insert(term, result);
        result
    }

    fn mentions_next(&self, term: TermId) -> bool {
        self.terms.mentions_next(term)
    }

    /// Replaces the atoms read at `time` by `successor`, once (not inside
    /// the replacements).
    fn substitute(
        &mut self,
        term: TermId,
        time: Time,
        successor: &[TermId],
        memo: &mut HashMap<TermId, TermId>,
    ) -> TermId {
        if let Some(done) = memo.get(&term) {
            return *done;
        }
        let result = match self.terms.get(term).clone() {
            Term::State(atom, at) if at == time => successor[atom.0 as usize],
            node => {
                let children = node.children();
                if children.is_empty() {
                    term
                } else {
                    let mapped: Vec<TermId> = children
                        .iter()
                        .map(|c| self.substitute(*c, time, successor, memo))
                        .collect();
                    rebuild(&mut self.terms, &node, &mapped)
                }
            }
        };
        memo.insert(term, result);
        result
    }

    /// Records that `next_leaf` (a next-state atom) takes `value` where
    /// `condition` holds, for the candidate next state of `charter lint`.
    fn record_assignment(&mut self, next_leaf: TermId, condition: TermId, value: TermId) {
        if let Term::State(atom, Time::Next) = self.terms.get(next_leaf) {
            let atom = *atom;
            self.assignments
                .entry(atom)
                .or_default()
                .push((condition, value));
        }
    }
}

/// Whether a transition constraint constrains only the step's event and
/// the state before it (guards, input domains): `charter lint` asserts
/// those before asking whether a next state exists.
pub fn is_pre_step(origin: &Origin, mentions_next: impl FnOnce() -> bool) -> bool {
    match origin {
        Origin::Guard { .. } => true,
        Origin::Domain => !mentions_next(),
        _ => false,
    }
}

/// A node of the same kind over new children, through the simplifying
/// constructors.
fn rebuild(terms: &mut Terms, node: &Term, c: &[TermId]) -> TermId {
    match node {
        Term::Bool(_) | Term::Int(_) | Term::State(..) | Term::Input(_) => {
            // Leaves have no children; callers never rebuild them.
            match node {
                Term::Bool(b) => terms.constant(*b),
                Term::Int(i) => terms.int(*i),
                _ => TRUE,
            }
        }
        Term::Not(_) => terms.not(c[0]),
        Term::Mul(k, _) => terms.mul(*k, c[0]),
        Term::And(_) => terms.and(c.to_vec()),
        Term::Or(_) => terms.or(c.to_vec()),
        Term::Add(_) => terms.add(c.to_vec()),
        Term::AtMost(_, k) => terms.at_most(c, *k),
        Term::AtLeast(_, k) => terms.at_least(c, *k),
        Term::Exactly(_, k) => terms.exactly(c, *k),
        Term::Implies(..) => terms.implies(c[0], c[1]),
        Term::Iff(..) => terms.iff(c[0], c[1]),
        Term::IntEq(..) => terms.int_eq(c[0], c[1]),
        Term::Le(..) => terms.le(c[0], c[1]),
        Term::Lt(..) => terms.lt(c[0], c[1]),
        Term::Sub(..) => terms.sub(c[0], c[1]),
        Term::Ite(..) => terms.ite(c[0], c[1], c[2]),
    }
}

/// A frame slot: one cell of a state, or one element of a set-valued cell.
type Slot = (StateId, usize, Option<usize>);

/// An effect's equation on one slot, of a clause that others override: it
/// holds where the effect assigns the slot and no overriding clause does,
/// which is known once every clause is lowered.
struct DeferredWrite {
    clause: ClauseId,
    slot: Slot,
    /// Where the effect assigns the slot.
    condition: TermId,
    /// What must hold of the next state there.
    consequence: TermId,
    /// The (next-state leaf, value) pairs for the candidate next state.
    leaves: Vec<(TermId, TermId)>,
    origin: Origin,
}

/// An effect record (one cell) of a clause that others override: it
/// applies where it assigns a slot that no overriding clause assigns (or,
/// assigning none, where its rule applies); its range check with it.
struct DeferredRecord {
    clause: ClauseId,
    record: usize,
    assigned: TermId,
    slots: Vec<(Slot, TermId)>,
    fits: TermId,
    origin: Origin,
}

struct Lowerer<'h> {
    charter: &'h hir::Charter,
    sizes: Vec<usize>,
    terms: Terms,
    atoms: Vec<AtomInfo>,
    inputs: Vec<InputInfo>,
    cells: Vec<Vec<(Vec<usize>, Val)>>,
    selectors: Vec<TermId>,
    params: Vec<Vec<Val>>,
    /// The value bound to each local, while it is in scope.
    env: Vec<Option<Val>>,
    /// Past-time monitors by what they watch.
    monitors: HashMap<MonitorKey, AtomId>,
    init: Vec<Constraint>,
    invariants: Vec<Constraint>,
    trans: Vec<Constraint>,
    effects: Vec<EffectRecord>,
    /// For each effect record, the cell it assigns (see [`Layout`]).
    effect_cells: Vec<usize>,
    /// For each frame slot, the conditions under which some effect assigns it.
    frame: HashMap<Slot, Vec<TermId>>,
    /// For `charter lint`: where each rule, exception and default applies.
    applications: Vec<Application>,
    /// For `charter lint`: per next-state atom, the (condition, value) pairs
    /// of the effects that assign it, in spec order.
    assignments: HashMap<AtomId, Vec<(TermId, TermId)>>,
    /// Atoms some effect assigns in a way not recorded leaf by leaf (see
    /// [`NextDef`]).
    opaque: std::collections::HashSet<AtomId>,
    /// Per clause, the clauses that override it, directly or through
    /// others (`overrides` is acyclic, so never itself).
    overriders: Vec<Vec<ClauseId>>,
    /// Per slot, each clause's conditions for assigning it (before any
    /// override): what decides whether an overridden effect holds.
    writers: HashMap<Slot, Vec<(ClauseId, TermId)>>,
    deferred_writes: Vec<DeferredWrite>,
    deferred_records: Vec<DeferredRecord>,
    /// Per sort, the named elements of an abstract sort that the lowered
    /// expressions mention (see [`System::distinguished`]).
    distinguished: Vec<std::collections::BTreeSet<usize>>,
}

/// Per clause, the clauses above it in the override order: those that
/// override it directly, and those that override them, and so on.
fn overriders(charter: &hir::Charter) -> Vec<Vec<ClauseId>> {
    let count = charter.clauses.len();
    let mut above: Vec<Vec<ClauseId>> = vec![Vec::new(); count];
    for (index, clause) in charter.clauses.iter().enumerate() {
        for below in &clause.overrides {
            above[below.0].push(ClauseId(index));
        }
    }
    (0..count)
        .map(|start| {
            let mut seen = vec![false; count];
            let mut stack = above[start].clone();
            let mut out = Vec::new();
            while let Some(clause) = stack.pop() {
                if clause.0 == start || std::mem::replace(&mut seen[clause.0], true) {
                    continue;
                }
                out.push(clause);
                stack.extend(above[clause.0].iter().copied());
            }
            out.sort();
            out
        })
        .collect()
}

/// Where a new leaf of a value is allocated.
#[derive(Clone, Copy)]
enum Leaf<'a> {
    State(&'a Owner),
    Input(&'a InputOwner),
}

impl Lowerer<'_> {
    // ------------------------------------------------------------ domains

    fn domain_size(&self, ty: &Type) -> usize {
        match ty {
            Type::Bool => 2,
            Type::Int(range) => (range.high - range.low + 1).max(0) as usize,
            Type::Sort(id) => self.sizes[id.0],
            Type::Option(_) | Type::Set(_) => 0,
        }
    }

    /// The abstract sort a domain's indices range over, for symmetry.
    fn symmetric_sort(&self, ty: &Type) -> Option<SortId> {
        match ty {
            Type::Sort(id) if self.charter.sort(*id).kind == SortKind::Abstract => Some(*id),
            _ => None,
        }
    }

    /// The `index`th value of a finite type.
    fn concrete(&mut self, ty: &Type, index: usize) -> Val {
        match ty {
            Type::Bool => Val::Bool(self.terms.constant(index == 1)),
            Type::Int(range) => Val::Int(self.terms.int(range.low + index as i64)),
            Type::Sort(id) => Val::Elem(
                (0..self.sizes[id.0])
                    .map(|i| self.terms.constant(i == index))
                    .collect(),
            ),
            Type::Option(_) | Type::Set(_) => self.default_value(ty),
        }
    }

    /// The first value of a type: false, the low end of a range, element
    /// 0, none, the empty set.
    fn first_value(&mut self, ty: &Type) -> Val {
        match ty {
            Type::Bool | Type::Int(_) | Type::Sort(_) => self.concrete(ty, 0),
            Type::Option(_) | Type::Set(_) => self.default_value(ty),
        }
    }

    /// The value an absent option holds: fixed, and the same under any
    /// permutation of an abstract sort (an element is no bit set).
    fn default_value(&mut self, ty: &Type) -> Val {
        match ty {
            Type::Bool => Val::Bool(FALSE),
            Type::Int(range) => Val::Int(self.terms.int(range.low)),
            Type::Sort(id) => Val::Elem(vec![FALSE; self.sizes[id.0]]),
            Type::Option(inner) => Val::Opt(FALSE, Box::new(self.default_value(inner))),
            Type::Set(element) => Val::Set(vec![FALSE; self.domain_size(element)]),
        }
    }

    /// For each index of a finite type, whether `val` is that value.
    fn index_of(&mut self, val: &Val, ty: &Type) -> Vec<TermId> {
        match (val, ty) {
            (Val::Elem(bits), _) => bits.clone(),
            (Val::Bool(b), _) => {
                let not_b = self.terms.not(*b);
                vec![not_b, *b]
            }
            (Val::Int(t), Type::Int(range)) => (range.low..=range.high)
                .map(|value| {
                    let value = self.terms.int(value);
                    self.terms.int_eq(*t, value)
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    // ------------------------------------------------------------ allocation

    /// Allocates fresh atoms (or inputs) for a value of type `ty`, adding
    /// its well-formedness to `domain` (as terms over `Now`).
    fn alloc(
        &mut self,
        ty: &Type,
        name: &str,
        leaf: Leaf,
        address: &mut Address,
        domain: &mut Vec<TermId>,
    ) -> Val {
        match ty {
            Type::Bool => Val::Bool(self.leaf(Kind::Bool, name, leaf, address)),
            Type::Int(range) => {
                let kind = Kind::Int {
                    low: range.low,
                    high: range.high,
                };
                let atom = self.leaf(kind, name, leaf, address);
                let low = self.terms.int(range.low);
                let high = self.terms.int(range.high);
                let above = self.terms.le(low, atom);
                let below = self.terms.le(atom, high);
                domain.push(above);
                domain.push(below);
                Val::Int(atom)
            }
            Type::Sort(id) => {
                let bits = self.alloc_bits(*id, name, leaf, address);
                let one = self.terms.exactly(&bits, 1);
                domain.push(one);
                Val::Elem(bits)
            }
            Type::Option(inner) if matches!(inner.as_ref(), Type::Sort(_)) => {
                // An optional element: at most one bit, none when absent.
                // (A fixed "default element" would break the symmetry of
                // abstract sorts.)
                let Type::Sort(id) = inner.as_ref() else {
                    return Val::Bool(FALSE);
                };
                address.address.push(0);
                address.sorts.push(None);
                let flag = self.leaf(Kind::Bool, &format!("{name}.some"), leaf, address);
                address.address.pop();
                address.sorts.pop();
                address.address.push(1);
                address.sorts.push(None);
                let bits = self.alloc_bits(*id, name, leaf, address);
                address.address.pop();
                address.sorts.pop();
                let at_most_one = self.terms.at_most(&bits, 1);
                domain.push(at_most_one);
                let any = self.terms.or(bits.clone());
                let flag_is_any = self.terms.iff(flag, any);
                domain.push(flag_is_any);
                Val::Opt(flag, Box::new(Val::Elem(bits)))
            }
            Type::Option(inner) => {
                address.address.push(0);
                address.sorts.push(None);
                let flag = self.leaf(Kind::Bool, &format!("{name}.some"), leaf, address);
                address.address.pop();
                address.sorts.pop();
                address.address.push(1);
                address.sorts.push(None);
                let value = self.alloc(inner, name, leaf, address, domain);
                address.address.pop();
                address.sorts.pop();
                // Absent options hold the default value, so that equal
                // options are equal atom for atom.
                let default = self.default_value(inner);
                let canonical = self.equal(&value, &default);
                let present_or_default = self.terms.or2(flag, canonical);
                domain.push(present_or_default);
                Val::Opt(flag, Box::new(value))
            }
            Type::Set(element) => {
                let sort = self.symmetric_sort(element);
                let size = self.domain_size(element);
                let names = self.value_names(element);
                Val::Set(
                    (0..size)
                        .map(|i| {
                            address.address.push(i as u32);
                            address.sorts.push(sort);
                            let bit = self.leaf(
                                Kind::Bool,
                                &format!("{name}[{}]", names[i]),
                                leaf,
                                address,
                            );
                            address.address.pop();
                            address.sorts.pop();
                            bit
                        })
                        .collect(),
                )
            }
        }
    }

    /// One Boolean per element of a sort, for a one-hot value.
    fn alloc_bits(
        &mut self,
        sort: SortId,
        name: &str,
        leaf: Leaf,
        address: &mut Address,
    ) -> Vec<TermId> {
        let symmetric = self.symmetric_sort(&Type::Sort(sort));
        let names = self.element_names(sort);
        let first_input = self.inputs.len();
        let bits = (0..self.sizes[sort.0])
            .map(|i| {
                address.address.push(i as u32);
                address.sorts.push(symmetric);
                let bit = self.leaf(Kind::Bool, &format!("{name}={}", names[i]), leaf, address);
                address.address.pop();
                address.sorts.pop();
                bit
            })
            .collect();
        for input in &mut self.inputs[first_input..] {
            input.exclusive = true;
        }
        bits
    }

    fn leaf(&mut self, kind: Kind, name: &str, leaf: Leaf, address: &Address) -> TermId {
        match leaf {
            Leaf::State(owner) => {
                let id = AtomId(self.atoms.len() as u32);
                self.atoms.push(AtomInfo {
                    name: name.to_string(),
                    kind,
                    owner: owner.clone(),
                    address: address.clone(),
                });
                self.terms.state(id, Time::Now, kind)
            }
            Leaf::Input(owner) => {
                let id = InputId(self.inputs.len() as u32);
                self.inputs.push(InputInfo {
                    name: name.to_string(),
                    kind,
                    owner: owner.clone(),
                    address: address.clone(),
                    exclusive: false,
                });
                self.terms.input(id, kind)
            }
        }
    }

    fn element_names(&self, sort: SortId) -> Vec<String> {
        let s = self.charter.sort(sort);
        match &s.kind {
            SortKind::Enum(values) => values.clone(),
            SortKind::Abstract => (0..self.sizes[sort.0]).map(|i| s.element_name(i)).collect(),
        }
    }

    fn value_names(&self, ty: &Type) -> Vec<String> {
        match ty {
            Type::Bool => vec!["false".into(), "true".into()],
            Type::Int(range) => (range.low..=range.high).map(|v| v.to_string()).collect(),
            Type::Sort(id) => self.element_names(*id),
            Type::Option(_) | Type::Set(_) => Vec::new(),
        }
    }

    /// All argument tuples of a function with these argument types, in
    /// row-major order.
    fn tuples(&self, args: &[Type]) -> Vec<Vec<usize>> {
        let mut tuples = vec![Vec::new()];
        for arg in args {
            let size = self.domain_size(arg);
            tuples = tuples
                .into_iter()
                .flat_map(|prefix| {
                    (0..size).map(move |i| {
                        let mut tuple = prefix.clone();
                        tuple.push(i);
                        tuple
                    })
                })
                .collect();
        }
        tuples
    }

    fn declare_state(&mut self) {
        for (index, state) in self.charter.states.iter().enumerate() {
            let owner = Owner::State(StateId(index));
            let mut cells = Vec::new();
            for tuple in self.tuples(&state.args) {
                let names: Vec<String> = tuple
                    .iter()
                    .zip(&state.args)
                    .map(|(i, ty)| self.value_names(ty)[*i].clone())
                    .collect();
                let name = if names.is_empty() {
                    state.name.clone()
                } else {
                    format!("{}({})", state.name, names.join(","))
                };
                let mut address = Address {
                    address: tuple.iter().map(|i| *i as u32).collect(),
                    sorts: state
                        .args
                        .iter()
                        .map(|ty| self.symmetric_sort(ty))
                        .collect(),
                };
                let mut domain = Vec::new();
                let val = self.alloc(
                    &state.ty,
                    &name,
                    Leaf::State(&owner),
                    &mut address,
                    &mut domain,
                );
                for term in domain {
                    self.invariants.push(Constraint {
                        term,
                        origin: Origin::Domain,
                    });
                }
                if state.kind == StateKind::Const {
                    let next = self.at(&val, Time::Next);
                    let term = self.equal(&next, &val);
                    self.trans.push(Constraint {
                        term,
                        origin: Origin::Rigid {
                            state: StateId(index),
                        },
                    });
                }
                cells.push((tuple, val));
            }
            self.cells.push(cells);
        }
    }

    fn declare_events(&mut self) {
        let mut selectors = Vec::new();
        for (index, event) in self.charter.events.iter().enumerate() {
            let id = EventId(index);
            let owner = InputOwner::Selector(id);
            let address = Address {
                address: Vec::new(),
                sorts: Vec::new(),
            };
            let selector = self.leaf(Kind::Bool, &event.name, Leaf::Input(&owner), &address);
            selectors.push(selector);
            let mut params = Vec::new();
            for (position, local) in event.params.iter().enumerate() {
                let local = self.charter.local(*local).clone();
                let owner = InputOwner::Param(id, position);
                let mut address = Address {
                    address: Vec::new(),
                    sorts: Vec::new(),
                };
                let mut domain = Vec::new();
                let name = format!("{}.{}", event.name, local.name);
                let val = self.alloc(
                    &local.ty,
                    &name,
                    Leaf::Input(&owner),
                    &mut address,
                    &mut domain,
                );
                for term in domain {
                    self.trans.push(Constraint {
                        term,
                        origin: Origin::Domain,
                    });
                }
                params.push(val);
            }
            self.params.push(params);
        }
        let one = self.terms.exactly(&selectors, 1);
        self.trans.push(Constraint {
            term: one,
            origin: Origin::Domain,
        });
        self.selectors = selectors;
    }

    /// Initial values of variables, values of constants.
    fn state_values(&mut self) {
        for (index, state) in self.charter.states.iter().enumerate() {
            let Some(value) = &state.value else { continue };
            let lowered = self.expr(value, Time::Now);
            let cell = self.cells[index][0].1.clone();
            let term = self.equal_typed(cell, &state.ty, lowered, &value.ty);
            // A monitor's initial `none` is part of what it means.
            let origin = if self.is_monitor(StateId(index)) {
                Origin::Monitor
            } else {
                Origin::Value {
                    state: StateId(index),
                    span: value.span,
                }
            };
            let constraint = Constraint { term, origin };
            match state.kind {
                StateKind::Var => self.init.push(constraint),
                StateKind::Const => self.invariants.push(constraint),
            }
        }
    }

    /// A state the checker declares as a monitor: an obligation's `due`,
    /// a `last E` (not the calendar's `now`).
    fn is_monitor(&self, state: StateId) -> bool {
        let charter = self.charter;
        charter.duties.iter().any(|d| d.due == state)
            || charter
                .calendar
                .as_ref()
                .is_some_and(|c| c.states.contains(&state) && c.now != state)
    }

    fn formulas(&mut self) {
        for (index, formula) in self.charter.formulas.iter().enumerate() {
            let origin = if self.charter.monitor_inits.contains(&FormulaId(index)) {
                Origin::Monitor
            } else {
                Origin::Formula {
                    formula: FormulaId(index),
                    span: formula.span,
                }
            };
            match formula.kind {
                FormulaKind::Axiom => {
                    let term = self.bool_expr(&formula.body, Time::Now);
                    self.invariants.push(Constraint { term, origin });
                }
                FormulaKind::Init => {
                    let term = self.bool_expr(&formula.body, Time::Now);
                    self.init.push(Constraint { term, origin });
                }
                FormulaKind::Lemma | FormulaKind::Assert => {}
            }
        }
    }

    fn bind_params(&mut self, event: EventId, locals: &[Option<LocalId>]) {
        for (position, local) in locals.iter().enumerate() {
            if let Some(local) = local {
                self.env[local.0] = Some(self.params[event.0][position].clone());
            }
        }
    }

    fn unbind(&mut self, locals: &[Option<LocalId>]) {
        for local in locals.iter().flatten() {
            self.env[local.0] = None;
        }
    }

    fn guards(&mut self) {
        for (index, event) in self.charter.events.iter().enumerate() {
            let locals: Vec<Option<LocalId>> = event.params.iter().map(|l| Some(*l)).collect();
            self.bind_params(EventId(index), &locals);
            for (position, guard) in event.requires.iter().enumerate() {
                let condition = self.bool_expr(guard, Time::Now);
                let term = self.terms.implies(self.selectors[index], condition);
                self.trans.push(Constraint {
                    term,
                    origin: Origin::Guard {
                        event: EventId(index),
                        index: position,
                        span: guard.span,
                    },
                });
            }
            self.unbind(&locals);
        }
    }

    fn clauses(&mut self) {
        for (index, clause) in self.charter.clauses.iter().enumerate() {
            let clause_id = ClauseId(index);
            for rule in &clause.rules {
                let origin = Origin::Clause {
                    clause: clause_id,
                    span: rule.span,
                };
                match &rule.kind {
                    RuleKind::StateConstraint(body) => {
                        let term = self.bool_expr(body, Time::Now);
                        self.invariants.push(Constraint { term, origin });
                    }
                    RuleKind::TransitionConstraint(body) => {
                        let term = self.bool_expr(body, Time::Now);
                        self.trans.push(Constraint { term, origin });
                    }
                    RuleKind::On {
                        events,
                        bindings,
                        when,
                        block,
                    } => {
                        let applies = match events {
                            EventSet::One(event) => {
                                self.bind_params(*event, bindings);
                                self.selectors[event.0]
                            }
                            EventSet::AllExcept(except) => {
                                let excluded: Vec<TermId> =
                                    except.iter().map(|e| self.selectors[e.0]).collect();
                                let any_excluded = self.terms.or(excluded);
                                self.terms.not(any_excluded)
                            }
                        };
                        let applies = match when {
                            Some(when) => {
                                let condition = self.bool_expr(when, Time::Now);
                                self.terms.and2(applies, condition)
                            }
                            None => applies,
                        };
                        self.applications.push(Application {
                            clause: clause_id,
                            kind: ApplicationKind::Rule,
                            span: rule.span,
                            applies,
                            parent: None,
                        });
                        self.block(block, applies, clause_id);
                        self.unbind(bindings);
                    }
                }
            }
        }
    }

    /// Effects of a block apply where `active` holds and no exception's
    /// condition does; exception `i` applies where its condition holds and
    /// no later sibling's does.
    fn block(&mut self, block: &EffectBlock, active: TermId, clause: ClauseId) {
        let conditions: Vec<TermId> = block
            .exceptions
            .iter()
            .map(|e| self.bool_expr(&e.condition, Time::Now))
            .collect();
        for (index, exception) in block.exceptions.iter().enumerate() {
            let later: Vec<TermId> = conditions[index + 1..].to_vec();
            let any_later = self.terms.or(later);
            let none_later = self.terms.not(any_later);
            let exception_active = self.terms.and([active, conditions[index], none_later]);
            self.applications.push(Application {
                clause,
                kind: ApplicationKind::Exception,
                span: exception.span,
                applies: exception_active,
                parent: Some(active),
            });
            self.block(&exception.block, exception_active, clause);
        }
        let any_exception = self.terms.or(conditions);
        let no_exception = self.terms.not(any_exception);
        let own_active = self.terms.and2(active, no_exception);
        if let (Some(first), Some(last), false) = (
            block.effects.first(),
            block.effects.last(),
            block.exceptions.is_empty(),
        ) {
            self.applications.push(Application {
                clause,
                kind: ApplicationKind::Default,
                span: Span::new(first.span.start, last.span.end),
                applies: own_active,
                parent: Some(active),
            });
        }
        for effect in &block.effects {
            self.effect(effect, own_active, clause);
        }
    }

    fn effect(&mut self, effect: &Effect, active: TermId, clause: ClauseId) {
        if active == FALSE {
            return;
        }
        let state = self.charter.state(effect.target).clone();
        let args: Vec<Vec<TermId>> = effect
            .args
            .iter()
            .zip(&state.args)
            .map(|(arg, ty)| {
                let value = self.expr(arg, Time::Now);
                self.index_of(&value, ty)
            })
            .collect();
        let value = self.expr(&effect.value, Time::Now);
        // A set of integers is laid out by its own range: re-lay the value
        // out in the target's, and require (for `=` and `+=`) that it has no
        // member the target cannot hold.
        let mut fits = match effect.op {
            AssignOp::Set | AssignOp::Add => self.fits(&value, &effect.value.ty, &state.ty),
            _ => TRUE,
        };
        // `s' += x` wraps the element `x` in a set of the target's type: an
        // `x` outside the target's range fits nowhere, and must not vanish.
        if let (
            AssignOp::Set | AssignOp::Add,
            ExprKind::SetLiteral(elements),
            Type::Set(element_type),
        ) = (effect.op, &effect.value.kind, &effect.value.ty)
        {
            for element in elements {
                if let (Type::Int(range), Type::Int(within)) = (&element.ty, element_type.as_ref())
                {
                    if range.low < within.low || range.high > within.high {
                        let lowered = self.expr(element, Time::Now);
                        let index = self.index_of(&lowered, element_type);
                        let somewhere = self.terms.or(index);
                        fits = self.terms.and2(fits, somewhere);
                    }
                }
            }
        }
        let value = self.fit(value, &effect.value.ty, &state.ty);
        let origin = Origin::Clause {
            clause,
            span: effect.span,
        };
        let cells = self.cells[effect.target.0].clone();
        for (cell_index, (tuple, cell)) in cells.iter().enumerate() {
            let matches: Vec<TermId> = tuple
                .iter()
                .zip(&args)
                .map(|(i, conditions)| conditions[*i])
                .collect();
            let matching = self.terms.and(matches);
            let assigned = self.terms.and2(active, matching);
            if assigned == FALSE {
                continue;
            }
            // One record per cell the effect may assign: it applies where
            // the effect does and its arguments name this cell.
            let record = self.effects.len();
            self.effects.push(EffectRecord {
                clause,
                state: effect.target,
                applies: assigned,
                span: effect.span,
            });
            self.effect_cells.push(cell_index);
            let overridden = !self.overriders[clause.0].is_empty();
            if fits != TRUE && !overridden {
                let term = self.terms.implies(assigned, fits);
                self.trans.push(Constraint {
                    term,
                    origin: origin.clone(),
                });
            }
            let mut slots = Vec::new();
            let next = self.at(cell, Time::Next);
            match (effect.op, &next, &value) {
                (AssignOp::Set, Val::Set(next_bits), Val::Set(bits)) => {
                    for (element, (next_bit, bit)) in next_bits.iter().zip(bits).enumerate() {
                        let equal = self.terms.iff(*next_bit, *bit);
                        let slot = (effect.target, cell_index, Some(element));
                        slots.push((slot, assigned));
                        let leaves = vec![(*next_bit, *bit)];
                        self.write(clause, slot, assigned, equal, leaves, &origin);
                    }
                }
                (AssignOp::Set, _, _) => {
                    self.mark_opaque(cell, &value);
                    let leaves: Vec<(TermId, TermId)> =
                        leaves(&next).into_iter().zip(leaves(&value)).collect();
                    let equal = self.equal(&next, &value);
                    let slot = (effect.target, cell_index, None);
                    slots.push((slot, assigned));
                    self.write(clause, slot, assigned, equal, leaves, &origin);
                }
                (op, Val::Set(next_bits), Val::Set(bits)) => {
                    for (element, (next_bit, bit)) in next_bits.iter().zip(bits).enumerate() {
                        let touched = self.terms.and2(assigned, *bit);
                        if touched == FALSE {
                            continue;
                        }
                        let added = op == AssignOp::Add;
                        let constant = self.terms.constant(added);
                        let result = match op {
                            AssignOp::Add => *next_bit,
                            _ => self.terms.not(*next_bit),
                        };
                        let slot = (effect.target, cell_index, Some(element));
                        slots.push((slot, touched));
                        let leaves = vec![(*next_bit, constant)];
                        self.write(clause, slot, touched, result, leaves, &origin);
                    }
                }
                _ => {}
            }
            if overridden {
                self.deferred_records.push(DeferredRecord {
                    clause,
                    record,
                    assigned,
                    slots,
                    fits,
                    origin: origin.clone(),
                });
            }
        }
    }

    /// An effect's equation on one slot: `consequence` holds where
    /// `condition` does. For a clause that others override, deferred until
    /// every clause is lowered (see [`Self::overridden`]).
    fn write(
        &mut self,
        clause: ClauseId,
        slot: Slot,
        condition: TermId,
        consequence: TermId,
        leaves: Vec<(TermId, TermId)>,
        origin: &Origin,
    ) {
        self.writers
            .entry(slot)
            .or_default()
            .push((clause, condition));
        if self.overriders[clause.0].is_empty() {
            for (next_leaf, value_leaf) in leaves {
                self.record_assignment(next_leaf, condition, value_leaf);
            }
            let term = self.terms.implies(condition, consequence);
            self.trans.push(Constraint {
                term,
                origin: origin.clone(),
            });
        } else {
            self.deferred_writes.push(DeferredWrite {
                clause,
                slot,
                condition,
                consequence,
                leaves,
                origin: origin.clone(),
            });
        }
        self.frame.entry(slot).or_default().push(condition);
    }

    /// Where some clause above `clause` in the override order assigns
    /// `slot` (before any override: priority is transitive, so the
    /// highest of them is in force and prevails).
    fn overridden_at(&mut self, clause: ClauseId, slot: &Slot) -> TermId {
        let above = &self.overriders[clause.0];
        let conditions: Vec<TermId> = self
            .writers
            .get(slot)
            .map(|writers| {
                writers
                    .iter()
                    .filter(|(writer, _)| above.contains(writer))
                    .map(|(_, condition)| *condition)
                    .collect()
            })
            .unwrap_or_default();
        self.terms.or(conditions)
    }

    /// The effects of overridden clauses, now that every clause's
    /// assignments are known: each equation holds where its slot is
    /// assigned by no clause above it; each record applies (and its range
    /// check holds) where one of its slots is, or where it has none.
    fn overridden(&mut self) {
        for write in std::mem::take(&mut self.deferred_writes) {
            let above = self.overridden_at(write.clause, &write.slot);
            let not_above = self.terms.not(above);
            let holds = self.terms.and2(write.condition, not_above);
            for (next_leaf, value_leaf) in write.leaves {
                self.record_assignment(next_leaf, holds, value_leaf);
            }
            let term = self.terms.implies(holds, write.consequence);
            self.trans.push(Constraint {
                term,
                origin: write.origin,
            });
        }
        for record in std::mem::take(&mut self.deferred_records) {
            let mut any_slot = Vec::new();
            let mut all_overridden = Vec::new();
            for (slot, condition) in &record.slots {
                let above = self.overridden_at(record.clause, slot);
                any_slot.push(*condition);
                all_overridden.push(self.terms.implies(*condition, above));
            }
            let any_slot = self.terms.or(any_slot);
            let all_overridden = self.terms.and(all_overridden);
            let displaced = self.terms.and2(any_slot, all_overridden);
            let not_displaced = self.terms.not(displaced);
            let applies = self.terms.and2(record.assigned, not_displaced);
            self.effects[record.record].applies = applies;
            if record.fits != TRUE {
                let term = self.terms.implies(applies, record.fits);
                self.trans.push(Constraint {
                    term,
                    origin: record.origin,
                });
            }
        }
    }

    /// Marks the leaves of a cell assigned as a whole where its value is an
    /// option: an option's inner value is left free when it is absent, so
    /// the assignment does not fix those leaves (see [`NextDef`]).
    fn mark_opaque(&mut self, cell: &Val, value: &Val) {
        if let (Val::Opt(..), Val::Opt(..)) = (cell, value) {
            map_leaves(cell, &mut |leaf| {
                if let Term::State(atom, Time::Now) = *self.terms.get(leaf) {
                    self.opaque.insert(atom);
                }
                leaf
            });
        }
    }

    /// The next-value definitions of the variables' atoms, in declaration
    /// order.
    fn next_defs(&self) -> Vec<NextDef> {
        let mut defs = Vec::new();
        for (index, state) in self.charter.states.iter().enumerate() {
            if state.kind == StateKind::Const {
                continue;
            }
            for (_, cell) in &self.cells[index] {
                map_leaves(cell, &mut |leaf| {
                    if let Term::State(atom, Time::Now) = *self.terms.get(leaf) {
                        if !self.opaque.contains(&atom) {
                            if let Some(cases) = self.assignments.get(&atom) {
                                defs.push(NextDef {
                                    atom,
                                    cases: cases.clone(),
                                });
                            }
                        }
                    }
                    leaf
                });
            }
        }
        defs
    }

    /// Every slot of every variable that no applicable effect assigns keeps
    /// its value.
    fn inertia(&mut self) {
        for (index, state) in self.charter.states.iter().enumerate() {
            if state.kind == StateKind::Const {
                continue;
            }
            let id = StateId(index);
            let cells = self.cells[index].clone();
            for (cell_index, (_, cell)) in cells.iter().enumerate() {
                let next = self.at(cell, Time::Next);
                let slots: Vec<(Option<usize>, TermId)> = match (cell, &next) {
                    (Val::Set(bits), Val::Set(next_bits)) => bits
                        .iter()
                        .zip(next_bits)
                        .enumerate()
                        .map(|(element, (now, next))| {
                            let same = self.terms.iff(*next, *now);
                            (Some(element), same)
                        })
                        .collect(),
                    _ => vec![(None, self.equal(&next, cell))],
                };
                for (element, same) in slots {
                    let assigned = self
                        .frame
                        .get(&(id, cell_index, element))
                        .cloned()
                        .unwrap_or_default();
                    let any = self.terms.or(assigned);
                    let term = self.terms.or2(any, same);
                    self.trans.push(Constraint {
                        term,
                        origin: Origin::Inertia { state: id },
                    });
                }
            }
        }
    }

    fn goal(&mut self, command: &Command) -> Goal {
        let body = match &command.kind {
            CommandKind::Check(id) | CommandKind::Prove(id) => &self.charter.formula(*id).body,
            CommandKind::Scenario { goal, .. } => goal,
        };
        let term = self.bool_expr(body, Time::Now);
        let antecedent = match (&command.kind, &body.kind) {
            (CommandKind::Scenario { .. }, _) => None,
            (_, ExprKind::Binary(BinaryOp::Implies, lhs, _)) => {
                Some(self.bool_expr(lhs, Time::Now))
            }
            _ => None,
        };
        Goal { term, antecedent }
    }

    // ------------------------------------------------------------ values

    /// The same value, read at another time (leaves are current-state atoms).
    fn at(&mut self, val: &Val, time: Time) -> Val {
        let retime = |t: TermId, terms: &mut Terms| match terms.get(t).clone() {
            Term::State(atom, _) => {
                let is_bool = terms.is_bool(t);
                let kind = if is_bool {
                    Kind::Bool
                } else {
                    Kind::Int { low: 0, high: 0 }
                };
                terms.state(atom, time, kind)
            }
            _ => t,
        };
        map_leaves(val, &mut |t| retime(t, &mut self.terms))
    }

    fn equal(&mut self, a: &Val, b: &Val) -> TermId {
        match (a, b) {
            (Val::Bool(x), Val::Bool(y)) => self.terms.iff(*x, *y),
            (Val::Int(x), Val::Int(y)) => self.terms.int_eq(*x, *y),
            (Val::Elem(x), Val::Elem(y)) => {
                let both: Vec<TermId> = x
                    .iter()
                    .zip(y)
                    .map(|(p, q)| self.terms.and2(*p, *q))
                    .collect();
                self.terms.or(both)
            }
            (Val::Set(x), Val::Set(y)) => {
                let same: Vec<TermId> = x
                    .iter()
                    .zip(y)
                    .map(|(p, q)| self.terms.iff(*p, *q))
                    .collect();
                self.terms.and(same)
            }
            (Val::Opt(fx, vx), Val::Opt(fy, vy)) => {
                let values = self.equal(vx, vy);
                let both_some = self.terms.and([*fx, *fy, values]);
                let not_x = self.terms.not(*fx);
                let not_y = self.terms.not(*fy);
                let both_none = self.terms.and2(not_x, not_y);
                self.terms.or2(both_some, both_none)
            }
            _ => FALSE,
        }
    }

    /// `if c then a else b`, leaf by leaf.
    fn choose(&mut self, c: TermId, a: &Val, b: &Val) -> Val {
        match (a, b) {
            (Val::Bool(x), Val::Bool(y)) => Val::Bool(self.terms.ite(c, *x, *y)),
            (Val::Int(x), Val::Int(y)) => Val::Int(self.terms.ite(c, *x, *y)),
            (Val::Elem(x), Val::Elem(y)) => Val::Elem(
                x.iter()
                    .zip(y)
                    .map(|(p, q)| self.terms.ite(c, *p, *q))
                    .collect(),
            ),
            (Val::Set(x), Val::Set(y)) => Val::Set(
                x.iter()
                    .zip(y)
                    .map(|(p, q)| self.terms.ite(c, *p, *q))
                    .collect(),
            ),
            (Val::Opt(fx, vx), Val::Opt(fy, vy)) => {
                let flag = self.terms.ite(c, *fx, *fy);
                let value = self.choose(c, vx, vy);
                Val::Opt(flag, Box::new(value))
            }
            _ => a.clone(),
        }
    }

    /// One of several values by exclusive conditions (the last is the
    /// default when none holds).
    fn select(&mut self, options: Vec<(TermId, Val)>) -> Val {
        let mut iter = options.into_iter().rev();
        let Some((_, mut result)) = iter.next() else {
            return Val::Bool(FALSE);
        };
        for (condition, value) in iter {
            result = self.choose(condition, &value, &result);
        }
        result
    }

    fn bool_expr(&mut self, expr: &Expr, time: Time) -> TermId {
        match self.expr(expr, time) {
            Val::Bool(term) => term,
            _ => FALSE,
        }
    }

    fn int_expr(&mut self, expr: &Expr, time: Time) -> TermId {
        match self.expr(expr, time) {
            Val::Int(term) => term,
            _ => self.terms.int(0),
        }
    }

    fn set_bits(&mut self, expr: &Expr, time: Time) -> Vec<TermId> {
        match self.expr(expr, time) {
            Val::Set(bits) => bits,
            _ => Vec::new(),
        }
    }

    fn expr(&mut self, expr: &Expr, time: Time) -> Val {
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
                let indices: Vec<Vec<TermId>> = args
                    .iter()
                    .zip(&state.args)
                    .map(|(arg, ty)| {
                        let value = self.expr(arg, time);
                        self.index_of(&value, ty)
                    })
                    .collect();
                let mut options = Vec::new();
                for (tuple, cell) in &cells {
                    let matches: Vec<TermId> = tuple
                        .iter()
                        .zip(&indices)
                        .map(|(i, conditions)| conditions[*i])
                        .collect();
                    let condition = self.terms.and(matches);
                    if condition == FALSE {
                        continue;
                    }
                    let value = self.at(cell, when);
                    if condition == TRUE {
                        return value;
                    }
                    options.push((condition, value));
                }
                // Arguments outside the function's domain (an integer out
                // of its range) name no point: the read gives the first
                // value of the type, as `eval` does (it was the last
                // point's value). Sort and Bool arguments always name one.
                if state.args.iter().any(|ty| matches!(ty, Type::Int(_))) {
                    let fallback = self.first_value(&state.ty);
                    options.push((FALSE, fallback));
                }
                self.select(options)
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

    /// Lays a value of type `from` out as a value of the compatible type
    /// `to`. Only sets of integers differ: their members are indexed from
    /// the low end of their range, so they move when the range does.
    /// Members outside `to` are dropped; [`Self::fits`] says whether there
    /// are none.
    fn fit(&mut self, val: Val, from: &Type, to: &Type) -> Val {
        let (Val::Set(bits), Type::Set(from), Type::Set(to)) = (&val, from, to) else {
            return val;
        };
        let (Type::Int(from), Type::Int(to)) = (from.as_ref(), to.as_ref()) else {
            return val;
        };
        if from == to {
            return val;
        }
        Val::Set(
            (to.low..=to.high)
                .map(|value| {
                    if value < from.low {
                        return FALSE;
                    }
                    bits.get((value - from.low) as usize)
                        .copied()
                        .unwrap_or(FALSE)
                })
                .collect(),
        )
    }

    /// Whether a value of type `from` has no member outside the compatible
    /// type `to` (always true but for sets of integers).
    fn fits(&mut self, val: &Val, from: &Type, to: &Type) -> TermId {
        let (Val::Set(bits), Type::Set(from), Type::Set(to)) = (val, from, to) else {
            return TRUE;
        };
        let (Type::Int(from), Type::Int(to)) = (from.as_ref(), to.as_ref()) else {
            return TRUE;
        };
        let outside: Vec<TermId> = (from.low..=from.high)
            .zip(bits)
            .filter(|(value, _)| *value < to.low || *value > to.high)
            .map(|(_, bit)| self.terms.not(*bit))
            .collect();
        self.terms.and(outside)
    }

    /// Whether two values of compatible types are equal, compared in the
    /// type that covers both.
    fn equal_typed(&mut self, a: Val, a_type: &Type, b: Val, b_type: &Type) -> TermId {
        let common = join(a_type, b_type);
        let a = self.fit(a, a_type, &common);
        let b = self.fit(b, b_type, &common);
        self.equal(&a, &b)
    }

    /// The `if` branches are laid out as the `if`'s type (which covers both).
    fn widen(&mut self, val: Val, from: &Type, to: &Type) -> Val {
        self.fit(val, from, to)
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
    fn instances(
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
                let common = join(&lhs.ty, &rhs.ty);
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

    /// A past-time expression, read at `time`. Each is a monitor atom with
    /// an initial value and an update, shared by every occurrence with the
    /// same meaning: monitors are keyed by the lowered operands, and
    /// `historically P` is `not once not P`, so that facts about one are
    /// facts about the other (which k-induction needs).
    fn temporal(&mut self, expr: &Expr, time: Time) -> TermId {
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
        if let Some(atom) = self.monitors.get(&key) {
            return *atom;
        }
        let id = AtomId(self.atoms.len() as u32);
        let index = self.monitors.len();
        self.atoms.push(AtomInfo {
            name: format!("monitor{index}"),
            kind: Kind::Bool,
            owner: Owner::Monitor(index),
            address: Address {
                address: Vec::new(),
                sorts: Vec::new(),
            },
        });
        self.monitors.insert(key, id);
        let now = self.terms.state(id, Time::Now, Kind::Bool);
        let next = self.terms.state(id, Time::Next, Kind::Bool);
        let (initial, update) = define(self, now);
        let init = self.terms.iff(now, initial);
        self.init.push(Constraint {
            term: init,
            origin: Origin::Monitor,
        });
        self.record_assignment(next, TRUE, update);
        let step = self.terms.iff(next, update);
        self.trans.push(Constraint {
            term: step,
            origin: Origin::Monitor,
        });
        id
    }
}

/// What a monitor watches, by its lowered operands.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum MonitorKey {
    Happened(EventId, Vec<Option<Val>>),
    Once(TermId),
    Previously(TermId),
    Since(TermId, TermId),
}

/// The type covering two compatible types (the union of integer ranges).
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

fn join(a: &Type, b: &Type) -> Type {
    match (a, b) {
        (Type::Int(x), Type::Int(y)) => Type::Int(IntRange {
            low: x.low.min(y.low),
            high: x.high.max(y.high),
        }),
        (Type::Set(x), Type::Set(y)) => Type::Set(Box::new(join(x, y))),
        (Type::Option(x), Type::Option(y)) => Type::Option(Box::new(join(x, y))),
        _ => a.clone(),
    }
}

/// The leaves of a value, in a fixed order (flag before value).
fn leaves(val: &Val) -> Vec<TermId> {
    match val {
        Val::Bool(t) | Val::Int(t) => vec![*t],
        Val::Elem(bits) | Val::Set(bits) => bits.clone(),
        Val::Opt(flag, value) => {
            let mut out = vec![*flag];
            out.extend(leaves(value));
            out
        }
    }
}

fn map_leaves(val: &Val, f: &mut dyn FnMut(TermId) -> TermId) -> Val {
    match val {
        Val::Bool(t) => Val::Bool(f(*t)),
        Val::Int(t) => Val::Int(f(*t)),
        Val::Elem(bits) => Val::Elem(bits.iter().map(|b| f(*b)).collect()),
        Val::Set(bits) => Val::Set(bits.iter().map(|b| f(*b)).collect()),
        Val::Opt(flag, value) => Val::Opt(f(*flag), Box::new(map_leaves(value, f))),
    }
}

/// The span a constraint's origin points at, if any.
pub fn origin_span(origin: &Origin) -> Option<Span> {
    match origin {
        Origin::Clause { span, .. }
        | Origin::Guard { span, .. }
        | Origin::Formula { span, .. }
        | Origin::Value { span, .. } => Some(*span),
        _ => None,
    }
}

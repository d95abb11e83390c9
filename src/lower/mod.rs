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
//!
//! This file holds the entry points ([`lower`], [`lower_rules`], [`lower_lint`],
//! [`objectives`]), the [`Val`] encoding and the [`Layout`], and the
//! `Lowerer` that every submodule extends: `layout` allocates atoms and
//! inputs for values, `rules` lowers guards, clauses, effects, overrides
//! and inertia, `expr` expressions and quantifiers, `values` operations on
//! [`Val`]s, `temporal` past-time monitors, `lint_terms` what `charter
//! lint` asks beyond verification, `objectives` what minimisation
//! minimises.

mod decreasing;
mod expr;
mod layout;
mod lint_terms;
mod liveness;
mod objectives;
mod rules;
mod temporal;
mod values;

use std::collections::HashMap;

use crate::hir::{self, *};
use crate::ir::*;

pub use decreasing::{Candidate, Claim};
pub use lint_terms::{Application, ApplicationKind, Dates, DutyPoint, LintTerms};
pub use liveness::LoopAtoms;
pub use objectives::objectives;

use rules::{overriders, DeferredRecord, DeferredWrite, Slot};
use temporal::MonitorKey;

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
    /// A function-typed event parameter: its value at each argument tuple,
    /// in row-major order over the argument domains.
    Table(Vec<Val>),
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
    /// For a liveness command: where its loop is kept.
    pub lasso: Option<LoopAtoms>,
    /// For a liveness proof with `decreasing M`: the candidate invariants
    /// the measure suggests (to be proved before they are assumed).
    pub measure: Vec<Candidate>,
}

#[derive(Clone, Debug)]
pub struct Lowered {
    pub system: System,
    pub layout: Layout,
}

/// Lowers the spec for one command.
pub fn lower(charter: &hir::Charter, command: &Command) -> Lowered {
    let mut lowerer = Lowerer::start(charter, &command.scopes);
    let lemmas = lowerer.lemmas();
    let liveness = match &command.kind {
        CommandKind::Check(id) | CommandKind::Prove(id) => {
            let formula = charter.formula(*id);
            formula.kind.is_liveness().then_some(formula)
        }
        CommandKind::Scenario { .. } => None,
    };
    let Some(formula) = liveness else {
        let goal = lowerer.goal(command);
        return lowerer.finish(lemmas, goal);
    };
    let measure = command.decreasing.as_ref();
    let (goal, lasso, candidates) = lowerer.liveness_goal(formula, &command.fair, measure);
    let mut lowered = lowerer.finish(lemmas, goal);
    lowered.layout.lasso = Some(lasso);
    lowered.layout.measure = candidates;
    lowered
}

/// Lowers the spec's rules under `scopes` with no goal (`true`): the
/// system its lemmas are proved on once for every command with these
/// scopes (no command's property can steer it, not even by the named
/// elements it mentions).
pub fn lower_rules(charter: &hir::Charter, scopes: &[(SortId, u64)]) -> Lowered {
    let mut lowerer = Lowerer::start(charter, scopes);
    let lemmas = lowerer.lemmas();
    let goal = Goal {
        term: TRUE,
        antecedent: None,
    };
    lowerer.finish(lemmas, goal)
}

/// Lowers the spec for `charter lint` under `scopes`: the system, with no
/// goal (`true`), the assertions' antecedents, and what the coherence
/// queries need ([`LintTerms`]).
pub fn lower_lint(charter: &hir::Charter, scopes: &[(SortId, u64)]) -> (Lowered, LintTerms) {
    let mut lowerer = Lowerer::start(charter, scopes);
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
    let lemmas = lowerer.lemmas();
    let goal = Goal {
        term: TRUE,
        antecedent: None,
    };
    let lint = lowerer.lint_terms(antecedents);
    (lowerer.finish(lemmas, goal), lint)
}

impl<'h> Lowerer<'h> {
    fn start(charter: &'h hir::Charter, scopes: &[(SortId, u64)]) -> Lowerer<'h> {
        let sizes = charter.sort_sizes(scopes);
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
            effect_rules: Vec::new(),
            rule: hir::Provenance::User,
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

    fn lemmas(&mut self) -> Vec<(FormulaId, TermId)> {
        let charter = self.charter;
        charter
            .formulas
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == FormulaKind::Lemma)
            .map(|(index, f)| {
                let term = self.bool_expr(&f.body, Time::Now);
                (FormulaId(index), term)
            })
            .collect()
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
                lasso: None,
                measure: Vec::new(),
            },
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
    /// For each effect record, its rule's provenance (what lint's
    /// obligation points read).
    effect_rules: Vec<hir::Provenance>,
    /// The provenance of the rule being lowered.
    rule: hir::Provenance,
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

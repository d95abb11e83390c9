//! A finite transition system, independent of any solver: the output of
//! [`crate::lower`] and the input of [`crate::solve`].
//!
//! Everything is ground. Quantifiers over finite domains have been expanded
//! for the command's scopes; enum and sort values are one-hot Boolean
//! vectors, sets are Boolean vectors, options a flag and a value, integers
//! bounded integer atoms. Terms live in a hash-consed arena ([`Terms`]) so
//! that shared subterms are built and translated once.
//!
//! A term is a template over one step: [`Term::State`] reads a state atom
//! now or in the next state, [`Term::Input`] reads the step's event choice or
//! a parameter. The solver instantiates templates at each step.
//!
//! `terms.rs` holds the arena; `print.rs` prints a [`System`] for people.

pub mod print;
mod terms;

use std::collections::HashMap;

use crate::hir::{ClauseId, EventId, FormulaId, SortId, StateId};
use crate::span::Span;

pub use terms::{rebuild, AtomId, InputId, Kind, Term, TermId, Terms, Time, FALSE, TRUE};

/// Where a constraint comes from, so that results and blame can point back
/// at the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// An effect or constraint of a clause.
    Clause { clause: ClauseId, span: Span },
    /// The `index`th `requires` of an event.
    Guard {
        event: EventId,
        index: usize,
        span: Span,
    },
    /// An axiom or `init` formula.
    Formula { formula: FormulaId, span: Span },
    /// A variable's initial value or a constant's value.
    Value { state: StateId, span: Span },
    /// Locations no applicable effect assigns keep their value.
    Inertia { state: StateId },
    /// Constants keep their value.
    Rigid { state: StateId },
    /// The declared integer range of a variable or constant, over one of
    /// its integer atoms.
    Range { state: StateId },
    /// Well-formedness of the encoding: one-hot vectors, option flags,
    /// event parameters' ranges, exactly one event per step.
    Domain,
    /// The definition of a past-time monitor.
    Monitor,
}

/// How one atom of a variable gets its next value, as the effects and
/// inertia constraints say: where `guard` holds, the next value is `value`
/// (over the current state and the step's inputs); where no guard holds,
/// the atom keeps its value. Redundant with the constraints (which stay the
/// meaning); it lets the solver layer fold values that every case agrees
/// on, which the constraints, written case by case, hide.
#[derive(Clone, Debug)]
pub struct NextDef {
    pub atom: AtomId,
    pub cases: Vec<(TermId, TermId)>,
}

#[derive(Clone, Debug)]
pub struct Constraint {
    pub term: TermId,
    pub origin: Origin,
}

/// What a state atom stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    /// A cell of a `var` or `const`.
    State(StateId),
    /// A past-time monitor (its index among monitors).
    Monitor(usize),
    /// Part of a liveness command's loop detection (its atom's index):
    /// see `lower::liveness`.
    Liveness(usize),
}

/// What an input stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum InputOwner {
    /// True when this event is the step's event.
    Selector(EventId),
    /// Part of an event parameter's value.
    Param(EventId, usize),
}

/// The address of an atom inside its owner's value: function arguments
/// first, then the path inside the value (one-hot position, set element,
/// option flag/value). `sorts[i]` says which abstract sort `address[i]`
/// indexes, if any: symmetry breaking permutes those entries.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Address {
    pub address: Vec<u32>,
    pub sorts: Vec<Option<SortId>>,
}

#[derive(Clone, Debug)]
pub struct AtomInfo {
    pub name: String,
    pub kind: Kind,
    pub owner: Owner,
    pub address: Address,
}

#[derive(Clone, Debug)]
pub struct InputInfo {
    pub name: String,
    pub kind: Kind,
    pub owner: InputOwner,
    pub address: Address,
    /// Part of a one-hot value (an element, or an optional element): at
    /// most one of its siblings holds. Set members are not.
    pub exclusive: bool,
}

/// An effect instance, for explaining traces: when `applies` holds in a
/// step, the clause assigned `state`.
#[derive(Clone, Debug)]
pub struct EffectRecord {
    pub clause: ClauseId,
    pub state: StateId,
    pub applies: TermId,
    pub span: Span,
}

/// The property a command is about, as a Boolean term over the current
/// state (monitors included).
#[derive(Clone, Debug)]
pub struct Goal {
    pub term: TermId,
    /// For `always A implies B`: A, whose reachability the vacuity check
    /// tests; for a liveness property, a fair lasso on which its
    /// obligation arises, whatever the awaited condition does.
    pub antecedent: Option<TermId>,
}

#[derive(Clone, Debug)]
pub struct System {
    pub terms: Terms,
    pub atoms: Vec<AtomInfo>,
    pub inputs: Vec<InputInfo>,
    /// The size of each sort (enums: their values; abstract sorts: scope).
    pub sort_sizes: Vec<usize>,
    /// Which sorts are abstract (interchangeable elements).
    pub abstract_sorts: Vec<SortId>,
    /// Per sort, the elements some term names (an abstract sort's named
    /// elements used in an expression): these can be told apart from the
    /// others, so symmetry breaking only reorders the rest. In index order.
    pub distinguished: Vec<Vec<usize>>,
    /// Over the initial state (`Now`).
    pub init: Vec<Constraint>,
    /// Over every state (`Now`).
    pub invariants: Vec<Constraint>,
    /// Over a step: `Now`, `Next` and the inputs.
    pub trans: Vec<Constraint>,
    pub effects: Vec<EffectRecord>,
    /// The next-value cases of variable atoms (not of those whose effects
    /// are not written leaf by leaf).
    pub next: Vec<NextDef>,
    /// Lemmas (their formula ids and terms), proved and then assumed.
    pub lemmas: Vec<(FormulaId, TermId)>,
    pub goal: Goal,
}

impl System {
    /// Looks up atoms by owner and address (for symmetry breaking).
    pub fn atom_index(&self) -> HashMap<(&Owner, &Vec<u32>), AtomId> {
        self.atoms
            .iter()
            .enumerate()
            .map(|(i, a)| ((&a.owner, &a.address.address), AtomId(i as u32)))
            .collect()
    }

    pub fn input_index(&self) -> HashMap<(&InputOwner, &Vec<u32>), InputId> {
        self.inputs
            .iter()
            .enumerate()
            .map(|(i, a)| ((&a.owner, &a.address.address), InputId(i as u32)))
            .collect()
    }
}

/// What makes one history simpler than another of the same length, for
/// minimising the content of counterexamples and witnesses
/// ([`crate::solve::minimise`]), in the order they are minimised. Terms
/// are templates over one step, as every constraint is.
#[derive(Clone, Debug, Default)]
pub struct Objectives {
    /// Per location of a variable (a variable, a function point, a set
    /// element: the granularity of inertia): holds when the step changes it.
    pub changes: Vec<TermId>,
    /// Per member of a set-valued event parameter: holds when the step's
    /// event is that event and the member is in the argument.
    pub members: Vec<TermId>,
    /// Per member of a set in the constants and the initial state that has
    /// no value written (as a current-state term, read in the initial
    /// state): holds when it is in.
    pub initial_members: Vec<TermId>,
    /// Per abstract sort, per element: holds when the step's event names
    /// the element in an argument.
    pub elements: Vec<Vec<TermId>>,
    /// The integer atoms of variables (as current-state terms): their
    /// distance from their value in the initial state counts, in every
    /// later state.
    pub integers: Vec<TermId>,
    /// Per integer event parameter (or the integer inside an optional
    /// one): where the step's event is that event (and the value present),
    /// its value and the lowest value of its range.
    pub arguments: Vec<(TermId, TermId, i64)>,
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

//! The checked spec: every name resolved to an id, every expression typed.
//! Produced by [`crate::check::check`]; consumed by printing (`--emit hir`)
//! and by the later stages (lowering to a transition system).
//!
//! Ids index the tables of [`Charter`]. Locals (event parameters, define
//! parameters, quantifier and comprehension variables) each get their own
//! [`LocalId`], unique in the whole spec, so no later stage deals with
//! scopes or shadowing.

pub mod print;
mod provenance;
mod readings;
mod types;
pub mod visit;

use crate::span::Span;

pub use crate::ast::Expectation;
pub use provenance::{DutyPart, Provenance};
pub use readings::{find_reading, Comparison, ComparisonKind, Reading, ReadingGroup, Selection};

/// Depth of a `check` or `scenario`, and the largest induction depth of a
/// `prove`, when the command does not give one.
pub const DEFAULT_DEPTH: u64 = 10;
/// Size of an abstract sort when a command does not give a scope for it.
pub const DEFAULT_SCOPE: u64 = 3;
/// Range of `Int` written without one.
pub const DEFAULT_INT_RANGE: IntRange = IntRange {
    low: -128,
    high: 127,
};
/// Largest scope a command may give a sort.
pub const MAX_SCOPE: u64 = 10_000;
/// Largest depth a command may give.
pub const MAX_DEPTH: u64 = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SortId(pub usize);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateId(pub usize);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(pub usize);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefineId(pub usize);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub usize);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FormulaId(pub usize);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClauseId(pub usize);

#[derive(Clone, Debug, PartialEq)]
pub struct Charter {
    pub title: String,
    pub sorts: Vec<Sort>,
    /// Constants and variables, in declaration order.
    pub states: Vec<StateDecl>,
    pub events: Vec<Event>,
    /// Defines may call each other in any order; the calls form no cycle.
    pub defines: Vec<Define>,
    pub locals: Vec<Local>,
    pub formulas: Vec<Formula>,
    pub clauses: Vec<Clause>,
    pub commands: Vec<Command>,
    /// The calendar, when the spec declares one. Its parts are ordinary
    /// declarations made by the checker, marked [`Provenance::Calendar`]
    /// (the state `now`, a last parameter `date` of every event with a
    /// last guard `date >= now`, the clause `calendar`: each event's step
    /// sets `now` to its date) and [`Provenance::LastMonitor`] (one monitor
    /// state `last E` per event whose last date is read).
    pub calendar: Option<Calendar>,
    /// Obligations (`on e: must f within d`), each checked into rules of
    /// its clause, a monitor `due f (clause)` and the clause's assertion,
    /// marked [`Provenance::Duty`] with the duty's index here (the
    /// assertion: [`Provenance::DutyAssertion`]).
    pub duties: Vec<Duty>,
    /// The spec's groups of readings (`readings hosting { … }`), and the
    /// one reading per group this charter was checked under.
    pub readings: Vec<ReadingGroup>,
    pub selection: Selection,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Duty {
    pub clause: ClauseId,
    /// The event that fulfils it.
    pub event: EventId,
    pub due: StateId,
    /// Per parameter of the event (not its `date`): whether the obligation
    /// names its argument (the monitor's arguments, in order) or not (`_`).
    pub keyed: Vec<bool>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    pub unit: crate::ast::TimeUnit,
    pub range: IntRange,
    pub now: StateId,
    pub span: Span,
    /// `calendar dates …`: dates are days since 1970-01-01 with real
    /// months and years, printed as ISO dates.
    pub civil: bool,
    /// Constants and variables declared `Date` (their values, or their
    /// function's results, are dates: shown as ISO dates).
    pub dated_states: Vec<StateId>,
    /// Event parameters declared `Date`.
    pub dated_locals: Vec<LocalId>,
    /// The arguments declared `Date` of function constants and variables
    /// (`signed: Date -> Bool`: argument 0 of `signed`), whose points are
    /// shown as ISO dates.
    pub dated_state_args: Vec<(StateId, usize)>,
    /// The same for functions passed as event parameters.
    pub dated_local_args: Vec<(LocalId, usize)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sort {
    pub name: String,
    pub kind: SortKind,
    /// An abstract sort's named elements (`sort Person names Rahmon,
    /// Putin`): element `i` is called `names[i]`, in reports and in
    /// expressions; the names are distinct elements, so every scope is at
    /// least their number. Empty for enums (their values are in the kind).
    pub names: Vec<String>,
    pub span: Span,
}

impl Sort {
    /// The scope of an abstract sort in a command that sets none: the
    /// default, or the number of named elements if larger.
    pub fn default_scope(&self) -> u64 {
        DEFAULT_SCOPE.max(self.names.len() as u64)
    }

    /// The name of the `index`th element as every report shows it: an enum
    /// value, a named element, or `Person#6` for an unnamed one.
    pub fn element_name(&self, index: usize) -> String {
        match &self.kind {
            SortKind::Enum(values) => values.get(index).cloned().unwrap_or_default(),
            SortKind::Abstract => match self.names.get(index) {
                Some(name) => name.clone(),
                None => format!("{}#{index}", self.name),
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum SortKind {
    /// Named values, in declaration order.
    Enum(Vec<String>),
    /// Interchangeable elements; the size is a per-command scope.
    Abstract,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IntRange {
    pub low: i64,
    pub high: i64,
}

/// The type of a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int(IntRange),
    Sort(SortId),
    Option(Box<Type>),
    Set(Box<Type>),
}

impl Type {
    /// Whether values of the two types can be compared and assigned: the
    /// same shape, with any integer ranges.
    pub fn compatible(&self, other: &Type) -> bool {
        match (self, other) {
            (Type::Int(_), Type::Int(_)) => true,
            (Type::Option(a), Type::Option(b)) | (Type::Set(a), Type::Set(b)) => a.compatible(b),
            (a, b) => a == b,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateKind {
    /// Rigid: one value for the whole history.
    Const,
    /// State: may change at each step.
    Var,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StateDecl {
    pub name: String,
    pub kind: StateKind,
    /// Argument types; empty for a plain value.
    pub args: Vec<Type>,
    pub ty: Type,
    /// For a var, its initial value; for a const, its value.
    pub value: Option<Expr>,
    pub provenance: Provenance,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub name: String,
    pub params: Vec<LocalId>,
    /// The charter's permission for the event (`requires`), each its own
    /// guard so that blame can name it.
    pub requires: Vec<Guard>,
    pub span: Span,
}

/// A condition an event's step must meet: written with the event, a
/// clause's prohibition or permissions, or the calendar's `date >= now`.
#[derive(Clone, Debug, PartialEq)]
pub struct Guard {
    pub body: Expr,
    pub provenance: Provenance,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Define {
    pub name: String,
    pub params: Vec<LocalId>,
    pub ty: Type,
    pub body: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Local {
    pub name: String,
    /// A function-typed event parameter's argument types (`votes: Member
    /// -> Candidate?`); empty for a plain value. `ty` is then the result.
    pub args: Vec<Type>,
    pub ty: Type,
    pub provenance: Provenance,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormulaKind {
    /// Holds in every state.
    Axiom,
    /// Holds in the initial state.
    Init,
    /// An auxiliary invariant: proved, then assumed.
    Lemma,
    /// A property to check.
    Assert,
    /// A liveness assertion `eventually Q`: the body is Q.
    Eventually,
    /// A liveness assertion `P leads to Q`: the body is `P implies Q`, read
    /// as `always (P implies eventually Q)`.
    LeadsTo,
}

impl Formula {
    /// A liveness formula's trigger P (`None` for `eventually Q`) and its
    /// awaited condition Q.
    pub fn liveness_parts(&self) -> (Option<&Expr>, &Expr) {
        match (&self.kind, &self.body.kind) {
            (FormulaKind::LeadsTo, ExprKind::Binary(BinaryOp::Implies, p, q)) => (Some(p), q),
            _ => (None, &self.body),
        }
    }
}

impl FormulaKind {
    /// An assertion, safety or liveness: what a `check` or `prove` is about.
    pub fn is_assertion(self) -> bool {
        matches!(
            self,
            FormulaKind::Assert | FormulaKind::Eventually | FormulaKind::LeadsTo
        )
    }

    /// A liveness assertion.
    pub fn is_liveness(self) -> bool {
        matches!(self, FormulaKind::Eventually | FormulaKind::LeadsTo)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    pub kind: FormulaKind,
    pub name: String,
    pub text: Option<String>,
    pub body: Expr,
    pub provenance: Provenance,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub name: String,
    /// The article it belongs to, if any (`13`, `27.3`).
    pub article: Option<String>,
    pub text: Option<String>,
    pub rules: Vec<Rule>,
    /// The clauses it overrides, as written (`overrides a, b`): where its
    /// effects and theirs both assign a location in a step, its own hold
    /// and theirs do not. The relation is acyclic; it holds transitively.
    pub overrides: Vec<ClauseId>,
    /// The clauses it is an exception to (`except in vesting`): each is in
    /// `overrides` too, and the exception's rules are among `rules`.
    pub exception_to: Vec<ClauseId>,
    /// What its text defines (`defines quorum`): lint's blame cites the
    /// clause where they are read.
    pub defines: Vec<Defined>,
    /// `User`, or `Calendar` for the clause `calendar` (the rules the
    /// checker appends to a user's clause say their own).
    pub provenance: Provenance,
    pub span: Span,
}

/// A name a clause's text defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Defined {
    Define(DefineId),
    Const(StateId),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub kind: RuleKind,
    pub provenance: Provenance,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RuleKind {
    On {
        events: EventSet,
        /// For a single event, the local bound to each of its parameters
        /// (`None` where the pattern leaves it unnamed).
        bindings: Vec<Option<LocalId>>,
        when: Option<Expr>,
        block: EffectBlock,
    },
    /// Holds in every state.
    StateConstraint(Expr),
    /// Holds for every step; mentions primed names.
    TransitionConstraint(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum EventSet {
    One(EventId),
    /// `any event except …`
    AllExcept(Vec<EventId>),
}

impl EventSet {
    /// Whether a step of `event` is one of the set's.
    pub fn contains(&self, event: EventId) -> bool {
        match self {
            EventSet::One(one) => *one == event,
            EventSet::AllExcept(except) => !except.contains(&event),
        }
    }
}

/// Effects, overridden by exceptions: where several exceptions' conditions
/// hold, the last one written wins; a nested exception overrides its parent;
/// an exception that applies replaces all of its parent's effects.
#[derive(Clone, Debug, PartialEq)]
pub struct EffectBlock {
    pub effects: Vec<Effect>,
    pub exceptions: Vec<Exception>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Exception {
    pub condition: Expr,
    pub block: EffectBlock,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// `forall x: T when c.`: one point update per binding where `c` holds.
    pub forall: Option<Box<EffectForall>>,
    pub target: StateId,
    /// Arguments of a point update; empty for a whole value.
    pub args: Vec<Expr>,
    pub op: AssignOp,
    pub value: Expr,
    pub span: Span,
}

/// The binders of a quantified point update and its condition.
#[derive(Clone, Debug, PartialEq)]
pub struct EffectForall {
    pub binders: Vec<Binder>,
    pub when: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    pub name: String,
    pub kind: CommandKind,
    pub depth: Option<u64>,
    pub scopes: Vec<(SortId, u64)>,
    pub expect: Option<Expectation>,
    /// What the expected verdict may rest on (`allowing …`): blockings
    /// that, found by `verify`, do not fail the expectation.
    pub allowing: Vec<Allowance>,
    /// `assuming fair e, f`: the events a liveness command assumes weakly
    /// fair, in the order written.
    pub fair: Vec<Fairness>,
    /// `decreasing M`: a measure hinted for a liveness proof.
    pub decreasing: Option<Measure>,
    pub span: Span,
}

/// An integer measure of the state hinted for a liveness proof: it never
/// rises while Q is awaited and falls in every fair loop. Only a hint: the
/// proof proves it or does without it.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    pub expr: Expr,
    /// As written, blanks collapsed.
    pub text: String,
}

/// Weak fairness of one event: if from some point on it is enabled in
/// every state (`enabled`: its `requires` hold for some arguments), it
/// happens again and again.
#[derive(Clone, Debug, PartialEq)]
pub struct Fairness {
    pub event: EventId,
    pub span: Span,
}

/// The kinds of blocking a verdict that holds may rest on: an event that
/// clauses block in some state where its guards hold, and events, rules,
/// `unless` exceptions and defaults that never apply. Named as `charter
/// lint` names its findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Blocking {
    Clash,
    DeadEvent,
    DeadRule,
    DeadException,
    DeadDefault,
}

impl Blocking {
    pub const ALL: [Blocking; 5] = [
        Blocking::Clash,
        Blocking::DeadEvent,
        Blocking::DeadRule,
        Blocking::DeadException,
        Blocking::DeadDefault,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Blocking::Clash => "clash",
            Blocking::DeadEvent => "dead_event",
            Blocking::DeadRule => "dead_rule",
            Blocking::DeadException => "dead_exception",
            Blocking::DeadDefault => "dead_default",
        }
    }

    pub fn parse(text: &str) -> Option<Blocking> {
        Blocking::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether its subject is an event (else a clause).
    pub fn about_event(self) -> bool {
        matches!(self, Blocking::Clash | Blocking::DeadEvent)
    }
}

/// One blocking an expectation acknowledges: its kind, and the event or
/// clause it concerns (`None`: any).
#[derive(Clone, Debug, PartialEq)]
pub struct Allowance {
    pub kind: Blocking,
    pub subject: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CommandKind {
    /// Bounded search for a violation of an assertion or lemma.
    Check(FormulaId),
    /// Unbounded proof of an assertion or lemma.
    Prove(FormulaId),
    /// Search for a lawful history ending in a state where the goal holds.
    Scenario { text: Option<String>, goal: Expr },
}

// ---------------------------------------------------------------- expressions

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    /// The empty option of `ty`.
    None,
    /// A value wrapped into an option, where a `T` stands for a `T?`.
    Some(Box<Expr>),
    /// An enum value, by index.
    EnumValue(SortId, usize),
    /// A sort's name used as a set: all its elements.
    Universe(SortId),
    /// A constant or variable, applied to arguments if it is a function;
    /// `primed` reads the next state.
    State {
        id: StateId,
        primed: bool,
        args: Vec<Expr>,
    },
    Local(LocalId),
    /// A function-typed event parameter read at a point: the head is the
    /// `Local` (or, where `happens e(v)` bound it, the `EventArg`), whose
    /// type is the function's result, as is this read's.
    Apply(Box<Expr>, Vec<Expr>),
    Call(DefineId, Vec<Expr>),
    /// In properties: the step into this state was this event (with these
    /// arguments where given; `None` for `_`).
    Happened(EventId, Vec<Option<Expr>>),
    /// In properties, where `Happened(event, _)` holds: the argument at
    /// this position of the step into this state (a name `happens e(x)`
    /// binds). Elsewhere a fixed value of its type, never read.
    EventArg(EventId, usize),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `is some` when true, `is none` when false.
    OptionTest(Box<Expr>, bool),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    SetLiteral(Vec<Expr>),
    /// `{x: T | P}`; binders range over their domains.
    Comprehension(Vec<Binder>, Box<Expr>),
    Quantified(Quantifier, Vec<Binder>, Box<Expr>),
    /// The total of an integer over the instances of the binders.
    Sum(Vec<Binder>, Box<Expr>),
    /// The value inside an option; the first value of its type when the
    /// option is `none` (the checker reads it only where it is some).
    OptionValue(Box<Expr>),
}

pub use crate::ast::{AssignOp, Quantifier, UnaryOp};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    And,
    Or,
    Implies,
    Iff,
    Since,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Union,
    Intersect,
    Difference,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Binder {
    pub local: LocalId,
    pub domain: Domain,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    /// Every value of a finite type: a sort, `Bool` or an `Int` range.
    Type(Type),
    /// The elements of a set.
    Set(Expr),
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Implies => "implies",
            BinaryOp::Iff => "iff",
            BinaryOp::Since => "since",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Union => "union",
            BinaryOp::Intersect => "intersect",
            BinaryOp::Difference => "minus",
        }
    }
}

impl Charter {
    pub fn sort(&self, id: SortId) -> &Sort {
        &self.sorts[id.0]
    }
    pub fn state(&self, id: StateId) -> &StateDecl {
        &self.states[id.0]
    }
    pub fn event(&self, id: EventId) -> &Event {
        &self.events[id.0]
    }
    pub fn define(&self, id: DefineId) -> &Define {
        &self.defines[id.0]
    }
    pub fn local(&self, id: LocalId) -> &Local {
        &self.locals[id.0]
    }
    /// The argument types of the function an `Apply` reads: a function
    /// parameter, or the argument `happens e(v)` bound to one.
    pub fn function_args(&self, head: &Expr) -> &[Type] {
        match &head.kind {
            ExprKind::Local(id) => &self.local(*id).args,
            ExprKind::EventArg(event, position) => self.events[event.0]
                .params
                .get(*position)
                .map_or(&[][..], |local| &self.local(*local).args),
            _ => &[],
        }
    }
    pub fn formula(&self, id: FormulaId) -> &Formula {
        &self.formulas[id.0]
    }

    /// A type as the user would write it.
    /// A parameter's type as written: `A -> B`, `(A, B) -> C` for a
    /// function.
    pub fn local_type_name(&self, id: LocalId) -> String {
        let local = self.local(id);
        let result = self.type_name(&local.ty);
        match local.args.as_slice() {
            [] => result,
            [arg] => format!("{} -> {result}", self.type_name(arg)),
            args => {
                let args: Vec<String> = args.iter().map(|a| self.type_name(a)).collect();
                format!("({}) -> {result}", args.join(", "))
            }
        }
    }

    pub fn type_name(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "Bool".into(),
            Type::Int(range) if *range == DEFAULT_INT_RANGE => "Int".into(),
            Type::Int(IntRange { low, high }) => format!("Int[{low}..{high}]"),
            Type::Sort(id) => self.sort(*id).name.clone(),
            Type::Option(inner) => format!("{}?", self.type_name(inner)),
            Type::Set(inner) => format!("set {}", self.type_name(inner)),
        }
    }
}

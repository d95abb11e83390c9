//! The untyped syntax tree: what the user wrote, with names as strings and a
//! span on every node. Produced by [`crate::syntax::parse`], consumed by
//! [`crate::check::check`]. Parentheses leave no node behind, so `(a and b)`
//! and `a and b` give the same tree.

pub mod print;

use crate::span::{Ident, Span, Spanned};

/// A whole spec file.
#[derive(Clone, Debug, PartialEq)]
pub struct Charter {
    pub title: Spanned<String>,
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    Calendar(CalendarDecl),
    Enum(EnumDecl),
    Sort(SortDecl),
    Const(StateDecl),
    Var(StateDecl),
    Event(EventDecl),
    Define(DefineDecl),
    Axiom(Formula),
    Init(Formula),
    Lemma(Formula),
    Assert(Formula),
    Article(Article),
    Clause(Clause),
    Command(Command),
    Readings(ReadingsDecl),
}

/// `readings hosting "the phrase" { literal: "what it means", practice: … }`:
/// the ways a phrase of the text can be read ([`crate::check::readings`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ReadingsDecl {
    pub name: Ident,
    pub text: Option<Spanned<String>>,
    pub readings: Vec<ReadingItem>,
}

/// One reading of a group: its name and what it takes the phrase to mean.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadingItem {
    pub name: Ident,
    pub text: Option<Spanned<String>>,
}

/// `calendar days 0..730`: every step carries a date in the range.
/// `calendar dates 2019-01-01..2030-12-31` is a calendar of days (`civil`)
/// whose bounds are days since 1970-01-01 ([`crate::civil`]).
#[derive(Clone, Debug, PartialEq)]
pub struct CalendarDecl {
    pub unit: Spanned<TimeUnit>,
    pub low: i64,
    pub high: i64,
    /// Real months and years: the civil calendar.
    pub civil: bool,
}

impl CalendarDecl {
    /// As written after `calendar`: `days 0..730`, `dates 2019-01-01..2030-12-31`.
    pub fn range_text(&self) -> String {
        if self.civil {
            let (low, high) = (crate::civil::iso(self.low), crate::civil::iso(self.high));
            format!("dates {low}..{high}")
        } else {
            format!("{} {}..{}", self.unit.node.as_str(), self.low, self.high)
        }
    }
}

/// A part of a civil date: its day of the month, month or year (`Day` is
/// not a period of `CivilBoundary`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CivilField {
    Day,
    Month,
    Year,
}

impl CivilField {
    pub fn as_str(self) -> &'static str {
        match self {
            CivilField::Day => "day",
            CivilField::Month => "month",
            CivilField::Year => "year",
        }
    }
}

/// The unit of a calendar or a duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Day => "days",
            TimeUnit::Week => "weeks",
            TimeUnit::Month => "months",
            TimeUnit::Year => "years",
        }
    }

    /// One of it: `day`, `week`, `month`, `year`.
    pub fn singular(self) -> &'static str {
        self.as_str().trim_end_matches('s')
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    pub name: Ident,
    /// `enum Member alphabetical { … }`: ordered by name, not as written.
    pub alphabetical: bool,
    pub values: Vec<Ident>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SortDecl {
    pub name: Ident,
    /// `sort Person names Rahmon, Putin`: the names of the first elements.
    pub names: Vec<Ident>,
}

/// `const` or `var`: a name, a type and an optional value (for a `var`, its
/// initial value).
#[derive(Clone, Debug, PartialEq)]
pub struct StateDecl {
    pub name: Ident,
    pub ty: Type,
    pub value: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub ty: Type,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventDecl {
    /// `fair event e`: the word `fair`; every liveness command assumes the
    /// event weakly fair.
    pub fair: Option<Span>,
    pub name: Ident,
    pub params: Vec<Param>,
    pub requires: Vec<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DefineDecl {
    pub name: Ident,
    /// `None` for a define written without parentheses (`define quorum = …`).
    pub params: Option<Vec<Param>>,
    pub ty: Option<Type>,
    pub body: Expr,
}

/// A named formula: axiom, init, lemma or assertion.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    pub name: Ident,
    pub text: Option<Spanned<String>>,
    /// Whether `always` was written (required for assertions, optional for
    /// axioms and lemmas, which hold in every state anyway).
    pub always: bool,
    pub body: Expr,
    /// A liveness form: `eventually body`, or `body leads to Q`.
    pub liveness: Option<Liveness>,
}

/// What makes a formula a liveness property.
#[derive(Clone, Debug, PartialEq)]
pub enum Liveness {
    /// `eventually Q`: the formula's body is Q; the span is the keyword's.
    Eventually(Span),
    /// `P leads to Q`: the formula's body is P, this is Q.
    LeadsTo(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Article {
    pub number: Spanned<String>,
    pub title: Option<Spanned<String>>,
    pub clauses: Vec<Clause>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub name: Ident,
    /// `overrides a, b`: the clauses this one prevails over.
    pub overrides: Vec<Ident>,
    pub text: Option<Spanned<String>>,
    pub rules: Vec<Rule>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub kind: RuleKind,
    /// `under practice: …`: the readings the rule exists under (empty: all).
    pub under: Vec<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RuleKind {
    /// `on pattern [when cond]: effects unless …`
    On {
        pattern: EventPattern,
        when: Option<Expr>,
        block: EffectBlock,
    },
    /// `always expr`: a state constraint, or a transition constraint when it
    /// mentions primed names.
    Always(Expr),
    /// `may pattern [when cond]`: a permission of the event.
    May {
        pattern: EventPattern,
        when: Option<Expr>,
    },
    /// `must not pattern [when cond]`: a prohibition of the event.
    MustNot {
        pattern: EventPattern,
        when: Option<Expr>,
    },
    /// `on pattern [when cond]: must event(args) within duration`.
    Obligation {
        pattern: EventPattern,
        when: Option<Expr>,
        duty: Obligation,
    },
    /// `except in clause [when cond]: effects unless …`: an exception to
    /// every `on` rule of `clause`, read in that rule's scope.
    Except {
        clause: Ident,
        when: Option<Expr>,
        block: EffectBlock,
    },
    /// `defines a, b`: the defines (or constants) whose definition the
    /// clause's text is.
    Defines(Vec<Ident>),
}

/// What an obligation requires: an event (`_` for any argument) within a
/// time after the step that triggers it.
#[derive(Clone, Debug, PartialEq)]
pub struct Obligation {
    pub event: Ident,
    pub args: Option<Vec<Expr>>,
    pub within: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EventPattern {
    /// `regular_session(host, decided)`; `None` when written without parentheses.
    Event {
        name: Ident,
        bindings: Option<Vec<Ident>>,
    },
    /// `any event [except a, b]`
    Any { except: Vec<Ident>, span: Span },
}

/// Effects with their exceptions. Later siblings override earlier ones; a
/// nested exception overrides its parent.
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
    /// `forall o: Office when vacant(o).`: a quantified point update.
    pub forall: Option<EffectForall>,
    /// The primed name being assigned.
    pub target: Ident,
    /// Arguments of a point update `f'(a, b) = v`.
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
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `x' = v`
    Set,
    /// `s' += v`: the elements of `v` join the set.
    Add,
    /// `s' -= v`: the elements of `v` leave the set.
    Remove,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    pub kind: CommandKind,
    pub name: Ident,
    pub options: Vec<CommandOption>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CommandKind {
    Check,
    Prove,
    Scenario {
        text: Option<Spanned<String>>,
        goal: Expr,
    },
    /// `compare literal practice: chair, seats`: the command's name is the
    /// first reading; `second` the other, `locations` the states compared.
    Compare {
        second: Ident,
        locations: Vec<Ident>,
    },
    /// `diverge literal practice`: the name is the first reading.
    Diverge {
        second: Ident,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct CommandOption {
    pub kind: CommandOptionKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CommandOptionKind {
    Depth(Spanned<u64>),
    Scope(Vec<(Ident, Spanned<u64>)>),
    /// `expect E [allowing kind [subject], …]`.
    Expect(Expectation, Vec<Allowed>),
    /// `assuming fair e, f`: weak fairness of these events.
    Fair(Vec<Ident>),
    /// `decreasing M`: a measure hinted for a liveness proof, with its text
    /// as written (blanks collapsed), for the verdict to quote.
    Decreasing(Expr, String),
    /// `under practice`: the command runs under these readings only.
    Under(Vec<Ident>),
    /// `expect practice: E [allowing …]`: the expectation under a reading.
    ExpectUnder(Ident, Expectation, Vec<Allowed>),
}

impl CommandOptionKind {
    /// The option as a diagnostic names it (`depth`, `expect reading:`):
    /// two options with one key are one option given twice.
    pub fn key(&self) -> &'static str {
        match self {
            CommandOptionKind::Depth(_) => "depth",
            CommandOptionKind::Scope(_) => "scope",
            CommandOptionKind::Expect(..) => "expect",
            CommandOptionKind::Fair(_) => "assuming fair",
            CommandOptionKind::Decreasing(..) => "decreasing",
            CommandOptionKind::Under(_) => "under",
            CommandOptionKind::ExpectUnder(..) => "expect reading:",
        }
    }
}

/// One blocking an expectation acknowledges: a kind of blocking finding
/// (`clash`, `dead_event`, `dead_rule`, `dead_exception`, `dead_default`)
/// and, optionally, the event or clause it concerns.
#[derive(Clone, Debug, PartialEq)]
pub struct Allowed {
    pub kind: Ident,
    pub subject: Option<Ident>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expectation {
    Proved,
    Counterexample,
    NoCounterexample,
    Witness,
    NoWitness,
    Unknown,
}

impl AssignOp {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignOp::Set => "=",
            AssignOp::Add => "+=",
            AssignOp::Remove => "-=",
        }
    }
}

impl CommandKind {
    /// `compare` or `diverge`: a command about two readings at once.
    pub fn compares(&self) -> bool {
        matches!(
            self,
            CommandKind::Compare { .. } | CommandKind::Diverge { .. }
        )
    }
}

impl Expectation {
    pub fn as_str(self) -> &'static str {
        match self {
            Expectation::Proved => "proved",
            Expectation::Counterexample => "counterexample",
            Expectation::NoCounterexample => "no counterexample",
            Expectation::Witness => "witness",
            Expectation::NoWitness => "no witness",
            Expectation::Unknown => "unknown",
        }
    }
}

// ---------------------------------------------------------------- types

#[derive(Clone, Debug, PartialEq)]
pub struct Type {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    Bool,
    /// `Int` or `Int[lo..hi]`.
    Int(Option<(i64, i64)>),
    /// `Date` or `Date[lo..hi]` (days since 1970-01-01): a day of the
    /// civil calendar, shown as an ISO date.
    Date(Option<(i64, i64)>),
    Named(String),
    Option(Box<Type>),
    Set(Box<Type>),
    Function(Vec<Type>, Box<Type>),
}

// ---------------------------------------------------------------- expressions

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    None,
    /// `name`, `name'`, `name(args)`, `name'(args)`: a variable, constant,
    /// enum value, sort, define, parameter, bound variable or event.
    Name {
        name: Ident,
        primed: bool,
        args: Option<Vec<Expr>>,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `x is none` (`is_some == false`) or `x is some`.
    OptionTest {
        operand: Box<Expr>,
        is_some: bool,
    },
    /// `d is Saturday`: the date falls on that day of the week; `day` is
    /// its index in [`crate::civil::WEEKDAYS`] (0 is Monday).
    WeekdayTest {
        date: Box<Expr>,
        day: usize,
    },
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    SetLiteral(Vec<Expr>),
    Comprehension(Vec<Binder>, Box<Expr>),
    Quantified(Quantifier, Vec<Binder>, Box<Expr>),
    /// `sum x: T. e`: the total of an integer over the instances.
    Sum(Vec<Binder>, Box<Expr>),
    /// `6 months`.
    Duration(i64, TimeUnit),
    /// `2019-03-22`: a date, as days since 1970-01-01.
    Date(i64),
    /// `day of d`, `month of d`, `year of d`.
    CivilPart(CivilField, Box<Expr>),
    /// `first day of the month after d`, `last day of the year of d`.
    CivilBoundary {
        last: bool,
        period: CivilField,
        after: bool,
        date: Box<Expr>,
    },
    /// `2/3 of e`: a share, only as one side of a comparison.
    Fraction(i64, i64, Box<Expr>),
    /// `within d after e(args)` (`at_least == false`) or `at least d after e(args)`.
    TimeSince {
        at_least: bool,
        duration: Box<Expr>,
        event: Ident,
        args: Option<Vec<Expr>>,
    },
    /// `within d after date` (`at_least == false`) or `at least d after
    /// date`: a span after a date rather than after an event.
    DateSince {
        at_least: bool,
        duration: Box<Expr>,
        date: Box<Expr>,
    },
    /// `not later than date` (`before == false`) or `before date`.
    DateBound {
        before: bool,
        date: Box<Expr>,
    },
    /// `last e(args)`: the date of the event's last occurrence.
    Last {
        event: Ident,
        args: Option<Vec<Expr>>,
    },
    /// `happens e(args)`: the step that produced this state was `e` with
    /// these arguments; a name not yet bound binds its argument.
    Happens {
        event: Ident,
        args: Option<Vec<Expr>>,
    },
    /// `{ President: none, _: none }`: a function literal.
    FnLiteral(FnLiteral),
    /// `reading hosting { literal: a, practice: b }`: one arm per reading
    /// of the group; the checker keeps the arm of the reading selected.
    Reading {
        group: Ident,
        arms: Vec<(Ident, Expr)>,
    },
}

/// A function literal: its listed points with their values, and the value
/// `_` gives every other point.
#[derive(Clone, Debug, PartialEq)]
pub struct FnLiteral {
    pub entries: Vec<FnEntry>,
    /// `_: value`, with the span of the `_`.
    pub default: Option<(Span, Box<Expr>)>,
}

/// `point: value`, or `(a, b): value` for a function of several arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct FnEntry {
    pub point: Vec<Expr>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    /// `#s`: the cardinality of a set.
    Card,
    Once,
    Previously,
    Historically,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Iff,
    Implies,
    Since,
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    /// `A subset B`.
    Subset,
    Union,
    Intersect,
    Add,
    Sub,
    Mul,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    Forall,
    Exists,
    ExactlyOne,
    AtMostOne,
    No,
}

/// `x: T` or `x in S`.
#[derive(Clone, Debug, PartialEq)]
pub struct Binder {
    pub name: Ident,
    pub domain: Domain,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    Type(Type),
    /// Several binders written `a, b in S` share the same expression.
    Set(Expr),
}

impl UnaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Not => "not",
            UnaryOp::Neg => "-",
            UnaryOp::Card => "#",
            UnaryOp::Once => "once",
            UnaryOp::Previously => "previously",
            UnaryOp::Historically => "historically",
        }
    }

    pub fn is_temporal(self) -> bool {
        matches!(
            self,
            UnaryOp::Once | UnaryOp::Previously | UnaryOp::Historically
        )
    }
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Iff => "iff",
            BinaryOp::Implies => "implies",
            BinaryOp::Since => "since",
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Subset => "subset",
            BinaryOp::Union => "union",
            BinaryOp::Intersect => "intersect",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
        }
    }
}

impl Quantifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Quantifier::Forall => "forall",
            Quantifier::Exists => "exists",
            Quantifier::ExactlyOne => "exactly one",
            Quantifier::AtMostOne => "at most one",
            Quantifier::No => "no",
        }
    }
}

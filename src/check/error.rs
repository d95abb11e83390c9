//! Errors and warnings of the checker. The checker accumulates them: one run
//! reports every problem it can find, each with its own span.

use miette::Diagnostic;
use thiserror::Error;

use crate::span::Span;

// Where each error points, and which are warnings.
mod span;

#[derive(Clone, Debug, Error, Diagnostic, PartialEq, Eq)]
pub enum CheckError {
    #[error("unknown {kind} `{name}`")]
    #[diagnostic(code(charter::check::unknown_name))]
    UnknownName {
        kind: &'static str,
        name: String,
        #[label("not declared anywhere in this spec")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{name}` is {action} twice")]
    #[diagnostic(code(charter::check::duplicate_name), help("{help}"))]
    DuplicateName {
        name: String,
        /// "declared" (a global name or a parameter), "named" (in an
        /// effect rule's pattern) or "listed" (after `except`).
        action: &'static str,
        help: &'static str,
        #[label(primary, "{action} again here")]
        span: Span,
        #[label("first {action} here")]
        first: Span,
    },

    #[error("`{form}` in {place}")]
    #[diagnostic(
        code(charter::check::liveness_outside_assertion),
        help("`eventually` and `leads to` say what every infinite history reaches: only an assertion (`assert name: eventually …`) may say it; axioms, lemmas and `init`s hold state by state")
    )]
    LivenessOutsideAssertion {
        form: &'static str,
        place: &'static str,
        #[label("a liveness form here")]
        span: Span,
    },

    #[error("`assuming fair` on a command about {what}")]
    #[diagnostic(
        code(charter::check::fairness_without_liveness),
        help("fairness says which events cannot wait forever; it changes only what `eventually` and `leads to` mean: remove it, or check a liveness assertion")
    )]
    FairnessWithoutLiveness {
        what: &'static str,
        #[label("fairness assumed here")]
        span: Span,
    },

    #[error("a `decreasing` measure on a command about {what}")]
    #[diagnostic(
        code(charter::check::measure_without_liveness_proof),
        help("a measure helps prove that something eventually comes (`prove` of an `eventually` or `leads to` assertion); remove it here")
    )]
    MeasureWithoutLivenessProof {
        what: &'static str,
        #[label("measure given here")]
        span: Span,
    },

    #[error("a `decreasing` measure must be an integer, not {found}")]
    #[diagnostic(
        code(charter::check::measure_not_int),
        help("the measure is a number computed from the state, e.g. `#pending` or `20 - #stood_aside`; for a set, count it with `#`")
    )]
    MeasureNotInt {
        found: String,
        #[label("not an integer")]
        span: Span,
    },

    #[error("event `{event}` cannot be assumed fair: its parameter `{param}` has type {ty}")]
    #[diagnostic(
        code(charter::check::fair_event_not_enumerable),
        help("an event is enabled when its `requires` hold for some arguments; charter enumerates them, which it can do for Bool, Int ranges, enums and sorts, not for sets, options or functions")
    )]
    FairEventNotEnumerable {
        event: String,
        param: String,
        ty: String,
        #[label("assumed fair here")]
        span: Span,
    },

    #[error("`{name}` is {what}, not a type")]
    #[diagnostic(
        code(charter::check::not_a_type),
        help("types are `Bool`, `Int`, `Int[low..high]`, an enum or a sort, `T?`, `set T` and `A -> B`")
    )]
    NotAType {
        name: String,
        what: &'static str,
        #[label("used as a type here")]
        span: Span,
    },

    #[error("`{name}` is {what}, not {expected}")]
    #[diagnostic(code(charter::check::not_a_value))]
    NotAValue {
        name: String,
        what: &'static str,
        /// What the place needs: "a value", or "an event" in a rule's pattern.
        expected: &'static str,
        #[label("used as {expected} here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("`{name}` is {what}, not an assertion or lemma")]
    #[diagnostic(
        code(charter::check::not_a_property),
        help("`check` and `prove` name an `assert` or a `lemma`; use `scenario name: condition` to look for a history")
    )]
    NotAProperty {
        name: String,
        what: &'static str,
        #[label("this command needs a property")]
        span: Span,
    },

    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(charter::check::type_mismatch))]
    TypeMismatch {
        expected: String,
        found: String,
        #[label("this is {found}")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("cannot tell the type of {what} here")]
    #[diagnostic(code(charter::check::cannot_infer), help("{help}"))]
    CannotInfer {
        what: &'static str,
        help: &'static str,
        #[label("its type is unknown")]
        span: Span,
    },

    #[error("`{name}` takes {expected} argument{}, but {found} {} given", plural(*expected), were(*found))]
    #[diagnostic(code(charter::check::wrong_arity))]
    WrongArity {
        name: String,
        expected: usize,
        found: usize,
        #[label(primary, "{found} argument{} here", plural(*found))]
        span: Span,
        #[label("declared here")]
        declared: Option<Span>,
        #[help]
        help: Option<String>,
    },

    #[error("`{name}` is {what}; it takes no arguments")]
    #[diagnostic(
        code(charter::check::not_callable),
        help("only functions (`A -> B`), defines with parameters and events take arguments")
    )]
    NotCallable {
        name: String,
        what: &'static str,
        #[label("arguments given here")]
        span: Span,
    },

    #[error("a primed name (next state) cannot appear in {place}")]
    #[diagnostic(
        code(charter::check::prime_not_allowed),
        help("the next state `x'` exists only within a step: in effects, their `when` and `unless` conditions, and a clause's `always` constraint; a property looks back with `previously` instead")
    )]
    PrimeNotAllowed {
        place: &'static str,
        #[label("this refers to the next state")]
        span: Span,
    },

    #[error("`{name}` is {what}; only variables have a next state")]
    #[diagnostic(
        code(charter::check::prime_not_state),
        help("remove the `'`: parameters, bound variables, defines and values do not change from one state to the next")
    )]
    PrimeNotState {
        name: String,
        what: &'static str,
        #[label("primed here")]
        span: Span,
    },

    #[error("`{name}` is a constant and never changes")]
    #[diagnostic(
        code(charter::check::prime_on_const),
        help("declare it with `var` if events may change it")
    )]
    PrimeOnConst {
        name: String,
        #[label(primary, "a constant cannot be primed or assigned")]
        span: Span,
        #[label("declared `const` here")]
        declared: Span,
    },

    #[error("`{op}` looks at the past, which only properties can do")]
    #[diagnostic(
        code(charter::check::temporal_outside_property),
        help("past-time operators (`once`, `previously`, `historically`, `since`) belong in `assert`, `lemma` and `scenario`; here we are in {place}")
    )]
    TemporalOutsideProperty {
        op: &'static str,
        place: &'static str,
        #[label("not allowed in {place}")]
        span: Span,
    },

    #[error("the event `{name}` can only be tested in a property")]
    #[diagnostic(
        code(charter::check::event_outside_property),
        help("in `assert`, `lemma` and `scenario`, an event's name means 'the last step was this event'; here we are in {place}")
    )]
    EventOutsideProperty {
        name: String,
        place: &'static str,
        #[label("an event, used as a condition")]
        span: Span,
    },

    #[error("a name `happens` binds cannot be read in the past")]
    #[diagnostic(
        code(charter::check::happens_binding_in_past),
        help("under `once`, `previously`, `historically`, `since` or another event's arguments the name would stand for the argument of an earlier step; quantify instead: `exists p: Person. happens elect(p) and previously …`")
    )]
    HappensBindingInPast {
        #[label("bound by `happens`, read in the past")]
        span: Span,
    },

    #[error("cannot range over {ty}")]
    #[diagnostic(code(charter::check::not_enumerable))]
    NotEnumerable {
        ty: String,
        /// Why not: too many integers, or not plain values.
        reason: &'static str,
        #[label("{reason}")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("the range {low}..{high} is empty")]
    #[diagnostic(
        code(charter::check::empty_range),
        help("write the smaller bound first: `Int[{high}..{low}]`")
    )]
    EmptyRange {
        low: i64,
        high: i64,
        #[label("no integer lies in this range")]
        span: Span,
    },

    /// `what` reads "this sum", "this product", …; `value` is the bound
    /// that escapes, computed exactly.
    #[error("{what} can reach {value}, beyond the integers charter computes with")]
    #[diagnostic(
        code(charter::check::integer_overflow),
        help("charter computes exactly with integers from -9223372036854775808 to 9223372036854775807 (64 bits): every integer expression, and every part of it, must stay in that range for all values of the ranges it reads; narrow the declared ranges or use smaller numbers")
    )]
    IntegerOverflow {
        what: &'static str,
        value: String,
        #[label("can reach {value}")]
        span: Span,
    },

    /// `found` reads "the number 20" or "a value in Int[11..21]".
    #[error("{found} never fits in {expected}")]
    #[diagnostic(
        code(charter::check::int_out_of_range),
        help("widen the declared range, e.g. `Int[0..1000]`, or correct the value")
    )]
    IntOutOfRange {
        expected: String,
        found: String,
        #[label("always outside {expected}")]
        span: Span,
    },

    #[error("only multiplication by a constant number is supported")]
    #[diagnostic(
        code(charter::check::nonlinear),
        help("write one side as a number, e.g. `2 * votes`; products of two quantities are not decidable in the bounded arithmetic charter uses")
    )]
    Nonlinear {
        #[label("both sides vary")]
        span: Span,
    },

    #[error("the define `{name}` calls itself")]
    #[diagnostic(
        code(charter::check::recursive_define),
        help("defines are abbreviations and must not be recursive: {cycle}")
    )]
    RecursiveDefine {
        name: String,
        cycle: String,
        #[label("this call closes the cycle")]
        span: Span,
    },

    #[error("clause `{clause}` overrides itself")]
    #[diagnostic(
        code(charter::check::override_cycle),
        help("priority between clauses must run one way, but {path}; drop one `overrides` of the cycle")
    )]
    OverrideCycle {
        clause: String,
        /// The cycle, as a sentence: "`a` overrides `b` overrides `a`".
        path: String,
        #[label(primary, "this override closes a cycle")]
        span: Span,
        #[label(collection, "through this override")]
        others: Vec<Span>,
    },

    #[error("clause `{clause}` has no `on` rule with effects to make an exception to")]
    #[diagnostic(
        code(charter::check::exception_without_rule),
        help("`except in {clause}` narrows the effects of `{clause}`'s `on` rules; name a clause that has one")
    )]
    ExceptionWithoutRule {
        clause: String,
        #[label("an exception to this clause")]
        span: Span,
        #[label("the clause, without an `on` rule")]
        target: Span,
    },

    #[error("`before` here is the span `before d`, but `before` is also {what}")]
    #[diagnostic(
        code(charter::check::ambiguous_before),
        help(
            "`before d` means the date is earlier than `d`; rename the declaration to use it here"
        )
    )]
    AmbiguousBefore {
        what: &'static str,
        #[label("read as the span `before …`")]
        span: Span,
        #[label("declared here")]
        declared: Span,
    },

    #[error("clause `{clause}` has neither text nor rule")]
    #[diagnostic(
        code(charter::check::empty_clause),
        help("quote the text it encodes (`clause {clause} \"…\"`), give it a rule, or say what it defines (`defines name`)")
    )]
    EmptyClause {
        clause: String,
        #[label("an empty clause")]
        span: Span,
    },

    #[error("`{name}` is {what}; `defines` names defines and constants")]
    #[diagnostic(
        code(charter::check::not_definable),
        help("`defines` names the `define`s or `const`s whose definition the clause's text is")
    )]
    NotDefinable {
        name: String,
        what: &'static str,
        #[label("not a define or a constant")]
        span: Span,
    },

    #[error("the range of `{name}` cuts {cut} that {source_what} allows")]
    #[diagnostic(
        code(charter::check::narrowing_range),
        severity(Warning),
        help("{help}")
    )]
    NarrowingRange {
        name: String,
        /// `365`, `128..365`.
        cut: String,
        /// "axiom `days`".
        source_what: String,
        help: String,
        #[label("allows {cut}")]
        span: Span,
        #[label("declared here")]
        declared: Span,
    },

    #[error("`{name}` is {what}; only variables can be assigned")]
    #[diagnostic(
        code(charter::check::not_assignable),
        help("effects assign the next value of a `var`: `x' = …`, `f'(a) = …`, `s' += …`")
    )]
    NotAssignable {
        name: String,
        what: &'static str,
        #[label("assigned here")]
        span: Span,
    },

    #[error("the function `{name}` cannot be {action} as a whole")]
    #[diagnostic(
        code(charter::check::function_value),
        help("functions are read and updated point by point: `{name}(x)`, `{name}'(x) = v`; constrain their values with `init` or `axiom`")
    )]
    FunctionValue {
        name: String,
        action: &'static str,
        #[label("a whole function here")]
        span: Span,
    },

    #[error("the function parameter `{param}` of `{event}` takes a new name or `_` in `happens`")]
    #[diagnostic(
        code(charter::check::function_argument),
        help("`happens {event}(v)` binds the step's function to a new name `v`, read point by point (`v(x)`); functions are not compared as a whole")
    )]
    FunctionArgument {
        event: String,
        param: String,
        #[label("not a new name")]
        span: Span,
    },

    #[error("a set comprehension binds exactly one variable, found {found}")]
    #[diagnostic(
        code(charter::check::comprehension_arity),
        help("write `{{x: T | condition}}`; sets of pairs are not supported")
    )]
    ComprehensionArity {
        found: usize,
        #[label("one binder expected")]
        span: Span,
    },

    #[error("`{option}` is given twice")]
    #[diagnostic(
        code(charter::check::duplicate_option),
        help("give each option of a command once")
    )]
    DuplicateOption {
        option: String,
        #[label(primary, "given again here")]
        span: Span,
        #[label("first given here")]
        first: Span,
    },

    #[error("{option} {value} is out of range")]
    #[diagnostic(code(charter::check::option_out_of_range), help("{advice}"))]
    OptionOutOfRange {
        option: &'static str,
        value: u64,
        allowed: String,
        advice: &'static str,
        #[label("allowed: {allowed}")]
        span: Span,
    },

    #[error("`{name}` is {what}; only abstract sorts take a scope")]
    #[diagnostic(
        code(charter::check::scope_not_abstract),
        help("an enum's values are fixed by its declaration; scopes size `sort` declarations")
    )]
    ScopeNotAbstract {
        name: String,
        what: &'static str,
        #[label("not an abstract sort")]
        span: Span,
    },

    #[error("scope {sort} = {size} is smaller than the {names} elements `{sort}` names")]
    #[diagnostic(
        code(charter::check::scope_below_names),
        help("named elements are distinct elements of the sort, so every scope holds them all: raise the scope to at least {names}, or name fewer elements")
    )]
    ScopeBelowNames {
        sort: String,
        size: u64,
        names: usize,
        #[label("at least {names}")]
        span: Span,
        #[label("names {names} elements")]
        declared: Span,
    },

    #[error("command `{name}` is too large to encode: {size}")]
    #[diagnostic(
        code(charter::check::command_too_large),
        help("most of it is {largest}: lower the scope of the sorts it ranges over (`scope Sort = n`), or the command's depth")
    )]
    CommandTooLarge {
        name: String,
        size: String,
        largest: String,
        #[label("this command")]
        span: Span,
    },

    #[error("a `{command}` can never end with `{expectation}`")]
    #[diagnostic(
        code(charter::check::impossible_expectation),
        help("a `{command}` can end with {possible}")
    )]
    ImpossibleExpectation {
        command: &'static str,
        expectation: &'static str,
        possible: &'static str,
        #[label("impossible for this command")]
        span: Span,
    },

    #[error("`{kind}` is not something a verdict can rest on")]
    #[diagnostic(
        code(charter::check::unknown_blocking),
        help("`allowing` names blockings as `charter lint` does: `clash` or `dead_event` (with an event), `dead_rule`, `dead_exception` or `dead_default` (with a clause){suggestion}")
    )]
    UnknownBlocking {
        kind: String,
        suggestion: String,
        #[label("not a kind of blocking")]
        span: Span,
    },

    #[error("`allowing` qualifies a verdict that holds, not `{expectation}`")]
    #[diagnostic(
        code(charter::check::misplaced_allowing),
        help("a counterexample, a witness or an unknown rests on nothing that clauses block; use `allowing` after `expect proved`, `expect no counterexample` or `expect no witness`")
    )]
    MisplacedAllowing {
        expectation: &'static str,
        #[label("nothing to allow here")]
        span: Span,
    },

    #[error("a constant's value cannot depend on {what} `{name}`")]
    #[diagnostic(
        code(charter::check::state_in_const),
        help("a constant is fixed for the whole history; its value may use numbers, enum values and other constants")
    )]
    StateInConst {
        name: String,
        what: &'static str,
        #[label("changes over time")]
        span: Span,
    },

    /// `what`: "a duration", "`now`", "`last notify`", …
    #[error("{what} needs a calendar")]
    #[diagnostic(
        code(charter::check::no_calendar),
        help("declare one, e.g. `calendar days 0..730`: then every step carries a date")
    )]
    NoCalendar {
        what: String,
        #[label("dates exist only in a spec with a calendar")]
        span: Span,
    },

    #[error("{what} needs a civil calendar")]
    #[diagnostic(
        code(charter::check::no_civil_calendar),
        help("declare the calendar with real dates, e.g. `calendar dates 2019-01-01..2030-12-31`: then dates, months and years are the Gregorian ones")
    )]
    NoCivilCalendar {
        what: String,
        #[label("needs `calendar dates …`")]
        span: Span,
    },

    #[error("{what} spans about {months} months, more than the {max} a civil lookup unrolls")]
    #[diagnostic(
        code(charter::check::civil_range_too_wide),
        help("a month or year is looked up in a table over the dates the operand can take: bound the operand, e.g. a variable `Int[…]` within the calendar's range")
    )]
    CivilRangeTooWide {
        what: String,
        months: usize,
        max: usize,
        #[label("this operand may lie anywhere in {low}..{high}")]
        span: Span,
        low: String,
        high: String,
    },

    #[error("{count} {unit} is no fixed number of days in a civil calendar")]
    #[diagnostic(
        code(charter::check::civil_duration),
        help("months and years have different lengths: add them to a date (`d + 3 months`, the same day or the month's last), count days or weeks (`30 days`), or name the date: `first day of the month after d`, `last day of the year of d`")
    )]
    CivilDuration {
        count: i64,
        unit: &'static str,
        #[label("not a fixed number of days")]
        span: Span,
    },

    #[error("a duration in {found} cannot be counted in the calendar's {calendar}")]
    #[diagnostic(code(charter::check::duration_unit), help("{help}"))]
    DurationUnit {
        found: &'static str,
        calendar: &'static str,
        help: String,
        #[label("written in {found}")]
        span: Span,
        #[label("the calendar counts {calendar}")]
        declared: Span,
    },

    #[error(
        "{what} would expand into about {nodes} expression nodes, more than the {limit} allowed"
    )]
    #[diagnostic(
        code(charter::check::expansion_too_large),
        help("`next` becomes a choice among the enum's values, and `next(x, s)` a choice among them for each; nested or over a large enum that grows fast: keep the intermediate value in a variable (`var v: …`) or narrow the enum")
    )]
    ExpansionTooLarge {
        what: String,
        nodes: u128,
        limit: u128,
        #[label("expanded here")]
        span: Span,
    },

    #[error("the values of {what} have no order")]
    #[diagnostic(code(charter::check::no_order))]
    NoOrder {
        what: String,
        #[label("`next` needs a value of an enum")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("a share `{numerator}/{denominator} of …` stands only on one side of a comparison")]
    #[diagnostic(
        code(charter::check::misplaced_share),
        help("compare a count with it, e.g. `#yes >= 2/3 of #present`; charter then compares `3 * #yes >= 2 * #present`, exactly, with no rounding")
    )]
    MisplacedShare {
        numerator: i64,
        denominator: i64,
        #[label("used here")]
        span: Span,
    },

    #[error("the share `{numerator}/{denominator}` {problem}")]
    #[diagnostic(
        code(charter::check::bad_share),
        help("a share is a fraction `p/q` with 0 <= p <= q and q > 0 of a number that can be positive, e.g. `2/3 of #present`")
    )]
    BadShare {
        numerator: i64,
        denominator: i64,
        /// "has a zero denominator", "is more than the whole", "is of a number that is never positive (an empty body)"
        problem: &'static str,
        #[label("here")]
        span: Span,
    },

    #[error("`{event}` would create the duty it fulfils")]
    #[diagnostic(
        code(charter::check::self_obligation),
        help("a step of the event owed fulfils the duty, so it cannot also create it; let another event create it, e.g. `on decide: must {event} within …`")
    )]
    SelfObligation {
        event: String,
        #[label("owed by its own step")]
        span: Span,
    },

    #[error("`{name}` looks like `{other}`")]
    #[diagnostic(
        code(charter::check::confusable_names),
        severity(Warning),
        help("{help}")
    )]
    ConfusableNames {
        name: String,
        other: String,
        help: String,
        #[label(primary, "looks like `{other}` but is another name")]
        span: Span,
        #[label("`{other}` is declared here")]
        first: Span,
    },

    #[error("`{name}` looks like the reserved word `{keyword}`")]
    #[diagnostic(
        code(charter::check::confusable_names),
        severity(Warning),
        help("{help}")
    )]
    ConfusableKeyword {
        name: String,
        keyword: &'static str,
        help: String,
        #[label("a name, not the reserved word `{keyword}`")]
        span: Span,
    },

    #[error("the name `{name}` mixes {scripts} letters")]
    #[diagnostic(
        code(charter::check::mixed_script_name),
        severity(Warning),
        help("{help}")
    )]
    MixedScriptName {
        name: String,
        /// "Latin and Cyrillic".
        scripts: String,
        help: String,
        #[label("letters of several scripts")]
        span: Span,
    },

    #[error("{what} `{name}` is never used")]
    #[diagnostic(code(charter::check::unused), severity(Warning))]
    Unused {
        what: &'static str,
        name: String,
        #[label("declared here")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error(transparent)]
    #[diagnostic(transparent)]
    Literal(Box<super::fn_literal::LiteralError>),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Reading(Box<super::readings::ReadingError>),
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn were(n: usize) -> &'static str {
    if n == 1 {
        "was"
    } else {
        "were"
    }
}

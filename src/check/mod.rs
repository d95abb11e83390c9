//! [`ast::Charter`] to [`hir::Charter`]: name resolution (with "did you
//! mean"), types and arities, and the rules about where the next state and
//! the past may be mentioned. Errors accumulate; one run reports them all.
//!
//! The passes: collect every declared name; resolve sorts, then the types of
//! constants, variables, events and defines; then check every expression
//! (defines on first use, which is how recursion is caught); finally report
//! declarations that nothing uses, and names that look alike or mix
//! scripts, as warnings.
//!
//! This file: the checker's state, the order of the passes, defines (checked
//! on first use), unused declarations and the finished [`hir::Charter`].
//! `resolve.rs`: passes 1–3 (names, sorts, signatures) and name lookup with
//! suggestions; `rules.rs`: pass 4 for declarations, clauses, rules,
//! effects and `overrides`; `commands.rs`: commands, their options and
//! expectations; `expr.rs`: expressions; `time.rs` and `duties.rs`:
//! calendars and duties into ordinary declarations; `types.rs`: types
//! written in the spec; `confusable.rs`: names that look alike.

mod civil;
mod civil_spans;
mod commands;
mod compare;
mod confusable;
mod duties;
mod error;
mod exceptions;
mod expr;
mod fn_literal;
mod liveness;
mod narrowing;
mod order;
pub mod readings;
mod resolve;
mod rules;
pub mod size;
mod time;
mod types;

pub use error::CheckError;

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::ast;
use crate::hir::{self, *};
use crate::span::{Ident, Span};
use resolve::suggest;

/// A successful check: the typed spec and any warnings.
#[derive(Debug)]
pub struct Checked {
    /// The spec (under its first choice of readings, if it has readings).
    pub charter: hir::Charter,
    pub warnings: Vec<CheckError>,
    /// Under each other choice of readings, in [`hir::Selection::all`]'s
    /// order (empty for a spec without readings).
    pub other_readings: Vec<hir::Charter>,
    /// `compare` and `diverge` commands: two readings side by side.
    pub comparisons: Vec<hir::Comparison>,
}

impl Checked {
    /// The spec under each choice of readings, in order: one charter for a
    /// spec without readings.
    pub fn selections(&self) -> impl Iterator<Item = &hir::Charter> {
        std::iter::once(&self.charter).chain(&self.other_readings)
    }

    /// The spec under the readings named (one per group, e.g.
    /// `["practice"]`), or `None` if they name no choice.
    pub fn under(&self, readings: &[&str]) -> Option<&hir::Charter> {
        let selection = hir::Selection::named(&self.charter.readings, readings)?;
        self.selections().find(|c| c.selection == selection)
    }
}

/// Checks a parsed spec. On failure, the errors (without warnings) in source
/// order. A spec with readings is checked under each choice of readings
/// ([`readings`]): an error under any is an error; a warning is kept when
/// every choice gives it.
pub fn check(charter: &ast::Charter) -> Result<Checked, Vec<CheckError>> {
    let mut errors = Vec::new();
    let (groups, selections) = readings::groups(charter, &mut errors);
    if groups.is_empty() && errors.is_empty() {
        let comparing = compare::without_readings(charter);
        if !comparing.is_empty() {
            return Err(comparing);
        }
        return check_under(charter, Vec::new(), hir::Selection::default());
    }
    readings::check_uses(charter, &groups, &mut errors);
    readings::check_expectations(charter, &groups, &selections, &mut errors);
    let mut checked = Vec::new();
    for selection in selections {
        let projected = readings::project(charter, &groups, &selection);
        match check_under(&projected, groups.clone(), selection) {
            Ok(one) => checked.push(one),
            Err(more) => errors.extend(more),
        }
    }
    let comparisons = match checked.first() {
        Some(first) => compare::comparisons(charter, &groups, &first.charter, &mut errors),
        None => Vec::new(),
    };
    if !errors.is_empty() {
        let mut seen = std::collections::HashSet::new();
        errors.retain(|e| seen.insert(format!("{e:?}")));
        errors.sort_by_key(|e| e.span());
        return Err(errors);
    }
    let mut selections = checked.into_iter();
    let Some(first) = selections.next() else {
        return Err(errors);
    };
    let others: Vec<Checked> = selections.collect();
    let everywhere = |warning: &CheckError| {
        others
            .iter()
            .all(|other| other.warnings.iter().any(|w| w == warning))
    };
    let warnings = first
        .warnings
        .iter()
        .filter(|w| everywhere(w))
        .cloned()
        .collect();
    Ok(Checked {
        charter: first.charter,
        warnings,
        other_readings: others.into_iter().map(|o| o.charter).collect(),
        comparisons,
    })
}

/// [`check`] under one choice of readings, on the spec as read under it.
fn check_under(
    charter: &ast::Charter,
    reading_groups: Vec<hir::ReadingGroup>,
    selection: hir::Selection,
) -> Result<Checked, Vec<CheckError>> {
    let mut checker = Checker {
        reading_groups,
        selection,
        ..Checker::default()
    };
    checker.run(charter);
    let mut diagnostics = std::mem::take(&mut checker.diagnostics);
    diagnostics.sort_by_key(|d| (d.span(), d.is_warning()));
    if diagnostics.iter().any(|d| !d.is_warning()) {
        // Checking abandons an expression at its first error, so what an
        // invalid spec leaves unread is not reliably unused (a misspelt
        // `chiar` would make `chair` look unused): report the errors alone.
        diagnostics.retain(|d| !d.is_warning());
        return Err(diagnostics);
    }
    match checker.finish(charter) {
        Some(charter) => {
            let too_large = size::too_large(&charter);
            if !too_large.is_empty() {
                return Err(too_large);
            }
            Ok(Checked {
                charter,
                warnings: diagnostics,
                other_readings: Vec::new(),
                comparisons: Vec::new(),
            })
        }
        None => Err(diagnostics),
    }
}

/// What a global name refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Global {
    Sort(SortId),
    EnumValue(SortId, usize),
    State(StateId),
    Event(EventId),
    Define(DefineId),
    Formula(FormulaId),
    Clause,
    Scenario,
}

/// A command's options once checked: depth, scopes, expectation and what
/// the expectation allows.
type CommandOptions = (
    Option<u64>,
    Vec<(SortId, u64)>,
    Option<Expectation>,
    Vec<Allowance>,
);

/// Where an expression stands, which decides what it may mention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Axiom,
    Init,
    Lemma,
    Assert,
    Scenario,
    Requires,
    Define,
    VarInit,
    ConstValue,
    Effect,
    Condition,
    Constraint,
    /// A liveness proof's `decreasing` measure: the state only.
    Measure,
}

impl Place {
    fn describe(self) -> &'static str {
        match self {
            Place::Axiom => "an axiom",
            Place::Init => "an `init` condition",
            Place::Lemma => "a lemma",
            Place::Assert => "an assertion",
            Place::Scenario => "a scenario",
            Place::Requires => "an event's `requires` guard",
            Place::Define => "a define",
            Place::VarInit => "a variable's initial value",
            Place::ConstValue => "a constant's value",
            Place::Effect => "an effect",
            Place::Condition => "a `when` or `unless` condition",
            Place::Constraint => "a clause's `always` constraint",
            Place::Measure => "a `decreasing` measure",
        }
    }

    /// The next state exists only within a step.
    fn allows_primes(self) -> bool {
        matches!(self, Place::Effect | Place::Condition | Place::Constraint)
    }

    /// The past, and events as conditions, only in properties.
    fn is_property(self) -> bool {
        matches!(self, Place::Lemma | Place::Assert | Place::Scenario)
    }
}

#[derive(Clone, Debug)]
enum DefineState {
    Pending,
    InProgress,
    Done,
}

#[derive(Default)]
struct Checker {
    diagnostics: Vec<CheckError>,
    /// The spec's readings and the one per group this run checks under.
    reading_groups: Vec<hir::ReadingGroup>,
    selection: hir::Selection,
    globals: IndexMap<String, (Global, Span)>,

    sorts: Vec<Sort>,
    states: Vec<StateDecl>,
    events: Vec<Event>,
    /// Per event: whether each parameter is used (in a guard, or named by a
    /// clause's pattern).
    event_param_used: Vec<Vec<bool>>,
    /// `fair event e`: assumed by every liveness command (the word's span).
    declared_fair: Vec<Fairness>,
    /// Signatures are known before bodies; `define_bodies` fills in as each
    /// is checked.
    define_sigs: Vec<DefineSig>,
    define_decls: Vec<ast::DefineDecl>,
    define_bodies: Vec<Option<Expr>>,
    define_state: Vec<DefineState>,
    define_stack: Vec<DefineId>,
    formulas: Vec<Formula>,
    /// Each formula's kind, known from pass 1 (before `formulas` fills).
    formula_kinds: Vec<FormulaKind>,
    clauses: Vec<Clause>,
    commands: Vec<Command>,

    locals: Vec<Local>,
    local_used: Vec<bool>,
    /// Locals whose declared type was wrong (and reported): they hold a
    /// placeholder type, so their uses are not checked further.
    local_broken: Vec<bool>,
    /// Locals in scope, innermost last.
    scope: Vec<LocalId>,
    /// Locals that stand for an expression: the names `happens e(x)` binds,
    /// each the argument of the step (`hir::ExprKind::EventArg`).
    aliases: HashMap<LocalId, Expr>,
    /// The names of the locals the spec writes (parameters, bindings,
    /// binders), not those the checker makes up, for `confusable.rs`.
    written_locals: Vec<Ident>,

    sort_used: Vec<bool>,
    state_used: Vec<bool>,
    /// Constants and variables whose declared type was wrong (and reported),
    /// as `local_broken`.
    state_broken: Vec<bool>,
    define_used: Vec<bool>,

    /// The calendar, if the spec declares one (the first, if several).
    calendar: Option<time::CalendarInfo>,
    /// Per event: its `date` parameter (with a calendar), which joins the
    /// event's parameters when checking finishes.
    date_params: Vec<LocalId>,
    /// The event whose guards are being checked.
    current_event: Option<EventId>,
    last_monitors: Vec<time::LastMonitor>,
    calendar_decl: Option<Calendar>,
    /// States and parameters declared `Date` ([`Calendar::dated_states`]).
    dated_states: Vec<StateId>,
    dated_locals: Vec<LocalId>,
    /// Function arguments declared `Date` ([`Calendar::dated_state_args`]).
    dated_state_args: Vec<(StateId, usize)>,
    dated_local_args: Vec<(LocalId, usize)>,
    /// Per sort: its values in the order `next` follows (declared, or
    /// alphabetical); empty for abstract sorts.
    sort_order: Vec<Vec<usize>>,

    /// Clauses with obligations, whose names are assertions.
    duty_clauses: Vec<String>,
    /// Per event: its permissions (`may`), joined into one guard at the end.
    permissions: Vec<Vec<Expr>>,
    duties: Vec<duties::PendingDuty>,
    /// Per clause checked (as `clauses`): the names after `overrides`.
    override_names: Vec<Vec<Ident>>,
    /// Per clause checked: the clauses it is an exception to.
    exception_names: Vec<Vec<Ident>>,
    /// Every clause of the charter as written, by name: an exception is
    /// checked in the scope of the rules it excepts.
    clause_asts: HashMap<String, ast::Clause>,
    /// The `init`s and axioms that function literals give states, added
    /// when checking finishes.
    literal_formulas: Vec<Formula>,
    /// What "did you mean" has compared so far ([`resolve::SUGGESTION_WORK`]).
    suggestion_work: usize,
}

#[derive(Clone, Debug)]
struct DefineSig {
    name: String,
    /// `None` when declared without parentheses.
    params: Option<Vec<LocalId>>,
    declared: Option<Type>,
    /// The body's type once checked (or the declared type).
    ty: Option<Type>,
    span: Span,
    name_span: Span,
    /// Where the body reads `now`: its parameter for the date where the
    /// define is used (each call passes its own `now`).
    now: Option<LocalId>,
}

impl Checker {
    fn error(&mut self, error: CheckError) {
        self.diagnostics.push(error);
    }

    fn run(&mut self, charter: &ast::Charter) {
        self.collect_names(charter);
        self.clause_asts = exceptions::clauses_by_name(charter);
        self.collect_duties(charter);
        self.resolve_sorts(charter);
        self.resolve_signatures(charter);
        for item in &charter.items {
            self.check_item(item);
        }
        self.resolve_overrides();
        // Defines that nothing called are still checked.
        for index in 0..self.define_sigs.len() {
            self.ensure_define(DefineId(index), None);
        }
        self.report_unused();
        self.report_confusables();
        self.report_narrowing();
    }

    // ------------------------------------------------------------ defines

    /// Checks a define's body if that has not happened yet; reports a cycle
    /// when the define is already being checked further up.
    pub(super) fn ensure_define(&mut self, id: DefineId, call: Option<Span>) {
        match self.define_state[id.0] {
            DefineState::Done => return,
            DefineState::InProgress => {
                let start = self.define_stack.iter().position(|d| *d == id).unwrap_or(0);
                let mut names: Vec<String> = self.define_stack[start..]
                    .iter()
                    .map(|d| self.define_sigs[d.0].name.clone())
                    .collect();
                names.push(self.define_sigs[id.0].name.clone());
                self.error(CheckError::RecursiveDefine {
                    name: self.define_sigs[id.0].name.clone(),
                    cycle: names.join(" → "),
                    span: call.unwrap_or(self.define_sigs[id.0].name_span),
                });
                return;
            }
            DefineState::Pending => {}
        }
        let decl = self.define_decls[id.0].clone();
        self.define_state[id.0] = DefineState::InProgress;
        self.define_stack.push(id);
        // The body sees its parameters and nothing from the call site.
        let outer_scope = std::mem::take(&mut self.scope);
        let params = self.define_sigs[id.0].params.clone().unwrap_or_default();
        self.scope.extend(params.iter().copied());
        let declared = self.define_sigs[id.0].declared.clone();
        let body = match &declared {
            Some(ty) => self.expr_expecting(&decl.body, ty, Place::Define),
            None => self.expr(&decl.body, None, Place::Define),
        };
        self.scope = outer_scope;
        self.define_stack.pop();
        self.define_state[id.0] = DefineState::Done;
        if let Some(body) = &body {
            if declared.is_none() {
                self.define_sigs[id.0].ty = Some(body.ty.clone());
            }
        }
        self.define_bodies[id.0] = body;
    }

    /// The parameter that carries `now` into `define`'s body (made on
    /// its first `now`).
    pub(super) fn define_now(&mut self, define: DefineId, ty: Type, span: Span) -> LocalId {
        if let Some(local) = self.define_sigs[define.0].now {
            return local;
        }
        let local = LocalId(self.locals.len());
        self.locals.push(hir::Local {
            name: "now".into(),
            args: Vec::new(),
            ty,
            provenance: Provenance::Calendar,
            span,
        });
        self.local_used.push(true);
        self.local_broken.push(false);
        self.define_sigs[define.0].now = Some(local);
        local
    }

    // ------------------------------------------------------------ pass 5: unused

    fn report_unused(&mut self) {
        let mut unused = Vec::new();
        for (index, sort) in self.sorts.iter().enumerate() {
            if !self.sort_used[index] {
                let what = match sort.kind {
                    SortKind::Enum(_) => "the enum",
                    SortKind::Abstract => "the sort",
                };
                unused.push((what, sort.name.clone(), sort.span, None));
            }
        }
        for (index, state) in self.states.iter().enumerate() {
            if !self.state_used[index] {
                let what = match state.kind {
                    StateKind::Const => "the constant",
                    StateKind::Var => "the variable",
                };
                unused.push((what, state.name.clone(), state.span, None));
            }
        }
        for (index, define) in self.define_sigs.iter().enumerate() {
            if !self.define_used[index] {
                unused.push(("the define", define.name.clone(), define.name_span, None));
            }
        }
        for (event_index, event) in self.events.iter().enumerate() {
            for (index, local) in event.params.iter().enumerate() {
                let local = &self.locals[local.0];
                if !self.event_param_used[event_index][index] && !local.name.starts_with('_') {
                    unused.push((
                        "the parameter",
                        local.name.clone(),
                        local.span,
                        Some(format!(
                            "no guard or clause of `{}` reads it; prefix it with `_` if that is intended",
                            event.name
                        )),
                    ));
                }
            }
        }
        let event_params: Vec<LocalId> =
            self.events.iter().flat_map(|e| e.params.clone()).collect();
        for (index, local) in self.locals.iter().enumerate() {
            if !self.local_used[index] && !event_params.contains(&LocalId(index)) {
                unused.push((
                    "the name",
                    local.name.clone(),
                    local.span,
                    Some("write `_` for a value you do not need".into()),
                ));
            }
        }
        for (what, name, span, help) in unused {
            self.error(CheckError::Unused {
                what,
                name,
                span,
                help,
            });
        }
    }

    fn finish(mut self, charter: &ast::Charter) -> Option<hir::Charter> {
        self.finish_duties();
        self.finish_calendar();
        let literals = std::mem::take(&mut self.literal_formulas);
        self.formulas.extend(literals);
        // As many as pending, in order: provenance indexes them.
        let duties = self
            .duties
            .iter()
            .map(|duty| Duty {
                clause: duty.clause_id,
                event: duty.event,
                due: duty.due,
                keyed: duty.keyed.clone(),
                span: duty.span,
            })
            .collect();
        let defines = self
            .define_sigs
            .into_iter()
            .zip(self.define_bodies)
            .map(|(sig, body)| {
                let mut params = sig.params.unwrap_or_default();
                params.extend(sig.now);
                Some(Define {
                    name: sig.name,
                    params,
                    ty: sig.ty?,
                    body: body?,
                    span: sig.span,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(hir::Charter {
            title: charter.title.node.clone(),
            sorts: self.sorts,
            states: self.states,
            events: self.events,
            defines,
            locals: self.locals,
            formulas: self.formulas,
            clauses: self.clauses,
            commands: self.commands,
            calendar: self.calendar_decl,
            duties,
            readings: self.reading_groups,
            selection: self.selection,
        })
    }
}

//! [`ast::Charter`] to [`hir::Charter`]: name resolution (with "did you
//! mean"), types and arities, and the rules about where the next state and
//! the past may be mentioned. Errors accumulate; one run reports them all.
//!
//! The passes: collect every declared name; resolve sorts, then the types of
//! constants, variables, events and defines; then check every expression
//! (defines on first use, which is how recursion is caught); finally report
//! declarations that nothing uses, as warnings.

mod duties;
mod error;
mod expr;
pub mod size;
mod time;
mod types;

pub use error::CheckError;

use indexmap::IndexMap;

use crate::ast;
use crate::hir::{self, *};
use crate::span::{Ident, Span};

/// A successful check: the typed spec and any warnings.
#[derive(Debug)]
pub struct Checked {
    pub charter: hir::Charter,
    pub warnings: Vec<CheckError>,
}

/// Checks a parsed spec. On failure, the errors (without warnings) in source
/// order.
pub fn check(charter: &ast::Charter) -> Result<Checked, Vec<CheckError>> {
    let mut checker = Checker::default();
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
    globals: IndexMap<String, (Global, Span)>,

    sorts: Vec<Sort>,
    states: Vec<StateDecl>,
    events: Vec<Event>,
    /// Per event: whether each parameter is used (in a guard, or named by a
    /// clause's pattern).
    event_param_used: Vec<Vec<bool>>,
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
    /// Per sort: its values in the order `next` follows (declared, or
    /// alphabetical); empty for abstract sorts.
    sort_order: Vec<Vec<usize>>,

    /// Clauses with obligations, whose names are assertions.
    duty_clauses: Vec<String>,
    /// Per event: its permissions (`may`), joined into one guard at the end.
    permissions: Vec<Vec<Expr>>,
    /// The `init`s written for monitors (see `hir::Charter::monitor_inits`).
    monitor_inits: Vec<FormulaId>,
    duties: Vec<duties::PendingDuty>,
    /// Per clause checked (as `clauses`): the names after `overrides`.
    override_names: Vec<Vec<Ident>>,
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
}

impl Checker {
    fn error(&mut self, error: CheckError) {
        self.diagnostics.push(error);
    }

    fn run(&mut self, charter: &ast::Charter) {
        self.collect_names(charter);
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
    }

    // ------------------------------------------------------------ pass 1: names

    fn declare(&mut self, name: &Ident, global: Global) {
        if let Some((_, first)) = self.globals.get(&name.node) {
            let first = *first;
            self.error(CheckError::DuplicateName {
                name: name.node.clone(),
                action: "declared",
                help: "every declaration, enum value, clause and scenario needs its own name; rename one of them",
                span: name.span,
                first,
            });
            return;
        }
        self.globals.insert(name.node.clone(), (global, name.span));
    }

    fn collect_names(&mut self, charter: &ast::Charter) {
        let mut sorts = 0;
        let mut states = 0;
        let mut events = 0;
        let mut defines = 0;
        let mut formulas = 0;
        let mut calendar = None;
        for item in &charter.items {
            match &item.kind {
                ast::ItemKind::Calendar(decl) => {
                    // The calendar's clause bears its name.
                    self.declare(
                        &Ident {
                            node: "calendar".into(),
                            span: item.span,
                        },
                        Global::Clause,
                    );
                    calendar.get_or_insert((decl.clone(), item.span));
                }
                ast::ItemKind::Enum(decl) => {
                    let id = SortId(sorts);
                    sorts += 1;
                    self.declare(&decl.name, Global::Sort(id));
                    for (index, value) in decl.values.iter().enumerate() {
                        self.declare(value, Global::EnumValue(id, index));
                    }
                }
                ast::ItemKind::Sort(decl) => {
                    let id = SortId(sorts);
                    sorts += 1;
                    self.declare(&decl.name, Global::Sort(id));
                    // Named elements are constants of the sort, like enum
                    // values.
                    for (index, name) in decl.names.iter().enumerate() {
                        self.declare(name, Global::EnumValue(id, index));
                    }
                }
                ast::ItemKind::Const(decl) | ast::ItemKind::Var(decl) => {
                    self.declare(&decl.name, Global::State(StateId(states)));
                    states += 1;
                }
                ast::ItemKind::Event(decl) => {
                    self.declare(&decl.name, Global::Event(EventId(events)));
                    events += 1;
                }
                ast::ItemKind::Define(decl) => {
                    self.declare(&decl.name, Global::Define(DefineId(defines)));
                    defines += 1;
                }
                ast::ItemKind::Axiom(f)
                | ast::ItemKind::Init(f)
                | ast::ItemKind::Lemma(f)
                | ast::ItemKind::Assert(f) => {
                    self.declare(&f.name, Global::Formula(FormulaId(formulas)));
                    self.formula_kinds.push(match item.kind {
                        ast::ItemKind::Axiom(_) => FormulaKind::Axiom,
                        ast::ItemKind::Init(_) => FormulaKind::Init,
                        ast::ItemKind::Lemma(_) => FormulaKind::Lemma,
                        _ => FormulaKind::Assert,
                    });
                    formulas += 1;
                }
                ast::ItemKind::Article(article) => {
                    for clause in &article.clauses {
                        self.declare(&clause.name, Global::Clause);
                    }
                }
                ast::ItemKind::Clause(clause) => self.declare(&clause.name, Global::Clause),
                ast::ItemKind::Command(command) => {
                    if let ast::CommandKind::Scenario { .. } = command.kind {
                        self.declare(&command.name, Global::Scenario);
                    }
                }
            }
        }
        if let Some((decl, span)) = calendar {
            let now = StateId(states);
            self.declare(
                &Ident {
                    node: "now".into(),
                    span,
                },
                Global::State(now),
            );
            let range = IntRange {
                low: decl.low,
                high: decl.high,
            };
            if range.low > range.high {
                self.error(CheckError::EmptyRange {
                    low: range.low,
                    high: range.high,
                    span,
                });
            }
            self.calendar = Some(time::CalendarInfo {
                unit: decl.unit.node,
                unit_span: decl.unit.span,
                range,
                span,
                now,
            });
        }
    }

    // ------------------------------------------------------------ pass 2: sorts

    fn resolve_sorts(&mut self, charter: &ast::Charter) {
        for item in &charter.items {
            match &item.kind {
                ast::ItemKind::Enum(decl) => {
                    let mut order: Vec<usize> = (0..decl.values.len()).collect();
                    if decl.alphabetical {
                        order.sort_by(|a, b| decl.values[*a].node.cmp(&decl.values[*b].node));
                    }
                    self.sort_order.push(order);
                    self.sorts.push(Sort {
                        name: decl.name.node.clone(),
                        kind: SortKind::Enum(decl.values.iter().map(|v| v.node.clone()).collect()),
                        names: Vec::new(),
                        span: decl.name.span,
                    });
                }
                ast::ItemKind::Sort(decl) => {
                    self.sort_order.push(Vec::new());
                    self.sorts.push(Sort {
                        name: decl.name.node.clone(),
                        kind: SortKind::Abstract,
                        names: decl.names.iter().map(|n| n.node.clone()).collect(),
                        span: decl.name.span,
                    });
                }
                _ => {}
            }
        }
        self.sort_used = vec![false; self.sorts.len()];
    }

    // ------------------------------------------------------------ pass 3: signatures

    fn resolve_signatures(&mut self, charter: &ast::Charter) {
        for item in &charter.items {
            match &item.kind {
                ast::ItemKind::Const(decl) => self.state_signature(decl, StateKind::Const),
                ast::ItemKind::Var(decl) => self.state_signature(decl, StateKind::Var),
                ast::ItemKind::Event(decl) => {
                    let params = self.params(&decl.params);
                    self.event_param_used.push(vec![false; params.len()]);
                    self.events.push(Event {
                        name: decl.name.node.clone(),
                        params,
                        requires: Vec::new(),
                        span: decl.name.span,
                    });
                }
                ast::ItemKind::Define(decl) => {
                    let params = decl.params.as_ref().map(|p| self.params(p));
                    let declared = decl.ty.as_ref().and_then(|t| self.value_type(t));
                    self.define_sigs.push(DefineSig {
                        name: decl.name.node.clone(),
                        params,
                        ty: declared.clone(),
                        declared,
                        span: item.span,
                        name_span: decl.name.span,
                    });
                    self.define_decls.push(decl.clone());
                    self.define_bodies.push(None);
                    self.define_state.push(DefineState::Pending);
                }
                _ => {}
            }
        }
        if let Some(calendar) = self.calendar.clone() {
            let date = Type::Int(calendar.range);
            self.states.push(StateDecl {
                name: "now".into(),
                kind: StateKind::Var,
                args: Vec::new(),
                ty: date.clone(),
                value: Some(Expr {
                    kind: ExprKind::Int(calendar.range.low),
                    ty: Type::Int(IntRange {
                        low: calendar.range.low,
                        high: calendar.range.low,
                    }),
                    span: calendar.span,
                }),
                span: calendar.span,
            });
            self.state_broken.push(false);
            for _ in 0..self.events.len() {
                let local = self.new_local(
                    &Ident {
                        node: "date".into(),
                        span: calendar.span,
                    },
                    date.clone(),
                );
                self.local_used[local.0] = true;
                self.date_params.push(local);
            }
        }
        self.permissions = vec![Vec::new(); self.events.len()];
        self.state_used = vec![false; self.states.len()];
        if let Some(calendar) = &self.calendar {
            self.state_used[calendar.now.0] = true;
        }
        self.define_used = vec![false; self.define_sigs.len()];
    }

    fn state_signature(&mut self, decl: &ast::StateDecl, kind: StateKind) {
        let (args, ty) = match &decl.ty.kind {
            ast::TypeKind::Function(args, result) => {
                let args: Vec<Option<Type>> = args
                    .iter()
                    .map(|arg| {
                        let ty = self.value_type(arg)?;
                        self.require_enumerable(&ty, arg.span, "a function's arguments");
                        Some(ty)
                    })
                    .collect();
                (args, self.value_type(result))
            }
            _ => (Vec::new(), self.value_type(&decl.ty)),
        };
        self.state_broken
            .push(ty.is_none() || args.iter().any(Option::is_none));
        // A placeholder type keeps ids aligned when the type is wrong; the
        // error is already reported, so the spec will not check.
        self.states.push(StateDecl {
            name: decl.name.node.clone(),
            kind,
            args: args.into_iter().map(|a| a.unwrap_or(Type::Bool)).collect(),
            ty: ty.unwrap_or(Type::Bool),
            value: None,
            span: decl.name.span,
        });
    }

    /// Declares locals for parameters (not yet in scope).
    fn params(&mut self, params: &[ast::Param]) -> Vec<LocalId> {
        let mut seen: Vec<&Ident> = Vec::new();
        let mut ids = Vec::new();
        for param in params {
            if let Some(first) = seen.iter().find(|p| p.node == param.name.node) {
                self.error(CheckError::DuplicateName {
                    name: param.name.node.clone(),
                    action: "declared",
                    help: "each parameter needs its own name; rename one of them",
                    span: param.name.span,
                    first: first.span,
                });
            }
            seen.push(&param.name);
            let ty = self.value_type(&param.ty);
            let broken = ty.is_none();
            let id = self.new_local(&param.name, ty.unwrap_or(Type::Bool));
            self.local_broken[id.0] = broken;
            ids.push(id);
        }
        ids
    }

    fn new_local(&mut self, name: &Ident, ty: Type) -> LocalId {
        let id = LocalId(self.locals.len());
        self.locals.push(Local {
            name: name.node.clone(),
            ty,
            span: name.span,
        });
        // `_` and `_name` are deliberately unused.
        self.local_used.push(name.node.starts_with('_'));
        self.local_broken.push(false);
        id
    }

    // ------------------------------------------------------------ pass 4: bodies

    fn check_item(&mut self, item: &ast::Item) {
        match &item.kind {
            ast::ItemKind::Calendar(_)
            | ast::ItemKind::Enum(_)
            | ast::ItemKind::Sort(_)
            | ast::ItemKind::Define(_) => {}
            ast::ItemKind::Const(decl) | ast::ItemKind::Var(decl) => self.state_value(decl),
            ast::ItemKind::Event(decl) => self.event_guards(decl),
            ast::ItemKind::Axiom(f) => self.formula(f, FormulaKind::Axiom, Place::Axiom, item.span),
            ast::ItemKind::Init(f) => self.formula(f, FormulaKind::Init, Place::Init, item.span),
            ast::ItemKind::Lemma(f) => self.formula(f, FormulaKind::Lemma, Place::Lemma, item.span),
            ast::ItemKind::Assert(f) => {
                self.formula(f, FormulaKind::Assert, Place::Assert, item.span)
            }
            ast::ItemKind::Article(article) => {
                for clause in &article.clauses {
                    self.clause(clause, Some(&article.number.node));
                }
            }
            ast::ItemKind::Clause(clause) => self.clause(clause, None),
            ast::ItemKind::Command(command) => self.command(command, item.span),
        }
    }

    fn state_value(&mut self, decl: &ast::StateDecl) {
        let Some(Global::State(id)) = self.global(&decl.name.node) else {
            return;
        };
        let Some(value) = &decl.value else {
            return;
        };
        if self.state_broken[id.0] {
            return;
        }
        let state = self.states[id.0].clone();
        if !state.args.is_empty() {
            self.error(CheckError::FunctionValue {
                name: state.name,
                action: "given an initial value",
                span: value.span,
            });
            return;
        }
        let place = match state.kind {
            StateKind::Const => Place::ConstValue,
            StateKind::Var => Place::VarInit,
        };
        let checked = self.value_for(value, &state.ty, place);
        self.states[id.0].value = checked;
    }

    fn event_guards(&mut self, decl: &ast::EventDecl) {
        let Some(Global::Event(id)) = self.global(&decl.name.node) else {
            return;
        };
        let params = self.events[id.0].params.clone();
        self.scope.extend(params.iter().copied());
        self.current_event = Some(id);
        let guards: Vec<Expr> = decl
            .requires
            .iter()
            .filter_map(|guard| self.expr_expecting(guard, &Type::Bool, Place::Requires))
            .collect();
        self.current_event = None;
        self.scope.truncate(self.scope.len() - params.len());
        for (index, local) in params.iter().enumerate() {
            if self.local_used[local.0] {
                self.event_param_used[id.0][index] = true;
            }
        }
        // Prohibitions of clauses written before the event are guards
        // already: they come after the event's own.
        let prohibitions = std::mem::take(&mut self.events[id.0].requires);
        self.events[id.0].requires = guards;
        self.events[id.0].requires.extend(prohibitions);
    }

    fn formula(&mut self, f: &ast::Formula, kind: FormulaKind, place: Place, span: Span) {
        let body = self.expr_expecting(&f.body, &Type::Bool, place);
        self.formulas.push(Formula {
            kind,
            name: f.name.node.clone(),
            text: f.text.as_ref().map(|t| t.node.clone()),
            // A placeholder keeps ids aligned; the error is reported.
            body: body.unwrap_or(Expr {
                kind: ExprKind::Bool(true),
                ty: Type::Bool,
                span: f.body.span,
            }),
            span,
        });
    }

    fn clause(&mut self, clause: &ast::Clause, article: Option<&String>) {
        let text = clause.text.as_ref().map(|t| t.node.as_str());
        let rules = clause
            .rules
            .iter()
            .flat_map(|rule| self.rule(rule, &clause.name.node, text))
            .collect();
        self.clauses.push(Clause {
            name: clause.name.node.clone(),
            article: article.cloned(),
            text: clause.text.as_ref().map(|t| t.node.clone()),
            rules,
            // Resolved once every clause is known (`resolve_overrides`).
            overrides: Vec::new(),
            span: clause.span,
        });
        self.override_names.push(clause.overrides.clone());
    }

    /// `clause a overrides b, c`: the names are clauses of the charter, each
    /// listed once, and priority runs one way (no clause overrides itself,
    /// directly or through others).
    fn resolve_overrides(&mut self) {
        let names = std::mem::take(&mut self.override_names);
        let mut edges: Vec<Vec<(ClauseId, Span)>> = vec![Vec::new(); self.clauses.len()];
        for (index, list) in names.iter().enumerate() {
            for (position, name) in list.iter().enumerate() {
                if let Some(first) = list[..position].iter().find(|n| n.node == name.node) {
                    self.error(CheckError::DuplicateName {
                        name: name.node.clone(),
                        action: "listed",
                        help: "list each clause once after `overrides`",
                        span: name.span,
                        first: first.span,
                    });
                    continue;
                }
                let found = self.clauses.iter().position(|c| c.name == name.node);
                match (found, self.global(&name.node)) {
                    (Some(target), _) => edges[index].push((ClauseId(target), name.span)),
                    // The calendar's clause is the checker's, not the charter's.
                    (None, Some(Global::Clause)) => self.error(CheckError::NotAValue {
                        name: name.node.clone(),
                        what: "the calendar's clause",
                        expected: "a clause of the charter",
                        span: name.span,
                        help: Some(
                            "the calendar's clause only dates the steps; no clause can override it"
                                .into(),
                        ),
                    }),
                    (None, Some(other)) => self.error(CheckError::NotAValue {
                        name: name.node.clone(),
                        what: self.what(other),
                        expected: "a clause",
                        span: name.span,
                        help: Some("`overrides` names clauses: `clause a overrides b`".into()),
                    }),
                    (None, None) => self.unknown(name, "clause", |g| matches!(g, Global::Clause)),
                }
            }
        }
        for cycle in override_cycles(&edges) {
            let names: Vec<String> = cycle
                .iter()
                .map(|(clause, _)| format!("`{}`", self.clauses[clause.0].name))
                .collect();
            let (first, span) = cycle[0];
            let first_name = self.clauses[first.0].name.clone();
            let path = if cycle.len() == 1 {
                format!("`{first_name}` overrides `{first_name}`")
            } else {
                let mut path = names.join(" overrides ");
                path.push_str(&format!(" overrides `{first_name}`"));
                path
            };
            self.error(CheckError::OverrideCycle {
                clause: first_name,
                path,
                span,
                others: cycle[1..].iter().map(|(_, s)| *s).collect(),
            });
        }
        for (index, list) in edges.into_iter().enumerate() {
            self.clauses[index].overrides = list.into_iter().map(|(c, _)| c).collect();
        }
    }

    fn rule(&mut self, rule: &ast::Rule, clause: &str, text: Option<&str>) -> Vec<Rule> {
        match &rule.kind {
            ast::RuleKind::May { pattern, when } | ast::RuleKind::MustNot { pattern, when } => {
                let permit = matches!(rule.kind, ast::RuleKind::May { .. });
                self.permission(pattern, when.as_ref(), permit, rule.span);
                Vec::new()
            }
            ast::RuleKind::Obligation {
                pattern,
                when,
                duty,
            } => self.obligation(clause, text, pattern, when.as_ref(), duty, rule.span),
            _ => self.effect_rule(rule).into_iter().collect(),
        }
    }

    fn effect_rule(&mut self, rule: &ast::Rule) -> Option<Rule> {
        let kind = match &rule.kind {
            ast::RuleKind::Always(body) => {
                let body = self.expr_expecting(body, &Type::Bool, Place::Constraint)?;
                if mentions_next_state(&body) {
                    RuleKind::TransitionConstraint(body)
                } else {
                    RuleKind::StateConstraint(body)
                }
            }
            ast::RuleKind::On {
                pattern,
                when,
                block,
            } => {
                let (events, bindings) = self.event_pattern(pattern)?;
                let bound: Vec<LocalId> = bindings.iter().flatten().copied().collect();
                self.scope.extend(bound.iter().copied());
                // `Some(None)`: a condition was written and failed to check.
                let when = when
                    .as_ref()
                    .map(|w| self.expr_expecting(w, &Type::Bool, Place::Condition));
                let block = self.effect_block(block);
                self.scope.truncate(self.scope.len() - bound.len());
                let when = match when {
                    Some(checked) => Some(checked?),
                    None => None,
                };
                RuleKind::On {
                    events,
                    bindings,
                    when,
                    block: block?,
                }
            }
            // Checked by `rule`.
            ast::RuleKind::May { .. }
            | ast::RuleKind::MustNot { .. }
            | ast::RuleKind::Obligation { .. } => return None,
        };
        Some(Rule {
            kind,
            span: rule.span,
        })
    }

    fn event_pattern(
        &mut self,
        pattern: &ast::EventPattern,
    ) -> Option<(EventSet, Vec<Option<LocalId>>)> {
        match pattern {
            ast::EventPattern::Any { except, .. } => {
                let mut ids: Vec<EventId> = Vec::new();
                for name in except {
                    if let Some(id) = self.event_named(name) {
                        if ids.contains(&id) {
                            self.error(CheckError::DuplicateName {
                                name: name.node.clone(),
                                action: "listed",
                                help: "list each event once after `except`",
                                span: name.span,
                                first: except
                                    .iter()
                                    .find(|e| e.node == name.node)
                                    .map_or(name.span, |e| e.span),
                            });
                        }
                        ids.push(id);
                    }
                }
                Some((EventSet::AllExcept(ids), Vec::new()))
            }
            ast::EventPattern::Event { name, bindings } => {
                let id = self.event_named(name)?;
                let event = self.events[id.0].clone();
                // With a calendar, the event's `date` comes last, unnamed.
                let date = usize::from(self.calendar.is_some());
                let Some(bindings) = bindings else {
                    return Some((EventSet::One(id), vec![None; event.params.len() + date]));
                };
                if bindings.len() != event.params.len() {
                    self.error(CheckError::WrongArity {
                        name: name.node.clone(),
                        expected: event.params.len(),
                        found: bindings.len(),
                        span: name.span.join(bindings.last().map_or(name.span, |b| b.span)),
                        declared: Some(event.span),
                        help: Some(
                            "name each of the event's parameters in order; write `_` for one you do not need".into(),
                        ),
                    });
                    return None;
                }
                let mut locals = Vec::new();
                for (index, binding) in bindings.iter().enumerate() {
                    if binding.node == "_" {
                        locals.push(None);
                        continue;
                    }
                    if let Some(first) = bindings[..index].iter().find(|b| b.node == binding.node) {
                        self.error(CheckError::DuplicateName {
                            name: binding.node.clone(),
                            action: "named",
                            help: "the pattern names the event's parameters in order, each with its own name; write `_` for one you do not need",
                            span: binding.span,
                            first: first.span,
                        });
                    }
                    self.event_param_used[id.0][index] = true;
                    let param = event.params[index];
                    let ty = self.locals[param.0].ty.clone();
                    let local = self.new_local(binding, ty);
                    self.local_broken[local.0] = self.local_broken[param.0];
                    locals.push(Some(local));
                }
                locals.extend((0..date).map(|_| None));
                Some((EventSet::One(id), locals))
            }
        }
    }

    fn event_named(&mut self, name: &Ident) -> Option<EventId> {
        match self.global(&name.node) {
            Some(Global::Event(id)) => Some(id),
            Some(other) => {
                self.error(CheckError::NotAValue {
                    name: name.node.clone(),
                    what: self.what(other),
                    expected: "an event",
                    span: name.span,
                    help: Some(
                        "an effect rule starts with an event: `on event_name(params): …`".into(),
                    ),
                });
                None
            }
            None => {
                self.unknown(name, "event", |g| matches!(g, Global::Event(_)));
                None
            }
        }
    }

    fn effect_block(&mut self, block: &ast::EffectBlock) -> Option<EffectBlock> {
        let effects: Vec<Option<Effect>> = block.effects.iter().map(|e| self.effect(e)).collect();
        let exceptions: Vec<Option<Exception>> = block
            .exceptions
            .iter()
            .map(|exception| {
                let condition =
                    self.expr_expecting(&exception.condition, &Type::Bool, Place::Condition);
                let inner = self.effect_block(&exception.block);
                Some(Exception {
                    condition: condition?,
                    block: inner?,
                    span: exception.span,
                })
            })
            .collect();
        Some(EffectBlock {
            effects: effects.into_iter().collect::<Option<_>>()?,
            exceptions: exceptions.into_iter().collect::<Option<_>>()?,
            span: block.span,
        })
    }

    fn effect(&mut self, effect: &ast::Effect) -> Option<Effect> {
        let name = &effect.target;
        let id = match self.lookup_local(&name.node) {
            Some(_) => {
                self.error(CheckError::NotAssignable {
                    name: name.node.clone(),
                    what: "a parameter or bound variable",
                    span: name.span,
                });
                return None;
            }
            None => match self.global(&name.node) {
                Some(Global::State(id)) => id,
                Some(other) => {
                    self.error(CheckError::NotAssignable {
                        name: name.node.clone(),
                        what: self.what(other),
                        span: name.span,
                    });
                    return None;
                }
                None => {
                    self.unknown(name, "variable", |g| matches!(g, Global::State(_)));
                    return None;
                }
            },
        };
        let state = self.states[id.0].clone();
        self.state_used[id.0] = true;
        if self.state_broken[id.0] {
            return None;
        }
        if self.is_now(Some(Global::State(id))) {
            self.error(CheckError::NotAssignable {
                name: name.node.clone(),
                what: "the calendar's date (each step's date sets it)",
                span: name.span,
            });
            return None;
        }
        if state.kind == StateKind::Const {
            self.error(CheckError::PrimeOnConst {
                name: state.name,
                span: name.span,
                declared: state.span,
            });
            return None;
        }
        if effect.args.is_empty() && !state.args.is_empty() {
            self.error(CheckError::FunctionValue {
                name: state.name,
                action: "assigned",
                span: name.span,
            });
            return None;
        }
        let args = self.call_args(
            &name.node,
            Some(state.span),
            &state.args,
            &effect.args,
            effect.span,
            Place::Effect,
        )?;
        let value = match effect.op {
            ast::AssignOp::Set => self.value_for(&effect.value, &state.ty, Place::Effect)?,
            ast::AssignOp::Add | ast::AssignOp::Remove => {
                let Type::Set(element) = &state.ty else {
                    self.error(CheckError::TypeMismatch {
                        expected: "a set variable".into(),
                        found: self.type_name(&state.ty),
                        span: name.span,
                        help: Some("`+=` and `-=` add and remove elements of a `set` variable; use `=` for others".into()),
                    });
                    return None;
                };
                self.set_or_element(&effect.value, element, Place::Effect)?
            }
        };
        Some(Effect {
            target: id,
            args,
            op: effect.op,
            value,
            span: effect.span,
        })
    }

    fn command(&mut self, command: &ast::Command, span: Span) {
        let name = &command.name;
        let kind = match &command.kind {
            ast::CommandKind::Check | ast::CommandKind::Prove => {
                let global = self.global(&name.node);
                let id = match global {
                    // A clause with obligations: its duties are met.
                    Some(Global::Clause) if self.is_duty_clause(global, &name.node) => {
                        self.duty_formula(&name.node)
                    }
                    // The formula may be checked later in the file; its kind
                    // is known from the declaration.
                    Some(Global::Formula(id))
                        if matches!(
                            self.formula_kinds.get(id.0),
                            Some(FormulaKind::Lemma | FormulaKind::Assert)
                        ) =>
                    {
                        Some(id)
                    }
                    Some(other) => {
                        self.error(CheckError::NotAProperty {
                            name: name.node.clone(),
                            what: self.what(other),
                            span: name.span,
                        });
                        None
                    }
                    None => {
                        self.unknown(name, "assertion", |g| matches!(g, Global::Formula(_)));
                        None
                    }
                };
                match (id, &command.kind) {
                    (Some(id), ast::CommandKind::Check) => Some(CommandKind::Check(id)),
                    (Some(id), _) => Some(CommandKind::Prove(id)),
                    (None, _) => None,
                }
            }
            ast::CommandKind::Scenario { text, goal } => self
                .expr_expecting(goal, &Type::Bool, Place::Scenario)
                .map(|goal| CommandKind::Scenario {
                    text: text.as_ref().map(|t| t.node.clone()),
                    goal,
                }),
        };
        let (depth, scopes, expect, allowing) = self.command_options(command);
        if let Some(kind) = kind {
            self.commands.push(Command {
                name: name.node.clone(),
                kind,
                depth,
                scopes,
                expect,
                allowing,
                span,
            });
        }
    }

    fn command_options(&mut self, command: &ast::Command) -> CommandOptions {
        let mut depth = None;
        let mut scopes: Vec<(SortId, u64, Span)> = Vec::new();
        let mut expect = None;
        let mut allowances = Vec::new();
        let mut firsts: Vec<(&'static str, Span)> = Vec::new();
        for option in &command.options {
            let key = match option.kind {
                ast::CommandOptionKind::Depth(_) => "depth",
                ast::CommandOptionKind::Scope(_) => "scope",
                ast::CommandOptionKind::Expect(..) => "expect",
            };
            if let Some((_, first)) = firsts.iter().find(|(k, _)| *k == key) {
                let first = *first;
                self.error(CheckError::DuplicateOption {
                    option: key.into(),
                    span: option.span,
                    first,
                });
                continue;
            }
            firsts.push((key, option.span));
            match &option.kind {
                ast::CommandOptionKind::Depth(value) => {
                    if value.node > MAX_DEPTH {
                        self.error(CheckError::OptionOutOfRange {
                            option: "depth",
                            value: value.node,
                            allowed: format!("0 to {MAX_DEPTH} steps"),
                            advice: "the depth bounds the length of the histories searched, in steps (10 by default)",
                            span: value.span,
                        });
                    } else {
                        depth = Some(value.node);
                    }
                }
                ast::CommandOptionKind::Scope(items) => {
                    for (sort, size) in items {
                        if let Some(id) = self.scope_sort(sort) {
                            if let Some((_, _, first)) = scopes.iter().find(|(s, _, _)| *s == id) {
                                let first = *first;
                                self.error(CheckError::DuplicateOption {
                                    option: format!("scope {}", sort.node),
                                    span: sort.span,
                                    first,
                                });
                            } else if size.node == 0 || size.node > MAX_SCOPE {
                                self.error(CheckError::OptionOutOfRange {
                                    option: "scope",
                                    value: size.node,
                                    allowed: format!("1 to {MAX_SCOPE} elements"),
                                    advice: "a scope is the number of elements a sort has in this command (3 by default); every sort has at least one",
                                    span: size.span,
                                });
                            } else if size.node < self.sorts[id.0].names.len() as u64 {
                                let declared = &self.sorts[id.0];
                                self.error(CheckError::ScopeBelowNames {
                                    sort: sort.node.clone(),
                                    size: size.node,
                                    names: declared.names.len(),
                                    span: size.span,
                                    declared: declared.span,
                                });
                            } else {
                                scopes.push((id, size.node, sort.span));
                            }
                        }
                    }
                }
                ast::CommandOptionKind::Expect(expectation, allowing) => {
                    self.check_expectation(command, *expectation, option.span);
                    expect = Some(*expectation);
                    allowances = self.allowances(*expectation, allowing);
                }
            }
        }
        let scopes = scopes.into_iter().map(|(id, size, _)| (id, size)).collect();
        (depth, scopes, expect, allowances)
    }

    /// The blockings an expectation acknowledges (`allowing …`): only after
    /// a verdict that holds; each a kind `charter lint` knows, about an
    /// event (clashes, dead events) or a clause (dead rules, exceptions,
    /// defaults) of the spec.
    fn allowances(
        &mut self,
        expectation: Expectation,
        allowing: &[ast::Allowed],
    ) -> Vec<Allowance> {
        let holds = matches!(
            expectation,
            Expectation::Proved | Expectation::NoCounterexample | Expectation::NoWitness
        );
        if let (false, Some(first)) = (holds, allowing.first()) {
            self.error(CheckError::MisplacedAllowing {
                expectation: expectation.as_str(),
                span: first.span,
            });
            return Vec::new();
        }
        let mut allowances = Vec::new();
        for allowed in allowing {
            let Some(kind) = Blocking::parse(&allowed.kind.node) else {
                let kinds: Vec<String> = Blocking::ALL
                    .iter()
                    .map(|k| k.as_str().to_string())
                    .collect();
                let suggestion = suggest(&allowed.kind.node, &kinds)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                self.error(CheckError::UnknownBlocking {
                    kind: allowed.kind.node.clone(),
                    suggestion,
                    span: allowed.kind.span,
                });
                continue;
            };
            if let Some(subject) = &allowed.subject {
                let fits = |g: Global| match kind.about_event() {
                    true => matches!(g, Global::Event(_)),
                    false => matches!(g, Global::Clause),
                };
                match self.global(&subject.node) {
                    Some(global) if fits(global) => {}
                    Some(other) => {
                        let expected = if kind.about_event() {
                            "an event"
                        } else {
                            "a clause"
                        };
                        self.error(CheckError::NotAValue {
                            name: subject.node.clone(),
                            what: self.what(other),
                            expected,
                            span: subject.span,
                            help: Some(format!(
                                "`{}` is about {expected}: `clash` and `dead_event` name events; `dead_rule`, `dead_exception` and `dead_default` name clauses",
                                kind.as_str()
                            )),
                        });
                        continue;
                    }
                    None => {
                        let what = if kind.about_event() {
                            "event"
                        } else {
                            "clause"
                        };
                        self.unknown(subject, what, fits);
                        continue;
                    }
                }
            }
            allowances.push(Allowance {
                kind,
                subject: allowed.subject.as_ref().map(|s| s.node.clone()),
                span: allowed.span,
            });
        }
        allowances
    }

    fn scope_sort(&mut self, sort: &Ident) -> Option<SortId> {
        match self.global(&sort.node) {
            Some(Global::Sort(id)) => {
                self.sort_used[id.0] = true;
                if let SortKind::Enum(_) = self.sorts[id.0].kind {
                    self.error(CheckError::ScopeNotAbstract {
                        name: sort.node.clone(),
                        what: "an enum",
                        span: sort.span,
                    });
                    return None;
                }
                Some(id)
            }
            Some(other) => {
                self.error(CheckError::ScopeNotAbstract {
                    name: sort.node.clone(),
                    what: self.what(other),
                    span: sort.span,
                });
                None
            }
            None => {
                self.unknown(sort, "sort", |g| matches!(g, Global::Sort(_)));
                None
            }
        }
    }

    fn check_expectation(&mut self, command: &ast::Command, expectation: Expectation, span: Span) {
        use Expectation::*;
        let (name, allowed, possible): (&'static str, &[Expectation], &'static str) =
            match command.kind {
                ast::CommandKind::Check => (
                    "check",
                    &[Counterexample, NoCounterexample, Unknown],
                    "`counterexample`, `no counterexample` or `unknown`",
                ),
                ast::CommandKind::Prove => (
                    "prove",
                    &[Proved, Counterexample, Unknown],
                    "`proved`, `counterexample` or `unknown`",
                ),
                ast::CommandKind::Scenario { .. } => (
                    "scenario",
                    &[Witness, NoWitness, Unknown],
                    "`witness`, `no witness` or `unknown`",
                ),
            };
        if !allowed.contains(&expectation) {
            self.error(CheckError::ImpossibleExpectation {
                command: name,
                expectation: expectation.as_str(),
                possible,
                span,
            });
        }
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

    // ------------------------------------------------------------ names

    fn global(&self, name: &str) -> Option<Global> {
        self.globals.get(name).map(|(g, _)| *g)
    }

    fn lookup_local(&self, name: &str) -> Option<LocalId> {
        self.scope
            .iter()
            .rev()
            .find(|id| self.locals[id.0].name == name)
            .copied()
    }

    fn what(&self, global: Global) -> &'static str {
        match global {
            Global::Sort(id) => match self.sorts.get(id.0).map(|s| &s.kind) {
                Some(SortKind::Enum(_)) => "an enum",
                _ => "a sort",
            },
            Global::EnumValue(id, _) => match self.sorts.get(id.0).map(|s| &s.kind) {
                Some(SortKind::Abstract) => "a named element",
                _ => "an enum value",
            },
            Global::State(id) => match self.states.get(id.0).map(|s| s.kind) {
                Some(StateKind::Const) => "a constant",
                _ => "a variable",
            },
            Global::Event(_) => "an event",
            Global::Define(_) => "a define",
            Global::Formula(id) => match self.formula_kinds.get(id.0) {
                Some(FormulaKind::Axiom) => "an axiom",
                Some(FormulaKind::Init) => "an `init` condition",
                Some(FormulaKind::Lemma) => "a lemma",
                _ => "an assertion",
            },
            Global::Clause => "a clause",
            Global::Scenario => "a scenario",
        }
    }

    /// Reports an unknown name, suggesting the closest name of a fitting
    /// kind (locals in scope included when `fits` accepts values).
    fn unknown(&mut self, name: &Ident, kind: &'static str, fits: impl Fn(Global) -> bool) {
        let mut candidates: Vec<String> = self
            .globals
            .iter()
            .filter(|(_, (g, _))| fits(*g))
            .map(|(n, _)| n.clone())
            .collect();
        if kind == "name" {
            candidates.extend(self.scope.iter().map(|id| self.locals[id.0].name.clone()));
        }
        let help = suggest(&name.node, &candidates).map(|s| format!("did you mean `{s}`?"));
        self.error(CheckError::UnknownName {
            kind,
            name: name.node.clone(),
            span: name.span,
            help,
        });
    }

    fn type_name(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "Bool".into(),
            Type::Int(range) if *range == DEFAULT_INT_RANGE => "Int".into(),
            Type::Int(IntRange { low, high }) if low == high => format!("the number {low}"),
            Type::Int(IntRange { low, high }) => format!("Int[{low}..{high}]"),
            Type::Sort(id) => self.sorts[id.0].name.clone(),
            Type::Option(inner) => format!("{}?", self.type_name(inner)),
            Type::Set(inner) => format!("set {}", self.type_name(inner)),
        }
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
        let duties = self
            .duties
            .iter()
            .filter_map(|duty| {
                let clause = self.clauses.iter().position(|c| c.name == duty.clause)?;
                let formula = self.duty_formula(&duty.clause)?;
                Some(Duty {
                    clause: ClauseId(clause),
                    event: duty.event,
                    due: duty.due,
                    keyed: duty.keyed.clone(),
                    formula,
                    on_time: duty.discharge_span,
                    span: duty.span,
                })
            })
            .collect();
        let defines = self
            .define_sigs
            .into_iter()
            .zip(self.define_bodies)
            .map(|(sig, body)| {
                Some(Define {
                    name: sig.name,
                    params: sig.params.unwrap_or_default(),
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
            monitor_inits: self.monitor_inits,
        })
    }
}

/// The cycles of the override relation (`edges[a]`: the clauses `a`
/// overrides, each with the span of its name), one per strongly connected
/// part that has one: its edges in order around the cycle, starting at the
/// edge written first (`(clause, span)`: `clause` overrides the next one, as
/// written at `span`).
fn override_cycles(edges: &[Vec<(ClauseId, Span)>]) -> Vec<Vec<(ClauseId, Span)>> {
    let mut cycles: Vec<Vec<(ClauseId, Span)>> = Vec::new();
    let mut reported = vec![false; edges.len()];
    // Visit edges in source order, so the cycle reported starts at the
    // override written first.
    let mut all: Vec<(ClauseId, ClauseId, Span)> = edges
        .iter()
        .enumerate()
        .flat_map(|(from, list)| {
            list.iter()
                .map(move |(to, span)| (ClauseId(from), *to, *span))
        })
        .collect();
    all.sort_by_key(|(_, _, span)| *span);
    for (from, to, span) in all {
        if reported[from.0] {
            continue;
        }
        // A path back from `to` to `from`, by breadth-first search (the
        // shortest, so the message names as few clauses as it can).
        let mut parent: Vec<Option<(ClauseId, Span)>> = vec![None; edges.len()];
        let mut seen = vec![false; edges.len()];
        let mut queue = std::collections::VecDeque::from([to]);
        seen[to.0] = true;
        let mut closed = to == from;
        while let Some(at) = queue.pop_front() {
            if at == from {
                closed = true;
                break;
            }
            for (next, next_span) in &edges[at.0] {
                if !seen[next.0] {
                    seen[next.0] = true;
                    parent[next.0] = Some((at, *next_span));
                    queue.push_back(*next);
                }
            }
        }
        if !closed {
            continue;
        }
        // The cycle: from --span--> to ... --> from.
        let mut back: Vec<(ClauseId, Span)> = Vec::new();
        let mut at = from;
        while at != to {
            let Some((previous, edge_span)) = parent[at.0] else {
                break;
            };
            back.push((previous, edge_span));
            at = previous;
        }
        back.reverse();
        let mut cycle = vec![(from, span)];
        cycle.extend(back);
        for (clause, _) in &cycle {
            reported[clause.0] = true;
        }
        cycles.push(cycle);
    }
    cycles
}

/// Whether an expression reads the next state anywhere.
fn mentions_next_state(expr: &Expr) -> bool {
    hir::visit::any_node(expr, &mut |e| {
        matches!(e.kind, ExprKind::State { primed: true, .. })
    })
}

/// The candidate closest to `name`, if it is close enough to be a likely
/// typo.
fn suggest(name: &str, candidates: &[String]) -> Option<String> {
    // The edit distance is quadratic in the names' lengths: no suggestion
    // for a name longer than any a person types, and none computed for a
    // candidate whose length alone puts it out of reach.
    const LONGEST: usize = 256;
    let length = name.chars().count();
    if length > LONGEST {
        return None;
    }
    let limit = (length / 3).max(1);
    candidates
        .iter()
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(distance, c)| *distance <= limit || c.to_lowercase() == name.to_lowercase())
        .min_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.cmp(y)))
        .map(|(_, c)| c.clone())
}

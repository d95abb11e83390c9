//! Passes 1–3: every declared name collected, sorts resolved, then the
//! types of constants, variables, events and defines; and looking names
//! up, with "did you mean" for a likely typo.

use super::{time, CheckError, Checker, DefineSig, DefineState, Global};
use crate::ast;
use crate::hir::*;
use crate::span::Ident;

impl Checker {
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

    /// A clause's name, unless the clause defines a name it shares
    /// (`clause quorum "…" defines quorum`): that name is the define's,
    /// and `overrides`/`except in` still find the clause by it.
    fn declare_clause(&mut self, clause: &ast::Clause) {
        let shares = clause.rules.iter().any(|rule| {
            matches!(&rule.kind, ast::RuleKind::Defines(names)
                if names.iter().any(|n| n.node == clause.name.node))
        });
        if !shares {
            self.declare(&clause.name, Global::Clause);
        }
    }

    pub(super) fn collect_names(&mut self, charter: &ast::Charter) {
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
                        _ => match f.liveness {
                            None => FormulaKind::Assert,
                            Some(ast::Liveness::Eventually(_)) => FormulaKind::Eventually,
                            Some(ast::Liveness::LeadsTo(_)) => FormulaKind::LeadsTo,
                        },
                    });
                    formulas += 1;
                }
                ast::ItemKind::Article(article) => {
                    for clause in &article.clauses {
                        self.declare_clause(clause);
                    }
                }
                ast::ItemKind::Clause(clause) => self.declare_clause(clause),
                ast::ItemKind::Command(command) => {
                    if let ast::CommandKind::Scenario { .. } = command.kind {
                        self.declare(&command.name, Global::Scenario);
                    }
                }
                // Their own namespace (`readings.rs`).
                ast::ItemKind::Readings(_) => {}
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
                civil: decl.civil,
            });
        }
    }

    // ------------------------------------------------------------ pass 2: sorts

    pub(super) fn resolve_sorts(&mut self, charter: &ast::Charter) {
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

    pub(super) fn resolve_signatures(&mut self, charter: &ast::Charter) {
        for item in &charter.items {
            match &item.kind {
                ast::ItemKind::Const(decl) => self.state_signature(decl, StateKind::Const),
                ast::ItemKind::Var(decl) => self.state_signature(decl, StateKind::Var),
                ast::ItemKind::Event(decl) => {
                    let params = self.params(&decl.params, true);
                    self.event_param_used.push(vec![false; params.len()]);
                    self.events.push(Event {
                        name: decl.name.node.clone(),
                        params,
                        requires: Vec::new(),
                        span: decl.name.span,
                    });
                    if let Some(span) = decl.fair {
                        self.declare_fair(EventId(self.events.len() - 1), &decl.name, span);
                    }
                }
                ast::ItemKind::Define(decl) => {
                    let params = decl.params.as_ref().map(|p| self.params(p, false));
                    let declared = decl.ty.as_ref().and_then(|t| self.value_type(t));
                    self.define_sigs.push(DefineSig {
                        name: decl.name.node.clone(),
                        params,
                        ty: declared.clone(),
                        declared,
                        span: item.span,
                        name_span: decl.name.span,
                        now: None,
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
                provenance: Provenance::Calendar,
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
                self.locals[local.0].provenance = Provenance::Calendar;
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
        if is_date_type(&decl.ty) {
            self.dated_states.push(StateId(self.states.len()));
        }
        let id = StateId(self.states.len());
        self.dated_state_args
            .extend(dated_args(&decl.ty).map(|arg| (id, arg)));
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
            provenance: Provenance::User,
            span: decl.name.span,
        });
    }

    /// Declares locals for parameters (not yet in scope); an event's
    /// (`functions`) may be functions over enumerable domains.
    fn params(&mut self, params: &[ast::Param], functions: bool) -> Vec<LocalId> {
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
            let (args, ty) = match &param.ty.kind {
                ast::TypeKind::Function(args, result) if functions => {
                    let args: Vec<Option<Type>> = args
                        .iter()
                        .map(|arg| {
                            let ty = self.value_type(arg)?;
                            self.require_enumerable(&ty, arg.span, "a function's arguments")
                                .then_some(ty)
                        })
                        .collect();
                    (args, self.value_type(result))
                }
                _ => (Vec::new(), self.value_type(&param.ty)),
            };
            let broken = ty.is_none() || args.iter().any(Option::is_none);
            let id = self.new_local(&param.name, ty.unwrap_or(Type::Bool));
            self.locals[id.0].args = args.into_iter().map(|a| a.unwrap_or(Type::Bool)).collect();
            if is_date_type(&param.ty) {
                self.dated_locals.push(id);
            }
            self.dated_local_args
                .extend(dated_args(&param.ty).map(|arg| (id, arg)));
            self.written_locals.push(param.name.clone());
            self.local_broken[id.0] = broken;
            ids.push(id);
        }
        ids
    }

    pub(super) fn new_local(&mut self, name: &Ident, ty: Type) -> LocalId {
        let id = LocalId(self.locals.len());
        self.locals.push(Local {
            name: name.node.clone(),
            args: Vec::new(),
            ty,
            provenance: Provenance::User,
            span: name.span,
        });
        // `_` and `_name` are deliberately unused.
        self.local_used.push(name.node.starts_with('_'));
        self.local_broken.push(false);
        id
    }

    // ------------------------------------------------------------ names

    pub(super) fn global(&self, name: &str) -> Option<Global> {
        self.globals.get(name).map(|(g, _)| *g)
    }

    pub(super) fn lookup_local(&self, name: &str) -> Option<LocalId> {
        self.scope
            .iter()
            .rev()
            .find(|id| self.locals[id.0].name == name)
            .copied()
    }

    pub(super) fn what(&self, global: Global) -> &'static str {
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
    pub(super) fn unknown(
        &mut self,
        name: &Ident,
        kind: &'static str,
        fits: impl Fn(Global) -> bool,
    ) {
        let globals = self
            .globals
            .iter()
            .filter(|(_, (g, _))| fits(*g))
            .map(|(n, _)| n.as_str());
        let locals = self
            .scope
            .iter()
            .filter(|_| kind == "name")
            .map(|id| self.locals[id.0].name.as_str());
        let mut work = self.suggestion_work;
        let help = suggest(&name.node, globals.chain(locals), &mut work)
            .map(|s| format!("did you mean `{s}`?"));
        self.suggestion_work = work;
        self.error(CheckError::UnknownName {
            kind,
            name: name.node.clone(),
            span: name.span,
            help,
        });
    }

    pub(super) fn type_name(&self, ty: &Type) -> String {
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
}

/// Characters "did you mean" may compare in one check, all suggestions
/// together: far more than a spec written by people needs (a hundred
/// unknown names among a thousand), and a bound on what a generated one
/// with thousands of long names and as many typos costs (seconds, not
/// hours). Past it, unknown names get no suggestion.
pub(super) const SUGGESTION_WORK: usize = 50_000_000;

/// The candidate closest to `name`, if it is close enough to be a likely
/// typo. `work` counts the characters compared so far in this check
/// (lengths read, and the cells of each edit distance), against
/// [`SUGGESTION_WORK`].
pub(super) fn suggest<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    work: &mut usize,
) -> Option<String> {
    // The edit distance is quadratic in the names' lengths: no suggestion
    // for a name longer than any a person types, and none computed for a
    // candidate whose length alone puts it out of reach.
    const LONGEST: usize = 256;
    let length = name.chars().count();
    if length > LONGEST {
        return None;
    }
    let limit = (length / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        *work = work.saturating_add(c.len());
        if *work > SUGGESTION_WORK {
            return None;
        }
        let c_length = c.chars().count();
        if c_length.abs_diff(length) > limit {
            continue;
        }
        *work = work.saturating_add(length * c_length);
        if *work > SUGGESTION_WORK {
            return None;
        }
        let distance = strsim::damerau_levenshtein(name, c);
        if distance > limit && c.to_lowercase() != name.to_lowercase() {
            continue;
        }
        if best.is_none_or(|(d, b)| (distance, c) < (d, b)) {
            best = Some((distance, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// Whether values of the written type are dates: `Date`, `Date?`, `set
/// Date`, or a function whose result is one.
/// The positions of a function type's arguments declared `Date`.
fn dated_args(ty: &ast::Type) -> impl Iterator<Item = usize> + '_ {
    let args = match &ty.kind {
        ast::TypeKind::Function(args, _) => &args[..],
        _ => &[],
    };
    args.iter()
        .enumerate()
        .filter(|(_, arg)| matches!(arg.kind, ast::TypeKind::Date(_)))
        .map(|(position, _)| position)
}

fn is_date_type(ty: &ast::Type) -> bool {
    match &ty.kind {
        ast::TypeKind::Date(_) => true,
        ast::TypeKind::Option(inner)
        | ast::TypeKind::Set(inner)
        | ast::TypeKind::Function(_, inner) => is_date_type(inner),
        _ => false,
    }
}

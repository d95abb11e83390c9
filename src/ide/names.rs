//! Names in a parsed spec: every declaration (global, or local with the
//! region where it is in scope) and every use of one, resolved as the
//! checker resolves them: a local shadows a global, binders are declared in
//! order (a domain may mention an earlier binder), a pattern's bindings are
//! seen by the rule. Works on the AST alone, so a spec that does not check
//! still has its names.

use std::collections::HashMap;

use crate::ast::{self, Binder, Domain, EventPattern, Expr, ExprKind, ItemKind, RuleKind};
use crate::span::{Ident, Span};

/// What a name declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    Enum,
    EnumValue,
    Sort,
    /// A named element of an abstract sort (`sort Person names Rahmon`).
    SortElement,
    Const,
    Var,
    Event,
    /// A parameter of an event or a define.
    Parameter,
    Define,
    Axiom,
    Init,
    Lemma,
    Assert,
    Clause,
    Scenario,
    /// A quantifier's, comprehension's or sum's variable.
    Bound,
    /// A name an event pattern gives an argument (`on vote(y, n, a)`).
    Binding,
    /// `now`, the calendar's date.
    Now,
}

impl DeclKind {
    /// How hovers and completions name it.
    pub fn describe(self) -> &'static str {
        match self {
            DeclKind::Enum => "enum",
            DeclKind::EnumValue => "enum value",
            DeclKind::Sort => "sort",
            DeclKind::SortElement => "sort element",
            DeclKind::Const => "const",
            DeclKind::Var => "var",
            DeclKind::Event => "event",
            DeclKind::Parameter => "parameter",
            DeclKind::Define => "define",
            DeclKind::Axiom => "axiom",
            DeclKind::Init => "init",
            DeclKind::Lemma => "lemma",
            DeclKind::Assert => "assert",
            DeclKind::Clause => "clause",
            DeclKind::Scenario => "scenario",
            DeclKind::Bound => "bound variable",
            DeclKind::Binding => "event argument",
            DeclKind::Now => "the calendar's date",
        }
    }

    pub fn is_local(self) -> bool {
        matches!(
            self,
            DeclKind::Parameter | DeclKind::Bound | DeclKind::Binding
        )
    }
}

/// One declared name.
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    /// As the parser gives it (NFC).
    pub name: String,
    pub kind: DeclKind,
    /// Where the name is written.
    pub span: Span,
    /// The whole declaration: item, clause, parameter or binder.
    pub item: Span,
    /// Where a local is visible; `None` for a global.
    pub scope: Option<Span>,
    /// The quoted text of a clause, formula or scenario.
    pub text: Option<String>,
    /// What holds it: a clause's article number, a value's enum, an
    /// element's sort, a parameter's event or define.
    pub container: Option<String>,
}

/// An index into [`Names::decls`].
pub type DeclId = usize;

/// A name written where it refers to a declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Use {
    pub decl: DeclId,
    pub span: Span,
}

/// Every declaration and every resolved use, in source order per kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names {
    pub decls: Vec<Decl>,
    pub uses: Vec<Use>,
}

impl Names {
    /// The declarations and uses of a parsed spec.
    pub fn of(charter: &ast::Charter, text: &str) -> Names {
        let mut walker = Walker {
            text,
            names: Names::default(),
            globals: HashMap::new(),
            scope: Vec::new(),
            last_set: None,
        };
        walker.globals(charter);
        for item in &charter.items {
            walker.item(item);
        }
        walker.names
    }

    /// The declaration named at `offset`, by its declaration or a use
    /// (the offset may be just after the name, where a cursor stops).
    pub fn at(&self, offset: usize) -> Option<DeclId> {
        let touches = |span: Span| span.start <= offset && offset <= span.end;
        self.uses
            .iter()
            .find(|u| touches(u.span))
            .map(|u| u.decl)
            .or_else(|| {
                self.decls
                    .iter()
                    .position(|d| !d.span.is_empty() && touches(d.span))
            })
    }

    /// The spans of a declaration's uses, in source order.
    pub fn uses_of(&self, decl: DeclId) -> Vec<Span> {
        let mut spans: Vec<Span> = self
            .uses
            .iter()
            .filter(|u| u.decl == decl)
            .map(|u| u.span)
            .collect();
        spans.sort();
        spans.dedup();
        spans
    }

    /// The names visible at `offset`: every global, and the locals in scope
    /// there (innermost first where names repeat).
    pub fn visible(&self, offset: usize) -> Vec<&Decl> {
        let mut seen = std::collections::HashSet::new();
        let mut locals: Vec<&Decl> = self
            .decls
            .iter()
            .filter(|d| {
                d.scope
                    .is_some_and(|s| s.start <= offset && offset <= s.end)
            })
            .collect();
        locals.sort_by_key(|d| std::cmp::Reverse(d.span.start));
        locals
            .into_iter()
            .chain(self.decls.iter().filter(|d| d.scope.is_none()))
            .filter(|d| seen.insert(d.name.clone()))
            .collect()
    }
}

struct Walker<'a> {
    text: &'a str,
    names: Names,
    globals: HashMap<String, DeclId>,
    /// Locals in scope, innermost last.
    scope: Vec<DeclId>,
    /// `a, b in S` gives both binders the same expression: walk it once.
    last_set: Option<Span>,
}

impl Walker<'_> {
    fn declare(&mut self, name: &Ident, kind: DeclKind, item: Span) -> DeclId {
        let id = self.names.decls.len();
        self.names.decls.push(Decl {
            name: name.node.clone(),
            kind,
            span: name.span,
            item,
            scope: None,
            text: None,
            container: None,
        });
        if !kind.is_local() && kind != DeclKind::Now {
            self.globals.entry(name.node.clone()).or_insert(id);
        }
        id
    }

    fn with_details(&mut self, id: DeclId, text: Option<&Ident>, container: Option<&str>) {
        if let Some(decl) = self.names.decls.get_mut(id) {
            decl.text = text.map(|t| t.node.clone());
            decl.container = container.map(str::to_string);
        }
    }

    /// Pass 1: every global name, in source order (the first of a repeated
    /// name is the one uses resolve to, as the checker reports the others).
    fn globals(&mut self, charter: &ast::Charter) {
        for item in &charter.items {
            match &item.kind {
                ItemKind::Calendar(_) => {
                    let now = Ident {
                        node: "now".into(),
                        span: Span::new(item.span.start, item.span.start),
                    };
                    let id = self.declare(&now, DeclKind::Now, item.span);
                    self.globals.entry("now".into()).or_insert(id);
                }
                ItemKind::Enum(decl) => {
                    self.declare(&decl.name, DeclKind::Enum, item.span);
                    for value in &decl.values {
                        let id = self.declare(value, DeclKind::EnumValue, value.span);
                        self.with_details(id, None, Some(&decl.name.node));
                    }
                }
                ItemKind::Sort(decl) => {
                    self.declare(&decl.name, DeclKind::Sort, item.span);
                    for element in &decl.names {
                        let id = self.declare(element, DeclKind::SortElement, element.span);
                        self.with_details(id, None, Some(&decl.name.node));
                    }
                }
                ItemKind::Const(decl) => {
                    self.declare(&decl.name, DeclKind::Const, item.span);
                }
                ItemKind::Var(decl) => {
                    self.declare(&decl.name, DeclKind::Var, item.span);
                }
                ItemKind::Event(decl) => {
                    self.declare(&decl.name, DeclKind::Event, item.span);
                }
                ItemKind::Define(decl) => {
                    self.declare(&decl.name, DeclKind::Define, item.span);
                }
                ItemKind::Axiom(f) => self.formula(f, DeclKind::Axiom, item.span),
                ItemKind::Init(f) => self.formula(f, DeclKind::Init, item.span),
                ItemKind::Lemma(f) => self.formula(f, DeclKind::Lemma, item.span),
                ItemKind::Assert(f) => self.formula(f, DeclKind::Assert, item.span),
                ItemKind::Article(article) => {
                    for clause in &article.clauses {
                        self.clause_decl(clause, Some(&article.number.node));
                    }
                }
                ItemKind::Clause(clause) => self.clause_decl(clause, None),
                ItemKind::Command(command) => {
                    if let ast::CommandKind::Scenario { text, .. } = &command.kind {
                        let id = self.declare(&command.name, DeclKind::Scenario, item.span);
                        self.with_details(id, text.as_ref(), None);
                    }
                }
                // Readings have their own namespace (the outline shows them).
                ItemKind::Readings(_) => {}
            }
        }
    }

    fn formula(&mut self, formula: &ast::Formula, kind: DeclKind, item: Span) {
        let id = self.declare(&formula.name, kind, item);
        self.with_details(id, formula.text.as_ref(), None);
    }

    fn clause_decl(&mut self, clause: &ast::Clause, article: Option<&str>) {
        let id = self.declare(&clause.name, DeclKind::Clause, clause.span);
        self.with_details(id, clause.text.as_ref(), article);
    }

    /// Pass 2: the uses in an item.
    fn item(&mut self, item: &ast::Item) {
        match &item.kind {
            ItemKind::Calendar(_)
            | ItemKind::Enum(_)
            | ItemKind::Sort(_)
            | ItemKind::Readings(_) => {}
            ItemKind::Const(decl) | ItemKind::Var(decl) => {
                self.ty(&decl.ty);
                if let Some(value) = &decl.value {
                    self.expr(value);
                }
            }
            ItemKind::Event(decl) => {
                let pushed = self.params(&decl.params, item.span, &decl.name.node);
                for requires in &decl.requires {
                    self.expr(requires);
                }
                self.pop(pushed);
            }
            ItemKind::Define(decl) => {
                let params = decl.params.as_deref().unwrap_or_default();
                let pushed = self.params(params, item.span, &decl.name.node);
                if let Some(ty) = &decl.ty {
                    self.ty(ty);
                }
                self.expr(&decl.body);
                self.pop(pushed);
            }
            ItemKind::Axiom(f) | ItemKind::Init(f) | ItemKind::Lemma(f) | ItemKind::Assert(f) => {
                self.expr(&f.body);
                if let Some(ast::Liveness::LeadsTo(goal)) = &f.liveness {
                    self.expr(goal);
                }
            }
            ItemKind::Article(article) => {
                for clause in &article.clauses {
                    self.clause(clause);
                }
            }
            ItemKind::Clause(clause) => self.clause(clause),
            ItemKind::Command(command) => self.command(command),
        }
    }

    fn params(&mut self, params: &[ast::Param], scope: Span, owner: &str) -> usize {
        for param in params {
            self.ty(&param.ty);
            let id = self.declare(
                &param.name,
                DeclKind::Parameter,
                param.name.span.join(param.ty.span),
            );
            self.with_details(id, None, Some(owner));
            self.push(id, scope);
        }
        params.len()
    }

    fn push(&mut self, id: DeclId, scope: Span) {
        self.names.decls[id].scope = Some(scope);
        self.scope.push(id);
    }

    fn pop(&mut self, count: usize) {
        self.scope.truncate(self.scope.len().saturating_sub(count));
    }

    fn refer(&mut self, name: &Ident) {
        let local = self
            .scope
            .iter()
            .rev()
            .find(|&&id| self.names.decls[id].name == name.node)
            .copied();
        if let Some(decl) = local.or_else(|| self.globals.get(&name.node).copied()) {
            self.names.uses.push(Use {
                decl,
                span: name.span,
            });
        }
    }

    fn clause(&mut self, clause: &ast::Clause) {
        for overridden in &clause.overrides {
            self.refer(overridden);
        }
        for rule in &clause.rules {
            match &rule.kind {
                RuleKind::On {
                    pattern,
                    when,
                    block,
                } => {
                    let pushed = self.pattern(pattern, rule.span);
                    self.maybe(when.as_ref());
                    self.block(block);
                    self.pop(pushed);
                }
                RuleKind::Always(expr) => self.expr(expr),
                RuleKind::Except {
                    clause: target,
                    when,
                    block,
                } => {
                    self.refer(target);
                    self.maybe(when.as_ref());
                    self.block(block);
                }
                RuleKind::Defines(names) => {
                    for name in names {
                        self.refer(name);
                    }
                }
                RuleKind::May { pattern, when } | RuleKind::MustNot { pattern, when } => {
                    let pushed = self.pattern(pattern, rule.span);
                    self.maybe(when.as_ref());
                    self.pop(pushed);
                }
                RuleKind::Obligation {
                    pattern,
                    when,
                    duty,
                } => {
                    let pushed = self.pattern(pattern, rule.span);
                    self.maybe(when.as_ref());
                    self.refer(&duty.event);
                    self.exprs(duty.args.as_deref().unwrap_or_default());
                    self.expr(&duty.within);
                    self.pop(pushed);
                }
            }
        }
    }

    /// An event pattern: the event used, its bindings declared (in scope
    /// in the whole rule). Returns how many were pushed.
    fn pattern(&mut self, pattern: &EventPattern, rule: Span) -> usize {
        match pattern {
            EventPattern::Event { name, bindings } => {
                self.refer(name);
                let mut pushed = 0;
                for binding in bindings.as_deref().unwrap_or_default() {
                    if binding.node == "_" {
                        continue;
                    }
                    let id = self.declare(binding, DeclKind::Binding, binding.span);
                    self.with_details(id, None, Some(&name.node));
                    self.push(id, rule);
                    pushed += 1;
                }
                pushed
            }
            EventPattern::Any { except, .. } => {
                for event in except {
                    self.refer(event);
                }
                0
            }
        }
    }

    fn block(&mut self, block: &ast::EffectBlock) {
        for effect in &block.effects {
            let pushed = match &effect.forall {
                Some(forall) => {
                    let pushed = self.binders(&forall.binders, effect.span);
                    self.maybe(forall.when.as_ref());
                    pushed
                }
                None => 0,
            };
            self.refer(&effect.target);
            self.exprs(&effect.args);
            self.expr(&effect.value);
            self.pop(pushed);
        }
        for exception in &block.exceptions {
            self.expr(&exception.condition);
            self.block(&exception.block);
        }
    }

    fn command(&mut self, command: &ast::Command) {
        match &command.kind {
            ast::CommandKind::Check | ast::CommandKind::Prove => self.refer(&command.name),
            ast::CommandKind::Scenario { goal, .. } => self.expr(goal),
            ast::CommandKind::Compare { locations, .. } => {
                for location in locations {
                    self.refer(location);
                }
            }
            ast::CommandKind::Diverge { .. } => {}
        }
        for option in &command.options {
            match &option.kind {
                ast::CommandOptionKind::Depth(_) => {}
                ast::CommandOptionKind::Decreasing(measure, _) => self.expr(measure),
                ast::CommandOptionKind::Fair(events) => {
                    for event in events {
                        self.refer(event);
                    }
                }
                ast::CommandOptionKind::Scope(scopes) => {
                    for (sort, _) in scopes {
                        self.refer(sort);
                    }
                }
                ast::CommandOptionKind::Under(_) => {}
                ast::CommandOptionKind::Expect(_, allowed)
                | ast::CommandOptionKind::ExpectUnder(_, _, allowed) => {
                    for allowed in allowed {
                        if let Some(subject) = &allowed.subject {
                            self.refer(subject);
                        }
                    }
                }
            }
        }
    }

    /// A written type: the sorts it names.
    fn ty(&mut self, ty: &ast::Type) {
        match &ty.kind {
            ast::TypeKind::Bool | ast::TypeKind::Int(_) | ast::TypeKind::Date(_) => {}
            ast::TypeKind::Named(name) => {
                let start = ty.span.start;
                let written = self.text.get(start..ty.span.end).unwrap_or_default();
                let len = written
                    .char_indices()
                    .find(|&(_, c)| !(unicode_ident::is_xid_continue(c) || c == '_'))
                    .map_or(written.len(), |(at, _)| at);
                self.refer(&Ident {
                    node: name.clone(),
                    span: Span::new(start, start + len),
                });
            }
            ast::TypeKind::Option(inner) | ast::TypeKind::Set(inner) => self.ty(inner),
            ast::TypeKind::Function(args, result) => {
                for arg in args {
                    self.ty(arg);
                }
                self.ty(result);
            }
        }
    }

    fn maybe(&mut self, expr: Option<&Expr>) {
        if let Some(expr) = expr {
            self.expr(expr);
        }
    }

    fn exprs(&mut self, exprs: &[Expr]) {
        for expr in exprs {
            self.expr(expr);
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::None
            | ExprKind::Duration(..)
            | ExprKind::Date(_) => {}
            ExprKind::CivilPart(_, date)
            | ExprKind::CivilBoundary { date, .. }
            | ExprKind::WeekdayTest { date, .. } => self.expr(date),
            ExprKind::Name { name, args, .. } => {
                self.refer(name);
                self.exprs(args.as_deref().unwrap_or_default());
            }
            ExprKind::Unary(_, operand)
            | ExprKind::OptionTest { operand, .. }
            | ExprKind::Fraction(_, _, operand) => self.expr(operand),
            ExprKind::Binary(_, left, right) => {
                self.expr(left);
                self.expr(right);
            }
            ExprKind::If(condition, then, otherwise) => {
                self.expr(condition);
                self.expr(then);
                self.expr(otherwise);
            }
            ExprKind::SetLiteral(elements) => self.exprs(elements),
            ExprKind::Reading { arms, .. } => {
                for (_, arm) in arms {
                    self.expr(arm);
                }
            }
            ExprKind::Comprehension(binders, body)
            | ExprKind::Quantified(_, binders, body)
            | ExprKind::Sum(binders, body) => {
                let pushed = self.binders(binders, expr.span);
                self.expr(body);
                self.pop(pushed);
            }
            ExprKind::TimeSince {
                duration,
                event,
                args,
                ..
            } => {
                self.expr(duration);
                self.refer(event);
                self.exprs(args.as_deref().unwrap_or_default());
            }
            ExprKind::DateSince { duration, date, .. } => {
                self.expr(duration);
                self.expr(date);
            }
            ExprKind::DateBound { date, .. } => self.expr(date),
            ExprKind::Last { event, args } | ExprKind::Happens { event, args } => {
                self.refer(event);
                self.exprs(args.as_deref().unwrap_or_default());
            }
            ExprKind::FnLiteral(literal) => {
                for entry in &literal.entries {
                    self.exprs(&entry.point);
                    self.expr(&entry.value);
                }
                self.maybe(literal.default.as_ref().map(|(_, d)| d.as_ref()));
            }
        }
    }

    fn binders(&mut self, binders: &[Binder], scope: Span) -> usize {
        for binder in binders {
            let domain = match &binder.domain {
                Domain::Type(ty) => {
                    self.ty(ty);
                    ty.span
                }
                Domain::Set(set) => {
                    if self.last_set != Some(set.span) {
                        self.last_set = Some(set.span);
                        self.expr(set);
                    }
                    set.span
                }
            };
            let id = self.declare(&binder.name, DeclKind::Bound, binder.name.span.join(domain));
            self.push(id, scope);
        }
        binders.len()
    }
}

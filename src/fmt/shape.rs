//! What the syntax tree tells the layout: where a line must start and at
//! which indentation (declarations, clauses, rules, exceptions, `requires`,
//! command options: the *anchors*), and the *regions* whose continuation
//! lines are indented from their first line (a declaration's header, an
//! expression, a list of effects). Everything here is byte offsets into the
//! text the tree was parsed from.

use std::collections::BTreeMap;

use crate::ast::{self, ItemKind, RuleKind};
use crate::span::Span;

/// Columns per level of indentation.
pub const INDENT: usize = 2;

/// A token that begins a construct: where it starts a line, the line is
/// indented by `indent`; `own_line` ones always start a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub indent: usize,
    pub own_line: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionKind {
    /// A construct that starts with a keyword (a declaration, a rule, an
    /// effect): its continuation lines are one level deeper than its first.
    Header,
    /// An expression or a list of effects: its continuation lines line up
    /// with its first when it starts that line, else one level deeper.
    Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub span: Span,
    pub kind: RegionKind,
}

#[derive(Debug, Default)]
pub struct Shape {
    /// By the byte offset of the anchoring token.
    pub anchors: BTreeMap<usize, Anchor>,
    /// Anchors on the token just before an expression (`requires`), by the
    /// expression's offset.
    pub anchors_before: BTreeMap<usize, Anchor>,
    /// Nested or disjoint, sorted by start (outer first).
    pub regions: Vec<Region>,
}

/// The anchors and regions of a parsed spec.
pub fn shape(charter: &ast::Charter) -> Shape {
    let mut shape = Shape::default();
    for item in &charter.items {
        shape.item(item);
    }
    shape
        .regions
        .sort_by_key(|r| (r.span.start, std::cmp::Reverse(r.span.end)));
    shape
}

impl Shape {
    fn anchor(&mut self, at: usize, indent: usize, own_line: bool) {
        self.anchors.insert(at, Anchor { indent, own_line });
    }

    fn region(&mut self, span: Span, kind: RegionKind) {
        self.regions.push(Region { span, kind });
    }

    fn item(&mut self, item: &ast::Item) {
        self.anchor(item.span.start, 0, true);
        self.region(item.span, RegionKind::Header);
        match &item.kind {
            ItemKind::Calendar(_) | ItemKind::Enum(_) | ItemKind::Sort(_) => {}
            ItemKind::Const(decl) | ItemKind::Var(decl) => {
                if let Some(value) = &decl.value {
                    self.expr(value);
                }
            }
            ItemKind::Event(event) => {
                for requires in &event.requires {
                    let anchor = Anchor {
                        indent: INDENT,
                        own_line: false,
                    };
                    self.anchors_before.insert(requires.span.start, anchor);
                    self.expr(requires);
                }
            }
            ItemKind::Define(define) => self.expr(&define.body),
            ItemKind::Axiom(formula)
            | ItemKind::Init(formula)
            | ItemKind::Lemma(formula)
            | ItemKind::Assert(formula) => self.expr(&formula.body),
            ItemKind::Article(article) => {
                for clause in &article.clauses {
                    self.clause(clause, INDENT);
                }
                // The closing brace.
                self.anchor(item.span.end.saturating_sub(1), 0, true);
            }
            ItemKind::Clause(clause) => self.clause(clause, 0),
            ItemKind::Readings(decl) => {
                // One reading a line where the author broke the line.
                for reading in &decl.readings {
                    self.anchor(reading.name.span.start, INDENT, false);
                }
                self.anchor(item.span.end.saturating_sub(1), 0, false);
            }
            ItemKind::Command(command) => {
                if let ast::CommandKind::Scenario { goal, .. } = &command.kind {
                    self.expr(goal);
                }
                for option in &command.options {
                    self.anchor(option.span.start, INDENT, false);
                    self.region(option.span, RegionKind::Header);
                }
            }
        }
    }

    fn clause(&mut self, clause: &ast::Clause, indent: usize) {
        self.anchor(clause.span.start, indent, true);
        self.region(clause.span, RegionKind::Header);
        let rule_indent = indent + INDENT;
        for rule in &clause.rules {
            self.anchor(rule.span.start, rule_indent, true);
            self.region(rule.span, RegionKind::Header);
            match &rule.kind {
                RuleKind::On { when, block, .. } | RuleKind::Except { when, block, .. } => {
                    self.when(when);
                    self.block(block, rule_indent);
                }
                RuleKind::Defines(_) => {}
                RuleKind::Always(expr) => self.expr(expr),
                RuleKind::May { when, .. } | RuleKind::MustNot { when, .. } => self.when(when),
                RuleKind::Obligation { when, duty, .. } => {
                    self.when(when);
                    self.region(duty.span, RegionKind::Header);
                }
            }
        }
    }

    /// An expression, and within it each quantifier's body: a line that
    /// continues a body begun on an earlier line is indented from it, so
    /// that what the quantifier covers shows.
    fn expr(&mut self, expr: &ast::Expr) {
        self.region(expr.span, RegionKind::Expr);
        self.within(expr);
    }

    fn within(&mut self, expr: &ast::Expr) {
        use ast::ExprKind as E;
        let each = |shape: &mut Shape, exprs: &[ast::Expr]| {
            for expr in exprs {
                shape.within(expr);
            }
        };
        let binders = |shape: &mut Shape, binders: &[ast::Binder]| {
            for binder in binders {
                if let ast::Domain::Set(set) = &binder.domain {
                    shape.within(set);
                }
            }
        };
        match &expr.kind {
            E::Bool(_) | E::Int(_) | E::None | E::Duration(..) | E::Date(_) => {}
            E::CivilPart(_, date)
            | E::CivilBoundary { date, .. }
            | E::DateBound { date, .. }
            | E::WeekdayTest { date, .. } => self.within(date),
            E::DateSince { duration, date, .. } => {
                self.within(duration);
                self.within(date);
            }
            E::Name { args, .. }
            | E::TimeSince { args, .. }
            | E::Last { args, .. }
            | E::Happens { args, .. } => {
                each(self, args.as_deref().unwrap_or_default());
                if let E::TimeSince { duration, .. } = &expr.kind {
                    self.within(duration);
                }
            }
            E::Unary(_, operand) | E::OptionTest { operand, .. } | E::Fraction(_, _, operand) => {
                self.within(operand)
            }
            E::Binary(_, left, right) => {
                self.within(left);
                self.within(right);
            }
            E::If(condition, then, otherwise) => {
                self.within(condition);
                self.within(then);
                self.within(otherwise);
            }
            E::SetLiteral(elements) => each(self, elements),
            E::Reading { arms, .. } => {
                for (_, arm) in arms {
                    self.within(arm);
                }
            }
            E::FnLiteral(literal) => {
                for entry in &literal.entries {
                    each(self, &entry.point);
                    self.within(&entry.value);
                }
                if let Some((_, default)) = &literal.default {
                    self.within(default);
                }
            }
            E::Comprehension(bound, body) => {
                binders(self, bound);
                self.within(body);
            }
            E::Quantified(_, bound, body) | E::Sum(bound, body) => {
                binders(self, bound);
                self.expr(body);
            }
        }
    }

    fn when(&mut self, when: &Option<ast::Expr>) {
        if let Some(when) = when {
            self.expr(when);
        }
    }

    /// Effects and their exceptions; `indent` is the rule's (or the
    /// enclosing exception's).
    fn block(&mut self, block: &ast::EffectBlock, indent: usize) {
        if let (Some(first), Some(last)) = (block.effects.first(), block.effects.last()) {
            self.region(Span::new(first.span.start, last.span.end), RegionKind::Expr);
            for effect in &block.effects {
                self.region(effect.span, RegionKind::Header);
                if let Some(forall) = &effect.forall {
                    for binder in &forall.binders {
                        if let ast::Domain::Set(set) = &binder.domain {
                            self.within(set);
                        }
                    }
                    if let Some(when) = &forall.when {
                        self.within(when);
                    }
                }
                self.within(&effect.value);
            }
        }
        for exception in &block.exceptions {
            self.anchor(exception.span.start, indent + INDENT, false);
            self.region(exception.span, RegionKind::Header);
            self.expr(&exception.condition);
            self.block(&exception.block, indent + INDENT);
        }
    }
}

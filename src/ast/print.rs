//! Our own printer for the syntax tree (`charter check --emit ast`). It
//! writes one line per declaration, rule and effect, with its span, and
//! expressions fully parenthesised, so that the grouping the parser chose is
//! visible and precedence can be tested against hand-parenthesised forms.

use std::fmt::Write;

use super::*;

/// The whole tree, indented, with spans.
pub fn dump(charter: &Charter) -> String {
    let mut out = Printer::default();
    out.line(0, format!("charter {:?}", charter.title.node), charter.span);
    for item in &charter.items {
        out.item(item);
    }
    out.text
}

/// An expression, fully parenthesised: every binary and prefix operation is
/// wrapped, so `a and b or c` prints as `((a and b) or c)`.
pub fn expr(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, expr);
    out
}

/// A type as it would be written.
pub fn ty(ty: &Type) -> String {
    match &ty.kind {
        TypeKind::Bool => "Bool".into(),
        TypeKind::Int(None) => "Int".into(),
        TypeKind::Int(Some((low, high))) => format!("Int[{low}..{high}]"),
        TypeKind::Date(None) => "Date".into(),
        TypeKind::Date(Some((low, high))) => format!(
            "Date[{}..{}]",
            crate::civil::iso(*low),
            crate::civil::iso(*high)
        ),
        TypeKind::Named(name) => name.clone(),
        TypeKind::Option(inner) => format!("{}?", self::ty(inner)),
        TypeKind::Set(inner) => format!("set {}", self::ty(inner)),
        TypeKind::Function(args, result) => {
            let args: Vec<String> = args.iter().map(self::ty).collect();
            match args.as_slice() {
                [one] => format!("{one} -> {}", self::ty(result)),
                _ => format!("({}) -> {}", args.join(", "), self::ty(result)),
            }
        }
    }
}

#[derive(Default)]
struct Printer {
    text: String,
}

impl Printer {
    fn line(&mut self, indent: usize, content: String, span: Span) {
        let _ = writeln!(
            self.text,
            "{:indent$}{content}  @{span}",
            "",
            indent = indent * 2
        );
    }

    fn item(&mut self, item: &Item) {
        let span = item.span;
        match &item.kind {
            ItemKind::Calendar(decl) => {
                self.line(1, format!("calendar {}", decl.range_text()), span)
            }
            ItemKind::Enum(decl) => {
                let values: Vec<&str> = decl.values.iter().map(|v| v.node.as_str()).collect();
                self.line(
                    1,
                    format!(
                        "enum {}{} {{ {} }}",
                        decl.name.node,
                        if decl.alphabetical {
                            " alphabetical"
                        } else {
                            ""
                        },
                        values.join(", ")
                    ),
                    span,
                );
            }
            ItemKind::Sort(decl) if decl.names.is_empty() => {
                self.line(1, format!("sort {}", decl.name.node), span)
            }
            ItemKind::Sort(decl) => {
                let names: Vec<&str> = decl.names.iter().map(|n| n.node.as_str()).collect();
                self.line(
                    1,
                    format!("sort {} names {}", decl.name.node, names.join(", ")),
                    span,
                );
            }
            ItemKind::Const(decl) => self.state_decl("const", decl, span),
            ItemKind::Var(decl) => self.state_decl("var", decl, span),
            ItemKind::Event(decl) => {
                self.line(
                    1,
                    format!(
                        "{}event {}{}",
                        if decl.fair.is_some() { "fair " } else { "" },
                        decl.name.node,
                        params(&decl.params)
                    ),
                    span,
                );
                for guard in &decl.requires {
                    self.line(2, format!("requires {}", expr(guard)), guard.span);
                }
            }
            ItemKind::Define(decl) => {
                let params = decl.params.as_deref().map(params).unwrap_or_default();
                let result = decl
                    .ty
                    .as_ref()
                    .map(|t| format!(": {}", ty(t)))
                    .unwrap_or_default();
                self.line(
                    1,
                    format!(
                        "define {}{params}{result} = {}",
                        decl.name.node,
                        expr(&decl.body)
                    ),
                    span,
                );
            }
            ItemKind::Axiom(formula) => self.formula("axiom", formula, span),
            ItemKind::Init(formula) => self.formula("init", formula, span),
            ItemKind::Lemma(formula) => self.formula("lemma", formula, span),
            ItemKind::Assert(formula) => self.formula("assert", formula, span),
            ItemKind::Article(article) => {
                let title = article
                    .title
                    .as_ref()
                    .map(|t| format!(" {:?}", t.node))
                    .unwrap_or_default();
                self.line(1, format!("article {}{title}", article.number.node), span);
                for clause in &article.clauses {
                    self.clause(2, clause);
                }
            }
            ItemKind::Clause(clause) => self.clause(1, clause),
            ItemKind::Command(command) => self.command(command, span),
            ItemKind::Readings(decl) => {
                let text = decl
                    .text
                    .as_ref()
                    .map(|t| format!(" {:?}", t.node))
                    .unwrap_or_default();
                self.line(1, format!("readings {}{text}", decl.name.node), span);
                for reading in &decl.readings {
                    let text = reading
                        .text
                        .as_ref()
                        .map(|t| format!(": {:?}", t.node))
                        .unwrap_or_default();
                    self.line(2, format!("{}{text}", reading.name.node), reading.name.span);
                }
            }
        }
    }

    fn state_decl(&mut self, keyword: &str, decl: &StateDecl, span: Span) {
        let value = decl
            .value
            .as_ref()
            .map(|v| format!(" = {}", expr(v)))
            .unwrap_or_default();
        self.line(
            1,
            format!("{keyword} {}: {}{value}", decl.name.node, ty(&decl.ty)),
            span,
        );
    }

    fn formula(&mut self, keyword: &str, formula: &Formula, span: Span) {
        let text = formula
            .text
            .as_ref()
            .map(|t| format!(" {:?}", t.node))
            .unwrap_or_default();
        let always = if formula.always { "always " } else { "" };
        let body = match &formula.liveness {
            None => expr(&formula.body),
            Some(Liveness::Eventually(_)) => format!("eventually {}", expr(&formula.body)),
            Some(Liveness::LeadsTo(goal)) => {
                format!("{} leads to {}", expr(&formula.body), expr(goal))
            }
        };
        self.line(
            1,
            format!("{keyword} {}{text}: {always}{body}", formula.name.node),
            span,
        );
    }

    fn clause(&mut self, indent: usize, clause: &Clause) {
        let text = clause
            .text
            .as_ref()
            .map(|t| format!(" {:?}", t.node))
            .unwrap_or_default();
        let overrides = if clause.overrides.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = clause.overrides.iter().map(|n| n.node.as_str()).collect();
            format!(" overrides {}", names.join(", "))
        };
        self.line(
            indent,
            format!("clause {}{overrides}{text}", clause.name.node),
            clause.span,
        );
        for rule in &clause.rules {
            if !rule.under.is_empty() {
                let names: Vec<&str> = rule.under.iter().map(|n| n.node.as_str()).collect();
                self.line(
                    indent + 1,
                    format!("under {}:", names.join(", ")),
                    rule.span,
                );
            }
            match &rule.kind {
                RuleKind::Always(body) => {
                    self.line(indent + 1, format!("always {}", expr(body)), rule.span)
                }
                RuleKind::On {
                    pattern,
                    when,
                    block,
                } => {
                    let when = when_suffix(when.as_ref());
                    self.line(
                        indent + 1,
                        format!("on {}{when}", event_pattern(pattern)),
                        rule.span,
                    );
                    self.block(indent + 2, block);
                }
                RuleKind::May { pattern, when } | RuleKind::MustNot { pattern, when } => {
                    let keyword = if matches!(rule.kind, RuleKind::May { .. }) {
                        "may"
                    } else {
                        "must not"
                    };
                    let when = when_suffix(when.as_ref());
                    self.line(
                        indent + 1,
                        format!("{keyword} {}{when}", event_pattern(pattern)),
                        rule.span,
                    );
                }
                RuleKind::Obligation {
                    pattern,
                    when,
                    duty,
                } => {
                    let when = when_suffix(when.as_ref());
                    let mut call = String::new();
                    write_event_call(&mut call, &duty.event, duty.args.as_deref());
                    self.line(
                        indent + 1,
                        format!(
                            "on {}{when}: must {call} within {}",
                            event_pattern(pattern),
                            expr(&duty.within)
                        ),
                        rule.span,
                    );
                }
                RuleKind::Except {
                    clause: target,
                    when,
                    block,
                } => {
                    let when = when_suffix(when.as_ref());
                    self.line(
                        indent + 1,
                        format!("except in {}{when}", target.node),
                        rule.span,
                    );
                    self.block(indent + 2, block);
                }
                RuleKind::Defines(names) => {
                    let names: Vec<&str> = names.iter().map(|n| n.node.as_str()).collect();
                    self.line(
                        indent + 1,
                        format!("defines {}", names.join(", ")),
                        rule.span,
                    );
                }
            }
        }
    }

    fn block(&mut self, indent: usize, block: &EffectBlock) {
        for effect in &block.effects {
            let args = if effect.args.is_empty() {
                String::new()
            } else {
                let args: Vec<String> = effect.args.iter().map(expr).collect();
                format!("({})", args.join(", "))
            };
            let op = effect.op.as_str();
            let forall = match &effect.forall {
                Some(forall) => {
                    let mut out = String::from("forall ");
                    write_binders(&mut out, &forall.binders);
                    if let Some(when) = &forall.when {
                        out.push_str(" when ");
                        write_expr(&mut out, when);
                    }
                    out + ". "
                }
                None => String::new(),
            };
            self.line(
                indent,
                format!(
                    "{forall}{}'{args} {op} {}",
                    effect.target.node,
                    expr(&effect.value)
                ),
                effect.span,
            );
        }
        for exception in &block.exceptions {
            self.line(
                indent,
                format!("unless {}", expr(&exception.condition)),
                exception.span,
            );
            self.block(indent + 1, &exception.block);
        }
    }

    fn command(&mut self, command: &Command, span: Span) {
        let mut line = match &command.kind {
            CommandKind::Check => format!("check {}", command.name.node),
            CommandKind::Prove => format!("prove {}", command.name.node),
            CommandKind::Scenario { text, goal } => {
                let text = text
                    .as_ref()
                    .map(|t| format!(" {:?}", t.node))
                    .unwrap_or_default();
                format!("scenario {}{text}: {}", command.name.node, expr(goal))
            }
            CommandKind::Compare { second, locations } => {
                let names: Vec<&str> = locations.iter().map(|l| l.node.as_str()).collect();
                format!(
                    "compare {} {}: {}",
                    command.name.node,
                    second.node,
                    names.join(", ")
                )
            }
            CommandKind::Diverge { second } => {
                format!("diverge {} {}", command.name.node, second.node)
            }
        };
        for option in &command.options {
            match &option.kind {
                CommandOptionKind::Depth(depth) => {
                    let _ = write!(line, " depth {}", depth.node);
                }
                CommandOptionKind::Decreasing(measure, _) => {
                    let _ = write!(line, " decreasing {}", expr(measure));
                }
                CommandOptionKind::Fair(events) => {
                    let names: Vec<&str> = events.iter().map(|e| e.node.as_str()).collect();
                    let _ = write!(line, " assuming fair {}", names.join(", "));
                }
                CommandOptionKind::Scope(scopes) => {
                    let scopes: Vec<String> = scopes
                        .iter()
                        .map(|(sort, size)| format!("{} = {}", sort.node, size.node))
                        .collect();
                    let _ = write!(line, " scope {}", scopes.join(", "));
                }
                CommandOptionKind::Under(readings) => {
                    let names: Vec<&str> = readings.iter().map(|n| n.node.as_str()).collect();
                    let _ = write!(line, " under {}", names.join(", "));
                }
                CommandOptionKind::Expect(expectation, allowing)
                | CommandOptionKind::ExpectUnder(_, expectation, allowing) => {
                    let _ = write!(line, " expect ");
                    if let CommandOptionKind::ExpectUnder(reading, ..) = &option.kind {
                        let _ = write!(line, "{}: ", reading.node);
                    }
                    let _ = write!(line, "{}", expectation.as_str());
                    let allowed: Vec<String> = allowing
                        .iter()
                        .map(|a| match &a.subject {
                            Some(subject) => format!("{} {}", a.kind.node, subject.node),
                            None => a.kind.node.clone(),
                        })
                        .collect();
                    if !allowed.is_empty() {
                        let _ = write!(line, " allowing {}", allowed.join(", "));
                    }
                }
            }
        }
        self.line(1, line, span);
    }
}

fn params(params: &[Param]) -> String {
    let params: Vec<String> = params
        .iter()
        .map(|p| format!("{}: {}", p.name.node, ty(&p.ty)))
        .collect();
    format!("({})", params.join(", "))
}

/// ` when condition`, or nothing.
fn when_suffix(when: Option<&Expr>) -> String {
    when.map(|w| format!(" when {}", expr(w)))
        .unwrap_or_default()
}

fn event_pattern(pattern: &EventPattern) -> String {
    match pattern {
        EventPattern::Event { name, bindings } => match bindings {
            Some(bindings) => {
                let names: Vec<&str> = bindings.iter().map(|b| b.node.as_str()).collect();
                format!("{}({})", name.node, names.join(", "))
            }
            None => name.node.clone(),
        },
        EventPattern::Any { except, .. } if except.is_empty() => "any event".into(),
        EventPattern::Any { except, .. } => {
            let names: Vec<&str> = except.iter().map(|e| e.node.as_str()).collect();
            format!("any event except {}", names.join(", "))
        }
    }
}

fn write_binders(out: &mut String, binders: &[Binder]) {
    for (index, binder) in binders.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str(&binder.name.node);
        match &binder.domain {
            Domain::Type(t) => {
                let _ = write!(out, ": {}", ty(t));
            }
            Domain::Set(set) => {
                out.push_str(" in ");
                write_expr(out, set);
            }
        }
    }
}

fn write_expr(out: &mut String, expr: &Expr) {
    match &expr.kind {
        ExprKind::Bool(value) => {
            let _ = write!(out, "{value}");
        }
        ExprKind::Int(value) => {
            let _ = write!(out, "{value}");
        }
        ExprKind::None => out.push_str("none"),
        ExprKind::Name { name, primed, args } => {
            out.push_str(&name.node);
            if *primed {
                out.push('\'');
            }
            write_args(out, args.as_deref());
        }
        ExprKind::Unary(op, operand) => {
            out.push('(');
            out.push_str(op.as_str());
            if !matches!(op, UnaryOp::Neg | UnaryOp::Card) {
                out.push(' ');
            }
            write_expr(out, operand);
            out.push(')');
        }
        ExprKind::Binary(op, lhs, rhs) => {
            out.push('(');
            write_expr(out, lhs);
            let _ = write!(out, " {} ", op.as_str());
            write_expr(out, rhs);
            out.push(')');
        }
        ExprKind::OptionTest { operand, is_some } => {
            out.push('(');
            write_expr(out, operand);
            out.push_str(if *is_some { " is some)" } else { " is none)" });
        }
        ExprKind::WeekdayTest { date, day } => {
            out.push('(');
            write_expr(out, date);
            let _ = write!(out, " is {})", crate::civil::WEEKDAYS[*day]);
        }
        ExprKind::If(cond, then, other) => {
            out.push_str("(if ");
            write_expr(out, cond);
            out.push_str(" then ");
            write_expr(out, then);
            out.push_str(" else ");
            write_expr(out, other);
            out.push(')');
        }
        ExprKind::SetLiteral(elements) => {
            out.push('{');
            for (index, element) in elements.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_expr(out, element);
            }
            out.push('}');
        }
        ExprKind::Reading { group, arms } => {
            out.push_str("reading ");
            out.push_str(&group.node);
            out.push_str(" {");
            for (index, (reading, body)) in arms.iter().enumerate() {
                out.push_str(if index > 0 { ", " } else { " " });
                out.push_str(&reading.node);
                out.push_str(": ");
                write_expr(out, body);
            }
            out.push_str(" }");
        }
        ExprKind::FnLiteral(literal) => {
            out.push('{');
            for (index, entry) in literal.entries.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                if let [point] = entry.point.as_slice() {
                    write_expr(out, point);
                } else {
                    out.push('(');
                    for (i, coordinate) in entry.point.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        write_expr(out, coordinate);
                    }
                    out.push(')');
                }
                out.push_str(": ");
                write_expr(out, &entry.value);
            }
            if let Some((_, default)) = &literal.default {
                if !literal.entries.is_empty() {
                    out.push_str(", ");
                }
                out.push_str("_: ");
                write_expr(out, default);
            }
            out.push('}');
        }
        ExprKind::Comprehension(binders, body) => {
            out.push('{');
            write_binders(out, binders);
            out.push_str(" | ");
            write_expr(out, body);
            out.push('}');
        }
        ExprKind::Quantified(quantifier, binders, body) => {
            out.push('(');
            out.push_str(quantifier.as_str());
            out.push(' ');
            write_binders(out, binders);
            out.push_str(". ");
            write_expr(out, body);
            out.push(')');
        }
        ExprKind::Sum(binders, body) => {
            out.push_str("(sum ");
            write_binders(out, binders);
            out.push_str(". ");
            write_expr(out, body);
            out.push(')');
        }
        ExprKind::Duration(count, unit) => {
            let _ = write!(out, "{count} {}", unit.as_str());
        }
        ExprKind::Date(days) => out.push_str(&crate::civil::iso(*days)),
        ExprKind::CivilPart(field, date) => {
            let _ = write!(out, "({} of ", field.as_str());
            write_expr(out, date);
            out.push(')');
        }
        ExprKind::CivilBoundary {
            last,
            period,
            after,
            date,
        } => {
            let _ = write!(
                out,
                "({} day of the {} {} ",
                if *last { "last" } else { "first" },
                period.as_str(),
                if *after { "after" } else { "of" }
            );
            write_expr(out, date);
            out.push(')');
        }
        ExprKind::Fraction(numerator, denominator, whole) => {
            let _ = write!(out, "({numerator}/{denominator} of ");
            write_expr(out, whole);
            out.push(')');
        }
        ExprKind::TimeSince {
            at_least,
            duration,
            event,
            args,
        } => {
            out.push_str(if *at_least { "(at least " } else { "(within " });
            write_expr(out, duration);
            out.push_str(" after ");
            write_event_call(out, event, args.as_deref());
            out.push(')');
        }
        ExprKind::DateSince {
            at_least,
            duration,
            date,
        } => {
            out.push_str(if *at_least { "(at least " } else { "(within " });
            write_expr(out, duration);
            out.push_str(" after ");
            write_expr(out, date);
            out.push(')');
        }
        ExprKind::DateBound { before, date } => {
            out.push_str(if *before {
                "(before "
            } else {
                "(not later than "
            });
            write_expr(out, date);
            out.push(')');
        }
        ExprKind::Last { event, args } => {
            out.push_str("(last ");
            write_event_call(out, event, args.as_deref());
            out.push(')');
        }
        ExprKind::Happens { event, args } => {
            out.push_str("(happens ");
            write_event_call(out, event, args.as_deref());
            out.push(')');
        }
    }
}

fn write_event_call(out: &mut String, event: &Ident, args: Option<&[Expr]>) {
    out.push_str(&event.node);
    write_args(out, args);
}

/// `(a, b)`, when arguments were written.
fn write_args(out: &mut String, args: Option<&[Expr]>) {
    if let Some(args) = args {
        out.push('(');
        for (index, arg) in args.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            write_expr(out, arg);
        }
        out.push(')');
    }
}

//! Walks a syntax tree and checks that every child's span lies inside its
//! parent's.

use charter::ast::*;
use charter::span::Span;

type Result = std::result::Result<(), String>;

fn inside(parent: Span, child: Span, what: &str) -> Result {
    if parent.contains(child) {
        Ok(())
    } else {
        Err(format!(
            "{what} at {child} is outside its parent at {parent}"
        ))
    }
}

pub fn check_charter(charter: &Charter) -> Result {
    inside(charter.span, charter.title.span, "the title")?;
    let mut previous_end = 0;
    for item in &charter.items {
        inside(charter.span, item.span, "an item")?;
        if item.span.start < previous_end {
            return Err(format!("item at {} overlaps the one before", item.span));
        }
        previous_end = item.span.end;
        check_item(item)?;
    }
    Ok(())
}

fn check_item(item: &Item) -> Result {
    let span = item.span;
    match &item.kind {
        ItemKind::Enum(decl) => {
            inside(span, decl.name.span, "an enum name")?;
            for value in &decl.values {
                inside(span, value.span, "an enum value")?;
            }
        }
        ItemKind::Sort(decl) => inside(span, decl.name.span, "a sort name")?,
        ItemKind::Calendar(decl) => inside(span, decl.unit.span, "a calendar's unit")?,
        ItemKind::Const(decl) | ItemKind::Var(decl) => {
            inside(span, decl.name.span, "a name")?;
            check_type(span, &decl.ty)?;
            if let Some(value) = &decl.value {
                check_expr(span, value)?;
            }
        }
        ItemKind::Event(decl) => {
            inside(span, decl.name.span, "an event name")?;
            for param in &decl.params {
                inside(span, param.name.span, "a parameter")?;
                check_type(span, &param.ty)?;
            }
            for guard in &decl.requires {
                check_expr(span, guard)?;
            }
        }
        ItemKind::Define(decl) => {
            inside(span, decl.name.span, "a define name")?;
            for param in decl.params.iter().flatten() {
                check_type(span, &param.ty)?;
            }
            check_expr(span, &decl.body)?;
        }
        ItemKind::Axiom(f) | ItemKind::Init(f) | ItemKind::Lemma(f) | ItemKind::Assert(f) => {
            inside(span, f.name.span, "a formula name")?;
            if let Some(text) = &f.text {
                inside(span, text.span, "a formula text")?;
            }
            check_expr(span, &f.body)?;
        }
        ItemKind::Article(article) => {
            inside(span, article.number.span, "an article number")?;
            for clause in &article.clauses {
                inside(span, clause.span, "a clause")?;
                check_clause(clause)?;
            }
        }
        ItemKind::Clause(clause) => {
            inside(span, clause.span, "a clause")?;
            check_clause(clause)?;
        }
        ItemKind::Command(command) => {
            inside(span, command.name.span, "a command name")?;
            if let CommandKind::Scenario { goal, .. } = &command.kind {
                check_expr(span, goal)?;
            }
            for option in &command.options {
                inside(span, option.span, "a command option")?;
            }
        }
        ItemKind::Readings(decl) => {
            inside(span, decl.name.span, "a readings name")?;
            for reading in &decl.readings {
                inside(span, reading.name.span, "a reading name")?;
            }
        }
    }
    Ok(())
}

fn check_clause(clause: &Clause) -> Result {
    inside(clause.span, clause.name.span, "a clause name")?;
    for rule in &clause.rules {
        inside(clause.span, rule.span, "a rule")?;
        match &rule.kind {
            RuleKind::Always(body) => check_expr(rule.span, body)?,
            RuleKind::May { pattern, when } | RuleKind::MustNot { pattern, when } => {
                check_pattern(rule.span, pattern)?;
                if let Some(when) = when {
                    check_expr(rule.span, when)?;
                }
            }
            RuleKind::Obligation {
                pattern,
                when,
                duty,
            } => {
                check_pattern(rule.span, pattern)?;
                if let Some(when) = when {
                    check_expr(rule.span, when)?;
                }
                inside(rule.span, duty.span, "an obligation")?;
                inside(duty.span, duty.event.span, "an obligation's event")?;
                for arg in duty.args.iter().flatten() {
                    check_expr(duty.span, arg)?;
                }
                check_expr(duty.span, &duty.within)?;
            }
            RuleKind::On {
                pattern,
                when,
                block,
            } => {
                match pattern {
                    EventPattern::Event { name, bindings } => {
                        inside(rule.span, name.span, "an event name")?;
                        for binding in bindings.iter().flatten() {
                            inside(rule.span, binding.span, "a binding")?;
                        }
                    }
                    EventPattern::Any { span, .. } => inside(rule.span, *span, "a pattern")?,
                }
                if let Some(when) = when {
                    check_expr(rule.span, when)?;
                }
                inside(rule.span, block.span, "an effect block")?;
                check_block(block)?;
            }
            RuleKind::Except {
                clause: target,
                when,
                block,
            } => {
                inside(rule.span, target.span, "an excepted clause")?;
                if let Some(when) = when {
                    check_expr(rule.span, when)?;
                }
                inside(rule.span, block.span, "an effect block")?;
                check_block(block)?;
            }
            RuleKind::Defines(names) => {
                for name in names {
                    inside(rule.span, name.span, "a defined name")?;
                }
            }
        }
    }
    Ok(())
}

fn check_pattern(parent: Span, pattern: &EventPattern) -> Result {
    match pattern {
        EventPattern::Event { name, bindings } => {
            inside(parent, name.span, "an event name")?;
            for binding in bindings.iter().flatten() {
                inside(parent, binding.span, "a binding")?;
            }
            Ok(())
        }
        EventPattern::Any { span, .. } => inside(parent, *span, "a pattern"),
    }
}

fn check_block(block: &EffectBlock) -> Result {
    for effect in &block.effects {
        inside(block.span, effect.span, "an effect")?;
        inside(effect.span, effect.target.span, "an effect target")?;
        if let Some(forall) = &effect.forall {
            inside(effect.span, forall.span, "an effect's binders")?;
            check_binders(forall.span, &forall.binders)?;
            if let Some(when) = &forall.when {
                check_expr(forall.span, when)?;
            }
        }
        for arg in &effect.args {
            check_expr(effect.span, arg)?;
        }
        check_expr(effect.span, &effect.value)?;
    }
    for exception in &block.exceptions {
        inside(block.span, exception.span, "an exception")?;
        check_expr(exception.span, &exception.condition)?;
        inside(exception.span, exception.block.span, "an exception's block")?;
        check_block(&exception.block)?;
    }
    Ok(())
}

fn check_type(parent: Span, ty: &Type) -> Result {
    inside(parent, ty.span, "a type")?;
    match &ty.kind {
        TypeKind::Option(inner) | TypeKind::Set(inner) => check_type(ty.span, inner),
        TypeKind::Function(args, result) => {
            for arg in args {
                check_type(ty.span, arg)?;
            }
            check_type(ty.span, result)
        }
        TypeKind::Bool | TypeKind::Int(_) | TypeKind::Date(_) | TypeKind::Named(_) => Ok(()),
    }
}

fn check_binders(parent: Span, binders: &[Binder]) -> Result {
    for binder in binders {
        inside(parent, binder.name.span, "a binder")?;
        match &binder.domain {
            Domain::Type(ty) => check_type(parent, ty)?,
            Domain::Set(set) => check_expr(parent, set)?,
        }
    }
    Ok(())
}

pub fn check_expr(parent: Span, expr: &Expr) -> Result {
    inside(parent, expr.span, "an expression")?;
    let span = expr.span;
    match &expr.kind {
        ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::None => Ok(()),
        ExprKind::Name { name, args, .. } => {
            inside(span, name.span, "a name")?;
            for arg in args.iter().flatten() {
                check_expr(span, arg)?;
            }
            Ok(())
        }
        ExprKind::Unary(_, operand)
        | ExprKind::OptionTest { operand, .. }
        | ExprKind::WeekdayTest { date: operand, .. } => check_expr(span, operand),
        ExprKind::Binary(_, lhs, rhs) => {
            check_expr(span, lhs)?;
            check_expr(span, rhs)?;
            if lhs.span.end > rhs.span.start {
                return Err(format!("operands at {} and {} overlap", lhs.span, rhs.span));
            }
            Ok(())
        }
        ExprKind::If(a, b, c) => {
            check_expr(span, a)?;
            check_expr(span, b)?;
            check_expr(span, c)
        }
        ExprKind::SetLiteral(elements) => {
            for element in elements {
                check_expr(span, element)?;
            }
            Ok(())
        }
        ExprKind::FnLiteral(literal) => {
            for entry in &literal.entries {
                inside(span, entry.span, "a function literal's entry")?;
                for coordinate in &entry.point {
                    check_expr(entry.span, coordinate)?;
                }
                check_expr(entry.span, &entry.value)?;
            }
            if let Some((_, default)) = &literal.default {
                check_expr(span, default)?;
            }
            Ok(())
        }
        ExprKind::Comprehension(binders, body)
        | ExprKind::Quantified(_, binders, body)
        | ExprKind::Sum(binders, body) => {
            check_binders(span, binders)?;
            check_expr(span, body)
        }
        ExprKind::Duration(..) | ExprKind::Date(_) => Ok(()),
        ExprKind::CivilPart(_, date)
        | ExprKind::CivilBoundary { date, .. }
        | ExprKind::DateBound { date, .. } => check_expr(span, date),
        ExprKind::DateSince { duration, date, .. } => {
            check_expr(span, duration)?;
            check_expr(span, date)
        }
        ExprKind::Fraction(_, _, whole) => check_expr(span, whole),
        ExprKind::TimeSince {
            duration,
            event,
            args,
            ..
        } => {
            check_expr(span, duration)?;
            inside(span, event.span, "an event name")?;
            for arg in args.iter().flatten() {
                check_expr(span, arg)?;
            }
            Ok(())
        }
        ExprKind::Last { event, args } | ExprKind::Happens { event, args } => {
            inside(span, event.span, "an event name")?;
            for arg in args.iter().flatten() {
                check_expr(span, arg)?;
            }
            Ok(())
        }
        ExprKind::Reading { group, arms } => {
            inside(span, group.span, "a readings name")?;
            for (reading, arm) in arms {
                inside(span, reading.span, "a reading name")?;
                check_expr(span, arm)?;
            }
            Ok(())
        }
    }
}

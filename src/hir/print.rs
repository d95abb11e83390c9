//! Our own printer for the checked spec (`charter check --emit hir`): every
//! name shown with what it resolved to, every expression with its type.
//!
//! Notation: `$name#3` is local number 3 (a parameter or bound variable),
//! `State.Armenia` an enum value, `all State` a sort used as the set of its
//! elements, `once[…]`/`happened …` the past; each top-level expression ends
//! with `: Type`.

use std::fmt::Write;

use super::*;

pub fn dump(charter: &Charter) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "charter {:?}", charter.title);
    for sort in &charter.sorts {
        let _ = match &sort.kind {
            SortKind::Enum(values) => {
                writeln!(out, "enum {} {{ {} }}", sort.name, values.join(", "))
            }
            SortKind::Abstract if sort.names.is_empty() => writeln!(
                out,
                "sort {} (scope per command, default {DEFAULT_SCOPE})",
                sort.name
            ),
            SortKind::Abstract => writeln!(
                out,
                "sort {} names {} (scope per command, default {})",
                sort.name,
                sort.names.join(", "),
                sort.default_scope()
            ),
        };
    }
    for state in &charter.states {
        let kind = match state.kind {
            StateKind::Const => "const",
            StateKind::Var => "var",
        };
        let ty = match state.args.as_slice() {
            [] => charter.type_name(&state.ty),
            args => {
                let args: Vec<String> = args.iter().map(|a| charter.type_name(a)).collect();
                format!("({}) -> {}", args.join(", "), charter.type_name(&state.ty))
            }
        };
        let value = state
            .value
            .as_ref()
            .map(|v| format!(" = {}", typed(charter, v)))
            .unwrap_or_default();
        let _ = writeln!(out, "{kind} {}: {ty}{value}", state.name);
    }
    for event in &charter.events {
        let _ = writeln!(
            out,
            "event {}({})",
            event.name,
            locals(charter, &event.params)
        );
        for guard in &event.requires {
            let _ = writeln!(out, "  requires {}", typed(charter, &guard.body));
        }
    }
    for define in &charter.defines {
        let _ = writeln!(
            out,
            "define {}({}) = {}",
            define.name,
            locals(charter, &define.params),
            typed(charter, &define.body)
        );
    }
    for formula in &charter.formulas {
        let kind = match formula.kind {
            FormulaKind::Axiom => "axiom",
            FormulaKind::Init => "init",
            FormulaKind::Lemma => "lemma",
            FormulaKind::Assert => "assert",
            FormulaKind::Eventually => "assert eventually",
            FormulaKind::LeadsTo => "assert leads to",
        };
        let _ = writeln!(
            out,
            "{kind} {}: {}",
            formula.name,
            typed(charter, &formula.body)
        );
    }
    for clause in &charter.clauses {
        let article = clause
            .article
            .as_ref()
            .map(|a| format!(" (article {a})"))
            .unwrap_or_default();
        let overrides: Vec<&str> = clause
            .overrides
            .iter()
            .map(|c| charter.clauses[c.0].name.as_str())
            .collect();
        let overrides = if overrides.is_empty() {
            String::new()
        } else {
            format!(" overrides {}", overrides.join(", "))
        };
        let excepts: Vec<&str> = clause
            .exception_to
            .iter()
            .map(|c| charter.clauses[c.0].name.as_str())
            .collect();
        let excepts = if excepts.is_empty() {
            String::new()
        } else {
            format!(" (an exception to {})", excepts.join(", "))
        };
        let defines: Vec<&str> = clause
            .defines
            .iter()
            .map(|d| match d {
                Defined::Define(id) => charter.defines[id.0].name.as_str(),
                Defined::Const(id) => charter.states[id.0].name.as_str(),
            })
            .collect();
        let defines = if defines.is_empty() {
            String::new()
        } else {
            format!(" defines {}", defines.join(", "))
        };
        let _ = writeln!(
            out,
            "clause {}{article}{overrides}{excepts}{defines}",
            clause.name
        );
        for rule in &clause.rules {
            match &rule.kind {
                RuleKind::StateConstraint(body) => {
                    let _ = writeln!(out, "  state constraint {}", typed(charter, body));
                }
                RuleKind::TransitionConstraint(body) => {
                    let _ = writeln!(out, "  transition constraint {}", typed(charter, body));
                }
                RuleKind::On {
                    events,
                    bindings,
                    when,
                    block,
                } => {
                    let events = match events {
                        EventSet::One(id) => {
                            let names: Vec<String> = bindings
                                .iter()
                                .map(|b| b.map_or("_".to_string(), |l| local(charter, l)))
                                .collect();
                            format!("{}({})", charter.event(*id).name, names.join(", "))
                        }
                        EventSet::AllExcept(except) => {
                            let names: Vec<&str> = except
                                .iter()
                                .map(|e| charter.event(*e).name.as_str())
                                .collect();
                            format!("any event except [{}]", names.join(", "))
                        }
                    };
                    let when = when
                        .as_ref()
                        .map(|w| format!(" when {}", typed(charter, w)))
                        .unwrap_or_default();
                    let _ = writeln!(out, "  on {events}{when}");
                    block_lines(&mut out, charter, block, 2);
                }
            }
        }
    }
    for command in &charter.commands {
        let what = match &command.kind {
            CommandKind::Check(id) => format!("check {}", charter.formula(*id).name),
            CommandKind::Prove(id) => format!("prove {}", charter.formula(*id).name),
            CommandKind::Scenario { goal, .. } => {
                format!("scenario {}: {}", command.name, typed(charter, goal))
            }
        };
        let depth = command.depth.unwrap_or(DEFAULT_DEPTH);
        let scopes: Vec<String> = command
            .scopes
            .iter()
            .map(|(sort, size)| format!("{} = {size}", charter.sort(*sort).name))
            .collect();
        let scopes = if scopes.is_empty() {
            String::new()
        } else {
            format!(" scope {}", scopes.join(", "))
        };
        let expect = command
            .expect
            .map(|e| format!(" expect {}", e.as_str()))
            .unwrap_or_default();
        let allowed: Vec<String> = command
            .allowing
            .iter()
            .map(|a| match &a.subject {
                Some(subject) => format!("{} {subject}", a.kind.as_str()),
                None => a.kind.as_str().to_string(),
            })
            .collect();
        let expect = if allowed.is_empty() {
            expect
        } else {
            format!("{expect} allowing {}", allowed.join(", "))
        };
        let _ = writeln!(out, "{what} depth {depth}{scopes}{expect}");
    }
    out
}

fn block_lines(out: &mut String, charter: &Charter, block: &EffectBlock, indent: usize) {
    let pad = "  ".repeat(indent);
    for effect in &block.effects {
        let args = if effect.args.is_empty() {
            String::new()
        } else {
            let args: Vec<String> = effect.args.iter().map(|a| expr(charter, a)).collect();
            format!("({})", args.join(", "))
        };
        let op = effect.op.as_str();
        let forall = match &effect.forall {
            Some(forall) => {
                let binders: Vec<String> = forall
                    .binders
                    .iter()
                    .map(|b| charter.local(b.local).name.clone())
                    .collect();
                let when = forall
                    .when
                    .as_ref()
                    .map(|w| format!(" when {}", typed(charter, w)))
                    .unwrap_or_default();
                format!("forall {}{when}. ", binders.join(", "))
            }
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "{pad}{forall}{}'{args} {op} {}",
            charter.state(effect.target).name,
            typed(charter, &effect.value)
        );
    }
    for exception in &block.exceptions {
        let _ = writeln!(out, "{pad}unless {}", typed(charter, &exception.condition));
        block_lines(out, charter, &exception.block, indent + 1);
    }
}

fn local(charter: &Charter, id: LocalId) -> String {
    format!("${}#{}", charter.local(id).name, id.0)
}

fn locals(charter: &Charter, ids: &[LocalId]) -> String {
    let parts: Vec<String> = ids
        .iter()
        .map(|id| format!("{}: {}", local(charter, *id), charter.local_type_name(*id)))
        .collect();
    parts.join(", ")
}

fn typed(charter: &Charter, e: &Expr) -> String {
    format!("{} : {}", expr(charter, e), charter.type_name(&e.ty))
}

/// An expression, fully parenthesised, with resolved names.
pub fn expr(charter: &Charter, e: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, charter, e);
    out
}

fn write_list(out: &mut String, charter: &Charter, items: &[Expr]) {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        write_expr(out, charter, item);
    }
}

fn write_binders(out: &mut String, charter: &Charter, binders: &[Binder]) {
    for (index, binder) in binders.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str(&local(charter, binder.local));
        match &binder.domain {
            Domain::Type(ty) => {
                let _ = write!(out, ": {}", charter.type_name(ty));
            }
            Domain::Set(set) => {
                out.push_str(" in ");
                write_expr(out, charter, set);
            }
        }
    }
}

fn write_expr(out: &mut String, charter: &Charter, e: &Expr) {
    match &e.kind {
        ExprKind::Bool(value) => {
            let _ = write!(out, "{value}");
        }
        ExprKind::Int(value) => {
            let _ = write!(out, "{value}");
        }
        ExprKind::None => out.push_str("none"),
        ExprKind::Some(inner) => {
            out.push_str("some(");
            write_expr(out, charter, inner);
            out.push(')');
        }
        ExprKind::EnumValue(sort, index) => {
            let sort = charter.sort(*sort);
            let _ = write!(out, "{}.{}", sort.name, sort.element_name(*index));
        }
        ExprKind::Universe(sort) => {
            let _ = write!(out, "all {}", charter.sort(*sort).name);
        }
        ExprKind::State { id, primed, args } => {
            out.push_str(&charter.state(*id).name);
            if *primed {
                out.push('\'');
            }
            if !args.is_empty() {
                out.push('(');
                write_list(out, charter, args);
                out.push(')');
            }
        }
        ExprKind::Local(id) => out.push_str(&local(charter, *id)),
        ExprKind::Apply(head, args) => {
            write_expr(out, charter, head);
            out.push('(');
            write_list(out, charter, args);
            out.push(')');
        }
        ExprKind::Call(id, args) => {
            out.push_str(&charter.define(*id).name);
            out.push('(');
            write_list(out, charter, args);
            out.push(')');
        }
        ExprKind::EventArg(id, position) => {
            let event = charter.event(*id);
            let param = event
                .params
                .get(*position)
                .map(|p| charter.local(*p).name.as_str());
            let _ = write!(out, "{}.{}", event.name, param.unwrap_or("?"));
        }
        ExprKind::Happened(id, args) => {
            let _ = write!(out, "happened {}(", charter.event(*id).name);
            for (index, arg) in args.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                match arg {
                    Some(arg) => write_expr(out, charter, arg),
                    None => out.push('_'),
                }
            }
            out.push(')');
        }
        ExprKind::Unary(op, operand) => {
            out.push('(');
            out.push_str(op.as_str());
            if !matches!(op, UnaryOp::Neg | UnaryOp::Card) {
                out.push(' ');
            }
            write_expr(out, charter, operand);
            out.push(')');
        }
        ExprKind::Binary(op, lhs, rhs) => {
            out.push('(');
            write_expr(out, charter, lhs);
            let _ = write!(out, " {} ", op.as_str());
            write_expr(out, charter, rhs);
            out.push(')');
        }
        ExprKind::OptionTest(operand, is_some) => {
            out.push('(');
            write_expr(out, charter, operand);
            out.push_str(if *is_some { " is some)" } else { " is none)" });
        }
        ExprKind::If(cond, then, other) => {
            out.push_str("(if ");
            write_expr(out, charter, cond);
            out.push_str(" then ");
            write_expr(out, charter, then);
            out.push_str(" else ");
            write_expr(out, charter, other);
            out.push(')');
        }
        ExprKind::SetLiteral(elements) => {
            out.push('{');
            write_list(out, charter, elements);
            out.push('}');
        }
        ExprKind::Comprehension(binders, body) => {
            out.push('{');
            write_binders(out, charter, binders);
            out.push_str(" | ");
            write_expr(out, charter, body);
            out.push('}');
        }
        ExprKind::Quantified(quantifier, binders, body) => {
            out.push('(');
            out.push_str(quantifier.as_str());
            out.push(' ');
            write_binders(out, charter, binders);
            out.push_str(". ");
            write_expr(out, charter, body);
            out.push(')');
        }
        ExprKind::Sum(binders, body) => {
            out.push_str("(sum ");
            write_binders(out, charter, binders);
            out.push_str(". ");
            write_expr(out, charter, body);
            out.push(')');
        }
        ExprKind::OptionValue(inner) => {
            out.push_str("value(");
            write_expr(out, charter, inner);
            out.push(')');
        }
    }
}

//! Hover texts: a declaration as written (its first lines), its type where
//! the checker knows it, what holds it, and a clause's, formula's or
//! scenario's quoted text. User text goes through [`crate::printable`].

use super::{Analysis, Decl, DeclKind};
use crate::hir::{self, Provenance};

/// Lines of a declaration a hover quotes; more are elided.
const QUOTED_LINES: usize = 8;

/// The hover of a declaration, in Markdown.
pub fn markdown(analysis: &Analysis, decl: &Decl) -> String {
    let mut parts: Vec<String> = Vec::new();
    match decl.kind {
        DeclKind::Clause => parts.push(match &decl.container {
            Some(article) => format!(
                "**clause** `{}` — article {}",
                shown(&decl.name),
                shown(article)
            ),
            None => format!("**clause** `{}`", shown(&decl.name)),
        }),
        DeclKind::Now => parts.push("`now`: the calendar's date".into()),
        _ => parts.push(format!(
            "```charter\n{}\n```",
            snippet(&analysis.text, decl)
        )),
    }
    if let Some(ty) = analysis
        .checked
        .as_ref()
        .and_then(|c| type_of(&c.charter, decl))
    {
        parts.push(format!("type: `{}`", shown(&ty)));
    }
    if let Some(container) = &decl.container {
        let held = match decl.kind {
            DeclKind::EnumValue => Some("a value of enum"),
            DeclKind::SortElement => Some("a named element of sort"),
            DeclKind::Parameter => Some("a parameter of"),
            DeclKind::Binding => Some("an argument of event"),
            _ => None,
        };
        if let Some(held) = held {
            parts.push(format!("{held} `{}`", shown(container)));
        }
    }
    if let Some(text) = &decl.text {
        let quoted: Vec<String> = text
            .lines()
            .map(|l| format!("> {}", shown(l.trim())))
            .collect();
        parts.push(quoted.join("\n"));
    }
    parts.join("\n\n")
}

fn shown(text: &str) -> String {
    crate::printable(text)
}

/// The declaration's first lines as written (a clause's or article's
/// rules are not its declaration: the whole text would be too long).
fn snippet(text: &str, decl: &Decl) -> String {
    let written = text.get(decl.item.start..decl.item.end).unwrap_or_default();
    let lines: Vec<&str> = written.lines().collect();
    let mut out = lines
        .iter()
        .take(QUOTED_LINES)
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    if lines.len() > QUOTED_LINES {
        out.push_str("\n…");
    }
    shown(&out).replace("```", "`\u{200b}``")
}

/// The type the checker gave the declaration, where the declaration does
/// not spell it out or is a local: a define's, a state's, a local's.
fn type_of(charter: &hir::Charter, decl: &Decl) -> Option<String> {
    match decl.kind {
        DeclKind::Const | DeclKind::Var => {
            let state = charter
                .states
                .iter()
                .find(|s| s.name == decl.name && s.provenance == Provenance::User)?;
            Some(signature(charter, &state.args, &state.ty))
        }
        DeclKind::Define => {
            let define = charter.defines.iter().find(|d| d.name == decl.name)?;
            // Not the parameter that carries `now` into the body: each use
            // passes its own date.
            let args: Vec<hir::Type> = define
                .params
                .iter()
                .map(|&p| charter.local(p))
                .filter(|local| local.provenance == Provenance::User)
                .map(|local| local.ty.clone())
                .collect();
            Some(signature(charter, &args, &define.ty))
        }
        DeclKind::Parameter | DeclKind::Bound | DeclKind::Binding => {
            let local = charter
                .locals
                .iter()
                .find(|l| l.span == decl.span && l.provenance == Provenance::User)?;
            Some(charter.type_name(&local.ty))
        }
        DeclKind::Now => {
            let calendar = charter.calendar.as_ref()?;
            Some(charter.type_name(&charter.state(calendar.now).ty))
        }
        _ => None,
    }
}

fn signature(charter: &hir::Charter, args: &[hir::Type], result: &hir::Type) -> String {
    let result = charter.type_name(result);
    match args {
        [] => result,
        [one] => format!("{} -> {result}", charter.type_name(one)),
        many => {
            let args: Vec<String> = many.iter().map(|t| charter.type_name(t)).collect();
            format!("({}) -> {result}", args.join(", "))
        }
    }
}

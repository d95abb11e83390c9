//! Declarations of two versions matched: by name first, then renames by a
//! structural heuristic. A declaration of one version whose name the other
//! lacks is paired with one of the other's unmatched declarations of the
//! same category and the same *shape* when that pairing is unambiguous
//! (each is the other's only candidate). Shapes:
//!
//! * a sort: its enum values (in order), or `abstract`;
//! * a constant or variable: `const`/`var`, argument and value types;
//! * an event: its parameters' types;
//! * a clause: its article and quoted text, or, without text, its number
//!   of rules;
//! * an assertion, lemma or other formula: its kind and quoted text;
//! * a command: its kind (`check`, `prove`, `scenario`).
//!
//! Types are compared by their names, so a renamed sort makes the
//! declarations typed by it differ in shape (reported as removed and
//! added, not renamed). Only the spec's own declarations are reported;
//! what the checker synthesises (the calendar, monitors) is matched by
//! name for the product's locations but never listed.

use serde::Serialize;

use crate::hir::{self, CommandKind, Provenance, SortKind, StateKind};

/// What kind of declaration a name belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Sort,
    Constant,
    Variable,
    Event,
    Clause,
    Formula,
    Command,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Sort => "sort",
            Category::Constant => "constant",
            Category::Variable => "variable",
            Category::Event => "event",
            Category::Clause => "clause",
            Category::Formula => "formula",
            Category::Command => "command",
        }
    }
}

/// A declaration renamed between the versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Renamed {
    pub category: Category,
    pub old: String,
    pub new: String,
}

/// A declaration one version has and the other lacks (or has with another
/// shape under the same name: then it is in both lists).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Declared {
    pub category: Category,
    pub name: String,
    pub shape: String,
}

/// A declaration with one name in both versions and another shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub category: Category,
    pub name: String,
    pub old: String,
    pub new: String,
}

/// One category matched: pairs of indices (same name, or renamed) with
/// their shapes equal or not.
#[derive(Clone, Debug, Default)]
pub struct Matched {
    /// (old index, new index, same shape).
    pub pairs: Vec<(usize, usize, bool)>,
}

impl Matched {
    /// The pairs whose shapes agree (what the product may tie together).
    pub fn alike(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.pairs.iter().filter(|p| p.2).map(|p| (p.0, p.1))
    }

    /// The new index matched with `old`, if any.
    pub fn new_of(&self, old: usize) -> Option<usize> {
        self.pairs.iter().find(|p| p.0 == old).map(|p| p.1)
    }
}

/// An item of one version: its index, name, shape, and whether it is the
/// user's (reported) or synthesised (matched by name only).
struct Entry {
    index: usize,
    name: String,
    shape: String,
    user: bool,
}

/// The matching of every category, and what to report.
#[derive(Clone, Debug, Default)]
pub struct Matching {
    pub sorts: Matched,
    pub states: Matched,
    pub events: Matched,
    pub clauses: Matched,
    pub formulas: Matched,
    pub commands: Matched,
    pub renamed: Vec<Renamed>,
    pub changed: Vec<Changed>,
    pub removed: Vec<Declared>,
    pub added: Vec<Declared>,
}

/// Matches the declarations of `old` and `new`.
pub fn match_declarations(old: &hir::Charter, new: &hir::Charter) -> Matching {
    let mut matching = Matching::default();
    let sorts = |c: &hir::Charter| -> Vec<Entry> {
        c.sorts
            .iter()
            .enumerate()
            .map(|(index, s)| Entry {
                index,
                name: s.name.clone(),
                shape: match &s.kind {
                    SortKind::Enum(values) => format!("{{{}}}", values.join(", ")),
                    SortKind::Abstract => "abstract".into(),
                },
                user: true,
            })
            .collect()
    };
    let states = |c: &hir::Charter| -> Vec<Entry> {
        c.states
            .iter()
            .enumerate()
            .map(|(index, s)| {
                let args: Vec<String> = s.args.iter().map(|t| c.type_name(t)).collect();
                let kind = match s.kind {
                    StateKind::Const => "const",
                    StateKind::Var => "var",
                };
                let arrow = if args.is_empty() {
                    String::new()
                } else {
                    format!("{} -> ", args.join(", "))
                };
                Entry {
                    index,
                    name: s.name.clone(),
                    shape: format!("{kind} {arrow}{}", c.type_name(&s.ty)),
                    user: s.provenance == Provenance::User,
                }
            })
            .collect()
    };
    let events = |c: &hir::Charter| -> Vec<Entry> {
        c.events
            .iter()
            .enumerate()
            .map(|(index, e)| {
                let params: Vec<String> = e
                    .params
                    .iter()
                    .map(|p| {
                        // A function parameter's shape names its domain too.
                        let local = c.local(*p);
                        let result = c.type_name(&local.ty);
                        let args: Vec<String> = local.args.iter().map(|t| c.type_name(t)).collect();
                        match args.len() {
                            0 => result,
                            1 => format!("{} -> {result}", args[0]),
                            _ => format!("({}) -> {result}", args.join(", ")),
                        }
                    })
                    .collect();
                Entry {
                    index,
                    name: e.name.clone(),
                    shape: format!("({})", params.join(", ")),
                    user: true,
                }
            })
            .collect()
    };
    let clauses = |c: &hir::Charter| -> Vec<Entry> {
        c.clauses
            .iter()
            .enumerate()
            .map(|(index, clause)| Entry {
                index,
                name: clause.name.clone(),
                shape: match (&clause.text, &clause.article) {
                    (Some(text), Some(article)) => {
                        format!("article {article}: \"{}\"", one_line(text))
                    }
                    (Some(text), None) => format!("\"{}\"", one_line(text)),
                    (None, _) => format!("{} rules", clause.rules.len()),
                },
                user: clause.provenance == Provenance::User,
            })
            .collect()
    };
    let formulas = |c: &hir::Charter| -> Vec<Entry> {
        c.formulas
            .iter()
            .enumerate()
            .map(|(index, f)| Entry {
                index,
                name: f.name.clone(),
                shape: match &f.text {
                    Some(text) => format!("{:?} \"{}\"", f.kind, one_line(text)).to_lowercase(),
                    None => format!("{:?}", f.kind).to_lowercase(),
                },
                user: f.provenance == Provenance::User,
            })
            .collect()
    };
    let commands = |c: &hir::Charter| -> Vec<Entry> {
        c.commands
            .iter()
            .enumerate()
            .map(|(index, command)| Entry {
                index,
                name: command.name.clone(),
                shape: match command.kind {
                    CommandKind::Check(_) => "check",
                    CommandKind::Prove(_) => "prove",
                    CommandKind::Scenario { .. } => "scenario",
                }
                .into(),
                user: true,
            })
            .collect()
    };
    matching.sorts = pair(Category::Sort, sorts(old), sorts(new), &mut matching);
    let (old_states, new_states) = (states(old), states(new));
    matching.states = pair(Category::Variable, old_states, new_states, &mut matching);
    // Constants and variables share one namespace; say which each is.
    for r in matching.renamed.iter_mut() {
        let constant = old
            .states
            .iter()
            .any(|s| s.name == r.old && s.kind == StateKind::Const);
        if r.category == Category::Variable && constant {
            r.category = Category::Constant;
        }
    }
    for d in matching.removed.iter_mut().chain(matching.added.iter_mut()) {
        if d.category == Category::Variable && d.shape.starts_with("const") {
            d.category = Category::Constant;
        }
    }
    for c in matching.changed.iter_mut() {
        if c.category == Category::Variable && c.old.starts_with("const") {
            c.category = Category::Constant;
        }
    }
    matching.events = pair(Category::Event, events(old), events(new), &mut matching);
    matching.clauses = pair(Category::Clause, clauses(old), clauses(new), &mut matching);
    matching.formulas = pair(
        Category::Formula,
        formulas(old),
        formulas(new),
        &mut matching,
    );
    matching.commands = pair(
        Category::Command,
        commands(old),
        commands(new),
        &mut matching,
    );
    formula_changes(old, new, &mut matching);
    matching
}

/// Formulas paired with the same kind and quoted text whose formula
/// changed: reported as changed (the text alone would hide it), saying
/// which commands check them or that none does. The formulas are compared
/// as written, modulo the declarations' renames.
fn formula_changes(old: &hir::Charter, new: &hir::Charter, matching: &mut Matching) {
    let renamed: Vec<(String, String)> = matching
        .renamed
        .iter()
        .map(|r| (r.old.clone(), r.new.clone()))
        .collect();
    for &(o, n, same) in &matching.formulas.pairs {
        let (Some(of), Some(nf)) = (old.formulas.get(o), new.formulas.get(n)) else {
            continue;
        };
        if !same || nf.provenance != Provenance::User {
            continue;
        }
        if canonical(old, &of.body, &renamed) == canonical(new, &nf.body, &[]) {
            continue;
        }
        let checked_by: Vec<&str> = new
            .commands
            .iter()
            .filter(|c| matches!(c.kind, CommandKind::Check(f) | CommandKind::Prove(f) if f.0 == n))
            .map(|c| c.name.as_str())
            .collect();
        let checks = if checked_by.is_empty() {
            "no command checks it".to_string()
        } else {
            format!("checked by {}", checked_by.join(", "))
        };
        let shape = match &nf.text {
            Some(text) => format!("{:?} \"{}\"", nf.kind, one_line(text)).to_lowercase(),
            None => format!("{:?}", nf.kind).to_lowercase(),
        };
        matching.changed.push(Changed {
            category: Category::Formula,
            name: nf.name.clone(),
            old: format!("{shape}, its formula as the old version writes it"),
            new: format!("the same text, another formula ({checks})"),
        });
    }
}

/// Whether the matched states `old_state` and `new_state` start alike by
/// declaration: both without a declared value, or with the same one
/// (modulo renames). The product ties only these at the start; one whose
/// declared value the amendment changed starts from each version's own.
pub(crate) fn same_declared_start(
    old: &hir::Charter,
    new: &hir::Charter,
    matching: &Matching,
    old_state: usize,
    new_state: usize,
) -> bool {
    let renamed: Vec<(String, String)> = matching
        .renamed
        .iter()
        .map(|r| (r.old.clone(), r.new.clone()))
        .collect();
    match (&old.states[old_state].value, &new.states[new_state].value) {
        (None, None) => true,
        (Some(a), Some(b)) => canonical(old, a, &renamed) == canonical(new, b, &[]),
        _ => false,
    }
}

/// A formula as written, spans left out, each declaration it names by
/// name (an old name through `renamed` to the new one): equal for two
/// versions exactly when they write the same formula.
fn canonical(charter: &hir::Charter, body: &hir::Expr, renamed: &[(String, String)]) -> String {
    let debug = format!("{body:?}");
    let name = |kind: &str, index: usize| -> Option<String> {
        let name = match kind {
            "StateId" => charter.states.get(index).map(|s| &s.name),
            "SortId" => charter.sorts.get(index).map(|s| &s.name),
            "EventId" => charter.events.get(index).map(|e| &e.name),
            "DefineId" => charter.defines.get(index).map(|d| &d.name),
            "FormulaId" => charter.formulas.get(index).map(|f| &f.name),
            _ => None,
        }?;
        Some(
            renamed
                .iter()
                .find(|(old, _)| old == name)
                .map_or(name.clone(), |(_, new)| new.clone()),
        )
    };
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("Span { start: ") {
            // Where it is written does not matter.
            rest = after.find('}').map_or("", |end| &after[end + 1..]);
            continue;
        }
        if let Some((named, len)) = enum_value(charter, rest, renamed) {
            // An element by name: reordering an enum shifts its indices.
            out.push_str(&named);
            rest = &rest[len..];
            continue;
        }
        let id = ["StateId(", "SortId(", "EventId(", "DefineId(", "FormulaId("]
            .iter()
            .find(|p| rest.starts_with(**p));
        if let Some(prefix) = id {
            let digits: String = rest[prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Some(named) = digits
                .parse()
                .ok()
                .and_then(|i| name(&prefix[..prefix.len() - 1], i))
            {
                out.push_str(&format!("{prefix}{named:?})"));
                rest = &rest[prefix.len() + digits.len() + 1..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `EnumValue(SortId(s), i)` at the start of `debug` as the sort's and
/// the element's names, with the length of what it replaces.
fn enum_value(
    charter: &hir::Charter,
    debug: &str,
    renamed: &[(String, String)],
) -> Option<(String, usize)> {
    let after = debug.strip_prefix("EnumValue(SortId(")?;
    let sort_digits = after.find(|c: char| !c.is_ascii_digit())?;
    let sort = charter
        .sorts
        .get(after[..sort_digits].parse::<usize>().ok()?)?;
    let tail = after[sort_digits..].strip_prefix("), ")?;
    let digits = tail.find(|c: char| !c.is_ascii_digit())?;
    let index: usize = tail[..digits].parse().ok()?;
    tail[digits..].strip_prefix(')')?;
    let element = match &sort.kind {
        SortKind::Enum(values) => values.get(index),
        SortKind::Abstract => sort.names.get(index),
    };
    let element = element.map_or_else(|| index.to_string(), |e| format!("{e:?}"));
    let len = debug.len() - tail.len() + digits + 1;
    let sort_name = renamed
        .iter()
        .find(|(old, _)| *old == sort.name)
        .map_or(&sort.name, |(_, new)| new);
    Some((format!("EnumValue({sort_name:?}, {element})"), len))
}

/// Pairs by name, then renames by unique shape; records what to report.
fn pair(category: Category, old: Vec<Entry>, new: Vec<Entry>, out: &mut Matching) -> Matched {
    let mut matched = Matched::default();
    let mut old_done = vec![false; old.len()];
    let mut new_done = vec![false; new.len()];
    for (i, o) in old.iter().enumerate() {
        let same_name = (0..new.len()).find(|&j| !new_done[j] && new[j].name == o.name);
        if let Some(j) = same_name {
            let same = new[j].shape == o.shape;
            matched.pairs.push((o.index, new[j].index, same));
            old_done[i] = true;
            new_done[j] = true;
            if !same && o.user {
                out.changed.push(Changed {
                    category,
                    name: o.name.clone(),
                    old: o.shape.clone(),
                    new: new[j].shape.clone(),
                });
            }
        }
    }
    let candidates = |entry: &Entry, others: &[Entry], done: &[bool]| -> Vec<usize> {
        (0..others.len())
            .filter(|&k| !done[k] && others[k].user && others[k].shape == entry.shape)
            .collect()
    };
    for (i, o) in old.iter().enumerate() {
        if old_done[i] || !o.user {
            continue;
        }
        let theirs = candidates(o, &new, &new_done);
        let [j] = theirs[..] else { continue };
        let mine = candidates(&new[j], &old, &old_done);
        if mine != [i] {
            continue;
        }
        matched.pairs.push((o.index, new[j].index, true));
        old_done[i] = true;
        new_done[j] = true;
        out.renamed.push(Renamed {
            category,
            old: o.name.clone(),
            new: new[j].name.clone(),
        });
    }
    for (i, o) in old.iter().enumerate() {
        if !old_done[i] && o.user {
            out.removed.push(declared(category, o));
        }
    }
    for (j, n) in new.iter().enumerate() {
        if !new_done[j] && n.user {
            out.added.push(declared(category, n));
        }
    }
    matched.pairs.sort();
    matched
}

fn declared(category: Category, entry: &Entry) -> Declared {
    Declared {
        category,
        name: entry.name.clone(),
        shape: entry.shape.clone(),
    }
}

/// A quoted text on one line: its runs of blanks and line breaks as one
/// space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

//! Readings: a spec whose text can be read several ways declares the ways
//! (`readings hosting "…" { literal: "…", practice: "…" }`) and says what
//! depends on them: an expression `reading hosting { literal: a, practice:
//! b }`, a rule `under practice: …`, a command `under practice`, an
//! expectation `expect practice: proved`.
//!
//! The spec is checked once per choice of one reading per group
//! ([`hir::Selection`]): before each run, [`project`] keeps the rules and
//! commands of that choice (and its expectations), and the checker keeps
//! the chosen arm of each `reading` expression ([`Checker::reading_arm`]).
//! Each run gives an ordinary [`hir::Charter`]; the names used with
//! readings are checked here, once, on the whole spec.

use std::collections::HashMap;

use miette::Diagnostic;
use thiserror::Error;

use super::{suggest, CheckError, Checker};
use crate::ast;
use crate::hir;
use crate::span::{Ident, Span};

/// The most choices of readings a spec may have: every command runs once
/// per choice.
pub const MAX_SELECTIONS: usize = 16;

/// What can be wrong with readings.
#[derive(Clone, Debug, Error, Diagnostic, PartialEq, Eq)]
pub enum ReadingError {
    #[error("the readings `{group}` give only {count} way to read the phrase")]
    #[diagnostic(
        code(charter::check::too_few_readings),
        help("readings compare two or more ways to read a phrase: add the other reading (`readings {group} {{ literal: \"…\", practice: \"…\" }}`), or write the one meaning directly")
    )]
    TooFew {
        group: String,
        count: usize,
        #[label("one reading only")]
        span: Span,
    },

    #[error("the reading name `{name}` is {action} twice")]
    #[diagnostic(code(charter::check::duplicate_reading), help("{help}"))]
    Duplicate {
        name: String,
        action: &'static str,
        help: &'static str,
        #[label(primary, "{action} again here")]
        span: Span,
        #[label("first {action} here")]
        first: Span,
    },

    #[error("unknown reading `{name}`")]
    #[diagnostic(code(charter::check::unknown_reading), help("{help}"))]
    Unknown {
        name: String,
        help: String,
        #[label("no reading of this name")]
        span: Span,
    },

    #[error("unknown readings `{name}`")]
    #[diagnostic(code(charter::check::unknown_reading_group), help("{help}"))]
    UnknownGroup {
        name: String,
        help: String,
        #[label("not declared with `readings {name} {{ … }}`")]
        span: Span,
    },

    #[error("the phrase `{group}` is not given under the reading `{reading}`")]
    #[diagnostic(
        code(charter::check::missing_reading),
        help("give one arm per reading of `{group}`: add `{reading}: …`")
    )]
    Missing {
        group: String,
        reading: String,
        #[label("no `{reading}:` arm")]
        span: Span,
    },

    #[error("`{first_name}` and `{second}` are two readings of `{group}`")]
    #[diagnostic(
        code(charter::check::conflicting_readings),
        help("a phrase is read one way at a time, so nothing is ever under both: name one reading of each group")
    )]
    Conflicting {
        group: String,
        first_name: String,
        second: String,
        #[label(primary, "a second reading of `{group}`")]
        span: Span,
        #[label("the first")]
        first: Span,
    },

    #[error(
        "two expectations that differ apply under {choice}: `expect {first_name}:` and `expect {second}:`"
    )]
    #[diagnostic(
        code(charter::check::ambiguous_expectation),
        help("readings of two groups are chosen together, so both expectations apply to one run and cannot both be met: give expectations by readings of one group, or fix the other group with `under`")
    )]
    AmbiguousExpectation {
        choice: String,
        first_name: String,
        second: String,
        #[label(primary, "applies under {choice} too")]
        span: Span,
        #[label("this one applies under {choice}")]
        first: Span,
    },

    #[error("`{command}` compares readings, and this spec declares none")]
    #[diagnostic(
        code(charter::check::compare_without_readings),
        help("declare the ways to read the phrase first: `readings hosting \"the phrase\" {{ literal: \"…\", practice: \"…\" }}`")
    )]
    CompareWithoutReadings {
        command: &'static str,
        #[label("no readings to compare")]
        span: Span,
    },

    #[error("`{command}` compares two different readings: `{name}` is given twice")]
    #[diagnostic(
        code(charter::check::compare_same_reading),
        help(
            "a reading always agrees with itself: name another reading of the same group{others}"
        )
    )]
    CompareSame {
        command: &'static str,
        name: String,
        others: String,
        #[label("the same reading again")]
        span: Span,
    },

    #[error("`{first_name}` and `{second}` are readings of different groups (`{first_group}`, `{second_group}`)")]
    #[diagnostic(
        code(charter::check::compare_across_groups),
        help("`{command}` puts two readings of one phrase side by side, the other groups read alike on both sides: name two readings of `{first_group}` or two of `{second_group}`")
    )]
    CompareAcrossGroups {
        command: &'static str,
        first_name: String,
        second: String,
        first_group: String,
        second_group: String,
        #[label(primary, "a reading of `{second_group}`")]
        span: Span,
        #[label("a reading of `{first_group}`")]
        first: Span,
    },

    #[error("unknown location `{name}` to compare")]
    #[diagnostic(code(charter::check::unknown_compare_location), help("{help}"))]
    UnknownLocation {
        name: String,
        help: String,
        #[label("no constant or variable of this name")]
        span: Span,
    },

    #[error("`{option}` is not an option of `{command}`")]
    #[diagnostic(
        code(charter::check::compare_option),
        help("`{command}` takes `depth N` and `expect …`; it runs under every choice of the other groups' readings, the same on both sides")
    )]
    CompareOption {
        command: &'static str,
        option: &'static str,
        #[label("not for `{command}`")]
        span: Span,
    },

    #[error("{count} choices of readings: more than {MAX_SELECTIONS}")]
    #[diagnostic(
        code(charter::check::too_many_readings),
        help("every command runs once per choice of one reading in each group; merge groups whose readings go together, or split the spec")
    )]
    TooMany {
        count: String,
        #[label("this group makes too many")]
        span: Span,
    },
}

impl ReadingError {
    pub fn span(&self) -> Span {
        match self {
            ReadingError::TooFew { span, .. }
            | ReadingError::Duplicate { span, .. }
            | ReadingError::Unknown { span, .. }
            | ReadingError::UnknownGroup { span, .. }
            | ReadingError::Missing { span, .. }
            | ReadingError::Conflicting { span, .. }
            | ReadingError::AmbiguousExpectation { span, .. }
            | ReadingError::TooMany { span, .. }
            | ReadingError::CompareWithoutReadings { span, .. }
            | ReadingError::CompareSame { span, .. }
            | ReadingError::CompareAcrossGroups { span, .. }
            | ReadingError::UnknownLocation { span, .. }
            | ReadingError::CompareOption { span, .. } => *span,
        }
    }
}

pub(super) fn error(error: ReadingError) -> CheckError {
    CheckError::Reading(Box::new(error))
}

/// The spec's groups of readings, checked (names unique, two readings or
/// more each), and the choices to check it under (the first one only, with
/// an error, when there are too many).
pub(super) fn groups(
    charter: &ast::Charter,
    errors: &mut Vec<CheckError>,
) -> (Vec<hir::ReadingGroup>, Vec<hir::Selection>) {
    let mut groups = Vec::new();
    let mut seen: HashMap<String, Span> = HashMap::new();
    let mut twice = |name: &Ident, errors: &mut Vec<CheckError>| match seen.get(name.node.as_str())
    {
        Some(first) => {
            errors.push(error(ReadingError::Duplicate {
                name: name.node.clone(),
                action: "declared",
                help: "a reading is named by itself (`under practice`), so every group and reading needs its own name",
                span: name.span,
                first: *first,
            }));
            true
        }
        None => {
            seen.insert(name.node.clone(), name.span);
            false
        }
    };
    for item in &charter.items {
        let ast::ItemKind::Readings(decl) = &item.kind else {
            continue;
        };
        if twice(&decl.name, errors) {
            continue;
        }
        let mut readings = Vec::new();
        for reading in &decl.readings {
            if !twice(&reading.name, errors) {
                readings.push(hir::Reading {
                    name: reading.name.node.clone(),
                    text: reading.text.as_ref().map(|t| t.node.clone()),
                    span: reading.name.span,
                });
            }
        }
        if decl.readings.len() < 2 {
            errors.push(error(ReadingError::TooFew {
                group: decl.name.node.clone(),
                count: decl.readings.len(),
                span: decl.name.span,
            }));
        }
        groups.push(hir::ReadingGroup {
            name: decl.name.node.clone(),
            text: decl.text.as_ref().map(|t| t.node.clone()),
            readings,
            span: decl.name.span,
        });
    }
    groups.retain(|g| !g.readings.is_empty());
    let count = hir::Selection::count(&groups);
    if count <= MAX_SELECTIONS {
        let selections = hir::Selection::all(&groups);
        return (groups, selections);
    }
    {
        let mut running = 1usize;
        let culprit = groups
            .iter()
            .find(|g| {
                running = running.saturating_mul(g.readings.len());
                running > MAX_SELECTIONS
            })
            .map_or(Span::default(), |g| g.span);
        errors.push(error(ReadingError::TooMany {
            count: if count == usize::MAX {
                "too many".into()
            } else {
                count.to_string()
            },
            span: culprit,
        }));
    }
    let first = vec![hir::Selection(vec![0; groups.len()])];
    (groups, first)
}

/// Checks the names that rules, commands and expectations are tagged with.
pub(super) fn check_uses(
    charter: &ast::Charter,
    groups: &[hir::ReadingGroup],
    errors: &mut Vec<CheckError>,
) {
    for clause in clauses(charter) {
        for rule in &clause.rules {
            tagged(&rule.under, groups, errors);
        }
    }
    for item in &charter.items {
        let ast::ItemKind::Command(command) = &item.kind else {
            continue;
        };
        let mut expected: Vec<(&str, Span)> = Vec::new();
        for option in &command.options {
            match &option.kind {
                ast::CommandOptionKind::Under(names) => tagged(names, groups, errors),
                ast::CommandOptionKind::ExpectUnder(reading, ..) => {
                    tagged(std::slice::from_ref(reading), groups, errors);
                    match expected.iter().find(|(name, _)| *name == reading.node) {
                        Some((_, first)) => errors.push(CheckError::DuplicateOption {
                            option: format!("expect {}:", reading.node),
                            span: option.span,
                            first: *first,
                        }),
                        None => expected.push((&reading.node, option.span)),
                    }
                }
                _ => {}
            }
        }
    }
}

/// What an expectation expects: the verdict and the blockings it allows
/// (kind and subject).
type Expected = (ast::Expectation, Vec<(String, Option<String>)>);

/// Whether a command runs under a choice of readings: each `under` it has
/// names chosen readings (`holds`).
fn runs_under(command: &ast::Command, holds: impl Fn(&[Ident]) -> bool) -> bool {
    command.options.iter().all(|option| match &option.kind {
        ast::CommandOptionKind::Under(names) => holds(names),
        _ => true,
    })
}

/// Whether an option is an `expect r:` whose reading is chosen (`holds`).
fn expects_under(option: &ast::CommandOption, holds: impl Fn(&[Ident]) -> bool) -> bool {
    matches!(&option.kind, ast::CommandOptionKind::ExpectUnder(reading, ..) if holds(std::slice::from_ref(reading)))
}

/// Refuses a command with two `expect r:` that apply under one choice of
/// readings (readings of two groups: `expect a: …` and `expect d: …` both
/// apply under `a, d`) and expect differently, where the command runs.
pub(super) fn check_expectations(
    charter: &ast::Charter,
    groups: &[hir::ReadingGroup],
    selections: &[hir::Selection],
    errors: &mut Vec<CheckError>,
) {
    for item in &charter.items {
        let ast::ItemKind::Command(command) = &item.kind else {
            continue;
        };
        for selection in selections {
            let holds = |names: &[Ident]| names.iter().all(|n| selection.includes(groups, &n.node));
            let runs = runs_under(command, holds);
            // Each expectation that applies under this choice, with what it
            // expects (the expectation and the blockings it allows).
            let applying: Vec<(&Ident, Span, Expected)> = command
                .options
                .iter()
                .filter(|option| expects_under(option, holds))
                .filter_map(|option| match &option.kind {
                    ast::CommandOptionKind::ExpectUnder(reading, expectation, allowing) => {
                        let allowed = allowing
                            .iter()
                            .map(|a| {
                                (
                                    a.kind.node.clone(),
                                    a.subject.as_ref().map(|s| s.node.clone()),
                                )
                            })
                            .collect();
                        Some((reading, option.span, (*expectation, allowed)))
                    }
                    _ => None,
                })
                .collect();
            // Two that apply together must expect the same (`expect office:
            // no witness expect literal: no witness` under literal, office).
            let disagreeing = applying.iter().skip(1).find(|(name, _, expected)| {
                name.node != applying[0].0.node && *expected != applying[0].2
            });
            if let (true, Some((second, span, _))) = (runs, disagreeing) {
                let (first_name, first, _) = &applying[0];
                errors.push(error(ReadingError::AmbiguousExpectation {
                    choice: selection.names(groups).join(", "),
                    first_name: first_name.node.clone(),
                    second: second.node.clone(),
                    span: *span,
                    first: *first,
                }));
                break;
            }
        }
    }
}

/// `under a, b`: each a reading, no two of one group.
fn tagged(names: &[Ident], groups: &[hir::ReadingGroup], errors: &mut Vec<CheckError>) {
    let mut chosen: Vec<(usize, &Ident)> = Vec::new();
    for name in names {
        let Some((group, _)) = hir::find_reading(groups, &name.node) else {
            errors.push(unknown(name, groups.iter().flat_map(|g| &g.readings)));
            continue;
        };
        if let Some((_, first)) = chosen.iter().find(|(g, _)| *g == group) {
            errors.push(error(ReadingError::Conflicting {
                group: groups[group].name.clone(),
                first_name: first.node.clone(),
                second: name.node.clone(),
                span: name.span,
                first: first.span,
            }));
        } else {
            chosen.push((group, name));
        }
    }
}

pub(super) fn unknown<'g>(
    name: &Ident,
    candidates: impl Iterator<Item = &'g hir::Reading> + Clone,
) -> CheckError {
    let mut work = 0;
    let names = candidates.map(|r| r.name.as_str());
    let help = match suggest(&name.node, names.clone(), &mut work) {
        Some(near) => format!("did you mean `{near}`?"),
        None => {
            let all: Vec<String> = names.map(|n| format!("`{n}`")).collect();
            if all.is_empty() {
                "declare the readings first: `readings hosting \"the phrase\" { literal: \"…\", practice: \"…\" }`".into()
            } else {
                format!("the readings are {}", all.join(", "))
            }
        }
    };
    error(ReadingError::Unknown {
        name: name.node.clone(),
        help,
        span: name.span,
    })
}

fn clauses(charter: &ast::Charter) -> impl Iterator<Item = &ast::Clause> {
    charter.items.iter().flat_map(|item| match &item.kind {
        ast::ItemKind::Article(article) => article.clauses.iter().collect::<Vec<_>>(),
        ast::ItemKind::Clause(clause) => vec![clause],
        _ => Vec::new(),
    })
}

/// The spec as read under `selection`: the rules and commands tagged with
/// another reading left out, each command's expectation for this reading
/// (else its unprefixed one) kept as its only expectation. Spans unchanged.
pub(super) fn project(
    charter: &ast::Charter,
    groups: &[hir::ReadingGroup],
    selection: &hir::Selection,
) -> ast::Charter {
    let holds = |names: &[Ident]| names.iter().all(|n| selection.includes(groups, &n.node));
    let keep_rules = |clause: &mut ast::Clause| clause.rules.retain(|rule| holds(&rule.under));
    let mut projected = charter.clone();
    projected.items.retain_mut(|item| match &mut item.kind {
        ast::ItemKind::Article(article) => {
            article.clauses.iter_mut().for_each(keep_rules);
            true
        }
        ast::ItemKind::Clause(clause) => {
            keep_rules(clause);
            true
        }
        // Comparisons are checked and run on the whole spec (`compare.rs`).
        ast::ItemKind::Command(command) if command.kind.compares() => false,
        ast::ItemKind::Command(command) => {
            let fixed = runs_under(command, holds);
            let under_this = command
                .options
                .iter()
                .position(|option| expects_under(option, holds));
            let options = std::mem::take(&mut command.options);
            command.options = options
                .into_iter()
                .enumerate()
                .filter_map(|(index, option)| match option.kind {
                    ast::CommandOptionKind::Under(_) => None,
                    ast::CommandOptionKind::ExpectUnder(_, expectation, allowing) => {
                        (Some(index) == under_this).then_some(ast::CommandOption {
                            kind: ast::CommandOptionKind::Expect(expectation, allowing),
                            span: option.span,
                        })
                    }
                    ast::CommandOptionKind::Expect(..) if under_this.is_some() => None,
                    _ => Some(option),
                })
                .collect();
            fixed
        }
        _ => true,
    });
    projected
}

impl Checker {
    /// The arm of `reading group { … }` for the reading chosen, once the
    /// group and the arms' names are checked.
    pub(super) fn reading_arm<'e>(
        &mut self,
        group: &Ident,
        arms: &'e [(Ident, ast::Expr)],
        span: Span,
    ) -> Option<&'e ast::Expr> {
        let Some(index) = self
            .reading_groups
            .iter()
            .position(|g| g.name == group.node)
        else {
            let mut work = 0;
            let names = self.reading_groups.iter().map(|g| g.name.as_str());
            let help = match suggest(&group.node, names, &mut work) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("declare the ways to read it: `readings {} \"the phrase\" {{ literal: \"…\", practice: \"…\" }}`", group.node),
            };
            self.error(error(ReadingError::UnknownGroup {
                name: group.node.clone(),
                help,
                span: group.span,
            }));
            return None;
        };
        let declared = self.reading_groups[index].clone();
        let mut given: Vec<&Ident> = Vec::new();
        for (reading, _) in arms {
            if !declared.readings.iter().any(|r| r.name == reading.node) {
                self.error(unknown(reading, declared.readings.iter()));
            } else if let Some(first) = given.iter().find(|g| g.node == reading.node) {
                self.error(error(ReadingError::Duplicate {
                    name: reading.node.clone(),
                    action: "given",
                    help: "give one arm per reading: remove one of them",
                    span: reading.span,
                    first: first.span,
                }));
            } else {
                given.push(reading);
            }
        }
        for reading in &declared.readings {
            if !given.iter().any(|g| g.node == reading.name) {
                self.error(error(ReadingError::Missing {
                    group: declared.name.clone(),
                    reading: reading.name.clone(),
                    span,
                }));
            }
        }
        let chosen = declared.readings.get(*self.selection.0.get(index)?)?;
        arms.iter()
            .find(|(reading, _)| reading.node == chosen.name)
            .map(|(_, arm)| arm)
    }
}

//! `compare literal practice: chair` and `diverge literal practice`: two
//! readings of one group side by side. Checked once, on the whole spec
//! (the readings' projections leave them out: `readings::project`), into
//! [`hir::Comparison`]s that `Checked::comparisons` holds.

use super::readings::{error, unknown, ReadingError};
use super::{suggest, CheckError};
use crate::ast;
use crate::hir::{self, Expectation, Provenance, StateId};
use crate::span::{Ident, Span};

/// The comparisons of a spec without readings: each one an error.
pub(super) fn without_readings(charter: &ast::Charter) -> Vec<CheckError> {
    commands(charter)
        .map(|(command, _)| {
            error(ReadingError::CompareWithoutReadings {
                command: word(&command.kind),
                span: command.name.span,
            })
        })
        .collect()
}

/// The spec's comparisons, checked against its reading groups and (for
/// the locations) the spec as checked under any choice of readings:
/// readings never change the user's declarations.
pub(super) fn comparisons(
    charter: &ast::Charter,
    groups: &[hir::ReadingGroup],
    checked: &hir::Charter,
    errors: &mut Vec<CheckError>,
) -> Vec<hir::Comparison> {
    commands(charter)
        .filter_map(|(command, span)| comparison(command, span, groups, checked, errors))
        .collect()
}

fn commands(charter: &ast::Charter) -> impl Iterator<Item = (&ast::Command, Span)> {
    charter.items.iter().filter_map(|item| match &item.kind {
        ast::ItemKind::Command(command) if command.kind.compares() => Some((command, item.span)),
        _ => None,
    })
}

fn word(kind: &ast::CommandKind) -> &'static str {
    match kind {
        ast::CommandKind::Diverge { .. } => "diverge",
        _ => "compare",
    }
}

fn comparison(
    command: &ast::Command,
    span: Span,
    groups: &[hir::ReadingGroup],
    checked: &hir::Charter,
    errors: &mut Vec<CheckError>,
) -> Option<hir::Comparison> {
    let what = word(&command.kind);
    let (second, locations) = match &command.kind {
        ast::CommandKind::Compare { second, locations } => (second, locations.as_slice()),
        ast::CommandKind::Diverge { second } => (second, &[][..]),
        _ => return None,
    };
    let before = errors.len();
    let pair = readings(what, &command.name, second, groups, errors);
    let kind = match &command.kind {
        ast::CommandKind::Compare { .. } => hir::ComparisonKind::Compare {
            locations: locations
                .iter()
                .filter_map(|l| location(l, checked, errors))
                .collect(),
        },
        _ => hir::ComparisonKind::Diverge,
    };
    let (depth, expect) = options(command, what, errors);
    let (group, readings) = pair?;
    if errors.len() > before {
        return None;
    }
    let mut name = format!("{} {}", command.name.node, second.node);
    if !locations.is_empty() {
        let names: Vec<&str> = locations.iter().map(|l| l.node.as_str()).collect();
        name.push_str(&format!(": {}", names.join(", ")));
    }
    Some(hir::Comparison {
        kind,
        group,
        readings,
        name,
        depth,
        expect,
        span,
    })
}

/// The group and the two readings' indices: two distinct readings of one
/// group.
fn readings(
    what: &'static str,
    first: &Ident,
    second: &Ident,
    groups: &[hir::ReadingGroup],
    errors: &mut Vec<CheckError>,
) -> Option<(usize, [usize; 2])> {
    let all = || groups.iter().flat_map(|g| &g.readings);
    let find = |name: &Ident, errors: &mut Vec<CheckError>| {
        let found = hir::find_reading(groups, &name.node);
        if found.is_none() {
            errors.push(unknown(name, all()));
        }
        found
    };
    let (a, b) = (find(first, errors), find(second, errors));
    let ((group, x), (other, y)) = (a?, b?);
    if group != other {
        errors.push(error(ReadingError::CompareAcrossGroups {
            command: what,
            first_name: first.node.clone(),
            second: second.node.clone(),
            first_group: groups[group].name.clone(),
            second_group: groups[other].name.clone(),
            span: second.span,
            first: first.span,
        }));
        return None;
    }
    if x == y {
        let others: Vec<String> = groups[group]
            .readings
            .iter()
            .filter(|r| r.name != first.node)
            .map(|r| format!("`{}`", r.name))
            .collect();
        errors.push(error(ReadingError::CompareSame {
            command: what,
            name: first.node.clone(),
            others: if others.is_empty() {
                String::new()
            } else {
                format!(" ({})", others.join(", "))
            },
            span: second.span,
        }));
        return None;
    }
    Some((group, [x, y]))
}

/// A constant or variable the user declared.
fn location(name: &Ident, checked: &hir::Charter, errors: &mut Vec<CheckError>) -> Option<StateId> {
    let user = || {
        checked
            .states
            .iter()
            .enumerate()
            .filter(|(_, s)| s.provenance == Provenance::User)
    };
    if let Some((id, _)) = user().find(|(_, s)| s.name == name.node) {
        return Some(StateId(id));
    }
    let mut work = 0;
    let help = match suggest(&name.node, user().map(|(_, s)| s.name.as_str()), &mut work) {
        Some(near) => format!("did you mean `{near}`?"),
        None => "name a constant or variable of the spec: `compare literal practice: chair`".into(),
    };
    errors.push(error(ReadingError::UnknownLocation {
        name: name.node.clone(),
        help,
        span: name.span,
    }));
    None
}

/// `depth N` and `expect …`, each once; no other option.
fn options(
    command: &ast::Command,
    what: &'static str,
    errors: &mut Vec<CheckError>,
) -> (Option<usize>, Option<Expectation>) {
    use Expectation::*;
    let (allowed, possible): (&[Expectation], &'static str) = match command.kind {
        ast::CommandKind::Diverge { .. } => (
            &[Witness, NoWitness, Unknown],
            "`witness` (an event one reading allows and the other forbids), `no witness` or `unknown`",
        ),
        _ => (
            &[Witness, NoWitness, Proved, Unknown],
            "`witness` (a disagreement), `proved` (they never disagree), `no witness` or `unknown`",
        ),
    };
    let (mut depth, mut expect) = (None, None);
    let mut firsts: Vec<(&'static str, Span)> = Vec::new();
    for option in &command.options {
        let key = option.kind.key();
        if let Some((_, first)) = firsts.iter().find(|(k, _)| *k == key) {
            errors.push(CheckError::DuplicateOption {
                option: key.into(),
                span: option.span,
                first: *first,
            });
            continue;
        }
        firsts.push((key, option.span));
        match &option.kind {
            ast::CommandOptionKind::Depth(value) => {
                match super::commands::depth_out_of_range(value) {
                    None => depth = Some(value.node as usize),
                    Some(error) => errors.push(error),
                }
            }
            ast::CommandOptionKind::Expect(expectation, allowing) => {
                if !allowed.contains(expectation) {
                    errors.push(CheckError::ImpossibleExpectation {
                        command: what,
                        expectation: expectation.as_str(),
                        possible,
                        span: option.span,
                    });
                } else if let Some(allowed) = allowing.first() {
                    errors.push(error(ReadingError::CompareOption {
                        command: what,
                        option: "allowing",
                        span: allowed.span,
                    }));
                } else {
                    expect = Some(*expectation);
                }
            }
            _ => errors.push(error(ReadingError::CompareOption {
                command: what,
                option: key,
                span: option.span,
            })),
        }
    }
    (depth, expect)
}

//! Readings: the ways a phrase of the text can be read (`readings hosting
//! { literal: …, practice: … }`), and the choice of one reading per group
//! that a [`Charter`] was checked under. A spec with readings has one
//! `hir::Charter` per choice ([`crate::check::Checked::selections`]); each
//! is an ordinary spec, so lowering, the engines and `eval` need nothing
//! more. Readings never change declarations: the sorts, the user's states
//! and the events (ids, names, parameters) of two choices are the same;
//! an event's guards may differ (a permission or prohibition `under` one
//! reading), and so may what the checker synthesises for what is read (a
//! `last E` monitor, after the user's states).

use super::Charter;
use crate::span::Span;

/// `readings hosting "the phrase" { literal: "…", practice: "…" }`.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadingGroup {
    pub name: String,
    /// The phrase read several ways, as quoted.
    pub text: Option<String>,
    pub readings: Vec<Reading>,
    pub span: Span,
}

/// One reading of a group.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub name: String,
    /// What this reading takes the phrase to mean.
    pub text: Option<String>,
    pub span: Span,
}

/// One reading per group, by index into the group's readings, in the
/// groups' order (empty for a spec without readings).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Selection(pub Vec<usize>);

impl Selection {
    /// Every choice of one reading per group, the first group's choice
    /// varying slowest (declaration order); one empty choice without groups.
    pub fn all(groups: &[ReadingGroup]) -> Vec<Selection> {
        let mut all = vec![Selection::default()];
        for group in groups {
            all = all
                .into_iter()
                .flat_map(|prefix| {
                    (0..group.readings.len()).map(move |index| {
                        let mut next = prefix.0.clone();
                        next.push(index);
                        Selection(next)
                    })
                })
                .collect();
        }
        all
    }

    /// How many choices [`Selection::all`] would give (saturating).
    pub fn count(groups: &[ReadingGroup]) -> usize {
        groups
            .iter()
            .fold(1usize, |n, g| n.saturating_mul(g.readings.len()))
    }

    /// The choice that makes each named reading hold; `None` when a name is
    /// no reading, two name readings of one group, or a group is left
    /// unnamed.
    pub fn named(groups: &[ReadingGroup], names: &[&str]) -> Option<Selection> {
        let mut chosen: Vec<Option<usize>> = vec![None; groups.len()];
        for name in names {
            let (group, index) = find_reading(groups, name)?;
            if chosen[group]
                .replace(index)
                .is_some_and(|other| other != index)
            {
                return None;
            }
        }
        chosen
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .map(Selection)
    }

    /// The names of the readings chosen, in the groups' order.
    pub fn names<'a>(&self, groups: &'a [ReadingGroup]) -> Vec<&'a str> {
        groups
            .iter()
            .zip(&self.0)
            .filter_map(|(group, &index)| group.readings.get(index))
            .map(|reading| reading.name.as_str())
            .collect()
    }

    /// Whether the reading called `name` is chosen (false for a name that
    /// is no reading).
    pub fn includes(&self, groups: &[ReadingGroup], name: &str) -> bool {
        find_reading(groups, name).is_some_and(|(group, index)| self.0.get(group) == Some(&index))
    }
}

/// The group and index of the reading called `name`.
pub fn find_reading(groups: &[ReadingGroup], name: &str) -> Option<(usize, usize)> {
    groups.iter().enumerate().find_map(|(g, group)| {
        group
            .readings
            .iter()
            .position(|r| r.name == name)
            .map(|index| (g, index))
    })
}

impl Charter {
    /// The readings this spec was checked under, one per group, with the
    /// group's name: `[("hosting", "literal")]` (empty without readings).
    pub fn reading_choice(&self) -> Vec<(&str, &str)> {
        self.readings
            .iter()
            .map(|group| group.name.as_str())
            .zip(self.selection.names(&self.readings))
            .collect()
    }

    /// `literal` or `literal, strict`: the readings chosen, for a verdict
    /// to name; `None` without readings.
    pub fn reading_label(&self) -> Option<String> {
        let names = self.selection.names(&self.readings);
        (!names.is_empty()).then(|| names.join(", "))
    }
}

/// `compare literal practice: chair` or `diverge literal practice`: two
/// readings of one group side by side (checked once, on the whole spec;
/// run on the product of the spec under each, [`crate::solve::product`]).
/// The other groups' readings are the same on both sides, every choice of
/// them in turn.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub kind: ComparisonKind,
    /// The group, and its two readings compared (distinct).
    pub group: usize,
    pub readings: [usize; 2],
    /// As written: `literal practice: chair`.
    pub name: String,
    pub depth: Option<usize>,
    pub expect: Option<super::Expectation>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ComparisonKind {
    /// The user's states compared (in the order written).
    Compare {
        locations: Vec<super::StateId>,
    },
    Diverge,
}

impl Comparison {
    /// Each choice of readings the comparison runs under: the pair of
    /// selections (this group's two readings, the other groups' readings
    /// the same on both sides), in [`Selection::all`]'s order.
    pub fn pairs(&self, groups: &[ReadingGroup]) -> Vec<[Selection; 2]> {
        Selection::all(groups)
            .into_iter()
            .filter(|s| s.0.get(self.group) == Some(&self.readings[0]))
            .map(|first| {
                let mut second = first.clone();
                second.0[self.group] = self.readings[1];
                [first, second]
            })
            .collect()
    }
}

//! What later stages compute from types and scopes, in one place: the
//! type covering two (`join`), the scope of each sort in a command
//! (`sort_sizes`) and how many values an element type has there
//! (`domain_size`).

use super::{Charter, IntRange, SortId, SortKind, Type};

impl Type {
    /// The type covering both (the union of integer ranges); `self` where
    /// the shapes differ.
    pub fn join(&self, other: &Type) -> Type {
        match (self, other) {
            (Type::Int(x), Type::Int(y)) => Type::Int(IntRange {
                low: x.low.min(y.low),
                high: x.high.max(y.high),
            }),
            (Type::Set(x), Type::Set(y)) => Type::Set(Box::new(x.join(y))),
            (Type::Option(x), Type::Option(y)) => Type::Option(Box::new(x.join(y))),
            _ => self.clone(),
        }
    }

    /// How many values an element type (`Bool`, an `Int` range, a sort)
    /// has, given each sort's size ([`Charter::sort_sizes`]); 0 for options
    /// and sets, which are not element types.
    pub fn domain_size(&self, sort_sizes: &[usize]) -> usize {
        match self {
            Type::Bool => 2,
            // In i128, so that the widest range saturates instead of wrapping.
            Type::Int(range) => {
                let count = i128::from(range.high) - i128::from(range.low) + 1;
                usize::try_from(count.max(0)).unwrap_or(usize::MAX)
            }
            Type::Sort(id) => sort_sizes[id.0],
            Type::Option(_) | Type::Set(_) => 0,
        }
    }
}

impl Charter {
    /// The size each sort has under `scopes` (a command's, or what lint
    /// examines): enums their number of values, abstract sorts their scope
    /// or the default.
    /// Each abstract sort's name and size under `scopes`, in declaration
    /// order (as a verdict shows them).
    pub fn abstract_scopes(&self, scopes: &[(SortId, u64)]) -> Vec<(String, u64)> {
        self.sorts
            .iter()
            .zip(self.sort_sizes(scopes))
            .filter(|(sort, _)| sort.kind == SortKind::Abstract)
            .map(|(sort, size)| (sort.name.clone(), size as u64))
            .collect()
    }

    pub fn sort_sizes(&self, scopes: &[(SortId, u64)]) -> Vec<usize> {
        self.sorts
            .iter()
            .enumerate()
            .map(|(index, sort)| match &sort.kind {
                SortKind::Enum(values) => values.len(),
                SortKind::Abstract => scopes
                    .iter()
                    .find(|(id, _)| id.0 == index)
                    .map_or(sort.default_scope(), |(_, size)| *size)
                    as usize,
            })
            .collect()
    }
}

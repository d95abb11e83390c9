//! The readings an outcome is under (a spec with readings runs each
//! command once per choice of readings: `hir::Selection`).

use serde::Serialize;

use super::Outcome;
use crate::hir;

/// One group's reading an outcome is under: `{"group": "hosting",
/// "reading": "practice"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReadingChoice {
    pub group: String,
    pub reading: String,
}

/// The readings `charter` was checked under, as outcomes name them.
pub fn reading_of(charter: &hir::Charter) -> Vec<ReadingChoice> {
    charter
        .reading_choice()
        .into_iter()
        .map(|(group, reading)| ReadingChoice {
            group: group.into(),
            reading: reading.into(),
        })
        .collect()
}

impl Outcome {
    /// `under practice` (`under literal, strict` with two groups), for a
    /// verdict to say which readings it holds under; `None` without.
    pub fn under_readings(&self) -> Option<String> {
        let names: Vec<&str> = self.reading.iter().map(|r| r.reading.as_str()).collect();
        (!names.is_empty()).then(|| format!("under {}", names.join(", ")))
    }
}

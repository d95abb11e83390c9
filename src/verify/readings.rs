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

/// [`super::run_observed`] on each charter's plans in turn (a spec under
/// each choice of readings: [`crate::plan::Plan::all_readings`]), telling
/// `observe` which charter each event is about; stops after a choice where
/// `stop` says so (an interrupted run).
pub fn run_readings(
    planned: &[(&hir::Charter, Vec<crate::plan::Plan>)],
    observe: &mut (dyn FnMut(&hir::Charter, super::Progress<'_>) + Send),
    stop: impl Fn() -> bool,
) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for (charter, plans) in planned {
        outcomes.extend(super::run_observed(charter, plans, &mut |event| {
            observe(charter, event)
        }));
        if stop() {
            break;
        }
    }
    outcomes
}

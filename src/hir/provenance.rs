//! Who wrote an item of the checked spec: the user, or the checker, which
//! checks calendars and obligations into ordinary declarations
//! (`check/time.rs`, `check/duties.rs`). Every state, local, guard,
//! formula, clause and rule carries one; later stages that treat the
//! checker's items differently (lowering's monitors, the summary, lint's
//! obligations, blame) match on it. Names stay labels, never keys.

use super::{ClauseId, EventId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provenance {
    /// Written in the spec (a permission or prohibition too: it becomes a
    /// guard of its event, but the user wrote its condition).
    User,
    /// The calendar: the variable `now`, every event's `date` parameter and
    /// its guard `date >= now`, the clause `calendar` and its rules (each
    /// step sets `now` to its date, and each `last E` monitor).
    Calendar,
    /// A `last E` monitor of the event (one per choice of the parameters
    /// it is keyed by), its locals, and the `init` that a keyed one starts
    /// as `none`.
    LastMonitor { event: EventId },
    /// A part of an obligation: `duty` indexes `Charter::duties`.
    Duty { duty: usize, part: DutyPart },
    /// The assertion named after a clause with obligations: none of its
    /// duties is ever past its date unfulfilled (one for all its duties).
    DutyAssertion { clause: ClauseId },
}

/// The items the checker writes for one obligation `on t: must e within d`
/// of a clause (appended to the clause's rules, or declared beside them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DutyPart {
    /// The monitor variable `due e (clause)`: per choice of the arguments
    /// owed, the date the duty falls due (`none` when nothing is owed).
    Monitor,
    /// The `init` that a keyed monitor starts as `none` at every point.
    Init,
    /// The rule that undertakes it: a step of the trigger sets the monitor
    /// to `now + d`, unless an earlier date is owed.
    Undertake,
    /// The rule that fulfils it on time: a step of `e` with the arguments
    /// owed, on or before the date, clears the monitor (lint asks whether
    /// it ever applies: `unmet_obligation`).
    OnTime,
}

impl Provenance {
    /// Whether the user wrote it.
    pub fn is_user(self) -> bool {
        self == Provenance::User
    }

    /// Whether it is a monitor variable the checker declares, or a
    /// monitor's initial `none`: part of what the monitor means, never the
    /// user's to blame (the calendar's `now` is not one).
    pub fn is_monitor(self) -> bool {
        matches!(
            self,
            Provenance::LastMonitor { .. }
                | Provenance::Duty {
                    part: DutyPart::Monitor | DutyPart::Init,
                    ..
                }
        )
    }
}

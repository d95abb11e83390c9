//! What `charter lint` asks about a system beyond what verification needs
//! ([`LintTerms`]): where each rule, exception and default applies, the
//! only candidate next state (each atom's successor as a term) and the
//! constraints evaluated on it, the obligations' points and the calendar's
//! terms.

use std::collections::HashMap;

use crate::hir::*;
use crate::ir::*;
use crate::span::Span;

use super::{Lowerer, Val};

/// How a rule, an exception or a default applies, for `charter lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplicationKind {
    /// An `on` rule: its event happens (and its `when` holds).
    Rule,
    /// An `unless` exception: it replaces its parent's effects.
    Exception,
    /// The effects of a block that has exceptions, where none of them fires.
    Default,
}

/// Where a rule, exception or default applies: a term over one step (the
/// current state and the step's event). Exceptions and defaults also give
/// where their parent applies.
#[derive(Clone, Debug)]
pub struct Application {
    pub clause: ClauseId,
    pub kind: ApplicationKind,
    /// The rule's (an exception's and a default's: their rule's).
    pub provenance: Provenance,
    pub span: Span,
    pub applies: TermId,
    pub parent: Option<TermId>,
}

/// What `charter lint` asks about a system beyond what verification needs.
#[derive(Clone, Debug)]
pub struct LintTerms {
    pub applications: Vec<Application>,
    /// The antecedents of the assertions written `A implies B`.
    pub antecedents: Vec<(FormulaId, TermId)>,
    /// Per atom, the term (over the current state and the step's event)
    /// reading it and the value the applicable effects give it next. Every
    /// location is either assigned by an applicable effect or kept, so this
    /// is the only candidate next state: an event is possible iff
    /// `successor_ok` holds.
    pub atom_terms: Vec<TermId>,
    pub input_terms: Vec<TermId>,
    /// Per transition constraint and invariant (by origin, guards and input
    /// domains excluded): the constraint evaluated on the candidate next
    /// state.
    pub successor_checks: Vec<(Constraint, TermId)>,
    /// Per atom, its value in the candidate next state (over the current
    /// state and the step's event; `atom_terms` where nothing assigns it).
    pub successors: Vec<TermId>,
    /// Per obligation (as `charter.duties`) and point of its monitor: what
    /// the joint obligation check asks about.
    pub duty_points: Vec<DutyPoint>,
    /// With a calendar: `now`, and per event its selector and its `date`.
    pub dates: Option<Dates>,
}

/// One point of an obligation's monitor (one choice of the arguments owed).
#[derive(Clone, Debug)]
pub struct DutyPoint {
    /// Its index in `charter.duties`.
    pub duty: usize,
    /// The arguments owed (element indices), as in `Layout::cells`.
    pub args: Vec<usize>,
    /// Over one state: a duty is owed and its date is not past (`now` is
    /// on or before it) but before the calendar's last day (a date on or
    /// after it never passes: nothing owed then can be broken).
    pub pending: TermId,
    /// Over one step: the step fulfils it on time (the obligation's
    /// on-time rule assigns this point).
    pub fulfilled: TermId,
    /// Over one step: the date of a step of the event owed.
    pub day: TermId,
    /// Over one state: the date it is due.
    pub date: TermId,
}

/// The terms of the calendar: `now` (over one state) and, per event, its
/// selector and its `date` parameter (over a step's inputs).
#[derive(Clone, Debug)]
pub struct Dates {
    pub now: TermId,
    pub events: Vec<(TermId, TermId)>,
}

impl Lowerer<'_> {
    /// The candidate next state and the checks on it (see [`LintTerms`]).
    pub(super) fn lint_terms(&mut self, antecedents: Vec<(FormulaId, TermId)>) -> LintTerms {
        let atom_terms: Vec<TermId> = (0..self.atoms.len())
            .map(|i| {
                let kind = self.atoms[i].kind;
                self.terms.state(AtomId(i as u32), Time::Now, kind)
            })
            .collect();
        let input_terms: Vec<TermId> = (0..self.inputs.len())
            .map(|i| {
                let kind = self.inputs[i].kind;
                self.terms.input(InputId(i as u32), kind)
            })
            .collect();
        // Each atom's next value, first applicable effect first; monitors'
        // updates read next-state atoms, which resolve to their own
        // candidates (inner monitors are created before outer ones).
        let mut successor: Vec<Option<TermId>> = vec![None; self.atoms.len()];
        for index in 0..self.atoms.len() {
            self.successor_of(AtomId(index as u32), &atom_terms, &mut successor);
        }
        let successor: Vec<TermId> = successor
            .iter()
            .zip(&atom_terms)
            .map(|(s, now)| s.unwrap_or(*now))
            .collect();
        let mut checks = Vec::new();
        let mut memo = HashMap::new();
        for constraint in self.trans.clone() {
            if is_pre_step(&constraint.origin, || self.mentions_next(constraint.term)) {
                continue;
            }
            let term = self.substitute(constraint.term, Time::Next, &successor, &mut memo);
            checks.push((constraint, term));
        }
        let mut memo = HashMap::new();
        for constraint in self.invariants.clone() {
            let term = self.substitute(constraint.term, Time::Now, &successor, &mut memo);
            checks.push((constraint, term));
        }
        let (duty_points, dates) = self.duty_terms();
        LintTerms {
            applications: std::mem::take(&mut self.applications),
            antecedents,
            atom_terms,
            input_terms,
            successor_checks: checks,
            successors: successor,
            duty_points,
            dates,
        }
    }

    /// The obligations' points and the calendar's terms (see [`LintTerms`]).
    fn duty_terms(&mut self) -> (Vec<DutyPoint>, Option<Dates>) {
        let charter = self.charter;
        let Some(calendar) = &charter.calendar else {
            return (Vec::new(), None);
        };
        let Some((_, Val::Int(now))) = self.cells[calendar.now.0].first().cloned() else {
            return (Vec::new(), None);
        };
        let events = (0..charter.events.len())
            .filter_map(|index| Some((self.selectors[index], self.date_of(EventId(index))?)))
            .collect();
        let end = self.terms.int(calendar.range.high);
        let mut points = Vec::new();
        for (index, duty) in charter.duties.iter().enumerate() {
            let cells = self.cells[duty.due.0].clone();
            let on_time = Provenance::Duty {
                duty: index,
                part: DutyPart::OnTime,
            };
            for (cell_index, (args, cell)) in cells.into_iter().enumerate() {
                let Val::Opt(owed, value) = cell else {
                    continue;
                };
                let Val::Int(value) = *value else { continue };
                let in_time = self.terms.le(now, value);
                let in_calendar = self.terms.lt(value, end);
                let pending = self.terms.and([owed, in_time, in_calendar]);
                let fulfilling: Vec<TermId> = self
                    .effects
                    .iter()
                    .zip(&self.effect_cells)
                    .zip(&self.effect_rules)
                    .filter(|((e, c), rule)| {
                        e.state == duty.due && **rule == on_time && **c == cell_index
                    })
                    .map(|((e, _), _)| e.applies)
                    .collect();
                let fulfilled = self.terms.or(fulfilling);
                let day = self.date_of(duty.event).unwrap_or(now);
                points.push(DutyPoint {
                    duty: index,
                    args,
                    pending,
                    fulfilled,
                    day,
                    date: value,
                });
            }
        }
        (points, Some(Dates { now, events }))
    }

    /// The `date` parameter of an event's step (the calendar's).
    fn date_of(&self, event: EventId) -> Option<TermId> {
        let params = &self.charter.event(event).params;
        let position = params
            .iter()
            .position(|p| self.charter.local(*p).provenance == Provenance::Calendar)?;
        match self.params[event.0].get(position) {
            Some(Val::Int(date)) => Some(*date),
            _ => None,
        }
    }

    fn successor_of(
        &mut self,
        atom: AtomId,
        now: &[TermId],
        done: &mut Vec<Option<TermId>>,
    ) -> TermId {
        if let Some(term) = done[atom.0 as usize] {
            return term;
        }
        // Guard against a cycle (none is expected): the current value.
        done[atom.0 as usize] = Some(now[atom.0 as usize]);
        let assigned = self.assignments.get(&atom).cloned().unwrap_or_default();
        let mut result = now[atom.0 as usize];
        for (condition, value) in assigned.into_iter().rev() {
            let mut memo = HashMap::new();
            let value = self.resolve_next(value, now, done, &mut memo);
            let condition = self.resolve_next(condition, now, done, &mut memo);
            result = self.terms.ite(condition, value, result);
        }
        done[atom.0 as usize] = Some(result);
        result
    }

    /// A term with its next-state atoms replaced by their candidates.
    fn resolve_next(
        &mut self,
        term: TermId,
        now: &[TermId],
        done: &mut Vec<Option<TermId>>,
        memo: &mut HashMap<TermId, TermId>,
    ) -> TermId {
        if !self.mentions_next(term) {
            return term;
        }
        if let Some(done_term) = memo.get(&term) {
            return *done_term;
        }
        let result = match self.terms.get(term).clone() {
            Term::State(atom, Time::Next) => self.successor_of(atom, now, done),
            node => {
                let children = node.children();
                let mapped: Vec<TermId> = children
                    .iter()
                    .map(|c| self.resolve_next(*c, now, done, memo))
                    .collect();
                rebuild(&mut self.terms, &node, &mapped)
            }
        };
        memo.insert(term, result);
        result
    }

    fn mentions_next(&self, term: TermId) -> bool {
        self.terms.mentions_next(term)
    }

    /// Replaces the atoms read at `time` by `successor`, once (not inside
    /// the replacements).
    fn substitute(
        &mut self,
        term: TermId,
        time: Time,
        successor: &[TermId],
        memo: &mut HashMap<TermId, TermId>,
    ) -> TermId {
        if let Some(done) = memo.get(&term) {
            return *done;
        }
        let result = match self.terms.get(term).clone() {
            Term::State(atom, at) if at == time => successor[atom.0 as usize],
            node => {
                let children = node.children();
                if children.is_empty() {
                    term
                } else {
                    let mapped: Vec<TermId> = children
                        .iter()
                        .map(|c| self.substitute(*c, time, successor, memo))
                        .collect();
                    rebuild(&mut self.terms, &node, &mapped)
                }
            }
        };
        memo.insert(term, result);
        result
    }

    /// Records that `next_leaf` (a next-state atom) takes `value` where
    /// `condition` holds, for the candidate next state of `charter lint`.
    pub(super) fn record_assignment(
        &mut self,
        next_leaf: TermId,
        condition: TermId,
        value: TermId,
    ) {
        if let Term::State(atom, Time::Next) = self.terms.get(next_leaf) {
            let atom = *atom;
            self.assignments
                .entry(atom)
                .or_default()
                .push((condition, value));
        }
    }
}

//! Coherence of the rules (`charter lint`): whether the spec's rules can
//! all take effect, up to a depth. Findings: no initial state; an event
//! that never happens; a rule, an `unless` exception or a default that
//! never applies; a clash (an event whose guards hold in a reachable state
//! but whose applicable rules admit no next state); an assertion whose
//! `implies` antecedent never holds; an obligation met on time in no
//! history; a reachable state from which an obligation can no longer be
//! met on time, or from which several can each be met but not all
//! together (the joint obligation check, `solve::joint`).
//!
//! Where something can happen (a clash) a finding carries a shortest
//! witness history; where nothing can, the minimal set of items (clause
//! effects, guards, axioms, `init`s, initial values, integer ranges) that
//! rules it out. Every finding is a miette diagnostic with a label on each
//! blamed item.
//!
//! `findings.rs`: what a finding is and its diagnostic; `obligations.rs`:
//! the joint obligation check; `blocking.rs`: what `verify` asks;
//! `expected.rs`: the `.lint` file of expected findings; `unsettled.rs`:
//! each question's budget, and what lint could not settle.

mod blocking;
mod definitions;
pub mod expected;
mod findings;
mod obligations;
mod unsettled;

use serde::Serialize;

use crate::eval::Ending;
use crate::hir;
use crate::ir::TermId;
use crate::lower::{self, ApplicationKind};
use crate::plan::{Examined, Overrides, Plan};
use crate::solve::blame::{self, At};
pub use crate::solve::blame::{Item, Keep};
use crate::solve::SolverUnknown;
use crate::span::Span;
use crate::trace::{self, Credit, Trace};

pub use blocking::blocking;
pub use definitions::blamed_all;
use findings::blamed;
pub use findings::{Blamed, BlamedKind, Finding, Owed, Witness};
use obligations::obligation_conflicts;
pub use obligations::{lookahead, owed_can_be_met};
pub use unsettled::{query_time, Unsettled, QUERY_TIME};

/// The kinds of finding, each with its own diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    NoInitialState,
    DeadEvent,
    DeadRule,
    DeadException,
    DeadDefault,
    Clash,
    VacuousAssertion,
    UnmetObligation,
    ImpossibleObligation,
    ConflictingObligations,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::NoInitialState,
        Kind::DeadEvent,
        Kind::DeadRule,
        Kind::DeadException,
        Kind::DeadDefault,
        Kind::Clash,
        Kind::VacuousAssertion,
        Kind::UnmetObligation,
        Kind::ImpossibleObligation,
        Kind::ConflictingObligations,
    ];

    /// The kind's name: in diagnostic codes, JSON (serde writes this
    /// name), `.lint` files and `allowing`.
    pub fn as_str(self) -> &'static str {
        // The blocking kinds are spelled once, by `hir::Blocking`:
        // `allowing` and `.lint` files use the same words.
        match self {
            Kind::NoInitialState => "no_initial_state",
            Kind::DeadEvent => hir::Blocking::DeadEvent.as_str(),
            Kind::DeadRule => hir::Blocking::DeadRule.as_str(),
            Kind::DeadException => hir::Blocking::DeadException.as_str(),
            Kind::DeadDefault => hir::Blocking::DeadDefault.as_str(),
            Kind::Clash => hir::Blocking::Clash.as_str(),
            Kind::VacuousAssertion => "vacuous_assertion",
            Kind::UnmetObligation => "unmet_obligation",
            Kind::ImpossibleObligation => "impossible_obligation",
            Kind::ConflictingObligations => "conflicting_obligations",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Errors make every result meaningless or an event impossible where
    /// the text allows it; the others are warnings.
    pub fn is_error(self) -> bool {
        matches!(self, Kind::NoInitialState | Kind::Clash)
    }
}

/// JSON spells a kind by its name ([`Kind::as_str`]), the one table.
impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The findings of one spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LintReport {
    pub depth: usize,
    pub scopes: Vec<(String, u64)>,
    pub findings: Vec<Finding>,
    /// What lint could not finish (the joint obligation check, when it did
    /// not settle; each question in `unsettled`): no claim is made there,
    /// and the run is not clean.
    pub incomplete: Vec<String>,
    /// The questions lint did not settle (see `unsettled.rs`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unsettled: Vec<Unsettled>,
}

/// Runs every coherence query on the spec, as [`Plan::for_lint`] plans
/// them. Overrides that do not fit the spec are an error with the reason
/// in words ([`PlanError::message`](crate::plan::PlanError::message)).
pub fn lint(charter: &hir::Charter, overrides: &Overrides) -> Result<LintReport, SolverUnknown> {
    lint_keeping(charter, overrides, Keep::All)
}

/// The plan of [`lint`], overrides that do not fit the spec as the solver
/// giving up with the reason (for the library's callers that do not check
/// overrides first: the binary does, with [`Plan::for_lint`]).
fn lint_plan(charter: &hir::Charter, overrides: &Overrides) -> Result<Examined, SolverUnknown> {
    Plan::for_lint(charter, overrides)
        .map_err(|error| SolverUnknown::gave_up(error.message("the spec")))
}

/// Runs every coherence query on what [`Plan::for_lint`] examines.
pub fn run(charter: &hir::Charter, plan: &Examined) -> Result<LintReport, SolverUnknown> {
    run_keeping(charter, plan, Keep::All)
}

/// [`lint`] with only some of the spec's blamable items (to check that a
/// blamed set is minimal: with all of its items but one, and nothing else
/// blamable, its finding goes away).
pub fn lint_keeping(
    charter: &hir::Charter,
    overrides: &Overrides,
    keep: Keep,
) -> Result<LintReport, SolverUnknown> {
    run_keeping(charter, &lint_plan(charter, overrides)?, keep)
}

fn run_keeping(
    charter: &hir::Charter,
    plan: &Examined,
    keep: Keep,
) -> Result<LintReport, SolverUnknown> {
    // Alone, on a thread (hence a Z3 context) of its own: see
    // `solve::exclusive`.
    let _alone = crate::solve::exclusive(&plan.limits);
    // Every question under a budget of its own (`unsettled.rs`).
    let mut plan = plan.clone();
    plan.limits.query_time = Some(query_time(&plan.limits));
    let plan = &plan;
    crate::with_stack(|| {
        crate::budget::watched(&plan.limits.budget, || {
            ask(charter, plan, keep, Queries::All)
        })
        .unwrap_or_else(|stopped| Err(stopped.into()))
    })
}

/// Which of lint's questions a run asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Queries {
    /// Every coherence question (`charter lint`).
    All,
    /// Only what can make a verdict hold for the wrong reason: clashes and
    /// the events, rules, exceptions and defaults that never apply.
    Blocking,
}

/// Asks the questions of `asked` about the system of `plan`.
fn ask(
    charter: &hir::Charter,
    plan: &Examined,
    keep: Keep,
    asked: Queries,
) -> Result<LintReport, SolverUnknown> {
    // The scopes and depth lint combines from every command (or the
    // command line) are estimated like a command's.
    if let Some(too_large) = &plan.too_large {
        return Err(SolverUnknown::gave_up(too_large.to_string()));
    }
    let limits = &plan.limits;
    // At least one step (see `Plan::for_lint`).
    let depth = plan.depth;
    let sizes = charter.sort_sizes(&plan.scopes);
    let scopes = charter
        .sorts
        .iter()
        .zip(&sizes)
        .filter(|(sort, _)| sort.kind == hir::SortKind::Abstract)
        .map(|(sort, size)| (sort.name.clone(), *size as u64))
        .collect();
    let (lowered, terms) = lower::lower_lint(charter, &plan.scopes);
    let system = &lowered.system;
    let mut findings = Vec::new();
    let mut unsettled = Vec::new();
    // Each phase runs watched: the run's budget stopping it while it
    // builds its problem ends lint with what was found before it.
    let initial = crate::budget::watched(&limits.budget, || {
        blame::no_initial_state(system, limits, keep)
    })
    .unwrap_or_else(|stopped| Err(stopped.into()));
    let initial = match initial {
        Ok(initial) => initial,
        Err(unknown) => {
            unsettled.push(Unsettled::new(Kind::NoInitialState, "", &unknown));
            None
        }
    };
    if let Some(items) = initial {
        findings.push(Finding {
            kind: Kind::NoInitialState,
            subject: String::new(),
            message: "no initial state exists: the initial values, `init` conditions and axioms contradict each other".into(),
            span: items.first().map_or(Span::default(), |i| blamed(charter, *i).span),
            witness: None,
            blamed: blamed_all(charter, &items),
        });
        return Ok(LintReport {
            depth,
            scopes,
            findings,
            incomplete: Vec::new(),
            unsettled,
        });
    }
    // Reachability: events, rules and their parents, antecedents; one
    // query per distinct term.
    let mut queries: Vec<(TermId, At)> = Vec::new();
    let mut query = |term: TermId, at: At| -> usize {
        match queries.iter().position(|q| *q == (term, at)) {
            Some(index) => index,
            None => {
                queries.push((term, at));
                queries.len() - 1
            }
        }
    };
    let event_queries: Vec<usize> = lowered
        .layout
        .selectors
        .iter()
        .map(|s| query(*s, At::Step))
        .collect();
    let application_queries: Vec<(usize, Option<usize>)> = terms
        .applications
        .iter()
        .map(|a| {
            (
                query(a.applies, At::Step),
                a.parent.map(|p| query(p, At::Step)),
            )
        })
        .collect();
    // Vacuous assertions are lint's own question (`verify` has its own
    // vacuity check, on the property it runs); the blocking check asks them
    // all the same and does not report them: without them, one query of the
    // Texas spec's shared solver ran for minutes instead of a second.
    let antecedent_queries: Vec<usize> = terms
        .antecedents
        .iter()
        .map(|(_, t)| query(*t, At::State))
        .collect();
    let mut incomplete = Vec::new();
    // A stop of the run's budget ends lint with what it found so far, and
    // says which questions it did not settle.
    let stopped =
        |unknown: SolverUnknown, unasked: &str, incomplete: &mut Vec<String>| match unknown.stopped
        {
            Some(_) => {
                incomplete.push(format!("{}: {unasked} not examined", unknown.reason));
                Ok(())
            }
            None => Err(unknown),
        };
    let report = |findings, mut incomplete: Vec<String>, mut unsettled: Vec<Unsettled>| {
        // Two rules of one clause are one subject.
        let mut seen = Vec::new();
        unsettled.retain(|u| {
            let fresh = !seen.contains(&u.named());
            seen.push(u.named());
            fresh
        });
        incomplete.splice(0..0, unsettled.iter().map(Unsettled::said));
        LintReport {
            depth,
            scopes: scopes.clone(),
            findings,
            incomplete,
            unsettled,
        }
    };
    let reached = crate::budget::watched(&limits.budget, || {
        blame::reach(system, &queries, depth, limits, keep)
    });
    let answers = match reached {
        Ok(answers) => answers,
        Err(stop) => {
            let unasked = "dead events, rules, exceptions, defaults, obligations, vacuous assertions, clashes and obligation conflicts";
            stopped(stop.into(), unasked, &mut incomplete)?;
            return Ok(report(findings, incomplete, unsettled));
        }
    };
    let dead = |index: usize| answers[index].as_ref().ok().and_then(Option::as_ref);
    let mut unsure = |index: usize, kind: Kind, subject: &str| {
        if let Err(unknown) = &answers[index] {
            unsettled.push(Unsettled::new(kind, subject, unknown));
        }
    };
    for (event, index) in charter.events.iter().zip(&event_queries) {
        unsure(*index, Kind::DeadEvent, &event.name);
        if let Some(items) = dead(*index) {
            findings.push(Finding {
                kind: Kind::DeadEvent,
                subject: event.name.clone(),
                message: format!(
                    "event `{}` happens in no history of up to {depth} steps",
                    event.name
                ),
                span: event.span,
                witness: None,
                blamed: blamed_all(charter, items),
            });
        }
    }
    // The obligations met on time in no history.
    let mut unmet = Vec::new();
    for (application, (own, parent)) in terms.applications.iter().zip(&application_queries) {
        let clause = &charter.clauses[application.clause.0];
        let duty = match application.provenance {
            hir::Provenance::Duty {
                duty,
                part: hir::DutyPart::OnTime,
            } => Some(duty),
            // The rules the checker writes for the calendar are not the user's.
            hir::Provenance::Calendar => continue,
            _ => None,
        };
        let own_kind = match (duty, application.kind) {
            (Some(_), _) => Kind::UnmetObligation,
            (None, ApplicationKind::Rule) => Kind::DeadRule,
            (None, ApplicationKind::Exception) => Kind::DeadException,
            (None, ApplicationKind::Default) => Kind::DeadDefault,
        };
        if !(duty.is_some() && asked == Queries::Blocking) {
            unsure(*own, own_kind, &clause.name);
        }
        let Some(items) = dead(*own) else { continue };
        if parent.is_some_and(|p| dead(p).is_some()) {
            // Its parent never applies: that finding says it all.
            continue;
        }
        if let Some(index) = duty {
            unmet.push(index);
            if asked == Queries::Blocking {
                // An obligation never met is its assertion's violation,
                // which `verify` finds on its own.
                continue;
            }
            let duty = &charter.duties[index];
            let event = &charter.event(duty.event).name;
            findings.push(Finding {
                kind: Kind::UnmetObligation,
                subject: clause.name.clone(),
                message: format!(
                    "the obligation of clause `{}` to `{event}` is met on time in no history of up to {depth} steps",
                    clause.name
                ),
                span: duty.span,
                witness: None,
                blamed: blamed_all(charter, items),
            });
            continue;
        }
        let (kind, message) = match application.kind {
            ApplicationKind::Rule => (
                Kind::DeadRule,
                format!(
                    "a rule of clause `{}` applies in no history of up to {depth} steps",
                    clause.name
                ),
            ),
            ApplicationKind::Exception => (
                Kind::DeadException,
                format!(
                    "an `unless` of clause `{}` never fires (in histories of up to {depth} steps)",
                    clause.name
                ),
            ),
            ApplicationKind::Default => (
                Kind::DeadDefault,
                format!(
                    "the default of clause `{}` never applies: an `unless` always fires where the rule applies (in histories of up to {depth} steps)",
                    clause.name
                ),
            ),
        };
        findings.push(Finding {
            kind,
            subject: clause.name.clone(),
            message,
            span: application.span,
            witness: None,
            blamed: blamed_all(charter, items),
        });
    }
    let reported = match asked {
        Queries::All => antecedent_queries.as_slice(),
        Queries::Blocking => &[],
    };
    for ((formula, _), index) in terms.antecedents.iter().zip(reported) {
        let formula = charter.formula(*formula);
        unsure(*index, Kind::VacuousAssertion, &formula.name);
        if let Some(items) = dead(*index) {
            findings.push(Finding {
                kind: Kind::VacuousAssertion,
                subject: formula.name.clone(),
                message: format!(
                    "assertion `{}` holds vacuously: the condition before `implies` holds in no history of up to {depth} steps",
                    formula.name
                ),
                span: formula.span,
                witness: None,
                blamed: blamed_all(charter, items),
            });
        }
    }
    // Clashes, a shortest one per event.
    let clashes = crate::budget::watched(&limits.budget, || {
        blame::clashes(
            system,
            &lowered.layout.selectors,
            &terms.successor_checks,
            &terms.atom_terms,
            &terms.input_terms,
            depth,
            limits,
            keep,
        )
    });
    let clashes = match clashes {
        Ok(clashes) => clashes,
        Err(stop) => {
            stopped(
                stop.into(),
                "clashes and obligation conflicts",
                &mut incomplete,
            )?;
            return Ok(report(findings, incomplete, unsettled));
        }
    };
    let model = crate::eval::Model::new(charter, &plan.scopes);
    for (event, clash) in charter.events.iter().zip(clashes) {
        let clash = match clash {
            Ok(Some(clash)) => clash,
            Ok(None) => continue,
            Err(unknown) => {
                unsettled.push(Unsettled::new(Kind::Clash, &event.name, &unknown));
                continue;
            }
        };
        let steps = clash.trace.inputs.len().saturating_sub(1);
        let what = format!("the clash of `{}`", event.name);
        let mut history = match road(&model, &lowered, &clash.trace, steps, keep, &what) {
            Ok(history) => history,
            Err(unknown) => {
                stopped(
                    unknown,
                    "further clashes and obligation conflicts",
                    &mut incomplete,
                )?;
                return Ok(report(findings, incomplete, unsettled));
            }
        };
        let Some(mut impossible) = history.steps.pop() else {
            continue;
        };
        impossible.changes.clear();
        impossible.unchanged.clear();
        let names: Vec<String> = clash
            .blamed
            .iter()
            .map(|i| blamed(charter, *i))
            .map(|b| format!("{} `{}`", b.kind, b.name))
            .collect();
        let by = match names.len() {
            0 => String::new(),
            1 => format!(" ({} alone rules it out)", names[0]),
            _ => format!(" ({} contradict)", names.join(" and ")),
        };
        let when = match clash.depth {
            0 => "in an initial state".to_string(),
            1 => "after 1 step".to_string(),
            n => format!("after {n} steps"),
        };
        findings.push(Finding {
            kind: Kind::Clash,
            subject: event.name.clone(),
            message: format!(
                "event `{}` is impossible {when}: its guards hold, but the rules that apply admit no next state{by}",
                event.name,
            ),
            span: event.span,
            witness: Some(Witness {
                history,
                impossible: Some(impossible),
                owed: Vec::new(),
                question: None,
            }),
            blamed: blamed_all(charter, &clash.blamed),
        });
    }
    // The joint check runs on the whole spec only: with items left out, a
    // step may have several next states, and its search need not end. Its
    // blame is minimal for its question at the witness state
    // ([`owed_can_be_met`] asks it again).
    if matches!(keep, Keep::All) && asked == Queries::All {
        match obligation_conflicts(charter, &model, &lowered, &terms, &unmet, depth, limits) {
            Ok((conflicts, unsettled)) => {
                findings.extend(conflicts);
                incomplete.extend(unsettled);
            }
            Err(unknown) => stopped(unknown, "obligation conflicts", &mut incomplete)?,
        }
    }
    Ok(report(findings, incomplete, unsettled))
}

/// The history `raw` (its first `steps` steps are lawful) as charter shows
/// it: those steps replayed through `eval`, like every history charter
/// shows, and shown as replayed; a step of `raw` after them (a clash's
/// impossible step) as its event and arguments only.
fn road(
    model: &crate::eval::Model,
    lowered: &lower::Lowered,
    raw: &crate::solve::RawTrace,
    steps: usize,
    keep: Keep,
    what: &str,
) -> Result<Trace, SolverUnknown> {
    let (mut replayed, free) = trace::history(model, &lowered.system.terms, &lowered.layout, raw);
    let after: Vec<crate::eval::Occurrence> = replayed
        .steps
        .drain(steps.min(replayed.steps.len())..)
        .collect();
    replayed.states.truncate(steps + 1);
    // (With items left out, as the minimality tests ask, the road is
    // lawful only for the reduced spec, which `eval` does not know.)
    let mut history = match keep {
        Keep::All => trace::replayed(model, replayed, &free, Credit::Spec, Ending::Lawful)
            .map_err(|rejection| {
                SolverUnknown::gave_up(format!(
                    "internal error: the history leading to {what} does not replay: {rejection}"
                ))
            })?,
        _ => trace::unreplayed(model, replayed, &free),
    };
    let calls = after
        .iter()
        .enumerate()
        .map(|(index, occurrence)| trace::call(model, occurrence, steps + index, &free));
    history.steps.extend(calls);
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// JSON, diagnostic codes, `.lint` files and `allowing` spell a kind
    /// the same way: serde writes [`Kind::as_str`], which `Kind::parse`
    /// reads back, and no two kinds share a name.
    #[test]
    fn serde_spells_each_kind_by_its_name() {
        for kind in Kind::ALL {
            let json = serde_json::to_value(kind).ok();
            assert_eq!(json, Some(serde_json::Value::from(kind.as_str())));
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Kind::ALL.len());
        let json = serde_json::to_value(BlamedKind::InitialValue).ok();
        assert_eq!(json, Some(serde_json::Value::from("initial value")));
    }
}

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

use miette::{Diagnostic, LabeledSpan, Severity};
use serde::Serialize;

use crate::hir::{
    self, ClauseId, Command, CommandKind, Expr, ExprKind, FormulaKind, Type, DEFAULT_DEPTH,
};
use crate::ir::TermId;
use crate::lower::{self, ApplicationKind};
use crate::solve::blame::{self, At};
pub use crate::solve::blame::{Item, Keep};
use crate::solve::joint;
use crate::solve::SolverUnknown;
use crate::span::Span;
use crate::trace::{self, Step, Trace};
use crate::verify::Overrides;

/// The kinds of finding, each with its own diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
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

    pub fn as_str(self) -> &'static str {
        // The blocking kinds spell as `hir::Blocking` does (tests/lint.rs
        // checks it): `allowing` and `.lint` files use the same words.
        match self {
            Kind::NoInitialState => "no_initial_state",
            Kind::DeadEvent => "dead_event",
            Kind::DeadRule => "dead_rule",
            Kind::DeadException => "dead_exception",
            Kind::DeadDefault => "dead_default",
            Kind::Clash => "clash",
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

/// An item a finding blames, in the user's terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blamed {
    /// `"clause"`, `"guard"`, `"axiom"`, `"init"`, `"initial value"`,
    /// `"value"` or `"range"`.
    pub kind: &'static str,
    /// The clause, event, formula or variable it belongs to.
    pub name: String,
    pub article: Option<String>,
    /// The quoted text of the clause or formula, on one line.
    pub text: Option<String>,
    #[serde(skip)]
    pub span: Span,
    /// The solver-level item, to re-run a query without it.
    #[serde(skip)]
    pub item: Item,
}

/// The history a clash or an obligation conflict happens after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Witness {
    pub history: Trace,
    /// For a clash, the event (with its arguments) for which no next state
    /// exists; its `changes` and `unchanged` are empty.
    pub impossible: Option<Step>,
    /// For an obligation conflict, the duties owed after the history that
    /// cannot all be met on time.
    pub owed: Vec<Owed>,
    /// For an obligation conflict, the solver's view of the last state and
    /// of what is owed (indices into `lower::LintTerms::duty_points`), to
    /// ask its question again ([`owed_can_be_met`]).
    #[serde(skip)]
    pub question: Option<(Vec<Option<crate::solve::RawValue>>, Vec<usize>)>,
}

/// A duty owed in a state: the obligation's clause, the event owed with
/// its arguments (`_` where any will do), and the date it is due (in the
/// calendar's unit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Owed {
    pub clause: String,
    pub duty: String,
    pub due: i64,
    /// The calendar's unit (`day`, `week`, `month`, `year`).
    pub unit: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: Kind,
    /// The event, clause, assertion concerned (empty for no initial state).
    pub subject: String,
    pub message: String,
    #[serde(skip)]
    pub span: Span,
    pub witness: Option<Witness>,
    pub blamed: Vec<Blamed>,
}

/// The findings of one spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LintReport {
    pub depth: usize,
    pub scopes: Vec<(String, u64)>,
    pub findings: Vec<Finding>,
    /// What lint could not finish (the joint obligation check, when it did
    /// not settle): no claim is made there, and the run is not clean.
    pub incomplete: Vec<String>,
}

/// Runs every coherence query on the spec.
pub fn lint(charter: &hir::Charter, overrides: &Overrides) -> Result<LintReport, SolverUnknown> {
    lint_keeping(charter, overrides, Keep::All)
}

/// [`lint`] with only some of the spec's blamable items (to check that a
/// blamed set is minimal: with all of its items but one, and nothing else
/// blamable, its finding goes away).
pub fn lint_keeping(
    charter: &hir::Charter,
    overrides: &Overrides,
    keep: Keep,
) -> Result<LintReport, SolverUnknown> {
    // Alone, on a thread (hence a Z3 context) of its own: see
    // `solve::exclusive`.
    let _alone = crate::solve::exclusive();
    crate::with_stack(|| {
        run(
            charter,
            &command(charter, overrides),
            &overrides.limits,
            keep,
            Queries::All,
        )
    })
}

/// What a verdict that holds rests on, beyond the spec's own rules: the
/// events that clauses block (a clash: the event's guards hold, but the
/// rules that apply admit no next state) and the events, rules, `unless`
/// exceptions and defaults that never apply, in the histories of up to the
/// command's depth under the command's scopes. A property may hold only
/// because of them: `verify` qualifies the verdict with these findings.
///
/// Runs on the caller's thread and Z3 context: the caller holds
/// [`crate::solve::exclusive`].
pub fn blocking(
    charter: &hir::Charter,
    command: &Command,
    limits: &crate::solve::Limits,
) -> Result<Vec<Finding>, SolverUnknown> {
    let question = no_goal("blocking", command.depth, command.scopes.clone());
    let report = run(charter, &question, limits, Keep::All, Queries::Blocking)?;
    Ok(report.findings)
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

impl Kind {
    /// The kind of blocking a finding of this kind is (what [`blocking`]
    /// reports and `allowing` names), if it is one.
    pub fn blocking(self) -> Option<hir::Blocking> {
        match self {
            Kind::Clash => Some(hir::Blocking::Clash),
            Kind::DeadEvent => Some(hir::Blocking::DeadEvent),
            Kind::DeadRule => Some(hir::Blocking::DeadRule),
            Kind::DeadException => Some(hir::Blocking::DeadException),
            Kind::DeadDefault => Some(hir::Blocking::DeadDefault),
            _ => None,
        }
    }
}

/// The command whose system lint examines: no goal; the overrides' depth,
/// else the largest depth a command of the spec gives (what its author
/// found tractable), else [`DEFAULT_DEPTH`];
/// each abstract sort's scope from the overrides, else the largest any
/// command of the spec gives it (the spec's commands say which scopes are
/// meaningful: a sort may need as many elements as an enum has values).
fn command(charter: &hir::Charter, overrides: &Overrides) -> Command {
    let mut scopes: Vec<(hir::SortId, u64)> = Vec::new();
    for command in &charter.commands {
        for (sort, size) in &command.scopes {
            match scopes.iter_mut().find(|(s, _)| s == sort) {
                Some((_, known)) => *known = (*known).max(*size),
                None => scopes.push((*sort, *size)),
            }
        }
    }
    for (name, size) in &overrides.scopes {
        if let Some(index) = charter.sorts.iter().position(|s| &s.name == name) {
            scopes.retain(|(id, _)| id.0 != index);
            scopes.push((hir::SortId(index), *size));
        }
    }
    scopes.sort();
    let depth = overrides
        .depth
        .or_else(|| charter.commands.iter().filter_map(|c| c.depth).max());
    no_goal("lint", depth, scopes)
}

/// A command that asks about the system alone: a scenario whose goal is
/// `true`, with the depth and scopes given.
fn no_goal(name: &str, depth: Option<u64>, scopes: Vec<(hir::SortId, u64)>) -> Command {
    Command {
        name: name.into(),
        kind: CommandKind::Scenario {
            text: None,
            goal: Expr {
                kind: ExprKind::Bool(true),
                ty: Type::Bool,
                span: Span::default(),
            },
        },
        depth,
        scopes,
        expect: None,
        allowing: Vec::new(),
        span: Span::default(),
    }
}

fn run(
    charter: &hir::Charter,
    command: &Command,
    limits: &crate::solve::Limits,
    keep: Keep,
    asked: Queries,
) -> Result<LintReport, SolverUnknown> {
    // The scopes and depth lint combines from every command (or the
    // command line) are estimated like a command's.
    if let Some((size, largest)) = crate::check::size::exceeds(charter, command) {
        return Err(SolverUnknown {
            reason: format!(
                "too large to encode: {size}; most of it is {largest} (lower the scope or depth)"
            ),
        });
    }
    // At least one step: at depth 0 every event would be dead.
    let depth = command.depth.unwrap_or(DEFAULT_DEPTH).max(1) as usize;
    let sizes = lower::sort_sizes(charter, command);
    let scopes = charter
        .sorts
        .iter()
        .zip(&sizes)
        .filter(|(sort, _)| sort.kind == hir::SortKind::Abstract)
        .map(|(sort, size)| (sort.name.clone(), *size as u64))
        .collect();
    let (lowered, terms) = lower::lower_lint(charter, command);
    let system = &lowered.system;
    let mut findings = Vec::new();
    if let Some(items) = blame::no_initial_state(system, limits, keep)? {
        findings.push(Finding {
            kind: Kind::NoInitialState,
            subject: String::new(),
            message: "no initial state exists: the initial values, `init` conditions and axioms contradict each other".into(),
            span: items.first().map_or(Span::default(), |i| blamed(charter, *i).span),
            witness: None,
            blamed: items.iter().map(|i| blamed(charter, *i)).collect(),
        });
        return Ok(LintReport {
            depth,
            scopes,
            findings,
            incomplete: Vec::new(),
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
    let answers = blame::reach(system, &queries, depth, limits, keep)?;
    let dead = |index: usize| answers[index].as_ref();
    for (event, index) in charter.events.iter().zip(&event_queries) {
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
                blamed: items.iter().map(|i| blamed(charter, *i)).collect(),
            });
        }
    }
    // The obligations met on time in no history.
    let mut unmet = Vec::new();
    for (application, (own, parent)) in terms.applications.iter().zip(&application_queries) {
        let Some(items) = dead(*own) else { continue };
        if parent.is_some_and(|p| dead(p).is_some()) {
            // Its parent never applies: that finding says it all.
            continue;
        }
        let clause = &charter.clauses[application.clause.0];
        // The rules the checker writes for the calendar are not the user's.
        if charter
            .calendar
            .as_ref()
            .is_some_and(|c| c.clause == application.clause)
        {
            continue;
        }
        let duty = charter
            .duties
            .iter()
            .position(|d| d.clause == application.clause && d.on_time == application.span);
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
                blamed: items.iter().map(|i| blamed(charter, *i)).collect(),
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
            blamed: items.iter().map(|i| blamed(charter, *i)).collect(),
        });
    }
    let reported = match asked {
        Queries::All => antecedent_queries.as_slice(),
        Queries::Blocking => &[],
    };
    for ((formula, _), index) in terms.antecedents.iter().zip(reported) {
        if let Some(items) = dead(*index) {
            let formula = charter.formula(*formula);
            findings.push(Finding {
                kind: Kind::VacuousAssertion,
                subject: formula.name.clone(),
                message: format!(
                    "assertion `{}` holds vacuously: the condition before `implies` holds in no history of up to {depth} steps",
                    formula.name
                ),
                span: formula.span,
                witness: None,
                blamed: items.iter().map(|i| blamed(charter, *i)).collect(),
            });
        }
    }
    // Clashes, a shortest one per event.
    let clashes = blame::clashes(
        system,
        &lowered.layout.selectors,
        &terms.successor_checks,
        &terms.atom_terms,
        &terms.input_terms,
        depth,
        limits,
        keep,
    )?;
    let model = crate::eval::Model::new(charter, command);
    for (event, clash) in charter.events.iter().zip(clashes) {
        let Some(clash) = clash else { continue };
        let steps = clash.trace.inputs.len().saturating_sub(1);
        let what = format!("the clash of `{}`", event.name);
        let mut history = road(charter, &model, &lowered, &clash.trace, steps, keep, &what)?;
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
            blamed: clash.blamed.iter().map(|i| blamed(charter, *i)).collect(),
        });
    }
    // The joint check runs on the whole spec only: with items left out, a
    // step may have several next states, and its search need not end. Its
    // blame is minimal for its question at the witness state
    // ([`owed_can_be_met`] asks it again).
    let mut incomplete = Vec::new();
    if matches!(keep, Keep::All) && asked == Queries::All {
        let (conflicts, unsettled) =
            obligation_conflicts(charter, &model, &lowered, &terms, &unmet, depth, limits)?;
        findings.extend(conflicts);
        incomplete.extend(unsettled);
    }
    Ok(LintReport {
        depth,
        scopes,
        findings,
        incomplete,
    })
}

/// The history `raw` (its first `steps` steps are lawful) as charter shows
/// it: those steps replayed through `eval`, like every history charter
/// shows, then decoded (all of `raw`).
fn road(
    charter: &hir::Charter,
    model: &crate::eval::Model,
    lowered: &lower::Lowered,
    raw: &crate::solve::RawTrace,
    steps: usize,
    keep: Keep,
    what: &str,
) -> Result<Trace, SolverUnknown> {
    let system = &lowered.system;
    let prefix = crate::solve::RawTrace {
        states: raw.states.iter().take(steps + 1).cloned().collect(),
        inputs: raw.inputs.iter().take(steps).cloned().collect(),
        fired: raw.fired.iter().take(steps).cloned().collect(),
    };
    let replayed = trace::history(model, &system.terms, &lowered.layout, &prefix);
    // (With items left out, as the minimality tests ask, the road is
    // lawful only for the reduced spec, which `eval` does not know.)
    let whole = matches!(keep, Keep::All);
    let replay = crate::eval::replay(model, &replayed, crate::eval::Ending::Lawful);
    if let (true, Err(rejection)) = (whole, replay) {
        return Err(SolverUnknown {
            reason: format!(
                "internal error: the history leading to {what} does not replay: {rejection}"
            ),
        });
    }
    let mut history = trace::decode(
        charter,
        &system.terms,
        &lowered.layout,
        raw,
        &system.effects,
    );
    history.replayed = whole;
    history.history = Some(replayed);
    Ok(history)
}

/// How many steps a continuation may take in the joint obligation check:
/// twice the lint depth (meeting what is owed may take longer than
/// reaching it).
pub fn lookahead(depth: usize) -> usize {
    2 * depth
}

/// The joint obligation check: reachable states from which the duties
/// owed cannot all be met on time, and why the check stopped early, if it
/// did. Obligations found `unmet` take no part (every state owing one
/// would repeat that finding).
#[allow(clippy::too_many_arguments)]
fn obligation_conflicts(
    charter: &hir::Charter,
    model: &crate::eval::Model,
    lowered: &lower::Lowered,
    terms: &lower::LintTerms,
    unmet: &[usize],
    depth: usize,
    limits: &crate::solve::Limits,
) -> Result<(Vec<Finding>, Option<String>), SolverUnknown> {
    let keep = Keep::All;
    let (Some(dates), Some(calendar)) = (&terms.dates, &charter.calendar) else {
        return Ok((Vec::new(), None));
    };
    let taking_part: Vec<usize> = (0..terms.duty_points.len())
        .filter(|p| !unmet.contains(&terms.duty_points[*p].duty))
        .collect();
    let points = joint_points(terms, &taking_part);
    let joint = joint_terms(terms, dates, &points);
    let system = &lowered.system;
    let ahead = lookahead(depth);
    let outcome = joint::conflicts(system, &joint, depth, ahead, limits, keep)?;
    let unit = calendar.unit.singular();
    let mut out = Vec::new();
    for conflict in outcome.conflicts {
        let owed_points: Vec<usize> = conflict.points.iter().map(|i| taking_part[*i]).collect();
        let owed: Vec<Owed> = owed_points
            .iter()
            .map(|p| {
                owed(
                    charter,
                    &terms.atom_terms,
                    &conflict.trace,
                    &terms.duty_points[*p],
                )
            })
            .collect();
        let mut duties: Vec<usize> = owed_points
            .iter()
            .map(|p| terms.duty_points[*p].duty)
            .collect();
        duties.sort();
        duties.dedup();
        // Two duties of one clause name it once.
        let mut clauses: Vec<String> = Vec::new();
        for duty in &duties {
            let name = &charter.clauses[charter.duties[*duty].clause.0].name;
            if !clauses.contains(name) {
                clauses.push(name.clone());
            }
        }
        let listed: Vec<String> = owed
            .iter()
            .map(|o| format!("`{}` to `{}` by {unit} {}", o.clause, o.duty, o.due))
            .collect();
        let steps = conflict.depth;
        let after = match steps {
            0 => "in an initial state".to_string(),
            1 => "after 1 step".to_string(),
            n => format!("after {n} steps"),
        };
        let (kind, message) = match listed.as_slice() {
            [one] => (
                Kind::ImpossibleObligation,
                format!(
                    "the obligation of clause {one} can no longer be met on time {after}: no continuation of up to {ahead} steps meets it"
                ),
            ),
            _ => (
                Kind::ConflictingObligations,
                format!(
                    "the obligations of clauses {} cannot all be met on time {after}: no continuation of up to {ahead} steps meets them all, though one meets each without the others",
                    listed.join(" and ")
                ),
            ),
        };
        let what = format!("the conflict of {}", clauses.join(" and "));
        let history = road(charter, model, lowered, &conflict.trace, steps, keep, &what)?;
        out.push(Finding {
            kind,
            subject: clauses.join(","),
            message,
            span: charter.duties[duties[0]].span,
            witness: Some(Witness {
                history,
                impossible: None,
                owed,
                question: conflict
                    .trace
                    .states
                    .last()
                    .map(|s| (s.clone(), owed_points)),
            }),
            blamed: conflict
                .blamed
                .iter()
                .map(|i| blamed(charter, *i))
                .collect(),
        });
    }
    Ok((out, outcome.unsettled))
}

/// The check's view of the obligation points `taking_part`.
fn joint_points(terms: &lower::LintTerms, taking_part: &[usize]) -> Vec<joint::Point> {
    taking_part
        .iter()
        .map(|p| {
            let point = &terms.duty_points[*p];
            joint::Point {
                duty: point.duty,
                pending: point.pending,
                fulfilled: point.fulfilled,
                day: point.day,
                due: point.date,
            }
        })
        .collect()
}

fn joint_terms<'a>(
    terms: &'a lower::LintTerms,
    dates: &'a lower::Dates,
    points: &'a [joint::Point],
) -> joint::Joint<'a> {
    joint::Joint {
        points,
        atom_terms: &terms.atom_terms,
        successors: &terms.successors,
        checks: &terms.successor_checks,
        input_terms: &terms.input_terms,
        now: dates.now,
        dates: &dates.events,
    }
}

/// For an obligation conflict: whether, from its witness state and with
/// only the blamable items `keep` keeps, some continuation (of up to the
/// lint depth) meets every duty it names. `false` with every item; with
/// its blamed items but one, `true` (its blame is minimal).
pub fn owed_can_be_met(
    charter: &hir::Charter,
    overrides: &Overrides,
    finding: &Finding,
    keep: Keep,
) -> Result<bool, SolverUnknown> {
    let Some((state, owed)) = finding.witness.as_ref().and_then(|w| w.question.as_ref()) else {
        return Ok(true);
    };
    let _alone = crate::solve::exclusive();
    crate::with_stack(|| {
        let command = command(charter, overrides);
        let depth = command.depth.unwrap_or(DEFAULT_DEPTH).max(1) as usize;
        let (lowered, terms) = lower::lower_lint(charter, &command);
        let Some(dates) = &terms.dates else {
            return Ok(true);
        };
        let every: Vec<usize> = (0..terms.duty_points.len()).collect();
        let points = joint_points(&terms, &every);
        let joint = joint_terms(&terms, dates, &points);
        joint::meetable(
            &lowered.system,
            &joint,
            state,
            owed,
            lookahead(depth),
            &overrides.limits,
            keep,
        )
    })
}

/// A point of an obligation in the last state of `raw`, in the user's terms.
fn owed(
    charter: &hir::Charter,
    atom_terms: &[TermId],
    raw: &crate::solve::RawTrace,
    point: &lower::DutyPoint,
) -> Owed {
    let duty = &charter.duties[point.duty];
    let event = charter.event(duty.event);
    let keys = &charter.state(duty.due).args;
    let mut given = point.args.iter().zip(keys);
    let args: Vec<String> = duty
        .keyed
        .iter()
        .map(|keyed| match keyed.then(|| given.next()).flatten() {
            Some((index, ty)) => trace::element_name(charter, ty, *index),
            None => "_".to_string(),
        })
        .collect();
    let due = atom_terms
        .iter()
        .position(|t| *t == point.date)
        .and_then(|atom| raw.states.last()?.get(atom).copied().flatten());
    Owed {
        clause: charter.clauses[duty.clause.0].name.clone(),
        duty: match args.is_empty() {
            true => event.name.clone(),
            false => format!("{}({})", event.name, args.join(", ")),
        },
        due: match due {
            Some(crate::solve::RawValue::Int(day)) => day,
            _ => 0,
        },
        unit: charter
            .calendar
            .as_ref()
            .map_or("day", |c| c.unit.singular()),
    }
}

/// An item in the user's terms.
fn blamed(charter: &hir::Charter, item: Item) -> Blamed {
    let one_line = |text: &Option<String>| {
        text.as_ref()
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    let (kind, name, article, text, span) = match item {
        Item::Clause { clause, span } => {
            let clause = &charter.clauses[clause.0];
            (
                "clause",
                clause.name.clone(),
                clause.article.clone(),
                one_line(&clause.text),
                span,
            )
        }
        // A prohibition or permission is a guard of its event written in a
        // clause: it is named by the clause.
        Item::Guard { event, span, .. } => {
            match charter.clauses.iter().enumerate().find(|(index, c)| {
                c.span.start <= span.start
                    && span.end <= c.span.end
                    && charter
                        .calendar
                        .as_ref()
                        .is_none_or(|k| k.clause.0 != *index)
            }) {
                Some((_, clause)) => (
                    "clause",
                    clause.name.clone(),
                    clause.article.clone(),
                    one_line(&clause.text),
                    span,
                ),
                None => ("guard", charter.event(event).name.clone(), None, None, span),
            }
        }
        Item::Formula { formula, span } => {
            let formula = charter.formula(formula);
            let kind = match formula.kind {
                FormulaKind::Init => "init",
                _ => "axiom",
            };
            (
                kind,
                formula.name.clone(),
                None,
                one_line(&formula.text),
                span,
            )
        }
        Item::Value { state, span } => {
            let decl = charter.state(state);
            let kind = match decl.kind {
                hir::StateKind::Var => "initial value",
                hir::StateKind::Const => "value",
            };
            (kind, decl.name.clone(), None, None, span)
        }
        Item::Range { state } => {
            let decl = charter.state(state);
            ("range", decl.name.clone(), None, None, decl.span)
        }
    };
    Blamed {
        kind,
        name,
        article,
        text,
        span,
        item,
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Finding {}

impl Finding {
    /// A clash's help: where two clauses' effects are blamed, how to say
    /// which prevails (the one written later, by default: lex posterior).
    fn clash_help(&self) -> String {
        let mut clauses: Vec<(ClauseId, &str)> = Vec::new();
        for item in &self.blamed {
            if let Item::Clause { clause, .. } = item.item {
                if !clauses.iter().any(|(c, _)| *c == clause) {
                    clauses.push((clause, &item.name));
                }
            }
        }
        clauses.sort();
        let remedy = match clauses.as_slice() {
            [(_, earlier), .., (_, later)] => format!(
                "if one clause is meant to prevail, say so: `clause {later} overrides {earlier}` (or the other way round); or give one priority with `unless`, or exclude the event from one of them"
            ),
            _ => "give one priority with `unless`, or exclude the event from one of them".to_string(),
        };
        format!(
            "the blamed effects assign the same location different values in the witness's last step (or break an axiom or range); {remedy}; if the spec means it, list `clash {}` in the `.lint` file beside the spec",
            self.subject
        )
    }
}

impl Diagnostic for Finding {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(format!("charter::lint::{}", self.kind.as_str())))
    }

    fn severity(&self) -> Option<Severity> {
        Some(if self.kind.is_error() {
            Severity::Error
        } else {
            Severity::Warning
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        let help = match self.kind {
            Kind::NoInitialState => "every property holds vacuously; relax one of the blamed items",
            Kind::DeadEvent => "the blamed items rule the event out; relax one, or drop the event",
            Kind::DeadRule => "the blamed items rule out every step where this rule would apply",
            Kind::DeadException => "its condition never holds where its rule applies; the blamed items rule it out",
            Kind::DeadDefault => "the exception's condition holds whenever the rule applies, so its default effects never take effect",
            Kind::Clash => return Some(Box::new(self.clash_help())),
            Kind::VacuousAssertion => "the assertion says nothing within this depth; the blamed items rule its condition out",
            Kind::UnmetObligation => "the blamed items rule out every step that would fulfil the duty in time (a prohibition, a guard, or another duty's effects)",
            Kind::ImpossibleObligation => "after the witness history the blamed items rule out every way of fulfilling the duty in time: whoever owes it is bound to break it",
            Kind::ConflictingObligations => "after the witness history, meeting one of these duties rules out meeting the other in time (the blamed items say how): give one priority, move a deadline, or lift a prohibition",
        };
        Some(Box::new(format!(
            "{help}; if the spec means it, list `{} {}` in the `.lint` file beside the spec",
            self.kind.as_str(),
            if self.subject.is_empty() {
                "-"
            } else {
                &self.subject
            }
        )))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary_text = match self.kind {
            Kind::NoInitialState => None,
            Kind::Clash => Some("impossible here".to_string()),
            Kind::VacuousAssertion => Some("vacuous".to_string()),
            Kind::DeadEvent => Some("never happens".to_string()),
            Kind::DeadException => Some("never fires".to_string()),
            Kind::UnmetObligation => Some("can never be met on time".to_string()),
            Kind::ImpossibleObligation => Some("can no longer be met on time".to_string()),
            Kind::ConflictingObligations => {
                Some("cannot be met together with the others".to_string())
            }
            _ => Some("never applies".to_string()),
        };
        let mut labels = Vec::new();
        let blamed_primary = self.kind == Kind::NoInitialState;
        if !blamed_primary {
            labels.push(LabeledSpan::new_primary_with_span(primary_text, self.span));
        }
        for (index, item) in self.blamed.iter().enumerate() {
            let name = match &item.article {
                Some(article) => format!("{} (art. {article})", item.name),
                None => item.name.clone(),
            };
            let text = match &item.text {
                Some(text) => format!(
                    "blamed: {} {name}: \"{}\"",
                    item.kind,
                    crate::printable(text)
                ),
                None => format!("blamed: {} {name}", item.kind),
            };
            let label = if blamed_primary && index == 0 {
                LabeledSpan::new_primary_with_span(Some(text), item.span)
            } else {
                LabeledSpan::new_with_span(Some(text), item.span)
            };
            labels.push(label);
        }
        Some(Box::new(labels.into_iter()))
    }
}

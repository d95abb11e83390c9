//! Repair suggestions (`charter repair`): the smallest sets of rules whose
//! removal makes a failing safety property hold within the depth.
//!
//! **What removing a rule means.** A removed rule never applies: its `when`
//! becomes `false`, so its effects (and its `unless` exceptions) assign
//! nothing, and the locations it would have assigned keep their values by
//! inertia unless another rule assigns them. The event still happens. This
//! is not lint's blame: a tracking literal of `solve::blame` drops a
//! clause's *constraint* (`applies → x' = v`) and leaves the location free,
//! which only ever allows more histories. Dropping a constraint, a guard,
//! an axiom or an `init` only allows more histories too, so it never makes
//! a safety property hold: the candidates are the user's `on` rules only.
//!
//! **Search.** Removing rules is not monotone (a removed rule may have kept
//! a location from reaching a bad value, or overridden another clause), so
//! the sets are enumerated in ascending size, up to `max_size`: a set that
//! contains a suggestion already found is skipped (it is not minimal); a
//! set under which a counterexample already found still replays through
//! [`crate::eval`] (exactly: the interpreter is the semantics) is refuted
//! without the solver; any other set is verified by the normal bounded
//! check of the property on the spec without those rules
//! ([`crate::verify::run`]). A counterexample it finds joins those replayed
//! for the sets after it. The replay is the dual of lint's blame: a
//! counterexample must be "hit" by a rule that applies in it, as a blamed
//! set must be by a rule left out. Each suggestion is thus re-verified
//! before it is listed, and minimal: no proper subset makes the property
//! hold (every smaller set was examined first). Within `max_size` and
//! below the cap, the list is complete.
//!
//! **Histories that stop.** Removing a rule can make an event impossible
//! where its guards hold (a clash: the rules that still apply admit no next
//! state), or leave the antecedent of `A implies B` unreachable. Then the
//! property holds only because histories stop or say nothing: such a set is
//! listed apart ([`Repair::stopping`]), never as a suggestion, and does not
//! hide its supersets.

mod error;

pub use error::RepairError;

use serde::Serialize;

use crate::eval::{self, Ending, History};
use crate::hir::{self, ClauseId, Command, CommandKind, ExprKind, FormulaKind, Provenance};
use crate::plan::{Overrides, Plan};
use crate::span::Span;
use crate::verify::{self, Outcome, UnknownReason, Verdict};

/// The most suggestions listed, by default (`--max`).
pub const DEFAULT_MAX: usize = 5;
/// The largest set examined, by default (`--max-size`).
pub const DEFAULT_MAX_SIZE: usize = 3;

/// How far a repair search goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The most suggestions listed.
    pub max: usize,
    /// The most rules removed by one suggestion.
    pub max_size: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max: DEFAULT_MAX,
            max_size: DEFAULT_MAX_SIZE,
        }
    }
}

/// A rule repair may remove: the `index`th rule of a clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId {
    pub clause: ClauseId,
    pub index: usize,
}

/// A removed rule in the user's terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RemovedRule {
    pub clause: String,
    pub article: Option<String>,
    /// Its place among the clause's rules, from 1.
    pub rule: usize,
    /// The events it is `on`.
    pub on: String,
    /// The first step (from 1) of the original counterexample that
    /// removing this rule alone changes (where it applied); `None`: it
    /// does not apply in that history.
    pub changes_step: Option<usize>,
    #[serde(skip)]
    pub span: Span,
    #[serde(skip)]
    pub id: RuleId,
}

/// Where the original counterexample no longer goes as it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepRef {
    /// From 1; the number of steps when the end state no longer violates.
    pub step: usize,
    pub event: Option<String>,
    /// Why the step is no longer the same (the replay's words).
    pub reason: String,
}

/// A set of rules whose removal makes the property hold within the depth.
#[derive(Clone, Debug, Serialize)]
pub struct Suggestion {
    pub remove: Vec<RemovedRule>,
    /// The first step of the original counterexample that the spec without
    /// these rules no longer allows as it was.
    pub removes_at: Option<StepRef>,
    /// The re-verification: the bounded check of the property on the spec
    /// without these rules.
    pub verdict: Verdict,
    /// Why the property holds only because histories stop (empty for a
    /// suggestion): the events the spec without these rules blocks where
    /// their guards hold and the original did not, or the vacuity.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stops: Vec<String>,
}

/// How far the search went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// The property holds within the depth already.
    NothingToRepair,
    /// Every minimal set of at most `max_size` rules is listed.
    Complete { max_size: usize },
    /// `max` suggestions were found; there may be more.
    Capped { max: usize },
    /// The search stopped or could not decide some sets: the suggestions
    /// listed are re-verified and minimal, but there may be others.
    Incomplete { reason: String },
}

/// The answer of [`repair`].
#[derive(Clone, Debug, Serialize)]
pub struct Repair {
    pub property: String,
    pub depth: usize,
    pub scopes: Vec<(String, u64)>,
    #[serde(flatten)]
    pub status: Status,
    /// The property's bounded check on the spec as written.
    pub original: Outcome,
    /// How many rules may be removed.
    pub candidates: usize,
    /// Sets verified by a bounded check, and sets refuted by replaying a
    /// counterexample already found.
    pub checked: usize,
    pub replayed: usize,
    /// In ascending size, then in the spec's order.
    pub suggestions: Vec<Suggestion>,
    /// Sets under which the property holds only because histories stop.
    pub stopping: Vec<Suggestion>,
}

/// The bounded check of `property` that repair asks: the first command
/// about it gives the scopes and depth (the overrides' win), else the
/// defaults; `check`, whatever the command was, with no expectation.
pub fn plan(
    charter: &hir::Charter,
    property: &str,
    overrides: &Overrides,
) -> Result<Plan, RepairError> {
    let Some(index) = charter.formulas.iter().position(|f| f.name == property) else {
        let names: Vec<&str> = charter
            .formulas
            .iter()
            .filter(|f| matches!(f.kind, FormulaKind::Assert | FormulaKind::Lemma))
            .map(|f| f.name.as_str())
            .collect();
        return Err(RepairError::UnknownProperty {
            name: property.to_string(),
            help: (!names.is_empty())
                .then(|| format!("the spec's assertions and lemmas: {}", names.join(", "))),
        });
    };
    let formula = &charter.formulas[index];
    let id = hir::FormulaId(index);
    let name = formula.name.clone();
    match formula.kind {
        FormulaKind::Assert | FormulaKind::Lemma => {}
        FormulaKind::Eventually | FormulaKind::LeadsTo => {
            return Err(RepairError::Liveness {
                name,
                span: formula.span,
            })
        }
        FormulaKind::Axiom | FormulaKind::Init => {
            return Err(RepairError::NotAProperty {
                name,
                what: if formula.kind == FormulaKind::Axiom {
                    "an axiom"
                } else {
                    "an `init`"
                },
                span: formula.span,
            })
        }
    }
    let about = charter
        .commands
        .iter()
        .find(|c| matches!(c.kind, CommandKind::Check(f) | CommandKind::Prove(f) if f == id));
    let command = Command {
        name: property.to_string(),
        kind: CommandKind::Check(id),
        depth: about.and_then(|c| c.depth),
        scopes: about.map(|c| c.scopes.clone()).unwrap_or_default(),
        expect: None,
        allowing: Vec::new(),
        fair: Vec::new(),
        decreasing: None,
        span: about.map_or(formula.span, |c| c.span),
    };
    Plan::resolve(charter, &command, overrides).map_err(|error| RepairError::Options {
        message: error.message("the spec"),
    })
}

/// The rules repair may remove: every `on` rule the user wrote, in the
/// spec's order.
pub fn candidates(charter: &hir::Charter) -> Vec<RuleId> {
    let mut rules = Vec::new();
    for (clause_index, clause) in charter.clauses.iter().enumerate() {
        for (index, rule) in clause.rules.iter().enumerate() {
            if matches!(rule.kind, hir::RuleKind::On { .. }) && rule.provenance == Provenance::User
            {
                rules.push(RuleId {
                    clause: ClauseId(clause_index),
                    index,
                });
            }
        }
    }
    rules
}

/// The spec without `rules`: each never applies (its `when` is `false`).
pub fn without(charter: &hir::Charter, rules: &[RuleId]) -> hir::Charter {
    let mut repaired = charter.clone();
    for id in rules {
        let Some(rule) = repaired
            .clauses
            .get_mut(id.clause.0)
            .and_then(|c| c.rules.get_mut(id.index))
        else {
            continue;
        };
        let span = rule.span;
        if let hir::RuleKind::On { when, .. } = &mut rule.kind {
            *when = Some(hir::Expr {
                kind: ExprKind::Bool(false),
                ty: hir::Type::Bool,
                span,
            });
        }
    }
    repaired
}

/// Whether an outcome says the property holds within the depth.
pub fn holds(verdict: &Verdict) -> bool {
    matches!(verdict, Verdict::Proved { .. } | Verdict::NoneUpTo { .. })
}

/// Searches for the smallest sets of rules whose removal makes `property`
/// hold within the depth (see the module).
pub fn repair(
    charter: &hir::Charter,
    property: &str,
    overrides: &Overrides,
    options: Options,
) -> Result<Repair, RepairError> {
    let plan = plan(charter, property, overrides)?;
    let original = one(charter, &plan);
    let scopes = original.scopes.clone();
    let depth = plan.depth;
    let candidates = candidates(charter);
    let mut search = Search {
        charter,
        plan: &plan,
        candidates: &candidates,
        known: Vec::new(),
        original_history: None,
        original_clashes: None,
        checked: 0,
        replayed: 0,
        undecided: Vec::new(),
        suggestions: Vec::new(),
        stopping: Vec::new(),
    };
    let status = match &original.verdict {
        verdict if holds(verdict) => Status::NothingToRepair,
        Verdict::Counterexample { trace, .. } => {
            if let Some(history) = &trace.history {
                search.known.push(history.clone());
                search.original_history = Some(history.clone());
            }
            search.run(options)
        }
        verdict => Status::Incomplete {
            reason: format!(
                "the property's own check did not settle: {}",
                verdict_words(verdict)
            ),
        },
    };
    let Search {
        checked,
        replayed,
        suggestions,
        stopping,
        ..
    } = search;
    Ok(Repair {
        property: property.to_string(),
        depth,
        scopes,
        status,
        original,
        candidates: candidates.len(),
        checked,
        replayed,
        suggestions,
        stopping,
    })
}

fn verdict_words(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Unknown { reason } => reason.to_string(),
        Verdict::ReplayFailed { message, .. } => format!("a history did not replay: {message}"),
        _ => "no verdict".to_string(),
    }
}

/// The bounded check of `plan` on one spec.
fn one(charter: &hir::Charter, plan: &Plan) -> Outcome {
    let mut outcomes = verify::run(charter, std::slice::from_ref(plan));
    outcomes.remove(0)
}

struct Search<'a> {
    charter: &'a hir::Charter,
    plan: &'a Plan,
    candidates: &'a [RuleId],
    /// Counterexamples found so far, each replayed against later sets.
    known: Vec<History>,
    original_history: Option<History>,
    /// The events the original spec blocks where their guards hold (asked
    /// once, when first needed).
    original_clashes: Option<Result<Vec<String>, String>>,
    checked: usize,
    replayed: usize,
    /// Why some sets were not decided.
    undecided: Vec<String>,
    suggestions: Vec<Suggestion>,
    stopping: Vec<Suggestion>,
}

impl Search<'_> {
    fn run(&mut self, options: Options) -> Status {
        let count = self.candidates.len();
        for size in 1..=options.max_size.min(count) {
            let mut chosen: Vec<usize> = (0..size).collect();
            loop {
                let set: Vec<RuleId> = chosen.iter().map(|i| self.candidates[*i]).collect();
                if let Some(spent) = self.plan.limits.budget.spent() {
                    return Status::Incomplete {
                        reason: spent.to_string(),
                    };
                }
                if let Err(reason) = self.examine(&set, options.max) {
                    return Status::Incomplete { reason };
                }
                if self.suggestions.len() >= options.max {
                    return Status::Capped { max: options.max };
                }
                if !next_combination(&mut chosen, count) {
                    break;
                }
            }
        }
        match self.undecided.first() {
            Some(reason) => Status::Incomplete {
                reason: format!(
                    "{} set{} not decided: {reason}",
                    self.undecided.len(),
                    if self.undecided.len() == 1 { "" } else { "s" }
                ),
            },
            None => Status::Complete {
                max_size: options.max_size,
            },
        }
    }

    /// Examines one set; `Err` when the run's budget stopped it.
    fn examine(&mut self, set: &[RuleId], max: usize) -> Result<(), String> {
        if self.suggestions.iter().any(|found| within(found, set)) {
            return Ok(());
        }
        let repaired = without(self.charter, set);
        let formula = self.formula();
        let model = eval::Model::new(&repaired, &self.plan.command.scopes);
        let ending = Ending::Violates(&formula.name, &formula.body);
        if self
            .known
            .iter()
            .any(|history| eval::replay(&model, history, ending).is_ok())
        {
            self.replayed += 1;
            return Ok(());
        }
        self.checked += 1;
        let outcome = one(&repaired, self.plan);
        match &outcome.verdict {
            Verdict::Counterexample { trace, .. } => {
                if let Some(history) = &trace.history {
                    self.known.push(history.clone());
                }
            }
            verdict if holds(verdict) => {
                let stops = self.stops(&outcome);
                let suggestion = self.suggestion(set, &repaired, outcome.verdict, stops);
                match suggestion.stops.is_empty() {
                    true => self.suggestions.push(suggestion),
                    false => self.stopped(suggestion, max),
                }
            }
            Verdict::Unknown {
                reason: UnknownReason::VacuousAntecedent { depth },
            } => {
                let stops = vec![format!(
                    "the condition before `implies` holds in no history of up to {depth} steps"
                )];
                let suggestion = self.suggestion(set, &repaired, outcome.verdict, stops);
                self.stopped(suggestion, max);
            }
            Verdict::Unknown {
                reason: UnknownReason::Budget(stopped),
            } => return Err(stopped.to_string()),
            verdict => self.undecided.push(verdict_words(verdict)),
        }
        Ok(())
    }

    /// Lists a set under which the property holds only because histories
    /// stop, unless it contains one listed already (it says nothing new)
    /// or `max` are listed.
    fn stopped(&mut self, suggestion: Suggestion, max: usize) {
        let ids: Vec<RuleId> = suggestion.remove.iter().map(|r| r.id).collect();
        if self.stopping.len() < max && !self.stopping.iter().any(|s| within(s, &ids)) {
            self.stopping.push(suggestion);
        }
    }

    fn formula(&self) -> &hir::Formula {
        match self.plan.command.kind {
            CommandKind::Check(id) | CommandKind::Prove(id) => self.charter.formula(id),
            // `plan` only makes `check`s.
            CommandKind::Scenario { .. } => &self.charter.formulas[0],
        }
    }

    /// Why the property holds only because histories stop, after a
    /// verdict that holds on the spec without the set: the events it
    /// blocks where their guards hold that the original does not block.
    fn stops(&mut self, outcome: &Outcome) -> Vec<String> {
        let Some(rests_on) = &outcome.rests_on else {
            return Vec::new();
        };
        if let Some(reason) = &rests_on.unsettled {
            return vec![format!("not known whether histories stop: {reason}")];
        }
        let clashes: Vec<&crate::lint::Finding> = rests_on
            .blocked
            .iter()
            .filter(|f| f.kind == crate::lint::Kind::Clash)
            .collect();
        if clashes.is_empty() {
            return Vec::new();
        }
        let original = self
            .original_clashes
            .get_or_insert_with(|| original_clashes(self.charter, self.plan));
        match original {
            Ok(before) => clashes
                .iter()
                .filter(|f| !before.contains(&f.subject))
                .map(|f| format!("clash {}: {}", f.subject, f.message))
                .collect(),
            Err(reason) => vec![format!("not known whether histories stop: {reason}")],
        }
    }

    fn suggestion(
        &self,
        set: &[RuleId],
        repaired: &hir::Charter,
        verdict: Verdict,
        stops: Vec<String>,
    ) -> Suggestion {
        let remove = set
            .iter()
            .map(|id| {
                let alone = without(self.charter, std::slice::from_ref(id));
                let changes_step = self.changed_at(&alone).map(|at| at.step);
                removed_rule(self.charter, *id, changes_step)
            })
            .collect();
        Suggestion {
            remove,
            removes_at: self.changed_at(repaired),
            verdict,
            stops,
        }
    }

    /// Where the original counterexample stops replaying on `repaired`.
    fn changed_at(&self, repaired: &hir::Charter) -> Option<StepRef> {
        let history = self.original_history.as_ref()?;
        let formula = self.formula();
        let model = eval::Model::new(repaired, &self.plan.command.scopes);
        let ending = Ending::Violates(&formula.name, &formula.body);
        let rejection = eval::replay(&model, history, ending).err()?;
        let step = match rejection.at {
            eval::At::Step(step) => step,
            eval::At::End | eval::At::Initial => history.steps.len(),
        };
        Some(StepRef {
            step,
            event: rejection.event,
            reason: rejection.reason.to_string(),
        })
    }
}

/// Whether every rule `found` removes is in `set`.
fn within(found: &Suggestion, set: &[RuleId]) -> bool {
    found.remove.iter().all(|r| set.contains(&r.id))
}

/// The events the spec as written blocks where their guards hold, in the
/// histories the property's blocking check examines.
fn original_clashes(charter: &hir::Charter, plan: &Plan) -> Result<Vec<String>, String> {
    let examined = plan.for_blocking(charter);
    crate::with_stack(|| {
        let _alone = crate::solve::exclusive(&examined.limits);
        crate::budget::watched(&examined.limits.budget, || {
            crate::lint::blocking(charter, &examined)
        })
        .unwrap_or_else(|stopped| Err(stopped.into()))
    })
    .map(|findings| {
        findings
            .into_iter()
            .filter(|f| f.kind == crate::lint::Kind::Clash)
            .map(|f| f.subject)
            .collect()
    })
    .map_err(|unknown| unknown.reason)
}

fn removed_rule(charter: &hir::Charter, id: RuleId, changes_step: Option<usize>) -> RemovedRule {
    let clause = &charter.clauses[id.clause.0];
    let rule = &clause.rules[id.index];
    let on = match &rule.kind {
        hir::RuleKind::On { events, .. } => match events {
            hir::EventSet::One(event) => charter.event(*event).name.clone(),
            hir::EventSet::AllExcept(except) => {
                let names: Vec<&str> = except
                    .iter()
                    .map(|e| charter.event(*e).name.as_str())
                    .collect();
                format!("any event except {}", names.join(", "))
            }
        },
        _ => String::new(),
    };
    RemovedRule {
        clause: clause.name.clone(),
        article: clause.article.clone(),
        rule: id.index + 1,
        on,
        changes_step,
        span: rule.span,
        id,
    }
}

/// The next `chosen.len()`-subset of `0..count` in lexicographic order;
/// false after the last.
fn next_combination(chosen: &mut [usize], count: usize) -> bool {
    let size = chosen.len();
    let mut position = size;
    while position > 0 {
        position -= 1;
        if chosen[position] < count - size + position {
            chosen[position] += 1;
            for later in position + 1..size {
                chosen[later] = chosen[later - 1] + 1;
            }
            return true;
        }
    }
    false
}

//! Questions (b) and (c) of `charter diff` on the product engine
//! ([`crate::solve::product`]): both versions lowered for lint at shared
//! scopes, their matched events and locations tied, each answer's
//! histories replayed by [`crate::eval`] on both versions.

use super::{Agreement, Matching, OneSided, Options};
use crate::eval::{self, Ending, Model};
use crate::hir::{self, EventId, SortId, SortKind, StateId};
use crate::lint::blamed_all;
use crate::lower::{self, LintTerms, Lowered};
use crate::plan::{Plan, PlanError};
use crate::solve::product::{self, Pairing, Side};
use crate::solve::{Limits, RawTrace};
use crate::trace::{self, Credit, Trace};

/// A version's scopes, by sort.
type Scopes = Vec<(SortId, u64)>;

/// The answers of (b) and (c).
pub struct Product {
    pub old_only: OneSided,
    pub new_only: OneSided,
    pub agreement: Agreement,
    pub locations: Vec<String>,
    pub unpaired_events: Vec<String>,
}

/// One version (or one reading: `crate::compare`), lowered.
pub struct Version<'h> {
    pub charter: &'h hir::Charter,
    pub scopes: Vec<(SortId, u64)>,
    pub lowered: Lowered,
    pub terms: LintTerms,
}

impl Version<'_> {
    pub fn side(&self) -> Side<'_> {
        Side {
            system: &self.lowered.system,
            atom_terms: &self.terms.atom_terms,
            input_terms: &self.terms.input_terms,
            successors: &self.terms.successors,
            successor_checks: &self.terms.successor_checks,
        }
    }

    pub fn model(&self) -> Model<'_> {
        Model::new(self.charter, &self.scopes)
    }
}

/// Asks (b) both ways and (c) of the two versions.
pub fn product_of(
    old: &hir::Charter,
    new: &hir::Charter,
    matching: &Matching,
    options: &Options,
) -> Result<Product, PlanError> {
    let old_plan = Plan::for_lint(old, &options.overrides)?;
    let new_plan = Plan::for_lint(new, &options.overrides)?;
    let depth = old_plan.depth.max(new_plan.depth);
    let limits = old_plan.limits.clone();
    let (old_scopes, new_scopes) =
        shared_scopes(old, new, matching, &old_plan.scopes, &new_plan.scopes);
    let locations: Vec<(StateId, StateId)> = matching
        .states
        .alike()
        .filter(|(a, _)| {
            options.locations.is_empty() || options.locations.contains(&old.states[*a].name)
        })
        .map(|(a, b)| (StateId(a), StateId(b)))
        .collect();
    let location_names = locations
        .iter()
        .filter(|(a, _)| old.states[a.0].provenance == hir::Provenance::User)
        .map(|(a, b)| name_pair(&old.states[a.0].name, &new.states[b.0].name))
        .collect();
    let too_large = old_plan.too_large.or(new_plan.too_large);
    if let Some(too_large) = too_large {
        let reason = format!("the product would be too large to build ({too_large:?})");
        return Ok(Product {
            old_only: OneSided::Unknown {
                reason: reason.clone(),
            },
            new_only: OneSided::Unknown {
                reason: reason.clone(),
            },
            agreement: Agreement::Unknown { reason },
            locations: location_names,
            unpaired_events: Vec::new(),
        });
    }
    let old_version = version(old, old_scopes);
    let new_version = version(new, new_scopes);
    let events: Vec<(EventId, EventId)> = matching
        .events
        .alike()
        .map(|(a, b)| (EventId(a), EventId(b)))
        .collect();
    let mut pairing = Pairing::new(
        &old_version.lowered.system,
        &new_version.lowered.system,
        &events,
    );
    // Tied at the start: the matched states both versions start alike by
    // declaration (an amended initial value starts from each version's).
    let matched: Vec<(StateId, StateId)> = matching
        .states
        .alike()
        .filter(|(a, b)| super::matching::same_declared_start(old, new, matching, *a, *b))
        .map(|(a, b)| (StateId(a), StateId(b)))
        .collect();
    pairing.start = product::atom_pairs(
        &old_version.lowered.system,
        &new_version.lowered.system,
        &matched,
    );
    let unpaired_events = pairing
        .unaligned
        .iter()
        .map(|(a, b)| name_pair(&old.events[a.0].name, &new.events[b.0].name))
        .collect();
    let old_only = one_sided(&old_version, &new_version, &pairing, depth, &limits);
    let new_only = one_sided(
        &new_version,
        &old_version,
        &pairing.swapped(),
        depth,
        &limits,
    );
    let agreement = agreement(
        &old_version,
        &new_version,
        &pairing,
        &locations,
        depth,
        &limits,
    );
    Ok(Product {
        old_only,
        new_only,
        agreement,
        locations: location_names,
        unpaired_events,
    })
}

fn name_pair(old: &str, new: &str) -> String {
    if old == new {
        old.to_string()
    } else {
        format!("{old} → {new}")
    }
}

pub fn version(charter: &hir::Charter, scopes: Vec<(SortId, u64)>) -> Version<'_> {
    let (lowered, terms) = lower::lower_lint(charter, &scopes);
    Version {
        charter,
        scopes,
        lowered,
        terms,
    }
}

/// Each version's lint scopes, with every matched abstract sort at the
/// larger of its two scopes (so that their elements, and the inputs and
/// locations they index, line up).
fn shared_scopes(
    old: &hir::Charter,
    new: &hir::Charter,
    matching: &Matching,
    old_scopes: &[(SortId, u64)],
    new_scopes: &[(SortId, u64)],
) -> (Scopes, Scopes) {
    let scope = |charter: &hir::Charter, scopes: &[(SortId, u64)], sort: usize| {
        scopes
            .iter()
            .find(|(s, _)| s.0 == sort)
            .map(|(_, n)| *n)
            .unwrap_or_else(|| charter.sorts[sort].default_scope())
    };
    let (mut old_out, mut new_out) = (old_scopes.to_vec(), new_scopes.to_vec());
    for (a, b) in matching.sorts.alike() {
        if !matches!(old.sorts[a].kind, SortKind::Abstract) {
            continue;
        }
        let size = scope(old, old_scopes, a).max(scope(new, new_scopes, b));
        set_scope(&mut old_out, SortId(a), size);
        set_scope(&mut new_out, SortId(b), size);
    }
    (old_out, new_out)
}

fn set_scope(scopes: &mut Vec<(SortId, u64)>, sort: SortId, size: u64) {
    match scopes.iter_mut().find(|(s, _)| *s == sort) {
        Some((_, known)) => *known = size,
        None => {
            scopes.push((sort, size));
            scopes.sort();
        }
    }
}

/// (b) one way: lawful under `lawful`, refused by `refusing`.
pub fn one_sided(
    lawful: &Version,
    refusing: &Version,
    pairing: &Pairing,
    depth: usize,
    limits: &Limits,
) -> OneSided {
    let found = {
        let _solving = crate::solve::exclusive(limits);
        product::lawful_in_one_only([lawful.side(), refusing.side()], pairing, depth, limits)
    };
    let found = match found {
        Ok(product::Refusal::Found(found)) => found,
        Ok(product::Refusal::NoneUpTo) => return OneSided::NoneUpTo { depth },
        Ok(product::Refusal::NoCommonStart) => return OneSided::NoCommonStart,
        Err(unknown) => {
            return OneSided::Unknown {
                reason: unknown.reason,
            }
        }
    };
    let lawful_model = lawful.model();
    let lawful_trace = match replay_lawful(lawful, &lawful_model, &found.lawful, found.depth) {
        Ok(trace) => trace,
        Err(message) => return OneSided::ReplayFailed { message },
    };
    let event = lawful_trace
        .steps
        .last()
        .map(|s| s.event.clone())
        .unwrap_or_default();
    let model = refusing.model();
    let steps = found.depth - 1;
    let Some(blamed) = found.blamed else {
        return match replay_lawful(refusing, &model, &found.refused, steps) {
            Ok(refused) => OneSided::Found {
                depth: found.depth,
                rejection: format!("no event `{event}` in this version"),
                event,
                lawful: Box::new(lawful_trace),
                refused: Box::new(refused),
                blamed: Vec::new(),
                absent_event: true,
            },
            Err(message) => OneSided::ReplayFailed { message },
        };
    };
    let (history, free) = trace::history(
        &model,
        &refusing.lowered.system.terms,
        &refusing.lowered.layout,
        &found.refused,
    );
    // The whole history, the candidate next state included, must be
    // rejected at its last step; the steps before it must replay.
    let rejection = match eval::replay(&model, &history, Ending::Lawful) {
        Err(rejection) if rejection.at == eval::At::Step(found.depth) => rejection,
        Err(rejection) => {
            return OneSided::ReplayFailed {
                message: format!("the refusing version rejects an earlier step: {rejection}"),
            }
        }
        Ok(()) => {
            return OneSided::ReplayFailed {
                message: format!("the refusing version allows step {}", found.depth),
            }
        }
    };
    let mut prefix = history.clone();
    let last = prefix.steps.split_off(steps);
    prefix.states.truncate(steps + 1);
    let mut refused = match trace::replayed(&model, prefix, &free, Credit::Spec, Ending::Lawful) {
        Ok(trace) => trace,
        Err(rejection) => {
            return OneSided::ReplayFailed {
                message: format!("the steps before the refused one do not replay: {rejection}"),
            }
        }
    };
    refused
        .steps
        .extend(last.iter().map(|o| trace::call(&model, o, steps, &free)));
    OneSided::Found {
        depth: found.depth,
        event,
        lawful: Box::new(lawful_trace),
        refused: Box::new(refused),
        rejection: rejection.to_string(),
        blamed: blamed_all(refusing.charter, &blamed),
        absent_event: false,
    }
}

/// A raw history cut to `steps` steps, replayed as lawful.
fn replay_lawful(
    version: &Version,
    model: &Model,
    raw: &RawTrace,
    steps: usize,
) -> Result<Trace, String> {
    let (mut history, free) = trace::history(
        model,
        &version.lowered.system.terms,
        &version.lowered.layout,
        raw,
    );
    history.steps.truncate(steps);
    history.states.truncate(steps + 1);
    trace::replayed(model, history, &free, Credit::Spec, Ending::Lawful)
        .map_err(|rejection| format!("a history found does not replay: {rejection}"))
}

/// (c): the versions agree on `locations` after every history lawful in
/// both, or the first disagreement.
pub fn agreement(
    old: &Version,
    new: &Version,
    pairing: &Pairing,
    locations: &[(StateId, StateId)],
    depth: usize,
    limits: &Limits,
) -> Agreement {
    let atoms = product::atom_pairs(&old.lowered.system, &new.lowered.system, locations);
    let answer = {
        let _solving = crate::solve::exclusive(limits);
        product::disagree([old.side(), new.side()], pairing, &atoms, depth, limits)
    };
    let (depth, traces) = match answer {
        Ok(product::Agreement::Proved { k }) => return Agreement::Proved { k },
        Ok(product::Agreement::UpTo { depth }) => return Agreement::NoneUpTo { depth },
        Ok(product::Agreement::NoCommonStart) => return Agreement::NoCommonStart,
        Ok(product::Agreement::Disagree { depth, traces }) => (depth, traces),
        Err(unknown) => {
            return Agreement::Unknown {
                reason: unknown.reason,
            }
        }
    };
    let (old_model, new_model) = (old.model(), new.model());
    let replayed = replay_lawful(old, &old_model, &traces[0], depth)
        .and_then(|o| replay_lawful(new, &new_model, &traces[1], depth).map(|n| (o, n)));
    let (old_trace, new_trace) = match replayed {
        Ok(pair) => pair,
        Err(message) => return Agreement::ReplayFailed { message },
    };
    let differences = differences(&old_model, &old_trace, &new_model, &new_trace, locations);
    if differences.is_empty() {
        return Agreement::ReplayFailed {
            message: "the histories found agree on every matched location when replayed".into(),
        };
    }
    Agreement::Disagree {
        depth,
        old: Box::new(old_trace),
        new: Box::new(new_trace),
        differences,
    }
}

/// The matched locations whose values differ in the last states.
fn differences(
    old_model: &Model,
    old: &Trace,
    new_model: &Model,
    new: &Trace,
    locations: &[(StateId, StateId)],
) -> Vec<String> {
    let (Some(old_history), Some(new_history)) = (&old.history, &new.history) else {
        return Vec::new();
    };
    let (Some(old_state), Some(new_state)) = (old_history.states.last(), new_history.states.last())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (a, b) in locations {
        let (old_decl, new_decl) = (old_model.charter.state(*a), new_model.charter.state(*b));
        let names = old_model.location_names(*a);
        for (cell, (x, y)) in old_state.cells[a.0]
            .iter()
            .zip(&new_state.cells[b.0])
            .enumerate()
        {
            let x = old_model.value_name(x, &old_decl.ty);
            let y = new_model.value_name(y, &new_decl.ty);
            if x != y {
                let location = names.get(cell).cloned().unwrap_or_default();
                out.push(format!("{location}: {x} (old) ≠ {y} (new)"));
            }
        }
    }
    out
}

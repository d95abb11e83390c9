//! `charter repair`'s answer as a person reads it: the property's own
//! outcome (its counterexample), then each suggestion with the rules it
//! removes (quoted), where the counterexample no longer goes as it went,
//! and the re-verification; the sets under which the property holds only
//! because histories stop; how far the search went.

use super::{one_line, plural, position, scopes, verdicts::outcome, SourceFile};
use crate::repair::{RemovedRule, Repair, Status, Suggestion};
use crate::verify::{UnknownReason, Verdict};

/// The longest quotation of a rule's text, in characters.
const QUOTED: usize = 72;

/// A repair search's answer as a person reads it.
pub fn repair(repair: &Repair, source: &SourceFile) -> String {
    let mut out = outcome(&repair.original, source);
    let property = &repair.property;
    let depth = repair.depth;
    if repair.status == Status::NothingToRepair {
        out.push_str(&format!(
            "nothing to repair: `{property}` holds within depth {depth}\n"
        ));
        return out;
    }
    out.push('\n');
    if repair.suggestions.is_empty() {
        out.push_str(&format!(
            "No set of rules found whose removal makes `{property}` hold within depth {depth}.\n"
        ));
    } else {
        out.push_str(&format!(
            "Suggestions, not proofs of intent: each makes `{property}` hold within depth {depth}.\n"
        ));
        for (index, suggestion) in repair.suggestions.iter().enumerate() {
            out.push_str(&render_suggestion(index + 1, suggestion, source));
        }
    }
    if !repair.stopping.is_empty() {
        out.push_str(&format!(
            "Not repairs: `{property}` holds only because histories stop or say nothing:\n"
        ));
        for (index, suggestion) in repair.stopping.iter().enumerate() {
            out.push_str(&render_suggestion(index + 1, suggestion, source));
        }
    }
    let scope = if repair.scopes.is_empty() {
        String::new()
    } else {
        format!(", scope {}", scopes(&repair.scopes))
    };
    let how_far = match &repair.status {
        Status::NothingToRepair => String::new(),
        Status::Complete { max_size } => format!(
            "complete: every minimal set of at most {max_size} rule{} is listed",
            plural(*max_size)
        ),
        Status::Capped { max } => format!("stopped at {max} suggestion{} (--max)", plural(*max)),
        Status::Incomplete { reason } => format!("incomplete: {reason}"),
    };
    out.push_str(&format!(
        "searched {} rule{} (depth {depth}{scope}): {} set{} checked, {} refuted by replaying a counterexample; {how_far}\n",
        repair.candidates,
        plural(repair.candidates),
        repair.checked,
        plural(repair.checked),
        repair.replayed,
    ));
    out
}

fn render_suggestion(number: usize, suggestion: &Suggestion, source: &SourceFile) -> String {
    let count = suggestion.remove.len();
    let mut out = format!("  {number}. remove {count} rule{}:\n", plural(count));
    for rule in &suggestion.remove {
        out.push_str(&rule_words(rule, source));
    }
    if let Some(at) = &suggestion.removes_at {
        let event = at
            .event
            .as_ref()
            .map(|e| format!(" (`{e}`)"))
            .unwrap_or_default();
        out.push_str(&format!(
            "     the counterexample no longer goes as it went at step {}{event}: {}\n",
            at.step,
            one_line(&at.reason)
        ));
    }
    let verdict = match &suggestion.verdict {
        Verdict::NoneUpTo { depth } => format!("no counterexample up to depth {depth}"),
        Verdict::Proved { k, .. } => format!("proved (k-induction, k = {k})"),
        Verdict::Unknown {
            reason: UnknownReason::VacuousAntecedent { depth },
        } => format!("no counterexample up to depth {depth}, vacuously"),
        Verdict::Unknown { reason } => reason.to_string(),
        _ => "re-verification failed".to_string(),
    };
    out.push_str(&format!("     re-verified: {verdict}\n"));
    for stop in &suggestion.stops {
        out.push_str(&format!("     holds only because: {}\n", one_line(stop)));
    }
    out
}

/// A removed rule on two lines: which it is, where, where it applied in
/// the counterexample; then its text, quoted.
fn rule_words(rule: &RemovedRule, source: &SourceFile) -> String {
    let article = rule
        .article
        .as_ref()
        .map(|a| format!(" (art. {a})"))
        .unwrap_or_default();
    let text = source
        .text
        .get(rule.span.start..rule.span.end)
        .map(one_line)
        .unwrap_or_default();
    let text = match text.chars().count() > QUOTED {
        true => format!("{}…", text.chars().take(QUOTED).collect::<String>()),
        false => text,
    };
    let applied = match rule.changes_step {
        Some(step) => format!("applied at step {step} of the counterexample"),
        None => "not applied in the counterexample".to_string(),
    };
    format!(
        "     - rule {} of clause `{}`{article}, at {}, {applied}:\n         {text}\n",
        rule.rule,
        rule.clause,
        position(source, rule.span)
    )
}

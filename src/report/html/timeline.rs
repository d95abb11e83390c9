//! A history as an HTML table: one column per state (the initial state,
//! then each step's event with its arguments), one row per location;
//! the cells a step changed are marked, each with the clauses whose
//! effects changed it, linked to the clause list.

use super::{escape, Clauses};
use crate::report::timeline::{shown, shown_change};
use crate::trace::{ClauseRef, Step, Trace, Value};

/// How a history ends, as its last column says.
pub enum Ending<'a> {
    /// The property is violated in the last state (a counterexample).
    Violated,
    /// The scenario's condition holds in the last state (a witness).
    Reached,
    /// After the history, this step has no lawful next state (a clash).
    Impossible(&'a Step),
    /// Nothing to mark (an obligation conflict's history).
    Plain,
}

/// The table of `trace`; `id` prefixes its step anchors (`{id}-step-2`).
pub fn table(trace: &Trace, id: &str, clauses: &Clauses, ending: Ending) -> String {
    let last = trace.steps.len();
    let mut out = String::new();
    out.push_str(&format!(
        "<div class=\"scroll\"><table class=\"timeline\" id=\"{id}\" data-steps=\"{last}\">\n<thead><tr><th scope=\"col\" class=\"corner\">Location</th>"
    ));
    out.push_str(&header(
        0,
        id,
        "Initial state",
        "",
        &[],
        lasso_mark(trace, 0, state_mark(&ending, last == 0)).as_deref(),
    ));
    for (index, step) in trace.steps.iter().enumerate() {
        let number = index + 1;
        let mut applied: Vec<&ClauseRef> = Vec::new();
        let all = step.changes.iter().flat_map(|c| &c.by);
        for clause in all.chain(step.unchanged.iter().flat_map(|u| &u.by)) {
            let same = |c: &&ClauseRef| c.clause == clause.clause && c.article == clause.article;
            if !applied.iter().any(same) {
                applied.push(clause);
            }
        }
        let links: Vec<String> = applied.iter().map(|c| clauses.link(c)).collect();
        out.push_str(&header(
            number,
            id,
            &format!("Step {number}"),
            &call(step),
            &links,
            lasso_mark(trace, number, state_mark(&ending, number == last)).as_deref(),
        ));
    }
    if let Ending::Impossible(step) = ending {
        out.push_str(&format!(
            "<th scope=\"col\" class=\"impossible\" id=\"{id}-step-{n}\" data-step=\"{n}\"><span class=\"step\">Step {n}</span><span class=\"event\">{}</span><span class=\"mark\">no lawful next state</span></th>",
            call(step),
            n = last + 1,
        ));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let columns = last + 1 + usize::from(matches!(ending, Ending::Impossible(_)));
    for binding in &trace.constants {
        out.push_str(&format!(
            "<tr class=\"constant\" data-location=\"{location}\"><th scope=\"row\">{location}<span class=\"note\">constant</span></th><td colspan=\"{columns}\">{}</td></tr>\n",
            escape(&shown(&binding.value)),
            location = escape(&binding.location),
        ));
    }
    for (row, binding) in trace.initial.iter().enumerate() {
        out.push_str(&format!(
            "<tr data-location=\"{location}\"><th scope=\"row\">{location}</th><td data-step=\"0\">{}</td>",
            value(&binding.value),
            location = escape(&binding.location),
        ));
        let mut current = &binding.value;
        for (index, step) in trace.steps.iter().enumerate() {
            let number = index + 1;
            let change = step.changes.iter().find(|c| c.location == binding.location);
            let kept = step
                .unchanged
                .iter()
                .find(|u| !u.by.is_empty() && location_of(&binding.location, &u.variable));
            match (change, kept) {
                (Some(change), _) => {
                    let shown_value = match (&change.before, &change.after) {
                        (Value::Set(old), Value::Set(new))
                            if old.len() > crate::report::BIG_SET
                                || new.len() > crate::report::BIG_SET =>
                        {
                            format!(
                                "<span class=\"value\">{}</span>",
                                escape(&shown_change(&change.before, &change.after))
                            )
                        }
                        _ => format!(
                            "{}<span class=\"was\">was {}</span>",
                            value(&change.after),
                            escape(&shown(&change.before))
                        ),
                    };
                    out.push_str(&format!(
                        "<td class=\"changed\" data-step=\"{number}\" data-changed=\"true\" title=\"{}\">{shown_value}{}</td>",
                        escape(&format!(
                            "{}: {} changed by {}",
                            binding.location,
                            shown_change(&change.before, &change.after),
                            clauses.titles(&change.by)
                        )),
                        by("changed by", &change.by, clauses),
                    ));
                    current = &change.after;
                }
                (None, Some(kept)) => out.push_str(&format!(
                    "<td class=\"kept\" data-step=\"{number}\">{}{}</td>",
                    value(current),
                    by("kept by", &kept.by, clauses),
                )),
                (None, None) => out.push_str(&format!(
                    "<td class=\"same\" data-step=\"{number}\">{}</td>",
                    value(current)
                )),
            }
        }
        if matches!(ending, Ending::Impossible(_)) && row == 0 {
            out.push_str(&format!(
                "<td class=\"impossible\" rowspan=\"{}\">no next state satisfies every rule that applies</td>",
                trace.initial.len()
            ));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// A column's header: the state's name, the event with its arguments,
/// the clauses whose effects applied, and a mark on the last state.
fn header(
    number: usize,
    id: &str,
    name: &str,
    event: &str,
    links: &[String],
    mark: Option<&str>,
) -> String {
    let class = if mark.is_some() {
        " class=\"last\""
    } else {
        ""
    };
    let mut out = format!(
        "<th scope=\"col\"{class} id=\"{id}-step-{number}\" data-step=\"{number}\"><span class=\"step\">{name}</span>"
    );
    if !event.is_empty() {
        out.push_str(&format!("<span class=\"event\">{event}</span>"));
    }
    if !links.is_empty() {
        out.push_str(&format!(
            "<span class=\"applied\">clauses applied: {}</span>",
            links.join(", ")
        ));
    }
    if let Some(mark) = mark {
        out.push_str(&format!("<span class=\"mark\">{mark}</span>"));
    }
    out.push_str("</th>");
    out
}

/// `mark` with, for a liveness counterexample (a lasso), where its loop
/// starts and where the last state loops back to.
fn lasso_mark(trace: &Trace, number: usize, mark: Option<&str>) -> Option<String> {
    let Some(start) = trace.loop_start else {
        return mark.map(str::to_string);
    };
    let back = match start {
        0 => "the initial state".to_string(),
        n => format!("the state after step {n}"),
    };
    match (number == start, number == trace.steps.len(), mark) {
        (_, true, Some(mark)) => Some(format!("{mark}; loop back to {back}")),
        (true, _, _) => Some("loop starts here".into()),
        (_, _, mark) => mark.map(str::to_string),
    }
}

fn state_mark(ending: &Ending, last: bool) -> Option<&'static str> {
    match ending {
        Ending::Violated if last => Some("property violated here"),
        Ending::Reached if last => Some("scenario reached here"),
        _ => None,
    }
}

/// A step's event with its arguments, escaped: `regular_session(host =
/// Tajikistan)`.
fn call(step: &Step) -> String {
    let args: Vec<String> = step
        .args
        .iter()
        .map(|a| format!("{} = {}", a.location, shown(&a.value)))
        .collect();
    escape(&format!("{}({})", step.event, args.join(", ")))
}

/// A value in a cell; a value nothing depends on is marked as such.
fn value(value: &Value) -> String {
    match value {
        Value::Unconstrained => "<span class=\"free\">(unconstrained)</span>".to_string(),
        _ => format!("<span class=\"value\">{}</span>", escape(&shown(value))),
    }
}

/// The clauses responsible for a cell, each linked to the clause list.
fn by(what: &str, refs: &[ClauseRef], clauses: &Clauses) -> String {
    if refs.is_empty() {
        return String::new();
    }
    let links: Vec<String> = refs.iter().map(|c| clauses.link(c)).collect();
    format!("<span class=\"by\">{what} {}</span>", links.join(", "))
}

/// Whether `location` is a location of the variable `variable`: the
/// variable itself, or one of its points (`head_of_state(Armenia)`), as
/// `eval::Model::location_names` names them (a name holds no bracket).
fn location_of(location: &str, variable: &str) -> bool {
    location == variable
        || location
            .strip_prefix(variable)
            .is_some_and(|rest| rest.starts_with('('))
}

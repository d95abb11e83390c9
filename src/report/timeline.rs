//! Histories as timelines: constants, the initial state, and each step's
//! event, changes (by which clauses) and what stayed; big sets summarised.

use super::clauses;
use crate::trace::{Trace, Value};

/// Sets with more elements than this are summarised in timelines: a count
/// and, for a change, the members that came and went (JSON keeps them all).
pub const BIG_SET: usize = 12;

/// The most entries of numbered elements (single ones, or runs `first …
/// last` of consecutive ones) a summary lists before `and n more`.
const LISTED: usize = 6;

/// A value in a timeline: as written, or for a big set its size and
/// (abbreviated) members: `150 elements {Representative#0 … Representative#149}`.
pub(super) fn shown(value: &Value) -> String {
    match value {
        Value::Set(members) if members.len() > BIG_SET => {
            format!("{} elements {{{}}}", members.len(), abbreviate(members))
        }
        _ => value.to_string(),
    }
}

/// A change in a timeline. Between sets one of which is big: the sizes, then
/// who came and went: `150 → 99 (−51: Representative#0 … Representative#50)`.
pub(super) fn shown_change(before: &Value, after: &Value) -> String {
    match (before, after) {
        (Value::Set(old), Value::Set(new)) if old.len() > BIG_SET || new.len() > BIG_SET => {
            let old_set: std::collections::HashSet<&str> = old.iter().map(String::as_str).collect();
            let new_set: std::collections::HashSet<&str> = new.iter().map(String::as_str).collect();
            let added: Vec<String> = new
                .iter()
                .filter(|m| !old_set.contains(m.as_str()))
                .cloned()
                .collect();
            let removed: Vec<String> = old
                .iter()
                .filter(|m| !new_set.contains(m.as_str()))
                .cloned()
                .collect();
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("+{}: {}", added.len(), abbreviate(&added)));
            }
            if !removed.is_empty() {
                parts.push(format!("−{}: {}", removed.len(), abbreviate(&removed)));
            }
            format!("{} → {} ({})", old.len(), new.len(), parts.join("; "))
        }
        _ => format!("{before} → {after}"),
    }
}

/// Members in order: every named one (an enum value, a named element), and
/// the numbered ones (`Person#4`) with runs of three or more consecutive
/// ones as `Person#4 … Person#6`, at most [`LISTED`] entries of them and
/// then how many are left. Names tell a reader who; numbers only how many.
fn abbreviate(members: &[String]) -> String {
    // A numbered element: its sort and number. Names never contain `#`.
    let numbered = |member: &str| {
        let (sort, number) = member.rsplit_once('#')?;
        Some((sort.to_string(), number.parse::<usize>().ok()?))
    };
    let mut listed: Vec<String> = Vec::new();
    let mut numbered_listed = 0;
    let mut left = 0;
    let mut index = 0;
    while index < members.len() {
        let Some((sort, first)) = numbered(&members[index]) else {
            listed.push(members[index].clone());
            index += 1;
            continue;
        };
        let mut end = index + 1;
        while end < members.len()
            && numbered(&members[end]) == Some((sort.clone(), first + (end - index)))
        {
            end += 1;
        }
        if end - index < 3 {
            end = index + 1;
        }
        if numbered_listed == LISTED {
            left += end - index;
        } else if end - index == 1 {
            listed.push(members[index].clone());
            numbered_listed += 1;
        } else {
            listed.push(format!("{} … {}", members[index], members[end - 1]));
            numbered_listed += 1;
        }
        index = end;
    }
    if left > 0 {
        listed.push(format!("and {left} more"));
    }
    listed.join(", ")
}

/// A history as a timeline.
pub fn render_trace(trace: &Trace) -> String {
    let mut out = String::new();
    if !trace.constants.is_empty() {
        out.push_str("  constants\n");
        for binding in &trace.constants {
            out.push_str(&format!(
                "    {} = {}\n",
                binding.location,
                shown(&binding.value)
            ));
        }
    }
    out.push_str("  initial state\n");
    for binding in &trace.initial {
        out.push_str(&format!(
            "    {} = {}\n",
            binding.location,
            shown(&binding.value)
        ));
    }
    for (index, step) in trace.steps.iter().enumerate() {
        if trace.loop_start == Some(index) {
            out.push_str(
                "  ── loop starts here: from the state above, the steps below repeat forever\n",
            );
        }
        let args: Vec<String> = step
            .args
            .iter()
            .map(|a| format!("{} = {}", a.location, shown(&a.value)))
            .collect();
        out.push_str(&format!(
            "  step {}: {}({})\n",
            index + 1,
            step.event,
            args.join(", ")
        ));
        for change in &step.changes {
            let by = if change.by.is_empty() {
                String::new()
            } else {
                format!("   by {}", clauses(&change.by))
            };
            out.push_str(&format!(
                "    {}: {}{by}\n",
                change.location,
                shown_change(&change.before, &change.after)
            ));
        }
        let inert: Vec<&str> = step
            .unchanged
            .iter()
            .filter(|u| u.by.is_empty())
            .map(|u| u.variable.as_str())
            .collect();
        for kept in step.unchanged.iter().filter(|u| !u.by.is_empty()) {
            out.push_str(&format!(
                "    {} kept by {}\n",
                kept.variable,
                clauses(&kept.by)
            ));
        }
        if !inert.is_empty() {
            out.push_str(&format!("    unchanged: {}\n", inert.join(", ")));
        }
    }
    if let Some(start) = trace.loop_start {
        let to = match start {
            0 => "the initial state".to_string(),
            step => format!("the state after step {step}"),
        };
        out.push_str(&format!(
            "  ── loop back to {to}: the state now is the same, and the loop repeats forever\n"
        ));
    }
    out
}

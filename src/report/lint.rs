//! A lint finding as a person reads it.

use super::{render, render_trace, Color, SourceFile};
use crate::lint::Finding;

/// A lint finding as a person reads it: the diagnostic (a label on every
/// blamed item), then for a clash the witness history and its impossible
/// step, for an obligation conflict the history and what is owed after it.
pub fn lint_finding(finding: &Finding, source: &SourceFile, color: Color) -> String {
    let mut out = render(finding, source, color);
    if let Some(witness) = &finding.witness {
        out.push_str("  witness:\n");
        out.push_str(&render_trace(&witness.history));
        if let Some(impossible) = &witness.impossible {
            let args: Vec<String> = impossible
                .args
                .iter()
                .map(|a| format!("{} = {}", a.location, a.value))
                .collect();
            out.push_str(&format!(
                "  step {}: {}({}) has no lawful next state\n",
                witness.history.steps.len() + 1,
                impossible.event,
                args.join(", ")
            ));
        }
        for owed in &witness.owed {
            out.push_str(&format!(
                "  owed: {} by {} (clause {})\n",
                owed.duty,
                owed.when(),
                owed.clause
            ));
        }
    }
    out
}

//! `charter diff` as a person reads it: renames, declarations removed and
//! added, changed verdicts, a history lawful under one version only (each
//! way, with what forbids it in the other), and the versions' agreement
//! on the matched locations.

use super::render_trace;
use crate::diff::{Agreement, Diff, OneSided};
use crate::lint::Blamed;

/// The whole comparison of `old` (named so) with `new`.
pub fn diff(diff: &Diff, old: &str, new: &str) -> String {
    let mut out = format!("charter diff {old} {new}\n\n");
    out.push_str("declarations\n");
    if diff.renamed.is_empty()
        && diff.changed.is_empty()
        && diff.removed.is_empty()
        && diff.added.is_empty()
    {
        out.push_str("  the same names\n");
    }
    for r in &diff.renamed {
        out.push_str(&format!(
            "  renamed {}: {} → {}\n",
            r.category.as_str(),
            r.old,
            r.new
        ));
    }
    for c in &diff.changed {
        out.push_str(&format!(
            "  changed {} {}:\n    old: {}\n    new: {}\n",
            c.category.as_str(),
            c.name,
            c.old,
            c.new
        ));
    }
    for (side, list) in [("old", &diff.removed), ("new", &diff.added)] {
        for d in list {
            out.push_str(&format!(
                "  only in {side}: {} {}: {}\n",
                d.category.as_str(),
                d.name,
                d.shape
            ));
        }
    }
    out.push_str("\nverdicts\n");
    if diff.verdicts.is_empty() {
        out.push_str("  every command has the same verdict\n");
    }
    for change in &diff.verdicts {
        let name = match (&change.old_command, &change.new_command) {
            (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
            (Some(a), _) => a.clone(),
            (None, Some(b)) => b.clone(),
            (None, None) => String::new(),
        };
        let property = change
            .property
            .as_ref()
            .filter(|p| Some(*p) != change.old_command.as_ref())
            .map(|p| format!(" ({p})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {name}{property}: {} → {}\n",
            change.old.as_deref().unwrap_or("absent"),
            change.new.as_deref().unwrap_or("absent")
        ));
    }
    out.push_str(&one_sided("old", "new", &diff.old_only));
    out.push_str(&one_sided("new", "old", &diff.new_only));
    if !diff.unpaired_events.is_empty() {
        out.push_str(&format!(
            "\nevents whose arguments do not line up (never taken by both): {}\n",
            diff.unpaired_events.join(", ")
        ));
    }
    out.push_str(&format!(
        "\nagreement on {}\n",
        if diff.locations.is_empty() {
            "no location".to_string()
        } else {
            diff.locations.join(", ")
        }
    ));
    out.push_str(&agreement(&diff.agreement));
    out.push_str(if diff.internal_error() {
        "\nresult: internal error\n"
    } else if diff.differs() {
        "\nresult: the versions differ\n"
    } else {
        "\nresult: no difference beyond names\n"
    });
    out
}

fn one_sided(lawful: &str, refusing: &str, answer: &OneSided) -> String {
    let mut out = format!("\nlawful under {lawful}, refused by {refusing}\n");
    match answer {
        OneSided::NoneUpTo { depth } => {
            out.push_str(&format!("  no such history of up to {depth} steps\n"))
        }
        OneSided::Unknown { reason } => out.push_str(&format!("  unknown: {reason}\n")),
        OneSided::NoCommonStart => out.push_str("  unknown: no initial states of the two versions agree on the matched locations: no history is lawful under both\n"),
        OneSided::ReplayFailed { message } => {
            out.push_str(&format!("  internal error: {message}\n"))
        }
        OneSided::Found {
            depth,
            event,
            lawful: lawful_trace,
            refused,
            rejection,
            blamed,
            ..
        } => {
            out.push_str(&format!(
                "  under {lawful} ({depth} step{}, replayed):\n",
                if *depth == 1 { "" } else { "s" }
            ));
            out.push_str(&indent(&render_trace(lawful_trace)));
            out.push_str(&format!("  under {refusing}:\n"));
            out.push_str(&indent(&render_trace(refused)));
            out.push_str(&format!(
                "  step {depth} ({event}) is refused by {refusing}: {rejection}\n"
            ));
            if !blamed.is_empty() {
                out.push_str(&format!("  forbidden in {refusing} by:\n"));
                for b in blamed {
                    out.push_str(&format!("    {}\n", blamed_line(b)));
                }
            }
        }
    }
    out
}

fn agreement(answer: &Agreement) -> String {
    match answer {
        Agreement::Proved { k } => format!(
            "  proved: after every history lawful under both, they agree (k-induction on the product, k = {k})\n"
        ),
        Agreement::NoneUpTo { depth } => format!(
            "  no disagreement after any history of up to {depth} steps (induction did not close)\n"
        ),
        Agreement::NoCommonStart => "  no initial states of the two versions agree on the matched locations: no history is lawful under both\n".to_string(),
        Agreement::Unknown { reason } => format!("  unknown: {reason}\n"),
        Agreement::ReplayFailed { message } => format!("  internal error: {message}\n"),
        Agreement::Disagree {
            depth,
            old,
            new,
            differences,
        } => {
            let mut out = format!(
                "  they disagree after {depth} step{} lawful under both (replayed on each):\n",
                if *depth == 1 { "" } else { "s" }
            );
            for d in differences {
                out.push_str(&format!("    {d}\n"));
            }
            out.push_str("  under old:\n");
            out.push_str(&indent(&render_trace(old)));
            out.push_str("  under new:\n");
            out.push_str(&indent(&render_trace(new)));
            out
        }
    }
}

/// `clause quorum (article 3): "…"`.
pub(super) fn blamed_line(b: &Blamed) -> String {
    let article = b
        .article
        .as_ref()
        .map(|a| format!(" (article {a})"))
        .unwrap_or_default();
    let text = b
        .text
        .as_ref()
        .map(|t| format!(": \"{t}\""))
        .unwrap_or_default();
    format!("{} {}{article}{text}", b.kind, b.name)
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect::<String>()
}

/// `charter diff --format json`'s one entry (in the envelope's `files`):
/// the two files compared, whether they differ, and the comparison.
#[derive(serde::Serialize)]
pub struct JsonDiff<'a> {
    pub old: String,
    pub new: String,
    /// The readings each version is compared under (absent without).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub old_reading: Vec<crate::verify::ReadingChoice>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub new_reading: Vec<crate::verify::ReadingChoice>,
    pub differs: bool,
    #[serde(flatten)]
    pub diff: &'a Diff,
}

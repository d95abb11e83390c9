//! A comparison of two readings on the page (`compare literal practice:
//! chair`, `diverge literal practice`), with the command line's content
//! ([`crate::report::compare`]): the verdict, one timeline with a column
//! per reading (a row per state, the differing cells marked, the row where
//! the readings part marked), the clauses that made each side's value,
//! and for `diverge` the refused step with what forbids it.

use super::{blamed_html, escape, verdict_kind, Clauses};
use crate::report::compare::{after, heading, made, refusal_line, rows, verdict, REFUSED};
use crate::report::{plural, SourceFile};
use crate::verify::{Comparison, Outcome};

/// The command's section: `id` is its anchor (`command-3`).
pub fn section(
    id: &str,
    outcome: &Outcome,
    comparison: &Comparison,
    source: &SourceFile,
    clauses: &Clauses,
) -> String {
    let (kind, word) = verdict_kind(&outcome.verdict);
    let mut out = format!(
        "<section class=\"command comparison\" id=\"{id}\" data-command=\"{}\" data-verdict=\"{kind}\">\n<h2>{}</h2>\n",
        escape(&outcome.command),
        escape(&heading(outcome)),
    );
    let setting = format!(
        "two readings of {}, driven by the same events with the same arguments · histories of up to {} step{} · written at {}",
        comparison.group,
        outcome.depth,
        plural(outcome.depth),
        crate::report::position(source, outcome.span)
    );
    out.push_str(&format!(
        "<p class=\"setting\">{}</p>\n<p class=\"verdict\"><span class=\"badge {kind}\">{word}</span> <span class=\"verdict-line\">{}</span></p>\n",
        escape(&setting),
        escape(&verdict(outcome, comparison)),
    ));
    if let Some(proof) = &comparison.proof {
        out.push_str(&format!(
            "<p class=\"rests-on\">{}</p>\n",
            escape(&format!("rests on {proof}"))
        ));
    }
    if let Some(histories) = &comparison.histories {
        out.push_str(&table(
            &format!("{id}-timeline"),
            comparison,
            [&histories[0], &histories[1]],
        ));
    }
    if !comparison.differences.is_empty() {
        out.push_str("<ul class=\"differences\">\n");
        for d in &comparison.differences {
            out.push_str(&format!(
                "<li data-location=\"{}\">{}:\n<ul>\n",
                escape(&d.location),
                escape(&after(outcome, d))
            ));
            for side in 0..2 {
                let (lead, by, tail) = made(comparison, d, side);
                let links: Vec<String> = by.iter().map(|c| clauses.link(c)).collect();
                out.push_str(&format!(
                    "<li>under {}: <span class=\"value\">{}</span> — {}{}{}</li>\n",
                    escape(&comparison.readings[side]),
                    escape(&d.values[side]),
                    escape(&lead),
                    links.join(", "),
                    escape(tail),
                ));
            }
            out.push_str("</ul>\n</li>\n");
        }
        out.push_str("</ul>\n");
    }
    if let Some(refused) = &comparison.refused {
        out.push_str(&format!(
            "<p class=\"refused\">{}</p>\n",
            escape(&refusal_line(comparison))
        ));
        if !refused.blamed.is_empty() {
            out.push_str(&format!(
                "<p>forbidden under {} by:</p>\n<ul class=\"blame\">\n",
                escape(&refused.forbidden_by)
            ));
            for blamed in &refused.blamed {
                out.push_str(&format!(
                    "<li>{}</li>\n",
                    blamed_html(blamed, source, clauses)
                ));
            }
            out.push_str("</ul>\n");
        }
    }
    out.push_str(&super::expectation_html(outcome));
    out.push_str("</section>\n");
    out
}

/// The timeline: a row per state (`{id}-state-2`), the event that led to
/// it, then a column per reading with its values; the cells that differ
/// in the last state marked (`data-differs`), the refusing reading's cell
/// of a refused step marked across the row.
fn table(id: &str, comparison: &Comparison, traces: [&crate::trace::Trace; 2]) -> String {
    let [a, b] = &comparison.readings;
    let mut out = format!(
        "<div class=\"scroll\"><table class=\"compare-timeline\" id=\"{id}\">\n<thead><tr><th scope=\"col\">State</th><th scope=\"col\" data-reading=\"{a}\">under {a}</th><th scope=\"col\" data-reading=\"{b}\">under {b}</th></tr></thead>\n<tbody>\n",
        a = escape(a),
        b = escape(b),
    );
    for (state, row) in rows(comparison, traces).iter().enumerate() {
        let class = if row.parts { " class=\"parts\"" } else { "" };
        let mark = match (row.parts, row.refused) {
            (true, Some(side)) => format!(
                "<span class=\"mark\">◀ the readings part here: refused under {}</span>",
                escape(&comparison.readings[side])
            ),
            (true, None) => "<span class=\"mark\">◀ the readings part here</span>".to_string(),
            (false, _) => String::new(),
        };
        let label = match row.label.split_once(": ") {
            Some((step, event)) => format!(
                "<span class=\"step\">{}:</span> <span class=\"event\">{}</span>",
                escape(step),
                escape(event)
            ),
            None => format!("<span class=\"step\">{}</span>", escape(&row.label)),
        };
        out.push_str(&format!(
            "<tr id=\"{id}-state-{state}\" data-state=\"{state}\"{class}><th scope=\"row\">{label}{mark}</th>",
        ));
        for side in 0..2 {
            if row.refused == Some(side) {
                out.push_str(&format!(
                    "<td class=\"refused\" data-refused=\"true\">{}</td>",
                    escape(REFUSED)
                ));
                continue;
            }
            out.push_str("<td><ul class=\"cells\">");
            for cell in &row.columns[side] {
                let other = &row.columns[1 - side];
                let differs = row.parts && row.refused.is_none() && !other.contains(cell);
                let attributes = if differs {
                    " class=\"differs\" data-differs=\"true\""
                } else {
                    ""
                };
                let sign = if differs { "≠ " } else { "" };
                out.push_str(&format!("<li{attributes}>{sign}{}</li>", escape(cell)));
            }
            out.push_str("</ul></td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

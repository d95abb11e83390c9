//! `charter report`'s page without a browser: user text escaped (a spec
//! whose title and quoted texts hold `<script>`, tags and quotes), every
//! command's verdict in the command line's words, every step of every
//! timeline, every changed cell, links that lead somewhere; and the
//! binary's refusals of where the page cannot go.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::html;

use std::path::{Path, PathBuf};
use std::process::Command;

use charter::plan::Overrides;
use charter::report::{self, Linted, Page, SourceFile};
use charter::verify::{Outcome, Verdict};

const HOSTILE: &str = "tests/fixtures/report/hostile.charter";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The page of a spec, built by the library as the binary builds it, and
/// the outcomes it shows.
fn page_of(path: &Path) -> (String, Vec<Outcome>) {
    let charter = common::load_charter(path);
    let bytes = std::fs::read(path).unwrap();
    let source = SourceFile::from_bytes(&path.display().to_string(), &bytes);
    let overrides = Overrides::default();
    let outcomes = charter::verify::verify(&charter, None, &overrides);
    let lint = charter::lint::lint(&charter, &overrides).unwrap();
    let page = report::html(&Page {
        source: &source,
        charter: &charter,
        outcomes: &outcomes,
        lint: vec![(
            None,
            Linted::Done {
                report: &lint,
                expected: &[],
            },
        )],
    });
    (page, outcomes)
}

fn kind(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Proved { .. } => "proved",
        Verdict::Counterexample { .. } => "counterexample",
        Verdict::Witness { .. } => "witness",
        Verdict::NoneUpTo { .. } => "none-up-to",
        Verdict::Unknown { .. } => "unknown",
        Verdict::ReplayFailed { .. } => "internal-error",
    }
}

/// What every page must show of its outcomes: each command's section
/// with its verdict kind and verdict line, a column per state of its
/// timeline with the step's event, a marked cell per change.
fn check_outcomes(page: &str, outcomes: &[Outcome]) {
    html::tags(page).unwrap_or_else(|e| panic!("{e}"));
    for (index, outcome) in outcomes.iter().enumerate() {
        let id = format!("command-{index}");
        let next = format!("command-{}", index + 1);
        let section = html::part(page, &id, &[&next, "lint"]);
        assert!(!section.is_empty(), "no section {id}");
        let verdict = format!("data-verdict=\"{}\"", kind(&outcome.verdict));
        assert!(section.contains(&verdict), "{id}: no {verdict}");
        let text = html::text(section);
        let line = report::verdict_line(outcome);
        assert!(text.contains(&line), "{id}: no verdict line {line:?}");
        let (Verdict::Counterexample { trace, .. } | Verdict::Witness { trace, .. }) =
            &outcome.verdict
        else {
            assert!(!section.contains("class=\"timeline\""), "{id}: a timeline");
            continue;
        };
        for (step, taken) in trace.steps.iter().enumerate() {
            let column = format!("id=\"{id}-timeline-step-{}\"", step + 1);
            let at = section
                .find(&column)
                .unwrap_or_else(|| panic!("{id}: no column for step {}", step + 1));
            let header = html::text(&section[at..section[at..].find("</th>").unwrap() + at]);
            assert!(header.contains(&taken.event), "{id}: {header:?}");
        }
        assert!(section.contains(&format!("id=\"{id}-timeline-step-0\"")));
        let changes: usize = trace.steps.iter().map(|s| s.changes.len()).sum();
        assert_eq!(
            section.matches("data-changed=\"true\"").count(),
            changes,
            "{id}: changed cells"
        );
    }
    // Every link to a clause leads to one in the list.
    for tag in html::tags(page).unwrap() {
        if let Some(target) = tag.get("href").and_then(|h| h.strip_prefix('#')) {
            assert!(
                page.contains(&format!("id=\"{target}\"")),
                "a link to #{target}, which is not there"
            );
        }
    }
}

#[test]
fn user_text_is_escaped_everywhere() {
    let (page, outcomes) = page_of(&root().join(HOSTILE));
    // Only the report's own elements: no <script>, <b> or </table> from
    // the spec's texts, and every attribute value quoted.
    html::tags(&page).unwrap_or_else(|e| panic!("{e}"));
    assert!(!page.to_ascii_lowercase().contains("<script"));
    assert!(!page.contains("<b>"));
    // The texts are shown as written.
    let text = html::text(&page);
    for shown in [
        "A <script>alert('title')</script> & \"quoted\" report",
        "The host <script>alert(\"chair\")</script> chairs & 'sits'.",
        "The chair keeps office until the next </table> session.",
        "The council may name <b>another</b> chair.",
        "the chair is <never> 2 & \"never\" 3",
        "a <session> seats someone",
    ] {
        assert!(text.contains(shown), "not shown as text: {shown:?}");
    }
    // The title (in <title> and <h1>), and a clause's quoted text in a
    // link's title attribute, escaped.
    assert!(page.contains(
        "<title>A &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; &quot;quoted&quot; report</title>"
    ));
    let titles: Vec<String> = html::tags(&page)
        .unwrap()
        .iter()
        .filter_map(|t| t.get("title").map(str::to_string))
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.contains("“The host <script>alert(\"chair\")</script> chairs & 'sits'.”")),
        "{titles:?}"
    );
    check_outcomes(&page, &outcomes);
    assert_eq!(outcomes.len(), 3);
}

#[test]
fn escape_leaves_no_markup_and_no_reordering() {
    assert_eq!(
        report::html_escape("<a href=\"x\">'&'</a>"),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    // A bidirectional control cannot reorder what is shown around it.
    assert_eq!(report::html_escape("a\u{202e}b"), "a\\u{202e}b");
}

#[test]
fn every_verdict_and_step_of_a_spec_and_its_lint() {
    // The CSTO spec before its rewrite: a proof resting on the axiom, a clash.
    let path = root().join("tests/fixtures/report/csto-sets.charter");
    let (page, outcomes) = page_of(&path);
    check_outcomes(&page, &outcomes);
    let kinds: Vec<&str> = outcomes.iter().map(|o| kind(&o.verdict)).collect();
    assert!(kinds.contains(&"proved") && kinds.contains(&"witness"));
    // The summary names every command, in order.
    let summary = html::part(&page, "summary", &["command-0"]);
    let named: Vec<&str> = summary
        .split("<tr data-command=\"")
        .skip(1)
        .filter_map(|row| row.split('"').next())
        .collect();
    let commands: Vec<&str> = outcomes.iter().map(|o| o.command.as_str()).collect();
    assert_eq!(named, commands);
    // What the proof rests on, in the command line's words.
    let text = html::text(&page);
    assert!(text.contains("assuming scope Person = 7; axiom distinct_heads"));
    // The lint's clash, its two blamed items, and its impossible step.
    let lint = html::part(&page, "lint", &["clauses"]);
    assert!(lint.contains("data-kind=\"clash\" data-subject=\"election\""));
    let lint_text = html::text(lint);
    assert!(lint_text.contains("axiom distinct_heads"), "{lint_text}");
    assert!(lint_text.contains("clause composition (art. 13)"));
    assert!(lint.contains("class=\"impossible\""));
}

fn charter(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

/// A refusal: exit code 2, the diagnostic's code and words, no page.
fn refused(output: &std::process::Output, words: &str) {
    // miette wraps lines at 80 columns: compare the words alone.
    let stderr = String::from_utf8_lossy(&output.stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("charter::io::write"), "{stderr}");
    assert!(stderr.contains(words), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

#[test]
fn where_the_page_cannot_go() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path().to_str().unwrap().to_string();
    refused(&charter(&["report", HOSTILE, "-o", &dir]), "it is a folder");
    let missing = format!("{dir}/no/such/report.html");
    refused(
        &charter(&["report", HOSTILE, "-o", &missing]),
        "does not exist",
    );
    let spec_before = std::fs::read(root().join(HOSTILE)).unwrap();
    refused(
        &charter(&["report", HOSTILE, "-o", HOSTILE]),
        "the spec itself",
    );
    assert_eq!(std::fs::read(root().join(HOSTILE)).unwrap(), spec_before);
    refused(
        &charter(&["report", HOSTILE, "-o", "/dev/null"]),
        "not a regular file",
    );
    #[cfg(unix)]
    {
        let target = folder.path().join("target.html");
        std::fs::write(&target, "kept").unwrap();
        let link = folder.path().join("link.html");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        refused(
            &charter(&["report", HOSTILE, "-o", link.to_str().unwrap()]),
            "symbolic link",
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
    }
    // An invalid spec: its diagnostics, exit 2, no page.
    let broken = folder.path().join("broken.charter");
    std::fs::write(&broken, "charter \"x\"\nvar v: Nope = 1\n").unwrap();
    let out = folder.path().join("broken.html");
    let run = charter(&[
        "report",
        broken.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(!out.exists());
}

#[test]
fn the_page_is_written_whole_and_replaces_the_old_one() {
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("report.html");
    std::fs::write(&out, "old").unwrap();
    let run = charter(&["report", HOSTILE, "-o", out.to_str().unwrap()]);
    // One command is not as expected (it rests on an unacknowledged
    // clash): exit code 1, as `charter verify` says; the page is written.
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
    assert!(page.contains("NOT as expected"));
    html::tags(&page).unwrap_or_else(|e| panic!("{e}"));
    // Nothing but the page in the folder: no temporary file left.
    let names: Vec<String> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.html"]);
    // Self-contained: nothing fetched, nothing run.
    for absent in ["<script", "src=", "http://", "https://", "@import", "url("] {
        assert!(!page.contains(absent), "{absent}");
    }
}

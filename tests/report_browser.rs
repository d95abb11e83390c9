//! `charter report` in a real browser: the page of every spec under
//! `specs/`, rendered by headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs), whose DOM must show every command's verdict line,
//! every step of every timeline with its event, every changed cell and
//! what a verdict rests on, in the words of the spec's golden file (the
//! command line's output), and every lint finding the spec's `.lint` file
//! lists; and a screenshot of each, which must be a PNG.
//!
//! `CHARTER_UPDATE_SCREENSHOTS=1` copies the screenshots to `docs/report/`
//! (one per spec, checked to exist), where readers see what a report
//! looks like.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::html;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The browser's window: a screenshot shows this much of the page's top.
const WINDOW: &str = "1200,1500";

/// How long one page may take to render.
const RENDER_LIMIT: Duration = Duration::from_secs(60);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Debian's Chromium on the path; the test fails, saying how to install
/// it, when it is not there.
fn chromium() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|folder| folder.join("chromium"))
            .find(|candidate| candidate.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "chromium is not installed: this test renders `charter report` pages in headless \
             Chromium. Install it with `apt-get install -y chromium` (as root; .ci/run does it)"
        )
    })
}

#[test]
fn every_spec_renders_in_chromium() {
    let browser = chromium();
    let specs = common::charter_files(root().join("specs").to_str().unwrap());
    assert!(!specs.is_empty());
    let scratch = tempfile::tempdir().unwrap();
    let queue = Mutex::new(specs.clone());
    let failures = Mutex::new(Vec::new());
    // Two at a time: a page is mostly the solver's work, then the browser's.
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let Some(spec) = queue.lock().unwrap().pop() else {
                    break;
                };
                if let Err(why) = render(&browser, &spec, scratch.path()) {
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("{}: {why}", spec.display()));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let update = std::env::var_os("CHARTER_UPDATE_SCREENSHOTS").is_some();
    let docs = root().join("docs/report");
    for spec in &specs {
        let name = format!("{}.png", stem(spec));
        if update {
            std::fs::create_dir_all(&docs).unwrap();
            std::fs::copy(scratch.path().join(&name), docs.join(&name)).unwrap();
        }
        assert!(
            docs.join(&name).is_file(),
            "docs/report/{name} is missing: run this test with CHARTER_UPDATE_SCREENSHOTS=1"
        );
    }
}

fn stem(spec: &Path) -> String {
    spec.file_stem().unwrap().to_string_lossy().into_owned()
}

/// The report of `spec` through the binary and the browser, checked
/// against the spec's golden file and `.lint` file.
fn render(browser: &Path, spec: &Path, scratch: &Path) -> Result<(), String> {
    let stem = stem(spec);
    let page = scratch.join(format!("{stem}.html"));
    let png = scratch.join(format!("{stem}.png"));
    let relative = spec.strip_prefix(root()).unwrap_or(spec);
    let report = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["report".as_ref(), relative.as_os_str(), "-o".as_ref()])
        .arg(&page)
        .current_dir(root())
        .output()
        .map_err(|e| e.to_string())?;
    if report.status.code() != Some(0) {
        return Err(format!(
            "charter report: {:?}\n{}",
            report.status.code(),
            String::from_utf8_lossy(&report.stderr)
        ));
    }
    let profile = scratch.join(format!("{stem}-profile"));
    let child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={WINDOW}"))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start chromium: {e}"))?;
    let dom = finished(child)?;
    check_dom(&dom, spec)?;
    let image = std::fs::read(&png).map_err(|e| format!("no screenshot: {e}"))?;
    if !image.starts_with(b"\x89PNG\r\n\x1a\n") || image.len() < 10_000 {
        return Err(format!(
            "the screenshot is not a page ({} bytes)",
            image.len()
        ));
    }
    Ok(())
}

/// The browser's standard output once it exits, within [`RENDER_LIMIT`].
fn finished(mut child: std::process::Child) -> Result<String, String> {
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    let mut stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let start = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) if status.success() => break,
            Some(status) => return Err(format!("chromium failed: {status}")),
            None if start.elapsed() > RENDER_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("chromium took too long".into());
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    reader
        .join()
        .map_err(|_| "reading chromium's output".to_string())?
        .map_err(|e| e.to_string())
}

/// What the rendered page must show: each command of the golden file, in
/// order, with its verdict line and the lines after it (what a verdict
/// rests on, the end of a history, the clauses used, the expectation);
/// each step's event with its arguments in its column; each change as a
/// changed cell of its location's row; each finding of the `.lint` file.
fn check_dom(dom: &str, spec: &Path) -> Result<(), String> {
    html::tags(dom).map_err(|e| format!("the DOM: {e}"))?;
    let golden = std::fs::read_to_string(spec.with_extension("charter.golden"))
        .map_err(|e| format!("the golden file: {e}"))?;
    let blocks = outcomes(&golden);
    let sections = dom.matches("<section class=\"command").count();
    if sections != blocks.len() {
        return Err(format!(
            "{sections} commands shown, the golden file has {}",
            blocks.len()
        ));
    }
    for (index, block) in blocks.iter().enumerate() {
        let id = format!("command-{index}");
        let next = format!("command-{}", index + 1);
        let section = html::part(dom, &id, &[&next, "lint"]);
        let text = html::text(section);
        if block[0].starts_with("compare ") || block[0].starts_with("diverge ") {
            comparison(section, &id, block, &text)?;
            continue;
        }
        // Inside a timeline (from `constants` or `initial state` to where
        // it is violated or reached), the values are in the table.
        let mut in_timeline = false;
        let mut step = 0;
        for line in &block[1..] {
            let trimmed = line.trim();
            let depth = line.len() - line.trim_start().len();
            if depth == 2 && (trimmed == "constants" || trimmed == "initial state") {
                in_timeline = true;
            } else if trimmed.starts_with("violated in ") || trimmed.starts_with("reached in ") {
                in_timeline = false;
                // The position names the spec as the path was typed.
                let words = trimmed.split(" at ").next().unwrap();
                if !text.contains(words) {
                    return Err(format!("{id}: not shown: {words:?}"));
                }
            } else if in_timeline && trimmed.starts_with("── loop") {
                // A lasso: the page marks where its loop starts and
                // where it loops back to.
                let shown = match trimmed.strip_prefix("── loop back to ") {
                    Some(rest) => format!("loop back to {}", rest.split(':').next().unwrap()),
                    None => "loop starts here".to_string(),
                };
                if !text.contains(&shown) {
                    return Err(format!("{id}: not shown: {shown:?}"));
                }
            } else if in_timeline && depth == 2 {
                let rest = trimmed.strip_prefix("step ").ok_or(line.clone())?;
                let (number, call) = rest.split_once(": ").ok_or(line.clone())?;
                step = number.parse().map_err(|_| line.clone())?;
                let column = format!("id=\"{id}-timeline-step-{step}\"");
                let at = section
                    .find(&column)
                    .ok_or(format!("{id}: no column for step {step}"))?;
                let header = html::text(&section[at..at + section[at..].find("</th>").unwrap()]);
                if !header.contains(call) {
                    return Err(format!("{id}: step {step} is not {call:?}: {header:?}"));
                }
            } else if in_timeline && step > 0 {
                changed(section, &id, step, trimmed)?;
            } else if !in_timeline && !trimmed.is_empty() && !text.contains(trimmed) {
                return Err(format!("{id}: not shown: {trimmed:?}"));
            }
        }
    }
    for finding in expected_findings(spec) {
        if !dom.contains(&finding) {
            return Err(format!("the lint finding {finding} is not shown"));
        }
    }
    Ok(())
}

/// A comparison of two readings (`compare`, `diverge`): its lines outside
/// the timeline in the section's text; in the timeline (from the readings'
/// names to the blank line after it), each state as a row with its event
/// (marked where the readings part), each reading's cells in its column,
/// those marked `≠` marked as differing, a refused step's cell marked.
fn comparison(section: &str, id: &str, block: &[String], text: &str) -> Result<(), String> {
    let mut in_timeline = false;
    let mut row = "";
    let mut state = 0;
    for (n, line) in block.iter().enumerate().skip(1) {
        let trimmed = line.trim();
        let depth = line.len() - line.trim_start().len();
        if !in_timeline && depth == 4 && block.get(n + 1).is_some_and(|l| l == "  initial state") {
            // The readings' names, as the columns' headers.
            for reading in trimmed.split_whitespace() {
                if !section.contains(&format!("data-reading=\"{reading}\"")) {
                    return Err(format!("{id}: no column for the reading {reading}"));
                }
            }
            in_timeline = true;
        } else if in_timeline && trimmed.is_empty() {
            in_timeline = false;
        } else if in_timeline && depth == 2 {
            let (label, mark) = match trimmed.split_once("   ◀ ") {
                Some((label, mark)) => (label, Some(mark)),
                None => (trimmed, None),
            };
            state = match label.strip_prefix("step ") {
                Some(rest) => rest
                    .split(':')
                    .next()
                    .unwrap()
                    .parse()
                    .map_err(|_| line.clone())?,
                None => 0,
            };
            let at = section
                .find(&format!("id=\"{id}-timeline-state-{state}\""))
                .ok_or(format!("{id}: no row for state {state}"))?;
            row = &section[at..at + section[at..].find("</tr>").unwrap()];
            let header = html::text(&row[..row.find("</th>").unwrap()]);
            if !header.contains(label) {
                return Err(format!("{id}: state {state} is not {label:?}: {header:?}"));
            }
            if let Some(mark) = mark {
                if !header.contains(mark) || !row.contains("class=\"parts\"") {
                    return Err(format!("{id}: state {state} is not marked {mark:?}"));
                }
            }
        } else if in_timeline {
            let differs = trimmed.contains('≠');
            let cells = trimmed
                .split(['≠'])
                .flat_map(|part| part.split("  "))
                .map(str::trim)
                .filter(|c| !c.is_empty());
            for cell in cells {
                if cell == "(refused)" {
                    if !row.contains("data-refused=\"true\"") {
                        return Err(format!("{id}: state {state}: no refused cell"));
                    }
                } else if !html::text(row).contains(cell) {
                    return Err(format!("{id}: state {state}: no cell {cell:?}"));
                }
                if differs && !row.contains(&format!("data-differs=\"true\">≠ {cell}<")) {
                    return Err(format!(
                        "{id}: state {state}: {cell:?} not marked as differing"
                    ));
                }
            }
        } else if !trimmed.is_empty() && !text.contains(trimmed) {
            return Err(format!("{id}: not shown: {trimmed:?}"));
        }
    }
    Ok(())
}

/// A change line of the golden file (`chair: {} → {Rahmon}   by …`) as a
/// changed cell in the location's row and the step's column.
fn changed(section: &str, id: &str, step: usize, line: &str) -> Result<(), String> {
    if line.starts_with("unchanged: ") || line.contains(" kept by ") {
        return Ok(());
    }
    let location = line.split(": ").next().unwrap();
    let row_at = section
        .find(&format!("<tr data-location=\"{location}\">"))
        .ok_or(format!("{id}: no row {location}"))?;
    let row = &section[row_at..row_at + section[row_at..].find("</tr>").unwrap()];
    let cell = format!("data-step=\"{step}\" data-changed=\"true\"");
    if !row.contains(&cell) {
        return Err(format!(
            "{id}: {location} is not marked changed at step {step}"
        ));
    }
    Ok(())
}

/// The golden file's outcomes, each as its lines (the first is the
/// command's header, the second its verdict line).
fn outcomes(golden: &str) -> Vec<Vec<String>> {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    for line in golden.lines() {
        if !line.is_empty() && !line.starts_with(' ') {
            blocks.push(Vec::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.push(line.to_string());
        }
    }
    blocks
}

/// The findings a spec's `.lint` file lists, as the page marks them (a
/// finding expected `under r:` some readings, in that choice's section).
fn expected_findings(spec: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(spec.with_extension("charter.lint")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            l.strip_prefix("under ")
                .and_then(|rest| rest.split_once(':'))
                .map_or(l, |(_, finding)| finding.trim())
        })
        .filter_map(|l| l.split_once(' '))
        .map(|(kind, subject)| format!("data-kind=\"{kind}\" data-subject=\"{subject}\""))
        .collect()
}

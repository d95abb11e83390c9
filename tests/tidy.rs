//! The house rules of the source tree, checked: each fails with the file
//! and line that breaks it.
//!
//! - pest appears only under `src/syntax/`, z3 only under `src/solve/`;
//! - the library (everything but `src/bin/`) does no I/O;
//! - a module uses only modules of earlier layers, as the table under
//!   "## Layers" in ARCHITECTURE.md states (the test reads it there, so the
//!   document and the rule cannot drift apart);
//! - no source file is longer than [`MAX_LINES`] lines.
//!
//! The scan is textual over code lines (comment lines are skipped), which is
//! exact enough for a tree that follows STYLE.md: imports are written
//! `use crate::module…` or `crate::module::item` at the point of use.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 800;

/// Markers of a use of pest: only `src/syntax/` may contain them.
const PEST: &[&str] = &["pest::", "pest_derive", "Rule::", "Pair<", "Pairs<"];

/// Markers of a use of z3: only `src/solve/` may contain them.
const Z3: &[&str] = &["z3::", "use z3", "extern crate z3"];

/// Markers of I/O: none may appear in the library.
const IO: &[&str] = &[
    "std::fs",
    "std::io::stdin",
    "std::io::stdout",
    "std::io::stderr",
    "io::stdin(",
    "io::stdout(",
    "io::stderr(",
    "println!",
    "eprintln!",
    "print!(",
    "eprint!(",
    "dbg!(",
    "std::process",
    "std::env",
    "std::net",
    "File::",
];

struct Source {
    /// Relative to the crate root, with `/` separators.
    path: String,
    text: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sources() -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                out.push(path);
            }
        }
    }
    let root = root();
    let mut paths = Vec::new();
    walk(&root.join("src"), &mut paths);
    paths
        .into_iter()
        .map(|path| Source {
            path: path
                .strip_prefix(&root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/"),
            text: std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        })
        .collect()
}

/// The code lines of a file, numbered from 1: comment lines are left out.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
}

/// The top-level module a library file belongs to (`src/lower/expr.rs` →
/// `lower`), or `None` for the crate root and the binary.
fn module_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("src/")?;
    if rest == "lib.rs" || rest.starts_with("bin/") || rest == "main.rs" {
        return None;
    }
    let first = rest.split('/').next()?;
    Some(first.strip_suffix(".rs").unwrap_or(first))
}

fn in_library(path: &str) -> bool {
    !(path.starts_with("src/bin/") || path == "src/main.rs")
}

/// The modules a line names through `crate::`: `crate::hir::X`,
/// `use crate::{hir, ir::Terms}` → `hir`, `ir`.
fn crate_modules(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let before = &rest[..at];
        rest = &rest[at + "crate::".len()..];
        // `charter_crate::` or `$crate::` are not this crate's paths.
        if before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => items.push(std::mem::take(&mut item)),
                    _ if depth == 1 => item.push(c),
                    _ => {}
                }
            }
            items.push(item);
            found.extend(items.iter().filter_map(|item| leading_name(item.trim())));
        } else {
            found.extend(leading_name(rest));
        }
    }
    found
}

/// The code lines of a file, with a `use` declaration that rustfmt spread
/// over several lines joined into one (numbered by its first line), so
/// that `use crate::{\n    verify,\n};` names `verify`.
fn statements(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (number, line) in code_lines(text) {
        match open.as_mut() {
            Some((_, joined)) => joined.push_str(line.trim()),
            None if line.trim_start().starts_with("use ")
                || line.trim_start().starts_with("pub use ")
                || line.trim_start().starts_with("pub(crate) use ") =>
            {
                open = Some((number, line.trim().to_string()));
            }
            None => {
                out.push((number, line.to_string()));
                continue;
            }
        }
        if open
            .as_ref()
            .is_some_and(|(_, joined)| joined.contains(';'))
        {
            out.extend(open.take());
        }
    }
    out.extend(open);
    out
}

/// The top-level modules a line reaches through `super::` chains that
/// climb out of the file's own top-level module (`super::super::verify`
/// in `src/lint/expected.rs` stays in `lint`; `super::verify` in
/// `src/lower/mod.rs` is `verify`).
fn super_modules(path: &str, line: &str) -> Vec<String> {
    // The file's module path below the crate root: `src/lower/expr.rs` →
    // [lower, expr]; `src/lower/mod.rs` → [lower]; `src/ir.rs` → [ir].
    let Some(rest) = path.strip_prefix("src/") else {
        return Vec::new();
    };
    let rest = rest.strip_suffix(".rs").unwrap_or(rest);
    let mut own: Vec<&str> = rest.split('/').collect();
    if own.last() == Some(&"mod") {
        own.pop();
    }
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("super::") {
        let before = &rest[..at];
        let after = &rest[at..];
        rest = &rest[at + "super::".len()..];
        if before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
            continue; // the middle of a chain already counted
        }
        let mut climbs = 0;
        let mut tail = after;
        while let Some(next) = tail.strip_prefix("super::") {
            climbs += 1;
            tail = next;
        }
        if climbs == own.len() {
            found.extend(leading_name(tail));
        }
    }
    found
}

/// The name a path starts with (`hir::Type` → `hir`), if any.
fn leading_name(path: &str) -> Option<String> {
    let name: String = path
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The layer table of ARCHITECTURE.md: the first fenced block after the
/// heading `## Layers`, one layer per line `N: module module …`.
fn layers() -> BTreeMap<String, usize> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let section = text
        .split("\n## Layers")
        .nth(1)
        .expect("ARCHITECTURE.md has a section `## Layers`");
    let block = section
        .split("```")
        .nth(1)
        .expect("the Layers section has a fenced block");
    let mut table = BTreeMap::new();
    for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (rank, modules) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("a layer line is `N: modules`, not {line:?}"));
        let rank: usize = rank.trim().parse().expect("a layer number");
        for module in modules.split_whitespace() {
            assert!(
                table.insert(module.to_string(), rank).is_none(),
                "{module} is in two layers"
            );
        }
    }
    table
}

fn violations_of_markers(
    sources: &[Source],
    markers: &[&str],
    allowed: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut found = Vec::new();
    for source in sources.iter().filter(|s| !allowed(&s.path)) {
        for (number, statement) in statements(&source.text) {
            let code = without_literals(&statement);
            if let Some(marker) = markers.iter().find(|m| contains_token(&code, m)) {
                found.push(format!(
                    "{}:{number}: `{marker}` in {:?}",
                    source.path,
                    statement.trim()
                ));
            }
        }
    }
    found
}

/// A line with its string literals emptied and its `/* … */` comments
/// removed, so that words in them are not code.
fn without_literals(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(inner) = chars.next() {
                    match inner {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push('"');
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for inner in chars.by_ref() {
                    if last == '*' && inner == '/' {
                        break;
                    }
                    last = inner;
                }
            }
            '/' if chars.peek() == Some(&'/') => break,
            _ => out.push(c),
        }
    }
    out
}

/// Whether `marker` occurs in `code` as a token: not as the tail of a
/// longer name (`TermPair<` is not `Pair<`).
fn contains_token(code: &str, marker: &str) -> bool {
    let starts_with_name = marker.starts_with(|c: char| c.is_alphanumeric() || c == '_');
    code.match_indices(marker).any(|(at, _)| {
        !starts_with_name
            || !code[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The I/O a `use std::…` declaration brings in by a short name
/// (`use std::{fs, io::stdout};` → `fs`, `stdout`): later uses of the short
/// name would not show the `std::` path the markers look for.
fn io_imports(sources: &[Source]) -> Vec<String> {
    const NAMES: &[&str] = &[
        "fs", "process", "env", "net", "stdin", "stdout", "stderr", "File",
    ];
    let mut found = Vec::new();
    for source in sources.iter().filter(|s| in_library(&s.path)) {
        for (number, statement) in statements(&source.text) {
            let trimmed = statement.trim_start();
            let Some(path) = ["use std::", "pub use std::", "pub(crate) use std::"]
                .iter()
                .find_map(|prefix| trimmed.strip_prefix(prefix))
            else {
                continue;
            };
            let words = path.split(|c: char| !(c.is_alphanumeric() || c == '_'));
            if let Some(name) = words.into_iter().find(|w| NAMES.contains(w)) {
                found.push(format!(
                    "{}:{number}: `{name}` imported in {:?}",
                    source.path,
                    statement.trim()
                ));
            }
        }
    }
    found
}

fn report(rule: &str, violations: Vec<String>) {
    assert!(
        violations.is_empty(),
        "{rule}:\n  {}",
        violations.join("\n  ")
    );
}

#[test]
fn pest_only_in_the_parser() {
    report(
        "pest is used outside src/syntax/parser/",
        violations_of_markers(&sources(), PEST, |path| {
            path.starts_with("src/syntax/parser/")
        }),
    );
}

#[test]
fn z3_only_in_solve() {
    report(
        "z3 is used outside src/solve/",
        violations_of_markers(&sources(), Z3, |path| path.starts_with("src/solve/")),
    );
}

#[test]
fn library_does_no_io() {
    report("the library does I/O (only src/bin/ may)", {
        let sources = sources();
        let mut found = violations_of_markers(&sources, IO, |path| !in_library(path));
        found.extend(io_imports(&sources));
        found
    });
}

#[test]
fn imports_follow_the_layers() {
    let layers = layers();
    let sources = sources();
    let mut violations = Vec::new();
    for source in &sources {
        let Some(module) = module_of(&source.path) else {
            continue;
        };
        let Some(&own) = layers.get(module) else {
            violations.push(format!(
                "{}: module `{module}` is in no layer of ARCHITECTURE.md",
                source.path
            ));
            continue;
        };
        for (number, line) in statements(&source.text) {
            let mut uses = crate_modules(&line);
            uses.extend(super_modules(&source.path, &line));
            for used in uses {
                if used == module {
                    continue;
                }
                // Items of the crate root (`crate::printable`) sit below every layer.
                let Some(&theirs) = layers.get(&used) else {
                    continue;
                };
                if theirs >= own {
                    violations.push(format!(
                        "{}:{number}: `{module}` (layer {own}) uses `{used}` (layer {theirs})",
                        source.path
                    ));
                }
            }
        }
    }
    report(
        "an import crosses the layers of ARCHITECTURE.md",
        violations,
    );
}

#[test]
fn every_layered_module_exists() {
    let sources = sources();
    let modules: std::collections::BTreeSet<&str> =
        sources.iter().filter_map(|s| module_of(&s.path)).collect();
    let stale: Vec<String> = layers()
        .into_keys()
        .filter(|m| !modules.contains(m.as_str()))
        .collect();
    report(
        "ARCHITECTURE.md layers name modules that do not exist",
        stale,
    );
}

#[test]
fn no_file_is_too_long() {
    let long: Vec<String> = sources()
        .iter()
        .filter_map(|s| {
            let lines = s.text.lines().count();
            (lines > MAX_LINES).then(|| format!("{}: {lines} lines", s.path))
        })
        .collect();
    report(&format!("source files over {MAX_LINES} lines"), long);
}

#[test]
fn the_scanners_see_what_they_look_for() {
    assert_eq!(
        crate_modules("use crate::{hir::{self, Type}, ir, span::Span};"),
        ["hir", "ir", "span"]
    );
    assert_eq!(
        crate_modules("let x = crate::lower::Val::Int(t);"),
        ["lower"]
    );
    assert!(crate_modules("macro_rules! m { () => { $crate::x } }").is_empty());
    assert_eq!(module_of("src/lower/expr.rs"), Some("lower"));
    let joined = statements("use crate::{\n    hir,\n    verify,\n};\nfn f() {}\n");
    assert_eq!(joined[0].0, 1);
    assert_eq!(crate_modules(&joined[0].1), ["hir", "verify"]);
    assert_eq!(joined[1], (5, "fn f() {}".to_string()));
    assert_eq!(
        super_modules("src/ir/print.rs", "use super::super::verify::Outcome;"),
        ["verify"]
    );
    assert_eq!(
        super_modules("src/lower/mod.rs", "super::verify::run()"),
        ["verify"]
    );
    // Climbing to the crate root names a root item, which no layer holds.
    assert_eq!(
        super_modules("src/lint/expected.rs", "super::super::Finding"),
        ["Finding"]
    );
    assert!(super_modules("src/ir/print.rs", "use super::Term;").is_empty());
    assert_eq!(module_of("src/ir.rs"), Some("ir"));
    assert_eq!(module_of("src/lib.rs"), None);
    assert_eq!(module_of("src/bin/charter/main.rs"), None);
    let planted = [Source {
        path: "src/eval/mod.rs".into(),
        text: "// println! in a comment is fine\nfn f() { println!(\"x\"); }\n".into(),
    }];
    let found = violations_of_markers(&planted, IO, |path| !in_library(path));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("src/eval/mod.rs:2:"), "{found:?}");
    // Legitimate code that only looks like a use: no finding.
    let innocent = [Source {
        path: "src/lower/mod.rs".into(),
        text: "pub struct TermPair<T>(T);\nlet r = ScheduleRule::A;\nlet s = \"see std::env\";\nlet t = 1; /* println!(\"x\") */\n"
            .into(),
    }];
    assert!(violations_of_markers(&innocent, PEST, |_| false).is_empty());
    assert!(violations_of_markers(&innocent, IO, |_| false).is_empty());
    // I/O brought in by a grouped import is found.
    let grouped = [Source {
        path: "src/eval/mod.rs".into(),
        text: "use std::{\n    fs,\n    io,\n};\nuse std::io::{stdout, Write};\nuse std::fmt::Write as _;\n".into(),
    }];
    let found = io_imports(&grouped);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("src/eval/mod.rs:1: `fs`"), "{found:?}");
    assert!(
        found[1].starts_with("src/eval/mod.rs:5: `stdout`"),
        "{found:?}"
    );
}

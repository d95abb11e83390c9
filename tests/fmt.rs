//! `charter fmt`: on every spec and every fixture that parses, formatting
//! is idempotent, changes no meaning (the same syntax tree without spans,
//! the same `hir`, the same diagnostics) and keeps every comment and quoted
//! text; one messy input's formatting as a snapshot; the command line
//! (rewriting in place, `--check` and its diff, standard input, a syntax
//! error or a symbolic link leaving the file untouched).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.charter` file under `specs/` and `tests/fixtures/`.
fn spec_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "charter") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("specs"), &mut files);
    walk(&root().join("tests/fixtures"), &mut files);
    files.sort();
    files
}

/// What a spec means, as far as charter can tell: its syntax tree without
/// spans (parentheses leave no node), its checked `hir` (which prints no
/// spans) or the checker's errors, and its warnings, without positions.
fn meaning(text: &str) -> String {
    let loaded = charter::load(text.as_bytes()).expect("the spec parses");
    let ast = charter::ast::print::dump(&loaded.ast);
    let mut out: String = ast
        .lines()
        .map(|line| line.rsplit_once("  @").map_or(line, |(node, _)| node))
        .collect::<Vec<_>>()
        .join("\n");
    out.push_str("\n--- hir or errors\n");
    match loaded.checked {
        Ok(checked) => {
            out.push_str(&charter::hir::print::dump(&checked.charter));
            for warning in &checked.warnings {
                out.push_str(&format!("warning: {warning}\n"));
            }
        }
        Err(errors) => {
            for error in &errors {
                out.push_str(&format!("error: {error}\n"));
            }
        }
    }
    out
}

/// The text with the blanks outside quoted texts removed: what the
/// formatter must not change (quoted texts byte for byte, comments and
/// code up to their blanks).
fn without_blanks(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            parts.push(std::mem::take(&mut rest));
            let mut quoted = String::from('"');
            while let Some(q) = chars.next() {
                quoted.push(q);
                if q == '\\' {
                    quoted.extend(chars.next());
                } else if q == '"' {
                    break;
                }
            }
            parts.push(quoted);
        } else if c == '/' && chars.peek() == Some(&'/') {
            // A line comment: up to its line's end, blanks inside kept
            // except at its end.
            let mut comment = String::from('/');
            while let Some(&q) = chars.peek() {
                if q == '\n' {
                    break;
                }
                comment.push(q);
                chars.next();
            }
            rest.push_str(comment.trim_end());
        } else if !c.is_whitespace() {
            rest.push(c);
        }
    }
    parts.push(rest);
    parts
}

fn format(text: &str) -> String {
    let text = text.to_string();
    charter::with_stack(move || charter::fmt::format(&text)).expect("the spec parses")
}

#[test]
fn every_spec_and_fixture_formats_idempotently_and_keeps_its_meaning() {
    let mut formatted_count = 0;
    for path in spec_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // the fixture of invalid UTF-8
        };
        let shown = path.strip_prefix(root()).unwrap().display().to_string();
        let parses = {
            let text = text.clone();
            charter::with_stack(move || charter::syntax::parse(&text).is_ok())
        };
        if !parses {
            continue;
        }
        let once = format(&text);
        assert_eq!(format(&once), once, "formatting {shown} twice changes it");
        assert_eq!(
            without_blanks(&once),
            without_blanks(&text),
            "formatting {shown} changed more than blanks"
        );
        let (before, after) = charter::with_stack(|| (meaning(&text), meaning(&once)));
        assert_eq!(after, before, "formatting {shown} changed its meaning");
        formatted_count += 1;
    }
    assert!(
        formatted_count > 150,
        "only {formatted_count} specs formatted"
    );
}

/// The meaning compared above tells specs apart that differ by one `not`,
/// or only by grouping: the test above can fail.
#[test]
fn the_meaning_comparison_sees_a_dropped_not_and_a_moved_parenthesis() {
    let spec = |body: &str| {
        format!("charter \"t\"\nvar x: Bool\nvar y: Bool\nvar z: Bool\nassert a: always {body}\n")
    };
    let meaning_of = |body: &str| {
        let text = spec(body);
        charter::with_stack(move || meaning(&text))
    };
    assert_ne!(meaning_of("not x or y"), meaning_of("x or y"));
    assert_ne!(meaning_of("(x or y) and z"), meaning_of("x or (y and z)"));
    assert_eq!(meaning_of("x or (y and z)"), meaning_of("x  or\n y and z"));
}

#[test]
fn a_messy_spec_in_the_canonical_layout() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/fmt/messy.charter")).unwrap();
    crate::common::assert_snapshot!(
        "a_messy_spec_in_the_canonical_layout",
        format!("{text}---- formatted\n{}", format(&text))
    );
}

#[test]
fn comments_and_quoted_texts_are_kept_where_they_are() {
    let text = "charter \"t\" // after the title\n\
                /* before */ var x: Bool // after x\n\
                // a line of its own\n\
                clause c \"first line\n   second,  spaced\"\n  on e: x' = true /* inline */\n\
                event e\n// at the end\n";
    let formatted = format(text);
    for kept in [
        "charter \"t\" // after the title\n",
        "/* before */ var x: Bool // after x\n// a line of its own\n",
        "clause c \"first line\n   second,  spaced\"\n",
        "  on e: x' = true /* inline */\n",
        "event e\n// at the end\n",
    ] {
        assert!(formatted.contains(kept), "{kept:?} is not in:\n{formatted}");
    }
}

// ---------------------------------------------------------------- the command

fn charter_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_charter"))
}

const MESSY: &str =
    "charter \"t\"\nvar x:Bool=false\nevent flip\nclause c \"text\" on flip:x'=not x\n";
const CANONICAL: &str =
    "charter \"t\"\nvar x: Bool = false\nevent flip\nclause c \"text\"\n  on flip: x' = not x\n";

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("charter-fmt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str], path: &Path) -> (Option<i32>, String, String) {
    let output = charter_bin()
        .arg("fmt")
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn check_prints_a_diff_and_exits_1_then_fmt_rewrites_in_place() {
    let dir = folder("check");
    let spec = dir.join("spec.charter");
    std::fs::write(&spec, MESSY).unwrap();
    let (code, stdout, _) = run(&["--check"], &dir);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("-var x:Bool=false\n+var x: Bool = false\n"),
        "{stdout}"
    );
    assert!(stdout.contains("@@"), "not a unified diff: {stdout}");
    assert_eq!(
        std::fs::read_to_string(&spec).unwrap(),
        MESSY,
        "--check wrote"
    );

    let (code, stdout, _) = run(&[], &dir);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("formatted"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), CANONICAL);
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "a temporary file was left behind");

    let (code, stdout, _) = run(&["--check"], &spec);
    assert_eq!((code, stdout.as_str()), (Some(0), ""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_syntax_error_is_reported_and_the_file_left_untouched() {
    let dir = folder("syntax");
    let spec = dir.join("broken.charter");
    let broken = "charter \"t\"\nvar x:Bool=\n";
    std::fs::write(&spec, broken).unwrap();
    for args in [&[][..], &["--check"][..]] {
        let (code, _, stderr) = run(args, &spec);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(stderr.contains("charter::syntax"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&spec).unwrap(), broken);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_symbolic_link_is_not_written_through() {
    let dir = folder("link");
    let target = dir.join("target.txt");
    std::fs::write(&target, MESSY).unwrap();
    let link = dir.join("link.charter");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (code, _, stderr) = run(&[], &link);
    assert_eq!(code, Some(2));
    // miette wraps lines at 80 columns (where depends on the path's length).
    let words = stderr
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(words.contains("symbolic link"), "{stderr}");
    assert!(stderr.contains("charter::io::write"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), MESSY);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn standard_input_is_formatted_to_standard_output() {
    for args in [&["-"][..], &["--stdin"][..]] {
        let mut child = charter_bin()
            .arg("fmt")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), MESSY.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&output.stdout), CANONICAL);
    }
}

/// The words that end a phrase an operand follows keep their blank before
/// a parenthesis: `leads to (…)` is no call of a function `to`.
#[test]
fn a_phrase_before_a_parenthesis_is_no_call() {
    let text = "charter \"t\"\ncalendar days 0..9\nvar b: Bool = false\n\
                event go requires not later than (3) and before (4)\n\
                assert l: always b leads to (not b)\nassert e: eventually (b)\n";
    assert_eq!(format(text), text);
}

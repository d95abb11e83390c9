//! The front end against fixture folders and the specs: one snapshot per
//! file (its source, then what charter says about it), plus the structural
//! properties every tree must have.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use charter::ast;
use common::{diagnostics_of, load_fixture, render_outcome, shown_source};

#[test]
fn valid_syntax_snapshots() {
    insta::glob!("fixtures/syntax_ok/*.charter", |path| {
        let bytes = load_fixture(path);
        let text = String::from_utf8_lossy(&bytes);
        let loaded = charter::load(&bytes).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let output = format!(
            "{}\n---- ast ----\n{}---- check ----\n{}",
            text,
            ast::print::dump(&loaded.ast),
            render_outcome(path, &bytes)
        );
        common::assert_snapshot!("valid_syntax_snapshots", output);
    });
}

#[test]
fn syntax_error_snapshots() {
    insta::glob!("fixtures/syntax_err/*.charter", |path| {
        let bytes = load_fixture(path);
        let error = charter::load(&bytes).err();
        assert!(error.is_some(), "{} should not parse", path.display());
        let output = format!(
            "{}\n---- output ----\n{}",
            shown_source(&bytes),
            render_outcome(path, &bytes)
        );
        common::assert_snapshot!("syntax_error_snapshots", output);
    });
}

#[test]
fn check_error_snapshots() {
    insta::glob!("fixtures/check_err/*.charter", |path| {
        let bytes = load_fixture(path);
        let loaded = charter::load(&bytes).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let diagnostics = match &loaded.checked {
            Ok(checked) => checked.warnings.clone(),
            Err(errors) => errors.clone(),
        };
        assert!(
            !diagnostics.is_empty(),
            "{} should produce a diagnostic",
            path.display()
        );
        let output = format!(
            "{}\n---- output ----\n{}",
            shown_source(&bytes),
            render_outcome(path, &bytes)
        );
        common::assert_snapshot!("check_error_snapshots", output);
    });
}

/// Every diagnostic code declared in the source has a fixture that
/// produces it.
#[test]
fn every_diagnostic_code_has_a_fixture() {
    let declared = declared_codes();
    assert!(declared.len() > 20, "found only {declared:?}");
    let mut produced = BTreeSet::new();
    for folder in ["syntax_err", "check_err"] {
        for path in fixture_files(folder) {
            for code in diagnostics_of(&load_fixture(&path))
                .into_iter()
                .map(|(code, _)| code)
            {
                produced.insert(code);
            }
        }
    }
    // Reading a file that does not exist is exercised by the CLI tests.
    produced.insert("charter::io::read".to_string());
    // A spec over the 4 MiB limit is too big to commit as a fixture:
    // tests/robustness.rs generates a 5 MB spec and asserts this code.
    produced.insert("charter::syntax::too_large".to_string());
    // Command-line refusals, exercised by the CLI tests: an output that
    // cannot be written and command-line misuse (tests/outputs.rs), an
    // option the spec cannot take (tests/verify.rs).
    for code in [
        "charter::io::write",
        "charter::cli::usage",
        "charter::cli::option",
    ] {
        produced.insert(code.to_string());
    }
    let missing: Vec<&String> = declared.difference(&produced).collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

fn declared_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for file in [
        "src/syntax/error.rs",
        "src/check/error.rs",
        "src/check/readings.rs",
        "src/bin/charter/output.rs",
    ] {
        let text = std::fs::read_to_string(file).expect("source file");
        for piece in text.split("code(").skip(1) {
            if let Some(end) = piece.find(')') {
                let code = &piece[..end];
                if code.starts_with("charter::") {
                    codes.insert(code.to_string());
                }
            }
        }
    }
    codes
}

fn fixture_files(folder: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new("tests/fixtures").join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "charter"))
        .collect();
    files.sort();
    files
}

/// Every spec in `specs/` parses and checks with no error and no warning.
#[test]
fn specs_check_clean() {
    let mut count = 0;
    for entry in std::fs::read_dir("specs").expect("specs folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "charter") {
            continue;
        }
        count += 1;
        let bytes = std::fs::read(&path).expect("spec");
        let diagnostics = diagnostics_of(&bytes);
        assert!(
            diagnostics.is_empty(),
            "{} is not clean:\n{}",
            path.display(),
            render_outcome(&path, &bytes)
        );
    }
    assert!(count >= 3, "expected at least three specs, found {count}");
}

/// The valid fixtures and specs: every child's span lies inside its
/// parent's, and the files' items are in order.
#[test]
fn child_spans_nest_in_parent_spans() {
    let mut paths = fixture_files("syntax_ok");
    paths.extend(
        std::fs::read_dir("specs")
            .expect("specs")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "charter")),
    );
    for path in paths {
        let bytes = std::fs::read(&path).expect("file");
        let loaded = charter::load(&bytes).expect("parses");
        common::spans::check_charter(&loaded.ast)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

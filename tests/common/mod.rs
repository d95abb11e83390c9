//! Helpers shared by the integration tests.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod html;
pub mod spans;
pub mod verified;
pub mod wide;

use std::path::Path;

use charter::report::{self, Color, SourceFile};
use miette::Diagnostic;

/// The `.charter` files of a folder, in name order.
pub fn charter_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "charter"))
        .collect();
    files.sort();
    files
}

/// Fails when a temporary file of `write_atomically` (`.charter-…`) is
/// left in `dir`.
pub fn assert_no_temporary_file(dir: &Path) {
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".charter-")),
        "{names:?}"
    );
}

/// A spec that must check clean, as the HIR.
pub fn load_charter(path: &Path) -> charter::hir::Charter {
    let bytes = std::fs::read(path).unwrap();
    charter::load(&bytes)
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
        .checked
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
        .charter
}

/// A spec given as text that must check clean, as the HIR.
pub fn checked(source: &str) -> charter::hir::Charter {
    charter::load(source.as_bytes())
        .unwrap_or_else(|e| panic!("{e:?}"))
        .checked
        .unwrap_or_else(|e| panic!("{e:?}"))
        .charter
}

pub fn load_fixture(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The source as a snapshot shows it: lossy UTF-8, cut after 3000
/// characters.
pub fn shown_source(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(3000) {
        Some((cut, _)) => format!("{}\n[… {} more bytes]", &text[..cut], text.len() - cut),
        None => text.into_owned(),
    }
}

/// Every diagnostic the front end gives for the bytes: code and primary span.
pub fn diagnostics_of(bytes: &[u8]) -> Vec<(String, charter::span::Span)> {
    match charter::load(bytes) {
        Err(error) => vec![(code(&error), error.span())],
        Ok(loaded) => {
            let list = match loaded.checked {
                Ok(checked) => checked.warnings,
                Err(errors) => errors,
            };
            list.iter().map(|d| (code(d), d.span())).collect()
        }
    }
}

fn code(diagnostic: &dyn Diagnostic) -> String {
    diagnostic.code().map(|c| c.to_string()).unwrap_or_default()
}

/// What `charter check` shows for a file: each diagnostic, then the summary.
pub fn render_outcome(path: &Path, bytes: &[u8]) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = SourceFile::from_bytes(&name, bytes);
    let mut out = String::new();
    match charter::load(bytes) {
        Err(error) => {
            out.push_str(&report::render(&error, &source, Color::Never));
            out.push_str("invalid\n");
        }
        Ok(loaded) => match loaded.checked {
            Ok(checked) => {
                for warning in &checked.warnings {
                    out.push_str(&report::render(warning, &source, Color::Never));
                }
                out.push_str(&format!("ok ({})\n", report::summary(&checked.charter)));
            }
            Err(errors) => {
                for error in &errors {
                    out.push_str(&report::render(error, &source, Color::Never));
                }
                out.push_str("invalid\n");
            }
        },
    }
    out
}

/// The kind of a verdict and, for a history, its length: what the SMT and
/// explicit engines must agree on where both are conclusive. `None` where a
/// verdict is not comparable (a budget, an unsupported construct, the
/// solver giving up, an induction that did not close) or did not replay.
pub fn conclusive(verdict: &charter::verify::Verdict) -> Option<String> {
    use charter::verify::{UnknownReason, Verdict};
    match verdict {
        Verdict::Proved { .. } => Some("proved".into()),
        Verdict::Counterexample { depth, .. } => Some(format!("counterexample in {depth}")),
        Verdict::Witness { depth, .. } => Some(format!("witness in {depth}")),
        Verdict::NoneUpTo { depth } => Some(format!("none up to {depth}")),
        Verdict::Unknown { reason } => match reason {
            UnknownReason::NoInitialState => Some("no initial state".into()),
            UnknownReason::VacuousAntecedent { depth } => Some(format!("vacuous up to {depth}")),
            _ => None,
        },
        Verdict::ReplayFailed { .. } => None,
    }
}

/// `insta::assert_snapshot!(name, value)` under the file name the snapshot
/// had when its suite was a test binary of its own:
/// `tests/snapshots/SUITE__NAME.snap` (in the one test binary, insta would
/// put the binary's name in front, `all__SUITE__NAME.snap`). Under
/// `insta::glob!`, `@FILE` follows the name as before.
macro_rules! assert_snapshot {
    ($name:expr, $value:expr $(,)?) => {
        insta::with_settings!({ prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(
                format!("{}__{}", $crate::common::suite(module_path!()), $name),
                $value
            );
        })
    };
}
pub(crate) use assert_snapshot;

/// The suite a module path is in: `all::verify` → `verify`,
/// `all::verify::inner` → `verify__inner` (as insta joins a path).
pub fn suite(module_path: &str) -> String {
    let below_the_crate = module_path.split_once("::").map_or("", |(_, rest)| rest);
    below_the_crate.replace("::", "__")
}

/// Runs the `charter` binary with `args` in `dir`.
pub fn charter_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

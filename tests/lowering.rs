//! The lowering of each language construct, as snapshots of the printed
//! `ir::System` (`charter::ir::print`): one small fixture per construct in
//! `tests/fixtures/lower/`, lowered for its first command. A change in how
//! a construct is lowered shows here as a readable diff, not only as a
//! changed verdict of a spec that happens to exercise it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use charter::{ir, lower};
use common::load_fixture;

#[test]
fn lowering_snapshots() {
    insta::glob!("fixtures/lower/*.charter", |path| {
        let bytes = load_fixture(path);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let loaded = charter::load(&bytes).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let charter = loaded
            .checked
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
            .charter;
        let command = charter
            .commands
            .first()
            .unwrap_or_else(|| panic!("{} has no command", path.display()));
        let printed = charter::with_stack(|| {
            let lowered = lower::lower(&charter, command);
            ir::print::system_with_source(&lowered.system, &text)
        });
        let output = format!("{text}\n---- ir for `{}` ----\n{printed}", command.name);
        insta::assert_snapshot!(output);
    });
}

/// The printing is the same bytes every time, and a second lowering of the
/// same command prints the same.
#[test]
fn printing_is_deterministic() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lower/duties.charter");
    let bytes = load_fixture(&path);
    let charter = charter::load(&bytes).unwrap().checked.unwrap().charter;
    let command = &charter.commands[0];
    let first = ir::print::system(&lower::lower(&charter, command).system);
    let second = ir::print::system(&lower::lower(&charter, command).system);
    assert_eq!(first, second);
}

/// `charter check --emit ir` prints every command's lowering, each under
/// its name, as the library prints it.
#[test]
fn check_emits_the_ir_of_every_command() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/csto-article13.charter");
    let bytes = load_fixture(&path);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let charter = charter::load(&bytes).unwrap().checked.unwrap().charter;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["check", "--emit", "ir"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut expected = String::new();
    for command in &charter.commands {
        let printed = charter::with_stack(|| {
            ir::print::system_with_source(&lower::lower(&charter, command).system, &text)
        });
        expected.push_str(&format!("---- ir for `{}` ----\n{printed}", command.name));
    }
    assert!(charter.commands.len() > 1);
    assert!(stdout.starts_with(&expected), "the emitted IR differs");
    assert!(stdout[expected.len()..].starts_with(&format!("{}: ok (", path.display())));
}

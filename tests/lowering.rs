//! The lowering of each language construct, as snapshots of the printed
//! `ir::System` (`charter::ir::print`): one small fixture per construct in
//! `tests/fixtures/lower/`, lowered for its first command. A change in how
//! a construct is lowered shows here as a readable diff, not only as a
//! changed verdict of a spec that happens to exercise it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

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
        common::assert_snapshot!("lowering_snapshots", output);
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

/// `--emit ir` says when there is nothing to lower, and counts a system too
/// large to read instead of printing megabytes of it.
#[test]
fn check_emits_a_line_where_it_prints_no_ir() {
    let run = |text: &str| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spec.charter");
        std::fs::write(&path, text).unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_charter"))
            .args(["check", "--emit", "ir"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let none = run("charter \"none\"\nvar x: Bool = false\nevent e\n");
    assert!(
        none.starts_with("---- no command: nothing to lower ----\n"),
        "{none}"
    );
    let big = run(
        "charter \"big\"\nsort P\nvar r: P -> set P\nevent add(a: P, b: P)\n\
         clause c \"adds\"\n  on add(a, b): r'(a) += b\nassert ok: always true\n\
         check ok depth 1 scope P = 200\n",
    );
    assert!(
        big.starts_with("---- ir for `ok`: 40000 atoms, 401 inputs and 80003 constraints, more than the 20000 printed"),
        "{big}"
    );
    assert!(big.lines().count() == 2, "{big}");
}

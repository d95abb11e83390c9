//! What installing charter needs besides the binary: shell completion
//! scripts (`charter completions SHELL`, `clap_complete`) and manual pages
//! (`charter man`, `clap_mangen`), both generated from the one command-line
//! definition in `args.rs`, so they cannot fall behind it.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use charter::report::Color;

use crate::args::Cli;
use crate::output::{to_stderr, write_atomically, write_failed, Output};
use crate::Exit;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Exit {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "charter", &mut script);
    let _ = Output::new().write_all(&script);
    Exit::Ok
}

/// Prints charter's manual page (its SUBCOMMANDS section names every
/// command), or writes `charter.1` and one `charter-COMMAND.1` per command
/// into `out`, made first if it is missing (as `mkdir -p` would: an
/// install step names a folder such as `~/.local/share/man/man1`).
pub fn man(out: Option<&Path>, color: Color) -> Exit {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let Some(folder) = out else {
        return match page(&command) {
            Ok(roff) => {
                let _ = Output::new().write_all(&roff);
                Exit::Ok
            }
            Err(err) => {
                to_stderr(&format!("charter: cannot render the manual page: {err}\n"));
                Exit::Invalid
            }
        };
    };
    if let Err(err) = std::fs::create_dir_all(folder) {
        let reason = format!("cannot make the folder: {err}");
        return write_failed("the manual pages", folder, reason, color);
    }
    let mut pages = vec![command.clone()];
    pages.extend(command.get_subcommands().cloned());
    let mut stdout = Output::new();
    for command in pages {
        let man = clap_mangen::Man::new(command.clone());
        let path = folder.join(man.get_filename());
        let written = page(&command)
            .map_err(|err| format!("cannot render {}: {err}", path.display()))
            .and_then(|roff| write_atomically(&path, &roff));
        match written {
            Ok(()) => {
                let _ = writeln!(stdout, "wrote {}", path.display());
            }
            Err(reason) => return write_failed("a manual page", &path, reason, color),
        }
    }
    Exit::Ok
}

/// One command's manual page, as roff.
fn page(command: &clap::Command) -> std::io::Result<Vec<u8>> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut roff)?;
    Ok(roff)
}

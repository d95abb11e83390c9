//! How a command runs: the one place where the command line's overrides
//! (scopes, depth, solver limits, engine) are checked against a spec and
//! applied to its commands, where the depth a question examines is
//! resolved, and where the size of the encoding is estimated before
//! anything is built. `verify`, `lint` and the SMT-LIB export take a
//! [`Plan`] and ask nothing of the overrides again.
//!
//! The depths, by question:
//! * a command (`verify`, `export smt2`): the override, else the
//!   command's own, else [`DEFAULT_DEPTH`];
//! * `lint`: the override, else the largest depth a command of the spec
//!   gives, else [`DEFAULT_DEPTH`]; at least one step;
//! * the blocking check behind a verdict that holds: the longest of the
//!   command's and of every command of the spec's; at least one step.

use crate::hir::{self, Command, CommandKind, SortKind, DEFAULT_DEPTH};
use crate::solve::Limits;

/// Options from the command line that override a command's own.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub depth: Option<u64>,
    /// Scopes by sort name.
    pub scopes: Vec<(String, u64)>,
    pub limits: Limits,
    pub engine: Engine,
    /// Leaves out the blocking check ([`crate::verify::RestsOn`] stays
    /// `None`), for the tests that compare the engines' verdicts and
    /// nothing else. Not offered on the command line: a verdict shown to a
    /// person always says what it rests on.
    pub skip_blocking_check: bool,
}

/// Which engine decides verdicts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// Lowering to SMT: bounded search and k-induction with Z3.
    #[default]
    Smt,
    /// Breadth-first search over concrete states ([`crate::explore`]),
    /// with a budget of distinct states.
    Explicit { max_states: usize },
}

/// Overrides that do not fit the spec, or a command that is not there.
/// The messages name the spec's file, which the library does not know:
/// see [`PlanError::message`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanError {
    /// A scope smaller than the elements the sort names.
    ScopeBelowNames { sort: String, names: usize },
    /// A scope for an enum.
    EnumScope { sort: String },
    /// A scope for a sort the spec does not declare.
    UnknownSort { sort: String },
    /// `--property` names nothing a command is about.
    NoCommandAbout { name: String },
    /// `export --command` names no command, nor a command's property.
    NoCommandNamed { name: String },
}

impl PlanError {
    /// The error in words, `file` being the spec's name as shown.
    pub fn message(&self, file: &str) -> String {
        match self {
            PlanError::ScopeBelowNames { sort, names } => {
                format!("`{sort}` names {names} elements, so its scope is at least {names}")
            }
            PlanError::EnumScope { sort } => {
                format!("`{sort}` is an enum; only abstract sorts take a scope")
            }
            PlanError::UnknownSort { sort } => format!("{file} declares no sort `{sort}`"),
            PlanError::NoCommandAbout { name } => {
                format!("no command of {file} is about `{name}`")
            }
            PlanError::NoCommandNamed { name } => {
                format!("no command of {file} is named or about `{name}`")
            }
        }
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            PlanError::ScopeBelowNames { sort, names } => {
                format!("give `--scope {sort}={names}` or more, or no scope for `{sort}`")
            }
            PlanError::EnumScope { sort } => {
                format!("drop `--scope {sort}=…`: an enum has exactly its declared values")
            }
            PlanError::UnknownSort { .. } => {
                "`--scope` takes an abstract sort the spec declares, as `Sort=N`".into()
            }
            PlanError::NoCommandAbout { .. } => {
                "`--property` takes the name of an assertion, lemma or scenario that one of the spec's commands is about".into()
            }
            PlanError::NoCommandNamed { .. } => {
                "`--command` takes a command's name, or the name of the property it is about".into()
            }
        }
    }
}

/// An encoding too large to build: how large, and what most of it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLarge {
    pub size: String,
    pub largest: String,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "too large to encode: {}; most of it is {} (lower the scope or depth)",
            self.size, self.largest
        )
    }
}

/// One question about a spec, ready to run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The command asked, with the overrides' scopes and depth in place.
    pub command: Command,
    /// The number of steps examined.
    pub depth: usize,
    pub limits: Limits,
    pub engine: Engine,
    /// See [`Overrides::skip_blocking_check`].
    pub skip_blocking_check: bool,
    /// Set when the encoding would be too large to build: then nothing is
    /// built (`verify`: an unknown verdict; `lint`: the solver gives up;
    /// the export: an error).
    pub too_large: Option<TooLarge>,
}

impl Plan {
    /// A command of the spec with the overrides applied: the overrides'
    /// depth instead of the command's, their scopes instead of the
    /// command's for the sorts they name.
    pub fn resolve(
        charter: &hir::Charter,
        command: &Command,
        overrides: &Overrides,
    ) -> Result<Plan, PlanError> {
        validate(charter, overrides)?;
        Ok(Plan::apply(charter, command, overrides))
    }

    /// [`Plan::resolve`] with overrides already validated.
    fn apply(charter: &hir::Charter, command: &Command, overrides: &Overrides) -> Plan {
        let mut command = command.clone();
        if let Some(depth) = overrides.depth {
            command.depth = Some(depth);
        }
        override_scopes(charter, &mut command.scopes, overrides);
        let depth = command.depth.unwrap_or(DEFAULT_DEPTH) as usize;
        Plan::new(charter, command, depth, overrides)
    }

    /// The plans of every command of the spec (or only those concerning
    /// `only`), in the spec's order.
    pub fn all(
        charter: &hir::Charter,
        only: Option<&str>,
        overrides: &Overrides,
    ) -> Result<Vec<Plan>, PlanError> {
        validate(charter, overrides)?;
        if let Some(name) = only {
            if !charter.commands.iter().any(|c| concerns(charter, c, name)) {
                return Err(PlanError::NoCommandAbout { name: name.into() });
            }
        }
        charter
            .commands
            .iter()
            .filter(|command| only.is_none_or(|name| concerns(charter, command, name)))
            .map(|command| Ok(Plan::apply(charter, command, overrides)))
            .collect()
    }

    /// [`Plan::all`] under each choice of readings (the spec under each:
    /// [`crate::check::Checked::selections`]), with the charter the plans
    /// are for. `only` must concern a command under one choice at least.
    pub fn all_readings<'c>(
        charters: impl IntoIterator<Item = &'c hir::Charter>,
        only: Option<&str>,
        overrides: &Overrides,
    ) -> Result<Vec<(&'c hir::Charter, Vec<Plan>)>, PlanError> {
        let mut planned = Vec::new();
        let mut none_about = None;
        for charter in charters {
            match Plan::all(charter, only, overrides) {
                Ok(plans) => planned.push((charter, plans)),
                Err(error @ PlanError::NoCommandAbout { .. }) => none_about = Some(error),
                Err(error) => return Err(error),
            }
        }
        match none_about {
            Some(error) if planned.is_empty() => Err(error),
            _ => Ok(planned),
        }
    }

    /// The command the SMT-LIB export writes: the first named `name` or
    /// about a property named `name`, at `depth` (default: its own).
    pub fn for_export(
        charter: &hir::Charter,
        name: &str,
        depth: Option<u64>,
    ) -> Result<Plan, PlanError> {
        let command = charter
            .commands
            .iter()
            .find(|c| concerns(charter, c, name))
            .ok_or_else(|| PlanError::NoCommandNamed { name: name.into() })?;
        let overrides = Overrides {
            depth,
            ..Overrides::default()
        };
        Plan::resolve(charter, command, &overrides)
    }

    /// What `lint` examines: no goal; the overrides' depth, else the
    /// largest depth a command of the spec gives (what its author found
    /// tractable), else [`DEFAULT_DEPTH`], and at least one step (at depth
    /// 0 every event would be dead); each abstract sort's scope from the
    /// overrides, else the largest any command of the spec gives it (the
    /// spec's commands say which scopes are meaningful: a sort may need as
    /// many elements as an enum has values).
    pub fn for_lint(charter: &hir::Charter, overrides: &Overrides) -> Result<Examined, PlanError> {
        validate(charter, overrides)?;
        let mut scopes: Vec<(hir::SortId, u64)> = Vec::new();
        for command in &charter.commands {
            for (sort, size) in &command.scopes {
                match scopes.iter_mut().find(|(s, _)| s == sort) {
                    Some((_, known)) => *known = (*known).max(*size),
                    None => scopes.push((*sort, *size)),
                }
            }
        }
        override_scopes(charter, &mut scopes, overrides);
        scopes.sort();
        let depth = overrides
            .depth
            .or_else(|| charter.commands.iter().filter_map(|c| c.depth).max());
        let steps = depth.unwrap_or(DEFAULT_DEPTH).max(1);
        Ok(Examined::new(
            charter,
            scopes,
            steps,
            overrides.limits.clone(),
        ))
    }

    /// The blocking check behind a verdict of this plan's command that
    /// holds: its scopes, histories as long as the command's or as the
    /// longest any command of the spec asks for (what `charter lint`
    /// examines): an event that needs more steps than a short proof's
    /// depth is not blocked, only late. (A command without `depth` asks
    /// for the default depth.)
    pub fn for_blocking(&self, charter: &hir::Charter) -> Examined {
        let depth = charter
            .commands
            .iter()
            .map(|c| c.depth.unwrap_or(DEFAULT_DEPTH))
            .chain([self.command.depth.unwrap_or(DEFAULT_DEPTH)])
            .max()
            .unwrap_or(DEFAULT_DEPTH)
            .max(1);
        Examined::new(
            charter,
            self.command.scopes.clone(),
            depth,
            self.limits.clone(),
        )
    }

    fn new(charter: &hir::Charter, command: Command, depth: usize, overrides: &Overrides) -> Plan {
        let too_large = crate::check::size::exceeds(
            charter,
            crate::check::size::Uses::Command(&command),
            &command.scopes,
            command.depth,
        )
        .map(|(size, largest)| TooLarge { size, largest });
        Plan {
            command,
            depth,
            limits: overrides.limits.clone(),
            engine: overrides.engine,
            skip_blocking_check: overrides.skip_blocking_check,
            too_large,
        }
    }
}

/// What `lint` and the blocking check examine: every history of up to
/// `depth` steps under `scopes`, asked about the rules, not about a
/// property (no command, no goal).
#[derive(Clone, Debug)]
pub struct Examined {
    pub scopes: Vec<(hir::SortId, u64)>,
    /// At least one step: at depth 0 every event would be dead.
    pub depth: usize,
    pub limits: Limits,
    /// Set when the encoding would be too large to build: lint's solver
    /// gives up with this reason, and nothing is built.
    pub too_large: Option<TooLarge>,
}

impl Examined {
    fn new(
        charter: &hir::Charter,
        scopes: Vec<(hir::SortId, u64)>,
        depth: u64,
        limits: Limits,
    ) -> Examined {
        let too_large = crate::check::size::exceeds(
            charter,
            crate::check::size::Uses::Lint,
            &scopes,
            Some(depth),
        )
        .map(|(size, largest)| TooLarge { size, largest });
        Examined {
            scopes,
            depth: depth as usize,
            limits,
            too_large,
        }
    }
}

/// The overrides' scopes, checked against the spec's sorts, in the order
/// given: each names an abstract sort, and is at least as large as the
/// elements the sort names.
fn validate(charter: &hir::Charter, overrides: &Overrides) -> Result<(), PlanError> {
    for (sort, size) in &overrides.scopes {
        match charter.sorts.iter().find(|s| &s.name == sort) {
            Some(s) if s.kind == SortKind::Abstract => {
                if (*size as usize) < s.names.len() {
                    return Err(PlanError::ScopeBelowNames {
                        sort: sort.clone(),
                        names: s.names.len(),
                    });
                }
            }
            Some(_) => return Err(PlanError::EnumScope { sort: sort.clone() }),
            None => return Err(PlanError::UnknownSort { sort: sort.clone() }),
        }
    }
    Ok(())
}

/// `scopes` with the overrides' scopes in place of theirs.
fn override_scopes(
    charter: &hir::Charter,
    scopes: &mut Vec<(hir::SortId, u64)>,
    overrides: &Overrides,
) {
    for (name, size) in &overrides.scopes {
        if let Some(index) = charter.sorts.iter().position(|s| &s.name == name) {
            scopes.retain(|(id, _)| id.0 != index);
            scopes.push((hir::SortId(index), *size));
        }
    }
}

/// Whether a command is named `name` or is about a property named `name`.
pub fn concerns(charter: &hir::Charter, command: &Command, name: &str) -> bool {
    command.name == name
        || match &command.kind {
            CommandKind::Check(id) | CommandKind::Prove(id) => charter.formula(*id).name == name,
            CommandKind::Scenario { .. } => false,
        }
}

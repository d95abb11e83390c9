//! What the models written by hand for Z3 (`toy_z3.rs`, `wide_z3.rs`)
//! share: their command line, the bounded search's question at each depth
//! (in one incremental solver, an activation literal per depth) and its
//! report, and pseudo-Boolean helpers.

use std::time::Instant;

use z3::ast::Bool;
use z3::{Params, SatResult, Solver};

/// The options both models take: the members, the depth searched to,
/// the symmetry breaking and Z3's random seed.
pub struct Common {
    pub members: usize,
    pub depth: usize,
    pub symmetry: String,
    pub seed: u32,
}

/// Reads the command line as `--flag value` pairs into `common` (the
/// symmetry one of `symmetries`), skipping the `--bench` that `cargo
/// bench` passes to every bench target; `set` takes the other pairs and
/// says whether each is one of the tool's. Exits 2 on any other.
pub fn arguments(
    tool: &str,
    common: &mut Common,
    symmetries: &[&str],
    mut set: impl FnMut(&str, &str) -> bool,
) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--bench" {
            i += 1;
            continue;
        }
        let (flag, value) = (args[i].as_str(), args.get(i + 1).map_or("", String::as_str));
        match flag {
            "--members" => common.members = number(tool, flag, value),
            "--depth" => common.depth = number(tool, flag, value),
            "--seed" => common.seed = number(tool, flag, value),
            "--symmetry" if symmetries.contains(&value) => common.symmetry = value.into(),
            _ if set(flag, value) => {}
            _ => usage(tool, flag),
        }
        i += 2;
    }
}

/// A flag's value as a number of type `T` (out of its range too: exit 2).
pub fn number<T: std::str::FromStr>(tool: &str, flag: &str, value: &str) -> T {
    value.parse().unwrap_or_else(|_| usage(tool, flag))
}

fn usage(tool: &str, bad: &str) -> ! {
    eprintln!("{tool}: bad argument {bad:?}; see the top of benches/peers/{tool}.rs");
    std::process::exit(2)
}

/// The items, each with `weight`, for Z3's pseudo-Boolean constraints.
pub fn weighted(items: &[Bool], weight: i32) -> Vec<(&Bool, i32)> {
    items.iter().map(|b| (b, weight)).collect()
}

/// Exactly one of the items holds.
pub fn exactly_one(items: &[Bool]) -> Bool {
    Bool::pb_eq(&weighted(items, 1), 1)
}

/// The process's user + system time in seconds, from /proc (Linux).
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// Bounded model checking depth by depth: the solver (Z3's parameters as
/// charter's solvers have them) and where the time went.
pub struct Bmc {
    pub solver: Solver,
    started: Instant,
    mark: f64,
    building: f64,
    solving: f64,
    /// The slowest question's solver time, and its depth.
    slowest: (f64, usize),
}

impl Bmc {
    pub fn new(seed: u32) -> Bmc {
        let solver = Solver::new();
        let mut params = Params::new();
        params.set_u32("smt.relevancy", 0);
        params.set_bool("model.compact", false);
        params.set_u32("random_seed", seed);
        solver.set_params(&params);
        Bmc {
            solver,
            started: Instant::now(),
            mark: cpu(),
            building: 0.0,
            solving: 0.0,
            slowest: (0.0, 0),
        }
    }

    /// Whether a history of exactly `depth` steps ends where `violated`
    /// holds (the time since the last question counted as building its
    /// terms). If not, that is asserted as a fact for the later depths.
    /// Exits 1 when the solver gives up.
    pub fn reaches(&mut self, depth: usize, violated: &Bool) -> bool {
        let active = Bool::new_const(format!("depth@{depth}"));
        self.solver.assert(active.implies(violated));
        let asked = cpu();
        self.building += asked - self.mark;
        let answer = self.solver.check_assumptions(std::slice::from_ref(&active));
        self.mark = cpu();
        let spent = self.mark - asked;
        self.solving += spent;
        if spent > self.slowest.0 {
            self.slowest = (spent, depth);
        }
        match answer {
            SatResult::Sat => true,
            SatResult::Unsat => {
                self.solver.assert(active.not());
                self.solver.assert(violated.not());
                false
            }
            SatResult::Unknown => {
                println!("unknown at depth {depth}");
                std::process::exit(1);
            }
        }
    }

    /// Symmetry breaking's prefix at step `t`: `used[i]` says member `i`
    /// is named at that step; `seen` (updated) says which members the
    /// steps so far named, and those are the first ones.
    pub fn named_prefix(&self, seen: &mut [Bool], t: usize, used: Vec<Bool>) {
        let mut before: Option<Bool> = None;
        for (i, used) in used.into_iter().enumerate() {
            let flag = Bool::new_const(format!("seen{i}@{t}"));
            self.solver.assert(flag.eq(&seen[i] | used));
            if let Some(before) = &before {
                self.solver.assert(flag.implies(before));
            }
            seen[i] = flag.clone();
            before = Some(flag);
        }
    }

    /// Prints the outcome (`found`: the counterexample's depth, if any,
    /// searched up to `depth`), the model described by `model`, and the
    /// time spent.
    pub fn report(&self, found: Option<usize>, depth: usize, model: &str) {
        let what = match found {
            Some(d) => format!("counterexample in {d} steps"),
            None => format!("no counterexample up to depth {depth}"),
        };
        println!(
            "{what} ({model}): {:.2} s CPU ({:.2} s building terms, {:.2} s in the solver; slowest depth {}: {:.2} s), {:.2} s wall",
            cpu(),
            self.building,
            self.solving,
            self.slowest.1,
            self.slowest.0,
            self.started.elapsed().as_secs_f64()
        );
    }
}

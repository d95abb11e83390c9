//! The toy "exactly one chairman" family written by hand for Z3: the
//! reference issue 18 measures `charter verify` against. Not part of the
//! crate's build or tests: a bench target with its own `main`, using only
//! the `z3` crate charter already links (so the same libz3).
//!
//! The model is that of `/work/shared/perf-cases/toy_1000_100_viol_check.charter`
//! (and of `benches/common`'s `chair_family`): N members, a set `chair`
//! (one Boolean per member), a clock 0..DEPTH, the events `elect(m)`
//! (`chair' = {m}`), `adjourn`, `coup(m)` (requires `clock >= COUP - 1`;
//! `chair' += m`), every event advancing the clock; the property "once
//! elect implies exactly one member in chair". Each event has its own
//! parameter (one Boolean per member, exactly one true), one event per
//! step (exactly one of three); the sets' and the choices' "exactly one"
//! are Z3's pseudo-Boolean constraints.
//!
//! Bounded model checking depth by depth in one incremental solver, one
//! activation literal per depth (the first satisfiable depth gives a
//! shortest counterexample), a depth proven free of violations asserted
//! so. Symmetry breaking as charter's (`src/solve/encode/symmetry.rs`):
//! at step t (from 1) only members 0..t-1 can be an argument (the others'
//! bits are the constant false, and so are the chair bits they would set),
//! and the members the events so far named form a prefix ("seen" flags,
//! `seen[i] => seen[i-1]`). `--symmetry bound` keeps only the first half,
//! `none` neither. `--clock int` (the default) keeps the clock an integer
//! constrained by the steps, as the model says; `--clock fold` writes it as
//! the step number (what the model implies, and what charter's encoding
//! folds it to), so the guard of `coup` is a constant per step.
//!
//!     cargo bench --bench toy_z3 -- [--members N] [--depth D] [--coup C]
//!         [--symmetry prefix|bound|none] [--clock int|fold]
//!
//! Prints the depth of the counterexample (or that none exists up to D)
//! and the CPU seconds spent building terms and in the solver.

use std::time::Instant;

use z3::ast::{Bool, Int};
use z3::{Params, SatResult, Solver};

struct Options {
    members: usize,
    depth: usize,
    coup: usize,
    symmetry: String,
    clock: String,
}

fn options() -> Options {
    let mut o = Options {
        members: 1000,
        depth: 100,
        coup: 50,
        symmetry: "prefix".into(),
        clock: "int".into(),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        let number = || value.parse::<usize>().unwrap_or_else(|_| usage(&args[i]));
        match args[i].as_str() {
            "--members" => o.members = number(),
            "--depth" => o.depth = number(),
            "--coup" => o.coup = number(),
            "--symmetry" if ["prefix", "bound", "none"].contains(&value.as_str()) => {
                o.symmetry = value
            }
            "--clock" if ["int", "fold"].contains(&value.as_str()) => o.clock = value,
            // `cargo bench` passes `--bench` to every bench target.
            "--bench" => {
                i += 1;
                continue;
            }
            other => usage(other),
        }
        i += 2;
    }
    o
}

fn usage(bad: &str) -> ! {
    eprintln!("toy_z3: bad argument {bad:?}; see the top of benches/peers/toy_z3.rs");
    std::process::exit(2)
}

fn exactly_one(items: &[Bool]) -> Bool {
    let weighted: Vec<(&Bool, i32)> = items.iter().map(|b| (b, 1)).collect();
    Bool::pb_eq(&weighted, 1)
}

fn cpu() -> f64 {
    // The process's user + system time, from /proc (Linux).
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

fn main() {
    let o = options();
    let n = o.members;
    let started = Instant::now();
    let (mut building, mut solving) = (0.0, 0.0);
    let solver = Solver::new();
    let mut params = Params::new();
    params.set_u32("smt.relevancy", 0); // as charter's solvers
    solver.set_params(&params);
    let int_clock = o.clock == "int";
    let clock_at = |t: usize| -> Int {
        if int_clock {
            Int::new_const(format!("clock@{t}"))
        } else {
            Int::from_i64(t as i64)
        }
    };

    let mut chair: Vec<Bool> = vec![Bool::from_bool(false); n];
    let mut clock = clock_at(0);
    solver.assert(clock.eq(Int::from_i64(0)));
    let mut once = Bool::from_bool(false);
    let mut seen: Vec<Bool> = vec![Bool::from_bool(false); n];
    let mut found = None;
    for depth in 0..=o.depth {
        let b0 = cpu();
        if depth > 0 {
            let t = depth;
            let elect = Bool::new_const(format!("elect@{t}"));
            let adjourn = Bool::new_const(format!("adjourn@{t}"));
            let coup = Bool::new_const(format!("coup@{t}"));
            let usable = if o.symmetry == "none" { n } else { n.min(t) };
            let param = |event: &str| -> Vec<Bool> {
                (0..usable)
                    .map(|i| Bool::new_const(format!("{event}.m{i}@{t}")))
                    .collect()
            };
            let (elect_m, coup_m) = (param("elect"), param("coup"));
            solver.assert(exactly_one(&[elect.clone(), adjourn, coup.clone()]));
            solver.assert(exactly_one(&elect_m));
            solver.assert(exactly_one(&coup_m));
            let next_clock = clock_at(t);
            let guard = clock.ge(Int::from_i64(o.coup as i64 - 1));
            solver.assert(coup.implies(&guard));
            let mut next = Vec::with_capacity(n);
            for (i, before) in chair.iter().enumerate() {
                if i >= usable && before.as_bool() == Some(false) {
                    // No argument can name this member yet: it stays out.
                    next.push(Bool::from_bool(false));
                    continue;
                }
                let after = Bool::new_const(format!("chair{i}@{t}"));
                let picked = |m: &[Bool]| m.get(i).cloned().unwrap_or(Bool::from_bool(false));
                let (em, cm) = (picked(&elect_m), picked(&coup_m));
                let coup_adds = &coup & &cm;
                solver.assert(elect.implies(after.eq(&em)));
                solver.assert(coup_adds.implies(&after));
                solver.assert(Bool::or(&[elect.clone(), coup_adds, after.eq(before)]));
                next.push(after);
            }
            if int_clock {
                solver.assert(next_clock.eq(&clock + Int::from_i64(1)));
                solver.assert(next_clock.le(Int::from_i64(o.depth as i64)));
            }
            once = Bool::or(&[once, elect.clone()]);
            if o.symmetry == "prefix" {
                let mut now = Vec::with_capacity(usable);
                for i in 0..usable {
                    let used = (&elect & &elect_m[i]) | (&coup & &coup_m[i]);
                    let flag = Bool::new_const(format!("seen{i}@{t}"));
                    solver.assert(flag.eq(&seen[i] | used));
                    if i > 0 {
                        solver.assert(flag.implies(&now[i - 1]));
                    }
                    now.push(flag);
                }
                seen.splice(0..usable, now);
            }
            chair = next;
            clock = next_clock;
        }
        let violated = &once & exactly_one(&chair).not();
        let active = Bool::new_const(format!("depth@{depth}"));
        solver.assert(active.implies(&violated));
        let b1 = cpu();
        building += b1 - b0;
        let answer = solver.check_assumptions(std::slice::from_ref(&active));
        solving += cpu() - b1;
        match answer {
            SatResult::Sat => {
                found = Some(depth);
                break;
            }
            SatResult::Unsat => {}
            SatResult::Unknown => {
                println!("unknown at depth {depth}");
                std::process::exit(1);
            }
        }
        solver.assert(active.not());
        solver.assert(violated.not());
    }
    let what = match found {
        Some(d) => format!("counterexample in {d} steps"),
        None => format!("no counterexample up to depth {}", o.depth),
    };
    println!(
        "{what} (N = {n}, symmetry {}, clock {}): {:.2} s CPU ({:.2} s building terms, {:.2} s in the solver), {:.2} s wall",
        o.symmetry,
        o.clock,
        cpu(),
        building,
        solving,
        started.elapsed().as_secs_f64()
    );
}

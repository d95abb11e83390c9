//! The wide family's planted bug written by hand for Z3: the reference
//! for issue 18's "planted bug at N = 24 under 1 s". Not part of the
//! crate's build or tests: a bench target with its own `main`, using only
//! the `z3` crate charter already links (so the same libz3).
//!
//! The model is that of `benches/peers/wide_bug.charter`: N members, each
//! suspended and/or voted (one Boolean each), a motion `open` and
//! `adopted`, `support` (the votes counted at adoption); the events
//! `open_motion` (requires not open; clears the votes), `vote(m)`
//! (requires open, m neither suspended nor voted), `suspend(m)` (requires
//! m not suspended; strikes m's vote), `reinstate(m)` (requires m
//! suspended) and `adopt` (requires open and "a majority of the members in
//! good standing voted": 2·#{voted and not suspended} > #{not suspended});
//! the property "adopted implies 4·support > N". No safeguard on
//! suspensions: the shortest counterexample suspends ⌈N/2⌉ + 1 members.
//!
//! Bounded model checking depth by depth in one incremental solver, one
//! activation literal per depth, a depth proven free of violations
//! asserted so; one event per step and each event's member parameter
//! exactly one of the members (Z3's pseudo-Boolean constraints), the
//! majority guard one pseudo-Boolean constraint. Symmetry breaking as
//! charter's and `toy_z3`'s: at step t only members 0..t-1 can be named,
//! and the members named so far form a prefix. `--support int` keeps
//! `support` an integer (`support' = #voted` a sum, as charter's model
//! says); `--support pb` (the default, the best case for Z3) keeps only
//! whether it is at most N/4, a pseudo-Boolean bound on the votes.
//! `--seed` is Z3's `random_seed` (charter's is 0): the refutations of
//! this family vary with it.
//!
//!     cargo bench --bench wide_z3 -- [--members N] [--depth D]
//!         [--support pb|int] [--symmetry prefix|none] [--seed S]
//!
//! Prints the depth of the counterexample (or that none exists up to D),
//! the CPU seconds spent building terms and in the solver, and the
//! slowest depth's solver time.

use std::time::Instant;

use z3::ast::{Bool, Int};
use z3::{Params, SatResult, Solver};

struct Options {
    members: usize,
    depth: usize,
    support: String,
    symmetry: String,
    seed: u32,
}

fn options() -> Options {
    let mut o = Options {
        members: 24,
        depth: 48,
        support: "pb".into(),
        symmetry: "prefix".into(),
        seed: 0,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        let number = || value.parse::<usize>().unwrap_or_else(|_| usage(&args[i]));
        match args[i].as_str() {
            "--members" => o.members = number(),
            "--depth" => o.depth = number(),
            "--seed" => o.seed = number() as u32,
            "--support" if ["pb", "int"].contains(&value.as_str()) => o.support = value,
            "--symmetry" if ["prefix", "none"].contains(&value.as_str()) => o.symmetry = value,
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
    eprintln!("wide_z3: bad argument {bad:?}; see the top of benches/peers/wide_z3.rs");
    std::process::exit(2)
}

fn weighted(items: &[Bool], weight: i32) -> Vec<(&Bool, i32)> {
    items.iter().map(|b| (b, weight)).collect()
}

fn exactly_one(items: &[Bool]) -> Bool {
    Bool::pb_eq(&weighted(items, 1), 1)
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

/// One state: per member suspended and voted, the motion, and the support
/// (an integer, or whether it is at most N/4).
struct State {
    suspended: Vec<Bool>,
    voted: Vec<Bool>,
    open: Bool,
    adopted: Bool,
    support: Option<Int>,
    small: Bool,
}

fn main() {
    let o = options();
    let n = o.members;
    let quarter = (n / 4) as i32; // 4·support > N  ⇔  support > ⌊N/4⌋
    let started = Instant::now();
    let (mut building, mut solving, mut slowest) = (0.0, 0.0, (0.0, 0));
    let solver = Solver::new();
    let mut params = Params::new();
    params.set_u32("smt.relevancy", 0); // as charter's solvers
    params.set_u32("random_seed", o.seed);
    solver.set_params(&params);
    let int_support = o.support == "int";
    let f = || Bool::from_bool(false);
    let mut state = State {
        suspended: vec![f(); n],
        voted: vec![f(); n],
        open: f(),
        adopted: f(),
        support: int_support.then(|| Int::from_i64(0)),
        small: Bool::from_bool(true),
    };
    let mut seen: Vec<Bool> = vec![f(); n];
    let mut found = None;
    for depth in 0..=o.depth {
        let b0 = cpu();
        if depth > 0 {
            let t = depth;
            let event = |name: &str| Bool::new_const(format!("{name}@{t}"));
            let (open_e, vote_e, suspend_e, reinstate_e, adopt_e) = (
                event("open_motion"),
                event("vote"),
                event("suspend"),
                event("reinstate"),
                event("adopt"),
            );
            solver.assert(exactly_one(&[
                open_e.clone(),
                vote_e.clone(),
                suspend_e.clone(),
                reinstate_e.clone(),
                adopt_e.clone(),
            ]));
            let usable = if o.symmetry == "none" { n } else { n.min(t) };
            let param = |name: &str| -> Vec<Bool> {
                (0..usable)
                    .map(|i| Bool::new_const(format!("{name}.m{i}@{t}")))
                    .collect()
            };
            let (vote_m, suspend_m, reinstate_m) =
                (param("vote"), param("suspend"), param("reinstate"));
            solver.assert(exactly_one(&vote_m));
            solver.assert(exactly_one(&suspend_m));
            solver.assert(exactly_one(&reinstate_m));
            let s = &state;
            // Guards.
            solver.assert(open_e.implies(s.open.not()));
            solver.assert(vote_e.implies(&s.open));
            solver.assert(adopt_e.implies(&s.open));
            let mut in_good_standing_voted = Vec::with_capacity(n);
            for i in 0..n {
                in_good_standing_voted.push(&s.voted[i] & s.suspended[i].not());
            }
            // 2·#{voted ∧ ¬suspended} > #{¬suspended}
            //   ⇔ 2·#{voted ∧ ¬suspended} + #{suspended} ≥ N + 1
            let mut majority = weighted(&in_good_standing_voted, 2);
            majority.extend(weighted(&s.suspended, 1));
            solver.assert(adopt_e.implies(Bool::pb_ge(&majority, n as i32 + 1)));
            let mut next = State {
                suspended: Vec::with_capacity(n),
                voted: Vec::with_capacity(n),
                open: Bool::new_const(format!("open@{t}")),
                adopted: Bool::new_const(format!("adopted@{t}")),
                support: int_support.then(|| Int::new_const(format!("support@{t}"))),
                small: Bool::new_const(format!("small@{t}")),
            };
            for i in 0..n {
                let (before_s, before_v) = (&s.suspended[i], &s.voted[i]);
                if i >= usable
                    && before_s.as_bool() == Some(false)
                    && before_v.as_bool() == Some(false)
                {
                    // No argument can name this member yet: it stays as
                    // it started.
                    next.suspended.push(f());
                    next.voted.push(f());
                    continue;
                }
                let picked = |m: &[Bool]| m.get(i).cloned().unwrap_or_else(f);
                let (vm, sm, rm) = (picked(&vote_m), picked(&suspend_m), picked(&reinstate_m));
                let (voting, suspending, reinstating) =
                    (&vote_e & &vm, &suspend_e & &sm, &reinstate_e & &rm);
                solver.assert(voting.implies(before_s.not() & before_v.not()));
                solver.assert(suspending.implies(before_s.not()));
                solver.assert(reinstating.implies(before_s));
                let after_s = Bool::new_const(format!("suspended{i}@{t}"));
                let after_v = Bool::new_const(format!("voted{i}@{t}"));
                solver.assert(
                    after_s
                        .eq(suspending
                            .ite(&Bool::from_bool(true), &reinstating.ite(&f(), before_s))),
                );
                solver.assert(after_v.eq(open_e.ite(
                    &f(),
                    &voting.ite(&Bool::from_bool(true), &suspending.ite(&f(), before_v)),
                )));
                next.suspended.push(after_s);
                next.voted.push(after_v);
            }
            solver.assert(next.open.eq(&open_e | (&s.open & adopt_e.not())));
            solver.assert(next.adopted.eq(&adopt_e | (&s.adopted & open_e.not())));
            if let (Some(before), Some(after)) = (&s.support, &next.support) {
                let ones: Vec<Int> = s
                    .voted
                    .iter()
                    .map(|v| v.ite(&Int::from_i64(1), &Int::from_i64(0)))
                    .collect();
                let counted = Int::add(&ones);
                solver.assert(
                    after.eq(open_e.ite(&Int::from_i64(0), &adopt_e.ite(&counted, before))),
                );
                solver.assert(after.ge(Int::from_i64(0)));
                solver.assert(after.le(Int::from_i64(n as i64)));
            } else {
                let at_most = Bool::pb_le(&weighted(&s.voted, 1), quarter);
                solver.assert(
                    next.small
                        .eq(open_e.ite(&Bool::from_bool(true), &adopt_e.ite(&at_most, &s.small))),
                );
            }
            if o.symmetry == "prefix" {
                let mut now = Vec::with_capacity(usable);
                for i in 0..usable {
                    let used = (&vote_e & &vote_m[i])
                        | (&suspend_e & &suspend_m[i])
                        | (&reinstate_e & &reinstate_m[i]);
                    let flag = Bool::new_const(format!("seen{i}@{t}"));
                    solver.assert(flag.eq(&seen[i] | used));
                    if i > 0 {
                        solver.assert(flag.implies(&now[i - 1]));
                    }
                    now.push(flag);
                }
                seen.splice(0..usable, now);
            }
            state = next;
        }
        let low = match &state.support {
            Some(support) => support.le(Int::from_i64(quarter as i64)),
            None => state.small.clone(),
        };
        let violated = &state.adopted & low;
        let active = Bool::new_const(format!("depth@{depth}"));
        solver.assert(active.implies(&violated));
        let b1 = cpu();
        building += b1 - b0;
        let answer = solver.check_assumptions(std::slice::from_ref(&active));
        let spent = cpu() - b1;
        solving += spent;
        if spent > slowest.0 {
            slowest = (spent, depth);
        }
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
        "{what} (N = {n}, support {}, symmetry {}): {:.2} s CPU ({:.2} s building terms, {:.2} s in the solver; slowest depth {}: {:.2} s), {:.2} s wall",
        o.support,
        o.symmetry,
        cpu(),
        building,
        solving,
        slowest.1,
        slowest.0,
        started.elapsed().as_secs_f64()
    );
}

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
//!         [--symmetry prefix|bound|none] [--clock int|fold] [--seed S]
//!
//! Prints the depth of the counterexample (or that none exists up to D),
//! the CPU seconds spent building terms and in the solver, and the
//! slowest depth's solver time (see `hand.rs`, shared with `wide_z3.rs`).

#[path = "hand.rs"]
mod hand;

use hand::{exactly_one, number, Bmc, Common};
use z3::ast::{Bool, Int};

struct Options {
    common: Common,
    coup: usize,
    clock: String,
}

fn options() -> Options {
    let mut common = Common {
        members: 1000,
        depth: 100,
        symmetry: "prefix".into(),
        seed: 0,
    };
    let (mut coup, mut clock) = (50, "int".to_string());
    let symmetries = ["prefix", "bound", "none"];
    hand::arguments("toy_z3", &mut common, &symmetries, |flag, value| {
        match flag {
            "--coup" => coup = number("toy_z3", flag, value),
            "--clock" if ["int", "fold"].contains(&value) => clock = value.into(),
            _ => return false,
        }
        true
    });
    Options {
        common,
        coup,
        clock,
    }
}

fn main() {
    let o = options();
    let (n, depth_limit, symmetry) = (o.common.members, o.common.depth, &o.common.symmetry);
    let mut bmc = Bmc::new(o.common.seed);
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
    bmc.solver.assert(clock.eq(Int::from_i64(0)));
    let mut once = Bool::from_bool(false);
    let mut seen: Vec<Bool> = vec![Bool::from_bool(false); n];
    let mut found = None;
    for depth in 0..=depth_limit {
        if depth > 0 {
            let t = depth;
            let elect = Bool::new_const(format!("elect@{t}"));
            let adjourn = Bool::new_const(format!("adjourn@{t}"));
            let coup = Bool::new_const(format!("coup@{t}"));
            let usable = if symmetry == "none" { n } else { n.min(t) };
            let param = |event: &str| -> Vec<Bool> {
                (0..usable)
                    .map(|i| Bool::new_const(format!("{event}.m{i}@{t}")))
                    .collect()
            };
            let (elect_m, coup_m) = (param("elect"), param("coup"));
            bmc.solver
                .assert(exactly_one(&[elect.clone(), adjourn, coup.clone()]));
            bmc.solver.assert(exactly_one(&elect_m));
            bmc.solver.assert(exactly_one(&coup_m));
            let next_clock = clock_at(t);
            let guard = clock.ge(Int::from_i64(o.coup as i64 - 1));
            bmc.solver.assert(coup.implies(&guard));
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
                bmc.solver.assert(elect.implies(after.eq(&em)));
                bmc.solver.assert(coup_adds.implies(&after));
                bmc.solver
                    .assert(Bool::or(&[elect.clone(), coup_adds, after.eq(before)]));
                next.push(after);
            }
            if int_clock {
                bmc.solver.assert(next_clock.eq(&clock + Int::from_i64(1)));
                bmc.solver
                    .assert(next_clock.le(Int::from_i64(depth_limit as i64)));
            }
            once = Bool::or(&[once, elect.clone()]);
            if symmetry == "prefix" {
                let used = (0..usable)
                    .map(|i| (&elect & &elect_m[i]) | (&coup & &coup_m[i]))
                    .collect();
                bmc.named_prefix(&mut seen, t, used);
            }
            chair = next;
            clock = next_clock;
        }
        let violated = &once & exactly_one(&chair).not();
        if bmc.reaches(depth, &violated) {
            found = Some(depth);
            break;
        }
    }
    let model = format!("N = {n}, symmetry {}, clock {}", symmetry, o.clock);
    bmc.report(found, depth_limit, &model);
}

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
//! suspensions: the shortest counterexample suspends N + 1 − 2·⌊N/4⌋
//! members and has ⌊N/4⌋ vote (N = 24: 13 and 6, 21 steps; N = 10: 7 and
//! 2, 11 steps; for N < 4 there is none).
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
//! slowest depth's solver time (see `hand.rs`, shared with `toy_z3.rs`).

#[path = "hand.rs"]
mod hand;

use hand::{exactly_one, weighted, Bmc, Common};
use z3::ast::{Bool, Int};

/// The options: those both models take, and how `support` is kept.
fn options() -> (Common, String) {
    let mut common = Common {
        members: 24,
        depth: 48,
        symmetry: "prefix".into(),
        seed: 0,
    };
    let mut support = "pb".to_string();
    hand::arguments(
        "wide_z3",
        &mut common,
        &["prefix", "none"],
        |flag, value| {
            let ours = flag == "--support" && ["pb", "int"].contains(&value);
            if ours {
                support = value.into();
            }
            ours
        },
    );
    (common, support)
}

/// The support counted at adoption: the integer the model has, or only
/// whether it is at most N/4 (`--support pb`).
enum Support {
    Count(Int),
    AtMostQuarter(Bool),
}

impl Support {
    /// The support of the state after step `t`, kept the same way.
    fn at(&self, t: usize) -> Support {
        match self {
            Support::Count(_) => Support::Count(Int::new_const(format!("support@{t}"))),
            Support::AtMostQuarter(_) => {
                Support::AtMostQuarter(Bool::new_const(format!("small@{t}")))
            }
        }
    }
}

/// One state: per member suspended and voted, the motion, and the support.
struct State {
    suspended: Vec<Bool>,
    voted: Vec<Bool>,
    open: Bool,
    adopted: Bool,
    support: Support,
}

fn main() {
    let (o, support) = options();
    let n = o.members;
    let quarter = (n / 4) as i32; // 4·support > N  ⇔  support > ⌊N/4⌋
    let mut bmc = Bmc::new(o.seed);
    let int_support = support == "int";
    let f = || Bool::from_bool(false);
    let mut state = State {
        suspended: vec![f(); n],
        voted: vec![f(); n],
        open: f(),
        adopted: f(),
        support: if int_support {
            Support::Count(Int::from_i64(0))
        } else {
            Support::AtMostQuarter(Bool::from_bool(true))
        },
    };
    let mut seen: Vec<Bool> = vec![f(); n];
    let mut found = None;
    for depth in 0..=o.depth {
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
            bmc.solver.assert(exactly_one(&[
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
            bmc.solver.assert(exactly_one(&vote_m));
            bmc.solver.assert(exactly_one(&suspend_m));
            bmc.solver.assert(exactly_one(&reinstate_m));
            let s = &state;
            // Guards.
            bmc.solver.assert(open_e.implies(s.open.not()));
            bmc.solver.assert(vote_e.implies(&s.open));
            bmc.solver.assert(adopt_e.implies(&s.open));
            let mut in_good_standing_voted = Vec::with_capacity(n);
            for i in 0..n {
                in_good_standing_voted.push(&s.voted[i] & s.suspended[i].not());
            }
            // 2·#{voted ∧ ¬suspended} > #{¬suspended}
            //   ⇔ 2·#{voted ∧ ¬suspended} + #{suspended} ≥ N + 1
            let mut majority = weighted(&in_good_standing_voted, 2);
            majority.extend(weighted(&s.suspended, 1));
            bmc.solver
                .assert(adopt_e.implies(Bool::pb_ge(&majority, n as i32 + 1)));
            let mut next = State {
                suspended: Vec::with_capacity(n),
                voted: Vec::with_capacity(n),
                open: Bool::new_const(format!("open@{t}")),
                adopted: Bool::new_const(format!("adopted@{t}")),
                support: s.support.at(t),
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
                bmc.solver
                    .assert(voting.implies(before_s.not() & before_v.not()));
                bmc.solver.assert(suspending.implies(before_s.not()));
                bmc.solver.assert(reinstating.implies(before_s));
                let after_s = Bool::new_const(format!("suspended{i}@{t}"));
                let after_v = Bool::new_const(format!("voted{i}@{t}"));
                bmc.solver.assert(
                    after_s
                        .eq(suspending
                            .ite(&Bool::from_bool(true), &reinstating.ite(&f(), before_s))),
                );
                bmc.solver.assert(after_v.eq(open_e.ite(
                    &f(),
                    &voting.ite(&Bool::from_bool(true), &suspending.ite(&f(), before_v)),
                )));
                next.suspended.push(after_s);
                next.voted.push(after_v);
            }
            bmc.solver
                .assert(next.open.eq(&open_e | (&s.open & adopt_e.not())));
            bmc.solver
                .assert(next.adopted.eq(&adopt_e | (&s.adopted & open_e.not())));
            match (&s.support, &next.support) {
                (Support::Count(before), Support::Count(after)) => {
                    let ones: Vec<Int> = s
                        .voted
                        .iter()
                        .map(|v| v.ite(&Int::from_i64(1), &Int::from_i64(0)))
                        .collect();
                    let counted = Int::add(&ones);
                    bmc.solver.assert(
                        after.eq(open_e.ite(&Int::from_i64(0), &adopt_e.ite(&counted, before))),
                    );
                    bmc.solver.assert(after.ge(Int::from_i64(0)));
                    bmc.solver.assert(after.le(Int::from_i64(n as i64)));
                }
                (Support::AtMostQuarter(before), Support::AtMostQuarter(after)) => {
                    let at_most = Bool::pb_le(&weighted(&s.voted, 1), quarter);
                    bmc.solver
                        .assert(after.eq(
                            open_e.ite(&Bool::from_bool(true), &adopt_e.ite(&at_most, before)),
                        ));
                }
                // `Support::at` keeps the way.
                _ => unreachable!("the support kept two ways"),
            }
            if o.symmetry == "prefix" {
                let used = (0..usable)
                    .map(|i| {
                        (&vote_e & &vote_m[i])
                            | (&suspend_e & &suspend_m[i])
                            | (&reinstate_e & &reinstate_m[i])
                    })
                    .collect();
                bmc.named_prefix(&mut seen, t, used);
            }
            state = next;
        }
        let low = match &state.support {
            Support::Count(support) => support.le(Int::from_i64(quarter as i64)),
            Support::AtMostQuarter(low) => low.clone(),
        };
        let violated = &state.adopted & low;
        if bmc.reaches(depth, &violated) {
            found = Some(depth);
            break;
        }
    }
    let model = format!("N = {n}, support {support}, symmetry {}", o.symmetry);
    bmc.report(found, o.depth, &model);
}

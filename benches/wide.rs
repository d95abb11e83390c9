//! Benchmark of the shapes issue 18 measures, each case in a child process
//! (this binary re-executed with `--case`) so that its peak memory is its
//! own, stopped after `--timeout SECONDS` (default 60):
//!
//! * the wide family (N members with suspended/voted bits, a motion, a
//!   count-against-count guard; `benches/peers/wide_*.charter` with `@N@`
//!   and `@DEPTH@` filled in): `check … depth 2N` of the holding property
//!   in both spellings of the guard (natural `2 * #{…} > #{…}`, and the
//!   hand-written bound), `prove` of it, and the planted bug;
//! * the depth curve: the toy "exactly one chairman" family with N = 200
//!   members and a violation possible only at depth k (so the bounded
//!   search goes through every depth up to k), k = 100 … 1000; and the
//!   UNSC rule-20 chain (`chain_terminates` in
//!   `specs/unsc-presidency.charter`) at depths 2 … 8.
//!
//! Run from the crate's root with `cargo bench --bench wide`; `-- --quick`
//! runs a smaller grid. The same wide model in TLA+, against TLC, is in
//! `benches/peers/` (`run.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::peak_memory_kib;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use charter::verify::{Overrides, Verdict};

/// A wide-family template (`holds`, `bound` or `bug`) for `members`,
/// with its command a `check` (or, with `prove`, a `prove`) to depth 2N.
fn wide(variant: &str, members: usize, prove: bool) -> String {
    let path = format!("benches/peers/wide_{variant}.charter");
    let template = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run from the crate's root)"));
    let spec = template
        .replace("@N@", &members.to_string())
        .replace("@DEPTH@", &(2 * members).to_string());
    if prove {
        spec.replace("\ncheck quarter_support", "\nprove quarter_support")
    } else {
        spec
    }
}

/// Runs one case in this process and prints its figures on one line:
/// seconds, peak KiB, verdict (tab-separated).
fn run_case(kind: &str, variant: &str, members: usize, depth: usize, timeout: u64) {
    let (spec, only) = match kind {
        "wide" => (wide(variant, members, false), None),
        "wide-prove" => (wide(variant, members, true), None),
        "toy" => (common::chair_family(members, depth, Some(depth)), None),
        _ => (
            std::fs::read_to_string("specs/unsc-presidency.charter")
                .expect("run from the crate's root"),
            Some("chain_terminates"),
        ),
    };
    let loaded = charter::load(spec.as_bytes()).expect("the case parses");
    let mut charter = loaded.checked.expect("the case checks").charter;
    // The toy family also has a `prove`: the curve is that of `check`.
    if kind == "toy" {
        charter
            .commands
            .retain(|c| matches!(c.kind, charter::hir::CommandKind::Check(_)));
    }
    let mut overrides = Overrides::default();
    overrides.limits.budget = charter::budget::Budget::new(
        Some(Duration::from_secs(timeout)),
        charter::budget::DEFAULT_MAX_MEMORY,
    );
    if kind == "unsc" {
        overrides.depth = Some(depth as u64);
    }
    let started = Instant::now();
    let outcomes = charter::verify::verify(&charter, only, &overrides);
    let seconds = started.elapsed().as_secs_f64();
    let verdict = match outcomes.first().map(|o| &o.verdict) {
        Some(Verdict::Proved { k, .. }) => format!("proved k={k}"),
        Some(Verdict::Counterexample { depth, .. }) => format!("counterexample at {depth}"),
        Some(Verdict::NoneUpTo { depth }) => format!("none up to {depth}"),
        Some(Verdict::Witness { depth, .. }) => format!("witness at {depth}"),
        Some(Verdict::Unknown { reason }) => format!("unknown: {reason}"),
        Some(Verdict::ReplayFailed { message, .. }) => format!("replay failed: {message}"),
        None => "no command".to_string(),
    };
    println!("{seconds:.3}\t{}\t{verdict}", peak_memory_kib());
}

/// Runs one case in a child process and prints its row.
fn row(me: &std::path::Path, case: &str, args: [&str; 4], timeout: u64) {
    let mut child = Command::new(me)
        .arg("--case")
        .args(args)
        .args(["--timeout", &timeout.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run case");
    // The budget stops the solver; the whole case is capped too (reading
    // the trace, minimising it and replaying it come after the search).
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed().as_secs() >= timeout + 5 {
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("case output");
    let line = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = line.trim().split('\t').collect();
    let [n, k] = [args[2], args[3]];
    if let [seconds, kib, verdict] = fields[..] {
        let mib = kib.parse::<f64>().unwrap_or(0.0) / 1024.0;
        println!("{case:<28} {n:>5} {k:>5} {seconds:>9} {mib:>10.1}  {verdict}");
    } else if started.elapsed().as_secs() >= timeout {
        println!("{case:<28} {n:>5} {k:>5}  over {timeout} s (stopped)");
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("");
        println!("{case:<28} {n:>5} {k:>5}  failed: {last}");
    }
}

fn header() {
    println!(
        "{:<28} {:>5} {:>5} {:>9} {:>10}  verdict",
        "case", "N", "k", "time s", "peak MiB"
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let timeout = common::timeout_arg(&args);
    if let Some(i) = args.iter().position(|a| a == "--case") {
        let members = args[i + 3].parse().expect("members");
        let depth = args[i + 4].parse().expect("depth");
        run_case(&args[i + 1], &args[i + 2], members, depth, timeout);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let me = std::env::current_exe().expect("own path");
    println!("wide family: N members, depth 2N (each case stopped after {timeout} s)");
    header();
    let sizes: &[usize] = if quick { &[8] } else { &[8, 12, 16] };
    for &n in sizes {
        let (n_text, k_text) = (n.to_string(), (2 * n).to_string());
        let cases = [
            ("check, natural guard", "wide", "holds"),
            ("check, hand-written bound", "wide", "bound"),
            ("prove, natural guard", "wide-prove", "holds"),
            ("prove, hand-written bound", "wide-prove", "bound"),
            ("planted bug, check", "wide", "bug"),
        ];
        for (case, kind, variant) in cases {
            row(&me, case, [kind, variant, &n_text, &k_text], timeout);
        }
    }
    println!();
    println!("depth curve: toy family, violation only at depth k (the search visits every depth)");
    header();
    let depths: &[usize] = if quick {
        &[50, 100]
    } else {
        &[100, 200, 500, 1000]
    };
    for &k in depths {
        row(
            &me,
            "toy, check",
            ["toy", "-", "200", &k.to_string()],
            timeout,
        );
    }
    println!();
    println!("depth curve: UNSC rule-20 chain (`chain_terminates`), N = the spec's 20 members");
    header();
    let depths = if quick { 2..=5 } else { 2..=8 };
    for k in depths {
        row(
            &me,
            "unsc chain_terminates",
            ["unsc", "-", "20", &k.to_string()],
            timeout,
        );
    }
}

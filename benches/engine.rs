//! Benchmark of the verification engine on a generated family: the
//! "exactly one chairman" charter with N interchangeable members, depth k.
//!
//! Variants: `holds` (the property is true: `check` to depth k as charter
//! runs it, i.e. a short induction attempt first; `bmc`, the bounded search
//! alone to depth k; and `prove`, the unbounded proof) and `violation` (a
//! coup becomes possible at step k/2, so the shortest counterexample has k/2
//! steps).
//!
//! A time-heavy variant (`terms`: six-month terms on a calendar of days)
//! runs the same modes; the `duties` variant runs `charter lint` with its
//! joint obligation check (N members each owing a report; `violation`: a
//! suspension can strand one).
//!
//! Each case runs in a child process (this binary, re-executed with
//! `--case`), so that its peak memory is its own. Run with
//! `cargo bench --bench engine`; `-- --quick` runs a smaller grid, and
//! `-- --timeout SECONDS` bounds each case (default 60).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::peak_memory_kib;
use std::process::Command;
use std::time::Instant;

use charter::verify::{Overrides, Verdict};

/// The time-heavy family: the same chairmanship with a calendar of days,
/// terms of at least six months between elections (a guard reading `last
/// elect`), and the property that consecutive terms start at least six
/// months apart. The violation: from step k/2 on, a coup installs a
/// chairman at any date.
fn terms_family(members: usize, depth: usize, violation: bool) -> String {
    let coup_at = depth / 2;
    let days = 200 * depth;
    let coup = if violation {
        format!(
            "event coup(m: Member)\n  requires clock >= {}\n\nclause coup_rule \"A coup installs a chairman at once.\"\n  on coup(m): chair' = {{m}}, previous_start' = term_start, term_start' = now\n",
            coup_at.saturating_sub(1)
        )
    } else {
        String::new()
    };
    format!(
        r#"charter "Bench: six-month terms, {members} members, depth {depth}"

calendar days 0..{days}
sort Member
var chair: set Member = {{}}
var clock: Int[0..{depth}] = 0
var term_start: Int[0..{days}] = 0
var previous_start: Int[0..{days}]? = none
event elect(m: Member)
  requires last elect is none or at least 6 months after elect
event adjourn
{coup}
clause election "The elected member is the only chairman; a term lasts at least six months."
  on elect(m): chair' = {{m}}, previous_start' = last elect, term_start' = now
clause time "Every event takes one step."
  on any event: clock' = clock + 1

lemma started_at_last "a term starts at the last election, if any":
  always last elect is some implies term_start = value(last elect)
assert spaced "consecutive terms start at least six months apart":
  always previous_start is some implies term_start >= value(previous_start) + 6 months

check spaced depth {depth} scope Member = {members}
prove spaced depth {depth} scope Member = {members}
"#
    )
}

/// The duties family, for `charter lint`'s joint obligation check: each of
/// N members, once asked, must report within 10 days; reports may come in
/// any order and on one day. `holds`: every obligation can always be met
/// (the check must answer every reachable state). `violation`: a member
/// may be suspended, and a suspended member must not report, so a duty
/// can be stranded.
fn duties_family(members: usize, violation: bool) -> String {
    let suspension = if violation {
        "event suspend(m: Member)
clause suspension \"A member may be suspended.\"
  on suspend(m): suspended' = suspended union {m}
clause silence \"A suspended member must not report.\"
  must not report(m) when m in suspended
"
    } else {
        ""
    };
    format!(
        r#"charter "Bench: reports owed by {members} members"

calendar days 0..365
sort Member
var reported: set Member = {{}}
var suspended: set Member = {{}}
event request(m: Member)
event report(m: Member)
{suspension}
clause reporting "A member asked shall report within 10 days."
  on request(m): must report(m) within 10 days
clause record "Reports are recorded."
  on report(m): reported' = reported union {{m}}
"#
    )
}

/// Runs `charter lint` on the duties family and prints one line of figures.
fn run_lint_case(members: usize, depth: usize, violation: bool, timeout: u64) {
    let spec = duties_family(members, violation);
    let started = Instant::now();
    let loaded = charter::load(spec.as_bytes()).expect("the family parses");
    let checked = loaded.checked.expect("the family checks");
    let front_end = started.elapsed();
    let mut overrides = Overrides::default();
    overrides.limits.budget = charter::budget::Budget::new(
        Some(std::time::Duration::from_secs(timeout)),
        charter::budget::DEFAULT_MAX_MEMORY,
    );
    overrides.depth = Some(depth as u64);
    overrides.scopes = vec![("Member".to_string(), members as u64)];
    let solve_start = Instant::now();
    let result = charter::lint::lint(&checked.charter, &overrides);
    let solve = solve_start.elapsed();
    let verdict = match result {
        Ok(report) => {
            let kinds: Vec<&str> = report.findings.iter().map(|f| f.kind.as_str()).collect();
            format!("{} finding(s) {}", kinds.len(), kinds.join(" "))
        }
        Err(unknown) => format!("unknown: {}", unknown.reason),
    };
    print_figures(front_end, solve, &verdict);
}

/// Runs one case in this process and prints one line of figures.
fn run_case(
    family_name: &str,
    members: usize,
    depth: usize,
    violation: bool,
    mode: &str,
    timeout: u64,
) {
    let spec = match family_name {
        "terms" => terms_family(members, depth, violation),
        _ => common::chair_family(members, depth, violation.then_some(depth / 2)),
    };
    let started = Instant::now();
    let loaded = charter::load(spec.as_bytes()).expect("the family parses");
    let checked = loaded.checked.expect("the family checks");
    let front_end = started.elapsed();
    let mut overrides = Overrides::default();
    overrides.limits.budget = charter::budget::Budget::new(
        Some(std::time::Duration::from_secs(timeout)),
        charter::budget::DEFAULT_MAX_MEMORY,
    );
    // "bmc": the bounded search alone, without the induction attempt that
    // normally precedes it.
    overrides.limits.induction_first = mode != "bmc";
    let mut charter = checked.charter;
    charter.commands.retain(|c| match mode {
        "prove" => matches!(c.kind, charter::hir::CommandKind::Prove(_)),
        _ => matches!(c.kind, charter::hir::CommandKind::Check(_)),
    });
    let solve_start = Instant::now();
    let outcomes = charter::verify::verify(&charter, None, &overrides);
    let solve = solve_start.elapsed();
    let verdict = match &outcomes[0].verdict {
        Verdict::Proved { k, .. } => format!("proved k={k}"),
        Verdict::Counterexample { depth, .. } => format!("counterexample at {depth}"),
        Verdict::NoneUpTo { depth } => format!("none up to {depth}"),
        Verdict::Witness { depth, .. } => format!("witness at {depth}"),
        Verdict::Unknown { reason } => format!("unknown: {reason}"),
        Verdict::ReplayFailed { message, .. } => format!("replay failed: {message}"),
    };
    print_figures(front_end, solve, &verdict);
}

/// One case's line, as `run_grid_modes` reads it: front-end and solve
/// seconds, their sum, peak KiB, the verdict.
fn print_figures(front_end: std::time::Duration, solve: std::time::Duration, verdict: &str) {
    println!(
        "{:.3}\t{:.3}\t{:.3}\t{}\t{}",
        front_end.as_secs_f64(),
        solve.as_secs_f64(),
        (front_end + solve).as_secs_f64(),
        peak_memory_kib(),
        verdict
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let timeout = common::timeout_arg(&args);
    if let Some(i) = args.iter().position(|a| a == "--case") {
        let members = args[i + 1].parse().expect("members");
        let depth = args[i + 2].parse().expect("depth");
        let violation = args[i + 3] == "violation";
        let mode = args[i + 4].clone();
        let family_name = args[i + 5].clone();
        if mode == "lint" {
            run_lint_case(members, depth, violation, timeout);
        } else {
            run_case(&family_name, members, depth, violation, &mode, timeout);
        }
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let sizes: &[usize] = if quick {
        &[6, 50, 200]
    } else {
        &[6, 50, 200, 1000]
    };
    let depths: &[usize] = if quick {
        &[10, 50]
    } else {
        &[10, 50, 100, 1000]
    };
    let me = std::env::current_exe().expect("own path");
    println!(
        "engine benchmark: exactly one chairman, N members, depth k (each case stopped after {timeout} s)"
    );
    run_grid(&me, "chair", sizes, depths, timeout);
    println!();
    println!(
        "time-heavy variant: six-month terms on a calendar of days (200 days per step), N members, depth k"
    );
    let (sizes, depths): (&[usize], &[usize]) = if quick {
        (&[6, 50], &[10, 50])
    } else {
        (&[6, 50, 200], &[10, 50, 100])
    };
    run_grid(&me, "terms", sizes, depths, timeout);
    println!();
    println!(
        "duties variant: `charter lint` with the joint obligation check, N members each owing a report, depth k (continuations of up to 2k steps)"
    );
    let (sizes, depths): (&[usize], &[usize]) = if quick {
        (&[2, 4], &[3, 5])
    } else {
        (&[2, 4, 8], &[3, 5, 8])
    };
    run_grid_modes(
        &me,
        "duties",
        sizes,
        depths,
        timeout,
        &[("holds", "lint"), ("violation", "lint")],
    );
}

fn run_grid(me: &std::path::Path, family: &str, sizes: &[usize], depths: &[usize], timeout: u64) {
    let modes = [
        ("holds", "check"),
        ("holds", "bmc"),
        ("holds", "prove"),
        ("violation", "check"),
    ];
    run_grid_modes(me, family, sizes, depths, timeout, &modes);
}

fn run_grid_modes(
    me: &std::path::Path,
    family: &str,
    sizes: &[usize],
    depths: &[usize],
    timeout: u64,
    modes: &[(&str, &str)],
) {
    println!(
        "{:<10} {:>5} {:>5} {:>9} {:>9} {:>9} {:>10}  verdict",
        "case", "N", "k", "front s", "solve s", "total s", "peak MiB"
    );
    for &members in sizes {
        for &depth in depths {
            for &(variant, mode) in modes {
                let mut child = Command::new(me)
                    .args([
                        "--case",
                        &members.to_string(),
                        &depth.to_string(),
                        variant,
                        mode,
                        family,
                        "--timeout",
                        &timeout.to_string(),
                    ])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("run case");
                // Each call to the solver has its own timeout, but a search
                // makes one call per depth: cap the whole case too.
                let started = Instant::now();
                while child.try_wait().expect("wait").is_none() {
                    if started.elapsed().as_secs() >= timeout {
                        let _ = child.kill();
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                let output = child.wait_with_output().expect("case output");
                let line = String::from_utf8_lossy(&output.stdout);
                let fields: Vec<&str> = line.trim().split('\t').collect();
                let case = format!("{variant}/{mode}");
                if fields.len() == 5 {
                    let peak_mib = fields[3].parse::<f64>().unwrap_or(0.0) / 1024.0;
                    println!(
                        "{:<16} {:>5} {:>5} {:>9} {:>9} {:>9} {:>10.1}  {}",
                        case, members, depth, fields[0], fields[1], fields[2], peak_mib, fields[4]
                    );
                } else if started.elapsed().as_secs() >= timeout {
                    println!("{case:<16} {members:>5} {depth:>5}  over {timeout} s (stopped)");
                } else {
                    println!(
                        "{:<16} {:>5} {:>5}  failed: {}",
                        case,
                        members,
                        depth,
                        String::from_utf8_lossy(&output.stderr)
                            .lines()
                            .last()
                            .unwrap_or("")
                    );
                }
            }
        }
    }
}

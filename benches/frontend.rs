//! Front-end benchmark: parse and check a generated spec of 10,000 clauses.
//!
//! `cargo bench --bench frontend` prints the spec's size and the median over
//! several runs of the parse time, the check time and their total. No
//! criterion: `std::time::Instant` and a median are enough to see whether
//! the front end stays well under a second. `CHARTER_BENCH_CLAUSES` and
//! `CHARTER_BENCH_RUNS` override the defaults; `CHARTER_BENCH_WRITE=path`
//! also writes the generated spec there.

#![allow(clippy::panic)]

use std::fmt::Write;
use std::time::{Duration, Instant};

const DEFAULT_CLAUSES: usize = 10_000;
const DEFAULT_RUNS: usize = 9;
const CLAUSES_PER_ARTICLE: usize = 100;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// A realistic spec: a few domains, state and events, then `clauses`
/// clauses grouped into articles, each with an `on` effect guarded by a
/// `when` condition and overridden by an `unless` exception, then asserts.
fn generate(clauses: usize) -> String {
    let mut spec = String::new();
    let w = &mut spec;
    let _ = writeln!(
        w,
        "charter \"Generated rules of procedure, {clauses} clauses\"\n"
    );
    let _ = writeln!(
        w,
        "enum State {{ Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia, Tajikistan }}"
    );
    let _ = writeln!(w, "enum Vote {{ Yes, No, Abstain, Absent }}");
    let _ = writeln!(
        w,
        "enum Stage {{ Draft, Tabled, Debated, Adopted, Rejected }}"
    );
    let _ = writeln!(w, "sort Person");
    let _ = writeln!(w, "sort Motion\n");
    let _ = writeln!(w, "const quorum: Int[0..6] = 4");
    let _ = writeln!(w, "var member: set State = State");
    let _ = writeln!(w, "var head_of_state: State -> Person");
    let _ = writeln!(w, "var chair: set Person = {{}}");
    let _ = writeln!(w, "var ballot: State -> Vote");
    let _ = writeln!(w, "var stage: Motion -> Stage");
    let _ = writeln!(w, "var sessions: Int[0..1000] = 0");
    let _ = writeln!(w, "var suspended: set State = {{}}\n");
    let _ = writeln!(
        w,
        "event regular_session(host: State, decision: set Person)\n  requires host in member"
    );
    let _ = writeln!(
        w,
        "event vote(s: State, v: Vote, m: Motion)\n  requires s in member"
    );
    let _ = writeln!(w, "event table(m: Motion)");
    let _ = writeln!(w, "event suspend(s: State)\n  requires s in member");
    let _ = writeln!(w, "event withdrawal(s: State)\n  requires s in member\n");
    let _ = writeln!(
        w,
        "define yes_votes: Int = #{{s: State | s in member and ballot(s) = Yes}}"
    );
    let _ = writeln!(
        w,
        "define on_council(p: Person): Bool = exists s in member. head_of_state(s) = p\n"
    );
    let _ = writeln!(
        w,
        "axiom distinct_heads \"a person heads at most one state\":\n  always forall a, b: State. a != b implies head_of_state(a) != head_of_state(b)\n"
    );

    let states = [
        "Armenia",
        "Belarus",
        "Kazakhstan",
        "Kyrgyzstan",
        "Russia",
        "Tajikistan",
    ];
    let votes = ["Yes", "No", "Abstain", "Absent"];
    let stages = ["Draft", "Tabled", "Debated", "Adopted", "Rejected"];
    for index in 0..clauses {
        if index % CLAUSES_PER_ARTICLE == 0 {
            if index > 0 {
                let _ = writeln!(w, "}}\n");
            }
            let _ = writeln!(
                w,
                "article {}.{} \"Part {} of the rules\" {{",
                index / CLAUSES_PER_ARTICLE + 1,
                index % 7,
                index / CLAUSES_PER_ARTICLE + 1
            );
        }
        let state = states[index % states.len()];
        let other = states[(index / 3 + 1) % states.len()];
        let vote = votes[index % votes.len()];
        let stage = stages[index % stages.len()];
        let next = stages[(index + 1) % stages.len()];
        let _ = writeln!(
            w,
            "  clause c{index} \"Rule {index}. Unless the Council decides otherwise, the delegation of\n      {state} acts as described here, and its acts take effect at once.\""
        );
        let rule = match index % 5 {
            0 => format!(
                "    on regular_session(host, decision) when host = {state} and sessions < 1000:\n      chair' = {{head_of_state(host)}}, sessions' = sessions + 1\n      unless decision != {{}} and #decision <= 2: chair' = decision\n"
            ),
            1 => format!(
                "    on vote(s, v, m) when s = {state} and stage(m) = {stage}:\n      ballot'(s) = v\n      unless s in suspended or v = {vote}: ballot'(s) = Absent\n"
            ),
            2 => format!(
                "    on table(m) when stage(m) = {stage} and yes_votes >= quorum:\n      stage'(m) = {next}\n      unless #member < quorum: stage'(m) = Rejected\n"
            ),
            3 => format!(
                "    on suspend(s) when s = {state} and not (s in suspended):\n      suspended' += {{s}}\n      unless s = {other} and {other} not in member: suspended' -= {{s}}\n"
            ),
            _ => format!(
                "    on withdrawal(s) when s = {state}:\n      member' -= {{s}}, suspended' -= {{s}}\n      unless #member <= 1 or (exists p in chair. head_of_state(s) = p): member' = member\n"
            ),
        };
        w.push_str(&rule);
    }
    if clauses > 0 {
        let _ = writeln!(w, "}}\n");
    }
    let _ = writeln!(
        w,
        "assert one_chair \"at most one Chairman\":\n  always at most one p: Person. p in chair\n"
    );
    let _ = writeln!(
        w,
        "assert chair_sits \"the Chairman sits on the Council\":\n  always forall p in chair. on_council(p)\n"
    );
    let _ = writeln!(
        w,
        "assert members_stay \"members leave only by withdrawal\":\n  always (exists s: State. (s in member) != previously (s in member)) implies withdrawal(_)\n"
    );
    let _ = writeln!(w, "check one_chair depth 6");
    let _ = writeln!(w, "check chair_sits depth 6");
    let _ = writeln!(w, "prove members_stay depth 4");
    spec
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn main() {
    let clauses = env_number("CHARTER_BENCH_CLAUSES", DEFAULT_CLAUSES);
    let runs = env_number("CHARTER_BENCH_RUNS", DEFAULT_RUNS).max(1);
    let spec = generate(clauses);
    let bytes = spec.as_bytes();
    if let Ok(path) = std::env::var("CHARTER_BENCH_WRITE") {
        // For profiling the CLI on the same input.
        if let Err(error) = std::fs::write(&path, bytes) {
            eprintln!("cannot write {path}: {error}");
        }
    }

    // The spec must be valid, or the benchmark measures an early exit.
    let text = match charter::syntax::decode(bytes) {
        Ok(text) => text,
        Err(error) => panic!("the generated spec is not text: {error}"),
    };
    let ast = match charter::syntax::parse(text) {
        Ok(ast) => ast,
        Err(error) => panic!(
            "the generated spec does not parse: {error} at {}",
            error.span()
        ),
    };
    let checked = match charter::check::check(&ast) {
        Ok(checked) => checked,
        Err(errors) => panic!(
            "the generated spec does not check: {:?}",
            &errors[..errors.len().min(3)]
        ),
    };
    let summary = charter::report::summary(&checked.charter);
    drop((ast, checked));

    let mut parse_times = Vec::new();
    let mut check_times = Vec::new();
    let mut totals = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let text = charter::syntax::decode(bytes).ok();
        let ast = text.and_then(|text| charter::syntax::parse(text).ok());
        let parsed = Instant::now();
        let checked = ast.as_ref().map(charter::check::check);
        let done = Instant::now();
        assert!(matches!(checked, Some(Ok(_))));
        parse_times.push(parsed - start);
        check_times.push(done - parsed);
        totals.push(done - start);
        // Dropping the trees is part of a real run but not of either phase.
        drop((checked, ast));
    }

    println!("charter front end: {clauses} clauses ({summary})");
    println!(
        "  size   {} bytes ({:.2} MiB), {} lines",
        bytes.len(),
        bytes.len() as f64 / (1024.0 * 1024.0),
        spec.lines().count()
    );
    println!("  parse  {} (median of {runs})", ms(median(parse_times)));
    println!("  check  {} (median of {runs})", ms(median(check_times)));
    println!("  total  {} (median of {runs})", ms(median(totals)));
}

//! What honest verdicts cost: for every spec in `specs/`, the time of
//! `verify` (all its commands) in three variants, measured side by side in
//! one run, interleaved, the median of `CHARTER_BENCH_RUNS` (default 3):
//!
//! * `bare` — no content minimisation, no blocking check;
//! * `+minimise` — counterexamples and witnesses minimised at their length;
//! * `+blocking` — both, as `charter verify` runs by default.
//!
//! `cargo bench --bench verdicts` prints a table with the ratios to `bare`.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use charter::verify::{self, Overrides};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let runs = env_number("CHARTER_BENCH_RUNS", 3).max(1);
    let mut specs: Vec<std::path::PathBuf> = std::fs::read_dir("specs")
        .expect("run from the crate's root")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "charter"))
        .collect();
    specs.sort();
    let variant = |minimise: bool, blocking: bool| {
        let mut overrides = Overrides {
            skip_blocking_check: !blocking,
            ..Overrides::default()
        };
        overrides.limits.minimise = minimise;
        overrides
    };
    let variants = [
        ("bare", variant(false, false)),
        ("+minimise", variant(true, false)),
        ("+blocking", variant(true, true)),
    ];
    println!(
        "{:<32} {:>10} {:>16} {:>16}",
        "spec", "bare", "+minimise", "+blocking"
    );
    for path in specs {
        let bytes = std::fs::read(&path).unwrap();
        let charter = charter::load(&bytes)
            .unwrap()
            .checked
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
            .charter;
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
        for _ in 0..runs {
            for (index, (_, overrides)) in variants.iter().enumerate() {
                let start = Instant::now();
                let outcomes = verify::verify(&charter, None, overrides);
                times[index].push(start.elapsed());
                assert!(!outcomes.is_empty());
            }
        }
        let medians: Vec<Duration> = times.into_iter().map(median).collect();
        let bare = medians[0].as_secs_f64().max(1e-9);
        let cell =
            |d: Duration| format!("{:.2} s ({:.2}×)", d.as_secs_f64(), d.as_secs_f64() / bare);
        println!(
            "{:<32} {:>8.2} s {:>16} {:>16}",
            path.file_name().unwrap().to_string_lossy(),
            medians[0].as_secs_f64(),
            cell(medians[1]),
            cell(medians[2]),
        );
    }
}

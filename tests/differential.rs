//! Differential testing: random well-typed specs, every command decided by
//! both engines (SMT and explicit-state), verdicts compared.
//!
//! The generator draws a seed with proptest and builds a small structured
//! model from it with its own deterministic generator, then prints the
//! model as charter source. Building from a seed (rather than composing
//! proptest strategies) keeps the dependent typing simple: which
//! expressions are well typed depends on the sorts and variables already
//! drawn. A failing case prints its whole source, to be minimised by hand
//! into a fixture.
//!
//! The run is deterministic: a fixed ChaCha seed and no failure
//! persistence. `CHARTER_DIFF_CASES=N` runs N cases instead of 500;
//! `CHARTER_DIFF_SEED=N` changes the run's seed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::fmt::Write as _;

use charter::verify::{self, Overrides, Verdict};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// The explicit engine's budget of distinct states: above it, "unknown".
const MAX_STATES: usize = 20_000;

/// A small deterministic generator (SplitMix64), seeded by proptest.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    /// True with probability `percent`%.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }
}

/// An element sort: an enum (with its values) or the abstract sort.
#[derive(Clone)]
struct Sort {
    name: String,
    /// The enum's values, or the abstract sort's named elements (maybe
    /// none): either are constants expressions may use.
    values: Vec<String>,
    is_abstract: bool,
}

#[derive(Clone)]
enum Ty {
    Bool,
    Int(i64),
    Elem(usize),
    Set(usize),
    /// A function from an element sort to Bool (`None`) or to an enum.
    Fun(usize, Option<usize>),
    Opt(usize),
}

struct Var {
    name: String,
    ty: Ty,
}

struct Event {
    name: String,
    params: Vec<usize>,
}

/// What an expression may mention.
struct Ctx<'a> {
    /// Names bound to element sorts: event parameters, quantified variables.
    locals: Vec<(String, usize)>,
    /// Whether `x'` may be read (effects' conditions, constraints).
    primed: bool,
    /// Whether past-time operators and event tests may be used.
    past: bool,
    events: &'a [Event],
}

struct Model {
    sorts: Vec<Sort>,
    scope: usize,
    vars: Vec<Var>,
    events: Vec<Event>,
}

impl Model {
    fn elem(&self, g: &mut Gen, ctx: &Ctx, sort: usize, depth: usize) -> String {
        let mut options: Vec<String> = self.sorts[sort].values.clone();
        for (name, s) in &ctx.locals {
            if *s == sort {
                options.push(name.clone());
                options.push(name.clone());
            }
        }
        for v in &self.vars {
            match v.ty {
                Ty::Elem(s) if s == sort => {
                    options.push(self.maybe_primed(g, ctx, &v.name));
                }
                Ty::Fun(from, Some(to)) if to == sort && depth > 0 => {
                    let arg = self.elem(g, ctx, from, depth - 1);
                    options.push(format!("{}({arg})", self.maybe_primed(g, ctx, &v.name)));
                }
                _ => {}
            }
        }
        if options.is_empty() {
            // Only an abstract sort can lack elements here; a variable of
            // each sort is always declared, so this is unreachable.
            panic!("no element of sort {}", self.sorts[sort].name);
        }
        g.pick(&options).clone()
    }

    fn maybe_primed(&self, g: &mut Gen, ctx: &Ctx, name: &str) -> String {
        if ctx.primed && g.chance(15) {
            format!("{name}'")
        } else {
            name.to_string()
        }
    }

    fn int(&self, g: &mut Gen, ctx: &Ctx) -> String {
        let ints: Vec<&Var> = self
            .vars
            .iter()
            .filter(|v| matches!(v.ty, Ty::Int(_)))
            .collect();
        let sets: Vec<&Var> = self
            .vars
            .iter()
            .filter(|v| matches!(v.ty, Ty::Set(_)))
            .collect();
        match g.range(0, 3) {
            0 | 1 if !ints.is_empty() => {
                let name = g.pick(&ints).name.clone();
                self.maybe_primed(g, ctx, &name)
            }
            2 if !sets.is_empty() => format!("#{}", g.pick(&sets).name),
            // Literals stay in every integer variable's range (a literal
            // outside the range it is compared with is a type error).
            _ => {
                let hi = ints
                    .iter()
                    .filter_map(|v| match v.ty {
                        Ty::Int(hi) => Some(hi as usize),
                        _ => None,
                    })
                    .min()
                    .unwrap_or(3);
                g.range(0, hi).to_string()
            }
        }
    }

    fn atom(&self, g: &mut Gen, ctx: &Ctx, depth: usize) -> String {
        loop {
            match g.range(0, 11) {
                0 => return g.pick(&["true", "false"]).to_string(),
                1 | 2 => {
                    let v = g.pick(&self.vars);
                    match v.ty {
                        Ty::Bool => return self.maybe_primed(g, ctx, &v.name),
                        Ty::Int(_) => {
                            let a = self.maybe_primed(g, ctx, &v.name);
                            let op = g.pick(&["=", "!=", "<", "<=", ">", ">="]);
                            return format!("{a} {op} {}", self.int(g, ctx));
                        }
                        Ty::Elem(s) => {
                            let a = self.maybe_primed(g, ctx, &v.name);
                            let op = g.pick(&["=", "!="]);
                            return format!("{a} {op} {}", self.elem(g, ctx, s, depth));
                        }
                        Ty::Set(s) => {
                            let e = self.elem(g, ctx, s, depth);
                            let name = self.maybe_primed(g, ctx, &v.name);
                            let op = g.pick(&["in", "not in"]);
                            return format!("{e} {op} {name}");
                        }
                        Ty::Fun(from, to) => {
                            let arg = self.elem(g, ctx, from, depth.saturating_sub(1));
                            let app = format!("{}({arg})", self.maybe_primed(g, ctx, &v.name));
                            return match to {
                                None => app,
                                Some(to) => format!("{app} = {}", self.elem(g, ctx, to, 0)),
                            };
                        }
                        Ty::Opt(s) => {
                            let name = self.maybe_primed(g, ctx, &v.name);
                            return match g.range(0, 2) {
                                0 => format!("{name} is none"),
                                1 => format!("{name} is some"),
                                _ => format!("{name} = {}", self.elem(g, ctx, s, 0)),
                            };
                        }
                    }
                }
                3 => {
                    return format!("{} {} {}", self.int(g, ctx), g.pick(&["=", "<", ">="]), {
                        self.int(g, ctx)
                    })
                }
                4 if depth > 0 => {
                    let sort = g.range(0, self.sorts.len() - 1);
                    let x = format!("q{}", ctx.locals.len());
                    let inner = Ctx {
                        locals: [ctx.locals.clone(), vec![(x.clone(), sort)]].concat(),
                        primed: ctx.primed,
                        past: ctx.past,
                        events: ctx.events,
                    };
                    let q = g.pick(&["forall", "exists", "no", "exactly one", "at most one"]);
                    let body = self.bool(g, &inner, depth - 1);
                    return format!("({q} {x}: {}. {body})", self.sorts[sort].name);
                }
                5 | 6 if ctx.past => {
                    let e = g.pick(ctx.events);
                    if e.params.is_empty() || g.chance(40) {
                        return e.name.clone();
                    }
                    let args: Vec<String> = e
                        .params
                        .iter()
                        .map(|&s| {
                            if g.chance(40) {
                                "_".to_string()
                            } else {
                                self.elem(g, ctx, s, 0)
                            }
                        })
                        .collect();
                    return format!("{}({})", e.name, args.join(", "));
                }
                7 | 8 if ctx.past && depth > 0 => {
                    let op = g.pick(&["once", "historically", "previously"]);
                    return format!("{op} ({})", self.bool(g, ctx, depth - 1));
                }
                9 if ctx.past && depth > 0 => {
                    let a = self.bool(g, ctx, depth - 1);
                    let b = self.bool(g, ctx, depth - 1);
                    return format!("(({a}) since ({b}))");
                }
                _ => {}
            }
        }
    }

    fn bool(&self, g: &mut Gen, ctx: &Ctx, depth: usize) -> String {
        if depth == 0 || g.chance(45) {
            return self.atom(g, ctx, depth);
        }
        let a = self.bool(g, ctx, depth - 1);
        let b = self.bool(g, ctx, depth - 1);
        match g.range(0, 4) {
            0 => format!("not ({a})"),
            1 => format!("({a} and {b})"),
            2 => format!("({a} or {b})"),
            3 => format!("({a} implies {b})"),
            _ => format!("({a} iff {b})"),
        }
    }

    fn effect(&self, g: &mut Gen, ctx: &Ctx) -> String {
        let v = g.pick(&self.vars);
        match v.ty {
            Ty::Bool => format!("{}' = {}", v.name, self.bool(g, ctx, 1)),
            Ty::Int(_) => match g.range(0, 2) {
                0 => format!("{n}' = {n} + 1", n = v.name),
                1 => format!("{n}' = {n} - 1", n = v.name),
                _ => format!("{}' = {}", v.name, self.int(g, ctx)),
            },
            Ty::Elem(s) => format!("{}' = {}", v.name, self.elem(g, ctx, s, 1)),
            Ty::Set(s) => {
                let op = g.pick(&["+=", "-="]);
                format!("{}' {op} {}", v.name, self.elem(g, ctx, s, 1))
            }
            Ty::Fun(from, to) => {
                let arg = self.elem(g, ctx, from, 0);
                let value = match to {
                    None => self.bool(g, ctx, 1),
                    Some(to) => self.elem(g, ctx, to, 1),
                };
                format!("{}'({arg}) = {value}", v.name)
            }
            Ty::Opt(s) => {
                if g.chance(30) {
                    format!("{}' = none", v.name)
                } else {
                    format!("{}' = {}", v.name, self.elem(g, ctx, s, 0))
                }
            }
        }
    }

    fn effects(&self, g: &mut Gen, ctx: &Ctx) -> String {
        let n = g.range(1, 2);
        (0..n)
            .map(|_| self.effect(g, ctx))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn condition(&self, g: &mut Gen, ctx: &Ctx) -> String {
        self.bool(g, ctx, 1)
    }

    /// Exceptions after a rule's effects, nested up to `depth`.
    fn exceptions(&self, g: &mut Gen, ctx: &Ctx, out: &mut String, indent: &str, depth: usize) {
        let n = if g.chance(50) { 0 } else { g.range(1, 2) };
        for _ in 0..n {
            let cond = self.condition(g, ctx);
            if depth > 0 && g.chance(35) {
                writeln!(out, "{indent}unless {cond}: {{").unwrap();
                writeln!(out, "{indent}  {}", self.effects(g, ctx)).unwrap();
                self.exceptions(g, ctx, out, &format!("{indent}  "), depth - 1);
                writeln!(out, "{indent}}}").unwrap();
            } else {
                writeln!(out, "{indent}unless {cond}: {}", self.effects(g, ctx)).unwrap();
            }
        }
    }
}

fn type_name(sorts: &[Sort], ty: &Ty) -> String {
    match ty {
        Ty::Bool => "Bool".into(),
        Ty::Int(hi) => format!("Int[0..{hi}]"),
        Ty::Elem(s) => sorts[*s].name.clone(),
        Ty::Set(s) => format!("set {}", sorts[*s].name),
        Ty::Fun(from, None) => format!("{} -> Bool", sorts[*from].name),
        Ty::Fun(from, Some(to)) => format!("{} -> {}", sorts[*from].name, sorts[*to].name),
        Ty::Opt(s) => format!("{}?", sorts[*s].name),
    }
}

/// A random well-typed spec with a handful of commands.
fn spec(seed: u64) -> String {
    let mut g = Gen(seed);
    let mut sorts = Vec::new();
    let low = if g.chance(50) { 0 } else { 1 };
    let enums = g.range(low, 2);
    let abstract_sort = enums == 0 || g.chance(40);
    for i in 0..enums {
        let n = g.range(2, 3);
        let prefix = ["a", "b"][i];
        sorts.push(Sort {
            name: format!("E{i}"),
            values: (0..n).map(|k| format!("{prefix}{k}")).collect(),
            is_abstract: false,
        });
    }
    let scope = g.range(2, 3);
    if abstract_sort {
        // Up to two named elements, which expressions then tell apart from
        // the others (symmetry breaking must leave them in place).
        let names = g.range(0, 2);
        sorts.push(Sort {
            name: "P".into(),
            values: (0..names).map(|k| format!("n{k}")).collect(),
            is_abstract: true,
        });
    }
    let enum_ids: Vec<usize> = (0..enums).collect();

    // One variable of each sort (so every sort has an element to write),
    // then a few more of random types.
    let mut vars = Vec::new();
    for s in 0..sorts.len() {
        vars.push(Var {
            name: format!("v{}", vars.len()),
            ty: Ty::Elem(s),
        });
    }
    let extra = g.range(1, 3);
    // At most one function: its initial values multiply the explicit
    // engine's initial states.
    let mut functions = 0;
    for _ in 0..extra {
        let s = g.range(0, sorts.len() - 1);
        let mut pick = g.range(0, 5);
        if pick == 3 && functions > 0 {
            pick = 5;
        }
        let ty = match pick {
            0 => Ty::Bool,
            1 => Ty::Int(g.range(1, 3) as i64),
            2 => Ty::Set(s),
            3 => {
                let to = if enum_ids.is_empty() || g.chance(50) {
                    None
                } else {
                    Some(*g.pick(&enum_ids))
                };
                functions += 1;
                Ty::Fun(s, to)
            }
            4 => Ty::Opt(s),
            _ => Ty::Elem(s),
        };
        vars.push(Var {
            name: format!("v{}", vars.len()),
            ty,
        });
    }
    let n_events = g.range(1, 3);
    let events: Vec<Event> = (0..n_events)
        .map(|i| Event {
            name: format!("e{i}"),
            params: (0..g.range(0, 2))
                .map(|_| g.range(0, sorts.len() - 1))
                .collect(),
        })
        .collect();
    let model = Model {
        sorts,
        scope,
        vars,
        events,
    };

    let mut out = String::from("charter \"differential\"\n\n");
    for s in &model.sorts {
        if s.is_abstract && s.values.is_empty() {
            writeln!(out, "sort {}", s.name).unwrap();
        } else if s.is_abstract {
            writeln!(out, "sort {} names {}", s.name, s.values.join(", ")).unwrap();
        } else {
            writeln!(out, "enum {} {{ {} }}", s.name, s.values.join(", ")).unwrap();
        }
    }
    let plain = Ctx {
        locals: Vec::new(),
        primed: false,
        past: false,
        events: &model.events,
    };
    for v in &model.vars {
        let init = if g.chance(15) {
            None
        } else {
            match &v.ty {
                Ty::Bool => Some(g.pick(&["true", "false"]).to_string()),
                Ty::Int(hi) => Some(g.range(0, *hi as usize).to_string()),
                Ty::Elem(s) if !model.sorts[*s].values.is_empty() => {
                    Some(g.pick(&model.sorts[*s].values).clone())
                }
                Ty::Set(s) => Some(if g.chance(70) {
                    "{}".to_string()
                } else {
                    model.sorts[*s].name.clone()
                }),
                Ty::Opt(_) => Some("none".to_string()),
                _ => None,
            }
        };
        let ty = type_name(&model.sorts, &v.ty);
        match init {
            Some(init) => writeln!(out, "var {}: {ty} = {init}", v.name).unwrap(),
            None => writeln!(out, "var {}: {ty}", v.name).unwrap(),
        }
    }
    out.push('\n');
    for e in &model.events {
        let params: Vec<String> = e
            .params
            .iter()
            .enumerate()
            .map(|(i, s)| format!("p{i}: {}", model.sorts[*s].name))
            .collect();
        write!(out, "event {}({})", e.name, params.join(", ")).unwrap();
        if g.chance(35) {
            let ctx = Ctx {
                locals: e
                    .params
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (format!("p{i}"), *s))
                    .collect(),
                ..plain
            };
            let ctx = Ctx {
                events: &model.events,
                ..ctx
            };
            write!(out, "\n  requires {}", model.condition(&mut g, &ctx)).unwrap();
        }
        out.push('\n');
    }
    out.push('\n');
    if g.chance(25) {
        writeln!(out, "axiom ax: always {}", model.bool(&mut g, &plain, 1)).unwrap();
    }
    let n_clauses = g.range(1, 3);
    for c in 0..n_clauses {
        // Priority: a clause may override some earlier ones (so the order
        // is acyclic), a list at times.
        let mut overrides: Vec<String> = Vec::new();
        if c > 0 && g.chance(40) {
            for earlier in 0..c {
                if g.chance(70) {
                    overrides.push(format!("c{earlier}"));
                }
            }
        }
        let overrides = if overrides.is_empty() {
            String::new()
        } else {
            format!(" overrides {}", overrides.join(", "))
        };
        writeln!(out, "clause c{c}{overrides} \"rule {c}\"").unwrap();
        for _ in 0..g.range(1, 2) {
            let e = g.pick(&model.events);
            let (head, locals) = if g.chance(15) {
                let except = if g.chance(50) {
                    format!(" except {}", g.pick(&model.events).name)
                } else {
                    String::new()
                };
                (format!("any event{except}"), Vec::new())
            } else if e.params.is_empty() {
                (e.name.clone(), Vec::new())
            } else {
                let mut locals = Vec::new();
                let pats: Vec<String> = e
                    .params
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        if g.chance(20) {
                            "_".to_string()
                        } else {
                            locals.push((format!("x{i}"), *s));
                            format!("x{i}")
                        }
                    })
                    .collect();
                (format!("{}({})", e.name, pats.join(", ")), locals)
            };
            let ctx = Ctx {
                locals,
                primed: true,
                past: false,
                events: &model.events,
            };
            let when = if g.chance(40) {
                format!(" when {}", model.condition(&mut g, &ctx))
            } else {
                String::new()
            };
            writeln!(out, "  on {head}{when}: {}", model.effects(&mut g, &ctx)).unwrap();
            model.exceptions(&mut g, &ctx, &mut out, "    ", 2);
        }
        if g.chance(15) {
            let ctx = Ctx {
                locals: Vec::new(),
                primed: true,
                past: false,
                events: &model.events,
            };
            writeln!(out, "  always {}", model.bool(&mut g, &ctx, 1)).unwrap();
        }
    }
    out.push('\n');

    let past = Ctx {
        locals: Vec::new(),
        primed: false,
        past: true,
        events: &model.events,
    };
    let scope = if model.sorts.iter().any(|s| s.is_abstract) {
        format!(" scope P = {}", model.scope)
    } else {
        String::new()
    };
    let depth = g.range(2, 4);
    let property = if g.chance(30) {
        format!(
            "{} implies {}",
            model.bool(&mut g, &past, 1),
            model.bool(&mut g, &past, 2)
        )
    } else {
        model.bool(&mut g, &past, 2)
    };
    writeln!(out, "assert a: always {property}").unwrap();
    writeln!(out, "check a depth {depth}{scope}").unwrap();
    if g.chance(40) {
        writeln!(out, "prove a depth {}{scope}", g.range(1, 3)).unwrap();
    }
    if g.chance(60) {
        let cond = model.bool(&mut g, &past, 2);
        writeln!(out, "scenario s: {cond} depth {}{scope}", g.range(2, 4)).unwrap();
    }
    out
}

#[derive(Default)]
struct Tally {
    compared: usize,
    skipped: usize,
}

/// Runs every command of `source` under both engines; `Err` describes a
/// disagreement or a failed replay.
fn compare(source: &str, tally: &mut Tally) -> Result<(), String> {
    let loaded = charter::load(source.as_bytes())
        .unwrap_or_else(|e| panic!("generator bug: syntax error {e:?} in\n{source}"));
    let charter = loaded
        .checked
        .unwrap_or_else(|e| panic!("generator bug: {e:?} in\n{source}"))
        .charter;
    let explicit = Overrides {
        engine: verify::Engine::Explicit {
            max_states: MAX_STATES,
        },
        // Only the verdicts are compared: what they rest on is the SMT
        // engine's blocking check either way.
        skip_blocking_check: true,
        ..Overrides::default()
    };
    let by_smt = verify::verify(
        &charter,
        None,
        &Overrides {
            skip_blocking_check: true,
            ..Overrides::default()
        },
    );
    let by_explicit = verify::verify(&charter, None, &explicit);
    for (s, e) in by_smt.iter().zip(&by_explicit) {
        for (engine, o) in [("smt", s), ("explicit", e)] {
            if let Verdict::ReplayFailed { message, .. } = &o.verdict {
                return Err(format!("{}: {engine} replay failed: {message}", o.command));
            }
        }
        match (
            common::conclusive(&s.verdict),
            common::conclusive(&e.verdict),
        ) {
            (Some(a), Some(b)) if a != b => {
                return Err(format!(
                    "{}: engines disagree: smt {a}, explicit {b}\nsmt: {:?}\nexplicit: {:?}",
                    s.command, s.verdict, e.verdict
                ));
            }
            (Some(_), Some(_)) => tally.compared += 1,
            _ => tally.skipped += 1,
        }
    }
    Ok(())
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn engines_agree_on_random_specs() {
    let cases = env_u64("CHARTER_DIFF_CASES").unwrap_or(500) as u32;
    let seed = env_u64("CHARTER_DIFF_SEED").unwrap_or(0x00C4_A87E);
    let config = Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        // A case is a seed: shrinking it gives an unrelated spec.
        max_shrink_iters: 0,
        ..Config::default()
    };
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let tally = std::cell::RefCell::new(Tally::default());
    let result = runner.run(&proptest::num::u64::ANY, |seed| {
        let source = spec(seed);
        compare(&source, &mut tally.borrow_mut()).map_err(|message| {
            proptest::test_runner::TestCaseError::fail(format!("{message}\n--- spec ---\n{source}"))
        })
    });
    let tally = tally.into_inner();
    eprintln!(
        "differential: {cases} specs, {} commands agree, {} not comparable",
        tally.compared, tally.skipped
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        tally.compared >= tally.skipped,
        "too few comparable commands: {} of {}",
        tally.compared,
        tally.compared + tally.skipped
    );
}

/// A spec printed by the generator (for looking at what it makes).
#[test]
fn generator_prints_loadable_specs() {
    let mut with_overrides = 0;
    for seed in 0..200 {
        let source = spec(seed);
        with_overrides += usize::from(source.contains(" overrides "));
        let loaded = charter::load(source.as_bytes()).unwrap_or_else(|e| panic!("{e:?}\n{source}"));
        assert!(
            loaded.checked.is_ok(),
            "{:?}\n{source}",
            loaded.checked.err()
        );
    }
    // Clause priority is drawn often enough for both engines to meet it.
    assert!(
        with_overrides >= 20,
        "only {with_overrides} of 200 specs override a clause"
    );
}

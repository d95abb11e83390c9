//! Exact integer arithmetic near the ends of i64: random expressions (`+`,
//! `-`, `*`, unary `-`, counts, shares, comparisons) over variables with
//! values and ranges near the bounds, decided by Z3 (after lowering and
//! constant folding), by the explicit engine (which evaluates with `eval`)
//! and replayed by `eval`, against a reference computed here in i128.
//!
//! The reference also says when the checker must refuse: exactly when the
//! interval of some integer subexpression, computed from the declared
//! ranges, leaves i64 (`integer_overflow`), or a share is of a number that
//! is never positive (`bad_share`). Otherwise every engine must give the
//! exact answer: no saturation, no wrapping, no panic.
//!
//! The semantic fixtures about integers at the bounds must also meet their
//! expectations under both engines.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use charter::verify::{self, Outcome, Overrides, Verdict};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

const MIN: i128 = i64::MIN as i128;
const MAX: i128 = i64::MAX as i128;

/// An integer expression as it is printed (fully parenthesised).
#[derive(Clone, Debug)]
enum E {
    /// A literal: written non-negative (negatives are `Neg`).
    Lit(i64),
    /// Variable `a` or `b`.
    Var(usize),
    /// `#s`, with `s` a set over an enum of three values.
    Card,
    Neg(Box<E>),
    Add(Box<E>, Box<E>),
    Sub(Box<E>, Box<E>),
    /// A product; the first factor is constant (literals only), written on
    /// the left or on the right.
    Mul(Box<E>, Box<E>, bool),
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn text(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
    fn holds(self, a: i128, b: i128) -> bool {
        match self {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }
}

/// A variable: its declared range and initial value.
#[derive(Clone, Debug)]
struct Var {
    low: i64,
    high: i64,
    value: i64,
}

#[derive(Clone, Debug)]
struct Case {
    vars: [Var; 2],
    /// Members of `s` among `A, B, C`.
    set: [bool; 3],
    /// The property `lhs op rhs`, or `lhs op p/q of rhs`.
    lhs: E,
    op: Op,
    share: Option<(i64, i64)>,
    rhs: E,
    /// `r' = effect` on `tick`, with `r` in `r_range` (starting at its low
    /// end).
    effect: E,
    r_range: (i64, i64),
}

fn print(e: &E, out: &mut String) {
    match e {
        E::Lit(v) => out.push_str(&v.to_string()),
        E::Var(i) => out.push_str(["a", "b"][*i]),
        E::Card => out.push_str("#s"),
        E::Neg(x) => {
            out.push_str("(-");
            print(x, out);
            out.push(')');
        }
        E::Add(x, y) | E::Sub(x, y) => {
            out.push('(');
            print(x, out);
            out.push_str(if matches!(e, E::Add(..)) {
                " + "
            } else {
                " - "
            });
            print(y, out);
            out.push(')');
        }
        E::Mul(k, x, left) => {
            out.push('(');
            let (first, second) = if *left { (k, x) } else { (x, k) };
            print(first, out);
            out.push_str(" * ");
            print(second, out);
            out.push(')');
        }
    }
}

fn literal(v: i128) -> String {
    if v >= 0 {
        v.to_string()
    } else if v == MIN {
        "(-9223372036854775807 - 1)".into()
    } else {
        format!("(-{})", -v)
    }
}

fn source(case: &Case) -> String {
    let mut property = String::new();
    print(&case.lhs, &mut property);
    property.push_str(&format!(" {} ", case.op.text()));
    if let Some((p, q)) = case.share {
        property.push_str(&format!("{p}/{q} of "));
    }
    print(&case.rhs, &mut property);
    let mut effect = String::new();
    print(&case.effect, &mut effect);
    let members: Vec<&str> = ["A", "B", "C"]
        .iter()
        .zip(case.set)
        .filter(|(_, m)| *m)
        .map(|(n, _)| *n)
        .collect();
    let [a, b] = &case.vars;
    let (r_low, r_high) = case.r_range;
    format!(
        "charter \"arithmetic\"\n\
         enum E {{ A, B, C }}\n\
         var a: Int[{}..{}] = {}\n\
         var b: Int[{}..{}] = {}\n\
         var s: set E = {{{}}}\n\
         var r: Int[{}..{}] = {}\n\
         event tick\n\
         clause stepping \"A tick computes r.\"\n  on tick: r' = {effect}\n\
         assert p: always {property}\n\
         check p depth 0\n\
         scenario stepped: tick depth 1\n",
        a.low,
        a.high,
        literal(a.value.into()),
        b.low,
        b.high,
        literal(b.value.into()),
        members.join(", "),
        r_low,
        r_high,
        literal(r_low.into()),
    )
}

/// The range the checker gives `e`, or `None` when some subexpression's
/// range leaves i64.
fn interval(e: &E, case: &Case) -> Option<(i128, i128)> {
    let fits = |(low, high): (i128, i128)| (MIN..=MAX).contains(&low) && high <= MAX;
    let range = match e {
        E::Lit(v) => (i128::from(*v), i128::from(*v)),
        E::Var(i) => (case.vars[*i].low.into(), case.vars[*i].high.into()),
        E::Card => (0, 3),
        E::Neg(x) => {
            let (low, high) = interval(x, case)?;
            (-high, -low)
        }
        E::Add(x, y) => {
            let (a, b) = (interval(x, case)?, interval(y, case)?);
            (a.0 + b.0, a.1 + b.1)
        }
        E::Sub(x, y) => {
            let (a, b) = (interval(x, case)?, interval(y, case)?);
            (a.0 - b.1, a.1 - b.0)
        }
        E::Mul(k, x, _) => {
            let (a, b) = (interval(k, case)?, interval(x, case)?);
            let products = [a.0 * b.0, a.0 * b.1, a.1 * b.0, a.1 * b.1];
            (
                *products.iter().min().unwrap(),
                *products.iter().max().unwrap(),
            )
        }
    };
    fits(range).then_some(range)
}

/// The value of `e` in the initial state, exactly.
fn value(e: &E, case: &Case) -> i128 {
    match e {
        E::Lit(v) => (*v).into(),
        E::Var(i) => case.vars[*i].value.into(),
        E::Card => case.set.iter().filter(|m| **m).count() as i128,
        E::Neg(x) => -value(x, case),
        E::Add(x, y) => value(x, case) + value(y, case),
        E::Sub(x, y) => value(x, case) - value(y, case),
        E::Mul(k, x, _) => value(k, case) * value(x, case),
    }
}

/// What the checker must say (its codes) or what the commands must find.
#[derive(Debug, PartialEq, Eq)]
enum Expected {
    Refused(BTreeSet<String>),
    Verdicts(Vec<String>),
}

fn expected(case: &Case) -> Expected {
    let mut codes = BTreeSet::new();
    let lhs = interval(&case.lhs, case);
    let rhs = interval(&case.rhs, case);
    let effect = interval(&case.effect, case);
    if lhs.is_none() || rhs.is_none() || effect.is_none() {
        codes.insert("charter::check::integer_overflow".to_string());
    }
    if let (Some(_), Some((_, high))) = (case.share, rhs) {
        if high <= 0 {
            codes.insert("charter::check::bad_share".to_string());
        }
    }
    if !codes.is_empty() {
        return Expected::Refused(codes);
    }
    let (l, r) = (value(&case.lhs, case), value(&case.rhs, case));
    let holds = match case.share {
        // a op p/q of b  ⇔  q·a op p·b
        Some((p, q)) => case.op.holds(i128::from(q) * l, i128::from(p) * r),
        None => case.op.holds(l, r),
    };
    let stepped = value(&case.effect, case);
    let fits = (i128::from(case.r_range.0)..=i128::from(case.r_range.1)).contains(&stepped);
    Expected::Verdicts(vec![
        if holds {
            "none up to 0".into()
        } else {
            "counterexample in 0".into()
        },
        if fits {
            "witness in 1".into()
        } else {
            "none up to 1".into()
        },
    ])
}

fn verdicts(outcomes: &[Outcome], engine: &str, source: &str) -> Vec<String> {
    outcomes
        .iter()
        .map(|o| {
            if let Verdict::ReplayFailed { message, .. } = &o.verdict {
                panic!("{engine}: replay failed: {message}\n{source}");
            }
            common::conclusive(&o.verdict)
                .unwrap_or_else(|| panic!("{engine}: inconclusive {:?}\n{source}", o.verdict))
        })
        .collect()
}

fn actual(source: &str) -> Expected {
    let loaded = charter::load(source.as_bytes())
        .unwrap_or_else(|e| panic!("syntax error {e:?} in\n{source}"));
    let charter = match loaded.checked {
        Ok(checked) => checked.charter,
        Err(errors) => {
            return Expected::Refused(
                errors
                    .iter()
                    .filter(|e| !e.is_warning())
                    .map(|e| {
                        miette::Diagnostic::code(e)
                            .map(|c| c.to_string())
                            .unwrap_or_default()
                    })
                    .collect(),
            )
        }
    };
    let explicit = Overrides {
        engine: verify::Engine::Explicit { max_states: 1000 },
        ..Overrides::default()
    };
    let by_smt = verdicts(
        &verify::verify(&charter, None, &Overrides::default()),
        "smt",
        source,
    );
    let by_explicit = verdicts(
        &verify::verify(&charter, None, &explicit),
        "explicit",
        source,
    );
    assert_eq!(by_smt, by_explicit, "engines disagree on\n{source}");
    Expected::Verdicts(by_smt)
}

// ------------------------------------------------------------ strategies

/// Numbers near the interesting points: the ends of i64, ±2^62, ±2^31,
/// zero; and any i64.
fn near_bounds() -> impl Strategy<Value = i64> {
    let points = prop::sample::select(vec![
        i64::MIN,
        -(1 << 62),
        -(1 << 31),
        -1,
        0,
        1,
        2,
        3,
        1 << 31,
        1 << 62,
        i64::MAX / 2,
        i64::MAX / 3,
        i64::MAX,
    ]);
    prop_oneof![
        4 => (points, -3i64..=3).prop_map(|(p, d)| p.saturating_add(d)),
        1 => any::<i64>(),
    ]
}

fn non_negative() -> impl Strategy<Value = i64> {
    prop_oneof![
        1 => 0i64..=4,
        2 => near_bounds().prop_map(|v| if v == i64::MIN { i64::MAX } else { v.abs() }),
    ]
}

/// A declared range around `value`: a point, a few values, or wide.
fn var() -> impl Strategy<Value = Var> {
    let width = prop::sample::select(vec![0i64, 0, 1, 5, 1 << 32, 1 << 62, i64::MAX]);
    (near_bounds(), width.clone(), width).prop_map(|(value, below, above)| Var {
        low: value.saturating_sub(below),
        high: value.saturating_add(above),
        value,
    })
}

fn constant() -> impl Strategy<Value = E> {
    let leaf = non_negative().prop_map(E::Lit);
    leaf.prop_recursive(2, 4, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| E::Neg(Box::new(x))),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| E::Add(Box::new(x), Box::new(y))),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| E::Sub(Box::new(x), Box::new(y))),
            (inner.clone(), inner, any::<bool>()).prop_map(|(x, y, l)| E::Mul(
                Box::new(x),
                Box::new(y),
                l
            )),
        ]
    })
}

fn expression() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![
        2 => non_negative().prop_map(E::Lit),
        3 => (0usize..2).prop_map(E::Var),
        1 => Just(E::Card),
    ];
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| E::Neg(Box::new(x))),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| E::Add(Box::new(x), Box::new(y))),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| E::Sub(Box::new(x), Box::new(y))),
            (constant(), inner, any::<bool>()).prop_map(|(k, x, l)| E::Mul(
                Box::new(k),
                Box::new(x),
                l
            )),
        ]
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop::sample::select(vec![Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge])
}

/// `p/q` with `0 <= p <= q`, `q > 0`, near the bounds.
fn share() -> impl Strategy<Value = Option<(i64, i64)>> {
    let fraction = (non_negative(), non_negative()).prop_map(|(x, y)| {
        let (p, q) = if x <= y { (x, y) } else { (y, x) };
        (p, q.max(1))
    });
    prop_oneof![2 => Just(None), 1 => fraction.prop_map(Some)]
}

fn case() -> impl Strategy<Value = Case> {
    (
        [var(), var()],
        [any::<bool>(), any::<bool>(), any::<bool>()],
        (expression(), op(), share(), expression()),
        expression(),
        any::<bool>(),
    )
        .prop_map(|(vars, set, (lhs, op, share, rhs), effect, inside)| {
            let mut case = Case {
                vars,
                set,
                lhs,
                op,
                share,
                rhs,
                effect,
                r_range: (0, 0),
            };
            // A range for r that meets the effect's range (else the checker
            // refuses it as never fitting) and holds its value or not.
            if let Some((low, high)) = interval(&case.effect, &case) {
                let v = value(&case.effect, &case);
                let narrow = |x: i128| x as i64;
                case.r_range = if inside || low == high {
                    (narrow((v - 2).max(low)), narrow(v))
                } else if v > low {
                    (narrow(low), narrow(v - 1))
                } else {
                    (narrow(v + 1), narrow(high))
                };
            }
            case
        })
}

/// Every engine computes exactly what the reference does, or the checker
/// refuses with the reference's codes.
#[test]
fn arithmetic_near_the_bounds_is_exact_everywhere() {
    let cases = std::env::var("CHARTER_ARITH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(160);
    let config = Config {
        cases,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let accepted = std::cell::Cell::new(0u32);
    let result = runner.run(&case(), |case| {
        let text = source(&case);
        let want = expected(&case);
        if matches!(want, Expected::Verdicts(_)) {
            accepted.set(accepted.get() + 1);
        }
        prop_assert_eq!(actual(&text), want, "\n{}", text);
        Ok(())
    });
    eprintln!("arithmetic: {cases} cases, {} accepted", accepted.get());
    if let Err(e) = result {
        panic!("{e}");
    }
    // Both kinds of answer are exercised.
    assert!(
        accepted.get() >= cases / 5 && accepted.get() <= cases * 4 / 5,
        "{} of {cases} accepted",
        accepted.get()
    );
}

/// The fixtures about integers at the bounds meet their expectations under
/// both engines (the explicit engine evaluates with `eval`).
#[test]
fn bound_fixtures_meet_expectations_under_both_engines() {
    let explicit = Overrides {
        engine: verify::Engine::Explicit {
            max_states: 100_000,
        },
        ..Overrides::default()
    };
    for name in [
        "int_wide_range",
        "share_products",
        "share_extreme",
        "int_bounds",
    ] {
        let path = Path::new("tests/fixtures/verify").join(format!("{name}.charter"));
        let bytes = std::fs::read(&path).unwrap();
        let charter = charter::load(&bytes).unwrap().checked.unwrap().charter;
        for overrides in [&Overrides::default(), &explicit] {
            for outcome in verify::verify(&charter, None, overrides) {
                assert!(
                    outcome.as_expected,
                    "{name}: {} ({:?}): {:?}",
                    outcome.command, overrides.engine, outcome.verdict
                );
            }
        }
    }
}

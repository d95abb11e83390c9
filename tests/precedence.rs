//! Operator precedence and associativity, against docs/language.md: each
//! unparenthesised expression must parse to the same tree as its
//! hand-parenthesised reading, compared through `ast::print::expr`, which
//! prints every operation in parentheses. From loosest to tightest:
//!
//! ```text
//! iff <=>            left
//! implies =>         right
//! since              left
//! or                 left
//! and                left
//! not once previously historically   prefix, taking a whole comparison
//! = != < <= > >= in, not in          left
//! + - union          left
//! * intersect        left
//! -x #s              prefix
//! ```
//!
//! Quantifier bodies and `if … then … else …` extend as far right as
//! possible; `x is none` / `x is some` is postfix and binds tightest.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use charter::ast::{print, ItemKind};

/// The expression, parsed as the body of a `define` and as the body of an
/// `assert … always`, printed fully parenthesised. Both wrappers must agree.
fn parse(expr: &str) -> Result<String, String> {
    let as_define = body(&format!("charter \"precedence\"\ndefine d = {expr}\n"))?;
    let as_assert = body(&format!(
        "charter \"precedence\"\nassert p: always {expr}\n"
    ))?;
    assert_eq!(
        as_define, as_assert,
        "`{expr}` parses differently in a define and in an assert"
    );
    Ok(as_define)
}

fn body(spec: &str) -> Result<String, String> {
    let ast = charter::syntax::parse(spec).map_err(|e| format!("{e} at {}", e.span()))?;
    match ast.items.as_slice() {
        [item] => match &item.kind {
            ItemKind::Define(define) => Ok(print::expr(&define.body)),
            ItemKind::Assert(assert) => Ok(print::expr(&assert.body)),
            other => Err(format!("unexpected item {other:?}")),
        },
        items => Err(format!("expected one item, found {}", items.len())),
    }
}

fn printed(expr: &str) -> String {
    parse(expr).unwrap_or_else(|e| panic!("`{expr}` does not parse: {e}"))
}

/// Each pair must parse, to the same tree.
fn assert_same(pairs: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (plain, parenthesised) in pairs {
        let (plain_tree, hand_tree) = (printed(plain), printed(parenthesised));
        if plain_tree != hand_tree {
            failures.push(format!(
                "`{plain}`\n    parses as   {plain_tree}\n    expected    {hand_tree}  (from `{parenthesised}`)"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Each pair must parse, to different trees.
fn assert_differ(pairs: &[(&str, &str)]) {
    for (left, right) in pairs {
        assert_ne!(
            printed(left),
            printed(right),
            "`{left}` and `{right}` should differ"
        );
    }
}

// ---------------------------------------------------------------- the printer

/// The comparison relies on the printer wrapping every operation.
#[test]
fn the_printer_parenthesises_every_operation() {
    assert_eq!(printed("a and b or c"), "((a and b) or c)");
    assert_eq!(printed("not a = b"), "(not (a = b))");
    assert_eq!(printed("-a * #s"), "((-a) * (#s))");
    assert_eq!(printed("x is none"), "(x is none)");
    assert_eq!(printed("forall x: T. p or q"), "(forall x: T. (p or q))");
    assert_eq!(printed("if c then a else b"), "(if c then a else b)");
    // Brackets leave no node of their own.
    assert_eq!(printed("((a))"), "a");
    assert_eq!(printed("(a and b)"), "(a and b)");
}

// ---------------------------------------------------------------- level by level

#[test]
fn iff_is_loosest_and_left_associative() {
    assert_same(&[
        ("a iff b iff c", "(a iff b) iff c"),
        ("a <=> b <=> c", "(a <=> b) <=> c"),
        ("a <=> b iff c", "(a <=> b) iff c"),
        (
            "a implies b iff c implies d",
            "(a implies b) iff (c implies d)",
        ),
        ("a => b <=> c => d", "(a => b) <=> (c => d)"),
        ("a since b iff c", "(a since b) iff c"),
        ("a or b iff c and d", "(a or b) iff (c and d)"),
        ("not a iff b", "(not a) iff b"),
        ("a = b iff c = d", "(a = b) iff (c = d)"),
    ]);
    // `<=>` and `iff` are one operator.
    assert_eq!(printed("a <=> b"), printed("a iff b"));
}

#[test]
fn implies_is_right_associative() {
    assert_same(&[
        ("a implies b implies c", "a implies (b implies c)"),
        ("a => b => c", "a => (b => c)"),
        ("a => b implies c => d", "a => (b implies (c => d))"),
        ("a implies b since c", "a implies (b since c)"),
        ("a since b implies c", "(a since b) implies c"),
        ("a or b implies c or d", "(a or b) implies (c or d)"),
        ("a and b implies c and d", "(a and b) implies (c and d)"),
        ("not a implies not b", "(not a) implies (not b)"),
        ("a in s implies b in t", "(a in s) implies (b in t)"),
    ]);
    assert_eq!(printed("a => b"), printed("a implies b"));
}

#[test]
fn since_sits_between_implies_and_or() {
    assert_same(&[
        ("a since b since c", "(a since b) since c"),
        ("a or b since c or d", "(a or b) since (c or d)"),
        ("a and b since c", "(a and b) since c"),
        ("not a since b", "(not a) since b"),
        ("once a since previously b", "(once a) since (previously b)"),
        ("a = b since c", "(a = b) since c"),
    ]);
}

#[test]
fn or_is_looser_than_and() {
    assert_same(&[
        ("a or b or c", "(a or b) or c"),
        ("a and b and c", "(a and b) and c"),
        ("a or b and c", "a or (b and c)"),
        ("a and b or c", "(a and b) or c"),
        ("a or b and c or d", "(a or (b and c)) or d"),
        ("a and b or c and d", "(a and b) or (c and d)"),
    ]);
}

#[test]
fn not_and_the_past_take_a_whole_comparison_but_stop_at_and() {
    assert_same(&[
        ("not a and b", "(not a) and b"),
        ("not a or b", "(not a) or b"),
        ("not a = b", "not (a = b)"),
        ("not a != b", "not (a != b)"),
        ("not x in s", "not (x in s)"),
        ("not x not in s", "not (x not in s)"),
        ("not a + 1 > b", "not ((a + 1) > b)"),
        ("not a * 2 <= b - 1", "not ((a * 2) <= (b - 1))"),
        ("not s union t = u", "not ((s union t) = u)"),
        ("not not a = b", "not (not (a = b))"),
        ("once a = b and c", "(once (a = b)) and c"),
        ("previously x in s or c", "(previously (x in s)) or c"),
        (
            "historically #s < 3 implies c",
            "(historically ((#s) < 3)) implies c",
        ),
        ("not once a = b", "not (once (a = b))"),
        (
            "once previously historically a",
            "once (previously (historically a))",
        ),
        // A prefix operator on the right of an operator applies to the
        // comparison that follows it.
        ("a and not b", "a and (not b)"),
        ("a = not b", "a = (not b)"),
        ("a = not b = c", "a = (not (b = c))"),
        ("a and not b = c or d", "(a and (not (b = c))) or d"),
    ]);
}

#[test]
fn comparisons_are_left_associative_and_looser_than_arithmetic() {
    assert_same(&[
        ("a = b = c", "(a = b) = c"),
        ("a < b != c", "(a < b) != c"),
        ("x in s = y in t", "((x in s) = y) in t"),
        ("a + b = c - d", "(a + b) = (c - d)"),
        ("a + 1 < b", "(a + 1) < b"),
        ("a <= b * 2", "a <= (b * 2)"),
        ("a > -b", "a > (-b)"),
        ("a >= #s", "a >= (#s)"),
        ("x in s union t", "x in (s union t)"),
        ("x not in s - t", "x not in (s - t)"),
        ("x in s intersect t", "x in (s intersect t)"),
        ("s union t = u intersect v", "(s union t) = (u intersect v)"),
        ("a = b and c != d", "(a = b) and (c != d)"),
    ]);
}

#[test]
fn additive_operators_are_left_associative() {
    assert_same(&[
        ("a - b - c", "(a - b) - c"),
        ("a - b + c", "(a - b) + c"),
        ("a + b - c", "(a + b) - c"),
        ("s union t - u", "(s union t) - u"),
        ("s - t union u", "(s - t) union u"),
        ("s union t union u", "(s union t) union u"),
    ]);
}

#[test]
fn multiplicative_operators_bind_tighter_than_additive() {
    assert_same(&[
        ("a + b * c", "a + (b * c)"),
        ("a * b + c", "(a * b) + c"),
        ("a - b * c - d", "(a - (b * c)) - d"),
        ("a * b * c", "(a * b) * c"),
        ("s union t intersect u", "s union (t intersect u)"),
        ("s intersect t union u", "(s intersect t) union u"),
        ("s - t intersect u", "s - (t intersect u)"),
        ("s intersect t intersect u", "(s intersect t) intersect u"),
        ("2 * a intersect s", "(2 * a) intersect s"),
    ]);
}

#[test]
fn negation_and_cardinality_bind_tightest_of_the_operators() {
    assert_same(&[
        ("-a * b", "(-a) * b"),
        ("-a + b", "(-a) + b"),
        ("a - -b", "a - (-b)"),
        ("2 * -a", "2 * (-a)"),
        ("- - a", "-(-a)"),
        ("#s * 2", "(#s) * 2"),
        ("#s + #t", "(#s) + (#t)"),
        ("#s intersect t", "(#s) intersect t"),
        ("#s = 2", "(#s) = 2"),
        ("# # s", "#(#s)"),
        ("-#s", "-(#s)"),
        ("not -a = b", "not ((-a) = b)"),
        ("#{p: P | p in s} >= 2", "(#{p: P | p in s}) >= 2"),
    ]);
}

// ---------------------------------------------------------------- to the right

#[test]
fn quantifier_bodies_extend_to_the_right() {
    assert_same(&[
        ("a and forall x: T. p or q", "a and (forall x: T. (p or q))"),
        ("forall x: T. p implies q", "forall x: T. (p implies q)"),
        ("forall x: T. p iff q", "forall x: T. (p iff q)"),
        ("exists x in s. p and q", "exists x in s. (p and q)"),
        (
            "exactly one p: P. p in chair",
            "exactly one p: P. (p in chair)",
        ),
        (
            "at most one p: P. p in a or p in b",
            "at most one p: P. ((p in a) or (p in b))",
        ),
        ("no p in s. p = q", "no p in s. (p = q)"),
        (
            "forall a, b: T. a != b implies f(a) != f(b)",
            "forall a, b: T. ((a != b) implies (f(a) != f(b)))",
        ),
        (
            "forall x: T. exists y: T. x = y or p",
            "forall x: T. (exists y: T. ((x = y) or p))",
        ),
        (
            "p implies forall x: T. q implies r",
            "p implies (forall x: T. (q implies r))",
        ),
        ("not forall x: T. p or q", "not (forall x: T. (p or q))"),
        (
            "#s = 1 or exists x: T. p since q",
            "((#s) = 1) or (exists x: T. (p since q))",
        ),
    ]);
    // The body really does swallow the rest, unlike a bracketed quantifier.
    assert_differ(&[
        ("a and forall x: T. p or q", "a and (forall x: T. p) or q"),
        ("forall x: T. p implies q", "(forall x: T. p) implies q"),
    ]);
}

/// The collection of `x in S` is a single operand: a name, call, literal or
/// bracketed expression.
#[test]
fn a_binder_collection_is_one_operand() {
    assert_same(&[
        ("forall p in chair. p = q", "forall p in chair. (p = q)"),
        ("forall p in f(x). p", "forall p in (f(x)). p"),
        ("forall p in (s union t). p", "forall p in (s union t). p"),
        ("forall p in {a, b}. p", "forall p in ({a, b}). p"),
        ("{p in s | p in t and q}", "{p in s | ((p in t) and q)}"),
    ]);
    for expr in ["forall p in s union t. p", "forall p in a and b. p"] {
        assert!(parse(expr).is_err(), "`{expr}` should not parse");
    }
}

#[test]
fn if_then_else_extends_to_the_right() {
    assert_same(&[
        ("if c then a else b or d", "if c then a else (b or d)"),
        (
            "if c then a else b + 1 = 2",
            "if c then a else ((b + 1) = 2)",
        ),
        (
            "a and if c then x else y = z",
            "a and (if c then x else (y = z))",
        ),
        (
            "if a or b then c and d else e",
            "if (a or b) then (c and d) else e",
        ),
        (
            "if c then if d then a else b else e",
            "if c then (if d then a else b) else e",
        ),
        (
            "if c then a else if d then b else e",
            "if c then a else (if d then b else e)",
        ),
        (
            "a implies if c then x else y implies z",
            "a implies (if c then x else (y implies z))",
        ),
        (
            "not if c then a else b or d",
            "not (if c then a else (b or d))",
        ),
        ("#(if c then s else t) + 1", "(#(if c then s else t)) + 1"),
    ]);
    assert_differ(&[("if c then a else b or d", "(if c then a else b) or d")]);
}

#[test]
fn option_tests_are_postfix_and_bind_tightest() {
    assert_same(&[
        ("x is none and y", "(x is none) and y"),
        ("x is none = y is some", "(x is none) = (y is some)"),
        ("not x is none", "not (x is none)"),
        ("f(a) is some or p", "(f(a) is some) or p"),
        ("x' is none", "(x' is none)"),
        ("(x) is none", "x is none"),
        // A prefix operator applies to the whole postfix operand.
        ("-x is none", "-(x is none)"),
        ("#s is some", "#(s is some)"),
    ]);
}

#[test]
fn operands_keep_their_own_expressions() {
    assert_same(&[
        ("{a + 1, b or c}", "{(a + 1), (b or c)}"),
        ("f(a + 1, b or c) = d", "(f((a + 1), (b or c))) = d"),
        ("f'(a) = b + 1", "(f'(a)) = (b + 1)"),
        (
            "{p: P | p in s and q} = t",
            "({p: P | ((p in s) and q)}) = t",
        ),
        ("(a or b) and c", "(a or b) and c"),
    ]);
}

// ---------------------------------------------------------------- the whole table

/// Binary operators by level, loosest first, as documented.
const LEVELS: &[&[&str]] = &[
    &["iff", "<=>"],
    &["implies", "=>"],
    &["since"],
    &["or"],
    &["and"],
    &["=", "!=", "<", "<=", ">", ">=", "in", "not in"],
    &["+", "-", "union"],
    &["*", "intersect"],
];

fn level_of(op: &str) -> usize {
    LEVELS
        .iter()
        .position(|level| level.contains(&op))
        .expect("a documented operator")
}

fn right_associative(op: &str) -> bool {
    matches!(op, "implies" | "=>")
}

/// Every ordered pair of binary operators, `a op1 b op2 c`, groups as the
/// documented levels and associativity say.
#[test]
fn every_pair_of_binary_operators() {
    let ops: Vec<&str> = LEVELS
        .iter()
        .flat_map(|level| level.iter().copied())
        .collect();
    let mut pairs = Vec::new();
    for first in &ops {
        for second in &ops {
            let (l1, l2) = (level_of(first), level_of(second));
            let left_first = l1 > l2 || (l1 == l2 && !right_associative(first));
            let plain = format!("a {first} b {second} c");
            let hand = if left_first {
                format!("(a {first} b) {second} c")
            } else {
                format!("a {first} (b {second} c)")
            };
            pairs.push((plain, hand));
        }
    }
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(p, h)| (p.as_str(), h.as_str()))
        .collect();
    assert_eq!(pairs.len(), 400);
    assert_same(&pairs);
}

/// Every prefix operator before every binary operator: `not` and the past
/// take everything down to the comparisons; `-` and `#` one operand.
#[test]
fn every_prefix_operator_before_every_binary_operator() {
    let comparisons = level_of("=");
    let mut pairs = Vec::new();
    for prefix in ["not", "once", "previously", "historically", "-", "#"] {
        let word = prefix.chars().all(char::is_alphabetic);
        let sep = if word { " " } else { "" };
        for level in LEVELS {
            for op in *level {
                let plain = format!("{prefix}{sep}a {op} b");
                let takes_the_comparison = word && level_of(op) >= comparisons;
                let hand = if takes_the_comparison {
                    format!("{prefix}{sep}(a {op} b)")
                } else {
                    format!("({prefix}{sep}a) {op} b")
                };
                pairs.push((plain, hand));
                // After an operator, a prefix applies to what follows.
                pairs.push((
                    format!("a {op} {prefix}{sep}b"),
                    format!("a {op} ({prefix}{sep}b)"),
                ));
            }
        }
    }
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(p, h)| (p.as_str(), h.as_str()))
        .collect();
    assert_same(&pairs);
}

// ---------------------------------------------------------------- negative checks

/// The comparison is not vacuous: groupings the table rules out give
/// different trees.
#[test]
fn wrong_groupings_differ() {
    assert_differ(&[
        ("a or b and c", "(a or b) and c"),
        ("a implies b implies c", "(a implies b) implies c"),
        ("a iff b iff c", "a iff (b iff c)"),
        ("a since b since c", "a since (b since c)"),
        ("not a = b", "(not a) = b"),
        ("not a and b", "not (a and b)"),
        ("a - b - c", "a - (b - c)"),
        ("a + b * c", "(a + b) * c"),
        ("-a * b", "-(a * b)"),
        ("#s + 1", "#(s + 1)"),
        ("x in s union t", "(x in s) union t"),
        ("a or b since c", "a or (b since c)"),
        ("a implies b iff c", "a implies (b iff c)"),
    ]);
}

#[test]
fn malformed_expressions_do_not_parse() {
    for expr in [
        "a and",
        "a = = b",
        "not",
        "a not b",
        "forall x: T p",
        "if a then b",
        "a is",
        "x is maybe",
        "(a or b",
        "a + * b",
    ] {
        assert!(parse(expr).is_err(), "`{expr}` should not parse");
    }
}

//! pest's errors in the user's words: the position, what was expected
//! (grammar rules described, literal tokens listed, what one alternative
//! already covers left out) and what was found there. The cleanup decides
//! on rules and tokens ([`Expected`]), never on the words shown.

use pest::error::InputLocation;

use super::{Rule, MAX_EXPR_DEPTH};
use crate::span::Span;
use crate::syntax::error::SyntaxError;

/// Turns pest's error into ours: the position, what was expected (grammar
/// rules renamed into words) and what was found there.
pub(super) fn translate_error(source: &str, err: &pest::error::Error<Rule>) -> SyntaxError {
    let position = match err.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    };
    // pest gives up with a custom error when its stack guard (or a call
    // limit) trips: input nested too deeply for the stack, which only
    // bracket-free nesting (quantifier bodies, `else` branches, `set` types)
    // can reach past the prescan. Its parse attempts would name a token
    // that is perfectly fine where it stands.
    if let pest::error::ErrorVariant::CustomError { .. } = &err.variant {
        let (_, span) = found_at(source, position);
        return SyntaxError::ExpressionTooDeep {
            limit: MAX_EXPR_DEPTH,
            span,
        };
    }
    let mut expected: Vec<Expected> = Vec::new();
    let mut push = |alternative: Expected| {
        if !expected.contains(&alternative) {
            expected.push(alternative);
        }
    };
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &err.variant {
        for rule in positives {
            if let Some(alternative) = describe(*rule) {
                push(alternative);
            }
        }
    }
    if let Some(attempts) = err.parse_attempts() {
        if attempts.max_position == position {
            for token in attempts.expected_tokens() {
                let token = token.to_string();
                if is_user_token(&token) {
                    push(Expected::Token(token));
                }
            }
        }
    }
    drop_redundant_keywords(&mut expected);
    let (found, span) = found_at(source, position);
    let help = keyword_help(&found, &expected);
    let mut words: Vec<String> = expected.iter().map(Expected::words).collect();
    if words.is_empty() {
        words.push("something else".into());
    }
    let expected_count = words.len();
    let expected = join_alternatives(&words);
    let found = found.to_string();
    // A long list belongs in the message only; the label stays short.
    let label = if expected_count <= 3 && expected.chars().count() <= 60 {
        format!("expected {expected}")
    } else {
        "not expected here".to_string()
    };
    SyntaxError::Unexpected {
        label,
        expected,
        found,
        span,
        help,
    }
}

/// The keywords that start a rule already named in `expected` ("a
/// declaration" covers `enum`, `sort`, …; "a type" covers `Bool`, `set`, …)
/// add nothing but length: remove them. Then list single tokens first and
/// "the end of the file", the least useful alternative, last.
fn drop_redundant_keywords(expected: &mut Vec<Expected>) {
    const ITEM_KEYWORDS: &[&str] = &[
        "enum", "sort", "const", "var", "event", "define", "axiom", "init", "lemma", "article",
        "assert", "clause", "check", "prove", "scenario",
    ];
    let has = |class: Class| expected.iter().any(|e| e.class() == class);
    let items = has(Class::Item);
    let header = has(Class::Header);
    let expectation = has(Class::Expectation);
    let ty = has(Class::Type);
    let operator = has(Class::Operator);
    let expression = has(Class::Expression);
    let assignment = has(Class::Assignment);
    const OPERATORS: &[&str] = &[
        "=",
        "and",
        "or",
        "iff",
        "implies",
        "in",
        "intersect",
        "not",
        "since",
        "union",
        "is",
        // What may follow a name (and the rules of class `AfterOperand`):
        // also not worth listing after an operand.
        "(",
    ];
    const EXPRESSION_STARTS: &[&str] = &[
        "(",
        "{",
        "exactly",
        "exists",
        "false",
        "forall",
        "historically",
        "if",
        "no",
        "none",
        "not",
        "once",
        "previously",
        "true",
    ];
    expected.retain(|alternative| match alternative {
        Expected::Token(token) => {
            let token = token.as_str();
            !(items && ITEM_KEYWORDS.contains(&token)
                || header && token == "charter"
                || expectation && token == "no"
                || ty && ["Bool", "Int", "set", "("].contains(&token)
                || operator && OPERATORS.contains(&token)
                || expression && EXPRESSION_STARTS.contains(&token)
                || assignment && ["=", "+=", "-="].contains(&token))
        }
        Expected::Notation(_, class) | Expected::Words(_, class) => {
            !(operator && *class == Class::AfterOperand)
        }
    });
    // Stable: tokens (and rules written as their notation), then
    // descriptions, then the end of the file.
    expected.sort_by_key(|alternative| match alternative {
        Expected::Token(_) | Expected::Notation(..) => 0,
        Expected::Words(_, Class::EndOfFile) => 2,
        Expected::Words(..) => 1,
    });
}

/// One alternative the parser would have accepted at the error.
#[derive(Clone, PartialEq, Eq, Debug)]
enum Expected {
    /// A literal token, punctuation or a reserved word, as written.
    Token(String),
    /// A grammar rule shown as its notation (`` `depth N` ``): listed
    /// with the tokens.
    Notation(&'static str, Class),
    /// A grammar rule described in words ("a type").
    Words(&'static str, Class),
}

/// What [`drop_redundant_keywords`] and [`keyword_help`] need to know of
/// a rule: which tokens it covers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    /// The end of the file: listed last.
    EndOfFile,
    /// The header, which covers `charter`.
    Header,
    /// A declaration, clause or command, which covers their keywords.
    Item,
    /// An expectation, which covers `no`.
    Expectation,
    /// A type, which covers `Bool`, `Int`, `set` and `(`.
    Type,
    /// An operator, which covers the operator words and what may follow
    /// an operand.
    Operator,
    /// What may follow an operand: arguments, a prime, `is none`.
    AfterOperand,
    /// An expression, which covers the words and brackets that start one.
    Expression,
    /// An effect's `=`, `+=` or `-=`, which covers those tokens.
    Assignment,
    /// A name (a reserved word found instead deserves a word of help).
    Name,
    /// Anything else.
    Other,
}

impl Expected {
    /// How the alternative is listed.
    fn words(&self) -> String {
        match self {
            Expected::Token(token) => format!("`{token}`"),
            Expected::Notation(words, _) | Expected::Words(words, _) => (*words).to_string(),
        }
    }

    fn class(&self) -> Class {
        match self {
            Expected::Token(_) => Class::Other,
            Expected::Notation(_, class) | Expected::Words(_, class) => *class,
        }
    }

    fn is_token(&self, token: &str) -> bool {
        matches!(self, Expected::Token(t) if t == token)
    }
}

/// What the user sees for a grammar rule; `None` hides rules that are
/// implementation details.
fn describe(rule: Rule) -> Option<Expected> {
    use Class::*;
    let token = |token: &str| Expected::Token(token.to_string());
    let words = Expected::Words;
    let notation = Expected::Notation;
    Some(match rule {
        Rule::EOI => words("the end of the file", EndOfFile),
        Rule::header => words("the header `charter \"title\"`", Header),
        Rule::calendar_decl
        | Rule::enum_decl
        | Rule::sort_decl
        | Rule::const_decl
        | Rule::var_decl
        | Rule::event_decl
        | Rule::define_decl
        | Rule::axiom_decl
        | Rule::init_decl
        | Rule::lemma_decl
        | Rule::assert_decl
        | Rule::article
        | Rule::readings_decl => words("a declaration", Item),
        Rule::clause => words("a clause", Item),
        Rule::check_cmd
        | Rule::prove_cmd
        | Rule::scenario_cmd
        | Rule::compare_cmd
        | Rule::diverge_cmd => words("a command", Item),
        Rule::ident | Rule::binding | Rule::named_type => words("a name", Name),
        Rule::int_lit | Rule::signed_int => words("a number", Other),
        Rule::string => words("a quoted string", Other),
        Rule::article_id => words("an article number", Other),
        Rule::type_expr | Rule::value_type | Rule::fn_type | Rule::base_type => words("a type", Type),
        Rule::expr | Rule::operand | Rule::operand_expr | Rule::postfix | Rule::prefix_op => {
            words("an expression", Expression)
        }
        Rule::op_iff
        | Rule::op_implies
        | Rule::op_since
        | Rule::op_or
        | Rule::op_and
        | Rule::op_not_in
        | Rule::op_in
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_eq
        | Rule::op_union
        | Rule::op_intersect
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul => words("an operator", Operator),
        Rule::on_rule => words("an effect rule `on event: …`", Other),
        Rule::permission => words("a permission `may event when …`", Other),
        Rule::prohibition => words("a prohibition `must not event when …`", Other),
        Rule::obligation => words("an obligation `must event within …`", Other),
        Rule::constraint_rule => words("a constraint `always …`", Other),
        Rule::except_rule => words("an exception `except in clause when …: …`", Other),
        Rule::defines_rule | Rule::kw_defines => notation("`defines` and names", Other),
        Rule::effect | Rule::target => words("an effect such as `x' = …`", Other),
        Rule::prime => notation("`'` (effects assign the next state: `x' = …`)", AfterOperand),
        Rule::assign_op => notation("`=`, `+=` or `-=`", Assignment),
        Rule::exception => token("unless"),
        Rule::event_pattern | Rule::event_ref => words("an event", Other),
        Rule::any_event => notation("`any event`", Other),
        Rule::when_cond => token("when"),
        Rule::overrides => notation("`overrides` and clause names", Other),
        Rule::requires => token("requires"),
        Rule::always => token("always"),
        Rule::params => words("parameters `(name: Type, …)`", Other),
        Rule::call_args => words("arguments `(…)`", AfterOperand),
        Rule::option_test => notation("`is none` or `is some`", AfterOperand),
        Rule::quantifier => words("a quantifier", Other),
        Rule::time_unit => words("a unit of time (`days`, `weeks`, `months` or `years`)", Other),
        Rule::duration => words("a duration such as `6 months`", Other),
        Rule::date_lit => words("a date such as `2019-03-22`", Other),
        Rule::civil_range => notation("`dates 2019-01-01..2030-12-31`", Other),
        Rule::fraction => words("a share such as `2/3 of #present`", Other),
        Rule::sum_expr => words("a sum `sum x: T. value`", Other),
        Rule::time_since => notation("`within … after event` or `at least … after event`", Other),
        Rule::date_bound => notation("`not later than date` or `before date`", Other),
        Rule::last_event => notation("`last event`", Other),
        Rule::happens_event => notation("`happens event`", Other),
        Rule::event_call => words("an event", Other),
        Rule::binders | Rule::binder_group => words("a binder such as `x: Type` or `x in set`", Other),
        Rule::int_range => words("a range `[low..high]`", Other),
        Rule::question => token("?"),
        Rule::kw_names => notation("`names`", Other),
        Rule::depth_opt => notation("`depth N`", Other),
        Rule::scope_opt => notation("`scope Sort = N`", Other),
        Rule::expect_opt => notation("`expect …`", Other),
        Rule::allowing | Rule::kw_allowing => notation("`allowing kind subject, …`", Other),
        Rule::allowed => words("what a verdict may rest on, such as `clash election`", Other),
        Rule::expectation
        | Rule::exp_proved
        | Rule::exp_counterexample
        | Rule::exp_witness
        | Rule::exp_unknown
        | Rule::expect_no => {
            words("an expectation (`proved`, `counterexample`, `no counterexample`, `witness`, `no witness` or `unknown`)", Expectation)
        }
        _ => return None,
    })
}

/// Literal tokens worth listing: punctuation and reserved words, not the
/// pieces of atomic rules (quotes, escapes, character ranges).
fn is_user_token(token: &str) -> bool {
    const PUNCTUATION: &[&str] = &[
        "{", "}", "(", ")", "[", "]", ":", ",", "=", "+=", "-=", "->", "?", ".", "|",
    ];
    PUNCTUATION.contains(&token) || super::super::KEYWORDS.contains(&token)
}

fn join_alternatives(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// What the parser found where it failed.
enum Found<'s> {
    /// A whole word, a number or one symbol.
    Token(&'s str),
    /// A control character (not whitespace).
    Control(char),
    EndOfFile,
}

impl std::fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Found::Token(text) => write!(f, "`{text}`"),
            Found::Control(c) => write!(f, "the control character U+{:04X}", *c as u32),
            Found::EndOfFile => f.write_str("the end of the file"),
        }
    }
}

/// Names the token at `position`: a whole word, a number, one symbol, or
/// the end of the file.
fn found_at(source: &str, position: usize) -> (Found<'_>, Span) {
    let rest = source.get(position..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        // Point just after the last thing written, on a line that shows.
        let end = source.get(..position).unwrap_or(source).trim_end().len();
        return (Found::EndOfFile, Span::new(end, end));
    };
    const SYMBOLS: &[&str] = &[
        "<=>", "->", "=>", "+=", "-=", "<=", ">=", "!=", "..", "&&", "||", "==",
    ];
    let len = if unicode_ident::is_xid_continue(first) {
        rest.find(|c: char| !unicode_ident::is_xid_continue(c))
            .unwrap_or(rest.len())
    } else if let Some(symbol) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
        symbol.len()
    } else {
        first.len_utf8()
    };
    let found = if first.is_control() {
        Found::Control(first)
    } else {
        Found::Token(&rest[..len])
    };
    (found, Span::new(position, position + len))
}

/// Reserved words are the commonest surprise: say so. A few habits from
/// other notations get a word too.
fn keyword_help(found: &Found, expected: &[Expected]) -> Option<String> {
    let word = match found {
        Found::Token(word) => *word,
        Found::Control(_) => return Some("a spec is text: is this a binary file?".into()),
        Found::EndOfFile => return None,
    };
    let wanted = |class: Class| expected.iter().any(|e| e.class() == class);
    let wanted_token = |token: &str| expected.iter().any(|e| e.is_token(token));
    if wanted(Class::Name) && super::super::KEYWORDS.contains(&word) {
        return Some(format!(
            "`{word}` is a reserved word of the language and cannot be used as a name"
        ));
    }
    if wanted(Class::Name)
        && word.starts_with(|c: char| !c.is_ascii() && !unicode_ident::is_xid_start(c))
    {
        return Some("a name starts with a letter of any script or `_`, then letters, digits, combining marks or `_` (Unicode identifiers, UAX #31)".into());
    }
    if let [only] = expected {
        if only.is_token("always") {
            return Some(
                "an assertion holds in every reachable state: `assert name: always condition`"
                    .into(),
            );
        }
    }
    if wanted(Class::Assignment) && word == "[" {
        return Some(
            "a function's value at a point is written with parentheses: `seated'(m) = true`".into(),
        );
    }
    if wanted(Class::Type) && word == "{" {
        return Some(
            "a set type is written `set T`, as in `set Person`; braces write set values".into(),
        );
    }
    if wanted_token(".") {
        return Some(
            "a quantifier's binders end with a dot: `forall p: Person. p in chair`".into(),
        );
    }
    if wanted_token("->") && word.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        return Some("the type ends before this word; types are written `Person`, `set Person`, `Person?`, `State -> Person` or `(State, Person) -> Bool`".into());
    }
    if word == "->" && wanted_token("?") {
        return Some("only a `const` or `var` has a function type, `A -> B` or `(A, B) -> C`, and its arguments and result are plain values".into());
    }
    let example = match word {
        "&" | "&&" => Some("a and b"),
        "|" | "||" if !wanted_token("|") => Some("a or b"),
        "!" => Some("not a"),
        _ => None,
    };
    if let Some(example) = example {
        return Some(format!("logical operators are words, as in `{example}`"));
    }
    if word == "=" && wanted(Class::Expression) {
        return Some("equality is a single `=`: `a = b`".into());
    }
    None
}

//! Hostile and degenerate inputs. Each must give a coded diagnostic at the
//! right span and exit code 2 — never a panic, a hang or a stack overflow —
//! both through the library (`charter::load`, on the test harness's 2 MiB
//! thread stacks, as library users may run it) and through the real binary.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use charter::report::{self, Color, SourceFile};
use charter::span::Span;
use miette::Diagnostic;
use proptest::prelude::*;

const HEADER: &str = "charter \"robustness\"\n";

// ---------------------------------------------------------------- helpers

fn code_of(diagnostic: &dyn Diagnostic) -> String {
    diagnostic.code().map(|c| c.to_string()).unwrap_or_default()
}

/// The syntax error the library gives for these bytes.
fn syntax_error(bytes: &[u8]) -> charter::syntax::SyntaxError {
    match charter::load(bytes) {
        Err(error) => error,
        Ok(loaded) => panic!(
            "expected a syntax error, but it parsed (checker: {:?})",
            loaded.checked.as_ref().err()
        ),
    }
}

/// Asserts the library rejects the bytes with a syntax error of this code
/// at this span, and that the diagnostic renders.
fn assert_syntax_error(bytes: &[u8], code: &str, span: Span) {
    let error = syntax_error(bytes);
    assert_eq!(code_of(&error), code, "wrong code: {error:?}");
    assert_eq!(error.span(), span, "wrong span for {code}: {error}");
    assert_renders(&error, bytes);
}

/// The checker's errors (not warnings) for a spec that parses.
fn check_errors(bytes: &[u8]) -> Vec<charter::check::CheckError> {
    let loaded = charter::load(bytes).unwrap_or_else(|e| panic!("should parse: {e:?}"));
    match loaded.checked {
        Ok(_) => panic!("expected check errors, but the spec is valid"),
        Err(errors) => errors.into_iter().filter(|e| !e.is_warning()).collect(),
    }
}

/// Rendering a diagnostic against its source must not panic (miette has
/// internal assertions and formatting limits), and must mention the code.
fn assert_renders(diagnostic: &dyn Diagnostic, bytes: &[u8]) {
    let source = SourceFile::from_bytes("input.charter", bytes);
    let text = report::render(diagnostic, &source, Color::Never);
    let code = code_of(diagnostic);
    assert!(text.contains(&code), "rendering lacks {code}");
}

/// A file under the target's scratch directory for the binary to read.
fn scratch_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("robustness");
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write scratch file");
    path
}

/// Longest a single CLI run may take (debug build, megabyte inputs).
const CLI_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs the real binary with a deadline, so that a hang fails the test
/// instead of stalling the suite. Output is drained concurrently so that a
/// large diagnostic cannot block the child on a full pipe.
fn run_cli(args: &[&std::ffi::OsStr]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn charter");
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buffer = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buffer);
            }
            buffer
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for charter") {
            break status;
        }
        if start.elapsed() > CLI_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("charter {args:?} did not finish within {CLI_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// `charter check --color never FILE` on these bytes: exit code 2, the code
/// on stderr, and no trace of a panic or an internal error.
fn assert_cli_rejects(name: &str, bytes: &[u8], code: &str) -> Output {
    let path = scratch_file(name, bytes);
    let output = run_cli(&[
        "check".as_ref(),
        "--color".as_ref(),
        "never".as_ref(),
        path.as_os_str(),
    ]);
    assert_cli_failure(&output, code);
    output
}

fn assert_cli_failure(output: &Output, code: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let excerpt = |text: &str| text.chars().take(2000).collect::<String>();
    assert_eq!(
        output.status.code(),
        Some(2),
        "exit status {:?}; stderr:\n{}",
        output.status,
        excerpt(&stderr)
    );
    assert!(
        stderr.contains(code),
        "stderr lacks {code}:\n{}",
        excerpt(&stderr)
    );
    for text in [&stderr, &stdout] {
        assert!(!text.contains("panicked"), "a panic:\n{}", excerpt(text));
        assert!(
            !text.contains("internal error"),
            "an internal error:\n{}",
            excerpt(text)
        );
    }
}

/// The primary label's byte range in `--format json` output.
fn cli_json_span(name: &str, bytes: &[u8]) -> (String, Span) {
    let path = scratch_file(name, bytes);
    let output = run_cli(&[
        "check".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        path.as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("charter check --format json prints JSON");
    let diagnostics = json["files"][0]["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .clone();
    let error = diagnostics
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("an error diagnostic");
    let labels = error["labels"].as_array().cloned().unwrap_or_default();
    let label = labels
        .iter()
        .find(|l| l["primary"] == true)
        .or(labels.first())
        .expect("a label");
    let at = |key: &str| label[key].as_u64().expect("a number") as usize;
    (
        error["code"].as_str().unwrap_or_default().to_string(),
        Span::new(at("start"), at("end")),
    )
}

/// A deterministic pseudo-random byte stream (64-bit LCG, Knuth's MMIX
/// constants); the high byte of each state is the output.
struct Lcg(u64);

impl Lcg {
    fn next_byte(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 56) as u8
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_byte()).collect()
    }

    fn below(&mut self, n: usize) -> usize {
        let high = ((self.next_byte() as usize) << 8) | self.next_byte() as usize;
        high % n
    }
}

const SEEDS: [u64; 6] = [0, 1, 42, 0xdead_beef, 0x5eed_5eed_5eed_5eed, u64::MAX];

// ---------------------------------------------------------------- inputs

fn with_header(body: &str) -> Vec<u8> {
    format!("{HEADER}{body}").into_bytes()
}

fn nested_parens(depth: usize) -> Vec<u8> {
    with_header(&format!(
        "define d: Bool = {}true{}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    ))
}

fn nots(count: usize) -> Vec<u8> {
    with_header(&format!("define d: Bool = {}true\n", "not ".repeat(count)))
}

/// `a and a and … and a` with `terms` terms.
fn and_chain(terms: usize) -> Vec<u8> {
    let mut body = String::from("var a: Bool\ndefine d: Bool = a");
    body.push_str(&" and a".repeat(terms - 1));
    body.push('\n');
    with_header(&body)
}

const UNKNOWN_NAME: &str = "var member: Bool\naxiom x: membr\n";
const TYPE_ERROR: &str = "var member: Bool\naxiom x: member + 1 = 2\n";
const PRIMED_AXIOM: &str = "var member: Bool\naxiom x: member'\n";

/// A spec of `size` bytes: many lines of ordinary declarations.
fn big_spec(size: usize) -> Vec<u8> {
    let mut text = String::from(HEADER);
    let mut i = 0;
    while text.len() < size {
        text.push_str(&format!("var v{i}: Bool = true // filler\n"));
        i += 1;
    }
    text.into_bytes()
}

/// A spec of `size` bytes on one line: a header and one enormous comment.
fn big_one_line_spec(size: usize) -> Vec<u8> {
    let mut text = String::from("charter \"one line\" /* ");
    text.push_str(&"x".repeat(size - text.len() - 3));
    text.push_str(" */");
    text.into_bytes()
}

fn offset_of(haystack: &[u8], needle: &str) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
        .unwrap_or_else(|| panic!("`{needle}` not found"))
}

// ---------------------------------------------------------------- library

#[test]
fn empty_file() {
    assert_syntax_error(b"", "charter::syntax::empty", Span::new(0, 0));
}

#[test]
fn whitespace_only_file() {
    let text = b"  \n\t\r\n   \n";
    assert_syntax_error(text, "charter::syntax::empty", Span::new(0, text.len()));
}

#[test]
fn random_binary_bytes() {
    for seed in SEEDS {
        for len in [1, 7, 100, 4096, 65536] {
            let bytes = Lcg(seed).bytes(len);
            let error = syntax_error(&bytes);
            match std::str::from_utf8(&bytes) {
                Err(utf8) => {
                    let at = utf8.valid_up_to();
                    assert_eq!(
                        code_of(&error),
                        "charter::syntax::invalid_utf8",
                        "seed {seed}"
                    );
                    // The span covers the replacement character in the
                    // lossy text that diagnostics display.
                    assert_eq!(error.span(), Span::new(at, at + 3), "seed {seed}");
                }
                Ok(_) => assert!(code_of(&error).starts_with("charter::syntax::")),
            }
            assert_renders(&error, &bytes);
        }
    }
}

/// Random printable ASCII gets past the UTF-8 check into the prescan and the
/// parser; with a header in front, deeper still.
#[test]
fn random_ascii_text() {
    const ALPHABET: &[u8] = b" \n\t\"(){}[]:,.'=<>!+-*#|/\\_?azAZ09 and or not forall in set ";
    for seed in SEEDS {
        let mut rng = Lcg(seed);
        for round in 0..50 {
            let len = 1 + rng.below(400);
            let mut bytes: Vec<u8> = (0..len)
                .map(|_| ALPHABET[rng.below(ALPHABET.len())])
                .collect();
            if round % 2 == 0 {
                bytes.splice(0..0, HEADER.bytes());
            }
            match charter::load(&bytes) {
                Err(error) => {
                    assert!(code_of(&error).starts_with("charter::syntax::"));
                    let span = error.span();
                    assert!(span.start <= span.end && span.end <= bytes.len());
                    assert_renders(&error, &bytes);
                }
                Ok(loaded) => {
                    if let Err(errors) = loaded.checked {
                        for error in &errors {
                            assert_renders(error, &bytes);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn invalid_utf8() {
    let mut bytes = HEADER.as_bytes().to_vec();
    let at = bytes.len() + 8;
    bytes.extend_from_slice(b"sort Per\xffson\n");
    assert_syntax_error(
        &bytes,
        "charter::syntax::invalid_utf8",
        Span::new(at, at + 3),
    );
    // A truncated multi-byte sequence at the very end.
    let bytes = b"charter \"caf\xc3";
    assert_syntax_error(bytes, "charter::syntax::invalid_utf8", Span::new(12, 15));
}

#[test]
fn unterminated_string() {
    let bytes = with_header("axiom a \"never closed: true\nsort S\n");
    let quote = offset_of(&bytes, "\"never");
    assert_syntax_error(
        &bytes,
        "charter::syntax::unterminated_string",
        Span::new(quote, quote + 1),
    );
    // An escaped quote does not close it either.
    let bytes = with_header("axiom a \"ends with \\\"");
    let quote = offset_of(&bytes, "\"ends");
    assert_syntax_error(
        &bytes,
        "charter::syntax::unterminated_string",
        Span::new(quote, quote + 1),
    );
}

#[test]
fn ten_thousand_nested_parentheses() {
    let bytes = nested_parens(10_000);
    // The first bracket past the limit of 128.
    let first = offset_of(&bytes, "(");
    let at = first + charter::syntax::MAX_NESTING;
    assert_syntax_error(&bytes, "charter::syntax::too_deep", Span::new(at, at + 1));
}

/// On the CLI's stack: see `deepest_accepted_expressions_check_on_a_small_stack`.
#[test]
fn parentheses_at_the_nesting_limit_are_accepted() {
    on_stack(CLI_STACK, || {
        let bytes = nested_parens(charter::syntax::MAX_NESTING);
        let loaded = charter::load(&bytes).expect("128 levels of brackets parse");
        assert!(loaded.checked.is_ok(), "{:?}", loaded.checked.err());
    });
}

#[test]
fn a_hundred_thousand_nots() {
    let bytes = nots(100_000);
    // The first `not` past the limit of 400 prefix operators.
    let first = offset_of(&bytes, "not");
    let at = first + 4 * charter::syntax::MAX_EXPR_DEPTH;
    assert_syntax_error(
        &bytes,
        "charter::syntax::expression_too_deep",
        Span::new(at, at + 3),
    );
}

#[test]
fn two_hundred_thousand_term_and_chain() {
    let bytes = and_chain(200_000);
    // `and` is left-associative, so the chain is a tree as deep as it is
    // long; the first node deeper than the limit spans the first 401 terms.
    let first = offset_of(&bytes, "= a") + 2;
    let terms = charter::syntax::MAX_EXPR_DEPTH + 1;
    let end = first + 6 * (terms - 1) + 1;
    assert_syntax_error(
        &bytes,
        "charter::syntax::expression_too_deep",
        Span::new(first, end),
    );
}

#[test]
fn unknown_name_suggests_the_declared_one() {
    let bytes = with_header(UNKNOWN_NAME);
    let errors = check_errors(&bytes);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let error = &errors[0];
    assert_eq!(code_of(error), "charter::check::unknown_name");
    let at = offset_of(&bytes, "membr\n");
    assert_eq!(error.span(), Span::new(at, at + 5));
    let help = error.help().map(|h| h.to_string()).unwrap_or_default();
    assert!(help.contains("did you mean `member`"), "help: {help:?}");
    assert_renders(error, &bytes);
}

#[test]
fn type_error() {
    let bytes = with_header(TYPE_ERROR);
    let errors = check_errors(&bytes);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(code_of(&errors[0]), "charter::check::type_mismatch");
    let at = offset_of(&bytes, "member + 1");
    assert_eq!(errors[0].span(), Span::new(at, at + "member".len()));
    assert_renders(&errors[0], &bytes);
}

#[test]
fn primed_variable_in_an_axiom() {
    let bytes = with_header(PRIMED_AXIOM);
    let errors = check_errors(&bytes);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(code_of(&errors[0]), "charter::check::prime_not_allowed");
    let at = offset_of(&bytes, "member'");
    assert_eq!(errors[0].span(), Span::new(at, at + "member'".len()));
    assert_renders(&errors[0], &bytes);
}

#[test]
fn five_megabyte_spec() {
    let limit = charter::syntax::MAX_SOURCE_BYTES;
    let bytes = big_spec(5 * 1024 * 1024);
    assert_syntax_error(
        &bytes,
        "charter::syntax::too_large",
        Span::new(limit, limit),
    );
    // Just over the limit is too large; exactly at it is not.
    let mut at_limit = big_spec(limit - 100);
    at_limit.resize(limit, b' ');
    assert!(charter::load(&at_limit).is_ok());
    at_limit.push(b'\n');
    assert_syntax_error(
        &at_limit,
        "charter::syntax::too_large",
        Span::new(limit, limit),
    );
}

#[test]
fn five_megabyte_spec_on_one_line() {
    let limit = charter::syntax::MAX_SOURCE_BYTES;
    let bytes = big_one_line_spec(5 * 1024 * 1024);
    assert_syntax_error(
        &bytes,
        "charter::syntax::too_large",
        Span::new(limit, limit),
    );
}

/// A syntax error far to the right on a long line: diagnostics must render
/// (miette pads with a format width, which panics past 65,535 columns).
#[test]
fn error_at_a_far_column() {
    let mut bytes = with_header("define d: Bool = true");
    bytes.extend(std::iter::repeat_n(b' ', 100_000));
    bytes.extend_from_slice(b"$\n");
    let at = bytes.len() - 2;
    let error = syntax_error(&bytes);
    assert_eq!(code_of(&error), "charter::syntax::unexpected");
    assert_eq!(error.span(), Span::new(at, at + 1));
    assert_renders(&error, &bytes);
}

// ------------------------------------------- deep nesting without brackets

/// The stack the CLI gives the front end.
const CLI_STACK: usize = 256 * 1024 * 1024;

/// The stack of a test thread, and of many a library user's thread.
const SMALL_STACK: usize = 2 * 1024 * 1024;

/// Runs `f` on a thread with this much stack. A stack overflow aborts the
/// whole test binary, so the deepest inputs run here, on the stack size they
/// are meant for, rather than on whatever the harness gives.
fn on_stack<T: Send>(size: usize, f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(size)
            .spawn_scoped(scope, f)
            .expect("spawn a thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Nesting that needs no brackets (quantifier bodies, `else` branches, `set`
/// types) is bounded by nothing but pest's stack guard and the parser's
/// depth limits, not by the prescan. Whatever the depth, the answer must
/// come quickly and be a coded diagnostic (or success).
fn assert_deep_input_is_handled(name: &str, bytes: &[u8]) -> Option<String> {
    let start = Instant::now();
    let code = match charter::load(bytes) {
        Err(error) => {
            assert!(code_of(&error).starts_with("charter::syntax::"), "{name}");
            assert_renders(&error, bytes);
            Some(code_of(&error))
        }
        Ok(loaded) => {
            if let Err(errors) = &loaded.checked {
                for error in errors.iter().take(5) {
                    assert_renders(error, bytes);
                }
            }
            None
        }
    };
    // A guard against a hang, not a measure of speed (that is
    // `benches/frontend.rs`): 20,000 levels take well under a second in a
    // debug build, and took 19 s when the tree builder was quadratic; a
    // loaded CI machine must not turn a sound run into a failure.
    let elapsed = start.elapsed();
    assert!(
        elapsed < CLI_TIMEOUT,
        "{name}: took {elapsed:?} for {} bytes",
        bytes.len()
    );
    code
}

fn nested_quantifiers(depth: usize) -> Vec<u8> {
    with_header(&format!(
        "var a: Bool\ndefine d: Bool = {}a\n",
        "forall x: Bool. ".repeat(depth)
    ))
}

fn nested_else_branches(depth: usize) -> Vec<u8> {
    with_header(&format!(
        "var a: Bool\ndefine d: Bool = {}a\n",
        "if a then a else ".repeat(depth)
    ))
}

fn nested_set_types(depth: usize) -> Vec<u8> {
    with_header(&format!("var v: {}Bool\n", "set ".repeat(depth)))
}

#[test]
fn deeply_nested_quantifiers() {
    on_stack(CLI_STACK, || {
        for depth in [100, 399, 400, 401, 1_000, 5_000, 20_000] {
            let code = assert_deep_input_is_handled(
                &format!("{depth} quantifiers"),
                &nested_quantifiers(depth),
            );
            // The tree is one deeper than the quantifiers.
            let expected = (depth >= charter::syntax::MAX_EXPR_DEPTH)
                .then(|| "charter::syntax::expression_too_deep".to_string());
            assert_eq!(code, expected, "{depth} quantifiers");
        }
    });
}

/// Past the limit, the error points at the first construct too many: the
/// 401st `forall`, however deep the input goes.
#[test]
fn too_deep_quantifiers_are_reported_at_the_first_one_too_many() {
    on_stack(CLI_STACK, || {
        for depth in [401, 1_000, 20_000] {
            let bytes = nested_quantifiers(depth);
            let first = offset_of(&bytes, "forall");
            let at = first + "forall x: Bool. ".len() * charter::syntax::MAX_EXPR_DEPTH;
            assert_syntax_error(
                &bytes,
                "charter::syntax::expression_too_deep",
                Span::new(at, at + "forall".len()),
            );
        }
    });
}

#[test]
fn deeply_nested_else_branches() {
    on_stack(CLI_STACK, || {
        for depth in [100, 399, 400, 1_000, 5_000, 20_000] {
            let code = assert_deep_input_is_handled(
                &format!("{depth} else branches"),
                &nested_else_branches(depth),
            );
            let expected = (depth >= charter::syntax::MAX_EXPR_DEPTH)
                .then(|| "charter::syntax::expression_too_deep".to_string());
            assert_eq!(code, expected, "{depth} else branches");
        }
    });
}

#[test]
fn deeply_nested_set_types() {
    on_stack(CLI_STACK, || {
        for depth in [2, 10, 128, 129, 1_000, 20_000, 500_000] {
            let code = assert_deep_input_is_handled(
                &format!("{depth} nested set types"),
                &nested_set_types(depth),
            );
            // Sets of sets parse (and fail to check) up to the bracket limit.
            if depth <= charter::syntax::MAX_NESTING {
                assert_eq!(code, None, "{depth} nested set types");
            } else {
                assert!(code.is_some(), "{depth} nested set types");
            }
        }
    });
}

/// Right-associative `implies` recurses once per operator: at the limit it
/// parses, and the checker handles it.
#[test]
fn implies_chain_at_the_limit() {
    on_stack(CLI_STACK, || {
        let bytes = with_header(&format!(
            "var a: Bool\ndefine d: Bool = a{}\n",
            " implies a".repeat(charter::syntax::MAX_EXPR_DEPTH - 1)
        ));
        let loaded = charter::load(&bytes).expect("400 operators deep parses");
        assert!(loaded.checked.is_ok(), "{:?}", loaded.checked.err());
        let bytes = with_header(&format!(
            "var a: Bool\ndefine d: Bool = a{}\n",
            " implies a".repeat(100_000)
        ));
        assert_eq!(
            code_of(&syntax_error(&bytes)),
            "charter::syntax::expression_too_deep"
        );
    });
}

/// The deepest expressions the limits accept, mixing brackets, quantifiers
/// and operators.
fn deepest_accepted_expressions() -> Vec<String> {
    let depth = charter::syntax::MAX_EXPR_DEPTH;
    let brackets = charter::syntax::MAX_NESTING;
    vec![
        format!(
            "var a: Bool\ndefine d: Bool = {}a\n",
            "not ".repeat(depth - 1)
        ),
        format!(
            "var a: Bool\ndefine d: Bool = {}a\n",
            "forall x: Bool. ".repeat(depth - 1)
        ),
        format!(
            "var a: Bool\ndefine d: Bool = {}a\n",
            "if a then a else ".repeat(depth - 1)
        ),
        format!(
            "var a: Bool\ndefine d: Bool = a{}\n",
            " implies a".repeat(depth - 1)
        ),
        format!(
            "var n: Int\ndefine d: Bool = {}n{} = 0\n",
            "(1 + ".repeat(brackets),
            ")".repeat(brackets)
        ),
        format!(
            "var a: Bool\ndefine d: Bool = {}a{}\n",
            "(not ".repeat(brackets),
            ")".repeat(brackets)
        ),
        format!(
            "sort S\nvar f: S -> S\nvar s: S\ndefine d: S = {}s{}\n",
            "f(".repeat(brackets),
            ")".repeat(brackets)
        ),
        format!(
            "sort S\nvar s: set S\ndefine d: Bool = #{}s{} = 0\n",
            "(s union ".repeat(brackets - 1),
            ")".repeat(brackets - 1)
        ),
    ]
}

fn assert_deepest_accepted_expressions_check() {
    for body in deepest_accepted_expressions() {
        let bytes = with_header(&body);
        let loaded = charter::load(&bytes).unwrap_or_else(|e| panic!("{e}\n{body:.200}"));
        assert!(loaded.checked.is_ok(), "{:?}", loaded.checked.err());
    }
}

#[test]
fn deepest_accepted_expressions_check_on_the_cli_stack() {
    on_stack(CLI_STACK, assert_deepest_accepted_expressions_check);
}

/// In a debug build the tree builder needs about 24 KiB of stack per nested
/// construct and the checker 9-18 KiB per operator: 82 nested quantifiers
/// would overflow a 2 MiB stack, well inside the documented limits.
/// `charter::load` therefore runs the recursive stages on its own
/// large-stack thread, so a library caller's small stack is enough.
#[test]
fn deepest_accepted_expressions_check_on_a_small_stack() {
    on_stack(SMALL_STACK, assert_deepest_accepted_expressions_check);
}

/// Inputs nested far beyond the limits fail cleanly even on a small stack:
/// pest's stack guard or the depth limits stop them before the tree
/// builder recurses.
#[test]
fn far_too_deep_inputs_fail_cleanly_on_a_small_stack() {
    on_stack(SMALL_STACK, || {
        for (name, bytes) in [
            ("quantifiers", nested_quantifiers(200_000)),
            ("else branches", nested_else_branches(100_000)),
            ("set types", nested_set_types(500_000)),
            ("brackets", nested_parens(10_000)),
            ("nots", nots(100_000)),
            ("and chain", and_chain(200_000)),
        ] {
            assert!(
                assert_deep_input_is_handled(name, &bytes).is_some(),
                "{name} should be refused"
            );
        }
    });
}

// ---------------------------------------------------------------- binary

#[test]
fn cli_empty_file() {
    assert_cli_rejects("empty.charter", b"", "charter::syntax::empty");
}

#[test]
fn cli_whitespace_only_file() {
    assert_cli_rejects(
        "whitespace.charter",
        b" \n\t \r\n",
        "charter::syntax::empty",
    );
}

#[test]
fn cli_random_binary_bytes() {
    for seed in SEEDS {
        let bytes = Lcg(seed).bytes(4096);
        assert_cli_rejects(
            &format!("random-{seed:x}.charter"),
            &bytes,
            "charter::syntax::invalid_utf8",
        );
    }
}

#[test]
fn cli_invalid_utf8() {
    let output = assert_cli_rejects(
        "invalid-utf8.charter",
        b"charter \"t\xff\"\n",
        "charter::syntax::invalid_utf8",
    );
    // Rendered against the lossy text, with a replacement character.
    assert!(String::from_utf8_lossy(&output.stderr).contains('\u{fffd}'));
}

#[test]
fn cli_unterminated_string() {
    assert_cli_rejects(
        "unterminated.charter",
        &with_header("axiom a \"oops: true\n"),
        "charter::syntax::unterminated_string",
    );
}

#[test]
fn cli_ten_thousand_nested_parentheses() {
    assert_cli_rejects(
        "parens.charter",
        &nested_parens(10_000),
        "charter::syntax::too_deep",
    );
}

#[test]
fn cli_a_hundred_thousand_nots() {
    assert_cli_rejects(
        "nots.charter",
        &nots(100_000),
        "charter::syntax::expression_too_deep",
    );
}

#[test]
fn cli_two_hundred_thousand_term_and_chain() {
    assert_cli_rejects(
        "and-chain.charter",
        &and_chain(200_000),
        "charter::syntax::expression_too_deep",
    );
}

#[test]
fn cli_unknown_name() {
    let output = assert_cli_rejects(
        "unknown-name.charter",
        &with_header(UNKNOWN_NAME),
        "charter::check::unknown_name",
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `member`?"));
}

#[test]
fn cli_type_error() {
    assert_cli_rejects(
        "type-error.charter",
        &with_header(TYPE_ERROR),
        "charter::check::type_mismatch",
    );
}

#[test]
fn cli_primed_variable_in_an_axiom() {
    assert_cli_rejects(
        "primed-axiom.charter",
        &with_header(PRIMED_AXIOM),
        "charter::check::prime_not_allowed",
    );
}

#[test]
fn cli_five_megabyte_spec() {
    assert_cli_rejects(
        "big.charter",
        &big_spec(5 * 1024 * 1024),
        "charter::syntax::too_large",
    );
}

#[test]
fn cli_five_megabyte_spec_on_one_line() {
    assert_cli_rejects(
        "big-one-line.charter",
        &big_one_line_spec(5 * 1024 * 1024),
        "charter::syntax::too_large",
    );
}

#[test]
fn cli_error_at_a_far_column() {
    let mut bytes = with_header("define d: Bool = true");
    bytes.extend(std::iter::repeat_n(b' ', 100_000));
    bytes.extend_from_slice(b"$\n");
    assert_cli_rejects("far-column.charter", &bytes, "charter::syntax::unexpected");
}

#[test]
fn cli_deep_nesting_without_brackets() {
    let cases = [
        (
            "quantifiers",
            format!(
                "define d: Bool = {}true\n",
                "forall x: Bool. ".repeat(20_000)
            ),
        ),
        (
            "else-branches",
            format!(
                "define d: Bool = {}true\n",
                "if true then true else ".repeat(20_000)
            ),
        ),
    ];
    for (name, body) in cases {
        assert_cli_rejects(
            &format!("deep-{name}.charter"),
            &with_header(&body),
            "charter::syntax::expression_too_deep",
        );
    }
}

#[test]
fn cli_deeply_nested_set_types() {
    let path = scratch_file(
        "deep-set-types.charter",
        &with_header(&format!("var v: {}Bool\n", "set ".repeat(20_000))),
    );
    let output = run_cli(&[
        "check".as_ref(),
        "--color".as_ref(),
        "never".as_ref(),
        path.as_os_str(),
    ]);
    assert_cli_failure(&output, "charter::");
}

#[test]
fn cli_file_that_does_not_exist() {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("robustness/no-such-file.charter");
    let _ = std::fs::remove_file(&path);
    let output = run_cli(&["check".as_ref(), path.as_os_str()]);
    assert_cli_failure(&output, "charter::io::read");
}

/// One unreadable file does not stop the others from being checked.
#[test]
fn cli_missing_file_among_valid_ones() {
    let valid = scratch_file("valid.charter", &with_header("sort S\nvar s: set S = S\n"));
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("robustness/missing.charter");
    let _ = std::fs::remove_file(&missing);
    let output = run_cli(&["check".as_ref(), missing.as_os_str(), valid.as_os_str()]);
    assert_cli_failure(&output, "charter::io::read");
    assert!(String::from_utf8_lossy(&output.stdout).contains("valid.charter: ok"));
}

#[test]
fn cli_no_arguments_is_a_usage_error() {
    let output = run_cli(&[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Usage"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn cli_check_without_files_is_a_usage_error() {
    let output = run_cli(&["check".as_ref()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage"));
}

#[test]
fn cli_help() {
    let output = run_cli(&["--help".as_ref()]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("check"), "{stdout}");
    assert!(!stdout.contains("panicked"));
}

/// The JSON output agrees with the library on codes and spans.
#[test]
fn cli_json_spans_match_the_library() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "json-unterminated.charter",
            with_header("axiom a \"oops: true\n"),
        ),
        ("json-parens.charter", nested_parens(10_000)),
        ("json-unknown.charter", with_header(UNKNOWN_NAME)),
        ("json-prime.charter", with_header(PRIMED_AXIOM)),
        ("json-utf8.charter", b"charter \"t\xff\"\n".to_vec()),
    ];
    for (name, bytes) in cases {
        let expected = common::diagnostics_of(&bytes)
            .into_iter()
            .find(|(code, _)| code != "charter::check::unused")
            .expect("an error");
        assert_eq!(cli_json_span(name, &bytes), expected, "{name}");
    }
}

// ---------------------------------------------------------------- proptest

const CSTO: &str = include_str!("../specs/csto-article13.charter");

/// Loads the bytes and renders every diagnostic; panics fail the case.
fn load_and_render(bytes: &[u8]) {
    let source = SourceFile::from_bytes("fuzz.charter", bytes);
    match charter::load(bytes) {
        Err(error) => {
            let span = error.span();
            assert!(span.start <= span.end && span.end <= source.text.len());
            let _ = report::render(&error, &source, Color::Never);
        }
        Ok(loaded) => {
            let diagnostics = match loaded.checked {
                Ok(checked) => checked.warnings,
                Err(errors) => errors,
            };
            for diagnostic in &diagnostics {
                let span = diagnostic.span();
                assert!(span.start <= span.end && span.end <= bytes.len());
                let _ = report::render(diagnostic, &source, Color::Never);
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete(prop::sample::Index),
    Insert(prop::sample::Index, u8),
    Swap(prop::sample::Index, prop::sample::Index),
    /// Duplicates a short range, which tends to keep the text plausible.
    Duplicate(prop::sample::Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop::sample::select(b"(){}[]\"'/*:.,=<>#-\n x0".to_vec());
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::Delete),
        (
            any::<prop::sample::Index>(),
            prop_oneof![any::<u8>(), interesting]
        )
            .prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<prop::sample::Index>(), 1usize..40)
            .prop_map(|(at, len)| Mutation::Duplicate(at, len)),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        if bytes.is_empty() {
            break;
        }
        match mutation {
            Mutation::Delete(at) => {
                bytes.remove(at.index(bytes.len()));
            }
            Mutation::Insert(at, byte) => {
                let at = at.index(bytes.len() + 1);
                bytes.insert(at, *byte);
            }
            Mutation::Swap(a, b) => {
                let (a, b) = (a.index(bytes.len()), b.index(bytes.len()));
                bytes.swap(a, b);
            }
            Mutation::Duplicate(at, len) => {
                let start = at.index(bytes.len());
                let end = (start + len).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
    }
    bytes
}

/// Words and symbols of the language, for token soups that reach far into
/// the parser and the checker.
const TOKENS: &[&str] = &[
    "enum",
    "sort",
    "const",
    "var",
    "event",
    "requires",
    "define",
    "axiom",
    "init",
    "lemma",
    "article",
    "clause",
    "on",
    "when",
    "unless",
    "always",
    "assert",
    "check",
    "prove",
    "scenario",
    "not",
    "and",
    "or",
    "implies",
    "iff",
    "in",
    "union",
    "intersect",
    "if",
    "then",
    "else",
    "forall",
    "exists",
    "exactly",
    "one",
    "at",
    "most",
    "no",
    "once",
    "previously",
    "historically",
    "since",
    "none",
    "is",
    "some",
    "true",
    "false",
    "set",
    "Bool",
    "Int",
    "any",
    "except",
    "depth",
    "scope",
    "expect",
    "proved",
    "counterexample",
    "witness",
    "unknown",
    "S",
    "E",
    "x",
    "y",
    "f",
    "p",
    "v",
    "A",
    "B",
    "0",
    "1",
    "127",
    "99999999999999999999",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    ".",
    "..",
    "|",
    "'",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "#",
    "?",
    "->",
    "+=",
    "-=",
    "=>",
    "<=>",
    "_",
    "\"text\"",
    "\n",
];

/// Operands, prefixes and binary operators, for expressions that parse and
/// reach the checker (which must then give errors, not panic).
const OPERANDS: &[&str] = &[
    "x",
    "x'",
    "p",
    "v",
    "v'",
    "f(p)",
    "f'(p)",
    "A",
    "S",
    "E",
    "1",
    "0",
    "127",
    "none",
    "true",
    "{}",
    "{p}",
    "{A, B}",
    "(x)",
    "(v union {p})",
    "{q: S | q in v}",
    "e(p)",
    "e(_)",
    "if x = 1 then v else {}",
    "(forall q: S. q in v)",
    "(exists q in v. f(q) = A)",
    "x is none",
    "f(p) is some",
];
const PREFIXES: &[&str] = &["", "", "", "not ", "-", "#", "once ", "previously "];
const BINARY: &[&str] = &[
    "+",
    "-",
    "*",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "union",
    "intersect",
    "and",
    "or",
    "implies",
    "iff",
    "since",
];

fn expression() -> impl Strategy<Value = String> {
    let operand = (
        prop::sample::select(PREFIXES),
        prop::sample::select(OPERANDS),
    )
        .prop_map(|(prefix, operand)| format!("{prefix}{operand}"));
    (
        operand.clone(),
        prop::collection::vec((prop::sample::select(BINARY), operand), 0..6),
    )
        .prop_map(|(first, rest)| {
            let mut text = first;
            for (op, operand) in rest {
                text.push_str(&format!(" {op} {operand}"));
            }
            text
        })
}

/// Where a generated expression goes.
const EXPRESSION_PLACES: &[&str] = &[
    "clause c on e(p): x' = {}\n",
    "clause c on e(p): v' = {}\n",
    "clause c on e(p) when {}: x' = 1\n",
    "clause c on e(p): x' = 1 unless {}: x' = 2\n",
    "clause c always {}\n",
    "define d = {}\n",
    "assert a: always {}\n",
    "scenario s: {}\n",
    "axiom a: {}\n",
    "event g(q: S) requires {}\n",
];

/// A plausible prefix so that the soup is checked, not just parsed.
const SOUP_PRELUDE: &str =
    "enum E { A, B }\nsort S\nvar v: set S\nvar x: Int[0..9]\nvar f: S -> E?\nevent e(p: S)\n";

/// Where the soup goes: among declarations, or where an expression, an
/// effect or a type is expected.
const SOUP_PLACES: &[&str] = &[
    "",
    "define d = ",
    "assert a: always ",
    "clause c on e(p): ",
    "clause c on e(p) when ",
    "var w: ",
    "scenario s: ",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        load_and_render(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_header_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..512)
    ) {
        let mut spec = HEADER.as_bytes().to_vec();
        spec.extend_from_slice(&bytes);
        load_and_render(&spec);
    }

    #[test]
    fn mutated_csto_spec_never_panics(
        mutations in prop::collection::vec(mutation(), 1..8)
    ) {
        load_and_render(&mutate(CSTO.as_bytes().to_vec(), &mutations));
    }

    #[test]
    fn token_soup_never_panics(
        place in prop::sample::select(SOUP_PLACES),
        words in prop::collection::vec(prop::sample::select(TOKENS), 0..60)
    ) {
        let spec = format!("{HEADER}{SOUP_PRELUDE}{place}{}", words.join(" "));
        load_and_render(spec.as_bytes());
    }

    #[test]
    fn generated_expressions_never_panic(
        place in prop::sample::select(EXPRESSION_PLACES),
        expr in expression()
    ) {
        let spec = format!("{HEADER}{SOUP_PRELUDE}{}", place.replace("{}", &expr));
        let parsed = charter::load(spec.as_bytes()).is_ok();
        load_and_render(spec.as_bytes());
        // These are well formed: they must get past the parser.
        prop_assert!(parsed, "does not parse: {}", expr);
    }
}

/// "Did you mean" is for names a person types: a name longer than 256
/// characters gets none (the edit distance would be quadratic in it), and
/// a candidate too long or too short to be within reach is not compared.
#[test]
fn did_you_mean_is_bounded_by_length() {
    let long = "a".repeat(100_000);
    let spec = format!("charter \"t\"\nvar {long}: Bool = false\nassert q: always {long}b\n");
    let errors = check_errors(spec.as_bytes());
    let unknown: Vec<_> = errors
        .iter()
        .filter(|e| code_of(*e) == "charter::check::unknown_name")
        .collect();
    assert_eq!(unknown.len(), 1);
    assert!(unknown[0].help().is_none());
    // Within reach, a suggestion is still made.
    let errors = check_errors(b"charter \"t\"\nvar member: Bool = false\nassert q: always membr\n");
    let help = errors
        .iter()
        .find_map(|e| e.help().map(|h| h.to_string()))
        .unwrap_or_default();
    assert!(help.contains("did you mean `member`"), "{help}");
}

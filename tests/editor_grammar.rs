//! The editor packages in `editors/`: every word the pest grammar matches
//! literally (reserved and contextual words, units, expectations) is
//! highlighted by the TextMate grammar, and the VS Code package's JSON
//! files are valid and point at each other. (Building the package needs
//! npm and the network: editors/README.md says how.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

const PEST: &str = "grammar/charter.pest";
const VSCODE: &str = "editors/vscode";
const TM_GRAMMAR: &str = "editors/vscode/syntaxes/charter.tmLanguage.json";

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json(path: &str) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

/// The words the pest grammar matches literally: every string literal of
/// its rules (comments skipped) made of letters only.
fn pest_words(grammar: &str) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for line in grammar.lines() {
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '/' if chars.peek() == Some(&'/') => break,
                '"' => {
                    let mut literal = String::new();
                    while let Some(c) = chars.next() {
                        match c {
                            // An escape (`\n`) is not a word.
                            '\\' => {
                                literal.push(c);
                                literal.extend(chars.next());
                            }
                            '"' => break,
                            c => literal.push(c),
                        }
                    }
                    if !literal.is_empty() && literal.chars().all(|c| c.is_ascii_alphabetic()) {
                        words.insert(literal);
                    }
                }
                _ => {}
            }
        }
    }
    words
}

/// The words the TextMate grammar's patterns name as alternatives: runs
/// of letters in every `match` and `begin`, split at anything else.
fn highlighted_words(grammar: &Value) -> BTreeSet<String> {
    let mut patterns = Vec::new();
    collect_patterns(grammar, &mut patterns);
    let mut words = BTreeSet::new();
    for pattern in patterns {
        // `\p{L}`, `\s`, … are classes, not words.
        let mut rest = pattern.as_str();
        while let Some(at) = rest.find('\\') {
            words.extend(letter_runs(&rest[..at]));
            let escaped = rest[at + 1..].chars().next().map_or(0, char::len_utf8);
            rest = &rest[at + 1 + escaped..];
            if let Some(class) = rest.strip_prefix('{') {
                rest = class.split_once('}').map_or("", |(_, after)| after);
            }
        }
        words.extend(letter_runs(rest));
    }
    words
}

fn letter_runs(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
}

fn collect_patterns(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("match" | "begin", Value::String(pattern)) => out.push(pattern.clone()),
                    _ => collect_patterns(value, out),
                }
            }
        }
        Value::Array(values) => values.iter().for_each(|v| collect_patterns(v, out)),
        _ => {}
    }
}

#[test]
fn every_word_of_the_grammar_is_highlighted() {
    let words = pest_words(&read(PEST));
    // The extraction finds the reserved words, contextual words and units.
    for sample in [
        "charter",
        "historically",
        "allowing",
        "months",
        "counterexample",
    ] {
        assert!(
            words.contains(sample),
            "{sample} not found in {PEST}: {words:?}"
        );
    }
    assert!(
        !words.contains("title"),
        "a word of a comment was taken: {words:?}"
    );
    for keyword in charter::syntax::KEYWORDS {
        assert!(words.contains(*keyword), "{keyword} not found in {PEST}");
    }
    let highlighted = highlighted_words(&json(TM_GRAMMAR));
    let missing: Vec<&String> = words.difference(&highlighted).collect();
    assert!(
        missing.is_empty(),
        "words of {PEST} that {TM_GRAMMAR} does not highlight: {missing:?}"
    );
}

#[test]
fn a_missing_word_is_noticed() {
    let grammar = json(TM_GRAMMAR);
    let mut text = grammar.to_string();
    // Take `historically` out of every pattern, as a careless edit would.
    text = text.replace("|historically", "");
    let edited: Value = serde_json::from_str(&text).unwrap();
    assert!(highlighted_words(&grammar).contains("historically"));
    assert!(!highlighted_words(&edited).contains("historically"));
    // A letter class such as `\p{L}` is not a word.
    assert!(!highlighted_words(&grammar).contains("L"));
}

#[test]
fn the_vscode_package_is_consistent() {
    let package = json(&format!("{VSCODE}/package.json"));
    let grammar = json(TM_GRAMMAR);
    json(&format!("{VSCODE}/language-configuration.json"));
    let contributes = &package["contributes"];
    let language = &contributes["languages"][0];
    assert_eq!(language["id"], "charter");
    assert_eq!(language["extensions"][0], ".charter");
    let configuration = language["configuration"].as_str().unwrap();
    assert!(Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(VSCODE)
        .join(configuration)
        .is_file());
    let contributed = &contributes["grammars"][0];
    assert_eq!(contributed["scopeName"], grammar["scopeName"]);
    assert_eq!(
        Path::new(VSCODE).join(contributed["path"].as_str().unwrap()),
        Path::new(VSCODE).join("./syntaxes/charter.tmLanguage.json")
    );
    let main = package["main"].as_str().unwrap();
    let client = read(&format!("{VSCODE}/{main}"));
    assert!(
        client.contains("\"lsp\""),
        "the client starts `charter lsp`"
    );
    assert!(package["dependencies"]["vscode-languageclient"].is_string());
}

//! `charter lsp` driven over standard input and output as an editor would:
//! initialize, open a clean spec and a broken one (names in Cyrillic and
//! Chinese, astral characters before them on their lines, so ranges are
//! only right if counted in UTF-16 code units), diagnostics against
//! `charter check --format json`, hover, definition, references, the
//! outline, completion, code lenses and running a command, a change, and
//! shutdown and exit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

const CLEAN: &str = r#"charter "Совет 𝔄"

enum Член { Россия, 中国 }
var голоса: set Член = {}
event голосовать(м: Член)
  requires м not in голоса

article 1 "Голосование" {
  clause подсчёт "𝔄𝔅 каждый член голосует один раз"
    on голосовать(м): голоса' += {м}
}

/* 𝔄 */ assert один_голос "не более 𝔄 двух голосов": always #голоса <= 2 and forall ч: Член. ч in голоса or not (ч in голоса)

prove один_голос depth 2 expect proved
scenario оба "оба 中国 голосуют": #голоса = 2 depth 2 expect witness
"#;

/// How long any one answer may take (the run of a command included).
const WAIT: Duration = Duration::from_secs(120);

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_charter"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = Some(n.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                if sender.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn write(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.write(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (notifications that come
    /// first are set aside).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.write(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.messages.recv_timeout(WAIT).expect("an answer");
            if message["id"] == json!(id) && message.get("method").is_none() {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    /// Waits for the next notification of a method.
    fn notification(&mut self, method: &str) -> Value {
        loop {
            let message = self.messages.recv_timeout(WAIT).expect("a notification");
            if message["method"] == json!(method) {
                return message["params"].clone();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "charter", "version": 1, "text": text}}),
        );
        let published = self.notification("textDocument/publishDiagnostics");
        assert_eq!(published["uri"], json!(uri));
        published["diagnostics"].clone()
    }
}

/// The LSP position of a byte offset, counted here independently of the
/// server: the line, and the UTF-16 code units before it on its line.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |at| at + 1);
    let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

/// The range of the `nth` occurrence of `word` (whole, as a name).
fn range_of(text: &str, word: &str, nth: usize) -> Value {
    let start = occurrences(text, word)[nth];
    json!({"start": position(text, start), "end": position(text, start + word.len())})
}

fn occurrences(text: &str, word: &str) -> Vec<usize> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word)
        .map(|(at, _)| at)
        .filter(|&at| {
            !text[..at].chars().next_back().is_some_and(is_name)
                && !text[at + word.len()..].chars().next().is_some_and(is_name)
        })
        .collect()
}

/// A position inside the `nth` occurrence of `word`.
fn inside(text: &str, word: &str, nth: usize) -> Value {
    let start = occurrences(text, word)[nth];
    let second = word.char_indices().nth(1).map_or(0, |(at, _)| at);
    position(text, start + second)
}

fn at(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

#[test]
fn a_session_over_stdio() {
    let clean = "file:///specs/%D1%81%D0%BE%D0%B2%D0%B5%D1%82.charter";
    let broken = "file:///specs/broken.charter";
    let mut server = Server::start();
    let init = server.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    let capabilities = &init["capabilities"];
    assert_eq!(capabilities["positionEncoding"], json!("utf-16"));
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "completionProvider",
        "codeLensProvider",
        "executeCommandProvider",
    ] {
        assert!(capabilities.get(provider).is_some(), "{provider}: {init}");
    }
    server.notify("initialized", json!({}));

    // Diagnostics: none for the clean spec; for the broken one, the CLI's.
    assert_eq!(server.open(clean, CLEAN), json!([]));
    let broken_text = CLEAN.replace("+= {м}", "+= {мм}");
    let diagnostics = server.open(broken, &broken_text);
    assert_eq!(
        diagnostics.as_array().map(Vec::len),
        Some(1),
        "{diagnostics}"
    );
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["range"], range_of(&broken_text, "мм", 0));
    assert_eq!(diagnostic["severity"], json!(1));
    assert_eq!(diagnostic["source"], json!("charter"));
    same_as_cli(&broken_text, diagnostic);

    // Hover on a use of the variable: its declaration and type, and the
    // range of the name hovered.
    let hover = server.request("textDocument/hover", at(clean, inside(CLEAN, "голоса", 3)));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("var голоса: set Член = {}"), "{shown}");
    assert!(shown.contains("type: `set Член`"), "{shown}");
    assert_eq!(hover["range"], range_of(CLEAN, "голоса", 3));
    // On the clause's name and on the command's reference to the
    // assertion: their quoted texts.
    let hover = server.request("textDocument/hover", at(clean, inside(CLEAN, "подсчёт", 0)));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("> 𝔄𝔅 каждый член голосует один раз"),
        "{shown}"
    );
    assert!(shown.contains("article 1"), "{shown}");
    let hover = server.request(
        "textDocument/hover",
        at(clean, inside(CLEAN, "один_голос", 1)),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("> не более 𝔄 двух голосов"), "{shown}");
    // A bound variable: its type from the checker.
    let hover = server.request("textDocument/hover", at(clean, inside(CLEAN, "ч", 1)));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("type: `Член`"), "{shown}");

    // Definition: from the use after `/* 𝔄 */` on its line to the
    // declaration.
    let definition = server.request(
        "textDocument/definition",
        at(clean, inside(CLEAN, "голоса", 4)),
    );
    assert_eq!(definition["uri"], json!(clean));
    assert_eq!(definition["range"], range_of(CLEAN, "голоса", 0));
    let definition = server.request(
        "textDocument/definition",
        at(clean, inside(CLEAN, "один_голос", 1)),
    );
    assert_eq!(definition["range"], range_of(CLEAN, "один_голос", 0));
    // The parameter in `requires` and the binding in the rule are
    // different locals that share a name.
    let definition = server.request("textDocument/definition", at(clean, inside(CLEAN, "м", 1)));
    assert_eq!(definition["range"], range_of(CLEAN, "м", 0));
    let definition = server.request("textDocument/definition", at(clean, inside(CLEAN, "м", 3)));
    assert_eq!(definition["range"], range_of(CLEAN, "м", 2));

    // References: every occurrence of the variable, with its declaration.
    let references = server.request(
        "textDocument/references",
        json!({"textDocument": {"uri": clean}, "position": inside(CLEAN, "голоса", 0), "context": {"includeDeclaration": true}}),
    );
    let expected: Vec<Value> = (0..occurrences(CLEAN, "голоса").len())
        .map(|n| json!({"uri": clean, "range": range_of(CLEAN, "голоса", n)}))
        .collect();
    assert_eq!(expected.len(), 7);
    assert_eq!(references, json!(expected));
    let references = server.request(
        "textDocument/references",
        json!({"textDocument": {"uri": clean}, "position": inside(CLEAN, "Член", 0), "context": {"includeDeclaration": false}}),
    );
    assert_eq!(references.as_array().map(Vec::len), Some(3), "{references}");

    // The outline: the article holds its clause; commands are listed.
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": clean}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Член",
            "голоса",
            "голосовать",
            "article 1",
            "один_голос",
            "prove один_голос",
            "scenario оба"
        ]
    );
    let article = &symbols[3];
    assert_eq!(article["children"][0]["name"], json!("подсчёт"));
    assert_eq!(
        article["children"][0]["selectionRange"],
        range_of(CLEAN, "подсчёт", 0)
    );
    assert_eq!(symbols[0]["children"][1]["name"], json!("中国"));

    // Completion inside the assertion: names in scope and keywords.
    let completion = server.request("textDocument/completion", at(clean, inside(CLEAN, "ч", 2)));
    let labels: Vec<&str> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    for expected in ["голоса", "Член", "中国", "ч", "forall", "expect"] {
        assert!(labels.contains(&expected), "{expected} in {labels:?}");
    }
    // The rule's binding `м` is not in scope in the assertion.
    assert!(!labels.contains(&"м"), "{labels:?}");

    // Code lenses, one per command; running the scenario gives its verdict.
    let lenses = server.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": clean}}),
    );
    assert_eq!(lenses.as_array().map(Vec::len), Some(2), "{lenses}");
    let scenario = &lenses[1]["command"];
    assert_eq!(scenario["title"], json!("▶ run scenario оба"));
    let ran = server.request(
        "workspace/executeCommand",
        json!({"command": scenario["command"], "arguments": scenario["arguments"]}),
    );
    assert!(
        ran["verdict"]
            .as_str()
            .unwrap()
            .starts_with("witness in 2 steps"),
        "{ran}"
    );
    assert_eq!(ran["succeeded"], json!(true));
    assert!(
        ran["report"]
            .as_str()
            .unwrap()
            .contains("by подсчёт (art. 1)"),
        "{ran}"
    );

    // A change is checked as it is typed; a text that does not parse still
    // gets completion from the last version that did.
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": clean, "version": 2}, "contentChanges": [{"text": format!("{CLEAN}\nassert")}]}),
    );
    let published = server.notification("textDocument/publishDiagnostics");
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{published}");
    assert_eq!(diagnostics[0]["code"], json!("charter::syntax::unexpected"));
    let end = json!({"line": CLEAN.lines().count() + 1, "character": 6});
    let completion = server.request("textDocument/completion", at(clean, end));
    assert!(
        completion.to_string().contains("\"голоса\""),
        "{completion}"
    );

    // Shutdown, exit: the server stops with success.
    assert_eq!(server.request("shutdown", Value::Null), Value::Null);
    server.notify("exit", Value::Null);
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

/// The diagnostic has the code, message, help and range of the CLI's
/// (`charter check --format json`) for the same text.
fn same_as_cli(text: &str, diagnostic: &Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spec.charter");
    std::fs::write(&path, text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&output.stdout).unwrap();
    let cli = &cli["files"][0]["diagnostics"][0];
    assert_eq!(diagnostic["code"], cli["code"]);
    let message = diagnostic["message"].as_str().unwrap();
    assert!(
        message.starts_with(cli["message"].as_str().unwrap()),
        "{message}"
    );
    let help = format!("help: {}", cli["help"].as_str().unwrap());
    assert!(message.ends_with(&help), "{message}");
    let label = &cli["labels"][0];
    let (start, end) = (
        label["start"].as_u64().unwrap(),
        label["end"].as_u64().unwrap(),
    );
    let range =
        json!({"start": position(text, start as usize), "end": position(text, end as usize)});
    assert_eq!(diagnostic["range"], range);
    assert!(
        message.contains(label["message"].as_str().unwrap()),
        "{message}"
    );
}

/// Where the checker fails, names, definitions and the outline still come
/// from the AST; every use in every spec resolves to a declaration of the
/// name written there.
#[test]
fn names_without_the_checker_and_in_every_spec() {
    let broken = CLEAN.replace("+= {м}", "+= {мм}");
    let analysis = charter::ide::Analysis::new(&broken);
    assert!(analysis.checked.is_none());
    assert_eq!(analysis.symbols().len(), 7);
    let use_at = occurrences(&broken, "голоса")[2];
    let declared = occurrences(&broken, "голоса")[0];
    assert_eq!(
        analysis.definition(use_at + 2).map(|s| s.start),
        Some(declared)
    );
    // Not parsed: a diagnostic, no names, keywords to complete.
    let unparsed = charter::ide::Analysis::new("charter \"x\"\nvar");
    assert_eq!(unparsed.diagnostics.len(), 1);
    assert!(unparsed.symbols().is_empty());
    assert!(unparsed
        .completions(0, None)
        .iter()
        .any(|c| c.label == "forall"));

    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let mut uses = 0;
    for entry in std::fs::read_dir(specs).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "charter") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let analysis = charter::ide::Analysis::new(&text);
        assert!(analysis.checked.is_some(), "{}", path.display());
        for found in &analysis.names.uses {
            let decl = &analysis.names.decls[found.decl];
            assert_eq!(
                &text[found.span.start..found.span.end],
                decl.name,
                "{}",
                path.display()
            );
            uses += 1;
        }
        assert!(!analysis.commands().is_empty());
    }
    assert!(uses > 500, "{uses} uses");
}

/// A code lens runs the comparisons of readings too (`compare`,
/// `diverge`), after the other commands, as `charter verify` does.
#[test]
fn comparisons_have_code_lenses_and_run() {
    let text = std::fs::read_to_string("tests/fixtures/readings/hosting.charter").unwrap()
        + "\ncompare literal practice: chair expect witness\ndiverge literal practice expect witness\n";
    let analysis = charter::ide::Analysis::new(&text);
    let commands = analysis.commands();
    let kinds: Vec<&str> = commands.iter().map(|c| c.kind).collect();
    let n = kinds.len();
    assert!(n >= 3, "{kinds:?}");
    assert_eq!(kinds[n - 2..], ["compare", "diverge"], "{kinds:?}");
    for (index, kind) in [(n - 2, "compare"), (n - 1, "diverge")] {
        assert_eq!(commands[index].index, index);
        let ran = analysis.run(index, 60_000).unwrap();
        assert!(ran.succeeded, "{kind}: {ran:?}");
        assert!(ran.verdict.starts_with("witness: "), "{kind}: {ran:?}");
        assert!(ran.report.starts_with(kind), "{kind}: {ran:?}");
    }
    assert!(analysis
        .run(n - 2, 60_000)
        .unwrap()
        .report
        .contains("◀ the readings part here"));
}

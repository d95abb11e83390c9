//! `charter lsp`: a language server over standard input and output
//! (`lsp-server`, synchronous). Each open document is analysed whole on
//! every change ([`charter::ide::Analysis`]; full-text sync) and its
//! diagnostics published; hover, definition, references, the outline,
//! completion and code lenses are answered from that analysis.
//!
//! A code lens on each command runs it (`workspace/executeCommand`,
//! command `charter.run`) in-process on a worker thread, one run at a time,
//! with a time budget for the run ([`RUN_TIMEOUT_MS`]): the answer is
//! the verdict, also shown as a message, and the CLI's report goes to the
//! client's log. Positions are in UTF-16 code units, the protocol's default.

mod convert;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;

use charter::ide::Analysis;

use crate::output::to_stderr;
use crate::Exit;

/// The command a code lens runs.
const RUN_COMMAND: &str = "charter.run";
/// Time budget of a run from the editor (60 s): a
/// verdict that takes longer is `unknown`, as with `--timeout 60`.
const RUN_TIMEOUT_MS: u64 = 60_000;

pub fn lsp() -> Exit {
    let (connection, io_threads) = Connection::stdio();
    let capabilities = match serde_json::to_value(capabilities()) {
        Ok(capabilities) => capabilities,
        Err(error) => {
            to_stderr(&format!("charter lsp: {error}\n"));
            return Exit::Invalid;
        }
    };
    if let Err(error) = connection.initialize(capabilities) {
        to_stderr(&format!("charter lsp: {error}\n"));
        return Exit::Invalid;
    }
    let mut server = Server {
        connection: &connection,
        documents: HashMap::new(),
        running: Arc::new(AtomicBool::new(false)),
    };
    let exit = server.serve();
    let still_running = server.running.load(Ordering::SeqCst);
    drop(server);
    drop(connection);
    // A run still going holds a sender: waiting for the writer would wait
    // for the run. Leaving exits the process, and the run with it.
    if !still_running && io_threads.join().is_err() {
        return Exit::Invalid;
    }
    exit
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions::default()),
        code_lens_provider: Some(lsp::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: vec![RUN_COMMAND.into()],
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        }),
        ..lsp::ServerCapabilities::default()
    }
}

/// An open document: its latest analysis, and the last one that parsed
/// (completion offers its names while the text does not parse).
struct Document {
    analysis: Analysis,
    parsed: Option<Analysis>,
}

struct Server<'c> {
    connection: &'c Connection,
    documents: HashMap<lsp::Uri, Document>,
    /// Whether a command is running (one at a time: the solver is heavy).
    running: Arc<AtomicBool>,
}

/// A request's answer, or the error to reply with.
type Reply = Result<serde_json::Value, (ErrorCode, String)>;

impl Server<'_> {
    fn serve(&mut self) -> Exit {
        while let Ok(message) = self.connection.receiver.recv() {
            match message {
                Message::Request(request) => match self.connection.handle_shutdown(&request) {
                    Ok(true) => return Exit::Ok,
                    Ok(false) => self.request(request),
                    Err(error) => {
                        to_stderr(&format!("charter lsp: {error}\n"));
                        return Exit::Invalid;
                    }
                },
                Message::Notification(notification) => {
                    if notification.method == lsp::notification::Exit::METHOD {
                        // Exit without shutdown: a failure, by the protocol.
                        return Exit::Invalid;
                    }
                    self.notification(notification);
                }
                Message::Response(_) => {}
            }
        }
        Exit::Ok
    }

    fn send(&self, message: impl Into<Message>) {
        let _ = self.connection.sender.send(message.into());
    }

    fn notification(&mut self, notification: Notification) {
        use lsp::notification::{DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument};
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(params) = notification
                    .extract::<lsp::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                {
                    let document = params.text_document;
                    self.update(document.uri, document.text);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(params) = notification
                    .extract::<lsp::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
                {
                    let uri = params.text_document.uri;
                    let mut text = self
                        .documents
                        .get(&uri)
                        .map(|d| d.analysis.text.clone())
                        .unwrap_or_default();
                    for change in params.content_changes {
                        text = apply(&text, change);
                    }
                    self.update(uri, text);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) = notification
                    .extract::<lsp::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                {
                    let uri = params.text_document.uri;
                    self.documents.remove(&uri);
                    self.publish(&uri, Vec::new());
                }
            }
            _ => {}
        }
    }

    /// Analyses a document's new text and publishes its diagnostics.
    fn update(&mut self, uri: lsp::Uri, text: String) {
        let analysis = Analysis::new(&text);
        let diagnostics = analysis
            .diagnostics
            .iter()
            .map(|d| convert::diagnostic(&analysis, &uri, d))
            .collect();
        let previous = self.documents.remove(&uri);
        let parsed = match previous {
            _ if analysis.ast.is_some() => None,
            Some(Document {
                analysis: last,
                parsed,
            }) => parsed.or(last.ast.is_some().then_some(last)),
            None => None,
        };
        self.documents
            .insert(uri.clone(), Document { analysis, parsed });
        self.publish(&uri, diagnostics);
    }

    fn publish(&self, uri: &lsp::Uri, diagnostics: Vec<lsp::Diagnostic>) {
        let params = lsp::PublishDiagnosticsParams::new(uri.clone(), diagnostics, None);
        self.send(Notification::new(
            lsp::notification::PublishDiagnostics::METHOD.into(),
            params,
        ));
    }

    fn request(&mut self, request: Request) {
        use lsp::request::*;
        let id = request.id.clone();
        let reply: Reply = match request.method.as_str() {
            HoverRequest::METHOD => self.at::<lsp::HoverParams, _>(request, |d, params| {
                let (analysis, offset) = at(d, &params.text_document_position_params.position);
                analysis.hover(offset).map(|hover| lsp::Hover {
                    contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: hover.markdown,
                    }),
                    range: Some(convert::range(analysis, hover.span)),
                })
            }),
            GotoDefinition::METHOD => {
                self.at::<lsp::GotoDefinitionParams, _>(request, |d, params| {
                    let position = &params.text_document_position_params;
                    let (analysis, offset) = at(d, &position.position);
                    analysis.definition(offset).map(|span| {
                        lsp::GotoDefinitionResponse::Scalar(lsp::Location::new(
                            position.text_document.uri.clone(),
                            convert::range(analysis, span),
                        ))
                    })
                })
            }
            References::METHOD => self.at::<lsp::ReferenceParams, _>(request, |d, params| {
                let position = &params.text_document_position;
                let (analysis, offset) = at(d, &position.position);
                let spans = analysis.references(offset, params.context.include_declaration);
                let uri = &position.text_document.uri;
                let locations: Vec<lsp::Location> = spans
                    .into_iter()
                    .map(|span| lsp::Location::new(uri.clone(), convert::range(analysis, span)))
                    .collect();
                Some(locations)
            }),
            DocumentSymbolRequest::METHOD => {
                self.at::<lsp::DocumentSymbolParams, _>(request, |d, _| {
                    let analysis = &d.analysis;
                    let symbols = analysis
                        .symbols()
                        .iter()
                        .map(|s| convert::symbol(analysis, s))
                        .collect();
                    Some(lsp::DocumentSymbolResponse::Nested(symbols))
                })
            }
            Completion::METHOD => self.at::<lsp::CompletionParams, _>(request, |d, params| {
                let (analysis, offset) = at(d, &params.text_document_position.position);
                let items = analysis
                    .completions(offset, d.parsed.as_ref())
                    .iter()
                    .map(convert::completion)
                    .collect();
                Some(lsp::CompletionResponse::Array(items))
            }),
            CodeLensRequest::METHOD => self.at::<lsp::CodeLensParams, _>(request, |d, params| {
                let analysis = &d.analysis;
                let uri = params.text_document.uri.as_str();
                let lenses: Vec<lsp::CodeLens> = analysis
                    .commands()
                    .into_iter()
                    .map(|command| {
                        let start = convert::position(analysis, command.span.start);
                        lsp::CodeLens {
                            range: lsp::Range::new(start, start),
                            command: Some(lsp::Command {
                                title: format!("▶ run {} {}", command.kind, command.name),
                                command: RUN_COMMAND.into(),
                                arguments: Some(vec![uri.into(), command.index.into()]),
                            }),
                            data: None,
                        }
                    })
                    .collect();
                Some(lenses)
            }),
            ExecuteCommand::METHOD => {
                // Answered by the run's thread, or now if it cannot start.
                match self.execute(request) {
                    Ok(()) => return,
                    Err(error) => Err(error),
                }
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("charter does not answer `{}`", request.method),
            )),
        };
        self.send(match reply {
            Ok(result) => Response::new_ok(id, result),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        });
    }

    /// A request about an open document: its parameters read, the
    /// document found by the URI `document` gives, the answer as JSON.
    fn at<P, R>(&self, request: Request, answer: impl FnOnce(&Document, &P) -> Option<R>) -> Reply
    where
        P: serde::de::DeserializeOwned + HasDocument,
        R: serde::Serialize,
    {
        let params: P = serde_json::from_value(request.params)
            .map_err(|e| (ErrorCode::InvalidParams, e.to_string()))?;
        let Some(document) = self.documents.get(params.uri()) else {
            return Err((
                ErrorCode::InvalidParams,
                format!("`{}` is not open", params.uri().as_str()),
            ));
        };
        serde_json::to_value(answer(document, &params))
            .map_err(|e| (ErrorCode::InternalError, e.to_string()))
    }

    /// Starts `charter.run` on a worker thread; the worker answers.
    fn execute(&self, request: Request) -> Result<(), (ErrorCode, String)> {
        let params: lsp::ExecuteCommandParams = serde_json::from_value(request.params)
            .map_err(|e| (ErrorCode::InvalidParams, e.to_string()))?;
        let invalid = |what: &str| (ErrorCode::InvalidParams, what.to_string());
        if params.command != RUN_COMMAND {
            return Err(invalid("the only command is `charter.run`"));
        }
        let (uri, index) = match params.arguments.as_slice() {
            [uri, index] => (
                uri.as_str().and_then(|u| u.parse::<lsp::Uri>().ok()),
                index.as_u64().and_then(|i| usize::try_from(i).ok()),
            ),
            _ => (None, None),
        };
        let (Some(uri), Some(index)) = (uri, index) else {
            return Err(invalid(
                "`charter.run` takes a document's URI and a command's index",
            ));
        };
        let Some(document) = self.documents.get(&uri) else {
            return Err(invalid("the document is not open"));
        };
        if self.running.swap(true, Ordering::SeqCst) {
            return Err((
                ErrorCode::RequestFailed,
                "a command is already running; try again when it is done".into(),
            ));
        }
        let text = document.analysis.text.clone();
        let sender = self.connection.sender.clone();
        let running = Arc::clone(&self.running);
        let id = request.id;
        let spawned = std::thread::Builder::new()
            .name("charter-run".into())
            .spawn(move || {
                for message in run(id, &text, index) {
                    let _ = sender.send(message);
                }
                running.store(false, Ordering::SeqCst);
            });
        if spawned.is_err() {
            self.running.store(false, Ordering::SeqCst);
            return Err((ErrorCode::InternalError, "cannot start a thread".into()));
        }
        Ok(())
    }
}

/// Runs the `index`th command of `text`: the answer to request `id`, a
/// message with the verdict and the report in the client's log.
fn run(id: RequestId, text: &str, index: usize) -> Vec<Message> {
    let analysis = Analysis::new(text);
    let name = analysis
        .commands()
        .get(index)
        .map(|c| format!("{} {}", c.kind, c.name))
        .unwrap_or_default();
    match analysis.run(index, RUN_TIMEOUT_MS) {
        Err(error) => vec![Response::new_err(id, ErrorCode::RequestFailed as i32, error).into()],
        Ok(ran) => {
            let result = serde_json::json!({
                "command": name,
                "verdict": ran.verdict,
                "succeeded": ran.succeeded,
                "report": ran.report,
            });
            let kind = if ran.succeeded {
                lsp::MessageType::INFO
            } else {
                lsp::MessageType::WARNING
            };
            let shown = lsp::ShowMessageParams {
                typ: kind,
                message: format!("{name}: {}", ran.verdict),
            };
            let logged = lsp::LogMessageParams {
                typ: lsp::MessageType::LOG,
                message: ran.report.clone(),
            };
            vec![
                Notification::new(lsp::notification::ShowMessage::METHOD.into(), shown).into(),
                Notification::new(lsp::notification::LogMessage::METHOD.into(), logged).into(),
                Response::new_ok(id, result).into(),
            ]
        }
    }
}

/// The analysis and offset a position names.
fn at<'d>(document: &'d Document, position: &lsp::Position) -> (&'d Analysis, usize) {
    let analysis = &document.analysis;
    (analysis, convert::offset(analysis, *position))
}

/// A change to a document's text: the whole text, or a range replaced.
fn apply(text: &str, change: lsp::TextDocumentContentChangeEvent) -> String {
    let Some(range) = change.range else {
        return change.text;
    };
    let lines = charter::ide::LineIndex::new(text);
    let offset = |p: lsp::Position| {
        lines.offset(
            text,
            charter::ide::Position {
                line: p.line,
                character: p.character,
            },
        )
    };
    let (start, end) = (offset(range.start), offset(range.end));
    let (start, end) = (start.min(end), start.max(end));
    format!("{}{}{}", &text[..start], change.text, &text[end..])
}

/// The parameters of a request about one document.
trait HasDocument {
    fn uri(&self) -> &lsp::Uri;
}

impl HasDocument for lsp::HoverParams {
    fn uri(&self) -> &lsp::Uri {
        &self.text_document_position_params.text_document.uri
    }
}

impl HasDocument for lsp::GotoDefinitionParams {
    fn uri(&self) -> &lsp::Uri {
        &self.text_document_position_params.text_document.uri
    }
}

impl HasDocument for lsp::ReferenceParams {
    fn uri(&self) -> &lsp::Uri {
        &self.text_document_position.text_document.uri
    }
}

impl HasDocument for lsp::CompletionParams {
    fn uri(&self) -> &lsp::Uri {
        &self.text_document_position.text_document.uri
    }
}

impl HasDocument for lsp::DocumentSymbolParams {
    fn uri(&self) -> &lsp::Uri {
        &self.text_document.uri
    }
}

impl HasDocument for lsp::CodeLensParams {
    fn uri(&self) -> &lsp::Uri {
        &self.text_document.uri
    }
}

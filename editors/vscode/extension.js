// The charter extension: starts `charter lsp` (the language server built
// into the charter binary) for `.charter` files. Diagnostics, hover,
// go-to-definition, references, the outline, completion and a code lens
// that runs each command all come from the server.

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const configured = vscode.workspace.getConfiguration("charter").get("server.path");
  const command = configured && configured.length > 0 ? configured : "charter";
  const serverOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "charter" },
      { scheme: "untitled", language: "charter" },
    ],
  };
  client = new LanguageClient("charter", "Charter", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => (client ? client.stop() : undefined) });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

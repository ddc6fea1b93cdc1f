// vscode-languageclient in a bundle of its own (dist/language-client.js), loaded only when a served document opens:
// the extension's own bundle stays small and activation does not parse a library it may never use.
export { LanguageClient, TransportKind } from 'vscode-languageclient/node';

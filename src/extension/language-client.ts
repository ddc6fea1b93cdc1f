// Starts the language server (dist/language-server.js, its own process over IPC) the first time a document it
// serves is open: an inventory file, or a shell script or Markdown runbook that uses the Greenplum utilities.
// Nothing starts with the extension itself; the client library is loaded only then too. This file is part of the
// entry bundle (activation), so it imports nothing but vscode and node.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { DocumentFilter, LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import type * as LanguageClientLibrary from './language-client-library';

/** The configuration section the server reads; changes are pushed to it (didChangeConfiguration). */
const SECTION = 'greenplumCoordinator';

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient | undefined> | undefined;

/** Inventory paths from `greenplumCoordinator.inventoryPaths`, absolute (relative ones against the first workspace folder). */
function inventoryPaths(): string[] {
  const configured = vscode.workspace.getConfiguration(SECTION).get<unknown>('inventoryPaths');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!Array.isArray(configured)) return [];
  return configured
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    .map(p => (p.startsWith('~/') ? join(homedir(), p.slice(2)) : p))
    .map(p => (isAbsolute(p) || !folder ? p : join(folder, p)))
    .filter(isAbsolute);
}

/** A glob matching exactly this path (glob characters in it escaped). */
const exactGlob = (path: string): string => path.replace(/\\/g, '/').replace(/[[\]{}*?]/g, '[$&]');

export function documentSelector(): DocumentFilter[] {
  const selector: DocumentFilter[] = [
    { language: 'yaml', pattern: '**/greenplum-clusters.yaml' },
    { language: 'yaml', pattern: '**/*.greenplum.yaml' },
  ];
  for (const p of inventoryPaths()) selector.push({ language: 'yaml', pattern: exactGlob(p) });
  for (const scheme of ['file', 'untitled']) {
    selector.push({ language: 'shellscript', scheme }, { language: 'markdown', scheme });
  }
  return selector;
}

function settings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration(SECTION);
  return { sshConfigPath: c.get<string>('sshConfigPath'), utilitiesRelease: c.get<string>('utilitiesRelease') };
}

async function start(context: vscode.ExtensionContext): Promise<LanguageClient | undefined> {
  // A sibling bundle next to dist/extension.js (see scripts/build.mjs), required at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LanguageClient: Client, TransportKind } = require('./language-client.js') as typeof LanguageClientLibrary;
  const module = context.asAbsolutePath('dist/language-server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    diagnosticCollectionName: 'greenplum',
    initializationOptions: settings(),
    synchronize: { configurationSection: SECTION },
  };
  const c = new Client(
    'greenplumCoordinator.languageServer',
    'Greenplum Coordinator Language Server',
    serverOptions,
    clientOptions,
  );
  await c.start();
  client = c;
  return c;
}

function ensureStarted(context: vscode.ExtensionContext): Promise<LanguageClient | undefined> {
  starting ??= start(context).catch((e: unknown) => {
    starting = undefined;
    void vscode.window.showErrorMessage(
      `Greenplum Coordinator: the language server did not start: ${e instanceof Error ? e.message : String(e)}`,
    );
    return undefined;
  });
  return starting;
}

/** Stops the server; the extension's deactivate() awaits this so the server process ends with the extension. */
export async function stopLanguageClient(): Promise<void> {
  const pending = starting;
  starting = undefined;
  client = undefined;
  const c = await pending;
  if (c?.isRunning()) await c.stop();
}

/** What makes a shell script or runbook worth the server: a utility it knows, or a coordinator data directory. */
const USES_UTILITIES =
  /\bgp(?:initstandby|activatestandby|state|stop|start)\b|gpseg-1|(?:COORDINATOR|MASTER)_DATA_DIRECTORY/;

function usesUtilities(doc: vscode.TextDocument, lines?: readonly number[]): boolean {
  if (doc.languageId !== 'shellscript' && doc.languageId !== 'markdown') return true;
  if (!lines) return USES_UTILITIES.test(doc.getText());
  return lines.some(l => l < doc.lineCount && USES_UTILITIES.test(doc.lineAt(l).text));
}

/** The lines a change wrote, in the document after the change. */
function changedLines(e: vscode.TextDocumentChangeEvent): number[] {
  return e.contentChanges.flatMap(c => {
    const count = c.text.split('\n').length;
    return Array.from({ length: count }, (_, i) => c.range.start.line + i);
  });
}

export function registerLanguageClient(context: vscode.ExtensionContext): void {
  const served = (doc: vscode.TextDocument): boolean =>
    vscode.languages.match(documentSelector() as vscode.DocumentSelector, doc) > 0;
  const maybeStart = (doc: vscode.TextDocument, lines?: readonly number[]): void => {
    if (!starting && served(doc) && usesUtilities(doc, lines)) void ensureStarted(context);
  };
  vscode.workspace.textDocuments.forEach(d => maybeStart(d));
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(d => maybeStart(d)),
    // A script or runbook that starts using a utility while open: only the lines the change wrote are read.
    vscode.workspace.onDidChangeTextDocument(e => {
      if (!starting && e.contentChanges.length) maybeStart(e.document, changedLines(e));
    }),
    // The document selector is fixed when the client starts: a new inventory path needs a new client.
    // The restart waits a moment: the running client is itself sending this change to the server, and stopping it
    // in the middle of that makes the client log a failed start.
    vscode.workspace.onDidChangeConfiguration(e => {
      if (!e.affectsConfiguration(`${SECTION}.inventoryPaths`) || !starting) return;
      setTimeout(
        () => void stopLanguageClient().then(() => vscode.workspace.textDocuments.forEach(d => maybeStart(d))),
        200,
      );
    }),
    { dispose: () => void stopLanguageClient() },
  );
}

/** The running client, if any (for tests). */
export function languageClient(): LanguageClient | undefined {
  return client;
}

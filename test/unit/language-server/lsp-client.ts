// A minimal LSP client for the server tests: spawns the real server process (from source through tsx, or the built
// bundle when LANGUAGE_SERVER_BUNDLE=1) over stdio and speaks the protocol with vscode-languageserver-protocol.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CompletionRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  Diagnostic,
  Hover,
  InitializeResult,
  ProtocolConnection,
  PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

const ROOT = resolve(__dirname, '../../..');

export class LspClient {
  private readonly waiters: Array<{
    uri: string;
    version: number | undefined;
    resolve: (p: PublishDiagnosticsParams) => void;
  }> = [];
  /** Every diagnostics notification, in arrival order. */
  readonly published: PublishDiagnosticsParams[] = [];
  private versions = new Map<string, number>();
  /** One handler per notification type is all jsonrpc allows, so further listeners hang off it; true = done. */
  private readonly listeners = new Set<(p: PublishDiagnosticsParams) => boolean>();

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    connection.onNotification(PublishDiagnosticsNotification.type, p => {
      this.published.push(p);
      for (const l of [...this.listeners]) if (l(p)) this.listeners.delete(l);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
          this.waiters.splice(i, 1);
          w.resolve(p);
        }
      }
    });
  }

  static async start(
    initializationOptions: Record<string, unknown> = {},
  ): Promise<{ client: LspClient; result: InitializeResult; startMs: number }> {
    const t0 = performance.now();
    const args =
      process.env.LANGUAGE_SERVER_BUNDLE === '1'
        ? [resolve(ROOT, 'dist/language-server.js'), '--stdio']
        : ['--import', 'tsx', resolve(ROOT, 'src/language-server/server.ts'), '--stdio'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    connection.listen();
    const client = new LspClient(child, connection);
    const result = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(ROOT).toString(),
      capabilities: {
        textDocument: {
          publishDiagnostics: { versionSupport: true },
          completion: { completionItem: { snippetSupport: true } },
        },
      },
      initializationOptions,
      workspaceFolders: null,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return { client, result, startMs: performance.now() - t0 };
  }

  /** Opens a document and waits for its first diagnostics. */
  async open(uri: string, languageId: string, text: string): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    const wait = this.diagnostics(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
    return (await wait).diagnostics;
  }

  /** Replaces the whole text and waits for the diagnostics of the new version. */
  async change(uri: string, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const wait = this.diagnostics(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return (await wait).diagnostics;
  }

  /** Sends changes without waiting (for bursts). */
  async changeNoWait(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  diagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    return new Promise(resolve => this.waiters.push({ uri, version, resolve }));
  }

  /** The first diagnostics published for `uri` from now on that satisfy `accept`. */
  until(uri: string, accept: (diagnostics: Diagnostic[]) => boolean, timeoutMs = 10000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const listener = (p: PublishDiagnosticsParams): boolean => {
        if (p.uri !== uri || !accept(p.diagnostics)) return false;
        clearTimeout(timer);
        resolve(p.diagnostics);
        return true;
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  async configure(settings: Record<string, unknown>): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { greenplumCoordinator: settings },
    });
  }

  async completion(uri: string, line: number, character: number): Promise<CompletionItem[]> {
    const r = await this.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: { line, character },
    });
    return Array.isArray(r) ? r : ((r as CompletionList | null)?.items ?? []);
  }

  hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } });
  }

  async codeActions(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const r = await this.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range,
      context: { diagnostics },
    });
    return (r ?? []).filter((a): a is CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>(resolve => this.process.once('exit', code => resolve(code)));
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

// The language server: inventory YAML, shell scripts and Markdown runbooks. Transport (node-ipc from the extension,
// --stdio for tests and other editors) is picked from the command line by createConnection.
// Start-up does nothing but wire handlers; the ssh config is read the first time something needs it.
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  DiagnosticTag,
  InsertTextFormat,
  MarkupKind,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import type { CodeAction, CompletionItem, Diagnostic, InitializeResult, Range } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type * as AnalysisModule from './analysis';
import type { Finding } from './findings';
import type { SshConfigCache } from './ssh-config';
import type { ReleaseSetting } from './utilities/flags';

type Analysis = typeof AnalysisModule;
/** The analysis modules, loaded right after initialize is answered (start-up stays cheap), awaited by handlers. */
let analysisPromise: Promise<Analysis> | undefined;
const loadAnalysis = (): Promise<Analysis> => (analysisPromise ??= import('./analysis'));
let A: Analysis | undefined;
let sshCache: SshConfigCache | undefined;
const ssh = {
  get: () => {
    sshCache ??= new A!.SshConfigCache(settings.sshConfigPath);
    sshCache.setPath(settings.sshConfigPath);
    return sshCache.get();
  },
};

/** Settings, from initializationOptions and then from the `greenplumCoordinator` configuration section. */
interface Settings {
  sshConfigPath: string;
  utilitiesRelease: ReleaseSetting;
  /**
   * Quiet time after the last change before a document is checked again. 0 (default): at the next turn of the
   * event loop; a check is synchronous, so the edits that arrive while one runs are checked together, once.
   */
  diagnosticsDelayMs: number;
}

const RELEASES: readonly ReleaseSetting[] = ['auto', '5', '6', '7', 'cloudberry'];

const settings: Settings = { sshConfigPath: '~/.ssh/config', utilitiesRelease: 'auto', diagnosticsDelayMs: 0 };

function applySettings(raw: unknown): void {
  if (!raw || typeof raw !== 'object') return;
  const r = raw as Record<string, unknown>;
  if (typeof r.sshConfigPath === 'string' && r.sshConfigPath.trim()) settings.sshConfigPath = r.sshConfigPath.trim();
  const release = String(r.utilitiesRelease ?? '');
  if ((RELEASES as readonly string[]).includes(release)) settings.utilitiesRelease = release as ReleaseSetting;
  if (typeof r.diagnosticsDelayMs === 'number' && r.diagnosticsDelayMs >= 0)
    settings.diagnosticsDelayMs = r.diagnosticsDelayMs;
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

type Kind = 'inventory' | 'shell' | 'markdown';

/** The client only sends the inventory files it selected, so every YAML document here is an inventory. */
function kindOf(doc: TextDocument): Kind | undefined {
  if (doc.languageId === 'yaml') return 'inventory';
  if (doc.languageId === 'shellscript' || doc.languageId === 'sh' || doc.languageId === 'bash') return 'shell';
  if (doc.languageId === 'markdown') return 'markdown';
  return undefined;
}

/** Shell code of a document at the document's own offsets. */
function shellText(doc: TextDocument, kind: Kind): string {
  return kind === 'markdown' ? A!.maskMarkdown(doc.getText()) : doc.getText();
}

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

interface FixData {
  fixes: Array<{ title: string; range: Range; newText: string; preferred: boolean }>;
}

function toDiagnostic(doc: TextDocument, f: Finding): Diagnostic {
  const range = { start: doc.positionAt(f.start), end: doc.positionAt(Math.max(f.end, f.start)) };
  const d: Diagnostic = {
    range,
    severity: SEVERITY[f.severity],
    source: 'greenplum',
    code: f.code,
    message: f.message,
  };
  if (f.deprecated) d.tags = [DiagnosticTag.Deprecated];
  if (f.fixes?.length) {
    const data: FixData = {
      fixes: f.fixes.map(x => ({
        title: x.title,
        range: { start: doc.positionAt(x.start), end: doc.positionAt(x.end) },
        newText: x.newText,
        preferred: !!x.preferred,
      })),
    };
    d.data = data;
  }
  return d;
}

/** The setting, or under `auto` the one release the open inventories pin. */
function utilitiesRelease(): ReleaseSetting {
  if (settings.utilitiesRelease !== 'auto') return settings.utilitiesRelease;
  const inventories = documents
    .all()
    .filter(d => kindOf(d) === 'inventory')
    .map(d => d.getText());
  return A!.releasePinnedByInventories(inventories) ?? 'auto';
}

/**
 * The most text any request analyses. Every analysis is linear in the text (its regular expressions are checked for
 * backtracking by the ReDoS test), so this bounds the time of each request; a larger document gets one diagnostic.
 */
export const MAX_ANALYSED_CHARS = 2 * 1024 * 1024;
const tooLarge = (doc: TextDocument): boolean => doc.getText().length > MAX_ANALYSED_CHARS;

function tooLargeFinding(doc: TextDocument): Finding {
  const firstLine = doc.getText().indexOf('\n');
  return {
    start: 0,
    end: firstLine < 0 ? 0 : Math.min(firstLine, 200),
    severity: 'information',
    code: 'too-large',
    message: `This document is ${(doc.getText().length / 1024 / 1024).toFixed(1)} MiB; documents over ${MAX_ANALYSED_CHARS / 1024 / 1024} MiB are not analysed (no diagnostics, completion or hover). Split it to have it checked.`,
  };
}

function analyze(doc: TextDocument): Finding[] {
  if (tooLarge(doc)) return [tooLargeFinding(doc)];
  const kind = kindOf(doc);
  if (kind === 'inventory') return A!.analyzeInventory(doc.getText(), { sshHosts: () => ssh.get() });
  if (kind === 'shell' || kind === 'markdown')
    return A!.analyzeShell(shellText(doc, kind), { release: utilitiesRelease() }).findings;
  return [];
}

const timers = new Map<string, NodeJS.Timeout>();

async function validate(uri: string): Promise<void> {
  timers.delete(uri);
  try {
    A ??= await loadAnalysis();
  } catch (e) {
    connection.console.error(`cannot load the analysis: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const doc = documents.get(uri);
  if (!doc) return;
  const version = doc.version;
  let findings: Finding[];
  try {
    findings = analyze(doc);
  } catch (e) {
    connection.console.error(`analysis of ${uri} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return;
  }
  // A newer version arrived (or the document closed) meanwhile: its own check is scheduled; these findings are stale.
  if (documents.get(uri)?.version !== version || timers.has(uri)) return;
  void connection.sendDiagnostics({ uri, version, diagnostics: findings.map(f => toDiagnostic(doc, f)) });
}

/** Coalesces bursts of changes: a document is checked once its edits pause for diagnosticsDelayMs. */
function schedule(uri: string, delay: number): void {
  const t = timers.get(uri);
  if (t) clearTimeout(t);
  timers.set(
    uri,
    setTimeout(() => void validate(uri), delay),
  );
}

connection.onInitialize((params): InitializeResult => {
  applySettings(params.initializationOptions);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['-', ' ', ':'], resolveProvider: false },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'greenplum-coordinator-language-server' },
  };
});

// Load the analysis while the client is still sending its first documents.
connection.onInitialized(() => {
  void loadAnalysis().then(a => {
    A = a;
  });
});

connection.onDidChangeConfiguration(params => {
  const s = (params.settings as Record<string, unknown> | null | undefined)?.greenplumCoordinator;
  applySettings(s);
  for (const d of documents.all()) schedule(d.uri, 0);
});

documents.onDidOpen(e => schedule(e.document.uri, 0));
documents.onDidChangeContent(e => schedule(e.document.uri, settings.diagnosticsDelayMs));
documents.onDidClose(e => {
  const t = timers.get(e.document.uri);
  if (t) clearTimeout(t);
  timers.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onCompletion(async (params, token): Promise<CompletionItem[]> => {
  A ??= await loadAnalysis();
  const doc = documents.get(params.textDocument.uri);
  // Cancelled by the client (the user typed on), or too large to analyse within a request's time.
  if (!doc || token.isCancellationRequested || tooLarge(doc)) return [];
  const kind = kindOf(doc);
  const offset = doc.offsetAt(params.position);
  const range = (start: number, end: number): Range => ({ start: doc.positionAt(start), end: doc.positionAt(end) });
  if (kind === 'inventory') {
    return A.inventoryCompletions(doc.getText(), offset, () => ssh.get()).map(c => ({
      label: c.label,
      kind:
        c.kind === 'key'
          ? CompletionItemKind.Property
          : c.kind === 'host'
            ? CompletionItemKind.Reference
            : CompletionItemKind.EnumMember,
      detail: c.detail,
      documentation: { kind: MarkupKind.Markdown, value: c.documentation },
      textEdit: { range: range(c.start, c.end), newText: c.insertText },
      insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      sortText: c.sortText,
      filterText: c.label,
    }));
  }
  if (kind === 'shell' || kind === 'markdown') {
    const hosts = () =>
      ssh
        .get()
        .hosts.map(h => ({ name: h.alias, detail: `ssh config Host${h.hostName ? ` (HostName ${h.hostName})` : ''}` }));
    return A.shellCompletions(shellText(doc, kind), offset, { release: utilitiesRelease(), hosts }).map(c => ({
      label: c.label,
      kind:
        c.kind === 'utility'
          ? CompletionItemKind.Function
          : c.kind === 'option'
            ? CompletionItemKind.Property
            : CompletionItemKind.EnumMember,
      detail: c.detail,
      documentation: { kind: MarkupKind.Markdown, value: c.documentation },
      textEdit: { range: range(c.start, c.end), newText: c.insertText },
      sortText: c.sortText,
      filterText: c.label,
      ...(c.deprecated ? { tags: [1] } : {}),
    }));
  }
  return [];
});

connection.onHover(async (params, token) => {
  A ??= await loadAnalysis();
  const doc = documents.get(params.textDocument.uri);
  if (!doc || token.isCancellationRequested || tooLarge(doc)) return null;
  const kind = kindOf(doc);
  const offset = doc.offsetAt(params.position);
  const h =
    kind === 'inventory'
      ? A.inventoryHover(doc.getText(), offset, () => ssh.get())
      : kind
        ? A.shellHover(shellText(doc, kind), offset, { release: utilitiesRelease() })
        : undefined;
  if (!h) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: h.markdown },
    range: { start: doc.positionAt(h.start), end: doc.positionAt(h.end) },
  };
});

connection.onCodeAction((params): CodeAction[] => {
  const actions: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    const data = d.data as FixData | undefined;
    for (const fix of data?.fixes ?? []) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: fix.preferred,
        edit: { changes: { [params.textDocument.uri]: [{ range: fix.range, newText: fix.newText }] } },
      });
    }
  }
  return actions;
});

documents.listen(connection);
connection.listen();

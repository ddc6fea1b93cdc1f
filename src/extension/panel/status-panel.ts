// The status webview panels: one per subject (a cluster, or "saved output"). Strict CSP with a nonce, scripts and
// styles only from the extension (asWebviewUri), messages validated with the shared zod protocol both ways.
// The panel keeps its last snapshot in its own webview state, so it needs no retainContextWhenHidden and a
// serializer brings it back after a window reload.
import * as vscode from 'vscode';
import { randomBytes } from 'crypto';
import { needsTrust } from '../trust';
import { fromPanelSchema, statusSnapshotSchema, toPanelSchema } from './protocol';
import type { PanelCommand, RenderedState, StatusSnapshot, ToPanel } from './protocol';
import { STATUS_PANEL_VIEW_TYPE } from '../ids';

interface PanelEntry {
  panel: vscode.WebviewPanel;
  snapshot: StatusSnapshot | null;
  ready: boolean;
}

export class StatusPanels implements vscode.Disposable {
  private readonly panels = new Map<string, PanelEntry>();
  private readonly pendingRenders = new Map<number, (state: RenderedState) => void>();
  private nextRequestId = 1;
  private readonly disposables: vscode.Disposable[] = [];

  /** Called when a cluster panel's "Dismiss" button asks to remove its finished procedure. */
  onDismissProcedure: ((cluster: string) => void) | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Takes back a panel VS Code restores after a window reload (the entry registers the serializer at activation).
   * The webview kept its snapshot in its state: it re-renders it, and the panel is filed under the same key as
   * before the reload, so live updates and its buttons reach it again.
   */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const saved = statusSnapshotSchema.safeParse((state as { snapshot?: unknown } | undefined)?.snapshot);
    const snapshot = saved.success ? saved.data : null;
    const key = snapshot?.clusterName
      ? `cluster:${snapshot.clusterName}`
      : snapshot
        ? 'saved-output'
        : `restored:${Date.now()}`;
    if (this.panels.has(key)) panel.dispose();
    else this.attach(key, panel, snapshot);
  }

  /** Shows the snapshot in the panel for `key`, creating or revealing it. */
  show(key: string, snapshot: StatusSnapshot): vscode.WebviewPanel {
    let entry = this.panels.get(key);
    if (!entry) {
      const panel = vscode.window.createWebviewPanel(
        STATUS_PANEL_VIEW_TYPE,
        panelTitle(snapshot),
        vscode.ViewColumn.Active,
        this.webviewOptions(),
      );
      entry = this.attach(key, panel, snapshot);
    } else {
      entry.snapshot = snapshot;
      entry.panel.title = panelTitle(snapshot);
      entry.panel.reveal(undefined, false);
      if (entry.ready) void this.post(entry, { type: 'show', snapshot });
    }
    return entry.panel;
  }

  /** Replaces what an open panel shows without revealing it (live updates). */
  update(key: string, snapshot: StatusSnapshot): void {
    const entry = this.panels.get(key);
    if (!entry) return;
    entry.snapshot = snapshot;
    if (entry.ready) void this.post(entry, { type: 'show', snapshot });
  }

  /** Opens (or reveals) a panel with nothing observed yet; it offers to read a saved gpstate output. */
  showEmpty(key: string): vscode.WebviewPanel {
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      STATUS_PANEL_VIEW_TYPE,
      vscode.l10n.t('Greenplum: Status'),
      vscode.ViewColumn.Active,
      this.webviewOptions(),
    );
    return this.attach(key, panel, null).panel;
  }

  reveal(key: string): boolean {
    const entry = this.panels.get(key);
    entry?.panel.reveal(undefined, false);
    return entry !== undefined;
  }

  has(key: string): boolean {
    return this.panels.has(key);
  }

  /** Asks the panel for `key` what it has rendered; resolves with its data-field texts. For tests and diagnostics. */
  async readRendered(key: string, timeoutMs = 10000): Promise<RenderedState> {
    const entry = this.panels.get(key);
    if (!entry)
      throw new Error(
        `No status panel is open for "${key}". Open one first (Show Status Panel or Open gpstate Output…).`,
      );
    const deadline = Date.now() + timeoutMs;
    while (!entry.ready && Date.now() < deadline) await new Promise(r => setTimeout(r, 50));
    if (!entry.ready) throw new Error(`The status panel for "${key}" did not load within ${timeoutMs} ms.`);
    const requestId = this.nextRequestId++;
    return new Promise<RenderedState>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.pendingRenders.delete(requestId);
          reject(new Error(`The status panel for "${key}" did not answer within ${timeoutMs} ms.`));
        },
        Math.max(0, deadline - Date.now()),
      );
      this.pendingRenders.set(requestId, state => {
        clearTimeout(timer);
        resolve(state);
      });
      void this.post(entry, { type: 'reportRendered', requestId });
    });
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist', 'media'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
      ],
    };
  }

  private attach(key: string, panel: vscode.WebviewPanel, snapshot: StatusSnapshot | null): PanelEntry {
    const entry: PanelEntry = { panel, snapshot, ready: false };
    this.panels.set(key, entry);
    panel.webview.options = this.webviewOptions();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activitybar.svg');
    panel.webview.html = this.html(panel.webview);
    const subscriptions: vscode.Disposable[] = [];
    subscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const parsed = fromPanelSchema.safeParse(raw);
        if (!parsed.success) {
          this.log(`status panel: ignored a malformed message: ${parsed.error.issues.map(i => i.message).join('; ')}`);
          return;
        }
        const message = parsed.data;
        if (message.type === 'ready') {
          entry.ready = true;
          if (entry.snapshot) void this.post(entry, { type: 'show', snapshot: entry.snapshot });
        } else if (message.type === 'rendered') {
          this.pendingRenders.get(message.requestId)?.(message.state);
          this.pendingRenders.delete(message.requestId);
        } else if (message.command === 'dismissProcedure') {
          if (entry.snapshot?.clusterName) this.onDismissProcedure?.(entry.snapshot.clusterName);
        } else {
          void runPanelCommand(message.command, entry.snapshot);
        }
      }),
    );
    // A hidden panel's webview is torn down (no retainContextWhenHidden); it says "ready" again when it comes back.
    subscriptions.push(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) entry.ready = false;
      }),
    );
    subscriptions.push(
      panel.onDidDispose(() => {
        if (this.panels.get(key) === entry) this.panels.delete(key);
        subscriptions.forEach(d => d.dispose());
      }),
    );
    return entry;
  }

  private async post(entry: PanelEntry, message: ToPanel): Promise<void> {
    // Validate before sending: a snapshot the panel would reject is a bug here, and should say so here.
    const checked = toPanelSchema.parse(
      message.type === 'show' ? { ...message, snapshot: offerableHere(message.snapshot) } : message,
    );
    await entry.panel.webview.postMessage(checked);
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(18).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'media', 'panel.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css'));
    const csp = [
      `default-src 'none'`,
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Greenplum coordinator status</title>
</head>
<body>
<div id="root" aria-live="polite"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const entry of this.panels.values()) entry.panel.dispose();
    this.panels.clear();
    this.disposables.forEach(d => d.dispose());
  }
}

/** In Restricted Mode the panel offers only the buttons that can run there (see ../trust). */
function offerableHere(snapshot: StatusSnapshot): StatusSnapshot {
  if (vscode.workspace.isTrusted) return snapshot;
  return { ...snapshot, actions: snapshot.actions.filter(a => !needsTrust(`greenplumCoordinator.${a}`)) };
}

function panelTitle(snapshot: StatusSnapshot): string {
  return vscode.l10n.t('Greenplum: {0}', snapshot.title);
}

async function runPanelCommand(command: PanelCommand, snapshot: StatusSnapshot | null): Promise<void> {
  const cluster = snapshot?.clusterName ?? undefined;
  await vscode.commands.executeCommand(`greenplumCoordinator.${command}`, ...(cluster ? [cluster] : []));
}

// The status panel's script, running inside the webview. It validates every message against the shared zod
// protocol, renders with DOM APIs only, and keeps the last snapshot in the webview state so the panel comes back
// unchanged after being hidden or after a window reload.
import { fromPanelSchema, statusSnapshotSchema, toPanelSchema } from '../src/extension/panel/protocol';
import type { FromPanel, PanelCommand, StatusSnapshot } from '../src/extension/panel/protocol';
import { readRendered, refreshAgo, renderEmpty, renderSnapshot } from './render';

interface WebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): WebviewApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root');

function post(message: FromPanel): void {
  // Validate our own output too: a mistake here should show up in the webview console, not as silence.
  vscode.postMessage(fromPanelSchema.parse(message));
}

const runCommand = (command: PanelCommand) => post({ type: 'runCommand', command });

function show(snapshot: StatusSnapshot | null): void {
  if (!root) return;
  root.replaceChildren(snapshot ? renderSnapshot(document, snapshot, runCommand) : renderEmpty(document, runCommand));
}

const saved = statusSnapshotSchema.safeParse((vscode.getState() as { snapshot?: unknown } | undefined)?.snapshot);
show(saved.success ? saved.data : null);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = toPanelSchema.safeParse(event.data);
  if (!parsed.success) {
    console.error(
      'Greenplum Coordinator panel: ignored a malformed message:',
      parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
    return;
  }
  const message = parsed.data;
  if (message.type === 'show') {
    vscode.setState({ snapshot: message.snapshot });
    show(message.snapshot);
  } else {
    post({
      type: 'rendered',
      requestId: message.requestId,
      state: { ...readRendered(document), theme: document.body.className },
    });
  }
});

post({ type: 'ready' });
// "12 s ago" stays true while the panel is open.
setInterval(() => {
  if (root) refreshAgo(root, Date.now());
}, 5000);

// "Greenplum: Open Terminal on Host…": an integrated terminal on a coordinator host, over the pooled ssh2
// connection with a PTY (live output, keyboard input, resize). The session is recorded in the audit log.
import * as vscode from 'vscode';
import type { ResolvedHost } from '../../core/inventory';
import { localUser } from '../../engine/audit';
import { hostTarget } from '../../engine/observe';
import type { ShellSession } from '../../ssh/types';
import type { Services } from '../services';
import { describeHost } from '../panel/stateSnapshot';
import { clusterNameOf, pickCluster } from './pickCluster';

function hostNameOf(arg: unknown): string | undefined {
  return typeof arg === 'object' && arg !== null && typeof (arg as { hostName?: unknown }).hostName === 'string' ? (arg as { hostName: string }).hostName : undefined;
}

export async function openTerminal(services: Services, arg?: unknown): Promise<vscode.Terminal | undefined> {
  const loaded = await pickCluster(clusterNameOf(arg), vscode.l10n.t('Open Terminal on Host'));
  if (!loaded) return undefined;
  const cluster = loaded.cluster;
  let host: ResolvedHost | undefined;
  const wanted = hostNameOf(arg);
  if (wanted) host = cluster.hosts.find((h) => h.name === wanted);
  else {
    const state = services.clusters.get(cluster.name)?.result?.state;
    const picked = await vscode.window.showQuickPick(cluster.hosts.map((h) => {
      const observed = state?.hosts.find((x) => x.name === h.name);
      return { label: h.name, description: observed && state ? describeHost(observed, state).label : vscode.l10n.t('built as {0}', h.role), detail: `ssh ${h.user ? `${h.user}@` : ''}${h.sshTarget}`, host: h };
    }), { title: vscode.l10n.t('Open Terminal on a host of {0}', cluster.name), placeHolder: vscode.l10n.t('Which host?') });
    host = picked?.host;
  }
  if (!host) return undefined;
  const target = hostTarget(host);
  const pool = services.clusters.executor();
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  let session: ShellSession | undefined;
  const started = new Date();
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: (dimensions) => {
      write.fire(`${vscode.l10n.t('Connecting to {0} ({1})…', host.name, host.sshTarget)}\r\n`);
      pool.openShell(target, { cols: dimensions?.columns ?? 120, rows: dimensions?.rows ?? 30 }).then((s) => {
        session = s;
        s.onData((data) => write.fire(data));
        s.onExit((exitCode) => {
          try {
            services.audit.append({ user: localUser(), cluster: cluster.name, kind: 'terminal', host: host.name, command: 'interactive shell', startedAt: started.toISOString(), endedAt: new Date().toISOString(), exitCode, durationMs: Date.now() - started.getTime() });
          } catch (error) {
            services.output.error(`audit log: ${error instanceof Error ? error.message : String(error)}`);
          }
          close.fire(exitCode ?? undefined);
        });
      }, (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        write.fire(`\r\n\x1b[31m${vscode.l10n.t('Could not open a shell on {0}: {1}', host.name, message)}\x1b[0m\r\n`);
        services.output.error(`terminal on ${host.name}: ${message}`);
      });
    },
    close: () => session?.close(),
    handleInput: (data) => session?.write(data),
    setDimensions: (d) => session?.resize(d.columns, d.rows),
  };
  const terminal = vscode.window.createTerminal({ name: `Greenplum: ${host.name}`, pty, iconPath: new vscode.ThemeIcon('terminal') });
  terminal.show();
  return terminal;
}

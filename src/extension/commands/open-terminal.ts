// "Greenplum: Open Terminal on Host…": an integrated terminal on a coordinator host, over the pooled ssh2
// connection with a PTY (live output, keyboard input, resize). The session is recorded in the audit log.
import * as vscode from 'vscode';
import type { ResolvedCluster, ResolvedHost } from '../../core/inventory';
import { localUser } from '../../engine/audit';
import { hostTarget } from '../../engine/observe';
import type { ShellSession } from '../../ssh/types';
import type { Services } from '../services';
import { describeHost } from '../panel/state-snapshot';
import { allowedHere } from '../trust';
import { clusterNameOf, pickCluster } from './pick-cluster';

function hostNameOf(arg: unknown): string | undefined {
  return typeof arg === 'object' && arg !== null && typeof (arg as { hostName?: unknown }).hostName === 'string'
    ? (arg as { hostName: string }).hostName
    : undefined;
}

/** Asks which host of the cluster, showing each one's observed role. */
async function pickHost(services: Services, cluster: ResolvedCluster): Promise<ResolvedHost | undefined> {
  const state = services.clusters.get(cluster.name)?.result?.state;
  const picked = await vscode.window.showQuickPick(
    cluster.hosts.map(h => {
      const observed = state?.hosts.find(x => x.name === h.name);
      return {
        label: h.name,
        description: observed && state ? describeHost(observed, state).label : vscode.l10n.t('built as {0}', h.role),
        detail: `ssh ${h.user ? `${h.user}@` : ''}${h.sshTarget}`,
        host: h,
      };
    }),
    { title: vscode.l10n.t('Open Terminal on a host of {0}', cluster.name), placeHolder: vscode.l10n.t('Which host?') },
  );
  return picked?.host;
}

/** A PTY over the pooled ssh2 connection to the host: live output, keyboard input, resize; audited on exit. */
function hostPseudoterminal(services: Services, cluster: ResolvedCluster, host: ResolvedHost): vscode.Pseudoterminal {
  const target = hostTarget(host);
  const pool = services.clusters.executor();
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  let session: ShellSession | undefined;
  const started = new Date();
  return {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: dimensions => {
      write.fire(`${vscode.l10n.t('Connecting to {0} ({1})…', host.name, host.sshTarget)}\r\n`);
      pool.openShell(target, { cols: dimensions?.columns ?? 120, rows: dimensions?.rows ?? 30 }).then(
        s => {
          session = s;
          s.onData(data => write.fire(data));
          s.onExit(exitCode => {
            try {
              services.audit.append({
                user: localUser(),
                cluster: cluster.name,
                kind: 'terminal',
                host: host.name,
                command: 'interactive shell',
                startedAt: started.toISOString(),
                endedAt: new Date().toISOString(),
                exitCode,
                durationMs: Date.now() - started.getTime(),
              });
            } catch (error) {
              services.output.error(`audit log: ${error instanceof Error ? error.message : String(error)}`);
            }
            close.fire(exitCode ?? undefined);
          });
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          write.fire(
            `\r\n\x1b[31m${vscode.l10n.t('Could not open a shell on {0}: {1}', host.name, message)}\x1b[0m\r\n`,
          );
          services.output.error(`terminal on ${host.name}: ${message}`);
        },
      );
    },
    close: () => session?.close(),
    handleInput: data => session?.write(data),
    setDimensions: d => session?.resize(d.columns, d.rows),
  };
}

export async function openTerminal(services: Services, arg?: unknown): Promise<vscode.Terminal | undefined> {
  const loaded = await pickCluster(clusterNameOf(arg), vscode.l10n.t('Open Terminal on Host'));
  if (!loaded) return undefined;
  const cluster = loaded.cluster;
  const wanted = hostNameOf(arg);
  const host = wanted ? cluster.hosts.find(h => h.name === wanted) : await pickHost(services, cluster);
  if (!host) return undefined;
  const terminal = vscode.window.createTerminal({
    name: `Greenplum: ${host.name}`,
    pty: hostPseudoterminal(services, cluster, host),
    iconPath: new vscode.ThemeIcon('terminal'),
  });
  terminal.show();
  return terminal;
}

/** The terminal profile "Greenplum host" (the terminal's + menu): the same shell, after choosing cluster and host. */
export function registerHostTerminalProfile(services: Services): vscode.Disposable {
  return vscode.window.registerTerminalProfileProvider('greenplumCoordinator.hostTerminal', {
    provideTerminalProfile: async () => {
      if (!allowedHere('greenplumCoordinator.openTerminal', vscode.l10n.t('Open Terminal on Host'))) return undefined;
      const loaded = await pickCluster(undefined, vscode.l10n.t('Open Terminal on Host'));
      const host = loaded ? await pickHost(services, loaded.cluster) : undefined;
      if (!loaded || !host) return undefined;
      return new vscode.TerminalProfile({
        name: `Greenplum: ${host.name}`,
        pty: hostPseudoterminal(services, loaded.cluster, host),
        iconPath: new vscode.ThemeIcon('terminal'),
      });
    },
  });
}

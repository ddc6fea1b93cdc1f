// The Clusters view: clusters from the inventory, and under each its coordinator hosts with the role observed over
// ssh (active coordinator, standby with its WAL and sync state, former coordinator, down, unreachable). Icons and
// colours follow the state; tooltips carry the details and when they were observed; contextValues drive the menus.
import * as vscode from 'vscode';
import type { ResolvedHost } from '../../core/inventory';
import type { HostState } from '../../core/state';
import type { ClusterObservation, ClusterService } from '../clusters/cluster-service';
import type { InventoryFileProblem, LoadedCluster, LoadedInventory } from '../inventory/load-inventory';
import { INVENTORY_FILE_NAME, loadInventory } from '../inventory/load-inventory';
import { describeHost, SITUATION_TEXT } from '../panel/state-snapshot';
import { formatBytes } from '../panel/snapshot';
import { markdownText } from './markdown-text';
import { standbyWords } from '../panel/summary';
import { ago, formatTime } from '../panel/time';
import type { Health } from '../panel/protocol';
import { releaseName } from '../../core/releases';

export type ClusterTreeNode =
  | { type: 'cluster'; clusterName: string; loaded: LoadedCluster }
  | { type: 'host'; clusterName: string; hostName: string; host: ResolvedHost }
  | { type: 'inventoryProblem'; broken: InventoryFileProblem };

const HEALTH_COLOR: Record<Health, string | undefined> = {
  ok: 'testing.iconPassed',
  warning: 'list.warningForeground',
  error: 'list.errorForeground',
  unknown: 'disabledForeground',
};

function icon(id: string, health: Health): vscode.ThemeIcon {
  const color = HEALTH_COLOR[health];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export class ClusterTreeProvider implements vscode.TreeDataProvider<ClusterTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private inventory: Promise<LoadedInventory> | undefined;
  private readonly subscription: vscode.Disposable;
  private pending: NodeJS.Timeout | undefined;

  private editTimer: NodeJS.Timeout | undefined;

  constructor(private readonly observations: ClusterService) {
    // Observations change often (a refresh of many clusters reports each as it arrives): one full refresh per
    // 50 ms at most shows them as they come without redrawing the tree for every cluster. Edits to an open
    // inventory show in the tree as they are typed (after a pause), saved or not.
    this.subscription = vscode.Disposable.from(
      observations.onDidChange(() => {
        this.pending ??= setTimeout(() => {
          this.pending = undefined;
          this.changed.fire(undefined);
        }, 50);
      }),
      vscode.workspace.onDidChangeTextDocument(e => {
        if (!e.document.uri.path.endsWith(`/${INVENTORY_FILE_NAME}`)) return;
        if (this.editTimer) clearTimeout(this.editTimer);
        this.editTimer = setTimeout(() => this.refresh(), 400);
      }),
    );
  }

  /** Re-reads the inventory on the next getChildren. */
  refresh(): void {
    this.inventory = undefined;
    clearTimeout(this.pending);
    this.pending = undefined;
    this.changed.fire(undefined);
  }

  async clusters(): Promise<LoadedInventory> {
    this.inventory ??= loadInventory();
    return this.inventory;
  }

  async getChildren(node?: ClusterTreeNode): Promise<ClusterTreeNode[]> {
    if (!node) {
      const { clusters, broken } = await this.clusters();
      return [
        ...clusters.map((loaded): ClusterTreeNode => ({ type: 'cluster', clusterName: loaded.cluster.name, loaded })),
        ...broken.map((b): ClusterTreeNode => ({ type: 'inventoryProblem', broken: b })),
      ];
    }
    if (node.type === 'cluster') {
      return node.loaded.cluster.hosts.map((host): ClusterTreeNode => ({
        type: 'host',
        clusterName: node.clusterName,
        hostName: host.name,
        host,
      }));
    }
    return [];
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(node: ClusterTreeNode): vscode.TreeItem {
    if (node.type === 'cluster') return this.clusterItem(node.loaded, this.observations.get(node.clusterName));
    if (node.type === 'host') return this.hostItem(node, this.observations.get(node.clusterName));
    return problemItem(node.broken);
  }

  private clusterItem(loaded: LoadedCluster, obs: ClusterObservation | undefined): vscode.TreeItem {
    const c = loaded.cluster;
    const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `cluster:${c.name}`;
    const state = obs?.result?.state;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${c.name}**${c.config.description ? ` — ${markdownText(c.config.description)}` : ''}\n\n`);
    if (obs?.observing) {
      item.description = state
        ? vscode.l10n.t('{0} · checking…', SITUATION_TEXT[state.situation].short)
        : vscode.l10n.t('checking…');
      item.iconPath = new vscode.ThemeIcon('loading~spin');
    } else if (state) {
      const s = SITUATION_TEXT[state.situation];
      item.description = s.short;
      item.iconPath = icon(s.health === 'ok' ? 'pass-filled' : s.health === 'error' ? 'error' : 'warning', s.health);
    } else {
      item.description = obs?.error ? vscode.l10n.t('check failed') : vscode.l10n.t('not checked yet');
      item.iconPath = obs?.error ? icon('error', 'error') : new vscode.ThemeIcon('server-environment');
    }
    // ".swapped": the original standby host is the active coordinator, the only time the swap back applies.
    const swapped =
      state?.activeCoordinator && state.activeCoordinator !== c.originalCoordinator.name ? '.swapped' : '';
    item.contextValue = `cluster.${state?.situation ?? 'unobserved'}${swapped}`;
    if (state) {
      tip.appendMarkdown(
        vscode.l10n.t(
          'Active coordinator: **{0}** · standby: **{1}**',
          state.activeCoordinator ?? vscode.l10n.t('none'),
          standbyWords(state),
        ) + '\n\n',
      );
      if (state.release)
        tip.appendMarkdown(
          vscode.l10n.t('Release: {0}', releaseName(state.release)) +
            (c.config.release ? ' ' + vscode.l10n.t('(pinned in the inventory)') : '') +
            '\n\n',
        );
      tip.appendMarkdown(
        vscode.l10n.t('Observed {0} ({1})', formatTime(state.observedAt), ago(state.observedAt, Date.now())) + '\n\n',
      );
      for (const p of state.problems.slice(0, 5))
        tip.appendMarkdown(`- ${p.level}: ${p.text.replace(/[*_`[\]]/g, '\\$&')}\n`);
    } else {
      tip.appendMarkdown(vscode.l10n.t('Not checked yet: run *Check Coordinator Mirroring*.') + '\n\n');
    }
    if (obs?.error) tip.appendMarkdown('\n\n' + vscode.l10n.t('Last check failed: {0}', obs.error));
    tip.appendMarkdown(
      '\n\n' +
        vscode.l10n.t(
          'Data directory `{0}`, port {1} · defined in `{2}`',
          c.config.dataDirectory,
          c.config.port,
          vscode.workspace.asRelativePath(loaded.file),
        ),
    );
    item.tooltip = tip;
    item.command = {
      command: 'greenplumCoordinator.showPanel',
      title: vscode.l10n.t('Show Status Panel'),
      arguments: [c.name],
    };
    return item;
  }

  private hostItem(
    node: Extract<ClusterTreeNode, { type: 'host' }>,
    obs: ClusterObservation | undefined,
  ): vscode.TreeItem {
    const h = node.host;
    const item = new vscode.TreeItem(h.name, vscode.TreeItemCollapsibleState.None);
    item.id = `host:${node.clusterName}:${h.name}`;
    const state = obs?.result?.state;
    const observed: HostState | undefined = state?.hosts.find(x => x.name === h.name);
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(vscode.l10n.t('**{0}** (ssh `{1}`) — built as the {2}', h.name, h.sshTarget, h.role) + '\n\n');
    if (!state || !observed) {
      item.description = vscode.l10n.t('built as {0} · role not observed', h.role);
      item.contextValue = 'host.unobserved';
      item.iconPath = icon('question', 'unknown');
      tip.appendMarkdown(
        vscode.l10n.t('Data directory `{0}`, port {1}.', h.dataDirectory, h.port) +
          '\n\n' +
          vscode.l10n.t('Role unknown until the cluster is checked.'),
      );
    } else {
      const d = describeHost(observed, state);
      item.description = d.label;
      const authFailed = !observed.reachable && observed.failure === 'auth-failed';
      const keyProblem =
        !observed.reachable && (observed.failure === 'host-key-changed' || observed.failure === 'host-key-unknown');
      item.contextValue = !observed.reachable
        ? authFailed
          ? 'host.auth-failed'
          : keyProblem
            ? 'host.host-key'
            : 'host.unreachable'
        : `host.${observed.role}`;
      item.iconPath = !observed.reachable
        ? icon(authFailed || keyProblem ? 'lock' : 'debug-disconnect', 'error')
        : icon(
            observed.role === 'active-coordinator'
              ? 'star-full'
              : observed.role === 'standby'
                ? 'mirror'
                : observed.role === 'stale'
                  ? 'history'
                  : 'circle-slash',
            d.health,
          );
      tip.appendMarkdown(`${d.label}: ${d.detail.replace(/[*_`[\]]/g, '\\$&')}\n\n`);
      if (observed.reachable) {
        const facts = [
          observed.dataDirectoryExists === false
            ? vscode.l10n.t('Data directory `{0}` (absent)', observed.dataDirectory)
            : vscode.l10n.t('Data directory `{0}`', observed.dataDirectory),
          vscode.l10n.t('port {0}', observed.port),
          ...(observed.postmasterPid ? [vscode.l10n.t('PID {0}', observed.postmasterPid)] : []),
          ...(observed.timeline !== undefined ? [vscode.l10n.t('timeline {0}', observed.timeline)] : []),
        ];
        tip.appendMarkdown(facts.join(', ') + '\n\n');
      }
      const sb = state.standby;
      if (sb.host === h.name && sb.status !== 'not-configured') {
        tip.appendMarkdown(
          vscode.l10n.t(
            'WAL sender **{0}**, sync state **{1}**',
            sb.walState ?? vscode.l10n.t('none'),
            sb.syncState ?? '?',
          ) +
            '\n\n' +
            vscode.l10n.t(
              'sent `{0}` · flush `{1}` · replay `{2}` · lag {3}',
              sb.sentLsn ?? '?',
              sb.flushLsn ?? '?',
              sb.replayLsn ?? '?',
              sb.lagBytes === null ? vscode.l10n.t('unknown') : formatBytes(sb.lagBytes),
            ) +
            '\n\n',
        );
      }
      if (observed.backups.length)
        tip.appendMarkdown(vscode.l10n.t('Backups: {0}', observed.backups.map(b => `\`${b}\``).join(', ')) + '\n\n');
      tip.appendMarkdown(
        vscode.l10n.t('Observed {0} ({1})', formatTime(observed.observedAt), ago(observed.observedAt, Date.now())),
      );
      if (!observed.reachable) {
        // The action that fixes it: credentials for an auth failure, another check otherwise. A changed host key
        // is never accepted from here: the user verifies the new key and edits known_hosts.
        item.command = authFailed
          ? {
              command: 'greenplumCoordinator.forgetCredentials',
              title: vscode.l10n.t('Forget Saved Credentials'),
              arguments: [node],
            }
          : {
              command: 'greenplumCoordinator.checkMirroring',
              title: vscode.l10n.t('Check Again'),
              arguments: [node.clusterName],
            };
        tip.appendMarkdown(
          '\n\n' +
            (authFailed
              ? vscode.l10n.t('Click to forget the saved credentials for this host, then check again.')
              : keyProblem
                ? vscode.l10n.t(
                    "Verify the host's key on the host itself ({0}); if it was reinstalled, remove the old entry ({1}) and check again to be asked about the new key.",
                    'ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub',
                    'ssh-keygen -R',
                  )
                : vscode.l10n.t('Click to check again.')),
        );
      }
    }
    item.tooltip = tip;
    return item;
  }

  dispose(): void {
    clearTimeout(this.pending);
    if (this.editTimer) clearTimeout(this.editTimer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function problemItem(broken: InventoryFileProblem): vscode.TreeItem {
  const count = broken.problems.length;
  const where = vscode.workspace.asRelativePath(broken.file);
  const first = broken.problems[0];
  // A broken cluster is listed under its own name, with its first problem; the file's own problems under the file.
  const label =
    broken.clusterName ??
    (count === 1 ? vscode.l10n.t('{0}: 1 problem', where) : vscode.l10n.t('{0}: {1} problems', where, count));
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = `problem:${broken.file.toString()}:${broken.clusterName ?? ''}`;
  item.contextValue = broken.clusterName ? 'clusterProblem' : 'inventoryProblem';
  item.iconPath = icon('error', 'error');
  item.description = first
    ? vscode.l10n.t('line {0}: {1}', first.line, shortProblem(first.message, broken.clusterName))
    : undefined;
  item.tooltip = [
    ...(broken.clusterName
      ? [
          vscode.l10n.t(
            'Cluster {0} in {1} cannot be used until this is fixed; the other clusters are not affected.',
            broken.clusterName,
            where,
          ),
        ]
      : []),
    ...broken.problems.map(p => vscode.l10n.t('line {0}, column {1}: {2}', p.line, p.column, p.message)),
  ].join('\n');
  item.command = {
    command: 'vscode.open',
    title: vscode.l10n.t('Open the inventory file'),
    arguments: [broken.file.with({ fragment: first ? `L${first.line},${first.column}` : '' })],
  };
  return item;
}

/** The message without the "clusters.<name>." prefix the label already says. */
function shortProblem(message: string, clusterName: string | undefined): string {
  return clusterName && message.startsWith(`clusters.${clusterName}.`)
    ? message.slice(`clusters.${clusterName}.`.length)
    : message;
}

// The Clusters view: clusters from the inventory, and under each its coordinator hosts with the role observed over
// ssh (active coordinator, standby with its WAL and sync state, former coordinator, down, unreachable). Icons and
// colours follow the state; tooltips carry the details and when they were observed; contextValues drive the menus.
import * as vscode from 'vscode';
import type { ResolvedHost } from '../../core/inventory';
import type { HostState } from '../../core/state';
import type { ClusterObservation, ClusterService } from '../clusters/clusterService';
import type { InventoryFileProblem, LoadedCluster, LoadedInventory } from '../inventory/loadInventory';
import { loadInventory } from '../inventory/loadInventory';
import { describeHost, SITUATION_TEXT } from '../panel/stateSnapshot';
import { formatBytes } from '../panel/snapshot';
import type { Health } from '../panel/protocol';

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

  constructor(private readonly observations: ClusterService) {
    // Observations change often; a full refresh of this small tree is cheap and keeps items consistent.
    this.subscription = observations.onDidChange(() => this.changed.fire(undefined));
  }

  /** Re-reads the inventory on the next getChildren. */
  refresh(): void {
    this.inventory = undefined;
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
      return node.loaded.cluster.hosts.map((host): ClusterTreeNode => ({ type: 'host', clusterName: node.clusterName, hostName: host.name, host }));
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
    tip.appendMarkdown(`**${c.name}**${c.config.description ? ` — ${c.config.description}` : ''}\n\n`);
    if (obs?.observing) {
      item.description = state ? `${SITUATION_TEXT[state.situation].short} · checking…` : 'checking…';
      item.iconPath = new vscode.ThemeIcon('loading~spin');
    } else if (state) {
      const s = SITUATION_TEXT[state.situation];
      item.description = s.short;
      item.iconPath = icon(s.health === 'ok' ? 'pass-filled' : s.health === 'error' ? 'error' : 'warning', s.health);
    } else {
      item.description = obs?.error ? 'check failed' : 'not checked yet';
      item.iconPath = obs?.error ? icon('error', 'error') : new vscode.ThemeIcon('server-environment');
    }
    // ".swapped": the original standby host is the active coordinator, the only time the swap back applies.
    const swapped = state?.activeCoordinator && state.activeCoordinator !== c.originalCoordinator.name ? '.swapped' : '';
    item.contextValue = `cluster.${state?.situation ?? 'unobserved'}${swapped}`;
    if (state) {
      tip.appendMarkdown(`Active coordinator: **${state.activeCoordinator ?? 'none'}** · standby: **${state.standby.host ?? 'none'}** (${state.standby.status})\n\n`);
      tip.appendMarkdown(`Observed ${state.observedAt}\n\n`);
      for (const p of state.problems.slice(0, 5)) tip.appendMarkdown(`- ${p.level}: ${p.text.replace(/[*_`[\]]/g, '\\$&')}\n`);
    } else {
      tip.appendMarkdown('Not checked yet: run *Check Coordinator Mirroring*.\n\n');
    }
    if (obs?.error) tip.appendMarkdown(`\n\nLast check failed: ${obs.error}`);
    tip.appendMarkdown(`\n\nData directory \`${c.config.dataDirectory}\`, port ${c.config.port} · defined in \`${vscode.workspace.asRelativePath(loaded.file)}\``);
    item.tooltip = tip;
    item.command = { command: 'greenplumCoordinator.showPanel', title: 'Show Status Panel', arguments: [c.name] };
    return item;
  }

  private hostItem(node: Extract<ClusterTreeNode, { type: 'host' }>, obs: ClusterObservation | undefined): vscode.TreeItem {
    const h = node.host;
    const item = new vscode.TreeItem(h.name, vscode.TreeItemCollapsibleState.None);
    item.id = `host:${node.clusterName}:${h.name}`;
    const state = obs?.result?.state;
    const observed: HostState | undefined = state?.hosts.find((x) => x.name === h.name);
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${h.name}** (ssh \`${h.sshTarget}\`) — built as the ${h.role}\n\n`);
    if (!state || !observed) {
      item.description = `built as ${h.role} · role not observed`;
      item.contextValue = 'host.unobserved';
      item.iconPath = icon('question', 'unknown');
      tip.appendMarkdown(`Data directory \`${h.dataDirectory}\`, port ${h.port}.\n\nRole unknown until the cluster is checked.`);
    } else {
      const d = describeHost(observed, state);
      item.description = d.label;
      const error = observed.reachable ? '' : observed.error ?? '';
      const authFailed = error.startsWith('auth-failed');
      const keyProblem = error.startsWith('host-key');
      item.contextValue = !observed.reachable ? (authFailed ? 'host.auth-failed' : keyProblem ? 'host.host-key' : 'host.unreachable') : `host.${observed.role}`;
      item.iconPath = !observed.reachable
        ? icon(authFailed || keyProblem ? 'lock' : 'debug-disconnect', 'error')
        : icon(observed.role === 'active-coordinator' ? 'star-full' : observed.role === 'standby' ? 'mirror' : observed.role === 'stale' ? 'history' : 'circle-slash', d.health);
      tip.appendMarkdown(`${d.label}: ${d.detail.replace(/[*_`[\]]/g, '\\$&')}\n\n`);
      if (observed.reachable) {
        tip.appendMarkdown(`Data directory \`${observed.dataDirectory}\`${observed.dataDirectoryExists === false ? ' (absent)' : ''}, port ${observed.port}` +
          `${observed.postmasterPid ? `, PID ${observed.postmasterPid}` : ''}${observed.timeline !== undefined ? `, timeline ${observed.timeline}` : ''}\n\n`);
      }
      const sb = state.standby;
      if (sb.host === h.name && sb.status !== 'not-configured') {
        tip.appendMarkdown(`WAL sender **${sb.walState ?? 'none'}**, sync **${sb.syncState ?? '?'}**\n\nsent \`${sb.sentLsn ?? '?'}\` · flush \`${sb.flushLsn ?? '?'}\` · replay \`${sb.replayLsn ?? '?'}\`` +
          ` · lag ${sb.lagBytes === null ? 'unknown' : formatBytes(sb.lagBytes)}\n\n`);
      }
      if (observed.backups.length) tip.appendMarkdown(`Backups: ${observed.backups.map((b) => `\`${b}\``).join(', ')}\n\n`);
      tip.appendMarkdown(`Observed ${observed.observedAt}`);
      if (!observed.reachable) {
        // The action that fixes it: credentials for an auth failure, another check otherwise. A changed host key
        // is never accepted from here: the user verifies the new key and edits known_hosts.
        item.command = authFailed
          ? { command: 'greenplumCoordinator.forgetCredentials', title: 'Forget Saved Credentials', arguments: [node] }
          : { command: 'greenplumCoordinator.checkMirroring', title: 'Check Again', arguments: [node.clusterName] };
        tip.appendMarkdown(authFailed
          ? '\n\nClick to forget the saved credentials for this host, then check again.'
          : keyProblem
            ? '\n\nVerify the host\'s key on the host itself (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub); if it was reinstalled, remove the old entry (ssh-keygen -R) and check again to be asked about the new key.'
            : '\n\nClick to check again.');
      }
    }
    item.tooltip = tip;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function problemItem(broken: InventoryFileProblem): vscode.TreeItem {
  const count = broken.problems.length;
  const item = new vscode.TreeItem(`${vscode.workspace.asRelativePath(broken.file)}: ${count} problem${count === 1 ? '' : 's'}`, vscode.TreeItemCollapsibleState.None);
  item.id = `problem:${broken.file.toString()}`;
  item.contextValue = 'inventoryProblem';
  item.iconPath = icon('error', 'error');
  const first = broken.problems[0];
  item.description = first ? `line ${first.line}: ${first.message}` : undefined;
  item.tooltip = broken.problems.map((p) => `line ${p.line}, column ${p.column}: ${p.message}`).join('\n');
  item.command = { command: 'vscode.open', title: 'Open the inventory file', arguments: [broken.file.with({ fragment: first ? `L${first.line},${first.column}` : '' })] };
  return item;
}

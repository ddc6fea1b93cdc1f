// The Clusters view: clusters from the inventory, and under each its coordinator hosts with their observed role.
// Until a cluster has been observed, hosts show the role the inventory gives them, marked "not checked yet".
import * as vscode from 'vscode';
import type { LoadedCluster, LoadedInventory, InventoryFileProblem } from '../inventory/loadInventory';
import { loadInventory } from '../inventory/loadInventory';
import type { ResolvedHost } from '../../core/inventory';

export type ClusterTreeNode =
  | { type: 'cluster'; clusterName: string; loaded: LoadedCluster }
  | { type: 'host'; clusterName: string; hostName: string; host: ResolvedHost }
  | { type: 'inventoryProblem'; broken: InventoryFileProblem };

export class ClusterTreeProvider implements vscode.TreeDataProvider<ClusterTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private inventory: Promise<LoadedInventory> | undefined;

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

  getTreeItem(node: ClusterTreeNode): vscode.TreeItem {
    if (node.type === 'cluster') {
      const c = node.loaded.cluster;
      const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `cluster:${c.name}`;
      item.description = 'not checked yet';
      item.contextValue = 'cluster.unobserved';
      item.iconPath = new vscode.ThemeIcon('server-environment');
      const tip = new vscode.MarkdownString(undefined, true);
      tip.appendMarkdown(`**${c.name}**${c.config.description ? ` — ${c.config.description}` : ''}\n\n`);
      tip.appendMarkdown(`Coordinator data directory \`${c.config.dataDirectory}\`, port ${c.config.port}\n\n`);
      tip.appendMarkdown(`Defined in \`${vscode.workspace.asRelativePath(node.loaded.file)}\`\n\nNot checked yet: run *Check Coordinator Mirroring*.`);
      item.tooltip = tip;
      return item;
    }
    if (node.type === 'host') {
      const h = node.host;
      const item = new vscode.TreeItem(h.name, vscode.TreeItemCollapsibleState.None);
      item.id = `host:${node.clusterName}:${h.name}`;
      item.description = `built as ${h.role} · role not observed`;
      item.contextValue = 'host.unknown';
      item.iconPath = new vscode.ThemeIcon('question', new vscode.ThemeColor('disabledForeground'));
      item.tooltip = new vscode.MarkdownString(`**${h.name}** (ssh \`${h.sshTarget}\`)\n\nBuilt as the ${h.role}. Data directory \`${h.dataDirectory}\`, port ${h.port}.\n\nRole unknown until the cluster is checked.`);
      return item;
    }
    const count = node.broken.problems.length;
    const item = new vscode.TreeItem(`${vscode.workspace.asRelativePath(node.broken.file)}: ${count} problem${count === 1 ? '' : 's'}`, vscode.TreeItemCollapsibleState.None);
    item.id = `problem:${node.broken.file.toString()}`;
    item.contextValue = 'inventoryProblem';
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    const first = node.broken.problems[0];
    item.description = first ? `line ${first.line}: ${first.message}` : undefined;
    item.tooltip = node.broken.problems.map((p) => `line ${p.line}, column ${p.column}: ${p.message}`).join('\n');
    item.command = { command: 'vscode.open', title: 'Open the inventory file', arguments: [node.broken.file.with({ fragment: first ? `L${first.line},${first.column}` : '' })] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

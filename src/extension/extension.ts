// Entry point. Thin by design: creates the services, registers the commands (one table), the Clusters view and the
// language client. No network work happens here: clusters are observed when the user asks, or while the view is
// visible if auto-refresh is on.
import * as vscode from 'vscode';
import type { PlannedStep } from '../core/procedures/types';
import type { ClusterState } from '../core/state';
import { registerCommands } from './commands';
import { registerLanguageClient, stopLanguageClient } from './languageClient';
import type { RenderedState } from './panel/protocol';
import { procedureTerminalText, setConfirmationOverride } from './procedures/runProcedureUi';
import { clusterPanelKey, Services } from './services';
import type { ClusterTreeNode, ClusterTreeProvider } from './tree/clusterTree';

/** What activate() returns: a small surface for the integration tests. */
export interface GreenplumCoordinatorApi {
  /** Reads back what the status panel for `key` has rendered, as data-field → text. */
  readPanel(key: string): Promise<RenderedState>;
  readonly savedOutputPanelKey: string;
  clusterPanelKey(cluster: string): string;
  readonly tree: ClusterTreeProvider;
  /** The last observed state of a cluster. */
  observed(cluster: string): ClusterState | undefined;
  /** Answers procedure step confirmations instead of the modal; undefined restores the modal. */
  answerConfirmations(answer: ((step: PlannedStep) => Promise<boolean>) | undefined): void;
  auditLogPath(): string;
  statusBarText(): string;
  /** What the terminal of the cluster's latest procedure run has shown (escape sequences included). */
  procedureTerminalText(cluster: string): string | undefined;
}

export function activate(context: vscode.ExtensionContext): GreenplumCoordinatorApi {
  const services = new Services(context);
  const view = vscode.window.createTreeView<ClusterTreeNode>('greenplumCoordinator.clusters', { treeDataProvider: services.tree, showCollapseAll: true });
  const autoRefresh = new AutoRefresh(services, view);
  context.subscriptions.push(
    services,
    view,
    autoRefresh,
    ...registerCommands(services),
    view.onDidChangeSelection((e) => {
      const node = e.selection[0];
      if (node && node.type !== 'inventoryProblem') {
        services.selectedCluster = node.clusterName;
        services.updateStatusBar();
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('greenplumCoordinator.inventoryPaths')) services.tree.refresh();
      if (e.affectsConfiguration('greenplumCoordinator.statusBar.enabled')) services.updateStatusBar();
      if (e.affectsConfiguration('greenplumCoordinator.autoRefreshSeconds')) autoRefresh.reschedule();
    }),
  );
  const watcher = vscode.workspace.createFileSystemWatcher('**/greenplum-clusters.yaml');
  context.subscriptions.push(watcher, watcher.onDidChange(() => services.tree.refresh()), watcher.onDidCreate(() => services.tree.refresh()), watcher.onDidDelete(() => services.tree.refresh()));
  // Language support starts its server only when an inventory, shell script or runbook is open.
  registerLanguageClient(context);
  // Palette entries that only make sense once the extension runs (see package.json menus.commandPalette).
  void vscode.commands.executeCommand('setContext', 'greenplumCoordinator.active', true);
  return {
    readPanel: (key) => services.panels.readRendered(key),
    savedOutputPanelKey: 'saved-output',
    clusterPanelKey,
    tree: services.tree,
    observed: (cluster) => services.clusters.get(cluster)?.result?.state,
    answerConfirmations: setConfirmationOverride,
    auditLogPath: () => services.audit.path,
    statusBarText: () => services.statusBar.text,
    procedureTerminalText,
  };
}

/** Re-checks the clusters already checked once, every autoRefreshSeconds, only while the Clusters view is visible. */
class AutoRefresh implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly services: Services, private readonly view: vscode.TreeView<ClusterTreeNode>) {
    this.subscription = view.onDidChangeVisibility(() => this.reschedule());
    this.reschedule();
  }

  reschedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const seconds = vscode.workspace.getConfiguration('greenplumCoordinator').get<number>('autoRefreshSeconds', 60);
    if (!this.view.visible || !seconds || seconds <= 0) return;
    this.timer = setInterval(() => { void this.tick(); }, Math.max(5, seconds) * 1000);
  }

  private async tick(): Promise<void> {
    const { clusters } = await this.services.tree.clusters();
    // Only clusters the user has checked: the first connection to a host is the user's decision (host keys, secrets).
    for (const c of clusters) {
      const name = c.cluster.name;
      if (this.services.clusters.get(name)?.result && this.services.procedures.get(name)?.status !== 'running') void this.services.clusters.check(c, 'routine');
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.subscription.dispose();
  }
}

export function deactivate(): Promise<void> {
  return stopLanguageClient();
}

// The extension's body, a bundle of its own (dist/main.js) that the entry (extension.ts) loads on first use: the
// first command, the first look at the Clusters view, or a status panel restored after a window reload. It holds
// the services, the engine, ssh2, the zod schemas and the parsers, none of which activation needs.
import * as vscode from 'vscode';
import type { PlannedStep } from '../core/procedures/types';
import type { ClusterState } from '../core/state';
import { runCommand } from './commands';
import { registerHostTerminalProfile } from './commands/open-terminal';
import type { CommandId } from './ids';
import type { RenderedState } from './panel/protocol';
import { procedureTerminalText, setConfirmationOverride } from './procedures/run-procedure-ui';
import { clusterPanelKey, Services } from './services';
import type { ClusterTreeNode, ClusterTreeProvider } from './tree/cluster-tree';

/** A small surface for the integration tests, reached through the entry's `load()`. */
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

/** What the entry calls into once this bundle is loaded. */
export interface ExtensionMain {
  readonly tree: ClusterTreeProvider;
  runCommand(id: CommandId, args: unknown[]): Promise<unknown>;
  restorePanel(panel: vscode.WebviewPanel, state: unknown): void;
  readonly api: GreenplumCoordinatorApi;
}

/** Creates the services and wires them to the view the entry registered; disposed with the extension. */
export function start(context: vscode.ExtensionContext, view: vscode.TreeView<ClusterTreeNode>): ExtensionMain {
  const services = new Services(context);
  const autoRefresh = new AutoRefresh(services, view);
  const watcher = vscode.workspace.createFileSystemWatcher('**/greenplum-clusters.yaml');
  const refreshTree = (): void => services.tree.refresh();
  context.subscriptions.push(
    services,
    autoRefresh,
    // The "Greenplum host" terminal profile is offered once the extension's body is loaded (any view or command).
    registerHostTerminalProfile(services),
    watcher,
    watcher.onDidChange(refreshTree),
    watcher.onDidCreate(refreshTree),
    watcher.onDidDelete(refreshTree),
    view.onDidChangeSelection(e => {
      const node = e.selection[0];
      if (node && node.type !== 'inventoryProblem') {
        services.selectedCluster = node.clusterName;
        services.updateStatusBar();
      }
    }),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration('greenplumCoordinator.inventoryPaths')) services.tree.refresh();
      if (e.affectsConfiguration('greenplumCoordinator.statusBar.enabled')) services.updateStatusBar();
      if (e.affectsConfiguration('greenplumCoordinator.autoRefreshSeconds')) autoRefresh.reschedule();
    }),
  );
  return {
    tree: services.tree,
    runCommand: (id, args) => runCommand(services, id, args),
    restorePanel: (panel, state) => services.panels.restore(panel, state),
    api: {
      readPanel: key => services.panels.readRendered(key),
      savedOutputPanelKey: 'saved-output',
      clusterPanelKey,
      tree: services.tree,
      observed: cluster => services.clusters.get(cluster)?.result?.state,
      answerConfirmations: setConfirmationOverride,
      auditLogPath: () => services.audit.path,
      statusBarText: () => services.statusBar.text,
      procedureTerminalText,
    },
  };
}

/** Re-checks the clusters already checked once, every autoRefreshSeconds, only while the Clusters view is visible. */
class AutoRefresh implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly services: Services,
    private readonly view: vscode.TreeView<ClusterTreeNode>,
  ) {
    this.subscription = view.onDidChangeVisibility(() => this.reschedule());
    this.reschedule();
  }

  reschedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const seconds = vscode.workspace.getConfiguration('greenplumCoordinator').get<number>('autoRefreshSeconds', 60);
    if (!this.view.visible || !seconds || seconds <= 0) return;
    this.timer = setInterval(
      () => {
        void this.tick();
      },
      Math.max(5, seconds) * 1000,
    );
  }

  private async tick(): Promise<void> {
    const { clusters } = await this.services.tree.clusters();
    // Only clusters the user has checked: the first connection to a host is the user's decision (host keys, secrets).
    const due = clusters.filter(
      c =>
        this.services.clusters.get(c.cluster.name)?.result &&
        this.services.procedures.get(c.cluster.name)?.status !== 'running',
    );
    await this.services.clusters.checkRoutine(due);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.subscription.dispose();
  }
}

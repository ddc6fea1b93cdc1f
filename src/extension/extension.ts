// Entry point (dist/extension.js), kept tiny: activation registers the commands (by id), the Clusters view, the
// status panel's serializer and the language client, and loads nothing else. The body of the extension (services,
// engine, ssh2, zod schemas, parsers) is its own bundle, dist/main.js, required on first use: a command, the view
// asking for its rows, or a panel restored after a reload. No network work happens at activation.
import * as vscode from 'vscode';
import { CLUSTERS_VIEW_ID, COMMAND_IDS, STATUS_PANEL_VIEW_TYPE } from './ids';
import { registerLanguageClient, stopLanguageClient } from './language-client';
import type * as MainBundle from './main';
import type { ExtensionMain, GreenplumCoordinatorApi } from './main';
import type { ClusterTreeNode } from './tree/cluster-tree';

/** What activate() returns: `load()` brings the body in (if it is not yet) and gives the integration tests' API. */
export interface GreenplumCoordinatorEntry {
  load(): GreenplumCoordinatorApi;
}

/** Stands in for the cluster tree until the body is loaded; the first getChildren loads it. */
class LazyClusterTree implements vscode.TreeDataProvider<ClusterTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private forwarding: vscode.Disposable | undefined;

  constructor(private readonly main: () => ExtensionMain) {}

  attach(main: ExtensionMain): void {
    this.forwarding = main.tree.onDidChangeTreeData(node => this.changed.fire(node ?? undefined));
  }

  getChildren(node?: ClusterTreeNode): Promise<ClusterTreeNode[]> {
    return this.main().tree.getChildren(node);
  }

  // Nodes exist only once the body is loaded, so these never load it themselves.
  getTreeItem(node: ClusterTreeNode): vscode.TreeItem {
    return this.main().tree.getTreeItem(node);
  }

  getParent(): undefined {
    return undefined;
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.changed.dispose();
  }
}

export function activate(context: vscode.ExtensionContext): GreenplumCoordinatorEntry {
  let main: ExtensionMain | undefined;
  const load = (): ExtensionMain => {
    if (main) return main;
    // A sibling bundle next to dist/extension.js (see scripts/build.mjs), required at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const body = require('./main.js') as typeof MainBundle;
    main = body.start(context, view);
    tree.attach(main);
    return main;
  };
  const tree = new LazyClusterTree(load);
  const view = vscode.window.createTreeView<ClusterTreeNode>(CLUSTERS_VIEW_ID, {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  context.subscriptions.push(
    tree,
    view,
    ...COMMAND_IDS.map(id => vscode.commands.registerCommand(id, (...args: unknown[]) => load().runCommand(id, args))),
    vscode.window.registerWebviewPanelSerializer(STATUS_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) =>
        Promise.resolve(load().restorePanel(panel, state)),
    }),
  );
  // Language support starts its server only when an inventory, or a script or runbook using the utilities, is open.
  registerLanguageClient(context);
  // Palette entries that only make sense once the extension runs (see package.json menus.commandPalette).
  void vscode.commands.executeCommand('setContext', 'greenplumCoordinator.active', true);
  return { load: () => load().api };
}

export function deactivate(): Promise<void> {
  return stopLanguageClient();
}

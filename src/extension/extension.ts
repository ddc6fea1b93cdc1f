// Entry point. Thin by design: creates the services, registers the commands (one table) and the Clusters view.
// No network work happens here; clusters are observed only when the user asks or the view is visible.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { registerLanguageClient, stopLanguageClient } from './languageClient';
import { Services } from './services';
import type { RenderedState } from './panel/protocol';

/** What activate() returns: a small surface for the integration tests and for other extensions. */
export interface GreenplumCoordinatorApi {
  /** Reads back what the status panel for `key` has rendered, as data-field → text. */
  readPanel(key: string): Promise<RenderedState>;
  /** Keys of the open status panels' subjects. */
  readonly savedOutputPanelKey: string;
}

export function activate(context: vscode.ExtensionContext): GreenplumCoordinatorApi {
  const services = new Services(context);
  context.subscriptions.push(
    services,
    ...registerCommands(services),
    vscode.window.createTreeView('greenplumCoordinator.clusters', { treeDataProvider: services.tree, showCollapseAll: true }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('greenplumCoordinator.inventoryPaths')) services.tree.refresh();
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
  };
}

export function deactivate(): Promise<void> {
  return stopLanguageClient();
}

// The long-lived parts every command works with, created once in activate(). Creating them does no network work.
import * as vscode from 'vscode';
import { AuditLog } from './audit/auditLog';
import { Credentials } from './credentials';
import { StatusPanels } from './panel/statusPanel';
import { ClusterTreeProvider } from './tree/clusterTree';

export class Services implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  readonly panels: StatusPanels;
  readonly audit: AuditLog;
  readonly credentials: Credentials;
  readonly tree: ClusterTreeProvider;
  /** Key of the panel shown last, so "Show Status Panel" can bring it back. */
  lastPanelKey: string | undefined;

  constructor(readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Greenplum Coordinator', { log: true });
    this.panels = new StatusPanels(context.extensionUri, (line) => this.output.warn(line));
    this.audit = new AuditLog(context.globalStorageUri);
    this.credentials = new Credentials(context.secrets, context.globalState);
    this.tree = new ClusterTreeProvider();
  }

  async refreshClusters(): Promise<void> {
    this.tree.refresh();
    await this.tree.clusters();
  }

  /** Shows a failed command's reason to the user and keeps the details in the output channel. */
  reportError(commandTitle: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.output.error(`${commandTitle}: ${error instanceof Error && error.stack ? error.stack : message}`);
    void vscode.window.showErrorMessage(`${commandTitle}: ${message}`, 'Show Log').then((choice) => {
      if (choice) this.output.show(true);
    });
  }

  dispose(): void {
    this.panels.dispose();
    this.tree.dispose();
    this.output.dispose();
  }
}

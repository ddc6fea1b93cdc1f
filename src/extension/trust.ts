// Workspace trust: a cloned repository must not be able to run anything on a host. In Restricted Mode only the
// commands below work (reading saved outputs, the panel, the audit log, editing the inventory); everything else
// (checks, procedures, terminals, and any command added later unless listed here) asks for trust first. The manifest
// hides the same commands with `isWorkspaceTrusted`; this is the check for callers that bypass the menus.
import * as vscode from 'vscode';

const WITHOUT_TRUST = new Set([
  'greenplumCoordinator.addCluster',
  'greenplumCoordinator.showPanel',
  'greenplumCoordinator.openGpstateOutput',
  'greenplumCoordinator.forgetCredentials',
  'greenplumCoordinator.showAuditLog',
  'greenplumCoordinator.refresh',
  'greenplumCoordinator.exportIncidentReport',
]);

export function needsTrust(commandId: string): boolean {
  return !WITHOUT_TRUST.has(commandId);
}

/** True when the command may run; otherwise tells the user why not and offers to manage trust. */
export function allowedHere(commandId: string, title: string): boolean {
  if (!needsTrust(commandId) || vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t(
        "{0} connects to the cluster's hosts, so it runs only in a trusted workspace. This workspace is in Restricted Mode.",
        title,
      ),
      manage,
    )
    .then(choice => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}

// Commands that run utilities on the coordinator hosts go through the engine (src/engine) over SSH.
// Until a cluster can be reached from this build, they say so plainly and offer what works without SSH.
import * as vscode from 'vscode';

export async function explainRemoteAccessMissing(action: string, clusterName: string): Promise<'unavailable'> {
  const choice = await vscode.window.showWarningMessage(
    `${action} on "${clusterName}" needs SSH access to its coordinator hosts, which this version cannot do yet. ` +
      'You can still read a saved gpstate -f or gpstate -b output of the cluster.',
    'Open gpstate Output…',
  );
  if (choice) await vscode.commands.executeCommand('greenplumCoordinator.openGpstateOutput');
  return 'unavailable';
}

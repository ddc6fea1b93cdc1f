// "Greenplum: Show Audit Log": opens the JSON Lines audit log read-only in an editor.
import * as vscode from 'vscode';
import type { Services } from '../services';

export async function showAuditLog(services: Services): Promise<string | undefined> {
  const file = services.audit.path;
  if (!services.audit.exists()) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'No command has been run on a host yet, so the audit log is empty. It will be written to {0}.',
        file,
      ),
    );
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(document, { preview: false });
  return file;
}

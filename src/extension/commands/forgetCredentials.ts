// "Greenplum: Forget Saved Credentials": removes passphrases and passwords kept in VS Code's SecretStorage,
// for one host or all of them. Keys in the ssh-agent are not touched (the agent owns them).
import * as vscode from 'vscode';
import type { Services } from '../services';

export async function forgetCredentials(services: Services, arg?: unknown): Promise<number> {
  const saved = services.credentials.list();
  if (!saved.length) {
    void vscode.window.showInformationMessage('No passphrase or password is saved. (Keys held by your ssh-agent are managed with ssh-add.)');
    return 0;
  }
  const hostFromTree = typeof arg === 'object' && arg !== null ? (arg as { hostName?: unknown }).hostName : undefined;
  let chosen = typeof hostFromTree === 'string' ? saved.filter((c) => c.host === hostFromTree) : undefined;
  if (!chosen) {
    const items = [
      { label: `Forget all ${saved.length} saved credential${saved.length > 1 ? 's' : ''}`, entries: saved },
      ...saved.map((c) => ({ label: c.host, description: c.kind === 'passphrase' ? `passphrase for ${c.detail}` : `password for ${c.detail}`, entries: [c] })),
    ];
    chosen = (await vscode.window.showQuickPick(items, { title: 'Forget Saved Credentials', placeHolder: 'Which saved secrets should be removed?' }))?.entries;
  }
  if (!chosen?.length) return 0;
  for (const c of chosen) await services.credentials.forget(c.key);
  void vscode.window.showInformationMessage(`Forgot ${chosen.length} saved credential${chosen.length > 1 ? 's' : ''}. You will be asked again when needed.`);
  return chosen.length;
}

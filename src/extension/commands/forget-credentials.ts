// "Greenplum: Forget Saved Credentials": removes passphrases and passwords kept in VS Code's SecretStorage,
// for one host or all of them. Keys in the ssh-agent are not touched (the agent owns them).
import * as vscode from 'vscode';
import type { Services } from '../services';

export async function forgetCredentials(services: Services, arg?: unknown): Promise<number> {
  const saved = services.credentials.list();
  if (!saved.length) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('No passphrase or password is saved. (Keys held by your ssh-agent are managed with ssh-add.)'),
    );
    return 0;
  }
  const hostFromTree = typeof arg === 'object' && arg !== null ? (arg as { hostName?: unknown }).hostName : undefined;
  let chosen = typeof hostFromTree === 'string' ? saved.filter(c => c.host === hostFromTree) : undefined;
  if (!chosen) {
    const items = [
      {
        label:
          saved.length > 1
            ? vscode.l10n.t('Forget all {0} saved credentials', saved.length)
            : vscode.l10n.t('Forget all {0} saved credential', saved.length),
        entries: saved,
      },
      ...saved.map(c => ({
        label: c.host,
        description:
          c.kind === 'passphrase'
            ? vscode.l10n.t('passphrase for {0}', c.detail)
            : vscode.l10n.t('password for {0}', c.detail),
        entries: [c],
      })),
    ];
    chosen = (
      await vscode.window.showQuickPick(items, {
        title: vscode.l10n.t('Forget Saved Credentials'),
        placeHolder: vscode.l10n.t('Which saved secrets should be removed?'),
      })
    )?.entries;
  }
  if (!chosen?.length) return 0;
  for (const c of chosen) await services.credentials.forget(c.key);
  void vscode.window.showInformationMessage(
    chosen.length > 1
      ? vscode.l10n.t('Forgot {0} saved credentials. You will be asked again when needed.', chosen.length)
      : vscode.l10n.t('Forgot 1 saved credential. You will be asked again when needed.'),
  );
  return chosen.length;
}

// The ssh2 pool the extension uses, with its decisions put to the user the VS Code way: an unknown host key is a
// modal with the SHA256 fingerprint (accept once / accept and save / cancel); passphrases and passwords come from
// SecretStorage, else an input box whose answer may be saved there. A changed host key is always refused (pool).
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { SshPool } from '../../ssh/pool';
import type { HostKeyDecision, SecretEndpoint, UnknownHostKeyInfo } from '../../ssh/types';
import { describeEndpoint } from '../credentials';
import type { Credentials } from '../credentials';

export function expandHome(p: string): string {
  return p === '~' ? os.homedir() : p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}

async function askHostKey(info: UnknownHostKeyInfo): Promise<HostKeyDecision> {
  const acceptOnce = vscode.l10n.t('Accept Once');
  const acceptSave = vscode.l10n.t('Accept and Save to known_hosts');
  const detail = [
    vscode.l10n.t(
      '{0} ({1}, port {2}) presented a {3} host key that no known_hosts file lists:',
      info.host,
      info.address,
      info.port,
      info.keyType,
    ),
    '',
    info.fingerprintSha256,
    '',
    vscode.l10n.t(
      'Compare it with the key on the host ({0}) before accepting.',
      'ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub',
    ),
    ...(info.otherKnownKeys.length
      ? ['', vscode.l10n.t('Keys of other types already known for this host: {0}', info.otherKnownKeys.join(', '))]
      : []),
  ].join('\n');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Unknown host key for {0}', info.host),
    { modal: true, detail },
    acceptOnce,
    acceptSave,
  );
  return choice === acceptSave ? 'accept-and-save' : choice === acceptOnce ? 'accept-once' : 'reject';
}

async function askSecret(
  credentials: Credentials,
  host: string,
  endpoint: SecretEndpoint,
  kind: 'passphrase' | 'password',
  detail: string,
  prompt: string,
): Promise<string | undefined> {
  const what = kind === 'passphrase' ? vscode.l10n.t('passphrase') : vscode.l10n.t('password');
  // Saved for this very endpoint only: a host pointed elsewhere, or with another host key, is asked again.
  const saved = await credentials.get(endpoint, kind, detail);
  if (saved !== undefined) return saved;
  const secret = await vscode.window.showInputBox({
    title: vscode.l10n.t('Greenplum Coordinator: {0} for {1}', what, host),
    prompt,
    password: true,
    ignoreFocusOut: true,
  });
  if (secret === undefined) return undefined;
  const save = vscode.l10n.t('Save');
  const keep = await vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Save this {0} in VS Code\'s secret storage for {1} ({2})? It is used for that address, port and host key only. "Greenplum: Forget Saved Credentials" removes it.',
      what,
      host,
      describeEndpoint(endpoint),
    ),
    save,
    vscode.l10n.t('Not Now'),
  );
  if (keep === save) await credentials.save(host, endpoint, kind, detail, secret);
  return secret;
}

export function createSshPool(credentials: Credentials, log: (line: string) => void): SshPool {
  const config = vscode.workspace.getConfiguration('greenplumCoordinator');
  const sshConfigPath = expandHome(config.get<string>('sshConfigPath', '~/.ssh/config'));
  const connectTimeoutSeconds = config.get<number>('connectTimeoutSeconds', 15);
  return new SshPool({
    sshConfigPath,
    readyTimeoutMs: connectTimeoutSeconds * 1000,
    log,
    onUnknownHostKey: askHostKey,
    askPassphrase: (keyPath, host, endpoint) =>
      askSecret(
        credentials,
        host,
        endpoint,
        'passphrase',
        keyPath,
        vscode.l10n.t('Passphrase for the key {0}', keyPath),
      ),
    askPassword: (user, host, endpoint) =>
      askSecret(
        credentials,
        host,
        endpoint,
        'password',
        user,
        vscode.l10n.t('Password of {0}@{1} (keys and the ssh-agent were not accepted)', user, host),
      ),
  });
}

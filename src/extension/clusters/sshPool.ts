// The ssh2 pool the extension uses, with its decisions put to the user the VS Code way: an unknown host key is a
// modal with the SHA256 fingerprint (accept once / accept and save / cancel); passphrases and passwords come from
// SecretStorage, else an input box whose answer may be saved there. A changed host key is always refused (pool).
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { SshPool } from '../../ssh/pool';
import type { HostKeyDecision, UnknownHostKeyInfo } from '../../ssh/types';
import type { Credentials } from '../credentials';

export function expandHome(p: string): string {
  return p === '~' ? os.homedir() : p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}

async function askHostKey(info: UnknownHostKeyInfo): Promise<HostKeyDecision> {
  const acceptOnce = 'Accept Once';
  const acceptSave = 'Accept and Save to known_hosts';
  const detail = [
    `${info.host} (${info.address}, port ${info.port}) presented a ${info.keyType} host key that no known_hosts file lists:`,
    '',
    info.fingerprintSha256,
    '',
    'Compare it with the key on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) before accepting.',
    ...(info.otherKnownKeys.length ? ['', `Keys of other types already known for this host: ${info.otherKnownKeys.join(', ')}`] : []),
  ].join('\n');
  const choice = await vscode.window.showWarningMessage(`Unknown host key for ${info.host}`, { modal: true, detail }, acceptOnce, acceptSave);
  return choice === acceptSave ? 'accept-and-save' : choice === acceptOnce ? 'accept-once' : 'reject';
}

async function askSecret(credentials: Credentials, host: string, kind: 'passphrase' | 'password', detail: string, prompt: string): Promise<string | undefined> {
  const saved = await credentials.get(host, kind, detail);
  if (saved !== undefined) return saved;
  const secret = await vscode.window.showInputBox({ title: `Greenplum Coordinator: ${kind} for ${host}`, prompt, password: true, ignoreFocusOut: true });
  if (secret === undefined) return undefined;
  const keep = await vscode.window.showInformationMessage(`Save this ${kind} in VS Code's secret storage for ${host}? "Greenplum: Forget Saved Credentials" removes it.`, 'Save', 'Not Now');
  if (keep === 'Save') await credentials.save(host, kind, detail, secret);
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
    askPassphrase: (keyPath, host) => askSecret(credentials, host, 'passphrase', keyPath, `Passphrase for the key ${keyPath}`),
    askPassword: (user, host) => askSecret(credentials, host, 'password', user, `Password of ${user}@${host} (keys and the ssh-agent were not accepted)`),
  });
}

// The host key decision, made before anything is sent: known_hosts (revoked and changed keys refused outright),
// then StrictHostKeyChecking, then the user's answer (accept once, accept and save to known_hosts, or reject).
import {
  appendKnownHostsLine,
  checkHostKey,
  fingerprintSha256,
  formatKnownHostsLine,
  keyTypeOfBlob,
} from './knownhosts';
import type { KnownHostEntry } from './knownhosts';
import type { ResolvedSshHost } from './config';
import type { PromptGuard } from './connection';
import { RemoteExecError } from './types';
import type { SshCallbacks } from './types';

const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Known key types first, so a server with several host keys presents the one known_hosts has (as OpenSSH does). */
export function orderHostKeyAlgorithms(known: readonly KnownHostEntry[]): string[] {
  const first: string[] = [];
  for (const e of known) {
    if (e.marker !== undefined) continue;
    for (const a of e.keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [e.keyType]) {
      if (HOST_KEY_ALGORITHMS.includes(a) && !first.includes(a)) first.push(a);
    }
  }
  return [...first, ...HOST_KEY_ALGORITHMS.filter(a => !first.includes(a))];
}

export class HostKeyChecker {
  /** Keys accepted for this process only, by known_hosts name. */
  private readonly acceptedOnce = new Map<string, Buffer>();

  constructor(
    private readonly options: Pick<SshCallbacks, 'onUnknownHostKey' | 'onHostKeySaved'>,
    private readonly log: (line: string) => void,
  ) {}

  async verify(
    r: ResolvedSshHost,
    label: string,
    names: string[],
    known: KnownHostEntry[],
    blob: Buffer,
    guard: PromptGuard,
  ): Promise<void> {
    const where = `${r.hostName}:${r.port}`;
    const type = keyTypeOfBlob(blob);
    const fp = fingerprintSha256(blob);
    const once = this.acceptedOnce.get(names[0]!);
    if (once?.equals(blob)) return;
    const verdict = checkHostKey(known, names, blob);
    const removeHint = `ssh-keygen -R ${r.port === 22 ? r.hostName : `'[${r.hostName}]:${r.port}'`}${r.userKnownHostsFiles[0] ? ` -f ${r.userKnownHostsFiles[0]}` : ''}`;
    switch (verdict.status) {
      case 'known':
        return;
      case 'revoked':
        throw new RemoteExecError(
          'host-key-changed',
          label,
          `Host key for ${label} (${where}) is REVOKED: ${verdict.entry.file} line ${verdict.entry.line} marks ${type} ${fp} as @revoked. Refusing to connect; the host must be given a new key.`,
        );
      case 'changed': {
        const e = verdict.entries[0]!;
        throw new RemoteExecError(
          'host-key-changed',
          label,
          `Host key for ${label} (${where}) has CHANGED: ${e.file} line ${e.line} has ${fingerprintSha256(e.key)}, the server offered ${fp} (${type}). ` +
            `Refusing to connect; someone may be intercepting the connection. If the host was reinstalled, verify the new fingerprint and remove the old entry with ${removeHint}.`,
        );
      }
      case 'unknown':
        break;
    }
    const others = verdict.otherTypes.map(e => `${e.keyType} ${fingerprintSha256(e.key)}`);
    const save = async (): Promise<void> => {
      const file = r.userKnownHostsFiles[0];
      if (!file) {
        this.acceptedOnce.set(names[0]!, blob);
        return;
      }
      await appendKnownHostsLine(file, formatKnownHostsLine(names[0]!, blob, r.hashKnownHosts));
      this.log(`added ${type} ${fp} for ${names[0]} to ${file}`);
      this.options.onHostKeySaved?.({ host: label, keyType: type, fingerprintSha256: fp, file });
    };
    const policy = r.strictHostKeyChecking;
    if (policy === 'no' || policy === 'accept-new') return save();
    const unknownMsg = `Host key for ${label} (${where}) is not known: the server offered ${type} ${fp}, and no entry in ${[...r.userKnownHostsFiles, ...r.globalKnownHostsFiles].join(', ')} names ${names[0]}${others.length ? ` (known keys of other types: ${others.join(', ')})` : ''}.`;
    if (policy === 'yes')
      throw new RemoteExecError(
        'host-key-unknown',
        label,
        `${unknownMsg} StrictHostKeyChecking is yes, so the key is refused. Verify the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_${type.replace(/^ssh-/, '').split('-')[0]}_key.pub) and add it to known_hosts.`,
      );
    const ask = this.options.onUnknownHostKey;
    if (!ask)
      throw new RemoteExecError(
        'host-key-unknown',
        label,
        `${unknownMsg} Nothing can ask whether to trust it here; verify the fingerprint on the host and add it to known_hosts (for example ssh-keyscan -p ${r.port} ${r.hostName}, after comparing the fingerprint).`,
      );
    const decision = await guard(() =>
      ask({
        host: label,
        address: r.hostName,
        port: r.port,
        keyType: type,
        fingerprintSha256: fp,
        otherKnownKeys: others,
      }),
    );
    if (decision === 'accept-once') {
      this.acceptedOnce.set(names[0]!, blob);
      return;
    }
    if (decision === 'accept-and-save') return save();
    throw new RemoteExecError('host-key-unknown', label, `${unknownMsg} The key was rejected; not connecting.`);
  }
}

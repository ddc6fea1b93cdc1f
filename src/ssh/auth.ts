// Authentication in OpenSSH's order: the agent (only IdentityFile's keys with IdentitiesOnly), the key files
// (asking for passphrases, remembered until forgotten), then a password. Every attempt is noted for the message
// that explains a refusal.
import { promises as fs } from 'node:fs';
import { OpenSSHAgent, utils } from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, ParsedKey } from 'ssh2';
import type { ResolvedSshHost } from './config';
import type { PromptGuard } from './connection';
import type { SecretEndpoint, SshCallbacks } from './types';

function isEncryptedKeyError(err: Error): boolean {
  return /encrypted|passphrase/i.test(err.message);
}

/** An agent that offers only the keys named by IdentityFile (IdentitiesOnly yes). */
class FilteredAgent extends OpenSSHAgent {
  constructor(
    socket: string,
    private readonly allowed: Buffer[],
  ) {
    super(socket);
  }
  override getIdentities(cb: (err?: Error | null, keys?: ParsedKey[]) => void): void {
    super.getIdentities((err, keys) => {
      if (err || !keys) return cb(err, undefined);
      // The OpenSSH agent returns parsed keys; anything else cannot be compared and is left out.
      const parsed = keys.filter((k): k is ParsedKey => typeof (k as ParsedKey).getPublicSSH === 'function');
      cb(
        undefined,
        parsed.filter(k => this.allowed.some(a => a.equals(k.getPublicSSH()))),
      );
    });
  }
}

export class Authenticator {
  private readonly passphrases = new Map<string, ParsedKey>();

  constructor(private readonly options: Pick<SshCallbacks, 'askPassword' | 'askPassphrase'>) {}

  /** Forgets decrypted keys (e.g. after "Forget Saved Credentials"); the next connection asks again. */
  forget(): void {
    this.passphrases.clear();
  }

  sequence(
    r: ResolvedSshHost,
    label: string,
    attempts: string[],
    guard: PromptGuard,
    endpoint: () => SecretEndpoint,
  ): (methodsLeft: AuthenticationType[] | null) => Promise<AnyAuthMethod | false> {
    let step = 0;
    let last: string | undefined;
    const files = [...r.identityFiles];
    let fileIndex = 0;
    let passwordAsked = false;
    const allowed = (m: AuthenticationType, left: AuthenticationType[] | null): boolean =>
      left === null || left.includes(m) || (m === 'agent' && left.includes('publickey'));
    return async left => {
      if (last) attempts.push(`${last}: rejected by the server`);
      last = undefined;
      if (step === 0) {
        step = 1;
        if (r.identityAgent && allowed('agent', left)) {
          const agentAuth = await this.agentMethod(r, attempts);
          if (agentAuth) {
            last = agentAuth.description;
            return agentAuth.method;
          }
        }
      }
      if (step === 1) {
        while (fileIndex < files.length && allowed('publickey', left)) {
          const file = files[fileIndex++]!;
          const key = await this.loadKey(file, r, label, attempts, guard, endpoint);
          if (key) {
            last = `key ${file}`;
            return { type: 'publickey', username: r.user, key };
          }
        }
        step = 2;
      }
      if (step === 2) {
        step = 3;
        if (this.options.askPassword && allowed('password', left) && !passwordAsked) {
          passwordAsked = true;
          const askPassword = this.options.askPassword;
          const password = await guard(() => askPassword(r.user, label, endpoint()));
          if (password !== undefined) {
            last = 'password';
            return { type: 'password', username: r.user, password };
          }
          attempts.push('password: not given');
        }
      }
      return false;
    };
  }

  private async agentMethod(
    r: ResolvedSshHost,
    attempts: string[],
  ): Promise<{ method: AnyAuthMethod; description: string } | undefined> {
    const socket = r.identityAgent!;
    let allowedKeys: Buffer[] | undefined;
    if (r.identitiesOnly) {
      allowedKeys = [];
      for (const f of r.identityFiles) {
        const pub = await readPublicKey(f);
        if (pub) allowedKeys.push(pub);
      }
    }
    const agent = allowedKeys ? new FilteredAgent(socket, allowedKeys) : new OpenSSHAgent(socket);
    const count = await new Promise<number | Error>(resolve => {
      agent.getIdentities((err, keys) => resolve(err ?? keys?.length ?? 0));
    });
    if (count instanceof Error) {
      attempts.push(`ssh-agent at ${socket}: not reachable (${count.message})`);
      return undefined;
    }
    if (count === 0) {
      attempts.push(
        `ssh-agent at ${socket}: ${allowedKeys ? 'none of its keys matches IdentityFile (IdentitiesOnly yes)' : 'holds no keys'}`,
      );
      return undefined;
    }
    return {
      method: { type: 'agent', username: r.user, agent },
      description: `ssh-agent at ${socket} (${count} key${count === 1 ? '' : 's'})`,
    };
  }

  private async loadKey(
    file: string,
    r: ResolvedSshHost,
    label: string,
    attempts: string[],
    guard: PromptGuard,
    endpoint: () => SecretEndpoint,
  ): Promise<ParsedKey | undefined> {
    const cached = this.passphrases.get(file);
    if (cached) return cached;
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch (err) {
      if (!r.identityFilesAreDefaults)
        attempts.push(`key ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return undefined;
    }
    const plain = utils.parseKey(data);
    if (!(plain instanceof Error)) {
      const key = Array.isArray(plain) ? (plain[0] as ParsedKey) : plain;
      if (!key.isPrivateKey()) {
        attempts.push(`key ${file}: is a public key; IdentityFile must name the private key`);
        return undefined;
      }
      return key;
    }
    if (!isEncryptedKeyError(plain)) {
      attempts.push(`key ${file}: not a private key ssh2 can read (${plain.message})`);
      return undefined;
    }
    if (!this.options.askPassphrase) {
      attempts.push(
        `key ${file}: encrypted, and nothing can ask for its passphrase here (load it with ssh-add instead)`,
      );
      return undefined;
    }
    const askPassphrase = this.options.askPassphrase;
    // Decrypting (bcrypt KDF, in JavaScript) can take a second: local work, kept off the handshake limit too.
    const parsed = await guard(async () => {
      const passphrase = await askPassphrase(file, label, endpoint());
      return passphrase === undefined ? undefined : utils.parseKey(data, passphrase);
    });
    if (parsed === undefined) {
      attempts.push(`key ${file}: encrypted, no passphrase given`);
      return undefined;
    }
    if (parsed instanceof Error) {
      attempts.push(`key ${file}: the passphrase given is wrong (${parsed.message})`);
      return undefined;
    }
    const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
    this.passphrases.set(file, key);
    return key;
  }
}

/** The public blob of a key file, from its .pub file (or the key itself when unencrypted). */
async function readPublicKey(file: string): Promise<Buffer | undefined> {
  for (const candidate of [`${file}.pub`, file]) {
    try {
      const parsed = utils.parseKey(await fs.readFile(candidate));
      if (parsed instanceof Error) continue;
      const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
      return key.getPublicSSH();
    } catch {
      continue;
    }
  }
  return undefined;
}

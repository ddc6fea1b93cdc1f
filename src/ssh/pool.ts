// The pooled ssh2 executor: one connection per resolved user@host:port (and jump chain), reused by every command,
// many commands at once as channels on it (capped), keepalive, reconnect on the next use after a drop, idle close.
// Host keys are verified against known_hosts before anything is sent; authentication follows OpenSSH's order.
import { promises as fs, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { Client, OpenSSHAgent, utils } from 'ssh2';
import type {
  AnyAuthMethod,
  AuthenticationType,
  ClientChannel,
  ConnectConfig,
  ParsedKey,
  ServerHostKeyAlgorithm,
} from 'ssh2';
import { resolveSshHost } from './config';
import type { ConfigEnvironment, ResolvedSshHost } from './config';
import {
  appendKnownHostsLine,
  checkHostKey,
  fingerprintSha256,
  formatKnownHostsLine,
  hostFieldMatches,
  keyTypeOfBlob,
  knownHostsName,
  readKnownHostsFiles,
} from './knownhosts';
import type { KnownHostEntry } from './knownhosts';
import { RemoteExecError } from './types';
import type {
  ExecOptions,
  ExecResult,
  HostTarget,
  LocalStream,
  PoolStats,
  RemoteExecutor,
  SecretEndpoint,
  ShellOptions,
  ShellSession,
  SshCallbacks,
} from './types';

export interface SshPoolOptions extends SshCallbacks {
  /** ~/.ssh/config to read; null reads none. Default <homeDir>/.ssh/config. */
  sshConfigPath?: string | null;
  /** Home directory for ~, ~/.ssh/known_hosts and default keys. Default os.homedir(). */
  homeDir?: string;
  /** Agent socket when the ssh config names none. Default SSH_AUTH_SOCK. */
  agentSocket?: string;
  /** Login user when neither inventory nor ssh config names one. Default gpadmin. */
  defaultUser?: string;
  /** Read-only known_hosts files. Default /etc/ssh/ssh_known_hosts{,2}. */
  globalKnownHostsFiles?: string[];
  /** SSH-level keepalive; ServerAliveInterval in the ssh config wins. Default 15000. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as lost. Default 3. */
  keepaliveCountMax?: number;
  /** Connect + handshake + authentication limit (ConnectTimeout wins). Default 20000. */
  readyTimeoutMs?: number;
  /** A connection with no channel open for this long is closed. Default 300000. */
  idleTimeoutMs?: number;
  /** Channels open at once on one connection; more wait their turn (OpenSSH's MaxSessions is 10). Default 8. */
  maxChannelsPerConnection?: number;
  /** Diagnostics (config warnings, connects, drops). */
  log?: (line: string) => void;
}

// The command never reached the server (the pooled connection was found dead): safe to retry on a new one.
class NotStarted extends Error {}

type FailFn = (reason: string) => void;

/** RFC 4254's channel open failure reason codes, as words. */
function openFailureReason(e: Error): string {
  const code = (e as Error & { reason?: unknown }).reason;
  return (
    (
      {
        1: 'administratively prohibited',
        2: 'connect failed',
        3: 'unknown channel type',
        4: 'resource shortage',
      } as Record<string, string>
    )[String(code)] ?? 'no reason given'
  );
}

/** Runs a question to the user with the handshake timer stopped. */
type PromptGuard = <T>(ask: () => Promise<T>) => Promise<T>;

class Connection {
  readonly client = new Client();
  ready!: Promise<void>;
  closed = false;
  /** Channels open (or handed to a waiter). */
  active = 0;
  /** Connections tunnelled through this one (it stays open while they live). */
  dependents = 0;
  readonly waiters: Array<{ grant: () => void; refuse: (e: Error) => void }> = [];
  /** In-flight commands and shells; each is failed as connection-lost if the connection drops. */
  readonly inflight = new Set<FailFn>();
  idleTimer: NodeJS.Timeout | undefined;
  constructor(
    readonly key: string,
    readonly label: string,
    readonly target: ResolvedSshHost,
    readonly via: Connection | undefined,
  ) {}
  describe(): string {
    return `${this.label} (${this.target.user}@${this.target.hostName}:${this.target.port}${this.via ? ` via ${this.via.label}` : ''})`;
  }
}

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
function orderHostKeyAlgorithms(known: readonly KnownHostEntry[]): string[] {
  const first: string[] = [];
  for (const e of known) {
    if (e.marker !== undefined) continue;
    for (const a of e.keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [e.keyType]) {
      if (HOST_KEY_ALGORITHMS.includes(a) && !first.includes(a)) first.push(a);
    }
  }
  return [...first, ...HOST_KEY_ALGORITHMS.filter(a => !first.includes(a))];
}

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

export class SshPool implements RemoteExecutor {
  private readonly conns = new Map<string, Connection>();
  private readonly opening = new Map<string, Promise<Connection>>();
  /** Connections in their handshake, so dispose() can end them too. */
  private readonly starting = new Set<Connection>();
  private readonly passphrases = new Map<string, ParsedKey>();
  private readonly acceptedOnce = new Map<string, Buffer>();
  private readonly counters = {
    opened: new Map<string, number>(),
    execs: new Map<string, number>(),
    byHost: new Map<string, { connectionsOpened: number; execs: number }>(),
  };
  private disposed = false;
  private readonly warned = new Set<string>();
  private readonly resolved = new Map<string, { version: string; r: ResolvedSshHost }>();

  constructor(private readonly options: SshPoolOptions = {}) {}

  private get env(): ConfigEnvironment {
    const o = this.options;
    return {
      ...(o.sshConfigPath !== undefined ? { configPath: o.sshConfigPath } : {}),
      ...(o.homeDir !== undefined ? { homeDir: o.homeDir } : {}),
      ...(o.agentSocket !== undefined ? { agentSocket: o.agentSocket } : {}),
      ...(o.defaultUser !== undefined ? { defaultUser: o.defaultUser } : {}),
      ...(o.globalKnownHostsFiles !== undefined ? { globalKnownHostsFiles: o.globalKnownHostsFiles } : {}),
    };
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** What a host resolves to (inventory > ~/.ssh/config > defaults); useful to show before connecting. */
  resolve(host: HostTarget): ResolvedSshHost {
    // Resolution runs before every command, so a changed ssh config applies to the next one; it is reused while
    // the config file is unchanged (size and mtime), which spares a read and parse per command on a large fleet.
    const key = `${host.sshTarget}\u0000${host.user ?? ''}\u0000${host.port ?? ''}\u0000${host.identityFile ?? ''}`;
    const version = this.configVersion();
    const cached = this.resolved.get(key);
    if (cached && cached.version === version) return cached.r;
    const r = resolveSshHost(
      { sshTarget: host.sshTarget, user: host.user, port: host.port, identityFile: host.identityFile },
      this.env,
    );
    this.resolved.set(key, { version, r });
    for (const w of r.warnings) {
      // Resolution runs before every command; say each problem once.
      if (this.warned.has(w)) continue;
      this.warned.add(w);
      this.log(`ssh config: ${w}`);
    }
    return r;
  }

  /** Size and mtime of the ssh config file ('' when there is none to read). */
  private configVersion(): string {
    const o = this.options;
    if (o.sshConfigPath === null) return '';
    const path = o.sshConfigPath ?? join(o.homeDir ?? homedir(), '.ssh', 'config');
    try {
      const st = statSync(path);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return 'absent';
    }
  }

  stats(): PoolStats {
    return {
      connectionsOpened: Object.fromEntries(this.counters.opened),
      execs: Object.fromEntries(this.counters.execs),
      byHost: Object.fromEntries([...this.counters.byHost].map(([k, v]) => [k, { ...v }])),
      open: [...this.conns.values()].filter(c => !c.closed).map(c => c.key),
    };
  }

  private bump(kind: 'opened' | 'execs', key: string, host: string): void {
    const m = this.counters[kind];
    m.set(key, (m.get(key) ?? 0) + 1);
    const h = this.counters.byHost.get(host) ?? { connectionsOpened: 0, execs: 0 };
    if (kind === 'opened') h.connectionsOpened++;
    else h.execs++;
    this.counters.byHost.set(host, h);
  }

  // ---------------------------------------------------------------- connections

  /** The pooled connection for a host, through its jump chain, opening what is missing. */
  private async connectionFor(r: ResolvedSshHost, label: string, depth = 0): Promise<Connection> {
    if (depth > 8)
      throw new RemoteExecError(
        'connect-failed',
        label,
        `ProxyJump chain for ${label} is longer than 8 hops or loops; check ProxyJump in the ssh config`,
      );
    let via: Connection | undefined;
    for (const [i, spec] of r.proxyJump.entries()) {
      const jr = resolveSshHost({ sshTarget: spec.target, user: spec.user, port: spec.port }, this.env);
      // Only the first hop may have its own ProxyJump; later hops are reached through the previous one.
      if (i === 0 && jr.proxyJump.length) {
        via = await this.connectionFor(jr, spec.target, depth + 1);
        continue;
      }
      jr.proxyJump = [];
      via = await this.connection(jr, spec.target, via);
    }
    return this.connection(r, label, via);
  }

  private async connection(r: ResolvedSshHost, label: string, via: Connection | undefined): Promise<Connection> {
    if (this.disposed)
      throw new RemoteExecError(
        'connect-failed',
        label,
        'the SSH connection pool was disposed; no new connections are opened',
      );
    const key = `${r.user}@${r.hostName}:${r.port}${via ? ` via ${via.key}` : ''}`;
    const existing = this.conns.get(key);
    if (existing && !existing.closed) return existing;
    const pending = this.opening.get(key);
    if (pending) return pending;
    const p = this.open(key, r, label, via).finally(() => this.opening.delete(key));
    this.opening.set(key, p);
    return p;
  }

  private async open(key: string, r: ResolvedSshHost, label: string, via: Connection | undefined): Promise<Connection> {
    const conn = new Connection(key, label, r, via);
    const where = `${r.hostName}:${r.port}`;
    const names = [r.hostKeyAlias ?? knownHostsName(r.hostName, r.port)];
    const knownFiles = [...r.userKnownHostsFiles, ...r.globalKnownHostsFiles];
    let known: KnownHostEntry[];
    try {
      known = (await readKnownHostsFiles(knownFiles)).filter(e => hostFieldMatches(e.hosts, names));
    } catch (err) {
      throw new RemoteExecError(
        'host-key-unknown',
        label,
        `Cannot read the known_hosts files (${knownFiles.join(', ')}) to verify ${label}: ${(err as Error).message}. Not connecting.`,
      );
    }
    let sock: Readable | undefined;
    if (via) {
      sock = await new Promise<Readable>((resolve, reject) => {
        try {
          via.client.forwardOut('127.0.0.1', 0, r.hostName, r.port, (err, stream) => {
            if (err) {
              this.scheduleIdle(via);
              reject(
                new RemoteExecError(
                  'connect-failed',
                  label,
                  `Jump host ${via.describe()} could not open a connection to ${where}: ${err.message}. Check that ${label} is reachable from the jump host and that it allows TCP forwarding (AllowTcpForwarding).`,
                ),
              );
            } else resolve(stream);
          });
        } catch (err) {
          reject(
            new RemoteExecError(
              'connect-failed',
              label,
              `Jump host ${via.describe()} is not connected: ${(err as Error).message}`,
            ),
          );
        }
      });
      via.dependents++;
      this.clearIdle(via);
    }

    let hostKeyError: RemoteExecError | undefined;
    const attempts: string[] = [];
    // The handshake limit, kept here rather than by ssh2's readyTimeout so it stops while a person is being asked
    // something (host key, passphrase, password): only the network's time counts.
    const limitMs = r.connectTimeoutMs ?? this.options.readyTimeoutMs ?? 20000;
    let handshakeTimer: NodeJS.Timeout | undefined;
    let timedOut = false;
    let prompted = false;
    let settledHandshake = false;
    const arm = (): void => {
      clearTimeout(handshakeTimer);
      if (settledHandshake) return;
      handshakeTimer = setTimeout(() => {
        timedOut = true;
        conn.client.destroy();
      }, limitMs);
    };
    const guard = async <T>(ask: () => Promise<T>): Promise<T> => {
      clearTimeout(handshakeTimer);
      prompted = true;
      try {
        return await ask();
      } finally {
        arm();
      }
    };
    // Secrets go to the endpoint whose host key was verified (set by hostVerifier before any authentication).
    let hostKey = '';
    const endpoint = (): SecretEndpoint => ({ user: r.user, address: r.hostName, port: r.port, hostKey });
    const auth = this.authSequence(r, label, attempts, guard, endpoint);
    const handshakeTimeout = (): RemoteExecError =>
      new RemoteExecError(
        'connect-failed',
        label,
        `No SSH handshake with ${conn.describe()} within ${(limitMs / 1000).toFixed(limitMs % 1000 ? 1 : 0)} s (ConnectTimeout or readyTimeoutMs). The host may be down, or a firewall drops the connection.`,
      );

    conn.ready = new Promise<void>((resolve, reject) => {
      let isReady = false;
      const c = conn.client;
      c.on('ready', () => {
        isReady = true;
        settledHandshake = true;
        clearTimeout(handshakeTimer);
        this.log(`connected to ${conn.describe()}`);
        resolve();
      });
      c.on('error', (err: Error & { level?: string; code?: string }) => {
        if (isReady) {
          this.dropped(conn, err.message);
          return;
        }
        conn.closed = true;
        settledHandshake = true;
        clearTimeout(handshakeTimer);
        reject(timedOut ? handshakeTimeout() : this.connectError(err, conn, hostKeyError, attempts));
      });
      c.on('close', () => {
        if (!isReady) {
          conn.closed = true;
          settledHandshake = true;
          clearTimeout(handshakeTimer);
          if (timedOut) reject(handshakeTimeout());
          else
            reject(
              hostKeyError ??
                new RemoteExecError(
                  'connect-failed',
                  label,
                  `Connection to ${conn.describe()} closed during the SSH handshake.${prompted ? " If answering a question took long, sshd's LoginGraceTime may have passed; try again." : ' Check that sshd is running there and that this client may connect.'}`,
                ),
            );
        }
        this.dropped(conn, 'the server closed the connection');
      });
    });
    conn.ready.catch(() => undefined);

    this.bump('opened', key, label);
    // ssh2 takes `false` from an authHandler as "no more methods", which its type declarations do not include.
    const noMoreMethods = false as unknown as AnyAuthMethod;
    const config: ConnectConfig = {
      host: r.hostName,
      port: r.port,
      username: r.user,
      ...(sock ? { sock } : {}),
      readyTimeout: 0,
      keepaliveInterval: r.serverAliveIntervalMs ?? this.options.keepaliveIntervalMs ?? 15000,
      keepaliveCountMax: r.serverAliveCountMax ?? this.options.keepaliveCountMax ?? 3,
      algorithms: { serverHostKey: orderHostKeyAlgorithms(known) as ServerHostKeyAlgorithm[] },
      hostVerifier: (blob: Buffer, verify: (ok: boolean) => void): void => {
        this.verifyHostKey(r, label, names, known, blob, guard).then(
          () => {
            hostKey = fingerprintSha256(blob);
            verify(true);
          },
          (err: unknown) => {
            // A failing prompt or an unwritable known_hosts file refuses the key too, and says why.
            hostKeyError =
              err instanceof RemoteExecError
                ? err
                : new RemoteExecError(
                    'host-key-unknown',
                    label,
                    `Could not decide on the host key of ${label} (${r.hostName}:${r.port}): ${(err as Error).message}. Not connecting.`,
                  );
            verify(false);
          },
        );
      },
      // First called with null (nothing tried yet), then with the methods the server still accepts.
      authHandler: (
        methodsLeft: AuthenticationType[] | null,
        _partial: boolean | null,
        next: (m: AnyAuthMethod) => void,
      ): void => {
        auth(methodsLeft).then(
          m => next(m === false ? noMoreMethods : m),
          (err: Error) => {
            attempts.push(`stopped: ${err.message}`);
            next(noMoreMethods);
          },
        );
      },
    };
    arm();
    this.starting.add(conn);
    conn.client.connect(config);
    // Small request/response packets: without this, Nagle's algorithm adds tens of ms to every command.
    conn.client.setNoDelay(true);
    try {
      await conn.ready;
    } catch (err) {
      this.starting.delete(conn);
      this.conns.delete(key);
      if (via) {
        via.dependents--;
        this.scheduleIdle(via);
      }
      throw err;
    }
    this.starting.delete(conn);
    if (conn.closed)
      throw new RemoteExecError(
        'connect-failed',
        label,
        `Connection to ${conn.describe()} closed right after it was established.`,
      );
    if (this.disposed) {
      // dispose() ran during the handshake and could not see this connection yet.
      conn.client.end();
      throw new RemoteExecError(
        'connect-failed',
        label,
        'the SSH connection pool was disposed; no new connections are opened',
      );
    }
    this.conns.set(key, conn);
    this.scheduleIdle(conn); // a connection nobody ends up using (e.g. a jump host whose target failed) still closes
    return conn;
  }

  private connectError(
    err: Error & { level?: string; code?: string },
    conn: Connection,
    hostKeyError: RemoteExecError | undefined,
    attempts: string[],
  ): RemoteExecError {
    const r = conn.target;
    const who = conn.describe();
    if (hostKeyError) return hostKeyError;
    if (err.level === 'client-authentication') {
      const tried = attempts.length ? attempts.join('; ') : 'nothing (no agent, no key files, no password callback)';
      return new RemoteExecError(
        'auth-failed',
        conn.label,
        `Authentication as ${r.user} to ${who} failed. Tried: ${tried}. ` +
          `Check that the public key is in ~${r.user}/.ssh/authorized_keys on ${conn.label}, that the user is right (inventory "user" or ssh config User), or load the key into the agent with ssh-add.`,
      );
    }
    const code = err.code ? `${err.code}: ` : '';
    const hint =
      err.code === 'ECONNREFUSED'
        ? ' Nothing listens there: is sshd running, and is the port right?'
        : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
          ? ' The name does not resolve: check HostName in the ssh config or the inventory.'
          : '';
    return new RemoteExecError('connect-failed', conn.label, `Cannot connect to ${who}: ${code}${err.message}.${hint}`);
  }

  private async verifyHostKey(
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

  /** The authentication methods in OpenSSH's order: agent, key files (asking passphrases), password. */
  private authSequence(
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

  /** Forgets decrypted keys (e.g. after "Forget Saved Credentials"); the next connection asks again. */
  forgetPassphrases(): void {
    this.passphrases.clear();
  }

  private dropped(conn: Connection, reason: string): void {
    const wasOpen = !conn.closed;
    conn.closed = true;
    this.clearIdle(conn);
    if (this.conns.get(conn.key) === conn) this.conns.delete(conn.key);
    for (const fail of [...conn.inflight]) fail(reason);
    conn.inflight.clear();
    for (const w of conn.waiters.splice(0)) w.refuse(new NotStarted(reason));
    if (wasOpen) {
      this.log(`connection to ${conn.describe()} closed: ${reason}`);
      if (conn.via) {
        conn.via.dependents--;
        this.scheduleIdle(conn.via);
      }
    }
  }

  private clearIdle(conn: Connection): void {
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    conn.idleTimer = undefined;
  }

  private scheduleIdle(conn: Connection): void {
    this.clearIdle(conn);
    if (conn.closed || conn.active > 0 || conn.dependents > 0 || conn.waiters.length) return;
    conn.idleTimer = setTimeout(() => {
      if (conn.active === 0 && conn.dependents === 0) {
        this.log(`closing idle connection to ${conn.describe()}`);
        conn.client.end();
      }
    }, this.options.idleTimeoutMs ?? 300_000);
    conn.idleTimer.unref();
  }

  private async acquire(conn: Connection, signal: AbortSignal | undefined, label: string): Promise<void> {
    if (conn.closed) throw new NotStarted('connection closed');
    this.clearIdle(conn);
    const max = this.options.maxChannelsPerConnection ?? 8;
    if (conn.active < max) {
      conn.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = conn.waiters.indexOf(waiter);
        if (i >= 0) conn.waiters.splice(i, 1);
        reject(
          new RemoteExecError(
            'cancelled',
            label,
            `Cancelled while waiting for a free channel on ${conn.describe()}; the command was not started.`,
            { exitCode: null, signal: null, stdout: '', stderr: '' },
          ),
        );
      };
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        refuse: (e: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      conn.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(conn: Connection): void {
    const next = conn.waiters.shift();
    if (next)
      next.grant(); // the slot passes on; active stays the same
    else {
      conn.active = Math.max(0, conn.active - 1);
      this.scheduleIdle(conn);
    }
  }

  /**
   * Connection + channel slot + open channel, retrying when the pooled connection was dead or sshd was briefly
   * out of sessions. `attach` runs synchronously in ssh2's callback: the exit status of a fast command can arrive
   * in the same packet batch as the channel confirmation, before any awaiting code would run.
   */
  private async channel<T>(
    host: HostTarget,
    signal: AbortSignal | undefined,
    open: (c: Client, cb: (err: Error | undefined, ch: ClientChannel) => void) => void,
    attach: (conn: Connection, ch: ClientChannel) => T,
    isSession = true,
  ): Promise<T> {
    const r = this.resolve(host);
    let deadRetries = 0;
    let busyRetries = 0;
    const notRun = (conn: Connection, why: string): RemoteExecError =>
      new RemoteExecError(
        'connection-lost',
        host.name,
        `Connection to ${conn.describe()} was lost before the command started (${why}); it did not run.`,
        { exitCode: null, signal: null, stdout: '', stderr: '' },
      );
    for (;;) {
      if (signal?.aborted)
        throw new RemoteExecError(
          'cancelled',
          host.name,
          `Cancelled before the command started on ${host.name}; it did not run.`,
          { exitCode: null, signal: null, stdout: '', stderr: '' },
        );
      const conn = await untilAborted(
        this.connectionFor(r, host.name),
        signal,
        () =>
          new RemoteExecError(
            'cancelled',
            host.name,
            `Cancelled while connecting to ${host.name}; the command did not run.`,
            { exitCode: null, signal: null, stdout: '', stderr: '' },
          ),
      ).catch((err: unknown) => {
        // A jump host's failure is this host's failure for the caller; the message keeps naming the jump host.
        if (err instanceof RemoteExecError && err.host !== host.name)
          throw new RemoteExecError(
            err.kind,
            host.name,
            `${host.name} is reached through ${err.host}: ${err.message}`,
            err.partial,
          );
        throw err;
      });
      try {
        await this.acquire(conn, signal, host.name);
      } catch (err) {
        if (err instanceof NotStarted && deadRetries++ === 0) continue;
        if (err instanceof NotStarted) throw notRun(conn, err.message);
        throw err;
      }
      const result = await new Promise<{ value: T } | NotStarted | Error>(resolve => {
        if (conn.closed) return resolve(new NotStarted('connection closed'));
        const lost: FailFn = reason => resolve(new NotStarted(reason));
        conn.inflight.add(lost);
        try {
          open(conn.client, (err, ch) => {
            conn.inflight.delete(lost);
            if (err) return resolve(conn.closed ? new NotStarted(err.message) : err);
            this.bump('execs', conn.key, host.name);
            resolve({ value: attach(conn, ch) });
          });
        } catch (err) {
          conn.inflight.delete(lost);
          resolve(new NotStarted((err as Error).message));
        }
      });
      if (!(result instanceof Error)) {
        return result.value;
      }
      const othersBusy = conn.active > 1;
      this.release(conn);
      if (result instanceof NotStarted) {
        // The pooled connection was dead (dropped while idle): one retry on a fresh connection, nothing ran.
        if (deadRetries++ === 0) {
          this.dropped(conn, result.message);
          continue;
        }
        throw notRun(conn, result.message);
      }
      // sshd frees a session slightly after the channel closes, so a burst can briefly exceed MaxSessions:
      // wait for the other channels and try again rather than failing a command that never started.
      if (isSession && othersBusy && busyRetries++ < 40) {
        await new Promise(res => setTimeout(res, Math.min(25 * busyRetries, 250)));
        continue;
      }
      if (!isSession)
        throw new RemoteExecError(
          'connect-failed',
          host.name,
          `${conn.describe()} refused the channel (${openFailureReason(result)}): ${result.message}.`,
        );
      throw new RemoteExecError(
        'connect-failed',
        host.name,
        `${conn.describe()} refused a new session channel: ${result.message}. The command did not run. If many commands run at once, the server's MaxSessions may be lower than maxChannelsPerConnection.`,
      );
    }
  }

  // ---------------------------------------------------------------- exec

  async exec(host: HostTarget, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const t0 = Date.now();
    const { run } = await this.channel(
      host,
      options.signal,
      (c, cb) => c.exec(command, cb),
      (conn, ch) => ({ run: this.runExec(conn, ch, host, options, t0) }),
    );
    return run;
  }

  private runExec(
    conn: Connection,
    ch: ClientChannel,
    host: HostTarget,
    options: ExecOptions,
    t0: number,
  ): Promise<ExecResult> {
    return new Promise<ExecResult>((resolve, reject) => {
      const out = new StringDecoder('utf8');
      const err = new StringDecoder('utf8');
      let stdout = '';
      let stderr = '';
      let exitCode: number | null = null;
      let exitSignal: string | null = null;
      let gotExit = false;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const partial = (): Partial<ExecResult> => ({
        exitCode,
        signal: exitSignal,
        stdout,
        stderr,
        durationMs: Date.now() - t0,
      });
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        conn.inflight.delete(onLost);
        this.release(conn);
        return true;
      };
      const fail = (kind: 'timeout' | 'cancelled' | 'connection-lost', message: string): void => {
        if (settle()) reject(new RemoteExecError(kind, host.name, message, partial()));
      };
      const stop = (): void => {
        // SIGTERM to the remote process group now, SIGKILL if it is still there after a grace period, then close.
        sendSignal(ch, 'TERM');
        const grace = setTimeout(() => {
          sendSignal(ch, 'KILL');
          ch.close();
        }, KILL_GRACE_MS);
        grace.unref();
        ch.once('close', () => clearTimeout(grace));
      };
      const onLost: FailFn = reason =>
        fail(
          'connection-lost',
          `Connection to ${conn.describe()} was lost while running the command (${reason}). Its outcome is unknown: check on the host before running it again.`,
        );
      const onAbort = (): void => {
        stop();
        fail(
          'cancelled',
          `Cancelled on ${host.name}; the command was sent SIGTERM (SIGKILL after 2 s). Its outcome is unknown: check on the host.`,
        );
      };
      conn.inflight.add(onLost);
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          stop();
          fail(
            'timeout',
            `Timed out after ${options.timeoutMs} ms on ${host.name}; the command was sent SIGTERM (SIGKILL after 2 s). Its outcome is unknown: check on the host.`,
          );
        }, options.timeoutMs);
      }
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      ch.on('data', (d: Buffer) => {
        const s = out.write(d);
        stdout += s;
        if (s && !settled) options.onStdout?.(s);
      });
      ch.stderr.on('data', (d: Buffer) => {
        const s = err.write(d);
        stderr += s;
        if (s && !settled) options.onStderr?.(s);
      });
      ch.on('exit', (code: number | null, signal?: string) => {
        gotExit = true;
        exitCode = typeof code === 'number' ? code : null;
        exitSignal = signal ?? null;
      });
      ch.on('close', () => {
        stdout += out.end();
        stderr += err.end();
        if (!gotExit) {
          // sshd always reports an exit status or signal before closing an exec channel; without one the session died.
          queueMicrotask(() =>
            onLost(conn.closed ? 'the connection closed' : 'the channel closed without an exit status'),
          );
          return;
        }
        if (settle()) resolve({ exitCode, signal: exitSignal, stdout, stderr, durationMs: Date.now() - t0 });
      });
      if (options.stdin !== undefined) ch.end(options.stdin);
      else ch.end();
    });
  }

  // ---------------------------------------------------------------- Unix socket forwarding

  /**
   * Opens a stream to `socketPath` on the host over the pooled connection (one channel slot while it is open).
   * A server that forbids it (AllowStreamLocalForwarding no) refuses the channel: the caller falls back to exec.
   * Not a session channel (MaxSessions does not count it), so a refusal is final, not retried.
   */
  async openStreamLocal(
    host: HostTarget,
    socketPath: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<LocalStream> {
    const user = this.resolve(host).user;
    return this.channel(
      host,
      options.signal,
      (c, cb) => c.openssh_forwardOutStreamLocal(socketPath, cb),
      (conn, ch) => {
        // The reader sees the stream close: a session on a lost connection ends, its next use reconnects.
        const lost: FailFn = () => ch.destroy();
        conn.inflight.add(lost);
        ch.once('close', () => {
          conn.inflight.delete(lost);
          this.release(conn);
        });
        return { stream: ch, user };
      },
      false,
    );
  }

  // ---------------------------------------------------------------- PTY

  async openShell(host: HostTarget, options: ShellOptions): Promise<ShellSession> {
    const pty = { term: options.term ?? 'xterm-256color', cols: options.cols, rows: options.rows, width: 0, height: 0 };
    return this.channel(
      host,
      undefined,
      (c, cb) => {
        if (options.command !== undefined) c.exec(options.command, { pty }, cb);
        else c.shell(pty, cb);
      },
      (conn, ch) => this.wireShell(conn, ch, host),
    );
  }

  private wireShell(conn: Connection, ch: ClientChannel, host: HostTarget): ShellSession {
    const decoder = new StringDecoder('utf8');
    let output = '';
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let gotExit = false;
    let done = false;
    const dataListeners = new Set<(d: string) => void>();
    const exitListeners = new Set<(c: number | null, s: string | null) => void>();
    let resolveExit!: (v: { exitCode: number | null; signal: string | null; output: string }) => void;
    let rejectExit!: (e: Error) => void;
    const exited = new Promise<{ exitCode: number | null; signal: string | null; output: string }>((res, rej) => {
      resolveExit = res;
      rejectExit = rej;
    });
    exited.catch(() => undefined); // callers that only use onExit must not see an unhandled rejection
    const emit = (s: string): void => {
      if (!s) return;
      output += s;
      for (const l of dataListeners) l(s);
    };
    const finish = (lost: string | undefined): void => {
      if (done) return;
      done = true;
      conn.inflight.delete(onLost);
      this.release(conn);
      emit(decoder.end());
      for (const l of exitListeners) l(exitCode, exitSignal);
      if (lost !== undefined)
        rejectExit(
          new RemoteExecError(
            'connection-lost',
            host.name,
            `Connection to ${conn.describe()} was lost during the terminal session (${lost}). What the command did is unknown: check on the host.`,
            { exitCode: null, signal: null, stdout: output, stderr: '' },
          ),
        );
      else resolveExit({ exitCode, signal: exitSignal, output });
    };
    const onLost: FailFn = reason => finish(reason);
    conn.inflight.add(onLost);
    ch.on('data', (d: Buffer) => emit(decoder.write(d)));
    ch.stderr.on('data', (d: Buffer) => emit(decoder.write(d)));
    ch.on('exit', (code: number | null, signal?: string) => {
      gotExit = true;
      exitCode = typeof code === 'number' ? code : null;
      exitSignal = signal ?? null;
    });
    let closedByUs = false;
    ch.on('close', () => {
      queueMicrotask(() =>
        finish(
          gotExit || closedByUs
            ? undefined
            : conn.closed
              ? 'the connection closed'
              : 'the channel closed without an exit status',
        ),
      );
    });
    return {
      write: data => {
        if (!done) ch.write(data);
      },
      resize: (cols, rows) => {
        if (!done) ch.setWindow(rows, cols, 0, 0);
      },
      onData: l => {
        dataListeners.add(l);
        return () => dataListeners.delete(l);
      },
      onExit: l => {
        exitListeners.add(l);
        return () => exitListeners.delete(l);
      },
      output: () => output,
      exited,
      close: () => {
        if (done) return;
        closedByUs = true;
        ch.close();
      },
    };
  }

  /** Closes every connection (targets before the jump hosts they run through). */
  async dispose(): Promise<void> {
    this.disposed = true;
    // A handshake in progress is not waited for: its connection would only be closed once made.
    for (const c of this.starting) c.client.destroy();
    const all = [...this.conns.values()].sort((a, b) => depthOf(b) - depthOf(a));
    await Promise.all(
      all.map(
        c =>
          new Promise<void>(resolve => {
            this.clearIdle(c);
            if (c.closed) return resolve();
            c.client.once('close', () => resolve());
            setTimeout(resolve, 2000).unref();
            c.client.end();
          }),
      ),
    );
    for (const c of all) this.dropped(c, 'the pool was disposed');
    this.conns.clear();
  }
}

const KILL_GRACE_MS = 2000;

/**
 * Sends a "signal" channel request (sshd then signals the command's process group). ssh2's ClientChannel.signal()
 * sends nothing once stdin was ended, and exec always ends stdin, so the request goes through the protocol directly.
 */
function sendSignal(ch: ClientChannel, name: 'TERM' | 'KILL'): void {
  const internal = ch as unknown as {
    outgoing?: { id: number; state: string };
    _client?: { _protocol?: { signal(id: number, sig: string): void } };
  };
  try {
    if ((internal.outgoing?.state === 'open' || internal.outgoing?.state === 'eof') && internal._client?._protocol)
      internal._client._protocol.signal(internal.outgoing.id, name);
    else ch.signal(name);
  } catch {
    /* the channel is already closing */
  }
}

function depthOf(c: Connection): number {
  let d = 0;
  for (let v = c.via; v; v = v.via) d++;
  return d;
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

/**
 * The promise's outcome, or the abort's error as soon as the signal fires. The work goes on (a connection being made
 * is pooled for the next command, or fails quietly).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, aborted: () => Error): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

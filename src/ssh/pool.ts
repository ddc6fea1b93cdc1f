// The pooled ssh2 executor: one connection per resolved user@host:port (and jump chain), reused by every command,
// many commands at once as channels on it (capped), keepalive, reconnect on the next use after a drop, idle close.
// Host keys are verified against known_hosts before anything is sent (host-key.ts); authentication follows
// OpenSSH's order (auth.ts); the handshake's limit and jump tunnels are in handshake.ts; what runs on a channel is
// in exec-channel.ts and shell-channel.ts.
import type { Readable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { Authenticator } from './auth';
import { HostResolver } from './host-resolver';
import { PoolCounters } from './pool-counters';
import type { ResolvedSshHost } from './config';
import {
  asReachedThrough,
  cancelledBeforeStart,
  cancelledWhileConnecting,
  notRunError,
  openChannelOn,
  refusedChannel,
} from './channel-open';
import type { OpenFn } from './channel-open';
import { Connection, NotStarted, untilAborted } from './connection';
import type { FailFn } from './connection';
import { runExec } from './exec-channel';
import { handshake } from './connect';
import type { HandshakeDeps } from './connect';
import { forwardThroughJump } from './handshake';
import { HostKeyChecker } from './host-key';
import { hostFieldMatches, knownHostsName, readKnownHostsFiles } from './knownhosts';
import type { KnownHostEntry } from './knownhosts';
import { wireShell } from './shell-channel';
import { RemoteExecError } from './types';
import type {
  ExecOptions,
  ExecResult,
  HostTarget,
  LocalStream,
  PoolStats,
  RemoteExecutor,
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

export class SshPool implements RemoteExecutor {
  private readonly conns = new Map<string, Connection>();
  private readonly opening = new Map<string, Promise<Connection>>();
  /** Connections in their handshake, so dispose() can end them too. */
  private readonly starting = new Set<Connection>();
  private readonly counters = new PoolCounters();
  private disposed = false;
  private readonly resolver: HostResolver;
  private readonly auth: Authenticator;
  private readonly hostKeys: HostKeyChecker;

  private readonly handshakeDeps: HandshakeDeps;

  constructor(private readonly options: SshPoolOptions = {}) {
    this.resolver = new HostResolver(options, line => this.log(line));
    this.auth = new Authenticator(options);
    this.hostKeys = new HostKeyChecker(options, line => this.log(line));
    this.handshakeDeps = {
      auth: this.auth,
      hostKeys: this.hostKeys,
      readyTimeoutMs: options.readyTimeoutMs ?? 20000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
      log: line => this.log(line),
      dropped: (conn, reason) => this.dropped(conn, reason),
    };
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** What a host resolves to (inventory > ~/.ssh/config > defaults); useful to show before connecting. */
  resolve(host: HostTarget): ResolvedSshHost {
    return this.resolver.resolve(host);
  }

  stats(): PoolStats {
    return this.counters.stats([...this.conns.values()].filter(c => !c.closed).map(c => c.key));
  }

  private bump(kind: 'opened' | 'execs', key: string, host: string): void {
    this.counters.bump(kind, key, host);
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
      const jr = this.resolver.resolveJump(spec);
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
    const names = [r.hostKeyAlias ?? knownHostsName(r.hostName, r.port)];
    const known = await this.knownEntries(r, label, names);
    let sock: Readable | undefined;
    if (via) {
      sock = await forwardThroughJump(via, r, label, () => this.scheduleIdle(via));
      via.dependents++;
      via.clearIdle();
    }
    this.bump('opened', key, label);
    this.starting.add(conn);
    try {
      await handshake(conn, this.handshakeDeps, names, known, sock);
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

  /** The known_hosts entries for the host's names; unreadable files refuse the connection. */
  private async knownEntries(r: ResolvedSshHost, label: string, names: string[]): Promise<KnownHostEntry[]> {
    const knownFiles = [...r.userKnownHostsFiles, ...r.globalKnownHostsFiles];
    try {
      return (await readKnownHostsFiles(knownFiles)).filter(e => hostFieldMatches(e.hosts, names));
    } catch (err) {
      throw new RemoteExecError(
        'host-key-unknown',
        label,
        `Cannot read the known_hosts files (${knownFiles.join(', ')}) to verify ${label}: ${(err as Error).message}. Not connecting.`,
      );
    }
  }

  /** Forgets decrypted keys (e.g. after "Forget Saved Credentials"); the next connection asks again. */
  forgetPassphrases(): void {
    this.auth.forget();
  }

  private dropped(conn: Connection, reason: string): void {
    const wasOpen = !conn.closed;
    conn.closed = true;
    conn.clearIdle();
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

  private scheduleIdle(conn: Connection): void {
    conn.scheduleIdle(this.options.idleTimeoutMs ?? 300_000, line => this.log(line));
  }

  private release(conn: Connection): void {
    conn.release(this.options.idleTimeoutMs ?? 300_000, line => this.log(line));
  }

  /**
   * Connection + channel slot + open channel, retrying when the pooled connection was dead or sshd was briefly
   * out of sessions. `attach` runs synchronously in ssh2's callback: the exit status of a fast command can arrive
   * in the same packet batch as the channel confirmation, before any awaiting code would run.
   */
  private async channel<T>(
    host: HostTarget,
    signal: AbortSignal | undefined,
    open: OpenFn,
    attach: (conn: Connection, ch: ClientChannel) => T,
    isSession = true,
  ): Promise<T> {
    const r = this.resolve(host);
    let deadRetries = 0;
    let busyRetries = 0;
    for (;;) {
      if (signal?.aborted) throw cancelledBeforeStart(host.name);
      const conn = await untilAborted(this.connectionFor(r, host.name), signal, () =>
        cancelledWhileConnecting(host.name),
      ).catch((err: unknown) => {
        throw asReachedThrough(err, host.name);
      });
      try {
        await conn.acquire(this.options.maxChannelsPerConnection ?? 8, signal, host.name);
      } catch (err) {
        if (err instanceof NotStarted && deadRetries++ === 0) continue;
        if (err instanceof NotStarted) throw notRunError(conn, host.name, err.message);
        throw err;
      }
      const result = await openChannelOn(conn, open, attach, () => this.bump('execs', conn.key, host.name));
      if (!(result instanceof Error)) return result.value;
      const othersBusy = conn.active > 1;
      this.release(conn);
      if (result instanceof NotStarted) {
        // The pooled connection was dead (dropped while idle): one retry on a fresh connection, nothing ran.
        if (deadRetries++ === 0) {
          this.dropped(conn, result.message);
          continue;
        }
        throw notRunError(conn, host.name, result.message);
      }
      // sshd frees a session slightly after the channel closes, so a burst can briefly exceed MaxSessions:
      // wait for the other channels and try again rather than failing a command that never started.
      if (isSession && othersBusy && busyRetries++ < 40) {
        await new Promise(res => setTimeout(res, Math.min(25 * busyRetries, 250)));
        continue;
      }
      throw refusedChannel(conn, host.name, result, isSession);
    }
  }

  // ---------------------------------------------------------------- exec

  async exec(host: HostTarget, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const t0 = Date.now();
    const { run } = await this.channel(
      host,
      options.signal,
      (c, cb) => c.exec(command, cb),
      (conn, ch) => ({ run: runExec(conn, ch, host, options, t0, () => this.release(conn)) }),
    );
    return run;
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
      (conn, ch) => wireShell(conn, ch, host, () => this.release(conn)),
    );
  }
  /** Closes every connection (targets before the jump hosts they run through). */
  async dispose(): Promise<void> {
    this.disposed = true;
    // A handshake in progress is not waited for: its connection would only be closed once made.
    for (const c of this.starting) c.client.destroy();
    const all = [...this.conns.values()].sort((a, b) => b.depth() - a.depth());
    await Promise.all(
      all.map(
        c =>
          new Promise<void>(resolve => {
            c.clearIdle();
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

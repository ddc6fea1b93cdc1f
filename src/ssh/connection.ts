// One pooled SSH connection and its channel slots: how many channels are open on it, who waits for one, which
// commands are in flight (failed as connection-lost if it drops), and the idle timer that closes it when unused.
import { Client } from 'ssh2';
import type { ResolvedSshHost } from './config';
import { RemoteExecError } from './types';

// The command never reached the server (the pooled connection was found dead): safe to retry on a new one.
export class NotStarted extends Error {}

export type FailFn = (reason: string) => void;

/** Runs a question to the user with the handshake timer stopped. */
export type PromptGuard = <T>(ask: () => Promise<T>) => Promise<T>;

export class Connection {
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

  /** Hops between this connection and the local machine (targets are closed before their jump hosts). */
  depth(): number {
    let d = 0;
    for (let v = this.via; v; v = v.via) d++;
    return d;
  }

  clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  scheduleIdle(idleTimeoutMs: number, log: (line: string) => void): void {
    this.clearIdle();
    if (this.closed || this.active > 0 || this.dependents > 0 || this.waiters.length) return;
    this.idleTimer = setTimeout(() => {
      if (this.active === 0 && this.dependents === 0) {
        log(`closing idle connection to ${this.describe()}`);
        this.client.end();
      }
    }, idleTimeoutMs);
    this.idleTimer.unref();
  }

  /** Takes a channel slot, waiting for one when `max` channels are open. */
  async acquire(max: number, signal: AbortSignal | undefined, label: string): Promise<void> {
    if (this.closed) throw new NotStarted('connection closed');
    this.clearIdle();
    if (this.active < max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(
          new RemoteExecError(
            'cancelled',
            label,
            `Cancelled while waiting for a free channel on ${this.describe()}; the command was not started.`,
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
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Gives a channel slot back: to the next waiter, or free (and the idle timer starts when none is open). */
  release(idleTimeoutMs: number, log: (line: string) => void): void {
    const next = this.waiters.shift();
    if (next)
      next.grant(); // the slot passes on; active stays the same
    else {
      this.active = Math.max(0, this.active - 1);
      this.scheduleIdle(idleTimeoutMs, log);
    }
  }
}

/**
 * The promise's outcome, or the abort's error as soon as the signal fires. The work goes on (a connection being made
 * is pooled for the next command, or fails quietly).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, aborted: () => Error): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

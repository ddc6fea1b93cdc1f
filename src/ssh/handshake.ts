// The parts of opening a connection around ssh2's handshake: the tunnel through a jump host, the handshake time
// limit (stopped while a person is asked something), and the message that says why a connection was not made.
import type { Readable } from 'node:stream';
import type { ResolvedSshHost } from './config';
import type { Connection, PromptGuard } from './connection';
import { RemoteExecError } from './types';

/** A TCP stream to the target opened through the jump host's connection. */
export function forwardThroughJump(
  via: Connection,
  r: ResolvedSshHost,
  label: string,
  onRefused: () => void,
): Promise<Readable> {
  const where = `${r.hostName}:${r.port}`;
  return new Promise<Readable>((resolve, reject) => {
    try {
      via.client.forwardOut('127.0.0.1', 0, r.hostName, r.port, (err, stream) => {
        if (err) {
          onRefused();
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
}

/**
 * The handshake limit, kept here rather than by ssh2's readyTimeout so it stops while a person is being asked
 * something (host key, passphrase, password): only the network's time counts.
 */
export class HandshakeTimer {
  private timer: NodeJS.Timeout | undefined;
  private settled = false;
  timedOut = false;
  prompted = false;

  constructor(
    readonly limitMs: number,
    private readonly onExpired: () => void,
  ) {}

  arm(): void {
    clearTimeout(this.timer);
    if (this.settled) return;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.onExpired();
    }, this.limitMs);
  }

  /** The handshake is over (ready, failed or closed): the limit no longer applies. */
  settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
  }

  /** Runs a question to the user with the timer stopped. */
  readonly guard: PromptGuard = async <T>(ask: () => Promise<T>): Promise<T> => {
    clearTimeout(this.timer);
    this.prompted = true;
    try {
      return await ask();
    } finally {
      this.arm();
    }
  };

  error(conn: Connection): RemoteExecError {
    const s = (this.limitMs / 1000).toFixed(this.limitMs % 1000 ? 1 : 0);
    return new RemoteExecError(
      'connect-failed',
      conn.label,
      `No SSH handshake with ${conn.describe()} within ${s} s (ConnectTimeout or readyTimeoutMs). The host may be down, or a firewall drops the connection.`,
    );
  }
}

/** Why the handshake failed, in words that say what to check. */
export function connectError(
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

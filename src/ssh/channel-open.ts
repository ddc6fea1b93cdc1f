// Opening one channel on a pooled connection, and the errors that say a command did not start: the pool retries a
// dead connection once, waits out a busy server, and otherwise reports what refused the channel.
import type { Client, ClientChannel } from 'ssh2';
import { NotStarted } from './connection';
import type { Connection, FailFn } from './connection';
import { RemoteExecError } from './types';
import type { ExecResult } from './types';

export type OpenFn = (c: Client, cb: (err: Error | undefined, ch: ClientChannel) => void) => void;

/** The partial result of a command that never started. */
const nothingRan = (): Partial<ExecResult> => ({ exitCode: null, signal: null, stdout: '', stderr: '' });

/**
 * One attempt at a channel. `attach` runs synchronously in ssh2's callback: the exit status of a fast command can
 * arrive in the same packet batch as the channel confirmation, before any awaiting code would run.
 */
export function openChannelOn<T>(
  conn: Connection,
  open: OpenFn,
  attach: (conn: Connection, ch: ClientChannel) => T,
  onOpened: () => void,
): Promise<{ value: T } | NotStarted | Error> {
  return new Promise(resolve => {
    if (conn.closed) return resolve(new NotStarted('connection closed'));
    const lost: FailFn = reason => resolve(new NotStarted(reason));
    conn.inflight.add(lost);
    try {
      open(conn.client, (err, ch) => {
        conn.inflight.delete(lost);
        if (err) return resolve(conn.closed ? new NotStarted(err.message) : err);
        onOpened();
        resolve({ value: attach(conn, ch) });
      });
    } catch (err) {
      conn.inflight.delete(lost);
      resolve(new NotStarted((err as Error).message));
    }
  });
}

export function notRunError(conn: Connection, host: string, why: string): RemoteExecError {
  return new RemoteExecError(
    'connection-lost',
    host,
    `Connection to ${conn.describe()} was lost before the command started (${why}); it did not run.`,
    nothingRan(),
  );
}

export function cancelledBeforeStart(host: string): RemoteExecError {
  return new RemoteExecError(
    'cancelled',
    host,
    `Cancelled before the command started on ${host}; it did not run.`,
    nothingRan(),
  );
}

export function cancelledWhileConnecting(host: string): RemoteExecError {
  return new RemoteExecError(
    'cancelled',
    host,
    `Cancelled while connecting to ${host}; the command did not run.`,
    nothingRan(),
  );
}

/** A jump host's failure is this host's failure for the caller; the message keeps naming the jump host. */
export function asReachedThrough(err: unknown, host: string): unknown {
  if (err instanceof RemoteExecError && err.host !== host)
    return new RemoteExecError(err.kind, host, `${host} is reached through ${err.host}: ${err.message}`, err.partial);
  return err;
}

export function refusedChannel(conn: Connection, host: string, err: Error, isSession: boolean): RemoteExecError {
  if (!isSession)
    return new RemoteExecError(
      'connect-failed',
      host,
      `${conn.describe()} refused the channel (${openFailureReason(err)}): ${err.message}.`,
    );
  return new RemoteExecError(
    'connect-failed',
    host,
    `${conn.describe()} refused a new session channel: ${err.message}. The command did not run. If many commands run at once, the server's MaxSessions may be lower than maxChannelsPerConnection.`,
  );
}

/** RFC 4254's channel open failure reason codes, as words. */
function openFailureReason(e: Error): string {
  const code = (e as Error & { reason?: unknown }).reason;
  const words: Record<string, string> = {
    1: 'administratively prohibited',
    2: 'connect failed',
    3: 'unknown channel type',
    4: 'resource shortage',
  };
  return words[String(code)] ?? 'no reason given';
}

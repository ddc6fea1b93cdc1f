// An exec channel's life: output decoded as it streams, the exit status, a timeout or cancel that stops the remote
// command (SIGTERM, then SIGKILL), and a lost connection reported as an unknown outcome, never as a failure.
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import { stopRemoteCommand } from './channel-signal';
import type { Connection, FailFn } from './connection';
import { RemoteExecError } from './types';
import type { ExecOptions, ExecResult, HostTarget } from './types';

/** Runs one command on an open exec channel; `release` gives the channel slot back once it is settled. */
export function runExec(
  conn: Connection,
  ch: ClientChannel,
  host: HostTarget,
  options: ExecOptions,
  t0: number,
  release: () => void,
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
      release();
      return true;
    };
    const fail = (kind: 'timeout' | 'cancelled' | 'connection-lost', message: string): void => {
      if (settle()) reject(new RemoteExecError(kind, host.name, message, partial()));
    };
    const stop = (): void => stopRemoteCommand(ch);
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

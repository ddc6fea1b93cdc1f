// A PTY channel as a terminal session: output to listeners and kept for the caller, input and resizes passed on,
// and its end told apart: an exit status, closed by the caller, or a lost connection (an unknown outcome).
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import type { Connection, FailFn } from './connection';
import { RemoteExecError } from './types';
import type { HostTarget, ShellSession } from './types';

export function wireShell(conn: Connection, ch: ClientChannel, host: HostTarget, release: () => void): ShellSession {
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
    release();
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

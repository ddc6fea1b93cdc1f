// The contract between the ssh layer and the engine: run a command on a host, stream its output, get its status.
// The engine depends on this interface only, so it can be driven by the pooled ssh2 client.

/** Everything needed to reach one host; resolved from the inventory and ~/.ssh/config. */
export interface HostTarget {
  /** Inventory name of the host (also the key of its pooled connection). */
  name: string;
  /** ssh target: a host name or a ~/.ssh/config alias. */
  sshTarget: string;
  user?: string | undefined;
  port?: number | undefined;
  identityFile?: string | undefined;
}

export interface ExecOptions {
  /** Kills the remote command and rejects with a timeout error after this many milliseconds. */
  timeoutMs?: number;
  /** Cancels the remote command (the channel is closed and the process signalled). */
  signal?: AbortSignal;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Text written to the command's stdin, then stdin is closed. */
  stdin?: string;
}

export interface ExecResult {
  /** Exit status, or null when the command ended by a signal or the connection dropped before the status came. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Why a remote command has no known outcome. A step that fails this way is "unknown", never success or failure. */
export type ExecFailureKind = 'connect-failed' | 'auth-failed' | 'host-key-unknown' | 'host-key-changed' | 'connection-lost' | 'timeout' | 'cancelled';

export class RemoteExecError extends Error {
  constructor(readonly kind: ExecFailureKind, readonly host: string, message: string, readonly partial?: Partial<ExecResult>) {
    super(message);
    this.name = 'RemoteExecError';
  }
}

export interface RemoteExecutor {
  exec(host: HostTarget, command: string, options?: ExecOptions): Promise<ExecResult>;
}

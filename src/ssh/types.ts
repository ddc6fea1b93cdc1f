// The contract between the ssh layer and the engine: run a command on a host, stream its output, get its status.
// The engine depends on this interface only, so it can be driven by the pooled ssh2 client.
import type { Duplex } from 'node:stream';

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
export type ExecFailureKind =
  | 'connect-failed'
  | 'auth-failed'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'connection-lost'
  | 'timeout'
  | 'cancelled';

export class RemoteExecError extends Error {
  constructor(
    readonly kind: ExecFailureKind,
    readonly host: string,
    message: string,
    readonly partial?: Partial<ExecResult>,
  ) {
    super(message);
    this.name = 'RemoteExecError';
  }
}

export interface RemoteExecutor {
  exec(host: HostTarget, command: string, options?: ExecOptions): Promise<ExecResult>;
  /** A PTY channel running `options.command` (or the login shell), for terminals and steps run in one. */
  openShell(host: HostTarget, options: ShellOptions): Promise<ShellSession>;
  /**
   * A byte stream to a Unix socket on the host (OpenSSH `direct-streamlocal`), over the same connection, as the
   * login user. Optional: an executor without it (or a server with AllowStreamLocalForwarding no) is only exec'd.
   */
  openStreamLocal?(host: HostTarget, socketPath: string, options?: { signal?: AbortSignal }): Promise<LocalStream>;
}

/** A forwarded Unix-socket stream and who it was opened as (peer authentication sees that user). */
export interface LocalStream {
  stream: Duplex;
  /** The ssh login user on the host. */
  user: string;
}

// ---- Interactive decisions and secrets, supplied by the extension (SecretStorage, modal prompts) or the CLI. ----

/** What the user is shown when a host presents a key that no known_hosts file lists. */
export interface UnknownHostKeyInfo {
  /** Inventory name of the host, or the jump host's ssh target. */
  host: string;
  /** The address connected to (HostName after ~/.ssh/config). */
  address: string;
  port: number;
  /** e.g. ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa. */
  keyType: string;
  /** Exactly as OpenSSH prints it: "SHA256:" + unpadded base64 of sha256(key blob). */
  fingerprintSha256: string;
  /** Keys of other types already known for this host (a note worth showing), as "type SHA256:...". */
  otherKnownKeys: string[];
}

export type HostKeyDecision = 'accept-once' | 'accept-and-save' | 'reject';

/**
 * Where a secret is about to be sent: the login, the address ssh resolved, the port and the host key the server
 * proved it holds. A saved secret belongs to this endpoint: when any part changes, it is asked again.
 */
export interface SecretEndpoint {
  user: string;
  address: string;
  port: number;
  /** "SHA256:…" of the verified host key. */
  hostKey: string;
}

export interface SshCallbacks {
  /** Asked once per encrypted key (the answer is kept for the pool's life); undefined skips the key. */
  askPassphrase?: (keyPath: string, host: string, endpoint: SecretEndpoint) => Promise<string | undefined>;
  /** Asked when keys and the agent did not get in; undefined skips password authentication. */
  askPassword?: (user: string, host: string, endpoint: SecretEndpoint) => Promise<string | undefined>;
  /** Without it an unknown host key is refused (as StrictHostKeyChecking=yes would). */
  onUnknownHostKey?: (info: UnknownHostKeyInfo) => Promise<HostKeyDecision>;
  /** Told when a new host key was written to a known_hosts file (accept-new, no, or the user's choice). */
  onHostKeySaved?: (saved: { host: string; keyType: string; fingerprintSha256: string; file: string }) => void;
}

export interface ShellOptions {
  /** Runs this command under a PTY; without it, the login shell. */
  command?: string;
  cols: number;
  rows: number;
  /** TERM value; default xterm-256color. */
  term?: string;
}

/** A PTY channel, e.g. behind a VS Code Pseudoterminal. Output is also captured for parsing. */
export interface ShellSession {
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Registers a listener for output (stdout and stderr are merged by the PTY); returns a function that removes it. */
  onData(listener: (data: string) => void): () => void;
  /** Registers a listener called once when the remote process ends or the channel closes. */
  onExit(listener: (exitCode: number | null, signal: string | null) => void): () => void;
  /** Everything received so far. */
  output(): string;
  /** Resolves when the channel closes; rejects with RemoteExecError('connection-lost') if the connection dropped. */
  readonly exited: Promise<{ exitCode: number | null; signal: string | null; output: string }>;
  close(): void;
}

/** Counters for tests and benchmarks. Keys are pool keys ("user@address:port", plus " via <jump key>"). */
export interface PoolStats {
  /** TCP (or forwarded) connections opened, per pool key. */
  connectionsOpened: Record<string, number>;
  /** Commands and shells run, per pool key. */
  execs: Record<string, number>;
  /** The same two counters per inventory host name (HostTarget.name). */
  byHost: Record<string, { connectionsOpened: number; execs: number }>;
  /** Pool keys with a live connection right now. */
  open: string[];
}

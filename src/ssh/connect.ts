// Drives one connection's SSH handshake: host key verification and authentication wired into ssh2's callbacks,
// the handshake limit armed, and conn.ready settled with a message that says what to check when it fails.
import type { Readable } from 'node:stream';
import type { AnyAuthMethod, AuthenticationType, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import type { Authenticator } from './auth';
import type { Connection } from './connection';
import { connectError, HandshakeTimer } from './handshake';
import { orderHostKeyAlgorithms } from './host-key';
import type { HostKeyChecker } from './host-key';
import { fingerprintSha256 } from './knownhosts';
import type { KnownHostEntry } from './knownhosts';
import { RemoteExecError } from './types';
import type { SecretEndpoint } from './types';

/** What the handshake needs from the pool. */
export interface HandshakeDeps {
  auth: Authenticator;
  hostKeys: HostKeyChecker;
  /** Connect + handshake + authentication limit when the ssh config sets no ConnectTimeout. */
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  log: (line: string) => void;
  /** Called when the connection drops after the handshake. */
  dropped: (conn: Connection, reason: string) => void;
}

/** What one handshake learns on the way, for the message if it fails. */
interface HandshakeNotes {
  hostKeyError?: RemoteExecError;
  attempts: string[];
}

/** Connects `conn` (through `sock` when tunnelled) and resolves once it is authenticated. */
export async function handshake(
  conn: Connection,
  deps: HandshakeDeps,
  names: string[],
  known: KnownHostEntry[],
  sock: Readable | undefined,
): Promise<void> {
  const notes: HandshakeNotes = { attempts: [] };
  const timer = new HandshakeTimer(conn.target.connectTimeoutMs ?? deps.readyTimeoutMs, () => conn.client.destroy());
  watchHandshake(conn, timer, notes, deps);
  const config = connectConfig(deps, conn, names, known, sock, timer, notes);
  timer.arm();
  conn.client.connect(config);
  // Small request/response packets: without this, Nagle's algorithm adds tens of ms to every command.
  conn.client.setNoDelay(true);
  await conn.ready;
}

/** conn.ready settles with the handshake; after it, errors and close count as a drop. */
function watchHandshake(conn: Connection, timer: HandshakeTimer, notes: HandshakeNotes, deps: HandshakeDeps): void {
  conn.ready = new Promise<void>((resolve, reject) => {
    let isReady = false;
    const c = conn.client;
    c.on('ready', () => {
      isReady = true;
      timer.settle();
      deps.log(`connected to ${conn.describe()}`);
      resolve();
    });
    c.on('error', (err: Error & { level?: string; code?: string }) => {
      if (isReady) {
        deps.dropped(conn, err.message);
        return;
      }
      conn.closed = true;
      timer.settle();
      reject(timer.timedOut ? timer.error(conn) : connectError(err, conn, notes.hostKeyError, notes.attempts));
    });
    c.on('close', () => {
      if (!isReady) {
        conn.closed = true;
        timer.settle();
        if (timer.timedOut) reject(timer.error(conn));
        else reject(notes.hostKeyError ?? closedDuringHandshake(conn, timer.prompted));
      }
      deps.dropped(conn, 'the server closed the connection');
    });
  });
  conn.ready.catch(() => undefined);
}

function closedDuringHandshake(conn: Connection, prompted: boolean): RemoteExecError {
  return new RemoteExecError(
    'connect-failed',
    conn.label,
    `Connection to ${conn.describe()} closed during the SSH handshake.${prompted ? " If answering a question took long, sshd's LoginGraceTime may have passed; try again." : ' Check that sshd is running there and that this client may connect.'}`,
  );
}

function connectConfig(
  deps: HandshakeDeps,
  conn: Connection,
  names: string[],
  known: KnownHostEntry[],
  sock: Readable | undefined,
  timer: HandshakeTimer,
  notes: HandshakeNotes,
): ConnectConfig {
  const r = conn.target;
  const label = conn.label;
  // Secrets go to the endpoint whose host key was verified (set by hostVerifier before any authentication).
  let hostKey = '';
  const endpoint = (): SecretEndpoint => ({ user: r.user, address: r.hostName, port: r.port, hostKey });
  const auth = deps.auth.sequence(r, label, notes.attempts, timer.guard, endpoint);
  // ssh2 takes `false` from an authHandler as "no more methods", which its type declarations do not include.
  const noMoreMethods = false as unknown as AnyAuthMethod;
  return {
    host: r.hostName,
    port: r.port,
    username: r.user,
    ...(sock ? { sock } : {}),
    readyTimeout: 0,
    keepaliveInterval: r.serverAliveIntervalMs ?? deps.keepaliveIntervalMs,
    keepaliveCountMax: r.serverAliveCountMax ?? deps.keepaliveCountMax,
    algorithms: { serverHostKey: orderHostKeyAlgorithms(known) as ServerHostKeyAlgorithm[] },
    hostVerifier: (blob: Buffer, verify: (ok: boolean) => void): void => {
      deps.hostKeys.verify(r, label, names, known, blob, timer.guard).then(
        () => {
          hostKey = fingerprintSha256(blob);
          verify(true);
        },
        (err: unknown) => {
          // A failing prompt or an unwritable known_hosts file refuses the key too, and says why.
          notes.hostKeyError =
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
          notes.attempts.push(`stopped: ${err.message}`);
          next(noMoreMethods);
        },
      );
    },
  };
}

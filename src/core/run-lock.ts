// The run lock: one operator at a time on a cluster. It lives on the coordinator hosts themselves (not on the
// operator's machine), so a second run is refused whether it comes from the CLI, the extension or another laptop.
// It is a directory made with `mkdir` (atomic on POSIX: exactly one of two racing runs creates it) holding an
// owner file: who, from which machine, which pid and procedure, since when. The owner file's mtime is the
// heartbeat, judged by the host's own clock so clock skew between machines does not matter.
// This module only builds the scripts and reads their output; src/engine/run-lock.ts runs them.
import { shellQuote, visibleText } from './shell';

/** Who holds the lock, as written in the owner file's first line. */
export interface LockOwner {
  /** Random per run: the lock is released or refreshed only by the run that holds it. */
  token: string;
  /** The operating-system user on the machine the run comes from. */
  user: string;
  /** That machine's host name. */
  machine: string;
  pid: number;
  procedure: string;
  cluster: string;
  /** ISO time the lock was taken. */
  since: string;
}

/** The holder as read back from a host (every field from the host is untrusted text). */
export interface LockHolder {
  owner: LockOwner | undefined;
  /** The login user that wrote the owner file on the host. */
  remoteUser: string | undefined;
  /** Seconds since the owner file (or the lock directory) was last touched, by the host's clock. */
  idleSeconds: number;
  /** The owner file's first line exactly as read, to take the lock over only if it is still the same. */
  ownerLine: string;
}

export type LockAttempt = { kind: 'acquired' } | { kind: 'held'; holder: LockHolder } | { kind: 'error'; text: string };

/** The holder refreshes the heartbeat this often… */
export const LOCK_HEARTBEAT_SECONDS = 30;
/** …so a lock untouched for this long has lost its holder (a crash, a killed laptop, a cut network). */
export const LOCK_STALE_SECONDS = 300;

const MARK = 'gpcoord-lock';

/** The lock directory on a host: in the login user's home, per coordinator port (two clusters never share it). */
export function lockDirectory(port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port ${port} is not a TCP port`);
  return `"$HOME"/.gpcoord/run-${port}.lock`;
}

function ownerWrite(dir: string, owner: LockOwner): string {
  // The first line is ours; the second is who the host says wrote it. Written aside then renamed: never half a file.
  return `{ printf '%s\\n' ${shellQuote(JSON.stringify(owner))}; id -un; } > ${dir}/owner.tmp && mv -f ${dir}/owner.tmp ${dir}/owner`;
}

const readHolder = (dir: string): string[] => [
  `echo "now $(date +%s)"`,
  `echo "mtime $(stat -c %Y ${dir}/owner 2>/dev/null || stat -c %Y ${dir} 2>/dev/null || date +%s)"`,
  `echo "${MARK} owner"`,
  `head -c 4096 ${dir}/owner 2>/dev/null`,
];

/** Takes the lock if no one holds it; otherwise prints who does. */
export function acquireLockScript(port: number, owner: LockOwner): string {
  const dir = lockDirectory(port);
  return [
    `mkdir -p "$HOME"/.gpcoord || exit 20`,
    `if mkdir ${dir} 2>/dev/null; then ${ownerWrite(dir, owner)} || exit 21; echo "${MARK} acquired"; exit 0; fi`,
    `echo "${MARK} held"`,
    ...readHolder(dir),
  ].join('\n');
}

/** Replaces the holder by `owner`, only if the owner file's first line is still `expectedLine` (nobody else took it). */
export function takeOverLockScript(port: number, owner: LockOwner, expectedLine: string): string {
  const dir = lockDirectory(port);
  return [
    `mkdir -p ${dir} || exit 20`,
    `if [ "$(head -n 1 ${dir}/owner 2>/dev/null)" = ${shellQuote(expectedLine)} ]; then ${ownerWrite(dir, owner)} || exit 21; echo "${MARK} acquired"; exit 0; fi`,
    `echo "${MARK} held"`,
    ...readHolder(dir),
  ].join('\n');
}

const ownsIt = (dir: string, token: string): string =>
  `head -n 1 ${dir}/owner 2>/dev/null | grep -qF ${shellQuote(`"token":"${token}"`)}`;

/** Removes the lock if this run still holds it (a lock taken over by someone else is left alone). */
export function releaseLockScript(port: number, token: string): string {
  const dir = lockDirectory(port);
  return `if ${ownsIt(dir, token)}; then rm -f ${dir}/owner ${dir}/owner.tmp && rmdir ${dir}; fi; echo "${MARK} released"`;
}

/** Refreshes the heartbeat if this run still holds the lock. */
export function heartbeatLockScript(port: number, token: string): string {
  const dir = lockDirectory(port);
  return `if ${ownsIt(dir, token)}; then touch ${dir}/owner; echo "${MARK} alive"; else echo "${MARK} lost"; fi`;
}

/** Prints the holder, or nothing held; changes nothing (dry runs and checks report the lock this way). */
export function inspectLockScript(port: number): string {
  const dir = lockDirectory(port);
  return `if [ -d ${dir} ]; then echo "${MARK} held"; ${readHolder(dir).join('; ')}; else echo "${MARK} free"; fi`;
}

function parseOwner(line: string): LockOwner | undefined {
  try {
    const v = JSON.parse(line) as Partial<LockOwner>;
    if (
      typeof v.token === 'string' &&
      typeof v.user === 'string' &&
      typeof v.machine === 'string' &&
      typeof v.pid === 'number' &&
      typeof v.procedure === 'string' &&
      typeof v.cluster === 'string' &&
      typeof v.since === 'string'
    )
      return v as LockOwner;
  } catch {
    // An owner file we cannot read is still a held lock: reported as held by an unknown holder.
  }
  return undefined;
}

/** Reads what a lock script printed. */
export function parseLockOutput(stdout: string): LockAttempt | { kind: 'free' } {
  const lines = stdout.split('\n');
  if (lines.includes(`${MARK} acquired`)) return { kind: 'acquired' };
  if (lines.includes(`${MARK} free`)) return { kind: 'free' };
  if (!lines.includes(`${MARK} held`)) return { kind: 'error', text: stdout.slice(0, 500) };
  const num = (name: string): number => {
    const l = lines.find(x => x.startsWith(`${name} `));
    const n = l ? Number(l.slice(name.length + 1)) : NaN;
    return Number.isFinite(n) ? n : 0;
  };
  const at = lines.indexOf(`${MARK} owner`);
  const ownerLine = at >= 0 ? (lines[at + 1] ?? '') : '';
  const remoteUser = at >= 0 ? lines[at + 2]?.trim() || undefined : undefined;
  return {
    kind: 'held',
    holder: {
      owner: parseOwner(ownerLine),
      remoteUser,
      idleSeconds: Math.max(0, num('now') - num('mtime')),
      ownerLine,
    },
  };
}

/**
 * Why the holder is gone, or undefined while it may still be running: on this machine its pid no longer runs, or
 * it has not refreshed the heartbeat for LOCK_STALE_SECONDS.
 */
export function staleReason(
  holder: LockHolder,
  localMachine: string,
  pidAlive: (pid: number) => boolean,
): string | undefined {
  const o = holder.owner;
  if (o && o.machine === localMachine && !pidAlive(o.pid))
    return `its process ${o.pid} no longer runs on ${clean(o.machine)}`;
  if (holder.idleSeconds > LOCK_STALE_SECONDS)
    return `it has not refreshed the lock for ${minutes(holder.idleSeconds)}`;
  return undefined;
}

const minutes = (s: number): string => (s < 120 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`);

/** Host text shown on a terminal: control characters and the like appear as \u{…}, never raw. */
const clean = (s: string): string => visibleText(s).slice(1, -1);

/** Who holds the lock, from where and since when, in one sentence. */
export function describeHolder(holder: LockHolder, host: string): string {
  const o = holder.owner;
  const as = holder.remoteUser ? ` (as ${clean(holder.remoteUser)} on ${host})` : '';
  if (!o)
    return `an unknown holder${as} whose owner file on ${host} cannot be read, last touched ${minutes(holder.idleSeconds)} ago`;
  return (
    `${clean(o.procedure)} on cluster ${clean(o.cluster)} by ${clean(o.user)}${as} from ${clean(o.machine)}, pid ${o.pid}, ` +
    `since ${clean(o.since)} (last heartbeat ${minutes(holder.idleSeconds)} ago)`
  );
}

// Takes the run lock (core/run-lock.ts) on every coordinator host of the cluster that can be reached, keeps its
// heartbeat while the run goes on, and releases it at the end. Hosts are locked in name order, so two runs racing
// for the same hosts cannot each hold one and wait for the other: the loser lets go of what it took and is refused.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ResolvedCluster, ResolvedHost } from '../core/inventory';
import {
  acquireLockScript,
  describeHolder,
  heartbeatLockScript,
  inspectLockScript,
  LOCK_HEARTBEAT_SECONDS,
  parseLockOutput,
  releaseLockScript,
  staleReason,
  takeOverLockScript,
} from '../core/run-lock';
import type { LockHolder, LockOwner } from '../core/run-lock';
import { RemoteExecError } from '../ssh/types';
import type { RemoteExecutor } from '../ssh/types';
import { hostTarget } from './observe';

const LOCK_COMMAND_TIMEOUT_MS = 15_000;

export interface RunLockRequest {
  cluster: ResolvedCluster;
  executor: RemoteExecutor;
  procedure: string;
  /** The operating-system user running the procedure. */
  user: string;
  /** Asked when the holder looks gone (its pid is dead here, or no heartbeat for long); true takes the lock over. */
  confirmTakeOver?: (question: string) => Promise<boolean>;
  /** Told about hosts that could not be locked (unreachable ones: the run's own observation will judge them). */
  onNote?: (text: string) => void;
  machine?: string;
  pid?: number;
  now?: () => Date;
}

export type LockResult = { ok: true; lock: HeldRunLock } | { ok: false; message: string };

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock once taken: refreshed every LOCK_HEARTBEAT_SECONDS until released. */
export class HeldRunLock {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly executor: RemoteExecutor,
    readonly owner: LockOwner,
    readonly hosts: readonly ResolvedHost[],
  ) {
    this.timer = setInterval(() => void this.beat(), LOCK_HEARTBEAT_SECONDS * 1000);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    await Promise.all(
      this.hosts.map(h =>
        this.executor
          .exec(hostTarget(h), heartbeatLockScript(h.port, this.owner.token), { timeoutMs: LOCK_COMMAND_TIMEOUT_MS })
          .catch(() => undefined),
      ),
    );
  }

  /** Removes the lock from every host where this run still holds it; an unreachable host keeps it until stale. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    for (const h of this.hosts)
      await this.executor
        .exec(hostTarget(h), releaseLockScript(h.port, this.owner.token), { timeoutMs: LOCK_COMMAND_TIMEOUT_MS })
        .catch(() => undefined);
  }
}

const orderedHosts = (cluster: ResolvedCluster): ResolvedHost[] =>
  [...cluster.hosts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** Takes the run lock on every reachable coordinator host, or says who holds it (and lets go of what it took). */
export async function acquireRunLock(r: RunLockRequest): Promise<LockResult> {
  const machine = r.machine ?? hostname();
  const owner: LockOwner = {
    token: randomBytes(12).toString('hex'),
    user: r.user,
    machine,
    pid: r.pid ?? process.pid,
    procedure: r.procedure,
    cluster: r.cluster.name,
    since: (r.now ? r.now() : new Date()).toISOString(),
  };
  const taken: ResolvedHost[] = [];
  const refuse = async (message: string): Promise<LockResult> => {
    await new HeldRunLock(r.executor, owner, taken).release();
    return { ok: false, message };
  };
  for (const h of orderedHosts(r.cluster)) {
    let out: string;
    try {
      const res = await r.executor.exec(hostTarget(h), acquireLockScript(h.port, owner), {
        timeoutMs: LOCK_COMMAND_TIMEOUT_MS,
      });
      out = res.stdout;
    } catch (e) {
      if (!(e instanceof RemoteExecError)) throw e;
      r.onNote?.(`The run lock could not be taken on ${h.name} (${e.kind}); the run judges that host by observation.`);
      continue;
    }
    const attempt = parseLockOutput(out);
    if (attempt.kind === 'acquired') taken.push(h);
    else if (attempt.kind === 'held' && attempt.holder.owner?.token === owner.token) taken.push(h);
    else if (attempt.kind === 'held') {
      const verdict = await heldElsewhere(r, h, owner, attempt.holder, machine);
      if (verdict !== 'taken') return refuse(verdict);
      taken.push(h);
    } else
      return refuse(
        `Not started: the run lock could not be written on ${h.name} (in the login user's ~/.gpcoord; is the home directory writable and not full?). Nothing was changed.`,
      );
  }
  return { ok: true, lock: new HeldRunLock(r.executor, owner, taken) };
}

/** A host whose lock another run holds: 'taken' after a confirmed take-over of a gone holder, else the refusal. */
async function heldElsewhere(
  r: RunLockRequest,
  h: ResolvedHost,
  owner: LockOwner,
  holder: LockHolder,
  machine: string,
): Promise<'taken' | string> {
  const who = describeHolder(holder, h.name);
  const gone = staleReason(holder, machine, pidAlive);
  const refusal = `Not started: another run holds the run lock on ${h.name}: ${who}. Nothing was changed.`;
  if (!gone) return `${refusal} Wait for that run to end (one operator at a time).`;
  const question = `The run lock on ${h.name} is held by ${who}, but its holder looks gone: ${gone}. Take the lock over? Only do so if no one is running a procedure on this cluster.`;
  if (!r.confirmTakeOver || !(await r.confirmTakeOver(question)))
    return `${refusal} Its holder looks gone (${gone}): if no one is running a procedure on this cluster, take the lock over (gpcoord run … --take-over-lock).`;
  const res = await r.executor.exec(hostTarget(h), takeOverLockScript(h.port, owner, holder.ownerLine), {
    timeoutMs: LOCK_COMMAND_TIMEOUT_MS,
  });
  const again = parseLockOutput(res.stdout);
  if (again.kind === 'acquired') {
    r.onNote?.(`Took over the run lock on ${h.name} from ${who}.`);
    return 'taken';
  }
  return `Not started: the run lock on ${h.name} changed hands while you were asked; run again to see who holds it now. Nothing was changed.`;
}

/** Who holds the lock on each host, changing nothing: for dry runs and checks, which take no lock. */
export async function inspectRunLock(cluster: ResolvedCluster, executor: RemoteExecutor): Promise<string[]> {
  const held: string[] = [];
  for (const h of orderedHosts(cluster)) {
    try {
      const res = await executor.exec(hostTarget(h), inspectLockScript(h.port), { timeoutMs: LOCK_COMMAND_TIMEOUT_MS });
      const v = parseLockOutput(res.stdout);
      if (v.kind === 'held') held.push(`${h.name}: the run lock is held by ${describeHolder(v.holder, h.name)}`);
    } catch (e) {
      if (!(e instanceof RemoteExecError)) throw e;
    }
  }
  return held;
}

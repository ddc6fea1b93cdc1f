// Checks a step's guards right before the step: state guards on a fresh observation, remote guards as one script
// per host run on that host. Used by the runner before each step and by the dry run for every step it previews.
import { judgeRemoteGuards } from '../core/procedures/commands';
import { judgeStateGuard } from '../core/procedures/guards';
import type { Guard, PlannedStep, RemoteGuardId } from '../core/procedures/types';
import type { ResolvedCluster } from '../core/inventory';
import type { ClusterState } from '../core/state';
import type { ExecResult, RemoteExecutor } from '../ssh/types';
import { checkFinalCheckpoint } from './final-checkpoint-guard';
import { commandFor, describeExecError, hostTarget, observe } from './observe';
import type { ObserveOptions } from './observe';
import { sleep } from './sleep';

export interface GuardVerdict {
  guard: Guard;
  ok: boolean;
  message: string;
}

export interface GuardContext {
  cluster: ResolvedCluster;
  executor: RemoteExecutor;
  signal?: AbortSignal;
  observe?: ObserveOptions;
}

export interface GuardCheckOptions {
  syncWaitMs?: number;
  pollMs?: number;
  onObserved?: (s: ClusterState) => void;
  onVerdict?: (v: GuardVerdict) => void;
  audit?: (host: string, started: Date, result: ExecResult | null, error?: string) => void;
}

/**
 * Checks every guard of a step now: state guards on a fresh observation, remote guards as one script per host
 * run on that host. Nothing is taken from an earlier observation. All verdicts are returned (state guards first).
 */
export async function evaluateGuards(
  ctx: GuardContext,
  step: PlannedStep,
  opts: GuardCheckOptions = {},
): Promise<{ state: ClusterState; verdicts: GuardVerdict[] }> {
  const verdicts: GuardVerdict[] = [];
  const add = (v: GuardVerdict): void => {
    verdicts.push(v);
    opts.onVerdict?.(v);
  };
  const state = await checkStateGuards(ctx, step, opts, add);
  for (const g of step.guards.filter(x => x.stoppedHost))
    add({ guard: g, ...(await checkFinalCheckpoint(ctx, g, opts.audit)) });
  await checkRemoteGuards(ctx, step, opts, add);
  return { state, verdicts };
}

async function lookNow(ctx: GuardContext, opts: GuardCheckOptions): Promise<ClusterState> {
  const s = await observe(ctx.cluster, ctx.executor, { ...ctx.observe, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  opts.onObserved?.(s);
  return s;
}

async function checkStateGuards(
  ctx: GuardContext,
  step: PlannedStep,
  opts: GuardCheckOptions,
  add: (v: GuardVerdict) => void,
): Promise<ClusterState> {
  let fresh = await lookNow(ctx, opts);
  for (const g of step.guards.filter(x => x.kind === 'state')) {
    let j = judgeStateGuard(g, step, fresh);
    // The LSNs of a healthy standby converge within moments; give them that time, then show the numbers.
    const until = Date.now() + (opts.syncWaitMs ?? 15_000);
    while (!j.ok && g.id === 'standby-synchronized' && Date.now() < until && !ctx.signal?.aborted) {
      await sleep(opts.pollMs ?? 1000, ctx.signal);
      fresh = await lookNow(ctx, opts);
      j = judgeStateGuard(g, step, fresh);
    }
    add({ guard: g, ok: j.ok, message: j.message });
  }
  return fresh;
}

async function checkRemoteGuards(
  ctx: GuardContext,
  step: PlannedStep,
  opts: GuardCheckOptions,
  add: (v: GuardVerdict) => void,
): Promise<void> {
  const remote = step.guards.filter(x => x.kind === 'remote' && !x.stoppedHost);
  for (const host of [...new Set(remote.map(g => g.host))]) {
    const gs = remote.filter(g => g.host === host);
    const h = ctx.cluster.hosts.find(x => x.name === host);
    const started = new Date();
    try {
      if (!h) throw new Error(`host ${host} is not in cluster ${ctx.cluster.name}`);
      const r = await ctx.executor.exec(
        hostTarget(h),
        commandFor(ctx.cluster, gs.map(g => g.script ?? '').join('\n')),
        { timeoutMs: 30_000, ...(ctx.signal ? { signal: ctx.signal } : {}) },
      );
      opts.audit?.(host, started, r);
      const judged = judgeRemoteGuards(
        gs.map(g => g.id as RemoteGuardId),
        r.stdout,
      );
      for (const g of gs) add({ guard: g, ...judged.get(g.id as RemoteGuardId)! });
    } catch (e) {
      const msg = `the check could not run on ${host}: ${describeExecError(e)}`;
      opts.audit?.(host, started, null, msg);
      for (const g of gs) add({ guard: g, ok: false, message: msg });
    }
  }
}

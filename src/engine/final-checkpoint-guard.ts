// Runs the one guard that needs two hosts: pg_controldata on the stopped coordinator's host, then the standby's own
// WAL read at that checkpoint's location on the standby's host (src/core/procedures/final-checkpoint.ts judges).
import { judgeFinalCheckpoint, parseControlData, walRecordScript } from '../core/procedures/final-checkpoint';
import type { Guard } from '../core/procedures/types';
import type { ExecResult } from '../ssh/types';
import { commandFor, describeExecError, hostTarget } from './observe';
import type { GuardContext } from './guard-check';

type Audit = (host: string, started: Date, result: ExecResult | null, error?: string) => void;

export async function checkFinalCheckpoint(
  ctx: GuardContext,
  guard: Guard,
  audit?: Audit,
): Promise<{ ok: boolean; message: string }> {
  const run = async (hostName: string, script: string): Promise<string> => {
    const h = ctx.cluster.hosts.find(x => x.name === hostName);
    if (!h) throw new Error(`host ${hostName} is not in cluster ${ctx.cluster.name}`);
    const started = new Date();
    try {
      const r = await ctx.executor.exec(hostTarget(h), commandFor(ctx.cluster, script), {
        timeoutMs: 30_000,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      audit?.(hostName, started, r);
      return r.stdout;
    } catch (e) {
      audit?.(hostName, started, null, describeExecError(e));
      throw new Error(`the check could not run on ${hostName}: ${describeExecError(e)}`, { cause: e });
    }
  };
  const stopped = guard.stoppedHost ?? '?';
  try {
    const control = parseControlData(await run(stopped, guard.script ?? ''));
    const standby = ctx.cluster.hosts.find(x => x.name === guard.host);
    const dump =
      control.clusterState === 'shut down' && control.checkpointLsn && control.timeline && standby
        ? await run(guard.host, walRecordScript(standby.dataDirectory, control.checkpointLsn, control.timeline))
        : null;
    return judgeFinalCheckpoint({ stopped, standby: guard.host }, control, dump);
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

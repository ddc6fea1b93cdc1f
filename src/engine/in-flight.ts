// Looks for the steps' programs on every host of the cluster at once (one snapshot), before a run plans anything.
import { openStep, PROCESS_LIST_SCRIPT, stepProcesses, inFlightRefusal } from '../core/in-flight';
import type { StepProcess } from '../core/in-flight';
import type { ResolvedCluster } from '../core/inventory';
import type { JournalEntry } from '../core/procedures/journal';
import { RemoteExecError } from '../ssh/types';
import type { RemoteExecutor } from '../ssh/types';
import { hostTarget } from './observe';

/** The step programs running on the cluster's hosts; a host that cannot be reached is left to the observation. */
export async function findStepProcesses(
  cluster: ResolvedCluster,
  executor: RemoteExecutor,
  signal?: AbortSignal,
): Promise<StepProcess[]> {
  const perHost = await Promise.all(
    cluster.hosts.map(async h => {
      try {
        const r = await executor.exec(hostTarget(h), PROCESS_LIST_SCRIPT, {
          timeoutMs: 15_000,
          ...(signal ? { signal } : {}),
        });
        return stepProcesses(h.name, r.stdout);
      } catch (e) {
        if (e instanceof RemoteExecError) return [];
        throw e;
      }
    }),
  );
  return perHost.flat();
}

/** Why the run must not start now (a step's program still runs somewhere), or undefined. */
export async function inFlightBlock(
  cluster: ResolvedCluster,
  executor: RemoteExecutor,
  journal: readonly JournalEntry[],
  signal?: AbortSignal,
): Promise<string | undefined> {
  const running = await findStepProcesses(cluster, executor, signal);
  return running.length ? inFlightRefusal(running, openStep(journal, cluster.name)) : undefined;
}

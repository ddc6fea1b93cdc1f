// Observing many clusters at once: every distinct host probed once (clusters that name the same host, data
// directory and port share its probe), at most `concurrency` hosts at a time, each cluster reported as soon as its
// own hosts are done. A slow or dead host holds only its own slot until its timeout: the other hosts go on through
// the remaining slots, and every other cluster is reported without waiting for it (no head-of-line blocking).
import type { ResolvedCluster, ResolvedHost } from '../core/inventory';
import type { ClusterState } from '../core/state';
import type { RemoteExecutor } from '../ssh/types';
import { deriveClusterState } from './derive';
import type { HostObservation } from './derive';
import { observeHost } from './observe';
import type { ObserveOptions } from './observe';

export interface FleetOptions extends ObserveOptions {
  /** Hosts observed at the same time across the fleet. Default 64. */
  concurrency?: number;
  /** Called with each cluster's state as soon as its hosts are observed, in the order they finish. */
  onCluster?: (cluster: ResolvedCluster, state: ClusterState) => void;
}

interface HostProbe {
  cluster: ResolvedCluster;
  host: ResolvedHost;
  result?: HostObservation;
  /** Indexes of the clusters waiting for this probe. */
  waiting: number[];
}

/** Two inventory entries with the same key get the same probe output: same login, host, directory, port, environment. */
function probeKey(cluster: ResolvedCluster, h: ResolvedHost): string {
  return [
    h.name,
    h.sshTarget,
    h.user ?? '',
    h.sshPort ?? '',
    h.identityFile ?? '',
    h.dataDirectory,
    h.port,
    cluster.config.environmentScript ?? '',
    cluster.config.gphome ?? '',
  ].join('\u0000');
}

/** Observes every cluster; resolves with their states by cluster name once all are done. */
export async function observeFleet(
  clusters: ResolvedCluster[],
  executor: RemoteExecutor,
  opts: FleetOptions = {},
): Promise<Map<string, ClusterState>> {
  const probes = new Map<string, HostProbe>();
  const perCluster = clusters.map((cluster, i) =>
    cluster.hosts.map(host => {
      const key = probeKey(cluster, host);
      let p = probes.get(key);
      if (!p) probes.set(key, (p = { cluster, host, waiting: [] }));
      p.waiting.push(i);
      return p;
    }),
  );
  const remaining = perCluster.map(ps => ps.length);
  const states = new Map<string, ClusterState>();
  const now = opts.now ?? (() => new Date());
  const finish = (i: number): void => {
    const cluster = clusters[i]!;
    const state = deriveClusterState(
      cluster,
      perCluster[i]!.map(p => p.result!),
      now(),
    );
    states.set(cluster.name, state);
    opts.onCluster?.(cluster, state);
  };
  clusters.forEach((c, i) => {
    if (!remaining[i]) finish(i);
  });
  const queue = [...probes.values()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const p = queue[next++]!;
      p.result = await observeHost(p.cluster, p.host, executor, opts);
      for (const i of p.waiting) if (--remaining[i]! === 0) finish(i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 64, queue.length)) }, worker));
  return states;
}

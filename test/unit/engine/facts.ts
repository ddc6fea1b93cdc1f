// Builders of host facts and observed states for the planner and derivation tests: the same shapes the probe
// produces on real hosts, written out for each situation of the procedures.
import { parseInventory, resolveCluster } from '../../../src/core/inventory';
import type { ResolvedCluster } from '../../../src/core/inventory';
import type { ClusterState } from '../../../src/core/state';
import { deriveClusterState } from '../../../src/engine/derive';
import type { HostObservation } from '../../../src/engine/derive';
import { emptyHostFacts } from '../../../src/engine/probe';
import type { HostFacts, ReplicationRow } from '../../../src/engine/probe';

export const DIR = '/data/coordinator/gpseg-1';

export function labCluster(extra = ''): ResolvedCluster {
  const r = parseInventory(`clusters:
  lab:
    dataDirectory: ${DIR}
    port: 5432
    hosts:
      - name: cdw
        role: coordinator
      - name: scdw
${extra}`);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return resolveCluster('lab', r.inventory.clusters.lab!);
}

export function facts(p: Partial<HostFacts>): HostFacts {
  return { ...emptyHostFacts(), dirExists: true, complete: true, ...p };
}

const row = (role: 'p' | 'm', host: string, dbid: number) => ({
  dbid,
  role,
  preferredRole: role,
  status: 'u',
  hostname: host,
  address: host,
  port: 5432,
  datadir: DIR,
});

export const streaming = (lsn = '0/3000060', over: Partial<ReplicationRow> = {}): ReplicationRow => ({
  state: 'streaming',
  syncState: 'sync',
  sentLsn: lsn,
  flushLsn: lsn,
  replayLsn: lsn,
  applicationName: 'gp_walreceiver',
  clientAddr: '127.0.0.1',
  ...over,
});

/** An active coordinator on `host`, with a standby row for `standby` (or none) and its WAL senders. */
export function activeFacts(host: string, standby: string | null, replication: ReplicationRow[] = []): HostFacts {
  return facts({
    hostname: host,
    pidFile: true,
    pid: 4242,
    running: true,
    inRecovery: false,
    timeline: 2,
    clusterStateText: 'in production',
    catalog: standby ? [row('p', host, 9), row('m', standby, 10)] : [row('p', host, 9)],
    replication,
    currentLsn: replication[0]?.sentLsn ?? '0/3000060',
    segments: { total: 4, down: 0, notInPreferredRole: 0 },
    lockFile: true,
    lockPid: 4242,
    lockAlive: true,
  });
}

export const standbyFacts = (host: string): HostFacts =>
  facts({
    hostname: host,
    pidFile: true,
    pid: 5151,
    running: true,
    standbySignal: true,
    inRecovery: true,
    clusterStateText: 'in archive recovery',
    lockFile: true,
    lockPid: 5151,
    lockAlive: true,
  });

export const staleFacts = (host: string, p: Partial<HostFacts> = {}): HostFacts =>
  facts({ hostname: host, pidFile: false, clusterStateText: 'in production', timeline: 1, ...p });

export const movedFacts = (host: string, backups = ['backup_gpseg-1']): HostFacts =>
  facts({ hostname: host, dirExists: false, backups });

const NOW = new Date('2026-11-26T21:00:00Z');

export function stateOf(cluster: ResolvedCluster, perHost: Record<string, HostFacts | string>): ClusterState {
  const obs: HostObservation[] = Object.entries(perHost).map(([host, f]) =>
    typeof f === 'string'
      ? { host, ok: false, error: f, observedAt: NOW.toISOString() }
      : { host, ok: true, facts: f, observedAt: NOW.toISOString() },
  );
  return deriveClusterState(cluster, obs, NOW);
}

export const SITUATIONS = {
  healthyOriginal: (c: ResolvedCluster) =>
    stateOf(c, { cdw: activeFacts('cdw', 'scdw', [streaming()]), scdw: standbyFacts('scdw') }),
  afterFailover: (c: ResolvedCluster) => stateOf(c, { cdw: staleFacts('cdw'), scdw: activeFacts('scdw', null) }),
  afterMove: (c: ResolvedCluster) => stateOf(c, { cdw: movedFacts('cdw'), scdw: activeFacts('scdw', null) }),
  restored: (c: ResolvedCluster) =>
    stateOf(c, { cdw: standbyFacts('cdw'), scdw: activeFacts('scdw', 'cdw', [streaming()]) }),
  swapStopped: (c: ResolvedCluster) =>
    stateOf(c, { cdw: standbyFacts('cdw'), scdw: staleFacts('scdw', { standbySignal: false }) }),
  swapActivated: (c: ResolvedCluster) => stateOf(c, { cdw: activeFacts('cdw', null), scdw: staleFacts('scdw') }),
  swapMoved: (c: ResolvedCluster) => stateOf(c, { cdw: activeFacts('cdw', null), scdw: movedFacts('scdw') }),
  splitBrain: (c: ResolvedCluster) => stateOf(c, { cdw: activeFacts('cdw', 'scdw'), scdw: activeFacts('scdw', null) }),
  bothDown: (c: ResolvedCluster) => stateOf(c, { cdw: staleFacts('cdw'), scdw: staleFacts('scdw') }),
};

export { NOW };

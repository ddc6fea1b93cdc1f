// The observed state of a coordinator pair: what the tree, the panel, the CLI and the planner all work from.
// Every fact carries when it was observed; nothing here is remembered, it is re-observed.
import { z } from 'zod';
import { releasePinSchema } from './inventory';

export const hostRoleSchema = z
  .enum(['active-coordinator', 'standby', 'utility-mode', 'stale', 'down', 'unknown'])
  .describe(
    'active-coordinator: a postmaster runs on the data directory and is not in recovery. ' +
      'utility-mode: a postmaster runs but refuses client sessions (started in master-only / coordinator-only utility mode): it serves no clients as a coordinator. ' +
      'standby: a postmaster runs on a standby data directory (standby.signal / recovery.conf). ' +
      'stale: a data directory without a running postmaster that is not a standby (a former coordinator). ' +
      'down: reachable, but no postmaster and nothing to act as (standby stopped, or no data directory). ' +
      'unknown: the host could not be observed.',
  );
export type HostRole = z.infer<typeof hostRoleSchema>;

/** Why a host could not be observed: the ssh layer's failure kinds, or the observation script's own failure. */
export const hostFailureSchema = z.enum([
  'connect-failed',
  'auth-failed',
  'host-key-unknown',
  'host-key-changed',
  'connection-lost',
  'timeout',
  'cancelled',
  'probe-failed',
]);
export type HostFailure = z.infer<typeof hostFailureSchema>;

export const hostStateSchema = z.object({
  /** Inventory name of the host. */
  name: z.string(),
  /** Whether the observation command ran on the host. */
  reachable: z.boolean(),
  /** Why the host could not be observed (ssh error, timeout, environment), when it could not. */
  error: z.string().optional(),
  /** What kind of failure `error` describes, for the fix to offer (a changed host key, failed authentication…). */
  failure: hostFailureSchema.optional(),
  /** The host's own name (`hostname`), as a cross-check of the ssh target. */
  reportedHostName: z.string().optional(),
  dataDirectory: z.string(),
  port: z.number().int(),
  dataDirectoryExists: z.boolean().nullable(),
  /** A postmaster whose PID is in `postmaster.pid` is alive (kill -0). */
  postmasterRunning: z.boolean().nullable(),
  postmasterPid: z.number().int().nullable(),
  /** `standby.signal` (GP7/Cloudberry) or `recovery.conf` (GP5/GP6) is in the data directory. */
  isStandbyDirectory: z.boolean().nullable(),
  /** `/tmp/.s.PGSQL.<port>.lock` exists on the host. */
  lockFilePresent: z.boolean().nullable(),
  /** The PID in that lock file, and whether it is alive. A lock file without a live PID is stale (kill -9). */
  lockFilePid: z.number().int().nullable().optional(),
  lockFileStale: z.boolean().nullable().optional(),
  /** `pg_is_in_recovery()` when the postmaster accepted a connection; null when not asked or refused. */
  inRecovery: z.boolean().nullable().optional(),
  /** pg_controldata "Database cluster state" (in production, in archive recovery, shut down…). */
  clusterStateText: z.string().optional(),
  /** pg_controldata "Latest checkpoint's TimeLineID": after a failover the promoted side has the higher one. */
  timeline: z.number().int().optional(),
  /** Names of `backup_*` entries next to the data directory. */
  backups: z.array(z.string()).default([]),
  role: hostRoleSchema,
  observedAt: z.string(),
});
export type HostState = z.infer<typeof hostStateSchema>;

export const standbyStatusSchema = z.enum(['passive', 'down', 'unknown', 'not-configured']);

export const replicationSchema = z.object({
  /** pg_stat_replication.state: startup, catchup, streaming, backup, stopping; null when no row. */
  walState: z.string().nullable(),
  /** pg_stat_replication.sync_state: sync, potential, async, quorum. */
  syncState: z.string().nullable(),
  sentLsn: z.string().nullable(),
  flushLsn: z.string().nullable(),
  replayLsn: z.string().nullable(),
  /** The coordinator's current WAL position. */
  currentLsn: z.string().nullable(),
  /** sent − replay in bytes, when both are known. */
  lagBytes: z.number().nullable(),
  /** sent − flush in bytes, when both are known. */
  flushLagBytes: z.number().nullable(),
});
export type Replication = z.infer<typeof replicationSchema>;

export const standbyStateSchema = replicationSchema.extend({
  /** The standby host's inventory name, or the catalog's host name when it is not in the inventory. */
  host: z.string().nullable(),
  status: standbyStatusSchema,
  /** The catalog's standby row: data directory and port. */
  dataDirectory: z.string().nullable(),
  port: z.number().int().nullable(),
  observedAt: z.string(),
});
export type StandbyState = z.infer<typeof standbyStateSchema>;

export const segmentsSummarySchema = z.object({
  total: z.number().int(),
  down: z.number().int(),
  /** Segments not in their preferred role (mirrors acting as primaries). */
  notInPreferredRole: z.number().int(),
});

export const situationSchema = z
  .enum(['healthy', 'standby-down', 'coordinator-down', 'after-failover', 'both-down', 'split-brain', 'unknown'])
  .describe(
    'healthy: one active coordinator and a passive standby streaming from it. ' +
      'standby-down: a standby is configured but not running or not streaming. ' +
      'coordinator-down: no active coordinator, a standby is running (activate it). ' +
      'after-failover: an active coordinator without a standby (restore mirroring). ' +
      'both-down: every host answered and none runs a postmaster. ' +
      'split-brain: more than one host claims to be the active coordinator; no procedure may run. ' +
      'unknown: not enough could be observed to tell.',
  );
export type Situation = z.infer<typeof situationSchema>;

export const problemSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  /** A stable code for UIs and tests (e.g. stale-lock-file, split-brain, host-unreachable). */
  code: z.string(),
  host: z.string().optional(),
  text: z.string(),
});
export type Problem = z.infer<typeof problemSchema>;

export const clusterStateSchema = z.object({
  cluster: z.string(),
  hosts: z.array(hostStateSchema),
  /** Inventory name of the one host running as active coordinator, or null. */
  activeCoordinator: z.string().nullable(),
  standby: standbyStateSchema,
  segments: segmentsSummarySchema.optional(),
  situation: situationSchema,
  problems: z.array(problemSchema),
  observedAt: z.string(),
  source: z.enum(['queries', 'gpstate']),
  /** The utilities' vocabulary as observed (recovery.conf → master, standby.signal → coordinator), when known. */
  vocabulary: z.enum(['master', 'coordinator']).optional(),
  /** The release: pinned in the inventory, else read from `postgres --gp-version` on the hosts; absent when unknown. */
  release: releasePinSchema.optional(),
});
export type ClusterState = z.infer<typeof clusterStateSchema>;

export function emptyStandby(observedAt: string): StandbyState {
  return {
    host: null,
    status: 'unknown',
    dataDirectory: null,
    port: null,
    walState: null,
    syncState: null,
    sentLsn: null,
    flushLsn: null,
    replayLsn: null,
    currentLsn: null,
    lagBytes: null,
    flushLagBytes: null,
    observedAt,
  };
}

/** Parses a `X/Y` LSN into a number of bytes; null when it is not an LSN (`None`, empty). */
export function lsnToNumber(lsn: string | null | undefined): bigint | null {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec((lsn ?? '').trim());
  if (!m) return null;
  return (BigInt(`0x${m[1]!}`) << 32n) + BigInt(`0x${m[2]!}`);
}

/** a − b in bytes, or null when either is unknown. */
export function lsnDiff(a: string | null | undefined, b: string | null | undefined): number | null {
  const x = lsnToNumber(a);
  const y = lsnToNumber(b);
  return x === null || y === null ? null : Number(x - y);
}

/** True when the standby is streaming, synchronous, and has flushed everything sent (replay may trail). */
export function isFlushedInSync(s: StandbyState): boolean {
  return s.walState === 'streaming' && s.syncState === 'sync' && s.sentLsn !== null && s.sentLsn === s.flushLsn;
}

/** One line describing the replication link, with the numbers. */
export function describeReplication(s: StandbyState): string {
  if (!s.walState) return 'no WAL sender (pg_stat_replication has no row)';
  const lag = s.lagBytes === null ? '' : `, lag ${s.lagBytes} bytes`;
  return `WAL sender ${s.walState}, sync state ${s.syncState ?? '?'}, sent ${s.sentLsn ?? '?'} flush ${s.flushLsn ?? '?'} replay ${s.replayLsn ?? '?'}${lag}`;
}

/**
 * The inventory host whose own host name (`hostname`, read by the probe) is `reported`: the utilities print the OS
 * host name (e.g. "<host> is now the new primary master"), which may differ from the inventory name. An exact match
 * first, then the short name (before the first dot) on either side; null when no host, or more than one, matches.
 */
export function inventoryHostByReportedName(state: ClusterState, reported: string): string | null {
  const exact = state.hosts.filter(h => h.reportedHostName === reported);
  if (exact.length === 1) return exact[0]!.name;
  if (exact.length > 1) return null;
  const short = (n: string): string => n.split('.')[0] ?? n;
  const loose = state.hosts.filter(
    h => h.reportedHostName !== undefined && short(h.reportedHostName) === short(reported),
  );
  return loose.length === 1 ? loose[0]!.name : null;
}

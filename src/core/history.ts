// A cluster's history: every observation that changed something (roles, standby status, WAL state, sync state,
// lag bucket) and every procedure run, one JSON object per line. Failover reads the last known replication state
// from it; `gpcoord history` and the panel's timeline show it. Pure: the engine owns the file.
import { z } from 'zod';
import { PROCEDURE_IDS } from './procedures/types';
import type { ClusterState } from './state';

const standbySnapshotSchema = z.object({
  host: z.string().nullable(),
  status: z.string(),
  walState: z.string().nullable(),
  syncState: z.string().nullable(),
  lagBucket: z.string().nullable(),
  lagBytes: z.number().nullable(),
  sentLsn: z.string().nullable(),
  flushLsn: z.string().nullable(),
  replayLsn: z.string().nullable(),
});

export const observationEntrySchema = z.object({
  kind: z.literal('observation'),
  ts: z.string(),
  cluster: z.string(),
  situation: z.string(),
  activeCoordinator: z.string().nullable(),
  /** Each host's observed role (unknown when it could not be observed). */
  roles: z.record(z.string(), z.string()),
  standby: standbySnapshotSchema,
});
export type ObservationEntry = z.infer<typeof observationEntrySchema>;

export const procedureEntrySchema = z.object({
  kind: z.literal('procedure'),
  ts: z.string(),
  cluster: z.string(),
  procedure: z.enum(PROCEDURE_IDS),
  runId: z.string(),
  status: z.string(),
  message: z.string(),
  user: z.string().optional(),
});
export type ProcedureEntry = z.infer<typeof procedureEntrySchema>;

export const historyEntrySchema = z.discriminatedUnion('kind', [observationEntrySchema, procedureEntrySchema]);
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

const MB = 1024 * 1024;

/** Lag in coarse steps, so that a lag moving by a few bytes is not a change worth a line. */
export function lagBucket(bytes: number | null): string | null {
  if (bytes === null) return null;
  if (bytes <= 0) return '0';
  if (bytes < MB) return '< 1 MB';
  if (bytes < 16 * MB) return '< 16 MB';
  if (bytes < 1024 * MB) return '< 1 GB';
  return '>= 1 GB';
}

export function observationEntry(state: ClusterState): ObservationEntry {
  const s = state.standby;
  return {
    kind: 'observation',
    ts: state.observedAt,
    cluster: state.cluster,
    situation: state.situation,
    activeCoordinator: state.activeCoordinator,
    roles: Object.fromEntries(state.hosts.map(h => [h.name, h.role])),
    standby: {
      host: s.host,
      status: s.status,
      walState: s.walState,
      syncState: s.syncState,
      lagBucket: lagBucket(s.lagBytes),
      lagBytes: s.lagBytes,
      sentLsn: s.sentLsn,
      flushLsn: s.flushLsn,
      replayLsn: s.replayLsn,
    },
  };
}

/** The part of an observation whose change is worth a line (not the LSNs or the exact lag, which move all the time). */
function meaning(e: ObservationEntry): string {
  const roles = Object.keys(e.roles)
    .sort()
    .map(k => `${k}=${e.roles[k]!}`);
  const s = e.standby;
  return JSON.stringify([
    e.situation,
    e.activeCoordinator,
    roles,
    s.host,
    s.status,
    s.walState,
    s.syncState,
    s.lagBucket,
  ]);
}

export function observationChanged(previous: ObservationEntry | undefined, next: ObservationEntry): boolean {
  return previous === undefined || meaning(previous) !== meaning(next);
}

/** Parses JSON Lines; torn and foreign lines are skipped. */
export function parseHistory(text: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = historyEntrySchema.safeParse(JSON.parse(line));
      if (r.success) out.push(r.data);
    } catch {
      // a partial line from an interrupted write
    }
  }
  return out;
}

export function lastObservation(entries: readonly HistoryEntry[]): ObservationEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.kind === 'observation') return e;
  }
  return undefined;
}

/** The last observation in which an active coordinator reported its standby's replication: what failover shows first. */
export function lastReplicationState(entries: readonly HistoryEntry[]): ObservationEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (
      e.kind === 'observation' &&
      e.activeCoordinator !== null &&
      e.standby.status !== 'not-configured' &&
      e.standby.status !== 'unknown'
    )
      return e;
  }
  return undefined;
}

function ago(fromIso: string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(fromIso)) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

function replicationWords(e: ObservationEntry): string {
  const s = e.standby;
  if (!s.walState) return `standby ${s.host ?? '?'} ${s.status}, no WAL sender`;
  const lag = s.lagBytes === null ? '' : `, lag ${s.lagBytes} bytes`;
  return `standby ${s.host ?? '?'} ${s.status}, WAL sender ${s.walState}, sync state ${s.syncState ?? '?'}, sent ${s.sentLsn ?? '?'} flush ${s.flushLsn ?? '?'} replay ${s.replayLsn ?? '?'}${lag}`;
}

/** The sentence failover shows before anything runs. */
export function describeLastReplication(entries: readonly HistoryEntry[], now: Date): string {
  const e = lastReplicationState(entries);
  if (!e)
    return 'No replication state was ever recorded for this cluster: gpcoord cannot say how far the standby had caught up.';
  return `Last recorded replication state (${e.ts}, ${ago(e.ts, now)}): coordinator ${e.activeCoordinator ?? '?'}, ${replicationWords(e)}.`;
}

/** One line per entry, oldest first, as `gpcoord history` prints them. */
export function formatHistoryLine(e: HistoryEntry): string {
  if (e.kind === 'procedure')
    return `${e.ts}  run       ${e.procedure} ${e.status.toUpperCase()}${e.user ? ` (by ${e.user})` : ''}: ${e.message}`;
  const roles = Object.entries(e.roles)
    .map(([h, r]) => `${h} ${r}`)
    .join(', ');
  return `${e.ts}  observed  ${e.situation}: ${roles}; ${e.standby.status === 'not-configured' ? 'no standby configured' : replicationWords(e)}${e.standby.lagBucket ? ` (lag ${e.standby.lagBucket})` : ''}`;
}

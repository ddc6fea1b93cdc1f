// The panel's Timeline: a cluster's history turned into rows a DBA reads as `patronictl history` — who was the
// coordinator when, what ran, how replication stood — newest first. Pure: the history entries come in, rows go out.
import type { HistoryEntry, ObservationEntry, ProcedureEntry } from './history';

export type TimelineHealth = 'ok' | 'warning' | 'error' | 'unknown';

export interface TimelineRow {
  /** When it was recorded (ISO). */
  ts: string;
  /** role: the active coordinator changed; procedure: a run ended; replication: the standby's state changed. */
  kind: 'role' | 'procedure' | 'replication';
  health: TimelineHealth;
  text: string;
}

/** Rows shown by default: enough for several failover cycles without making the panel scroll for ever. */
export const DEFAULT_TIMELINE_ROWS = 40;

/** `lastKnown`: the coordinator seen last, so a failover reads "cdw → scdw" even with an outage observed between. */
function roleRow(
  previous: ObservationEntry | undefined,
  lastKnown: string | null,
  e: ObservationEntry,
): TimelineRow | null {
  const now = e.activeCoordinator;
  if (previous !== undefined && previous.activeCoordinator === now) return null;
  const before = lastKnown;
  if (now === null)
    return {
      ts: e.ts,
      kind: 'role',
      health: 'error',
      text: before ? `no active coordinator (was ${before}): ${e.situation}` : `no active coordinator: ${e.situation}`,
    };
  return {
    ts: e.ts,
    kind: 'role',
    health: 'ok',
    text: before && before !== now ? `coordinator ${before} → ${now}` : `coordinator ${now}`,
  };
}

function replicationHealth(s: ObservationEntry['standby']): TimelineHealth {
  if (s.status === 'unknown') return 'unknown';
  if (s.status === 'not-configured' || s.status === 'down' || !s.walState) return 'error';
  return s.walState === 'streaming' && s.syncState === 'sync' && s.lagBucket === '0' ? 'ok' : 'warning';
}

function replicationText(s: ObservationEntry['standby']): string {
  if (s.status === 'not-configured') return 'no standby configured';
  if (s.status === 'unknown') return 'standby not observed';
  const who = `standby ${s.host ?? '?'} ${s.status}`;
  if (!s.walState) return `${who}, no WAL sender`;
  const lag = s.lagBucket === null ? '' : `, lag ${s.lagBucket === '0' ? '0' : s.lagBucket}`;
  return `${who}, WAL sender ${s.walState}, sync state ${s.syncState ?? '?'}${lag}`;
}

/** What of the standby's state makes a new row (not the LSNs, which move all the time). */
function replicationKey(e: ObservationEntry): string {
  const s = e.standby;
  return JSON.stringify([s.host, s.status, s.walState, s.syncState, s.lagBucket]);
}

function procedureRow(e: ProcedureEntry): TimelineRow {
  const health: TimelineHealth =
    e.status === 'done' ? 'ok' : e.status === 'failed' || e.status === 'needs-attention' ? 'error' : 'warning';
  return {
    ts: e.ts,
    kind: 'procedure',
    health,
    text: `${e.procedure} ${e.status}${e.user ? ` (by ${e.user})` : ''}: ${e.message}`,
  };
}

/** The timeline of one cluster's history (entries oldest first, as recorded), newest row first, at most `limit` rows. */
export function buildTimeline(
  entries: readonly HistoryEntry[],
  cluster: string,
  limit = DEFAULT_TIMELINE_ROWS,
): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let previous: ObservationEntry | undefined;
  let lastKnown: string | null = null;
  for (const e of entries) {
    if (e.cluster !== cluster) continue;
    if (e.kind === 'procedure') {
      rows.push(procedureRow(e));
      continue;
    }
    const role = roleRow(previous, lastKnown, e);
    if (role) rows.push(role);
    if (previous === undefined || replicationKey(previous) !== replicationKey(e))
      rows.push({
        ts: e.ts,
        kind: 'replication',
        health: replicationHealth(e.standby),
        text: replicationText(e.standby),
      });
    previous = e;
    lastKnown = e.activeCoordinator ?? lastKnown;
  }
  return rows.reverse().slice(0, Math.max(0, limit));
}

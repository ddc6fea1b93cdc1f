// `gpstate -f`: the standby coordinator's catalog entry, its postmaster status, and pg_stat_replication
// as seen on the active coordinator. Exit status is 0 whatever the standby state; only the text tells.
import { z } from 'zod';
import type { ChosenRun, ParseOptions, ParseResult, Problem } from './common';
import {
  baseFields,
  baseResultShape,
  chooseRun,
  collectProblems,
  failureReasonSchema,
  fullMessage,
  outcomeFromExitCode,
  toInt,
} from './common';
import { gpstateFailure, isSeparator, recogniseGpstate, standbyStatusOf } from './gpstate-common';
import { lsnDiffBytes } from './lsn';
import { parseTableRow, rowText } from './table';
import type { LogRecord, Run } from './transcript';

export const standbyStatusSchema = z.enum(['passive', 'down', 'unknown']);

export const replicationRowSchema = z.object({
  /** WAL sender state: startup, catchup, streaming, backup, stopping. */
  state: z.string().nullable(),
  /** sync, potential, async (GP7/Cloudberry also quorum). */
  syncState: z.string().nullable(),
  sentLocation: z.string().nullable(),
  flushLocation: z.string().nullable(),
  replayLocation: z.string().nullable(),
  /** Sent − replay in bytes; null when either LSN is unknown (`None`). */
  replayLagBytes: z.number().nullable(),
  /** Sent − flush in bytes; null when either LSN is unknown. */
  flushLagBytes: z.number().nullable(),
});
export type ReplicationRow = z.infer<typeof replicationRowSchema>;

export const gpstateFResultSchema = z.object({
  kind: z.literal('gpstate-f'),
  ...baseResultShape,
  /** False for "Standby … instance not configured", null when the output does not say (gpstate failed). */
  standbyConfigured: z.boolean().nullable(),
  standby: z
    .object({
      /** The address column of gp_segment_configuration. */
      host: z.string().nullable(),
      dataDirectory: z.string().nullable(),
      port: z.number().int().nullable(),
      /** Postmaster PID on the standby host; 0 when no postmaster.pid exists, null when it could not be read. */
      pid: z.number().int().nullable(),
      /** The `Standby PID` cell as printed, e.g. `Error getting status from host smdw`. */
      pidText: z.string().nullable(),
      /** The third cell of the PID warning row: why the PID could not be confirmed. */
      pidProblem: z.string().nullable(),
      status: standbyStatusSchema,
      statusText: z.string().nullable(),
    })
    .nullable(),
  /** One row per walsender; null for `No entries found.` (or when the block is missing); [] when gpstate only said "more than 1 row". */
  replication: z.array(replicationRowSchema).nullable(),
  replicationMoreThanOneRow: z.boolean(),
  /** Why gpstate itself failed (connection refused, run on a standby host, environment). */
  reason: failureReasonSchema.nullable(),
  errorMessage: z.string().nullable(),
});
export type GpstateFResult = z.infer<typeof gpstateFResultSchema>;

// The value is the rest of the line after the colon (sliced off, not matched: `\s*(.*)$` backtracks quadratically).
const WAL_FIELD = /^-?\s*(WAL Sender State|Sync state|Sent Location|Flush Location|Replay Location)\s*[:：]/;

function lsnOrNull(value: string): string | null {
  const v = value.trim();
  return v === '' || v === 'None' ? null : v;
}

function describe(record: LogRecord): string {
  const row = parseTableRow(record.message);
  return row && row.flagged ? rowText(row) : fullMessage(record);
}

function isComplete(run: Run): boolean {
  if (gpstateFailure(run)) return true;
  let replicationBody = false;
  for (const r of run.records) {
    const m = r.message;
    if (m === 'No entries found.' || m.startsWith('-WAL Sender State') || m.includes('shows more than 1 row'))
      replicationBody = true;
    else if (replicationBody && isSeparator(m)) return true;
  }
  return false;
}

export function parseGpstateF(text: string, opts?: ParseOptions): ParseResult<GpstateFResult> {
  try {
    const chosen = chooseRun(text, 'gpstate', r => recogniseGpstate(r, 'f'), isComplete, 'gpstate -f');
    if ('reason' in chosen) return { recognized: false, reason: chosen.reason };
    return { recognized: true, result: build(chosen, opts) };
  } catch (error) {
    return { recognized: false, reason: `internal parser error: ${String(error)}` };
  }
}

function build(chosen: ChosenRun, opts: ParseOptions | undefined): GpstateFResult {
  const { run } = chosen;
  const base = baseFields(chosen, opts);
  let standbyConfigured: boolean | null = null;
  let standbySection = false;
  const standby = {
    host: null as string | null,
    dataDirectory: null as string | null,
    port: null as number | null,
    pid: null as number | null,
    pidText: null as string | null,
    pidProblem: null as string | null,
    statusText: null as string | null,
  };
  let replication: ReplicationRow[] | null = null;
  let moreThanOne = false;
  let current: ReplicationRow | null = null;

  for (const r of run.records) {
    const m = r.message;
    if (/^Standby (?:master|coordinator) details/.test(m)) {
      standbyConfigured = true;
      standbySection = true;
      continue;
    }
    if (/^Standby (?:master|coordinator) instance not configured/.test(m)) {
      standbyConfigured = false;
      continue;
    }
    if (m === 'No entries found.') {
      replication = null;
      continue;
    }
    if (m.includes('pg_stat_replication shows more than 1 row')) {
      moreThanOne = true;
      replication = [];
      continue;
    }
    const wal = WAL_FIELD.exec(m);
    if (wal) {
      const field = wal[1];
      const value = m.slice(wal[0].length).trim();
      if (!current) {
        current = {
          state: null,
          syncState: null,
          sentLocation: null,
          flushLocation: null,
          replayLocation: null,
          replayLagBytes: null,
          flushLagBytes: null,
        };
        replication = [current];
      }
      if (field === 'WAL Sender State') current.state = value || null;
      else if (field === 'Sync state') current.syncState = value || null;
      else if (field === 'Sent Location') current.sentLocation = lsnOrNull(value);
      else if (field === 'Flush Location') current.flushLocation = lsnOrNull(value);
      else if (field === 'Replay Location') current.replayLocation = lsnOrNull(value);
      continue;
    }
    const row = parseTableRow(m);
    if (!row) continue;
    switch (row.key) {
      case 'Standby address':
        standby.host = row.value || null;
        standbySection = true;
        break;
      case 'Standby data directory':
        standby.dataDirectory = row.value || null;
        standbySection = true;
        break;
      case 'Standby port':
        standby.port = toInt(row.value);
        standbySection = true;
        break;
      case 'Standby PID':
        standbySection = true;
        standby.pidText = row.value || null;
        standby.pid = toInt(row.value);
        standby.pidProblem = row.extra ?? (standby.pid === null && row.value ? row.value : null);
        break;
      case 'Standby status':
        standby.statusText = row.value || null;
        standbySection = true;
        break;
      default:
        break;
    }
  }
  if (standbySection && standbyConfigured === null) standbyConfigured = true;
  if (current) {
    current.replayLagBytes = lsnDiffBytes(current.sentLocation, current.replayLocation);
    current.flushLagBytes = lsnDiffBytes(current.sentLocation, current.flushLocation);
  }

  const failure = gpstateFailure(run);
  const problems: Problem[] = collectProblems(run, describe);
  if (failure && !failure.record) problems.push({ level: 'CRITICAL', text: failure.message.trim(), harmless: false });
  let outcome: GpstateFResult['outcome'];
  if (failure) outcome = 'failed';
  else if (standbyConfigured !== null || replication !== null) outcome = 'succeeded';
  else outcome = outcomeFromExitCode(base.exitCode);

  return {
    kind: 'gpstate-f',
    outcome,
    ...base,
    problems,
    warningsHarmless: problems.every(p => p.harmless),
    complete: isComplete(run),
    standbyConfigured,
    standby:
      standbyConfigured === true || standbySection ? { ...standby, status: standbyStatusOf(standby.statusText) } : null,
    replication: failure ? null : replication,
    replicationMoreThanOneRow: moreThanOne,
    reason: failure ? failure.reason : null,
    errorMessage: failure ? failure.message.trim() : null,
  };
}

// gpactivatestandby: promotes the standby coordinator on the host it runs on. Every refusal is one CRITICAL
// "Error activating standby …: <why>" (exit 2); success names the host: "<host> is now the new primary …".
import { z } from 'zod';
import type { ChosenRun, FailureReason, Outcome, ParseOptions, ParseResult } from './common';
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
import { findMessage, hasMessage, importError } from './procedure-common';
import { parseTableRow } from './table';
import type { Run } from './transcript';

export const gpactivatestandbyResultSchema = z.object({
  kind: z.literal('gpactivatestandby'),
  ...baseResultShape,
  /** The host that became the active coordinator ("<host> is now the new primary master/coordinator."). */
  newCoordinatorHost: z.string().nullable(),
  standbyDataDirectory: z.string().nullable(),
  /** The standby port as printed (it is $PGPORT verbatim); null when it is not a number. */
  standbyPort: z.number().int().nullable(),
  standbyRunning: z.boolean().nullable(),
  forceActivation: z.boolean().nullable(),
  /** "Standby … is promoted" was printed, or the activation completed. */
  promoted: z.boolean(),
  /** The old coordinator that blocked activation (a running postmaster or a stale /tmp/.s.PGSQL.<port>.lock). */
  runningCoordinator: z.object({ host: z.string(), port: z.number().int().nullable() }).nullable(),
  reason: failureReasonSchema.nullable(),
  errorMessage: z.string().nullable(),
});
export type GpactivatestandbyResult = z.infer<typeof gpactivatestandbyResultSchema>;

const COMPLETED = /^The activation of the standby (?:master|coordinator) has completed successfully/;
const NEW_PRIMARY = /^(\S+) is now the new primary (?:master|coordinator)\.?\s*$/;
// The reason may run over continuation lines.
const ERROR_LINE = /^Error activating standby (?:master|coordinator): ([^]*)$/;

function terminal(run: Run): boolean {
  return (
    hasMessage(run, /^When convenient, run ANALYZE/) ||
    hasMessage(run, NEW_PRIMARY) ||
    run.records.some(r => r.level === 'CRITICAL' || r.level === 'FATAL') ||
    importError(run) !== null
  );
}

// Lines that show a run is this utility's even when a copied transcript lost the program names.
const ANONYMOUS_MARKER =
  /^Standby data directory +=|^Force standby activation|^Error activating standby|activation of the standby|is now the new primary|^Promoting standby/;

export function parseGpactivatestandby(text: string, opts?: ParseOptions): ParseResult<GpactivatestandbyResult> {
  try {
    const chosen = chooseRun(
      text,
      'gpactivatestandby',
      r => (r.records.length > 0 || importError(r) !== null ? 'yes' : 'no'),
      terminal,
      'gpactivatestandby',
      ANONYMOUS_MARKER,
    );
    if ('reason' in chosen) return { recognized: false, reason: chosen.reason };
    return { recognized: true, result: build(chosen, opts) };
  } catch (error) {
    return { recognized: false, reason: `internal parser error: ${String(error)}` };
  }
}

function classify(message: string, promoting: boolean): { outcome: Outcome; reason: FailureReason } {
  if (/user cancel/i.test(message)) return { outcome: 'aborted', reason: 'user-aborted' };
  if (/Active postgres process on/i.test(message)) return { outcome: 'refused', reason: 'coordinator-still-running' };
  // The second form: the standby postmaster stopped between the summary and the promotion.
  if (/Force activation required|postmaster is not running/i.test(message))
    return { outcome: 'refused', reason: 'force-required' };
  if (/Critical required file on standby/i.test(message)) return { outcome: 'refused', reason: 'not-a-standby' };
  if (/set port is incorrect/i.test(message)) return { outcome: 'failed', reason: 'environment' };
  if (/PGPORT|environment variable|not set|is missing/i.test(message))
    return { outcome: promoting ? 'failed' : 'refused', reason: 'environment' };
  // pg_ctl promote had completed: the standby is the coordinator now, it only did not accept connections in time.
  if (/^Timed out waiting for promoted (?:master|coordinator) to accept database connections/i.test(message))
    return { outcome: 'failed', reason: 'promotion-timed-out' };
  if (/could not connect|connection refused|unable to connect/i.test(message))
    return { outcome: 'failed', reason: 'connection-failed' };
  if (/^Log directory .* does not exist|^Unknown arguments/i.test(message))
    return { outcome: 'refused', reason: 'other' };
  return { outcome: 'failed', reason: 'other' };
}

function build(chosen: ChosenRun, opts: ParseOptions | undefined): GpactivatestandbyResult {
  const { run } = chosen;
  const base = baseFields(chosen, opts);
  let standbyDataDirectory: string | null = null;
  let standbyPort: number | null = null;
  let standbyRunning: boolean | null = null;
  let forceActivation: boolean | null = null;
  let runningCoordinator: GpactivatestandbyResult['runningCoordinator'] = null;
  for (const r of run.records) {
    const m = r.message;
    const active = /^Appears that there is an active postgres process on (\S+) port=(\d+)/.exec(m);
    if (active) {
      runningCoordinator ??= { host: active[1] ?? '', port: toInt(active[2]) };
      continue;
    }
    const row = parseTableRow(m);
    if (!row) continue;
    if (row.key === 'Standby data directory') standbyDataDirectory = row.value || null;
    else if (row.key === 'Standby port') standbyPort = toInt(row.value);
    else if (row.key === 'Standby running')
      standbyRunning = row.value === 'yes' ? true : row.value === 'no' ? false : null;
    else if (row.key === 'Force standby activation')
      forceActivation = row.value === 'yes' ? true : row.value === 'no' ? false : null;
  }
  const newPrimary = findMessage(run, NEW_PRIMARY);
  const completed = hasMessage(run, COMPLETED) || newPrimary !== null;
  const promoting = hasMessage(
    run,
    /^Promoting standby|^found standby postmaster process|^Starting standby (?:master|coordinator) database in utility mode/,
  );
  const promoted =
    completed ||
    hasMessage(run, /^Standby (?:master|coordinator) is promoted/) ||
    hasMessage(run, /^Error activating standby (?:master|coordinator): Timed out waiting for promoted/);

  let outcome: Outcome;
  let reason: FailureReason | null = null;
  let errorMessage: string | null = null;
  const errorRecord = run.records.find(r => ERROR_LINE.test(r.message));
  const errorLine = errorRecord ? ERROR_LINE.exec(fullMessage(errorRecord)) : null;
  const critical = run.records.find(r => r.level === 'CRITICAL' || r.level === 'FATAL');
  const imported = importError(run);
  if (completed) {
    outcome = 'succeeded';
  } else if (errorLine) {
    errorMessage = (errorLine[1] ?? '').trim();
    ({ outcome, reason } = classify(errorMessage, promoting));
  } else if (critical) {
    // Environment checks (PGPORT, data directory) fail with their own CRITICAL line.
    errorMessage = critical.message.trim();
    ({ outcome, reason } = classify(errorMessage, promoting));
  } else if (imported) {
    outcome = 'failed';
    reason = 'environment';
    errorMessage = imported;
  } else {
    outcome = outcomeFromExitCode(base.exitCode);
    if (outcome === 'failed') reason = 'other';
  }

  const problems = collectProblems(run);
  if (imported && !problems.some(p => p.text === imported))
    problems.push({ level: 'ERROR', text: imported, harmless: false });
  return {
    kind: 'gpactivatestandby',
    outcome,
    ...base,
    problems,
    warningsHarmless: problems.every(p => p.harmless),
    complete: terminal(run),
    newCoordinatorHost: newPrimary ? (newPrimary[1] ?? null) : null,
    standbyDataDirectory,
    standbyPort,
    standbyRunning,
    forceActivation,
    promoted,
    runningCoordinator,
    reason,
    errorMessage,
  };
}

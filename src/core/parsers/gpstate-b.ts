// `gpstate -b` (and plain `gpstate`): the instance status summary. "Master/Coordinator instance = Active" is printed
// whenever gpstate could connect; the standby row is absent when no standby is configured. Exit 0 even with warnings.
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
import { standbyStatusSchema } from './gpstate-f';
import { parseTableRow, rowText } from './table';
import type { LogRecord, Run } from './transcript';

const segmentCountsSchema = z.object({
  total: z.number().int().nullable(),
  /** Valid according to the coordinator's catalog. */
  valid: z.number().int().nullable(),
  failures: z.number().int().nullable(),
});

export const gpstateBResultSchema = z.object({
  kind: z.literal('gpstate-b'),
  ...baseResultShape,
  /** `Active` when gpstate reached the coordinator (a constant, not a probe); null when the row is missing. */
  coordinator: z.object({ status: z.string() }).nullable(),
  standbyConfigured: z.boolean().nullable(),
  standby: z
    .object({
      /** The hostname column of gp_segment_configuration. */
      host: z.string(),
      status: standbyStatusSchema,
      /** e.g. `Standby host passive`, `Standby host DOWN`, `Status could not be determined: …`. */
      statusText: z.string().nullable(),
    })
    .nullable(),
  segments: z
    .object({
      /** "Total segment instance count from metadata". */
      instanceCount: z.number().int().nullable(),
      primary: segmentCountsSchema,
      /** Null when "Mirrors not configured on this array". */
      mirror: segmentCountsSchema
        .extend({
          actingAsPrimary: z.number().int().nullable(),
          actingAsMirror: z.number().int().nullable(),
        })
        .nullable(),
    })
    .nullable(),
  reason: failureReasonSchema.nullable(),
  errorMessage: z.string().nullable(),
});
export type GpstateBResult = z.infer<typeof gpstateBResultSchema>;

const NO_STANDBY = /^No (?:master|coordinator) standby configured$/i;

function describe(record: LogRecord): string {
  const row = parseTableRow(record.message);
  return row && row.flagged ? rowText(row) : fullMessage(record);
}

function isComplete(run: Run): boolean {
  if (gpstateFailure(run)) return true;
  let mirrorSection = false;
  let mirrorBody = false;
  for (const r of run.records) {
    const m = r.message.trim();
    if (m === 'Mirror Segment Status') {
      mirrorSection = true;
      continue;
    }
    if (!mirrorSection) continue;
    if (isSeparator(m)) {
      if (mirrorBody) return true;
    } else {
      mirrorBody = true;
    }
  }
  return false;
}

export function parseGpstateB(text: string, opts?: ParseOptions): ParseResult<GpstateBResult> {
  try {
    const chosen = chooseRun(text, 'gpstate', r => recogniseGpstate(r, 'b'), isComplete, 'gpstate -b');
    if ('reason' in chosen) return { recognized: false, reason: chosen.reason };
    return { recognized: true, result: build(chosen, opts) };
  } catch (error) {
    return { recognized: false, reason: `internal parser error: ${String(error)}` };
  }
}

function build(chosen: ChosenRun, opts: ParseOptions | undefined): GpstateBResult {
  const { run } = chosen;
  const base = baseFields(chosen, opts);
  let summarySeen = false;
  let coordinatorStatus: string | null = null;
  let standbyHost: string | null = null;
  let standbyConfigured: boolean | null = null;
  let standbyStateText: string | null = null;
  let instanceCount: number | null = null;
  let section: 'head' | 'primary' | 'mirror' = 'head';
  const primary = { total: null as number | null, valid: null as number | null, failures: null as number | null };
  const mirror = {
    total: null as number | null,
    valid: null as number | null,
    failures: null as number | null,
    actingAsPrimary: null as number | null,
    actingAsMirror: null as number | null,
  };
  let mirrorSeen = false;
  let mirrorsNotConfigured = false;

  for (const r of run.records) {
    const m = r.message;
    const trimmed = m.trim();
    if (trimmed.endsWith('instance status summary')) {
      summarySeen = true;
      section = 'head';
      continue;
    }
    if (trimmed === 'Primary Segment Status') {
      section = 'primary';
      continue;
    }
    if (trimmed === 'Mirror Segment Status') {
      section = 'mirror';
      mirrorSeen = true;
      continue;
    }
    if (trimmed.startsWith('Mirrors not configured')) {
      mirrorsNotConfigured = true;
      continue;
    }
    const row = parseTableRow(m);
    if (!row) continue;
    const key = row.key;
    if (/^(?:Master|Coordinator) instance$/.test(key)) {
      coordinatorStatus = row.value;
      summarySeen = true;
      continue;
    }
    if (/^(?:Master|Coordinator) standby$/.test(key)) {
      if (NO_STANDBY.test(row.value) || row.value === '') standbyConfigured = false;
      else {
        standbyConfigured = true;
        standbyHost = row.value;
      }
      continue;
    }
    // "state" in every release; a transcription seen in the wild says "status".
    if (/^Standby (?:master|coordinator) (?:state|status)$/.test(key)) {
      standbyStateText = row.value || null;
      continue;
    }
    if (key === 'Total segment instance count from metadata') {
      instanceCount = toInt(row.value);
      continue;
    }
    const n = toInt(row.value);
    if (section === 'primary') {
      if (key === 'Total primary segments') primary.total = n;
      else if (/^Total primary segment valid/.test(key)) primary.valid = n;
      else if (/^Total primary segment failures/.test(key)) primary.failures = n;
    } else if (section === 'mirror') {
      if (key === 'Total mirror segments') mirror.total = n;
      else if (/^Total mirror segment valid/.test(key)) mirror.valid = n;
      else if (/^Total mirror segment failures/.test(key)) mirror.failures = n;
      else if (key === 'Total number mirror segments acting as primary segments') mirror.actingAsPrimary = n;
      else if (key === 'Total number mirror segments acting as mirror segments') mirror.actingAsMirror = n;
    }
  }

  const failure = gpstateFailure(run);
  const problems: Problem[] = collectProblems(run, describe);
  if (failure && !failure.record) problems.push({ level: 'CRITICAL', text: failure.message.trim(), harmless: false });
  let outcome: GpstateBResult['outcome'];
  if (failure) outcome = 'failed';
  else if (summarySeen) outcome = 'succeeded';
  else outcome = outcomeFromExitCode(base.exitCode);

  const primarySeen = primary.total !== null || primary.valid !== null || primary.failures !== null;
  const segments =
    primarySeen || instanceCount !== null
      ? { instanceCount, primary, mirror: mirrorsNotConfigured || !mirrorSeen ? null : mirror }
      : null;

  return {
    kind: 'gpstate-b',
    outcome,
    ...base,
    problems,
    warningsHarmless: problems.every(p => p.harmless),
    complete: isComplete(run),
    coordinator: coordinatorStatus !== null ? { status: coordinatorStatus } : null,
    standbyConfigured,
    standby:
      standbyConfigured && standbyHost !== null
        ? { host: standbyHost, status: standbyStatusOf(standbyStateText), statusText: standbyStateText }
        : null,
    segments,
    reason: failure ? failure.reason : null,
    errorMessage: failure ? failure.message.trim() : null,
  };
}

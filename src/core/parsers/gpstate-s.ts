// `gpstate -s`: the coordinator's configuration and status, its standby, then one block per segment and, when any
// warning row was printed, a closing banner. Exit status 1 when any warning row was printed (a DOWN standby).
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

export const gpstateSResultSchema = z.object({
  kind: z.literal('gpstate-s'),
  ...baseResultShape,
  coordinator: z
    .object({
      host: z.string().nullable(),
      dataDirectory: z.string().nullable(),
      port: z.number().int().nullable(),
      pid: z.number().int().nullable(),
      /** dispatch (normal) or utility. */
      currentRole: z.string().nullable(),
    })
    .nullable(),
  standbyConfigured: z.boolean().nullable(),
  standby: z.object({ host: z.string(), status: standbyStatusSchema, statusText: z.string().nullable() }).nullable(),
  versions: z.object({
    initsystem: z.string().nullable(),
    current: z.string().nullable(),
    postgres: z.string().nullable(),
  }),
  /** Per-segment blocks of the report: how many, by current role, and how many are not Up. */
  segments: z
    .object({
      count: z.number().int().nonnegative(),
      primaries: z.number().int().nonnegative(),
      mirrors: z.number().int().nonnegative(),
      notUp: z.number().int().nonnegative(),
    })
    .nullable(),
  /** The closing "Warnings have been generated during status processing" banner was printed (exit status 1). */
  warningsGenerated: z.boolean(),
  reason: failureReasonSchema.nullable(),
  errorMessage: z.string().nullable(),
});
export type GpstateSResult = z.infer<typeof gpstateSResultSchema>;

const NO_STANDBY = /^No (?:master|coordinator) standby configured$/i;
const CONFIG_HEADER = /^-(?:Master|Coordinator) Configuration & Status/;

function describe(record: LogRecord): string {
  const row = parseTableRow(record.message);
  return row && row.flagged ? rowText(row) : fullMessage(record);
}

function isComplete(run: Run): boolean {
  if (gpstateFailure(run)) return true;
  return run.records.some(
    r => r.message === 'Segment Instance Status Report' || r.message.startsWith('Warnings have been generated'),
  );
}

export function parseGpstateS(text: string, opts?: ParseOptions): ParseResult<GpstateSResult> {
  try {
    const chosen = chooseRun(text, 'gpstate', r => recogniseGpstate(r, 's'), isComplete, 'gpstate -s');
    if ('reason' in chosen) return { recognized: false, reason: chosen.reason };
    return { recognized: true, result: build(chosen, opts) };
  } catch (error) {
    return { recognized: false, reason: `internal parser error: ${String(error)}` };
  }
}

function build(chosen: ChosenRun, opts: ParseOptions | undefined): GpstateSResult {
  const { run } = chosen;
  const base = baseFields(chosen, opts);
  let configSeen = false;
  let inSegments = false;
  const coordinator = {
    host: null as string | null,
    dataDirectory: null as string | null,
    port: null as number | null,
    pid: null as number | null,
    currentRole: null as string | null,
  };
  const versions = {
    initsystem: null as string | null,
    current: null as string | null,
    postgres: null as string | null,
  };
  let standbyConfigured: boolean | null = null;
  let standbyHost: string | null = null;
  let standbyStateText: string | null = null;
  let warningsGenerated = false;
  const segments = { count: 0, primaries: 0, mirrors: 0, notUp: 0 };
  let segmentDown = false;
  let segmentRoleSeen = false;

  // Without mirrors gpstate suppresses the "Mirroring Info" rows (no "Current role"): every segment is a primary.
  const closeSegment = (): void => {
    if (segmentDown) segments.notUp++;
    if (!segmentRoleSeen) segments.primaries++;
    segmentDown = false;
    segmentRoleSeen = false;
  };

  for (const r of run.records) {
    const m = r.message;
    if (m.startsWith('Warnings have been generated')) {
      warningsGenerated = true;
      continue;
    }
    if (CONFIG_HEADER.test(m)) {
      configSeen = true;
      inSegments = false;
      continue;
    }
    if (m === 'Segment Instance Status Report') {
      inSegments = true;
      continue;
    }
    if (isSeparator(m)) continue;
    if (inSegments) {
      // The segment blocks are most of a large report: read them without splitting rows into new strings.
      const eq = m.indexOf(' = ');
      if (eq < 0) {
        if (m.endsWith('Segment Info') && m.trim() === 'Segment Info') {
          if (segments.count > 0) closeSegment();
          segments.count++;
        }
        continue;
      }
      let k = 0;
      while (m.charCodeAt(k) === 32) k++;
      if (m.startsWith('Current role', k)) {
        segmentRoleSeen = true;
        if (m.startsWith('Primary', eq + 3)) segments.primaries++;
        else if (m.startsWith('Mirror', eq + 3)) segments.mirrors++;
      } else if (
        m.startsWith('Configuration reports status as', k) ||
        m.startsWith('Database status', k) ||
        m.startsWith('Segment status', k)
      ) {
        // Messages are trimmed at the end, so an INFO row reading "Up" ends right there; a warning row never does.
        if (!(m.length === eq + 5 && m.startsWith('Up', eq + 3))) segmentDown = true;
      }
      continue;
    }
    const row = parseTableRow(m);
    if (!row) continue;
    const key = row.key;
    const field = /^(?:Master|Coordinator) (host|postgres process ID|data directory|port|current role|standby)$/.exec(
      key,
    );
    if (field) {
      configSeen = true;
      switch (field[1]) {
        case 'host':
          coordinator.host = row.value || null;
          break;
        case 'postgres process ID':
          coordinator.pid = toInt(row.value);
          break;
        case 'data directory':
          coordinator.dataDirectory = row.value || null;
          break;
        case 'port':
          coordinator.port = toInt(row.value);
          break;
        case 'current role':
          coordinator.currentRole = row.value || null;
          break;
        case 'standby':
          if (NO_STANDBY.test(row.value) || row.value === '') standbyConfigured = false;
          else {
            standbyConfigured = true;
            standbyHost = row.value;
          }
          break;
        default:
          break;
      }
      continue;
    }
    if (/^Standby (?:master|coordinator) (?:state|status)$/.test(key)) {
      standbyStateText = row.value || null;
      continue;
    }
    if (/ initsystem version$/.test(key)) versions.initsystem = row.value || null;
    else if (/^(?:Greenplum|Cloudberry|CloudberryDB|Apache Cloudberry) current version$/.test(key))
      versions.current = row.value || null;
    else if (key === 'Postgres version') versions.postgres = row.value || null;
  }
  if (segments.count > 0) closeSegment();

  const failure = gpstateFailure(run);
  // The closing banner's star lines carry no information of their own.
  const problems: Problem[] = collectProblems(run, describe).filter(p => !/^\*+$/.test(p.text));
  if (failure && !failure.record) problems.push({ level: 'CRITICAL', text: failure.message.trim(), harmless: false });
  let outcome: GpstateSResult['outcome'];
  if (failure) outcome = 'failed';
  else if (configSeen) outcome = 'succeeded';
  // Exit 1 only means warning rows were printed: the report itself was produced.
  else outcome = base.exitCode === 1 ? 'succeeded' : outcomeFromExitCode(base.exitCode);

  return {
    kind: 'gpstate-s',
    outcome,
    ...base,
    problems,
    warningsHarmless: problems.every(p => p.harmless),
    complete: isComplete(run),
    coordinator: configSeen ? coordinator : null,
    standbyConfigured,
    standby:
      standbyConfigured && standbyHost !== null
        ? { host: standbyHost, status: standbyStatusOf(standbyStateText), statusText: standbyStateText }
        : null,
    versions,
    segments: segments.count > 0 ? segments : null,
    warningsGenerated,
    reason: failure ? failure.reason : null,
    errorMessage: failure ? failure.message.trim() : null,
  };
}

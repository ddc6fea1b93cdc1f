// gpinitstandby: -s (create a standby), -r (remove it), -n (restart a configured standby).
// Success ends with "Successfully created/removed/started standby …"; every failure logs
// "Error initializing/removing standby …: <why>" and exits 2. It always warns that syncing extensions failed
// and still succeeds: that warning is marked harmless.
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
import { findMessage, hasMessage, importError, markHarmless } from './procedure-common';
import { parseTableRow } from './table';
import type { Run } from './transcript';
import { commandArgs } from './transcript';

export const gpinitstandbyResultSchema = z.object({
  kind: z.literal('gpinitstandby'),
  ...baseResultShape,
  /** create (-s), remove (-r), restart (-n); null when the output does not say. */
  mode: z.enum(['create', 'remove', 'restart']).nullable(),
  standbyHost: z.string().nullable(),
  standbyDataDirectory: z.string().nullable(),
  standbyPort: z.number().int().nullable(),
  coordinatorHost: z.string().nullable(),
  coordinatorDataDirectory: z.string().nullable(),
  coordinatorPort: z.number().int().nullable(),
  /** "update system catalog = On/Off" of the summary. */
  updateSystemCatalog: z.boolean().nullable(),
  /** -n found the standby already streaming ("Standy … is already up and running."). */
  standbyAlreadyRunning: z.boolean(),
  /** The catalog was changed and then rolled back after a later step failed. */
  rolledBack: z.boolean(),
  /** Segment hosts gpinitstandby found unreachable ("One or more segment hosts are not currently reachable: …"). */
  unreachableHosts: z.array(z.string()),
  reason: failureReasonSchema.nullable(),
  /** The utility's own words for the failure, e.g. `master data directory exists`. */
  errorMessage: z.string().nullable(),
});
export type GpinitstandbyResult = z.infer<typeof gpinitstandbyResultSchema>;

const SUCCESS = /^Successfully (created|removed|started) standby (?:master|coordinator)(?: on (\S+))?/;
const ALREADY_RUNNING = /^Standb?y (?:master|coordinator) is already up and running/;
// The reason may run over continuation lines (an ExecutionError with the command's stderr).
const ERROR_LINE = /^Error (initializing|removing) standby (?:master|coordinator): ([^]*)$/;
// Plain string tests: these run on arbitrary text and must stay linear.
const HARMLESS = [
  (text: string) => text.startsWith('Syncing of ') && /extensions has failed\.?$/.test(text),
  (text: string) =>
    text.startsWith('Please run ') &&
    text.includes('gppkg') &&
    text.includes('after successful standby initialization'),
];

function terminal(run: Run): boolean {
  return (
    hasMessage(run, SUCCESS) ||
    hasMessage(run, ALREADY_RUNNING) ||
    hasMessage(run, ERROR_LINE) ||
    hasMessage(run, /^Unable to ping new standby host/) ||
    hasMessage(run, /cannot be specified together|^No action provided/) ||
    importError(run) !== null
  );
}

// Lines that show a run is this utility's even when a copied transcript lost the program names.
const ANONYMOUS_MARKER =
  /standby (?:master|coordinator) initialization|^Validating environment and parameters for standby|standby removal parameters|^Successfully (?:created|removed|started) standby|^Error (?:initializing|removing) standby|already up and running|^Checking for (?:data|filespace) directory|^Checking if standby (?:master|coordinator) is running/;

export function parseGpinitstandby(text: string, opts?: ParseOptions): ParseResult<GpinitstandbyResult> {
  try {
    const chosen = chooseRun(
      text,
      'gpinitstandby',
      r => (r.records.length > 0 || importError(r) !== null ? 'yes' : 'no'),
      terminal,
      'gpinitstandby',
      ANONYMOUS_MARKER,
    );
    if ('reason' in chosen) return { recognized: false, reason: chosen.reason };
    return { recognized: true, result: build(chosen, opts) };
  } catch (error) {
    return { recognized: false, reason: `internal parser error: ${String(error)}` };
  }
}

function classify(message: string): { outcome: Outcome; reason: FailureReason } {
  if (/user cancel/i.test(message)) return { outcome: 'aborted', reason: 'user-aborted' };
  // A command the utility ran failed (e.g. pg_ctl under -n: "directory … does not exist"): the work failed, no check refused it.
  if (message.startsWith('ExecutionError:'))
    return {
      outcome: 'failed',
      reason: /could not connect|connection refused/i.test(message) ? 'connection-failed' : 'other',
    };
  if (/data directory exists|directory already exists/i.test(message))
    return { outcome: 'refused', reason: 'data-directory-exists' };
  if (/already configured/i.test(message)) return { outcome: 'refused', reason: 'standby-already-configured' };
  // Greenplum 7 and Cloudberry, under -a: refused before anything changed.
  if (/^Unable to proceed while one or more hosts are unreachable/i.test(message))
    return { outcome: 'refused', reason: 'hosts-unreachable' };
  if (/unreachable|unable to ping/i.test(message)) return { outcome: 'refused', reason: 'connection-failed' };
  if (/failed to retrieve configuration|could not connect|connection refused|unable to connect/i.test(message))
    return { outcome: 'failed', reason: 'connection-failed' };
  if (/environment variable|PGPORT|DATA_DIRECTORY|not set/i.test(message))
    return { outcome: 'refused', reason: 'environment' };
  if (
    /same host and port|parent directory|not configured|no standby|cannot be specified together|no action provided|does not exist/i.test(
      message,
    )
  ) {
    return { outcome: 'refused', reason: 'other' };
  }
  return { outcome: 'failed', reason: 'other' };
}

function build(chosen: ChosenRun, opts: ParseOptions | undefined): GpinitstandbyResult {
  const { run } = chosen;
  const base = baseFields(chosen, opts);
  const fields = {
    standbyHost: null as string | null,
    standbyDataDirectory: null as string | null,
    standbyPort: null as number | null,
    coordinatorHost: null as string | null,
    coordinatorDataDirectory: null as string | null,
    coordinatorPort: null as number | null,
    updateSystemCatalog: null as boolean | null,
  };
  let mode: GpinitstandbyResult['mode'] = null;
  const args = commandArgs(run.command, 'gpinitstandby');
  if (args !== null) {
    if (/(?:^|\s)-[a-zA-Z]*r/.test(args)) mode = 'remove';
    else if (/(?:^|\s)-[a-zA-Z]*n/.test(args)) mode = 'restart';
    else if (/(?:^|\s)-[a-zA-Z]*s/.test(args)) mode = 'create';
  }

  for (const r of run.records) {
    const m = r.message;
    let match: RegExpExecArray | null;
    // GP5 says "filespace directory".
    if ((match = /^Checking for (?:data|filespace) directory (.+) on (\S+)$/.exec(m))) {
      fields.standbyDataDirectory ??= match[1] ?? null;
      fields.standbyHost ??= match[2] ?? null;
      mode ??= 'create';
      continue;
    }
    if (
      (match = /^Checking if standby (?:master|coordinator) is running on host: (\S+)\s+in directory: (.+)$/.exec(m))
    ) {
      fields.standbyHost ??= match[1] ?? null;
      fields.standbyDataDirectory ??= (match[2] ?? '').trim() || null;
      continue;
    }
    if ((match = /^(?:Data|Filespace) directory already exists on host (\S+)/.exec(m))) {
      fields.standbyHost ??= match[1] ?? null;
      continue;
    }
    if ((match = /^Stopping standby (?:master|coordinator) on (\S+)/.exec(m))) {
      fields.standbyHost ??= match[1] ?? null;
      continue;
    }
    if (
      /standby (?:master|coordinator) initialization parameters$/.test(m) ||
      /^Validating environment and parameters for standby initialization/.test(m)
    ) {
      mode ??= 'create';
      continue;
    }
    if (/standby removal parameters$/.test(m) || /^Removing standby (?:master|coordinator) from catalog/.test(m)) {
      mode = 'remove';
      continue;
    }
    // -s prints its summary and validation first; "Starting standby …" before any of that is -n.
    if (/^Starting standby (?:master|coordinator)$/.test(m)) {
      mode ??= 'restart';
      continue;
    }
    const row = parseTableRow(m);
    if (!row) continue;
    const standbyField = /(?:^|\s)standby (?:master|coordinator) (hostname|port|data directory)$/.exec(row.key);
    if (standbyField) {
      if (standbyField[1] === 'hostname') fields.standbyHost = row.value || fields.standbyHost;
      else if (standbyField[1] === 'port') fields.standbyPort = toInt(row.value);
      else fields.standbyDataDirectory = row.value || fields.standbyDataDirectory;
      continue;
    }
    const coordinatorField = /(?:^|\s)(?:master|coordinator) (hostname|port|data directory)$/.exec(row.key);
    if (coordinatorField) {
      if (coordinatorField[1] === 'hostname') fields.coordinatorHost = row.value || null;
      else if (coordinatorField[1] === 'port') fields.coordinatorPort = toInt(row.value);
      else fields.coordinatorDataDirectory = row.value || null;
      continue;
    }
    if (/update system catalog$/.test(row.key))
      fields.updateSystemCatalog = /^on$/i.test(row.value) ? true : /^off$/i.test(row.value) ? false : null;
  }

  // The pasted command line fills in what the output did not print (a refusal before the summary).
  if (args !== null) {
    const tokens = args.split(/\s+/);
    for (let i = 0; i + 1 < tokens.length; i++) {
      const value = tokens[i + 1] ?? '';
      if (value.startsWith('-')) continue;
      if (tokens[i] === '-s') fields.standbyHost ??= value;
      else if (tokens[i] === '-S') fields.standbyDataDirectory ??= value;
      else if (tokens[i] === '-P') fields.standbyPort ??= toInt(value);
    }
  }

  const success = findMessage(run, SUCCESS);
  if (success) {
    if (success[1] === 'created') mode ??= 'create';
    else if (success[1] === 'removed') mode = 'remove';
    else mode = 'restart';
    if (success[2]) fields.standbyHost ??= success[2];
  }
  const alreadyRunning = hasMessage(run, ALREADY_RUNNING);
  if (alreadyRunning) mode = 'restart';
  const rolledBack = hasMessage(run, /^Trying to rollback changes|^Rolling back catalog change/);
  const unreachable = findMessage(run, /^One or more segment hosts are not currently reachable: (.*)$/);
  const unreachableHosts = unreachable ? (unreachable[1] ?? '').split(' ').filter(h => h.length > 0) : [];

  let outcome: Outcome;
  let reason: FailureReason | null = null;
  let errorMessage: string | null = null;
  const errorRecord = run.records.find(r => ERROR_LINE.test(r.message));
  const errorLine = errorRecord ? ERROR_LINE.exec(fullMessage(errorRecord)) : null;
  const imported = importError(run);
  const ownError = run.records.find(r => r.level === 'ERROR' || r.level === 'CRITICAL' || r.level === 'FATAL');
  if (success || alreadyRunning) {
    outcome = 'succeeded';
  } else if (errorLine) {
    errorMessage = (errorLine[2] ?? '').trim();
    ({ outcome, reason } = classify(errorMessage));
    if (rolledBack && outcome !== 'aborted') outcome = 'failed';
  } else if (imported) {
    outcome = 'failed';
    reason = 'environment';
    errorMessage = imported;
  } else if (ownError) {
    // Argument and ping errors end the run without the "Error initializing" line.
    errorMessage = ownError.message.trim();
    ({ outcome, reason } = classify(errorMessage));
  } else {
    outcome = outcomeFromExitCode(base.exitCode);
    if (outcome === 'failed') reason = 'other';
  }

  const problems = markHarmless(collectProblems(run), HARMLESS);
  if (imported && !problems.some(p => p.text === imported))
    problems.push({ level: 'ERROR', text: imported, harmless: false });
  return {
    kind: 'gpinitstandby',
    outcome,
    ...base,
    problems,
    warningsHarmless: problems.every(p => p.harmless),
    complete: terminal(run),
    mode,
    ...fields,
    standbyAlreadyRunning: alreadyRunning,
    rolledBack,
    unreachableHosts,
    reason,
    errorMessage,
  };
}

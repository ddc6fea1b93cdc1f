// gpstop, mainly -m (coordinator only; GP7 also -c, --master_only, --coordinator_only). A coordinator-only stop
// ends with "Terminating processes for segment <dir>"; a full stop with "Database successfully shutdown…".
// "User abort requested, Exiting..." exits 4; "gpstop error: …" exits 2. Some runs log a spurious
// "Failed to kill process …: No such process" ERROR and still exit 0: that error is marked harmless.
import { z } from 'zod';
import type { ChosenRun, FailureReason, Outcome, ParseOptions, ParseResult } from './common';
import {
  baseFields,
  baseResultShape,
  chooseRun,
  collectProblems,
  failureReasonSchema,
  outcomeFromExitCode,
} from './common';
import { findMessage, hasMessage, importError, markHarmless } from './procedure-common';
import type { Run } from './transcript';
import { commandArgs } from './transcript';

export const gpstopResultSchema = z.object({
  kind: z.literal('gpstop'),
  ...baseResultShape,
  /** The arguments from "Starting gpstop with args:" (or the pasted command line). */
  args: z.string().nullable(),
  /** True for -m/-c/--master_only/--coordinator_only; null when the output does not say. */
  coordinatorOnly: z.boolean().nullable(),
  /** smart, fast or immediate, from "Commencing … shutdown with mode=…". */
  shutdownMode: z.string().nullable(),
  coordinatorDataDirectory: z.string().nullable(),
  /** The coordinator postmaster was stopped (the run got past "Terminating processes for segment …"). */
  coordinatorStopped: z.boolean(),
  /** "postmaster.pid file does not exist.  is Greenplum instance already stopped?" */
  alreadyStopped: z.boolean(),
  reason: failureReasonSchema.nullable(),
  errorMessage: z.string().nullable(),
});
export type GpstopResult = z.infer<typeof gpstopResultSchema>;

const STARTING = 'Starting gpstop with args:';
const COORDINATOR_TERMINATED = /^Terminating processes for segment /;
const FULL_STOP_DONE = /^Database successfully shutdown/;
const USER_ABORT = /^User abort requested/;
const GPSTOP_ERROR = /^gpstop error: (.*)$/;
const SPURIOUS_KILL = (text: string): boolean =>
  /^Failed to kill process \d+ for segment /.test(text) && text.includes('No such process');

function argsOf(run: Run): string | null {
  for (const r of run.records) if (r.message.startsWith(STARTING)) return r.message.slice(STARTING.length).trim();
  return commandArgs(run.command, 'gpstop');
}

function isCoordinatorOnly(args: string): boolean {
  const tokens = args.split(/\s+/);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    if (t === '--master_only' || t === '--coordinator_only') return true;
    if (t === '-d' || t === '-l' || t === '-M' || t === '-t' || t === '-B') {
      i++;
      continue;
    }
    if (/^-[A-Za-z]+$/.test(t) && /[mc]/.test(t.slice(1))) return true;
  }
  return false;
}

function terminal(run: Run): boolean {
  return (
    hasMessage(run, COORDINATOR_TERMINATED) ||
    hasMessage(run, FULL_STOP_DONE) ||
    hasMessage(run, USER_ABORT) ||
    hasMessage(run, GPSTOP_ERROR) ||
    run.records.some(r => r.level === 'CRITICAL' || r.level === 'FATAL') ||
    importError(run) !== null
  );
}

function isComplete(run: Run): boolean {
  if (!terminal(run)) return false;
  // A full stop continues after the coordinator with the standby and the segments.
  const args = argsOf(run);
  if (args !== null && !isCoordinatorOnly(args) && hasMessage(run, COORDINATOR_TERMINATED)) {
    return (
      hasMessage(run, FULL_STOP_DONE) || hasMessage(run, GPSTOP_ERROR) || run.records.some(r => r.level === 'CRITICAL')
    );
  }
  return true;
}

// Lines that show a run is this utility's even when a copied transcript lost the program names.
const ANONYMOUS_MARKER =
  /^Starting gpstop with args|instance shutdown with mode=|^User abort requested|^gpstop error|segment instance directory=/;

export function parseGpstop(text: string, opts?: ParseOptions): ParseResult<GpstopResult> {
  try {
    const chosen = chooseRun(
      text,
      'gpstop',
      r => (r.records.length > 0 || importError(r) !== null ? 'yes' : 'no'),
      isComplete,
      'gpstop',
      ANONYMOUS_MARKER,
    );
    if ('reason' in chosen) return { recognized: false, reason: chosen.reason };
    return { recognized: true, result: build(chosen, opts) };
  } catch (error) {
    return { recognized: false, reason: `internal parser error: ${String(error)}` };
  }
}

function classify(message: string): { outcome: Outcome; reason: FailureReason } {
  if (/could not connect|connection refused|unable to connect/i.test(message))
    return { outcome: 'failed', reason: 'connection-failed' };
  if (/environment variable|not set|greenplum_path|cloudberry-env|Cannot import/i.test(message))
    return { outcome: 'refused', reason: 'environment' };
  if (/already stopped/i.test(message)) return { outcome: 'refused', reason: 'other' };
  return { outcome: 'failed', reason: 'other' };
}

function build(chosen: ChosenRun, opts: ParseOptions | undefined): GpstopResult {
  const { run } = chosen;
  const base = baseFields(chosen, opts);
  const args = argsOf(run);
  let coordinatorOnly: boolean | null = args !== null ? isCoordinatorOnly(args) : null;
  if (run.prompts.some(p => /(?:master|coordinator)-only shutdown/.test(p.text))) coordinatorOnly = true;
  let shutdownMode: string | null = null;
  let coordinatorDataDirectory: string | null = null;
  for (const r of run.records) {
    const m = r.message;
    const mode = /^Commencing (?:Master|Coordinator) instance shutdown with mode='?(\w+)'?/.exec(m);
    if (mode) {
      shutdownMode ??= mode[1] ?? null;
      continue;
    }
    const dir = /^(?:Master|Coordinator) segment instance directory=(.+)$/.exec(m);
    if (dir) {
      coordinatorDataDirectory ??= (dir[1] ?? '').trim() || null;
      continue;
    }
  }
  const coordinatorStopped = hasMessage(run, COORDINATOR_TERMINATED) || hasMessage(run, FULL_STOP_DONE);
  const gpstopError = findMessage(run, GPSTOP_ERROR);
  const alreadyStopped =
    gpstopError !== null && /postmaster\.pid file does not exist|already stopped/i.test(gpstopError[1] ?? '');
  const imported = importError(run);
  const critical = run.records.find(r => r.level === 'CRITICAL' || r.level === 'FATAL');

  let outcome: Outcome;
  let reason: FailureReason | null = null;
  let errorMessage: string | null = null;
  if (hasMessage(run, USER_ABORT) || base.exitCode === 4) {
    outcome = 'aborted';
    reason = 'user-aborted';
  } else if (gpstopError) {
    errorMessage = (gpstopError[1] ?? '').trim();
    ({ outcome, reason } = classify(errorMessage));
  } else if (critical) {
    errorMessage = critical.message.trim();
    ({ outcome, reason } = classify(errorMessage));
  } else if (imported) {
    outcome = 'failed';
    reason = 'environment';
    errorMessage = imported;
  } else if (isComplete(run) && coordinatorStopped && base.exitCode !== 2) {
    outcome = 'succeeded';
  } else {
    outcome = outcomeFromExitCode(base.exitCode, 4);
    if (outcome === 'failed') reason = 'other';
  }

  // The kill error is harmless only when the stop itself went through.
  const problems = outcome === 'succeeded' ? markHarmless(collectProblems(run), [SPURIOUS_KILL]) : collectProblems(run);
  if (imported && !problems.some(p => p.text === imported))
    problems.push({ level: 'ERROR', text: imported, harmless: false });
  return {
    kind: 'gpstop',
    outcome,
    ...base,
    problems,
    warningsHarmless: problems.every(p => p.harmless),
    complete: isComplete(run),
    args,
    coordinatorOnly,
    shutdownMode,
    coordinatorDataDirectory,
    coordinatorStopped,
    alreadyStopped,
    reason,
    errorMessage,
  };
}

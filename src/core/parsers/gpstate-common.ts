// What the three gpstate parsers share: which mode a run was (-f, -b, -s, …), how gpstate reports its own
// failure (one CRITICAL "gpstate failed. (Reason='…') exiting..." record, exit 2), and the standby state words.
import type { FailureReason, Recognition } from './common';
import { fullMessage } from './common';
import type { LogRecord, Run } from './transcript';
import { commandArgs } from './transcript';

export type GpstateMode = 'f' | 'b' | 's' | 'other';

const STARTING = 'Starting gpstate with args:';
// Options that take a value (gpstate createParser): the value is not a flag.
const VALUE_OPTIONS = new Set(['-d', '-l', '-B', '--timeout', '--retries']);

/** The gpstate mode of an argument string; plain `gpstate` is `-b`. */
export function gpstateModeOfArgs(args: string): GpstateMode {
  const tokens = args.split(/\s+/).filter(t => t.length > 0);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    if (VALUE_OPTIONS.has(t)) {
      i++;
      continue;
    }
    if (t.startsWith('--')) {
      // The only long output options are the two pipe-separated table helpers.
      if (t === '--segmentStatusPipeSeparatedForTableUse' || t === '--printSampleExternalTableSql') return 'other';
      continue;
    }
    if (!t.startsWith('-')) continue;
    for (const letter of t.slice(1)) {
      if (letter === 'f') return 'f';
      if (letter === 's') return 's';
      if (letter === 'b') return 'b';
      if ('emcipQx?h'.includes(letter)) return 'other';
    }
  }
  return 'b';
}

/** The mode of a run: from the "Starting gpstate with args:" line, else the pasted command, else its section headers. */
export function gpstateModeOfRun(run: Run): GpstateMode | null {
  for (const r of run.records) {
    if (r.message.startsWith(STARTING)) return gpstateModeOfArgs(r.message.slice(STARTING.length));
  }
  const args = commandArgs(run.command, 'gpstate');
  if (args !== null) return gpstateModeOfArgs(args);
  for (const r of run.records) {
    const m = r.message;
    if (
      /^Standby (?:master|coordinator) (?:details|instance not configured)/.test(m) ||
      m === '-pg_stat_replication' ||
      m.startsWith('-WAL Sender State:')
    )
      return 'f';
    if (m.endsWith('instance status summary')) return 'b';
    if (/^-(?:Master|Coordinator) Configuration & Status/.test(m)) return 's';
  }
  return null;
}

export function recogniseGpstate(run: Run, wanted: GpstateMode): Recognition {
  // A pasted `$ gpstate` line alone is not output; its failure text (import error, exception tail) is.
  if (run.records.length === 0 && !gpstateFailure(run)) return 'no';
  const mode = gpstateModeOfRun(run);
  if (mode === wanted) return 'yes';
  if (mode === null) return 'maybe';
  return 'no';
}

export interface GpstateFailure {
  record: LogRecord | null;
  reason: FailureReason;
  message: string;
}

const IMPORT_ERROR = /Cannot import modules|greenplum_path\.sh|cloudberry-env\.sh/;

/** gpstate's own failure: a CRITICAL record (exception text), or the import error of an unsourced environment. */
export function gpstateFailure(run: Run): GpstateFailure | null {
  for (const r of run.records) {
    if (r.level !== 'CRITICAL' && r.level !== 'FATAL') continue;
    const message = fullMessage(r);
    return { record: r, reason: classifyConnectionError(message), message };
  }
  for (const line of run.unparsed) {
    if (IMPORT_ERROR.test(line)) return { record: null, reason: 'environment', message: line };
  }
  // A fragment holding only the exception text (the record itself was cut off).
  const tail = run.unparsed.join('\n');
  if (/exiting\.\.\./.test(tail) && run.records.length === 0) {
    return { record: null, reason: classifyConnectionError(tail), message: tail };
  }
  return null;
}

/** Classifies libpq/exception text: a standby refusing connections, a refused/unreachable server, the environment. */
export function classifyConnectionError(message: string): FailureReason {
  if (/in recovery mode|is starting up|recovery is in progress|in hot standby/i.test(message)) return 'in-recovery';
  if (
    /could not connect|Connection refused|timeout expired|No route to host|Name or service not known|could not translate host name|server closed the connection|connection to server/i.test(
      message,
    )
  ) {
    return 'connection-failed';
  }
  if (/environment variable|not set|greenplum_path|cloudberry-env|Cannot import/i.test(message)) return 'environment';
  return 'other';
}

/** Maps the standby status wording of -f/-b/-s to the status enum. */
export function standbyStatusOf(text: string | null): 'passive' | 'down' | 'unknown' {
  if (!text) return 'unknown';
  const t = text.trim().toLowerCase();
  if (t === 'standby host passive' || t.endsWith('passive')) return 'passive';
  if (t === 'standby host down' || t === 'standby process not running' || t.endsWith(' down')) return 'down';
  return 'unknown';
}

/** True for a dashed separator message (TableLogger's 52 dashes and gpstate's 22/61 dash lines). */
export function isSeparator(message: string): boolean {
  if (message.length < 10) return false;
  for (let i = 0; i < message.length; i++) if (message.charCodeAt(i) !== 45) return false;
  return true;
}

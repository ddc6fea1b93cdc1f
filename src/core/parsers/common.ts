// Fields and helpers shared by every parser: the base result schema, problems, vocabulary and product detection,
// and the choice of which run in a capture to report.
import { z } from 'zod';
import type { LogRecord, Run } from './transcript';
import { readEntries, splitRuns } from './transcript';

export const OUTPUT_KINDS = [
  'gpstate-f',
  'gpstate-b',
  'gpstate-s',
  'gpinitstandby',
  'gpactivatestandby',
  'gpstop',
] as const;
export const outputKindSchema = z.enum(OUTPUT_KINDS);
export type OutputKind = z.infer<typeof outputKindSchema>;

export const vocabularySchema = z.enum(['master', 'coordinator']);
export const productSchema = z.enum(['greenplum', 'cloudberry']);
export const outcomeSchema = z.enum(['succeeded', 'refused', 'failed', 'aborted', 'unknown']);
export type Outcome = z.infer<typeof outcomeSchema>;

/** Why a utility refused or failed. `in-recovery`: the host answering is a standby (gpstate run on the standby). */
export const failureReasonSchema = z.enum([
  'data-directory-exists',
  'standby-already-configured',
  'coordinator-still-running',
  'force-required',
  'not-a-standby',
  'connection-failed',
  /** gpinitstandby -a (Greenplum 7, Cloudberry) refuses while a segment host does not answer: nothing was changed. */
  'hosts-unreachable',
  /** gpactivatestandby promoted the standby but timed out waiting for it to accept connections: the promotion happened. */
  'promotion-timed-out',
  'in-recovery',
  'environment',
  'user-aborted',
  'other',
]);
export type FailureReason = z.infer<typeof failureReasonSchema>;

export const problemSchema = z.object({
  level: z.enum(['WARNING', 'ERROR', 'CRITICAL']),
  text: z.string(),
  /** Known to be harmless (README facts): the extension-sync warning of gpinitstandby, gpstop's spurious kill error. */
  harmless: z.boolean(),
});
export type Problem = z.infer<typeof problemSchema>;

export const promptSchema = z.object({ text: z.string(), answer: z.string().nullable() });

export const baseResultShape = {
  vocabulary: vocabularySchema,
  product: productSchema,
  outcome: outcomeSchema,
  problems: z.array(problemSchema),
  /** True when every problem is a known-harmless one (also true when there is none). */
  warningsHarmless: z.boolean(),
  /** Host, user, PID and start time of the run, from its log prefix (null when the capture holds no prefixed line). */
  host: z.string().nullable(),
  user: z.string().nullable(),
  pid: z.number().int().nullable(),
  startedAt: z.string().nullable(),
  /** The utility's exit status: given by the caller, else read from a saved capture's `# exit code:` footer. */
  exitCode: z.number().int().nullable(),
  /** Server version as printed, e.g. `6.24.3`, `7.1.0`, `2.0.0-incubating`. */
  version: z.string().nullable(),
  /** The output reached the utility's last line (a capture cut short is still parsed, with complete = false). */
  complete: z.boolean(),
  /** How many runs of the utility the text held; the last complete one is reported. */
  runsFound: z.number().int().nonnegative(),
  prompts: z.array(promptSchema),
  /** Lines that matched no known format (kept, never fatal). At most 200, each cut at 500 characters. */
  unparsedLines: z.array(z.string()),
};

export interface ParseOptions {
  exitCode?: number;
}

export type ParseResult<T> = { recognized: true; result: T } | { recognized: false; reason: string };

/** Message text of a record including its continuation lines. */
export function fullMessage(record: LogRecord): string {
  return record.continuation.length ? `${record.message}\n${record.continuation.join('\n')}` : record.message;
}

/** Problems of a run: its own WARNING/ERROR/CRITICAL records, then those of child utilities it started. */
export function collectProblems(run: Run, describe: (record: LogRecord) => string = fullMessage): Problem[] {
  const problems: Problem[] = [];
  for (const r of run.records) {
    if (r.level === 'INFO' || r.level === 'DEBUG') continue;
    problems.push({
      level: r.level === 'FATAL' ? 'CRITICAL' : (r.level as Problem['level']),
      text: describe(r).trim(),
      harmless: false,
    });
  }
  for (const r of run.childProblems) {
    problems.push({
      level: r.level === 'FATAL' ? 'CRITICAL' : (r.level as Problem['level']),
      text: `${r.program}: ${fullMessage(r).trim()}`,
      harmless: false,
    });
  }
  return problems;
}

// A vocabulary word that is not part of a path, an environment variable or a longer identifier.
const VOCABULARY_WORD = /(?:^|[^A-Za-z0-9_/.])(master|coordinator)(?![A-Za-z0-9_/])/gi;
const CLOUDBERRY_WORD = /(?:^|[^A-Za-z0-9_/.-])cloudberry(?:db)?(?![A-Za-z0-9_/-])/i;

export interface Dialect {
  vocabulary: 'master' | 'coordinator';
  product: 'greenplum' | 'cloudberry';
}

/** Greenplum 5/6 say "master", Greenplum 7 and Cloudberry "coordinator"; Cloudberry names itself in banners. */
export function detectDialect(run: Run, otherRuns: readonly Run[] = []): Dialect {
  const own = countDialectWords(run);
  if (own.coordinator + own.master > 0 || own.cloudberry) return dialectOf(own);
  // A short run (an error line only) says neither word: the other runs in the same capture are the best hint.
  const total = { coordinator: 0, master: 0, cloudberry: false };
  for (const r of otherRuns) {
    const c = countDialectWords(r);
    total.coordinator += c.coordinator;
    total.master += c.master;
    total.cloudberry ||= c.cloudberry;
  }
  return dialectOf(total);
}

function dialectOf(c: { coordinator: number; master: number; cloudberry: boolean }): Dialect {
  const vocabulary =
    c.coordinator > 0 ? 'coordinator' : c.master > 0 ? 'master' : c.cloudberry ? 'coordinator' : 'master';
  return { vocabulary, product: c.cloudberry ? 'cloudberry' : 'greenplum' };
}

function countDialectWords(run: Run): { coordinator: number; master: number; cloudberry: boolean } {
  let coordinator = 0;
  let master = 0;
  let cloudberry = false;
  // The words appear in the banners and section headers at the start of a run and in its closing lines;
  // looking at a bounded number of records keeps a 1,000-segment report as cheap as a short one.
  const texts: string[] = [];
  const records = run.records;
  const HEAD = 150;
  const TAIL = 30;
  for (let i = 0; i < records.length; i++) {
    if (i === HEAD && records.length > HEAD + TAIL) i = records.length - TAIL;
    const r = records[i];
    if (r && r.level !== 'DEBUG') texts.push(r.message);
  }
  for (const p of run.prompts) texts.push(p.text);
  for (const text of texts) {
    VOCABULARY_WORD.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = VOCABULARY_WORD.exec(text)) !== null) {
      if ((m[1] ?? '').toLowerCase() === 'coordinator') coordinator++;
      else master++;
    }
    if (!cloudberry && CLOUDBERRY_WORD.test(text)) cloudberry = true;
  }
  return { coordinator, master, cloudberry };
}

const VERSION_IN_BANNER =
  /\((?:Greenplum Database|Apache Cloudberry|Cloudberry Database|CloudberryDB)\) ([0-9][^\s']*)/;

/** The server version from the first version banner of the run. */
export function detectVersion(run: Run): string | null {
  for (const r of run.records) {
    if (!r.message.includes('ersion')) continue;
    const m = VERSION_IN_BANNER.exec(r.message);
    if (m && m[1]) return m[1];
  }
  return null;
}

/** The fields every result carries, computed from the chosen run. Kind parsers fill in the rest. */
export function baseFields(chosen: ChosenRun, opts: ParseOptions | undefined) {
  const { run, runsFound } = chosen;
  const first = run.records[0];
  const dialect = detectDialect(run, chosen.allRuns);
  const exitCode =
    typeof opts?.exitCode === 'number' && Number.isInteger(opts.exitCode) ? opts.exitCode : run.footerExitCode;
  return {
    vocabulary: dialect.vocabulary,
    product: dialect.product,
    host: first ? first.host : null,
    user: first ? first.user : null,
    // A copied transcript may have lost the date, time and PID of its lines.
    pid: first && first.timestamp !== '' ? first.pid : null,
    startedAt: first && first.timestamp !== '' ? first.timestamp : null,
    exitCode,
    version: detectVersion(run),
    runsFound,
    prompts: run.prompts.map(p => ({ text: p.text, answer: p.answer })),
    unparsedLines: run.unparsed,
  };
}

export type Recognition = 'yes' | 'maybe' | 'no';

export interface ChosenRun {
  run: Run;
  /** Runs of the kind asked for. */
  runsFound: number;
  /** Every run of the utility in the text, whatever its kind. */
  allRuns: Run[];
}

/**
 * Finds the run to report: the last complete run the kind recognises, else the last recognised one
 * ('yes' before 'maybe'). Returns a reason when there is none.
 */
export function chooseRun(
  text: string,
  program: string,
  recognise: (run: Run) => Recognition,
  isComplete: (run: Run) => boolean,
  describeKind: string,
  /** For runs whose lines all lost their program name: a message that shows they are this utility's. */
  anonymousMarker?: RegExp,
): ChosenRun | { reason: string } {
  if (typeof text !== 'string') return { reason: 'input is not text' };
  if (text.trim().length === 0) return { reason: 'input is empty' };
  const runs = splitRuns(readEntries(text), program);
  if (runs.length === 0)
    return { reason: `no ${program} output found (no ${program} log line and no "$ ${program}" command line)` };
  const yes: Run[] = [];
  const maybe: Run[] = [];
  let named = 0;
  for (const r of runs) {
    let rec = recognise(r);
    const anonymous = r.records.length > 0 && r.records.every(x => x.program === '');
    if (!anonymous) named++;
    if (rec !== 'no' && anonymous) {
      // Without program names only the content can tell which utility printed the lines.
      if (rec === 'maybe' || (anonymousMarker && !r.records.some(x => anonymousMarker.test(x.message)))) rec = 'no';
    }
    if (rec === 'yes') yes.push(r);
    else if (rec === 'maybe') maybe.push(r);
  }
  const pool = yes.length ? yes : maybe;
  if (pool.length === 0) {
    if (named === 0)
      return { reason: `found log lines without a program name, but none in the wording of ${describeKind}` };
    return { reason: `${program} output found, but it is not ${describeKind} output` };
  }
  let chosen: Run | undefined;
  for (let i = pool.length - 1; i >= 0; i--) {
    const r = pool[i];
    if (r && isComplete(r)) {
      chosen = r;
      break;
    }
  }
  chosen ??= pool[pool.length - 1];
  if (!chosen) return { reason: `no ${describeKind} output found` };
  return { run: chosen, runsFound: pool.length, allRuns: runs };
}

/** Parses an integer field; null when the value is not a plain non-negative integer. */
export function toInt(value: string | null | undefined): number | null {
  if (typeof value !== 'string') return null;
  const t = value.trim();
  if (!/^\d{1,15}$/.test(t)) return null;
  return Number(t);
}

/** Outcome from the exit status alone, for a capture whose text stops before the utility's last line. */
export function outcomeFromExitCode(exitCode: number | null, userAbortCode: number | null = null): Outcome {
  if (exitCode === null) return 'unknown';
  if (exitCode === 0) return 'succeeded';
  if (userAbortCode !== null && exitCode === userAbortCode) return 'aborted';
  return 'failed';
}

// Helpers for the utilities that change the cluster (gpinitstandby, gpactivatestandby, gpstop).
import type { Problem } from './common';
import type { Run } from './transcript';

const IMPORT_ERROR = /Cannot import modules|sourced (?:greenplum_path|cloudberry-env)\.sh/;

/** The import error printed (without a log prefix) when the environment script was not sourced. */
export function importError(run: Run): string | null {
  for (const line of run.unparsed) if (IMPORT_ERROR.test(line)) return line.trim();
  return null;
}

/** Marks the problems known to be harmless; each rule is asked about each problem's text. */
export function markHarmless(problems: Problem[], rules: ((text: string) => boolean)[]): Problem[] {
  return problems.map(p => (rules.some(rule => rule(p.text)) ? { ...p, harmless: true } : p));
}

/** The first message of the run's own records matching `re`, with its match. */
export function findMessage(run: Run, re: RegExp): RegExpExecArray | null {
  for (const r of run.records) {
    const m = re.exec(r.message);
    if (m) return m;
  }
  return null;
}

export function hasMessage(run: Run, re: RegExp): boolean {
  return findMessage(run, re) !== null;
}

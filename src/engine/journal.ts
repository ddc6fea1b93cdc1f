// The journal file: JSON Lines appended synchronously, one entry per event, so that a crash loses at most the
// line being written (which the reader skips). The path is the caller's (the extension's storage, the CLI's state dir).
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseJournal } from '../core/procedures/journal';
import type { JournalEntry } from '../core/procedures/journal';
import type { ProcedureId } from '../core/procedures/types';

export class JournalFile {
  constructor(readonly path: string) {}

  append(entry: JournalEntry): void {
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`, { encoding: 'utf8' });
  }

  read(cluster?: string): JournalEntry[] {
    if (!existsSync(this.path)) return [];
    const all = parseJournal(readFileSync(this.path, 'utf8'));
    return cluster === undefined ? all : all.filter(e => e.cluster === cluster);
  }
}

export interface InterruptedRun {
  procedure: ProcedureId;
  runId: string;
  /** "<step id> on <host>" of the last step the run started, if it started one. */
  lastStep?: string;
}

/**
 * The cluster's last run, when it was interrupted: it never finished (window reloaded, process killed), or it ended
 * with its last step's outcome unknown (connection lost, timeout) or cancelled.
 */
export function interruptedRun(entries: readonly JournalEntry[], cluster: string): InterruptedRun | undefined {
  const mine = entries.filter(e => e.cluster === cluster);
  const open = [...mine].reverse().find(e => e.type === 'run-started');
  if (!open) return undefined;
  const finish = mine.find(e => e.runId === open.runId && e.type === 'run-finished');
  if (finish && finish.status !== 'unknown' && finish.status !== 'cancelled') return undefined;
  const last = [...mine].reverse().find(e => e.runId === open.runId && e.type === 'step-started');
  return {
    procedure: open.procedure,
    runId: open.runId,
    ...(last?.stepId ? { lastStep: `${last.stepId} on ${last.host ?? '?'}` } : {}),
  };
}

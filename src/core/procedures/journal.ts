// The journal: one JSON object per line, appended as a procedure runs, so a run survives any interruption.
// The planner reads it only to know what this procedure already did; what to do next comes from observation.
import { z } from 'zod';
import { PROCEDURE_IDS } from './types';
import type { ProcedureId, StepId } from './types';

export const stepStatusSchema = z.enum([
  'pending',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'unknown',
  'needs-attention',
  'refused',
]);
export type StepStatus = z.infer<typeof stepStatusSchema>;

export const journalEntrySchema = z.object({
  ts: z.string(),
  runId: z.string(),
  cluster: z.string(),
  procedure: z.enum(PROCEDURE_IDS),
  type: z.enum(['run-started', 'step-started', 'step-finished', 'run-finished']),
  stepId: z.string().optional(),
  host: z.string().optional(),
  command: z.string().optional(),
  status: z.string().optional(),
  exitCode: z.number().nullable().optional(),
  message: z.string().optional(),
  user: z.string().optional(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/** Parses JSON Lines; a torn last line (the process died mid-write) and foreign lines are skipped, not fatal. */
export function parseJournal(text: string): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = journalEntrySchema.safeParse(JSON.parse(line));
      if (r.success) out.push(r.data);
    } catch {
      // a partial line from an interrupted write
    }
  }
  return out;
}

function relevant(journal: readonly JournalEntry[], cluster: string, procedure: ProcedureId): JournalEntry[] {
  return journal.filter(e => e.cluster === cluster && e.procedure === procedure);
}

/** The last step this procedure started on this cluster (whatever its outcome), if any. */
export function lastStepStarted(
  journal: readonly JournalEntry[],
  cluster: string,
  procedure: ProcedureId,
): StepId | null {
  const es = relevant(journal, cluster, procedure).filter(e => e.type === 'step-started');
  return (es[es.length - 1]?.stepId as StepId | undefined) ?? null;
}

/** Steps finished in one run, in order. */
export function stepsFinishedInRun(journal: readonly JournalEntry[], runId: string): JournalEntry[] {
  return journal.filter(e => e.runId === runId && e.type === 'step-finished');
}

/**
 * True when a step that changed the cluster finished (or ended unknown) after the last verification that reached a
 * verdict (succeeded, failed or needs attention): the goal state may already be observed, but the procedure's own
 * check has not looked at it yet. A verification that found a problem counts too, or every later run would only
 * verify again instead of planning what the problem calls for.
 */
export function changedSinceVerified(
  journal: readonly JournalEntry[],
  cluster: string,
  procedure: ProcedureId,
  verifyStep: StepId,
  changingSteps: readonly StepId[],
): boolean {
  let lastChange = -1;
  let lastVerify = -1;
  relevant(journal, cluster, procedure).forEach((e, i) => {
    if (e.type !== 'step-finished') return;
    if (e.stepId === verifyStep && e.status !== 'unknown') lastVerify = i;
    if (changingSteps.includes(e.stepId as StepId) && (e.status === 'succeeded' || e.status === 'unknown'))
      lastChange = i;
  });
  return lastChange > lastVerify;
}

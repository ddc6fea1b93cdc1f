// What a step's output tells beyond its exit status: known harmless lines of the utilities, and the facts of a
// gpstate re-read that the verification judges. Pure functions of the step and its text.
import { parseOutput } from '../core/parsers';
import type { ParsedForVerify } from '../core/procedures/guards';
import type { PlannedStep } from '../core/procedures/types';

/** Known harmless lines in the utilities' output, and what they mean. */
export function harmlessNotes(step: PlannedStep, output: string, exitCode: number | null): string[] {
  const notes: string[] = [];
  if (
    step.id === 'init-standby' &&
    /Syncing of (Greenplum Database|Cloudberry Database|CloudberryDB|Greenplum) extensions has failed/i.test(output)
  ) {
    notes.push(
      'gpinitstandby warned that syncing extensions failed: harmless here (it always warns when gppkg has nothing to sync); the standby is judged by observation.',
    );
  }
  if (step.id === 'stop-coordinator' && exitCode === 0 && /\[ERROR\]:-Failed to kill process/.test(output)) {
    notes.push(
      'gpstop printed "Failed to kill process … No such process" and exited 0: a known spurious error — the process had already exited. The stop is judged by observation.',
    );
  }
  return notes;
}

/** The facts of a gpstate step's output that its verification needs; undefined for other steps. */
export function parsedForVerify(step: PlannedStep, text: string, exitCode: number | null): ParsedForVerify | undefined {
  const opts = exitCode === null ? {} : { exitCode };
  if (step.outputKind === 'gpstate-f') {
    const p = parseOutput('gpstate-f', text, opts);
    if (!p.recognized) return { recognized: false };
    const r = p.result;
    return {
      recognized: true,
      outcome: r.outcome,
      standbyStatus: r.standbyConfigured === false ? null : (r.standby?.status ?? null),
      walState: r.replication?.[0]?.state ?? null,
    };
  }
  if (step.outputKind === 'gpstate-b') {
    const p = parseOutput('gpstate-b', text, opts);
    if (!p.recognized) return { recognized: false };
    const r = p.result;
    return {
      recognized: true,
      outcome: r.outcome,
      coordinatorStatus: r.coordinator?.status ?? null,
      standbyConfigured: r.standbyConfigured === true,
    };
  }
  return undefined;
}

/** stdout and stderr as one text, the way the parsers and the notes read a step's output. */
export function combinedOutput(result: { stdout: string; stderr: string }): string {
  return result.stdout + (result.stderr ? `\n${result.stderr}` : '');
}

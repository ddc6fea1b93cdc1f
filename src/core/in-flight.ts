// Work still in flight on the hosts: a utility a killed or cut-off run left running (gpinitstandby's pg_basebackup
// still filling the new standby's directory, a gpstop still stopping). A run must not plan over it: the plan would
// be made from a state that is still changing. This module reads `ps` output and says what runs; the engine asks
// every host at once, so the decision rests on one snapshot of the cluster.
import type { JournalEntry } from './procedures/journal';
import { visibleText } from './shell';

/** The programs the procedures' steps run, or that those run on other hosts (pg_basebackup, pg_ctl). */
export const STEP_PROGRAMS = [
  'gpinitstandby',
  'pg_basebackup',
  'gpactivatestandby',
  'gpstop',
  'gpstart',
  'pg_ctl',
  'gpstandbystart',
] as const;

/**
 * Lists the step programs' processes with their command lines. `[g]pstop` matches "gpstop" but not itself, so the
 * script never finds its own grep. Only processes in this shell's mount namespace count: a host's own processes
 * (hosts sharing one kernel, such as containers, see each other's pids but not each other's mount namespace).
 */
export const PROCESS_LIST_SCRIPT = [
  `self=$(readlink /proc/self/ns/mnt 2>/dev/null)`,
  `ps -eo pid=,args= 2>/dev/null | grep -E '(^|[ /])(${STEP_PROGRAMS.map(p => `[${p[0]}]${p.slice(1)}`).join('|')})( |$)' | head -n 200 |`,
  `while read -r pid args; do [ "$(readlink /proc/$pid/ns/mnt 2>/dev/null)" = "$self" ] && printf '%s %s\\n' "$pid" "$args"; done`,
  'exit 0',
].join('\n');

export interface StepProcess {
  host: string;
  pid: number;
  program: string;
  /** The command line, shortened and with control characters escaped (it is shown to the user). */
  commandLine: string;
}

const PROGRAMS: ReadonlySet<string> = new Set(STEP_PROGRAMS);

/** The step programs in `ps -eo pid=,args=` output: a word of the command line whose base name is one of them. */
export function stepProcesses(host: string, psOutput: string): StepProcess[] {
  const found: StepProcess[] = [];
  for (const line of psOutput.split('\n')) {
    const trimmed = line.trim();
    const space = trimmed.indexOf(' ');
    if (space < 0) continue;
    const pid = Number(trimmed.slice(0, space));
    const args = trimmed.slice(space + 1);
    if (!Number.isInteger(pid)) continue;
    // Only the first few words: a program's own name is there (or after its interpreter), not in its arguments.
    const program = args
      .split(/\s+/, 3)
      .map(w => w.slice(w.lastIndexOf('/') + 1))
      .find(w => PROGRAMS.has(w));
    if (program) found.push({ host, pid, program, commandLine: visibleText(args.slice(0, 160)).slice(1, -1) });
  }
  return found;
}

/** The last step the cluster's last run started and never recorded the end of (the client died during it). */
export function openStep(
  journal: readonly JournalEntry[],
  cluster: string,
): { stepId: string; host: string } | undefined {
  const mine = journal.filter(e => e.cluster === cluster);
  const started = [...mine].reverse().find(e => e.type === 'step-started');
  if (!started?.stepId) return undefined;
  const ended = mine.some(e => e.type === 'step-finished' && e.runId === started.runId && e.stepId === started.stepId);
  return ended ? undefined : { stepId: started.stepId, host: started.host ?? '?' };
}

/** Why a run must not start while these run, naming each process and host, and the open step when there is one. */
export function inFlightRefusal(
  processes: readonly StepProcess[],
  open: { stepId: string; host: string } | undefined,
): string {
  const list = processes.map(p => `${p.program} (pid ${p.pid}) on ${p.host}: ${p.commandLine}`).join('; ');
  const why = open
    ? ` The last run's step ${open.stepId} on ${open.host} started and its end was never recorded: it may still be in flight.`
    : '';
  return (
    `Not started: a step's program still runs — ${list}.${why} Planning now would act on a state that is still ` +
    'changing. Wait for it to end (or stop it on the host after checking what it does), then run again. Nothing was changed.'
  );
}

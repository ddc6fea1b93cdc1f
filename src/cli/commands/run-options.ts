// The choices `gpcoord run` takes beyond the procedure — fencing, -f, a replacement standby host, a dry run —
// and what it prints for them (the last recorded replication state before a failover, a dry run's guards).
import { describeLastReplication } from '../../core/history';
import type { PlanOptions } from '../../core/lifecycle-planner';
import type { ProcedureId } from '../../core/procedures/types';
import type { HistoryFile } from '../../engine/history';
import type { RunEvent } from '../../engine/runner';
import type { ParsedArgs } from '../args';

export const RUN_OPTION_VALUES = ['confirm-fenced', 'standby-host'] as const;
export const RUN_OPTION_FLAGS = ['dry-run', 'force-activation'] as const;

export const RUN_OPTIONS_USAGE = `  --dry-run           observe, plan and check every guard on the hosts; run no step, change nothing
  --confirm-fenced HOST   failover: you confirm HOST (the old coordinator) is fenced — powered off or
                      isolated — by typing its name; --yes alone never activates a standby
  --force-activation  failover: gpactivatestandby -f when the standby postmaster is down (the latest
                      commits may be lost)
  --standby-host HOST restore-mirroring, rebuild-standby: the inventory host that becomes the standby
                      (a replacement for the former coordinator's host)`;

export function planOptionsFromArgs(
  procedure: ProcedureId,
  args: ParsedArgs,
): { options: PlanOptions; error?: string } {
  const options: PlanOptions = {};
  const fenced = args.values.get('confirm-fenced');
  const standbyHost = args.values.get('standby-host');
  const force = args.flags.has('force-activation');
  if ((fenced !== undefined || force) && procedure !== 'failover')
    return { options, error: '--confirm-fenced and --force-activation belong to failover' };
  if (standbyHost !== undefined && procedure !== 'restore-mirroring' && procedure !== 'rebuild-standby') {
    return { options, error: '--standby-host belongs to restore-mirroring and rebuild-standby' };
  }
  if (procedure === 'failover' && fenced === undefined && !args.flags.has('dry-run')) {
    return {
      options,
      error:
        'failover activates the standby only after you confirm the old coordinator is fenced (powered off or isolated), since a coordinator that is only ' +
        'unreachable may still take writes: pass --confirm-fenced <old coordinator host> (--yes alone is not enough), or --dry-run to see the plan',
    };
  }
  if (fenced !== undefined) options.fencedHost = fenced;
  if (force) options.force = true;
  if (standbyHost !== undefined) options.standbyHost = standbyHost;
  return { options };
}

/** What failover shows before anything runs: the last replication state recorded while a coordinator was up. */
export function failoverPreamble(history: HistoryFile, cluster: string, force: boolean, now: Date): string {
  const lines = [
    describeLastReplication(
      history.read().filter(e => e.cluster === cluster),
      now,
    ),
  ];
  if (force) {
    lines.push(
      'WARNING: --force-activation: gpactivatestandby -f starts a stopped standby in utility mode and activates whatever WAL it has. ' +
        'Commits the old coordinator made after the standby last received WAL are lost.',
    );
  }
  return lines.join('\n');
}

/** Appends observations that changed something and the run's end to the history. */
export function historyRecorder(history: HistoryFile, user: string): (e: RunEvent) => void {
  return e => {
    try {
      if (e.type === 'observed') history.recordObservation(e.state);
      if (e.type === 'run-finished') {
        const r = e.result;
        history.recordRun({
          ts: new Date().toISOString(),
          cluster: r.cluster,
          procedure: r.procedure,
          runId: r.runId,
          status: r.status,
          message: r.message,
          user,
        });
      }
    } catch {
      // The history is a record, not a condition of the run: a full disk must not stop a failover.
    }
  };
}

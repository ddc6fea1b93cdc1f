// D. Failover ("Activate the Standby…"): the coordinator died; activate its standby. Only when the old coordinator
// is confirmed down (its host answers and runs no postmaster, or does not answer) and the DBA has typed its name to
// confirm it is fenced: a coordinator that is only unreachable may still take writes.
import type { TemplateKit } from './template-kit';
import { MINUTE } from './template-kit';
import type { ProcedureDefinition, StepTemplate } from './types';

const moveLockAside = (k: TemplateKit): StepTemplate => ({
  id: 'move-lock-aside',
  title: 'Move the stale lock file aside on the old coordinator host',
  host: 'old-coordinator',
  changesCluster: true,
  guards: [
    k.noSplitBrain('old-coordinator'),
    {
      kind: 'state',
      id: 'no-active-coordinator',
      host: 'old-coordinator',
      description: 'no host runs an active coordinator, and no two claim to (observed right before the step)',
    },
    {
      kind: 'remote',
      id: 'postmaster-stopped',
      host: 'old-coordinator',
      description: "no postmaster runs on the old coordinator's data directory (checked on that host)",
    },
    {
      kind: 'remote',
      id: 'lock-file-stale',
      host: 'old-coordinator',
      description:
        'the lock file exists and the PID in it is not a running postgres (left by a postmaster killed with kill -9)',
    },
    {
      kind: 'remote',
      id: 'lock-aside-path-free',
      host: 'old-coordinator',
      description: 'the name the lock file is moved to is not taken',
    },
  ],
  verify: {
    expect: 'lock-file-moved',
    description: 'the old coordinator host has no lock file for the port any more',
    waitMs: 0,
  },
  onFailure:
    'Nothing was deleted. Check that no postgres runs on the old coordinator host, then run the procedure again.',
  timeoutMs: MINUTE,
  outputKind: null,
  prompts: null,
  warning:
    'A postmaster killed with kill -9 (or a host that lost power) leaves /tmp/.s.PGSQL.<port>.lock behind. gpactivatestandby reads it over ssh ' +
    'and refuses ("Active postgres process on master") while it exists. It is moved aside, never deleted.',
});

const activate = (k: TemplateKit): StepTemplate => ({
  id: 'activate-standby',
  title: 'Activate the standby (gpactivatestandby)',
  host: 'standby-host',
  changesCluster: true,
  guards: [
    k.noSplitBrain('standby-host'),
    {
      kind: 'state',
      id: 'no-active-coordinator',
      host: 'old-coordinator',
      description: 'no host runs an active coordinator, and no two claim to (observed right before the step)',
    },
    {
      kind: 'state',
      id: 'down-or-unreachable',
      host: 'old-coordinator',
      description: "the old coordinator's host answers and runs no postmaster, or does not answer at all",
    },
    {
      kind: 'state',
      id: 'fencing-confirmed',
      host: 'old-coordinator',
      description: "the DBA typed the old coordinator's host name to confirm it is fenced (powered off or isolated)",
    },
  ],
  verify: {
    expect: 'host-active',
    description: 'the standby host runs the active coordinator (not in recovery)',
    waitMs: MINUTE,
  },
  onFailure:
    '"Active postgres process on master/coordinator" means a postmaster or a lock file remains on the old host: run the procedure again (it moves a stale lock file aside). ' +
    '"Force activation required" means the standby postmaster is not running: start it, or choose -f knowingly. If it timed out, gpactivatestandby may still be ' +
    'waiting for ssh to the old host: make that host refuse connections (power it off), then run the procedure again; it continues from what it observes.',
  timeoutMs: 10 * MINUTE,
  outputKind: 'gpactivatestandby',
  prompts:
    '-a: gpactivatestandby\'s "continue with standby activation? Yy|Nn" is answered by the confirmation before this step (its checks still run)',
  warning:
    'The standby becomes the coordinator: clients must connect to it. The old coordinator must never start again as coordinator while this one runs. ' +
    "Changes committed on the old coordinator after the standby's last received WAL are lost.",
});

export function failoverProcedure(k: TemplateKit): ProcedureDefinition {
  return {
    id: 'failover',
    title: 'Activate the standby',
    description:
      'The coordinator is down: move its stale lock file aside (when its host answers), activate the standby (gpactivatestandby) and check it (gpstate -b). ' +
      'Then restore mirroring.',
    steps: [moveLockAside(k), activate(k), k.checkActivation('standby-host')],
  };
}

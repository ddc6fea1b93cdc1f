// The procedures, as data: DESIGN.md's A (restore mirroring), B (return to the original hosts) and C (check).
// D–F (failover, start-standby, rebuild-standby) live in their own files. Commands are built by commands.ts; the planner decides which step comes next from what is observed.
import { failoverProcedure } from './failover';
import { rebuildStandbyProcedure } from './rebuild-standby';
import { startStandbyProcedure } from './start-standby';
import { SWAP_OUTAGE } from './swap-rollback';
import type { TemplateKit } from './template-kit';
import { MINUTE } from './template-kit';
import type { GuardSpec, ProcedureDefinition, ProcedureId, StepTemplate } from './types';

/** Steps that work through the active coordinator: exactly one, neither none nor two (split brain). */
const oneActiveCoordinator = (host: GuardSpec['host']): GuardSpec => ({
  kind: 'state',
  id: 'one-active-coordinator',
  host,
  description: 'exactly one host is the active coordinator (not none, not two: no split brain)',
});

/** The activation, where none is expected: no host runs an active coordinator (two would be a split brain). */
const noActiveCoordinator = (host: GuardSpec['host']): GuardSpec => ({
  kind: 'state',
  id: 'no-active-coordinator',
  host,
  description: 'no host runs an active coordinator, and no two claim to (observed right before the step)',
});

/** At most one active coordinator: for steps that may run with none (the failover's). */
const noSplitBrain = (host: GuardSpec['host']): GuardSpec => ({
  kind: 'state',
  id: 'no-split-brain',
  host,
  description: 'no two hosts claim to be the active coordinator (no split brain)',
});

/** Moves the stale data directory aside (never deletes it): the only step that touches a data directory. */
const moveAside = (host: GuardSpec['host']): StepTemplate => ({
  id: 'move-aside',
  title: 'Move the stale data directory aside',
  host,
  changesCluster: true,
  guards: [
    oneActiveCoordinator(host),
    {
      kind: 'state',
      id: 'host-not-active',
      host,
      description:
        'the host was observed and is not the active coordinator, and no postmaster runs on its data directory',
    },
    {
      kind: 'remote',
      id: 'data-directory-present',
      host,
      description: 'the data directory exists on the host (as a directory)',
    },
    {
      kind: 'remote',
      id: 'data-directory-not-in-use',
      host,
      description:
        'no running postmaster uses the data directory (postmaster.pid and the port lock file, checked on the host)',
    },
    {
      kind: 'remote',
      id: 'backup-path-free',
      host,
      description: 'nothing (not even a symbolic link) has the backup name: an existing backup is never overwritten',
    },
    {
      kind: 'remote',
      id: 'same-filesystem',
      host,
      description:
        "the data directory is on its parent's filesystem (not a mount point), so mv is a rename, and the login user can write to the parent",
    },
  ],
  verify: { expect: 'directory-moved', description: 'the data directory is gone and the backup holds it', waitMs: 0 },
  onFailure:
    'Nothing was deleted. Check the message, the permissions of the parent directory, and that no process uses the directory; then run the procedure again.',
  timeoutMs: 2 * MINUTE,
  outputKind: null,
  prompts: null,
});

const initStandby = (host: GuardSpec['host'], target: GuardSpec['host']): StepTemplate => ({
  id: 'init-standby',
  title: 'Initialize the standby (gpinitstandby -s)',
  host,
  changesCluster: true,
  guards: [
    oneActiveCoordinator(host),
    { kind: 'state', id: 'host-is-active', host, description: 'the host runs the active coordinator' },
    { kind: 'state', id: 'no-standby-configured', host, description: 'the catalog lists no standby yet' },
    {
      kind: 'remote',
      id: 'data-directory-absent',
      host: target,
      description:
        'nothing (not even a symbolic link) is at the standby data directory on the target host (gpinitstandby would refuse)',
    },
  ],
  verify: {
    expect: 'standby-streaming',
    description: 'the new standby is passive and its WAL sender is streaming',
    waitMs: 60_000,
  },
  onFailure:
    'gpinitstandby rolls back its catalog change on failure. Read its message: "Data directory already exists" means the old directory is still there; ' +
    '"standby already configured" means a standby row exists (see gpstate -f). Run the procedure again once fixed.',
  timeoutMs: 30 * MINUTE,
  outputKind: 'gpinitstandby',
  prompts:
    '-a: gpinitstandby\'s "continue with standby initialization? Yy|Nn" is answered by the confirmation before this step',
});

const verifyMirroring = (
  host: GuardSpec['host'],
  id: 'verify-mirroring' | 'check-mirroring' = 'verify-mirroring',
): StepTemplate => ({
  id,
  title: id === 'check-mirroring' ? 'Check coordinator mirroring (gpstate -f)' : 'Verify mirroring (gpstate -f)',
  host,
  changesCluster: false,
  guards: [{ kind: 'state', id: 'host-is-active', host, description: 'the host runs the active coordinator' }],
  verify: {
    expect: 'gpstate-f-streaming',
    description: 'gpstate -f shows "Standby host passive" and WAL sender state "streaming"',
    waitMs: 60_000,
  },
  onFailure:
    '"passive" with "No entries found." means the standby postmaster is up but not replicating yet (pg_hba, network, still starting): wait and check again. ' +
    '"Standby process not running" means it stopped: read its log in the standby data directory.',
  timeoutMs: 3 * MINUTE,
  outputKind: 'gpstate-f',
  prompts: null,
});

const checkActivation = (host: GuardSpec['host']): StepTemplate => ({
  id: 'check-activation',
  title: 'Check the activated coordinator (gpstate -b)',
  host,
  changesCluster: false,
  guards: [{ kind: 'state', id: 'host-is-active', host, description: 'the host runs the active coordinator' }],
  verify: {
    expect: 'gpstate-b-active-no-standby',
    description: 'gpstate -b shows the coordinator "Active" and no standby configured',
    waitMs: 0,
  },
  onFailure: "Read gpstate's output; the coordinator was activated, the remaining steps restore its standby.",
  timeoutMs: 3 * MINUTE,
  outputKind: 'gpstate-b',
  prompts: null,
});

export const RESTORE_MIRRORING: ProcedureDefinition = {
  id: 'restore-mirroring',
  title: 'Restore coordinator mirroring',
  description:
    'After a failover: move the stale data directory on the former coordinator aside, make it the standby of the active coordinator (gpinitstandby -s), and verify it streams (gpstate -f).',
  steps: [moveAside('new-standby'), initStandby('active', 'new-standby'), verifyMirroring('active')],
};

export const RETURN_TO_ORIGINAL: ProcedureDefinition = {
  id: 'return-to-original',
  title: 'Return the coordinator to its original host',
  description:
    "Not online: the coordinator stops. Stop the acting coordinator (gpstop -m), activate the original host's standby (gpactivatestandby), " +
    "check it (gpstate -b), move the other host's data directory aside, make it the standby again (gpinitstandby -s) and verify (gpstate -f).",
  steps: [
    {
      id: 'stop-coordinator',
      title: 'Stop the acting coordinator (gpstop -m)',
      host: 'original-standby',
      changesCluster: true,
      guards: [
        oneActiveCoordinator('original-standby'),
        {
          kind: 'state',
          id: 'host-is-active',
          host: 'original-standby',
          description: 'the host runs the active coordinator',
        },
        {
          kind: 'state',
          id: 'standby-synchronized',
          host: 'original-coordinator',
          description: 'the original host is the standby, streaming, sync state "sync", with sent = flush',
        },
      ],
      verify: {
        expect: 'host-stopped',
        description: "no postmaster runs on the acting coordinator's data directory",
        waitMs: 30_000,
      },
      onFailure:
        "If gpstop reports the instance already stopped, run the procedure again: it continues from what it observes. Otherwise read gpstop's message; " +
        'the cluster may have no coordinator now — start it again with gpstart -a on that host if you abandon the swap.',
      timeoutMs: 10 * MINUTE,
      outputKind: 'gpstop',
      prompts:
        '-a: gpstop\'s "Continue with master-only shutdown Yy|Nn" is answered by the confirmation before this step; -M fast ends sessions instead of waiting',
      warning: SWAP_OUTAGE,
    },
    {
      id: 'activate-standby',
      title: 'Activate the standby on the original host (gpactivatestandby)',
      host: 'original-coordinator',
      changesCluster: true,
      guards: [
        noActiveCoordinator('original-coordinator'),
        {
          kind: 'state',
          id: 'old-coordinator-confirmed-down',
          host: 'original-standby',
          description: 'the coordinator being replaced was observed down: reachable, no postmaster, no port lock file',
        },
        {
          kind: 'remote',
          id: 'postmaster-stopped',
          host: 'original-standby',
          description: "no postmaster runs on the old coordinator's data directory (checked on that host)",
        },
        {
          kind: 'remote',
          id: 'no-lock-file',
          host: 'original-standby',
          description: 'no /tmp/.s.PGSQL.<port>.lock on the old coordinator host (gpactivatestandby would refuse)',
        },
        {
          kind: 'state',
          id: 'host-is-running-standby',
          host: 'original-coordinator',
          description: 'the original host runs a standby postmaster',
        },
        {
          kind: 'remote',
          id: 'standby-marker-present',
          host: 'original-coordinator',
          description:
            'the data directory is a standby (standby.signal or recovery.conf) and a postmaster runs on it (checked on the host)',
        },
        {
          kind: 'remote',
          id: 'standby-holds-final-checkpoint',
          host: 'original-coordinator',
          stoppedHost: 'original-standby',
          description:
            'the stopped coordinator\'s pg_controldata says "shut down", and the standby\'s WAL holds the record at its "Latest checkpoint location" (pg_xlogdump)',
        },
      ],
      verify: {
        expect: 'host-active',
        description: 'the original host runs the active coordinator (not in recovery)',
        waitMs: 60_000,
      },
      onFailure:
        '"Active postgres process on master/coordinator" means a postmaster or a stale lock file remains on the old host. ' +
        '"Force activation required" means the standby postmaster is not running. The cluster has no coordinator until this succeeds: ' +
        'fix the cause and run the procedure again, or start the old coordinator again with gpstart -a to abandon the swap.',
      timeoutMs: 15 * MINUTE,
      outputKind: 'gpactivatestandby',
      prompts:
        '-a: gpactivatestandby\'s "continue with standby activation? Yy|Nn" is answered by the confirmation before this step (its checks still run)',
    },
    checkActivation('original-coordinator'),
    moveAside('original-standby'),
    initStandby('original-coordinator', 'original-standby'),
    verifyMirroring('original-coordinator'),
  ],
};

export const CHECK: ProcedureDefinition = {
  id: 'check',
  title: 'Check coordinator mirroring',
  description:
    'Runs gpstate -f on the active coordinator and reports whether the standby is passive and streaming. Changes nothing.',
  steps: [verifyMirroring('active', 'check-mirroring')],
};

const KIT: TemplateKit = {
  noSplitBrain,
  oneActiveCoordinator,
  moveAside,
  initStandby,
  verifyMirroring: host => verifyMirroring(host),
  checkActivation,
};

export const PROCEDURES: Record<ProcedureId, ProcedureDefinition> = {
  'restore-mirroring': RESTORE_MIRRORING,
  'return-to-original': RETURN_TO_ORIGINAL,
  check: CHECK,
  failover: failoverProcedure(KIT),
  'start-standby': startStandbyProcedure(KIT),
  'rebuild-standby': rebuildStandbyProcedure(KIT),
};

// E. Start a stopped standby (gpinitstandby -n): the catalog lists it, its postmaster is down, its directory intact.
import type { TemplateKit } from './template-kit';
import { MINUTE } from './template-kit';
import type { ProcedureDefinition } from './types';

export function startStandbyProcedure(k: TemplateKit): ProcedureDefinition {
  return {
    id: 'start-standby',
    title: 'Start the standby',
    description:
      'The catalog lists a standby whose postmaster is down and whose data directory is intact: start it (gpinitstandby -n) and verify it streams (gpstate -f).',
    steps: [
      {
        id: 'start-standby',
        title: 'Start the standby (gpinitstandby -n)',
        host: 'active',
        changesCluster: true,
        guards: [
          k.oneActiveCoordinator('active'),
          { kind: 'state', id: 'host-is-active', host: 'active', description: 'the host runs the active coordinator' },
          {
            kind: 'state',
            id: 'standby-listed',
            host: 'new-standby',
            description: 'the catalog lists the host as the standby',
          },
          {
            kind: 'state',
            id: 'no-wal-sender',
            host: 'active',
            description:
              'pg_stat_replication on the active coordinator has no row (gpinitstandby -n takes any row for "already up" and starts nothing)',
          },
          {
            kind: 'remote',
            id: 'standby-directory-intact',
            host: 'new-standby',
            description:
              'the standby data directory is complete (PG_VERSION, standby.signal or recovery.conf) and no postmaster runs on it',
          },
        ],
        verify: {
          expect: 'standby-streaming',
          description: 'the standby is passive and its WAL sender is streaming',
          waitMs: MINUTE,
        },
        onFailure:
          "Read the standby's log (pg_log or log in its data directory). If it says the WAL segment it needs was removed, or the directory is damaged, " +
          'rebuild the standby (rebuild-standby).',
        timeoutMs: 5 * MINUTE,
        outputKind: 'gpinitstandby',
        prompts: null,
      },
      k.verifyMirroring('active'),
    ],
  };
}

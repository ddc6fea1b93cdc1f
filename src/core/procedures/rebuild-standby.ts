// F. Rebuild a standby that cannot catch up or was left half-initialised. gpinitstandby -r deletes the standby's
// data directory (RemoveDirectory), so the directory is stopped and moved aside first: nothing is ever deleted.
import type { TemplateKit } from './template-kit';
import { MINUTE } from './template-kit';
import type { ProcedureDefinition, StepTemplate } from './types';

const stopStandby = (k: TemplateKit): StepTemplate => ({
  id: 'stop-standby',
  title: 'Stop the broken standby (pg_ctl stop)',
  host: 'new-standby',
  changesCluster: true,
  guards: [
    k.oneActiveCoordinator('new-standby'),
    {
      kind: 'state',
      id: 'host-not-active',
      host: 'new-standby',
      description: 'the host is not the active coordinator (observed right before the stop)',
    },
    {
      kind: 'state',
      id: 'standby-listed',
      host: 'new-standby',
      description: 'the catalog lists the host as the standby',
    },
    {
      kind: 'remote',
      id: 'standby-marker-present',
      host: 'new-standby',
      description: 'a standby postmaster runs on a standby data directory (standby.signal or recovery.conf)',
    },
  ],
  verify: { expect: 'host-stopped', description: "no postmaster runs on the standby's data directory", waitMs: 30_000 },
  onFailure: "pg_ctl could not stop the standby: read its message and the standby's log, then run the procedure again.",
  timeoutMs: 5 * MINUTE,
  outputKind: null,
  prompts: null,
});

const removeStandby = (k: TemplateKit): StepTemplate => ({
  id: 'remove-standby',
  title: 'Remove the standby from the catalog (gpinitstandby -r)',
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
      kind: 'remote',
      id: 'data-directory-absent',
      host: 'new-standby',
      description:
        'the standby data directory is not on its host any more (gpinitstandby -r deletes it: gpcoord moves it aside first)',
    },
  ],
  verify: { expect: 'standby-removed', description: 'the catalog lists no standby', waitMs: 10_000 },
  onFailure:
    "Read gpinitstandby's message; gpstate -f shows whether the catalog still lists the standby. Run the procedure again once fixed.",
  timeoutMs: 5 * MINUTE,
  outputKind: 'gpinitstandby',
  prompts:
    '-a: gpinitstandby\'s "continue with deleting the standby? Yy|Nn" is answered by the confirmation before this step',
});

export function rebuildStandbyProcedure(k: TemplateKit): ProcedureDefinition {
  return {
    id: 'rebuild-standby',
    title: 'Rebuild the standby',
    description:
      'For a standby that cannot catch up (the WAL it needs was removed), whose data directory is missing or damaged, or whose initialisation was interrupted: ' +
      'stop it, move its data directory aside, remove it from the catalog (gpinitstandby -r), initialise it again (gpinitstandby -s) and verify (gpstate -f).',
    steps: [
      stopStandby(k),
      k.moveAside('new-standby'),
      removeStandby(k),
      k.initStandby('active', 'new-standby'),
      k.verifyMirroring('active'),
    ],
  };
}

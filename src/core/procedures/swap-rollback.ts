// The way back from a swap stopped half-way: after the swap's gpstop -m the cluster has no coordinator until
// gpactivatestandby succeeds; when that cannot happen (the standby on the original host went down), the coordinator
// the swap stopped is started again, as a confirmed, journaled step of the same procedure.
import { MINUTE } from './template-kit';
import type { StepTemplate } from './types';

/** What the swap's gpstop costs, shown with the plan and in gpstop's confirmation. */
export const SWAP_OUTAGE =
  'gpstop -M fast ends every client session now, and the cluster has no coordinator from this step until gpactivatestandby succeeds on the original host.';

export const RESTART_COORDINATOR: StepTemplate = {
  id: 'restart-coordinator',
  title: 'Start the stopped coordinator again (gpstart -a)',
  host: 'original-standby',
  changesCluster: true,
  guards: [
    {
      kind: 'state',
      id: 'no-active-coordinator',
      host: 'original-standby',
      description: 'no host runs an active coordinator, and no two claim to (observed right before the step)',
    },
    {
      kind: 'remote',
      id: 'postmaster-stopped',
      host: 'original-standby',
      description: "no postmaster runs on the stopped coordinator's data directory (checked on that host)",
    },
    {
      kind: 'remote',
      id: 'not-a-standby-directory',
      host: 'original-standby',
      description: "the data directory there is the coordinator's, not a standby",
    },
    {
      kind: 'remote',
      id: 'is-standby-directory',
      host: 'original-coordinator',
      description:
        "the original host's data directory is still a standby (standby.signal or recovery.conf): it was never activated",
    },
  ],
  verify: {
    expect: 'host-active',
    description: 'the coordinator the swap stopped is the active coordinator again',
    waitMs: MINUTE,
  },
  onFailure:
    "Read gpstart's message and the coordinator's log in its data directory; the cluster has no coordinator until it starts.",
  timeoutMs: 10 * MINUTE,
  outputKind: null,
  prompts:
    '-a: gpstart\'s "Continue with Greenplum instance startup Yy|Nn" is answered by the confirmation before this step',
  warning:
    'This abandons the swap: the coordinator it stopped becomes the active coordinator again, with the same standby.',
};

// Judgements of the lifecycle procedures' state guards and verifications, on a state observed right before
// (or after) the step. Pure, like guards.ts, which hands these ids over.
import type { ClusterState } from '../state';
import type { Guard, PlannedStep } from './types';

export interface LifecycleJudgement {
  ok: boolean;
  message: string;
}

export function judgeLifecycleStateGuard(
  guard: Guard,
  step: PlannedStep,
  state: ClusterState,
): LifecycleJudgement | null {
  const host = state.hosts.find(h => h.name === guard.host);
  switch (guard.id) {
    case 'no-active-coordinator': {
      // Two claimants leave activeCoordinator null and neither host's role active: a split brain is not "none".
      if (state.situation === 'split-brain')
        return {
          ok: false,
          message: `split brain: ${state.problems.find(p => p.code === 'split-brain')?.text ?? 'two hosts claim to be the active coordinator'}`,
        };
      const active = state.activeCoordinator ?? state.hosts.find(h => h.role === 'active-coordinator')?.name;
      return active
        ? { ok: false, message: `${active} runs as the active coordinator` }
        : { ok: true, message: 'no host runs an active coordinator' };
    }
    case 'down-or-unreachable':
      if (!host || !host.reachable)
        return { ok: true, message: `${guard.host} does not answer (${host?.error ?? 'not observed'})` };
      if (host.postmasterRunning)
        return {
          ok: false,
          message: `a postmaster (PID ${host.postmasterPid ?? '?'}) runs on ${host.dataDirectory} on ${guard.host}: the coordinator is not down`,
        };
      return { ok: true, message: `${guard.host} answers and runs no postmaster` };
    case 'fencing-confirmed':
      return step.params.fencedHost === guard.host
        ? { ok: true, message: `the DBA confirmed ${guard.host} is fenced by typing its name` }
        : {
            ok: false,
            message:
              `${guard.host} is not confirmed fenced${step.params.fencedHost ? ` (the name given was "${step.params.fencedHost}")` : ''}: a coordinator that is only unreachable may still take writes. ` +
              `Power it off or isolate it, then confirm by typing ${guard.host} (gpcoord: --confirm-fenced ${guard.host})`,
          };
    case 'standby-listed': {
      const s = state.standby;
      if (!state.activeCoordinator)
        return { ok: false, message: 'no active coordinator was observed, so its catalog could not be read' };
      return s.status !== 'not-configured' && s.host === guard.host
        ? { ok: true, message: `the catalog lists ${guard.host} as the standby (${s.status})` }
        : {
            ok: false,
            message: `the catalog lists ${s.status === 'not-configured' ? 'no standby' : `standby ${s.host ?? '?'}`}, not ${guard.host}`,
          };
    }
    case 'no-wal-sender': {
      if (!state.activeCoordinator)
        return { ok: false, message: 'no active coordinator was observed, so pg_stat_replication could not be read' };
      const several = state.problems.some(p => p.code === 'several-wal-senders');
      return state.standby.walState === null && !several
        ? { ok: true, message: `pg_stat_replication on ${state.activeCoordinator} has no row` }
        : {
            ok: false,
            message: `pg_stat_replication on ${state.activeCoordinator} has a row (WAL sender ${state.standby.walState ?? '?'}): gpinitstandby -n would report "already up" and start nothing. Find what is connected (a base backup, another WAL receiver) first`,
          };
    }
    default:
      return null;
  }
}

export function judgeLifecycleVerification(step: PlannedStep, state: ClusterState): LifecycleJudgement | null {
  const host = state.hosts.find(h => h.name === step.host);
  switch (step.verify.expect) {
    case 'lock-file-moved':
      if (!host?.reachable) return { ok: false, message: `${step.host} could not be observed after the move` };
      return host.lockFilePresent
        ? { ok: false, message: `/tmp/.s.PGSQL.${host.port}.lock is still on ${step.host}` }
        : { ok: true, message: `the lock file is now ${step.params.lockAsidePath ?? '?'} on ${step.host}` };
    case 'standby-removed':
      if (state.activeCoordinator === null)
        return { ok: false, message: 'no active coordinator observed: the catalog could not be read' };
      return state.standby.status === 'not-configured'
        ? { ok: true, message: `the catalog of ${state.activeCoordinator} lists no standby` }
        : {
            ok: false,
            message: `the catalog still lists standby ${state.standby.host ?? '?'} (${state.standby.status})`,
          };
    default:
      return null;
  }
}

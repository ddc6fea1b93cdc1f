// Judging guards and verifications against a freshly observed ClusterState. Pure: the engine observes, this decides.
import { describeReplication, isFlushedInSync } from '../state';
import type { ClusterState, HostState } from '../state';
import { judgeLifecycleStateGuard, judgeLifecycleVerification } from './lifecycle-guards';
import type { Guard, PlannedStep, StateGuardId } from './types';

export interface Judgement {
  ok: boolean;
  message: string;
}

const hostIn = (state: ClusterState, name: string): HostState | undefined => state.hosts.find(h => h.name === name);

const splitBrainText = (state: ClusterState): string =>
  state.problems.find(p => p.code === 'split-brain')?.text ?? 'more than one host claims to be the active coordinator';

const unobserved = (state: ClusterState): string => {
  const missing = state.hosts.filter(h => !h.reachable).map(h => h.name);
  return missing.length ? `; not observed: ${missing.join(', ')}` : '';
};

/** Judges a state guard on a state observed right before the step. */
export function judgeStateGuard(guard: Guard, step: PlannedStep, state: ClusterState): Judgement {
  const host = hostIn(state, guard.host);
  const id = guard.id as StateGuardId;
  switch (id) {
    case 'one-active-coordinator': {
      if (state.situation === 'split-brain') return { ok: false, message: `split brain: ${splitBrainText(state)}` };
      if (!state.activeCoordinator)
        return {
          ok: false,
          message: `no host is the active coordinator (situation ${state.situation})${unobserved(state)}`,
        };
      return { ok: true, message: `${state.activeCoordinator} is the one active coordinator` };
    }
    case 'no-split-brain':
      return state.situation === 'split-brain'
        ? { ok: false, message: `split brain: ${splitBrainText(state)}` }
        : { ok: true, message: 'no two hosts claim to be the active coordinator' };
    case 'host-is-active':
      return state.activeCoordinator === guard.host
        ? { ok: true, message: `${guard.host} is the active coordinator` }
        : {
            ok: false,
            message: `${guard.host} is not the active coordinator (observed: ${state.activeCoordinator ?? 'none'}, situation ${state.situation})`,
          };
    case 'host-not-active':
      if (!host?.reachable)
        return {
          ok: false,
          message: `${guard.host} could not be observed (${host?.error ?? 'no observation'}): cannot confirm it is not the active coordinator`,
        };
      if (state.activeCoordinator === guard.host || host.role === 'active-coordinator') {
        return { ok: false, message: `${guard.host} is the active coordinator: its data directory is never moved` };
      }
      if (host.postmasterRunning)
        return {
          ok: false,
          message: `a postmaster (PID ${host.postmasterPid ?? '?'}) runs on ${host.dataDirectory} on ${guard.host}`,
        };
      return { ok: true, message: `${guard.host} is not the active coordinator and runs no postmaster` };
    case 'no-standby-configured':
      return state.standby.status === 'not-configured'
        ? { ok: true, message: 'no standby in the catalog' }
        : {
            ok: false,
            message: `the catalog already lists a standby (${state.standby.host ?? '?'}, ${state.standby.status})`,
          };
    case 'standby-synchronized': {
      const s = state.standby;
      if (s.host !== guard.host)
        return { ok: false, message: `the standby is ${s.host ?? 'not configured'}, not ${guard.host}` };
      if (s.status !== 'passive') return { ok: false, message: `the standby on ${guard.host} is ${s.status}` };
      // Replay may trail by a record while clients write; what is flushed on the standby is what cannot be lost.
      if (!isFlushedInSync(s)) {
        return {
          ok: false,
          message: `the standby on ${guard.host} has not flushed everything sent: ${describeReplication(s)}. Stopping the coordinator now could lose the difference; wait for sent = flush with sync state "sync"`,
        };
      }
      return { ok: true, message: `standby ${guard.host} is in sync, sent = flush: ${describeReplication(s)}` };
    }
    case 'old-coordinator-confirmed-down': {
      if (!host?.reachable)
        return {
          ok: false,
          message: `${guard.host} could not be observed (${host?.error ?? 'no observation'}): it is not confirmed down`,
        };
      if (host.postmasterRunning)
        return { ok: false, message: `a postmaster (PID ${host.postmasterPid ?? '?'}) still runs on ${guard.host}` };
      if (host.lockFilePresent) {
        return {
          ok: false,
          message: `${guard.host} has /tmp/.s.PGSQL.${host.port}.lock${host.lockFileStale ? ' left by a postmaster that no longer runs (killed, e.g. kill -9)' : ''}: gpactivatestandby would refuse ("Active postgres process"). Make sure no postgres uses port ${host.port} on ${guard.host}, then remove the file yourself; gpcoord never deletes it`,
        };
      }
      return { ok: true, message: `${guard.host} is down: reachable, no postmaster, no lock file` };
    }
    case 'host-is-running-standby':
      return host?.role === 'standby'
        ? { ok: true, message: `${guard.host} runs a standby postmaster` }
        : {
            ok: false,
            message: `${guard.host} does not run a standby postmaster (observed role: ${host?.role ?? 'unknown'})`,
          };
    default:
      return (
        judgeLifecycleStateGuard(guard, step, state) ?? {
          ok: false,
          message: `unknown guard ${String(step.id)}/${String(guard.id)}`,
        }
      );
  }
}

/** What a parsed gpstate output must show; only the fields the verification reads. */
export interface ParsedForVerify {
  recognized: boolean;
  outcome?: string;
  standbyStatus?: string | null;
  walState?: string | null;
  coordinatorStatus?: string | null;
  standbyConfigured?: boolean;
}

/** Judges a step's verification on the state observed after it (and its parsed output, for gpstate steps). */
export function judgeVerification(step: PlannedStep, state: ClusterState, parsed?: ParsedForVerify): Judgement {
  const host = hostIn(state, step.host);
  switch (step.verify.expect) {
    case 'directory-moved': {
      if (!host?.reachable) return { ok: false, message: `${step.host} could not be observed after the move` };
      const backupName = (step.params.backupPath ?? '').split('/').pop() ?? '';
      if (host.dataDirectoryExists)
        return { ok: false, message: `${step.params.dataDirectory} still exists on ${step.host}` };
      if (!host.backups.includes(backupName))
        return { ok: false, message: `the backup ${step.params.backupPath ?? '?'} is not on ${step.host}` };
      return {
        ok: true,
        message: `${step.params.dataDirectory} is now ${step.params.backupPath ?? '?'} on ${step.host}`,
      };
    }
    case 'standby-streaming': {
      const s = state.standby;
      if (s.host === step.params.standbyHost && s.status === 'passive' && s.walState === 'streaming') {
        return { ok: true, message: `${s.host} is a passive standby, ${describeReplication(s)}` };
      }
      return {
        ok: false,
        message: `standby ${step.params.standbyHost ?? '?'} not streaming yet: standby ${s.host ?? 'none'} ${s.status}, ${describeReplication(s)}`,
      };
    }
    case 'host-stopped':
      if (!host?.reachable)
        return { ok: false, message: `${step.host} could not be observed: cannot confirm it stopped` };
      return host.postmasterRunning
        ? { ok: false, message: `a postmaster (PID ${host.postmasterPid ?? '?'}) still runs on ${step.host}` }
        : { ok: true, message: `the coordinator on ${step.host} is stopped` };
    case 'host-active':
      return state.activeCoordinator === step.host
        ? { ok: true, message: `${step.host} is the active coordinator` }
        : {
            ok: false,
            message: `${step.host} is not the active coordinator yet (observed ${state.activeCoordinator ?? 'none'}, role ${host?.role ?? 'unknown'})`,
          };
    case 'gpstate-f-streaming': {
      if (parsed && parsed.recognized) {
        if (parsed.standbyStatus !== 'passive')
          return { ok: false, message: `gpstate -f: standby status is ${parsed.standbyStatus ?? 'not configured'}` };
        if (parsed.walState !== 'streaming')
          return {
            ok: false,
            message: `gpstate -f: WAL sender state is ${parsed.walState ?? 'absent (No entries found.)'}`,
          };
        return { ok: true, message: `gpstate -f: standby passive; ${describeReplication(state.standby)}` };
      }
      // gpstate's text was not recognized: fall back to the observation, and say so.
      const s = state.standby;
      return s.status === 'passive' && s.walState === 'streaming'
        ? {
            ok: true,
            message: `gpstate -f output not recognized; the observation shows the standby passive and streaming`,
          }
        : {
            ok: false,
            message: `gpstate -f output not recognized, and the observation shows standby ${s.status}, ${describeReplication(s)}`,
          };
    }
    case 'gpstate-b-active-no-standby': {
      if (parsed && parsed.recognized) {
        if (parsed.coordinatorStatus && parsed.coordinatorStatus !== 'Active')
          return { ok: false, message: `gpstate -b: coordinator instance is ${parsed.coordinatorStatus}` };
        if (parsed.standbyConfigured) return { ok: false, message: 'gpstate -b still lists a standby' };
        return { ok: true, message: 'gpstate -b: coordinator Active, no standby configured' };
      }
      return state.activeCoordinator === step.host
        ? { ok: true, message: 'gpstate -b output not recognized; the observation shows the coordinator active' }
        : { ok: false, message: 'gpstate -b output not recognized and the coordinator is not observed active' };
    }
    default:
      return (
        judgeLifecycleVerification(step, state) ?? { ok: false, message: `unknown verification ${step.verify.expect}` }
      );
  }
}

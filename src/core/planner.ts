// The planner: from the cluster, a freshly observed state and the journal, the next step of a procedure —
// or "done", or "blocked" with the reason. Pure, so every situation is unit-tested; the engine only executes.
import type { ResolvedCluster, ResolvedHost } from './inventory';
import { backupPathFor } from './shell';
import { describeReplication } from './state';
import type { ClusterState, HostState } from './state';
import { chosenStandby, planLifecycle, planOutOfOrder } from './lifecycle-planner';
import type { PlanOptions } from './lifecycle-planner';
import { assembleStep } from './procedures/assemble-step';
import { PROCEDURES } from './procedures/definitions';
import { changedSinceVerified, lastStepStarted, stepsFinishedInRun } from './procedures/journal';
import type { JournalEntry } from './procedures/journal';
import type { HostRef, PlannedStep, ProcedureId, StepId, StepParams } from './procedures/types';
import { releaseLine } from './releases';

export interface PlanInput {
  procedure: ProcedureId;
  cluster: ResolvedCluster;
  state: ClusterState;
  /** Every journal entry known for this cluster (earlier runs included: that is how a run resumes). */
  journal: readonly JournalEntry[];
  /** The current run, if one is in progress: a step already run in it is not planned again. */
  runId?: string;
  now: Date;
  /** What the DBA chose beyond the procedure (fencing confirmation, -f, a replacement standby host). */
  options?: PlanOptions;
}

export type PlanDecision =
  | { kind: 'step'; step: PlannedStep; upcoming: PlannedStep[] }
  | { kind: 'done'; message: string }
  | { kind: 'blocked'; reason: string };

/** Host roles of one procedure run resolved to inventory hosts. */
interface Frame {
  active: ResolvedHost | undefined;
  newStandby: ResolvedHost | undefined;
}

function findHost(cluster: ResolvedCluster, name: string | null | undefined): ResolvedHost | undefined {
  return name ? cluster.hosts.find(h => h.name === name) : undefined;
}

function observed(state: ClusterState, name: string): HostState | undefined {
  return state.hosts.find(h => h.name === name);
}

function resolveRef(ref: HostRef, cluster: ResolvedCluster, frame: Frame): ResolvedHost {
  const h =
    ref === 'active'
      ? frame.active
      : ref === 'new-standby'
        ? frame.newStandby
        : ref === 'original-coordinator'
          ? cluster.originalCoordinator
          : cluster.originalStandby;
  if (!h) throw new Error(`no host for role ${ref}`);
  return h;
}

/** The step at `index` of a procedure, with hosts, command, guards and their scripts resolved. */
export function buildStep(
  procedure: ProcedureId,
  index: number,
  cluster: ResolvedCluster,
  frame: Frame,
  state: ClusterState,
  now: Date,
): PlannedStep {
  const def = PROCEDURES[procedure];
  const t = def.steps[index];
  if (!t) throw new Error(`${procedure} has no step ${index}`);
  const host = resolveRef(t.host, cluster, frame);
  const params: StepParams = { host: host.name, dataDirectory: host.dataDirectory, port: host.port };
  if (t.id === 'move-aside')
    params.backupPath = backupPathFor(host.dataDirectory, observed(state, host.name)?.backups ?? [], now);
  if (t.id === 'init-standby') {
    const target = resolveRef(procedure === 'restore-mirroring' ? 'new-standby' : 'original-standby', cluster, frame);
    params.standbyHost = target.name;
    params.standbyDataDirectory = target.dataDirectory;
    params.standbyPort = target.port;
    const release = cluster.config.release ?? state.release;
    if (release) params.release = releaseLine(release);
  }
  if (t.id === 'stop-coordinator') {
    params.standbyHost = cluster.originalCoordinator.name;
  }
  if (t.id === 'activate-standby') {
    params.oldCoordinatorHost = cluster.originalStandby.name;
    params.oldCoordinatorPort = cluster.originalStandby.port;
  }
  return assembleStep(procedure, t, { index, total: def.steps.length }, host, params, ref =>
    resolveRef(ref, cluster, frame),
  );
}

/** The host that should become the standby of `active`: the catalog's standby, else the host it was paired with. */
function pickNewStandby(cluster: ResolvedCluster, state: ClusterState, active: ResolvedHost): ResolvedHost | undefined {
  const fromCatalog = findHost(cluster, state.standby.host);
  if (fromCatalog && fromCatalog.name !== active.name) return fromCatalog;
  if (active.name === cluster.originalStandby.name) return cluster.originalCoordinator;
  if (active.name === cluster.originalCoordinator.name) return cluster.originalStandby;
  return cluster.hosts.find(h => h.name !== active.name);
}

function noActiveReason(state: ClusterState): string {
  switch (state.situation) {
    case 'coordinator-down': {
      const sb = state.hosts.find(h => h.role === 'standby');
      return `No active coordinator: ${sb ? `${sb.name} runs as a standby` : 'a standby runs'}. If the coordinator failed, confirm it is down and activate the standby (gpactivatestandby on ${sb?.name ?? 'the standby host'}); then restore mirroring.`;
    }
    case 'both-down':
      return 'No coordinator postmaster runs on any host (both down). gpcoord guesses nothing: start the coordinator that was active last (gpstart -a on it), then run this again.';
    default: {
      const why = state.problems.filter(p => p.level === 'error').map(p => p.text);
      return `Cannot tell which host is the active coordinator${why.length ? `: ${why.join('; ')}` : ''}. Fix what is reported and run this again.`;
    }
  }
}

/** Blocks when the target host cannot take the standby role as it is. */
function targetProblem(h: HostState | undefined, name: string): string | null {
  if (!h || !h.reachable)
    return `${name} could not be reached (${h?.error ?? 'not observed'}). Make sure it is healthy and reachable over ssh, then run this again.`;
  if (h.postmasterRunning) {
    return `A postmaster (PID ${h.postmasterPid ?? '?'}) runs on ${h.dataDirectory} on ${name}, but the catalog lists no standby. Check it serves no clients, stop it (pg_ctl stop -D ${h.dataDirectory}), then run this again.`;
  }
  return null;
}

function decide(input: PlanInput): { index: number; frame: Frame } | { done: string } | { blocked: string } {
  const { procedure, cluster, state, journal } = input;
  if (state.situation === 'split-brain') {
    const text =
      state.problems.find(p => p.code === 'split-brain')?.text ??
      'more than one host claims to be the active coordinator';
    return {
      blocked: `SPLIT BRAIN — ${trimTrailingDotsAndSpace(text)}. No procedure runs until only one coordinator is left.`,
    };
  }
  const active = findHost(cluster, state.activeCoordinator);
  const ranInThisRun = (id: StepId): boolean =>
    !!input.runId && stepsFinishedInRun(journal, input.runId).some(e => e.stepId === id);

  if (procedure === 'check') {
    if (!active) return { blocked: noActiveReason(state) };
    if (ranInThisRun('check-mirroring')) return { done: 'checked' };
    return { index: 0, frame: { active, newStandby: undefined } };
  }

  if (procedure === 'restore-mirroring') {
    if (!active) return { blocked: noActiveReason(state) };
    const chosen = chosenStandby(cluster, active.name, input.options?.standbyHost);
    if (chosen.error) return { blocked: chosen.error };
    const target = chosen.host ?? pickNewStandby(cluster, state, active);
    if (!target) return { blocked: `The inventory has no other host than ${active.name} to make its standby.` };
    const frame: Frame = { active, newStandby: target };
    const sb = state.standby;
    if (sb.status !== 'not-configured') {
      const verifyDue = changedSinceVerified(journal, cluster.name, procedure, 'verify-mirroring', [
        'move-aside',
        'init-standby',
      ]);
      if (state.situation === 'healthy') {
        if (verifyDue && !ranInThisRun('verify-mirroring')) return { index: 2, frame };
        return {
          done: `Mirroring is healthy: ${active.name} is the coordinator and ${sb.host ?? '?'} a passive standby, ${describeReplication(sb)}.`,
        };
      }
      if (verifyDue && !ranInThisRun('verify-mirroring')) return { index: 2, frame };
      return {
        blocked:
          `A standby is configured on ${sb.host ?? '?'} but it is ${sb.status}, ${describeReplication(sb)}. ` +
          `Start it with start-standby (gpinitstandby -n on ${active.name}) when its data directory is intact, or rebuild it with rebuild-standby; ` +
          'this procedure only builds a standby where none is configured.',
      };
    }
    const t = observed(state, target.name);
    const problem = targetProblem(t, target.name);
    if (problem) return { blocked: problem };
    return { index: t!.dataDirectoryExists ? 0 : 1, frame };
  }

  // return-to-original
  const oc = cluster.originalCoordinator;
  const os = cluster.originalStandby;
  const frame: Frame = { active, newStandby: undefined };
  const last = lastStepStarted(journal, cluster.name, procedure);
  const sb = state.standby;
  if (active?.name === oc.name) {
    if (sb.status !== 'not-configured') {
      const verifyDue = changedSinceVerified(journal, cluster.name, procedure, 'verify-mirroring', [
        'stop-coordinator',
        'activate-standby',
        'move-aside',
        'init-standby',
      ]);
      if (verifyDue && !ranInThisRun('verify-mirroring')) return { index: 5, frame };
      if (state.situation === 'healthy' && sb.host === os.name) {
        return {
          done: `${oc.name} is the coordinator again and ${os.name} its passive standby, ${describeReplication(sb)}.`,
        };
      }
      return {
        blocked: `${oc.name} is the coordinator, but its standby ${sb.host ?? '?'} is ${sb.status}, ${describeReplication(sb)}. Start it with "gpinitstandby -n" on ${oc.name}, or look at its log.`,
      };
    }
    if (last === 'activate-standby' && !ranInThisRun('check-activation')) return { index: 2, frame };
    const t = observed(state, os.name);
    const problem = targetProblem(t, os.name);
    if (problem) return { blocked: problem };
    return { index: t!.dataDirectoryExists ? 3 : 4, frame };
  }
  if (active?.name === os.name) {
    if (sb.status === 'not-configured' || sb.host !== oc.name) {
      return {
        blocked: `${os.name} is the coordinator but ${oc.name} is not its standby (standby: ${sb.host ?? 'none'}, ${sb.status}). Run restore-mirroring first, then return-to-original.`,
      };
    }
    if (state.situation !== 'healthy') {
      return {
        blocked: `The standby on ${oc.name} is ${sb.status}, ${describeReplication(sb)}: the swap needs a passive, streaming, synchronized standby.`,
      };
    }
    return { index: 0, frame };
  }
  if (active)
    return {
      blocked: `${active.name} is the active coordinator; return-to-original only swaps ${oc.name} and ${os.name}.`,
    };
  // No active coordinator: only the swap itself (after its gpstop -m) may activate the original host.
  const ocState = observed(state, oc.name);
  if (state.situation === 'coordinator-down' && ocState?.role === 'standby') {
    if (last === 'stop-coordinator' || last === 'activate-standby') return { index: 1, frame };
    return {
      blocked:
        `No active coordinator, and this procedure did not stop it. If ${os.name} failed, confirm it is down and activate ${oc.name} yourself (gpactivatestandby -d ${oc.dataDirectory} with PGPORT=${oc.port}); ` +
        `then run restore-mirroring.`,
    };
  }
  return { blocked: noActiveReason(state) };
}

/** The next step, with the rest of the procedure as it would follow from here. */
export function planNext(input: PlanInput): PlanDecision {
  const special = planLifecycle(input) ?? planOutOfOrder(input);
  if (special) return special;
  const d = decide(input);
  if ('done' in d) return { kind: 'done', message: d.done };
  if ('blocked' in d) return { kind: 'blocked', reason: d.blocked };
  const def = PROCEDURES[input.procedure];
  const unsafe = input.state.problems.filter(p => p.code === 'unsafe-host-value');
  if (unsafe.length && def.steps[d.index]!.changesCluster) {
    return { kind: 'blocked', reason: `Refused: ${unsafe.map(p => p.text).join(' ')}` };
  }
  const step = buildStep(input.procedure, d.index, input.cluster, d.frame, input.state, input.now);
  // Later steps are shown with the hosts they will use; the restore frame keeps its hosts, the swap uses fixed ones.
  const upcoming: PlannedStep[] = [];
  for (let i = d.index + 1; i < def.steps.length; i++) {
    const frame =
      input.procedure === 'return-to-original' && i >= 1
        ? { active: input.cluster.originalCoordinator, newStandby: undefined }
        : d.frame;
    upcoming.push(buildStep(input.procedure, i, input.cluster, frame, input.state, input.now));
  }
  return { kind: 'step', step, upcoming };
}

/** The text without its trailing dots and white space, in one backward pass (a regex here would backtrack). */
function trimTrailingDotsAndSpace(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '.' || /\s/.test(text[end - 1]!))) end--;
  return text.slice(0, end);
}

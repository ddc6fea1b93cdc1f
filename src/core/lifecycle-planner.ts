// The planner of the lifecycle procedures (failover, start-standby, rebuild-standby) and of the steps the two
// original procedures take outside their usual order: gpinitstandby -r before restoring mirroring when the catalog
// lists a standby that has no data directory (an interrupted gpinitstandby -s), and the swap's rollback. Pure.
import type { ResolvedCluster, ResolvedHost } from './inventory';
import { backupPathFor } from './shell';
import { describeReplication } from './state';
import type { ClusterState, HostState } from './state';
import { assembleStep } from './procedures/assemble-step';
import { PROCEDURES } from './procedures/definitions';
import { changedSinceVerified, lastStepStarted, stepsFinishedInRun } from './procedures/journal';
import { lockAsidePath, lockFilePath } from './procedures/lifecycle-commands';
import { RESTART_COORDINATOR } from './procedures/swap-rollback';
import type { PlanDecision, PlanInput } from './planner';
import type { HostRef, PlannedStep, ProcedureId, StepId, StepParams, StepTemplate } from './procedures/types';

/** What the DBA chose for a run, beyond the procedure: fencing, -f, a replacement standby host. */
export interface PlanOptions {
  /** failover: the host name the DBA typed to confirm the old coordinator is fenced. */
  fencedHost?: string;
  /** failover: use gpactivatestandby -f when the standby postmaster is down (the latest commits may be lost). */
  force?: boolean;
  /** restore-mirroring, rebuild-standby: the inventory host that is to become the standby. */
  standbyHost?: string;
}

// The planner's own input and decision: one definition, so the two planners cannot drift apart.
export type LifecycleInput = PlanInput;
export type LifecycleDecision = PlanDecision;

type Refs = Partial<Record<HostRef, ResolvedHost>>;

const byName = (cluster: ResolvedCluster, name: string | null | undefined): ResolvedHost | undefined =>
  name ? cluster.hosts.find(h => h.name === name) : undefined;
const seen = (state: ClusterState, name: string): HostState | undefined => state.hosts.find(h => h.name === name);

/** A step of any procedure built from its template, with hosts resolved through `refs`. */
export function buildTemplateStep(
  procedure: ProcedureId,
  t: StepTemplate,
  at: { index: number; total: number },
  refs: Refs,
  state: ClusterState,
  now: Date,
  options: PlanOptions = {},
): PlannedStep {
  const resolve = (ref: HostRef): ResolvedHost => {
    const h = refs[ref];
    if (!h) throw new Error(`no host for role ${ref}`);
    return h;
  };
  const host = resolve(t.host);
  const params: StepParams = { host: host.name, dataDirectory: host.dataDirectory, port: host.port };
  const target = refs['new-standby'];
  if (t.id === 'move-aside')
    params.backupPath = backupPathFor(host.dataDirectory, seen(state, host.name)?.backups ?? [], now);
  if ((t.id === 'init-standby' || t.id === 'start-standby' || t.id === 'remove-standby') && target) {
    params.standbyHost = target.name;
    params.standbyDataDirectory = target.dataDirectory;
    params.standbyPort = target.port;
  }
  if (t.id === 'move-lock-aside') {
    params.lockPath = lockFilePath(host.port);
    params.lockAsidePath = lockAsidePath(host.port, now);
  }
  if (t.id === 'activate-standby') {
    const old = refs['old-coordinator'];
    if (old) {
      params.oldCoordinatorHost = old.name;
      params.oldCoordinatorPort = old.port;
    }
    if (options.fencedHost !== undefined) params.fencedHost = options.fencedHost;
    if (options.force) params.force = true;
  }
  return assembleStep(procedure, t, at, host, params, resolve);
}

/** Plans `index` of the procedure's own steps, with the rest after it. */
function fromIndex(
  input: LifecycleInput,
  index: number,
  refs: Refs,
  tweak?: (s: PlannedStep) => void,
): LifecycleDecision {
  const def = PROCEDURES[input.procedure];
  const build = (i: number): PlannedStep => {
    const s = buildTemplateStep(
      input.procedure,
      def.steps[i]!,
      { index: i, total: def.steps.length },
      refs,
      input.state,
      input.now,
      input.options,
    );
    tweak?.(s);
    return s;
  };
  const upcoming: PlannedStep[] = [];
  for (let i = index + 1; i < def.steps.length; i++) upcoming.push(build(i));
  return { kind: 'step', step: build(index), upcoming };
}

const template = (procedure: ProcedureId, id: StepId): StepTemplate => {
  const t = PROCEDURES[procedure].steps.find(s => s.id === id);
  if (!t) throw new Error(`${procedure} has no step ${id}`);
  return t;
};

const ranInRun = (input: LifecycleInput, id: StepId): boolean =>
  !!input.runId && stepsFinishedInRun(input.journal, input.runId).some(e => e.stepId === id);

function splitBrain(state: ClusterState): LifecycleDecision | null {
  if (state.situation !== 'split-brain') return null;
  const text =
    state.problems.find(p => p.code === 'split-brain')?.text ??
    'more than one host claims to be the active coordinator';
  return { kind: 'blocked', reason: `SPLIT BRAIN — ${text} No procedure runs until only one coordinator is left.` };
}

/** The host named by --standby-host, checked against the inventory and the active coordinator. */
export function chosenStandby(
  cluster: ResolvedCluster,
  active: string | null,
  name: string | undefined,
): { host?: ResolvedHost; error?: string } {
  if (name === undefined) return {};
  const h = byName(cluster, name);
  if (!h)
    return {
      error: `${name} is not a host of cluster ${cluster.name} in the inventory (hosts: ${cluster.hosts.map(x => x.name).join(', ')}). Add it to the inventory first.`,
    };
  if (h.name === active) return { error: `${name} is the active coordinator; the standby goes to another host.` };
  return { host: h };
}

/**
 * Steps outside the usual order of the original procedures, or null to let the main planner decide:
 * restore-mirroring with a catalog standby that has no data directory plans gpinitstandby -r first;
 * a swap stopped after gpstop -m whose standby went down plans starting the stopped coordinator again.
 */
export function planOutOfOrder(input: LifecycleInput): LifecycleDecision | null {
  const { cluster, state } = input;
  if (state.situation === 'split-brain') return null;
  if (input.procedure === 'restore-mirroring') {
    const active = byName(cluster, state.activeCoordinator);
    const sb = state.standby;
    const target = byName(cluster, sb.host);
    const t = target ? seen(state, target.name) : undefined;
    if (
      !active ||
      !target ||
      sb.status === 'not-configured' ||
      !t?.reachable ||
      t.dataDirectoryExists !== false ||
      t.postmasterRunning
    )
      return null;
    const refs: Refs = { active, 'new-standby': target };
    const remove = buildTemplateStep(
      'restore-mirroring',
      template('rebuild-standby', 'remove-standby'),
      { index: 0, total: 3 },
      refs,
      state,
      input.now,
    );
    const rest = PROCEDURES['restore-mirroring'].steps
      .slice(1)
      .map((s, i) => buildTemplateStep('restore-mirroring', s, { index: i + 1, total: 3 }, refs, state, input.now));
    return { kind: 'step', step: remove, upcoming: rest };
  }
  if (input.procedure === 'return-to-original') {
    const oc = cluster.originalCoordinator;
    const os = cluster.originalStandby;
    if (ranInRun(input, 'restart-coordinator') && state.activeCoordinator === os.name) {
      return {
        kind: 'done',
        message: `The swap was rolled back: ${os.name} is the active coordinator again (standby ${state.standby.host ?? 'none'}, ${state.standby.status}).`,
      };
    }
    const last = lastStepStarted(input.journal, cluster.name, 'return-to-original');
    const ocs = seen(state, oc.name);
    const oss = seen(state, os.name);
    const stoppedBySwap = last === 'stop-coordinator' || last === 'activate-standby' || last === 'restart-coordinator';
    if (state.activeCoordinator || !stoppedBySwap || !ocs?.reachable || !oss?.reachable) return null;
    if (ocs.postmasterRunning || oss.postmasterRunning || ocs.isStandbyDirectory !== true) return null;
    const refs: Refs = { 'original-coordinator': oc, 'original-standby': os };
    return {
      kind: 'step',
      step: buildTemplateStep(
        'return-to-original',
        RESTART_COORDINATOR,
        { index: 0, total: 1 },
        refs,
        state,
        input.now,
      ),
      upcoming: [],
    };
  }
  return null;
}

/** The standby a failover activates: the one host running a standby postmaster, else the one with a standby directory. */
function failoverPair(
  cluster: ResolvedCluster,
  state: ClusterState,
): { standby: ResolvedHost; old: ResolvedHost } | { error: string } {
  const running = state.hosts.filter(h => h.role === 'standby');
  const stopped = state.hosts.filter(h => h.reachable && !h.postmasterRunning && h.isStandbyDirectory === true);
  const candidates = running.length ? running : stopped;
  if (candidates.length === 0)
    return {
      error: 'No host runs a standby postmaster or has a standby data directory: there is nothing to activate.',
    };
  if (candidates.length > 1)
    return {
      error: `${candidates.map(h => h.name).join(' and ')} all look like standbys: gpcoord does not guess which to activate.`,
    };
  const standby = byName(cluster, candidates[0]!.name)!;
  const others = cluster.hosts.filter(h => h.name !== standby.name && seen(state, h.name)?.isStandbyDirectory !== true);
  const old =
    others.find(h => h.name === cluster.originalCoordinator.name || h.name === cluster.originalStandby.name) ??
    others[0];
  if (!old) return { error: `No host other than ${standby.name} can have been its coordinator.` };
  return { standby, old };
}

function planFailover(input: LifecycleInput): LifecycleDecision {
  const { cluster, state } = input;
  const active = byName(cluster, state.activeCoordinator);
  if (active) {
    const last = input.journal
      .filter(e => e.cluster === cluster.name && e.procedure === 'failover' && e.type === 'step-started')
      .pop();
    if (last?.stepId === 'activate-standby' && last.host === active.name && !ranInRun(input, 'check-activation')) {
      return fromIndex(input, 2, { 'standby-host': active });
    }
    const next =
      state.standby.status === 'not-configured'
        ? ' It has no standby: restore mirroring next (restore-mirroring).'
        : '';
    if (ranInRun(input, 'activate-standby'))
      return { kind: 'done', message: `${active.name} is the active coordinator now.${next}` };
    return { kind: 'done', message: `${active.name} is the active coordinator: there is nothing to fail over.${next}` };
  }
  const pair = failoverPair(cluster, state);
  if ('error' in pair) return { kind: 'blocked', reason: pair.error };
  const { standby, old } = pair;
  const os = seen(state, old.name);
  const ss = seen(state, standby.name)!;
  if (os?.reachable && os.postmasterRunning) {
    return {
      kind: 'blocked',
      reason: `A postmaster (PID ${os.postmasterPid ?? '?'}) runs on ${old.dataDirectory} on ${old.name} but does not act as the active coordinator: the coordinator is not confirmed down. Find out what it is (its log, pg_ctl status) before anything else.`,
    };
  }
  if (!ss.postmasterRunning && !input.options?.force) {
    return {
      kind: 'blocked',
      reason:
        `The standby postmaster on ${standby.name} is not running: gpactivatestandby would need -f, which starts it in utility mode and activates whatever WAL it has — ` +
        `the latest commits may be lost. Start the standby if you can (pg_ctl start -D ${standby.dataDirectory} on ${standby.name}) and run this again, or choose -f knowingly (gpcoord: --force-activation).`,
    };
  }
  const refs: Refs = { 'old-coordinator': old, 'standby-host': standby };
  // A bounded wait: an old host that drops packets makes gpactivatestandby's ssh wait for the TCP timeout.
  const tweak = (s: PlannedStep): void => {
    if (s.id !== 'activate-standby' || os?.reachable) return;
    s.timeoutMs = 6 * 60_000;
    s.warning =
      `${s.warning ?? ''} ${old.name} does not answer: gpactivatestandby first reads its lock file over ssh and waits until ssh gives up ` +
      `(about 2 minutes when the network drops packets). gpcoord waits at most 6 minutes, then marks the step unknown and observes again. ` +
      `To shorten the wait, set ConnectTimeout for ${old.name} in gpadmin's ~/.ssh/config on ${standby.name}.`;
  };
  const staleLock = os?.reachable && os.lockFilePresent && os.lockFileStale && !ranInRun(input, 'move-lock-aside');
  return fromIndex(input, staleLock ? 0 : 1, refs, tweak);
}

function planStartStandby(input: LifecycleInput): LifecycleDecision {
  const { cluster, state } = input;
  const active = byName(cluster, state.activeCoordinator);
  if (!active)
    return {
      kind: 'blocked',
      reason: `No active coordinator was observed (situation ${state.situation}); gpinitstandby -n runs on the active coordinator.`,
    };
  const sb = state.standby;
  if (sb.status === 'not-configured')
    return {
      kind: 'blocked',
      reason: `The catalog of ${active.name} lists no standby: create one with restore-mirroring.`,
    };
  const target = byName(cluster, sb.host);
  if (!target)
    return {
      kind: 'blocked',
      reason: `The catalog lists standby ${sb.host ?? '?'}, which is not in the inventory of ${cluster.name}.`,
    };
  const t = seen(state, target.name);
  if (!t?.reachable)
    return {
      kind: 'blocked',
      reason: `${target.name} could not be observed (${t?.error ?? 'no observation'}). Make sure it is up and reachable over ssh, then run this again.`,
    };
  const refs: Refs = { active, 'new-standby': target };
  if (t.postmasterRunning) {
    if (ranInRun(input, 'start-standby') && !ranInRun(input, 'verify-mirroring')) return fromIndex(input, 1, refs);
    if (state.situation === 'healthy')
      return { kind: 'done', message: `The standby on ${target.name} runs and streams: ${describeReplication(sb)}.` };
    return {
      kind: 'blocked',
      reason: `The standby on ${target.name} runs but does not stream (${describeReplication(sb)}). Read its log; if the WAL segment it needs was removed, rebuild it (rebuild-standby).`,
    };
  }
  if (t.dataDirectoryExists === false) {
    return {
      kind: 'blocked',
      reason: `The catalog lists ${target.name} as the standby but ${target.dataDirectory} does not exist there (an interrupted gpinitstandby -s?): gpinitstandby -n cannot start it. Rebuild it (rebuild-standby).`,
    };
  }
  if (t.isStandbyDirectory === false)
    return {
      kind: 'blocked',
      reason: `${target.dataDirectory} on ${target.name} is not a standby data directory (no standby.signal or recovery.conf): rebuild the standby (rebuild-standby).`,
    };
  return fromIndex(input, 0, refs);
}

/** The host a rebuild works on: the catalog's standby, the DBA's choice, the host this rebuild already worked on, or the other host. */
function rebuildTarget(input: LifecycleInput, active: ResolvedHost): ResolvedHost | undefined {
  const { cluster, state } = input;
  const fromCatalog = state.standby.status !== 'not-configured' ? byName(cluster, state.standby.host) : undefined;
  if (fromCatalog) return fromCatalog;
  const chosen = byName(cluster, input.options?.standbyHost);
  if (chosen) return chosen;
  const worked = input.journal
    .filter(
      e =>
        e.cluster === cluster.name &&
        e.procedure === 'rebuild-standby' &&
        (e.stepId === 'stop-standby' || e.stepId === 'move-aside') &&
        e.type === 'step-started',
    )
    .pop();
  const fromJournal = byName(cluster, worked?.host);
  if (fromJournal) return fromJournal;
  const others = cluster.hosts.filter(h => h.name !== active.name);
  return others.length === 1 ? others[0] : undefined;
}

function planRebuildStandby(input: LifecycleInput): LifecycleDecision {
  const { cluster, state } = input;
  const active = byName(cluster, state.activeCoordinator);
  if (!active)
    return {
      kind: 'blocked',
      reason: `No active coordinator was observed (situation ${state.situation}); the standby is rebuilt from the active coordinator.`,
    };
  const target = rebuildTarget(input, active);
  if (!target)
    return { kind: 'blocked', reason: `Which host should hold the standby? Name it (gpcoord: --standby-host <host>).` };
  if (target.name === active.name)
    return { kind: 'blocked', reason: `${target.name} is the active coordinator; the standby goes to another host.` };
  const t = seen(state, target.name);
  if (!t?.reachable)
    return {
      kind: 'blocked',
      reason: `${target.name} could not be observed (${t?.error ?? 'no observation'}). Make sure it is up and reachable over ssh, then run this again.`,
    };
  const refs: Refs = { active, 'new-standby': target };
  const sb = state.standby;
  if (sb.status === 'not-configured') {
    const inProgress = ['stop-standby', 'move-aside', 'remove-standby', 'init-standby'].includes(
      lastStepStarted(input.journal, cluster.name, 'rebuild-standby') ?? '',
    );
    if (!inProgress)
      return {
        kind: 'blocked',
        reason: `The catalog of ${active.name} lists no standby: there is nothing to rebuild. Create one with restore-mirroring.`,
      };
    if (t.postmasterRunning)
      return {
        kind: 'blocked',
        reason: `A postmaster (PID ${t.postmasterPid ?? '?'}) runs on ${target.dataDirectory} on ${target.name} although the catalog lists no standby. Stop it first.`,
      };
    return fromIndex(input, t.dataDirectoryExists ? 1 : 3, refs);
  }
  if (sb.host !== target.name)
    return { kind: 'blocked', reason: `The catalog lists standby ${sb.host ?? '?'}, not ${target.name}.` };
  const verifyDue = changedSinceVerified(input.journal, cluster.name, 'rebuild-standby', 'verify-mirroring', [
    'init-standby',
  ]);
  if (verifyDue && !ranInRun(input, 'verify-mirroring')) return fromIndex(input, 4, refs);
  if (state.situation === 'healthy') {
    if (ranInRun(input, 'init-standby'))
      return {
        kind: 'done',
        message: `The standby on ${target.name} was rebuilt and streams: ${describeReplication(sb)}.`,
      };
    return {
      kind: 'done',
      message: `The standby on ${target.name} is passive and streaming (${describeReplication(sb)}): there is nothing to rebuild.`,
    };
  }
  if (t.postmasterRunning) return fromIndex(input, 0, refs);
  return fromIndex(input, t.dataDirectoryExists ? 1 : 2, refs);
}

/** Plans the lifecycle procedures; null for the others. */
export function planLifecycle(input: LifecycleInput): LifecycleDecision | null {
  if (input.procedure !== 'failover' && input.procedure !== 'start-standby' && input.procedure !== 'rebuild-standby')
    return null;
  const sb = splitBrain(input.state);
  if (sb) return sb;
  if (input.procedure === 'failover') return planFailover(input);
  if (input.procedure === 'start-standby') return planStartStandby(input);
  return planRebuildStandby(input);
}

// Observing a cluster: one probe per host (one round trip over the pooled connection), all hosts at once,
// and on demand `gpstate -f` / `-b` on the active coordinator through the parsers. Both give a ClusterState.
import type { ResolvedCluster, ResolvedHost } from '../core/inventory';
import { parseOutput } from '../core/parsers';
import type { GpstateBResult, GpstateFResult } from '../core/parsers';
import type { ClusterState, Problem } from '../core/state';
import { lsnDiff } from '../core/state';
import { coordinatorEnv } from '../core/shell';
import { remoteCommand } from '../ssh/quote';
import { RemoteExecError } from '../ssh/types';
import type { ExecOptions, HostTarget, RemoteExecutor } from '../ssh/types';
import type { DbEndpoint, DbSessions } from './dbsession';
import { deriveClusterState } from './derive';
import type { HostObservation } from './derive';
import { parseProbe, probeScript } from './probe';

export interface ObserveOptions {
  /** Per-host limit for the probe. Default 20 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Database the catalog is read from. Default postgres. */
  database?: string;
  now?: () => Date;
  /**
   * Database sessions kept per coordinator host: when given, a routine observation asks the session (one query)
   * and runs the exec probe only when the session cannot answer or something changed (dbsession.ts).
   */
  sessions?: DbSessions;
  /** Run the exec probe even where a session could answer (full checks: fresh file-system facts). */
  execProbe?: boolean;
}

/** How the ssh layer reaches an inventory host. */
export function hostTarget(h: ResolvedHost): HostTarget {
  return { name: h.name, sshTarget: h.sshTarget, user: h.user, port: h.sshPort, identityFile: h.identityFile };
}

/** The full remote command line for a trusted script on a host: login shell, environment script, exported values. */
export function commandFor(cluster: ResolvedCluster, script: string, env: Record<string, string> = {}): string {
  return remoteCommand({
    environmentScript: cluster.config.environmentScript,
    gphome: cluster.config.gphome,
    env,
    command: script,
  });
}

export function describeExecError(e: unknown): string {
  if (e instanceof RemoteExecError) return `${e.kind}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

export async function observeHost(
  cluster: ResolvedCluster,
  host: ResolvedHost,
  executor: RemoteExecutor,
  opts: ObserveOptions = {},
): Promise<HostObservation> {
  const now = opts.now ?? (() => new Date());
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const endpoint: DbEndpoint = {
    target: hostTarget(host),
    port: host.port,
    database: opts.database ?? 'postgres',
    dataDirectory: host.dataDirectory,
  };
  if (opts.sessions && !opts.execProbe) {
    const facts = await opts.sessions.facts(endpoint, timeoutMs);
    if (facts) return { host: host.name, ok: true, facts, observedAt: now().toISOString() };
  }
  const command = commandFor(
    cluster,
    probeScript(host.dataDirectory, host.port, opts.database),
    coordinatorEnv(host.dataDirectory, host.port),
  );
  const execOpts: ExecOptions = { timeoutMs };
  if (opts.signal) execOpts.signal = opts.signal;
  try {
    const r = await executor.exec(hostTarget(host), command, execOpts);
    const facts = parseProbe(r.stdout);
    if (!facts.hostname && r.exitCode !== 0) {
      const why = r.stderr.trim().split('\n').slice(-2).join(' ') || `exit status ${String(r.exitCode)}`;
      return {
        host: host.name,
        ok: false,
        failure: 'probe-failed',
        error: `the observation script failed on ${host.name}: ${why}`,
        observedAt: now().toISOString(),
      };
    }
    opts.sessions?.remember(endpoint, facts, r.stdout);
    return { host: host.name, ok: true, facts, observedAt: now().toISOString() };
  } catch (e) {
    if (e instanceof RemoteExecError)
      return { host: host.name, ok: false, failure: e.kind, error: e.message, observedAt: now().toISOString() };
    return {
      host: host.name,
      ok: false,
      failure: 'probe-failed',
      error: describeExecError(e),
      observedAt: now().toISOString(),
    };
  }
}

/** The routine observation: every host probed in parallel, one round trip each. */
export async function observe(
  cluster: ResolvedCluster,
  executor: RemoteExecutor,
  opts: ObserveOptions = {},
): Promise<ClusterState> {
  const observations = await Promise.all(cluster.hosts.map(h => observeHost(cluster, h, executor, opts)));
  return deriveClusterState(cluster, observations, (opts.now ?? (() => new Date()))());
}

export interface GpstateObservation {
  state: ClusterState;
  /** The parsed outputs (null when there is no active coordinator to run gpstate on). */
  gpstateF: GpstateFResult | null;
  gpstateB: GpstateBResult | null;
  raw: { gpstateF: string | null; gpstateB: string | null };
}

/** A fresh state with the gpstate outputs of an earlier observation kept (none when there was none). */
export function withState(previous: GpstateObservation | undefined, state: ClusterState): GpstateObservation {
  return { ...(previous ?? { gpstateF: null, gpstateB: null, raw: { gpstateF: null, gpstateB: null } }), state };
}

/**
 * The observation plus `gpstate -f` and `gpstate -b` on the active coordinator, as the utilities report it.
 * The standby's status and replication come from gpstate's own words; disagreements are listed as problems.
 */
export async function observeWithGpstate(
  cluster: ResolvedCluster,
  executor: RemoteExecutor,
  opts: ObserveOptions = {},
): Promise<GpstateObservation> {
  const state = await observe(cluster, executor, { ...opts, execProbe: true });
  const active = cluster.hosts.find(h => h.name === state.activeCoordinator);
  if (!active) return withState(undefined, state);
  const env = coordinatorEnv(active.dataDirectory, active.port);
  const run = async (args: string): Promise<{ text: string; exitCode: number | null } | { error: string }> => {
    try {
      const r = await executor.exec(hostTarget(active), commandFor(cluster, `gpstate ${args}`, env), {
        timeoutMs: 120_000,
      });
      return { text: r.stdout + (r.stderr ? `\n${r.stderr}` : ''), exitCode: r.exitCode };
    } catch (e) {
      return { error: describeExecError(e) };
    }
  };
  const [f, b] = await Promise.all([run('-f'), run('-b')]);
  const problems: Problem[] = [...state.problems];
  let gpstateF: GpstateFResult | null = null;
  let gpstateB: GpstateBResult | null = null;
  const next: ClusterState = { ...state, standby: { ...state.standby }, source: 'gpstate' };
  if ('error' in f)
    problems.push({
      level: 'warning',
      code: 'gpstate-failed',
      host: active.name,
      text: `gpstate -f could not run on ${active.name}: ${f.error}`,
    });
  else {
    const p = parseOutput('gpstate-f', f.text, f.exitCode === null ? {} : { exitCode: f.exitCode });
    if (!p.recognized)
      problems.push({
        level: 'warning',
        code: 'gpstate-unrecognized',
        host: active.name,
        text: `gpstate -f output not recognized: ${p.reason}`,
      });
    else {
      gpstateF = p.result;
      const r = p.result;
      for (const x of r.problems) {
        const level = x.harmless ? 'info' : x.level === 'WARNING' ? 'warning' : 'error';
        problems.push({ level, code: 'gpstate-f', host: active.name, text: `gpstate -f: ${x.text}` });
      }
      if (r.standbyConfigured === false) next.standby.status = 'not-configured';
      else if (r.standby) next.standby.status = r.standby.status;
      const row = r.replication?.[0];
      if (r.replication !== null && row) {
        next.standby.walState = row.state ?? null;
        next.standby.syncState = row.syncState ?? null;
        next.standby.sentLsn = row.sentLocation ?? null;
        next.standby.flushLsn = row.flushLocation ?? null;
        next.standby.replayLsn = row.replayLocation ?? null;
        next.standby.lagBytes = lsnDiff(next.standby.sentLsn, next.standby.replayLsn);
        next.standby.flushLagBytes = lsnDiff(next.standby.sentLsn, next.standby.flushLsn);
      } else if (r.outcome === 'succeeded' && r.replication === null) {
        next.standby.walState = null;
      }
      if ((next.standby.status === 'passive') !== (state.standby.status === 'passive')) {
        problems.push({
          level: 'info',
          code: 'gpstate-disagrees',
          host: active.name,
          text: `gpstate -f says the standby is ${next.standby.status}; the direct observation said ${state.standby.status}`,
        });
      }
      if (r.vocabulary) next.vocabulary = r.vocabulary;
    }
  }
  if ('error' in b)
    problems.push({
      level: 'warning',
      code: 'gpstate-failed',
      host: active.name,
      text: `gpstate -b could not run on ${active.name}: ${b.error}`,
    });
  else {
    const p = parseOutput('gpstate-b', b.text, b.exitCode === null ? {} : { exitCode: b.exitCode });
    if (p.recognized) gpstateB = p.result;
    else
      problems.push({
        level: 'warning',
        code: 'gpstate-unrecognized',
        host: active.name,
        text: `gpstate -b output not recognized: ${p.reason}`,
      });
  }
  next.problems = problems;
  if (next.situation === 'healthy' && !(next.standby.status === 'passive' && next.standby.walState === 'streaming'))
    next.situation = 'standby-down';
  return {
    state: next,
    gpstateF,
    gpstateB,
    raw: { gpstateF: 'text' in f ? f.text : null, gpstateB: 'text' in b ? b.text : null },
  };
}

// A cluster's observed state (the engine's ClusterState, plus gpstate -b's segment summary) as the panel's
// snapshot. Pure: no vscode, no I/O. The saved-output path (snapshot.ts) and this one share the panel's vocabulary.
import type { ResolvedCluster } from '../../core/inventory';
import type { ClusterState, HostState, Situation } from '../../core/state';
import { formatBytes } from './snapshot';
import type { GpstateBView } from './snapshot';
import type { Health, HostCard, PanelCommand, ProcedureView, StatusSnapshot } from './protocol';

export const SITUATION_TEXT: Record<Situation, { health: Health; short: string }> = {
  healthy: { health: 'ok', short: 'mirroring healthy' },
  'standby-down': { health: 'error', short: 'standby not mirroring' },
  'coordinator-down': { health: 'error', short: 'no active coordinator' },
  'after-failover': { health: 'error', short: 'not mirrored' },
  'both-down': { health: 'error', short: 'both hosts down' },
  'split-brain': { health: 'error', short: 'SPLIT BRAIN: two active coordinators' },
  unknown: { health: 'unknown', short: 'state unknown' },
};

function words(state: ClusterState): { c: string; C: string } {
  return state.vocabulary === 'master' ? { c: 'master', C: 'Master' } : { c: 'coordinator', C: 'Coordinator' };
}

/** A host's role in words and its health, as the tree and the panel show it. */
export function describeHost(h: HostState, state: ClusterState): { label: string; health: Health; detail: string } {
  const w = words(state);
  if (!h.reachable) {
    const error = h.error ?? 'the host could not be observed';
    // The ssh layer prefixes its failures with their kind; each has its own fix.
    if (error.startsWith('host-key-changed')) return { label: 'host key changed: refused', health: 'error', detail: error };
    if (error.startsWith('host-key-unknown')) return { label: 'unknown host key: not accepted', health: 'error', detail: error };
    if (error.startsWith('auth-failed')) return { label: 'authentication failed', health: 'error', detail: error };
    return { label: 'unreachable', health: 'error', detail: error };
  }
  const sb = state.standby;
  if (h.role === 'active-coordinator') return { label: `active ${w.c}`, health: state.situation === 'split-brain' ? 'error' : 'ok', detail: `postmaster PID ${h.postmasterPid ?? '?'}` };
  if (h.role === 'standby') {
    const isTheStandby = sb.host === h.name;
    const streaming = isTheStandby && sb.walState === 'streaming';
    const parts = [isTheStandby && sb.status !== 'not-configured' ? sb.status : 'running', sb.walState ?? (isTheStandby ? 'no WAL sender' : null), sb.syncState].filter((x): x is string => !!x);
    return { label: `standby: ${parts.join(', ')}`, health: streaming && sb.status === 'passive' ? (sb.lagBytes ? 'warning' : 'ok') : 'warning', detail: `postmaster PID ${h.postmasterPid ?? '?'}` };
  }
  if (h.role === 'stale') {
    const lock = h.lockFilePresent && h.lockFileStale ? `; stale lock file /tmp/.s.PGSQL.${h.port}.lock` : '';
    return { label: `former ${w.c}: stale data directory`, health: 'warning', detail: `${h.dataDirectory} is not running and is not a standby${lock}` };
  }
  if (h.role === 'down') {
    if (sb.host === h.name && sb.status !== 'not-configured') return { label: 'standby: not running', health: 'error', detail: 'the catalog lists this host as the standby, but no postmaster runs' };
    return { label: h.dataDirectoryExists ? 'down: no postmaster' : 'no data directory', health: h.dataDirectoryExists ? 'error' : 'unknown', detail: h.dataDirectoryExists ? `${h.dataDirectory} exists, nothing runs on it` : `${h.dataDirectory} does not exist` };
  }
  return { label: 'role unknown', health: 'unknown', detail: h.clusterStateText ?? 'the observation could not tell' };
}

function verdict(state: ClusterState, cluster: ResolvedCluster): StatusSnapshot['verdict'] {
  const w = words(state);
  const active = state.activeCoordinator;
  const sb = state.standby;
  const original = cluster.originalCoordinator.name;
  switch (state.situation) {
    case 'healthy': {
      const swapped = active && active !== original ? ` ${active} is not the original ${w.c} (${original}); "Return Coordinator to Original Host…" swaps the roles back.` : '';
      return { health: 'ok', headline: `Mirroring healthy: ${sb.host ?? 'the standby'} follows ${active ?? `the ${w.c}`}`, detail: `Standby ${sb.status}, WAL sender ${sb.walState ?? '?'}, ${sb.syncState ?? '?'}, replay lag ${sb.lagBytes === null ? 'unknown' : formatBytes(sb.lagBytes)}.${swapped}` };
    }
    case 'after-failover':
      return { health: 'error', headline: `${w.C} on ${active ?? '?'} is not mirrored`, detail: `No standby ${w.c} is configured: if ${active ?? 'it'} fails there is nothing to activate. "Restore Coordinator Mirroring…" moves the stale data directory aside and runs gpinitstandby.` };
    case 'standby-down':
      return { health: 'error', headline: `Standby on ${sb.host ?? '?'} is not mirroring`, detail: `Standby ${sb.status}; ${sb.walState ? `WAL sender ${sb.walState}` : 'no WAL sender on the active coordinator'}.` };
    case 'coordinator-down':
      return { health: 'error', headline: `No active ${w.c}`, detail: `No host runs the ${w.c}. Confirm the old ${w.c} is down, then activate the standby (gpactivatestandby) before restoring mirroring.` };
    case 'both-down':
      return { health: 'error', headline: `Neither host runs a ${w.c}`, detail: 'Every host answered and none runs a postmaster. Start the cluster (gpstart) on the host that was active last.' };
    case 'split-brain':
      return { health: 'error', headline: `Two hosts claim to be the active ${w.c}`, detail: 'Both accept writes. No procedure runs in this state: stop the one that must not be active, by hand, after checking which has the newer data (timeline).' };
    default:
      return { health: 'unknown', headline: 'The state could not be determined', detail: state.problems.map((p) => p.text).join(' ') || 'Not every host could be observed.' };
  }
}

export interface StateSnapshotInput {
  cluster: ResolvedCluster;
  state: ClusterState;
  gpstateB?: GpstateBView | null;
  procedure?: ProcedureView | null;
}

/** Which commands fit the observed situation, most useful first; none while a procedure runs. */
export function actionsFor(state: ClusterState, cluster: ResolvedCluster, procedureRunning: boolean): PanelCommand[] {
  if (procedureRunning) return [];
  if (state.situation === 'after-failover') return ['restoreMirroring', 'checkMirroring', 'showAuditLog'];
  if (state.situation === 'healthy') {
    // The swap back only makes sense while the roles are swapped.
    const swapped = state.activeCoordinator !== null && state.activeCoordinator !== cluster.originalCoordinator.name;
    return swapped ? ['checkMirroring', 'returnToOriginalHost', 'showAuditLog'] : ['checkMirroring', 'showAuditLog'];
  }
  return ['checkMirroring', 'restoreMirroring', 'showAuditLog'];
}

export function snapshotFromState({ cluster, state, gpstateB, procedure }: StateSnapshotInput): StatusSnapshot {
  const w = words(state);
  // The active coordinator first, then the standby, then any other host.
  const order = (h: HostState) => (h.name === state.activeCoordinator ? 0 : h.name === state.standby.host ? 1 : 2);
  const hosts: HostCard[] = [...state.hosts].sort((a, b) => order(a) - order(b)).map((h) => {
    const d = describeHost(h, state);
    const details = [
      { label: 'Data directory', value: `${h.dataDirectory}${h.dataDirectoryExists === false ? ' (absent)' : ''}` },
      { label: 'Port', value: String(h.port) },
      ...(h.postmasterPid ? [{ label: 'PID', value: String(h.postmasterPid) }] : []),
      ...(h.timeline !== undefined ? [{ label: 'Timeline', value: String(h.timeline) }] : []),
      ...(h.backups.length ? [{ label: 'Backups', value: h.backups.join(', ') }] : []),
      ...(h.name === cluster.originalCoordinator.name ? [{ label: 'Built as', value: `original ${w.c}` }] : h.name === cluster.originalStandby.name ? [{ label: 'Built as', value: 'original standby' }] : []),
      { label: 'Observed', value: h.observedAt },
    ];
    const role: HostCard['role'] = h.role === 'active-coordinator' ? 'active-coordinator' : h.role === 'standby' ? 'standby' : 'unknown';
    return { host: h.name, role, roleLabel: d.label.charAt(0).toUpperCase() + d.label.slice(1), health: d.health, statusText: d.detail, details };
  });
  const sb = state.standby;
  const rows = sb.walState || sb.sentLsn
    ? [{ state: sb.walState, syncState: sb.syncState, sentLocation: sb.sentLsn, flushLocation: sb.flushLsn, replayLocation: sb.replayLsn, replayLagBytes: sb.lagBytes }]
    : [];
  const linkHealth: Health = sb.status === 'not-configured' ? 'unknown' : sb.walState === 'streaming' && sb.syncState === 'sync' && sb.lagBytes === 0 ? 'ok' : sb.walState === 'streaming' ? 'warning' : 'error';
  const linkSummary = sb.status === 'not-configured'
    ? 'No replication: no standby is configured'
    : sb.walState === 'streaming'
      ? `streaming, ${sb.syncState ?? '?'}, ${sb.lagBytes === 0 ? 'replay in step (no lag)' : `replay behind by ${sb.lagBytes === null ? 'an unknown amount' : formatBytes(sb.lagBytes)}`}`
      : sb.walState ? `WAL sender ${sb.walState}: not streaming yet` : 'No WAL sender: the standby is not receiving changes';
  const counts = (c: { total?: number | null; valid?: number | null; failures?: number | null } | null | undefined) =>
    c ? { total: c.total ?? null, valid: c.valid ?? null, failures: c.failures ?? null } : null;
  const fix = (level: string) => (level === 'error' ? 'ERROR' : level === 'warning' ? 'WARNING' : 'INFO');
  return {
    title: cluster.name,
    clusterName: cluster.name,
    subtitle: `Observed over SSH (${state.source === 'gpstate' ? 'host probes and gpstate -f / -b' : 'host probes'})${cluster.config.description ? ` · ${cluster.config.description}` : ''}`,
    verdict: verdict(state, cluster),
    product: cluster.config.product === 'auto' ? null : cluster.config.product,
    vocabulary: state.vocabulary ?? null,
    hosts,
    link: { health: linkHealth, summary: linkSummary, rows: sb.status === 'not-configured' ? [] : rows },
    segments: gpstateB?.segments ? { primary: counts(gpstateB.segments.primary), mirror: counts(gpstateB.segments.mirror) } : null,
    problems: state.problems.map((p) => ({ level: fix(p.level), text: p.host ? `${p.host}: ${p.text}` : p.text, harmless: p.level === 'info' })),
    sources: [{ kind: state.source === 'gpstate' ? 'probes + gpstate' : 'probes', label: `${state.hosts.length} hosts`, observedAt: state.observedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') }],
    procedure: procedure ?? null,
    actions: actionsFor(state, cluster, procedure?.status === 'running'),
  };
}

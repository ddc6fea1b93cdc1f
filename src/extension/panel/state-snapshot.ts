// A cluster's observed state (the engine's ClusterState, plus gpstate -b's segment summary) as the panel's
// snapshot. Pure: no vscode, no I/O (words are translated through ../l10n). The saved-output path (snapshot.ts) and this one share the panel's vocabulary.
import type { ResolvedCluster } from '../../core/inventory';
import { releaseName } from '../../core/releases';
import { l10n } from '../l10n';
import type { ClusterState, HostState, Situation } from '../../core/state';
import { formatBytes, withSegmentFailures } from './snapshot';
import type { GpstateBView } from './snapshot';
import type { Health, HostCard, PanelCommand, ProcedureView, StatusSnapshot } from './protocol';
import { formatTime } from './time';

/** Each situation's health and its words in the tree and the status bar (read when shown, in the display language). */
export const SITUATION_TEXT: Record<Situation, { readonly health: Health; readonly short: string }> = {
  healthy: {
    health: 'ok',
    get short() {
      return l10n.t('mirroring healthy');
    },
  },
  'standby-down': {
    health: 'error',
    get short() {
      return l10n.t('standby not mirroring');
    },
  },
  'coordinator-down': {
    health: 'error',
    get short() {
      return l10n.t('no active coordinator');
    },
  },
  'after-failover': {
    health: 'error',
    get short() {
      return l10n.t('not mirrored');
    },
  },
  'both-down': {
    health: 'error',
    get short() {
      return l10n.t('no coordinator running');
    },
  },
  'split-brain': {
    health: 'error',
    get short() {
      return l10n.t('SPLIT BRAIN: two active coordinators');
    },
  },
  unknown: {
    health: 'unknown',
    get short() {
      return l10n.t('state unknown');
    },
  },
};

/** Whether the active coordinator answered, so that what it reports (pg_stat_replication) is a fact. */
function activeObserved(state: ClusterState): boolean {
  return state.hosts.some(h => h.name === state.activeCoordinator && h.reachable);
}

function words(state: ClusterState): { c: string; C: string } {
  return state.vocabulary === 'master'
    ? { c: l10n.t('master'), C: l10n.t('Master') }
    : { c: l10n.t('coordinator'), C: l10n.t('Coordinator') };
}

/** A host's role in words and its health, as the tree and the panel show it. */
export function describeHost(h: HostState, state: ClusterState): { label: string; health: Health; detail: string } {
  const w = words(state);
  if (!h.reachable) {
    const error = h.error ?? l10n.t('the host could not be observed');
    // Each kind of ssh failure has its own fix.
    if (h.failure === 'host-key-changed')
      return { label: l10n.t('host key changed: refused'), health: 'error', detail: error };
    if (h.failure === 'host-key-unknown')
      return { label: l10n.t('unknown host key: not accepted'), health: 'error', detail: error };
    if (h.failure === 'auth-failed') return { label: l10n.t('authentication failed'), health: 'error', detail: error };
    return { label: l10n.t('unreachable'), health: 'error', detail: error };
  }
  const sb = state.standby;
  if (h.role === 'active-coordinator')
    return {
      label: l10n.t('active {0}', w.c),
      health: state.situation === 'split-brain' ? 'error' : 'ok',
      detail: l10n.t('postmaster PID {0}', h.postmasterPid ?? '?'),
    };
  if (h.role === 'standby') {
    const isTheStandby = sb.host === h.name;
    const streaming = isTheStandby && sb.walState === 'streaming';
    // "no WAL sender" is a fact only when the active coordinator answered; otherwise it is not said at all.
    const noSender = isTheStandby && activeObserved(state) ? l10n.t('no WAL sender') : null;
    const parts = [
      isTheStandby && sb.status !== 'not-configured' ? sb.status : l10n.t('running'),
      sb.walState ?? noSender,
      sb.syncState,
    ].filter((x): x is string => !!x);
    return {
      label: l10n.t('standby: {0}', parts.join(', ')),
      health: streaming && sb.status === 'passive' ? (sb.lagBytes ? 'warning' : 'ok') : 'warning',
      detail: l10n.t('postmaster PID {0}', h.postmasterPid ?? '?'),
    };
  }
  if (h.role === 'stale') {
    const detail =
      h.lockFilePresent && h.lockFileStale
        ? l10n.t(
            '{0} is not running and is not a standby; stale lock file {1}',
            h.dataDirectory,
            `/tmp/.s.PGSQL.${h.port}.lock`,
          )
        : l10n.t('{0} is not running and is not a standby', h.dataDirectory);
    return { label: l10n.t('former {0}: stale data directory', w.c), health: 'warning', detail };
  }
  if (h.role === 'down') {
    if (sb.host === h.name && sb.status !== 'not-configured')
      return {
        label: l10n.t('standby: not running'),
        health: 'error',
        detail: l10n.t('the catalog lists this host as the standby, but no postmaster runs'),
      };
    return h.dataDirectoryExists
      ? {
          label: l10n.t('down: no postmaster'),
          health: 'error',
          detail: l10n.t('{0} exists, nothing runs on it', h.dataDirectory),
        }
      : {
          label: l10n.t('no data directory'),
          health: 'unknown',
          detail: l10n.t('{0} does not exist', h.dataDirectory),
        };
  }
  return {
    label: l10n.t('role unknown'),
    health: 'unknown',
    detail: h.clusterStateText ?? l10n.t('the observation could not tell'),
  };
}

function verdict(state: ClusterState, cluster: ResolvedCluster): StatusSnapshot['verdict'] {
  const w = words(state);
  const active = state.activeCoordinator;
  const sb = state.standby;
  const original = cluster.originalCoordinator.name;
  switch (state.situation) {
    case 'healthy': {
      const swapped =
        active && active !== original
          ? ` ${l10n.t('{0} is not the original {1} ({2}); "Return Coordinator to Original Host…" swaps the roles back.', active, w.c, original)}`
          : '';
      return {
        health: 'ok',
        headline: l10n.t(
          'Mirroring healthy: {0} follows {1}',
          sb.host ?? l10n.t('the standby'),
          active ?? l10n.t('the {0}', w.c),
        ),
        detail:
          l10n.t(
            'Standby {0}, WAL sender {1}, {2}, replay lag {3}.',
            sb.status,
            sb.walState ?? '?',
            sb.syncState ?? '?',
            sb.lagBytes === null ? l10n.t('unknown') : formatBytes(sb.lagBytes),
          ) + swapped,
      };
    }
    case 'after-failover':
      return {
        health: 'error',
        headline: l10n.t('{0} on {1} is not mirrored', w.C, active ?? '?'),
        detail: l10n.t(
          'No standby {0} is configured: if {1} fails there is nothing to activate. "Restore Coordinator Mirroring…" moves the stale data directory aside and runs gpinitstandby.',
          w.c,
          active ?? l10n.t('it'),
        ),
      };
    case 'standby-down':
      return {
        health: 'error',
        headline: l10n.t('Standby on {0} is not mirroring', sb.host ?? '?'),
        detail: sb.walState
          ? l10n.t('Standby {0}; WAL sender {1}.', sb.status, sb.walState)
          : l10n.t('Standby {0}; no WAL sender on the active coordinator.', sb.status),
      };
    case 'coordinator-down':
      return {
        health: 'error',
        headline: l10n.t('No active {0}', w.c),
        detail: l10n.t(
          'No host runs the {0}. Confirm the old {0} is down, then activate the standby (gpactivatestandby) before restoring mirroring.',
          w.c,
        ),
      };
    case 'both-down':
      return {
        health: 'error',
        headline: l10n.t('Neither host runs a {0}', w.c),
        detail: l10n.t(
          'Every host answered and none runs a postmaster. Start the cluster (gpstart) on the host that was active last.',
        ),
      };
    case 'split-brain':
      return {
        health: 'error',
        headline: l10n.t('Two hosts claim to be the active {0}', w.c),
        detail: l10n.t(
          'Both accept writes. No procedure runs in this state: stop the one that must not be active, by hand, after checking which has the newer data (timeline).',
        ),
      };
    default:
      return {
        health: 'unknown',
        headline: l10n.t('The state could not be determined'),
        detail: state.problems.map(p => p.text).join(' ') || l10n.t('Not every host could be observed.'),
      };
  }
}

export interface StateSnapshotInput {
  cluster: ResolvedCluster;
  state: ClusterState;
  gpstateB?: GpstateBView | null;
  procedure?: ProcedureView | null;
}

/**
 * Which commands fit the observed situation, most useful first; none while a procedure runs. Only what can work is
 * offered: restoring mirroring needs the former host to answer; a standby that is down is started or rebuilt, a
 * cluster without an active coordinator gets its standby activated; otherwise (hosts that did not answer, split
 * brain, nothing running) a new check is what helps.
 */
export function actionsFor(state: ClusterState, cluster: ResolvedCluster, procedureRunning: boolean): PanelCommand[] {
  if (procedureRunning) return [];
  if (state.situation === 'after-failover') {
    const formerAnswers = state.hosts.some(h => h.name !== state.activeCoordinator && h.reachable);
    return formerAnswers ? ['restoreMirroring', 'checkMirroring', 'showAuditLog'] : ['checkMirroring', 'showAuditLog'];
  }
  if (state.situation === 'healthy') {
    // The swap back only makes sense while the roles are swapped.
    const swapped = state.activeCoordinator !== null && state.activeCoordinator !== cluster.originalCoordinator.name;
    return swapped ? ['checkMirroring', 'returnToOriginalHost', 'showAuditLog'] : ['checkMirroring', 'showAuditLog'];
  }
  // The lifecycle procedures where they fit: a running standby without a coordinator is activated; a configured
  // standby that is down is started (or rebuilt when it cannot be started).
  if (state.situation === 'coordinator-down') return ['activateStandby', 'dryRun', 'checkMirroring', 'showAuditLog'];
  if (state.situation === 'standby-down')
    return ['startStandby', 'rebuildStandby', 'dryRun', 'checkMirroring', 'showAuditLog'];
  return ['checkMirroring', 'showAuditLog'];
}

/** The replication link as far as it was observed: "No WAL sender" only when the active coordinator said so. */
function linkOf(state: ClusterState): { health: Health; summary: string } {
  const sb = state.standby;
  if (sb.status === 'not-configured')
    return { health: 'unknown', summary: l10n.t('No replication: no standby is configured') };
  if (!activeObserved(state) && !sb.walState && !sb.sentLsn)
    return { health: 'unknown', summary: l10n.t('Replication not observed: no active coordinator answered') };
  if (sb.walState === 'streaming') {
    const health: Health = sb.syncState === 'sync' && sb.lagBytes === 0 ? 'ok' : 'warning';
    return sb.lagBytes === 0
      ? { health, summary: l10n.t('streaming, {0}, replay in step (no lag)', sb.syncState ?? '?') }
      : {
          health,
          summary: l10n.t(
            'streaming, {0}, replay behind by {1}',
            sb.syncState ?? '?',
            sb.lagBytes === null ? l10n.t('an unknown amount') : formatBytes(sb.lagBytes),
          ),
        };
  }
  return {
    health: 'error',
    summary: sb.walState
      ? l10n.t('WAL sender {0}: not streaming yet', sb.walState)
      : l10n.t('No WAL sender: the standby is not receiving changes'),
  };
}

export function snapshotFromState({ cluster, state, gpstateB, procedure }: StateSnapshotInput): StatusSnapshot {
  const w = words(state);
  // Each host keeps its side whatever its role (the inventory's order: the original coordinator on the left), so a
  // failover shows as roles changing places, not as cards swapping.
  const order = (h: HostState) => {
    const i = cluster.hosts.findIndex(x => x.name === h.name);
    return i < 0 ? cluster.hosts.length : i;
  };
  const hosts: HostCard[] = [...state.hosts]
    .sort((a, b) => order(a) - order(b))
    .map(h => {
      const d = describeHost(h, state);
      const details = [
        {
          label: l10n.t('Data directory'),
          value: h.dataDirectoryExists === false ? l10n.t('{0} (absent)', h.dataDirectory) : h.dataDirectory,
        },
        { label: l10n.t('Port'), value: String(h.port) },
        ...(h.postmasterPid ? [{ label: l10n.t('PID'), value: String(h.postmasterPid) }] : []),
        ...(h.timeline !== undefined ? [{ label: l10n.t('Timeline'), value: String(h.timeline) }] : []),
        ...(h.backups.length ? [{ label: l10n.t('Backups'), value: h.backups.join(', ') }] : []),
        ...(h.name === cluster.originalCoordinator.name
          ? [{ label: l10n.t('Built as'), value: l10n.t('original {0}', w.c) }]
          : h.name === cluster.originalStandby.name
            ? [{ label: l10n.t('Built as'), value: l10n.t('original standby') }]
            : []),
        { label: l10n.t('Observed'), value: formatTime(h.observedAt), at: h.observedAt },
      ];
      const role: HostCard['role'] =
        h.role === 'active-coordinator' ? 'active-coordinator' : h.role === 'standby' ? 'standby' : 'unknown';
      return {
        host: h.name,
        role,
        roleLabel: d.label.charAt(0).toUpperCase() + d.label.slice(1),
        health: d.health,
        statusText: d.detail,
        details,
      };
    });
  const sb = state.standby;
  const rows =
    sb.walState || sb.sentLsn
      ? [
          {
            state: sb.walState,
            syncState: sb.syncState,
            sentLocation: sb.sentLsn,
            flushLocation: sb.flushLsn,
            replayLocation: sb.replayLsn,
            replayLagBytes: sb.lagBytes,
          },
        ]
      : [];
  const link = linkOf(state);
  const counts = (c: { total?: number | null; valid?: number | null; failures?: number | null } | null | undefined) =>
    c ? { total: c.total ?? null, valid: c.valid ?? null, failures: c.failures ?? null } : null;
  const fix = (level: string) => (level === 'error' ? 'ERROR' : level === 'warning' ? 'WARNING' : 'INFO');
  return {
    title: cluster.name,
    clusterName: cluster.name,
    subtitle:
      (state.source === 'gpstate'
        ? l10n.t('Observed over SSH (host probes and gpstate -f / -b)')
        : l10n.t('Observed over SSH (host probes)')) +
      (state.release ? ` · ${l10n.t('Release: {0}', releaseName(state.release))}` : '') +
      (cluster.config.description ? ` · ${cluster.config.description}` : ''),
    verdict: withSegmentFailures(verdict(state, cluster), gpstateB?.segments),
    product: cluster.config.product === 'auto' ? null : cluster.config.product,
    vocabulary: state.vocabulary ?? null,
    hosts,
    link: { ...link, rows: sb.status === 'not-configured' ? [] : rows },
    segments: gpstateB?.segments
      ? { primary: counts(gpstateB.segments.primary), mirror: counts(gpstateB.segments.mirror) }
      : null,
    problems: state.problems.map(p => ({
      level: fix(p.level),
      text: p.host ? `${p.host}: ${p.text}` : p.text,
      harmless: p.level === 'info',
    })),
    sources: [
      {
        kind: state.source === 'gpstate' ? 'probes + gpstate' : 'probes',
        label: l10n.t('{0} hosts', state.hosts.length),
        observedAt: formatTime(state.observedAt),
      },
    ],
    procedure: procedure ?? null,
    actions: actionsFor(state, cluster, procedure?.status === 'running'),
  };
}

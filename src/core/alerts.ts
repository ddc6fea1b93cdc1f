// Alerts: which conditions of an observed cluster are worth telling a DBA about, and which of them are new since the
// last observation, so each is announced once (when it appears) and once more when it clears. Pure: the VS Code
// notifications, `gpcoord watch` and the user's alert command all take their events from here.
import { lsnDiffBytes } from './parsers/lsn';
import type { ClusterState } from './state';

export interface AlertThresholds {
  /** Replay lag (sent − replay) above which the standby is reported as lagging. */
  lagBytes: number;
  /** Replay lag in time above which the standby is reported as lagging. */
  lagSeconds: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = { lagBytes: 64 * 1024 * 1024, lagSeconds: 60 };

export type AlertCondition =
  'coordinator-down' | 'split-brain' | 'standby-down' | 'not-streaming' | 'lag-bytes' | 'lag-seconds';

/** What an alert suggests doing, as a command of the extension (the CLI prints the same advice). */
export type AlertAction = 'checkMirroring' | 'restoreMirroring' | 'showPanel';

export interface AlertEvent {
  cluster: string;
  /** A condition that appeared, `role-change`, or `cleared` (a condition that went away). */
  kind: AlertCondition | 'role-change' | 'cleared';
  severity: 'error' | 'warning' | 'info';
  message: string;
  action: AlertAction;
  observedAt: string;
  situation: ClusterState['situation'];
  activeCoordinator: string | null;
  lagBytes: number | null;
  lagSeconds: number | null;
}

/** What the watcher remembers between observations. */
export interface AlertMemory {
  conditions: AlertCondition[];
  activeCoordinator: string | null;
  /** The last observation's sent LSN and time, for the WAL rate when the server reports no replay_lag. */
  sample: { at: string; sentLsn: string } | null;
}

/**
 * The replay lag in seconds: the server's own `replay_lag` when it reports one, else the bytes behind divided by the
 * rate at which the coordinator wrote WAL since the last observation; null when neither can be told.
 */
export function lagSeconds(
  state: ClusterState,
  previous: AlertMemory['sample'],
  replayLagSeconds?: number | null,
): number | null {
  if (replayLagSeconds !== undefined && replayLagSeconds !== null) return replayLagSeconds;
  const sb = state.standby;
  if (sb.lagBytes === null || !sb.sentLsn) return null;
  if (sb.lagBytes === 0) return 0;
  if (!previous) return null;
  const written = lsnDiffBytes(sb.sentLsn, previous.sentLsn);
  const seconds = (Date.parse(state.observedAt) - Date.parse(previous.at)) / 1000;
  if (written === null || written <= 0 || !(seconds > 0)) return null;
  return Math.round(sb.lagBytes / (written / seconds));
}

const SEVERITY: Record<AlertCondition, 'error' | 'warning'> = {
  'coordinator-down': 'error',
  'split-brain': 'error',
  'standby-down': 'error',
  'not-streaming': 'error',
  'lag-bytes': 'warning',
  'lag-seconds': 'warning',
};

/** The conditions that hold in this observation. */
export function conditionsOf(state: ClusterState, thresholds: AlertThresholds, lag: number | null): AlertCondition[] {
  const out: AlertCondition[] = [];
  const sb = state.standby;
  if (state.situation === 'coordinator-down' || state.situation === 'both-down') out.push('coordinator-down');
  if (state.situation === 'split-brain') out.push('split-brain');
  const activeAnswered = state.hosts.some(h => h.name === state.activeCoordinator && h.reachable);
  if (state.activeCoordinator && sb.status !== 'not-configured' && sb.host) {
    if (sb.status === 'down') out.push('standby-down');
    else if (activeAnswered && sb.walState !== 'streaming') out.push('not-streaming');
  }
  if (sb.walState === 'streaming' && sb.lagBytes !== null && sb.lagBytes > thresholds.lagBytes) out.push('lag-bytes');
  if (sb.walState === 'streaming' && lag !== null && lag > thresholds.lagSeconds) out.push('lag-seconds');
  return out;
}

function describe(
  c: AlertCondition,
  state: ClusterState,
  lag: number | null,
  t: AlertThresholds,
): { message: string; action: AlertAction } {
  const sb = state.standby;
  switch (c) {
    case 'coordinator-down':
      return { message: `${state.cluster}: no active coordinator`, action: 'showPanel' };
    case 'split-brain':
      return { message: `${state.cluster}: two hosts claim to be the active coordinator`, action: 'showPanel' };
    case 'standby-down':
      return { message: `${state.cluster}: the standby on ${sb.host ?? '?'} is down`, action: 'showPanel' };
    case 'not-streaming':
      return {
        message: `${state.cluster}: the standby on ${sb.host ?? '?'} is not streaming (WAL sender ${sb.walState ?? 'absent'})`,
        action: 'checkMirroring',
      };
    case 'lag-bytes':
      return {
        message: `${state.cluster}: replay lag ${sb.lagBytes ?? '?'} bytes, over ${t.lagBytes}`,
        action: 'checkMirroring',
      };
    case 'lag-seconds':
      return {
        message: `${state.cluster}: replay lag ${lag ?? '?'} s, over ${t.lagSeconds} s`,
        action: 'checkMirroring',
      };
  }
}

/** Compares an observation with what was seen before: the events to announce now, and what to remember. */
export function nextAlerts(
  memory: AlertMemory | undefined,
  state: ClusterState,
  thresholds: AlertThresholds = DEFAULT_THRESHOLDS,
  replayLagSeconds?: number | null,
): { events: AlertEvent[]; memory: AlertMemory } {
  const lag = lagSeconds(state, memory?.sample ?? null, replayLagSeconds);
  const now = conditionsOf(state, thresholds, lag);
  const before = new Set(memory?.conditions ?? []);
  const base = {
    cluster: state.cluster,
    observedAt: state.observedAt,
    situation: state.situation,
    activeCoordinator: state.activeCoordinator,
    lagBytes: state.standby.lagBytes,
    lagSeconds: lag,
  };
  const events: AlertEvent[] = [];
  // A host that did not answer proves nothing: a role change needs both the old and the new active coordinator known.
  if (memory?.activeCoordinator && state.activeCoordinator && memory.activeCoordinator !== state.activeCoordinator) {
    events.push({
      ...base,
      kind: 'role-change',
      severity: 'warning',
      message: `${state.cluster}: the active coordinator moved from ${memory.activeCoordinator} to ${state.activeCoordinator}`,
      action: 'showPanel',
    });
  }
  for (const c of now)
    if (!before.has(c))
      events.push({ ...base, kind: c, severity: SEVERITY[c], ...describe(c, state, lag, thresholds) });
  const cleared = [...before].filter(c => !now.includes(c));
  if (cleared.length)
    events.push({
      ...base,
      kind: 'cleared',
      severity: 'info',
      message: `${state.cluster}: cleared: ${cleared.join(', ')}`,
      action: 'showPanel',
    });
  const sentLsn = state.standby.sentLsn;
  return {
    events,
    memory: {
      conditions: now,
      activeCoordinator: state.activeCoordinator ?? memory?.activeCoordinator ?? null,
      sample: sentLsn ? { at: state.observedAt, sentLsn } : (memory?.sample ?? null),
    },
  };
}

// Turns parsed `gpstate -f` / `gpstate -b` results into the panel's StatusSnapshot: the verdict a DBA reads first,
// one card per coordinator host, the replication link, the segment summary. Pure (no vscode, no I/O), so the same
// judgement serves the panel, the tree and the tests.
import type { HostCard, Health, Replication, StatusSnapshot, PanelCommand } from './protocol';

type Vocabulary = 'master' | 'coordinator';
type StandbyStatus = 'passive' | 'down' | 'unknown';

/** The fields of a parsed `gpstate -f` this module reads (src/core/parsers gives more). */
export interface GpstateFView {
  vocabulary?: Vocabulary | null;
  product?: string | null;
  outcome?: string | null;
  host?: string | null;
  version?: string | null;
  problems?: ReadonlyArray<{ level: string; text: string; harmless?: boolean }>;
  /** False for "Standby … instance not configured"; null when the output does not say (gpstate failed). */
  standbyConfigured?: boolean | null;
  standby: { host: string | null; dataDirectory?: string | null; port?: number | null; pid?: number | null; status: StandbyStatus; statusText?: string | null } | null;
  /** null for "No entries found."; [] when gpstate only said pg_stat_replication has more than one row. */
  replication: ReadonlyArray<Partial<Replication>> | null;
  replicationMoreThanOneRow?: boolean;
  errorMessage?: string | null;
}

/** The fields of a parsed `gpstate -b` this module reads. */
export interface GpstateBView {
  vocabulary?: Vocabulary | null;
  product?: string | null;
  outcome?: string | null;
  host?: string | null;
  version?: string | null;
  problems?: ReadonlyArray<{ level: string; text: string; harmless?: boolean }>;
  standbyConfigured?: boolean | null;
  errorMessage?: string | null;
  coordinator?: { status?: string | null } | null;
  standby: { host: string; status: StandbyStatus; statusText?: string | null } | null;
  segments?: {
    primary?: { total?: number | null; valid?: number | null; failures?: number | null } | null;
    mirror?: { total?: number | null; valid?: number | null; failures?: number | null } | null;
  } | null;
}

export interface ParsedSource<T> {
  result: T;
  /** Where the text came from, e.g. a file name or "clipboard". */
  label: string;
  /** The whole text, to read when the facts were observed. */
  text: string;
}

export interface SnapshotInput {
  title: string;
  clusterName?: string | null;
  subtitle: string;
  gpstateF?: ParsedSource<GpstateFView> | undefined;
  gpstateB?: ParsedSource<GpstateBView> | undefined;
  /** Commands that make sense where the snapshot is shown (a saved output cannot be re-checked, a cluster can). */
  actions?: PanelCommand[];
}

const LOG_TIMESTAMP = /^(\d{4})(\d{2})(\d{2}):(\d{2}):(\d{2}):(\d{2}):\d{6,} /;

/** The time of the last gplog line in the text, as "YYYY-MM-DD HH:MM:SS (host clock)", or null. */
export function observedAtFromText(text: string): string | null {
  let last: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = LOG_TIMESTAMP.exec(line);
    if (m) last = `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} (host clock)`;
  }
  return last;
}

/** "0 bytes", "4,096 bytes (4.0 KiB)". Exact bytes first: DBAs compare them with LSN arithmetic. */
export function formatBytes(bytes: number): string {
  const exact = `${bytes.toLocaleString('en-US')} byte${bytes === 1 ? '' : 's'}`;
  const abs = Math.abs(bytes);
  if (abs < 1024) return exact;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = abs / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${exact} (${bytes < 0 ? '-' : ''}${value.toFixed(1)} ${units[unit]})`;
}

function words(vocabulary: Vocabulary | null): { coordinator: string; Coordinator: string } {
  return vocabulary === 'master' ? { coordinator: 'master', Coordinator: 'Master' } : { coordinator: 'coordinator', Coordinator: 'Coordinator' };
}

function standbyHealth(status: StandbyStatus): Health {
  return status === 'passive' ? 'ok' : status === 'down' ? 'error' : 'warning';
}

function normaliseRow(row: Partial<Replication>): Replication {
  return {
    state: row.state ?? null,
    syncState: row.syncState ?? null,
    sentLocation: row.sentLocation ?? null,
    flushLocation: row.flushLocation ?? null,
    replayLocation: row.replayLocation ?? null,
    replayLagBytes: row.replayLagBytes ?? null,
  };
}

/** Judges the replication link from gpstate -f's pg_stat_replication rows. */
function judgeLink(rows: Replication[] | null, standbyConfigured: boolean | null): { health: Health; summary: string } {
  if (rows === null) return { health: 'unknown', summary: 'Replication not observed: gpstate -f shows the WAL sender state and LSNs' };
  if (rows.length === 0) {
    return standbyConfigured
      ? { health: 'error', summary: 'No WAL sender: the standby is not receiving changes' }
      : { health: 'unknown', summary: 'No replication: no standby is configured' };
  }
  const row = rows[0]!;
  const state = row.state ?? 'unknown state';
  const sync = row.syncState ?? 'unknown sync state';
  if (row.state !== 'streaming') return { health: 'warning', summary: `WAL sender ${state}, ${sync}: the standby is not streaming yet` };
  const lag = row.replayLagBytes;
  if (lag === null) return { health: 'warning', summary: `streaming, ${sync}; replay position not reported, lag unknown` };
  if (lag === 0 && row.syncState === 'sync') return { health: 'ok', summary: 'streaming, sync, replay in step (no lag)' };
  if (lag === 0) return { health: 'warning', summary: `streaming, ${sync} (not sync), replay in step` };
  return { health: 'warning', summary: `streaming, ${sync}; replay behind by ${formatBytes(lag)}` };
}

function detail(label: string, value: string | number | null | undefined): Array<{ label: string; value: string }> {
  return value === null || value === undefined || value === '' ? [] : [{ label, value: String(value) }];
}

/** Builds the panel's snapshot from whatever outputs are at hand (-f, -b or both). */
export function buildSnapshot(input: SnapshotInput): StatusSnapshot {
  const f = input.gpstateF?.result;
  const b = input.gpstateB?.result;
  const vocabulary: Vocabulary | null = f?.vocabulary ?? b?.vocabulary ?? null;
  const product = f?.product ?? b?.product ?? null;
  const w = words(vocabulary);
  const problems = [...(f?.problems ?? []), ...(b?.problems ?? [])].map((p) => ({ level: p.level, text: p.text, harmless: p.harmless ?? false }));

  // gpstate runs on the active coordinator: when it read the catalog, the host in its log prefix is that coordinator.
  const coordinatorHost = f?.host ?? b?.host ?? null;
  const outcomes = [f?.outcome, b?.outcome].filter((o): o is string => typeof o === 'string');
  const ranOk = outcomes.every((o) => o === 'succeeded');
  const errorMessage = f?.errorMessage ?? b?.errorMessage ?? null;
  const coordinatorStatus = b?.coordinator?.status ?? null;

  const hosts: HostCard[] = [];
  hosts.push({
    host: coordinatorHost ?? 'unknown host',
    role: ranOk ? 'active-coordinator' : 'unknown',
    roleLabel: ranOk ? `Active ${w.coordinator}` : `${w.Coordinator} (state unknown)`,
    health: !ranOk ? 'error' : coordinatorStatus && coordinatorStatus !== 'Active' ? 'warning' : 'ok',
    statusText: !ranOk
      ? errorMessage ?? `gpstate did not complete: the ${w.coordinator} may be down or unreachable`
      : coordinatorStatus
        ? `${w.Coordinator} instance ${coordinatorStatus}`
        : 'Serving the cluster: gpstate read its catalog here',
    details: [...detail('Version', f?.version ?? b?.version)],
  });

  // The standby as gpstate -f reports it (data directory, port, PID), else as gpstate -b reports it.
  const standby = f?.standby ?? b?.standby ?? null;
  const configured: boolean | null = standby ? true : (f?.standbyConfigured ?? b?.standbyConfigured ?? null);
  if (standby) {
    const full = f?.standby ?? null;
    hosts.push({
      host: standby.host ?? 'unknown host',
      role: 'standby',
      roleLabel: `Standby ${w.coordinator}`,
      health: standbyHealth(standby.status),
      statusText: standby.statusText ?? standby.status,
      details: [...detail('Data directory', full?.dataDirectory), ...detail('Port', full?.port), ...detail('PID', full?.pid)],
    });
  } else if (configured === false) {
    hosts.push({
      host: 'not configured',
      role: 'no-standby',
      roleLabel: `No standby ${w.coordinator}`,
      health: 'error',
      statusText: `No standby is configured: the ${w.coordinator} is not mirrored`,
      details: [],
    });
  }

  // gpstate -f prints "No entries found." for an empty pg_stat_replication: no WAL sender at all.
  const rows = f && ranOk ? (f.replication ?? []).map(normaliseRow) : null;
  const judged = f?.replicationMoreThanOneRow && rows?.length === 0
    ? { health: 'warning' as Health, summary: 'pg_stat_replication has more than one row; gpstate did not print them' }
    : judgeLink(rows, configured);
  const link = { ...judged, rows };

  const counts = (c: { total?: number | null; valid?: number | null; failures?: number | null } | null | undefined) =>
    c ? { total: c.total ?? null, valid: c.valid ?? null, failures: c.failures ?? null } : null;
  const segments = b?.segments ? { primary: counts(b.segments.primary), mirror: counts(b.segments.mirror) } : null;

  const verdict = judge({ ranOk, errorMessage, coordinatorHost, standby, configured, link, w });
  const sources = [
    ...(input.gpstateF ? [{ kind: 'gpstate -f', label: input.gpstateF.label, observedAt: observedAtFromText(input.gpstateF.text) }] : []),
    ...(input.gpstateB ? [{ kind: 'gpstate -b', label: input.gpstateB.label, observedAt: observedAtFromText(input.gpstateB.text) }] : []),
  ];
  return {
    title: input.title,
    clusterName: input.clusterName ?? null,
    subtitle: input.subtitle,
    verdict,
    product,
    vocabulary,
    hosts,
    link,
    segments,
    problems,
    sources,
    procedure: null,
    actions: input.actions ?? [],
  };
}

function judge(s: {
  ranOk: boolean;
  errorMessage: string | null;
  coordinatorHost: string | null;
  standby: { host: string | null; status: StandbyStatus; statusText?: string | null } | null;
  configured: boolean | null;
  link: { health: Health; summary: string };
  w: { coordinator: string; Coordinator: string };
}): StatusSnapshot['verdict'] {
  const { w } = s;
  const on = s.coordinatorHost ? ` on ${s.coordinatorHost}` : '';
  const standbyHost = s.standby?.host ?? 'the standby host';
  if (!s.ranOk) {
    return {
      health: 'error',
      headline: `gpstate could not report the ${w.coordinator}`,
      detail: `${s.errorMessage ? s.errorMessage + '. ' : ''}The ${w.coordinator}${on} may be down, or gpstate ran on the wrong host. Find out which host is active before changing anything.`,
    };
  }
  if (s.configured === null) return { health: 'unknown', headline: `${w.Coordinator}${on} is active`, detail: 'This output does not show the standby.' };
  if (!s.standby) {
    return {
      health: 'error',
      headline: `${w.Coordinator}${on} is not mirrored`,
      detail: `No standby ${w.coordinator} is configured: if this host fails there is nothing to activate. Restore mirroring: on the former ${w.coordinator} host move the old data directory aside, then run gpinitstandby -s <that host> here.`,
    };
  }
  if (s.standby.status === 'down') {
    return {
      health: 'error',
      headline: `Standby on ${standbyHost} is not running`,
      detail: `gpstate reports "${s.standby.statusText ?? 'down'}". The catalog still lists the standby, but it receives no changes. Start it again with gpinitstandby -n, or re-create it.`,
    };
  }
  if (s.standby.status === 'unknown') {
    return { health: 'warning', headline: `Standby on ${standbyHost}: status could not be determined`, detail: s.standby.statusText ?? 'gpstate could not ask the standby host for its status.' };
  }
  if (s.link.health === 'ok') {
    return { health: 'ok', headline: `Mirroring healthy: ${standbyHost} follows ${s.coordinatorHost ?? `the ${w.coordinator}`}`, detail: `Standby passive; ${s.link.summary}.` };
  }
  if (s.link.health === 'unknown') return { health: 'ok', headline: `Standby on ${standbyHost} is passive`, detail: `${s.link.summary}.` };
  return {
    health: s.link.health,
    headline: `Standby on ${standbyHost} is passive, but ${s.link.health === 'error' ? 'not replicating' : 'not fully in step'}`,
    detail: `${s.link.summary}.`,
  };
}

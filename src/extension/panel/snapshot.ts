// Turns parsed `gpstate -f` / `gpstate -b` results into the panel's StatusSnapshot: the verdict a DBA reads first,
// one card per coordinator host, the replication link, the segment summary. Pure (no vscode, no I/O), so the same
// judgement serves the panel, the tree and the tests. Words are translated through ../l10n.
import { l10n } from '../l10n';
import type { HostCard, Health, Replication, StatusSnapshot, PanelCommand } from './protocol';

type Vocabulary = 'master' | 'coordinator';
type StandbyStatus = 'passive' | 'down' | 'unknown';

/** The fields every parsed gpstate output carries that this module reads (src/core/parsers gives more). */
interface ParsedOutputView {
  vocabulary?: Vocabulary | null;
  product?: string | null;
  outcome?: string | null;
  host?: string | null;
  version?: string | null;
  problems?: ReadonlyArray<{ level: string; text: string; harmless?: boolean }>;
}

/** The fields of a parsed `gpstate -f` this module reads. */
export interface GpstateFView extends ParsedOutputView {
  /** False for "Standby … instance not configured"; null when the output does not say (gpstate failed). */
  standbyConfigured?: boolean | null;
  standby: {
    host: string | null;
    dataDirectory?: string | null;
    port?: number | null;
    pid?: number | null;
    status: StandbyStatus;
    statusText?: string | null;
  } | null;
  /** null for "No entries found."; [] when gpstate only said pg_stat_replication has more than one row. */
  replication: ReadonlyArray<Partial<Replication>> | null;
  replicationMoreThanOneRow?: boolean;
  errorMessage?: string | null;
}

/** The fields of a parsed `gpstate -b` this module reads. */
export interface GpstateBView extends ParsedOutputView {
  standbyConfigured?: boolean | null;
  errorMessage?: string | null;
  coordinator?: { status?: string | null } | null;
  standby: { host: string; status: StandbyStatus; statusText?: string | null } | null;
  segments?: {
    primary?: { total?: number | null; valid?: number | null; failures?: number | null } | null;
    mirror?: {
      total?: number | null;
      valid?: number | null;
      failures?: number | null;
      actingAsPrimary?: number | null;
    } | null;
  } | null;
}

/**
 * gpstate -b's failed primaries (a mirror acting as primary) added to a verdict: segments are not this product's
 * procedures, but a DBA must read it in the headline, with the fix.
 */
export function withSegmentFailures(
  verdict: StatusSnapshot['verdict'],
  segments: GpstateBView['segments'] | undefined,
): StatusSnapshot['verdict'] {
  const failed = segments?.primary?.failures ?? 0;
  const acting = segments?.mirror?.actingAsPrimary ?? 0;
  if (!failed && !acting) return verdict;
  const what = failed
    ? failed === 1
      ? l10n.t('1 primary segment failed')
      : l10n.t('{0} primary segments failed', failed)
    : acting === 1
      ? l10n.t('1 mirror acts as primary')
      : l10n.t('{0} mirrors act as primary', acting);
  const counts = l10n.t(
    'gpstate -b: {0} primary segment failure(s), {1} mirror(s) acting as primary: those segments run without a mirror.',
    failed,
    acting,
  );
  const fix = l10n.t(
    "Fix: gprecoverseg recovers the failed segments, then gprecoverseg -r returns them to their preferred roles (segment recovery is not one of this product's procedures).",
  );
  return {
    health: verdict.health === 'ok' || verdict.health === 'unknown' ? 'warning' : verdict.health,
    headline: `${verdict.headline}; ${what}`,
    detail: `${verdict.detail} ${counts} ${fix}`.trim(),
  };
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
    if (m) last = l10n.t('{0} (host clock)', `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`);
  }
  return last;
}

/** "0 bytes", "4,096 bytes (4.0 KiB)". Exact bytes first: DBAs compare them with LSN arithmetic. */
export function formatBytes(bytes: number): string {
  const exact =
    bytes === 1
      ? l10n.t('{0} byte', bytes.toLocaleString('en-US'))
      : l10n.t('{0} bytes', bytes.toLocaleString('en-US'));
  const abs = Math.abs(bytes);
  if (abs < 1024) return exact;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = abs / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${exact} (${bytes < 0 ? '-' : ''}${value.toFixed(1)} ${units[unit]})`;
}

function words(vocabulary: Vocabulary | null): { coordinator: string; Coordinator: string } {
  return vocabulary === 'master'
    ? { coordinator: l10n.t('master'), Coordinator: l10n.t('Master') }
    : { coordinator: l10n.t('coordinator'), Coordinator: l10n.t('Coordinator') };
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
  if (rows === null)
    return {
      health: 'unknown',
      summary: l10n.t('Replication not observed: gpstate -f shows the WAL sender state and LSNs'),
    };
  if (rows.length === 0) {
    return standbyConfigured
      ? { health: 'error', summary: l10n.t('No WAL sender: the standby is not receiving changes') }
      : { health: 'unknown', summary: l10n.t('No replication: no standby is configured') };
  }
  const row = rows[0]!;
  const state = row.state ?? l10n.t('unknown state');
  const sync = row.syncState ?? l10n.t('unknown sync state');
  if (row.state !== 'streaming')
    return { health: 'warning', summary: l10n.t('WAL sender {0}, {1}: the standby is not streaming yet', state, sync) };
  const lag = row.replayLagBytes;
  if (lag === null)
    return { health: 'warning', summary: l10n.t('streaming, {0}; replay position not reported, lag unknown', sync) };
  if (lag === 0 && row.syncState === 'sync')
    return { health: 'ok', summary: l10n.t('streaming, sync, replay in step (no lag)') };
  if (lag === 0) return { health: 'warning', summary: l10n.t('streaming, {0} (not sync), replay in step', sync) };
  return { health: 'warning', summary: l10n.t('streaming, {0}; replay behind by {1}', sync, formatBytes(lag)) };
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
  const problems = [...(f?.problems ?? []), ...(b?.problems ?? [])].map(p => ({
    level: p.level,
    text: p.text,
    harmless: p.harmless ?? false,
  }));

  // gpstate runs on the active coordinator: when it read the catalog, the host in its log prefix is that coordinator.
  const coordinatorHost = f?.host ?? b?.host ?? null;
  const outcomes = [f?.outcome, b?.outcome].filter((o): o is string => typeof o === 'string');
  const ranOk = outcomes.every(o => o === 'succeeded');
  const errorMessage = f?.errorMessage ?? b?.errorMessage ?? null;
  const coordinatorStatus = b?.coordinator?.status ?? null;

  const hosts: HostCard[] = [];
  hosts.push({
    host: coordinatorHost ?? l10n.t('unknown host'),
    role: ranOk ? 'active-coordinator' : 'unknown',
    roleLabel: ranOk ? l10n.t('Active {0}', w.coordinator) : l10n.t('{0} (state unknown)', w.Coordinator),
    health: !ranOk ? 'error' : coordinatorStatus && coordinatorStatus !== 'Active' ? 'warning' : 'ok',
    statusText: !ranOk
      ? (errorMessage ?? l10n.t('gpstate did not complete: the {0} may be down or unreachable', w.coordinator))
      : coordinatorStatus
        ? l10n.t('{0} instance {1}', w.Coordinator, coordinatorStatus)
        : l10n.t('Serving the cluster: gpstate read its catalog here'),
    details: [...detail(l10n.t('Version'), f?.version ?? b?.version)],
  });

  // The standby as gpstate -f reports it (data directory, port, PID), else as gpstate -b reports it.
  const standby = f?.standby ?? b?.standby ?? null;
  const configured: boolean | null = standby ? true : (f?.standbyConfigured ?? b?.standbyConfigured ?? null);
  if (standby) {
    const full = f?.standby ?? null;
    hosts.push({
      host: standby.host ?? l10n.t('unknown host'),
      role: 'standby',
      roleLabel: l10n.t('Standby {0}', w.coordinator),
      health: standbyHealth(standby.status),
      statusText: standby.statusText ?? standby.status,
      details: [
        ...detail(l10n.t('Data directory'), full?.dataDirectory),
        ...detail(l10n.t('Port'), full?.port),
        ...detail(l10n.t('PID'), full?.pid),
      ],
    });
  } else if (configured === false) {
    hosts.push({
      host: l10n.t('not configured'),
      role: 'no-standby',
      roleLabel: l10n.t('No standby {0}', w.coordinator),
      health: 'error',
      statusText: l10n.t('No standby is configured: the {0} is not mirrored', w.coordinator),
      details: [],
    });
  }

  // gpstate -f prints "No entries found." for an empty pg_stat_replication: no WAL sender at all.
  const rows = f && ranOk ? (f.replication ?? []).map(normaliseRow) : null;
  const judged =
    f?.replicationMoreThanOneRow && rows?.length === 0
      ? {
          health: 'warning' as Health,
          summary: l10n.t('pg_stat_replication has more than one row; gpstate did not print them'),
        }
      : judgeLink(rows, configured);
  const link = { ...judged, rows };

  const counts = (c: { total?: number | null; valid?: number | null; failures?: number | null } | null | undefined) =>
    c ? { total: c.total ?? null, valid: c.valid ?? null, failures: c.failures ?? null } : null;
  const segments = b?.segments ? { primary: counts(b.segments.primary), mirror: counts(b.segments.mirror) } : null;

  const verdict = withSegmentFailures(
    judge({ ranOk, errorMessage, coordinatorHost, standby, configured, link, w }),
    b?.segments,
  );
  const sources = [
    ...(input.gpstateF
      ? [{ kind: 'gpstate -f', label: input.gpstateF.label, observedAt: observedAtFromText(input.gpstateF.text) }]
      : []),
    ...(input.gpstateB
      ? [{ kind: 'gpstate -b', label: input.gpstateB.label, observedAt: observedAtFromText(input.gpstateB.text) }]
      : []),
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
  const standbyHost = s.standby?.host ?? l10n.t('the standby host');
  if (!s.ranOk) {
    return {
      health: 'error',
      headline: l10n.t('gpstate could not report the {0}', w.coordinator),
      detail:
        (s.errorMessage ? s.errorMessage + '. ' : '') +
        (s.coordinatorHost
          ? l10n.t(
              'The {0} on {1} may be down, or gpstate ran on the wrong host. Find out which host is active before changing anything.',
              w.coordinator,
              s.coordinatorHost,
            )
          : l10n.t(
              'The {0} may be down, or gpstate ran on the wrong host. Find out which host is active before changing anything.',
              w.coordinator,
            )),
    };
  }
  if (s.configured === null) {
    return {
      health: 'unknown',
      headline: s.coordinatorHost
        ? l10n.t('{0} on {1} is active', w.Coordinator, s.coordinatorHost)
        : l10n.t('{0} is active', w.Coordinator),
      detail: l10n.t('This output does not show the standby.'),
    };
  }
  if (!s.standby) {
    return {
      health: 'error',
      headline: s.coordinatorHost
        ? l10n.t('{0} on {1} is not mirrored', w.Coordinator, s.coordinatorHost)
        : l10n.t('{0} is not mirrored', w.Coordinator),
      detail: l10n.t(
        'No standby {0} is configured: if this host fails there is nothing to activate. Restore mirroring: on the former {0} host move the old data directory aside, then run gpinitstandby -s <that host> here.',
        w.coordinator,
      ),
    };
  }
  if (s.standby.status === 'down') {
    return {
      health: 'error',
      headline: l10n.t('Standby on {0} is not running', standbyHost),
      detail: l10n.t(
        'gpstate reports "{0}". The catalog still lists the standby, but it receives no changes. Start it again with gpinitstandby -n, or re-create it.',
        s.standby.statusText ?? 'down',
      ),
    };
  }
  if (s.standby.status === 'unknown') {
    return {
      health: 'warning',
      headline: l10n.t('Standby on {0}: status could not be determined', standbyHost),
      detail: s.standby.statusText ?? l10n.t('gpstate could not ask the standby host for its status.'),
    };
  }
  if (s.link.health === 'ok') {
    return {
      health: 'ok',
      headline: l10n.t(
        'Mirroring healthy: {0} follows {1}',
        standbyHost,
        s.coordinatorHost ?? l10n.t('the {0}', w.coordinator),
      ),
      detail: l10n.t('Standby passive; {0}.', s.link.summary),
    };
  }
  if (s.link.health === 'unknown')
    return {
      health: 'ok',
      headline: l10n.t('Standby on {0} is passive', standbyHost),
      detail: l10n.t('{0}.', s.link.summary),
    };
  return {
    health: s.link.health,
    headline:
      s.link.health === 'error'
        ? l10n.t('Standby on {0} is passive, but not replicating', standbyHost)
        : l10n.t('Standby on {0} is passive, but not fully in step', standbyHost),
    detail: l10n.t('{0}.', s.link.summary),
  };
}

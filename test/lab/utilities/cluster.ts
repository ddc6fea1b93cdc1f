// What several utilities need from the cluster: the catalog of the local coordinator, the reason a
// connection failed (worded as Greenplum's libpq would), and the standby's postmaster status over ssh.
import { join } from 'node:path';
import type { LabConfig, SegmentRow, Words } from './common';
import { SEGMENT_COLUMNS, psql, pgTool, run, shellQuote, ssh, toSegmentRow } from './common';

export function coordinatorPort(): number {
  const p = Number.parseInt(process.env.PGPORT ?? '', 10);
  return Number.isFinite(p) ? p : 5432;
}

/** Greenplum's wording of a failed connection: refused, or the "in recovery mode" rejection of a standby. */
export function connectionFailureReason(
  cfg: LabConfig,
  words: Words,
  error: string,
  port: number,
  dataDir: string | undefined,
): string {
  if (/not accepting connections|Hot standby mode is disabled|in recovery mode|is starting up/i.test(error)) {
    return `FATAL:  the database system is in recovery mode\nDETAIL:  last replayed record at ${lastReplayed(cfg, dataDir)}\n- VERSION: ${words.serverVersion}\n`;
  }
  if (/No such file or directory|Connection refused|could not connect/i.test(error)) {
    return `could not connect to server: Connection refused\n\tIs the server running on host "localhost" (127.0.0.1) and accepting\n\tTCP/IP connections on port ${port}?\n`;
  }
  return error.replace(/^psql: (error: )?/, '') + '\n';
}

function lastReplayed(cfg: LabConfig, dataDir: string | undefined): string {
  if (!dataDir) return '0/0';
  const r = run(pgTool(cfg, 'pg_controldata'), [dataDir]);
  const field = (name: string): string | undefined =>
    r.stdout
      .split('\n')
      .find(l => l.startsWith(name))
      ?.split(':')
      .slice(1)
      .join(':')
      .trim();
  const min = field('Minimum recovery ending location');
  if (min && min !== '0/0') return min;
  return field("Latest checkpoint's REDO location") ?? '0/0';
}

export type Catalog = { ok: true; rows: SegmentRow[] } | { ok: false; error: string };

export function readCatalog(cfg: LabConfig, port: number): Catalog {
  const r = psql(
    cfg,
    port,
    `SELECT ${SEGMENT_COLUMNS} FROM gp_segment_configuration ORDER BY content, role DESC, dbid`,
  );
  if (!r.ok) return r;
  return { ok: true, rows: r.rows.map(toSegmentRow) };
}

export const coordinatorRow = (rows: SegmentRow[]): SegmentRow | undefined =>
  rows.find(r => r.content === -1 && r.role === 'p');
export const standbyRow = (rows: SegmentRow[]): SegmentRow | undefined =>
  rows.find(r => r.content === -1 && r.role === 'm');

export type StandbyStatus =
  | { kind: 'passive'; pid: number }
  | { kind: 'not-running' }
  | { kind: 'pid-error'; pid: number; error: string }
  | { kind: 'unreachable'; address: string };

/** gpgetstatususingtransition.py getPidStatus, run on the standby host over ssh. */
export function standbyStatus(standby: SegmentRow): StandbyStatus {
  const d = shellQuote(standby.datadir);
  const p = standby.port;
  const script =
    `pid=0; if [ -f ${d}/postmaster.pid ]; then pid=$(head -1 ${d}/postmaster.pid); fi; ` +
    `lock=no; [ -e /tmp/.s.PGSQL.${p}.lock ] && lock=yes; alive=no; ` +
    // A zombie postmaster (killed, not yet reaped) is not running.
    `if [ "$pid" -gt 0 ] 2>/dev/null && [ -r /proc/$pid/stat ] && [ "$(sed 's/.*) //' /proc/$pid/stat | cut -c1)" != Z ]; then alive=yes; fi; echo "STATUS $pid $lock $alive"`;
  const r = ssh(standby.address, script, 20_000);
  const m = /STATUS (\d+) (yes|no) (yes|no)/.exec(r.stdout);
  if (r.code !== 0 || !m) return { kind: 'unreachable', address: standby.address };
  const pid = Number(m[1]);
  const lock = m[2] === 'yes';
  const alive = m[3] === 'yes';
  if (pid === 0) return { kind: 'not-running' };
  if (lock && alive) return { kind: 'passive', pid };
  const lockFile = `/tmp/.s.PGSQL.${p}.lock`;
  if (alive) return { kind: 'pid-error', pid, error: `No lock file ${lockFile} but process running on port ${p}` };
  if (lock) return { kind: 'pid-error', pid, error: `Have lock file ${lockFile} but no process running on port ${p}` };
  return { kind: 'pid-error', pid, error: `No socket connection or lock file (${lockFile}) found for port ${p}` };
}

export interface ReplicationRow {
  state: string;
  syncState: string;
  sent: string;
  flush: string;
  replay: string;
}

export function replicationRows(cfg: LabConfig, port: number): ReplicationRow[] {
  const r = psql(
    cfg,
    port,
    "SELECT state, sync_state, coalesce(sent_lsn::text, 'None'), coalesce(flush_lsn::text, 'None'), coalesce(replay_lsn::text, 'None') FROM pg_stat_replication ORDER BY pid",
  );
  if (!r.ok) return [];
  return r.rows.map(c => ({
    state: c[0] ?? '',
    syncState: c[1] ?? '',
    sent: c[2] ?? 'None',
    flush: c[3] ?? 'None',
    replay: c[4] ?? 'None',
  }));
}

export function dataDirOfCoordinator(words: Words, explicit: string | undefined): string | undefined {
  return explicit ?? words.dataDirectoryFromEnv();
}

export const postmasterPidPath = (dataDir: string): string => join(dataDir, 'postmaster.pid');

// The observation script: everything the engine needs to know about one coordinator host, in ONE round trip.
// File checks (postmaster.pid + a live PID, standby markers, the port's lock file, backups, pg_controldata) and,
// when a postmaster runs, one psql session (recovery, catalog rows for content -1, pg_stat_replication, WAL position).
// Output is one `@gpc <key> <value>` line per fact, so unrelated output (profiles, motd) cannot confuse it.
import { parentDirectory, safeAbsolutePath, safePort, shellQuote } from '../core/shell';

export interface ReplicationRow {
  state: string | null;
  syncState: string | null;
  sentLsn: string | null;
  flushLsn: string | null;
  replayLsn: string | null;
  applicationName: string | null;
  clientAddr: string | null;
}

export interface CatalogRow {
  dbid: number | null;
  role: string;
  preferredRole: string | null;
  status: string | null;
  hostname: string;
  address: string | null;
  port: number | null;
  datadir: string | null;
}

/** The raw facts of one host, as printed by the probe. */
export interface HostFacts {
  hostname: string | null;
  /** The first line of `postgres --gp-version`, when the server binary is on PATH. */
  gpVersion: string | null;
  dirExists: boolean;
  pidFile: boolean;
  pid: number | null;
  running: boolean;
  standbySignal: boolean;
  recoveryConf: boolean;
  lockFile: boolean;
  lockPid: number | null;
  lockAlive: boolean;
  lockDir: string | null;
  backups: string[];
  /** Entries named backup_* whose names hold characters no path here may hold (decoded from the probe's hex). */
  unsafeBackups: string[];
  clusterStateText: string | null;
  timeline: number | null;
  /** Set when psql answered. */
  inRecovery: boolean | null;
  catalog: CatalogRow[];
  replication: ReplicationRow[];
  currentLsn: string | null;
  segments: { total: number; down: number; notInPreferredRole: number } | null;
  /** psql's own messages (connection refused, in recovery…), for problems. */
  psqlMessages: string[];
  /** The postmaster refused the session because it was started in master-only / coordinator-only utility mode. */
  utilityMode: boolean;
  /** True when the script reached its end marker; false means its output was cut. */
  complete: boolean;
}

/**
 * The statements the observation asks the coordinator, each printing `@gpc` lines: the exec probe sends them through
 * psql, the database session (dbsession.ts) over its forwarded socket, and parseProbe reads both the same way.
 * `started` (the postmaster's start time) tells the session that the server it knows was not restarted.
 */
export const PROBE_STATEMENTS = [
  "SELECT '@gpc recovery ' || pg_is_in_recovery();",
  "SELECT '@gpc seg ' || row_to_json(s)::text FROM gp_segment_configuration s WHERE content = -1;",
  "SELECT '@gpc segsum ' || count(*) || ' ' || sum(CASE WHEN status = 'd' THEN 1 ELSE 0 END) || ' ' || sum(CASE WHEN role <> preferred_role THEN 1 ELSE 0 END) FROM gp_segment_configuration WHERE content >= 0;",
  "SELECT '@gpc repl ' || row_to_json(r)::text FROM pg_stat_replication r;",
  "SELECT '@gpc started ' || pg_postmaster_start_time();",
];

/** The WAL position statement with the function the server has (9.4: xlog, 10+: wal). */
export function lsnStatement(lsnFunction: string): string {
  return `SELECT '@gpc lsn ' || ${lsnFunction}() WHERE NOT pg_is_in_recovery();`;
}

/** The postmaster start time a probe or session printed (`@gpc started …`), or null. */
export function postmasterStarted(output: string): string | null {
  return /^@gpc started (.+)$/m.exec(output)?.[1]?.trim() ?? null;
}

/** The probe script for one host's data directory and port. `database` is where gp_segment_configuration is read. */
export function probeScript(dataDirectory: string, port: number, database = 'postgres'): string {
  const D = shellQuote(safeAbsolutePath(dataDirectory, 'data directory'));
  const P = shellQuote(parentDirectory(dataDirectory));
  const PORT = safePort(port);
  const DB = shellQuote(database);
  // The SQL is a fixed text; \gset picks the WAL function by server version (9.4: xlog, 10+: wal).
  const sql = [
    ...PROBE_STATEMENTS,
    "SELECT CASE WHEN current_setting('server_version_num')::int >= 100000 THEN 'pg_current_wal_lsn' ELSE 'pg_current_xlog_location' END AS lsnfn \\gset",
    lsnStatement(':lsnfn'),
  ].join('\n');
  return [
    `D=${D}; P=${P}; PORT=${PORT}`,
    'export LC_ALL=C',
    'echo "@gpc hostname $(hostname)"',
    // The release, from the server binary the environment script put on PATH (Greenplum and Cloudberry).
    'v=$(postgres --gp-version 2>/dev/null | head -n1); [ -n "$v" ] && echo "@gpc gpversion $v"',
    'if [ -d "$D" ]; then echo "@gpc dir 1"; else echo "@gpc dir 0"; fi',
    'pid=; running=0',
    'if [ -e "$D/postmaster.pid" ]; then echo "@gpc pidfile 1"; pid=$(head -n1 "$D/postmaster.pid" 2>/dev/null | tr -cd 0-9); else echo "@gpc pidfile 0"; fi',
    // The PID must be alive AND be a postgres: after kill -9 the PID in a stale postmaster.pid can be reused.
    // A zombie (killed, not yet reaped) is not running either.
    'live() { [ -n "$1" ] && [ -d "/proc/$1" ] && grep -qE "^(postgres|postmaster)" "/proc/$1/comm" 2>/dev/null && ! grep -q "^State:[[:space:]]*Z" "/proc/$1/status" 2>/dev/null; }',
    'if live "$pid"; then running=1; fi',
    'echo "@gpc pid $pid"; echo "@gpc running $running"',
    '[ -e "$D/standby.signal" ] && echo "@gpc standby_signal 1"',
    '[ -e "$D/recovery.conf" ] && echo "@gpc recovery_conf 1"',
    'lock=/tmp/.s.PGSQL.$PORT.lock',
    'if [ -e "$lock" ]; then lpid=$(head -n1 "$lock" 2>/dev/null | tr -cd 0-9); lalive=0;',
    '  if live "$lpid"; then lalive=1; fi',
    '  echo "@gpc lock 1 ${lpid:-0} $lalive"; echo "@gpc lockdir $(sed -n 2p "$lock" 2>/dev/null)"; else echo "@gpc lock 0"; fi',
    // A name outside the path characters is printed as hex: it may hold a newline that would forge a fact line.
    'for b in "$P"/backup_*; do [ -e "$b" ] || continue; n=${b##*/}; case "$n" in',
    '  *[!A-Za-z0-9._+@:,=-]*) echo "@gpc backupbad $(printf %s "$n" | od -An -v -tx1 | tr -d " \\n")";; *) echo "@gpc backup $n";; esac; done',
    'if [ -d "$D" ] && command -v pg_controldata >/dev/null 2>&1; then',
    '  pg_controldata "$D" 2>/dev/null | sed -n -e "s/^Database cluster state: *\\(.*\\)$/@gpc cstate \\1/p" -e "s/^Latest checkpoint.s TimeLineID: *\\([0-9]*\\)$/@gpc timeline \\1/p"',
    'fi',
    'if [ "$running" = 1 ]; then',
    `  PGCONNECT_TIMEOUT=5 psql -X -A -t -q -v ON_ERROR_STOP=0 -h "\${PGHOST:-/tmp}" -p "$PORT" -d ${DB} 2>&1 <<'GPCOORD_SQL' | while IFS= read -r l; do case "$l" in "@gpc "*) echo "$l";; "") ;; *) echo "@gpc psqlmsg $l";; esac; done`,
    sql,
    'GPCOORD_SQL',
    'fi',
    'echo "@gpc end"',
  ].join('\n');
}

/** GP6: "FATAL:  System was started in master-only utility mode - only utility mode connections are allowed"; GP7: coordinator-only. */
const UTILITY_MODE = /System was started in (?:master|coordinator)-only utility mode/;

const bool = (v: string | undefined): boolean => v === '1' || v === 't' || v === 'true';
const int = (v: string | undefined | null): number | null => {
  if (v === undefined || v === null || !/^-?\d+$/.test(v.trim())) return null;
  return Number(v.trim());
};
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** Facts before anything was read: nothing running, nothing found, and not complete. */
export function emptyHostFacts(): HostFacts {
  return {
    hostname: null,
    gpVersion: null,
    dirExists: false,
    pidFile: false,
    pid: null,
    running: false,
    standbySignal: false,
    recoveryConf: false,
    lockFile: false,
    lockPid: null,
    lockAlive: false,
    lockDir: null,
    backups: [],
    unsafeBackups: [],
    clusterStateText: null,
    timeline: null,
    inRecovery: null,
    catalog: [],
    replication: [],
    currentLsn: null,
    segments: null,
    psqlMessages: [],
    utilityMode: false,
    complete: false,
  };
}

/** Parses the probe's output. Never throws: unknown or malformed lines are ignored. */
export function parseProbe(stdout: string): HostFacts {
  const f = emptyHostFacts();
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.startsWith('@gpc ')) continue;
    const rest = line.slice(5);
    const sp = rest.indexOf(' ');
    const key = sp < 0 ? rest : rest.slice(0, sp);
    const value = sp < 0 ? '' : rest.slice(sp + 1);
    switch (key) {
      case 'hostname':
        f.hostname = value.trim() || null;
        break;
      case 'gpversion':
        f.gpVersion = value.trim() || null;
        break;
      case 'dir':
        f.dirExists = bool(value);
        break;
      case 'pidfile':
        f.pidFile = bool(value);
        break;
      case 'pid':
        f.pid = int(value);
        break;
      case 'running':
        f.running = bool(value);
        break;
      case 'standby_signal':
        f.standbySignal = true;
        break;
      case 'recovery_conf':
        f.recoveryConf = true;
        break;
      case 'lock': {
        const [present, lpid, alive] = value.split(' ');
        f.lockFile = bool(present);
        f.lockPid = int(lpid) || null;
        f.lockAlive = bool(alive);
        break;
      }
      case 'lockdir':
        f.lockDir = value || null;
        break;
      case 'backup':
        if (value) f.backups.push(value);
        break;
      case 'backupbad':
        if (/^(?:[0-9a-f]{2})+$/.test(value.trim()))
          f.unsafeBackups.push(Buffer.from(value.trim(), 'hex').toString('utf8'));
        break;
      case 'cstate':
        f.clusterStateText = value.trim() || null;
        break;
      case 'timeline':
        f.timeline = int(value);
        break;
      case 'recovery':
        f.inRecovery = value.trim() === 't' || value.trim() === 'true';
        break;
      case 'lsn':
        f.currentLsn = value.trim() || null;
        break;
      case 'segsum': {
        const [t, d, n] = value.split(' ').map(x => int(x) ?? 0);
        f.segments = { total: t ?? 0, down: d ?? 0, notInPreferredRole: n ?? 0 };
        break;
      }
      case 'seg': {
        const o = json(value);
        if (o && typeof o.role === 'string' && typeof o.hostname === 'string') {
          f.catalog.push({
            dbid: int(str(o.dbid)),
            role: o.role,
            preferredRole: str(o.preferred_role),
            status: str(o.status),
            hostname: o.hostname,
            address: str(o.address),
            port: int(str(o.port)),
            datadir: str(o.datadir),
          });
        }
        break;
      }
      case 'repl': {
        const o = json(value);
        if (o) {
          // GP5/GP6 (PostgreSQL 9.4) name the positions *_location, GP7/Cloudberry *_lsn.
          f.replication.push({
            state: str(o.state),
            syncState: str(o.sync_state),
            sentLsn: str(o.sent_lsn ?? o.sent_location),
            flushLsn: str(o.flush_lsn ?? o.flush_location),
            replayLsn: str(o.replay_lsn ?? o.replay_location),
            applicationName: str(o.application_name),
            clientAddr: str(o.client_addr),
          });
        }
        break;
      }
      case 'psqlmsg':
        if (UTILITY_MODE.test(value)) f.utilityMode = true;
        if (f.psqlMessages.length < 5) f.psqlMessages.push(value);
        break;
      case 'end':
        f.complete = true;
        break;
    }
  }
  return f;
}

function json(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

// gpstate -f | -b (default) | -s, run on the active coordinator host, against the real PostgreSQL there.
import { Logger, TableLogger, UtilityExit, Words, loadConfig, main, parseFlags, postmasterPid, psql } from './common';
import type { LabConfig, SegmentRow } from './common';
import type { StandbyStatus } from './cluster';
import {
  connectionFailureReason,
  coordinatorPort,
  coordinatorRow,
  readCatalog,
  replicationRows,
  standbyRow,
  standbyStatus,
} from './cluster';

const USAGE = 'Usage: gpstate [-f | -b | -s | -e | -Q] [-d <coordinator_data_directory>] [-q]';

main(() => {
  const argv = process.argv.slice(2);
  const log = new Logger('gpstate');
  const cfg = loadConfig();
  const words = new Words(cfg.vocabulary, cfg.product);
  const flags = parseFlags(
    argv,
    {
      '-f': { takesValue: false },
      '-b': { takesValue: false },
      '-s': { takesValue: false },
      '-e': { takesValue: false },
      '-Q': { takesValue: false },
      '-d': { takesValue: true, long: ['--coordinator_data_directory', '--master_data_directory'] },
      '-q': { takesValue: false },
    },
    () => USAGE,
  );
  log.quiet = flags.has('-q');
  const dataDir = (flags.get('-d') as string | undefined) ?? words.dataDirectoryFromEnv();
  const port = coordinatorPort();

  log.info(`Starting gpstate with args: ${argv.join(' ')}`);
  if (!dataDir) {
    log.fatal(`gpstate failed. (Reason='Environment Variable ${words.dataDirVar} not set!') exiting...`);
    throw new UtilityExit(2);
  }
  log.info(`local ${words.db} Version: '${words.localVersion}'`);
  const catalog = readCatalog(cfg, port);
  if (!catalog.ok) {
    log.fatal(
      `gpstate failed. (Reason='${connectionFailureReason(cfg, words, catalog.error, port, dataDir)}') exiting...`,
    );
    throw new UtilityExit(2);
  }
  log.info(`${words.m} ${words.db} Version: '${words.serverVersion}'`);
  log.info(`Obtaining Segment details from ${words.m}...`);
  const rows = catalog.rows;
  if (flags.has('-f')) return showStandby(log, cfg, words, rows, port);
  if (flags.has('-Q')) {
    // Segments exist only as catalog rows in the lab; -Q reads nothing else anyway.
    log.info(`-Quick ${words.db} database status from ${words.M} instance only`);
    log.info('-'.repeat(58));
    log.info(
      `# of up segments, from configuration table     = ${rows.filter(r => r.content >= 0 && r.status === 'u').length}`,
    );
    log.info('-'.repeat(58));
    return 0;
  }
  log.info('Gathering data from segments...');
  if (flags.has('-e')) {
    log.info('-'.repeat(52));
    log.info('Segment Mirroring Status Report');
    log.info('-'.repeat(52));
    log.info('All segments are running normally');
    return 0;
  }
  if (flags.has('-s')) return showStatus(log, cfg, words, rows, port, dataDir);
  return showSummary(log, words, rows);
});

function showStandby(log: Logger, cfg: LabConfig, words: Words, rows: SegmentRow[], port: number): number {
  const standby = standbyRow(rows);
  if (!standby) {
    log.info(`Standby ${words.m} instance not configured`);
  } else {
    log.info(`Standby ${words.m} details`);
    log.info('----------------------');
    const t = new TableLogger();
    t.info(['Standby address', `= ${standby.address}`]);
    t.info(['Standby data directory', `= ${standby.datadir}`]);
    t.info(['Standby port', `= ${standby.port}`]);
    const st = standbyStatus(standby);
    switch (st.kind) {
      case 'passive':
        t.info(['Standby PID', `= ${st.pid}`]);
        t.info(['Standby status', '= Standby host passive']);
        break;
      case 'not-running':
        t.warn(['Standby PID', '= 0']);
        t.warn(['Standby status', '= Standby process not running']);
        break;
      case 'pid-error':
        t.warn(['Standby PID', `= ${st.pid}`, st.error]);
        t.warn(['Standby status', '= Status could not be determined']);
        break;
      case 'unreachable':
        t.warn(['Standby PID', `= Error getting status from host ${st.address}`]);
        t.warn(['Standby status', '= Status could not be determined']);
        break;
    }
    t.output(log);
  }
  const dashes = '-'.repeat(61);
  log.info(dashes);
  log.info('-pg_stat_replication');
  log.info(dashes);
  const repl = replicationRows(cfg, port);
  if (repl.length === 0) log.info('No entries found.');
  else if (repl.length > 1) log.warn('pg_stat_replication shows more than 1 row.');
  else {
    const r = repl[0]!;
    log.info(`-WAL Sender State: ${r.state}`);
    log.info(`-Sync state: ${r.syncState}`);
    log.info(`-Sent Location: ${r.sent}`);
    log.info(`-Flush Location: ${r.flush}`);
    log.info(`-Replay Location: ${r.replay}`);
  }
  log.info(dashes);
  return 0;
}

function standbySummaryRow(st: StandbyStatus): { value: string; warning: boolean } {
  if (st.kind === 'passive') return { value: '= Standby host passive', warning: false };
  if (st.kind === 'unreachable')
    return { value: `= Status could not be determined: Error getting status from host ${st.address}`, warning: true };
  return { value: '= Standby host DOWN', warning: true };
}

/** The standby rows gpstate -b and -s share (__appendStandbySummary): the standby's host name and its state. */
function addStandbyRows(t: TableLogger, words: Words, standby: ReturnType<typeof standbyRow>): void {
  if (!standby) {
    t.info([`${words.M} standby`, `= No ${words.m} standby configured`]);
    return;
  }
  t.info([`${words.M} standby`, `= ${standby.hostname}`]);
  const s = standbySummaryRow(standbyStatus(standby));
  t.add([`Standby ${words.m} state`, s.value], s.warning);
}

function segmentCounts(rows: SegmentRow[]): { primaries: SegmentRow[]; mirrors: SegmentRow[] } {
  const segs = rows.filter(r => r.content >= 0);
  return { primaries: segs.filter(r => r.preferredRole === 'p'), mirrors: segs.filter(r => r.preferredRole === 'm') };
}

function showSummary(log: Logger, words: Words, rows: SegmentRow[]): number {
  const { primaries, mirrors } = segmentCounts(rows);
  const at = `(at ${words.m})`;
  const t = new TableLogger();
  t.info([`${words.M} instance`, '= Active']);
  const standby = standbyRow(rows);
  addStandbyRows(t, words, standby);
  t.info(['Total segment instance count from metadata', `= ${primaries.length + mirrors.length}`]);
  const block = (kind: 'primary' | 'mirror', list: SegmentRow[]): void => {
    const up = list.filter(r => r.status === 'u').length;
    const down = list.length - up;
    t.info([`Total ${kind} segments`, `= ${list.length}`]);
    t.info([`Total ${kind} segment valid ${at}`, `= ${up}`]);
    t.add([`Total ${kind} segment failures ${at}`, `= ${down}`], down > 0);
    t.add(['Total number of postmaster.pid files missing', `= ${down}`], down > 0);
    t.info(['Total number of postmaster.pid files found', `= ${up}`]);
    t.add(['Total number of postmaster.pid PIDs missing', `= ${down}`], down > 0);
    t.info(['Total number of postmaster.pid PIDs found', `= ${up}`]);
    t.add(['Total number of /tmp lock files missing', `= ${down}`], down > 0);
    t.info(['Total number of /tmp lock files found', `= ${up}`]);
    t.add(['Total number postmaster processes missing', `= ${down}`], down > 0);
    t.info(['Total number postmaster processes found', `= ${up}`]);
  };
  t.separator();
  t.info(['Primary Segment Status']);
  t.separator();
  block('primary', primaries);
  t.separator();
  t.info(['Mirror Segment Status']);
  t.separator();
  if (mirrors.length) {
    block('mirror', mirrors);
    const acting = mirrors.filter(r => r.role === 'p').length;
    t.add(['Total number mirror segments acting as primary segments', `= ${acting}`], acting > 0);
    t.info(['Total number mirror segments acting as mirror segments', `= ${mirrors.length - acting}`]);
  } else {
    t.info(['Mirrors not configured on this array']);
  }
  t.separator();
  log.info(`${words.db} instance status summary`);
  log.info('-'.repeat(52));
  t.output(log);
  return 0;
}

function showStatus(
  log: Logger,
  cfg: LabConfig,
  words: Words,
  rows: SegmentRow[],
  port: number,
  dataDir: string,
): number {
  const coordinator = coordinatorRow(rows);
  const standby = standbyRow(rows);
  const lsn = psql(cfg, port, 'SELECT pg_current_wal_lsn()');
  const writeLocation = lsn.ok ? (lsn.rows[0]?.[0] ?? '0/0') : '0/0';
  const pgVersion = /^PostgreSQL (\S+)/.exec(words.serverVersion)?.[1] ?? '';
  const initVersion = words.localVersion.replace(/^postgres \([^)]*\) /, '');
  let warnings = false;

  log.info('-'.repeat(52));
  log.info(`-${words.M} Configuration & Status`);
  log.info('-'.repeat(52));
  const t = new TableLogger();
  t.info([`${words.M} host`, `= ${coordinator?.hostname ?? log.host}`]);
  t.info([`${words.M} postgres process ID`, `= ${postmasterPid(dataDir)}`]);
  t.info([`${words.M} data directory`, `= ${dataDir}`]);
  t.info([`${words.M} port`, `= ${port}`]);
  t.info([`${words.M} current role`, '= dispatch']);
  t.info([`${words.db} initsystem version`, `= ${initVersion}`]);
  t.info([`${words.db} current version`, `= ${words.serverVersion}`]);
  t.info(['Postgres version', `= ${pgVersion}`]);
  addStandbyRows(t, words, standby);
  warnings ||= t.hasWarnings;
  t.output(log);
  log.info('-'.repeat(52));
  log.info('Segment Instance Status Report');

  // Segments exist only as catalog rows in the lab: they are reported as healthy and in sync with the coordinator.
  const segs = rows.filter(r => r.content >= 0).sort((a, b) => a.content - b.content || (a.role === 'p' ? -1 : 1));
  const s = new TableLogger();
  for (const seg of segs) {
    const primary = seg.role === 'p';
    s.separator();
    s.info(['Segment Info']);
    s.info(['   Hostname', `= ${seg.hostname}`]);
    s.info(['   Address', `= ${seg.address}`]);
    s.info(['   Datadir', `= ${seg.datadir}`]);
    s.info(['   Port', `= ${seg.port}`]);
    s.info(['Mirroring Info']);
    s.info(['   Current role', `= ${primary ? 'Primary' : 'Mirror'}`]);
    s.info(['   Preferred role', `= ${seg.preferredRole === 'p' ? 'Primary' : 'Mirror'}`]);
    s.info(['   Mirror status', `= ${primary ? 'Synchronized' : 'Streaming'}`]);
    s.info(['Replication Info']);
    if (primary) {
      s.info(['   Current write location', `= ${writeLocation}`]);
      s.info(['   Bytes remaining to send to mirror', '= 0']);
    } else {
      s.info(['   WAL Sent Location', `= ${writeLocation}`]);
      s.info(['   WAL Flush Location', `= ${writeLocation}`]);
      s.info(['   WAL Replay Location', `= ${writeLocation}`]);
      s.info(['   Bytes received but remain to flush', '= 0']);
      s.info(['   Bytes received but remain to replay', '= 0']);
    }
    s.info(['Status']);
    s.info(['   PID', `= ${20000 + seg.dbid}`]);
    s.info(['   Configuration reports status as', `= ${seg.status === 'u' ? 'Up' : 'Down'}`]);
    s.info([primary ? '   Database status' : '   Segment status', `= ${seg.status === 'u' ? 'Up' : 'Down'}`]);
  }
  s.output(log);
  if (warnings) {
    const stars = '*'.repeat(53);
    log.warn(stars);
    log.warn('Warnings have been generated during status processing');
    log.warn('Check log file or review screen output');
    log.warn(stars);
    return 1;
  }
  return 0;
}

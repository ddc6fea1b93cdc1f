// gpinitstandby -s <host> [-S dir] [-P port] [-a] | -n | -r, run on the active coordinator host. The standby is a
// real pg_basebackup taken on the target host over ssh, then started there; the catalog row is real SQL.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Logger,
  UtilityExit,
  Words,
  askYesNo,
  loadConfig,
  main,
  parseFlags,
  pgTool,
  psql,
  run,
  shellQuote,
  sqlLiteral,
  ssh,
} from './common';
import type { LabConfig, SegmentRow } from './common';
import { coordinatorPort, coordinatorRow, readCatalog, replicationRows, standbyRow } from './cluster';

const USAGE =
  'Usage: gpinitstandby { -s <standby_hostname> [-P <port>] [-S <standby_data_directory>] | -r | -n } [-a] [-q] [-l <logfile_directory>]';

main(() => {
  const argv = process.argv.slice(2);
  const log = new Logger('gpinitstandby');
  const cfg = loadConfig();
  const w = new Words(cfg.vocabulary, cfg.product);
  const flags = parseFlags(
    argv,
    {
      '-s': { takesValue: true },
      '-S': { takesValue: true },
      '-P': { takesValue: true },
      '-a': { takesValue: false },
      '-n': { takesValue: false },
      '-r': { takesValue: false },
      '-q': { takesValue: false },
      '-l': { takesValue: true },
      '-D': { takesValue: false },
    },
    () => USAGE,
  );
  log.quiet = flags.has('-q');
  const fail = (msg: string): never => {
    log.error(`Error initializing standby ${w.m}: ${msg}`);
    throw new UtilityExit(2);
  };
  if (flags.has('-s') && flags.has('-n')) {
    log.error('Options -s and -n cannot be specified together.');
    throw new UtilityExit(2);
  }
  if (flags.has('-S') && flags.has('-n')) {
    log.error('Options -S and -n cannot be specified together.');
    throw new UtilityExit(2);
  }
  if (flags.has('-s') && flags.has('-r')) {
    log.error('Options -s and -r cannot be specified together.');
    throw new UtilityExit(2);
  }
  if (!flags.has('-s') && !flags.has('-n') && !flags.has('-r')) {
    log.error('No action provided in the options.');
    process.stdout.write(USAGE + '\n');
    throw new UtilityExit(2);
  }
  const target = flags.get('-s') as string | undefined;
  if (target !== undefined && !(target in cfg.hosts)) {
    log.error(`Unable to ping new standby host ${target}`);
    throw new UtilityExit(2);
  }
  const port = coordinatorPort();
  const catalog = readCatalog(cfg, port);
  if (!catalog.ok) {
    log.error(`Failed to retrieve configuration information from the ${w.m}.`);
    return fail(catalog.error.split('\n')[0] ?? catalog.error);
  }
  const coordinator = coordinatorRow(catalog.rows);
  if (!coordinator) return fail(`no ${w.m} row in gp_segment_configuration`);
  const standby = standbyRow(catalog.rows);
  const autoYes = flags.has('-a');

  if (flags.has('-n')) return restartStandby(log, w, cfg, port, standby, fail);
  if (flags.has('-r')) return removeStandby(log, w, cfg, coordinator, standby, autoYes);

  const host = target!;
  const dataDir = (flags.get('-S') as string | undefined) ?? coordinator.datadir;
  const standbyPort = flags.has('-P') ? Number(flags.get('-P')) : coordinator.port;
  if (!Number.isInteger(standbyPort) || standbyPort < 1 || standbyPort > 65535)
    return fail(`invalid port ${String(flags.get('-P'))}`);

  log.info('Validating environment and parameters for standby initialization...');
  const failCreate = (errors: string[], reason: string): never => {
    for (const e of errors) log.error(e);
    log.error('Failed to create standby');
    return fail(reason);
  };
  if (standby) {
    log.error(`Standby ${w.m} already configured`);
    log.info(`If you want to start the stopped standby ${w.m}, use the -n option`);
    log.error('Failed to create standby');
    return fail(`standby ${w.m} already configured`);
  }
  const parent = dataDir.replace(/\/[^/]+$/, '') || '/';
  // One round trip answers both of the real tool's remote checks (parent present, data directory absent).
  const check = ssh(
    host,
    `test -d ${shellQuote(parent)} && echo PARENT_OK; test -e ${shellQuote(dataDir)} && echo EXISTS || echo ABSENT`,
  );
  if (!check.stdout.includes('PARENT_OK')) {
    if (check.code === 255) return failCreate([`Unable to connect to host ${host}`], `unable to connect to ${host}`);
    return failCreate(
      [
        `Parent directory ${parent} does not exist on host ${host}`,
        'This directory must be created before running gpactivatestandby',
      ],
      `Parent directory ${parent} does not exist`,
    );
  }
  log.info(`Checking for data directory ${dataDir} on ${host}`);
  if (check.stdout.includes('EXISTS')) {
    const errors = [`Data directory already exists on host ${host}`];
    if (host === coordinator.hostname)
      errors.push(
        `If you want to initialize a new standby on the same host as the ${w.m} (not recommended), use -S and -P to specify a new data directory and port`,
      );
    return failCreate(errors, `${w.m} data directory exists`);
  }
  if (host === coordinator.hostname && standbyPort === coordinator.port)
    return failCreate([], 'cannot create standby on the same host and port');

  printSummary(log, w, 'init', coordinator, { host, port: standbyPort, dataDir });
  if (!autoYes && !askYesNo(`Do you want to continue with standby ${w.m} initialization?`))
    return fail('User canceled');

  log.info(
    `Syncing ${cfg.product === 'cloudberry' ? 'Apache Cloudberry' : 'Greenplum Database'} extensions to standby`,
  );
  if (w.vocabulary === 'master') {
    // Observed on every real GP6 run: non-fatal.
    log.warn('Syncing of Greenplum Database extensions has failed.');
    log.warn('Please run gppkg --clean after successful standby initialization.');
  }
  log.info(`Adding standby ${w.m} to catalog...`);
  const maxDbid = Math.max(...catalog.rows.map(r => r.dbid));
  const add = psql(
    cfg,
    port,
    `INSERT INTO gp_segment_configuration VALUES (${maxDbid + 1}, -1, 'm', 'm', 's', 'u', ${standbyPort}, ${sqlLiteral(host)}, ${sqlLiteral(host)}, ${sqlLiteral(dataDir)})`,
  );
  if (!add.ok) return failCreate([add.error], add.error);
  log.info('Database catalog updated successfully.');

  const rollback = (reason: string): never => {
    log.error('Failed to create standby');
    log.warn('Trying to rollback changes that have been made...');
    log.info('Rolling back catalog change...');
    psql(cfg, port, `DELETE FROM gp_segment_configuration WHERE dbid = ${maxDbid + 1}`);
    return fail(reason);
  };

  log.info('Updating pg_hba.conf file...');
  const hba = updateHba(cfg, w, coordinator.datadir, cfg.hosts[host] ?? host);
  if (hba) return rollback(hba);
  log.info('pg_hba.conf files updated successfully.');

  const pg = (tool: string): string => shellQuote(pgTool(cfg, tool));
  const backup = ssh(
    host,
    `${pg('pg_basebackup')} -h ${shellQuote(coordinator.hostname)} -p ${coordinator.port} -U ${shellQuote(log.user)} -D ${shellQuote(dataDir)} -X stream -R -c fast -w` +
      (standbyPort !== coordinator.port
        ? ` && echo "port = ${standbyPort}" >> ${shellQuote(dataDir)}/postgresql.conf`
        : ''),
    300_000,
  );
  if (backup.code !== 0) return rollback(`pg_basebackup failed on ${host}: ${backup.stderr.trim()}`);

  log.info(`Starting standby ${w.m}`);
  log.info(`Checking if standby ${w.m} is running on host: ${host}  in directory: ${dataDir}`);
  const start = startRemote(cfg, host, dataDir);
  if (start.code !== 0) log.warn(`Could not start standby ${w.m}`); // the real tool still reports success (exit 0)
  log.info('Cleaning up pg_hba.conf backup files...');
  log.info('Backup files of pg_hba.conf cleaned up successfully.');
  log.info(`Successfully created standby ${w.m} on ${host}`);
  return 0;
});

function startRemote(cfg: LabConfig, host: string, dataDir: string): { code: number } {
  return ssh(
    host,
    `mkdir -p ~/gpAdminLogs && ${shellQuote(pgTool(cfg, 'pg_ctl'))} start -D ${shellQuote(dataDir)} -l ~/gpAdminLogs/postmaster.log -w -t 60 >/dev/null`,
    90_000,
  );
}

function printSummary(
  log: Logger,
  w: Words,
  kind: 'init' | 'remove',
  coordinator: SegmentRow,
  standby: { host: string; port: number; dataDir: string },
): void {
  const prefix = w.product === 'cloudberry' ? 'CloudberryDB' : 'Greenplum';
  const rows: Array<[string, string]> = [
    [`${prefix} ${w.m} hostname`, coordinator.hostname],
    [`${prefix} ${w.m} data directory`, coordinator.datadir],
    [`${prefix} ${w.m} port`, String(coordinator.port)],
    [`${prefix} standby ${w.m} hostname`, standby.host],
    [`${prefix} standby ${w.m} port`, String(standby.port)],
    [`${prefix} standby ${w.m} data directory`, standby.dataDir],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  log.info('-'.repeat(53));
  log.info(
    kind === 'init' ? `${prefix} standby ${w.m} initialization parameters` : `Warm ${w.m} standby removal parameters`,
  );
  log.info('-'.repeat(53));
  for (const [k, v] of rows) log.info(`${k.padEnd(width)}= ${v}`);
  // The real tool prints this line with a fixed width that does not follow the longer coordinator labels.
  if (kind === 'init') log.info(`${prefix} update system catalog         = On`);
}

/** Inserts the standby block after the leading comments of the coordinator's pg_hba.conf and reloads. */
function updateHba(cfg: LabConfig, w: Words, dataDir: string, standbyAddress: string): string | undefined {
  try {
    const file = join(dataDir, 'pg_hba.conf');
    const lines = readFileSync(file, 'utf8').split('\n');
    let i = 0;
    while (i < lines.length && (lines[i]!.startsWith('#') || lines[i]!.trim() === '')) i++;
    const user = process.env.USER ?? 'gpadmin';
    const block = [
      `# standby ${w.m} host ip addresses`,
      `host\tall\t${user}\t${standbyAddress}/32\ttrust`,
      `host\treplication\t${user}\tsamehost\ttrust`,
      `host\treplication\t${user}\t${standbyAddress}/32\ttrust`,
    ];
    if (!lines.includes(block[1]!)) {
      lines.splice(i, 0, ...block);
      writeFileSync(file, lines.join('\n'));
    }
    const r = run(pgTool(cfg, 'pg_ctl'), ['reload', '-D', dataDir]);
    return r.code === 0 ? undefined : `pg_ctl reload failed: ${r.stderr.trim()}`;
  } catch (e) {
    return `Failed to update pg_hba.conf: ${(e as Error).message}`;
  }
}

function restartStandby(
  log: Logger,
  w: Words,
  cfg: LabConfig,
  port: number,
  standby: SegmentRow | undefined,
  fail: (m: string) => never,
): number {
  if (!standby) {
    log.error(`Cannot use -n option when standby ${w.m} has not yet been configured`);
    return fail(`Standby ${w.m} not configured`);
  }
  if (replicationRows(cfg, port).length > 0) {
    log.info(`Standy ${w.m} is already up and running.`);
    return 0;
  }
  log.info(`Starting standby ${w.m}`);
  log.info(`Checking if standby ${w.m} is running on host: ${standby.hostname}  in directory: ${standby.datadir}`);
  if (startRemote(cfg, standby.address, standby.datadir).code !== 0) return fail(`Could not start standby ${w.m}`);
  log.info(`Successfully started standby ${w.m}`);
  return 0;
}

function removeStandby(
  log: Logger,
  w: Words,
  cfg: LabConfig,
  coordinator: SegmentRow,
  standby: SegmentRow | undefined,
  autoYes: boolean,
): number {
  if (!standby) {
    log.error(`Request made to remove warm ${w.m} standby, but no standby located.`);
    log.error(`Error removing standby ${w.m}: no standby configured`);
    throw new UtilityExit(2);
  }
  printSummary(log, w, 'remove', coordinator, { host: standby.hostname, port: standby.port, dataDir: standby.datadir });
  if (!autoYes && !askYesNo(`Do you want to continue with deleting the standby ${w.m}?`)) {
    log.error(`Error removing standby ${w.m}: User canceled`);
    throw new UtilityExit(2);
  }
  log.info(`Removing standby ${w.m} from catalog...`);
  const del = psql(cfg, coordinator.port, `DELETE FROM gp_segment_configuration WHERE dbid = ${standby.dbid}`);
  if (!del.ok) {
    log.error(`Error removing standby ${w.m}: ${del.error}`);
    throw new UtilityExit(2);
  }
  log.info('Database catalog updated successfully.');
  log.info(`Stopping standby ${w.m} on ${standby.hostname}`);
  ssh(
    standby.address,
    `${shellQuote(pgTool(cfg, 'pg_ctl'))} stop -D ${shellQuote(standby.datadir)} -m fast -w >/dev/null 2>&1`,
  );
  log.info(`Removing data directory on standby ${w.m}...`);
  ssh(standby.address, `rm -rf ${shellQuote(standby.datadir)}`);
  log.info(`Successfully removed standby ${w.m}`);
  return 0;
}

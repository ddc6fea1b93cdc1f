// gpactivatestandby [-d dir] [-f] [-a] [-q], run on the standby host: the checks of the real tool in its order,
// then a real `pg_ctl promote` and the catalog change Greenplum makes during promotion.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Logger,
  UtilityExit,
  Words,
  askYesNo,
  fileExists,
  loadConfig,
  main,
  parseFlags,
  pgTool,
  postmasterPid,
  processAlive,
  psql,
  run,
  ssh,
  startPostgres,
} from './common';

const USAGE = 'Usage: gpactivatestandby [-d <standby_data_directory>] [-f] [-a] [-q] [-l <logfile_directory>]';

main(() => {
  const argv = process.argv.slice(2);
  const log = new Logger('gpactivatestandby');
  const cfg = loadConfig();
  const w = new Words(cfg.vocabulary, cfg.product);
  const flags = parseFlags(
    argv,
    {
      '-d': { takesValue: true, long: ['--master-data-directory', '--coordinator-data-directory'] },
      '-f': { takesValue: false, long: ['--force'] },
      '-a': { takesValue: false },
      '-q': { takesValue: false },
      '-l': { takesValue: true },
    },
    () => USAGE,
  );
  log.verbose = !flags.has('-q'); // the real tool logs DEBUG unless -q
  const fatal = (msg: string): never => {
    log.fatal(`Error activating standby ${w.m}: ${msg}`);
    throw new UtilityExit(2);
  };

  let dataDir = flags.get('-d') as string | undefined;
  if (dataDir === undefined) {
    log.info(`Option -d or --${w.m}-data-directory not set. Checking environment variable ${w.dataDirVar}`);
    dataDir = w.dataDirectoryFromEnv();
    if (!dataDir) {
      log.fatal(`Both -d parameter and ${w.dataDirVar} environment variable are not set.`);
      log.fatal(`Required option ${w.m} data directory is missing.`);
      throw new UtilityExit(2);
    }
  }
  const pgport = process.env.PGPORT;
  if (!pgport) {
    log.fatal('PGPORT environment variable not set.');
    throw new UtilityExit(2);
  }
  const force = flags.has('-f');

  log.debug(
    `Running Command: echo 'START_CMD_OUTPUT';ps -ef | grep postgres | grep -v grep | awk '{print $2}' | grep \\\`cat ${dataDir}/postmaster.pid | head -1\\\` || echo -1`,
  );
  const running = processAlive(postmasterPid(dataDir));
  log.info('-'.repeat(53));
  log.info(`Standby data directory    = ${dataDir}`);
  log.info(`Standby port              = ${pgport}`);
  if (flags.has('-l')) log.info(`Log directory             = ${String(flags.get('-l'))}`);
  log.info(`Standby running           = ${running ? 'yes' : 'no'}`);
  log.info(`Force standby activation  = ${force ? 'yes' : 'no'}`);
  log.info('-'.repeat(53));

  // PostgreSQL 15 marks a standby with standby.signal whichever Greenplum release is emulated.
  if (!fileExists(join(dataDir, 'standby.signal'))) {
    log.warn('Please make sure the command gpactivatestandby is executed on current Standby host');
    return fatal(`Critical required file on standby "${join(dataDir, w.standbyMarker)}" is not present.`);
  }

  const { host: oldHost, port: oldPort } = primaryConninfo(dataDir);
  log.debug(`Running Command: cat /tmp/.s.PGSQL.${oldPort}.lock`);
  if (oldHost) {
    // An unreachable old coordinator gives no output and counts as down, as in the real tool.
    const lock = ssh(oldHost, `cat /tmp/.s.PGSQL.${oldPort}.lock`, 20_000);
    if (lock.code === 0 && lock.stdout.trim() !== '') {
      log.warn(`Appears that there is an active postgres process on ${oldHost} port=${oldPort}`);
      log.warn(`Need to stop current ${w.m} before activating the standby.`);
      log.warn(
        `Rare possibility is just /tmp/.s.PGSQL.${oldPort} and /tmp/.s.PGSQL.${oldPort}.* files exist on ${oldHost}.`,
      );
      log.warn('Need to delete these files');
      log.warn('Then call this utility again.');
      return fatal(`Active postgres process on ${w.m}`);
    }
  }
  if (!running && !force) {
    log.warn('If you wish to continue you must use the -f option to force');
    log.warn('the activation process.');
    return fatal('Force activation required');
  }
  if (!flags.has('-a') && !askYesNo(`Do you want to continue with standby ${w.m} activation?`))
    return fatal('User canceled');

  process.on('SIGINT', () => undefined); // the real tool ignores Ctrl-C from here on
  if (!running) {
    log.info(`Starting standby ${w.m} database in utility mode...`);
    const start = startPostgres(cfg, dataDir);
    if (start.code !== 0) return fatal(`Unable to start standby ${w.m}: ${start.stderr.trim()}`);
  } else {
    log.debug(
      `Running Command: ps -ef | grep postgres | grep -v grep | awk '{print $2}' | grep \`cat ${dataDir}/postmaster.pid | head -1\` || echo -1`,
    );
    log.info('found standby postmaster process');
  }
  log.info('Promoting standby...');
  log.debug(`Running Command: pg_ctl promote -D ${dataDir}`);
  const promote = run(pgTool(cfg, 'pg_ctl'), ['promote', '-D', dataDir, '-w', '-t', '60'], { timeoutMs: 90_000 });
  if (promote.code !== 0) return fatal(`Failed to promote standby: ${promote.stderr.trim()}`);

  // What gp_activate_standby() does inside the promoted server: the old coordinator row goes, the standby row
  // becomes the primary. Done on the server's own port, whatever PGPORT says.
  const actualPort = actualServerPort(dataDir);
  const catalog = psql(
    cfg,
    actualPort,
    "BEGIN; DELETE FROM gp_segment_configuration WHERE content = -1 AND role = 'p'; " +
      "UPDATE gp_segment_configuration SET role = 'p', preferred_role = 'p' WHERE content = -1 AND role = 'm'; COMMIT;",
  );
  if (!catalog.ok) return fatal(`Failed to update the catalog after promotion: ${catalog.error}`);

  log.debug('Waiting for connection...');
  if (!waitForConnection(cfg, pgport))
    return fatal('Either the set port is incorrect or the postmaster could not come up.');
  log.info(`Standby ${w.m} is promoted`);
  log.info('Reading current configuration...');
  log.debug("Connecting to dbname='postgres'");
  const dbName = cfg.product === 'cloudberry' ? 'Cloudberry' : 'Greenplum';
  const lines = [
    '-'.repeat(53),
    `The activation of the standby ${w.m} has completed successfully.`,
    `${log.host} is now the new primary ${w.m}.`,
    'You will need to update your user access mechanism to reflect',
    `the change of ${w.m} hostname.`,
    `Do not re-start the failed ${w.m} while the fail-over ${w.m} is`,
    'operational, this could result in database corruption!',
    `${w.dataDirVar} is now ${dataDir} if`,
    `this has changed as a result of the standby ${w.m} activation, remember`,
    'to change this in any startup scripts etc, that may be configured',
    'to set this value.',
    `${w.M.toUpperCase()}_PORT is now ${pgport}, if this has changed, you`,
    'may need to make additional configuration changes to allow access',
    `to the ${dbName} instance.`,
    'Refer to the Administrator Guide for instructions on how to re-activate',
    `the ${w.m} to its previous state once it becomes available.`,
    'Query planner statistics must be updated on all databases',
    `following standby ${w.m} activation.`,
    'When convenient, run ANALYZE against all user databases.',
    '-'.repeat(53),
  ];
  for (const l of lines) log.info(l);
  return 0;
});

/** host= and port= of primary_conninfo, where the real tool finds the old coordinator. */
function primaryConninfo(dataDir: string): { host: string | undefined; port: number } {
  let text = '';
  for (const f of ['postgresql.auto.conf', 'postgresql.conf']) {
    try {
      text += readFileSync(join(dataDir, f), 'utf8') + '\n';
    } catch {
      /* absent */
    }
  }
  const conninfo =
    [...text.matchAll(/^\s*primary_conninfo\s*=\s*'((?:[^']|'')*)'/gm)].pop()?.[1]?.replace(/''/g, "'") ?? '';
  const host = /(?:^|\s)host=(\S+)/.exec(conninfo)?.[1];
  const port = Number(/(?:^|\s)port=(\d+)/.exec(conninfo)?.[1] ?? 5432);
  return { host: host?.replace(/^'|'$/g, ''), port };
}

function actualServerPort(dataDir: string): number {
  try {
    const port = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
    return Number.isInteger(port) && port > 0 ? port : 5432;
  } catch {
    return 5432;
  }
}

function waitForConnection(cfg: ReturnType<typeof loadConfig>, port: string): boolean {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const r = psql(cfg, port, 'SELECT 1');
    if (r.ok) return true;
    run('sleep', ['0.3']);
  }
  return false;
}

// gpstart [-a] [-m] [-d dir], run on the coordinator host: starts the coordinator postmaster and, unless -m, the
// standby. Like the real tool it refuses to run a coordinator whose standby was activated meanwhile (higher timeline).
import { join } from 'node:path';
import {
  Logger,
  TableLogger,
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
  run,
  shellQuote,
  ssh,
  startPostgres,
  stopPostgres,
} from './common';
import type { LabConfig } from './common';
import { coordinatorPort, readCatalog, standbyRow } from './cluster';

const USAGE = 'Usage: gpstart [-a] [-m] [-d <coordinator_data_directory>] [-q] [-l <logfile_directory>]';

main(() => {
  const argv = process.argv.slice(2);
  const log = new Logger('gpstart');
  const cfg = loadConfig();
  const w = new Words(cfg.vocabulary, cfg.product);
  const flags = parseFlags(
    argv,
    {
      '-a': { takesValue: false },
      '-m': { takesValue: false, long: ['--master_only', '--coordinator_only'] },
      '-c': { takesValue: false },
      '-d': { takesValue: true },
      '-q': { takesValue: false },
      '-l': { takesValue: true },
      '-S': { takesValue: false, long: ['--skip_standby_check'] },
    },
    () => USAGE,
  );
  log.quiet = flags.has('-q');
  const coordinatorOnly = flags.has('-m') || flags.has('-c');
  const error = (msg: string): never => {
    log.error(`gpstart error: ${msg}`);
    throw new UtilityExit(2);
  };
  log.info(`Starting gpstart with args: ${argv.join(' ')}`);
  log.info('Gathering information and validating the environment...');
  const dataDir = (flags.get('-d') as string | undefined) ?? w.dataDirectoryFromEnv();
  if (!dataDir) return error(`Environment Variable ${w.dataDirVar} not set!`);
  if (!fileExists(join(dataDir, 'PG_VERSION'))) return error(`${w.M} data directory ${dataDir} does not exist`);
  log.info(`${w.db} Binary Version: '${w.localVersion}'`);
  log.info(`${w.db} Catalog Version: '301908232'`);
  if (processAlive(postmasterPid(dataDir))) return error(`${w.M} instance process running`);
  if (coordinatorOnly) {
    log.warn('****************************************************************************');
    log.warn(`${w.M}-only start requested. If a standby is configured, this command`);
    log.warn(`may lead to a split-brain condition and possible unrecoverable data loss.`);
    log.warn(`Maintenance mode should only be used with direction from ${w.db} Support.`);
    log.warn('****************************************************************************');
    if (!flags.has('-a') && !askYesNo(`Continue with ${w.m}-only startup`)) {
      log.info('User abort requested, Exiting...');
      throw new UtilityExit(4);
    }
  }
  log.info(`Starting ${w.M} instance in admin mode`);
  const start = startPostgres(cfg, dataDir);
  if (start.code !== 0) return error(`Failed to start ${w.M} instance: ${start.stderr.trim()}`);
  log.info(`Obtaining ${w.db} ${w.M} catalog information`);
  log.info(`Obtaining Segment details from ${w.m}...`);
  // Right after crash recovery the server may still refuse connections for a moment.
  let catalog = readCatalog(cfg, coordinatorPort());
  for (let i = 0; i < 50 && !catalog.ok && /not accepting connections|starting up/.test(catalog.error); i++) {
    run('sleep', ['0.2']);
    catalog = readCatalog(cfg, coordinatorPort());
  }
  if (!catalog.ok) {
    stopPostgres(cfg, dataDir, 'fast');
    return error(catalog.error.split('\n')[0] ?? catalog.error);
  }
  const standby = standbyRow(catalog.rows);

  if (standby && !coordinatorOnly && !flags.has('-S')) {
    const remote = ssh(
      standby.address,
      `${shellQuote(pgTool(cfg, 'pg_controldata'))} ${shellQuote(standby.datadir)}`,
      20_000,
    );
    if (remote.code === 255) {
      log.warn(`Standby host is unreachable, cannot determine whether the standby is currently acting as the ${w.m}.`);
      if (flags.has('-a')) {
        stopPostgres(cfg, dataDir, 'fast');
        log.error('Non interactive mode detected. Not starting the cluster. Start the cluster in interactive mode.');
        throw new UtilityExit(4);
      }
    } else if (timeline(remote.stdout) > timeline(localControlData(cfg, dataDir))) {
      stopPostgres(cfg, dataDir, 'fast');
      log.info(`${w.M} Stopped...`);
      return error(`Standby activated, this node no more can act as ${w.m}.`);
    }
  }
  log.info(`Setting new ${w.m} era`);
  log.info(`${w.M} Started...`);
  const segments = catalog.rows.filter(r => r.content >= 0);
  log.info(`Commencing parallel primary and mirror segment instance startup, please wait...`);
  log.info('Process results...');
  log.info('-'.repeat(53));
  const t = new TableLogger();
  t.info(['Successful segment starts', `= ${segments.length}`]);
  t.info(['Failed segment starts', '= 0']);
  t.info(['Skipped segment starts (segments are marked down in configuration)', '= 0']);
  t.output(log);
  log.info('-'.repeat(53));
  log.info(`Successfully started ${segments.length} of ${segments.length} segment instances `);
  log.info('-'.repeat(53));
  log.info(`Starting ${w.M} instance ${log.host} directory ${dataDir} `);
  log.info(`Command pg_ctl reports ${w.M} ${log.host} instance active`);
  log.info("Connecting to dbname='template1' connect_timeout=15");
  if (!standby) log.info(`No standby ${w.m} configured.  skipping...`);
  else if (!coordinatorOnly) {
    log.info(`Starting standby ${w.m}`);
    log.info(`Checking if standby ${w.m} is running on host: ${standby.hostname}  in directory: ${standby.datadir}`);
    const r = ssh(
      standby.address,
      `${shellQuote(pgTool(cfg, 'pg_ctl'))} status -D ${shellQuote(standby.datadir)} >/dev/null 2>&1 || (mkdir -p ~/gpAdminLogs && ${shellQuote(pgTool(cfg, 'pg_ctl'))} start -D ${shellQuote(standby.datadir)} -l ~/gpAdminLogs/postmaster.log -w -t 60 >/dev/null)`,
      90_000,
    );
    if (r.code !== 0) log.warn(`Could not start standby ${w.m}`);
  }
  log.info('Database successfully started');
  return 0;
});

function localControlData(cfg: LabConfig, dataDir: string): string {
  return run(pgTool(cfg, 'pg_controldata'), [dataDir]).stdout;
}

function timeline(controlData: string): number {
  const m = /Latest checkpoint's TimeLineID:\s+(\d+)/.exec(controlData);
  return m ? Number(m[1]) : 0;
}

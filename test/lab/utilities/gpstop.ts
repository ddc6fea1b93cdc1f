// gpstop [-m] [-a] [-M smart|fast|immediate] [-d dir], run on the coordinator host. -m stops only the coordinator
// postmaster; without it the standby is stopped too (segments are catalog rows only and are reported as stopped).
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
  run,
  shellQuote,
  ssh,
  writeOut,
} from './common';
import { coordinatorPort, readCatalog, standbyRow } from './cluster';
import { join } from 'node:path';

const USAGE =
  'Usage: gpstop [-m] [-a] [-M smart|fast|immediate] [-d <coordinator_data_directory>] [-q] [-l <logfile_directory>]';

main(() => {
  const argv = process.argv.slice(2);
  const log = new Logger('gpstop');
  const cfg = loadConfig();
  const w = new Words(cfg.vocabulary, cfg.product);
  const flags = parseFlags(
    argv,
    {
      '-m': { takesValue: false, long: ['--master_only', '--coordinator_only'] },
      '-c': { takesValue: false },
      '-a': { takesValue: false },
      '-M': { takesValue: true, long: ['--mode'] },
      '-d': { takesValue: true },
      '-q': { takesValue: false },
      '-l': { takesValue: true },
    },
    () => USAGE,
  );
  log.quiet = flags.has('-q');
  const coordinatorOnly = flags.has('-m') || flags.has('-c');
  const mode = (flags.get('-M') as string | undefined) ?? 'smart';
  if (!['smart', 'fast', 'immediate'].includes(mode)) {
    log.error(`gpstop error: Invalid mode: ${mode}`);
    throw new UtilityExit(2);
  }
  log.info(`Starting gpstop with args: ${argv.join(' ')}`);
  log.info('Gathering information and validating the environment...');
  const dataDir = (flags.get('-d') as string | undefined) ?? w.dataDirectoryFromEnv();
  if (!dataDir) {
    log.error(`gpstop error: Environment Variable ${w.dataDirVar} not set!`);
    throw new UtilityExit(2);
  }
  if (!fileExists(join(dataDir, 'postmaster.pid'))) {
    log.error(`gpstop error: postmaster.pid file does not exist.  is ${w.db} instance already stopped?`);
    throw new UtilityExit(2);
  }
  log.info(`Obtaining ${w.db} ${w.M} catalog information`);
  log.info(`Obtaining Segment details from ${w.m}...`);
  const catalog = readCatalog(cfg, coordinatorPort());
  if (!catalog.ok) {
    log.error(`gpstop error: ${catalog.error.split('\n')[0] ?? catalog.error}`);
    throw new UtilityExit(2);
  }
  log.info(`${w.db} Version: '${w.localVersion}'`);
  if (!flags.has('-a')) {
    writeOut('\n');
    const question = coordinatorOnly ? `Continue with ${w.m}-only shutdown` : `Continue with ${w.db} instance shutdown`;
    if (!askYesNo(question)) {
      log.info('User abort requested, Exiting...');
      throw new UtilityExit(4);
    }
  }
  const pid = postmasterPid(dataDir);
  log.info(`Commencing ${w.M} instance shutdown with mode='${mode}'`);
  log.info(`${w.M} segment instance directory=${dataDir}`);
  log.info(`Stopping ${w.m} segment and waiting for user connections to finish ...`);
  const stop = run(pgTool(cfg, 'pg_ctl'), ['stop', '-D', dataDir, '-m', mode, '-W']);
  writeOut(stop.code === 0 ? 'server shutting down\n' : stop.stderr);
  const deadline = Date.now() + 120_000;
  while (processAlive(pid) && Date.now() < deadline) run('sleep', ['0.2']);
  log.info(`Attempting forceful termination of any leftover ${w.m} process`);
  log.info(`Terminating processes for segment ${dataDir}`);
  if (processAlive(pid)) {
    log.error(`Failed to kill process ${pid} for segment ${dataDir}`);
    throw new UtilityExit(2);
  }
  if (coordinatorOnly) return 0;

  const standby = standbyRow(catalog.rows);
  if (standby) {
    log.info(`Stopping ${w.m} standby host ${standby.hostname} mode=${mode}`);
    const r = ssh(
      standby.address,
      `${shellQuote(pgTool(cfg, 'pg_ctl'))} stop -D ${shellQuote(standby.datadir)} -m ${mode} -w -t 60 >/dev/null 2>&1 || true`,
    );
    if (r.code === 0) log.info(`Successfully shutdown standby process on ${standby.hostname}`);
    else log.warn(`Error stopping standby ${w.m} on ${standby.hostname}`);
  } else {
    log.info(`No standby ${w.m} host configured`);
  }
  const segments = catalog.rows.filter(r => r.content >= 0);
  const primaries = segments.filter(r => r.role === 'p').map(r => r.dbid);
  const mirrors = segments.filter(r => r.role === 'm').map(r => r.dbid);
  log.info(`Targeting dbid [${[...primaries, ...mirrors].join(', ')}] for shutdown`);
  log.info('Commencing parallel primary segment instance shutdown, please wait...');
  log.info('0.00% of jobs completed');
  log.info('100.00% of jobs completed');
  if (mirrors.length) {
    log.info('Commencing parallel mirror segment instance shutdown, please wait...');
    log.info('0.00% of jobs completed');
    log.info('100.00% of jobs completed');
  }
  log.info('-'.repeat(52));
  log.info(`   Segments stopped successfully      = ${segments.length}`);
  log.info('   Segments with errors during stop   = 0');
  log.info('-'.repeat(52));
  log.info(`Successfully shutdown ${segments.length} of ${segments.length} segment instances `);
  log.info('Database successfully shutdown with no errors reported');
  return 0;
});

// The command-line options of the coordinator utilities, as their option parsers define them. Every entry names
// the source it was checked against:
//   GP5   Greenplum 5 reference (docs.vmware.com, VMware-Tanzu-Greenplum/5, utility_guide gpinitstandby);
//         the 5X_STABLE sources are not in the public code index we checked, so GP5-only facts cite the reference.
//   GP6   greenplum-db/gpdb 6X_STABLE, release 6.24.3 (gpMgmt/bin/<utility>, gppylib/mainUtils.py,
//         gppylib/programs/clsSystemState.py).
//   GP7   greenplum-db/gpdb-archive main = 7 (gpinitstandby @0bdbec67, gpstop @6fcadc18, mainUtils.py @3a1be7ec).
//   CBDB  apache/cloudberry main (gpstop @e1b82ef0, gpstart @70e2eb87, gpactivatestandby @20931f89,
//         gpinitstandby as in the fork 2shar-p/cloudberry @f101029b, mainUtils.py as in open-gpdb/cloudberry @edbdded5).
// An option without `releases` exists in all four; one with `releases` exists only in those.

/** A release line whose utilities' options differ. Cloudberry 1 and 2 share these options. */
export type GpRelease = '5' | '6' | '7' | 'cloudberry';
export const GP_RELEASES: readonly GpRelease[] = ['5', '6', '7', 'cloudberry'];
/** The release the scripts are written for; `auto` accepts the options of every release. */
export type ReleaseSetting = 'auto' | GpRelease;

export interface FlagArgument {
  /** Placeholder shown in documentation, e.g. `<standby_hostname>`. */
  name: string;
  kind: 'string' | 'int' | 'host' | 'path' | 'choice';
  choices?: readonly string[];
}

export interface FlagSpec {
  /** Every spelling of the option, short ones first. */
  names: readonly string[];
  /** Options with the same dest are one option under different names (optparse's dest). */
  dest: string;
  arg?: FlagArgument;
  doc: string;
  /** The releases that have the option; absent: every release. */
  releases?: readonly GpRelease[];
  /** What to write instead on the releases without it. */
  instead?: string;
  /** Why running with this option is dangerous (reported as a warning). */
  danger?: string;
  /** Why the option is deprecated (reported as a hint). */
  deprecated?: string;
  /** Accepted by the utility but not offered in completion (development or compatibility only). */
  hidden?: boolean;
  /** Prints help or the version and exits: the utility does nothing else. */
  informational?: boolean;
}

export interface ExclusiveRule {
  dests: readonly string[];
  message: string;
}

export interface UtilitySpec {
  name: string;
  summary: string;
  synopsis: readonly string[];
  /** What the utility changes, for the hover. */
  notes?: string;
  flags: readonly FlagSpec[];
  /** Pairs (or groups) of options that the utility refuses together. */
  exclusive: readonly ExclusiveRule[];
  /** Groups where at most one may be given (e.g. gpstate's output options). */
  atMostOne?: { dests: readonly string[]; message: string };
  /** At least one of these must be given (unless an informational option is). */
  requiresOneOf?: { dests: readonly string[]; message: string };
  /** How the utility treats words that are not options. */
  positional: 'error' | 'ignored';
}

const FROM_6: readonly GpRelease[] = ['6', '7', 'cloudberry'];
const GP7_AND_CLOUDBERRY: readonly GpRelease[] = ['7', 'cloudberry'];
const CLOUDBERRY: readonly GpRelease[] = ['cloudberry'];

const HELP_H: FlagSpec = {
  names: ['-h', '-?', '--help'],
  dest: 'help',
  doc: 'Shows the online help and exits.',
  informational: true,
};
const VERBOSE: FlagSpec = {
  names: ['-v', '--verbose'],
  dest: 'verbose',
  doc: 'Debug output: logs every step in detail.',
};
const QUIET: FlagSpec = {
  names: ['-q', '--quiet'],
  dest: 'quiet',
  doc: 'Quiet mode: status messages go to the log file only, not the screen.',
};
const LOGDIR: FlagSpec = {
  names: ['-l'],
  dest: 'logfileDirectory',
  arg: { name: '<logfile_directory>', kind: 'path' },
  doc: 'The directory to write the log file to. Defaults to `~/gpAdminLogs`.',
};
const NO_PROMPT: FlagSpec = {
  names: ['-a'],
  dest: 'interactive',
  doc: 'Do not prompt for confirmation (answers yes to every `Yy|Nn` prompt).',
};
const VERSION_LONG: FlagSpec = {
  names: ['--version'],
  dest: 'version',
  doc: "Shows the utility's version and exits.",
  informational: true,
};
// GP6 mainUtils.py addMasterDirectoryOptionForSingleClusterProgram; GP7 and CBDB
// addCoordinatorDirectoryOptionForSingleClusterProgram: `-d`, `--master_data_directory` everywhere.
const COORD_DIR: FlagSpec = {
  names: ['-d', '--master_data_directory'],
  dest: 'coordinatorDataDirectory',
  arg: { name: '<coordinator_data_directory>', kind: 'path' },
  doc: 'The coordinator (master) data directory. Defaults to `$COORDINATOR_DATA_DIRECTORY` (Greenplum 7, Cloudberry) or `$MASTER_DATA_DIRECTORY` (Greenplum 5/6).',
};
// GP7 mainUtils.py @3a1be7ec adds '--coordinator_data_directory' to the same option; CBDB's mainUtils.py (@edbdded5)
// adds only '-d', '--master_data_directory'.
const COORD_DIR_7: FlagSpec = {
  names: ['--coordinator_data_directory'],
  dest: 'coordinatorDataDirectory',
  arg: { name: '<coordinator_data_directory>', kind: 'path' },
  doc: 'Same as `-d`: the coordinator data directory.',
  releases: ['7'],
  instead: '-d',
};

const gpinitstandby: UtilitySpec = {
  name: 'gpinitstandby',
  summary:
    'Adds, starts or removes the standby coordinator (master) of a Greenplum system. Run it on the active coordinator.',
  synopsis: [
    'gpinitstandby { -s <standby_hostname> [-P <port>] | -r | -n } [-a] [-q] [-D] [-S <standby_data_directory>] [-l <logfile_directory>] [--hba-hostnames]',
    'gpinitstandby { -s <standby_hostname> [-P <port>] [-F pg_system:<standby_data_directory>,…] | -r | -n } [-a] [-q] [-D] [-l <logfile_directory>]   (Greenplum 5)',
    'gpinitstandby -? | -v',
  ],
  notes:
    'With `-s` it updates the catalog, edits `pg_hba.conf`, copies the coordinator with a base backup into the standby data directory and starts WAL replication. The target data directory must not exist: move a stale one aside first (`mv …/gpseg-1 …/backup_gpseg-1`).',
  flags: [
    // GP6 gpinitstandby parseargs(); GP7 @0bdbec67; CBDB @f101029b: -s, -P, -n, -r, -M, -a, -q, -l, -D, -v, -?.
    {
      names: ['-s', '--standby-host'],
      dest: 'standby_host',
      arg: { name: '<standby_hostname>', kind: 'host' },
      doc: "The host name of the new standby coordinator. Its data directory (default: the same path as the active coordinator's, see `-S`) must not exist yet.",
    },
    {
      names: ['-P', '--standby-port'],
      dest: 'standby_port',
      arg: { name: '<port>', kind: 'int' },
      doc: "The standby coordinator's port. Default: the active coordinator's port. Must differ from it when the standby is on the same host.",
    },
    // GP6, GP7 @0bdbec67, CBDB @f101029b: '-S', '--standby-datadir'. GP5 has no -S (its reference lists -F instead).
    {
      names: ['-S', '--standby-datadir'],
      dest: 'standby_datadir',
      arg: { name: '<standby_data_directory>', kind: 'path' },
      doc: "The data directory of the new standby. Default: the active coordinator's data directory path. Must differ when the standby is on the same host.",
      releases: FROM_6,
      instead: '-F pg_system:<standby_data_directory>',
    },
    // GP5 reference: `-F <list_of_filespaces>`, filespace:location pairs, `pg_system` for the data directory; without
    // it gpinitstandby asks for every filespace's location ("Enter standby filespace location for filespace …").
    {
      names: ['-F'],
      dest: 'standby_filespaces',
      arg: { name: 'pg_system:<standby_data_directory>[,<filespace>:<location>…]', kind: 'string' },
      doc: "The standby's location for every filespace, as `filespace:location` pairs separated by commas; `pg_system` is the data directory. Without it gpinitstandby prompts for each location (also under `-a` when there are user filespaces).",
      releases: ['5'],
      instead: '-S <standby_data_directory>',
    },
    {
      names: ['-n', '--no-update'],
      dest: 'no_update',
      doc: 'Starts a standby that is configured but has stopped, and resynchronizes it; the catalog is not updated.',
    },
    {
      names: ['-r', '--remove'],
      dest: 'remove',
      doc: 'Removes the configured standby coordinator: removes it from the catalog, stops it, and deletes its data directory on the standby host.',
      danger:
        'gpinitstandby -r removes the standby from the catalog, stops it and deletes its data directory on the standby host; the cluster has no standby afterwards. Check with `gpstate -f` which host is the standby first.',
    },
    // GP6, GP7 @0bdbec67, CBDB @f101029b: '--hba-hostnames'; not in the GP5 reference.
    {
      names: ['--hba-hostnames'],
      dest: 'hba_hostnames',
      doc: 'Writes host names instead of CIDR addresses into `pg_hba.conf`.',
      releases: FROM_6,
    },
    // CBDB @f101029b only: '-f', '--fts-host' (the external FTS host whose pg_hba.conf entries are written).
    {
      names: ['-f', '--fts-host'],
      dest: 'fts_host',
      arg: { name: '<fts_hostname>', kind: 'host' },
      doc: 'The host of the external FTS service, so that `pg_hba.conf` lets it in.',
      releases: CLOUDBERRY,
    },
    {
      names: ['-M', '--mode'],
      dest: 'mode',
      arg: { name: '<mode>', kind: 'string' },
      doc: 'Accepted for compatibility only; it has no effect.',
      hidden: true,
      deprecated: 'gpinitstandby -M has no effect (kept only for compatibility with old tools); remove it.',
    },
    { ...NO_PROMPT, doc: 'Do not ask to confirm the standby initialization or removal.' },
    { names: ['-q', '--quiet'], dest: 'quiet', doc: 'Quiet mode: progress goes to the log file only.' },
    {
      names: ['-l', '--logfile'],
      dest: 'logfile',
      arg: { name: '<logfile_directory>', kind: 'path' },
      doc: 'The directory to write the log file to (it must exist). Defaults to `~/gpAdminLogs`.',
    },
    { names: ['-D', '--debug'], dest: 'debug', doc: 'Sets the logging level to debug.' },
    { names: ['-v'], dest: 'version', doc: "Shows the utility's version and exits.", informational: true },
    {
      names: ['-?', '--help'],
      dest: 'help',
      doc: 'Shows the online help and exits. (`-h` is not an option of gpinitstandby.)',
      informational: true,
    },
    VERSION_LONG,
  ],
  exclusive: [
    {
      dests: ['standby_host', 'no_update'],
      message:
        'gpinitstandby refuses -s together with -n ("Options -s and -n cannot be specified together"): use -s to create a new standby, or -n alone to restart the configured one.',
    },
    {
      dests: ['standby_filespaces', 'no_update'],
      message:
        'gpinitstandby refuses -F together with -n: -n restarts the configured standby in its configured locations.',
    },
    {
      dests: ['standby_datadir', 'no_update'],
      message:
        'gpinitstandby refuses -S together with -n ("Options -S and -n cannot be specified together"): -n restarts the configured standby in its configured directory.',
    },
    {
      dests: ['standby_host', 'remove'],
      message:
        'gpinitstandby refuses -s together with -r ("Options -s and -r cannot be specified together"): remove the old standby with -r first, then add the new one with -s.',
    },
  ],
  requiresOneOf: {
    dests: ['standby_host', 'remove', 'no_update'],
    message:
      'gpinitstandby needs an action ("No action provided in the options"): -s <standby_hostname> to add a standby, -n to start the configured one, or -r to remove it.',
  },
  positional: 'ignored',
};

const gpactivatestandby: UtilitySpec = {
  name: 'gpactivatestandby',
  summary:
    'Activates the standby coordinator (master) and makes it the active coordinator. Run it on the standby host, after the old coordinator is down.',
  synopsis: [
    'gpactivatestandby -d <standby_coordinator_datadir> [-f] [-a] [-q] [-l <logfile_directory>]',
    'gpactivatestandby -? | -h | --help',
    'gpactivatestandby -v',
  ],
  notes:
    "Needs `PGPORT` set to the standby's port. Refuses while the old coordinator still runs (or its `/tmp/.s.PGSQL.<port>.lock` is left behind). Afterwards the cluster has no standby: add one with `gpinitstandby -s`.",
  flags: [
    // GP6 gpactivatestandby parseargs(); CBDB @20931f89: -d/--master-data-directory, -f, -a, -q, -l, -v, -h/-?/--help.
    {
      names: ['-d', '--master-data-directory'],
      dest: 'coordinator_data_dir',
      arg: { name: '<standby_coordinator_datadir>', kind: 'path' },
      doc: 'The absolute path of the data directory of the standby being activated. Default: `$COORDINATOR_DATA_DIRECTORY` / `$MASTER_DATA_DIRECTORY` of the standby host.',
    },
    {
      names: ['-f', '--force'],
      dest: 'force',
      doc: 'Forces activation even when the standby postmaster is not running. Use it only when you are sure that the standby and the old coordinator are consistent.',
      danger:
        'gpactivatestandby -f forces activation even when the standby is not running and its WAL may be behind: transactions the old coordinator committed but the standby never received are lost. Use it only when `gpstate -f` showed the standby streaming and in sync before the failure.',
    },
    { ...NO_PROMPT, doc: 'Do not ask to confirm the activation.' },
    { names: ['-q', '--quiet'], dest: 'quiet', doc: 'Quiet mode: progress goes to the log file only.' },
    {
      names: ['-l', '--logfile'],
      dest: 'logfile',
      arg: { name: '<logfile_directory>', kind: 'path' },
      doc: 'The directory to write the log file to (it must exist). Defaults to `~/gpAdminLogs`.',
    },
    { names: ['-v'], dest: 'version', doc: "Shows the utility's version and exits.", informational: true },
    HELP_H,
    VERSION_LONG,
    {
      names: ['--ignore'],
      dest: 'ignore',
      arg: { name: '<value>', kind: 'string' },
      doc: 'Internal option.',
      hidden: true,
    },
  ],
  exclusive: [],
  positional: 'error',
};

const GPSTATE_OUTPUTS = [
  'showMirrorList',
  'showClusterConfig',
  'showQuickStatus',
  'showStatus',
  'showVersionInfo',
  'showPortInformation',
  'showStandbyCoordinatorInformation',
  'showStatusStatistics',
  'showSummaryOfSegmentsWhichRequireAttention',
  'segmentStatusPipeSeparatedForTableUse',
  'printSampleExternalTableSqlForSegmentStatus',
];

const gpstate: UtilitySpec = {
  name: 'gpstate',
  summary: 'Shows the state of a Greenplum system: coordinator, standby and segments. Read-only.',
  synopsis: [
    'gpstate [-d <coordinator_data_directory>] [-B <parallel_processes>] [-s | -b | -Q | -e] [-m | -c] [-p] [-i] [-f] [-x] [-v | -q] [-l <log_directory>]',
    'gpstate -? | -h | --help',
  ],
  notes:
    '`gpstate -f` shows the standby coordinator details: status `passive` and WAL sender state `streaming` mean mirroring is healthy.',
  flags: [
    // GP6 clsSystemState.py createParser(); the same options in GP7 and CBDB.
    {
      names: ['-f'],
      dest: 'showStandbyCoordinatorInformation',
      doc: 'Shows the standby coordinator (master) details: host, data directory, port, PID, status (`passive`), WAL sender state (`streaming`), sync state and LSNs.',
    },
    {
      names: ['-b'],
      dest: 'showStatusStatistics',
      doc: 'Brief summary of the system (the default output): coordinator and standby state, segment totals and failures.',
    },
    { names: ['-s'], dest: 'showStatus', doc: 'Detailed status of every instance, the coordinator and standby first.' },
    {
      names: ['-e'],
      dest: 'showSummaryOfSegmentsWhichRequireAttention',
      doc: 'Shows segments with mirroring problems (exit status 1 when there are any).',
    },
    { names: ['-m'], dest: 'showMirrorList', doc: 'Lists the mirror segments and their status.' },
    { names: ['-c'], dest: 'showClusterConfig', doc: 'Shows the primary-to-mirror mapping.' },
    { names: ['-Q'], dest: 'showQuickStatus', doc: 'Quick status: only the segments the coordinator marks down.' },
    { names: ['-i'], dest: 'showVersionInfo', doc: 'Shows the Greenplum software version of every instance.' },
    { names: ['-p'], dest: 'showPortInformation', doc: 'Shows the ports of every instance.' },
    { names: ['-x'], dest: 'showExpandStatus', doc: 'Shows the status of a running system expansion (gpexpand).' },
    {
      names: ['--segmentStatusPipeSeparatedForTableUse'],
      dest: 'segmentStatusPipeSeparatedForTableUse',
      doc: 'Segment status as pipe-separated rows (experimental).',
      hidden: true,
    },
    {
      names: ['--printSampleExternalTableSql'],
      dest: 'printSampleExternalTableSqlForSegmentStatus',
      doc: 'Prints sample SQL for an external table over the pipe-separated status (experimental).',
      hidden: true,
    },
    COORD_DIR,
    COORD_DIR_7,
    {
      names: ['-B'],
      dest: 'parallelDegree',
      arg: { name: '<parallel_processes>', kind: 'int' },
      doc: 'Number of workers querying the segments (1-64, default 16).',
    },
    {
      names: ['--timeout'],
      dest: 'timeout',
      arg: { name: '<seconds>', kind: 'int' },
      doc: 'Database connection timeout.',
    },
    {
      names: ['--retries'],
      dest: 'retries',
      arg: { name: '<count>', kind: 'int' },
      doc: 'Database connection retries.',
    },
    NO_PROMPT,
    VERBOSE,
    QUIET,
    LOGDIR,
    HELP_H,
    VERSION_LONG,
  ],
  exclusive: [],
  atMostOne: {
    dests: GPSTATE_OUTPUTS,
    message:
      'gpstate accepts one output option at a time ("Too many output options specified"): run it once per option.',
  },
  positional: 'error',
};

const gpstop: UtilitySpec = {
  name: 'gpstop',
  summary: 'Stops a Greenplum system, or only its coordinator (`-m`), or reloads its configuration (`-u`).',
  synopsis: [
    'gpstop [-d <coordinator_data_directory>] [-B <parallel_processes>] [-M smart | fast | immediate] [-t <timeout_seconds>] [-r] [-y] [-a] [-l <logfile_directory>] [-v | -q]',
    'gpstop -m [-d <coordinator_data_directory>]',
    'gpstop -u [-d <coordinator_data_directory>]',
    'gpstop --host <host_name> [-d <coordinator_data_directory>] [-M ...] [-t ...] [-a] [-v | -q]',
    'gpstop -? | -h | --help',
    'gpstop --version',
  ],
  notes:
    'Before returning the coordinator role to its original host, `gpstop -m` on the active coordinator stops only the coordinator; `gpactivatestandby` then runs on the standby.',
  flags: [
    // GP6 gpstop createParser(): '-m', '--master_only'; GP7 @6fcadc18 and CBDB @e1b82ef0 add '-c', '--coordinator_only'.
    {
      names: ['-m', '--master_only'],
      dest: 'coordinator_only',
      doc: 'Stops only the coordinator (master) instance, e.g. one started in maintenance mode, or before activating the standby to swap roles back.',
    },
    {
      names: ['-c', '--coordinator_only'],
      dest: 'coordinator_only',
      doc: 'Same as `-m`: stops only the coordinator instance.',
      releases: GP7_AND_CLOUDBERRY,
      instead: '-m',
    },
    {
      names: ['-M', '--mode'],
      dest: 'mode',
      arg: { name: 'smart|fast|immediate', kind: 'choice', choices: ['smart', 'fast', 'immediate'] },
      doc: 'Shutdown mode. `smart` (default) waits for sessions to end; `fast` rolls back open transactions and disconnects; `immediate` aborts the processes without a clean shutdown (crash recovery at the next start).',
    },
    { names: ['-r', '--restart'], dest: 'restart', doc: 'Restarts the system after it has stopped.' },
    {
      names: ['-u'],
      dest: 'request_sighup',
      doc: 'Reloads `pg_hba.conf` and the runtime parameters of `postgresql.conf` without stopping the system.',
    },
    { names: ['-y'], dest: 'stop_standby', doc: 'Does not stop the standby coordinator.' },
    {
      names: ['-t', '--timeout'],
      dest: 'timeout',
      arg: { name: '<timeout_seconds>', kind: 'int' },
      doc: 'Seconds to wait for the segments to stop (default 120, and not less).',
    },
    {
      names: ['-B', '--parallel'],
      dest: 'parallel',
      arg: { name: '<parallel_processes>', kind: 'int' },
      doc: 'Number of segment hosts stopped in parallel (1-128, default 64).',
    },
    {
      names: ['--host'],
      dest: 'only_this_host',
      arg: { name: '<host_name>', kind: 'host' },
      doc: 'Stops only the segments on this host (needs mirroring; not the coordinator or standby host).',
    },
    COORD_DIR,
    COORD_DIR_7,
    {
      names: ['-f', '--fast'],
      dest: 'fast',
      doc: 'Fast shutdown (deprecated: use `-M fast`).',
      deprecated: 'gpstop -f is deprecated: use -M fast.',
    },
    {
      names: ['-i', '--immediate'],
      dest: 'immediate',
      doc: 'Immediate shutdown (deprecated: use `-M immediate`).',
      deprecated: 'gpstop -i is deprecated: use -M immediate.',
    },
    {
      names: ['-s', '--smart'],
      dest: 'smart',
      doc: 'Smart shutdown (deprecated: it is the default; `-M smart`).',
      deprecated: 'gpstop -s is deprecated: smart is the default mode (-M smart).',
    },
    {
      names: ['-z', '--force'],
      dest: 'force',
      doc: 'Deprecated: now the same as `-M fast`.',
      deprecated: 'gpstop -z is deprecated and only means -M fast now.',
    },
    // GP6 and GP7 @6fcadc18: '--skipvalidation' (development only).
    { names: ['--skipvalidation'], dest: 'skipvalidation', doc: 'Development testing only.', hidden: true },
    // CBDB @e1b82ef0 only: '-F' (file of FTS hosts) and '-E' (file of etcd hosts) for an external FTS service.
    {
      names: ['-F'],
      dest: 'fts_hosts',
      arg: { name: '<fts_hosts_file>', kind: 'path' },
      doc: 'A file listing the hosts of the external FTS service to stop. Default: `$COORDINATOR_DATA_DIRECTORY/config/fts_host`.',
      releases: CLOUDBERRY,
    },
    {
      names: ['-E'],
      dest: 'etcd_hosts',
      arg: { name: '<etcd_hosts_file>', kind: 'path' },
      doc: 'A file listing the etcd hosts to stop (external FTS).',
      releases: CLOUDBERRY,
    },
    NO_PROMPT,
    VERBOSE,
    QUIET,
    LOGDIR,
    HELP_H,
    { names: ['--usage'], dest: 'usage', doc: 'Shows a brief usage message and exits.', informational: true },
    VERSION_LONG,
  ],
  exclusive: [
    {
      dests: ['only_this_host', 'coordinator_only'],
      message: 'gpstop refuses --host together with -m ("Incompatible flags"): --host stops segments only.',
    },
    { dests: ['only_this_host', 'restart'], message: 'gpstop refuses --host together with -r ("Incompatible flags").' },
    {
      dests: ['only_this_host', 'request_sighup'],
      message: 'gpstop refuses --host together with -u ("Incompatible flags").',
    },
    {
      dests: ['only_this_host', 'stop_standby'],
      message: 'gpstop refuses --host together with -y ("Incompatible flags").',
    },
  ],
  positional: 'error',
};

const gpstart: UtilitySpec = {
  name: 'gpstart',
  summary: 'Starts a Greenplum system, or only its coordinator in maintenance mode (`-m`).',
  synopsis: [
    'gpstart [-d <coordinator_data_directory>] [-B <parallel_processes>] [-R] [-m] [-y] [-a] [-t <timeout_seconds>] [-l <logfile_directory>] [--skip-heap-checksum-validation] [-v | -q]',
    'gpstart -? | -h | --help',
    'gpstart --version',
  ],
  notes:
    'On the old coordinator after a failover it refuses to start ("Standby activated, this node no more can act as master/coordinator").',
  flags: [
    // GP6 gpstart createParser(): '-m', '--master_only'; GP7 @42919a25 and CBDB @70e2eb87 add '-c', '--coordinator_only'.
    {
      names: ['-m', '--master_only'],
      dest: 'coordinator_only',
      doc: 'Starts only the coordinator (master), in maintenance (utility) mode.',
    },
    {
      names: ['-c', '--coordinator_only'],
      dest: 'coordinator_only',
      doc: 'Same as `-m`: starts only the coordinator in maintenance mode.',
      releases: GP7_AND_CLOUDBERRY,
      instead: '-m',
    },
    { names: ['-y', '--no_standby'], dest: 'start_standby', doc: 'Does not start the standby coordinator.' },
    { names: ['-R', '--restricted'], dest: 'restricted', doc: 'Restricted mode: only superusers may connect.' },
    {
      names: ['-t', '--timeout'],
      dest: 'timeout',
      arg: { name: '<timeout_seconds>', kind: 'int' },
      doc: 'Seconds to wait for the segments to start (default 600).',
    },
    {
      names: ['-B', '--parallel'],
      dest: 'parallel',
      arg: { name: '<parallel_processes>', kind: 'int' },
      doc: 'Number of segment hosts started in parallel (1-128, default 64).',
    },
    {
      names: ['-S', '--skip_standby_check'],
      dest: 'skip_standby_check',
      doc: 'Skips the check whether the standby was activated.',
    },
    // GP6 gpstart (6.24.3), GP7, CBDB @70e2eb87: '--skip-heap-checksum-validation'; not in the GP5 reference.
    {
      names: ['--skip-heap-checksum-validation'],
      dest: 'skip_heap_checksum_validation',
      doc: 'Skips the validation of the `data_checksums` setting. Starting without it could lead to data loss.',
      releases: FROM_6,
    },
    // CBDB @70e2eb87 only: '-F', '-E' (external FTS and etcd host files) and '-f', '--segment_config_file'.
    {
      names: ['-F'],
      dest: 'fts_hosts',
      arg: { name: '<fts_hosts_file>', kind: 'path' },
      doc: 'A file listing the hosts of the external FTS service to start. Default: `$COORDINATOR_DATA_DIRECTORY/config/fts_host`.',
      releases: CLOUDBERRY,
    },
    {
      names: ['-E'],
      dest: 'etcd_hosts',
      arg: { name: '<etcd_hosts_file>', kind: 'path' },
      doc: 'A file listing the etcd hosts to start (external FTS).',
      releases: CLOUDBERRY,
    },
    {
      names: ['-f', '--segment_config_file'],
      dest: 'segment_config_file',
      arg: { name: '<file>', kind: 'path' },
      doc: 'The `gp_segment_configuration` file to load for this cluster.',
      releases: CLOUDBERRY,
    },
    {
      names: ['--wrapper'],
      dest: 'wrapper',
      arg: { name: '<wrapper>', kind: 'string' },
      doc: 'Wraps the postgres command (debugging).',
      hidden: true,
    },
    {
      names: ['--wrapper-args'],
      dest: 'wrapper_args',
      arg: { name: '<args>', kind: 'string' },
      doc: 'Arguments for `--wrapper`.',
      hidden: true,
    },
    {
      names: ['-U', '--specialMode'],
      dest: 'specialMode',
      arg: { name: 'maintenance', kind: 'string' },
      doc: 'Internal option.',
      hidden: true,
    },
    COORD_DIR,
    COORD_DIR_7,
    NO_PROMPT,
    VERBOSE,
    QUIET,
    LOGDIR,
    HELP_H,
    VERSION_LONG,
  ],
  exclusive: [],
  positional: 'error',
};

export const UTILITIES: ReadonlyMap<string, UtilitySpec> = new Map(
  [gpinitstandby, gpactivatestandby, gpstate, gpstop, gpstart].map(u => [u.name, u]),
);

/** True when the option exists in the release (every option exists under `auto`). */
export function flagAvailable(flag: FlagSpec, release: ReleaseSetting): boolean {
  return release === 'auto' || !flag.releases || flag.releases.includes(release);
}

export function releaseLabel(release: GpRelease): string {
  return release === 'cloudberry' ? 'Cloudberry' : `Greenplum ${release}`;
}

/** "Greenplum 7 and Cloudberry only (elsewhere use `-m`)." for an option that some releases lack. */
export function releaseNote(flag: FlagSpec): string | undefined {
  if (!flag.releases) return undefined;
  const labels = flag.releases.map(releaseLabel);
  const list = labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]!}` : labels[0]!;
  return `${list} only` + (flag.instead ? ` (elsewhere use \`${flag.instead}\`)` : '') + '.';
}

/** Markdown documentation of one option, for completion and hover. */
export function flagDocumentation(utility: UtilitySpec, flag: FlagSpec): string {
  const head = flag.names.map(n => `\`${n}${flag.arg ? ' ' + flag.arg.name : ''}\``).join(', ');
  const parts = [`**${utility.name}** ${head}`, flag.doc];
  const note = releaseNote(flag);
  if (note) parts.push(`*${note}*`);
  if (flag.danger) parts.push(`⚠ ${flag.danger}`);
  if (flag.deprecated) parts.push(`*Deprecated:* ${flag.deprecated}`);
  return parts.join('\n\n');
}

export function utilityDocumentation(utility: UtilitySpec): string {
  const parts = [`**${utility.name}** — ${utility.summary}`, '```\n' + utility.synopsis.join('\n') + '\n```'];
  if (utility.notes) parts.push(utility.notes);
  return parts.join('\n\n');
}

/** Finds an option by its exact name, or by an unambiguous prefix of a long name (optparse accepts those). */
export function lookupFlag(
  utility: UtilitySpec,
  name: string,
): { flag: FlagSpec; exact: boolean } | { ambiguous: string[] } | undefined {
  for (const f of utility.flags) if (f.names.includes(name)) return { flag: f, exact: true };
  if (name.startsWith('--') && name.length > 2) {
    const matches = new Map<string, FlagSpec>();
    for (const f of utility.flags)
      for (const n of f.names) if (n.startsWith('--') && n.startsWith(name)) matches.set(n, f);
    if (matches.size === 1) return { flag: [...matches.values()][0]!, exact: false };
    if (matches.size > 1) return { ambiguous: [...matches.keys()] };
  }
  return undefined;
}

// Real Greenplum in the lab: the cached build of `npm run greenplum -- build`, a cluster made once by the real
// gpinitsystem and gpinitstandby and kept as a snapshot beside the build, and the scenarios reached from it with the
// real utilities. The coordinator runs on cdw, its standby on scdw, two primaries on sdw1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { REPO_ROOT, USER_HOME, hostDir } from './layout';
import type { Lab, Scenario } from './layout';
import { labExec, must } from './hosts';
import { processAlive, sh, signal, userIds, waitFor } from './process';
import { runningPostgres } from './faults';

export const REAL_DATA_DIRECTORY = '/data/master/gpseg-1';
export const SEGMENT_HOST = 'sdw1';
export const REAL_HOSTS = ['cdw', 'scdw', SEGMENT_HOST];
const PRIMARY_PARENT = '/data/primary';
// Bumped when the cluster a snapshot holds changes, so an older snapshot is not restored.
const SNAPSHOT_RECIPE = 'gp6-cdw-scdw-sdw1x2-1';

/** The GPHOME of the cached real Greenplum build, or a clear error saying how to make one. */
export function realGphome(): string {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'greenplum.mjs'), 'path'], { encoding: 'utf8' });
  const gphome = r.stdout.trim();
  if (r.status !== 0 || !gphome) {
    throw new Error(
      `lab: no real Greenplum build${r.stderr.trim() ? ` (${r.stderr.trim()})` : ''}; run \`npm run greenplum -- build\` first ` +
        '(it needs the Greenplum 6 source: GPCOORD_GREENPLUM_SOURCE, see README "Real Greenplum")',
    );
  }
  return gphome;
}

const snapshotPath = (gphome: string): string =>
  join(dirname(gphome), `${basename(gphome)}.lab-${SNAPSHOT_RECIPE}.tar`);

/** The directories a snapshot holds, relative to <run>/hosts. */
const SNAPSHOT_DIRS = ['cdw/data/master', 'scdw/data/master', `${SEGMENT_HOST}/data/primary`];

/** Brings the real cluster to `scenario`: from the snapshot when there is one, else initialised (and snapshotted). */
export async function buildRealCluster(lab: Lab, scenario: Scenario, trace: (step: string) => void): Promise<void> {
  const snapshot = snapshotPath(lab.gphome);
  if (existsSync(snapshot)) {
    sh('tar', ['-C', join(lab.dir, 'hosts'), '-xpf', snapshot]);
    trace('snapshot restored');
    await must(lab, 'cdw', 'gpstart -a', 'gpstart');
    trace('gpstart');
  } else {
    await initialise(lab, trace);
    await takeSnapshot(lab, snapshot);
    trace('snapshot taken');
    await must(lab, 'cdw', 'gpstart -a', 'gpstart');
  }
  await waitForStreaming(lab, 'cdw');
  trace('streaming');
  if (scenario === 'after-failover') await failOver(lab, trace);
}

function gpinitsystemConfig(lab: Lab): string {
  return [
    '# gpinitsystem configuration of the lab: coordinator on cdw, two primaries on the segment host, no mirrors.',
    'ARRAY_NAME="gpcoord lab"',
    'SEG_PREFIX=gpseg',
    'PORT_BASE=6000',
    `declare -a DATA_DIRECTORY=(${PRIMARY_PARENT} ${PRIMARY_PARENT})`,
    'MASTER_HOSTNAME=cdw',
    `MASTER_DIRECTORY=${dirname(REAL_DATA_DIRECTORY)}`,
    `MASTER_PORT=${lab.pgPort}`,
    'TRUSTED_SHELL=ssh',
    'CHECK_POINT_SEGMENTS=8',
    'ENCODING=UNICODE',
    'DATABASE_NAME=gpadmin',
    `MACHINE_LIST_FILE=${USER_HOME}/.lab/hostfile_gpinitsystem`,
    '',
  ].join('\n');
}

/** The real gpinitsystem and gpinitstandby, then a table to write to; ends with the cluster stopped by gpstop. */
async function initialise(lab: Lab, trace: (step: string) => void): Promise<void> {
  const { uid, gid } = userIds();
  const primaries = join(hostDir(lab.dir, SEGMENT_HOST), 'data', 'primary');
  mkdirSync(primaries, { recursive: true });
  sh('chown', [`${uid}:${gid}`, primaries]);
  const labDir = join(hostDir(lab.dir, 'cdw'), 'home', '.lab');
  writeFileSync(join(labDir, 'gpinitsystem_config'), gpinitsystemConfig(lab));
  writeFileSync(join(labDir, 'hostfile_gpinitsystem'), `${SEGMENT_HOST}\n`);
  sh('chown', ['-R', `${uid}:${gid}`, labDir]);
  // gpinitsystem exits 1 when it only printed warnings; the cluster answering queries is what counts.
  const init = await labExec(lab, 'cdw', 'gpinitsystem -a -c ~/.lab/gpinitsystem_config', { timeoutMs: 900_000 });
  if (init.code > 1)
    throw new Error(`lab: gpinitsystem failed (exit ${init.code}):\n${init.stdout.slice(-4000)}\n${init.stderr}`);
  trace('gpinitsystem');
  await must(
    lab,
    'cdw',
    [
      'set -e',
      // Any lab subnet may restore this snapshot: trust the hosts' own network whatever its addresses.
      `for f in ${REAL_DATA_DIRECTORY}/pg_hba.conf ${PRIMARY_PARENT}/gpseg*/pg_hba.conf; do [ -f "$f" ] || continue; printf 'host all all samenet trust\\nhost replication all samenet trust\\n' >> "$f"; done`,
      `ssh ${SEGMENT_HOST} 'for f in ${PRIMARY_PARENT}/gpseg*/pg_hba.conf; do printf "host all all samenet trust\\nhost replication all samenet trust\\n" >> "$f"; done'`,
      'gpstop -u -a >/dev/null',
      'psql -X -q -d gpadmin -v ON_ERROR_STOP=1 -c "CREATE TABLE lab_writes (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), payload text) DISTRIBUTED BY (id)"',
    ].join('\n'),
    'preparing the cluster',
  );
  await must(lab, 'cdw', 'gpinitstandby -a -s scdw', 'gpinitstandby');
  trace('gpinitstandby');
  await waitForStreaming(lab, 'cdw');
  await must(lab, 'cdw', 'gpstop -a', 'gpstop');
  trace('gpstop');
}

async function takeSnapshot(lab: Lab, snapshot: string): Promise<void> {
  const work = `${snapshot}.tmp-${process.pid}`;
  sh('tar', ['-C', join(lab.dir, 'hosts'), '-cf', work, ...SNAPSHOT_DIRS]);
  renameSync(work, snapshot);
  rmSync(work, { force: true });
  return Promise.resolve();
}

/** The real way: kill -9 of the coordinator, its stale lock file removed, gpactivatestandby on scdw. */
async function failOver(lab: Lab, trace: (step: string) => void): Promise<void> {
  const coordinator = runningPostgres(lab).find(p => p.host === 'cdw' && !p.standby);
  if (!coordinator) throw new Error('lab: no running coordinator on cdw to fail over from');
  signal(coordinator.pid, 'SIGKILL');
  await waitFor('the coordinator to die', () => !processAlive(coordinator.pid), 10_000);
  // gpactivatestandby refuses while /tmp/.s.PGSQL.<port>.lock is left on the old coordinator's host.
  await must(lab, 'cdw', `rm -f /tmp/.s.PGSQL.${lab.pgPort}.lock`, 'removing the stale lock file');
  await must(lab, 'scdw', `gpactivatestandby -a -d ${REAL_DATA_DIRECTORY}`, 'gpactivatestandby');
  trace('failover');
}

export async function waitForStreaming(lab: Lab, host: string): Promise<void> {
  await waitFor(
    'the standby to stream',
    async () => {
      const r = await labExec(lab, host, 'psql -X -At -d postgres -c "SELECT state FROM pg_stat_replication"');
      return r.stdout.trim() === 'streaming';
    },
    120_000,
  );
}

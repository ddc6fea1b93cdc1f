// The master vocabulary (Greenplum 6) against the real GP6 capture line for line, and the Cloudberry flavour.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseInventory } from '../../src/core/inventory';
import type { Lab } from './lab';
import { down, fault, hostDataPath, labExec, labProcesses, runningPostgres, up } from './lab';
import {
  assertNoProcessesLeft,
  assertLikeReference,
  assertSameMessages,
  gp,
  gpstateFStreaming,
  normalizeHosts,
  normalizeRun,
  parsed,
} from './support';

/** The GP6 capture ran its standby on the same host at /data/standby/gpseg-1:5433; the lab's is /data/master/gpseg-1:5432 on scdw. */
function normalizeCapture(m: string): string {
  return normalizeRun(m.replace(/\/data\/standby\/gpseg-1/g, '/data/master/gpseg-1'))
    .replace(/((?:Standby|standby master) port {3,}= )543[23]\b/, '$1PORT')
    .replace(/(Greenplum master port {19}= )543[23]\b/, '$1PORT');
}

describe('lab: master vocabulary (Greenplum 6) compared with the real GP6 capture', function () {
  let lab: Lab;

  before(async function () {
    lab = await up({ scenario: 'healthy', vocabulary: 'master', subnet: 11 });
  });
  after(async function () {
    if (lab) await down(lab);
  });

  it('uses /data/master/gpseg-1 and MASTER_DATA_DIRECTORY', async function () {
    assert.equal(lab.dataDirectory, '/data/master/gpseg-1');
    assert.equal(basename(lab.environmentScript), 'greenplum_path.sh');
    const env = await labExec(lab, 'cdw', 'echo "$MASTER_DATA_DIRECTORY|${COORDINATOR_DATA_DIRECTORY:-unset}|$PGPORT"');
    assert.equal(env.stdout.trim(), '/data/master/gpseg-1|unset|5432');
    const inv = parseInventory(readFileSync(lab.inventoryPath, 'utf8'));
    assert.ok(inv.ok);
    assert.equal(inv.inventory.clusters.lab!.vocabulary, 'master');
  });

  it('gpactivatestandby refuses without a data directory or PGPORT, as the GP6 tool does', async function () {
    const noDir = await gp(lab, 'scdw', 'unset MASTER_DATA_DIRECTORY; gpactivatestandby -q');
    assert.equal(noDir.code, 2);
    assertLikeReference(
      'gpactivatestandby',
      noDir,
      'public-samples/gp6_gpactivatestandby_refusals_RECONSTRUCTED.txt',
      3,
      normalizeHosts,
    );
    const noPort = await gp(lab, 'scdw', 'unset PGPORT; gpactivatestandby -q -d /data/master/gpseg-1');
    assert.equal(noPort.code, 2);
    assertLikeReference(
      'gpactivatestandby',
      noPort,
      'public-samples/gp6_gpactivatestandby_refusals_RECONSTRUCTED.txt',
      4,
      normalizeHosts,
    );
  });

  it('gpstate -f, -b and -s on cdw print what the GP6 capture printed', async function () {
    const f = await gp(lab, 'cdw', 'gpstate -f');
    assertLikeReference('gpstate-f', f, 'gp6-lab-capture/01-gpstate-f.txt', 0, normalizeCapture);
    const pf = parsed('gpstate-f', f);
    assert.equal(pf.vocabulary, 'master');
    assert.equal(pf.version, '6.24.3');
    const b = await gp(lab, 'cdw', 'gpstate -b');
    assertLikeReference('gpstate-b', b, 'gp6-lab-capture/02-gpstate-b.txt', 0, normalizeHosts);
    const plain = await gp(lab, 'cdw', 'gpstate');
    assertLikeReference('gpstate-b', plain, 'gp6-lab-capture/04-gpstate.txt', 0, normalizeHosts);
    for (const [flag, file] of [
      ['-e', '51-gpstate-e.txt'],
      ['-Q', '52-gpstate-Q.txt'],
    ] as const) {
      const r = await gp(lab, 'cdw', `gpstate ${flag}`);
      assert.equal(r.code, 0, flag);
      assertSameMessages(r.stdout, `gp6-lab-capture/${file}`);
    }
    const s = await gp(lab, 'cdw', 'gpstate -s');
    assert.equal(s.code, 0);
    const head = (text: string): string =>
      text
        .split('\n')
        .filter((_, i, all) => i <= all.findIndex(l => l.endsWith('-Segment Instance Status Report')))
        .join('\n');
    const reference = readFileSync(
      join(__dirname, '..', 'fixtures', 'reference', 'gp6-lab-capture', '03-gpstate-s.txt'),
      'utf8',
    );
    assert.deepEqual(
      head(s.stdout)
        .split('\n')
        .map(l => l.replace(/^.*?\]:-/, ''))
        .map(normalizeRun),
      head(reference)
        .split('\n')
        .filter(l => /\]:-/.test(l))
        .map(l => l.replace(/^.*?\]:-/, ''))
        .map(normalizeRun),
    );
  });

  it('gpinitstandby refuses a second standby; gpactivatestandby refuses on the active coordinator and while it runs', async function () {
    const init = await gp(lab, 'cdw', 'gpinitstandby -s scdw', 'n\n');
    assert.equal(init.code, 2);
    assertLikeReference(
      'gpinitstandby',
      init,
      'gp6-lab-capture/17-gpinitstandby-when-standby-already-configured.txt',
      0,
      normalizeHosts,
    );
    const onCoordinator = await gp(lab, 'cdw', 'gpactivatestandby -d /data/master/gpseg-1', 'y\n');
    assert.equal(onCoordinator.code, 2);
    assertLikeReference(
      'gpactivatestandby',
      onCoordinator,
      'gp6-lab-capture/50-gpactivatestandby-on-active-master-dir.txt',
    );
    assert.equal(parsed('gpactivatestandby', onCoordinator).reason, 'not-a-standby');
    const whileRunning = await gp(lab, 'scdw', 'gpactivatestandby -d /data/master/gpseg-1', 'y\n');
    assert.equal(whileRunning.code, 2);
    assertLikeReference(
      'gpactivatestandby',
      whileRunning,
      'gp6-lab-capture/10-gpactivatestandby-while-master-running.txt',
      0,
      normalizeCapture,
    );
  });

  it('gpinitstandby -r removes the standby and its directory (as the capture)', async function () {
    const rm = await gp(lab, 'cdw', 'gpinitstandby -r', 'y\n');
    assert.equal(rm.code, 0, rm.stdout);
    assertLikeReference(
      'gpinitstandby',
      rm,
      'gp6-lab-capture/55-gpinitstandby-r-remove-standby.txt',
      0,
      normalizeCapture,
    );
    assert.ok(!existsSync(hostDataPath(lab, 'scdw')), 'the standby data directory is gone');
    const f = await gp(lab, 'cdw', 'gpstate -f');
    assertLikeReference('gpstate-f', f, 'gp6-lab-capture/56-gpstate-f-after-remove.txt');
  });

  it('a standby on the coordinator host itself (-S, -P) reproduces the GP6 capture exactly', async function () {
    assert.equal((await labExec(lab, 'cdw', 'mkdir -p /data/standby')).code, 0);
    const add = await gp(lab, 'cdw', 'gpinitstandby -a -s cdw -S /data/standby/gpseg-1 -P 5433');
    assert.equal(add.code, 0, add.stdout);
    assertLikeReference('gpinitstandby', add, 'gp6-lab-capture/57-gpinitstandby-a-readd.txt', 0, normalizeHosts);
    assertLikeReference('gpstate-f', (await gpstateFStreaming(lab, 'cdw')).run, 'gp6-lab-capture/01-gpstate-f.txt');
    const rm = await gp(lab, 'cdw', 'gpinitstandby -r', 'y\n');
    assert.equal(rm.code, 0, rm.stdout);
    assertLikeReference(
      'gpinitstandby',
      rm,
      'gp6-lab-capture/55-gpinitstandby-r-remove-standby.txt',
      0,
      normalizeHosts,
    );
    assert.deepEqual(
      runningPostgres(lab).map(p => p.host),
      ['cdw'],
      'only the coordinator runs',
    );
  });

  it('gpinitstandby -a -s scdw re-adds the standby on its own host', async function () {
    const add = await gp(lab, 'cdw', 'gpinitstandby -a -s scdw');
    assert.equal(add.code, 0, add.stdout);
    assertLikeReference('gpinitstandby', add, 'gp6-lab-capture/57-gpinitstandby-a-readd.txt', 0, normalizeCapture);
    const p = parsed('gpinitstandby', add);
    assert.equal(p.outcome, 'succeeded');
    assert.equal(p.warningsHarmless, true);
  });

  it('after a killed coordinator: lock-file refusal; with the standby stopped too: force required; then -f activates', async function () {
    await fault(lab, 'kill-coordinator');
    const lock = await gp(lab, 'scdw', 'gpactivatestandby -q -d /data/master/gpseg-1');
    assert.equal(lock.code, 2);
    assertLikeReference(
      'gpactivatestandby',
      lock,
      'public-samples/gp6_gpactivatestandby_refusals_RECONSTRUCTED.txt',
      1,
      normalizeHosts,
    );
    assert.equal((await labExec(lab, 'cdw', 'rm /tmp/.s.PGSQL.5432.lock')).code, 0);
    await fault(lab, 'stop-standby');
    const force = await gp(lab, 'scdw', 'gpactivatestandby -q -d /data/master/gpseg-1');
    assert.equal(force.code, 2);
    assertLikeReference(
      'gpactivatestandby',
      force,
      'public-samples/gp6_gpactivatestandby_refusals_RECONSTRUCTED.txt',
      0,
      normalizeHosts,
    );
    assert.equal(parsed('gpactivatestandby', force).reason, 'force-required');
    const forced = await gp(lab, 'scdw', 'gpactivatestandby -a -f -d /data/master/gpseg-1');
    assert.equal(forced.code, 0, forced.stdout);
    assert.match(forced.stdout, /\[INFO\]:-Starting standby master database in utility mode\.\.\./);
    assert.match(forced.stdout, /\[INFO\]:-scdw is now the new primary master\./);
    assert.equal(parsed('gpactivatestandby', forced).outcome, 'succeeded');
    const b = parsed('gpstate-b', await gp(lab, 'scdw', 'gpstate -b'));
    assert.equal(b.coordinator?.status, 'Active');
    assert.equal(b.standbyConfigured, false);
  });

  it('gpstart on the demoted cdw refuses: the standby was activated', async function () {
    const r = await gp(lab, 'cdw', 'gpstart -a');
    assert.equal(r.code, 2);
    assert.match(
      r.stdout,
      /\[INFO\]:-Master Stopped\.\.\.\n.*\[ERROR\]:-gpstart error: Standby activated, this node no more can act as master\.$/m,
    );
    assert.ok(!runningPostgres(lab).some(p => p.host === 'cdw'));
  });

  it('a wrong PGPORT: the standby is promoted but the tool cannot connect and says so (exit 2)', async function () {
    assert.equal((await labExec(lab, 'cdw', 'mv /data/master/gpseg-1 /data/master/backup_gpseg-1')).code, 0);
    assert.equal((await gp(lab, 'scdw', 'gpinitstandby -a -s cdw')).code, 0);
    assert.equal((await gp(lab, 'scdw', 'gpstop -a -m -M fast')).code, 0);
    const r = await gp(lab, 'cdw', 'PGPORT=5433 gpactivatestandby -a -q -d /data/master/gpseg-1');
    assert.equal(r.code, 2);
    assert.match(r.stdout, /-Standby port {14}= 5433\n/);
    assert.match(
      r.stdout,
      /\[CRITICAL\]:-Error activating standby master: Either the set port is incorrect or the postmaster could not come up\.$/m,
    );
    const b = parsed('gpstate-b', await gp(lab, 'cdw', 'gpstate -b'));
    assert.equal(b.coordinator?.status, 'Active', 'the promotion itself happened');
  });

  it('down stops every process the lab started', async function () {
    await down(lab);
    assertNoProcessesLeft(lab.dir);
  });
});

describe('lab: Apache Cloudberry flavour', function () {
  let lab: Lab;

  before(async function () {
    lab = await up({ scenario: 'healthy', product: 'cloudberry', subnet: 13 });
  });
  after(async function () {
    if (lab) await down(lab);
  });

  it('sources cloudberry-env.sh and speaks Cloudberry', async function () {
    assert.equal(basename(lab.environmentScript), 'cloudberry-env.sh');
    const f = (await gpstateFStreaming(lab, 'cdw')).run;
    assert.equal(f.code, 0);
    assertLikeReference('gpstate-f', f, 'public-samples/cbdb_gpstate-f_streaming_sync_RECONSTRUCTED.txt', 0, m =>
      normalizeRun(m.replace('/data0/', '/data/')),
    );
    const pf = parsed('gpstate-f', f);
    assert.equal(pf.product, 'cloudberry');
    assert.equal(pf.standby?.status, 'passive');
    const b = await labExec(lab, 'cdw', 'source $GPHOME/cloudberry-env.sh && gpstate -b');
    assert.match(b.stdout, /\[INFO\]:-Cloudberry instance status summary$/m);
    assert.equal(parsed('gpstate-b', b).product, 'cloudberry');
    const noScript = await labExec(lab, 'cdw', 'test -e $GPHOME/greenplum_path.sh');
    assert.notEqual(noScript.code, 0, 'a Cloudberry installation has no greenplum_path.sh');
  });

  it('up over a running lab (as after a crash) stops the old processes first and starts afresh', async function () {
    const old = labProcesses(lab.dir);
    assert.ok(old.length > 0);
    lab = await up({ scenario: 'after-failover', product: 'cloudberry', subnet: 13, hosts: 3 });
    const now = labProcesses(lab.dir);
    assert.deepEqual(
      old.filter(pid => now.includes(pid)),
      [],
      'no process of the first run survives',
    );
    assert.deepEqual(
      lab.hosts.map(h => h.name),
      ['cdw', 'scdw', 'cdw3'],
    );
    const third = await labExec(lab, 'cdw3', 'hostname; ls /data');
    assert.equal(third.stdout, 'cdw3\ncoordinator\n');
    const f = parsed('gpstate-f', await labExec(lab, 'scdw', 'source $GPHOME/cloudberry-env.sh && gpstate -f'));
    assert.equal(f.standbyConfigured, false);
  });

  it('down stops every process the lab started', async function () {
    await down(lab);
    assertNoProcessesLeft(lab.dir);
  });
});

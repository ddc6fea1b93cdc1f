// Faults on a healthy lab (coordinator vocabulary): what the utilities and plain OpenSSH show after each one.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from './lab';
import { down, fault, hostDataPath, labExec, readLab, runningPostgres, up } from './lab';
import { assertNoProcessesLeft, assertLikeReference, gp, parsed } from './support';

async function until(what: string, test: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

describe('lab: faults on a healthy lab (coordinator vocabulary)', function () {
  let lab: Lab;

  before(async function () {
    lab = await up({ scenario: 'healthy', subnet: 12 });
  });
  after(async function () {
    if (lab) await down(lab);
  });

  it('healthy: cdw coordinator, scdw passive and streaming', async function () {
    assert.deepEqual(
      runningPostgres(lab).map(p => [p.host, p.standby]),
      [
        ['cdw', false],
        ['scdw', true],
      ],
    );
    const f = parsed('gpstate-f', await gp(lab, 'cdw', 'gpstate -f'));
    assert.equal(f.standby?.status, 'passive');
    assert.equal(f.replication?.[0]?.state, 'streaming');
    const s = await gp(lab, 'cdw', 'gpstate -s');
    assert.equal(s.code, 0);
    assert.equal(parsed('gpstate-s', s).outcome, 'succeeded');
  });

  it('gpstate on the standby host fails with "in recovery mode" (exit 2)', async function () {
    const r = await gp(lab, 'scdw', 'gpstate -f');
    assert.equal(r.code, 2);
    const p = parsed('gpstate-f', r);
    assert.equal(p.reason, 'in-recovery');
    assert.match(r.stdout, /DETAIL: {2}last replayed record at [0-9A-F]+\/[0-9A-F]+\n- VERSION: PostgreSQL 12\.12/);
  });

  it('stop-standby: gpstate -f says "Standby process not running" exactly as the reference; -b DOWN; -s exits 1', async function () {
    await fault(lab, 'stop-standby');
    const f = await gp(lab, 'cdw', 'gpstate -f');
    assert.equal(f.code, 0);
    const pf = parsed('gpstate-f', f);
    assert.equal(pf.standby?.status, 'down');
    assert.equal(pf.standby?.pid, 0);
    assert.equal(pf.replication, null);
    assertLikeReference('gpstate-f', f, 'public-samples/gp7_gpstate-f_standby_down_RECONSTRUCTED.txt');
    const b = parsed('gpstate-b', await gp(lab, 'cdw', 'gpstate -b'));
    assert.equal(b.standby?.status, 'down');
    assert.equal(b.standby?.statusText, 'Standby host DOWN');
    const s = await gp(lab, 'cdw', 'gpstate -s');
    assert.equal(s.code, 1);
    assert.match(s.stdout, /\[WARNING\]:-Warnings have been generated during status processing/);
  });

  it('gpinitstandby -n restarts the stopped standby; a second -n says it is already running', async function () {
    const r = await gp(lab, 'cdw', 'gpinitstandby -n');
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /\[INFO\]:-Successfully started standby coordinator$/m);
    await until(
      'the standby to stream again',
      async () => parsed('gpstate-f', await gp(lab, 'cdw', 'gpstate -f')).replication?.[0]?.state === 'streaming',
    );
    const again = await gp(lab, 'cdw', 'gpinitstandby -n');
    assert.equal(again.code, 0);
    assert.match(again.stdout, /\[INFO\]:-Standy coordinator is already up and running\.$/m);
  });

  it('host-down: ssh to scdw fails, its PostgreSQL keeps running, gpstate cannot determine the status; host-up restores it', async function () {
    await fault(lab, 'host-down', 'scdw');
    const r = await labExec(lab, 'scdw', 'true', { timeoutMs: 20_000 });
    assert.equal(r.code, 255);
    assert.ok(
      runningPostgres(lab).some(p => p.host === 'scdw' && p.standby),
      'the standby still runs',
    );
    const f = parsed('gpstate-f', await gp(lab, 'cdw', 'gpstate -f'));
    assert.equal(f.standby?.status, 'unknown');
    assert.equal(f.standby?.pidText, 'Error getting status from host scdw');
    assert.equal(f.replication?.[0]?.state, 'streaming', 'replication does not go through ssh');
    const b = await gp(lab, 'cdw', 'gpstate -b');
    assertLikeReference('gpstate-b', b, 'public-samples/gp7_gpstate-b_standby_unreachable_RECONSTRUCTED.txt');
    await fault(lab, 'host-up', 'scdw');
    const back = await labExec(lab, 'scdw', 'hostname');
    assert.equal(back.stdout.trim(), 'scdw');
  });

  it('drop-connections: an open ssh session to cdw is cut', async function () {
    const t0 = Date.now();
    const session = labExec(lab, 'cdw', 'echo started; sleep 31; echo finished', { timeoutMs: 40_000 });
    await until(
      'the session to run its command',
      () => Promise.resolve(spawnSync('pgrep', ['-f', '^sleep 31$']).status === 0),
      15_000,
    );
    await fault(lab, 'drop-connections', 'cdw');
    const r = await session;
    assert.notEqual(r.code, 0);
    assert.ok(!r.stdout.includes('finished'));
    assert.ok(Date.now() - t0 < 20_000, 'the session ended long before its command would have');
    assert.equal((await labExec(lab, 'cdw', 'hostname')).stdout.trim(), 'cdw', 'new connections still work');
  });

  it('slow-host delays every command on cdw; fast-host undoes it', async function () {
    await fault(lab, 'slow-host', 'cdw');
    let t0 = Date.now();
    assert.equal((await labExec(lab, 'cdw', 'echo ok')).stdout.trim(), 'ok');
    assert.ok(Date.now() - t0 >= 3000, `slow command took ${Date.now() - t0} ms`);
    await fault(lab, 'fast-host', 'cdw');
    t0 = Date.now();
    await labExec(lab, 'cdw', 'echo ok');
    assert.ok(Date.now() - t0 < 3000, `fast command took ${Date.now() - t0} ms`);
  });

  it('kill-coordinator leaves the lock file; gpactivatestandby refuses (even with -f) until it is removed', async function () {
    await fault(lab, 'kill-coordinator');
    assert.ok(!runningPostgres(lab).some(p => p.host === 'cdw'));
    assert.ok(
      existsSync(join(lab.dir, 'hosts', 'cdw', 'tmp', '.s.PGSQL.5432.lock')),
      "the lock file stays in cdw's /tmp",
    );
    const down1 = await gp(lab, 'cdw', 'gpstate -b');
    assert.equal(down1.code, 2);
    assert.equal(parsed('gpstate-b', down1).reason, 'connection-failed');
    for (const flags of ['-a', '-a -f']) {
      const r = await gp(lab, 'scdw', `gpactivatestandby ${flags} -d $COORDINATOR_DATA_DIRECTORY`);
      assert.equal(r.code, 2, flags);
      const p = parsed('gpactivatestandby', r);
      assert.equal(p.reason, 'coordinator-still-running', flags);
      assert.match(r.stdout, /\[WARNING\]:-Appears that there is an active postgres process on cdw port=5432/);
    }
    const rm = await labExec(lab, 'cdw', 'rm /tmp/.s.PGSQL.5432.lock');
    assert.equal(rm.code, 0);
    const ok = await gp(lab, 'scdw', 'gpactivatestandby -a -q -d $COORDINATOR_DATA_DIRECTORY');
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(parsed('gpactivatestandby', ok).newCoordinatorHost, 'scdw');
    assertLikeReference('gpactivatestandby', ok, 'public-samples/gp7_gpactivatestandby_-d_-a_-q_REAL.txt', 0, m =>
      m.replace(/\bs?[cm]dw\b/g, 'HOST'),
    );
  });

  it('after activation: scdw refuses to activate again (not a standby); gpstart on cdw refuses (timeline)', async function () {
    const again = await gp(lab, 'scdw', 'gpactivatestandby -a -d $COORDINATOR_DATA_DIRECTORY');
    assert.equal(again.code, 2);
    assert.equal(parsed('gpactivatestandby', again).reason, 'not-a-standby');
    assert.match(
      again.stdout,
      /Critical required file on standby "\/data\/coordinator\/gpseg-1\/standby\.signal" is not present\./,
    );
    const start = await gp(lab, 'cdw', 'gpstart -a');
    assert.equal(start.code, 2, start.stdout);
    assert.match(
      start.stdout,
      /\[ERROR\]:-gpstart error: Standby activated, this node no more can act as coordinator\.$/m,
    );
    assert.ok(!runningPostgres(lab).some(p => p.host === 'cdw'), 'the old coordinator was stopped again');
    assert.ok(existsSync(join(hostDataPath(lab, 'cdw'), 'PG_VERSION')));
  });

  it('gpstart -a -m skips that check and starts the demoted coordinator anyway (the split brain the tool warns of)', async function () {
    const r = await gp(lab, 'cdw', 'gpstart -a -m');
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /\[WARNING\]:-may lead to a split-brain condition/);
    assert.deepEqual(
      runningPostgres(lab).map(p => [p.host, p.standby]),
      [
        ['cdw', false],
        ['scdw', false],
      ],
      'two coordinators run',
    );
    const stop = await gp(lab, 'cdw', 'gpstop -a -m -M fast');
    assert.equal(stop.code, 0, stop.stdout);
    assert.ok(!runningPostgres(lab).some(p => p.host === 'cdw'));
  });

  it('change-host-key: ssh with the recorded known_hosts refuses scdw; the new fingerprint is reported', async function () {
    const old = lab.hosts[1]!.hostKeyFingerprint;
    await fault(lab, 'change-host-key', 'scdw');
    const r = await labExec(lab, 'scdw', 'true', { timeoutMs: 20_000 });
    assert.equal(r.code, 255);
    assert.match(r.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    const reread = await readLab(lab.dir);
    assert.notEqual(reread.hosts[1]!.hostKeyFingerprint, old);
    assert.match(reread.hosts[1]!.hostKeyFingerprint, /^SHA256:/);
  });

  it('down stops every process the lab started', async function () {
    await down(lab);
    assertNoProcessesLeft(lab.dir);
  });
});

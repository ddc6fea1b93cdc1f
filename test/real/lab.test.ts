// The real-Greenplum lab itself: the real utilities on cdw, scdw and sdw1, and every lab fault on them. Each output
// the real utilities print here is saved (see capture.ts) to become a parser fixture.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOutput } from '../../src/core/parsers';
import { down, fault, hostDataPath, labExec, runningPostgres, up } from '../lab/lab';
import type { Lab } from '../lab/lab';
import { capture } from './capture';

describe('real Greenplum 6 in the lab', function () {
  this.timeout(600_000);
  let lab: Lab | undefined;

  before(async () => {
    lab = await up({ subnet: 61, scenario: 'healthy', greenplum: 'real' });
  });
  after(async () => {
    if (lab) await down(lab);
  });

  it('gpstate --version says 6.24.3 on every host, each with its own host name', async () => {
    for (const h of lab!.hosts) {
      const r = await capture(lab!, h.name, 'gpstate --version', `gpstate-version-${h.name}`);
      assert.equal(r.code, 0, r.output);
      assert.match(r.output, /6\.24\.3/);
      assert.equal((await labExec(lab!, h.name, 'hostname')).stdout.trim(), h.name);
    }
  });

  it('healthy: the real gpstate -f on cdw shows scdw passive and streaming', async () => {
    const r = await capture(lab!, 'cdw', 'gpstate -f', 'gpstate-f-healthy');
    assert.equal(r.code, 0, r.output);
    const parsed = parseOutput('gpstate-f', r.text, { exitCode: r.code });
    assert.ok(parsed.recognized);
    assert.equal(parsed.result.standby?.host, 'scdw');
    assert.equal(parsed.result.standby?.status, 'passive');
    assert.equal(parsed.result.replication?.[0]?.state, 'streaming');
    assert.equal(parsed.result.version, '6.24.3');
  });

  it('gpstate -b and -s on cdw are recognised; every instance listens on its own host at the production port', async () => {
    const b = await capture(lab!, 'cdw', 'gpstate -b', 'gpstate-b-healthy');
    assert.equal(b.code, 0, b.output);
    assert.ok(parseOutput('gpstate-b', b.text, { exitCode: b.code }).recognized);
    const s = await capture(lab!, 'cdw', 'gpstate -s', 'gpstate-s-healthy-no-mirrors');
    assert.equal(s.code, 0, s.output);
    assert.ok(parseOutput('gpstate-s', s.text, { exitCode: s.code }).recognized);
    const hosts = runningPostgres(lab!)
      .map(p => `${p.host}:${p.standby ? 'standby' : 'coordinator'}`)
      .sort();
    assert.deepEqual(hosts, ['cdw:coordinator', 'scdw:standby']);
    const segments = await labExec(
      lab!,
      'cdw',
      'psql -X -At -d postgres -c "SELECT hostname, port FROM gp_segment_configuration WHERE content >= 0 ORDER BY content"',
    );
    assert.deepEqual(segments.stdout.trim().split('\n'), ['sdw1|6000', 'sdw1|6001']);
  });

  it('stop-standby: the real gpstate -f says the standby process is not running; gpinitstandby -n restarts it', async () => {
    await fault(lab!, 'stop-standby');
    const f = await capture(lab!, 'cdw', 'gpstate -f', 'gpstate-f-standby-stopped');
    assert.match(f.output, /Standby process not running/i);
    const n = await capture(lab!, 'cdw', 'gpinitstandby -n -a', 'gpinitstandby-n-restart');
    assert.equal(n.code, 0, n.output);
    assert.ok(parseOutput('gpinitstandby', n.text, { exitCode: n.code }).recognized);
    assert.ok(runningPostgres(lab!).some(p => p.host === 'scdw' && p.standby));
  });

  it('host-down: ssh to scdw fails while its standby keeps running; host-up restores it', async () => {
    await fault(lab!, 'host-down', 'scdw');
    assert.notEqual((await labExec(lab!, 'scdw', 'true', { timeoutMs: 20_000 })).code, 0);
    assert.ok(runningPostgres(lab!).some(p => p.host === 'scdw' && p.standby));
    await capture(lab!, 'cdw', 'gpstate -f', 'gpstate-f-standby-host-unreachable');
    await fault(lab!, 'host-up', 'scdw');
    assert.equal((await labExec(lab!, 'scdw', 'true')).code, 0);
  });

  it('slow-host delays every command on cdw; fast-host undoes it; change-host-key changes the reported fingerprint', async () => {
    await fault(lab!, 'slow-host', 'cdw');
    const t0 = Date.now();
    await labExec(lab!, 'cdw', 'true');
    assert.ok(Date.now() - t0 >= 3000, 'the command started late');
    await fault(lab!, 'fast-host', 'cdw');
    const before = lab!.hosts[2]!.hostKeyFingerprint;
    await fault(lab!, 'change-host-key', 'sdw1');
    assert.notEqual((await labExec(lab!, 'sdw1', 'true')).code, 0, 'the recorded known_hosts no longer matches');
    const state = JSON.parse(readFileSync(join(lab!.dir, 'state.json'), 'utf8')) as { lab: Lab };
    assert.notEqual(state.lab.hosts[2]!.hostKeyFingerprint, before);
  });

  it('kill-coordinator leaves the lock file; the real gpactivatestandby refuses until it is removed, then activates scdw', async () => {
    await fault(lab!, 'kill-coordinator');
    assert.ok(existsSync(join(lab!.dir, 'hosts', 'cdw', 'tmp', '.s.PGSQL.5432.lock')));
    const refused = await capture(
      lab!,
      'scdw',
      `gpactivatestandby -a -d ${lab!.dataDirectory}`,
      'gpactivatestandby-stale-lock',
    );
    assert.notEqual(refused.code, 0, refused.output);
    assert.ok(parseOutput('gpactivatestandby', refused.text, { exitCode: refused.code }).recognized);
    await labExec(lab!, 'cdw', 'rm -f /tmp/.s.PGSQL.5432.lock');
    const activated = await capture(
      lab!,
      'scdw',
      `gpactivatestandby -a -d ${lab!.dataDirectory}`,
      'gpactivatestandby-after-kill',
    );
    assert.equal(activated.code, 0, activated.output);
    assert.ok(parseOutput('gpactivatestandby', activated.text, { exitCode: activated.code }).recognized);
    assert.deepEqual(
      runningPostgres(lab!).map(p => `${p.host}:${p.standby ? 'standby' : 'coordinator'}`),
      ['scdw:coordinator'],
    );
    assert.ok(
      existsSync(join(hostDataPath(lab!, 'cdw'), 'PG_VERSION')),
      'the old coordinator keeps its data directory',
    );
    const f = await capture(lab!, 'scdw', 'gpstate -f', 'gpstate-f-after-activation-no-standby');
    assert.equal(f.code, 0, f.output);
  });
});

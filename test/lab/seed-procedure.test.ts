// The seed procedure typed as plain OpenSSH commands against an after-failover lab (coordinator vocabulary):
// restore mirroring onto cdw, then swap the roles back. Every utility's output is parsed by the product's
// parsers and compared with the reference output of the same situation.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInventory } from '../../src/core/inventory';
import type { Lab } from './lab';
import { down, hostDataPath, labExec, readLab, runningPostgres, up } from './lab';
import {
  assertNoProcessesLeft,
  assertLikeReference,
  gp,
  gpstateFStreaming,
  lsnBytes,
  normalizeHosts,
  parsed,
} from './support';

describe('lab: seed procedure from after-failover (coordinator vocabulary)', function () {
  let lab: Lab;

  before(async function () {
    lab = await up({ scenario: 'after-failover', subnet: 10 });
  });
  after(async function () {
    if (lab) await down(lab);
  });

  it('starts as documented: files, per-host views, inventory the product accepts', async function () {
    for (const f of [
      lab.sshConfigPath,
      lab.knownHostsPath,
      lab.knownHostsHashedPath,
      lab.inventoryPath,
      lab.identityFile,
      lab.environmentScript,
    ])
      assert.ok(existsSync(f), `${f} missing`);
    assert.equal(lab.dataDirectory, '/data/coordinator/gpseg-1');
    assert.deepEqual(
      lab.hosts.map(h => [h.name, h.address, h.sshPort]),
      [
        ['cdw', '127.0.10.1', 2222],
        ['scdw', '127.0.10.2', 2222],
      ],
    );
    assert.equal(lab.bastion.address, '127.0.10.254');
    const inv = parseInventory(readFileSync(lab.inventoryPath, 'utf8'));
    assert.ok(inv.ok, JSON.stringify(inv.problems));
    const cluster = inv.inventory.clusters.lab!;
    assert.equal(cluster.dataDirectory, lab.dataDirectory);
    assert.deepEqual(
      cluster.hosts.map(h => [h.name, h.role, h.ssh, h.sshPort]),
      [
        ['cdw', 'coordinator', 'cdw', 2222],
        ['scdw', 'standby', 'scdw', 2222],
      ],
    );
    // Each host has its own name, its own /data and /tmp; GPHOME comes from the login environment.
    const c = await labExec(lab, 'cdw', 'hostname; echo $GPHOME; ls /data/coordinator; ls -a /tmp');
    const s = await labExec(lab, 'scdw', 'hostname; echo $GPHOME; ls /data/coordinator; ls -a /tmp');
    assert.equal(c.stdout.split('\n')[0], 'cdw');
    assert.equal(s.stdout.split('\n')[0], 'scdw');
    assert.equal(c.stdout.split('\n')[1], lab.gphome);
    assert.ok(!c.stdout.includes('.s.PGSQL.5432.lock'), 'cdw is down after the failover: no lock file in its /tmp');
    assert.ok(s.stdout.includes('.s.PGSQL.5432.lock'), 'scdw runs the coordinator: its /tmp has the lock file');
    assert.equal((await readLab(lab.dir)).dir, lab.dir);
  });

  it('ssh: recorded fingerprints are the served keys; hashed known_hosts and the bastion jump work', async function () {
    for (const h of [...lab.hosts, lab.bastion]) {
      const scan = spawnSync('ssh-keyscan', ['-p', String(h.sshPort), '-t', 'ed25519', h.address], {
        encoding: 'utf8',
      });
      const fp = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', '-'], { input: scan.stdout, encoding: 'utf8' });
      assert.equal(fp.stdout.split(' ')[1], h.hostKeyFingerprint, h.name);
    }
    const hashed = spawnSync(
      'ssh',
      ['-F', lab.sshConfigPath, '-o', `UserKnownHostsFile=${lab.knownHostsHashedPath}`, 'scdw', 'hostname'],
      { encoding: 'utf8' },
    );
    assert.equal(hashed.stdout.trim(), 'scdw', hashed.stderr);
    assert.ok(
      !readFileSync(lab.knownHostsHashedPath, 'utf8').includes('127.0.10.'),
      'hashed entries hide the addresses',
    );
    const jump = spawnSync('ssh', ['-F', lab.sshConfigPath, 'cdw-via-bastion', 'hostname'], { encoding: 'utf8' });
    assert.equal(jump.stdout.trim(), 'cdw', jump.stderr);
    const bastion = await labExec(lab, 'bastion', 'hostname; ls -A /data | wc -l');
    assert.equal(bastion.stdout, 'bastion\n0\n');
  });

  it('gpstate on scdw: active coordinator, no standby (as the GP7 reference)', async function () {
    const f = await gp(lab, 'scdw', 'gpstate -f');
    assert.equal(f.code, 0);
    const pf = parsed('gpstate-f', f);
    assert.equal(pf.standbyConfigured, false);
    assert.equal(pf.replication, null);
    assert.equal(pf.vocabulary, 'coordinator');
    assert.equal(pf.host, 'scdw');
    assertLikeReference('gpstate-f', f, 'public-samples/gp7_gpstate-f_no_standby_RECONSTRUCTED.txt');
    const b = await gp(lab, 'scdw', 'gpstate -b');
    const pb = parsed('gpstate-b', b);
    assert.equal(b.code, 0);
    assert.equal(pb.coordinator?.status, 'Active');
    assert.equal(pb.standbyConfigured, false);
    assert.equal(pb.segments?.instanceCount, 4);
  });

  it('gpstate on cdw fails: its coordinator is down (connection refused, exit 2)', async function () {
    const f = await gp(lab, 'cdw', 'gpstate -f');
    assert.equal(f.code, 2);
    const pf = parsed('gpstate-f', f);
    assert.equal(pf.outcome, 'failed');
    assert.match(f.stdout, /\[CRITICAL\]:-gpstate failed\. \(Reason='could not connect to server: Connection refused/);
  });

  it('gpinitstandby -s cdw refuses while the old data directory exists', async function () {
    const r = await gp(lab, 'scdw', 'gpinitstandby -a -s cdw');
    assert.equal(r.code, 2);
    const p = parsed('gpinitstandby', r);
    assert.equal(p.outcome, 'refused');
    assert.equal(p.reason, 'data-directory-exists');
    assertLikeReference(
      'gpinitstandby',
      r,
      'public-samples/gp7_gpinitstandby_refusals_RECONSTRUCTED.txt',
      1,
      normalizeHosts,
    );
  });

  it('gpinitstandby refuses an unknown host and a missing parent directory', async function () {
    const ping = await gp(lab, 'scdw', 'gpinitstandby -a -s nosuchhost');
    assert.equal(ping.code, 2);
    assertLikeReference(
      'gpinitstandby',
      ping,
      'public-samples/gp7_gpinitstandby_refusals_RECONSTRUCTED.txt',
      5,
      normalizeHosts,
    );
    const parent = await gp(lab, 'scdw', 'gpinitstandby -a -s cdw -S /data/nowhere/gpseg-1');
    assert.equal(parent.code, 2);
    assert.match(
      parent.stdout,
      /\[ERROR\]:-Parent directory \/data\/nowhere does not exist on host cdw\n.*\[ERROR\]:-This directory must be created before running gpactivatestandby\n/,
    );
    assert.match(
      parent.stdout,
      /\[ERROR\]:-Error initializing standby coordinator: Parent directory \/data\/nowhere does not exist$/m,
    );
  });

  it('moves the stale directory aside and answers "n" to the prompt: nothing changes', async function () {
    const mv = await labExec(
      lab,
      'cdw',
      'mv /data/coordinator/gpseg-1 /data/coordinator/backup_gpseg-1 && ls /data/coordinator',
    );
    assert.equal(mv.stdout.trim(), 'backup_gpseg-1');
    const r = await gp(lab, 'scdw', 'gpinitstandby -s cdw', 'n\n');
    assert.equal(r.code, 2);
    assert.match(
      r.stdout,
      /Do you want to continue with standby coordinator initialization\? Yy\|Nn \(default=N\):\n> /,
    );
    assert.match(r.stdout, /\[ERROR\]:-Error initializing standby coordinator: User canceled/);
    assert.ok(!existsSync(hostDataPath(lab, 'cdw')), 'no data directory was created on cdw');
    const f = parsed('gpstate-f', await gp(lab, 'scdw', 'gpstate -f'));
    assert.equal(f.standbyConfigured, false);
  });

  it('gpinitstandby -s cdw answered "y" creates a streaming standby (as the GP7 reference)', async function () {
    const r = await gp(lab, 'scdw', 'gpinitstandby -s cdw', 'y\n');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const p = parsed('gpinitstandby', r);
    assert.equal(p.outcome, 'succeeded');
    assert.equal(p.standbyHost, 'cdw');
    assert.deepEqual(p.prompts.length, 1);
    assertLikeReference(
      'gpinitstandby',
      r,
      'public-samples/gp7_gpinitstandby_-s_interactive_RECONSTRUCTED.txt',
      0,
      normalizeHosts,
    );
    assert.ok(existsSync(join(hostDataPath(lab, 'cdw'), 'standby.signal')));
  });

  it('gpstate -f on scdw: cdw passive, streaming, sync, with real LSNs that advance when data is written', async function () {
    const first = (await gpstateFStreaming(lab, 'scdw')).result;
    assert.equal(first.standby?.host, 'cdw');
    assert.equal(first.standby?.status, 'passive');
    assert.equal(first.standby?.dataDirectory, lab.dataDirectory);
    assert.ok((first.standby?.pid ?? 0) > 0);
    assert.equal(first.replication?.length, 1);
    const row = first.replication![0]!;
    assert.equal(row.state, 'streaming');
    assert.equal(row.syncState, 'sync');
    const before = lsnBytes(row.sentLocation);
    const w = await labExec(
      lab,
      'scdw',
      'psql -X -h /tmp -d postgres -c "INSERT INTO lab_writes(payload) SELECT repeat(\'x\', 200) FROM generate_series(1, 5000)"',
    );
    assert.equal(w.code, 0, w.stderr);
    let after = first.replication![0]!;
    for (let i = 0; i < 50; i++) {
      const r = parsed('gpstate-f', await gp(lab, 'scdw', 'gpstate -f')).replication![0]!;
      after = r;
      if (lsnBytes(r.sentLocation) > before && r.sentLocation === r.replayLocation) break;
      await new Promise(res => setTimeout(res, 200));
    }
    assert.ok(
      lsnBytes(after.sentLocation) > before,
      `sent LSN advanced: ${row.sentLocation} -> ${String(after.sentLocation)}`,
    );
    assert.equal(after.flushLocation, after.sentLocation);
    assert.equal(after.replayLocation, after.sentLocation);
    const b = parsed('gpstate-b', await gp(lab, 'scdw', 'gpstate -b'));
    assert.equal(b.standby?.host, 'cdw');
    assert.equal(b.standby?.status, 'passive');
  });

  it('refuses a second gpinitstandby and a gpactivatestandby on cdw while scdw runs', async function () {
    const again = await gp(lab, 'scdw', 'gpinitstandby -a -s cdw');
    assert.equal(again.code, 2);
    assert.equal(parsed('gpinitstandby', again).reason, 'standby-already-configured');
    assertLikeReference(
      'gpinitstandby',
      again,
      'public-samples/gp7_gpinitstandby_refusals_RECONSTRUCTED.txt',
      0,
      normalizeHosts,
    );
    const act = await gp(lab, 'cdw', 'gpactivatestandby -a -d $COORDINATOR_DATA_DIRECTORY');
    assert.equal(act.code, 2);
    const pa = parsed('gpactivatestandby', act);
    assert.equal(pa.outcome, 'refused');
    assert.equal(pa.reason, 'coordinator-still-running');
    assert.deepEqual(pa.runningCoordinator, { host: 'scdw', port: 5432 });
  });

  it('swap: gpstop -m answered "n" keeps the coordinator, "y" stops it (as the GP7 reference)', async function () {
    const no = await gp(lab, 'scdw', 'gpstop -m', 'n\n');
    assert.equal(no.code, 4);
    assert.equal(parsed('gpstop', no).outcome, 'aborted');
    assertLikeReference(
      'gpstop',
      no,
      'public-samples/gp7_gpstop-m_interactive_abort_stopped_RECONSTRUCTED.txt',
      1,
      normalizeHosts,
    );
    const yes = await gp(lab, 'scdw', 'gpstop -m', 'y\n');
    assert.equal(yes.code, 0, yes.stdout);
    assert.equal(parsed('gpstop', yes).outcome, 'succeeded');
    assertLikeReference(
      'gpstop',
      yes,
      'public-samples/gp7_gpstop-m_interactive_abort_stopped_RECONSTRUCTED.txt',
      0,
      normalizeHosts,
    );
    const twice = await gp(lab, 'scdw', 'gpstop -m');
    assert.equal(twice.code, 2);
    assertLikeReference(
      'gpstop',
      twice,
      'public-samples/gp7_gpstop-m_interactive_abort_stopped_RECONSTRUCTED.txt',
      2,
      normalizeHosts,
    );
  });

  it('swap: gpactivatestandby on cdw answered "n" then "y"; gpstate -b on cdw says Active, no standby', async function () {
    const no = await gp(lab, 'cdw', 'gpactivatestandby -d $COORDINATOR_DATA_DIRECTORY', 'n\n');
    assert.equal(no.code, 2);
    assert.match(no.stdout, /Do you want to continue with standby coordinator activation\? Yy\|Nn \(default=N\):\n> /);
    assert.match(no.stdout, /\[CRITICAL\]:-Error activating standby coordinator: User canceled/);
    const yes = await gp(lab, 'cdw', 'gpactivatestandby -d $COORDINATOR_DATA_DIRECTORY', 'y\n');
    assert.equal(yes.code, 0, yes.stdout + yes.stderr);
    const p = parsed('gpactivatestandby', yes);
    assert.equal(p.outcome, 'succeeded');
    assert.equal(p.newCoordinatorHost, 'cdw');
    const b = await gp(lab, 'cdw', 'gpstate -b');
    const pb = parsed('gpstate-b', b);
    assert.equal(pb.coordinator?.status, 'Active');
    assert.equal(pb.standbyConfigured, false);
  });

  it('swap: scdw moved aside and re-seeded from cdw; gpstate -f on cdw shows scdw passive, streaming', async function () {
    const mv = await labExec(lab, 'scdw', 'mv /data/coordinator/gpseg-1 /data/coordinator/backup_gpseg-1');
    assert.equal(mv.code, 0, mv.stderr);
    const init = await gp(lab, 'cdw', 'gpinitstandby -a -s scdw');
    assert.equal(init.code, 0, init.stdout);
    const f = (await gpstateFStreaming(lab, 'cdw')).result;
    assert.equal(f.standby?.host, 'scdw');
    assert.equal(f.standby?.status, 'passive');
    assert.equal(f.replication?.[0]?.state, 'streaming');
    assert.equal(f.replication?.[0]?.syncState, 'sync');
    const rows = await labExec(
      lab,
      'cdw',
      'psql -X -At -h /tmp -d postgres -c "SELECT content, role, preferred_role, hostname, datadir FROM gp_segment_configuration WHERE content = -1 ORDER BY role DESC"',
    );
    assert.equal(rows.stdout.trim(), `-1|p|p|cdw|${lab.dataDirectory}\n-1|m|m|scdw|${lab.dataDirectory}`);
  });

  it('gpstop -a stops coordinator and standby; gpstart -a starts both and mirroring resumes', async function () {
    const stop = await gp(lab, 'cdw', 'gpstop -a -M fast');
    assert.equal(stop.code, 0, stop.stdout);
    assert.match(stop.stdout, /\[INFO\]:-Successfully shutdown standby process on scdw$/m);
    assert.match(stop.stdout, /\[INFO\]:-Database successfully shutdown with no errors reported$/m);
    assert.deepEqual(runningPostgres(lab), []);
    const start = await gp(lab, 'cdw', 'gpstart -a');
    assert.equal(start.code, 0, start.stdout);
    assert.match(
      start.stdout,
      /\[INFO\]:-Checking if standby coordinator is running on host: scdw {2}in directory: \/data\/coordinator\/gpseg-1$/m,
    );
    assert.deepEqual(
      runningPostgres(lab).map(p => [p.host, p.standby]),
      [
        ['cdw', false],
        ['scdw', true],
      ],
    );
    assert.equal((await gpstateFStreaming(lab, 'cdw')).result.replication?.[0]?.state, 'streaming');
  });

  it('down stops every process the lab started', async function () {
    await down(lab);
    assertNoProcessesLeft(lab.dir);
    await assert.rejects(readLab(lab.dir), /was stopped/);
  });
});

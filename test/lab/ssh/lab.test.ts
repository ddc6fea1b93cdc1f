// The ssh layer against the full test lab (namespaced hosts, real PostgreSQL, the utilities): the lab's own ssh
// config (IdentitiesOnly, StrictHostKeyChecking yes, multi-name known_hosts lines), its hashed known_hosts through
// an Include, the bastion, the environment script, and the lab's drop-connections and change-host-key faults.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshPool } from '../../../src/ssh/pool';
import { remoteCommand } from '../../../src/ssh/quote';
import { RemoteExecError } from '../../../src/ssh/types';
import { down, fault, up } from '../lab';
import type { Lab } from '../lab';
import { waitFor } from './fixture';

describe('ssh layer on the test lab', function () {
  let lab: Lab;
  const pools: SshPool[] = [];
  const newPool = (sshConfigPath = lab.sshConfigPath): SshPool => {
    const p = new SshPool({ sshConfigPath, homeDir: lab.dir, agentSocket: '', globalKnownHostsFiles: [] });
    pools.push(p);
    return p;
  };

  before(async function () {
    lab = await up({ subnet: 25, scenario: 'healthy', vocabulary: 'coordinator' });
  });

  afterEach(async function () {
    await Promise.all(pools.splice(0).map(p => p.dispose()));
  });

  after(async function () {
    if (lab) await down(lab);
  });

  it('runs on each host over one pooled connection per host, through the lab ssh config', async function () {
    const pool = newPool();
    for (const h of lab.hosts) {
      for (let i = 0; i < 5; i++) {
        const r = await pool.exec({ name: h.name, sshTarget: h.name }, 'hostname; whoami');
        assert.equal(r.stdout, `${h.name}\ngpadmin\n`);
      }
      assert.deepEqual(pool.stats().byHost[h.name], { connectionsOpened: 1, execs: 5 });
    }
  });

  it('sources the environment script and exports the data directory and port for gpstate -f', async function () {
    const pool = newPool();
    const cdw = lab.hosts[0]!.name;
    const line = remoteCommand({
      environmentScript: lab.environmentScript,
      env: {
        COORDINATOR_DATA_DIRECTORY: lab.dataDirectory,
        MASTER_DATA_DIRECTORY: lab.dataDirectory,
        PGPORT: String(lab.pgPort),
      },
      command: 'echo "gphome=$GPHOME"; gpstate -f',
    });
    const r = await pool.exec({ name: cdw, sshTarget: cdw }, line, { timeoutMs: 120_000 });
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes(`gphome=${lab.gphome}`), r.stdout);
    assert.match(r.stdout + r.stderr, /streaming/i);
  });

  it('reads the hashed known_hosts through an Include (first value wins) and reaches hosts via the bastion', async function () {
    const config = join(lab.dir, 'ssh_config.hashed-test');
    writeFileSync(config, `UserKnownHostsFile ${lab.knownHostsHashedPath}\nInclude ${lab.sshConfigPath}\n`);
    const pool = newPool(config);
    const name = lab.hosts[1]!.name;
    const r = await pool.exec({ name, sshTarget: `${name}-via-bastion` }, 'hostname');
    assert.equal(r.stdout, `${name}\n`);
    assert.ok(
      Object.keys(pool.stats().connectionsOpened).some(k => k.endsWith(`via gpadmin@${lab.bastion.address}:2222`)),
      JSON.stringify(pool.stats()),
    );
  });

  it('turns the lab drop-connections fault mid-command into connection-lost, then reconnects', async function () {
    const pool = newPool();
    const cdw = lab.hosts[0]!.name;
    let started = false;
    const p = pool.exec({ name: cdw, sshTarget: cdw }, 'echo running; sleep 20', { onStdout: () => (started = true) });
    await waitFor('the command to start', () => started);
    await fault(lab, 'drop-connections', cdw);
    const e = await p.then(
      () => assert.fail('must fail'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof RemoteExecError, String(e));
    assert.equal(e.kind, 'connection-lost');
    assert.equal(e.partial?.stdout, 'running\n');
    assert.equal((await pool.exec({ name: cdw, sshTarget: cdw }, 'hostname')).stdout, `${cdw}\n`);
    assert.equal(pool.stats().byHost[cdw]?.connectionsOpened, 2);
  });

  it('refuses the host after the lab change-host-key fault, naming the fingerprint the lab now reports', async function () {
    const pool = newPool();
    const scdw = lab.hosts[1]!;
    await pool.exec({ name: scdw.name, sshTarget: scdw.name }, 'true');
    const old = scdw.hostKeyFingerprint;
    await fault(lab, 'change-host-key', scdw.name);
    // A new connection (a fresh pool; the old session may outlive the restarted listener) meets the new key.
    const e = await newPool()
      .exec({ name: scdw.name, sshTarget: scdw.name }, 'true')
      .then(
        () => assert.fail('must refuse'),
        (x: unknown) => x,
      );
    assert.ok(e instanceof RemoteExecError, String(e));
    assert.equal(e.kind, 'host-key-changed');
    assert.ok(e.message.includes(old), e.message);
    assert.match(e.message, /has CHANGED: .*known_hosts line \d+ has SHA256:.*the server offered SHA256:/);
  });
});

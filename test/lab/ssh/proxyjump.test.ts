// ProxyJump through real bastion sshds: the target's TCP connection is made by the bastion's sshd (checked with
// ss -p), one bastion connection serves several targets, chains of two jumps work, the jump host's key is verified.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshPool } from '../../../src/ssh/pool';
import { RemoteExecError } from '../../../src/ssh/types';
import type { HostTarget } from '../../../src/ssh/types';
import { makeKey, Sshd, tempDir, waitFor } from './fixture';

/** Who owns the client side of each established TCP connection to address:2222: "this process", or the program. */
function clientsOf(address: string): string[] {
  const out = execFileSync('ss', ['-tnpH', 'state', 'established', 'dst', `${address}:2222`], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(l => l.trim())
    .map(l => {
      const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(l);
      return m ? (Number(m[2]) === process.pid ? 'this process' : m[1]!) : '?';
    });
}

describe('ssh ProxyJump (real bastion sshd)', function () {
  let dir: string;
  let home: string;
  let bastion: Sshd;
  let bastion2: Sshd;
  let cdw: Sshd;
  let scdw: Sshd;
  const pools: SshPool[] = [];
  const newPool = (): SshPool => {
    const p = new SshPool({ homeDir: home, agentSocket: '', globalKnownHostsFiles: [] });
    pools.push(p);
    return p;
  };

  before(async function () {
    dir = tempDir('jump');
    home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const key = makeKey(join(home, '.ssh'), 'id_ed25519');
    bastion = new Sshd({ address: '127.0.23.1', dir, authorizedKeys: [key.publicLine] });
    bastion2 = new Sshd({ address: '127.0.23.4', dir, authorizedKeys: [key.publicLine] });
    cdw = new Sshd({ address: '127.0.23.2', dir, authorizedKeys: [key.publicLine] });
    scdw = new Sshd({ address: '127.0.23.3', dir, authorizedKeys: [key.publicLine] });
    await Promise.all([bastion.start(), bastion2.start(), cdw.start(), scdw.start()]);
    writeFileSync(
      join(home, '.ssh', 'known_hosts'),
      [bastion, bastion2, cdw, scdw].map(s => s.knownHostsLine()).join('\n') + '\n',
    );
    writeFileSync(
      join(home, '.ssh', 'config'),
      [
        'Host bastion',
        '  HostName 127.0.23.1',
        '  Port 2222',
        'Host cdw',
        '  HostName 127.0.23.2',
        'Host scdw',
        '  HostName 127.0.23.3',
        'Host cdw scdw',
        '  Port 2222',
        '  ProxyJump bastion',
        'Host cdw-two-hops',
        '  HostName 127.0.23.2',
        '  Port 2222',
        '  ProxyJump bastion,gpadmin@127.0.23.4:2222',
        '',
      ].join('\n'),
    );
  });

  afterEach(async function () {
    await Promise.all(pools.splice(0).map(p => p.dispose()));
  });

  after(async function () {
    await Promise.all([bastion.stop(), bastion2.stop(), cdw.stop(), scdw.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches two hosts through one bastion connection; their TCP connections belong to the bastion sshd', async function () {
    const pool = newPool();
    const a: HostTarget = { name: 'cdw', sshTarget: 'cdw' };
    const b: HostTarget = { name: 'scdw', sshTarget: 'scdw' };
    for (let i = 0; i < 3; i++) {
      const [ra, rb] = await Promise.all([pool.exec(a, 'echo $SSH_CONNECTION'), pool.exec(b, 'echo $SSH_CONNECTION')]);
      assert.match(ra.stdout, / 127\.0\.23\.2 2222\n$/);
      assert.match(rb.stdout, / 127\.0\.23\.3 2222\n$/);
    }
    const stats = pool.stats();
    assert.deepEqual(stats.connectionsOpened, {
      'gpadmin@127.0.23.1:2222': 1,
      'gpadmin@127.0.23.2:2222 via gpadmin@127.0.23.1:2222': 1,
      'gpadmin@127.0.23.3:2222 via gpadmin@127.0.23.1:2222': 1,
    });
    assert.deepEqual(stats.byHost.cdw, { connectionsOpened: 1, execs: 3 });
    assert.deepEqual(stats.byHost.bastion, { connectionsOpened: 1, execs: 0 });
    // Kernel view: this process holds only the bastion connection; the bastion's sshd holds those to cdw and scdw.
    assert.deepEqual(clientsOf('127.0.23.1'), ['this process']);
    assert.deepEqual(clientsOf('127.0.23.2'), ['sshd']);
    assert.deepEqual(clientsOf('127.0.23.3'), ['sshd']);
  });

  it('follows a chain of two jumps (bastion, then user@host:port)', async function () {
    const pool = newPool();
    const r = await pool.exec({ name: 'cdw', sshTarget: 'cdw-two-hops' }, 'echo $SSH_CONNECTION');
    assert.match(r.stdout, / 127\.0\.23\.2 2222\n$/);
    assert.deepEqual(Object.keys(pool.stats().connectionsOpened).sort(), [
      'gpadmin@127.0.23.1:2222',
      'gpadmin@127.0.23.2:2222 via gpadmin@127.0.23.4:2222 via gpadmin@127.0.23.1:2222',
      'gpadmin@127.0.23.4:2222 via gpadmin@127.0.23.1:2222',
    ]);
    assert.deepEqual(clientsOf('127.0.23.4'), ['sshd']);
  });

  it('reconnects through the bastion after the bastion connection dropped', async function () {
    const pool = newPool();
    const a: HostTarget = { name: 'cdw', sshTarget: 'cdw' };
    await pool.exec(a, 'true');
    bastion.dropConnections();
    await waitFor('the pool to notice', () => pool.stats().open.length === 0);
    assert.equal((await pool.exec(a, 'echo back')).stdout, 'back\n');
    assert.equal(pool.stats().connectionsOpened['gpadmin@127.0.23.1:2222'], 2);
  });

  it('verifies the jump host key too, and names the jump host when it cannot reach the target', async function () {
    const kh = join(home, '.ssh', 'known_hosts');
    writeFileSync(kh, [cdw, scdw].map(s => s.knownHostsLine()).join('\n') + '\n');
    try {
      const e = await newPool()
        .exec({ name: 'cdw', sshTarget: 'cdw' }, 'true')
        .then(
          () => assert.fail('must refuse'),
          (x: unknown) => x,
        );
      assert.ok(e instanceof RemoteExecError);
      assert.equal(e.kind, 'host-key-unknown');
      assert.equal(e.host, 'cdw', 'the error belongs to the host asked for');
      assert.match(
        e.message,
        /^cdw is reached through bastion: Host key for bastion \(127\.0\.23\.1:2222\) is not known/,
      );
    } finally {
      writeFileSync(kh, [bastion, bastion2, cdw, scdw].map(s => s.knownHostsLine()).join('\n') + '\n');
    }
    writeFileSync(
      join(home, '.ssh', 'config.unreachable'),
      'Host gone\n  HostName 127.0.23.9\n  Port 2222\n  ProxyJump gpadmin@127.0.23.1:2222\n',
    );
    const pool = new SshPool({
      homeDir: home,
      agentSocket: '',
      globalKnownHostsFiles: [],
      sshConfigPath: join(home, '.ssh', 'config.unreachable'),
    });
    pools.push(pool);
    const e = await pool.exec({ name: 'gone', sshTarget: 'gone' }, 'true').then(
      () => assert.fail('must fail'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof RemoteExecError);
    assert.equal(e.kind, 'connect-failed');
    assert.match(
      e.message,
      /Jump host 127\.0\.23\.1 \(gpadmin@127\.0\.23\.1:2222\) could not open a connection to 127\.0\.23\.9:2222/,
    );
  });
});

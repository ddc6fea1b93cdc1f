// Authentication against a real sshd: a real ssh-agent, key files, passphrase-protected keys through the callback,
// IdentitiesOnly, and an auth-failed error that lists what was tried.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SshPool } from '../../../src/ssh/pool';
import type { SshPoolOptions } from '../../../src/ssh/pool';
import { RemoteExecError } from '../../../src/ssh/types';
import type { HostTarget, SecretEndpoint } from '../../../src/ssh/types';
import { fingerprintSha256 } from '../../../src/ssh/knownhosts';
import { Agent, makeKey, Sshd, tempDir, waitFor } from './fixture';

describe('ssh authentication (real sshd, real ssh-agent)', function () {
  let dir: string;
  let home: string;
  let keys: string;
  let sshd: Sshd;
  let agent: Agent;
  let authorized: ReturnType<typeof makeKey>;
  let agentOnly: ReturnType<typeof makeKey>;
  let encrypted: ReturnType<typeof makeKey>;
  let stranger: ReturnType<typeof makeKey>;
  const pools: SshPool[] = [];
  const host: HostTarget = { name: 'cdw', sshTarget: 'cdw' };
  const PASSPHRASE = "correct horse 'battery' staple";

  const newPool = (o: Partial<SshPoolOptions> = {}): SshPool => {
    const p = new SshPool({ homeDir: home, agentSocket: '', globalKnownHostsFiles: [], ...o });
    pools.push(p);
    return p;
  };
  const config = (lines: string[]): void => {
    writeFileSync(
      join(home, '.ssh', 'config'),
      ['Host cdw', '  HostName 127.0.22.1', '  Port 2222', ...lines.map(l => '  ' + l), ''].join('\n'),
    );
  };
  const failure = async (p: Promise<unknown>): Promise<RemoteExecError> => {
    const e = await p.then(
      () => assert.fail('must fail'),
      (err: unknown) => err,
    );
    assert.ok(e instanceof RemoteExecError, String(e));
    return e;
  };

  before(async function () {
    dir = tempDir('auth');
    home = join(dir, 'home');
    keys = join(dir, 'keys');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    mkdirSync(keys);
    authorized = makeKey(keys, 'authorized');
    agentOnly = makeKey(keys, 'agent_only', 'ecdsa');
    encrypted = makeKey(keys, 'encrypted', 'ed25519', PASSPHRASE);
    stranger = makeKey(keys, 'stranger');
    sshd = new Sshd({
      address: '127.0.22.1',
      dir,
      authorizedKeys: [authorized.publicLine, agentOnly.publicLine, encrypted.publicLine],
    });
    await sshd.start();
    writeFileSync(join(home, '.ssh', 'known_hosts'), sshd.knownHostsLine() + '\n');
    agent = Agent.start(dir);
    agent.add(agentOnly.path);
  });

  afterEach(async function () {
    await Promise.all(pools.splice(0).map(p => p.dispose()));
  });

  after(async function () {
    agent.stop();
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('authenticates with the ssh-agent given as SSH_AUTH_SOCK (pool option) and as IdentityAgent', async function () {
    config([]);
    const before = sshd.log().length;
    assert.equal((await newPool({ agentSocket: agent.socket }).exec(host, 'whoami')).stdout, 'gpadmin\n');
    assert.match(
      sshd.log().slice(before),
      /Accepted publickey for gpadmin from .* ECDSA SHA256:/,
      'the agent key (ECDSA) was the one accepted',
    );
    config([`IdentityAgent ${agent.socket}`]);
    assert.equal((await newPool().exec(host, 'echo via-identity-agent')).stdout, 'via-identity-agent\n');
  });

  it('authenticates with a key file from the ssh config, and with the inventory identity file over it', async function () {
    config([`IdentityFile ${authorized.path}`]);
    const before = sshd.log().length;
    assert.equal((await newPool().exec(host, 'echo key')).stdout, 'key\n');
    assert.ok(
      sshd.log().slice(before).includes(`ED25519 ${authorized.fingerprint}`),
      'the configured key was accepted',
    );
    config([`IdentityFile ${stranger.path}`]);
    assert.equal(
      (await newPool().exec({ ...host, identityFile: authorized.path }, 'echo inventory-key')).stdout,
      'inventory-key\n',
    );
  });

  it('asks for a passphrase once per key for the life of the pool, also across a reconnect', async function () {
    config([`IdentityFile ${encrypted.path}`]);
    const asked: Array<[string, string]> = [];
    const endpoints: SecretEndpoint[] = [];
    const pool = newPool({
      askPassphrase: (keyPath, h, endpoint) => {
        asked.push([keyPath, h]);
        endpoints.push(endpoint);
        return Promise.resolve(PASSPHRASE);
      },
    });
    assert.equal((await pool.exec(host, 'echo unlocked')).stdout, 'unlocked\n');
    // The secret is asked for the endpoint whose host key was verified: what saved secrets are keyed by.
    const serverKey = Buffer.from(sshd.knownHostsLine().split(' ')[2]!, 'base64');
    assert.deepEqual(endpoints, [
      { user: 'gpadmin', address: '127.0.22.1', port: 2222, hostKey: fingerprintSha256(serverKey) },
    ]);
    sshd.dropConnections();
    await waitFor('the pool to notice the drop', () => pool.stats().open.length === 0);
    assert.equal((await pool.exec(host, 'echo again')).stdout, 'again\n');
    assert.equal(pool.stats().byHost.cdw?.connectionsOpened, 2);
    assert.deepEqual(asked, [[encrypted.path, 'cdw']]);
    pool.forgetPassphrases();
    sshd.dropConnections();
    await waitFor('the pool to notice the drop', () => pool.stats().open.length === 0);
    await pool.exec(host, 'true');
    assert.equal(asked.length, 2, 'asked again after forgetPassphrases()');
  });

  it('fails with a clear auth-failed error on a wrong passphrase, naming the key', async function () {
    config([`IdentityFile ${encrypted.path}`]);
    let asks = 0;
    const e = await failure(newPool({ askPassphrase: () => (asks++, Promise.resolve('wrong')) }).exec(host, 'true'));
    assert.equal(e.kind, 'auth-failed');
    assert.equal(asks, 1);
    assert.ok(e.message.includes(`key ${encrypted.path}: the passphrase given is wrong`), e.message);
    const e2 = await failure(newPool({ askPassphrase: () => Promise.resolve(undefined) }).exec(host, 'true'));
    assert.ok(e2.message.includes(`key ${encrypted.path}: encrypted, no passphrase given`), e2.message);
    const e3 = await failure(newPool().exec(host, 'true'));
    assert.match(e3.message, /encrypted, and nothing can ask for its passphrase here \(load it with ssh-add instead\)/);
  });

  it('lists every method tried when all are rejected', async function () {
    const strangerAgent = Agent.start(dir);
    try {
      strangerAgent.add(stranger.path);
      config([`IdentityFile ${stranger.path}`, 'IdentityFile ~/.ssh/missing_key', 'User gpadmin']);
      const logins = sshd.acceptedLogins();
      const e = await failure(newPool({ agentSocket: strangerAgent.socket }).exec(host, 'true'));
      assert.equal(e.kind, 'auth-failed');
      assert.equal(e.host, 'cdw');
      assert.ok(
        e.message.startsWith('Authentication as gpadmin to cdw (gpadmin@127.0.22.1:2222) failed. Tried: '),
        e.message,
      );
      assert.ok(e.message.includes(`ssh-agent at ${strangerAgent.socket} (1 key): rejected by the server`), e.message);
      assert.ok(e.message.includes(`key ${stranger.path}: rejected by the server`), e.message);
      assert.ok(e.message.includes(`key ${join(home, '.ssh', 'missing_key')}: cannot read (ENOENT)`), e.message);
      assert.match(e.message, /authorized_keys on cdw/);
      assert.equal(sshd.acceptedLogins(), logins);
    } finally {
      strangerAgent.stop();
    }
  });

  it('IdentitiesOnly yes: the agent offers only keys named by IdentityFile', async function () {
    // The agent holds an authorized key, but IdentityFile names a different one: only that may be offered.
    config([`IdentityFile ${stranger.path}`, 'IdentitiesOnly yes']);
    const e = await failure(newPool({ agentSocket: agent.socket }).exec(host, 'true'));
    assert.ok(e.message.includes('none of its keys matches IdentityFile (IdentitiesOnly yes)'), e.message);
    config([`IdentityFile ${agentOnly.path}.pub`, 'IdentitiesOnly yes']);
    // Naming the agent key's public file is the usual way to pick one agent key.
    assert.equal((await newPool({ agentSocket: agent.socket }).exec(host, 'echo picked')).stdout, 'picked\n');
  });

  it('reports an unreachable agent socket and still goes on to the key files', async function () {
    config([`IdentityFile ${authorized.path}`, `IdentityAgent ${join(dir, 'no-such-agent.sock')}`]);
    assert.equal((await newPool().exec(host, 'echo fallback')).stdout, 'fallback\n');
    config([`IdentityAgent ${join(dir, 'no-such-agent.sock')}`]);
    const e = await failure(newPool().exec(host, 'true'));
    assert.ok(e.message.includes(`ssh-agent at ${join(dir, 'no-such-agent.sock')}: not reachable`), e.message);
  });

  it('offers a password from the askPassword callback when keys do not get in (the server checks it)', async function () {
    // gpadmin's password field is "*", so sshd refuses every password: this proves the attempt went over the wire.
    const pwServer = new Sshd({
      address: '127.0.22.2',
      dir,
      authorizedKeys: [],
      extra: ['PasswordAuthentication yes'],
    });
    await pwServer.start();
    try {
      writeFileSync(
        join(home, '.ssh', 'known_hosts'),
        [sshd.knownHostsLine(), pwServer.knownHostsLine()].join('\n') + '\n',
      );
      writeFileSync(join(home, '.ssh', 'config'), 'Host pw\n  HostName 127.0.22.2\n  Port 2222\n');
      const asked: Array<[string, string]> = [];
      const e = await failure(
        newPool({
          askPassword: (user, h) => {
            asked.push([user, h]);
            return Promise.resolve('not-the-password');
          },
        }).exec({ name: 'pw', sshTarget: 'pw' }, 'true'),
      );
      assert.equal(e.kind, 'auth-failed');
      assert.deepEqual(asked, [['gpadmin', 'pw']]);
      assert.match(e.message, /Tried: password: rejected by the server\./);
      await waitFor('sshd to log the refused password', () =>
        /Failed password for gpadmin from 127\.0\.0\.1/.test(pwServer.log()),
      );
      const e2 = await failure(
        newPool({ askPassword: () => Promise.resolve(undefined) }).exec({ name: 'pw', sshTarget: 'pw' }, 'true'),
      );
      assert.match(e2.message, /Tried: password: not given\./);
    } finally {
      await pwServer.stop();
      writeFileSync(join(home, '.ssh', 'known_hosts'), sshd.knownHostsLine() + '\n');
    }
  });

  it('gives up on a server that accepts TCP but never speaks SSH, after readyTimeoutMs', async function () {
    const silent = createServer(() => undefined);
    await new Promise<void>(res => silent.listen(2222, '127.0.22.5', () => res()));
    try {
      writeFileSync(join(home, '.ssh', 'config'), 'Host mute\n  HostName 127.0.22.5\n  Port 2222\n');
      const t0 = Date.now();
      const e = await failure(newPool({ readyTimeoutMs: 800 }).exec({ name: 'mute', sshTarget: 'mute' }, 'true'));
      assert.equal(e.kind, 'connect-failed');
      assert.match(e.message, /No SSH handshake with mute \(gpadmin@127\.0\.22\.5:2222\) within 0\.8 s/);
      assert.ok(Date.now() - t0 < 3000);
    } finally {
      silent.close();
    }
  });

  it('does not count the time a person takes to answer the passphrase question against the handshake limit', async function () {
    config([`IdentityFile ${encrypted.path}`]);
    const pool = newPool({
      readyTimeoutMs: 500,
      askPassphrase: () => new Promise(res => setTimeout(() => res(PASSPHRASE), 1500)),
    });
    assert.equal((await pool.exec(host, 'echo patient')).stdout, 'patient\n');
  });

  it('fails to connect with connect-failed naming the address when nothing listens', async function () {
    writeFileSync(join(home, '.ssh', 'config'), 'Host nowhere\n  HostName 127.0.22.9\n  Port 2222\n');
    const e = await failure(newPool().exec({ name: 'nowhere', sshTarget: 'nowhere' }, 'true'));
    assert.equal(e.kind, 'connect-failed');
    assert.match(e.message, /Cannot connect to nowhere \(gpadmin@127\.0\.22\.9:2222\): ECONNREFUSED.*is sshd running/);
  });
});

// Host key verification against a real sshd: unknown keys go to the callback with OpenSSH's fingerprint, saved keys
// are readable by OpenSSH's own ssh-keygen -F, hashed entries match, changed and revoked keys are refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshPool } from '../../../src/ssh/pool';
import { fingerprintSha256 } from '../../../src/ssh/knownhosts';
import { RemoteExecError } from '../../../src/ssh/types';
import type { HostKeyDecision, HostTarget, UnknownHostKeyInfo } from '../../../src/ssh/types';
import { makeKey, Sshd, tempDir } from './fixture';

describe('ssh host key verification (real sshd)', function () {
  let dir: string;
  let home: string;
  let sshd: Sshd;
  let rsaHostKey: ReturnType<typeof makeKey>;
  let knownHosts: string;
  const pools: SshPool[] = [];
  const host: HostTarget = { name: 'scdw', sshTarget: 'scdw' };

  const writeConfig = (extra: string[] = []): void => {
    writeFileSync(
      join(home, '.ssh', 'config'),
      ['Host scdw', '  HostName 127.0.21.1', '  Port 2222', ...extra.map(l => '  ' + l), ''].join('\n'),
    );
  };
  const newPool = (decide?: (info: UnknownHostKeyInfo) => HostKeyDecision, asked?: UnknownHostKeyInfo[]): SshPool => {
    const pool = new SshPool({
      homeDir: home,
      agentSocket: '',
      globalKnownHostsFiles: [],
      ...(decide
        ? {
            onUnknownHostKey: (info: UnknownHostKeyInfo) => {
              asked?.push(info);
              return Promise.resolve(decide(info));
            },
          }
        : {}),
    });
    pools.push(pool);
    return pool;
  };
  const failure = async (p: Promise<unknown>): Promise<RemoteExecError> => {
    const e = await p.then(
      () => assert.fail('must be refused'),
      (err: unknown) => err,
    );
    assert.ok(e instanceof RemoteExecError, String(e));
    return e;
  };

  before(async function () {
    dir = tempDir('hostkeys');
    home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const key = makeKey(join(home, '.ssh'), 'id_ed25519');
    // The server has two host keys: ed25519 (offered by default) and rsa.
    rsaHostKey = makeKey(dir, 'ssh_host_rsa_key', 'rsa');
    sshd = new Sshd({
      address: '127.0.21.1',
      dir,
      authorizedKeys: [key.publicLine],
      extra: [`HostKey ${rsaHostKey.path}`],
    });
    await sshd.start();
    knownHosts = join(home, '.ssh', 'known_hosts');
  });

  beforeEach(function () {
    rmSync(knownHosts, { force: true });
    writeConfig();
  });

  afterEach(async function () {
    await Promise.all(pools.splice(0).map(p => p.dispose()));
  });

  after(async function () {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks about an unknown key with the exact OpenSSH SHA256 fingerprint; reject refuses before authenticating', async function () {
    const asked: UnknownHostKeyInfo[] = [];
    const logins = sshd.acceptedLogins();
    const e = await failure(newPool(() => 'reject', asked).exec(host, 'true'));
    assert.equal(e.kind, 'host-key-unknown');
    assert.equal(asked.length, 1);
    const info = asked[0]!;
    assert.equal(info.host, 'scdw');
    assert.equal(info.address, '127.0.21.1');
    assert.equal(info.port, 2222);
    assert.equal(info.keyType, 'ssh-ed25519');
    assert.equal(info.fingerprintSha256, sshd.hostKey.fingerprint, 'same as ssh-keygen -lf on the host key');
    assert.match(info.fingerprintSha256, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.match(e.message, /not known.*ssh-ed25519 SHA256:.*rejected/s);
    assert.equal(sshd.acceptedLogins(), logins, 'nothing was authenticated');
    assert.equal(existsSync(knownHosts), false);
  });

  it('waits for a slow host key decision without hitting the handshake limit', async function () {
    const pool = new SshPool({
      homeDir: home,
      agentSocket: '',
      globalKnownHostsFiles: [],
      readyTimeoutMs: 500,
      onUnknownHostKey: () => new Promise(res => setTimeout(() => res('accept-once'), 1500)),
    });
    pools.push(pool);
    assert.equal((await pool.exec(host, 'echo decided')).stdout, 'decided\n');
  });

  it('refuses the key when the prompt itself fails, saying why', async function () {
    const e = await failure(
      newPool(() => {
        throw new Error('the window was closed');
      }).exec(host, 'true'),
    );
    assert.equal(e.kind, 'host-key-unknown');
    assert.match(e.message, /Could not decide on the host key of scdw \(127\.0\.21\.1:2222\): the window was closed/);
  });

  it('refuses an unknown key when nothing can ask, and with StrictHostKeyChecking yes without asking', async function () {
    const e = await failure(newPool().exec(host, 'true'));
    assert.equal(e.kind, 'host-key-unknown');
    assert.match(e.message, /ssh-keyscan -p 2222 127\.0\.21\.1/);
    writeConfig(['StrictHostKeyChecking yes']);
    const asked: UnknownHostKeyInfo[] = [];
    const e2 = await failure(newPool(() => 'accept-and-save', asked).exec(host, 'true'));
    assert.equal(e2.kind, 'host-key-unknown');
    assert.match(e2.message, /StrictHostKeyChecking is yes/);
    assert.equal(asked.length, 0);
  });

  it('accept-once connects without writing known_hosts, and is asked again by a new pool', async function () {
    const asked: UnknownHostKeyInfo[] = [];
    const pool = newPool(() => 'accept-once', asked);
    const results = await Promise.all([1, 2, 3].map(() => pool.exec(host, 'echo ok')));
    assert.deepEqual(
      results.map(r => r.stdout),
      ['ok\n', 'ok\n', 'ok\n'],
    );
    assert.equal(asked.length, 1, 'three commands at once share one connection and one question');
    assert.equal(existsSync(knownHosts), false);
    const again: UnknownHostKeyInfo[] = [];
    await newPool(() => 'accept-once', again).exec(host, 'true');
    assert.equal(again.length, 1);
  });

  it('accept-and-save appends a line OpenSSH itself finds, plain or hashed (HashKnownHosts), and is not asked again', async function () {
    writeFileSync(knownHosts, '# existing comment without newline');
    await newPool(() => 'accept-and-save').exec(host, 'true');
    const text = readFileSync(knownHosts, 'utf8');
    assert.match(text, /^# existing comment without newline\n\[127\.0\.21\.1\]:2222 ssh-ed25519 AAAA\S+\n$/);
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.21.1]:2222', '-f', knownHosts], { encoding: 'utf8' });
    assert.match(found, /ssh-ed25519/);
    const asked: UnknownHostKeyInfo[] = [];
    assert.equal((await newPool(() => 'reject', asked).exec(host, 'echo known')).stdout, 'known\n');
    assert.equal(asked.length, 0);

    rmSync(knownHosts);
    writeConfig(['HashKnownHosts yes']);
    await newPool(() => 'accept-and-save').exec(host, 'true');
    const hashed = readFileSync(knownHosts, 'utf8');
    assert.match(hashed, /^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 /);
    assert.doesNotMatch(hashed, /127\.0\.21\.1/);
    assert.match(
      execFileSync('ssh-keygen', ['-F', '[127.0.21.1]:2222', '-f', knownHosts], { encoding: 'utf8' }),
      /ssh-ed25519/,
    );
    assert.equal((await newPool().exec(host, 'echo hashed')).stdout, 'hashed\n');
  });

  it('StrictHostKeyChecking accept-new saves a new key without asking, and says so (what the CLI prints)', async function () {
    writeConfig(['StrictHostKeyChecking accept-new']);
    const saved: Array<{ host: string; keyType: string; fingerprintSha256: string; file: string }> = [];
    const asked: UnknownHostKeyInfo[] = [];
    const pool = new SshPool({
      homeDir: home,
      agentSocket: '',
      globalKnownHostsFiles: [],
      onUnknownHostKey: info => (asked.push(info), Promise.resolve('reject')),
      onHostKeySaved: k => saved.push(k),
    });
    pools.push(pool);
    await pool.exec(host, 'true');
    const [type, key] = sshd.hostKey.publicLine.split(/\s+/);
    assert.equal(asked.length, 0);
    assert.deepEqual(saved, [
      {
        host: 'scdw',
        keyType: type,
        fingerprintSha256: fingerprintSha256(Buffer.from(key!, 'base64')),
        file: knownHosts,
      },
    ]);
    assert.match(readFileSync(knownHosts, 'utf8'), /^\[127\.0\.21\.1\]:2222 ssh-ed25519 /);
  });

  it('accepts entries hashed by ssh-keygen -H, in a second UserKnownHostsFile', async function () {
    const second = join(home, '.ssh', 'known_hosts_lab');
    writeFileSync(second, sshd.knownHostsLine() + '\n');
    execFileSync('ssh-keygen', ['-H', '-f', second], { stdio: 'ignore' });
    assert.doesNotMatch(readFileSync(second, 'utf8'), /127\.0\.21\.1/);
    writeConfig([`UserKnownHostsFile ${knownHosts} ${second}`]);
    assert.equal((await newPool().exec(host, 'echo ok')).stdout, 'ok\n');
  });

  it('matches wildcard host patterns and offers the known key type first (rsa known, server prefers ed25519)', async function () {
    const [type, key] = rsaHostKey.publicLine.split(/\s+/);
    writeFileSync(knownHosts, `[127.0.21.*]:2222 ${type} ${key}\n`);
    assert.equal((await newPool().exec(host, 'echo rsa')).stdout, 'rsa\n');
  });

  it('refuses a CHANGED key with both fingerprints, the file and line, and how to fix it', async function () {
    const old = makeKey(dir, 'old_host_key');
    const [type, key] = old.publicLine.split(/\s+/);
    writeFileSync(knownHosts, `# lab\nother.example ssh-ed25519 ${key}\n[127.0.21.1]:2222 ${type} ${key}\n`);
    const asked: UnknownHostKeyInfo[] = [];
    const logins = sshd.acceptedLogins();
    const e = await failure(newPool(() => 'accept-and-save', asked).exec(host, 'true'));
    assert.equal(e.kind, 'host-key-changed');
    assert.equal(asked.length, 0, 'a changed key is never offered for acceptance');
    assert.ok(
      e.message.includes(
        `Host key for scdw (127.0.21.1:2222) has CHANGED: ${knownHosts} line 3 has ${old.fingerprint}, the server offered ${sshd.hostKey.fingerprint}`,
      ),
      e.message,
    );
    assert.match(e.message, /ssh-keygen -R '\[127\.0\.21\.1\]:2222'/);
    assert.equal(sshd.acceptedLogins(), logins);
  });

  it('refuses a key marked @revoked even when another line lists it as valid', async function () {
    const [type, key] = sshd.hostKey.publicLine.split(/\s+/);
    writeFileSync(knownHosts, `${sshd.knownHostsLine()}\n@revoked * ${type} ${key}\n`);
    const e = await failure(newPool(() => 'accept-once').exec(host, 'true'));
    assert.equal(e.kind, 'host-key-changed');
    assert.match(e.message, /REVOKED: .* line 2 marks ssh-ed25519 SHA256:/);
  });

  it('refuses the new key after the host key changed on a live host (reconnect after restart)', async function () {
    writeFileSync(knownHosts, sshd.knownHostsLine() + '\n');
    const pool = newPool(() => 'accept-and-save');
    assert.equal((await pool.exec(host, 'echo first')).stdout, 'first\n');
    const oldFp = sshd.hostKey.fingerprint;
    sshd.newHostKey();
    await sshd.restart();
    try {
      const e = await failure(pool.exec(host, 'true'));
      assert.equal(e.kind, 'host-key-changed');
      assert.ok(e.message.includes(oldFp) && e.message.includes(sshd.hostKey.fingerprint), e.message);
    } finally {
      // Leave the server with a key the other tests can learn fresh.
      rmSync(knownHosts, { force: true });
    }
  });
});

// exec over the pooled connection against a real OpenSSH server: output, status, pooling, timeouts, cancellation,
// a connection dropped mid-command, reconnect, the channel cap and idle close.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshPool } from '../../../src/ssh/pool';
import { remoteCommand, shellQuote } from '../../../src/ssh/quote';
import { RemoteExecError } from '../../../src/ssh/types';
import type { HostTarget } from '../../../src/ssh/types';
import { commOf, descendantsOf, killMarked, makeKey, processCount, sleep, Sshd, tempDir, waitFor } from './fixture';

describe('ssh exec (real sshd)', function () {
  let dir: string;
  let sshd: Sshd;
  let home: string;
  let scratch: string;
  let pool: SshPool;
  const host: HostTarget = { name: 'cdw', sshTarget: 'cdw' };

  before(async function () {
    dir = tempDir('exec');
    home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const key = makeKey(join(home, '.ssh'), 'id_ed25519');
    sshd = new Sshd({ address: '127.0.20.1', dir, authorizedKeys: [key.publicLine] });
    await sshd.start();
    writeFileSync(join(home, '.ssh', 'known_hosts'), sshd.knownHostsLine() + '\n');
    // Defaults apply: user gpadmin, key ~/.ssh/id_ed25519, ~/.ssh/known_hosts; only the address comes from here.
    writeFileSync(join(home, '.ssh', 'config'), ['Host cdw', '  HostName 127.0.20.1', '  Port 2222', ''].join('\n'));
    scratch = join(dir, 'scratch');
    mkdirSync(scratch, { mode: 0o777 });
    chmodSync(scratch, 0o777);
  });

  beforeEach(function () {
    pool = new SshPool({ homeDir: home, agentSocket: '', globalKnownHostsFiles: [] });
  });

  afterEach(async function () {
    await pool.dispose();
  });

  after(async function () {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a command and returns stdout, stderr and the exit status, streaming both', async function () {
    const seenOut: string[] = [];
    const seenErr: string[] = [];
    const r = await pool.exec(host, 'echo out; echo err >&2; whoami; exit 3', {
      onStdout: s => seenOut.push(s),
      onStderr: s => seenErr.push(s),
    });
    assert.equal(r.exitCode, 3);
    assert.equal(r.signal, null);
    assert.equal(r.stdout, 'out\ngpadmin\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(seenOut.join(''), r.stdout);
    assert.equal(seenErr.join(''), r.stderr);
    assert.ok(r.durationMs >= 0);
  });

  it('feeds stdin and reports a command killed by a signal', async function () {
    const r = await pool.exec(host, 'cat', { stdin: 'hello\nworld\n' });
    assert.equal(r.stdout, 'hello\nworld\n');
    assert.equal(r.exitCode, 0);
    const k = await pool.exec(host, 'kill -KILL $$');
    assert.equal(k.exitCode, null);
    assert.equal(k.signal, 'SIGKILL');
  });

  it('keeps one TCP connection for many commands, also when they run at once (pool stats and the server agree)', async function () {
    for (let i = 0; i < 10; i++) {
      const r = await pool.exec(host, `echo ${i}`);
      assert.equal(r.stdout, `${i}\n`);
    }
    const parallel = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.exec(host, `sleep 0.2; echo p${i}`)));
    parallel.forEach((r, i) => assert.equal(r.stdout, `p${i}\n`));
    const stats = pool.stats();
    assert.deepEqual(stats.byHost.cdw, { connectionsOpened: 1, execs: 30 });
    assert.deepEqual(stats.connectionsOpened, { 'gpadmin@127.0.20.1:2222': 1 });
    assert.deepEqual(stats.open, ['gpadmin@127.0.20.1:2222']);
    // Server side: one TCP connection in the kernel's table, one session process under sshd, one login in its log.
    assert.equal(sshd.establishedConnections(), 1);
    assert.equal(sshd.connectionPids().length, 1);
    assert.equal(sshd.acceptedLogins() >= 1, true);
    const before = sshd.acceptedLogins();
    await pool.exec(host, 'true');
    assert.equal(sshd.acceptedLogins(), before, 'no new login for a command on the warm pool');
  });

  it('caps channels per connection and queues the rest', async function () {
    await pool.dispose();
    pool = new SshPool({ homeDir: home, agentSocket: '', globalKnownHostsFiles: [], maxChannelsPerConnection: 2 });
    const t0 = Date.now();
    // Each command records how many of its siblings run at the same moment, counted on the server.
    const marker = `capmark${process.pid}`;
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        pool.exec(host, `exec -a ${marker} sleep 0.4 & sleep 0.1; pgrep -c -f '^${marker}'; wait`),
      ),
    );
    const elapsed = Date.now() - t0;
    for (const r of results)
      assert.ok(Number(r.stdout.trim()) <= 2, `at most 2 commands at once, saw ${r.stdout.trim()}`);
    assert.ok(elapsed >= 1100, `6 commands of 0.4 s two at a time take >= 1.2 s, took ${elapsed} ms`);
    assert.equal(pool.stats().byHost.cdw?.connectionsOpened, 1);
  });

  it('times out: rejects with kind "timeout", keeps the partial output, and the remote process is signalled', async function () {
    const marker = `timeoutmark${process.pid}`;
    const t0 = Date.now();
    const err = await pool.exec(host, `echo started; exec -a ${marker} sleep 30`, { timeoutMs: 700 }).then(
      () => assert.fail('must time out'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RemoteExecError);
    assert.equal(err.kind, 'timeout');
    assert.equal(err.host, 'cdw');
    assert.equal(err.partial?.stdout, 'started\n');
    assert.match(err.message, /Timed out after 700 ms on cdw/);
    assert.ok(Date.now() - t0 < 5000);
    await waitFor('the timed-out remote process to end', () => processCount(marker) === 0);
    // The pooled connection is still good afterwards.
    const r = await pool.exec(host, 'echo again');
    assert.equal(r.stdout, 'again\n');
    assert.equal(pool.stats().byHost.cdw?.connectionsOpened, 1);
  });

  it('cancels through an AbortSignal with kind "cancelled", also before the command started', async function () {
    const marker = `cancelmark${process.pid}`;
    const ac = new AbortController();
    const p = pool.exec(host, `echo going; exec -a ${marker} sleep 30`, {
      signal: ac.signal,
      onStdout: () => ac.abort(),
    });
    const err = await p.then(
      () => assert.fail('must be cancelled'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RemoteExecError);
    assert.equal(err.kind, 'cancelled');
    assert.equal(err.partial?.stdout, 'going\n');
    await waitFor('the cancelled remote process to end', () => processCount(marker) === 0);
    const pre = new AbortController();
    pre.abort();
    const err2 = await pool.exec(host, 'echo never', { signal: pre.signal }).then(
      () => assert.fail('must be cancelled'),
      (e: unknown) => e,
    );
    assert.ok(err2 instanceof RemoteExecError && err2.kind === 'cancelled');
  });

  it('reports a connection dropped mid-command as "connection-lost" with partial output, then reconnects', async function () {
    await pool.exec(host, 'true');
    let started = false;
    const marker = `dropmark${process.pid}`;
    const p = pool.exec(host, `echo before-drop; exec -a ${marker} sleep 30`, { onStdout: () => (started = true) });
    await waitFor('the command to start', () => started);
    assert.equal(sshd.dropConnections(), 2, 'the monitor and the session process of one connection');
    const err = await p.then(
      () => assert.fail('must fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RemoteExecError, String(err));
    assert.equal(err.kind, 'connection-lost');
    assert.equal(err.partial?.stdout, 'before-drop\n');
    assert.match(err.message, /outcome is unknown/);
    assert.equal(
      processCount(`^${marker}`),
      1,
      'the command itself still runs on the host: its outcome really is unknown',
    );
    killMarked(marker);
    // The next command opens a new connection by itself.
    const r = await pool.exec(host, 'echo back');
    assert.equal(r.stdout, 'back\n');
    assert.equal(pool.stats().byHost.cdw?.connectionsOpened, 2);
    assert.equal(sshd.establishedConnections(), 1);
  });

  it('reconnects when the pooled connection died while idle (the command is not lost)', async function () {
    await pool.exec(host, 'true');
    sshd.dropConnections();
    await sleep(300);
    const r = await pool.exec(host, 'echo fresh');
    assert.equal(r.stdout, 'fresh\n');
    assert.equal(pool.stats().byHost.cdw?.connectionsOpened, 2);
  });

  it('detects a server that stopped answering through keepalives (connection-lost), then reconnects', async function () {
    await pool.dispose();
    pool = new SshPool({
      homeDir: home,
      agentSocket: '',
      globalKnownHostsFiles: [],
      keepaliveIntervalMs: 200,
      keepaliveCountMax: 2,
    });
    await pool.exec(host, 'true');
    let started = false;
    const marker = `keepalivemark${process.pid}`;
    const p = pool.exec(host, `echo waiting; exec -a ${marker} sleep 20`, { onStdout: () => (started = true) });
    await waitFor('the command to start', () => started);
    // Freeze the server side of the connection: the TCP connection stays up, nothing answers.
    const frozen = sshd
      .connectionPids()
      .flatMap(pid => [pid, ...descendantsOf(pid)])
      .filter(pid => commOf(pid) === 'sshd');
    assert.ok(frozen.length >= 1);
    frozen.forEach(pid => process.kill(pid, 'SIGSTOP'));
    try {
      const t0 = Date.now();
      const e = await p.then(
        () => assert.fail('must fail'),
        (x: unknown) => x,
      );
      assert.ok(e instanceof RemoteExecError, String(e));
      assert.equal(e.kind, 'connection-lost');
      assert.equal(e.partial?.stdout, 'waiting\n');
      assert.ok(Date.now() - t0 < 5000, 'noticed within a few keepalive intervals');
    } finally {
      frozen.forEach(pid => process.kill(pid, 'SIGKILL'));
      killMarked(marker);
    }
    assert.equal((await pool.exec(host, 'echo thawed')).stdout, 'thawed\n');
    assert.equal(pool.stats().byHost.cdw?.connectionsOpened, 2);
  });

  it('dispose() closes every connection (the server sees them go) and refuses new work clearly', async function () {
    await pool.exec(host, 'true');
    assert.equal(sshd.establishedConnections(), 1);
    await pool.dispose();
    await waitFor('the server to see the connection closed', () => sshd.establishedConnections() === 0, 5000);
    const e = await pool.exec(host, 'true').then(
      () => assert.fail('must fail'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof RemoteExecError);
    assert.equal(e.kind, 'connect-failed');
    assert.match(e.message, /disposed/);
  });

  it('closes an idle connection after idleTimeoutMs and opens a new one on the next use', async function () {
    await pool.dispose();
    pool = new SshPool({ homeDir: home, agentSocket: '', globalKnownHostsFiles: [], idleTimeoutMs: 300 });
    await pool.exec(host, 'true');
    assert.equal(pool.stats().open.length, 1);
    await waitFor('the idle connection to close', () => pool.stats().open.length === 0, 5000);
    await waitFor('the server to see it closed', () => sshd.establishedConnections() === 0, 5000);
    await pool.exec(host, 'true');
    assert.equal(pool.stats().byHost.cdw?.connectionsOpened, 2);
  });

  it('runs remoteCommand lines under bash -lc with exported values that cannot inject shell', async function () {
    const gphome = join(dir, 'gphome with space');
    mkdirSync(gphome, { recursive: true });
    writeFileSync(join(gphome, 'greenplum_path.sh'), 'export FROM_ENV_SCRIPT=yes\nexport PGPORT=1\n');
    const hostile = `x'; touch ${join(scratch, 'pwned')}; echo '`;
    const line = remoteCommand({
      gphome,
      env: { COORDINATOR_DATA_DIRECTORY: '/data/coordinator/gpseg-1', PGPORT: '5432', EVIL: hostile },
      command: `printf '%s|%s|%s|%s\\n' "$FROM_ENV_SCRIPT" "$COORDINATOR_DATA_DIRECTORY" "$PGPORT" "$EVIL"`,
    });
    const r = await pool.exec(host, line);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.stdout, `yes|/data/coordinator/gpseg-1|5432|${hostile}\n`);
    const pwned = await pool.exec(
      host,
      `touch ${shellQuote(join(scratch, 'writable'))} && test -e ${shellQuote(join(scratch, 'pwned'))} && echo yes || echo no`,
    );
    assert.equal(
      pwned.stdout,
      'no\n',
      'scratch is writable (so the check means something) and no file was created by the value',
    );
    assert.ok(existsSync(join(scratch, 'writable')));

    // Every kind of shell syntax, as a value, comes back byte for byte and runs nothing.
    const values = [
      '',
      ' ',
      "'",
      "''",
      '"',
      '\\',
      '$(touch x)',
      '`touch x`',
      '$HOME',
      'a\nb',
      ';|&<>*?~!#',
      'ünïcødé ✓',
      "it's a 'test'\t",
    ];
    const env: Record<string, string> = {};
    values.forEach((v, i) => (env[`V${i}`] = v));
    const all = await pool.exec(
      host,
      remoteCommand({ env, command: values.map((_, i) => `printf '%s\\0' "$V${i}"`).join('; ') }),
    );
    assert.equal(all.exitCode, 0, all.stderr);
    assert.deepEqual(all.stdout.split('\0').slice(0, -1), values);

    const cloudberry = join(dir, 'cbhome');
    mkdirSync(cloudberry, { recursive: true });
    writeFileSync(join(cloudberry, 'cloudberry-env.sh'), 'export CB=1\n');
    const cb = await pool.exec(host, remoteCommand({ gphome: cloudberry, env: {}, command: 'echo "cb=$CB"' }));
    assert.equal(cb.stdout, 'cb=1\n');

    const missing = await pool.exec(
      host,
      remoteCommand({ environmentScript: '/nonexistent/greenplum_path.sh', env: {}, command: 'echo ran' }),
    );
    assert.equal(missing.exitCode, 127);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /environment script \/nonexistent\/greenplum_path.sh is missing/);
  });
});

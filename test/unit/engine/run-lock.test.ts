// The run lock's scripts run in a real POSIX shell (each "host" is its own HOME directory), through the engine's
// acquire/release: two racing runs, the holder named, a gone holder taken over only after confirmation, hostile
// text in an owner file shown escaped, and a lock left alone by a run that does not hold it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, inspectRunLock } from '../../../src/engine/run-lock';
import type { RunLockRequest } from '../../../src/engine/run-lock';
import type { ExecResult, HostTarget, RemoteExecutor } from '../../../src/ssh/types';
import { labCluster } from './facts';

/** Runs each command with `sh -c` locally, HOME set to the host's own directory. */
class LocalShellExecutor implements RemoteExecutor {
  constructor(readonly root: string) {}
  home(host: string): string {
    const d = join(this.root, host);
    mkdirSync(d, { recursive: true });
    return d;
  }
  exec(host: HostTarget, command: string): Promise<ExecResult> {
    return new Promise(resolve => {
      const p = spawn('sh', ['-c', command], { env: { ...process.env, HOME: this.home(host.name) } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('close', code => resolve({ exitCode: code, signal: null, stdout, stderr, durationMs: 0 }));
    });
  }
  openShell(): never {
    throw new Error('not used');
  }
}

const cluster = labCluster();
const lockDir = (ex: LocalShellExecutor, host: string): string => join(ex.home(host), '.gpcoord', 'run-5432.lock');

function request(ex: LocalShellExecutor, over: Partial<RunLockRequest> = {}): RunLockRequest {
  return { cluster, executor: ex, procedure: 'restore-mirroring', user: 'alice', machine: 'laptop-a', ...over };
}

describe('the run lock on the hosts', () => {
  it('two runs started together: exactly one takes it, the other is refused naming who, from where and since when', async () => {
    const ex = new LocalShellExecutor(mkdtempSync(join(tmpdir(), 'gpcoord-lock-')));
    const [a, b] = await Promise.all([
      acquireRunLock(request(ex, { user: 'alice', machine: 'laptop-a', now: () => new Date('2026-12-04T20:00:00Z') })),
      acquireRunLock(request(ex, { user: 'bob', machine: 'laptop-b', now: () => new Date('2026-12-04T20:00:01Z') })),
    ]);
    assert.equal([a, b].filter(r => r.ok).length, 1, 'exactly one holds the lock');
    const refused = [a, b].find(r => !r.ok);
    const winner = a.ok ? 'alice' : 'bob';
    assert.ok(refused && !refused.ok);
    assert.match(
      refused.message,
      new RegExp(`restore-mirroring on cluster lab by ${winner} \\(as \\S+ on \\w+\\) from laptop-[ab]`),
    );
    assert.match(refused.message, /since 2026-12-04T20:00:0[01]\.000Z/);
    assert.match(refused.message, /Nothing was changed/);
    // The loser let go of whatever it had taken: both hosts hold the winner's lock only.
    for (const h of ['cdw', 'scdw'])
      assert.match(readFileSync(join(lockDir(ex, h), 'owner'), 'utf8'), new RegExp(`"user":"${winner}"`));
  });

  it('is released at the end, and only by the run that holds it', async () => {
    const ex = new LocalShellExecutor(mkdtempSync(join(tmpdir(), 'gpcoord-lock-')));
    const first = await acquireRunLock(request(ex));
    assert.ok(first.ok);
    await first.lock.release();
    assert.equal(existsSync(lockDir(ex, 'cdw')), false);
    const second = await acquireRunLock(request(ex, { user: 'bob' }));
    assert.ok(second.ok);
    await first.lock.release(); // the first run's token no longer holds it
    assert.ok(existsSync(join(lockDir(ex, 'cdw'), 'owner')), "another run's lock is left alone");
    assert.deepEqual(
      (await inspectRunLock(cluster, ex)).map(l => l.split(':')[0]),
      ['cdw', 'scdw'],
    );
    await second.lock.release();
    assert.deepEqual(await inspectRunLock(cluster, ex), []);
  });

  it('a holder whose pid is dead on this machine is taken over only after confirmation', async () => {
    const ex = new LocalShellExecutor(mkdtempSync(join(tmpdir(), 'gpcoord-lock-')));
    const dead = spawnSync('true').pid!; // a pid that has just exited
    const held = await acquireRunLock(request(ex, { user: 'alice', machine: 'here', pid: dead }));
    assert.ok(held.ok);
    const refused = await acquireRunLock(request(ex, { user: 'bob', machine: 'here' }));
    assert.ok(!refused.ok);
    assert.match(refused.message, new RegExp(`its process ${dead} no longer runs on here.*--take-over-lock`));
    const asked: string[] = [];
    const declined = await acquireRunLock(
      request(ex, { user: 'bob', machine: 'here', confirmTakeOver: q => (asked.push(q), Promise.resolve(false)) }),
    );
    assert.ok(!declined.ok);
    assert.match(asked[0] ?? '', /Take the lock over\?/);
    const notes: string[] = [];
    const taken = await acquireRunLock(
      request(ex, {
        user: 'bob',
        machine: 'here',
        confirmTakeOver: () => Promise.resolve(true),
        onNote: n => notes.push(n),
      }),
    );
    assert.ok(taken.ok);
    assert.match(notes.join('\n'), /Took over the run lock on cdw from restore-mirroring on cluster lab by alice/);
    assert.match(readFileSync(join(lockDir(ex, 'scdw'), 'owner'), 'utf8'), /"user":"bob"/);
  });

  it('a live holder on another machine is never offered for take-over', async () => {
    const ex = new LocalShellExecutor(mkdtempSync(join(tmpdir(), 'gpcoord-lock-')));
    assert.ok((await acquireRunLock(request(ex, { machine: 'laptop-a', pid: 1 }))).ok);
    let asked = false;
    const r = await acquireRunLock(
      request(ex, { machine: 'laptop-b', confirmTakeOver: () => ((asked = true), Promise.resolve(true)) }),
    );
    assert.ok(!r.ok);
    assert.equal(asked, false);
    assert.match(r.message, /Wait for that run to end/);
  });

  it('shows control characters from an owner file escaped, never raw', async () => {
    const ex = new LocalShellExecutor(mkdtempSync(join(tmpdir(), 'gpcoord-lock-')));
    mkdirSync(lockDir(ex, 'cdw'), { recursive: true });
    const owner = {
      token: 'x',
      user: 'e\u001b]0;pwn\u0007vil',
      machine: 'm',
      pid: 1,
      procedure: 'p',
      cluster: 'c',
      since: 's',
    };
    writeFileSync(join(lockDir(ex, 'cdw'), 'owner'), `${JSON.stringify(owner)}\ngpadmin\n`);
    const r = await acquireRunLock(request(ex));
    assert.ok(!r.ok);
    assert.ok(!r.message.includes('\u001b') && !r.message.includes('\u0007'), 'no raw ESC or BEL');
    assert.match(r.message, /by e\\u\{1B\}\]0;pwn\\u\{7\}vil/);
    assert.equal(existsSync(lockDir(ex, 'scdw')), false, 'nothing taken on the other host');
  });
});

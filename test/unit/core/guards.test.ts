// The guard scripts and the move command run in a real bash against real directories and real processes
// (a copy of `sleep` named "postgres" stands in for a postmaster: /proc/<pid>/comm reads "postgres").
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeRemoteGuards, remoteGuardScript, stepCommand } from '../../../src/core/procedures/commands';
import { judgeStateGuard } from '../../../src/core/procedures/guards';
import { planNext } from '../../../src/core/planner';
import type { RemoteGuardId } from '../../../src/core/procedures/types';
import {
  activeFacts,
  labCluster,
  NOW,
  SITUATIONS,
  staleFacts,
  standbyFacts,
  stateOf,
  streaming,
} from '../engine/facts';
import { PROCEDURES } from '../../../src/core/procedures/definitions';

const bash = (script: string): string => execFileSync('bash', ['-c', script], { encoding: 'utf8' });
const PORT = 40000 + (process.pid % 20000);
const LOCK = `/tmp/.s.PGSQL.${PORT}.lock`;

describe('remote guards in a real shell', () => {
  let root: string;
  let dir: string;
  let fakePostgres: ChildProcess | undefined;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gpcoord-guards-'));
    dir = join(root, 'gpseg-1');
    mkdirSync(dir);
    writeFileSync(join(dir, 'PG_VERSION'), '15\n');
  });
  afterEach(() => {
    fakePostgres?.kill('SIGKILL');
    fakePostgres = undefined;
    rmSync(LOCK, { force: true });
    rmSync(root, { recursive: true, force: true });
  });

  const run = (id: RemoteGuardId, backupPath?: string) =>
    judgeRemoteGuards(
      [id],
      bash(remoteGuardScript(id, { host: 'cdw', dataDirectory: dir, port: PORT, backupPath })),
    ).get(id)!;

  async function startPostgres(): Promise<number> {
    const bin = join(root, 'postgres');
    copyFileSync('/bin/sleep', bin);
    execFileSync('chmod', ['+x', bin]);
    fakePostgres = spawn(bin, ['300'], { stdio: 'ignore' });
    await new Promise(r => setTimeout(r, 50));
    return fakePostgres.pid!;
  }

  it('refuses to move a directory whose postmaster.pid names a live postgres', async () => {
    const pid = await startPostgres();
    writeFileSync(join(dir, 'postmaster.pid'), `${pid}\n${dir}\n`);
    const r = run('data-directory-not-in-use');
    assert.equal(r.ok, false);
    assert.match(r.message, new RegExp(`postmaster PID ${pid} is running on ${dir}`));
  });

  it('refuses when the port lock file names a live postgres for this directory, even without postmaster.pid', async () => {
    const pid = await startPostgres();
    writeFileSync(LOCK, `${pid}\n${dir}\n`);
    assert.equal(run('data-directory-not-in-use').ok, false);
  });

  it('accepts a stale postmaster.pid whose PID is gone (after kill -9)', () => {
    writeFileSync(join(dir, 'postmaster.pid'), `999999999\n${dir}\n`);
    assert.equal(run('data-directory-not-in-use').ok, true);
  });

  it('treats a killed, unreaped postmaster (a zombie) as not running', async () => {
    const bin = join(root, 'postgres');
    copyFileSync('/bin/sleep', bin);
    execFileSync('chmod', ['+x', bin]);
    // The parent execs into sleep and never reaps its child, as an init that does not wait would.
    fakePostgres = spawn('bash', ['-c', `${bin} 300 & echo $! > ${root}/child; exec sleep 300`], { stdio: 'ignore' });
    await new Promise(r => setTimeout(r, 150));
    const child = Number(readFileSync(join(root, 'child'), 'utf8'));
    writeFileSync(join(dir, 'postmaster.pid'), `${child}\n${dir}\n`);
    assert.equal(run('data-directory-not-in-use').ok, false, 'alive: refused');
    process.kill(child, 'SIGKILL');
    await new Promise(r => setTimeout(r, 150));
    assert.match(readFileSync(`/proc/${child}/status`, 'utf8'), /State:\s*Z/, 'the child is a zombie');
    assert.equal(run('data-directory-not-in-use').ok, true, 'a zombie holds nothing');
  });

  it('reports a stale lock file with its meaning and leaves it in place', () => {
    writeFileSync(LOCK, `999999999\n${dir}\n`);
    const r = run('no-lock-file');
    assert.equal(r.ok, false);
    assert.match(r.message, /stale lock file .*PID 999999999 is not running.*gpcoord never deletes it/);
    assert.ok(existsSync(LOCK), 'the lock file must not be deleted');
  });

  it('refuses an existing backup name and a directory that is absent', () => {
    const backup = join(root, 'backup_gpseg-1');
    mkdirSync(backup);
    const r = run('backup-path-free', backup);
    assert.equal(r.ok, false);
    assert.match(
      r.message,
      /already exists on cdw: an existing backup is never overwritten/,
      'the host is named as the inventory names it, not by $(hostname)',
    );
    rmSync(dir, { recursive: true });
    assert.match(run('data-directory-present').message, /does not exist on cdw$/);
    assert.equal(run('data-directory-present').ok, false);
    assert.equal(run('data-directory-absent').ok, true);
  });

  it('checks the move is a rename on one filesystem', () => {
    assert.equal(run('same-filesystem').ok, true);
  });

  it('refuses hostile directory names before any guard script exists', () => {
    const evil = join(root, "gp$(touch pwned)`touch pwned2`'; touch pwned3 #");
    mkdirSync(evil);
    assert.throws(
      () => remoteGuardScript('data-directory-present', { host: 'cdw', dataDirectory: evil, port: PORT }),
      /data directory .* cannot be used in a remote command: it contains "\$"/,
    );
    assert.deepEqual(
      readdirSync(root).filter(n => n.startsWith('pwned')),
      [],
    );
  });

  it('the move command never overwrites or nests into an existing backup', () => {
    const backup = join(root, 'backup_gpseg-1');
    const { command } = stepCommand('move-aside', { host: 'cdw', dataDirectory: dir, port: PORT, backupPath: backup });
    bash(command);
    assert.ok(!existsSync(dir) && existsSync(join(backup, 'PG_VERSION')), 'moved');
    mkdirSync(dir);
    writeFileSync(join(dir, 'PG_VERSION'), 'second\n');
    assert.throws(() => bash(command), 'a second move onto the same backup must fail');
    assert.ok(
      existsSync(join(dir, 'PG_VERSION')) && !existsSync(join(backup, 'gpseg-1')),
      'nothing moved, nothing nested',
    );
  });
});

describe('state guards', () => {
  const cluster = labCluster();
  it("never lets the active coordinator's directory be moved", () => {
    // Plan a move for cdw on a state where it is the old coordinator, then judge it on a state where it is active.
    const d = planNext({
      procedure: 'restore-mirroring',
      cluster,
      state: SITUATIONS.afterFailover(cluster),
      journal: [],
      now: NOW,
    });
    assert.equal(d.kind, 'step');
    const step = (d as Extract<typeof d, { kind: 'step' }>).step;
    const guard = step.guards.find(g => g.id === 'host-not-active')!;
    const r = judgeStateGuard(guard, step, SITUATIONS.healthyOriginal(cluster));
    assert.equal(r.ok, false);
    assert.match(r.message, /cdw is the active coordinator/);
    const sb = judgeStateGuard(
      guard,
      step,
      stateOf(cluster, { cdw: standbyFacts('cdw'), scdw: activeFacts('scdw', null) }),
    );
    assert.equal(sb.ok, false, 'a directory a postmaster runs on is refused');
  });

  it('restore and swap steps need exactly one active coordinator: none (coordinator killed) and two (split brain) are refused', () => {
    const d = planNext({
      procedure: 'restore-mirroring',
      cluster,
      state: SITUATIONS.afterFailover(cluster),
      journal: [],
      now: NOW,
    });
    const step = (d as Extract<typeof d, { kind: 'step' }>).step;
    const guard = step.guards.find(g => g.id === 'one-active-coordinator')!;
    assert.equal(guard.description, 'exactly one host is the active coordinator (not none, not two: no split brain)');
    assert.equal(judgeStateGuard(guard, step, SITUATIONS.afterFailover(cluster)).ok, true);
    const none = judgeStateGuard(guard, step, SITUATIONS.bothDown(cluster));
    assert.equal(none.ok, false, 'no coordinator at all is not "at most one"');
    assert.match(none.message, /^no host is the active coordinator \(situation both-down\)$/);
    const unreachable = judgeStateGuard(guard, step, stateOf(cluster, { cdw: staleFacts('cdw'), scdw: 'timeout' }));
    assert.match(unreachable.message, /no host is the active coordinator .*not observed: scdw/);
    const two = judgeStateGuard(guard, step, SITUATIONS.splitBrain(cluster));
    assert.equal(two.ok, false);
    assert.match(two.message, /^split brain: /);
    for (const p of ['restore-mirroring', 'return-to-original'] as const) {
      for (const t of (p === 'restore-mirroring' ? [0, 1] : [0, 3, 4]).map(i => PROCEDURES[p].steps[i]!)) {
        assert.ok(
          t.guards.some(g => g.id === 'one-active-coordinator'),
          `${p} ${t.id}`,
        );
      }
    }
  });

  it('the activation has its own words: none active, none claiming to be', () => {
    const journal = [
      {
        ts: NOW.toISOString(),
        runId: 'r',
        cluster: 'lab',
        procedure: 'return-to-original' as const,
        type: 'step-started' as const,
        stepId: 'stop-coordinator',
      },
    ];
    const d = planNext({
      procedure: 'return-to-original',
      cluster,
      state: SITUATIONS.swapStopped(cluster),
      journal,
      now: NOW,
    });
    const step = (d as Extract<typeof d, { kind: 'step' }>).step;
    assert.equal(step.id, 'activate-standby');
    assert.ok(!step.guards.some(g => g.id === 'one-active-coordinator'));
    const guard = step.guards.find(g => g.id === 'no-active-coordinator')!;
    assert.equal(
      guard.description,
      'no host runs an active coordinator, and no two claim to (observed right before the step)',
    );
    assert.equal(judgeStateGuard(guard, step, SITUATIONS.swapStopped(cluster)).ok, true);
    const running = judgeStateGuard(
      guard,
      step,
      stateOf(cluster, { cdw: standbyFacts('cdw'), scdw: activeFacts('scdw', null) }),
    );
    assert.equal(running.ok, false);
    assert.match(running.message, /^scdw runs as the active coordinator$/);
    const two = judgeStateGuard(guard, step, SITUATIONS.splitBrain(cluster));
    assert.equal(two.ok, false, 'a split brain is not "none active"');
    assert.match(two.message, /^split brain: /);
    // The other host being observed down is the job of old-coordinator-confirmed-down on the same step.
    const hidden = stateOf(cluster, { cdw: standbyFacts('cdw'), scdw: 'connect timeout' });
    assert.equal(
      judgeStateGuard(
        step.guards.find(g => g.id === 'old-coordinator-confirmed-down')!,
        step,
        hidden,
      ).ok,
      false,
    );
  });

  it('refuses gpstop -m unless the standby is streaming, sync, sent = flush (replay may trail), and shows the numbers', () => {
    const d = planNext({
      procedure: 'return-to-original',
      cluster,
      state: SITUATIONS.restored(cluster),
      journal: [],
      now: NOW,
    });
    const step = (d as Extract<typeof d, { kind: 'step' }>).step;
    const guard = step.guards.find(g => g.id === 'standby-synchronized')!;
    assert.equal(judgeStateGuard(guard, step, SITUATIONS.restored(cluster)).ok, true);
    // As the real cluster shows under a few inserts a second: replay one record behind, flush in step.
    const replayBehind = stateOf(cluster, {
      cdw: standbyFacts('cdw'),
      scdw: activeFacts('scdw', 'cdw', [streaming('0/24003E70', { replayLsn: '0/24003DB8' })]),
    });
    const passed = judgeStateGuard(guard, step, replayBehind);
    assert.equal(passed.ok, true, passed.message);
    assert.match(passed.message, /sent = flush/);
    const behind = stateOf(cluster, {
      cdw: standbyFacts('cdw'),
      scdw: activeFacts('scdw', 'cdw', [streaming('0/3000060', { flushLsn: '0/3000000', replayLsn: '0/3000000' })]),
    });
    const r = judgeStateGuard(guard, step, behind);
    assert.equal(r.ok, false);
    assert.match(r.message, /has not flushed everything sent: .*sent 0\/3000060 flush 0\/3000000 replay 0\/3000000/);
    const async = stateOf(cluster, {
      cdw: standbyFacts('cdw'),
      scdw: activeFacts('scdw', 'cdw', [streaming('0/3000060', { syncState: 'async' })]),
    });
    assert.match(judgeStateGuard(guard, step, async).message, /sync state async/);
  });

  it('confirms the old coordinator down before activation, and reports a stale lock file instead of deleting it', () => {
    const journal = [
      {
        ts: NOW.toISOString(),
        runId: 'r',
        cluster: 'lab',
        procedure: 'return-to-original' as const,
        type: 'step-started' as const,
        stepId: 'stop-coordinator',
      },
    ];
    const d = planNext({
      procedure: 'return-to-original',
      cluster,
      state: SITUATIONS.swapStopped(cluster),
      journal,
      now: NOW,
    });
    const step = (d as Extract<typeof d, { kind: 'step' }>).step;
    assert.equal(step.id, 'activate-standby');
    const guard = step.guards.find(g => g.id === 'old-coordinator-confirmed-down')!;
    assert.equal(judgeStateGuard(guard, step, SITUATIONS.swapStopped(cluster)).ok, true);
    const locked = stateOf(cluster, { cdw: standbyFacts('cdw'), scdw: activeFacts('scdw', null) });
    assert.equal(judgeStateGuard(guard, step, locked).ok, false, 'a running coordinator is not down');
    const killed = stateOf(cluster, {
      cdw: standbyFacts('cdw'),
      scdw: {
        ...activeFacts('scdw', null),
        running: false,
        inRecovery: null,
        pid: 4242,
        lockFile: true,
        lockPid: 4242,
        lockAlive: false,
      },
    });
    const r = judgeStateGuard(guard, step, killed);
    assert.equal(r.ok, false);
    assert.match(
      r.message,
      /left by a postmaster that no longer runs.*remove the file yourself; gpcoord never deletes it/,
    );
    const unreachable = stateOf(cluster, { cdw: standbyFacts('cdw'), scdw: 'connection refused' });
    assert.match(judgeStateGuard(guard, step, unreachable).message, /not confirmed down/);
  });
});

// One operator at a time, through the real gpcoord command line on the lab: two runs started together (exactly one
// runs, the other is refused naming the holder), and a holder killed while its confirmation waits, whose lock is
// taken over only with --take-over-lock.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Lab } from '../lab';
import { clusterOf, coordinatorEntries, isDataDirectory, poolOf, startLab, stopLab } from '../engine/helpers';
import { hostTarget } from '../../../src/engine/observe';

const ROOT = resolve(__dirname, '..', '..', '..');
const state = mkdtempSync(join(tmpdir(), 'gpcoord-lock-state-'));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

interface Ended {
  code: number | null;
  out: string;
}

function gpcoord(args: string[]): Promise<Ended> {
  return new Promise(done => {
    const p = spawn(TSX, [MAIN, ...args], {
      cwd: state,
      env: { ...process.env, XDG_STATE_HOME: state },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', code => done({ code, out }));
  });
}

describe('the run lock through gpcoord on the lab', function () {
  this.timeout(240_000);
  let lab: Lab | undefined;
  let opts: string[] = [];

  before(async () => {
    lab = await startLab(64, 'after-failover', 'coordinator');
    opts = ['--inventory', lab.inventoryPath, '--ssh-config', lab.sshConfigPath];
  });
  after(async () => {
    await stopLab(lab);
  });

  it('two restore-mirroring runs started together: exactly one runs, the other is refused naming the holder', async () => {
    const runs = await Promise.all([
      gpcoord(['run', 'restore-mirroring', 'lab', '--yes', ...opts]),
      gpcoord(['run', 'restore-mirroring', 'lab', '--yes', ...opts]),
    ]);
    const codes = runs.map(r => r.code).sort();
    assert.deepEqual(codes, [0, 3], runs.map(r => r.out).join('\n-----\n'));
    const refused = runs.find(r => r.code === 3)!;
    assert.match(
      refused.out,
      new RegExp(
        `another run holds the run lock on cdw: restore-mirroring on cluster lab by \\S+ \\(as gpadmin on cdw\\) from ${hostname()}, pid \\d+, since \\d{4}-`,
      ),
    );
    assert.match(refused.out, /Summary: BLOCKED/);
    assert.match(runs.find(r => r.code === 0)!.out, /Summary: DONE/);
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['backup_gpseg-1', 'gpseg-1']);
    assert.ok(isDataDirectory(lab!, 'cdw', 'backup_gpseg-1'));
    // Released at the end: a dry run sees it free.
    const dry = await gpcoord(['run', 'return-to-original', 'lab', '--dry-run', ...opts]);
    assert.match(dry.out, /Run lock: free on every host reached/);
  });

  it('a holder killed at its confirmation: refused, then taken over with --take-over-lock', async () => {
    // script(1) gives the run a terminal, so it holds the lock while waiting at its first y/N.
    const line = [TSX, MAIN, 'run', 'return-to-original', 'lab', ...opts].map(a => `'${a}'`).join(' ');
    const waiting = spawn('script', ['-qec', line, '/dev/null'], {
      cwd: state,
      env: { ...process.env, XDG_STATE_HOME: state },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>(ready =>
      waiting.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/Continue\? \[y\/N\]/.test(out)) ready();
      }),
    );
    const pool = poolOf(lab!);
    const cdw = clusterOf(lab!).hosts.find(h => h.name === 'cdw')!;
    const owner = await pool.exec(hostTarget(cdw), 'head -n 1 "$HOME"/.gpcoord/run-5432.lock/owner');
    await pool.dispose();
    const pid = (JSON.parse(owner.stdout) as { pid: number }).pid;
    process.kill(pid, 'SIGKILL');
    await new Promise(done => waiting.on('close', done));
    const before = coordinatorEntries(lab!, 'cdw');

    const refused = await gpcoord(['run', 'return-to-original', 'lab', '--yes', ...opts]);
    assert.equal(refused.code, 3, refused.out);
    assert.match(refused.out, new RegExp(`its process ${pid} no longer runs on ${hostname()}.*--take-over-lock`));
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), before, 'nothing changed');

    const dry = await gpcoord(['run', 'return-to-original', 'lab', '--dry-run', ...opts]);
    assert.match(dry.out, new RegExp(`cdw: the run lock is held by return-to-original .* pid ${pid}`));

    const taken = await gpcoord(['run', 'return-to-original', 'lab', '--yes', '--take-over-lock', ...opts]);
    assert.match(taken.out, /Took over the run lock on cdw from return-to-original/);
    assert.equal(taken.code, 0, taken.out.slice(-3000));
    const after = await gpcoord(['run', 'return-to-original', 'lab', '--dry-run', ...opts]);
    assert.match(after.out, /Run lock: free on every host reached/);
  });

  it('a gpinitstandby still running on scdw (left by a killed client): a run refuses naming it and the host', async () => {
    const pool = poolOf(lab!);
    const scdw = hostTarget(clusterOf(lab!).hosts.find(h => h.name === 'scdw')!);
    let pid = 0;
    try {
      // A stand-in for an orphaned gpinitstandby: a process whose program name is gpinitstandby, on scdw.
      const started = await pool.exec(
        scdw,
        "nohup bash -c 'exec -a gpinitstandby sleep 120' >/dev/null 2>&1 </dev/null & echo $!",
      );
      pid = Number(started.stdout.trim());
      const before = coordinatorEntries(lab!, 'cdw');
      const r = await gpcoord(['run', 'restore-mirroring', 'lab', '--yes', ...opts]);
      assert.equal(r.code, 3, r.out);
      assert.match(
        r.out,
        new RegExp(`a step's program still runs — gpinitstandby \\(pid ${pid}\\) on scdw: gpinitstandby 120`),
      );
      assert.deepEqual(coordinatorEntries(lab!, 'cdw'), before, 'nothing changed');
    } finally {
      if (pid) await pool.exec(scdw, `kill ${pid}`);
      await pool.dispose();
    }
  });
});

// The lifecycle procedures' guard scripts and the lock file move, run in a real bash against real directories and
// processes (a copy of `sleep` named "postgres" stands in for a postmaster).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeRemoteGuards, remoteGuardScript, stepCommand } from '../../../src/core/procedures/commands';
import type { RemoteGuardId } from '../../../src/core/procedures/types';

const bash = (script: string): string => execFileSync('bash', ['-c', script], { encoding: 'utf8' });
const PORT = 20000 + (process.pid % 20000);
const LOCK = `/tmp/.s.PGSQL.${PORT}.lock`;

describe('lifecycle guards in a real shell', function () {
  // Each check starts a bash; on a busy machine that can take seconds.
  this.timeout(120_000);
  let root: string;
  let dir: string;
  let fakePostgres: ChildProcess | undefined;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gpcoord-lifecycle-'));
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

  const run = (id: RemoteGuardId, lockAsidePath?: string) =>
    judgeRemoteGuards(
      [id],
      bash(remoteGuardScript(id, { host: 'cdw', dataDirectory: dir, port: PORT, lockAsidePath })),
    ).get(id)!;

  async function startPostgres(): Promise<number> {
    const bin = join(root, 'postgres');
    copyFileSync('/bin/sleep', bin);
    execFileSync('chmod', ['+x', bin]);
    fakePostgres = spawn(bin, ['300'], { stdio: 'ignore' });
    await new Promise(r => setTimeout(r, 50));
    return fakePostgres.pid!;
  }

  it('standby-directory-intact: complete, a standby, and not running', async () => {
    assert.match(run('standby-directory-intact').message, /neither standby.signal nor recovery.conf/);
    writeFileSync(join(dir, 'standby.signal'), '');
    assert.equal(run('standby-directory-intact').ok, true);
    const pid = await startPostgres();
    writeFileSync(join(dir, 'postmaster.pid'), `${pid}\n${dir}\n`);
    assert.match(run('standby-directory-intact').message, new RegExp(`postmaster PID ${pid} already runs`));
    rmSync(join(dir, 'PG_VERSION'));
    assert.match(run('standby-directory-intact').message, /no PG_VERSION/);
    rmSync(dir, { recursive: true });
    assert.match(run('standby-directory-intact').message, /does not exist/);
  });

  it("not-a-standby-directory and is-standby-directory tell a coordinator's directory from a standby's", () => {
    assert.equal(run('not-a-standby-directory').ok, true);
    assert.equal(run('is-standby-directory').ok, false);
    writeFileSync(join(dir, 'recovery.conf'), "primary_conninfo = 'host=cdw'\n");
    assert.equal(run('not-a-standby-directory').ok, false);
    assert.equal(run('is-standby-directory').ok, true);
  });

  it('lock-file-stale: only a lock file whose PID is not a running postgres', async () => {
    assert.match(run('lock-file-stale').message, /there is no .* nothing to move/);
    const pid = await startPostgres();
    writeFileSync(LOCK, `${pid}\n${dir}\n`);
    const alive = run('lock-file-stale');
    assert.equal(alive.ok, false);
    assert.match(alive.message, new RegExp(`postgres PID ${pid} is alive`));
    writeFileSync(LOCK, `999999999\n${dir}\n`);
    assert.equal(run('lock-file-stale').ok, true);
  });

  it('moves the stale lock file aside, never over an earlier one, and never deletes it', () => {
    writeFileSync(LOCK, `999999999\n${dir}\n`);
    const aside = `${LOCK}.stale-test-${process.pid}`;
    try {
      assert.equal(run('lock-aside-path-free', aside).ok, true);
      const { command } = stepCommand('move-lock-aside', {
        host: 'cdw',
        dataDirectory: dir,
        port: PORT,
        lockPath: LOCK,
        lockAsidePath: aside,
      });
      bash(command);
      assert.ok(!existsSync(LOCK) && readFileSync(aside, 'utf8').startsWith('999999999'), 'moved, content kept');
      assert.equal(run('lock-aside-path-free', aside).ok, false);
      writeFileSync(LOCK, 'second\n');
      assert.throws(() => bash(command), 'a second move onto the same name must fail');
      assert.ok(readFileSync(aside, 'utf8').startsWith('999999999') && existsSync(LOCK), 'nothing overwritten');
    } finally {
      rmSync(aside, { force: true });
    }
  });
});

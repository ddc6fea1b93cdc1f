// The backup listing and the one removal the product makes, run in a real bash against real directories, symbolic
// links and processes (a copy of `sleep` named "postgres" stands in for a postmaster). Each check is broken once.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backupListScript,
  defaultRemovals,
  isBackupName,
  newestBackup,
  parseBackupList,
  parseRemoval,
  removeBackupScript,
} from '../../../src/core/backups';
import type { RemovalVerdict } from '../../../src/core/backups';

const bash = (script: string): string => execFileSync('bash', ['-c', script], { encoding: 'utf8' });

describe('backups in a real shell', function () {
  this.timeout(120_000);
  let root: string;
  let dir: string;
  let old: string;
  let newer: string;
  let fake: ChildProcess | undefined;

  const mkData = (path: string, mtime: number): void => {
    mkdirSync(path);
    writeFileSync(join(path, 'PG_VERSION'), '15\n');
    writeFileSync(join(path, 'base'), Buffer.alloc(64 * 1024));
    utimesSync(path, mtime, mtime);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gpcoord-backups-'));
    dir = join(root, 'gpseg-1');
    old = join(root, 'backup_gpseg-1');
    newer = join(root, 'backup_gpseg-1.20261126T210000Z');
    mkData(dir, 1_800_000_000);
    mkData(old, 1_700_000_000);
    mkData(newer, 1_750_000_000);
  });
  afterEach(() => {
    fake?.kill('SIGKILL');
    fake = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  const remove = (name: string, allowNewest = false): RemovalVerdict =>
    parseRemoval(name, bash(removeBackupScript(dir, name, allowNewest)));
  const failed = (v: RemovalVerdict): string[] => v.checks.filter(c => !c.ok).map(c => c.id);

  it('lists each backup with its size and age, and the newest', () => {
    const { entries, complete } = parseBackupList(dir, bash(backupListScript(dir)));
    assert.equal(complete, true);
    assert.deepEqual(entries.map(e => e.name).sort(), ['backup_gpseg-1', 'backup_gpseg-1.20261126T210000Z']);
    assert.ok(entries.every(e => e.sizeBytes >= 64 * 1024 && !e.symlink));
    assert.equal(entries.find(e => e.name === 'backup_gpseg-1')!.modifiedAt, new Date(1_700_000_000_000).toISOString());
    assert.equal(newestBackup(entries)!.name, 'backup_gpseg-1.20261126T210000Z');
    assert.deepEqual(
      defaultRemovals(entries, false).map(e => e.name),
      ['backup_gpseg-1'],
    );
  });

  it('removes an old backup after every check passed, and keeps the newest unless asked', () => {
    const v = remove('backup_gpseg-1');
    assert.equal(v.removed, true, JSON.stringify(v.checks));
    assert.deepEqual(failed(v), []);
    assert.equal(v.checks.length, 6);
    assert.ok(!existsSync(old) && existsSync(newer) && existsSync(join(dir, 'PG_VERSION')));
    const kept = remove('backup_gpseg-1.20261126T210000Z');
    assert.equal(kept.removed, false);
    assert.deepEqual(failed(kept), ['not-the-newest']);
    assert.ok(existsSync(newer));
    assert.equal(remove('backup_gpseg-1.20261126T210000Z', true).removed, true);
  });

  it("never removes a symbolic link's target, nor a backup a link beside it points to", () => {
    const elsewhere = join(root, 'elsewhere');
    mkData(elsewhere, 1_600_000_000);
    symlinkSync(elsewhere, join(root, 'backup_gpseg-1.link'));
    const v = remove('backup_gpseg-1.link');
    assert.equal(v.removed, false);
    assert.ok(failed(v).includes('not-a-symlink'));
    assert.ok(existsSync(join(elsewhere, 'PG_VERSION')), 'the target is untouched');
    symlinkSync(old, join(root, 'current'));
    const linked = remove('backup_gpseg-1');
    assert.deepEqual(failed(linked), ['not-a-link-target']);
    assert.ok(existsSync(join(old, 'PG_VERSION')));
  });

  it('never removes the data directory itself, even when the data directory is a link to a backup', () => {
    rmSync(dir, { recursive: true });
    symlinkSync(old, dir);
    const v = remove('backup_gpseg-1');
    assert.equal(v.removed, false);
    assert.ok(failed(v).includes('not-the-data-directory'));
    assert.ok(existsSync(join(old, 'PG_VERSION')));
  });

  it('never removes a backup a postgres runs in (postmaster.pid, or its working directory)', async () => {
    const bin = join(root, 'postgres');
    copyFileSync('/bin/sleep', bin);
    execFileSync('chmod', ['+x', bin]);
    fake = spawn(bin, ['300'], { stdio: 'ignore', cwd: old });
    await new Promise(r => setTimeout(r, 100));
    const byCwd = remove('backup_gpseg-1');
    assert.deepEqual(failed(byCwd), ['no-postmaster']);
    assert.match(
      byCwd.checks.find(c => c.id === 'no-postmaster')!.message,
      new RegExp(`postgres PID ${fake.pid!} runs in`),
    );
    fake.kill('SIGKILL');
    fake = spawn(bin, ['300'], { stdio: 'ignore', cwd: root });
    await new Promise(r => setTimeout(r, 100));
    writeFileSync(join(old, 'postmaster.pid'), `${fake.pid!}\n${old}\n`);
    utimesSync(old, 1_700_000_000, 1_700_000_000); // still the older backup
    assert.deepEqual(failed(remove('backup_gpseg-1')), ['no-postmaster']);
    assert.ok(existsSync(join(old, 'PG_VERSION')));
  });

  it('accepts only backup names of this data directory, so no path can be smuggled in', () => {
    for (const bad of [
      'gpseg-1',
      '../gpseg-1',
      'backup_gpseg-1.',
      'backup_gpseg-1..',
      'backup_gpseg-1./x',
      'backup_gpseg-1.a/../../x',
      'backup_gpseg-1.$(touch pwned)',
      'backup_other',
      'backup_gpseg-10',
    ]) {
      assert.equal(isBackupName(dir, bad), false, bad);
      assert.throws(() => removeBackupScript(dir, bad, true), /is not a backup of/);
    }
    assert.equal(isBackupName(dir, 'backup_gpseg-1.20261126T210000Z.2'), true);
  });
});

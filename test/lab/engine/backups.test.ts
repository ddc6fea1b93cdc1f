// Removing coordinator data directory backups on a lab host over real sshd: each check of the removal script is
// broken on the host right before the removal and must refuse it (leaving the backup and anything it points to in
// place); an old backup with every check holding is removed, the newest kept unless asked for.
import assert from 'node:assert/strict';
import type { ResolvedCluster } from '../../../src/core/inventory';
import { listBackups, removeBackup } from '../../../src/engine/backups';
import type { SshPool } from '../../../src/ssh/pool';
import { labExec } from '../lab';
import type { Lab } from '../lab';
import { clusterOf, poolOf, startLab, stopLab } from './helpers';

// A layout of its own beside the lab's coordinator, so the guards are broken without touching the real one.
const PARENT = '/data/coordinator/trial';
const DATA = `${PARENT}/gpseg-1`;

describe('engine: removing old backups, every check made on the host', function () {
  this.timeout(240_000);
  let lab: Lab | undefined;
  let pool: SshPool | undefined;
  let cluster: ResolvedCluster;

  const sh = async (command: string): Promise<string> => {
    const r = await labExec(lab!, 'cdw', command);
    assert.equal(r.code, 0, `${command}: ${r.stderr}`);
    return r.stdout;
  };
  /** A backup directory (with a file in it) last modified on the given day. */
  const backup = (name: string, day: string) =>
    sh(`mkdir -p ${PARENT}/${name} && echo x > ${PARENT}/${name}/PG_VERSION && touch -d '${day}' ${PARENT}/${name}`);
  const exists = async (path: string) => (await labExec(lab!, 'cdw', `test -e ${path} || test -L ${path}`)).code === 0;
  const failed = (r: { checks: Array<{ id: string; ok: boolean }> }) => r.checks.filter(c => !c.ok).map(c => c.id);

  before(async () => {
    lab = await startLab(67, 'healthy', 'coordinator');
    pool = poolOf(lab);
    const lab0 = clusterOf(lab);
    cluster = { ...lab0, hosts: lab0.hosts.map(h => (h.name === 'cdw' ? { ...h, dataDirectory: DATA } : h)) };
  });
  after(async () => {
    await pool?.dispose();
    await stopLab(lab);
  });

  beforeEach(async () => {
    await sh(`rm -rf ${PARENT} && mkdir -p ${DATA}`);
    await backup('backup_gpseg-1', '2026-01-01');
    await backup('backup_gpseg-1.20260201T000000Z', '2026-02-01');
    await backup('backup_gpseg-1.20260301T000000Z', '2026-03-01');
  });

  it('lists the backups with their sizes, then removes an old one and keeps the newest', async () => {
    const listed = (await listBackups(cluster, pool!)).find(h => h.host === 'cdw');
    assert.ok(listed?.ok, JSON.stringify(listed));
    assert.deepEqual(listed.entries.map(e => e.name).sort(), [
      'backup_gpseg-1',
      'backup_gpseg-1.20260201T000000Z',
      'backup_gpseg-1.20260301T000000Z',
    ]);
    assert.ok(listed.entries.every(e => e.sizeBytes > 0));
    const r = await removeBackup(cluster, pool!, 'cdw', 'backup_gpseg-1', false);
    assert.equal(r.removed, true, JSON.stringify(r));
    assert.deepEqual(failed(r), []);
    assert.equal(await exists(`${PARENT}/backup_gpseg-1`), false);
    assert.equal(await exists(`${PARENT}/backup_gpseg-1.20260301T000000Z`), true);
  });

  it('refuses the newest backup unless asked for, then removes it when asked', async () => {
    const refused = await removeBackup(cluster, pool!, 'cdw', 'backup_gpseg-1.20260301T000000Z', false);
    assert.equal(refused.removed, false);
    assert.deepEqual(failed(refused), ['not-the-newest']);
    assert.ok(await exists(`${PARENT}/backup_gpseg-1.20260301T000000Z`));
    const asked = await removeBackup(cluster, pool!, 'cdw', 'backup_gpseg-1.20260301T000000Z', true);
    assert.equal(asked.removed, true, JSON.stringify(asked));
    assert.equal(await exists(`${PARENT}/backup_gpseg-1.20260301T000000Z`), false);
  });

  it('refuses a backup made a symbolic link right before, and leaves its target', async () => {
    await sh(
      `rm -rf ${PARENT}/backup_gpseg-1 && mkdir -p ${PARENT}/elsewhere && ln -s elsewhere ${PARENT}/backup_gpseg-1`,
    );
    const r = await removeBackup(cluster, pool!, 'cdw', 'backup_gpseg-1', false);
    assert.equal(r.removed, false);
    assert.ok(failed(r).includes('not-a-symlink'), JSON.stringify(r.checks));
    assert.ok(await exists(`${PARENT}/elsewhere`));
    assert.ok(await exists(`${PARENT}/backup_gpseg-1`));
  });

  it('refuses a backup that became a plain file right before', async () => {
    await sh(
      `rm -rf ${PARENT}/backup_gpseg-1 && echo x > ${PARENT}/backup_gpseg-1 && touch -d 2026-01-01 ${PARENT}/backup_gpseg-1`,
    );
    const r = await removeBackup(cluster, pool!, 'cdw', 'backup_gpseg-1', false);
    assert.deepEqual(failed(r), ['is-a-directory']);
    assert.ok(await exists(`${PARENT}/backup_gpseg-1`));
  });

  it('refuses the backup the data directory points to (the directory in use)', async () => {
    await sh(`rmdir ${DATA} && ln -s backup_gpseg-1.20260201T000000Z ${DATA}`);
    const r = await removeBackup(cluster, pool!, 'cdw', 'backup_gpseg-1.20260201T000000Z', false);
    assert.equal(r.removed, false);
    assert.ok(failed(r).includes('not-the-data-directory'), JSON.stringify(r.checks));
    assert.ok(await exists(`${PARENT}/backup_gpseg-1.20260201T000000Z/PG_VERSION`));
  });

  it('refuses a backup another symbolic link beside it points to', async () => {
    await sh(`ln -s backup_gpseg-1.20260201T000000Z ${PARENT}/current`);
    const r = await removeBackup(cluster, pool!, 'cdw', 'backup_gpseg-1.20260201T000000Z', false);
    assert.deepEqual(failed(r), ['not-a-link-target']);
    assert.ok(await exists(`${PARENT}/backup_gpseg-1.20260201T000000Z/PG_VERSION`));
  });

  it('refuses a backup a live postgres runs in (its postmaster.pid names the running coordinator)', async () => {
    const pid = (await sh('head -n1 /data/coordinator/gpseg-1/postmaster.pid')).trim();
    assert.match(pid, /^\d+$/);
    await sh(`echo ${pid} > ${PARENT}/backup_gpseg-1/postmaster.pid && touch -d 2026-01-01 ${PARENT}/backup_gpseg-1`);
    const r = await removeBackup(cluster, pool!, 'cdw', 'backup_gpseg-1', false);
    assert.deepEqual(failed(r), ['no-postmaster']);
    assert.ok(await exists(`${PARENT}/backup_gpseg-1/PG_VERSION`));
  });
});

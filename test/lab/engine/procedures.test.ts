// Both procedures end to end against the lab's real sshd and PostgreSQL, from after-failover, then again (no-op).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseJournal } from '../../../src/core/procedures/journal';
import { observe } from '../../../src/engine/observe';
import type { SshPool } from '../../../src/ssh/pool';
import type { Lab } from '../lab';
import {
  clusterOf,
  coordinatorEntries,
  isDataDirectory,
  poolOf,
  runAll,
  startLab,
  stopLab,
  tempJournal,
} from './helpers';

describe('engine: procedures end to end (coordinator vocabulary)', function () {
  this.timeout(240_000);
  let lab: Lab | undefined;
  let pool: SshPool | undefined;
  const journal = tempJournal('procedures');

  before(async () => {
    lab = await startLab(34, 'after-failover', 'coordinator');
    pool = poolOf(lab);
  });
  after(async () => {
    await pool?.dispose();
    await stopLab(lab);
  });

  it('observes the after-failover state in one round trip per host', async () => {
    const cluster = clusterOf(lab!);
    const before = pool!.stats();
    const state = await observe(cluster, pool!);
    const after = pool!.stats();
    assert.equal(state.situation, 'after-failover');
    assert.equal(state.activeCoordinator, 'scdw');
    assert.equal(state.hosts.find(h => h.name === 'cdw')!.role, 'stale');
    for (const h of ['cdw', 'scdw'])
      assert.equal((after.byHost[h]?.execs ?? 0) - (before.byHost[h]?.execs ?? 0), 1, `round trips to ${h}`);
  });

  it('restores mirroring: old directory moved aside (kept), cdw a passive streaming standby', async () => {
    const cluster = clusterOf(lab!);
    const { result, confirmed } = await runAll('restore-mirroring', cluster, pool!, journal);
    assert.equal(result.status, 'done', result.message);
    assert.deepEqual(
      result.steps.map(s => `${s.step.id}@${s.step.host}:${s.status}`),
      ['move-aside@cdw:succeeded', 'init-standby@scdw:succeeded', 'verify-mirroring@scdw:succeeded'],
    );
    assert.deepEqual(
      confirmed.map(s => s.id),
      ['move-aside', 'init-standby'],
      'asked before each step that changes the cluster, and only those',
    );
    const s = result.state!;
    assert.equal(s.situation, 'healthy');
    assert.equal(s.activeCoordinator, 'scdw');
    assert.equal(s.standby.host, 'cdw');
    assert.equal(s.standby.status, 'passive');
    assert.equal(s.standby.walState, 'streaming');
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['backup_gpseg-1', 'gpseg-1']);
    assert.ok(isDataDirectory(lab!, 'cdw', 'backup_gpseg-1'), 'the old data directory is kept as backup_gpseg-1');
    const entries = parseJournal(readFileSync(journal, 'utf8'));
    assert.deepEqual(
      entries.filter(e => e.type === 'step-finished').map(e => `${e.stepId}:${e.status}`),
      ['move-aside:succeeded', 'init-standby:succeeded', 'verify-mirroring:succeeded'],
    );
  });

  it('running restore-mirroring again changes nothing', async () => {
    const { result, confirmed } = await runAll('restore-mirroring', clusterOf(lab!), pool!, journal);
    assert.equal(result.status, 'done', result.message);
    assert.equal(result.steps.length, 0);
    assert.equal(confirmed.length, 0);
  });

  it('returns the coordinator to cdw with scdw streaming, keeping the old directory of scdw', async () => {
    const { result } = await runAll('return-to-original', clusterOf(lab!), pool!, journal);
    assert.equal(result.status, 'done', result.message);
    assert.deepEqual(
      result.steps.map(s => s.step.id),
      ['stop-coordinator', 'activate-standby', 'check-activation', 'move-aside', 'init-standby', 'verify-mirroring'],
    );
    assert.ok(
      result.steps.every(s => s.status === 'succeeded'),
      JSON.stringify(result.steps.map(s => [s.step.id, s.status, s.message])),
    );
    const s = result.state!;
    assert.equal(s.activeCoordinator, 'cdw');
    assert.equal(s.standby.host, 'scdw');
    assert.equal(s.standby.walState, 'streaming');
    assert.deepEqual(coordinatorEntries(lab!, 'scdw'), ['backup_gpseg-1', 'gpseg-1']);
    assert.ok(isDataDirectory(lab!, 'scdw', 'backup_gpseg-1'));
  });

  it('running return-to-original again changes nothing', async () => {
    const { result, confirmed } = await runAll('return-to-original', clusterOf(lab!), pool!, journal);
    assert.equal(result.status, 'done', result.message);
    assert.equal(result.steps.length, 0);
    assert.equal(confirmed.length, 0);
  });

  it('kept one TCP connection per host for everything above', () => {
    const st = pool!.stats();
    assert.equal(st.byHost.cdw?.connectionsOpened, 1, JSON.stringify(st));
    assert.equal(st.byHost.scdw?.connectionsOpened, 1, JSON.stringify(st));
    assert.ok((st.byHost.cdw?.execs ?? 0) > 10, 'many commands over the one connection');
  });
});

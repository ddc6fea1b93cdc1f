// The coordinator's whole life on one lab, end to end over real sshd and PostgreSQL replication: kill -9 of the
// coordinator, failover (refused until fencing is confirmed), restore mirroring, a dry run that changes nothing,
// a stopped standby started again, a guard broken right before its step, a standby rebuilt after its data
// directory was removed, a failover to a host whose old coordinator does not answer, and a swap rolled back.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describeLastReplication } from '../../../src/core/history';
import { dryRun } from '../../../src/engine/dry-run';
import { HistoryFile, historyPathFor } from '../../../src/engine/history';
import { JournalFile } from '../../../src/engine/journal';
import { observe } from '../../../src/engine/observe';
import type { SshPool } from '../../../src/ssh/pool';
import { fault, labExec } from '../lab';
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

async function lockFiles(lab: Lab, host: string): Promise<string[]> {
  const r = await labExec(lab, host, 'ls -a /tmp');
  return r.stdout
    .split('\n')
    .filter(n => n.startsWith('.s.PGSQL.') && n.includes('.lock'))
    .sort();
}

describe('engine: the coordinator lifecycle end to end', function () {
  this.timeout(300_000);
  let lab: Lab | undefined;
  let pool: SshPool | undefined;
  const journal = tempJournal('lifecycle');
  const history = new HistoryFile(historyPathFor(journal));
  const record = {
    onEvent: (e: { type: string; state?: unknown }) =>
      e.type === 'observed'
        ? history.recordObservation((e as { state: Parameters<HistoryFile['recordObservation']>[0] }).state)
        : undefined,
  };
  const cluster = () => clusterOf(lab!);

  before(async () => {
    lab = await startLab(61, 'healthy', 'coordinator');
    pool = poolOf(lab);
    history.recordObservation(await observe(cluster(), pool));
  });
  after(async () => {
    await pool?.dispose();
    await stopLab(lab);
  });

  it('failover after kill -9: moves the stale lock file aside, then refuses to activate until cdw is confirmed fenced', async () => {
    await fault(lab!, 'kill-coordinator', 'cdw');
    assert.deepEqual(await lockFiles(lab!, 'cdw'), ['.s.PGSQL.5432.lock']);
    const { result } = await runAll('failover', cluster(), pool!, journal, record);
    assert.equal(result.status, 'refused', result.message);
    assert.deepEqual(
      result.steps.map(s => `${s.step.id}@${s.step.host}:${s.status}`),
      ['move-lock-aside@cdw:succeeded', 'activate-standby@scdw:refused'],
    );
    assert.match(result.message, /not confirmed fenced.*--confirm-fenced cdw/);
    const left = await lockFiles(lab!, 'cdw');
    assert.equal(left.length, 1);
    assert.match(left[0]!, /^\.s\.PGSQL\.5432\.lock\.stale-\d{8}T\d{6}Z$/, 'moved aside, not deleted');
    assert.equal(result.state!.activeCoordinator, null, 'nothing was activated');
  });

  it('failover with the fencing confirmed makes scdw the active coordinator, and the history knew the last replication state', async () => {
    assert.match(
      describeLastReplication(history.read(), new Date()),
      /coordinator cdw, standby scdw passive, WAL sender streaming, sync state sync/,
    );
    const { result, confirmed } = await runAll('failover', cluster(), pool!, journal, {
      ...record,
      planOptions: { fencedHost: 'cdw' },
    });
    assert.equal(result.status, 'done', result.message);
    assert.deepEqual(
      result.steps.map(s => `${s.step.id}@${s.step.host}:${s.status}`),
      ['activate-standby@scdw:succeeded', 'check-activation@scdw:succeeded'],
    );
    assert.equal(confirmed[0]!.command, 'gpactivatestandby -a -d /data/coordinator/gpseg-1', 'no -f');
    assert.equal(result.state!.activeCoordinator, 'scdw');
    assert.equal(result.state!.situation, 'after-failover');
    assert.match(result.message, /restore-mirroring/);
  });

  it('a dry run of restore-mirroring checks every guard on the hosts and changes nothing', async () => {
    const before = { cdw: coordinatorEntries(lab!, 'cdw'), scdw: coordinatorEntries(lab!, 'scdw') };
    const r = await dryRun({
      procedure: 'restore-mirroring',
      cluster: cluster(),
      executor: pool!,
      journal: new JournalFile(journal).read('lab'),
    });
    assert.equal(r.decision.kind, 'step');
    assert.deepEqual(
      r.steps.map(s => s.step.id),
      ['move-aside', 'init-standby', 'verify-mirroring'],
    );
    for (const s of r.steps)
      assert.equal(s.verdicts.length, s.step.guards.length, `every guard of ${s.step.id} judged`);
    assert.ok(
      r.steps[0]!.verdicts.every(v => v.ok),
      'the first step would run',
    );
    assert.equal(r.wouldRun, true);
    const absent = r.steps[1]!.verdicts.find(v => v.guard.id === 'data-directory-absent')!;
    assert.equal(absent.ok, false, "init-standby judged on today's state: the old directory is still there");
    assert.deepEqual({ cdw: coordinatorEntries(lab!, 'cdw'), scdw: coordinatorEntries(lab!, 'scdw') }, before);
    assert.equal((await observe(cluster(), pool!)).situation, 'after-failover');
  });

  it('restore-mirroring then makes cdw a passive, streaming standby', async () => {
    const { result } = await runAll('restore-mirroring', cluster(), pool!, journal, record);
    assert.equal(result.status, 'done', result.message);
    assert.equal(result.state!.standby.host, 'cdw');
    assert.equal(result.state!.standby.walState, 'streaming');
  });

  it('start-standby refuses when the standby directory stops being a standby right before the step', async () => {
    await fault(lab!, 'stop-standby', 'cdw');
    const { result } = await runAll('start-standby', cluster(), pool!, journal, {
      ...record,
      confirm: async () => {
        await labExec(
          lab!,
          'cdw',
          'mv /data/coordinator/gpseg-1/standby.signal /data/coordinator/gpseg-1/standby.signal.off',
        );
        return true;
      },
    });
    assert.equal(result.status, 'refused', result.message);
    assert.match(result.message, /neither standby.signal nor recovery.conf/);
    assert.equal((await observe(cluster(), pool!)).standby.status, 'down', 'nothing was started');
    await labExec(
      lab!,
      'cdw',
      'mv /data/coordinator/gpseg-1/standby.signal.off /data/coordinator/gpseg-1/standby.signal',
    );
  });

  it('start-standby starts the stopped standby (gpinitstandby -n) and it streams again', async () => {
    const { result } = await runAll('start-standby', cluster(), pool!, journal, record);
    assert.equal(result.status, 'done', result.message);
    assert.deepEqual(
      result.steps.map(s => `${s.step.id}:${s.status}`),
      ['start-standby:succeeded', 'verify-mirroring:succeeded'],
    );
    assert.equal(result.state!.situation, 'healthy');
  });

  it('rebuild-standby rebuilds a standby whose data directory was removed: gpinitstandby -r, -s, streaming', async () => {
    await fault(lab!, 'stop-standby', 'cdw');
    await labExec(lab!, 'cdw', 'rm -rf /data/coordinator/gpseg-1');
    const { result } = await runAll('rebuild-standby', cluster(), pool!, journal, record);
    assert.equal(result.status, 'done', result.message);
    assert.deepEqual(
      result.steps.map(s => `${s.step.id}@${s.step.host}:${s.status}`),
      ['remove-standby@scdw:succeeded', 'init-standby@scdw:succeeded', 'verify-mirroring@scdw:succeeded'],
    );
    assert.equal(result.state!.standby.walState, 'streaming');
    assert.ok(isDataDirectory(lab!, 'cdw', 'backup_gpseg-1'), 'the backup made by restore-mirroring is untouched');
  });

  it("rebuild-standby keeps a stopped standby's directory: moved aside before gpinitstandby -r would delete it", async () => {
    await fault(lab!, 'stop-standby', 'cdw');
    const { result } = await runAll('rebuild-standby', cluster(), pool!, journal, record);
    assert.equal(result.status, 'done', result.message);
    assert.deepEqual(
      result.steps.map(s => s.step.id),
      ['move-aside', 'remove-standby', 'init-standby', 'verify-mirroring'],
    );
    const backups = coordinatorEntries(lab!, 'cdw').filter(n => n.startsWith('backup_gpseg-1.'));
    assert.equal(backups.length, 1);
    assert.ok(isDataDirectory(lab!, 'cdw', backups[0]!));
  });

  it("fails over to cdw while scdw's host does not answer at all (sshd down), with its fencing confirmed", async () => {
    await fault(lab!, 'kill-coordinator', 'scdw');
    await fault(lab!, 'host-down', 'scdw');
    try {
      const refused = await runAll('failover', cluster(), pool!, journal, {
        ...record,
        planOptions: { fencedHost: 'cdw' },
      });
      assert.equal(refused.result.status, 'refused', "the typed name must be the old coordinator's");
      const { result } = await runAll('failover', cluster(), pool!, journal, {
        ...record,
        planOptions: { fencedHost: 'scdw' },
      });
      assert.equal(result.status, 'done', result.message);
      assert.deepEqual(
        result.steps.map(s => `${s.step.id}@${s.step.host}:${s.status}`),
        ['activate-standby@cdw:succeeded', 'check-activation@cdw:succeeded'],
      );
      assert.equal(result.state!.activeCoordinator, 'cdw');
    } finally {
      await fault(lab!, 'host-up', 'scdw');
    }
    const { result } = await runAll('restore-mirroring', cluster(), pool!, journal, record);
    assert.equal(result.status, 'done', result.message);
    assert.equal(result.state!.standby.host, 'scdw');
  });

  it('a swap stopped after gpstop -m whose standby went down is rolled back: gpstart -a on the host it stopped', async () => {
    // cdw (the original coordinator) is active again: hand the role to scdw first, so that there is something to return.
    await fault(lab!, 'kill-coordinator', 'cdw');
    // The killed postmaster's children take a moment to exit; until then the failover's guards rightly refuse.
    let failover = await runAll('failover', cluster(), pool!, journal, {
      ...record,
      planOptions: { fencedHost: 'cdw' },
    });
    for (let i = 0; i < 15 && failover.result.status === 'refused'; i++) {
      await new Promise(r => setTimeout(r, 2000));
      failover = await runAll('failover', cluster(), pool!, journal, { ...record, planOptions: { fencedHost: 'cdw' } });
    }
    assert.equal(failover.result.status, 'done', failover.result.message);
    assert.equal((await runAll('restore-mirroring', cluster(), pool!, journal, record)).result.status, 'done');
    const swap = await runAll('return-to-original', cluster(), pool!, journal, {
      ...record,
      syncWaitMs: 60_000,
      confirm: async step => {
        if (step.id !== 'activate-standby') return true;
        await fault(lab!, 'stop-standby', 'cdw');
        return false;
      },
    });
    assert.equal(swap.result.status, 'declined', swap.result.message);
    assert.match(swap.result.steps[0]!.step.warning ?? '', /ends every client session/);
    assert.equal((await observe(cluster(), pool!)).activeCoordinator, null, 'no coordinator now');
    const { result, confirmed } = await runAll('return-to-original', cluster(), pool!, journal, record);
    assert.equal(result.status, 'done', result.message);
    assert.equal(confirmed[0]!.title, 'Start the stopped coordinator again (gpstart -a)');
    assert.deepEqual(
      result.steps.map(s => `${s.step.id}@${s.step.host}:${s.status}`),
      ['restart-coordinator@scdw:succeeded'],
    );
    assert.equal(result.state!.activeCoordinator, 'scdw');
    assert.ok(existsSync(history.path));
  });
});

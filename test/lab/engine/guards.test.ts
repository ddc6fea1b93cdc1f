// Every guard of a step that asks first, broken on the lab while its confirmation waits (the runner's confirm
// callback is the moment between the question and the answer): the answer is yes, the run must refuse with that
// guard's words, and nothing may have changed. Then the fault is undone and the procedure goes on.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import type { StepId } from '../../../src/core/procedures/types';
import type { RunEvent } from '../../../src/engine/runner';
import type { SshPool } from '../../../src/ssh/pool';
import { RUN_EXIT } from '../../../src/cli/commands/run';
import { fault, labExec, runningPostgres } from '../lab';
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

describe('engine: each guard broken while its confirmation waits (master vocabulary)', function () {
  this.timeout(240_000);
  let lab: Lab | undefined;
  let pool: SshPool | undefined;
  const journal = tempJournal('guards');

  before(async () => {
    lab = await startLab(72, 'after-failover', 'master');
    pool = poolOf(lab);
  });
  after(async () => {
    await pool?.dispose();
    await stopLab(lab);
  });

  const sh = async (host: string, command: string): Promise<void> => {
    const r = await labExec(lab!, host, command);
    assert.equal(r.code, 0, `${host}: ${command}: ${r.stderr}${r.stdout}`);
  };
  const pgCtl = (action: string): string =>
    `. ${lab!.environmentScript} && pg_ctl -D ${lab!.dataDirectory} -l /tmp/guards-${action}.log -w -t 60 ${action === 'stop' ? '-m fast stop' : 'start'}`;
  const parent = (): string => dirname(lab!.dataDirectory);
  /** A restarted standby takes a moment to reconnect: the next test starts from a streaming standby on cdw. */
  const streamingAgain = (): Promise<void> =>
    sh(
      'scdw',
      `. ${lab!.environmentScript} && for i in $(seq 1 60); do [ "$(psql -X -At -h /tmp -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] && exit 0; sleep 1; done; exit 1`,
    );

  /**
   * Runs the procedure; when `stepId` asks for confirmation, `breakIt` runs, then the answer is yes. The run must be
   * refused at that step (CLI exit 3) with every guard in `failing` reported failed and the first one's words.
   */
  async function refusedAt(
    procedure: 'restore-mirroring' | 'return-to-original',
    stepId: StepId,
    failing: string[],
    breakIt: () => Promise<void>,
  ): Promise<RunEvent[]> {
    let broken = false;
    const { result, events } = await runAll(procedure, clusterOf(lab!), pool!, journal, {
      confirm: async step => {
        if (step.id === stepId && !broken) {
          await breakIt();
          broken = true;
        }
        return true;
      },
    });
    assert.ok(broken, `the confirmation of ${stepId} was never asked: ${result.status} ${result.message}`);
    assert.equal(result.status, 'refused', result.message);
    assert.equal(RUN_EXIT[result.status], 3);
    const last = result.steps[result.steps.length - 1]!;
    assert.equal(last.step.id, stepId);
    assert.equal(last.status, 'refused', 'one word for one outcome: the step is refused, as the run is');
    const failed = events.filter(
      (e): e is Extract<RunEvent, { type: 'guard' }> => e.type === 'guard' && e.step.id === stepId && !e.ok,
    );
    for (const id of failing)
      assert.ok(
        failed.some(e => e.guard.id === id),
        `guard ${id} did not fail: ${JSON.stringify(failed.map(e => [e.guard.id, e.message]))}`,
      );
    const first = failed[0]!;
    assert.ok(result.message.includes(`${first.guard.description}: ${first.message}`), result.message);
    assert.ok(
      !events.some(e => e.type === 'step' && e.step.id === stepId && e.status === 'running'),
      'the step never started',
    );
    return events;
  }

  it('move-aside: the coordinator killed while the confirmation waits → refused, cdw untouched (one-active-coordinator)', async () => {
    await refusedAt('restore-mirroring', 'move-aside', ['one-active-coordinator'], () =>
      fault(lab!, 'kill-coordinator', 'scdw'),
    );
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['gpseg-1']);
    assert.ok(isDataDirectory(lab!, 'cdw', 'gpseg-1'));
    // The killed postmaster's children may still hold its shared memory for a moment: start again until it takes.
    await sh('scdw', `for i in $(seq 1 30); do (${pgCtl('start')}) && exit 0; sleep 1; done; exit 1`);
  });

  it('move-aside: the old coordinator started again (split brain, a postmaster on the directory) → refused', async () => {
    await refusedAt(
      'restore-mirroring',
      'move-aside',
      ['one-active-coordinator', 'host-not-active', 'data-directory-not-in-use'],
      () => sh('cdw', pgCtl('start')),
    );
    await sh('cdw', pgCtl('stop'));
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['gpseg-1']);
  });

  it('move-aside: the data directory moved away meanwhile → refused (data-directory-present)', async () => {
    await refusedAt('restore-mirroring', 'move-aside', ['data-directory-present'], () =>
      sh('cdw', `mv ${lab!.dataDirectory} ${parent()}/elsewhere`),
    );
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['elsewhere']);
    await sh('cdw', `mv ${parent()}/elsewhere ${lab!.dataDirectory}`);
  });

  it('move-aside: the backup name taken meanwhile → refused, the new entry untouched (backup-path-free)', async () => {
    await refusedAt('restore-mirroring', 'move-aside', ['backup-path-free'], () =>
      sh('cdw', `mkdir ${parent()}/backup_gpseg-1 && touch ${parent()}/backup_gpseg-1/KEEP`),
    );
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['backup_gpseg-1', 'gpseg-1']);
    await sh('cdw', `rm ${parent()}/backup_gpseg-1/KEEP && rmdir ${parent()}/backup_gpseg-1`);
  });

  it('move-aside: the parent made read-only meanwhile → refused (same-filesystem)', async () => {
    await refusedAt('restore-mirroring', 'move-aside', ['same-filesystem'], () => sh('cdw', `chmod a-w ${parent()}`));
    await sh('cdw', `chmod u+w ${parent()}`);
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['gpseg-1']);
  });

  it('init-standby: a standby row appears in the catalog, or the directory reappears, meanwhile → refused', async () => {
    const row =
      "INSERT INTO gp_segment_configuration VALUES (99, -1, 'm', 'm', 's', 'u', 5432, 'cdw', 'cdw', '/data/master/gpseg-1')";
    const psql = (sql: string): string => `. ${lab!.environmentScript} && psql -X -q -h /tmp -d postgres -c "${sql}"`;
    await refusedAt('restore-mirroring', 'init-standby', ['no-standby-configured'], () => sh('scdw', psql(row)));
    await sh('scdw', psql('DELETE FROM gp_segment_configuration WHERE dbid = 99'));
    await refusedAt('restore-mirroring', 'init-standby', ['data-directory-absent'], () =>
      sh('cdw', `mkdir ${lab!.dataDirectory}`),
    );
    await sh('cdw', `rmdir ${lab!.dataDirectory}`);
    // Undone: the procedure goes on from what it observes.
    const { result } = await runAll('restore-mirroring', clusterOf(lab!), pool!, journal);
    assert.equal(result.status, 'done', result.message);
    assert.equal(result.state!.standby.host, 'cdw');
  });

  it('stop-coordinator: the standby stopped meanwhile → refused, the coordinator still runs (standby-synchronized)', async () => {
    await refusedAt('return-to-original', 'stop-coordinator', ['standby-synchronized'], () =>
      fault(lab!, 'stop-standby', 'cdw'),
    );
    assert.ok(
      runningPostgres(lab!).some(p => p.host === 'scdw' && !p.standby),
      'scdw still runs as the coordinator',
    );
    await sh('cdw', pgCtl('start'));
    await streamingAgain();
  });

  it('activate-standby: the old coordinator started again, or the standby stopped, meanwhile → refused, nothing activated', async () => {
    await refusedAt(
      'return-to-original',
      'activate-standby',
      ['no-active-coordinator', 'old-coordinator-confirmed-down', 'postmaster-stopped'],
      () => sh('scdw', pgCtl('start')),
    );
    assert.ok(
      runningPostgres(lab!).some(p => p.host === 'cdw' && p.standby),
      'cdw is still a standby',
    );
    await streamingAgain();
    // The stopped coordinator writes a newer shutdown checkpoint while its standby is down: the standby lacks it.
    const checkpointMissed = await refusedAt(
      'return-to-original',
      'activate-standby',
      ['standby-holds-final-checkpoint'],
      async () => {
        await fault(lab!, 'stop-standby', 'cdw');
        await sh('scdw', pgCtl('start'));
        await sh('scdw', pgCtl('stop'));
        await sh('cdw', pgCtl('start'));
      },
    );
    const missed = checkpointMissed.find(
      (e): e is Extract<RunEvent, { type: 'guard' }> =>
        e.type === 'guard' && e.guard.id === 'standby-holds-final-checkpoint',
    )!;
    assert.match(
      missed.message,
      /^the WAL on cdw lacks the record at [0-9A-F]+\/[0-9A-F]+, the last checkpoint of the stopped coordinator on scdw/,
    );
    assert.ok(
      runningPostgres(lab!).some(p => p.host === 'cdw' && p.standby),
      'cdw is still a standby',
    );
    await sh('scdw', pgCtl('start'));
    await streamingAgain();
    await refusedAt(
      'return-to-original',
      'activate-standby',
      ['host-is-running-standby', 'standby-marker-present'],
      () => fault(lab!, 'stop-standby', 'cdw'),
    );
    assert.ok(!runningPostgres(lab!).some(p => p.host === 'cdw'), 'cdw was not activated');
    await sh('cdw', pgCtl('start'));
    const { result } = await runAll('return-to-original', clusterOf(lab!), pool!, journal);
    assert.equal(result.status, 'done', result.message);
    assert.equal(result.state!.activeCoordinator, 'cdw');
  });
});

// Faults injected into real runs: the engine must refuse what is unsafe, say clearly why, mark a step whose outcome
// it cannot know as unknown and re-observe, resume on the next run, and never lose a data directory.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildStep } from '../../../src/core/planner';
import { observe } from '../../../src/engine/observe';
import { evaluateGuards } from '../../../src/engine/guard-check';
import type { SshPool } from '../../../src/ssh/pool';
import { fault, hostDataPath, labExec } from '../lab';
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

describe('engine: faults and refusals (master vocabulary)', function () {
  this.timeout(240_000);
  let lab: Lab | undefined;
  let pool: SshPool | undefined;
  const journal = tempJournal('faults');

  before(async () => {
    lab = await startLab(36, 'after-failover', 'master');
    pool = poolOf(lab);
  });
  after(async () => {
    await pool?.dispose();
    await stopLab(lab);
  });

  it("refuses, on the hosts themselves, to move the active coordinator's directory that a postmaster uses", async () => {
    const cluster = clusterOf(lab!);
    const state = await observe(cluster, pool!);
    assert.equal(state.activeCoordinator, 'scdw');
    // A move planned from a wrong picture of the cluster (as if cdw were active) must still be refused.
    const scdw = cluster.hosts.find(h => h.name === 'scdw')!;
    const cdw = cluster.hosts.find(h => h.name === 'cdw')!;
    const step = buildStep('restore-mirroring', 0, cluster, { active: cdw, newStandby: scdw }, state, new Date());
    assert.equal(step.host, 'scdw');
    const { verdicts } = await evaluateGuards({ cluster, executor: pool! }, step);
    const byId = new Map(verdicts.map(v => [v.guard.id, v]));
    assert.equal(byId.get('host-not-active')!.ok, false);
    assert.match(byId.get('host-not-active')!.message, /scdw is the active coordinator/);
    assert.equal(byId.get('data-directory-not-in-use')!.ok, false);
    assert.match(
      byId.get('data-directory-not-in-use')!.message,
      /postmaster PID \d+ is running on \/data\/master\/gpseg-1 on scdw/,
    );
    assert.ok(isDataDirectory(lab!, 'scdw', 'gpseg-1'), "the active coordinator's directory is untouched");
  });

  it('split brain (the old coordinator started again) blocks every procedure loudly', async () => {
    const start = await labExec(
      lab!,
      'cdw',
      `. ${lab!.environmentScript} && pg_ctl -D ${lab!.dataDirectory} -l /tmp/split.log -w -t 60 start`,
    );
    assert.equal(start.code, 0, start.stderr + start.stdout);
    try {
      const cluster = clusterOf(lab!);
      const state = await observe(cluster, pool!);
      assert.equal(state.situation, 'split-brain');
      for (const p of ['restore-mirroring', 'return-to-original', 'check'] as const) {
        const { result, confirmed } = await runAll(p, cluster, pool!, journal);
        assert.equal(result.status, 'blocked', p);
        assert.match(result.message, /SPLIT BRAIN/);
        assert.equal(confirmed.length, 0, 'nothing was even proposed');
      }
    } finally {
      const stop = await labExec(
        lab!,
        'cdw',
        `. ${lab!.environmentScript} && pg_ctl -D ${lab!.dataDirectory} -m fast -w stop`,
      );
      assert.equal(stop.code, 0, stop.stderr);
    }
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['gpseg-1']);
  });

  it('a host that is down blocks the procedure with a clear message and changes nothing', async () => {
    // host-down stops sshd's listener; the sessions already open (our pooled connection) are cut as well.
    await fault(lab!, 'host-down', 'cdw');
    await fault(lab!, 'drop-connections', 'cdw');
    try {
      const { result } = await runAll('restore-mirroring', clusterOf(lab!), pool!, journal);
      assert.equal(
        result.status,
        'blocked',
        `${result.message} ${JSON.stringify(result.steps.map(s => [s.step.id, s.status, s.message]))}`,
      );
      assert.match(result.message, /cdw could not be reached .*Make sure it is healthy/);
      assert.equal(result.steps.length, 0);
    } finally {
      await fault(lab!, 'host-up', 'cdw');
    }
    assert.ok(isDataDirectory(lab!, 'cdw', 'gpseg-1'));
  });

  it('a slow host makes a short observation time out with the reason, not a guess', async () => {
    await fault(lab!, 'slow-host', 'cdw');
    const state = await observe(clusterOf(lab!), pool!, { timeoutMs: 1000 });
    const cdw = state.hosts.find(h => h.name === 'cdw')!;
    assert.equal(cdw.reachable, false);
    assert.equal(cdw.role, 'unknown');
    assert.equal(cdw.failure, 'timeout');
    assert.match(cdw.error ?? '', /Timed out after 1000 ms on cdw/);
  });

  it('a connection dropped during the move leaves the step unknown, re-observed, and the next run resumes without losing anything', async () => {
    // An older backup is already there: it must survive, and the move must pick a new name.
    const parent = dirname(lab!.dataDirectory);
    const prep = await labExec(
      lab!,
      'cdw',
      `mkdir ${parent}/backup_gpseg-1 && echo keep > ${parent}/backup_gpseg-1/KEEP`,
    );
    assert.equal(prep.code, 0, prep.stderr);
    const cluster = clusterOf(lab!);
    let dropped = false;
    const first = await runAll('restore-mirroring', cluster, pool!, journal, {
      onEvent: e => {
        if (e.type === 'step' && e.status === 'running' && e.step.id === 'move-aside' && !dropped) {
          dropped = true;
          // cdw is slow (each command starts 3 s late): the drop lands while the move's shell is still starting.
          setTimeout(() => void fault(lab!, 'drop-connections', 'cdw'), 1000);
        }
      },
    });
    assert.ok(dropped, 'the fault was injected');
    assert.equal(first.result.status, 'unknown', first.result.message);
    const moved = first.result.steps.find(s => s.step.id === 'move-aside')!;
    assert.equal(moved.status, 'unknown');
    assert.match(
      first.result.message,
      /outcome of "Move the stale data directory aside" on cdw is unknown.*re-observed.*Run the procedure again/,
    );
    assert.ok(first.events.filter(e => e.type === 'observed').length >= 3, 're-observed after the unknown step');
    await fault(lab!, 'fast-host', 'cdw');

    const second = await runAll('restore-mirroring', cluster, pool!, journal);
    assert.equal(second.result.status, 'done', second.result.message);
    assert.equal(second.result.state!.standby.host, 'cdw');
    assert.equal(second.result.state!.standby.walState, 'streaming');
    const entries = coordinatorEntries(lab!, 'cdw');
    assert.equal(
      readFileSync(join(dirname(hostDataPath(lab!, 'cdw')), 'backup_gpseg-1', 'KEEP'), 'utf8'),
      'keep\n',
      'the older backup is untouched',
    );
    const stamped = entries.filter(n => /^backup_gpseg-1\.\d{8}T\d{6}Z(\.\d+)?$/.test(n));
    assert.equal(stamped.length, 1, `one timestamped backup: ${entries.join(', ')}`);
    assert.ok(isDataDirectory(lab!, 'cdw', stamped[0]!), 'the old data directory is in the timestamped backup');
    assert.ok(isDataDirectory(lab!, 'cdw', 'gpseg-1'), 'the new standby directory');
  });

  it('the swap stops at a stale lock file on the old coordinator host, leaves it there, and resumes once it is gone', async () => {
    const cluster = clusterOf(lab!);
    const lockPath = `/tmp/.s.PGSQL.${lab!.pgPort}.lock`;
    let planted = false;
    const first = await runAll('return-to-original', cluster, pool!, journal, {
      confirm: async step => {
        if (step.id === 'activate-standby' && !planted) {
          // As after a kill -9: a lock file naming a PID that no longer runs.
          const r = await labExec(lab!, 'scdw', `printf '999999\\n${lab!.dataDirectory}\\n' > ${lockPath}`);
          assert.equal(r.code, 0, r.stderr);
          planted = true;
        }
        return true;
      },
    });
    assert.ok(planted);
    assert.equal(first.result.status, 'refused', first.result.message);
    assert.match(first.result.message, /Activate the standby.*lock/s);
    assert.match(first.result.message, /gpcoord never deletes it/);
    assert.deepEqual(
      first.result.steps.map(s => `${s.step.id}:${s.status}`),
      ['stop-coordinator:succeeded', 'activate-standby:refused'],
    );
    const present = await labExec(lab!, 'scdw', `cat ${lockPath}`);
    assert.match(present.stdout, /^999999/, 'the lock file is left for the user to judge');
    // The user checks no postgres uses the port and removes it; the next run resumes with the activation.
    assert.equal((await labExec(lab!, 'scdw', `rm ${lockPath}`)).code, 0);
    const second = await runAll('return-to-original', cluster, pool!, journal);
    assert.equal(second.result.status, 'done', second.result.message);
    assert.equal(second.result.steps[0]!.step.id, 'activate-standby');
    assert.equal(second.result.state!.activeCoordinator, 'cdw');
    assert.equal(second.result.state!.standby.host, 'scdw');
    assert.equal(second.result.state!.standby.walState, 'streaming');
    assert.ok(isDataDirectory(lab!, 'scdw', 'backup_gpseg-1'));
  });

  it('a killed coordinator: the stale lock file is reported with its meaning, kept, and no activation is attempted', async () => {
    await fault(lab!, 'kill-coordinator', 'cdw');
    const cluster = clusterOf(lab!);
    const state = await observe(cluster, pool!);
    assert.equal(state.situation, 'coordinator-down');
    const lock = state.problems.find(p => p.code === 'stale-lock-file' && p.host === 'cdw');
    assert.ok(lock, JSON.stringify(state.problems));
    assert.match(lock.text, /kill -9.*gpactivatestandby refuses.*never deletes it/);
    const swap = await runAll('return-to-original', cluster, pool!, journal);
    assert.equal(swap.result.status, 'blocked');
    assert.match(swap.result.message, /No active coordinator/);
    const restore = await runAll('restore-mirroring', cluster, pool!, journal);
    assert.equal(restore.result.status, 'blocked');
    assert.match(restore.result.message, /gpactivatestandby/);
    const still = await labExec(lab!, 'cdw', `test -e /tmp/.s.PGSQL.${lab!.pgPort}.lock && echo present`);
    assert.equal(still.stdout.trim(), 'present', 'the lock file is never deleted');
    assert.ok(isDataDirectory(lab!, 'cdw', 'gpseg-1') && existsSync(hostDataPath(lab!, 'scdw')));
  });
});

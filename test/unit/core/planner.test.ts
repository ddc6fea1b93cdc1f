import assert from 'node:assert/strict';
import { parseInventory, resolveCluster } from '../../../src/core/inventory';
import type { ResolvedCluster } from '../../../src/core/inventory';
import { planNext } from '../../../src/core/planner';
import type { PlanDecision, PlanInput } from '../../../src/core/planner';
import type { JournalEntry } from '../../../src/core/procedures/journal';
import type { ProcedureId, StepId } from '../../../src/core/procedures/types';
import type { ClusterState } from '../../../src/core/state';
import {
  activeFacts,
  labCluster,
  movedFacts,
  NOW,
  SITUATIONS,
  staleFacts,
  standbyFacts,
  stateOf,
  streaming,
} from '../engine/facts';

const cluster = labCluster();

function plan(procedure: ProcedureId, state: ClusterState, journal: JournalEntry[] = [], runId?: string): PlanDecision {
  const input: PlanInput = { procedure, cluster, state, journal, now: NOW };
  if (runId) input.runId = runId;
  return planNext(input);
}

function step(d: PlanDecision) {
  assert.equal(d.kind, 'step', d.kind === 'blocked' ? d.reason : d.kind === 'done' ? d.message : '');
  return (d as Extract<PlanDecision, { kind: 'step' }>).step;
}

function entry(
  procedure: ProcedureId,
  type: JournalEntry['type'],
  stepId?: StepId,
  status?: string,
  runId = 'r1',
): JournalEntry {
  const e: JournalEntry = { ts: NOW.toISOString(), runId, cluster: 'lab', procedure, type };
  if (stepId) e.stepId = stepId;
  if (status) e.status = status;
  return e;
}
const ran = (procedure: ProcedureId, stepId: StepId, status = 'succeeded', runId = 'r1'): JournalEntry[] => [
  entry(procedure, 'step-started', stepId, undefined, runId),
  entry(procedure, 'step-finished', stepId, status, runId),
];

describe('planner: restore-mirroring', () => {
  it('after a failover, first moves the stale directory on the old coordinator aside, never deleting it', () => {
    const s = step(plan('restore-mirroring', SITUATIONS.afterFailover(cluster)));
    assert.equal(s.id, 'move-aside');
    assert.equal(s.host, 'cdw');
    assert.equal(s.changesCluster, true);
    assert.equal(
      s.command,
      'test ! -e /data/coordinator/backup_gpseg-1 && mv -T /data/coordinator/gpseg-1 /data/coordinator/backup_gpseg-1',
    );
    assert.doesNotMatch(s.command, /\brm\b/);
    const ids = s.guards.map(g => `${g.kind}:${g.id}@${g.host}`);
    assert.deepEqual(ids, [
      'state:one-active-coordinator@cdw',
      'state:host-not-active@cdw',
      'remote:data-directory-present@cdw',
      'remote:data-directory-not-in-use@cdw',
      'remote:backup-path-free@cdw',
      'remote:same-filesystem@cdw',
    ]);
  });

  it('picks a timestamped backup name when backup_gpseg-1 already exists', () => {
    const st = stateOf(cluster, {
      cdw: staleFacts('cdw', { backups: ['backup_gpseg-1'] }),
      scdw: activeFacts('scdw', null),
    });
    const s = step(plan('restore-mirroring', st));
    assert.equal(s.params.backupPath, '/data/coordinator/backup_gpseg-1.20261126T210000Z');
    assert.match(s.command, /^test ! -e \/data\/coordinator\/backup_gpseg-1\.20261126T210000Z && mv -T /);
  });

  it('once the directory is gone, runs gpinitstandby -s on the active coordinator with its PGPORT', () => {
    const d = plan('restore-mirroring', SITUATIONS.afterMove(cluster));
    const s = step(d);
    assert.equal(s.id, 'init-standby');
    assert.equal(s.host, 'scdw');
    assert.equal(s.command, 'gpinitstandby -a -s cdw');
    assert.deepEqual(s.env, {
      COORDINATOR_DATA_DIRECTORY: '/data/coordinator/gpseg-1',
      MASTER_DATA_DIRECTORY: '/data/coordinator/gpseg-1',
      PGPORT: '5432',
    });
    assert.ok(s.guards.some(g => g.id === 'data-directory-absent' && g.host === 'cdw'));
    assert.deepEqual(d.kind === 'step' && d.upcoming.map(u => `${u.id}@${u.host}`), ['verify-mirroring@scdw']);
  });

  it("names -S and -P when the standby directory and port differ from the coordinator's", () => {
    const c = labCluster('        dataDirectory: /data/standby/gpseg-1\n        port: 5433\n');
    const st = stateOf(c, { cdw: activeFacts('cdw', null), scdw: movedFacts('scdw') });
    const s = step(planNext({ procedure: 'restore-mirroring', cluster: c, state: st, journal: [], now: NOW }));
    assert.equal(s.command, 'gpinitstandby -a -s scdw -S /data/standby/gpseg-1 -P 5433');
  });

  it('names the standby directory with -F pg_system:<dir> and no -S on Greenplum 5, pinned or detected', () => {
    const inventory = (release: string): ResolvedCluster => {
      const r = parseInventory(
        `clusters:\n  lab:\n${release}    dataDirectory: /data/master/gpseg-1\n    hosts:\n      - name: cdw\n        role: coordinator\n      - name: scdw\n        dataDirectory: /data/standby/gpseg-1\n`,
      );
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      return resolveCluster('lab', r.inventory.clusters.lab!);
    };
    const pinned = inventory('    release: "5"\n');
    const st = stateOf(pinned, { cdw: activeFacts('cdw', null), scdw: movedFacts('scdw') });
    assert.equal(st.release, '5');
    const s = step(planNext({ procedure: 'restore-mirroring', cluster: pinned, state: st, journal: [], now: NOW }));
    assert.equal(s.command, 'gpinitstandby -a -s scdw -F pg_system:/data/standby/gpseg-1 -P 5432');
    assert.doesNotMatch(s.command, / -S /);

    const unpinned = inventory('');
    const gp5 = 'postgres (Greenplum Database) 5.29.10 build commit:ce4c4bb1a2dcdb1b0a1bf2a7d4d70e3ff1a6a2b3';
    const detected = stateOf(unpinned, {
      cdw: activeFacts('cdw', null),
      scdw: { ...movedFacts('scdw'), gpVersion: gp5 },
    });
    assert.equal(detected.release, '5');
    assert.match(
      step(planNext({ procedure: 'restore-mirroring', cluster: unpinned, state: detected, journal: [], now: NOW }))
        .command,
      / -F pg_system:\/data\/standby\/gpseg-1 /,
    );

    const cbdb = stateOf(unpinned, {
      cdw: { ...activeFacts('cdw', null), gpVersion: 'postgres (Apache Cloudberry) 2.0.0-incubating build 1' },
      scdw: { ...movedFacts('scdw'), gpVersion: gp5 },
    });
    assert.equal(cbdb.release, 'cloudberry-2', "the active coordinator's binary decides");
    assert.equal(
      step(planNext({ procedure: 'restore-mirroring', cluster: unpinned, state: cbdb, journal: [], now: NOW })).command,
      'gpinitstandby -a -s scdw -S /data/standby/gpseg-1 -P 5432',
    );
  });

  it('verifies with gpstate -f after gpinitstandby, then is done', () => {
    const j = ran('restore-mirroring', 'init-standby');
    const s = step(plan('restore-mirroring', SITUATIONS.restored(cluster), j, 'r1'));
    assert.equal(s.id, 'verify-mirroring');
    assert.equal(s.command, 'gpstate -f');
    assert.equal(s.changesCluster, false);
    const done = plan(
      'restore-mirroring',
      SITUATIONS.restored(cluster),
      [...j, ...ran('restore-mirroring', 'verify-mirroring')],
      'r1',
    );
    assert.equal(done.kind, 'done');
  });

  it('resumes after an interruption: an unknown gpinitstandby outcome is verified, not assumed', () => {
    const j = ran('restore-mirroring', 'init-standby', 'unknown', 'r0');
    assert.equal(step(plan('restore-mirroring', SITUATIONS.restored(cluster), j, 'r2')).id, 'verify-mirroring');
    // …and when the catalog shows no standby after all, it plans gpinitstandby again (the directory is still moved).
    assert.equal(step(plan('restore-mirroring', SITUATIONS.afterMove(cluster), j, 'r2')).id, 'init-standby');
  });

  it('running again when mirroring is healthy changes nothing', () => {
    const d = plan('restore-mirroring', SITUATIONS.restored(cluster));
    assert.equal(d.kind, 'done');
    assert.equal(plan('restore-mirroring', SITUATIONS.healthyOriginal(cluster)).kind, 'done');
  });

  it('is blocked when the old coordinator cannot be reached, or runs a postmaster the catalog does not know', () => {
    const unreachable = plan(
      'restore-mirroring',
      stateOf(cluster, { cdw: 'connect ECONNREFUSED', scdw: activeFacts('scdw', null) }),
    );
    assert.equal(unreachable.kind, 'blocked');
    assert.match(unreachable.kind === 'blocked' ? unreachable.reason : '', /cdw could not be reached/);
    const running = plan(
      'restore-mirroring',
      stateOf(cluster, { cdw: standbyFacts('cdw'), scdw: activeFacts('scdw', null) }),
    );
    assert.equal(running.kind, 'blocked');
    assert.match(running.kind === 'blocked' ? running.reason : '', /postmaster \(PID 5151\) runs/);
  });

  it('refuses without an active coordinator and says what to do', () => {
    const down = plan('restore-mirroring', SITUATIONS.swapStopped(cluster));
    assert.equal(down.kind, 'blocked');
    assert.match(down.kind === 'blocked' ? down.reason : '', /gpactivatestandby/);
    const both = plan('restore-mirroring', SITUATIONS.bothDown(cluster));
    assert.match(both.kind === 'blocked' ? both.reason : '', /both down/);
  });

  it('is blocked when a configured standby is down instead of rebuilding it', () => {
    const st = stateOf(cluster, { cdw: activeFacts('cdw', 'scdw'), scdw: facts0() });
    const d = plan('restore-mirroring', st);
    assert.equal(d.kind, 'blocked');
    assert.match(d.kind === 'blocked' ? d.reason : '', /gpinitstandby -n/);
  });
});

function facts0() {
  return staleFacts('scdw', { standbySignal: true });
}

describe('planner: split brain', () => {
  it('blocks every procedure with a loud reason', () => {
    for (const p of ['restore-mirroring', 'return-to-original', 'check'] as const) {
      const d = plan(p, SITUATIONS.splitBrain(cluster));
      assert.equal(d.kind, 'blocked', p);
      assert.match(d.kind === 'blocked' ? d.reason : '', /SPLIT BRAIN/);
      assert.match(d.kind === 'blocked' ? d.reason : '', /cdw.*scdw/);
    }
  });
});

describe('planner: return-to-original', () => {
  it('starts with gpstop -m on the acting coordinator and shows the whole swap', () => {
    const d = plan('return-to-original', SITUATIONS.restored(cluster));
    const s = step(d);
    assert.equal(s.id, 'stop-coordinator');
    assert.equal(s.host, 'scdw');
    assert.equal(s.command, 'gpstop -a -m -M fast');
    assert.ok(s.guards.some(g => g.id === 'standby-synchronized' && g.host === 'cdw'));
    assert.deepEqual(d.kind === 'step' && d.upcoming.map(u => `${u.id}@${u.host}: ${u.command}`), [
      'activate-standby@cdw: gpactivatestandby -a -d /data/coordinator/gpseg-1',
      'check-activation@cdw: gpstate -b',
      'move-aside@scdw: test ! -e /data/coordinator/backup_gpseg-1 && mv -T /data/coordinator/gpseg-1 /data/coordinator/backup_gpseg-1',
      'init-standby@cdw: gpinitstandby -a -s scdw',
      'verify-mirroring@cdw: gpstate -f',
    ]);
  });

  it('activates the original host with PGPORT = its own port, only after this procedure stopped the coordinator', () => {
    const j = ran('return-to-original', 'stop-coordinator');
    const s = step(plan('return-to-original', SITUATIONS.swapStopped(cluster), j, 'r1'));
    assert.equal(s.id, 'activate-standby');
    assert.equal(s.host, 'cdw');
    assert.equal(s.env.PGPORT, '5432');
    assert.ok(s.guards.some(g => g.id === 'old-coordinator-confirmed-down' && g.host === 'scdw'));
    assert.ok(s.guards.some(g => g.id === 'no-lock-file' && g.host === 'scdw'));
    const foreign = plan('return-to-original', SITUATIONS.swapStopped(cluster));
    assert.equal(foreign.kind, 'blocked');
    assert.match(foreign.kind === 'blocked' ? foreign.reason : '', /did not stop it/);
  });

  it('continues after activation: gpstate -b, then move scdw aside, then gpinitstandby -s scdw, then verify', () => {
    const j1 = ran('return-to-original', 'activate-standby');
    assert.equal(step(plan('return-to-original', SITUATIONS.swapActivated(cluster), j1, 'r1')).id, 'check-activation');
    const j2 = [...j1, ...ran('return-to-original', 'check-activation')];
    const mv = step(plan('return-to-original', SITUATIONS.swapActivated(cluster), j2, 'r1'));
    assert.equal(`${mv.id}@${mv.host}`, 'move-aside@scdw');
    const j3 = [...j2, ...ran('return-to-original', 'move-aside')];
    const init = step(plan('return-to-original', SITUATIONS.swapMoved(cluster), j3, 'r1'));
    assert.equal(`${init.id}@${init.host}: ${init.command}`, 'init-standby@cdw: gpinitstandby -a -s scdw');
    const j4 = [...j3, ...ran('return-to-original', 'init-standby')];
    assert.equal(
      step(plan('return-to-original', SITUATIONS.healthyOriginal(cluster), j4, 'r1')).id,
      'verify-mirroring',
    );
    const j5 = [...j4, ...ran('return-to-original', 'verify-mirroring')];
    assert.equal(plan('return-to-original', SITUATIONS.healthyOriginal(cluster), j5, 'r1').kind, 'done');
  });

  it('resumes in a new run from the observed state', () => {
    const j = [
      ...ran('return-to-original', 'activate-standby', 'succeeded', 'r0'),
      ...ran('return-to-original', 'check-activation', 'succeeded', 'r0'),
    ];
    assert.equal(step(plan('return-to-original', SITUATIONS.swapActivated(cluster), j, 'r5')).id, 'move-aside');
  });

  it('changes nothing when the original host is already the coordinator with a streaming standby', () => {
    const d = plan('return-to-original', SITUATIONS.healthyOriginal(cluster));
    assert.equal(d.kind, 'done');
  });

  it('asks for restore-mirroring first when the acting coordinator has no standby', () => {
    const d = plan('return-to-original', SITUATIONS.afterFailover(cluster));
    assert.equal(d.kind, 'blocked');
    assert.match(d.kind === 'blocked' ? d.reason : '', /restore-mirroring first/);
  });

  it('refuses to plan the swap while the standby is not streaming', () => {
    const st = stateOf(cluster, {
      cdw: standbyFacts('cdw'),
      scdw: activeFacts('scdw', 'cdw', [streaming('0/5000000', { state: 'catchup', syncState: 'potential' })]),
    });
    const d = plan('return-to-original', st);
    assert.equal(d.kind, 'blocked');
  });
});

describe('planner: check', () => {
  it('runs gpstate -f once on the active coordinator, read-only', () => {
    const s = step(plan('check', SITUATIONS.restored(cluster), [], 'r1'));
    assert.equal(`${s.id}@${s.host}: ${s.command}`, 'check-mirroring@scdw: gpstate -f');
    assert.equal(s.changesCluster, false);
    assert.equal(plan('check', SITUATIONS.restored(cluster), ran('check', 'check-mirroring'), 'r1').kind, 'done');
  });
});

describe('a host that could not be observed is never taken for down', () => {
  // The old coordinator's host refused our connection (its host key changed, or the network is cut): it may still
  // run the coordinator, so nothing may plan an activation beside it.
  const partitioned = stateOf(cluster, { cdw: standbyFacts('cdw'), scdw: 'Host key for scdw has CHANGED' });

  it('calls the situation unknown and says what to confirm, on which host', () => {
    assert.equal(partitioned.situation, 'unknown');
    const p = partitioned.problems.find(x => x.code === 'coordinator-unconfirmed');
    assert.ok(p, JSON.stringify(partitioned.problems));
    assert.match(p.text, /scdw could not be observed: its coordinator may still be running/);
  });

  it('blocks the swap even after its own gpstop -m, and restore-mirroring too', () => {
    const afterStop = ran('return-to-original', 'stop-coordinator');
    const swap = plan('return-to-original', partitioned, afterStop, 'r1');
    assert.equal(swap.kind, 'blocked', JSON.stringify(swap));
    assert.match(JSON.stringify(swap), /Cannot tell which host is the active coordinator/);
    const restore = plan('restore-mirroring', partitioned);
    assert.equal(restore.kind, 'blocked', JSON.stringify(restore));
  });
});

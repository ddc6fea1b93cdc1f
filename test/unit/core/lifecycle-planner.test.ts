import assert from 'node:assert/strict';
import { planNext } from '../../../src/core/planner';
import type { PlanDecision, PlanInput } from '../../../src/core/planner';
import type { PlanOptions } from '../../../src/core/lifecycle-planner';
import { changedSinceVerified } from '../../../src/core/procedures/journal';
import type { JournalEntry } from '../../../src/core/procedures/journal';
import { judgeStateGuard, judgeVerification } from '../../../src/core/procedures/guards';
import type { PlannedStep, ProcedureId, StepId } from '../../../src/core/procedures/types';
import type { ClusterState } from '../../../src/core/state';
import {
  activeFacts,
  DIR,
  facts,
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

function plan(
  procedure: ProcedureId,
  state: ClusterState,
  o: { journal?: JournalEntry[]; runId?: string; options?: PlanOptions; c?: typeof cluster } = {},
): PlanDecision {
  const input: PlanInput = { procedure, cluster: o.c ?? cluster, state, journal: o.journal ?? [], now: NOW };
  if (o.runId) input.runId = o.runId;
  if (o.options) input.options = o.options;
  return planNext(input);
}

function step(d: PlanDecision): PlannedStep {
  assert.equal(d.kind, 'step', d.kind === 'blocked' ? d.reason : d.kind === 'done' ? d.message : '');
  return (d as Extract<PlanDecision, { kind: 'step' }>).step;
}
const upcoming = (d: PlanDecision): string[] => (d.kind === 'step' ? d.upcoming.map(u => `${u.id}@${u.host}`) : []);
const reason = (d: PlanDecision): string =>
  d.kind === 'blocked' ? d.reason : d.kind === 'done' ? `DONE ${d.message}` : `STEP ${d.step.id}`;

function ran(procedure: ProcedureId, stepId: StepId, host: string, status = 'succeeded', runId = 'r1'): JournalEntry[] {
  const base = { ts: NOW.toISOString(), runId, cluster: 'lab', procedure, stepId, host };
  return [
    { ...base, type: 'step-started' },
    { ...base, type: 'step-finished', status },
  ];
}

/** The coordinator on cdw killed with kill -9: no postmaster, its lock file left behind; scdw still a running standby. */
const killed = (over = {}) =>
  staleFacts('cdw', { pidFile: true, pid: 4242, lockFile: true, lockPid: 4242, lockAlive: false, ...over });
const stoppedStandby = (host: string) =>
  facts({ hostname: host, standbySignal: true, clusterStateText: 'shut down in recovery' });

describe('planner: failover', () => {
  it('moves the stale lock file on the old coordinator aside first, never deleting it', () => {
    const d = plan('failover', stateOf(cluster, { cdw: killed(), scdw: standbyFacts('scdw') }));
    const s = step(d);
    assert.equal(s.id, 'move-lock-aside');
    assert.equal(s.host, 'cdw');
    assert.equal(
      s.command,
      'test ! -e /tmp/.s.PGSQL.5432.lock.stale-20261126T210000Z && mv -T /tmp/.s.PGSQL.5432.lock /tmp/.s.PGSQL.5432.lock.stale-20261126T210000Z',
    );
    assert.doesNotMatch(s.command, /\brm\b/);
    assert.deepEqual(
      s.guards.map(g => `${g.kind}:${g.id}@${g.host}`),
      [
        'state:no-split-brain@cdw',
        'state:no-active-coordinator@cdw',
        'remote:postmaster-stopped@cdw',
        'remote:lock-file-stale@cdw',
        'remote:lock-aside-path-free@cdw',
      ],
    );
    assert.match(s.warning ?? '', /kill -9/);
    assert.deepEqual(upcoming(d), ['activate-standby@scdw', 'check-activation@scdw']);
  });

  it('activates the standby with PGPORT and no -f, guarded by the typed fencing name', () => {
    const st = stateOf(cluster, { cdw: staleFacts('cdw'), scdw: standbyFacts('scdw') });
    const s = step(plan('failover', st, { options: { fencedHost: 'cdw' } }));
    assert.equal(s.id, 'activate-standby');
    assert.equal(s.host, 'scdw');
    assert.equal(s.command, `gpactivatestandby -a -d ${DIR}`);
    assert.equal(s.env.PGPORT, '5432');
    const fencing = s.guards.find(g => g.id === 'fencing-confirmed')!;
    assert.equal(fencing.host, 'cdw');
    assert.equal(judgeStateGuard(fencing, s, st).ok, true);
    const unconfirmed = step(plan('failover', st));
    const refusal = judgeStateGuard(fencing, unconfirmed, st);
    assert.equal(refusal.ok, false);
    assert.match(refusal.message, /--confirm-fenced cdw/);
    const wrongName = step(plan('failover', st, { options: { fencedHost: 'scdw' } }));
    assert.equal(judgeStateGuard(fencing, wrongName, st).ok, false);
  });

  it('accepts an old coordinator that does not answer, bounds the activation and says how to shorten the wait', () => {
    const st = stateOf(cluster, { cdw: 'connect-failed: connect ECONNREFUSED', scdw: standbyFacts('scdw') });
    const s = step(plan('failover', st, { options: { fencedHost: 'cdw' } }));
    assert.equal(s.id, 'activate-standby');
    assert.equal(s.timeoutMs, 6 * 60_000);
    assert.match(s.warning ?? '', /cdw does not answer.*ConnectTimeout/s);
    const down = s.guards.find(g => g.id === 'down-or-unreachable')!;
    assert.equal(judgeStateGuard(down, s, st).ok, true);
  });

  it('refuses while the old coordinator host runs a postmaster', () => {
    const st = stateOf(cluster, { cdw: staleFacts('cdw'), scdw: standbyFacts('scdw') });
    const s = step(plan('failover', st, { options: { fencedHost: 'cdw' } }));
    const down = s.guards.find(g => g.id === 'down-or-unreachable')!;
    const running = stateOf(cluster, { cdw: standbyFacts('cdw'), scdw: standbyFacts('scdw') });
    const j = judgeStateGuard(down, s, running);
    assert.equal(j.ok, false);
    assert.match(j.message, /PID 5151\) runs .* not down/);
  });

  it('never uses -f unless chosen, and only with the standby postmaster down', () => {
    const st = stateOf(cluster, { cdw: staleFacts('cdw'), scdw: stoppedStandby('scdw') });
    const d = plan('failover', st, { options: { fencedHost: 'cdw' } });
    assert.equal(d.kind, 'blocked');
    assert.match(reason(d), /latest commits may be lost.*--force-activation/s);
    const s = step(plan('failover', st, { options: { fencedHost: 'cdw', force: true } }));
    assert.equal(s.command, `gpactivatestandby -a -f -d ${DIR}`);
    assert.equal(
      step(
        plan('failover', stateOf(cluster, { cdw: staleFacts('cdw'), scdw: standbyFacts('scdw') }), {
          options: { force: true },
        }),
      ).command,
      `gpactivatestandby -a -f -d ${DIR}`,
    );
  });

  it('checks the activation with gpstate -b, then is done and points to restore-mirroring', () => {
    const after = SITUATIONS.afterFailover(cluster);
    const journal = ran('failover', 'activate-standby', 'scdw');
    const s = step(plan('failover', after, { journal, runId: 'r1' }));
    assert.equal(s.id, 'check-activation');
    assert.equal(s.command, 'gpstate -b');
    const done = plan('failover', after, {
      journal: [...journal, ...ran('failover', 'check-activation', 'scdw')],
      runId: 'r1',
    });
    assert.match(reason(done), /^DONE scdw is the active coordinator.*restore-mirroring/);
  });

  it('has nothing to do with a healthy coordinator, and nothing at all in split brain', () => {
    assert.match(
      reason(plan('failover', SITUATIONS.healthyOriginal(cluster))),
      /^DONE cdw is the active coordinator: there is nothing to fail over\.$/,
    );
    assert.match(reason(plan('failover', SITUATIONS.splitBrain(cluster))), /^SPLIT BRAIN/);
  });

  it('verifies the lock file is gone after the move', () => {
    const s = step(plan('failover', stateOf(cluster, { cdw: killed(), scdw: standbyFacts('scdw') })));
    assert.equal(judgeVerification(s, stateOf(cluster, { cdw: killed(), scdw: standbyFacts('scdw') })).ok, false);
    assert.equal(
      judgeVerification(s, stateOf(cluster, { cdw: staleFacts('cdw'), scdw: standbyFacts('scdw') })).ok,
      true,
    );
  });
});

describe('planner: start-standby', () => {
  const down = () => stateOf(cluster, { cdw: activeFacts('cdw', 'scdw'), scdw: stoppedStandby('scdw') });

  it('starts a stopped standby with an intact directory (gpinitstandby -n) on the active coordinator', () => {
    const d = plan('start-standby', down());
    const s = step(d);
    assert.equal(s.id, 'start-standby');
    assert.equal(s.host, 'cdw');
    assert.equal(s.command, 'gpinitstandby -n');
    assert.deepEqual(
      s.guards.map(g => `${g.kind}:${g.id}@${g.host}`),
      [
        'state:one-active-coordinator@cdw',
        'state:host-is-active@cdw',
        'state:standby-listed@scdw',
        'state:no-wal-sender@cdw',
        'remote:standby-directory-intact@scdw',
      ],
    );
    assert.deepEqual(upcoming(d), ['verify-mirroring@cdw']);
    assert.equal(judgeStateGuard(s.guards[3]!, s, down()).ok, true);
  });

  it('refuses when another WAL sender is connected (gpinitstandby -n would start nothing)', () => {
    const s = step(plan('start-standby', down()));
    const withSender = stateOf(cluster, {
      cdw: activeFacts('cdw', 'scdw', [streaming('0/5000000', { state: 'backup', applicationName: 'pg_basebackup' })]),
      scdw: stoppedStandby('scdw'),
    });
    const j = judgeStateGuard(
      s.guards.find(g => g.id === 'no-wal-sender')!,
      s,
      withSender,
    );
    assert.equal(j.ok, false);
    assert.match(j.message, /already up/);
  });

  it('sends a standby without a data directory to rebuild-standby, and a healthy one is done', () => {
    const missing = stateOf(cluster, { cdw: activeFacts('cdw', 'scdw'), scdw: movedFacts('scdw') });
    assert.match(reason(plan('start-standby', missing)), /does not exist there.*rebuild-standby/);
    assert.match(
      reason(plan('start-standby', SITUATIONS.healthyOriginal(cluster))),
      /^DONE The standby on scdw runs and streams/,
    );
    assert.match(
      reason(plan('start-standby', SITUATIONS.afterFailover(cluster))),
      /lists no standby: create one with restore-mirroring/,
    );
  });
});

describe('planner: rebuild-standby', () => {
  it('stops a standby that runs but cannot stream, then moves aside, removes, initialises and verifies', () => {
    const st = stateOf(cluster, { cdw: activeFacts('cdw', 'scdw'), scdw: standbyFacts('scdw') });
    const d = plan('rebuild-standby', st);
    const s = step(d);
    assert.equal(s.id, 'stop-standby');
    assert.equal(s.host, 'scdw');
    assert.equal(s.command, `pg_ctl stop -D ${DIR} -m fast -w`);
    assert.deepEqual(upcoming(d), [
      'move-aside@scdw',
      'remove-standby@cdw',
      'init-standby@cdw',
      'verify-mirroring@cdw',
    ]);
  });

  it("moves a stopped standby's directory aside before gpinitstandby -r, which would delete it", () => {
    const st = stateOf(cluster, { cdw: activeFacts('cdw', 'scdw'), scdw: stoppedStandby('scdw') });
    const s = step(plan('rebuild-standby', st));
    assert.equal(s.id, 'move-aside');
    assert.match(s.command, /mv -T \/data\/coordinator\/gpseg-1 \/data\/coordinator\/backup_gpseg-1$/);
  });

  it('removes a catalog row without a directory, guarded by the directory being absent', () => {
    const st = stateOf(cluster, { cdw: activeFacts('cdw', 'scdw'), scdw: movedFacts('scdw') });
    const s = step(plan('rebuild-standby', st));
    assert.equal(s.id, 'remove-standby');
    assert.equal(s.command, 'gpinitstandby -a -r');
    assert.ok(s.guards.some(g => g.id === 'data-directory-absent' && g.host === 'scdw'));
    assert.equal(
      judgeVerification(s, stateOf(cluster, { cdw: activeFacts('cdw', null), scdw: movedFacts('scdw') })).ok,
      true,
    );
  });

  it('initialises the standby again once the catalog row is gone, on the host it worked on', () => {
    const journal = [
      ...ran('rebuild-standby', 'move-aside', 'scdw'),
      ...ran('rebuild-standby', 'remove-standby', 'cdw'),
    ];
    const s = step(
      plan('rebuild-standby', stateOf(cluster, { cdw: activeFacts('cdw', null), scdw: movedFacts('scdw') }), {
        journal,
        runId: 'r1',
      }),
    );
    assert.equal(s.id, 'init-standby');
    assert.equal(s.command, 'gpinitstandby -a -s scdw');
    const verify = step(
      plan('rebuild-standby', SITUATIONS.healthyOriginal(cluster), {
        journal: [...journal, ...ran('rebuild-standby', 'init-standby', 'cdw')],
        runId: 'r1',
      }),
    );
    assert.equal(verify.id, 'verify-mirroring');
  });

  it('has nothing to rebuild for a streaming standby or without one', () => {
    assert.match(reason(plan('rebuild-standby', SITUATIONS.healthyOriginal(cluster))), /^DONE .*nothing to rebuild/);
    assert.match(
      reason(plan('rebuild-standby', SITUATIONS.afterFailover(cluster))),
      /lists no standby: there is nothing to rebuild/,
    );
  });
});

describe('planner: restore-mirroring after an interrupted gpinitstandby -s', () => {
  // "Database catalog updated successfully." and then the interruption: a standby row, no data directory.
  const halfInit = () => stateOf(cluster, { cdw: movedFacts('cdw'), scdw: activeFacts('scdw', 'cdw') });

  it('plans gpinitstandby -r before the rest, instead of only verifying again', () => {
    const d = plan('restore-mirroring', halfInit(), {
      journal: ran('restore-mirroring', 'verify-mirroring', 'scdw', 'needs-attention', 'r0'),
    });
    const s = step(d);
    assert.equal(s.id, 'remove-standby');
    assert.equal(s.host, 'scdw');
    assert.equal(`${s.index + 1}/${s.total}`, '1/3');
    assert.deepEqual(upcoming(d), ['init-standby@scdw', 'verify-mirroring@scdw']);
  });

  it('counts a verification that found a problem as a verification', () => {
    const j = [
      ...ran('restore-mirroring', 'init-standby', 'scdw'),
      ...ran('restore-mirroring', 'verify-mirroring', 'scdw', 'needs-attention'),
    ];
    assert.equal(changedSinceVerified(j, 'lab', 'restore-mirroring', 'verify-mirroring', ['init-standby']), false);
    const unknown = [
      ...ran('restore-mirroring', 'init-standby', 'scdw'),
      ...ran('restore-mirroring', 'verify-mirroring', 'scdw', 'unknown'),
    ];
    assert.equal(changedSinceVerified(unknown, 'lab', 'restore-mirroring', 'verify-mirroring', ['init-standby']), true);
  });
});

describe('planner: restore-mirroring to a replacement host', () => {
  const three = labCluster('      - name: rcdw\n');
  const st = () =>
    stateOf(three, {
      cdw: 'connect-failed: host is gone',
      scdw: activeFacts('scdw', null),
      rcdw: movedFacts('rcdw', []),
    });

  it('puts the standby on the host the DBA names', () => {
    const s = step(plan('restore-mirroring', st(), { c: three, options: { standbyHost: 'rcdw' } }));
    assert.equal(s.id, 'init-standby');
    assert.equal(s.command, 'gpinitstandby -a -s rcdw');
  });

  it('refuses a host outside the inventory or the active coordinator itself', () => {
    assert.match(
      reason(plan('restore-mirroring', st(), { c: three, options: { standbyHost: 'nohost' } })),
      /nohost is not a host of cluster lab.*cdw, scdw, rcdw/,
    );
    assert.match(
      reason(plan('restore-mirroring', st(), { c: three, options: { standbyHost: 'scdw' } })),
      /scdw is the active coordinator/,
    );
  });
});

describe('planner: the swap stopped half-way', () => {
  it('warns with the plan that gpstop -M fast ends every session and leaves no coordinator', () => {
    const s = step(plan('return-to-original', SITUATIONS.restored(cluster)));
    assert.equal(s.id, 'stop-coordinator');
    assert.match(
      s.warning ?? '',
      /-M fast ends every client session.*no coordinator .* until gpactivatestandby succeeds/,
    );
  });

  it('offers to start the coordinator it stopped when the standby on the original host went down', () => {
    const st = stateOf(cluster, { cdw: stoppedStandby('cdw'), scdw: staleFacts('scdw') });
    const s = step(plan('return-to-original', st, { journal: ran('return-to-original', 'stop-coordinator', 'scdw') }));
    assert.equal(s.id, 'restart-coordinator');
    assert.equal(s.host, 'scdw');
    assert.equal(s.command, 'gpstart -a');
    assert.equal(s.title, 'Start the stopped coordinator again (gpstart -a)');
    assert.deepEqual(
      s.guards.map(g => `${g.kind}:${g.id}@${g.host}`),
      [
        'state:no-active-coordinator@scdw',
        'remote:postmaster-stopped@scdw',
        'remote:not-a-standby-directory@scdw',
        'remote:is-standby-directory@cdw',
      ],
    );
  });

  it('continues the swap instead while the standby on the original host runs', () => {
    const s = step(
      plan('return-to-original', SITUATIONS.swapStopped(cluster), {
        journal: ran('return-to-original', 'stop-coordinator', 'scdw'),
      }),
    );
    assert.equal(s.id, 'activate-standby');
  });

  it('offers no rollback when this procedure did not stop the coordinator', () => {
    const st = stateOf(cluster, { cdw: stoppedStandby('cdw'), scdw: staleFacts('scdw') });
    assert.equal(plan('return-to-original', st).kind, 'blocked');
  });
});

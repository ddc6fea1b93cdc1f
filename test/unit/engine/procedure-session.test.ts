// The engine's session on a cluster, driven by the scripted executor: the plan preview, the dry run (guards checked,
// nothing changed), the run with a UI that approves or declines the plan, and the interrupted-run check.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecord } from '../../../src/engine/audit';
import { locationsIn } from '../../../src/engine/locations';
import { ProcedureSession } from '../../../src/engine/procedure-session';
import type { ProcedureUi, SessionEvent } from '../../../src/engine/procedure-session';
import { scriptedCluster } from '../support/scripted-cluster';
import type { ScriptedCluster } from '../support/scripted-cluster';
import { activeFacts, labCluster, staleFacts, standbyFacts, streaming } from './facts';

const cluster = labCluster();
const CHANGES = /mv -T|gpinitstandby|gpstop|gpactivatestandby/;

function session(c: ScriptedCluster): ProcedureSession {
  return new ProcedureSession({
    cluster,
    executor: c.executor,
    locations: locationsIn(mkdtempSync(join(tmpdir(), 'gpcoord-session-'))),
    pollIntervalMs: 5,
    user: 'tester',
  });
}

const afterFailover = (): ScriptedCluster =>
  scriptedCluster({ cdw: staleFacts('cdw'), scdw: activeFacts('scdw', null) });

function ui(approve: boolean, events: SessionEvent[] = []): ProcedureUi & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    approvePlan: plan => {
      asked.push(`plan ${plan.decision.step.id}`);
      return Promise.resolve(approve);
    },
    confirmStep: step => {
      asked.push(`step ${step.id}`);
      return Promise.resolve(false);
    },
    report: e => events.push(e),
  };
}

const auditOf = (s: ProcedureSession): AuditRecord[] =>
  existsSync(s.locations.auditPath())
    ? readFileSync(s.locations.auditPath(), 'utf8')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l) as AuditRecord)
    : [];

describe('the procedure session', () => {
  it('previews the plan from a fresh observation: the steps, their hosts and commands, nothing run', async () => {
    const c = afterFailover();
    const preview = await session(c).preview('restore-mirroring');
    assert.equal(preview.state.situation, 'after-failover');
    assert.equal(preview.decision.kind, 'step');
    if (preview.decision.kind !== 'step') return;
    const steps = [preview.decision.step, ...preview.decision.upcoming].map(s => `${s.id} on ${s.host}`);
    assert.deepEqual(steps, ['move-aside on cdw', 'init-standby on scdw', 'verify-mirroring on scdw']);
    assert.equal(c.executor.calls.length, 2, 'one probe per host');
  });

  it("dry run: every planned step's guards are checked on the hosts, the audit log has them, nothing is changed", async () => {
    const c = afterFailover();
    c.failingGuards.set('data-directory-absent', '/data/coordinator/gpseg-1 already exists on cdw');
    const s = session(c);
    const dry = await s.dryRun('restore-mirroring');
    assert.deepEqual(
      dry.steps.map(d => d.step.id),
      ['move-aside', 'init-standby', 'verify-mirroring'],
    );
    const move = dry.steps[0]!;
    assert.ok(move.verdicts.length >= 3, "the move's guards were judged");
    assert.ok(
      move.verdicts.every(v => v.ok),
      JSON.stringify(move.verdicts),
    );
    const init = dry.steps[1]!;
    const absent = init.verdicts.find(v => v.guard.id === 'data-directory-absent');
    assert.equal(absent?.ok, false, "the directory still exists now, so the later step's guard fails as it would");
    assert.match(absent?.message ?? '', /already exists on cdw/);
    assert.equal(
      c.executor.callsMatching(CHANGES).filter(x => !/GUARD/.test(x.command)).length,
      0,
      'no step command ran',
    );
    const audit = auditOf(s);
    assert.ok(
      audit.length > 0 &&
        audit.every(r => r.kind === 'guard' && r.procedure === 'restore-mirroring' && r.user === 'tester'),
      JSON.stringify(audit),
    );
    assert.equal(s.journal().length, 0, 'a dry run is not a run: the journal is untouched');
  });

  it('a dry run of a procedure already done checks nothing', async () => {
    const c = scriptedCluster({ cdw: activeFacts('cdw', 'scdw', [streaming()]), scdw: standbyFacts('scdw') });
    const dry = await session(c).dryRun('restore-mirroring');
    assert.equal(dry.decision.kind, 'done');
    assert.deepEqual(dry.steps, []);
    assert.equal(c.executor.callsMatching(/GUARD/).length, 0);
  });

  it('a plan that is not approved runs nothing and journals nothing', async () => {
    const c = afterFailover();
    const s = session(c);
    const events: SessionEvent[] = [];
    const u = ui(false, events);
    const outcome = await s.run('restore-mirroring', u, {});
    assert.equal(outcome.status, 'plan-declined');
    assert.deepEqual(u.asked, ['plan move-aside']);
    assert.equal(c.executor.callsMatching(/GUARD|mv -T/).length, 0);
    assert.equal(s.journal().length, 0);
    assert.equal(events[0]?.type, 'observed', "the preview's observation is reported");
  });

  it('an approved plan runs: the declined step ends it, journaled as finished (not interrupted)', async () => {
    const c = afterFailover();
    const s = session(c);
    const u = ui(true);
    const outcome = await s.run('restore-mirroring', u);
    assert.equal(outcome.status, 'declined');
    assert.deepEqual(u.asked, ['plan move-aside', 'step move-aside']);
    assert.deepEqual(
      s.journal().map(e => e.type),
      ['run-started', 'run-finished'],
    );
    assert.equal(s.interruptedRun(), undefined);
  });

  it('a blocked or done procedure is not put to the user', async () => {
    const c = scriptedCluster({ cdw: activeFacts('cdw', 'scdw', [streaming()]), scdw: standbyFacts('scdw') });
    const u = ui(true);
    const outcome = await session(c).run('restore-mirroring', u);
    assert.equal(outcome.status, 'done-already');
    assert.deepEqual(u.asked, []);
  });

  it('a run whose step dropped its connection is interrupted, and says which step it started', async () => {
    const c = afterFailover();
    c.executor.on('cdw', /mv -T/, { drop: true });
    const s = session(c);
    const events: SessionEvent[] = [];
    const result = await s.runSteps('restore-mirroring', {
      confirmStep: () => Promise.resolve(true),
      report: e => events.push(e),
    });
    assert.equal(result.status, 'unknown');
    assert.deepEqual(s.interruptedRun(), {
      procedure: 'restore-mirroring',
      runId: result.runId,
      lastStep: 'move-aside on cdw',
    });
    const audited = events.filter(e => e.type === 'audit');
    assert.ok(
      audited.some(e => e.type === 'audit' && e.record.kind === 'step' && e.record.exitCode === null),
      'the audit of the step is reported',
    );
    assert.equal(auditOf(s).length, audited.length, 'and each is in the audit log');
  });

  it("a step runner of the UI runs the step commands (the extension's terminal), with the session's executor", async () => {
    const c = afterFailover();
    c.executor.on('cdw', /mv -T/, { exitCode: 1, stderr: 'no\n' });
    const s = session(c);
    const ran: string[] = [];
    const result = await s.runSteps('restore-mirroring', {
      confirmStep: () => Promise.resolve(true),
      report: () => undefined,
      runStep: (executor, host, command, options) => {
        ran.push(host.name);
        assert.equal(executor, c.executor);
        return executor.exec(host, command, options);
      },
    });
    assert.equal(result.status, 'failed');
    assert.deepEqual(ran, ['cdw']);
  });
});

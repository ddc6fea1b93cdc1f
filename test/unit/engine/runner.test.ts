// The runner's paths that end a run early, driven by the scripted executor: a step whose outcome is unknown
// (connection dropped, cancelled), a step refused by a guard, declined, not run for want of a connection, failed.
// Each is journaled as it happened and re-observed; nothing after it runs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJournal } from '../../../src/core/procedures/journal';
import { interruptedRun } from '../../../src/engine/journal';
import { runProcedure } from '../../../src/engine/runner';
import type { RunEvent, RunOptions, RunResult } from '../../../src/engine/runner';
import type { AuditRecord } from '../../../src/engine/audit';
import { PROBE, scriptedCluster } from '../support/scripted-cluster';
import type { ScriptedCluster } from '../support/scripted-cluster';
import { activeFacts, labCluster, staleFacts, standbyFacts, streaming } from './facts';

const cluster = labCluster();
const MOVE = /mv -T/;

function afterFailover(): ScriptedCluster {
  return scriptedCluster({ cdw: staleFacts('cdw'), scdw: activeFacts('scdw', null) });
}

interface Ran {
  result: RunResult;
  events: RunEvent[];
  audit: AuditRecord[];
  journalPath: string;
}

async function run(c: ScriptedCluster, extra: Partial<RunOptions> = {}): Promise<Ran> {
  const journalPath = join(mkdtempSync(join(tmpdir(), 'gpcoord-runner-')), 'journal.jsonl');
  const events: RunEvent[] = [];
  const audit: AuditRecord[] = [];
  const result = await runProcedure({
    procedure: 'restore-mirroring',
    cluster,
    executor: c.executor,
    journalPath,
    confirm: () => Promise.resolve(true),
    onEvent: e => events.push(e),
    audit: r => audit.push(r),
    pollIntervalMs: 5,
    user: 'tester',
    ...extra,
  });
  return { result, events, audit, journalPath };
}

const journalOf = (path: string) => parseJournal(readFileSync(path, 'utf8'));

describe('the runner, driven by a scripted executor', () => {
  it('a dropped connection during a step: outcome unknown, re-observed, journaled, nothing more run', async () => {
    const c = afterFailover();
    c.executor.on('cdw', MOVE, { drop: true, stdout: 'partial' });
    const { result, journalPath, audit } = await run(c);
    assert.equal(result.status, 'unknown', result.message);
    assert.equal(result.steps.length, 1);
    assert.equal(result.steps[0]!.status, 'unknown');
    assert.match(result.steps[0]!.message, /^outcome unknown: connection-lost/);
    assert.match(result.message, /re-observed: situation after-failover, active coordinator scdw/);
    const moveAt = c.executor.calls.findIndex(x => MOVE.test(x.command));
    assert.ok(
      c.executor.calls.slice(moveAt + 1).some(x => x.command.includes(PROBE)),
      'the cluster is observed again after the step',
    );
    assert.equal(c.executor.callsMatching(/gpinitstandby/).length, 0, 'no later step ran');
    const journal = journalOf(journalPath);
    assert.deepEqual(
      journal.map(e => e.type),
      ['run-started', 'step-started', 'step-finished', 'run-finished'],
    );
    assert.equal(journal[2]!.status, 'unknown');
    assert.equal(journal[3]!.status, 'unknown');
    assert.deepEqual(interruptedRun(journal, 'lab'), {
      procedure: 'restore-mirroring',
      runId: result.runId,
      lastStep: 'move-aside on cdw',
    });
    const step = audit.find(r => r.kind === 'step');
    assert.equal(step?.exitCode, null);
    assert.match(step?.error ?? '', /connection-lost/);
  });

  it('a guard that fails on the host refuses the step: the command never runs, the run ends refused', async () => {
    const c = afterFailover();
    c.failingGuards.set('backup-path-free', '/data/coordinator/backup_gpseg-1 already exists on cdw');
    const { result, events, journalPath } = await run(c);
    assert.equal(result.status, 'refused', result.message);
    assert.match(result.message, /backup_gpseg-1 already exists on cdw/);
    assert.equal(c.executor.callsMatching(MOVE).length, 0, 'mv never ran');
    const failed = events.filter(e => e.type === 'guard' && !e.ok);
    assert.equal(failed.length, 1);
    assert.ok(
      events.some(e => e.type === 'guard' && e.ok),
      'the other guards were checked and passed',
    );
    assert.deepEqual(
      journalOf(journalPath).map(e => e.type),
      ['run-started', 'run-finished'],
      'no step started',
    );
  });

  it('a guard whose check cannot reach its host refuses the step too', async () => {
    const c = afterFailover();
    c.executor.on('cdw', /GUARD \S+ OK/, { fail: 'connection-lost', message: 'gone' });
    const { result } = await run(c);
    assert.equal(result.status, 'refused');
    assert.match(result.message, /the check could not run on cdw: connection-lost: gone/);
    assert.equal(c.executor.callsMatching(MOVE).length, 0);
  });

  it('declining the confirmation stops before the step: no guard and no command runs', async () => {
    const c = afterFailover();
    const { result } = await run(c, { confirm: () => Promise.resolve(false) });
    assert.equal(result.status, 'declined');
    assert.equal(result.steps[0]?.status, 'skipped');
    assert.equal(c.executor.callsMatching(/GUARD/).length, 0);
    assert.equal(c.executor.callsMatching(MOVE).length, 0);
  });

  it('a step whose host cannot be connected to is "failed, not run", never unknown', async () => {
    const c = afterFailover();
    c.executor.on('cdw', MOVE, { fail: 'connect-failed', message: 'ECONNREFUSED' });
    const { result, journalPath } = await run(c);
    assert.equal(result.status, 'failed');
    assert.match(result.steps[0]!.message, /^not run: could not connect to cdw/);
    assert.equal(interruptedRun(journalOf(journalPath), 'lab'), undefined, 'a failed run is finished, not interrupted');
  });

  it('a step that exits non-zero fails with its last lines, and the cluster is observed again', async () => {
    const c = afterFailover();
    c.executor.on('cdw', MOVE, { exitCode: 1, stderr: 'mv: cannot move: Permission denied\n' });
    const { result } = await run(c);
    assert.equal(result.status, 'failed');
    assert.match(result.steps[0]!.message, /exit status 1: mv: cannot move: Permission denied/);
    const moveAt = c.executor.calls.findIndex(x => MOVE.test(x.command));
    assert.ok(c.executor.calls.slice(moveAt + 1).some(x => x.command.includes(PROBE)));
  });

  it('Ctrl-C during a step: cancelled, and the cluster is really re-observed afterwards (not with the aborted signal)', async () => {
    const c = afterFailover();
    c.executor.on('cdw', MOVE, { hang: true });
    const abort = new AbortController();
    const { result } = await run(c, {
      signal: abort.signal,
      onEvent: e => {
        if (e.type === 'step' && e.status === 'running') setTimeout(() => abort.abort(), 5);
      },
    });
    assert.equal(result.status, 'cancelled', result.message);
    assert.equal(result.steps[0]!.status, 'unknown');
    assert.match(result.message, /re-observed: situation after-failover, active coordinator scdw/);
    assert.ok(
      result.state?.hosts.every(h => h.reachable),
      'both hosts were observed, not "unreachable: cancelled"',
    );
  });

  it('a read-only check answers at once: it does not poll a cluster it did not change', async () => {
    const c = scriptedCluster({ cdw: activeFacts('cdw', 'scdw'), scdw: standbyFacts('scdw') });
    c.executor.on(undefined, 'gpstate -f', { stdout: '' });
    const { result } = await run(c, { procedure: 'check', pollIntervalMs: 1000 });
    assert.equal(c.executor.callsMatching('gpstate -f').length, 1, 'gpstate -f ran once');
    assert.ok(
      result.steps.length === 1 && result.steps[0]!.status !== 'succeeded',
      JSON.stringify(result.steps.map(x => x.status)),
    );
    assert.ok(result.steps[0]!.durationMs < 1000, `answered in ${result.steps[0]!.durationMs} ms, without waiting`);
  });

  it('an abort before the first step ends the run cancelled without observing', async () => {
    const c = afterFailover();
    const abort = new AbortController();
    abort.abort();
    const { result } = await run(c, { signal: abort.signal });
    assert.equal(result.status, 'cancelled');
    assert.equal(c.executor.calls.length, 0);
  });

  it('a procedure whose goal is observed runs nothing: done, with no step', async () => {
    const c = scriptedCluster({ cdw: activeFacts('cdw', 'scdw', [streaming()]), scdw: standbyFacts('scdw') });
    const { result } = await run(c);
    assert.equal(result.status, 'done', result.message);
    assert.deepEqual(result.steps, []);
    assert.ok(
      c.executor.calls.every(x => x.command.includes(PROBE)),
      'only observations ran',
    );
  });
});

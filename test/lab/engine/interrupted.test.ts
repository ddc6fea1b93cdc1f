// A step that changes the cluster interrupted in the middle (the connection dropped while gpinitstandby runs),
// and a step cancelled by the user: both end "unknown", are re-observed, and the next run finishes the job.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseJournal } from '../../../src/core/procedures/journal';
import type { SshPool } from '../../../src/ssh/pool';
import { fault } from '../lab';
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

describe('engine: interrupted steps (coordinator vocabulary)', function () {
  this.timeout(240_000);
  let lab: Lab | undefined;
  let pool: SshPool | undefined;
  const journal = tempJournal('interrupted');

  before(async () => {
    lab = await startLab(37, 'after-failover', 'coordinator');
    pool = poolOf(lab);
  });
  after(async () => {
    await pool?.dispose();
    await stopLab(lab);
  });

  it('connection dropped while gpinitstandby runs: unknown, re-observed, then verified by the next run', async () => {
    const cluster = clusterOf(lab!);
    let dropped = false;
    const first = await runAll('restore-mirroring', cluster, pool!, journal, {
      onEvent: e => {
        // Drop the connection once gpinitstandby has changed the catalog, i.e. truly in the middle.
        if (
          e.type === 'output' &&
          e.step.id === 'init-standby' &&
          !dropped &&
          /catalog updated successfully/.test(e.chunk)
        ) {
          dropped = true;
          void fault(lab!, 'drop-connections', 'scdw');
        }
      },
    });
    assert.ok(dropped, 'the fault was injected mid-command');
    assert.equal(first.result.status, 'unknown', first.result.message);
    const init = first.result.steps.find(s => s.step.id === 'init-standby')!;
    assert.equal(init.status, 'unknown');
    assert.match(init.message, /connection-lost/);
    assert.match(first.result.message, /not assumed to have worked or failed; re-observed: situation/);
    const finished = parseJournal(readFileSync(journal, 'utf8'))
      .filter(e => e.type === 'step-finished')
      .map(e => `${e.stepId}:${e.status}`);
    assert.deepEqual(finished, ['move-aside:succeeded', 'init-standby:unknown']);

    const second = await runAll('restore-mirroring', cluster, pool!, journal);
    assert.equal(second.result.status, 'done', second.result.message);
    // The catalog already had the standby: the next run verifies instead of initializing again.
    assert.equal(second.result.steps[0]!.step.id, 'verify-mirroring');
    assert.equal(second.result.state!.standby.host, 'cdw');
    assert.equal(second.result.state!.standby.walState, 'streaming');
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['backup_gpseg-1', 'gpseg-1']);
    assert.ok(isDataDirectory(lab!, 'cdw', 'backup_gpseg-1'));
  });

  it('a step cancelled by the user is unknown, not failed, and the next run completes it', async () => {
    const cluster = clusterOf(lab!);
    const abort = new AbortController();
    const first = await runAll('check', cluster, pool!, journal, {
      signal: abort.signal,
      onEvent: e => {
        if (e.type === 'step' && e.status === 'running') abort.abort();
      },
    });
    assert.equal(first.result.status, 'cancelled', first.result.message);
    assert.equal(first.result.steps[0]!.status, 'unknown');
    const second = await runAll('check', cluster, pool!, journal);
    assert.equal(second.result.status, 'done', second.result.message);
    assert.equal(second.result.steps[0]!.status, 'succeeded');
  });

  it("runs a step's command on a PTY when the caller supplies one (as the extension's terminal does)", async () => {
    const cluster = clusterOf(lab!);
    const ptyCommands: string[] = [];
    const { result } = await runAll('check', cluster, pool!, journal, {
      runStepCommand: async (host, command, _options, step) => {
        ptyCommands.push(`${step.id}@${host.name}`);
        const t0 = Date.now();
        const shell = await pool!.openShell(host, { command, cols: 120, rows: 40 });
        const end = await shell.exited;
        return {
          exitCode: end.exitCode,
          signal: end.signal,
          stdout: end.output,
          stderr: '',
          durationMs: Date.now() - t0,
        };
      },
    });
    assert.equal(result.status, 'done', result.message);
    assert.deepEqual(ptyCommands, ['check-mirroring@scdw']);
    assert.equal(result.steps[0]!.status, 'succeeded', result.steps[0]!.message);
    assert.match(result.steps[0]!.message, /standby passive; WAL sender streaming, sync state/);
  });
});

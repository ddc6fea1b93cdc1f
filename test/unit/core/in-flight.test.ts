// Step programs still running on a host: found in real `ps` output (a process named gpinitstandby started here),
// never the look itself; the open step of a journal whose client died mid-step; the refusal names process and host.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { inFlightRefusal, openStep, PROCESS_LIST_SCRIPT, stepProcesses } from '../../../src/core/in-flight';
import type { JournalEntry } from '../../../src/core/procedures/journal';

const entry = (type: JournalEntry['type'], stepId?: string, runId = 'r1'): JournalEntry => ({
  ts: '2026-12-04T20:00:00Z',
  runId,
  cluster: 'lab',
  procedure: 'restore-mirroring',
  type,
  ...(stepId ? { stepId, host: 'scdw' } : {}),
});

describe('work in flight on the hosts', () => {
  it('the process list finds a running gpinitstandby by its program name, and never itself', async () => {
    const child = spawn('bash', ['-c', 'exec -a /usr/local/gp/bin/gpinitstandby sleep 30'], { stdio: 'ignore' });
    try {
      await new Promise(r => setTimeout(r, 300));
      const out = spawnSync('sh', ['-c', PROCESS_LIST_SCRIPT], { encoding: 'utf8' }).stdout;
      const found = stepProcesses('scdw', out).filter(p => p.pid === child.pid);
      assert.deepEqual(
        found.map(p => [p.host, p.program]),
        [['scdw', 'gpinitstandby']],
      );
      assert.ok(!/grep/.test(out), 'the look does not list its own grep');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('reads ps lines: a program after its interpreter counts, a name among the arguments does not', () => {
    const ps = [
      ' 101 python3 /usr/local/greenplum-db/bin/gpinitstandby -a -s cdw',
      ' 102 /usr/local/greenplum-db/bin/pg_basebackup -D /data/coordinator/gpseg-1 -X stream',
      ' 103 less /home/gpadmin/gpAdminLogs/gpinitstandby_20261204.log',
      ' 104 vim notes about gpstop and gpstart',
      ' 105 /usr/bin/gpstop\u001b]0;x\u0007 -a',
    ].join('\n');
    const found = stepProcesses('cdw', ps);
    assert.deepEqual(
      found.map(p => `${p.pid} ${p.program}`),
      ['101 gpinitstandby', '102 pg_basebackup'],
    );
  });

  it('a step started and never ended is open; one that ended is not', () => {
    assert.deepEqual(openStep([entry('run-started'), entry('step-started', 'init-standby')], 'lab'), {
      stepId: 'init-standby',
      host: 'scdw',
    });
    assert.equal(
      openStep(
        [entry('run-started'), entry('step-started', 'init-standby'), entry('step-finished', 'init-standby')],
        'lab',
      ),
      undefined,
    );
    assert.equal(openStep([], 'lab'), undefined);
  });

  it('the refusal names each process and host, and the open step', () => {
    const text = inFlightRefusal(
      [{ host: 'cdw', pid: 102, program: 'pg_basebackup', commandLine: 'pg_basebackup -D /data/x' }],
      { stepId: 'init-standby', host: 'scdw' },
    );
    assert.match(text, /pg_basebackup \(pid 102\) on cdw: pg_basebackup -D \/data\/x/);
    assert.match(text, /step init-standby on scdw started and its end was never recorded/);
    assert.match(text, /Nothing was changed/);
  });
});

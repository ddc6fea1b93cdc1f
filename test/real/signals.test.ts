// SIGTERM during a real gpinitstandby on Greenplum 6: handled as Ctrl-C. The step is cancelled, the cluster is
// re-observed with a live connection (not reported "unreachable: cancelled"), and the journal closes the run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, up } from '../lab/lab';
import type { Lab } from '../lab/lab';

const ROOT = resolve(__dirname, '..', '..');
const STATE = mkdtempSync(join(tmpdir(), 'gpcoord-real-signals-'));

describe('real Greenplum 6: SIGTERM during a step', function () {
  this.timeout(600_000);
  let lab: Lab | undefined;

  before(async () => {
    lab = await up({ subnet: 66, scenario: 'after-failover', greenplum: 'real' });
  });
  after(async () => {
    if (lab) await down(lab);
  });

  it('cancels gpinitstandby, re-observes scdw as the active coordinator, and journals run-finished', async () => {
    const args = ['run', 'restore-mirroring', 'lab', '--yes', '--inventory', lab!.inventoryPath];
    const p = spawn(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'src', 'cli', 'main.ts'), ...args, '--ssh-config', lab!.sshConfigPath],
      {
        cwd: STATE,
        env: { ...process.env, XDG_STATE_HOME: STATE },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let signalled = false;
    const onData = (d: Buffer): void => {
      out += d.toString();
      // The moment gpinitstandby has started on the active coordinator.
      if (!signalled && /running on scdw: gpinitstandby/.test(out) && /gpinitstandby:scdw/.test(out)) {
        signalled = true;
        p.kill('SIGTERM');
      }
    };
    p.stdout.on('data', onData);
    p.stderr.on('data', onData);
    p.stdin.end('');
    const code = await new Promise<number | null>(done => p.on('close', c => done(c)));
    assert.ok(signalled, `gpinitstandby never started:\n${out}`);
    assert.match(out, /SIGTERM: cancelling/);
    assert.notEqual(code, 0, out);
    assert.match(out, /active coordinator: scdw/, out);
    assert.doesNotMatch(out, /unreachable: cancelled/);
    const journal = readFileSync(join(STATE, 'gpcoord', 'journal', 'lab.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l) as { type: string; runId: string });
    const started = journal.filter(e => e.type === 'run-started').pop()!;
    assert.ok(
      journal.some(e => e.type === 'run-finished' && e.runId === started.runId),
      JSON.stringify(journal),
    );
  });
});

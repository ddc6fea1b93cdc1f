// A read-only check on real Greenplum 6 with the standby down: it answers at once (one gpstate -f, no waiting for
// the standby to come back) and needs no --yes when stdin is not a terminal, since it changes nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, fault, up } from '../lab/lab';
import type { Lab } from '../lab/lab';

const ROOT = resolve(__dirname, '..', '..');
const STATE = mkdtempSync(join(tmpdir(), 'gpcoord-real-check-'));

function gpcoord(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(done => {
    const p = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
      cwd: STATE,
      env: { ...process.env, XDG_STATE_HOME: STATE },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdin.end('');
    p.on('close', code => done({ code, stdout, stderr }));
  });
}

describe('real Greenplum 6: run check with the standby down', function () {
  this.timeout(600_000);
  let lab: Lab | undefined;

  before(async () => {
    lab = await up({ subnet: 65, scenario: 'healthy', greenplum: 'real' });
  });
  after(async () => {
    if (lab) await down(lab);
  });

  it('answers from one gpstate -f, without --yes and without a terminal', async () => {
    await fault(lab!, 'stop-standby');
    const r = await gpcoord([
      'run',
      'check',
      'lab',
      '--inventory',
      lab!.inventoryPath,
      '--ssh-config',
      lab!.sshConfigPath,
    ]);
    const out = r.stdout + r.stderr;
    assert.doesNotMatch(r.stderr, /not a terminal/);
    assert.notEqual(r.code, 2, out);
    assert.match(out, /Standby process not running|standby.*(down|not running)/i);
    // One run of gpstate -f, then the answer: no polling while the standby stays down.
    assert.equal((r.stdout.match(/^ *running on \S+: gpstate -f$/gm) ?? []).length, 1, out);
    assert.match(r.stdout, /Cluster lab: STANDBY-DOWN/);
    assert.equal(r.code, 6, 'needs attention: the check ran and the standby is down');
  });
});

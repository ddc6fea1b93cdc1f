// The acceptance check, through the real gpcoord command line against the lab (master vocabulary):
// run restore-mirroring, see a passive streaming standby on cdw, run return-to-original, see cdw back with scdw streaming.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Lab } from '../lab';
import { coordinatorEntries, isDataDirectory, startLab, stopLab } from '../engine/helpers';

const ROOT = resolve(__dirname, '..', '..', '..');
const state = mkdtempSync(join(tmpdir(), 'gpcoord-cli-state-'));

function gpcoord(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(done => {
    const p = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
      cwd: state,
      env: { ...process.env, XDG_STATE_HOME: state },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdin.end(input ?? '');
    p.on('close', code => done({ code, stdout, stderr }));
  });
}

describe('gpcoord against the lab (master vocabulary)', function () {
  this.timeout(240_000);
  let lab: Lab | undefined;
  let opts: string[] = [];

  before(async () => {
    lab = await startLab(38, 'after-failover', 'master');
    opts = ['--inventory', lab.inventoryPath, '--ssh-config', lab.sshConfigPath];
  });
  after(async () => {
    await stopLab(lab);
  });

  it('hosts lists both hosts as ssh reaches them, without connecting', async () => {
    const r = await gpcoord(['hosts', 'lab', ...opts]);
    assert.equal(r.code, 0, r.stderr);
    const cdw = lab!.hosts[0]!;
    assert.match(
      r.stdout,
      new RegExp(
        `cdw\\s+original coordinator\\s+/data/master/gpseg-1 port 5432\\s+ssh gpadmin@${cdw.address.replace(/\./g, '\\.')}:${cdw.sshPort}`,
      ),
    );
    assert.match(r.stdout, /scdw\s+original standby/);
  });

  it('status shows the failover; plan shows the exact commands and changes nothing', async () => {
    const s = await gpcoord(['status', 'lab', '--json', ...opts]);
    assert.equal(s.code, 1, 'not healthy');
    const st = JSON.parse(s.stdout) as { situation: string; activeCoordinator: string };
    assert.equal(st.situation, 'after-failover');
    assert.equal(st.activeCoordinator, 'scdw');
    const p = await gpcoord(['plan', 'restore-mirroring', 'lab', ...opts]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(
      p.stdout,
      /\$ test ! -e \/data\/master\/backup_gpseg-1 && mv -T \/data\/master\/gpseg-1 \/data\/master\/backup_gpseg-1/,
    );
    assert.match(p.stdout, /\$ gpinitstandby -a -s cdw/);
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['gpseg-1']);
  });

  it('refuses to run without --yes when it cannot ask on a terminal', async () => {
    const r = await gpcoord(['run', 'restore-mirroring', 'lab', ...opts], 'y\n');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a terminal.*--yes/);
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['gpseg-1']);
  });

  it('without --yes asks y/N on the terminal before changing anything; "n" stops with nothing changed', async () => {
    // script(1) gives gpcoord a real terminal; the answer is typed into it.
    const line = [
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      join(ROOT, 'src', 'cli', 'main.ts'),
      'run',
      'restore-mirroring',
      'lab',
      ...opts,
    ]
      .map(a => `'${a}'`)
      .join(' ');
    const r = await new Promise<{ code: number | null; out: string }>(done => {
      const p = spawn('script', ['-qec', line, '/dev/null'], {
        cwd: state,
        env: { ...process.env, XDG_STATE_HOME: state },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let answered = false;
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!answered && /Continue\? \[y\/N\]/.test(out)) {
          answered = true;
          p.stdin.write('n\r');
        }
      });
      p.on('close', code => done({ code, out }));
    });
    assert.match(
      r.out,
      /Run on cdw: test ! -e \/data\/master\/backup_gpseg-1 && mv -T \/data\/master\/gpseg-1 \/data\/master\/backup_gpseg-1/,
    );
    assert.match(r.out, /Summary: DECLINED/);
    assert.equal(r.code, 4, r.out);
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['gpseg-1']);
  });

  it('run restore-mirroring --yes, then status --json shows a passive, streaming standby on cdw', async () => {
    const r = await gpcoord(['run', 'restore-mirroring', 'lab', '--yes', ...opts]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /cdw\| renamed|running on cdw: test ! -e/);
    assert.match(r.stdout, /scdw\| .*Successfully created standby master on cdw/);
    assert.match(r.stdout, /Summary: DONE/);
    const s = await gpcoord(['status', 'lab', '--json', ...opts]);
    assert.equal(s.code, 0, s.stderr);
    const st = JSON.parse(s.stdout) as {
      situation: string;
      activeCoordinator: string;
      standby: { host: string; status: string; walState: string };
    };
    assert.equal(st.situation, 'healthy');
    assert.equal(st.standby.host, 'cdw');
    assert.equal(st.standby.status, 'passive');
    assert.equal(st.standby.walState, 'streaming');
    assert.ok(isDataDirectory(lab!, 'cdw', 'backup_gpseg-1'));
  });

  it('run return-to-original --yes brings cdw back as coordinator with scdw streaming; again is a no-op', async () => {
    const r = await gpcoord(['run', 'return-to-original', 'lab', '--yes', '--json', ...opts]);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const result = JSON.parse(r.stdout) as { status: string; steps: Array<{ status: string; step: { id: string } }> };
    assert.equal(result.status, 'done');
    assert.deepEqual(
      result.steps.map(s => `${s.step.id}:${s.status}`),
      [
        'stop-coordinator:succeeded',
        'activate-standby:succeeded',
        'check-activation:succeeded',
        'move-aside:succeeded',
        'init-standby:succeeded',
        'verify-mirroring:succeeded',
      ],
    );
    const s = await gpcoord(['status', 'lab', '--json', '--gpstate', ...opts]);
    assert.equal(s.code, 0, s.stderr);
    const st = JSON.parse(s.stdout) as {
      source: string;
      activeCoordinator: string;
      standby: { host: string; status: string; walState: string };
    };
    assert.equal(st.source, 'gpstate');
    assert.equal(st.activeCoordinator, 'cdw');
    assert.equal(st.standby.host, 'scdw');
    assert.equal(st.standby.walState, 'streaming');
    const again = await gpcoord(['run', 'return-to-original', 'lab', '--yes', '--json', ...opts]);
    assert.equal(again.code, 0);
    assert.deepEqual((JSON.parse(again.stdout) as { steps: unknown[] }).steps, []);
    // Every command run is in the audit log with who, where, what, when and how it ended.
    const audit = readFileSync(join(state, 'gpcoord', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l) as Record<string, unknown>);
    const activation = audit.find(a => a.stepId === 'activate-standby' && a.kind === 'step');
    assert.ok(activation, 'the activation is audited');
    assert.equal(activation.host, 'cdw');
    assert.equal(activation.command, 'gpactivatestandby -a -d /data/master/gpseg-1');
    assert.equal(activation.exitCode, 0);
    assert.equal(typeof activation.user, 'string');
  });

  it('names the file, line, column and field of an inventory mistake', async () => {
    const bad = join(state, 'bad.yaml');
    writeFileSync(bad, readFileSync(lab!.inventoryPath, 'utf8').replace(/port: 5432/, 'port: 99999'));
    const r = await gpcoord(['status', 'lab', '--inventory', bad, '--ssh-config', lab!.sshConfigPath]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: error: clusters\\.lab\\.port: .*65535`),
    );
  });
});

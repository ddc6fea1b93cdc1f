// Hostile values on the lab: a data directory with shell syntax never reaches a host, and a hostile name a host
// returns stops every step that would change the cluster. Nothing runs, nothing moves.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { SshPool } from '../../../src/ssh/pool';
import { labExec } from '../lab';
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

const ROOT = resolve(__dirname, '..', '..', '..');

function gpcoord(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(done => {
    const p = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
      cwd,
      env: { ...process.env, XDG_STATE_HOME: cwd },
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

/** Files named pwned* in gpadmin's home, /tmp and /data/master of every host: a hostile value that ran leaves one. */
async function pwnedFiles(lab: Lab): Promise<string> {
  let found = '';
  for (const h of lab.hosts) {
    const r = await labExec(lab, h.name, "ls -a ~ /tmp /data/master 2>/dev/null | grep -E '^pwned' || true");
    found += r.stdout;
  }
  return found;
}

describe('engine: hostile values on the lab (master vocabulary)', function () {
  this.timeout(240_000);
  let lab: Lab | undefined;
  let pool: SshPool | undefined;

  before(async () => {
    lab = await startLab(71, 'after-failover', 'master');
    pool = poolOf(lab);
  });
  after(async () => {
    await pool?.dispose();
    await stopLab(lab);
  });

  it('an inventory whose data directory holds $(…), a backtick, a quote or U+202E is refused by gpcoord before anything reaches a host', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gpcoord-hostile-'));
    const original = readFileSync(lab!.inventoryPath, 'utf8');
    assert.match(original, /dataDirectory: \/data\/master\/gpseg-1/);
    const values: Array<[string, RegExp]> = [
      ['/data/master/gpseg-1$(cd;id>pwned-id)', /it contains "\$" at character 21/],
      ['/data/master/gpseg-1`id>pwned-bt`', /it contains "`" at character 21/],
      ["/data/master/gpseg-1'x", /it contains "'" at character 21/],
      ['/data/master/gpseg-1\u202Epwned', /U\+202E/],
    ];
    for (const [value, words] of values) {
      const inventory = join(cwd, 'clusters.yaml');
      writeFileSync(
        inventory,
        original.replace(/dataDirectory: \/data\/master\/gpseg-1/, `dataDirectory: ${JSON.stringify(value)}`),
      );
      const line = original.split('\n').findIndex(l => l.includes('dataDirectory: /data/master/gpseg-1')) + 1;
      const r = await gpcoord(
        ['run', 'restore-mirroring', 'lab', '--yes', '--inventory', inventory, '--ssh-config', lab!.sshConfigPath],
        cwd,
      );
      assert.equal(r.code, 2, `${value}: ${r.stdout}${r.stderr}`);
      const text = r.stdout + r.stderr;
      assert.match(text, new RegExp(`clusters\\.yaml:${line}:\\d+: error: clusters\\.lab\\.dataDirectory: `), text);
      assert.match(text, words, text);
    }
    assert.equal(await pwnedFiles(lab!), '', 'no hostile value ran on any host');
    assert.deepEqual(coordinatorEntries(lab!, 'cdw'), ['gpseg-1']);
  });

  it("a backup entry with shell syntax next to cdw's data directory: restore-mirroring refuses, nothing runs, nothing moves", async () => {
    const parent = dirname(lab!.dataDirectory);
    const evil = 'backup_gpseg-1$(id>pwned-backup)';
    const mk = await labExec(lab!, 'cdw', `mkdir -- '${parent}/${evil}'`);
    assert.equal(mk.code, 0, mk.stderr);
    try {
      const { result, confirmed } = await runAll('restore-mirroring', clusterOf(lab!), pool!, tempJournal('hostile'));
      assert.equal(result.status, 'blocked', result.message);
      assert.match(
        result.message,
        /^Refused: cdw returned a backup entry named "backup_gpseg-1\$\(id>pwned-backup\)", which gpcoord will not put in a command: it contains "\$"/,
      );
      assert.equal(confirmed.length, 0, 'no step was even proposed');
      assert.ok(isDataDirectory(lab!, 'cdw', 'gpseg-1'), "cdw's data directory is where it was");
      assert.equal(await pwnedFiles(lab!), '');
    } finally {
      await labExec(lab!, 'cdw', `rmdir -- '${parent}/${evil}'`);
    }
  });
});

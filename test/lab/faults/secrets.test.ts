// No secret in what the product writes down. The lab's key is copied and encrypted with a passphrase; a procedure
// runs over a pool that must ask for that passphrase; then the audit log, the journal, every run event and the
// ssh layer's log are searched for the passphrase. (Secrets reach only the ssh layer's callbacks by design:
// docs/security.md.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditWriter } from '../../../src/engine/audit';
import { SshPool } from '../../../src/ssh/pool';
import { clusterOf, runAll, startLab, stopLab, tempJournal } from '../engine/helpers';
import type { Lab } from '../lab';

const SECRET = 'Pa55-phrase-9f3c7e1a';

describe('secrets: the key passphrase is never written down', function () {
  this.timeout(300_000);
  let lab: Lab | undefined;
  let pool: SshPool | undefined;

  before(async () => {
    lab = await startLab(55, 'healthy', 'coordinator');
  });
  after(async () => {
    await pool?.dispose();
    await stopLab(lab);
  });

  it('runs a procedure with an encrypted key and leaves the passphrase out of the audit log, journal, events and ssh log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpcoord-secrets-'));
    const key = join(dir, 'id_ed25519');
    copyFileSync(lab!.identityFile, key);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', SECRET, '-f', key]);
    assert.match(readFileSync(key, 'utf8'), /BEGIN OPENSSH PRIVATE KEY/);

    const cluster = clusterOf(lab!);
    for (const h of cluster.hosts) h.identityFile = key;
    const sshLog: string[] = [];
    let asked = 0;
    pool = new SshPool({
      sshConfigPath: lab!.sshConfigPath,
      agentSocket: '',
      log: l => sshLog.push(l),
      askPassphrase: () => {
        asked++;
        return Promise.resolve(SECRET);
      },
    });
    const auditPath = join(dir, 'audit.jsonl');
    const journal = tempJournal('secrets');
    const run = await runAll('check', cluster, pool, journal, { audit: auditWriter(auditPath) });
    assert.equal(run.result.status, 'done', run.result.message);
    assert.ok(asked >= 1, 'the passphrase was asked for: the key really is encrypted');
    assert.ok(
      existsSync(auditPath) && readFileSync(auditPath, 'utf8').trim().split('\n').length >= 1,
      'commands were audited',
    );

    const written: Record<string, string> = {
      'audit log': readFileSync(auditPath, 'utf8'),
      journal: readFileSync(journal, 'utf8'),
      'run events': JSON.stringify(run.events),
      'ssh log': sshLog.join('\n'),
      'run result': JSON.stringify(run.result),
    };
    for (const [what, text] of Object.entries(written))
      assert.ok(!text.includes(SECRET), `the passphrase appears in the ${what}`);
  });
});

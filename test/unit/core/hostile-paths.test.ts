// Paths that reach the utilities hold only what Greenplum paths use: every hostile value is refused by the
// inventory (naming file, line and field), by the command builder, and when a host returns one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatInventoryProblem, parseInventory } from '../../../src/core/inventory';
import { planNext } from '../../../src/core/planner';
import { pathCharacterProblem, safeAbsolutePath, UnsafeValueError } from '../../../src/core/shell';
import { parseProbe, probeScript } from '../../../src/engine/probe';
import { activeFacts, labCluster, NOW, staleFacts, stateOf } from '../engine/facts';

/** Each hostile value, and the words the refusal must use for its first bad character. */
const HOSTILE: Array<[string, RegExp]> = [
  ['/data/coordinator/gpseg-1$(cd;id>pwned-id)', /"\$" at character 26/],
  ['/data/coordinator/gpseg-1`id>pwned`', /"`" at character 26/],
  ["/data/coordinator/gp'seg-1", /"'" at character 21/],
  ['/data/coordinator/gp"seg-1', /"\\?"" at character 21/],
  ['/data/coordinator/gp\\seg-1', /"\\\\?" at character 21/],
  ['/data/coordinator/gpseg-1\u202E1-gesp', /bidirectional-override character \(U\+202E\) at character 26/],
  ['/data/coordinator/gp\u200Bseg-1', /invisible or space character \(U\+200B\) at character 21/],
  ['/data/coordinator/gp seg-1', /a space at character 21/],
  ['/data/coordinator/gpseg-1\nid', /a newline \(U\+000A\) at character 26/],
  ['/data/coordinator/gpseg-1\tx', /a tab \(U\+0009\) at character 26/],
];

const inventoryWith = (field: 'dataDirectory' | 'environmentScript' | 'gphome', value: string): string =>
  `clusters:\n  prod:\n    ${field === 'dataDirectory' ? '' : 'dataDirectory: /data/coordinator/gpseg-1\n    '}${field}: ${JSON.stringify(value)}\n    hosts:\n      - name: cdw\n      - name: scdw\n`;

describe('hostile paths', () => {
  it('the inventory refuses each one in every path field, naming file, line, field, the character and the fix', () => {
    for (const field of ['dataDirectory', 'environmentScript', 'gphome'] as const) {
      for (const [value, words] of HOSTILE) {
        const r = parseInventory(inventoryWith(field, value), 'clusters.yaml');
        assert.equal(r.ok, false, `${field} ${JSON.stringify(value)} was accepted`);
        const p = r.problems.find(x => x.field === `clusters.prod.${field}`);
        assert.ok(p, JSON.stringify(r.problems));
        const expectedLine = field === 'dataDirectory' ? 3 : 4;
        assert.equal(p.line, expectedLine);
        const line = formatInventoryProblem(p);
        assert.match(
          line,
          new RegExp(`^clusters\\.yaml:${expectedLine}:\\d+: error: clusters\\.prod\\.${field}: it contains `),
        );
        assert.match(p.message, words, p.message);
        assert.match(p.message, /may hold only letters, digits and \/ \. _ - \+ @ : , =\. Use a path without it/);
      }
    }
  });

  it("a host's own dataDirectory is checked the same way", () => {
    const text =
      'clusters:\n  prod:\n    dataDirectory: /data/c/gpseg-1\n    hosts:\n      - name: cdw\n      - name: scdw\n        dataDirectory: "/data/c/gpseg-1$(id)"\n';
    const r = parseInventory(text, 'c.yaml');
    assert.equal(r.ok, false);
    const p = r.problems.find(x => x.field === 'clusters.prod.hosts[1].dataDirectory');
    assert.ok(p, JSON.stringify(r.problems));
    assert.equal(p.line, 7);
  });

  it('accepts what Greenplum paths use', () => {
    for (const ok of [
      '/data/coordinator/gpseg-1',
      '/gpdata/master_1/gp-seg.-1',
      '/opt/gp+6@v6.24.3:a,b=c',
      '/usr/local/greenplum-db-6.24.3/greenplum_path.sh',
    ]) {
      assert.equal(pathCharacterProblem(ok), null, ok);
      assert.ok(parseInventory(inventoryWith('dataDirectory', ok)).ok, ok);
    }
  });

  it('an identity file with an invisible or bidi character is refused (it stays local, so spaces are fine)', () => {
    const base =
      'clusters:\n  prod:\n    dataDirectory: /d/gpseg-1\n    hosts:\n      - name: cdw\n        identityFile: KEY\n      - name: scdw\n';
    assert.ok(parseInventory(base.replace('KEY', '"/home/a b/.ssh/id"')).ok);
    const r = parseInventory(base.replace('KEY', '"~/.ssh/id\u202Egpj.ed25519"'));
    assert.equal(r.ok, false);
    assert.match(r.problems[0]!.message, /U\+202E/);
  });

  it('the command builder refuses them too, and its message shows invisible characters', () => {
    for (const [value] of HOSTILE) {
      assert.throws(() => safeAbsolutePath(value, 'data directory'), UnsafeValueError, JSON.stringify(value));
    }
    assert.throws(
      () => safeAbsolutePath('/d/a\u202Eb'),
      (e: Error) => e.message.includes('"/d/a\\u{202E}b"') && !e.message.includes('\u202E'),
    );
  });

  it('a hostile backup name on a host is reported, never forges a fact, and blocks every step that changes the cluster', () => {
    const root = mkdtempSync(join(tmpdir(), 'gpcoord-probe-'));
    try {
      const dir = join(root, 'gpseg-1');
      mkdirSync(dir);
      const names = ['backup_gpseg-1', 'backup_gpseg-1$(touch pwned)', 'backup_x\n@gpc running 1', 'backup_\u202Eevil'];
      for (const n of names) mkdirSync(join(root, n));
      const out = execFileSync('bash', ['-c', probeScript(dir, 54321)], { cwd: root, encoding: 'utf8' });
      const f = parseProbe(out);
      assert.equal(f.running, false, 'a newline in a name forged no fact');
      assert.deepEqual(f.backups, ['backup_gpseg-1']);
      assert.deepEqual(f.unsafeBackups.sort(), names.slice(1).sort());
      assert.deepEqual(
        readdirSync(root).filter(n => n === 'pwned'),
        [],
      );
      const cluster = labCluster();
      const state = stateOf(cluster, {
        cdw: staleFacts('cdw', { unsafeBackups: ['backup_gpseg-1$(touch pwned)'] }),
        scdw: activeFacts('scdw', null),
      });
      const p = state.problems.find(x => x.code === 'unsafe-host-value');
      assert.ok(p, JSON.stringify(state.problems));
      assert.match(
        p.text,
        /^cdw returned a backup entry named "backup_gpseg-1\$\(touch pwned\)", which gpcoord will not put in a command: it contains "\$".*Rename or remove that entry/,
      );
      const d = planNext({ procedure: 'restore-mirroring', cluster, state, journal: [], now: NOW });
      assert.equal(d.kind, 'blocked');
      assert.match(d.kind === 'blocked' ? d.reason : '', /^Refused: cdw returned a backup entry named/);
      // A read-only check still runs.
      const check = planNext({ procedure: 'check', cluster, state, journal: [], now: NOW });
      assert.equal(check.kind, 'step');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a catalog data directory or host name with such characters is reported', () => {
    const cluster = labCluster();
    const active = activeFacts('scdw', null);
    active.catalog[0] = { ...active.catalog[0]!, datadir: '/data/c/gpseg-1`id`', hostname: 'scdw;id' };
    const state = stateOf(cluster, { cdw: staleFacts('cdw'), scdw: active });
    const texts = state.problems.filter(x => x.code === 'unsafe-host-value').map(x => x.text);
    assert.equal(texts.length, 2, JSON.stringify(texts));
    assert.match(texts[0]!, /catalog data directory \(dbid 9\) "\/data\/c\/gpseg-1`id`"/);
    assert.match(texts[1]!, /catalog host name \(dbid 9\) "scdw;id"/);
    assert.equal(planNext({ procedure: 'restore-mirroring', cluster, state, journal: [], now: NOW }).kind, 'blocked');
  });
});

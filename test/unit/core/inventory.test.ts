import assert from 'node:assert/strict';
import { formatInventoryProblem, mergeInventories, parseInventory, resolveCluster } from '../../../src/core/inventory';

const GOOD = `clusters:
  prod:
    dataDirectory: /data/coordinator/gpseg-1
    hosts:
      - name: cdw
        role: coordinator
      - name: scdw
        ssh: scdw-jump
        sshPort: 2222
`;

describe('inventory', () => {
  it('accepts a valid inventory and applies defaults', () => {
    const r = parseInventory(GOOD);
    assert.ok(r.ok, JSON.stringify(r.problems));
    const c = resolveCluster('prod', r.inventory.clusters.prod!);
    assert.equal(c.originalCoordinator.name, 'cdw');
    assert.equal(c.originalStandby.name, 'scdw');
    assert.equal(c.hosts[1]!.sshTarget, 'scdw-jump');
    assert.equal(c.hosts[0]!.port, 5432);
    assert.equal(r.inventory.clusters.prod!.vocabulary, 'auto');
  });

  it('reports a hostile host name at its exact line and column', () => {
    const text = GOOD.replace('name: scdw', 'name: "scdw; rm -rf /"');
    const r = parseInventory(text, 'inv.yaml');
    assert.equal(r.ok, false);
    const p = r.problems.find(x => x.field === 'clusters.prod.hosts[1].name');
    assert.ok(p, JSON.stringify(r.problems));
    assert.equal(p.file, 'inv.yaml');
    assert.equal(p.line, 7);
    assert.equal(p.column, 15);
    assert.match(p.message, /host name/);
  });

  it('names an unknown key and where it is', () => {
    const r = parseInventory(GOOD.replace('sshPort: 2222', 'sshprot: 2222'));
    assert.equal(r.ok, false);
    const p = r.problems.find(x => x.message.includes('"sshprot"'));
    assert.ok(p, JSON.stringify(r.problems));
    assert.equal(p.line, 9);
    assert.equal(p.column, 9);
  });

  it('rejects relative paths, missing fields, bad ports and duplicate hosts', () => {
    const text = `clusters:
  x:
    dataDirectory: data/gpseg-1
    port: 70000
    hosts:
      - name: a
      - name: a
`;
    const r = parseInventory(text);
    assert.equal(r.ok, false);
    const fields = r.problems.map(p => p.field).sort();
    assert.deepEqual(fields, ['clusters.x.dataDirectory', 'clusters.x.hosts[1].name', 'clusters.x.port']);
    const missing = parseInventory('clusters:\n  x:\n    hosts: []\n');
    assert.ok(
      missing.problems.some(p => p.field === 'clusters.x.dataDirectory' && /required/.test(p.message)),
      JSON.stringify(missing.problems),
    );
  });

  it('takes a pinned release and names the quoted values when it is not one of them', () => {
    const pinned = parseInventory(GOOD.replace('    hosts:', '    release: "cloudberry-2"\n    hosts:'));
    assert.ok(pinned.ok, JSON.stringify(pinned.problems));
    assert.equal(pinned.inventory.clusters.prod!.release, 'cloudberry-2');
    for (const bad of ['6', '"6.24"', 'cloudberry']) {
      const r = parseInventory(GOOD.replace('    hosts:', `    release: ${bad}\n    hosts:`), 'inv.yaml');
      assert.equal(r.ok, false, bad);
      const p = r.problems.find(x => x.field === 'clusters.prod.release');
      assert.ok(p, JSON.stringify(r.problems));
      assert.equal(p.line, 4);
      assert.equal(p.column, 14);
      assert.match(p.message, /must be one of "5", "6", "7", "cloudberry-1", "cloudberry-2", quoted \(release: "6"\)/);
    }
  });

  it('reports YAML syntax errors with a position instead of throwing', () => {
    const r = parseInventory('clusters:\n  x: [\n');
    assert.equal(r.ok, false);
    assert.ok(r.problems[0]!.line >= 2);
    assert.match(r.problems[0]!.message, /YAML/);
  });

  it('merges the workspace and user-level files, the first one winning, with a warning naming both', () => {
    const a = parseInventory(GOOD, 'workspace.yaml');
    const b = parseInventory(
      GOOD.replace('prod:', 'prod:\n    description: user copy').replace(
        'clusters:',
        'clusters:\n  other:\n    dataDirectory: /d/gpseg-1\n    hosts:\n      - name: a\n      - name: b',
      ),
      'user.yaml',
    );
    assert.ok(a.ok && b.ok, JSON.stringify([a.problems, b.problems]));
    const m = mergeInventories([
      { file: 'workspace.yaml', inventory: a.inventory },
      { file: 'user.yaml', inventory: b.inventory },
    ]);
    assert.deepEqual(Object.keys(m.inventory.clusters).sort(), ['other', 'prod']);
    assert.equal(m.origin.prod, 'workspace.yaml');
    assert.equal(m.origin.other, 'user.yaml');
    assert.equal(m.inventory.clusters.prod!.description, undefined);
    assert.match(
      formatInventoryProblem(m.problems[0]!),
      /^user\.yaml:1:1: warning: cluster "prod" is also defined in workspace\.yaml/,
    );
  });
});

// Cluster names that are also members of Object.prototype: each is a cluster like any other, and `__proto__`
// (which would set a prototype instead of a key) is refused on its key instead of vanishing unvalidated.
import assert from 'node:assert/strict';
import { mergeInventories, parseInventory } from '../../../src/core/inventory';
import { findCluster } from '../../../src/engine/inventory-files';

const inventory = (name: string, dir = '/data/coordinator/gpseg-1'): string =>
  `clusters:\n  ${name}:\n    dataDirectory: ${dir}\n    hosts:\n      - name: cdw\n        role: coordinator\n      - name: scdw\n`;

describe('cluster names that Object.prototype also has', () => {
  for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`"${name}" loads, merges and is found`, () => {
      const r = parseInventory(inventory(name), 'a.yaml');
      assert.ok(r.ok, JSON.stringify(r.problems));
      const merged = mergeInventories([{ file: 'a.yaml', inventory: r.inventory }]);
      assert.deepEqual(merged.problems, []);
      assert.deepEqual(Object.keys(merged.inventory.clusters), [name]);
      assert.equal(merged.origin[name], 'a.yaml');
      const found = findCluster(merged.inventory, name);
      assert.ok(found.ok && found.cluster.name === name);
    });
  }

  it('a name missing from the inventory is not found through the prototype', () => {
    const r = parseInventory(inventory('prod'));
    assert.ok(r.ok);
    assert.equal(
      findCluster(mergeInventories([{ file: 'a', inventory: r.inventory }]).inventory, 'toString').ok,
      false,
    );
  });

  it('"__proto__" is refused on its key, with a hostile data directory never passing unvalidated', () => {
    const text = inventory('__proto__', '/data/x$(id)');
    const r = parseInventory(text, 'p.yaml');
    assert.equal(r.ok, false);
    const p = r.problems.find(x => x.field === 'clusters.__proto__');
    assert.ok(p, JSON.stringify(r.problems));
    assert.equal(text.slice(p.offset, p.endOffset), '__proto__');
    assert.match(p.message, /cluster name "__proto__"/);
  });
});

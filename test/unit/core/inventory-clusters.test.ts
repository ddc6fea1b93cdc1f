// One broken cluster costs only that cluster: the others stay, each problem is reported under its own cluster.
import * as assert from 'assert';
import { parseInventoryByCluster } from '../../../src/core/inventory-clusters';

const cluster = (name: string, extra = '', hosts = `      - name: ${name}-cdw\n      - name: ${name}-scdw\n`) =>
  `  ${name}:\n    dataDirectory: /data/coordinator/gpseg-1\n${extra}    hosts:\n${hosts}`;

describe('parseInventoryByCluster', () => {
  it('keeps every cluster of a valid file and reports nothing', () => {
    const r = parseInventoryByCluster(`clusters:\n${cluster('prod')}${cluster('test')}`);
    assert.deepStrictEqual(
      r.clusters.map(c => c.name),
      ['prod', 'test'],
    );
    assert.deepStrictEqual(r.broken, []);
    assert.deepStrictEqual(r.fileProblems, []);
  });

  it('a wrong value in one cluster keeps the others and reports the problem under the broken one only', () => {
    const r = parseInventoryByCluster(
      `clusters:\n${cluster('prod')}${cluster('test', '    port: 54x\n')}${cluster('stage')}`,
    );
    assert.deepStrictEqual(
      r.clusters.map(c => c.name),
      ['prod', 'stage'],
    );
    assert.deepStrictEqual(
      r.broken.map(b => [b.name, b.problems.map(p => p.field)]),
      [['test', ['clusters.test.port']]],
    );
    assert.strictEqual(r.broken[0]!.problems[0]!.line, 9);
  });

  it('a half-typed line (a YAML syntax error) inside one cluster keeps the clusters before and after it', () => {
    const text = `clusters:\n${cluster('prod')}${cluster('test', '', '      - name: a\n      - name: b\n    por\n')}${cluster('stage')}`;
    const r = parseInventoryByCluster(text);
    assert.deepStrictEqual(
      r.clusters.map(c => c.name),
      ['prod', 'stage'],
    );
    assert.deepStrictEqual(
      r.broken.map(b => b.name),
      ['test'],
    );
    assert.ok(
      r.broken[0]!.problems.every(p => p.line >= 8 && p.line <= 13),
      JSON.stringify(r.broken[0]!.problems),
    );
  });

  it("a problem outside every cluster (an unknown top-level key) is the file's, and the clusters stay", () => {
    const r = parseInventoryByCluster(`clusterz: 1\nclusters:\n${cluster('prod')}`);
    assert.deepStrictEqual(
      r.clusters.map(c => c.name),
      ['prod'],
    );
    assert.deepStrictEqual(
      r.fileProblems.map(p => p.field),
      ['clusterz'],
    );
  });

  it('text with no clusters map at all is one file problem, no clusters', () => {
    const r = parseInventoryByCluster('clusters: [\n');
    assert.deepStrictEqual(r.clusters, []);
    assert.ok(r.fileProblems.length > 0);
  });
});

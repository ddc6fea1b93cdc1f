// Add Cluster's writer: each host gets its own ssh target, user, data directory and port, written only when they
// differ from the defaults, and the result validates against the inventory schema.
import * as assert from 'assert';
import { parseInventory } from '../../../src/core/inventory';
import { addClusterToInventory } from '../../../src/extension/inventory/write-inventory';

const base = {
  name: 'prod',
  coordinatorHost: 'cdw',
  standbyHost: 'scdw',
  dataDirectory: '/data/coordinator/gpseg-1',
  port: 5432,
  vocabulary: 'auto' as const,
  product: 'auto' as const,
};

describe('addClusterToInventory', () => {
  it("writes each host's ssh alias and user, GPHOME, and the standby's own data directory and port", () => {
    const r = addClusterToInventory(
      '',
      {
        ...base,
        gphome: '/usr/local/greenplum-db',
        coordinatorSsh: 'cdw-prod',
        coordinatorUser: 'gpadmin',
        standbySsh: 'scdw',
        standbyUser: undefined,
        standbyDataDirectory: '/data2/coordinator/gpseg-1',
        standbyPort: 6432,
      },
      'greenplum-clusters.yaml',
    );
    assert.ok(r.ok, r.ok ? '' : r.message);
    const parsed = parseInventory(r.text);
    assert.ok(parsed.ok);
    const c = parsed.inventory.clusters.prod!;
    assert.strictEqual(c.gphome, '/usr/local/greenplum-db');
    assert.deepStrictEqual(c.hosts, [
      { name: 'cdw', role: 'coordinator', ssh: 'cdw-prod', user: 'gpadmin' },
      { name: 'scdw', role: 'standby', dataDirectory: '/data2/coordinator/gpseg-1', port: 6432 },
    ]);
  });

  it('leaves out what equals the defaults (ssh target = name, same directory and port)', () => {
    const r = addClusterToInventory(
      '',
      {
        ...base,
        coordinatorSsh: 'cdw',
        standbySsh: 'scdw',
        standbyDataDirectory: base.dataDirectory,
        standbyPort: 5432,
      },
      'f',
    );
    assert.ok(r.ok);
    const parsed = parseInventory(r.text);
    assert.ok(parsed.ok);
    assert.deepStrictEqual(parsed.inventory.clusters.prod!.hosts, [
      { name: 'cdw', role: 'coordinator' },
      { name: 'scdw', role: 'standby' },
    ]);
  });
});

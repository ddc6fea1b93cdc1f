// The observed release is shown in the panel's subtitle (the tree tooltip uses the same releaseName).
import assert from 'node:assert/strict';
import { parseInventory, resolveCluster } from '../../../src/core/inventory';
import { snapshotFromState } from '../../../src/extension/panel/state-snapshot';
import { activeFacts, movedFacts, stateOf } from './facts';

describe('the release in the panel', () => {
  it('names the pinned or detected release, and nothing when it is unknown', () => {
    const cluster = (release: string) => {
      const r = parseInventory(
        `clusters:\n  lab:\n${release}    dataDirectory: /data/master/gpseg-1\n    hosts: [{ name: cdw, role: coordinator }, { name: scdw }]\n`,
      );
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      return resolveCluster('lab', r.inventory.clusters.lab!);
    };
    const pinned = cluster('    release: "5"\n');
    const a = snapshotFromState({
      cluster: pinned,
      state: stateOf(pinned, { cdw: activeFacts('cdw', null), scdw: movedFacts('scdw') }),
    });
    assert.match(a.subtitle ?? '', /Release: Greenplum 5/);
    const plain = cluster('');
    const detected = stateOf(plain, {
      cdw: { ...activeFacts('cdw', null), gpVersion: 'postgres (Apache Cloudberry) 2.0.0-incubating build 1' },
      scdw: movedFacts('scdw'),
    });
    assert.match(snapshotFromState({ cluster: plain, state: detected }).subtitle ?? '', /Release: Cloudberry 2/);
    const unknown = stateOf(plain, { cdw: activeFacts('cdw', null), scdw: movedFacts('scdw') });
    assert.doesNotMatch(snapshotFromState({ cluster: plain, state: unknown }).subtitle ?? '', /Release/);
  });
});

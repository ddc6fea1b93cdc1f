// Two cases of the fault matrix on every lab run (the whole matrix takes most of an hour: test/lab/faults/matrix.ts).
// A host going down as the move starts, and a full disk on the new standby while gpinitstandby copies: neither may
// be reported as done, no data directory may be lost, and once the fault is cleared the same procedure finishes.
import assert from 'node:assert/strict';
import { runCase } from './matrix';

describe('fault matrix (sample)', function () {
  this.timeout(600_000);

  for (const [step, fault] of [
    ['move-aside', 'host-down'],
    ['init-standby', 'disk-full'],
  ] as const) {
    it(`restore-mirroring, ${fault} as ${step} starts: not done, nothing lost, finished by the next run`, async () => {
      const r = await runCase(54, 'restore-mirroring', step, fault);
      assert.equal(r.error, undefined, r.error);
      assert.ok(r.injected, 'the fault was injected');
      assert.notEqual(r.status, 'done', r.message);
      assert.ok(
        r.noDataLost,
        `data directories before ${JSON.stringify(r.dataBefore)}, after ${JSON.stringify(r.dataAfter)}`,
      );
      assert.equal(r.rerunStatus, 'done', r.rerunMessage ?? '');
    });
  }
});

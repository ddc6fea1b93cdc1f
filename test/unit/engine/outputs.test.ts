// The runner's reading of the utilities' real output (the Greenplum 6.24.3 captures): harmless noise is recognised
// as such, and the gpstate verifications read what the reference run printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planNext } from '../../../src/core/planner';
import { judgeVerification } from '../../../src/core/procedures/guards';
import type { PlannedStep } from '../../../src/core/procedures/types';
import { parseOutput } from '../../../src/core/parsers';
import { adviceFor, changeHappenedDespiteExit } from '../../../src/engine/outcomes';
import { harmlessNotes, parsedForVerify } from '../../../src/engine/step-output';
import { labCluster, NOW, SITUATIONS } from './facts';

const capture = (name: string): string =>
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'gp6-lab-capture', name), 'utf8');
const cluster = labCluster();

function stepOf(
  procedure: 'restore-mirroring' | 'return-to-original',
  state: ReturnType<typeof SITUATIONS.restored>,
  id: string,
): PlannedStep {
  const d = planNext({ procedure, cluster, state, journal: [], now: NOW });
  assert.equal(d.kind, 'step');
  const all = d.kind === 'step' ? [d.step, ...d.upcoming] : [];
  const s = all.find(x => x.id === id);
  assert.ok(s, id);
  return s;
}

describe('reading real utility output', () => {
  it("calls gpinitstandby's extension-sync warning harmless", () => {
    const step = stepOf('restore-mirroring', SITUATIONS.afterMove(cluster), 'init-standby');
    const notes = harmlessNotes(step, capture('30-gpinitstandby-reseed-old-master.txt'), 0);
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /syncing extensions failed: harmless/);
  });

  it('judges a gpactivatestandby that timed out after promoting by observation, and a refused one as failed', () => {
    const sample = (name: string): string =>
      readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'public-samples', name), 'utf8');
    const timedOut = parseOutput(
      'gpactivatestandby',
      sample('cbdb_gpactivatestandby_promotion_timed_out_RECONSTRUCTED.txt'),
      { exitCode: 2 },
    );
    assert.ok(timedOut.recognized);
    assert.match(
      String(changeHappenedDespiteExit(timedOut.result)),
      /The promotion happened: the cluster is re-observed/,
    );
    const refused = parseOutput('gpactivatestandby', capture('10-gpactivatestandby-while-master-running.txt'), {
      exitCode: 2,
    });
    assert.ok(refused.recognized);
    assert.equal(changeHappenedDespiteExit(refused.result), false);
  });

  it('advises on gpinitstandby -a refused for unreachable segment hosts, naming them', () => {
    const text = readFileSync(
      join(
        __dirname,
        '..',
        '..',
        'fixtures',
        'reference',
        'public-samples',
        'cbdb_gpinitstandby_-a_segment_host_unreachable_RECONSTRUCTED.txt',
      ),
      'utf8',
    );
    const r = parseOutput('gpinitstandby', text, { exitCode: 2 });
    assert.ok(r.recognized);
    assert.match(
      adviceFor(r.result) ?? '',
      /refuses while a segment host does not answer \(sdw2, sdw3\); nothing was changed\. Bring the host back/,
    );
    assert.equal(adviceFor({ reason: 'data-directory-exists' }), undefined);
  });

  it('calls gpstop -m\'s "Failed to kill process" with exit 0 spurious, and only with exit 0', () => {
    const step = stepOf('return-to-original', SITUATIONS.restored(cluster), 'stop-coordinator');
    const text = capture('33-gpstop-m-current-master.txt');
    assert.match(harmlessNotes(step, text, 0)[0] ?? '', /spurious error/);
    assert.deepEqual(harmlessNotes(step, text, 2), []);
  });

  it('verifies gpstate -f: streaming after the reseed, not before', () => {
    const step = stepOf('restore-mirroring', SITUATIONS.afterMove(cluster), 'verify-mirroring');
    const ok = parsedForVerify(step, capture('31-gpstate-f-after-reseed.txt'), 0);
    assert.deepEqual(ok, { recognized: true, outcome: 'succeeded', standbyStatus: 'passive', walState: 'streaming' });
    assert.equal(judgeVerification(step, SITUATIONS.restored(cluster), ok).ok, true);
    const none = parsedForVerify(step, capture('24-gpstate-f-after-activation.txt'), 0);
    const v = judgeVerification(step, SITUATIONS.restored(cluster), none);
    assert.equal(v.ok, false, "gpstate's own words win over the observation");
    assert.match(v.message, /standby status is not configured/);
  });

  it('verifies gpstate -b after the activation: coordinator Active, no standby', () => {
    const step = stepOf('return-to-original', SITUATIONS.restored(cluster), 'check-activation');
    const after = parsedForVerify(step, capture('25-gpstate-b-after-activation.txt'), 0);
    assert.equal(judgeVerification(step, SITUATIONS.swapActivated(cluster), after).ok, true);
    const withStandby = parsedForVerify(step, capture('32-gpstate-b-after-reseed.txt'), 0);
    assert.match(
      judgeVerification(step, SITUATIONS.swapActivated(cluster), withStandby).message,
      /still lists a standby/,
    );
  });
});

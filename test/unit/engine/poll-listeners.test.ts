// The runner's pause between polls leaves no abort listener behind: a run that polls many times on one signal
// neither grows the signal's listener list nor triggers MaxListenersExceededWarning; an abort still ends a pause.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { sleep } from '../../../src/engine/sleep';

describe('the runner pause between polls', () => {
  it('200 pauses on one signal leave no listener and no MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const abort = new AbortController();
      for (let i = 0; i < 200; i++) await sleep(0, abort.signal);
      assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
      await new Promise(r => setImmediate(r));
      assert.ok(!warnings.includes('MaxListenersExceededWarning'), warnings.join());
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('an abort ends a long pause at once and removes its listener', async () => {
    const abort = new AbortController();
    const pause = sleep(60_000, abort.signal);
    assert.equal(getEventListeners(abort.signal, 'abort').length, 1);
    abort.abort();
    await pause; // were it left to its 60 s timer, the test's 20 s limit would fail it
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
  });
});

// Seeded fuzzing of the status panel's message validation, both ways: what the webview sends the extension
// (fromPanelSchema, checked in status-panel.ts before anything runs) and what the extension sends the webview
// (toPanelSchema, checked in media/panel.ts). Nothing may throw; whatever is accepted must be one of the known
// messages with a known command; and no message, however built, may pollute Object.prototype.
import assert from 'node:assert/strict';
import { checkFromPanel, checkToPanel } from './checks';
import { fuzzPanelMessage, mutateJson, prng, randomJson } from './generators';

const CASES = Number(process.env.PANEL_FUZZ_CASES ?? 3000);

describe('fuzz: panel messages', () => {
  afterEach(() => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  });

  it(`validates ${CASES} generated and mutated panel → extension messages without throwing`, () => {
    let accepted = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const message = fuzzPanelMessage(seed);
      const r = checkFromPanel(message);
      assert.equal(r.problem, null, `seed ${seed}: ${r.problem}\nmessage: ${JSON.stringify(message)?.slice(0, 300)}`);
      if (r.accepted) accepted++;
    }
    console.log(`      (${accepted} of ${CASES} accepted as valid messages)`);
    assert.ok(accepted > 0, 'some mutations keep a message valid');
  });

  it(`validates ${CASES} generated extension → panel messages without throwing`, () => {
    const r0 = prng(7);
    const base = {
      type: 'show',
      snapshot: {
        title: 't',
        subtitle: 's',
        verdict: { health: 'ok', headline: 'h', detail: 'd' },
        product: null,
        vocabulary: null,
        hosts: [],
        link: { health: 'unknown', summary: '', rows: null },
        segments: null,
        problems: [],
        sources: [],
        actions: [],
      },
    };
    for (let seed = 1; seed <= CASES; seed++) {
      const r = prng(seed);
      let message: unknown = seed % 5 === 0 ? randomJson(r0) : structuredClone(base);
      for (let i = 1 + Math.floor(r() * 4); i > 0; i--) message = mutateJson(message, r);
      const out = checkToPanel(message);
      assert.equal(out, null, `seed ${seed}: ${out}\nmessage: ${JSON.stringify(message)?.slice(0, 300)}`);
    }
  });
});

// Seeded fuzzing of the inventory loader: mutated YAML (structure, indentation, anchors, bombs, hostile values,
// junk bytes) must never make parseInventory throw; every problem must point inside the text; and whatever it
// accepts must hold only validated values (host names and users without shell syntax, absolute clean paths).
// The bench (`npm run bench -- fuzz`) runs the same generators over tens of thousands of seeds.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { parseInventory } from '../../../src/core/inventory';
import { checkInventoryResult } from './checks';
import { fuzzInventory, INVENTORY_SEEDS } from './generators';

const CASES = Number(process.env.FUZZ_CASES ?? 300);
const CANARY = '/nonexistent/gpcoord-fuzz-canary';
describe('fuzz: inventory loader', () => {
  it('handles every seed', () => {
    for (const seed of INVENTORY_SEEDS.filter(s => !s.startsWith('a: &a')))
      assert.equal(checkInventoryResult(seed), null, JSON.stringify(seed.slice(0, 80)));
  });

  it('refuses an alias bomb with a problem instead of throwing', () => {
    // yaml's toJS throws "Excessive alias count" past maxAliasCount; the loader promises never to throw.
    const bomb = INVENTORY_SEEDS.find(s => s.startsWith('a: &a'))!;
    assert.equal(checkInventoryResult(bomb), null);
    const r = parseInventory(bomb);
    assert.equal(r.ok, false);
  });

  it('keeps problem offsets inside the text when YAML reports an error at the end of input', () => {
    // yaml reports some errors at [length, length + 1]; editors get offsets past the end otherwise.
    for (const text of ['clusters:\n  c: [a, b', 'clusters: {a: 1', 'x: "unterminated'])
      assert.equal(checkInventoryResult(text), null);
  });

  it(`survives ${CASES} mutated inventories (seeded, reproducible)`, function () {
    // A generous limit against hangs only; the bench measures time on a quiet run.
    this.timeout(300000);
    let accepted = 0;
    let slowest = { ms: 0, seed: -1 };
    // Failures grouped by kind, so one run shows every distinct defect with a seed to reproduce it.
    const failures = new Map<string, { count: number; seed: number; detail: string }>();
    // mocha lifts Error.stackTraceLimit to Infinity; errors created deep inside the YAML parser's recursion then
    // capture thousands of frames each, which makes deeply nested inputs take seconds here and not in production.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 10;
    try {
      for (let seed = 1; seed <= CASES; seed++) {
        const text = fuzzInventory(seed, CANARY);
        const t0 = performance.now();
        const problem = checkInventoryResult(text);
        const ms = performance.now() - t0;
        if (ms > slowest.ms) slowest = { ms, seed };
        if (problem !== null) {
          const kind = problem.split(/[:\n{]/)[0]!;
          const f = failures.get(kind) ?? {
            count: 0,
            seed,
            detail: `${problem.split('\n')[0]}\n        input: ${JSON.stringify(text.slice(0, 200))}`,
          };
          f.count++;
          failures.set(kind, f);
        } else if (parseInventory(text).ok) accepted++;
      }
    } finally {
      Error.stackTraceLimit = limit;
    }
    assert.equal(
      failures.size,
      0,
      [...failures].map(([k, f]) => `${f.count}× ${k} (first at seed ${f.seed}): ${f.detail}`).join('\n'),
    );
    // Reported, not asserted: the bench measures time; this shows the mix stays meaningful.
    console.log(
      `      (${accepted} of ${CASES} accepted; slowest case seed ${slowest.seed}: ${slowest.ms.toFixed(1)} ms)`,
    );
    assert.ok(
      accepted > CASES * 0.01 && accepted < CASES * 0.99,
      `the mutations should give both accepted and refused inventories (accepted ${accepted})`,
    );
  });
});

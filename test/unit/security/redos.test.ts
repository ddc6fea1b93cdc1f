// ReDoS: every regular expression in src is checked by recheck (automaton and fuzzing), so that no parser or
// analysis can be made to backtrack for seconds by a crafted line. A pattern built at run time cannot be checked and
// is refused too: write it as a literal, or match without a regular expression (see src/core/glob.ts).
import { strict as assert } from 'node:assert';
import { check } from 'recheck';
import { regexesIn } from './regexes';
import type { SourceRegex } from './regexes';

const ROOT = new URL('../../..', `file://${__dirname}/`).pathname;
/**
 * Deterministic: a fixed seed, and the fuzzer bounded by counts instead of its default time limits (which made the
 * verdict depend on the machine's load). The overall limit only guards against a hang; reaching it fails the test.
 */
const PARAMS = {
  randomSeed: 42,
  incubationTimeout: null,
  seedingTimeout: null,
  attackTimeout: null,
  timeout: 120_000,
} as const;

describe('regular expressions in src (ReDoS)', function () {
  this.timeout(600_000);
  const all = regexesIn(ROOT, ['src']);

  it('finds the regular expressions of the parsers and the analyses', () => {
    for (const dir of ['src/core/parsers/', 'src/language-server/', 'src/core/inventory.ts']) {
      assert.ok(
        all.some(r => r.file.startsWith(dir)),
        `no regular expression found under ${dir}`,
      );
    }
  });

  it('builds none at run time', () => {
    const dynamic = all.filter(r => r.source === null).map(r => `${r.file}:${r.line}`);
    assert.deepEqual(dynamic, [], 'RegExp built from a non-literal pattern (cannot be checked)');
  });

  it('has none that backtracks more than linearly', async () => {
    const unique = new Map<string, SourceRegex[]>();
    for (const r of all) {
      if (r.source === null) continue;
      const key = `/${r.source}/${r.flags}`;
      unique.set(key, [...(unique.get(key) ?? []), r]);
    }
    const bad: string[] = [];
    for (const [key, where] of unique) {
      const first = where[0]!;
      const result = await check(first.source!, first.flags, PARAMS);
      const at = where.map(w => `${w.file}:${w.line}`).join(', ');
      if (result.status === 'vulnerable')
        bad.push(`${at} ${key}: ${result.complexity.type} (attack: ${result.attack.pattern.slice(0, 80)})`);
      else if (result.status === 'unknown') bad.push(`${at} ${key}: not proven safe (${result.error.kind})`);
    }
    assert.deepEqual(bad, []);
  });
});

// The large fuzz run: tens of thousands of seeded cases for the inventory loader, the panel's message validation
// and the output parsers, with the property checks of test/unit/fuzz. Reports failures (must be 0), the time per
// case against the time per valid seed input measured in the same run (bounded time: fuzzed inputs must not cost
// disproportionately more), the slowest case with its seed, and heap growth over the run (bounded memory).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Benchmark, Row } from './lib';
import { ROOT, row, timeSync } from './lib';
import { loadParser } from './parsers';
import { checkFromPanel, checkInventoryResult, checkToPanel } from '../test/unit/fuzz/checks';
import {
  fuzzInventory,
  fuzzPanelMessage,
  int,
  INVENTORY_SEEDS,
  mutateJson,
  pick,
  prng,
  VALID_FROM_PANEL,
} from '../test/unit/fuzz/generators';

interface Run {
  cases: number;
  failures: Map<string, { count: number; seed: number }>;
  totalMs: number;
  slowest: { ms: number; seed: number };
  heapGrowthMiB: number;
}

function fuzz(cases: number, one: (seed: number) => string | null): Run {
  const failures = new Map<string, { count: number; seed: number }>();
  let slowest = { ms: 0, seed: 0 };
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let seed = 1; seed <= cases; seed++) {
    const s = performance.now();
    const problem = one(seed);
    const ms = performance.now() - s;
    if (ms > slowest.ms) slowest = { ms, seed };
    if (problem !== null) {
      const kind = problem.split(/[:\n{]/)[0]!;
      const f = failures.get(kind) ?? { count: 0, seed };
      f.count++;
      failures.set(kind, f);
    }
  }
  const totalMs = performance.now() - t0;
  global.gc?.();
  return { cases, failures, totalMs, slowest, heapGrowthMiB: (process.memoryUsage().heapUsed - heap0) / 2 ** 20 };
}

function rows(name: string, r: Run, seedMs: number, ctx: { note(t: string): void }): Row[] {
  const perCase = r.totalMs / r.cases;
  const failed = [...r.failures.values()].reduce((a, f) => a + f.count, 0);
  if (failed)
    ctx.note(`${name}: ${[...r.failures].map(([k, f]) => `${f.count}× "${k}" (first at seed ${f.seed})`).join('; ')}.`);
  return [
    row('fuzz', {
      name: `${name}: failed cases of ${r.cases.toLocaleString('en-US')}`,
      value: failed,
      unit: 'cases',
      goal: '0 (no throw, properties hold)',
      check: m => m === 0,
    }),
    row('fuzz', {
      name: `${name}: time per case, generation included (slowest: seed ${r.slowest.seed}, ${r.slowest.ms.toFixed(1)} ms)`,
      value: perCase,
      unit: 'ms',
      baseline: { name: 'a valid seed input', value: seedMs },
      note: `heap growth over the run ${r.heapGrowthMiB.toFixed(1)} MiB`,
    }),
  ];
}

const CANARY = '/nonexistent/gpcoord-fuzz-canary';

/** Line- and byte-level mutations of a utility's output. */
function mutateOutput(text: string, seed: number): string {
  const r = prng(seed);
  let t = text;
  for (let i = 1 + int(r, 4); i > 0; i--) {
    const lines = t.split('\n');
    switch (int(r, 6)) {
      case 0:
        t = t.slice(0, int(r, t.length + 1));
        break;
      case 1: {
        const a = int(r, lines.length);
        lines.splice(a, 1 + int(r, 5));
        t = lines.join('\n');
        break;
      }
      case 2: {
        const a = int(r, lines.length);
        lines.splice(a, 0, ...lines.slice(int(r, lines.length), int(r, lines.length)));
        t = lines.join('\n');
        break;
      }
      case 3: {
        const a = int(r, t.length + 1);
        t =
          t.slice(0, a) +
          pick(r, [
            ' = ',
            '<<<<<<<<',
            '-[WARNING]:-',
            '\r',
            '\u0000',
            'x'.repeat(10000),
            '\n'.repeat(50),
            '20261126:19:54:30:031708 gpstate:cdw:gpadmin-[INFO]:-',
          ]) +
          t.slice(a);
        break;
      }
      case 4:
        t = t.replace(/\d+/g, d => (int(r, 4) === 0 ? String(Number(d) * 7919) : d));
        break;
      default: {
        const a = int(r, lines.length);
        const b = int(r, lines.length);
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        t = lines.join('\n');
      }
    }
  }
  return t;
}

export const fuzzBench: Benchmark = {
  name: 'fuzz',
  title: 'Large seeded fuzz run: inventory loader, panel messages, output parsers',
  async run(ctx) {
    const scale = ctx.quick ? 0.1 : 1;
    const out: Row[] = [];
    // Mocha is not in play here, but keep stacks short for the same reason as in the tests.
    Error.stackTraceLimit = 10;

    const validInventory = INVENTORY_SEEDS[0]!;
    const invSeed = timeSync(() => checkInventoryResult(validInventory), 50, 5).median;
    out.push(
      ...rows(
        'inventory loader',
        fuzz(Math.round(10000 * scale), seed => checkInventoryResult(fuzzInventory(seed, CANARY))),
        invSeed,
        ctx,
      ),
    );

    const panelSeed = timeSync(() => checkFromPanel(VALID_FROM_PANEL[2]), 200, 20).median;
    out.push(
      ...rows(
        'panel → extension messages',
        fuzz(Math.round(50000 * scale), seed => checkFromPanel(fuzzPanelMessage(seed)).problem),
        panelSeed,
        ctx,
      ),
    );
    out.push(
      ...rows(
        'extension → panel messages',
        fuzz(Math.round(20000 * scale), seed => {
          const r = prng(seed);
          let m: unknown = {
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
          for (let i = 1 + int(r, 4); i > 0; i--) m = mutateJson(m, r);
          return checkToPanel(m);
        }),
        panelSeed,
        ctx,
      ),
    );

    const parseOutput = await loadParser();
    const dir = join(ROOT, 'test/fixtures/workspace/outputs');
    const fixtures = readdirSync(dir)
      .filter(f => f.endsWith('.txt'))
      .map(f => ({ kind: /gpstate-([fbs])/.exec(f)?.[1], text: readFileSync(join(dir, f), 'utf8') }));
    const kinds = ['gpstate-f', 'gpstate-b', 'gpstate-s', 'gpinitstandby', 'gpactivatestandby', 'gpstop'];
    const parseSeed =
      timeSync(() => fixtures.forEach(f => parseOutput(`gpstate-${f.kind ?? 'f'}`, f.text)), 20, 3).median /
      fixtures.length;
    const parse = (seed: number): string | null => {
      const f = fixtures[seed % fixtures.length]!;
      const kind = kinds[Math.floor(seed / fixtures.length) % kinds.length]!;
      try {
        const r = parseOutput(kind, mutateOutput(f.text, seed), { exitCode: seed % 3 }) as { recognized?: unknown };
        return typeof r?.recognized === 'boolean' ? null : 'result without recognized';
      } catch (e) {
        return `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      }
    };
    out.push(...rows('output parsers (all 6 kinds)', fuzz(Math.round(20000 * scale), parse), parseSeed, ctx));
    ctx.note(
      'Generators and property checks are those of test/unit/fuzz (seeded, so any failure is reproduced from its seed); parser inputs are mutations of the fixtures in test/fixtures/workspace/outputs, parsed as every kind.',
    );
    return out;
  },
};

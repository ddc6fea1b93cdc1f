// Hostile inputs, at the sizes once measured (53 s, 91 s, 101 s…): time to an answer against a benign input of the
// same size in the same run, each with the goal of an answer within 1 s; plus `gpcoord parse` on /dev/zero and on
// 600 MB of standard input, against the same command on a real capture.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Benchmark, Row, Sampled } from './lib';
import { ROOT, row, Skip, summarise } from './lib';
import { HOSTILE_INPUTS } from '../test/unit/fuzz/hostile-inputs';

const GOAL_MS = 1000;
const CLI = join(ROOT, 'dist/cli.js');
const CAPTURE = join(ROOT, 'test/fixtures/reference/gp6-lab-capture/01-gpstate-f.txt');

/**
 * CPU time of this process (user + system) per call: the machine may be shared by several test runs at once, and
 * wall time then measures the others' load as much as this work.
 */
function cpuTime(fn: () => unknown, n: number): Sampled {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    samples.push((d.user + d.system) / 1000);
  }
  return summarise(samples);
}

/** Wall time of a shell pipeline ending in `gpcoord parse`, with its exit status. */
function timeCli(script: string, n: number): { time: Sampled; status: number | null } {
  const samples: number[] = [];
  let status: number | null = null;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    status = spawnSync('bash', ['-c', script], { stdio: 'ignore' }).status;
    samples.push(performance.now() - t0);
  }
  return { time: summarise(samples), status };
}

export const hostileBench: Benchmark = {
  name: 'hostile',
  title: 'Hostile inputs answered within 1 s (parsers, inventory, language server analyses, gpcoord parse caps)',
  async run(ctx) {
    const rows: Row[] = [];
    const reps = ctx.quick ? 1 : 3;
    for (const h of HOSTILE_INPUTS) {
      const hostile = h.hostile(h.fullSize);
      const benign = h.benign(h.fullSize);
      const t = cpuTime(() => h.run(hostile), reps);
      const b = cpuTime(() => h.run(benign), reps);
      ctx.log(`${h.name}: ${t.median.toFixed(1)} ms (before: ${h.before})`);
      rows.push(
        row('hostile', {
          name: `${h.name} (${h.fullSize.toLocaleString('en-US')}; before: ${h.before})`,
          value: t,
          unit: 'ms CPU',
          baseline: { name: 'benign input of the same size', value: b },
          goal: `≤ ${GOAL_MS} ms`,
          check: m => m <= GOAL_MS,
        }),
      );
    }
    if (!existsSync(CLI)) throw new Skip('dist/cli.js is not built (npm run build)');
    const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const base = timeCli(`node ${q(CLI)} parse gpstate-f ${q(CAPTURE)}`, reps);
    const zero = timeCli(`node ${q(CLI)} parse gpstop /dev/zero`, reps);
    const stdin = timeCli(`head -c 600000000 /dev/zero | node ${q(CLI)} parse gpstop`, reps);
    const refused = (status: number | null): string => `exit ${String(status)} (4: larger than 64 MiB)`;
    rows.push(
      row('hostile', {
        name: `gpcoord parse gpstop /dev/zero → ${refused(zero.status)} (before: 7 GB in 20 s, no end)`,
        value: zero.time,
        unit: 'ms',
        baseline: { name: 'gpcoord parse of a real gpstate -f capture', value: base.time },
        goal: `exit 4, ≤ baseline + ${GOAL_MS} ms`,
        check: m => zero.status === 4 && m <= base.time.median + GOAL_MS,
      }),
    );
    rows.push(
      row('hostile', {
        name: `600 MB on stdin → ${refused(stdin.status)} (before: exit 1 "Cannot create a string longer…")`,
        value: stdin.time,
        unit: 'ms',
        baseline: { name: 'gpcoord parse of a real gpstate -f capture', value: base.time },
        goal: `exit 4, ≤ baseline + ${GOAL_MS} ms`,
        check: m => stdin.status === 4 && m <= base.time.median + GOAL_MS,
      }),
    );
    return rows;
  },
};

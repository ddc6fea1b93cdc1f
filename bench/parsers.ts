// Parser throughput: `parseOutput('gpstate-s', …)` on a generated 1,000-segment cluster and on worst-case inputs,
// in MB/s, against a baseline measured in the same run on the same text: a plain line split plus the log-prefix
// regex on every line (the least any parser of this format must do). Linearity: time for 8× the input / (8 × time
// for 1×); 1.0 is perfectly linear, a quadratic parser shows about 8.
import type { Benchmark, Row } from './lib';
import { importOptional, interleave, row, Skip } from './lib';
import { gpstateS, noNewlines, oneLongLine } from './gen/gpstate';

type ParseOutput = (kind: string, text: string, options?: { exitCode?: number }) => unknown;

const LOG_LINE = /^(\d{8}):(\d{2}):(\d{2}):(\d{2}):(\d{6,}) ([^:\s]+):([^:]*):([^-]*)-\[([A-Z]+)\]:-(.*)$/;

/** The baseline: split into lines and match each against the log prefix, counting matches so nothing is elided. */
export function baselineScan(text: string): number {
  let n = 0;
  for (const l of text.split(/\r?\n/)) {
    const m = LOG_LINE.exec(l);
    if (m && m[9] !== 'DEBUG') n += m[10]!.length;
  }
  return n;
}

export async function loadParser(): Promise<ParseOutput> {
  const mod = await importOptional<{ parseOutput?: ParseOutput }>(
    'src/core/parsers/index',
    'The output parsers (src/core/parsers)',
  );
  if (typeof mod.parseOutput !== 'function') throw new Skip('src/core/parsers/index does not export parseOutput yet');
  return mod.parseOutput;
}

const MB = 1e6;

export const parsersBench: Benchmark = {
  name: 'parsers',
  title: 'Parser throughput and linearity (gpstate -s of 1,000 segments, worst cases)',
  async run(ctx) {
    const parseOutput = await loadParser();
    const rows: Row[] = [];
    const reps = ctx.quick ? 5 : 15;
    const cases: Array<{ name: string; kind: string; text: string; n: number }> = [
      { name: 'gpstate -s, 1,000 segments', kind: 'gpstate-s', text: gpstateS({ segments: 1000 }), n: reps },
      {
        name: 'gpstate -s, 1,000 segments all down (WARNING rows)',
        kind: 'gpstate-s',
        text: gpstateS({ segments: 1000, allDown: true }),
        n: reps,
      },
      {
        name: 'one 10 MB log line (gpstate -f)',
        kind: 'gpstate-f',
        text: oneLongLine(10 * MB),
        n: Math.ceil(reps / 3),
      },
      {
        name: '10 MB without a newline (gpstate -f)',
        kind: 'gpstate-f',
        text: noNewlines(10 * MB),
        n: Math.ceil(reps / 3),
      },
      {
        name: '10 MB without a newline (gpstate -s)',
        kind: 'gpstate-s',
        text: noNewlines(10 * MB, 11),
        n: Math.ceil(reps / 3),
      },
    ];
    for (const c of cases) {
      const mb = Buffer.byteLength(c.text) / MB;
      ctx.log(`${c.name}: ${mb.toFixed(2)} MB`);
      const [ours, base] = await interleave(
        [async () => parseOutput(c.kind, c.text, { exitCode: 0 }), async () => baselineScan(c.text)],
        c.n,
      );
      // Throughput from the median time; the ratio is ours over the baseline's (higher is better for MB/s).
      const oursMbps = mb / (ours!.median / 1000);
      const baseMbps = mb / (base!.median / 1000);
      rows.push(
        row('parsers', {
          name: `${c.name} (${mb.toFixed(1)} MB)`,
          value: oursMbps,
          unit: 'MB/s',
          baseline: { name: 'line split + regex', value: baseMbps },
          goal: '> 50 MB/s',
          check: m => m > 50,
          note: `median ${ours!.median.toFixed(1)} ms (n=${c.n}, ${ours!.min.toFixed(1)}–${ours!.max.toFixed(1)})`,
        }),
      );
    }
    // Linearity: 1× vs 8× the segments (one larger cluster, not 8 concatenated runs, so the parser sees one run).
    const small = gpstateS({ segments: 1000 });
    const big = gpstateS({ segments: 8000 });
    const n = ctx.quick ? 5 : 9;
    const [s1, s8, b1, b8] = await interleave(
      [
        async () => parseOutput('gpstate-s', small, { exitCode: 0 }),
        async () => parseOutput('gpstate-s', big, { exitCode: 0 }),
        async () => baselineScan(small),
        async () => baselineScan(big),
      ],
      n,
    );
    const lin = s8!.median / (8 * s1!.median);
    const linBase = b8!.median / (8 * b1!.median);
    rows.push(
      row('parsers', {
        name: 'linearity: t(8,000 segments) / (8 × t(1,000))',
        value: lin,
        unit: '×',
        baseline: { name: 'same for line split + regex', value: linBase },
        goal: 'linear (≤ 1.5)',
        check: m => m <= 1.5,
        note: `1×: ${s1!.median.toFixed(1)} ms, 8×: ${s8!.median.toFixed(1)} ms`,
      }),
    );
    const longSmall = oneLongLine(1 * MB);
    const longBig = oneLongLine(8 * MB);
    const [l1, l8] = await interleave(
      [
        async () => parseOutput('gpstate-f', longSmall, { exitCode: 0 }),
        async () => parseOutput('gpstate-f', longBig, { exitCode: 0 }),
      ],
      n,
    );
    rows.push(
      row('parsers', {
        name: 'linearity of one long line: t(8 MB) / (8 × t(1 MB))',
        value: l8!.median / (8 * l1!.median),
        unit: '×',
        goal: 'linear (≤ 1.5)',
        check: m => m <= 1.5,
        note: `1 MB: ${l1!.median.toFixed(1)} ms, 8 MB: ${l8!.median.toFixed(1)} ms`,
      }),
    );
    ctx.note(
      'Inputs are generated in Greenplum 6 format (bench/gen/gpstate.ts). MB/s is computed from the median time; for MB/s rows the ratio is ours over the baseline (higher is better).',
    );
    return rows;
  },
};

// Instruction counts of the parser under valgrind's callgrind: unlike times, they do not move with the load other
// processes put on the machine. Three runs of one bundled script — start only, start + the baseline scan, start +
// parseOutput — on the 1,000-segment `gpstate -s`; the differences are the work of each, and their ratio is the
// parser's cost relative to a bare line split + regex scan of the same text.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from './lib';
import { ROOT, row, Skip } from './lib';

const ENTRY = `
import { parseOutput } from '../src/core/parsers';
import { gpstateS } from '../bench/gen/gpstate';
import { baselineScan } from '../bench/parsers';
const text = gpstateS({ segments: 1000 });
const mode = process.argv[2];
let sink = 0;
if (mode === 'parse') sink += JSON.stringify(parseOutput('gpstate-s', text, { exitCode: 0 })).length;
if (mode === 'baseline') sink += baselineScan(text);
process.stdout.write(String(text.length + sink) + '\\n');
`;

function collected(stderr: string): number | null {
  const m = /Collected\s*:\s*(\d+)/.exec(stderr);
  return m ? Number(m[1]) : null;
}

export const icountBench: Benchmark = {
  name: 'icount',
  title: 'Parser instruction counts under callgrind (load-independent)',
  async run(ctx) {
    if (spawnSync('valgrind', ['--version']).status !== 0)
      throw new Skip('valgrind is not installed (apt-get install -y valgrind)');
    if (!existsSync(join(ROOT, 'src/core/parsers/index.ts'))) throw new Skip('the parsers have not landed');
    const dir = join(ROOT, '.bench');
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, 'icount-entry.ts');
    writeFileSync(entry, ENTRY);
    const esbuild = await import('esbuild');
    const bundle = join(dir, 'icount.js');
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'silent',
    });
    const count = (mode: string): number => {
      const r = spawnSync(
        'valgrind',
        [
          '--tool=callgrind',
          '--callgrind-out-file=/dev/null',
          '--smc-check=all-non-file',
          process.execPath,
          '--single-threaded',
          bundle,
          mode,
        ],
        { encoding: 'utf8', timeout: 900_000 },
      );
      const n = collected(r.stderr ?? '');
      if (n === null)
        throw new Error(`callgrind gave no count for ${mode}: ${(r.stderr ?? '').split('\n').slice(-5).join(' ')}`);
      ctx.log(`${mode}: ${n.toLocaleString('en-US')} instructions`);
      return n;
    };
    const none = count('none');
    const base = count('baseline') - none;
    const parse = count('parse') - none;
    const bytes = 1.8e6;
    ctx.note(
      `callgrind on ${process.execPath} --single-threaded; the difference to a run that only builds the input is the work of each; about ${(bytes / 1e6).toFixed(1)} MB of input.`,
    );
    return [
      row('icount', {
        name: 'parseOutput(gpstate-s, 1,000 segments): instructions',
        value: parse / 1e6,
        unit: 'M instr',
        baseline: { name: 'line split + regex', value: base / 1e6 },
        note: `${(parse / bytes).toFixed(0)} instructions per input byte`,
      }),
    ];
  },
};

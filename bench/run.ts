// `npm run bench [-- <names…>] [--quick] [--write-docs] [--list]`
// Runs the named benchmarks (all by default), prints a table of medians and ratios to a baseline measured in the
// same run, writes .bench/results.json, and with --write-docs regenerates docs/performance.md from this run.
// A benchmark that cannot run here (a part not built, no lab, no browser) is skipped with its reason; the rest go on.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchResult, Benchmark, Row } from './lib';
import { fmt, machineInfo, ROOT, Skip } from './lib';
import { stopBenchLab } from './benchlab';
import { BENCHMARKS } from './registry';
import { storeLatest, writeDocs } from './write-docs';

function parseArgs(argv: string[]): { names: string[]; quick: boolean; writeDocs: boolean; list: boolean } {
  const names = argv.filter(a => !a.startsWith('--'));
  return {
    names,
    quick: argv.includes('--quick'),
    writeDocs: argv.includes('--write-docs'),
    list: argv.includes('--list'),
  };
}

function printTable(results: BenchResult[]): void {
  const header = ['benchmark', 'measure', 'median', 'unit', 'baseline (same run)', 'ratio', 'goal', 'met'];
  const lines: string[][] = [header];
  for (const r of results) {
    if (r.status !== 'ok') {
      lines.push([r.bench, `${r.status.toUpperCase()}: ${r.message ?? ''}`, '', '', '', '', '', '']);
      continue;
    }
    for (const x of r.rows) {
      lines.push([
        r.bench,
        x.name,
        fmt(x.median),
        x.unit,
        x.baselineName ? `${x.baselineName} = ${fmt(x.baselineMedian)}` : '',
        x.ratio === null ? '' : `${fmt(x.ratio)}×`,
        x.goal ?? '',
        x.met === null ? '' : x.met ? 'yes' : 'NO',
      ]);
    }
  }
  const widths = header.map((_, i) => Math.min(60, Math.max(...lines.map(l => (l[i] ?? '').length))));
  for (const l of lines)
    console.log(
      l
        .map((c, i) => (c.length > 60 && i < l.length - 1 ? c.slice(0, 59) + '…' : c).padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const b of BENCHMARKS) console.log(`${b.name.padEnd(12)} ${b.title}`);
    return;
  }
  const unknown = args.names.filter(n => !BENCHMARKS.some(b => b.name === n));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map(b => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected: Benchmark[] = args.names.length ? BENCHMARKS.filter(b => args.names.includes(b.name)) : BENCHMARKS;
  const machine = machineInfo();
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; load ${machine.loadAverage}`);
  console.log(
    `versions: ${Object.entries(machine.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}`,
  );
  const startedAt = new Date().toISOString();
  const results: BenchResult[] = [];
  for (const b of selected) {
    const notes: string[] = [];
    const ctx: BenchContext = {
      quick: args.quick,
      note: t => notes.push(t),
      log: t => console.log(`  [${b.name}] ${t}`),
    };
    console.log(`\n== ${b.name}: ${b.title}`);
    const t0 = Date.now();
    let result: BenchResult;
    try {
      const rows: Row[] = await b.run(ctx);
      result = { bench: b.name, title: b.title, status: 'ok', rows, seconds: (Date.now() - t0) / 1000, notes };
    } catch (e) {
      const skipped = e instanceof Skip;
      const message = e instanceof Error ? (skipped ? e.message : (e.stack ?? e.message)) : String(e);
      console.log(`  ${skipped ? 'skipped' : 'FAILED'}: ${message}`);
      result = {
        bench: b.name,
        title: b.title,
        status: skipped ? 'skipped' : 'failed',
        message: skipped ? message : message.split('\n')[0],
        rows: [],
        seconds: (Date.now() - t0) / 1000,
        notes,
      };
    }
    results.push(result);
    for (const x of result.rows) {
      console.log(
        `  ${x.name}: ${fmt(x.median)} ${x.unit}${x.ratio !== null ? `  (${fmt(x.ratio)}× ${x.baselineName})` : ''}${x.met === null ? '' : x.met ? '  goal met' : '  GOAL NOT MET'}`,
      );
    }
  }
  await stopBenchLab().catch((e: unknown) => console.log(`stopping the lab: ${String(e)}`));
  console.log('\n');
  printTable(results);
  const dir = join(ROOT, '.bench');
  mkdirSync(dir, { recursive: true });
  const doc = { startedAt, finishedAt: new Date().toISOString(), argv: process.argv.slice(2), machine, results };
  writeFileSync(join(dir, 'results.json'), JSON.stringify(doc, null, 2) + '\n');
  console.log(`\nresults: ${join(dir, 'results.json')}`);
  storeLatest(doc);
  if (args.writeDocs) {
    const file = writeDocs();
    console.log(`wrote ${file}`);
  }
  // Failed goals are reported, not fatal: the bench measures, CI does not depend on it.
  if (results.some(r => r.status === 'failed')) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

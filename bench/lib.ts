// Shared pieces of the benchmark harness: result rows, timing with medians, skipping, machine facts.
// Every result is a median of repeated runs and is printed as a ratio to a baseline measured in the same run,
// because the machine may be shared: absolute times drift with load, ratios much less.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = resolve(__dirname, '..');

/** One measured quantity. `ratio` = median / baselineMedian (for throughput units: ours over the baseline's). */
export interface Row {
  bench: string;
  name: string;
  median: number;
  unit: string;
  /** Spread of the samples: [min, max]. */
  range?: [number, number];
  samples?: number;
  baselineName: string | null;
  baselineMedian: number | null;
  ratio: number | null;
  /** The goal in words, e.g. "≤ 1.0× ControlMaster". */
  goal: string | null;
  /** null when the row has no goal of its own. */
  met: boolean | null;
  note?: string;
}

export interface BenchResult {
  bench: string;
  title: string;
  status: 'ok' | 'skipped' | 'failed';
  message?: string;
  rows: Row[];
  seconds: number;
  /** Facts that belong next to the table (e.g. how a number was measured). */
  notes: string[];
}

export interface BenchContext {
  /** Fewer repetitions when true (--quick). */
  quick: boolean;
  note(text: string): void;
  log(text: string): void;
}

export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

/** Thrown by a benchmark that cannot run here (a part not landed, a tool missing); the run goes on. */
export class Skip extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Skip';
  }
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Sampled {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarise(samples: number[]): Sampled {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples };
}

/** Times `fn` `n` times (after `warmup` untimed runs); milliseconds per call. */
export async function timeAsync(fn: () => Promise<unknown>, n: number, warmup = 1): Promise<Sampled> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return summarise(out);
}

export function timeSync(fn: () => unknown, n: number, warmup = 1): Sampled {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return summarise(out);
}

/**
 * Times two candidates interleaved (A, B, A, B…), so a burst of load from another process hits both alike.
 * Returns the samples of each, in milliseconds.
 */
export async function interleave(fns: Array<() => Promise<unknown>>, n: number, warmup = 1): Promise<Sampled[]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const out: number[][] = fns.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < fns.length; j++) {
      const t0 = performance.now();
      await fns[j]!();
      out[j]!.push(performance.now() - t0);
    }
  }
  return out.map(summarise);
}

export interface RowInput {
  name: string;
  value: Sampled | number;
  unit: string;
  baseline?: { name: string; value: Sampled | number } | undefined;
  goal?: string | undefined;
  /** Decides `met` from the row (ratio and median). */
  check?: ((median: number, ratio: number | null) => boolean) | undefined;
  note?: string | undefined;
}

export function row(bench: string, r: RowInput): Row {
  const v = typeof r.value === 'number' ? { median: r.value, min: r.value, max: r.value, samples: [r.value] } : r.value;
  const b =
    r.baseline === undefined ? null : typeof r.baseline.value === 'number' ? r.baseline.value : r.baseline.value.median;
  // A ratio to a zero or negative baseline (a heap that shrank) means nothing.
  const ratio = b === null || b <= 0 || !Number.isFinite(b) ? null : v.median / b;
  const out: Row = {
    bench,
    name: r.name,
    median: v.median,
    unit: r.unit,
    baselineName: r.baseline?.name ?? null,
    baselineMedian: b,
    ratio,
    goal: r.goal ?? null,
    met: r.check ? r.check(v.median, ratio) : null,
  };
  if (v.samples.length > 1) {
    out.range = [v.min, v.max];
    out.samples = v.samples.length;
  }
  if (r.note) out.note = r.note;
  return out;
}

/** Imports a module of the project that may not exist yet; a Skip names what is missing. */
export async function importOptional<T>(relPath: string, what: string): Promise<T> {
  const base = join(ROOT, relPath);
  const candidates = [base, base + '.ts', join(base, 'index.ts')];
  if (!candidates.some(c => existsSync(c))) throw new Skip(`${what} has not landed yet (${relPath} is missing)`);
  // A computed specifier keeps the type checker from requiring the module at build time.
  const specifier: string = base;
  return (await import(specifier)) as T;
}

function run(cmd: string, args: string[]): string {
  // Some tools (ssh -V) print their version on stderr.
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  loadAverage: string;
  versions: Record<string, string>;
}

export function machineInfo(): MachineInfo {
  const osRelease = existsSync('/etc/os-release')
    ? /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]
    : undefined;
  const ssh = run('ssh', ['-V']).split('\n')[0] ?? 'not found';
  const pgBin = existsSync('/usr/lib/postgresql')
    ? run('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -1'])
    : '';
  const postgres = pgBin ? run(pgBin, ['--version']) : run('psql', ['--version']);
  const codeServerPkg = join(ROOT, 'test/code-server/node_modules/code-server/package.json');
  let vscode = 'not installed';
  if (existsSync(codeServerPkg)) {
    const pkg = JSON.parse(readFileSync(codeServerPkg, 'utf8')) as { version?: string };
    const product = join(ROOT, 'test/code-server/node_modules/code-server/lib/vscode/product.json');
    const vsVersion = existsSync(join(ROOT, 'test/code-server/node_modules/code-server/lib/vscode/package.json'))
      ? (
          JSON.parse(
            readFileSync(join(ROOT, 'test/code-server/node_modules/code-server/lib/vscode/package.json'), 'utf8'),
          ) as { version?: string }
        ).version
      : undefined;
    vscode = `VS Code ${vsVersion ?? '?'} (code-server ${pkg.version ?? '?'}${existsSync(product) ? '' : ''})`;
  }
  // Debian's chromium wrapper script may print shell noise before the version line.
  const chromium = existsSync('/usr/bin/chromium')
    ? (run('/usr/bin/chromium', ['--version'])
        .split('\n')
        .find(l => /Chromium \d/.test(l)) ?? 'unknown')
    : 'not found';
  let load = 'unknown';
  if (existsSync('/proc/loadavg')) load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osRelease ?? platform()} (kernel ${release()})`,
    loadAverage: load,
    versions: {
      node: `${process.version} (${process.execPath})`,
      openssh: ssh,
      postgresql: postgres || 'not found',
      vscode,
      chromium,
    },
  };
}

export function fmt(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs >= 1000) return n.toFixed(0);
  if (abs >= 100) return n.toFixed(1);
  if (abs >= 10) return n.toFixed(2);
  return n.toPrecision(digits);
}

export function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}

// Bundle sizes (dist/*.js, what ships in the .vsix) and activation time in the real VS Code extension host
// (code-server 1.139.1 driven by Chromium, as the integration tests run it). Activation is timed inside the host
// around vscode's own `extension.activate()` (module load + our activate()), against a no-op extension activated
// the same way in the same run, alternating the two, one fresh VS Code per sample.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Benchmark, Row } from './lib';
import { median, ROOT, row, Skip } from './lib';

const BUNDLES = [
  'dist/extension.js',
  'dist/main.js',
  'dist/language-client.js',
  'dist/cli.js',
  'dist/cli-main.js',
  'dist/language-server.js',
  'dist/media/panel.js',
];
/** Size budgets (KiB): the entry is all that activation loads; the body is loaded on first use. */
const BUDGETS: Record<string, { kib: number; goal: string }> = {
  'dist/extension.js': { kib: 16, goal: '< 16 KiB (activation loads only this)' },
  'dist/main.js': { kib: 1536, goal: '< 1.5 MiB' },
};

export const bundleBench: Benchmark = {
  name: 'bundle',
  title: 'Bundle sizes (minified, as shipped)',
  async run(ctx) {
    const present = BUNDLES.filter(b => existsSync(join(ROOT, b)));
    if (!present.includes('dist/extension.js'))
      throw new Skip('dist/extension.js is missing: run "npm run build" (npm run bench does)');
    const rows: Row[] = [];
    for (const b of present) {
      const bytes = statSync(join(ROOT, b)).size;
      const gz = gzipSync(readFileSync(join(ROOT, b))).length;
      const budget = BUDGETS[b];
      rows.push(
        row('bundle', {
          name: `${b} (gzip ${(gz / 1024).toFixed(0)} KiB)`,
          value: bytes / 1024,
          unit: 'KiB',
          baseline: budget ? { name: 'budget', value: budget.kib } : undefined,
          goal: budget?.goal,
          check: budget ? m => m < budget.kib : undefined,
        }),
      );
    }
    // What the extension's body is made of: the same esbuild options as scripts/build.mjs, with a metafile.
    try {
      const esbuild = await import('esbuild');
      const r = await esbuild.build({
        entryPoints: [join(ROOT, 'src/extension/main.ts')],
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        minify: true,
        keepNames: true,
        write: false,
        metafile: true,
        external: ['vscode', 'cpu-features', '*.node'],
        outfile: join(ROOT, '.bench/main-meta.js'),
        logLevel: 'silent',
      });
      const out = Object.values(r.metafile.outputs)[0];
      const by = new Map<string, number>();
      for (const [f, v] of Object.entries(out?.inputs ?? {})) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
        const k = m ? m[1]! : f.split('/').slice(0, 2).join('/');
        by.set(k, (by.get(k) ?? 0) + v.bytesInOutput);
      }
      const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 8);
      ctx.note(
        `dist/main.js by origin (minified bytes): ${top.map(([k, v]) => `${k} ${(v / 1024).toFixed(0)} KiB`).join(', ')}.`,
      );
    } catch (e) {
      ctx.note(`Bundle composition not measured: ${(e as Error).message.split('\n')[0]}.`);
    }
    const missing = BUNDLES.filter(b => !present.includes(b));
    if (missing.length) ctx.note(`Not built yet: ${missing.join(', ')}.`);
    return rows;
  },
};

interface HostSample {
  wasActive: boolean;
  activateMs: number;
  secondMs: number;
  heapDelta: number;
  codeLoadingMs: number | null;
  activateCallMs: number | null;
}

interface CodeServerSupport {
  runExtensionTests(o: {
    extensionDevelopmentPath: string;
    extensionTestsPath: string;
    env?: Record<string, string>;
    timeoutMs?: number;
  }): Promise<number>;
  ENTRY: string;
}

async function sampleActivation(cs: CodeServerSupport, devPath: string, id: string): Promise<HostSample> {
  const dir = mkdtempSync(join(tmpdir(), 'gpcoord-bench-act-'));
  const out = join(dir, 'result.json');
  try {
    // The runner echoes the host's console; keep the bench output readable.
    const log = console.log;
    console.log = () => {};
    let code: number;
    try {
      code = await cs.runExtensionTests({
        extensionDevelopmentPath: devPath,
        extensionTestsPath: join(ROOT, 'bench/host/activation-entry.js'),
        env: { BENCH_OUT: out, BENCH_EXTENSION_ID: id },
        timeoutMs: 120000,
      });
    } finally {
      console.log = log;
    }
    if (code !== 0 || !existsSync(out)) throw new Error(`the extension host run for ${id} exited with ${code}`);
    return JSON.parse(readFileSync(out, 'utf8')) as HostSample;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const activationBench: Benchmark = {
  name: 'activation',
  title: 'Extension activation in the real VS Code extension host',
  async run(ctx) {
    if (!existsSync(join(ROOT, 'dist/extension.js')))
      throw new Skip('dist/extension.js is missing: run "npm run build"');
    const require = createRequire(__filename);
    let cs: CodeServerSupport;
    try {
      cs = require(join(ROOT, 'test/support/code-server.js')) as CodeServerSupport;
    } catch (e) {
      throw new Skip(`test/support/code-server.js cannot be loaded (${(e as Error).message.split('\n')[0]})`);
    }
    if (!existsSync(cs.ENTRY)) throw new Skip(`code-server is not installed at ${cs.ENTRY} (npm ci installs it)`);
    if (!existsSync('/usr/bin/chromium') && !process.env.CHROMIUM)
      throw new Skip('Chromium is missing (apt-get install chromium)');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
    const ours = `${pkg.publisher}.${pkg.name}`;
    const n = ctx.quick ? 2 : 5;
    const a: HostSample[] = [];
    const b: HostSample[] = [];
    for (let i = 0; i < n; i++) {
      a.push(await sampleActivation(cs, ROOT, ours));
      b.push(await sampleActivation(cs, join(ROOT, 'bench/host/noop-extension'), 'gpcoord-bench.noop-baseline'));
      ctx.log(`sample ${i + 1}/${n}: ours ${a[i]!.activateMs.toFixed(2)} ms, no-op ${b[i]!.activateMs.toFixed(2)} ms`);
    }
    if (a.some(s => s.wasActive))
      ctx.note(
        'Warning: the extension was already active when timed in some samples (an activation event fired at startup).',
      );
    const oursMs = a.map(s => s.activateMs);
    const baseMs = b.map(s => s.activateMs);
    const stat = (v: number[]): { median: number; min: number; max: number; samples: number[] } => ({
      median: median(v),
      min: Math.min(...v),
      max: Math.max(...v),
      samples: v,
    });
    const vs = (v: HostSample[]): number[] =>
      v.map(s => (s.codeLoadingMs ?? NaN) + (s.activateCallMs ?? NaN)).filter(x => Number.isFinite(x));
    const oursVs = vs(a);
    const baseVs = vs(b);
    ctx.note(
      'Timed inside the extension host around vscode.extensions.getExtension(id).activate() on an inactive extension: VS Code loads the bundle and calls activate(); one fresh code-server + Chromium per sample, ours and the no-op alternating.',
    );
    const rows: Row[] = [];
    if (oursVs.length && baseVs.length) {
      rows.push(
        row('activation', {
          name: "VS Code's activation time (code loading + activate call, its own marks)",
          value: stat(oursVs),
          unit: 'ms',
          baseline: { name: 'no-op extension', value: stat(baseVs) },
          goal: '< 20 ms',
          check: m => m < 20,
        }),
        row('activation', {
          name: '  of which code loading (require of dist/extension.js)',
          value: stat(a.map(s => s.codeLoadingMs ?? NaN)),
          unit: 'ms',
          baseline: { name: 'no-op extension', value: stat(b.map(s => s.codeLoadingMs ?? NaN)) },
        }),
        row('activation', {
          name: '  of which the activate() call',
          value: stat(a.map(s => s.activateCallMs ?? NaN)),
          unit: 'ms',
          baseline: { name: 'no-op extension', value: stat(b.map(s => s.activateCallMs ?? NaN)) },
        }),
      );
      ctx.note(
        "VS Code's marks (code/extHost/willLoadExtensionCode … didActivateExtension) have whole-millisecond resolution.",
      );
    }
    return [
      ...rows,
      row('activation', {
        name: 'extension.activate() as an API caller waits for it',
        value: stat(oursMs),
        unit: 'ms',
        baseline: { name: 'no-op extension', value: stat(baseMs) },
        note: "includes VS Code's own activation machinery, which the no-op extension pays too",
      }),
      row('activation', {
        name: 'heap growth from activation',
        value: median(a.map(s => s.heapDelta / 1024)),
        unit: 'KiB',
        baseline: { name: 'no-op extension', value: median(b.map(s => s.heapDelta / 1024)) },
        goal: '≤ 2 MiB',
        check: m => m <= 2048,
      }),
    ];
  },
};

// The status panel's render time, in Chromium (the panel renders with DOM APIs, so it is measured in a real
// browser engine, not in a fake DOM): a static page loads the shipped dist/media/panel.js with a stub of the
// webview API, and each sample dispatches a `show` message and forces style and layout. That covers what a
// user waits for: the zod validation of the message, the DOM build, and layout. A large state (16 host cards
// with 20 details each, 64 replication rows, 1,000 problems) is compared with a typical one (gpstate -f and -b
// of a healthy cluster) rendered in the same page, interleaved.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Benchmark } from './lib';
import { importOptional, median, ROOT, row, Skip } from './lib';
import { loadParser } from './parsers';

type Snapshot = Record<string, unknown> & {
  hosts: Array<Record<string, unknown>>;
  problems: unknown[];
  link: { rows: unknown[] | null };
  sources: unknown[];
};

interface SnapshotModule {
  buildSnapshot(input: {
    title: string;
    subtitle: string;
    gpstateF?: { result: unknown; label: string; text: string };
    gpstateB?: { result: unknown; label: string; text: string };
    actions?: string[];
  }): Snapshot;
}

interface ProtocolModule {
  statusSnapshotSchema: {
    safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ path: unknown[]; message: string }> } };
  };
}

interface PageLike {
  setContent(html: string): Promise<void>;
  addScriptTag(o: { content: string }): Promise<unknown>;
  evaluate<R>(expression: string): Promise<R>;
}

async function snapshots(): Promise<{ typical: Snapshot; large: Snapshot }> {
  const parseOutput = await loadParser();
  const snap = await importOptional<Partial<SnapshotModule>>(
    'src/extension/panel/snapshot',
    'The panel snapshot builder (src/extension/panel/snapshot.ts)',
  );
  const proto = await importOptional<Partial<ProtocolModule>>(
    'src/extension/panel/protocol',
    'The panel protocol (src/extension/panel/protocol.ts)',
  );
  if (!snap.buildSnapshot || !proto.statusSnapshotSchema)
    throw new Skip('the panel snapshot builder or protocol schema is missing');
  const read = (f: string): string => readFileSync(join(ROOT, 'test/fixtures/workspace/outputs', f), 'utf8');
  const fText = read('gp6_gpstate-f_streaming_sync_REAL.txt');
  const bText = read('gp6-lab_02-gpstate-b.txt');
  const f = parseOutput('gpstate-f', fText) as { recognized: boolean; result?: unknown };
  const b = parseOutput('gpstate-b', bText) as { recognized: boolean; result?: unknown };
  if (!f.recognized || !b.recognized) throw new Error('the fixtures were not recognized by the parsers');
  const typical = snap.buildSnapshot({
    title: 'lab',
    subtitle: 'cdw / scdw',
    gpstateF: { result: f.result, label: 'gpstate -f', text: fText },
    gpstateB: { result: b.result, label: 'gpstate -b', text: bText },
    actions: ['checkMirroring', 'restoreMirroring'],
  });
  const large = structuredClone(typical);
  const card = typical.hosts[1] ?? typical.hosts[0]!;
  large.hosts = Array.from({ length: 16 }, (_, i) => ({
    ...card,
    host: `sdw${i + 1}.example.com`,
    details: Array.from({ length: 20 }, (_, j) => ({
      label: `Detail ${j + 1}`,
      value: `value ${i}-${j} ${'x'.repeat(j * 3)}`,
    })),
  }));
  const rows = typical.link.rows?.length
    ? typical.link.rows
    : [
        {
          state: 'streaming',
          syncState: 'sync',
          sentLocation: '0/3000000',
          flushLocation: '0/3000000',
          replayLocation: '0/3000000',
          replayLagBytes: 0,
        },
      ];
  large.link = { ...typical.link, rows: Array.from({ length: 64 }, (_, i) => rows[i % rows.length]) };
  large.problems = Array.from({ length: 1000 }, (_, i) => ({
    level: i % 3 ? 'WARNING' : 'ERROR',
    text: `Segment ${i} on sdw${i % 16} reported Down: Configuration reports status as Down <<<<<<<< (${'detail '.repeat(i % 7)})`,
    harmless: i % 10 === 0,
  }));
  large.sources = Array.from({ length: 10 }, (_, i) => ({
    kind: 'gpstate-f',
    label: `capture-${i}.txt`,
    observedAt: '2026-11-26 19:54:30',
  }));
  for (const [name, s] of [
    ['typical', typical],
    ['large', large],
  ] as const) {
    const v = proto.statusSnapshotSchema.safeParse(s);
    if (!v.success)
      throw new Error(
        `the ${name} snapshot does not match the protocol: ${v.error?.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
  }
  return { typical, large };
}

export const panelBench: Benchmark = {
  name: 'panel',
  title: 'Status panel render in Chromium (validate + DOM + layout), large vs typical state',
  async run(ctx) {
    const script = join(ROOT, 'dist/media/panel.js');
    if (!existsSync(script)) throw new Skip('dist/media/panel.js is missing: run "npm run build"');
    const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
    if (!existsSync(chromium)) throw new Skip('Chromium is missing (apt-get install chromium)');
    const { typical, large } = await snapshots();
    const require = createRequire(__filename);
    const pw = require('playwright-core') as {
      chromium: {
        launch(o: Record<string, unknown>): Promise<{ newPage(): Promise<PageLike>; close(): Promise<void> }>;
      };
    };
    const browser = await pw.chromium.launch({
      executablePath: chromium,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    try {
      const page = await browser.newPage();
      const css = existsSync(join(ROOT, 'media/panel.css')) ? readFileSync(join(ROOT, 'media/panel.css'), 'utf8') : '';
      await page.setContent(
        `<!DOCTYPE html><html><head><style>${css}</style></head><body class="vscode-dark"><div id="root"></div></body></html>`,
      );
      // The webview API the panel expects, recording what it posts.
      await page.addScriptTag({
        content:
          'window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });',
      });
      await page.addScriptTag({ content: readFileSync(script, 'utf8') });
      const n = ctx.quick ? 10 : 40;
      // Passed as source text: the bench's own transpiler would otherwise add functions the page does not define.
      const inPage = `(() => {
        const { typical, large, n } = ${JSON.stringify({ typical, large, n })};
        const show = (snapshot) => {
          const t0 = performance.now();
          window.dispatchEvent(new MessageEvent('message', { data: { type: 'show', snapshot } }));
          void document.body.offsetHeight; // forces style and layout, which the user waits for as well
          return performance.now() - t0;
        };
        const out = { typical: [], large: [], nodes: 0 };
        for (let i = 0; i < 3; i++) { show(typical); show(large); }
        for (let i = 0; i < n; i++) { out.typical.push(show(typical)); out.large.push(show(large)); }
        out.nodes = document.getElementsByTagName('*').length;
        return out;
      })()`;
      const times = await page.evaluate<{ typical: number[]; large: number[]; nodes: number }>(inPage);
      if (times.nodes < 1000)
        throw new Error(`the large snapshot rendered only ${times.nodes} elements; the panel did not render it`);
      ctx.note(
        `Chromium headless (${chromium}); the large state renders ${times.nodes} elements. Median of ${n} interleaved renders; performance.now() in Chromium is coarsened to 0.1 ms.`,
      );
      const stat = (v: number[]): { median: number; min: number; max: number; samples: number[] } => ({
        median: median(v),
        min: Math.min(...v),
        max: Math.max(...v),
        samples: v,
      });
      return [
        row('panel', {
          name: 'render of a large state (message → validated → DOM → layout)',
          value: stat(times.large),
          unit: 'ms',
          baseline: { name: 'typical state', value: stat(times.typical) },
          goal: '< 100 ms (RAIL response)',
          check: m => m < 100,
        }),
        row('panel', {
          name: 'render of a typical state',
          value: stat(times.typical),
          unit: 'ms',
          goal: 'one frame (< 16 ms)',
          check: m => m < 16,
        }),
      ];
    } finally {
      await browser.close();
    }
  },
};

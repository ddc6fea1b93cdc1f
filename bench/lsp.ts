// The language server, as the editor runs it (the built dist/language-server.js over stdio):
// - start: spawn to the `initialize` answer, against a bare Node process that answers initialize (bench/host/echo-lsp.js);
// - diagnostics of a 200-cluster inventory after a change: didChange sent to publishDiagnostics received for that
//   version, against parseInventory of the same text in this process (the core of the check, with no protocol).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type { ProtocolConnection, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import type { Benchmark } from './lib';
import { importOptional, ROOT, row, Skip, summarise, timeSync } from './lib';

interface Server {
  connection: ProtocolConnection;
  startMs: number;
  stop(): Promise<void>;
}

async function startServer(script: string, args: string[] = []): Promise<Server> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'ignore'] });
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
    initializationOptions: { sshConfigPath: join(ROOT, 'bench/host/no-ssh-config') },
    workspaceFolders: null,
  });
  const startMs = performance.now() - t0;
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    startMs,
    stop: async () => {
      const exited = new Promise(r => child.once('exit', r));
      await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
      await connection.sendNotification(ExitNotification.type).catch(() => undefined);
      await Promise.race([exited, new Promise(r => setTimeout(r, 2000))]);
      child.kill();
      connection.dispose();
    },
  };
}

/** A valid inventory of `n` clusters, each with its two hosts (distinct names, so no overlap findings). */
export function inventoryText(n: number): string {
  const one = (i: number): string =>
    `  c${i}:\n    description: cluster ${i}\n    dataDirectory: /data/coordinator/gpseg-1\n    port: 5432\n    hosts:\n` +
    `      - name: cdw${i}.example.com\n        role: coordinator\n        user: gpadmin\n        sshPort: 22\n` +
    `      - name: scdw${i}.example.com\n        role: standby\n        user: gpadmin\n        sshPort: 22\n`;
  return 'version: 1\nclusters:\n' + Array.from({ length: n }, (_, i) => one(i)).join('');
}

export const lspBench: Benchmark = {
  name: 'lsp',
  title: 'Language server: start, and inventory diagnostics after a change (200 clusters)',
  async run(ctx) {
    const bundle = join(ROOT, 'dist/language-server.js');
    if (!existsSync(bundle)) throw new Skip('dist/language-server.js is missing: run "npm run build"');
    const inv = await importOptional<{ parseInventory?: (t: string) => unknown }>(
      'src/core/inventory',
      'The inventory loader',
    );
    if (!inv.parseInventory) throw new Skip('src/core/inventory does not export parseInventory');
    const n = ctx.quick ? 3 : 9;
    const ours: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = await startServer(bundle, ['--stdio']);
      ours.push(s.startMs);
      await s.stop();
      const b = await startServer(join(ROOT, 'bench/host/echo-lsp.js'));
      base.push(b.startMs);
      await b.stop();
    }
    const rows = [
      row('lsp', {
        name: 'start: spawn → initialize answered (bundle)',
        value: summarise(ours),
        unit: 'ms',
        baseline: { name: 'bare Node answering initialize', value: summarise(base) },
        goal: '< 300 ms',
        check: m => m < 300,
      }),
    ];

    const server = await startServer(bundle, ['--stdio']);
    try {
      const uri = 'file:///bench/greenplum-clusters.yaml';
      const text = inventoryText(200);
      const waiters = new Map<number, (p: PublishDiagnosticsParams) => void>();
      server.connection.onNotification(PublishDiagnosticsNotification.type, p => {
        if (p.uri === uri && p.version !== undefined) waiters.get(p.version)?.(p);
      });
      const wait = (v: number): Promise<PublishDiagnosticsParams> => new Promise(r => waiters.set(v, r));
      let version = 1;
      const opened = wait(1);
      await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'yaml', version, text },
      });
      const first = await opened;
      if (first.diagnostics.length)
        ctx.note(
          `The generated 200-cluster inventory got ${first.diagnostics.length} diagnostics (first: ${first.diagnostics[0]!.message}).`,
        );
      const m = ctx.quick ? 10 : 30;
      const samples: number[] = [];
      for (let i = 0; i < m; i++) {
        version++;
        // A real edit: one description changes, so the whole document is checked again.
        const changed = text.replace('description: cluster 100', `description: cluster 100 edit ${i}`);
        const got = wait(version);
        const t0 = performance.now();
        await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri, version },
          contentChanges: [{ text: changed }],
        });
        await got;
        samples.push(performance.now() - t0);
      }
      const core = timeSync(() => inv.parseInventory!(text), m, 3);
      rows.push(
        row('lsp', {
          name: `diagnostics after a change, 200 clusters (${(text.length / 1024).toFixed(0)} KiB)`,
          value: summarise(samples),
          unit: 'ms',
          baseline: { name: 'parseInventory in-process', value: core },
          goal: '< 50 ms',
          check: x => x < 50,
        }),
      );
      ctx.note(
        'The server runs from the built bundle with an empty ssh config (no alias lookups); timing is from sending didChange to receiving publishDiagnostics for that version, so any debounce in the server is included.',
      );
    } finally {
      await server.stop();
    }
    return rows;
  },
};

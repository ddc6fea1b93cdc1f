// A fleet of 1,000 clusters (2,000 distinct hosts) against the simulator (bench/fleet/simulator.ts, a separate
// process of ssh2 servers answering after 20 ms network + 10 ms host): the refresh of all of them against the
// refresh of one, the client's CPU per host probe, memory per idle cluster, and a slow host that must not delay
// the others. What is measured is the client's own scaling: the hosts' work is a fixed simulated delay.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { utils } from 'ssh2';
import { resolveCluster } from '../src/core/inventory';
import type { ClusterConfig, ResolvedCluster } from '../src/core/inventory';
import { DbSessions } from '../src/engine/dbsession';
import { observeFleet } from '../src/engine/fleet';
import { SshPool } from '../src/ssh/pool';
import type { Benchmark, Row } from './lib';
import { interleave, median, ROOT, row } from './lib';

// GPCOORD_BENCH_FLEET_CLUSTERS overrides the size (for profiling a smaller fleet).
const CLUSTERS = Number(process.env.GPCOORD_BENCH_FLEET_CLUSTERS ?? 1000);
const NET_MS = 20;
const HOST_MS = 10;
const SLOW = Math.floor(CLUSTERS / 2);

interface Simulator {
  ports: number[];
  send(line: string): Promise<void>;
  stop(): void;
}

async function startSimulator(hosts: number): Promise<Simulator> {
  const child: ChildProcessWithoutNullStreams = spawn(
    join(ROOT, 'node_modules/.bin/tsx'),
    [
      join(ROOT, 'bench/fleet/simulator.ts'),
      '--hosts',
      String(hosts),
      '--net',
      String(NET_MS),
      '--host',
      String(HOST_MS),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', l => waiting.shift()?.(l));
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      waiting.push(resolve);
      child.once('exit', code => reject(new Error(`the fleet simulator exited with ${String(code)}`)));
    });
  const { ports } = JSON.parse(await next()) as { ports: number[] };
  return {
    ports,
    send: async line => {
      const answered = next();
      child.stdin.write(`${line}\n`);
      await answered;
    },
    stop: () => child.stdin.end(),
  };
}

function fleet(ports: number[], count: number): ResolvedCluster[] {
  return Array.from({ length: count }, (_, k) => {
    const config = {
      vocabulary: 'coordinator',
      dataDirectory: '/data/coordinator/gpseg-1',
      port: 5432,
      hosts: [
        { name: `c${k}`, ssh: '127.0.0.1', sshPort: ports[2 * k]!, role: 'coordinator' },
        { name: `s${k}`, ssh: '127.0.0.1', sshPort: ports[2 * k + 1]! },
      ],
    } as unknown as ClusterConfig;
    return resolveCluster(`fleet-${k}`, config);
  });
}

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Heap + buffers outside it (ssh2's packets and keys live in both). */
const memory = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

export const fleetBench: Benchmark = {
  name: 'fleet',
  title: 'A fleet of 1,000 simulated clusters (2,000 hosts): scaling, client CPU, memory, no head-of-line blocking',
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'gpcoord-bench-fleet-'));
    const sim = await startSimulator(2 * CLUSTERS);
    const key = join(dir, 'id_ed25519');
    writeFileSync(key, utils.generateKeyPairSync('ed25519').private);
    chmodSync(key, 0o600);
    writeFileSync(
      join(dir, 'ssh_config'),
      `Host *\n  User gpadmin\n  IdentityFile ${key}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${join(dir, 'known_hosts')}\n`,
    );
    gc();
    const before = memory();
    const pool = new SshPool({
      sshConfigPath: join(dir, 'ssh_config'),
      onUnknownHostKey: () => Promise.resolve('accept-once'),
      idleTimeoutMs: 3_600_000,
      readyTimeoutMs: 120_000,
    });
    const sessions = new DbSessions(pool);
    const all = fleet(sim.ports, CLUSTERS);
    const concurrency = 256;
    const refresh = async (clusters: ResolvedCluster[]): Promise<void> => {
      const states = await observeFleet(clusters, pool, { sessions, timeoutMs: 150_000, concurrency });
      const bad = [...states.values()].filter(s => s.activeCoordinator === null || s.standby.status !== 'passive');
      if (bad.length)
        throw new Error(
          `${bad.length} of ${clusters.length} simulated clusters were not observed healthy (e.g. ${JSON.stringify(bad[0]?.problems.slice(0, 2))})`,
        );
    };
    const rows: Row[] = [];
    try {
      const t0 = performance.now();
      await refresh(all);
      const cold = performance.now() - t0;
      ctx.log(`cold refresh of ${CLUSTERS} clusters: ${cold.toFixed(0)} ms`);
      await refresh(all); // opens the database sessions
      const n = ctx.quick ? 3 : 7;
      const cpu: number[] = [];
      const [one, many] = await interleave(
        [
          () => refresh(all.slice(0, 1)),
          async () => {
            const c0 = process.cpuUsage();
            await refresh(all);
            const c = process.cpuUsage(c0);
            cpu.push((c.user + c.system) / 1000 / (2 * CLUSTERS));
          },
        ],
        n,
      );
      gc();
      const perCluster = (memory() - before) / CLUSTERS / 1024;
      // One slow host (cluster 500's standby answers after 10 s): when are the other 999 clusters reported?
      await sim.send(`slow ${SLOW}`);
      const reported: number[] = [];
      const s0 = performance.now();
      await observeFleet(all, pool, {
        sessions,
        timeoutMs: 30_000,
        concurrency,
        onCluster: c => {
          if (c.name !== `fleet-${SLOW}`) reported.push(performance.now() - s0);
        },
      });
      const slowTotal = performance.now() - s0;
      await sim.send('slow -1');
      const others = Math.max(...reported);
      rows.push(
        row('fleet', {
          name: `1 cluster (2 hosts; simulated ${NET_MS} ms network + ${HOST_MS} ms host)`,
          value: one!,
          unit: 'ms',
        }),
        row('fleet', {
          name: `${CLUSTERS.toLocaleString('en')} clusters (${(2 * CLUSTERS).toLocaleString('en')} hosts, ≤ ${concurrency} at once), warm`,
          value: many!,
          unit: 'ms',
          baseline: { name: 'refresh of 1 cluster', value: one! },
          goal: '≤ 10×',
          check: (_m, r) => r !== null && r <= 10,
        }),
        row('fleet', {
          name: 'client CPU per host probe (warm)',
          value: { median: median(cpu), min: Math.min(...cpu), max: Math.max(...cpu), samples: cpu },
          unit: 'ms',
          goal: '≤ 0.1 ms',
          check: m => m <= 0.1,
        }),
        row('fleet', {
          name: 'memory per idle cluster (2 ssh connections, 1 database session; heap + external)',
          value: perCluster,
          unit: 'KiB',
          goal: '≤ 50 KB',
          check: m => m * 1024 <= 50_000,
        }),
        row('fleet', {
          name: 'one host answering after 10 s: time until the other clusters are reported',
          value: others,
          unit: 'ms',
          baseline: { name: `warm refresh of ${CLUSTERS} clusters`, value: many! },
          goal: 'not delayed (≤ 2×)',
          check: (_m, r) => r !== null && r <= 2,
        }),
        row('fleet', {
          name: `first refresh of ${CLUSTERS.toLocaleString('en')} clusters (2,000 ssh handshakes)`,
          value: cold,
          unit: 'ms',
          baseline: { name: 'refresh of 1 cluster', value: one! },
        }),
      );
      ctx.note(
        `The simulator (bench/fleet/simulator.ts) runs ${2 * CLUSTERS} ssh2 servers in one separate process on the same 2 cores; each answers after ${NET_MS} ms network + ${HOST_MS} ms host. Pool stats: ${Object.keys(pool.stats().connectionsOpened).length} connections. Sessions: ${JSON.stringify(sessions.counters())}. With the slow host the whole refresh took ${(slowTotal / 1000).toFixed(1)} s (its own 10 s).`,
      );
    } finally {
      sessions.dispose();
      await pool.dispose();
      sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};

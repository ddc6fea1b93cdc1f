// Observation cost on the lab: the engine's routine refresh (one probe per host, all hosts at once) vs running
// `gpstate -f` on the same host over the same pooled connection; round trips per host from the pool's counters.
// And the status refresh of 1, 10 and 100 inventory clusters (sharing the lab's two hosts), with bounded
// concurrency, against the refresh of one; memory reported.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Benchmark, Row } from './lib';
import { importOptional, interleave, median, row, Skip, summarise } from './lib';
import type { Sampled } from './lib';
import type { Lab, SshPoolLike } from './benchlab';
import { benchLab, closePool, labPool } from './benchlab';
import { gpstateCommand } from './ssh';
import { DbSessions } from '../src/engine/dbsession';
import { PgSession } from '../src/engine/pgwire';
import { observeFleet } from '../src/engine/fleet';
import type { ResolvedCluster } from '../src/core/inventory';
import type { RemoteExecutor } from '../src/ssh/types';

interface ClusterStateLike {
  activeCoordinator: string | null;
  standby: { status: string; walState?: string | null };
  problems: unknown[];
}

interface Engine {
  observe(
    cluster: unknown,
    executor: SshPoolLike,
    opts?: { timeoutMs?: number; sessions?: DbSessions },
  ): Promise<ClusterStateLike>;
}

interface InventoryModule {
  parseInventory(
    text: string,
    file?: string,
  ):
    | { ok: true; inventory: { clusters: Record<string, unknown> } }
    | { ok: false; problems: Array<{ message: string }> };
  resolveCluster(name: string, config: unknown): { name: string; hosts: Array<{ name: string }> };
}

async function loadEngine(): Promise<{ engine: Engine; inv: InventoryModule }> {
  const engine = await importOptional<Partial<Engine>>('src/engine/observe', 'The engine (src/engine/observe.ts)');
  if (typeof engine.observe !== 'function') throw new Skip('src/engine/observe does not export observe() yet');
  const inv = await importOptional<Partial<InventoryModule>>(
    'src/core/inventory',
    'The inventory loader (src/core/inventory.ts)',
  );
  if (typeof inv.parseInventory !== 'function' || typeof inv.resolveCluster !== 'function')
    throw new Skip('src/core/inventory lacks parseInventory/resolveCluster');
  return { engine: engine as Engine, inv: inv as InventoryModule };
}

/** The lab's cluster `count` times under different names (lab-1 … lab-N), all on the lab's two hosts. */
function clusters(lab: Lab, inv: InventoryModule, count: number): Array<ReturnType<InventoryModule['resolveCluster']>> {
  const parsed = inv.parseInventory(readFileSync(lab.inventoryPath, 'utf8'), lab.inventoryPath);
  if (!parsed.ok)
    throw new Error(`the lab's inventory does not load: ${parsed.problems.map(p => p.message).join('; ')}`);
  const config = parsed.inventory.clusters[lab.clusterName];
  return Array.from({ length: count }, (_, i) => inv.resolveCluster(`${lab.clusterName}-${i + 1}`, config));
}

function execsByHost(pool: SshPoolLike): Record<string, number> {
  return Object.fromEntries(Object.entries(pool.stats().byHost).map(([h, v]) => [h, v.execs]));
}

export const observeBench: Benchmark = {
  name: 'observe',
  title: "Observation cost: the engine's routine refresh vs gpstate -f, round trips per host",
  async run(ctx) {
    const { engine, inv } = await loadEngine();
    const { lab } = await benchLab(ctx.log);
    const [cluster] = clusters(lab, inv, 1);
    const pool = await labPool(lab);
    const rows: Row[] = [];
    try {
      const first = await engine.observe(cluster, pool, { timeoutMs: 60000 });
      if (first.activeCoordinator !== lab.hosts[0]!.name)
        throw new Error(
          `the lab was observed with active coordinator ${String(first.activeCoordinator)}, expected ${lab.hosts[0]!.name}`,
        );
      ctx.log(
        `observed: active ${first.activeCoordinator}, standby ${first.standby.status} ${first.standby.walState ?? ''}`,
      );
      const host = { name: lab.hosts[0]!.name, sshTarget: lab.hosts[0]!.name };
      const gpstateF = async (): Promise<void> => {
        const r = await pool.exec(host, gpstateCommand(lab), { timeoutMs: 60000 });
        if (r.exitCode !== 0) throw new Error(`gpstate -f exited with ${String(r.exitCode)}`);
      };
      // Round trips of one warm refresh, from the pool's own counters.
      const before = execsByHost(pool);
      const opened = JSON.stringify(pool.stats().connectionsOpened);
      await engine.observe(cluster, pool, { timeoutMs: 60000 });
      const after = execsByHost(pool);
      const perHost = lab.hosts.map(h => (after[h.name] ?? 0) - (before[h.name] ?? 0));
      const n = ctx.quick ? 5 : 15;
      // The routine refresh as the extension runs it: a database session per coordinator host (one query), the
      // exec probe only when something changed; against gpstate -f and a bare SELECT 1 on the same warm session.
      const sessions = new DbSessions(pool as unknown as RemoteExecutor);
      const routine = (): Promise<ClusterStateLike> => engine.observe(cluster, pool, { timeoutMs: 60000, sessions });
      await routine();
      await routine();
      const target = { name: lab.hosts[0]!.name, sshTarget: lab.hosts[0]!.name };
      const local = await (pool as unknown as Required<RemoteExecutor>).openStreamLocal(
        target,
        `/tmp/.s.PGSQL.${(cluster as unknown as { hosts: Array<{ port: number }> }).hosts[0]!.port}`,
      );
      const bare = await PgSession.connect(local.stream, { user: local.user, database: 'postgres' });
      const select1 = (): Promise<unknown> => bare.query(['SELECT 1']);
      const fallbacksBefore = sessions.counters().execFallbacks;
      let o, g, e, q: Sampled | undefined;
      try {
        [o, g, e, q] = await interleave(
          [routine, gpstateF, () => engine.observe(cluster, pool, { timeoutMs: 60000 }), select1],
          n,
        );
      } finally {
        bare.close();
        sessions.dispose();
      }
      const fallbacks = sessions.counters().execFallbacks - fallbacksBefore;
      rows.push(
        row('observe', {
          name: 'routine refresh of one cluster (database sessions, warm pool)',
          value: o!,
          unit: 'ms',
          baseline: { name: '`gpstate -f` on the coordinator (same pool)', value: g! },
          goal: '≤ 0.05× gpstate -f',
          check: (_m, r) => r !== null && r <= 0.05,
        }),
        row('observe', {
          name: 'routine refresh of one cluster (database sessions) vs a bare SELECT 1',
          value: o!,
          unit: 'ms',
          baseline: { name: '`SELECT 1` on the same warm session', value: q! },
          goal: '≤ 2× SELECT 1',
          check: (_m, r) => r !== null && r <= 2,
        }),
        row('observe', {
          name: 'the exec probe alone (fallback; full checks)',
          value: e!,
          unit: 'ms',
          baseline: { name: '`gpstate -f` on the coordinator (same pool)', value: g! },
        }),
        row('observe', {
          name: `round trips per host per exec probe (max of ${perHost.join(', ')})`,
          value: Math.max(...perHost),
          unit: 'round trips',
          goal: '≤ 2 per host (warm)',
          check: m => m <= 2,
        }),
      );
      ctx.note(
        `Routine refreshes that fell back to the exec probe during the timed runs: ${fallbacks}. The lab's standby accepts no sessions (like a Greenplum standby): its refusal, same words as psql got, is its check.`,
      );
      const reopened = JSON.stringify(pool.stats().connectionsOpened) !== opened;
      ctx.note(
        `Round trips counted as execs per host in the pool's stats during one warm refresh${reopened ? ' (a connection was reopened during the runs)' : '; no new TCP connection was opened'}.`,
      );
    } finally {
      await closePool(pool);
    }
    return rows;
  },
};

export const refreshBench: Benchmark = {
  name: 'refresh',
  title: 'Status refresh of 1, 10 and 100 clusters (bounded concurrency), memory',
  async run(ctx) {
    const { inv } = await loadEngine();
    const { lab } = await benchLab(ctx.log);
    const concurrency = 64;
    const pool = await labPool(lab);
    const sessions = new DbSessions(pool as unknown as RemoteExecutor);
    const rows: Row[] = [];
    try {
      const sizes = [1, 10, 100];
      const sets = Object.fromEntries(sizes.map(s => [s, clusters(lab, inv, s)]));
      // As Refresh runs it: the fleet observation (each distinct host once) over the database sessions.
      const refresh = async (size: number): Promise<void> => {
        const states = await observeFleet(
          sets[size] as unknown as ResolvedCluster[],
          pool as unknown as RemoteExecutor,
          { timeoutMs: 60000, sessions, concurrency },
        );
        const bad = [...states.values()].filter(st => st.activeCoordinator === null).length;
        if (bad) throw new Error(`${bad} of ${size} clusters were observed without an active coordinator`);
      };
      await refresh(1);
      const n = ctx.quick ? 3 : 7;
      // Memory: the process's RSS and heap while 100 clusters refresh (sampled every 5 ms), vs before.
      global.gc?.();
      const base = process.memoryUsage();
      let peakRss = base.rss;
      let peakHeap = base.heapUsed;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }, 5);
      const samples: Record<number, number[]> = { 1: [], 10: [], 100: [] };
      // This process's CPU time per size: what the client itself spends, apart from waiting for the hosts.
      const cpu: Record<number, number[]> = { 1: [], 10: [], 100: [] };
      try {
        for (let i = 0; i < n; i++) {
          for (const s of sizes) {
            const t0 = performance.now();
            const c0 = process.cpuUsage();
            await refresh(s);
            samples[s]!.push(performance.now() - t0);
            const c = process.cpuUsage(c0);
            cpu[s]!.push((c.user + c.system) / 1000);
          }
        }
      } finally {
        clearInterval(sampler);
      }
      const one = summarise(samples[1]!);
      for (const s of sizes) {
        rows.push(
          row('refresh', {
            name: `${s} cluster${s === 1 ? '' : 's'} (${s * lab.hosts.length} hosts in the inventory, ${lab.hosts.length} distinct; ≤ ${concurrency} probes at once)`,
            value: summarise(samples[s]!),
            unit: 'ms',
            baseline: { name: 'refresh of 1 cluster', value: one },
            goal: s === 100 ? '≤ 3×' : undefined,
            check: s === 100 ? (_m, r) => r !== null && r <= 3 : undefined,
          }),
        );
      }
      rows.push(
        row('refresh', {
          name: 'client CPU time for 100 clusters (this process)',
          value: summarise(cpu[100]!),
          unit: 'ms',
          baseline: { name: 'client CPU for 1 cluster', value: summarise(cpu[1]!) },
          note: 'the rest of the wall time is the hosts (sshd, bash, psql) on the same 2 cores',
        }),
        row('refresh', {
          name: 'peak RSS growth during the runs (over the start)',
          value: (peakRss - base.rss) / 2 ** 20,
          unit: 'MiB',
          note: `RSS at start ${(base.rss / 2 ** 20).toFixed(0)} MiB`,
        }),
        row('refresh', {
          name: 'peak heap growth during the runs',
          value: (peakHeap - base.heapUsed) / 2 ** 20,
          unit: 'MiB',
          note: `heap at start ${(base.heapUsed / 2 ** 20).toFixed(0)} MiB`,
        }),
      );
      const st = pool.stats();
      ctx.note(
        `All clusters share the lab's ${lab.hosts.length} hosts: the fleet observation probes each distinct host once per refresh (coalescing), over ${Object.keys(st.connectionsOpened).length} pooled connection(s) and their database sessions. The fleet benchmark measures distinct hosts (simulated). Median per size over ${n} rounds, sizes interleaved. Connections opened over the whole benchmark: ${JSON.stringify(st.connectionsOpened)}.`,
      );
      ctx.note(`Median ms per cluster at 100: ${(median(samples[100]!) / 100).toFixed(1)}.`);
    } finally {
      sessions.dispose();
      await closePool(pool);
    }
    return rows;
  },
};

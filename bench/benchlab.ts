// One test lab for all the lab benchmarks of a run (subnet 50, its own directory), started on first use and
// stopped when the run ends. Real sshd per host, real PostgreSQL streaming replication, emulated gp utilities.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { importOptional, ROOT, Skip } from './lib';

export const BENCH_SUBNET = 50;

export interface LabHost {
  name: string;
  address: string;
  sshPort: number;
}

export interface Lab {
  dir: string;
  hosts: LabHost[];
  user: string;
  identityFile: string;
  sshConfigPath: string;
  knownHostsPath: string;
  inventoryPath: string;
  clusterName: string;
  dataDirectory: string;
  environmentScript: string;
}

interface LabModule {
  up(o: { subnet: number; scenario?: 'healthy' | 'after-failover' }): Promise<Lab>;
  down(lab: Lab): Promise<void>;
  labExec(lab: Lab, host: string, cmd: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

let current: Promise<{ lab: Lab; mod: LabModule }> | undefined;

/** Starts (once per run) the healthy lab on subnet 50. A Skip says why when the lab cannot run here. */
export function benchLab(log: (t: string) => void): Promise<{ lab: Lab; mod: LabModule }> {
  current ??= (async () => {
    if (process.getuid?.() !== 0) throw new Skip('the lab needs root (mount namespaces, sshd per host)');
    if (!existsSync('/usr/sbin/sshd'))
      throw new Skip('openssh-server is not installed (the lab runs a real sshd per host)');
    if (!existsSync('/usr/lib/postgresql'))
      throw new Skip('postgresql is not installed (the lab runs real streaming replication)');
    const mod = await importOptional<LabModule>('test/lab/lab', 'The test lab (test/lab/lab.ts)');
    log(`starting the lab on 127.0.${BENCH_SUBNET}.0/24…`);
    const t0 = Date.now();
    // Starting a lab on a loaded machine occasionally fails (a step times out); a second attempt starts clean.
    let lab: Lab | undefined;
    for (let attempt = 1; !lab; attempt++) {
      try {
        lab = await mod.up({ subnet: BENCH_SUBNET, scenario: 'healthy' });
      } catch (e) {
        if (attempt >= 3) throw e;
        log(`lab start attempt ${attempt} failed (${(e as Error).message.split('\n')[0]}); retrying`);
      }
    }
    log(
      `lab up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${lab.hosts.map(h => `${h.name} ${h.address}`).join(', ')})`,
    );
    return { lab, mod };
  })();
  current.catch(() => undefined);
  return current;
}

export async function stopBenchLab(): Promise<void> {
  if (!current) return;
  const c = await current.catch(() => undefined);
  current = undefined;
  if (c) await c.mod.down(c.lab);
}

export interface SshPoolLike {
  exec(
    host: { name: string; sshTarget: string },
    command: string,
    options?: { timeoutMs?: number },
  ): Promise<{ exitCode: number | null; stdout: string; stderr: string }>;
  stats(): {
    connectionsOpened: Record<string, number>;
    execs: Record<string, number>;
    byHost: Record<string, { connectionsOpened: number; execs: number }>;
  };
  close?(): void | Promise<void>;
  dispose?(): void | Promise<void>;
}

/** A pooled ssh2 client that reads the lab's ssh config (host aliases, keys, known_hosts), and nothing of ~/.ssh. */
export async function labPool(lab: Lab, extra: Record<string, unknown> = {}): Promise<SshPoolLike> {
  const mod = await importOptional<{ SshPool?: new (o: Record<string, unknown>) => SshPoolLike }>(
    'src/ssh/index',
    'The ssh layer (src/ssh)',
  );
  if (!mod.SshPool) throw new Skip('src/ssh does not export SshPool yet');
  return new mod.SshPool({
    sshConfigPath: lab.sshConfigPath,
    homeDir: join(ROOT, '.bench'),
    agentSocket: '',
    globalKnownHostsFiles: [],
    ...extra,
  });
}

export async function closePool(pool: SshPoolLike): Promise<void> {
  if (pool.close) await pool.close();
  else if (pool.dispose) await pool.dispose();
}

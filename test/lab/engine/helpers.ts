// Shared by the engine's lab tests: a lab per suite, its cluster from the lab's own inventory, a pooled executor
// through the lab's ssh config, and the directories of a host as seen from outside the lab.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseInventory, resolveCluster } from '../../../src/core/inventory';
import type { ResolvedCluster } from '../../../src/core/inventory';
import type { PlannedStep, ProcedureId } from '../../../src/core/procedures/types';
import { runProcedure } from '../../../src/engine/runner';
import type { RunEvent, RunOptions, RunResult } from '../../../src/engine/runner';
import { SshPool } from '../../../src/ssh/pool';
import { defaultLabDir, down, hostDataPath, up } from '../lab';
import type { Lab, LabKind, Scenario, Vocabulary } from '../lab';

/** The kind of lab the suites start: GPCOORD_LAB_GREENPLUM=real (npm run test:real) runs them on real Greenplum. */
export const LAB_KIND: LabKind = process.env.GPCOORD_LAB_GREENPLUM === 'real' ? 'real' : 'emulated';

/** Starts a lab; a start that fails (the lab reports why) is retried twice before the suite fails. */
export async function startLab(subnet: number, scenario: Scenario, vocabulary: Vocabulary): Promise<Lab> {
  let last: unknown;
  for (let i = 0; i < 3; i++) {
    try {
      return await up({ subnet, scenario, vocabulary, greenplum: LAB_KIND });
    } catch (e) {
      last = e;
      // A start that failed early leaves a run directory without state.json, which up() refuses to reuse.
      const dir = defaultLabDir(subnet);
      if (existsSync(dir) && !existsSync(join(dir, 'state.json'))) rmSync(dir, { recursive: true, force: true });
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

export async function stopLab(lab: Lab | undefined): Promise<void> {
  if (lab) await down(lab);
}

export function clusterOf(lab: Lab): ResolvedCluster {
  const r = parseInventory(readFileSync(lab.inventoryPath, 'utf8'), lab.inventoryPath);
  if (!r.ok) throw new Error(`lab inventory: ${JSON.stringify(r.problems)}`);
  return resolveCluster(lab.clusterName, r.inventory.clusters[lab.clusterName]!);
}

export function poolOf(lab: Lab): SshPool {
  return new SshPool({ sshConfigPath: lab.sshConfigPath });
}

/** Entries of the data directory's parent on a host (gpseg-1, backup_gpseg-1, …), read from outside the lab. */
export function coordinatorEntries(lab: Lab, host: string): string[] {
  const parent = dirname(hostDataPath(lab, host));
  return existsSync(parent) ? readdirSync(parent).sort() : [];
}

/** True when the directory holds a PostgreSQL data directory (PG_VERSION): nothing was lost. */
export function isDataDirectory(lab: Lab, host: string, name: string): boolean {
  return existsSync(join(dirname(hostDataPath(lab, host)), name, 'PG_VERSION'));
}

export interface Recorded {
  result: RunResult;
  events: RunEvent[];
  confirmed: PlannedStep[];
}

/** Runs a procedure with every confirmation answered yes, recording events and the steps confirmed. */
export async function runAll(
  procedure: ProcedureId,
  cluster: ResolvedCluster,
  pool: SshPool,
  journalPath: string,
  extra: Partial<RunOptions> = {},
): Promise<Recorded> {
  const events: RunEvent[] = [];
  const confirmed: PlannedStep[] = [];
  const result = await runProcedure({
    procedure,
    cluster,
    executor: pool,
    journalPath,
    pollIntervalMs: 1000,
    confirm: step => {
      confirmed.push(step);
      return Promise.resolve(true);
    },
    ...extra,
    onEvent: e => {
      events.push(e);
      extra.onEvent?.(e);
    },
  });
  return { result, events, confirmed };
}

export function tempJournal(name: string): string {
  return join(mkdtempSync(join(tmpdir(), `gpcoord-${name}-`)), 'journal.jsonl');
}

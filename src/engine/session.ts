// What a front end (the CLI, the extension) needs to work on one cluster: the inventory loaded and the cluster
// found, a pooled ssh executor, and where this cluster's journal and the audit log live.
import { appendFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Inventory, InventoryProblem, ResolvedCluster } from '../core/inventory';
import { SshPool } from '../ssh/pool';
import type { SshPoolOptions } from '../ssh/pool';
import { defaultInventoryPaths, findCluster, loadInventories } from './inventory-files';
import type { AuditRecord } from './runner';

export interface OpenOptions {
  /** Inventory files; default ./greenplum-clusters.yaml then ~/.config/gpcoord/greenplum-clusters.yaml. */
  inventoryFiles?: string[];
  cwd?: string;
}

export type OpenResult =
  | { ok: true; cluster: ResolvedCluster; inventory: Inventory; file: string; problems: InventoryProblem[] }
  | { ok: false; message: string; problems: InventoryProblem[] };

export function openCluster(name: string, o: OpenOptions = {}): OpenResult {
  const explicit = !!o.inventoryFiles?.length;
  const files = explicit ? o.inventoryFiles! : defaultInventoryPaths(o.cwd);
  const loaded = loadInventories(files, { explicit });
  if (!loaded.ok) return { ok: false, message: loaded.message, problems: loaded.problems };
  const found = findCluster(loaded.inventory, name);
  if (!found.ok) return { ok: false, message: found.message, problems: loaded.problems };
  return { ok: true, cluster: found.cluster, inventory: loaded.inventory, file: loaded.origin[name] ?? files[0]!, problems: loaded.problems };
}

export function createPool(o: SshPoolOptions = {}): SshPool {
  return new SshPool(o);
}

/** $XDG_STATE_HOME/gpcoord (default ~/.local/state/gpcoord): journals and the audit log of the CLI. */
export function stateDirectory(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'gpcoord');
}

export function defaultJournalPath(cluster: string): string {
  return join(stateDirectory(), 'journal', `${cluster}.jsonl`);
}

export function defaultAuditPath(): string {
  return join(stateDirectory(), 'audit.jsonl');
}

/** An append-only JSON Lines audit writer. */
export function auditWriter(path: string): (r: AuditRecord) => void {
  return (r) => {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, `${JSON.stringify(r)}\n`, 'utf8');
  };
}

// Reading inventory files from disk: the workspace file, then the user-level one, merged (first wins).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { inventoryTooLarge, MAX_INVENTORY_CHARS, mergeInventories, parseInventory, resolveCluster } from '../core/inventory';
import { readFileCappedSync } from './boundedRead';
import type { Inventory, InventoryProblem, InventorySource, ResolvedCluster } from '../core/inventory';

export const DEFAULT_INVENTORY = 'greenplum-clusters.yaml';

/** ./greenplum-clusters.yaml, then ~/.config/gpcoord/greenplum-clusters.yaml. */
export function defaultInventoryPaths(cwd = process.cwd(), home = homedir()): string[] {
  return [resolve(cwd, DEFAULT_INVENTORY), join(home, '.config', 'gpcoord', DEFAULT_INVENTORY)];
}

export type LoadResult =
  | { ok: true; inventory: Inventory; origin: Record<string, string>; problems: InventoryProblem[] }
  | { ok: false; problems: InventoryProblem[]; message: string };

/**
 * Loads and merges the given files. Explicit files must exist; default locations that do not exist are skipped.
 * Any error in any file fails the load, with every problem at its position.
 */
export function loadInventories(files: readonly string[], opts: { explicit: boolean }): LoadResult {
  const sources: InventorySource[] = [];
  const problems: InventoryProblem[] = [];
  const missing: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) {
      if (opts.explicit) missing.push(file);
      continue;
    }
    const read = readFileCappedSync(file, 4 * MAX_INVENTORY_CHARS);
    // Past 4 bytes per allowed character the text is certainly too long: refused without decoding it.
    const r = read.ok ? parseInventory(read.bytes.toString('utf8'), file) : { ok: false as const, problems: [inventoryTooLarge(file)] };
    problems.push(...r.problems);
    if (r.ok) sources.push({ file, inventory: r.inventory });
  }
  if (missing.length) return { ok: false, problems, message: `inventory file not found: ${missing.join(', ')}` };
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems, message: 'the inventory has errors' };
  if (!sources.length) {
    return { ok: false, problems, message: `no inventory found (looked for ${files.join(' and ')}); create ${DEFAULT_INVENTORY} or pass --inventory FILE` };
  }
  const merged = mergeInventories(sources);
  return { ok: true, inventory: merged.inventory, origin: merged.origin, problems: [...problems, ...merged.problems] };
}

/** The named cluster, or a message listing the known ones. */
export function findCluster(inventory: Inventory, name: string): { ok: true; cluster: ResolvedCluster } | { ok: false; message: string } {
  const c = Object.hasOwn(inventory.clusters, name) ? inventory.clusters[name] : undefined;
  if (!c) {
    const known = Object.keys(inventory.clusters);
    return { ok: false, message: `no cluster named "${name}" in the inventory${known.length ? ` (known: ${known.join(', ')})` : ''}` };
  }
  return { ok: true, cluster: resolveCluster(name, c) };
}

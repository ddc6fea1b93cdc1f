// The one inventory loader of the CLI and the extension: inventory texts (read by the caller, from disk or from
// the editor's file system) are parsed, and the clusters of the valid ones merged in order — the first file that
// defines a cluster wins, a later definition is a warning (mergeInventories). Each file's problems stay with it.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  inventoryTooLarge,
  MAX_INVENTORY_CHARS,
  mergeInventories,
  parseInventory,
  resolveCluster,
} from '../core/inventory';
import { readFileCappedSync } from './bounded-read';
import type { Inventory, InventoryProblem, InventorySource, ResolvedCluster } from '../core/inventory';

export const DEFAULT_INVENTORY = 'greenplum-clusters.yaml';

/** ./greenplum-clusters.yaml, then ~/.config/gpcoord/greenplum-clusters.yaml. */
export function defaultInventoryPaths(cwd = process.cwd(), home = homedir()): string[] {
  return [resolve(cwd, DEFAULT_INVENTORY), join(home, '.config', 'gpcoord', DEFAULT_INVENTORY)];
}

/** One inventory file: its text, or why it could not be read. */
export type InventoryInput = { file: string; text: string } | { file: string; unreadable: string };

export interface InventoryFileResult {
  file: string;
  /** False when the file could not be read or has errors: none of its clusters is used. */
  ok: boolean;
  problems: InventoryProblem[];
}

export interface InventoryLoad {
  inventory: Inventory;
  /** Every cluster of the valid files, the first definition of each name, with the file it comes from. */
  clusters: Array<{ cluster: ResolvedCluster; file: string }>;
  files: InventoryFileResult[];
  /** A cluster defined again in a later file (a warning on that file; the first definition is used). */
  duplicates: InventoryProblem[];
}

export interface LoadWording {
  unreadable?: (file: string, why: string) => string;
  duplicate?: (cluster: string, firstFile: string) => string;
}

function problemAt(
  file: string,
  field: string,
  severity: InventoryProblem['severity'],
  message: string,
): InventoryProblem {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, endOffset: 0, field, severity, message };
}

/** Parses the inputs in order and merges the clusters of the valid ones. The wording of the loader's own problems may be given (translated). */
export function loadInventorySources(inputs: readonly InventoryInput[], wording: LoadWording = {}): InventoryLoad {
  const sources: InventorySource[] = [];
  const files: InventoryFileResult[] = [];
  for (const input of inputs) {
    if ('unreadable' in input) {
      const message =
        wording.unreadable?.(input.file, input.unreadable) ?? `cannot read the inventory file: ${input.unreadable}`;
      files.push({ file: input.file, ok: false, problems: [problemAt(input.file, '', 'error', message)] });
      continue;
    }
    const r = parseInventory(input.text, input.file);
    const ok = r.ok && !r.problems.some(p => p.severity === 'error');
    files.push({ file: input.file, ok, problems: r.problems });
    if (r.ok && ok) sources.push({ file: input.file, inventory: r.inventory });
  }
  const merged = mergeInventories(sources);
  const duplicates = wording.duplicate
    ? merged.problems.map(p => {
        const name = p.field.replace(/^clusters\./, '');
        return { ...p, message: wording.duplicate!(name, merged.origin[name] ?? '') };
      })
    : merged.problems;
  const clusters = Object.entries(merged.inventory.clusters).map(([name, config]) => ({
    cluster: resolveCluster(name, config),
    file: merged.origin[name] ?? '',
  }));
  return { inventory: merged.inventory, clusters, files, duplicates };
}

/** The inventory files as the CLI reads them: each file's text, or why it is missing or unreadable. */
export function readInventoryFiles(files: readonly string[]): InventoryInput[] {
  return files.map(file => {
    try {
      // Past 4 bytes per allowed character the text is certainly too long: refused without decoding it.
      const read = readFileCappedSync(file, 4 * MAX_INVENTORY_CHARS);
      return read.ok
        ? { file, text: read.bytes.toString('utf8') }
        : { file, unreadable: inventoryTooLarge(file).message };
    } catch (e) {
      return { file, unreadable: e instanceof Error ? e.message : String(e) };
    }
  });
}

export type LoadResult =
  | { ok: true; inventory: Inventory; origin: Record<string, string>; problems: InventoryProblem[] }
  | { ok: false; problems: InventoryProblem[]; message: string };

/**
 * Loads and merges the given files. Explicit files must exist; default locations that do not exist are skipped.
 * Any error in any file fails the load, with every problem at its position.
 */
export function loadInventories(files: readonly string[], opts: { explicit: boolean }): LoadResult {
  const missing = opts.explicit ? files.filter(f => !existsSync(f)) : [];
  const present = files.filter(f => existsSync(f));
  const load = loadInventorySources(readInventoryFiles(present));
  const problems = load.files.flatMap(f => f.problems);
  if (missing.length) return { ok: false, problems, message: `inventory file not found: ${missing.join(', ')}` };
  if (problems.some(p => p.severity === 'error')) return { ok: false, problems, message: 'the inventory has errors' };
  if (!load.files.length) {
    return {
      ok: false,
      problems,
      message: `no inventory found (looked for ${files.join(' and ')}); create ${DEFAULT_INVENTORY} or pass --inventory FILE`,
    };
  }
  const origin = Object.fromEntries(load.clusters.map(c => [c.cluster.name, c.file]));
  return { ok: true, inventory: load.inventory, origin, problems: [...problems, ...load.duplicates] };
}

/** The named cluster, or a message listing the known ones. */
export function findCluster(
  inventory: Inventory,
  name: string,
): { ok: true; cluster: ResolvedCluster } | { ok: false; message: string } {
  const c = Object.hasOwn(inventory.clusters, name) ? inventory.clusters[name] : undefined;
  if (!c) {
    const known = Object.keys(inventory.clusters);
    return {
      ok: false,
      message: `no cluster named "${name}" in the inventory${known.length ? ` (known: ${known.join(', ')})` : ''}`,
    };
  }
  return { ok: true, cluster: resolveCluster(name, c) };
}

export type OpenResult =
  | { ok: true; cluster: ResolvedCluster; inventory: Inventory; file: string; problems: InventoryProblem[] }
  | { ok: false; message: string; problems: InventoryProblem[] };

/** Loads the inventory files (default ./greenplum-clusters.yaml, then the user-level one) and finds the cluster. */
export function openCluster(name: string, o: { inventoryFiles?: string[]; cwd?: string } = {}): OpenResult {
  const explicit = !!o.inventoryFiles?.length;
  const files = explicit ? o.inventoryFiles! : defaultInventoryPaths(o.cwd);
  const loaded = loadInventories(files, { explicit });
  if (!loaded.ok) return { ok: false, message: loaded.message, problems: loaded.problems };
  const found = findCluster(loaded.inventory, name);
  if (!found.ok) return { ok: false, message: found.message, problems: loaded.problems };
  return {
    ok: true,
    cluster: found.cluster,
    inventory: loaded.inventory,
    file: loaded.origin[name] ?? files[0]!,
    problems: loaded.problems,
  };
}

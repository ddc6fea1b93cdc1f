// Finds and reads the cluster inventories: every greenplum-clusters.yaml in the workspace, plus the files named in
// the greenplumCoordinator.inventoryPaths setting, through the engine's loader (the CLI's). Problems are kept per
// file so the tree can point at them.
import * as vscode from 'vscode';
import type { InventoryProblem, ResolvedCluster } from '../../core/inventory';
import { loadInventorySources } from '../../engine/inventory-files';
import type { InventoryInput } from '../../engine/inventory-files';

export const INVENTORY_FILE_NAME = 'greenplum-clusters.yaml';

export interface LoadedCluster {
  cluster: ResolvedCluster;
  file: vscode.Uri;
}

export interface InventoryFileProblem {
  file: vscode.Uri;
  problems: InventoryProblem[];
}

export interface LoadedInventory {
  clusters: LoadedCluster[];
  /** Files that could not be read or did not validate, with what was wrong. */
  broken: InventoryFileProblem[];
  files: vscode.Uri[];
}

function expandHome(p: string): string {
  const home = process.env.HOME ?? '';
  return p === '~' ? home : p.startsWith('~/') ? `${home}${p.slice(1)}` : p;
}

/** The inventory files to read, in order: the setting's, then the workspace's. Duplicates removed. */
export async function inventoryFiles(): Promise<vscode.Uri[]> {
  const configured = vscode.workspace.getConfiguration('greenplumCoordinator').get<string[]>('inventoryPaths', []);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const fromSetting = configured.filter((p) => typeof p === 'string' && p.trim()).map((p) => {
    const expanded = expandHome(p.trim());
    return expanded.startsWith('/') || !base ? vscode.Uri.file(expanded) : vscode.Uri.joinPath(base, expanded);
  });
  const fromWorkspace = vscode.workspace.workspaceFolders?.length
    ? await vscode.workspace.findFiles(`**/${INVENTORY_FILE_NAME}`, '**/node_modules/**', 20)
    : [];
  const seen = new Set<string>();
  return [...fromSetting, ...fromWorkspace.sort((a, b) => a.path.localeCompare(b.path))].filter((u) => {
    const key = u.toString();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function loadInventory(): Promise<LoadedInventory> {
  const files = await inventoryFiles();
  const uris = new Map(files.map((u) => [u.fsPath, u]));
  const inputs = await Promise.all(files.map(async (file): Promise<InventoryInput> => {
    try {
      return { file: file.fsPath, text: new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(file)) };
    } catch (error) {
      return { file: file.fsPath, unreadable: error instanceof Error ? error.message : String(error) };
    }
  }));
  const load = loadInventorySources(inputs, {
    unreadable: (_file, why) => vscode.l10n.t('cannot read the inventory file ({0}); fix the path in the {1} setting', why, 'greenplumCoordinator.inventoryPaths'),
    duplicate: (name) => vscode.l10n.t('cluster "{0}" is also defined in an earlier inventory file; the first definition is used, rename one of them', name),
  });
  const uriOf = (file: string): vscode.Uri => uris.get(file) ?? vscode.Uri.file(file);
  const broken: InventoryFileProblem[] = [
    ...load.files.filter((f) => !f.ok).map((f) => ({ file: uriOf(f.file), problems: f.problems })),
    ...load.duplicates.map((p) => ({ file: uriOf(p.file), problems: [p] })),
  ];
  return { clusters: load.clusters.map((c) => ({ cluster: c.cluster, file: uriOf(c.file) })), broken, files };
}

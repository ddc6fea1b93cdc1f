// Finds and reads the cluster inventories: every greenplum-clusters.yaml in the workspace, plus the files named in
// the greenplumCoordinator.inventoryPaths setting. Problems are kept per file so the tree can point at them.
import * as vscode from 'vscode';
import { resolveCluster } from '../../core/inventory';
import { parseInventoryByCluster } from '../../core/inventory-clusters';
import type { InventoryProblem, ResolvedCluster } from '../../core/inventory';

export const INVENTORY_FILE_NAME = 'greenplum-clusters.yaml';

export interface LoadedCluster {
  cluster: ResolvedCluster;
  file: vscode.Uri;
}

export interface InventoryFileProblem {
  file: vscode.Uri;
  problems: InventoryProblem[];
  /** The cluster these problems belong to; undefined for problems of the file as a whole. */
  clusterName?: string;
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
  const fromSetting = configured
    .filter(p => typeof p === 'string' && p.trim())
    .map(p => {
      const expanded = expandHome(p.trim());
      return expanded.startsWith('/') || !base ? vscode.Uri.file(expanded) : vscode.Uri.joinPath(base, expanded);
    });
  const fromWorkspace = vscode.workspace.workspaceFolders?.length
    ? await vscode.workspace.findFiles(`**/${INVENTORY_FILE_NAME}`, '**/node_modules/**', 20)
    : [];
  const seen = new Set<string>();
  return [...fromSetting, ...fromWorkspace.sort((a, b) => a.path.localeCompare(b.path))].filter(u => {
    const key = u.toString();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The file's text as the user sees it: the editor's (even unsaved), else the disk's. */
async function currentText(file: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === file.toString());
  if (open) return open.getText();
  return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(file));
}

export async function loadInventory(): Promise<LoadedInventory> {
  const files = await inventoryFiles();
  const clusters: LoadedCluster[] = [];
  const broken: InventoryFileProblem[] = [];
  const names = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = await currentText(file);
    } catch (error) {
      broken.push({
        file,
        problems: [
          {
            file: file.fsPath,
            line: 1,
            column: 1,
            endLine: 1,
            endColumn: 1,
            offset: 0,
            endOffset: 0,
            field: '',
            severity: 'error',
            message: vscode.l10n.t(
              'cannot read the inventory file ({0}); fix the path in the {1} setting',
              error instanceof Error ? error.message : String(error),
              'greenplumCoordinator.inventoryPaths',
            ),
          },
        ],
      });
      continue;
    }
    // Cluster by cluster: a typo in one cluster leaves the others usable and is shown under that cluster only.
    const result = parseInventoryByCluster(text, file.fsPath);
    const fileErrors = result.fileProblems.filter(p => p.severity === 'error');
    if (fileErrors.length) broken.push({ file, problems: fileErrors });
    for (const b of result.broken) broken.push({ file, problems: b.problems, clusterName: b.name });
    for (const { name, config } of result.clusters) {
      if (names.has(name)) {
        broken.push({
          file,
          clusterName: name,
          problems: [
            {
              file: file.fsPath,
              line: 1,
              column: 1,
              endLine: 1,
              endColumn: 1,
              offset: 0,
              endOffset: 0,
              field: `clusters.${name}`,
              severity: 'warning',
              message: vscode.l10n.t(
                'cluster "{0}" is also defined in an earlier inventory file; the first definition is used, rename one of them',
                name,
              ),
            },
          ],
        });
        continue;
      }
      names.add(name);
      clusters.push({ cluster: resolveCluster(name, config), file });
    }
  }
  return { clusters, broken, files };
}

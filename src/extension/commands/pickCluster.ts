// Shared by the cluster commands: the cluster named by the argument (a tree item or a name), else a quick pick.
import * as vscode from 'vscode';
import type { LoadedCluster } from '../inventory/loadInventory';
import { loadInventory } from '../inventory/loadInventory';

/** Tree items and panels pass either the cluster's name or an object carrying it. */
export function clusterNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { clusterName?: unknown }).clusterName === 'string') return (arg as { clusterName: string }).clusterName;
  return undefined;
}

export async function pickCluster(arg: unknown, purpose: string): Promise<LoadedCluster | undefined> {
  const { clusters, broken } = await loadInventory();
  const wanted = clusterNameOf(arg);
  if (wanted) {
    const found = clusters.find((c) => c.cluster.name === wanted);
    if (!found) throw new Error(`no cluster named "${wanted}" in the inventory; check greenplum-clusters.yaml or run "Greenplum: Add Cluster…"`);
    return found;
  }
  if (!clusters.length) {
    const detail = broken.length ? ` (${broken.length} inventory file${broken.length > 1 ? 's have' : ' has'} problems: see the Problems view)` : '';
    const choice = await vscode.window.showWarningMessage(`No Greenplum cluster is configured${detail}. Add one first.`, 'Add Cluster…');
    if (choice) await vscode.commands.executeCommand('greenplumCoordinator.addCluster');
    return undefined;
  }
  if (clusters.length === 1) return clusters[0];
  const picked = await vscode.window.showQuickPick(clusters.map((c) => ({
    label: c.cluster.name,
    description: c.cluster.hosts.map((h) => h.name).join(', '),
    detail: c.cluster.config.description,
    loaded: c,
  })), { title: purpose, placeHolder: 'Which cluster?' });
  return picked?.loaded;
}

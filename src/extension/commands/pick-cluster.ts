// Shared by the cluster commands: the cluster named by the argument (a tree item or a name), else a quick pick.
import * as vscode from 'vscode';
import type { LoadedCluster } from '../inventory/load-inventory';
import { loadInventory } from '../inventory/load-inventory';

/** Tree items and panels pass either the cluster's name or an object carrying it. */
export function clusterNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { clusterName?: unknown }).clusterName === 'string')
    return (arg as { clusterName: string }).clusterName;
  return undefined;
}

export async function pickCluster(arg: unknown, purpose: string): Promise<LoadedCluster | undefined> {
  const { clusters, broken } = await loadInventory();
  const wanted = clusterNameOf(arg);
  if (wanted) {
    const found = clusters.find(c => c.cluster.name === wanted);
    if (!found)
      throw new Error(
        vscode.l10n.t(
          'no cluster named "{0}" in the inventory; check greenplum-clusters.yaml or run "Greenplum: Add Cluster…"',
          wanted,
        ),
      );
    return found;
  }
  if (!clusters.length) {
    const message = !broken.length
      ? vscode.l10n.t('No Greenplum cluster is configured. Add one first.')
      : broken.length > 1
        ? vscode.l10n.t(
            'No Greenplum cluster is configured ({0} inventory files have problems: see the Problems view). Add one first.',
            broken.length,
          )
        : vscode.l10n.t(
            'No Greenplum cluster is configured (1 inventory file has problems: see the Problems view). Add one first.',
          );
    const choice = await vscode.window.showWarningMessage(message, vscode.l10n.t('Add Cluster…'));
    if (choice) await vscode.commands.executeCommand('greenplumCoordinator.addCluster');
    return undefined;
  }
  if (clusters.length === 1) return clusters[0];
  const picked = await vscode.window.showQuickPick(
    clusters.map(c => ({
      label: c.cluster.name,
      description: c.cluster.hosts.map(h => h.name).join(', '),
      detail: c.cluster.config.description,
      loaded: c,
    })),
    { title: purpose, placeHolder: vscode.l10n.t('Which cluster?') },
  );
  return picked?.loaded;
}

// "Greenplum: Check Coordinator Mirroring": observes the cluster over ssh (which host is active, the standby, the
// replication, then gpstate -f and -b on the active coordinator), updates the tree, the status bar and the panel,
// and offers to resume a procedure run that was interrupted.
import * as vscode from 'vscode';
import type { ClusterState } from '../../core/state';
import type { Services } from '../services';
import { checkAndOffer } from '../procedures/run-procedure-ui';
import { pickCluster } from './pick-cluster';

export async function checkMirroring(services: Services, arg?: unknown): Promise<ClusterState | undefined> {
  const loaded = await pickCluster(arg, vscode.l10n.t('Check Coordinator Mirroring'));
  if (!loaded) return undefined;
  const name = loaded.cluster.name;
  services.selectedCluster = name;
  const observation = await vscode.window.withProgress(
    { location: { viewId: 'greenplumCoordinator.clusters' }, title: vscode.l10n.t('Checking {0}', name) },
    () =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `$(sync~spin) ${vscode.l10n.t('Checking {0}…', name)}` },
        () => services.clusters.check(loaded),
      ),
  );
  if (observation.error && !observation.result)
    throw new Error(vscode.l10n.t('{0} could not be checked: {1}', name, observation.error));
  await services.showClusterPanel(name);
  void checkAndOffer(services, loaded);
  return observation.result?.state;
}

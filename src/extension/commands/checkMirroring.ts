// "Greenplum: Check Coordinator Mirroring": observes the cluster over ssh (which host is active, the standby, the
// replication, then gpstate -f and -b on the active coordinator), updates the tree, the status bar and the panel,
// and offers to resume a procedure run that was interrupted.
import * as vscode from 'vscode';
import type { ClusterState } from '../../core/state';
import type { Services } from '../services';
import { checkAndOffer } from '../procedures/runProcedureUi';
import { pickCluster } from './pickCluster';

export async function checkMirroring(services: Services, arg?: unknown): Promise<ClusterState | undefined> {
  const loaded = await pickCluster(arg, 'Check Coordinator Mirroring');
  if (!loaded) return undefined;
  const name = loaded.cluster.name;
  services.selectedCluster = name;
  const observation = await vscode.window.withProgress(
    { location: { viewId: 'greenplumCoordinator.clusters' }, title: `Checking ${name}` },
    () => vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `$(sync~spin) Checking ${name}…` }, () => services.clusters.check(loaded)));
  if (observation.error && !observation.result) throw new Error(`${name} could not be checked: ${observation.error}`);
  await services.showClusterPanel(name);
  void checkAndOffer(services, loaded);
  return observation.result?.state;
}

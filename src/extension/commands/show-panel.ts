// "Greenplum: Show Status Panel": the panel of the given cluster (tree item, status bar), else the panel shown last,
// else the only configured cluster's, else an empty panel that offers to read a saved gpstate output.
import type { Services } from '../services';
import { clusterNameOf } from './pick-cluster';

export const EMPTY_PANEL = 'empty';

export async function showPanel(services: Services, arg?: unknown): Promise<string> {
  const name = clusterNameOf(arg);
  if (name) return services.showClusterPanel(name);
  if (services.lastPanelKey && services.panels.reveal(services.lastPanelKey)) return services.lastPanelKey;
  const { clusters } = await services.tree.clusters();
  if (clusters.length === 1) return services.showClusterPanel(clusters[0]!.cluster.name);
  services.panels.showEmpty(EMPTY_PANEL);
  services.lastPanelKey = EMPTY_PANEL;
  return EMPTY_PANEL;
}

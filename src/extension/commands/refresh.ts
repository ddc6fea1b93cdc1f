// "Greenplum: Refresh": re-reads the inventory, then re-observes every cluster already checked once (a cluster
// never checked is left alone: observing means connecting to its hosts, which the user starts).
import type { Services } from '../services';

export async function refresh(services: Services): Promise<void> {
  await services.refreshClusters();
  const { clusters } = await services.tree.clusters();
  await services.clusters.checkRoutine(clusters.filter(c => services.clusters.get(c.cluster.name)?.result));
}

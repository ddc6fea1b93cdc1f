// "Greenplum: Refresh": re-reads the inventory and re-observes the clusters shown in the tree.
import type { Services } from '../services';

export async function refresh(services: Services): Promise<void> {
  await services.refreshClusters();
}

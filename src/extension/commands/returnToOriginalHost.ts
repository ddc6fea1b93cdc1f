// "Greenplum: Returning the coordinator to its original host": picks the cluster (from the tree item, a name, or a quick pick) and hands it to the engine.
import type { Services } from '../services';
import { explainRemoteAccessMissing } from './remoteAccess';
import { pickCluster } from './pickCluster';

export async function returnToOriginalHost(_services: Services, arg?: unknown): Promise<string | undefined> {
  const loaded = await pickCluster(arg, 'Returning the coordinator to its original host');
  if (!loaded) return undefined;
  return explainRemoteAccessMissing('Returning the coordinator to its original host', loaded.cluster.name);
}

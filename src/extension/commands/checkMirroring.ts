// "Greenplum: Checking coordinator mirroring": picks the cluster (from the tree item, a name, or a quick pick) and hands it to the engine.
import type { Services } from '../services';
import { explainRemoteAccessMissing } from './remoteAccess';
import { pickCluster } from './pickCluster';

export async function checkMirroring(_services: Services, arg?: unknown): Promise<string | undefined> {
  const loaded = await pickCluster(arg, 'Checking coordinator mirroring');
  if (!loaded) return undefined;
  return explainRemoteAccessMissing('Checking coordinator mirroring', loaded.cluster.name);
}

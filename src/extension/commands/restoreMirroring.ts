// "Greenplum: Restore coordinator mirroring": picks the cluster (from the tree item, a name, or a quick pick) and hands it to the engine.
import type { Services } from '../services';
import { explainRemoteAccessMissing } from './remoteAccess';
import { pickCluster } from './pickCluster';

export async function restoreMirroring(_services: Services, arg?: unknown): Promise<string | undefined> {
  const loaded = await pickCluster(arg, 'Restore coordinator mirroring');
  if (!loaded) return undefined;
  return explainRemoteAccessMissing('Restore coordinator mirroring', loaded.cluster.name);
}

// "Greenplum: Opening a terminal": picks the cluster (from the tree item, a name, or a quick pick) and hands it to the engine.
import type { Services } from '../services';
import { explainRemoteAccessMissing } from './remoteAccess';
import { pickCluster } from './pickCluster';

export async function openTerminal(_services: Services, arg?: unknown): Promise<string | undefined> {
  const loaded = await pickCluster(arg, 'Opening a terminal');
  if (!loaded) return undefined;
  return explainRemoteAccessMissing('Opening a terminal', loaded.cluster.name);
}

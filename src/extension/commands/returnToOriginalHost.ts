// "Greenplum: Return Coordinator to Original Host…": plans the procedure from a fresh observation, shows the plan, and runs it step by
// step with a confirmation before every step that changes the cluster (see procedures/runProcedureUi.ts).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { runProcedureUi } from '../procedures/runProcedureUi';
import type { ProcedureOutcome } from '../procedures/runProcedureUi';
import { pickCluster } from './pickCluster';

export async function returnToOriginalHost(services: Services, arg?: unknown): Promise<ProcedureOutcome | undefined> {
  const loaded = await pickCluster(arg, vscode.l10n.t('Return Coordinator to Original Host'));
  if (!loaded) return undefined;
  return runProcedureUi(services, loaded, 'return-to-original');
}

// "Activate the Standby…", "Start the Standby…", "Rebuild the Standby…" and "Dry Run a Procedure…". Failover asks the
// DBA to type the old coordinator's host name, confirming it is fenced (powered off or isolated), before its plan.
import * as vscode from 'vscode';
import { describeLastReplication } from '../../core/history';
import type { ProcedureId } from '../../core/procedures/types';
import { formatDryRun } from '../../engine/dry-run';
import { HistoryFile, historyPathFor } from '../../engine/history';
import type { Services } from '../services';
import { runProcedureUi } from '../procedures/run-procedure-ui';
import type { ProcedureOutcome } from '../procedures/run-procedure-ui';
import { pickCluster } from './pick-cluster';

/** Test hook: the typed fencing name, since integration tests cannot type into an input box. */
let fencingOverride: string | undefined;
export function setFencingOverride(name: string | undefined): void {
  fencingOverride = name;
}

export async function activateStandby(services: Services, arg?: unknown): Promise<ProcedureOutcome | undefined> {
  const loaded = await pickCluster(arg, vscode.l10n.t('Activate the Standby'));
  if (!loaded) return undefined;
  const session = services.session(loaded);
  const { decision: d } = await session.preview('failover');
  const activation = d.kind === 'step' ? [d.step, ...d.upcoming].find(s => s.id === 'activate-standby') : undefined;
  const old = activation?.params.oldCoordinatorHost;
  if (!old) return runProcedureUi(services, loaded, 'failover');
  const last = describeLastReplication(new HistoryFile(historyPathFor(session.journalPath)).read(), new Date());
  const typed =
    fencingOverride ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Activate the standby on {0}', activation.host),
      prompt: vscode.l10n.t(
        '{0} Type {1} to confirm that {1} is fenced (powered off or isolated): a coordinator that is only unreachable may still take writes.',
        last,
        old,
      ),
      placeHolder: old,
      ignoreFocusOut: true,
      validateInput: v =>
        v.trim() === old ? null : vscode.l10n.t("Type the old coordinator's host name exactly: {0}", old),
    }));
  if (typed?.trim() !== old)
    return { status: 'plan-declined', message: 'Not started: the old coordinator was not confirmed fenced.' };
  return runProcedureUi(services, loaded, 'failover', { fencedHost: old });
}

export async function startStandby(services: Services, arg?: unknown): Promise<ProcedureOutcome | undefined> {
  const loaded = await pickCluster(arg, vscode.l10n.t('Start the Standby'));
  return loaded ? runProcedureUi(services, loaded, 'start-standby') : undefined;
}

export async function rebuildStandby(services: Services, arg?: unknown): Promise<ProcedureOutcome | undefined> {
  const loaded = await pickCluster(arg, vscode.l10n.t('Rebuild the Standby'));
  return loaded ? runProcedureUi(services, loaded, 'rebuild-standby') : undefined;
}

const DRY_RUN_CHOICES: ProcedureId[] = [
  'restore-mirroring',
  'return-to-original',
  'failover',
  'start-standby',
  'rebuild-standby',
];

/** Observes, plans and checks every guard on the hosts; shows the result in the output channel; changes nothing. */
export async function dryRunProcedure(
  services: Services,
  arg?: unknown,
  procedureArg?: unknown,
): Promise<string | undefined> {
  const loaded = await pickCluster(arg, vscode.l10n.t('Dry Run a Procedure'));
  if (!loaded) return undefined;
  const procedure =
    typeof procedureArg === 'string' && (DRY_RUN_CHOICES as string[]).includes(procedureArg)
      ? (procedureArg as ProcedureId)
      : ((await vscode.window.showQuickPick(DRY_RUN_CHOICES, {
          title: vscode.l10n.t('Dry run on {0}: which procedure?', loaded.cluster.name),
        })) as ProcedureId | undefined);
  if (!procedure) return undefined;
  const cluster = loaded.cluster;
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Dry run of {0} on {1}: checking every guard on the hosts…', procedure, cluster.name),
    },
    () => services.session(loaded).dryRun(procedure),
  );
  const text = formatDryRun(result);
  services.output.appendLine(text);
  services.output.show(true);
  return text;
}

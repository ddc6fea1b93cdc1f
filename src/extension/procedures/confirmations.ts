// The modals of a procedure run: the plan before it starts, and each step that changes the cluster, naming the host
// and the exact command, with a button that says what it does.
import * as vscode from 'vscode';
import { PROCEDURES } from '../../core/procedures/definitions';
import type { PlannedStep } from '../../core/procedures/types';
import { shownCommand } from '../../engine/format';
import type { StepPlan } from '../../engine/procedure-session';

/** The button of a step's confirmation: says exactly what will happen, and where. */
export function confirmLabel(step: PlannedStep): string {
  switch (step.id) {
    case 'move-aside':
      return `Move ${step.params.dataDirectory} on ${step.host}`;
    case 'init-standby':
      return `Make ${step.params.standbyHost ?? 'the host'} the standby of ${step.host}`;
    case 'stop-coordinator':
      return `Stop the coordinator on ${step.host}`;
    case 'activate-standby':
      return `Activate the standby on ${step.host}`;
    default:
      return `Run on ${step.host}`;
  }
}

/** The modal before a step that changes the cluster; true when its button was pressed. */
export async function confirmStepModal(step: PlannedStep): Promise<boolean> {
  const guards = step.guards.map(
    g => `• ${g.description} (${g.kind === 'remote' ? `checked on ${g.host}` : `observed on ${g.host}`})`,
  );
  const detail = [
    `Step ${step.index + 1} of ${step.total} changes the cluster. On ${step.host} it runs:`,
    '',
    shownCommand(step),
    '',
    'Checked again right before it runs:',
    ...guards,
    '',
    `Afterwards: ${step.verify.description}.`,
  ].join('\n');
  const button = confirmLabel(step);
  const choice = await vscode.window.showWarningMessage(
    `${step.title} on ${step.host}?`,
    { modal: true, detail },
    button,
  );
  return choice === button;
}

/** The modal with the steps as planned now; true when the run is to start. */
export async function approvePlanModal(plan: StepPlan, cluster: string): Promise<boolean> {
  const def = PROCEDURES[plan.procedure];
  const planned = [plan.decision.step, ...plan.decision.upcoming];
  const planText = planned
    .map(
      s =>
        `${s.index + 1}. ${s.title} — on ${s.host}${s.changesCluster ? ' (changes the cluster)' : ''}\n    ${shownCommand(s)}`,
    )
    .join('\n');
  const start = 'Start';
  const go = await vscode.window.showInformationMessage(
    `${def.title} on ${cluster}`,
    {
      modal: true,
      detail: `${def.description}\n\nFrom the state observed now, the steps are:\n\n${planText}\n\nYou will be asked again before each step that changes the cluster. Each step is planned again from a fresh observation.`,
    },
    start,
  );
  return go === start;
}

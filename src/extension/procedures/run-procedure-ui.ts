// Runs a procedure (restore mirroring, return to the original host) from VS Code through the engine's session:
// observe, show the plan (hosts and exact commands) in the panel and a modal, then step by step with a modal before
// every step that changes the cluster (procedure-run.ts). Output goes live to an integrated terminal where each
// step's command runs on an ssh2 PTY channel (step-terminal.ts); every command lands in the audit log.
import * as vscode from 'vscode';
import { PROCEDURES } from '../../core/procedures/definitions';
import type { ProcedureId } from '../../core/procedures/types';
import type { PlanOptions } from '../../core/lifecycle-planner';
import { HistoryFile, historyPathFor } from '../../engine/history';
import type { ProcedureOutcome, SessionEvent } from '../../engine/procedure-session';
import type { LoadedCluster } from '../inventory/load-inventory';
import type { Services } from '../services';
import { ProcedureRun } from './procedure-run';
import type { StepConfirmer } from './procedure-run';
import type { StepTerminal } from './step-terminal';

export type { ProcedureOutcome };

/** Test hook: answers the step confirmations instead of the modal (integration tests cannot click modals). */
let confirmationOverride: StepConfirmer | undefined;
export function setConfirmationOverride(answer: StepConfirmer | undefined): void {
  confirmationOverride = answer;
}

/** The terminal of each cluster's latest run, so tests can read what it showed. */
const lastTerminals = new Map<string, StepTerminal>();
export function procedureTerminalText(cluster: string): string | undefined {
  return lastTerminals.get(cluster)?.transcript();
}

export async function runProcedureUi(
  services: Services,
  loaded: LoadedCluster,
  procedure: ProcedureId,
  planOptions: PlanOptions = {},
): Promise<ProcedureOutcome> {
  const def = PROCEDURES[procedure];
  const name = loaded.cluster.name;
  if (services.procedures.get(name)?.status === 'running')
    throw new Error(
      `a procedure is already running on ${name}; wait for it to finish or cancel it from its progress notification`,
    );
  const session = services.session(loaded);
  const history = new HistoryFile(historyPathFor(session.journalPath));
  // Observations that changed something and the run's end go to the cluster's history; never fatal.
  const recordHistory = (e: SessionEvent): void => {
    try {
      if (e.type === 'observed') history.recordObservation(e.state);
      if (e.type === 'run-finished')
        history.recordRun({
          ts: new Date().toISOString(),
          cluster: name,
          procedure,
          runId: e.result.runId,
          status: e.result.status,
          message: e.result.message,
        });
    } catch (error) {
      services.output.warn(`history: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const run = new ProcedureRun(
    services,
    name,
    procedure,
    confirmationOverride,
    t => lastTerminals.set(name, t),
    recordHistory,
  );
  const outcome = await session.run(procedure, run, { signal: run.abort.signal, planOptions });
  switch (outcome.status) {
    case 'done-already':
      void vscode.window.showInformationMessage(`${def.title} on ${name}: nothing to do. ${outcome.message}`);
      return outcome;
    case 'blocked':
      if (!outcome.result) {
        services.procedures.set(name, { title: def.title, status: 'blocked', message: outcome.message, steps: [] });
        services.updateClusterPanel(name);
        void vscode.window.showWarningMessage(`${def.title} cannot run on ${name} now: ${outcome.message}`, {
          modal: false,
        });
        return outcome;
      }
      break;
    case 'plan-declined':
      return outcome;
    default:
      break;
  }
  // The end: a clear final state, from a final observation with gpstate.
  run.view.status = outcome.status === 'done' ? 'done' : outcome.status;
  run.view.message = outcome.message;
  run.finish(outcome.status, outcome.message);
  services.updateClusterPanel(name);
  await services.clusters.check(loaded);
  services.updateStatusBar();
  const say = outcome.status === 'done' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void say(`${def.title} on ${name}: ${outcome.status}. ${outcome.message}`, 'Show Status Panel').then(c => {
    if (c) void services.showClusterPanel(name);
  });
  return outcome;
}

/** Offers to resume the cluster's last run when it was interrupted (never finished, or ended unknown or cancelled). */
export async function checkAndOffer(services: Services, loaded: LoadedCluster): Promise<void> {
  const open = services.session(loaded).interruptedRun();
  if (!open || services.procedures.get(loaded.cluster.name)?.status === 'running') return;
  const def = PROCEDURES[open.procedure];
  const resume = 'Resume from the Observed State';
  const choice = await vscode.window.showWarningMessage(
    `"${def.title}" on ${loaded.cluster.name} was interrupted${open.lastStep ? ` (last step started: ${open.lastStep})` : ''}. Resuming plans the next step from what the cluster shows now, not from memory.`,
    resume,
  );
  if (choice === resume) await runProcedureUi(services, loaded, open.procedure);
}

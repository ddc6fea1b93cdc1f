// Runs a procedure (restore mirroring, return to the original host) from VS Code: observe, show the plan (hosts
// and exact commands) in the panel and a modal, then let the engine run it step by step. Before every step that
// changes the cluster a modal names the host and the command, with a button that says what it does. Output goes
// live to an integrated terminal, the panel's stepper follows each step, every command lands in the audit log.
// Each step's command runs in that terminal on an ssh2 PTY channel (see stepTerminal.ts): keys typed there reach
// the command, Ctrl+C interrupts it, and the engine gets the captured output and exit status.
import * as path from 'path';
import * as vscode from 'vscode';
import { planNext } from '../../core/planner';
import type { PlanOptions } from '../../core/lifecycle-planner';
import { HistoryFile, historyPathFor } from '../../engine/history';
import { PROCEDURES } from '../../core/procedures/definitions';
import type { PlannedStep, ProcedureId } from '../../core/procedures/types';
import { shownCommand } from '../../engine/format';
import { JournalFile } from '../../engine/journal';
import { observe } from '../../engine/observe';
import { runProcedure } from '../../engine/runner';
import type { RunEvent, RunResult } from '../../engine/runner';
import type { LoadedCluster } from '../inventory/loadInventory';
import type { ProcedureView, StepView } from '../panel/protocol';
import type { Services } from '../services';
import { StepTerminal } from './stepTerminal';

const OUTPUT_LIMIT = 64 * 1024;

export function journalPath(services: Services, cluster: string): string {
  return path.join(services.context.globalStorageUri.fsPath, 'journal', `${cluster}.jsonl`);
}

function stepView(step: PlannedStep, status: StepView['status']): StepView {
  return { index: step.index, title: step.title, host: step.host, command: shownCommand(step), changesCluster: step.changesCluster, status, message: '', output: '' };
}

/** The button of a step's confirmation: says exactly what will happen, and where. */
export function confirmLabel(step: PlannedStep): string {
  switch (step.id) {
    case 'move-aside': return `Move ${step.params.dataDirectory} on ${step.host}`;
    case 'init-standby': return `Make ${step.params.standbyHost ?? 'the host'} the standby of ${step.host}`;
    case 'stop-coordinator': return `Stop the coordinator on ${step.host}`;
    case 'activate-standby': return `Activate the standby on ${step.host}`;
    default: return `Run on ${step.host}`;
  }
}

async function confirmStep(step: PlannedStep): Promise<boolean> {
  const guards = step.guards.map((g) => `• ${g.description} (${g.kind === 'remote' ? `checked on ${g.host}` : `observed on ${g.host}`})`);
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
  const choice = await vscode.window.showWarningMessage(`${step.title} on ${step.host}?`, { modal: true, detail }, button);
  return choice === button;
}

/** Test hook: answers the step confirmations instead of the modal (integration tests cannot click modals). */
let confirmationOverride: ((step: PlannedStep) => Promise<boolean>) | undefined;
export function setConfirmationOverride(answer: ((step: PlannedStep) => Promise<boolean>) | undefined): void {
  confirmationOverride = answer;
}

/** The terminal of each cluster's latest run, so tests can read what it showed. */
const lastTerminals = new Map<string, StepTerminal>();
export function procedureTerminalText(cluster: string): string | undefined {
  return lastTerminals.get(cluster)?.transcript();
}

export interface ProcedureOutcome {
  status: RunResult['status'] | 'plan-declined' | 'blocked' | 'done-already';
  message: string;
  result?: RunResult;
}

export async function runProcedureUi(services: Services, loaded: LoadedCluster, procedure: ProcedureId, planOptions: PlanOptions = {}): Promise<ProcedureOutcome> {
  const def = PROCEDURES[procedure];
  const cluster = loaded.cluster;
  const name = cluster.name;
  if (services.procedures.get(name)?.status === 'running') throw new Error(`a procedure is already running on ${name}; wait for it to finish or cancel it from its progress notification`);
  const executor = services.clusters.executor();
  const journal = new JournalFile(journalPath(services, name));

  // 1. The plan, from a fresh observation.
  const state = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Observing ${name} to plan "${def.title}"…` },
    () => observe(cluster, executor));
  const decision = planNext({ procedure, cluster, state, journal: journal.read(name), now: new Date(), options: planOptions });
  const previous = services.clusters.get(name)?.result;
  services.clusters.record(name, { ...(previous ?? { gpstateF: null, gpstateB: null, raw: { gpstateF: null, gpstateB: null } }), state });
  if (decision.kind === 'done') {
    void vscode.window.showInformationMessage(`${def.title} on ${name}: nothing to do. ${decision.message}`);
    return { status: 'done-already', message: decision.message };
  }
  if (decision.kind === 'blocked') {
    services.procedures.set(name, { title: def.title, status: 'blocked', message: decision.reason, steps: [] });
    services.updateClusterPanel(name);
    void vscode.window.showWarningMessage(`${def.title} cannot run on ${name} now: ${decision.reason}`, { modal: false });
    return { status: 'blocked', message: decision.reason };
  }
  const planned = [decision.step, ...decision.upcoming];
  const view: ProcedureView = { title: def.title, status: 'plan', message: def.description, steps: planned.map((s) => stepView(s, 'planned')) };
  services.procedures.set(name, view);
  await services.showClusterPanel(name);

  const planText = planned.map((s) => `${s.index + 1}. ${s.title} — on ${s.host}${s.changesCluster ? ' (changes the cluster)' : ''}\n    ${shownCommand(s)}`).join('\n');
  const start = 'Start';
  const go = confirmationOverride ? start : await vscode.window.showInformationMessage(`${def.title} on ${name}`, {
    modal: true,
    detail: `${def.description}\n\nFrom the state observed now, the steps are:\n\n${planText}\n\nYou will be asked again before each step that changes the cluster. Each step is planned again from a fresh observation.`,
  }, start);
  if (go !== start) {
    view.status = 'declined';
    view.message = 'Not started: nothing was changed.';
    services.updateClusterPanel(name);
    return { status: 'plan-declined', message: view.message };
  }

  // 2. The run.
  const terminal = new StepTerminal(`Greenplum: ${name} — ${def.title}`);
  lastTerminals.set(name, terminal);
  terminal.terminal.show(true);
  terminal.heading(`${def.title} on ${name}`);
  view.status = 'running';
  view.message = 'Running…';
  services.updateStatusBar();
  services.updateClusterPanel(name);
  const find = (step: PlannedStep): StepView => {
    let v = view.steps.find((x) => x.index === step.index);
    if (!v) {
      v = stepView(step, 'pending');
      view.steps.push(v);
      view.steps.sort((a, b) => a.index - b.index);
    }
    // The step as planned now (hosts and command from the fresh observation) replaces the earlier plan.
    Object.assign(v, { title: step.title, host: step.host, command: shownCommand(step), changesCluster: step.changesCluster });
    return v;
  };
  const history = new HistoryFile(historyPathFor(journal.path));
  const recordHistory = (e: RunEvent): void => {
    try {
      if (e.type === 'observed') history.recordObservation(e.state);
      if (e.type === 'run-finished') history.recordRun({ ts: new Date().toISOString(), cluster: name, procedure, runId: e.result.runId, status: e.result.status, message: e.result.message });
    } catch (error) {
      services.output.warn(`history: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  let pendingPanelUpdate: NodeJS.Timeout | undefined;
  const refreshPanel = (): void => {
    // Output arrives in many small chunks; the panel is updated at most a few times a second.
    pendingPanelUpdate ??= setTimeout(() => { pendingPanelUpdate = undefined; services.updateClusterPanel(name); }, 250);
  };
  const onEvent = (e: RunEvent): void => {
    switch (e.type) {
      case 'observed': {
        const prev = services.clusters.get(name)?.result;
        services.clusters.record(name, { ...(prev ?? { gpstateF: null, gpstateB: null, raw: { gpstateF: null, gpstateB: null } }), state: e.state });
        break;
      }
      case 'step': {
        const v = find(e.step);
        v.status = e.status;
        v.message = e.message ?? v.message;
        if (e.status === 'running') {
          terminal.heading(vscode.l10n.t('[{0}/{1}] {2} — on {3}', e.step.index + 1, e.step.total, e.step.title, e.step.host));
          terminal.command(e.step.host, shownCommand(e.step));
        } else if (e.status === 'succeeded') terminal.ok(`${e.step.title}: ${e.message ?? 'done'}`);
        else if (e.status === 'failed' || e.status === 'refused') terminal.fail(`${e.step.title}: ${e.message ?? 'failed'}`);
        else if (e.status === 'unknown' || e.status === 'needs-attention') terminal.warn(`${e.step.title}: ${e.message ?? e.status}`);
        else if (e.status === 'skipped') terminal.warn(`${e.step.title}: skipped (${e.message ?? 'declined'})`);
        services.updateClusterPanel(name);
        break;
      }
      case 'guard':
        if (!e.ok) terminal.fail(`check before "${e.step.title}": ${e.guard.description}: ${e.message}`);
        break;
      case 'output': {
        // The terminal shows the PTY's output itself; the panel gets the same text through the run's events.
        const v = find(e.step);
        v.output = (v.output + e.chunk).slice(-OUTPUT_LIMIT);
        refreshPanel();
        break;
      }
      case 'note':
        terminal.warn(e.text);
        break;
      default:
        break;
    }
  };

  // Cancel on the progress notification or Ctrl+C in the run's terminal: a step command running in the terminal is
  // interrupted (the engine then records it as unknown, re-observes the cluster and runs no further step); between
  // commands (guards, observations, a confirmation) the run stops before its next step.
  const abort = new AbortController();
  terminal.onInterrupt = () => abort.abort();
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${def.title} on ${name}`, cancellable: true }, (progress, token) => {
    token.onCancellationRequested(() => {
      if (!terminal.interrupt()) abort.abort();
    });
    return runProcedure({
      procedure,
      cluster,
      executor,
      journalPath: journal.path,
      planOptions,
      signal: abort.signal,
      confirm: async (step) => {
        progress.report({ message: `waiting for your confirmation: ${step.title} on ${step.host}` });
        const ok = await (confirmationOverride ?? confirmStep)(step);
        progress.report({ message: ok ? `${step.title} on ${step.host}…` : 'stopping' });
        return ok;
      },
      onEvent: (e) => {
        recordHistory(e);
        if (e.type === 'step' && e.status === 'running') progress.report({ message: `step ${e.step.index + 1} of ${e.step.total}: ${e.step.title} on ${e.step.host}` });
        onEvent(e);
      },
      audit: (record) => {
        void services.audit.append(record).catch((error: unknown) => services.output.error(`audit log: ${error instanceof Error ? error.message : String(error)}`));
        services.output.info(`[audit] ${record.user} ${record.kind} on ${record.host}: ${record.command} → ${record.exitCode ?? record.error ?? 'unknown'} (${record.durationMs} ms)`);
      },
      pollIntervalMs: 1000,
      runStepCommand: async (host, command, options) => {
        const r = await terminal.runStep(executor, host, command, options);
        const status = r.exitCode !== null ? vscode.l10n.t('exit status {0}', r.exitCode) : vscode.l10n.t('ended by signal {0}', r.signal ?? '?');
        terminal.endLine();
        terminal.line(`${status} · ${(r.durationMs / 1000).toFixed(1)} s`);
        return r;
      },
    });
  });
  if (pendingPanelUpdate) clearTimeout(pendingPanelUpdate);
  terminal.onInterrupt = undefined;

  // 3. The end: a clear final state, from a final observation with gpstate.
  view.status = result.status === 'done' ? 'done' : result.status;
  view.message = result.message;
  (result.status === 'done' ? terminal.ok : terminal.warn).call(terminal, `${def.title}: ${result.status} — ${result.message}`);
  services.updateClusterPanel(name);
  await services.clusters.check(loaded);
  services.updateStatusBar();
  const say = result.status === 'done' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  void say(`${def.title} on ${name}: ${result.status}. ${result.message}`, 'Show Status Panel').then((c) => {
    if (c) void services.showClusterPanel(name);
  });
  return { status: result.status, message: result.message, result };
}

/**
 * The last run of the cluster, when it was interrupted: it never finished (window reloaded, VS Code closed), or it
 * ended with its last step's outcome unknown (connection lost, timeout) or cancelled.
 */
export function interruptedRun(services: Services, cluster: string): { procedure: ProcedureId; runId: string; lastStep?: string } | undefined {
  const entries = new JournalFile(journalPath(services, cluster)).read(cluster);
  const open = [...entries].reverse().find((e) => e.type === 'run-started');
  if (!open) return undefined;
  const finish = entries.find((e) => e.runId === open.runId && e.type === 'run-finished');
  if (finish && finish.status !== 'unknown' && finish.status !== 'cancelled') return undefined;
  const last = [...entries].reverse().find((e) => e.runId === open.runId && e.type === 'step-started');
  return { procedure: open.procedure, runId: open.runId, ...(last?.stepId ? { lastStep: `${last.stepId} on ${last.host ?? '?'}` } : {}) };
}

export async function checkAndOffer(services: Services, loaded: LoadedCluster): Promise<void> {
  const open = interruptedRun(services, loaded.cluster.name);
  if (!open || services.procedures.get(loaded.cluster.name)?.status === 'running') return;
  const def = PROCEDURES[open.procedure];
  const resume = 'Resume from the Observed State';
  const choice = await vscode.window.showWarningMessage(
    `"${def.title}" on ${loaded.cluster.name} was interrupted${open.lastStep ? ` (last step started: ${open.lastStep})` : ''}. Resuming plans the next step from what the cluster shows now, not from memory.`,
    resume);
  if (choice === resume) await runProcedureUi(services, loaded, open.procedure);
}


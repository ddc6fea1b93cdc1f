// The extension's side of one procedure run (the engine session's UI port): the plan in the panel and a modal, a
// modal before each step that changes the cluster, each step's command in an integrated terminal on a PTY channel,
// the panel's stepper following the run's events, progress and cancel in a notification, audit lines in the log.
import * as vscode from 'vscode';
import { PROCEDURES } from '../../core/procedures/definitions';
import type { PlannedStep, ProcedureId } from '../../core/procedures/types';
import { shownCommand } from '../../engine/format';
import type { ProcedureUi, SessionEvent, StepPlan } from '../../engine/procedure-session';
import type { ExecOptions, ExecResult, HostTarget, RemoteExecutor } from '../../ssh/types';
import type { ProcedureView, StepView } from '../panel/protocol';
import type { Services } from '../services';
import { approvePlanModal, confirmStepModal } from './confirmations';
import { StepTerminal } from './step-terminal';

const OUTPUT_LIMIT = 64 * 1024;

export type StepConfirmer = (step: PlannedStep) => Promise<boolean>;

function stepView(step: PlannedStep, status: StepView['status']): StepView {
  return {
    index: step.index,
    title: step.title,
    host: step.host,
    command: shownCommand(step),
    changesCluster: step.changesCluster,
    status,
    message: '',
    output: '',
  };
}

export class ProcedureRun implements ProcedureUi {
  readonly abort = new AbortController();
  readonly view: ProcedureView;
  private terminal: StepTerminal | undefined;
  private progress: vscode.Progress<{ message?: string }> | undefined;
  private pendingPanelUpdate: NodeJS.Timeout | undefined;
  private readonly title: string;

  /** `answer` replaces both modals (the plan's and the steps'), for tests. */
  constructor(
    private readonly services: Services,
    private readonly cluster: string,
    procedure: ProcedureId,
    private readonly answer: StepConfirmer | undefined,
    private readonly onTerminal: (t: StepTerminal) => void,
    private readonly onEvent?: (e: SessionEvent) => void,
  ) {
    const def = PROCEDURES[procedure];
    this.title = def.title;
    this.view = { title: def.title, status: 'plan', message: def.description, steps: [] };
  }

  async approvePlan(plan: StepPlan): Promise<boolean> {
    this.view.steps = [plan.decision.step, ...plan.decision.upcoming].map(s => stepView(s, 'planned'));
    this.services.procedures.set(this.cluster, this.view);
    await this.services.showClusterPanel(this.cluster);
    const go = this.answer ? true : await approvePlanModal(plan, this.cluster);
    if (!go) {
      this.view.status = 'declined';
      this.view.message = 'Not started: nothing was changed.';
      this.services.updateClusterPanel(this.cluster);
    }
    return go;
  }

  async confirmStep(step: PlannedStep): Promise<boolean> {
    this.progress?.report({ message: `waiting for your confirmation: ${step.title} on ${step.host}` });
    const ok = await (this.answer ?? confirmStepModal)(step);
    this.progress?.report({ message: ok ? `${step.title} on ${step.host}…` : 'stopping' });
    return ok;
  }

  readonly runStep = async (
    executor: RemoteExecutor,
    host: HostTarget,
    command: string,
    options: ExecOptions,
  ): Promise<ExecResult> => {
    const terminal = this.openTerminal();
    const r = await terminal.runStep(executor, host, command, options);
    const status =
      r.exitCode !== null
        ? vscode.l10n.t('exit status {0}', r.exitCode)
        : vscode.l10n.t('ended by signal {0}', r.signal ?? '?');
    terminal.endLine();
    terminal.line(`${status} · ${(r.durationMs / 1000).toFixed(1)} s`);
    return r;
  };

  during<T>(phase: 'observe' | 'run', work: () => Promise<T>): Promise<T> {
    if (phase === 'observe') {
      return Promise.resolve(
        vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `Observing ${this.cluster} to plan "${this.title}"…`,
          },
          work,
        ),
      );
    }
    const terminal = this.openTerminal();
    this.view.status = 'running';
    this.view.message = 'Running…';
    this.services.updateStatusBar();
    this.services.updateClusterPanel(this.cluster);
    // Cancel on the progress notification or Ctrl+C in the run's terminal: a step command running in the terminal
    // is interrupted (the engine then records it as unknown, re-observes the cluster and runs no further step);
    // between commands (guards, observations, a confirmation) the run stops before its next step.
    terminal.onInterrupt = () => this.abort.abort();
    const running = vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${this.title} on ${this.cluster}`, cancellable: true },
      (progress, token) => {
        this.progress = progress;
        token.onCancellationRequested(() => {
          if (!terminal.interrupt()) this.abort.abort();
        });
        return work();
      },
    );
    return Promise.resolve(running).finally(() => {
      if (this.pendingPanelUpdate) clearTimeout(this.pendingPanelUpdate);
      terminal.onInterrupt = undefined;
      this.progress = undefined;
    });
  }

  report(e: SessionEvent): void {
    this.onEvent?.(e);
    switch (e.type) {
      case 'observed':
        this.services.clusters.recordState(this.cluster, e.state);
        break;
      case 'step':
        this.onStep(e.step, e.status, e.message);
        break;
      case 'guard':
        if (!e.ok) this.terminal?.fail(`check before "${e.step.title}": ${e.guard.description}: ${e.message}`);
        break;
      case 'output': {
        // The terminal shows the PTY's output itself; the panel gets the same text through the run's events.
        const v = this.find(e.step);
        v.output = (v.output + e.chunk).slice(-OUTPUT_LIMIT);
        this.refreshPanel();
        break;
      }
      case 'note':
        this.terminal?.warn(e.text);
        break;
      case 'audit': {
        const r = e.record;
        if (e.error) this.services.output.error(`audit log: ${e.error}`);
        this.services.output.info(
          `[audit] ${r.user} ${r.kind} on ${r.host}: ${r.command} → ${r.exitCode ?? r.error ?? 'unknown'} (${r.durationMs} ms)`,
        );
        break;
      }
      default:
        break;
    }
  }

  /** The end of the run, in the terminal. */
  finish(status: string, message: string): void {
    if (status === 'done') this.terminal?.ok(`${this.title}: ${status} — ${message}`);
    else this.terminal?.warn(`${this.title}: ${status} — ${message}`);
  }

  private openTerminal(): StepTerminal {
    if (this.terminal) return this.terminal;
    const terminal = new StepTerminal(`Greenplum: ${this.cluster} — ${this.title}`);
    this.terminal = terminal;
    this.onTerminal(terminal);
    terminal.terminal.show(true);
    terminal.heading(`${this.title} on ${this.cluster}`);
    return terminal;
  }

  private onStep(step: PlannedStep, status: StepView['status'], message: string | undefined): void {
    const v = this.find(step);
    v.status = status;
    v.message = message ?? v.message;
    const terminal = this.terminal;
    if (status === 'running') {
      this.progress?.report({ message: `step ${step.index + 1} of ${step.total}: ${step.title} on ${step.host}` });
      terminal?.heading(vscode.l10n.t('[{0}/{1}] {2} — on {3}', step.index + 1, step.total, step.title, step.host));
      terminal?.command(step.host, shownCommand(step));
    } else if (status === 'succeeded') terminal?.ok(`${step.title}: ${message ?? 'done'}`);
    else if (status === 'failed' || status === 'refused') terminal?.fail(`${step.title}: ${message ?? 'failed'}`);
    else if (status === 'unknown' || status === 'needs-attention')
      terminal?.warn(`${step.title}: ${message ?? status}`);
    else if (status === 'skipped') terminal?.warn(`${step.title}: skipped (${message ?? 'declined'})`);
    this.services.updateClusterPanel(this.cluster);
  }

  /** The step's row in the stepper, updated to the step as planned now (hosts and command from the fresh observation). */
  private find(step: PlannedStep): StepView {
    let v = this.view.steps.find(x => x.index === step.index);
    if (!v) {
      v = stepView(step, 'pending');
      this.view.steps.push(v);
      this.view.steps.sort((a, b) => a.index - b.index);
    }
    Object.assign(v, {
      title: step.title,
      host: step.host,
      command: shownCommand(step),
      changesCluster: step.changesCluster,
    });
    return v;
  }

  private refreshPanel(): void {
    // Output arrives in many small chunks; the panel is updated at most a few times a second.
    this.pendingPanelUpdate ??= setTimeout(() => {
      this.pendingPanelUpdate = undefined;
      this.services.updateClusterPanel(this.cluster);
    }, 250);
  }
}

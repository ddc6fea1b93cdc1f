// The engine's one session with a cluster, for every front end (the CLI, the extension): observe it, preview a
// procedure's plan (observe → read the journal → plan), run the procedure, dry-run it (the plan and every guard
// checked on the hosts, nothing changed), and tell whether its last run was interrupted. It knows where the journal
// and the audit log are and writes both. What is shown and asked goes through a UI port; commands go through a
// RemoteExecutor. A procedure is data (core/procedures/definitions.ts): adding one needs no change here.
import { planNext } from '../core/planner';
import { PROCEDURES } from '../core/procedures/definitions';
import type { PlanDecision } from '../core/planner';
import type { PlanOptions } from '../core/lifecycle-planner';
import type { ResolvedCluster } from '../core/inventory';
import type { JournalEntry } from '../core/procedures/journal';
import type { PlannedStep, ProcedureId } from '../core/procedures/types';
import type { ClusterState } from '../core/state';
import type { ExecOptions, ExecResult, HostTarget, RemoteExecutor } from '../ssh/types';
import { appendAuditEntry, auditRecord, localUser } from './audit';
import type { AuditRecord } from './audit';
import { interruptedRun, JournalFile } from './journal';
import type { InterruptedRun } from './journal';
import type { StateLocations } from './locations';
import { observe, observeWithGpstate } from './observe';
import type { GpstateObservation, ObserveOptions } from './observe';
import { dryRun } from './dry-run';
import type { DryRunResult } from './dry-run';
import { runProcedure } from './runner';
import { acquireRunLock } from './run-lock';
import { inFlightBlock } from './in-flight';
import type { RunEvent, RunResult, RunStatus } from './runner';

/** What a call may carry: a signal that cancels it, and the DBA's choices for the planner (fencing, -f, a host). */
export interface RunRequest {
  signal?: AbortSignal;
  planOptions?: PlanOptions;
}

/** The plan of a procedure from a fresh observation and the journal. */
export interface PlanPreview {
  procedure: ProcedureId;
  state: ClusterState;
  decision: PlanDecision;
}

/** A preview whose plan has a next step. */
export type StepPlan = PlanPreview & { decision: Extract<PlanDecision, { kind: 'step' }> };

/** Everything the session reports: the run's events, and each audit record as it is written. */
export type SessionEvent = RunEvent | { type: 'audit'; record: AuditRecord; error?: string };

/**
 * Runs a step's command (not the guards or observations) somewhere the user sees it, e.g. a terminal on a PTY
 * channel of `executor.openShell`. It passes output to options.onStdout, honours options.signal and timeoutMs, and
 * rejects with RemoteExecError when the outcome is unknown (connection lost, timeout, cancelled).
 */
export type StepRunner = (
  executor: RemoteExecutor,
  host: HostTarget,
  command: string,
  options: ExecOptions,
  step: PlannedStep,
) => Promise<ExecResult>;

/** What a front end provides to run a procedure's steps: how each is put to the user, and what is shown. */
export interface StepUi {
  /** Asked before every step that changes the cluster; false stops the run there (nothing more is changed). */
  confirmStep(step: PlannedStep): Promise<boolean>;
  /** Runs each step's command; default: the executor's exec, with output in the run's events. */
  runStep?: StepRunner;
  report(event: SessionEvent): void;
  /** Asked when the run lock's holder looks gone; true takes it over. Without it such a lock is refused. */
  confirmLockTakeOver?(question: string): Promise<boolean>;
  /** Wraps a phase of the work, e.g. in a progress notification. */
  during?<T>(phase: 'observe' | 'run', work: () => Promise<T>): Promise<T>;
}

/** A front end that shows the plan first and starts the run only when it is approved (the extension). */
export interface ProcedureUi extends StepUi {
  /** Shown the steps as planned from a fresh observation; false ends before anything runs. */
  approvePlan(plan: StepPlan): Promise<boolean>;
}

export type ProcedureStatus = RunStatus | 'plan-declined' | 'done-already';

export interface ProcedureOutcome {
  status: ProcedureStatus;
  message: string;
  /** The plan shown for approval (when one was made). */
  preview?: PlanPreview;
  /** The run, when one started. */
  result?: RunResult;
}

export interface SessionOptions {
  cluster: ResolvedCluster;
  executor: RemoteExecutor;
  locations: StateLocations;
  /** Who runs procedures, for the journal and the audit. Default: the local user name. */
  user?: string;
  observe?: ObserveOptions;
  /** Pause between re-observations while waiting for a verification. Default 2 s. */
  pollIntervalMs?: number;
  /** How long to wait for a synchronized standby before the swap's gpstop. Default 15 s. */
  syncWaitMs?: number;
  now?: () => Date;
  /** Take the run lock on the hosts for each run (default true; off only for tests of a scripted executor). */
  runLock?: boolean;
}

export class ProcedureSession {
  readonly cluster: ResolvedCluster;
  readonly executor: RemoteExecutor;
  readonly locations: StateLocations;

  constructor(private readonly o: SessionOptions) {
    this.cluster = o.cluster;
    this.executor = o.executor;
    this.locations = o.locations;
  }

  get journalPath(): string {
    return this.locations.journalPath(this.cluster.name);
  }

  /** This cluster's journal entries (every run of every procedure). */
  journal(): JournalEntry[] {
    return new JournalFile(this.journalPath).read(this.cluster.name);
  }

  /** The routine observation: one probe per host. */
  observe(o: ObserveOptions = {}): Promise<ClusterState> {
    return observe(this.cluster, this.executor, this.observeOptions(o));
  }

  /** The observation plus gpstate -f and -b on the active coordinator. */
  observeWithGpstate(o: ObserveOptions = {}): Promise<GpstateObservation> {
    return observeWithGpstate(this.cluster, this.executor, this.observeOptions(o));
  }

  /** What the procedure would do from the state observed now and what its journal says it did. */
  async preview(procedure: ProcedureId, o: RunRequest = {}): Promise<PlanPreview> {
    const state = await this.observe(o.signal ? { signal: o.signal } : {});
    const decision = planNext({
      procedure,
      cluster: this.cluster,
      state,
      journal: this.journal(),
      now: this.now(),
      ...(o.planOptions ? { options: o.planOptions } : {}),
    });
    return { procedure, state, decision };
  }

  /**
   * The plan, then every guard of every planned step checked on the hosts now (audited); nothing is changed. Guards
   * of later steps are judged on today's state, before the earlier steps ran, so they may fail where a run would not.
   */
  dryRun(procedure: ProcedureId, o: RunRequest = {}): Promise<DryRunResult> {
    const user = this.user();
    return dryRun({
      procedure,
      cluster: this.cluster,
      executor: this.executor,
      journal: this.journal(),
      ...(o.planOptions ? { planOptions: o.planOptions } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(this.o.observe ? { observe: this.o.observe } : {}),
      ...(this.o.now ? { now: this.o.now } : {}),
      audit: (step, host, started, r, error) =>
        this.writeAudit(
          auditRecord(
            { user, cluster: this.cluster.name, procedure },
            { stepId: step.id, kind: 'guard', host, command: `guards of ${step.id}` },
            started,
            this.now(),
            { exitCode: r?.exitCode ?? null, ...(error ? { error } : {}) },
          ),
        ),
    });
  }

  /**
   * The plan from a fresh observation, put to the UI for approval; when it is approved (and the procedure is
   * neither done nor blocked), the run (runSteps). Nothing runs otherwise.
   */
  async run(procedure: ProcedureId, ui: ProcedureUi, o: RunRequest = {}): Promise<ProcedureOutcome> {
    const preview = await (ui.during
      ? ui.during('observe', () => this.preview(procedure, o))
      : this.preview(procedure, o));
    ui.report({ type: 'observed', state: preview.state });
    const { decision } = preview;
    if (decision.kind === 'done') return { status: 'done-already', message: decision.message, preview };
    if (decision.kind === 'blocked') return { status: 'blocked', message: decision.reason, preview };
    if (!(await ui.approvePlan({ ...preview, decision })))
      return { status: 'plan-declined', message: 'Not started: nothing was changed.', preview };
    const result = await this.runSteps(procedure, ui, o);
    return { status: result.status, message: result.message, preview, result };
  }

  /**
   * Runs the procedure step by step: each step planned from a fresh observation and the journal, confirmed when it
   * changes the cluster, its guards checked on the hosts right before it, run, verified; all journaled and audited.
   */
  runSteps(procedure: ProcedureId, ui: StepUi, o: RunRequest = {}): Promise<RunResult> {
    const work = (): Promise<RunResult> =>
      this.underRunLock(procedure, ui, o.signal, () => this.runUnlocked(procedure, ui, o));
    return ui.during ? ui.during('run', work) : work();
  }

  /**
   * Runs `work` holding the run lock on the cluster's hosts (one operator at a time), released at the end whatever
   * happens; when another run holds it, nothing runs and the result is blocked, naming the holder.
   */
  private async underRunLock(
    procedure: ProcedureId,
    ui: StepUi,
    signal: AbortSignal | undefined,
    work: () => Promise<RunResult>,
  ): Promise<RunResult> {
    // A procedure that changes nothing (check) takes no lock: it cannot get in another run's way.
    if (this.o.runLock === false || !PROCEDURES[procedure].steps.some(s => s.changesCluster)) return work();
    const taken = await acquireRunLock({
      cluster: this.cluster,
      executor: this.executor,
      procedure,
      user: this.user(),
      ...(ui.confirmLockTakeOver ? { confirmTakeOver: (q: string) => ui.confirmLockTakeOver!(q) } : {}),
      onNote: text => ui.report({ type: 'note', text }),
      ...(this.o.now ? { now: this.o.now } : {}),
    });
    if (!taken.ok) return this.notStarted(procedure, ui, taken.message);
    try {
      // What a killed run left running (gpinitstandby's pg_basebackup, say) must end before anything is planned.
      const busy = await inFlightBlock(this.cluster, this.executor, this.journal(), signal);
      return busy ? this.notStarted(procedure, ui, busy) : await work();
    } finally {
      await taken.lock.release();
    }
  }

  private notStarted(procedure: ProcedureId, ui: StepUi, message: string): RunResult {
    const result: RunResult = {
      runId: '',
      procedure,
      cluster: this.cluster.name,
      status: 'blocked',
      message,
      steps: [],
      state: null,
    };
    ui.report({ type: 'run-finished', result });
    return result;
  }

  private runUnlocked(procedure: ProcedureId, ui: StepUi, o: RunRequest): Promise<RunResult> {
    const runStep = ui.runStep;
    return runProcedure({
      procedure,
      cluster: this.cluster,
      executor: this.executor,
      journalPath: this.journalPath,
      user: this.user(),
      confirm: step => ui.confirmStep(step),
      onEvent: e => ui.report(e),
      audit: record => this.writeAudit(record, ui),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.planOptions ? { planOptions: o.planOptions } : {}),
      ...(this.o.observe ? { observe: this.o.observe } : {}),
      ...(this.o.pollIntervalMs !== undefined ? { pollIntervalMs: this.o.pollIntervalMs } : {}),
      ...(this.o.syncWaitMs !== undefined ? { syncWaitMs: this.o.syncWaitMs } : {}),
      ...(this.o.now ? { now: this.o.now } : {}),
      ...(runStep
        ? {
            runStepCommand: (host: HostTarget, command: string, options: ExecOptions, step: PlannedStep) =>
              runStep(this.executor, host, command, options, step),
          }
        : {}),
    });
  }

  /** The cluster's last run, when it never finished or ended unknown or cancelled. */
  interruptedRun(): InterruptedRun | undefined {
    return interruptedRun(this.journal(), this.cluster.name);
  }

  /** Appends to the audit log; a record that cannot be written is reported, and the run goes on. */
  private writeAudit(record: AuditRecord, ui?: StepUi): void {
    let error: string | undefined;
    try {
      appendAuditEntry(this.locations.auditPath(), record);
    } catch (e) {
      error = `the audit log ${this.locations.auditPath()} could not be written: ${e instanceof Error ? e.message : String(e)}`;
    }
    ui?.report({ type: 'audit', record, ...(error ? { error } : {}) });
  }

  private observeOptions(o: ObserveOptions): ObserveOptions {
    return { ...this.o.observe, ...o };
  }

  private now(): Date {
    return this.o.now ? this.o.now() : new Date();
  }

  private user(): string {
    return this.o.user ?? localUser();
  }
}

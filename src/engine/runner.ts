// The runner: executes a procedure step by step on the hosts. Before every step it observes the cluster afresh,
// asks the planner, asks the user (for steps that change the cluster), checks the step's guards on a state and on
// the hosts as they are at that moment, runs the command with its output streamed, then re-observes to verify.
// Every step is journaled; a step whose outcome is unknown is re-observed and the run stops there, resumable.
import { randomBytes } from 'node:crypto';
import { parseOutput } from '../core/parsers';
import { planNext } from '../core/planner';
import { judgeVerification } from '../core/procedures/guards';
import type { JournalEntry, StepStatus } from '../core/procedures/journal';
import type { PlannedStep } from '../core/procedures/types';
import type { ClusterState } from '../core/state';
import { RemoteExecError } from '../ssh/types';
import type { ExecOptions, ExecResult } from '../ssh/types';
import { auditRecord, localUser } from './audit';
import type { AuditOutcome, AuditRecord } from './audit';
import { evaluateGuards } from './guard-check';
import { JournalFile } from './journal';
import { commandFor, describeExecError, hostTarget, observe } from './observe';
import { adviceFor, changeHappenedDespiteExit } from './outcomes';
import type { RunEvent, RunOptions, RunResult, RunStatus, StepRecord } from './run-types';
import { sleep } from './sleep';
import { combinedOutput, harmlessNotes, parsedForVerify } from './step-output';

export type { AuditRecord } from './audit';
export type { RunEvent, RunOptions, RunResult, RunStatus, StepRecord } from './run-types';

/** Runs the procedure to its end, a refusal, a decline, a failure or an unknown outcome. */
export function runProcedure(o: RunOptions): Promise<RunResult> {
  return new ProcedureRun(o).run();
}

type JournalFields = Omit<JournalEntry, 'ts' | 'runId' | 'cluster' | 'procedure' | 'user'>;

/** The errors that mean the command never reached the host: nothing changed. */
const NOT_STARTED = new Set(['connect-failed', 'auth-failed', 'host-key-unknown', 'host-key-changed']);

// Each step runs at most once per run; a procedure has at most 6 steps.
const MAX_ITERATIONS = 10;

class ProcedureRun {
  private readonly now: () => Date;
  private readonly journal: JournalFile;
  private readonly runId: string;
  private readonly user: string;
  private readonly poll: number;
  private readonly records: StepRecord[] = [];
  private lastState: ClusterState | null = null;

  constructor(private readonly o: RunOptions) {
    this.now = o.now ?? (() => new Date());
    this.journal = new JournalFile(o.journalPath);
    this.runId = `${this.now().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
    this.user = o.user ?? localUser();
    this.poll = o.pollIntervalMs ?? 2000;
  }

  async run(): Promise<RunResult> {
    this.write({ type: 'run-started' });
    this.emit({ type: 'run-started', runId: this.runId, procedure: this.o.procedure, cluster: this.o.cluster.name });
    for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      const result = await this.nextStep();
      if (result) return result;
    }
    return this.finish('needs-attention', 'the procedure did not finish within its number of steps; check the cluster');
  }

  /** Observes, plans and runs one step; a result when the run ends here, null to go on. */
  private async nextStep(): Promise<RunResult | null> {
    const cancelled = 'cancelled before the next step; nothing is running';
    if (this.o.signal?.aborted) return this.finish('cancelled', cancelled);
    const state = await this.look();
    if (this.o.signal?.aborted) return this.finish('cancelled', cancelled);
    const decision = planNext({
      procedure: this.o.procedure,
      cluster: this.o.cluster,
      state,
      journal: this.journal.read(this.o.cluster.name),
      runId: this.runId,
      now: this.now(),
      ...(this.o.planOptions ? { options: this.o.planOptions } : {}),
    });
    this.emit({ type: 'plan', decision });
    if (decision.kind === 'done') return this.finish('done', decision.message);
    if (decision.kind === 'blocked') return this.finish('blocked', decision.reason);
    const step = decision.step;
    if (this.records.some(r => r.step.id === step.id && r.step.host === step.host && r.status === 'succeeded')) {
      return this.finish(
        'needs-attention',
        `${step.title} on ${step.host} already succeeded in this run, yet the observed state still calls for it (situation ${state.situation}). Check the cluster; nothing more was run.`,
      );
    }
    this.emit({ type: 'step', step, status: 'pending' });
    if (step.changesCluster && !(await this.o.confirm(step))) {
      this.stopBeforeStep(step, 'skipped', 'declined', 'declined by the user');
      return this.finish(
        'declined',
        `Stopped before "${step.title}" on ${step.host}: declined. Nothing was changed by this step.`,
      );
    }
    // Guards, on the state and the hosts as they are now (the confirmation may have taken minutes).
    const refusal = await this.checkGuards(step);
    if (refusal) {
      this.stopBeforeStep(step, 'refused', refusal, refusal);
      return this.finish('refused', `Refused "${step.title}" on ${step.host}: ${refusal}`);
    }
    return this.runStep(step);
  }

  /** Runs the step's command and judges it: by its exit status, then by verification on the hosts. */
  private async runStep(step: PlannedStep): Promise<RunResult | null> {
    this.write({ type: 'step-started', stepId: step.id, host: step.host, command: step.command });
    this.emit({ type: 'step', step, status: 'running' });
    const t0 = Date.now();
    let result: ExecResult;
    try {
      const opts: ExecOptions = {
        timeoutMs: step.timeoutMs,
        onStdout: chunk => this.emit({ type: 'output', step, stream: 'stdout', chunk }),
        onStderr: chunk => this.emit({ type: 'output', step, stream: 'stderr', chunk }),
      };
      if (this.o.signal) opts.signal = this.o.signal;
      result = await this.exec(step, 'step', step.host, step.command, step.env, opts);
    } catch (e) {
      return this.commandDidNotFinish(step, e, t0);
    }
    const output = combinedOutput(result);
    const notes = this.notesFor(step, output, result.exitCode);
    const failedParse =
      result.exitCode !== 0 && step.outputKind
        ? parseOutput(step.outputKind, output, result.exitCode === null ? {} : { exitCode: result.exitCode })
        : null;
    const changedAnyway = failedParse?.recognized === true && changeHappenedDespiteExit(failedParse.result);
    if (changedAnyway) this.emit({ type: 'note', step, text: changedAnyway });
    if (result.exitCode !== 0 && !changedAnyway) return this.commandFailed(step, result, failedParse, notes, t0);
    return this.verify(step, result, output, notes, t0);
  }

  private notesFor(step: PlannedStep, output: string, exitCode: number | null): string[] {
    const notes = harmlessNotes(step, output, exitCode);
    for (const n of notes) this.emit({ type: 'note', step, text: n });
    return notes;
  }

  /** The command threw: either it never reached the host (failed, nothing changed) or its outcome is unknown. */
  private async commandDidNotFinish(step: PlannedStep, e: unknown, t0: number): Promise<RunResult> {
    const why = describeExecError(e);
    if (e instanceof RemoteExecError && NOT_STARTED.has(e.kind)) {
      // The command never reached the host: nothing changed, and saying "failed" is exact.
      const msg = `not run: could not connect to ${step.host} (${why})`;
      this.finishStep(step, 'failed', msg, null, t0, []);
      return this.finish(
        'failed',
        `"${step.title}" on ${step.host} was ${msg}. Fix the connection and run the procedure again.`,
      );
    }
    // Connection lost, timeout, cancellation: the command may or may not have done its work.
    this.finishStep(step, 'unknown', `outcome unknown: ${why}`, null, t0, []);
    const after = await this.reobserveAfterUnknown();
    const status: RunStatus = e instanceof RemoteExecError && e.kind === 'cancelled' ? 'cancelled' : 'unknown';
    return this.finish(
      status,
      `The outcome of "${step.title}" on ${step.host} is unknown (${why}). It was not assumed to have worked or failed; re-observed: ${after ? `situation ${after.situation}, active coordinator ${after.activeCoordinator ?? 'none'}` : 'the cluster could not be observed'}. ` +
        'Run the procedure again to continue from what is observed.',
    );
  }

  /** The command exited non-zero and its output does not show the change happened anyway. */
  private async commandFailed(
    step: PlannedStep,
    result: ExecResult,
    parsed: ReturnType<typeof parseOutput> | null,
    notes: string[],
    t0: number,
  ): Promise<RunResult> {
    const problems = parsed?.recognized ? parsed.result.problems.filter(p => !p.harmless).map(p => p.text) : [];
    const tail = problems.length
      ? problems.slice(-3).join(' / ')
      : (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' / ');
    const msg = `exit status ${String(result.exitCode ?? result.signal)}${tail ? `: ${tail}` : ''}`;
    this.finishStep(step, 'failed', msg, result.exitCode, t0, notes);
    await this.look().catch(() => null);
    const advice = parsed?.recognized ? adviceFor(parsed.result) : undefined;
    return this.finish(
      'failed',
      `"${step.title}" on ${step.host} failed (${msg}). ${advice ? `${advice} ` : ''}${step.onFailure}`,
    );
  }

  /**
   * Re-observes (and for gpstate steps re-reads gpstate) until the step's expectation holds or the wait is over.
   * Only a change of this run is worth waiting for: a read-only step on a cluster this run has not touched answers
   * at once.
   */
  private async verify(
    step: PlannedStep,
    result: ExecResult,
    output: string,
    notes: string[],
    t0: number,
  ): Promise<RunResult | null> {
    let parsed = parsedForVerify(step, output, result.exitCode);
    const changedInThisRun =
      step.changesCluster || this.records.some(r => r.step.changesCluster && r.status === 'succeeded');
    const deadline = Date.now() + (changedInThisRun ? step.verify.waitMs : 0);
    let verdict = judgeVerification(step, await this.look(), parsed);
    while (!verdict.ok && Date.now() < deadline && !this.o.signal?.aborted) {
      await sleep(this.poll, this.o.signal);
      if (step.outputKind === 'gpstate-f' || step.outputKind === 'gpstate-b') parsed = await this.rereadGpstate(step);
      verdict = judgeVerification(step, await this.look(), parsed);
    }
    const status: StepStatus = verdict.ok ? 'succeeded' : 'needs-attention';
    this.finishStep(step, status, verdict.message, result.exitCode, t0, notes);
    if (verdict.ok) return null;
    return this.finish(
      'needs-attention',
      `"${step.title}" on ${step.host} ran (exit 0) but ${step.verify.description} does not hold: ${verdict.message}. ${step.onFailure}`,
    );
  }

  private async rereadGpstate(step: PlannedStep): Promise<ReturnType<typeof parsedForVerify>> {
    try {
      // Re-reads for the verification run quietly, not in the step's terminal.
      const opts = { timeoutMs: step.timeoutMs };
      const again = await this.exec(step, 'step', step.host, step.command, step.env, opts, false);
      return parsedForVerify(step, combinedOutput(again), again.exitCode);
    } catch {
      return undefined;
    }
  }

  private async checkGuards(step: PlannedStep): Promise<string | null> {
    const o = this.o;
    const { verdicts } = await evaluateGuards(
      {
        cluster: o.cluster,
        executor: o.executor,
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.observe ? { observe: o.observe } : {}),
      },
      step,
      {
        syncWaitMs: o.syncWaitMs ?? 15_000,
        pollMs: Math.min(this.poll, 1000),
        onObserved: s => {
          this.lastState = s;
          this.emit({ type: 'observed', state: s });
        },
        onVerdict: v => this.emit({ type: 'guard', step, guard: v.guard, ok: v.ok, message: v.message }),
        audit: (host, started, r, error) =>
          this.audit(step, 'guard', host, started, { exitCode: r?.exitCode ?? null, ...(error ? { error } : {}) }),
      },
    );
    const failed = verdicts.find(v => !v.ok);
    return failed ? `${failed.guard.description}: ${failed.message}` : null;
  }

  private async reobserveAfterUnknown(): Promise<ClusterState | null> {
    // The host may be back in a moment (dropped connection) or not (host down); try a few times.
    for (let i = 0; i < 3; i++) {
      try {
        const s = await this.look(null);
        if (s.hosts.every(h => h.reachable)) return s;
      } catch {
        // keep trying
      }
      await sleep(this.poll);
    }
    return this.lastState;
  }

  // An observation stops with the run's signal, except the one after a cancelled step (reobserveAfterUnknown),
  // which must happen although the run's signal has fired: it takes no signal and ends by the probe's own timeout.
  private async look(signal: AbortSignal | null = this.o.signal ?? null): Promise<ClusterState> {
    const s = await observe(this.o.cluster, this.o.executor, { ...this.o.observe, ...(signal ? { signal } : {}) });
    this.lastState = s;
    this.emit({ type: 'observed', state: s });
    return s;
  }

  private async exec(
    step: PlannedStep,
    kind: 'step' | 'guard',
    host: string,
    script: string,
    env: Record<string, string>,
    opts: ExecOptions,
    inTerminal = true,
  ): Promise<ExecResult> {
    const h = this.o.cluster.hosts.find(x => x.name === host);
    if (!h) throw new Error(`host ${host} is not in cluster ${this.o.cluster.name}`);
    const started = this.now();
    try {
      const line = commandFor(this.o.cluster, script, env);
      const r =
        kind === 'step' && inTerminal && this.o.runStepCommand
          ? await this.o.runStepCommand(hostTarget(h), line, opts, step)
          : await this.o.executor.exec(hostTarget(h), line, opts);
      this.audit(step, kind, host, started, { exitCode: r.exitCode });
      return r;
    } catch (e) {
      this.audit(step, kind, host, started, { exitCode: null, error: describeExecError(e) });
      throw e;
    }
  }

  /** A step stopped before its command ran (declined or refused): recorded and reported, not journaled. */
  private stopBeforeStep(step: PlannedStep, status: StepStatus, recorded: string, reported: string): void {
    this.records.push({ step, status, message: recorded, exitCode: null, durationMs: 0, notes: [] });
    this.emit({ type: 'step', step, status, message: reported });
  }

  /** A step whose command ran (or was tried): recorded, journaled and reported. */
  private finishStep(
    step: PlannedStep,
    status: StepStatus,
    message: string,
    exitCode: number | null,
    t0: number,
    notes: string[],
  ): void {
    this.records.push({ step, status, message, exitCode, durationMs: Date.now() - t0, notes });
    this.write({ type: 'step-finished', stepId: step.id, host: step.host, status, exitCode, message });
    this.emit({ type: 'step', step, status, message });
  }

  private finish(status: RunStatus, message: string): RunResult {
    const result: RunResult = {
      runId: this.runId,
      procedure: this.o.procedure,
      cluster: this.o.cluster.name,
      status,
      message,
      steps: this.records,
      state: this.lastState,
    };
    this.write({ type: 'run-finished', status, message });
    this.emit({ type: 'run-finished', result });
    return result;
  }

  private audit(
    step: PlannedStep,
    kind: AuditRecord['kind'],
    host: string,
    started: Date,
    outcome: AuditOutcome,
  ): void {
    this.o.audit?.(
      auditRecord(
        { user: this.user, cluster: this.o.cluster.name, procedure: this.o.procedure },
        { stepId: step.id, kind, host, command: kind === 'step' ? step.command : `guards of ${step.id}` },
        started,
        this.now(),
        outcome,
      ),
    );
  }

  private emit(e: RunEvent): void {
    this.o.onEvent?.(e);
  }

  private write(e: JournalFields): void {
    this.journal.append({
      ts: this.now().toISOString(),
      runId: this.runId,
      cluster: this.o.cluster.name,
      procedure: this.o.procedure,
      user: this.user,
      ...e,
    });
  }
}

// The runner: executes a procedure step by step on the hosts. Before every step it observes the cluster afresh,
// asks the planner, asks the user (for steps that change the cluster), checks the step's guards on a state and on
// the hosts as they are at that moment, runs the command with its output streamed, then re-observes to verify.
// Every step is journaled; a step whose outcome is unknown is re-observed and the run stops there, resumable.
import { randomBytes } from 'node:crypto';
import { parseOutput } from '../core/parsers';
import { planNext } from '../core/planner';
import type { PlanDecision } from '../core/planner';
import type { PlanOptions } from '../core/lifecycle-planner';
import { judgeRemoteGuards } from '../core/procedures/commands';
import { judgeStateGuard, judgeVerification } from '../core/procedures/guards';
import type { ParsedForVerify } from '../core/procedures/guards';
import type { JournalEntry, StepStatus } from '../core/procedures/journal';
import type { Guard, PlannedStep, ProcedureId, RemoteGuardId } from '../core/procedures/types';
import type { ResolvedCluster } from '../core/inventory';
import type { ClusterState } from '../core/state';
import { RemoteExecError } from '../ssh/types';
import type { ExecOptions, ExecResult, HostTarget, RemoteExecutor } from '../ssh/types';
import { auditRecord, localUser } from './audit';
import type { AuditOutcome, AuditRecord } from './audit';
import { JournalFile } from './journal';
import { checkFinalCheckpoint } from './final-checkpoint-guard';
import { commandFor, describeExecError, hostTarget, observe } from './observe';
import type { ObserveOptions } from './observe';
import { adviceFor, changeHappenedDespiteExit } from './outcomes';

export type RunStatus =
  'done' | 'blocked' | 'refused' | 'declined' | 'failed' | 'unknown' | 'needs-attention' | 'cancelled';

export interface StepRecord {
  step: PlannedStep;
  status: StepStatus;
  message: string;
  exitCode: number | null;
  durationMs: number;
  notes: string[];
}

export interface RunResult {
  runId: string;
  procedure: ProcedureId;
  cluster: string;
  status: RunStatus;
  message: string;
  steps: StepRecord[];
  /** The last observed state. */
  state: ClusterState | null;
}

export type { AuditRecord } from './audit';

export type RunEvent =
  | { type: 'run-started'; runId: string; procedure: ProcedureId; cluster: string }
  | { type: 'observed'; state: ClusterState }
  | { type: 'plan'; decision: PlanDecision }
  | { type: 'step'; step: PlannedStep; status: StepStatus; message?: string }
  | { type: 'guard'; step: PlannedStep; guard: Guard; ok: boolean; message: string }
  | { type: 'output'; step: PlannedStep; stream: 'stdout' | 'stderr'; chunk: string }
  | { type: 'note'; step?: PlannedStep; text: string }
  | { type: 'run-finished'; result: RunResult };

export interface RunOptions {
  procedure: ProcedureId;
  cluster: ResolvedCluster;
  executor: RemoteExecutor;
  /** The DBA's choices for the planner: the typed fencing name, -f, a replacement standby host. */
  planOptions?: PlanOptions;
  /** JSON Lines file of this cluster's runs; read to resume, appended as the run goes. */
  journalPath: string;
  /** Asked before every step that changes the cluster; false stops the run (nothing is changed). */
  confirm: (step: PlannedStep) => Promise<boolean>;
  onEvent?: (event: RunEvent) => void;
  audit?: (record: AuditRecord) => void;
  /** Who runs the procedure, for the journal and the audit. Default: the local user name. */
  user?: string;
  signal?: AbortSignal;
  observe?: ObserveOptions;
  /** Pause between re-observations while waiting for a verification. Default 2 s. */
  pollIntervalMs?: number;
  /** How long to wait for a synchronized standby before the swap's gpstop. Default 15 s. */
  syncWaitMs?: number;
  now?: () => Date;
  /**
   * Runs a step's command (not the guards or observations). Default: the executor's exec. The extension passes one
   * that runs it in a terminal on a PTY channel and resolves with the captured output and exit status; it should pass
   * output to options.onStdout (the run's output events) and honour options.signal and timeoutMs, and it must
   * reject with RemoteExecError when the outcome is unknown (connection lost, timeout, cancelled).
   */
  runStepCommand?: (host: HostTarget, command: string, options: ExecOptions, step: PlannedStep) => Promise<ExecResult>;
}

/** Waits `ms`, or less when `signal` aborts; the abort listener goes with the wait (a poll loop must not pile them up). */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise(resolve => {
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Known harmless lines in the utilities' output, and what they mean. */
export function harmlessNotes(step: PlannedStep, output: string, exitCode: number | null): string[] {
  const notes: string[] = [];
  if (
    step.id === 'init-standby' &&
    /Syncing of (Greenplum Database|Cloudberry Database|CloudberryDB|Greenplum) extensions has failed/i.test(output)
  ) {
    notes.push(
      'gpinitstandby warned that syncing extensions failed: harmless here (it always warns when gppkg has nothing to sync); the standby is judged by observation.',
    );
  }
  if (step.id === 'stop-coordinator' && exitCode === 0 && /\[ERROR\]:-Failed to kill process/.test(output)) {
    notes.push(
      'gpstop printed "Failed to kill process … No such process" and exited 0: a known spurious error — the process had already exited. The stop is judged by observation.',
    );
  }
  return notes;
}

export function parsedForVerify(step: PlannedStep, text: string, exitCode: number | null): ParsedForVerify | undefined {
  if (step.outputKind !== 'gpstate-f' && step.outputKind !== 'gpstate-b') return undefined;
  const p = parseOutput(step.outputKind, text, exitCode === null ? {} : { exitCode });
  if (!p.recognized) return { recognized: false };
  const r = p.result as {
    outcome: string;
    standby?: { status?: string } | null;
    replication?: Array<{ state: string | null }> | null;
    coordinator?: { status: string } | null;
    standbyConfigured?: boolean | null;
  };
  const out: ParsedForVerify = { recognized: true, outcome: r.outcome };
  if (step.outputKind === 'gpstate-f') {
    out.standbyStatus = r.standbyConfigured === false ? null : (r.standby?.status ?? null);
    out.walState = r.replication?.[0]?.state ?? null;
  } else {
    out.coordinatorStatus = r.coordinator?.status ?? null;
    out.standbyConfigured = r.standbyConfigured === true;
  }
  return out;
}

export async function runProcedure(o: RunOptions): Promise<RunResult> {
  const now = o.now ?? (() => new Date());
  const journal = new JournalFile(o.journalPath);
  const runId = `${now().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
  const user = o.user ?? localUser();
  const emit = (e: RunEvent): void => o.onEvent?.(e);
  const records: StepRecord[] = [];
  const poll = o.pollIntervalMs ?? 2000;
  let lastState: ClusterState | null = null;
  const write = (e: Omit<JournalEntry, 'ts' | 'runId' | 'cluster' | 'procedure' | 'user'>): void =>
    journal.append({ ts: now().toISOString(), runId, cluster: o.cluster.name, procedure: o.procedure, user, ...e });

  // An observation stops with the run's signal, except the one after a cancelled step (reobserveAfterUnknown),
  // which must happen although the run's signal has fired: it takes no signal and ends by the probe's own timeout.
  const look = async (signal: AbortSignal | null = o.signal ?? null): Promise<ClusterState> => {
    const s = await observe(o.cluster, o.executor, { ...o.observe, ...(signal ? { signal } : {}) });
    lastState = s;
    emit({ type: 'observed', state: s });
    return s;
  };
  const finish = (status: RunStatus, message: string): RunResult => {
    const result: RunResult = {
      runId,
      procedure: o.procedure,
      cluster: o.cluster.name,
      status,
      message,
      steps: records,
      state: lastState,
    };
    write({ type: 'run-finished', status, message });
    emit({ type: 'run-finished', result });
    return result;
  };
  const audit = (
    step: PlannedStep,
    kind: AuditRecord['kind'],
    host: string,
    started: Date,
    outcome: AuditOutcome,
  ): void =>
    o.audit?.(
      auditRecord(
        { user, cluster: o.cluster.name, procedure: o.procedure },
        { stepId: step.id, kind, host, command: kind === 'step' ? step.command : `guards of ${step.id}` },
        started,
        now(),
        outcome,
      ),
    );
  const exec = async (
    step: PlannedStep,
    kind: 'step' | 'guard',
    host: string,
    script: string,
    env: Record<string, string>,
    opts: ExecOptions,
    inTerminal = true,
  ): Promise<ExecResult> => {
    const h = o.cluster.hosts.find(x => x.name === host);
    if (!h) throw new Error(`host ${host} is not in cluster ${o.cluster.name}`);
    const started = now();
    try {
      const line = commandFor(o.cluster, script, env);
      const r =
        kind === 'step' && inTerminal && o.runStepCommand
          ? await o.runStepCommand(hostTarget(h), line, opts, step)
          : await o.executor.exec(hostTarget(h), line, opts);
      audit(step, kind, host, started, { exitCode: r.exitCode });
      return r;
    } catch (e) {
      audit(step, kind, host, started, { exitCode: null, error: describeExecError(e) });
      throw e;
    }
  };

  write({ type: 'run-started' });
  emit({ type: 'run-started', runId, procedure: o.procedure, cluster: o.cluster.name });

  // Each step runs at most once per run; a procedure has at most 6 steps.
  for (let iteration = 0; iteration < 10; iteration++) {
    if (o.signal?.aborted) return finish('cancelled', 'cancelled before the next step; nothing is running');
    const state = await look();
    if (o.signal?.aborted) return finish('cancelled', 'cancelled before the next step; nothing is running');
    const decision = planNext({
      procedure: o.procedure,
      cluster: o.cluster,
      state,
      journal: journal.read(o.cluster.name),
      runId,
      now: now(),
      ...(o.planOptions ? { options: o.planOptions } : {}),
    });
    emit({ type: 'plan', decision });
    if (decision.kind === 'done') return finish('done', decision.message);
    if (decision.kind === 'blocked') return finish('blocked', decision.reason);
    const step = decision.step;
    if (records.some(r => r.step.id === step.id && r.step.host === step.host && r.status === 'succeeded')) {
      return finish(
        'needs-attention',
        `${step.title} on ${step.host} already succeeded in this run, yet the observed state still calls for it (situation ${state.situation}). Check the cluster; nothing more was run.`,
      );
    }
    emit({ type: 'step', step, status: 'pending' });

    if (step.changesCluster) {
      const ok = await o.confirm(step);
      if (!ok) {
        records.push({ step, status: 'skipped', message: 'declined', exitCode: null, durationMs: 0, notes: [] });
        emit({ type: 'step', step, status: 'skipped', message: 'declined by the user' });
        return finish(
          'declined',
          `Stopped before "${step.title}" on ${step.host}: declined. Nothing was changed by this step.`,
        );
      }
    }

    // Guards, on the state and the hosts as they are now (the confirmation may have taken minutes).
    const refusal = await checkGuards(step);
    if (refusal) {
      records.push({ step, status: 'refused', message: refusal, exitCode: null, durationMs: 0, notes: [] });
      emit({ type: 'step', step, status: 'refused', message: refusal });
      return finish('refused', `Refused "${step.title}" on ${step.host}: ${refusal}`);
    }

    write({ type: 'step-started', stepId: step.id, host: step.host, command: step.command });
    emit({ type: 'step', step, status: 'running' });
    const t0 = Date.now();
    let result: ExecResult;
    try {
      const opts: ExecOptions = {
        timeoutMs: step.timeoutMs,
        onStdout: chunk => emit({ type: 'output', step, stream: 'stdout', chunk }),
        onStderr: chunk => emit({ type: 'output', step, stream: 'stderr', chunk }),
      };
      if (o.signal) opts.signal = o.signal;
      result = await exec(step, 'step', step.host, step.command, step.env, opts);
    } catch (e) {
      const why = describeExecError(e);
      const notStarted =
        e instanceof RemoteExecError &&
        (e.kind === 'connect-failed' ||
          e.kind === 'auth-failed' ||
          e.kind === 'host-key-unknown' ||
          e.kind === 'host-key-changed');
      if (notStarted) {
        // The command never reached the host: nothing changed, and saying "failed" is exact.
        const msg = `not run: could not connect to ${step.host} (${why})`;
        records.push({ step, status: 'failed', message: msg, exitCode: null, durationMs: Date.now() - t0, notes: [] });
        write({
          type: 'step-finished',
          stepId: step.id,
          host: step.host,
          status: 'failed',
          exitCode: null,
          message: msg,
        });
        emit({ type: 'step', step, status: 'failed', message: msg });
        return finish(
          'failed',
          `"${step.title}" on ${step.host} was ${msg}. Fix the connection and run the procedure again.`,
        );
      }
      // Connection lost, timeout, cancellation: the command may or may not have done its work.
      const msg = `outcome unknown: ${why}`;
      records.push({ step, status: 'unknown', message: msg, exitCode: null, durationMs: Date.now() - t0, notes: [] });
      write({
        type: 'step-finished',
        stepId: step.id,
        host: step.host,
        status: 'unknown',
        exitCode: null,
        message: msg,
      });
      emit({ type: 'step', step, status: 'unknown', message: msg });
      const after = await reobserveAfterUnknown();
      const status: RunStatus = e instanceof RemoteExecError && e.kind === 'cancelled' ? 'cancelled' : 'unknown';
      return finish(
        status,
        `The outcome of "${step.title}" on ${step.host} is unknown (${why}). It was not assumed to have worked or failed; re-observed: ${after ? `situation ${after.situation}, active coordinator ${after.activeCoordinator ?? 'none'}` : 'the cluster could not be observed'}. ` +
          'Run the procedure again to continue from what is observed.',
      );
    }

    const output = result.stdout + (result.stderr ? `\n${result.stderr}` : '');
    const notes = harmlessNotes(step, output, result.exitCode);
    for (const n of notes) emit({ type: 'note', step, text: n });
    const failedParse =
      result.exitCode !== 0 && step.outputKind
        ? parseOutput(step.outputKind, output, result.exitCode === null ? {} : { exitCode: result.exitCode })
        : null;
    const changedAnyway = failedParse?.recognized === true && changeHappenedDespiteExit(failedParse.result);
    if (changedAnyway) emit({ type: 'note', step, text: changedAnyway });
    if (result.exitCode !== 0 && !changedAnyway) {
      const parsed = failedParse;
      const problems = parsed?.recognized ? parsed.result.problems.filter(p => !p.harmless).map(p => p.text) : [];
      const tail = problems.length
        ? problems.slice(-3).join(' / ')
        : (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' / ');
      const msg = `exit status ${String(result.exitCode ?? result.signal)}${tail ? `: ${tail}` : ''}`;
      records.push({
        step,
        status: 'failed',
        message: msg,
        exitCode: result.exitCode,
        durationMs: Date.now() - t0,
        notes,
      });
      write({
        type: 'step-finished',
        stepId: step.id,
        host: step.host,
        status: 'failed',
        exitCode: result.exitCode,
        message: msg,
      });
      emit({ type: 'step', step, status: 'failed', message: msg });
      await look().catch(() => null);
      const advice = parsed?.recognized ? adviceFor(parsed.result) : undefined;
      return finish(
        'failed',
        `"${step.title}" on ${step.host} failed (${msg}). ${advice ? `${advice} ` : ''}${step.onFailure}`,
      );
    }

    // Verification: re-observe (and for gpstate steps re-read gpstate) until it holds or the wait is over. Only a
    // change of this run is worth waiting for: a read-only step on a cluster this run has not touched answers at once.
    let parsed = parsedForVerify(step, output, result.exitCode);
    const changedInThisRun =
      step.changesCluster || records.some(r => r.step.changesCluster && r.status === 'succeeded');
    const deadline = Date.now() + (changedInThisRun ? step.verify.waitMs : 0);
    let verdict = judgeVerification(step, await look(), parsed);
    while (!verdict.ok && Date.now() < deadline && !o.signal?.aborted) {
      await sleep(poll, o.signal);
      if (step.outputKind === 'gpstate-f' || step.outputKind === 'gpstate-b') {
        try {
          // Re-reads for the verification run quietly, not in the step's terminal.
          const again = await exec(
            step,
            'step',
            step.host,
            step.command,
            step.env,
            { timeoutMs: step.timeoutMs },
            false,
          );
          parsed = parsedForVerify(step, again.stdout + (again.stderr ? `\n${again.stderr}` : ''), again.exitCode);
        } catch {
          parsed = undefined;
        }
      }
      verdict = judgeVerification(step, await look(), parsed);
    }
    const status: StepStatus = verdict.ok ? 'succeeded' : 'needs-attention';
    records.push({
      step,
      status,
      message: verdict.message,
      exitCode: result.exitCode,
      durationMs: Date.now() - t0,
      notes,
    });
    write({
      type: 'step-finished',
      stepId: step.id,
      host: step.host,
      status,
      exitCode: result.exitCode,
      message: verdict.message,
    });
    emit({ type: 'step', step, status, message: verdict.message });
    if (!verdict.ok) {
      return finish(
        'needs-attention',
        `"${step.title}" on ${step.host} ran (exit 0) but ${step.verify.description} does not hold: ${verdict.message}. ${step.onFailure}`,
      );
    }
  }
  return finish('needs-attention', 'the procedure did not finish within its number of steps; check the cluster');

  async function checkGuards(step: PlannedStep): Promise<string | null> {
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
        pollMs: Math.min(poll, 1000),
        onObserved: s => {
          lastState = s;
          emit({ type: 'observed', state: s });
        },
        onVerdict: v => emit({ type: 'guard', step, guard: v.guard, ok: v.ok, message: v.message }),
        audit: (host, started, r, error) =>
          audit(step, 'guard', host, started, { exitCode: r?.exitCode ?? null, ...(error ? { error } : {}) }),
      },
    );
    const failed = verdicts.find(v => !v.ok);
    return failed ? `${failed.guard.description}: ${failed.message}` : null;
  }

  async function reobserveAfterUnknown(): Promise<ClusterState | null> {
    // The host may be back in a moment (dropped connection) or not (host down); try a few times.
    for (let i = 0; i < 3; i++) {
      try {
        const s = await look(null);
        if (s.hosts.every(h => h.reachable)) return s;
      } catch {
        // keep trying
      }
      await sleep(poll);
    }
    return lastState;
  }
}

export interface GuardVerdict {
  guard: Guard;
  ok: boolean;
  message: string;
}

export interface GuardContext {
  cluster: ResolvedCluster;
  executor: RemoteExecutor;
  signal?: AbortSignal;
  observe?: ObserveOptions;
}

/**
 * Checks every guard of a step now: state guards on a fresh observation, remote guards as one script per host
 * run on that host. Nothing is taken from an earlier observation. All verdicts are returned (state guards first).
 */
export async function evaluateGuards(
  ctx: GuardContext,
  step: PlannedStep,
  opts: {
    syncWaitMs?: number;
    pollMs?: number;
    onObserved?: (s: ClusterState) => void;
    onVerdict?: (v: GuardVerdict) => void;
    audit?: (host: string, started: Date, result: ExecResult | null, error?: string) => void;
  } = {},
): Promise<{ state: ClusterState; verdicts: GuardVerdict[] }> {
  const look = async (): Promise<ClusterState> => {
    const s = await observe(ctx.cluster, ctx.executor, {
      ...ctx.observe,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    opts.onObserved?.(s);
    return s;
  };
  const verdicts: GuardVerdict[] = [];
  const add = (v: GuardVerdict): void => {
    verdicts.push(v);
    opts.onVerdict?.(v);
  };
  let fresh = await look();
  for (const g of step.guards.filter(x => x.kind === 'state')) {
    let j = judgeStateGuard(g, step, fresh);
    // The LSNs of a healthy standby converge within moments; give them that time, then show the numbers.
    const until = Date.now() + (opts.syncWaitMs ?? 15_000);
    while (!j.ok && g.id === 'standby-synchronized' && Date.now() < until && !ctx.signal?.aborted) {
      await sleep(opts.pollMs ?? 1000, ctx.signal);
      fresh = await look();
      j = judgeStateGuard(g, step, fresh);
    }
    add({ guard: g, ok: j.ok, message: j.message });
  }
  for (const g of step.guards.filter(x => x.stoppedHost))
    add({ guard: g, ...(await checkFinalCheckpoint(ctx, g, opts.audit)) });
  const remote = step.guards.filter(x => x.kind === 'remote' && !x.stoppedHost);
  for (const host of [...new Set(remote.map(g => g.host))]) {
    const gs = remote.filter(g => g.host === host);
    const h = ctx.cluster.hosts.find(x => x.name === host);
    const started = new Date();
    try {
      if (!h) throw new Error(`host ${host} is not in cluster ${ctx.cluster.name}`);
      const r = await ctx.executor.exec(
        hostTarget(h),
        commandFor(ctx.cluster, gs.map(g => g.script ?? '').join('\n')),
        { timeoutMs: 30_000, ...(ctx.signal ? { signal: ctx.signal } : {}) },
      );
      opts.audit?.(host, started, r);
      const judged = judgeRemoteGuards(
        gs.map(g => g.id as RemoteGuardId),
        r.stdout,
      );
      for (const g of gs) add({ guard: g, ...judged.get(g.id as RemoteGuardId)! });
    } catch (e) {
      const msg = `the check could not run on ${host}: ${describeExecError(e)}`;
      opts.audit?.(host, started, null, msg);
      for (const g of gs) add({ guard: g, ok: false, message: msg });
    }
  }
  return { state: fresh, verdicts };
}

// A dry run: observe, plan, and check every guard of every planned step on the hosts as they are now — and
// change nothing. The step that would run next is judged exactly as a run would judge it; the later steps are
// judged on today's state too, which the earlier steps would change (so their refusals are expected, and said so).
import { planNext } from '../core/planner';
import type { PlanDecision } from '../core/planner';
import type { PlanOptions } from '../core/lifecycle-planner';
import type { JournalEntry } from '../core/procedures/journal';
import type { PlannedStep, ProcedureId } from '../core/procedures/types';
import type { ResolvedCluster } from '../core/inventory';
import type { ClusterState } from '../core/state';
import type { ExecResult, RemoteExecutor } from '../ssh/types';
import { formatState, formatStep } from './format';
import { observe } from './observe';
import type { ObserveOptions } from './observe';
import { evaluateGuards } from './guard-check';
import type { GuardVerdict } from './guard-check';

export interface DryRunStep {
  step: PlannedStep;
  /** True for the step a run would start with; later steps are judged before their predecessors ran. */
  next: boolean;
  verdicts: GuardVerdict[];
}

export interface DryRunResult {
  procedure: ProcedureId;
  cluster: string;
  state: ClusterState;
  decision: PlanDecision;
  steps: DryRunStep[];
  /** True when the next step's guards all hold: a run would start it. */
  wouldRun: boolean;
}

export interface DryRunOptions {
  procedure: ProcedureId;
  cluster: ResolvedCluster;
  executor: RemoteExecutor;
  journal: readonly JournalEntry[];
  planOptions?: PlanOptions;
  observe?: ObserveOptions;
  signal?: AbortSignal;
  now?: () => Date;
  onStep?: (s: DryRunStep) => void;
  /** Each guard script run on a host, for the audit log. */
  audit?: (step: PlannedStep, host: string, started: Date, result: ExecResult | null, error?: string) => void;
}

/** Observes, plans and runs every guard script on its host; runs no step. */
export async function dryRun(o: DryRunOptions): Promise<DryRunResult> {
  const now = o.now ?? (() => new Date());
  const state = await observe(o.cluster, o.executor, { ...o.observe, ...(o.signal ? { signal: o.signal } : {}) });
  const decision = planNext({
    procedure: o.procedure,
    cluster: o.cluster,
    state,
    journal: o.journal,
    now: now(),
    ...(o.planOptions ? { options: o.planOptions } : {}),
  });
  const steps: DryRunStep[] = [];
  if (decision.kind === 'step') {
    const ctx = {
      cluster: o.cluster,
      executor: o.executor,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.observe ? { observe: o.observe } : {}),
    };
    for (const [i, step] of [decision.step, ...decision.upcoming].entries()) {
      // No waiting for the LSNs to converge: a dry run reports what holds now.
      const { verdicts } = await evaluateGuards(ctx, step, {
        syncWaitMs: 0,
        ...(o.audit
          ? {
              audit: (host: string, started: Date, r: ExecResult | null, error?: string) =>
                o.audit?.(step, host, started, r, error),
            }
          : {}),
      });
      const s: DryRunStep = { step, next: i === 0, verdicts };
      steps.push(s);
      o.onStep?.(s);
    }
  }
  const wouldRun = decision.kind === 'step' && (steps[0]?.verdicts.every(v => v.ok) ?? false);
  return { procedure: o.procedure, cluster: o.cluster.name, state, decision, steps, wouldRun };
}

function dryRunStepText(s: DryRunStep): string {
  const lines = [formatStep(s.step, { guards: false })];
  if (!s.next) lines.push('      (judged on the cluster as it is now; the steps before it would change that)');
  for (const v of s.verdicts)
    lines.push(
      `      ${v.ok ? 'ok  ' : 'FAIL'} ${v.guard.description}${v.guard.kind === 'remote' ? ` [checked on ${v.guard.host}]` : ''}: ${v.message}`,
    );
  return lines.join('\n');
}

export function formatDryRun(r: DryRunResult): string {
  const lines = [
    `Dry run of ${r.procedure} on ${r.cluster}: nothing was changed on any host.`,
    '',
    formatState(r.state),
    '',
  ];
  if (r.decision.kind === 'done') lines.push(`Nothing to do: ${r.decision.message}`);
  else if (r.decision.kind === 'blocked') lines.push(`Blocked: ${r.decision.reason}`);
  else {
    lines.push('Would run, in this order:');
    for (const s of r.steps) lines.push(dryRunStepText(s));
    lines.push(
      '',
      r.wouldRun
        ? 'A run would start with the first step: its guards hold now.'
        : 'A run would refuse the first step: a guard above does not hold.',
    );
  }
  return lines.join('\n');
}

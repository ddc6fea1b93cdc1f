// The runner's vocabulary: what a run is given, what it reports as it goes, and what it returns.
import type { PlanDecision } from '../core/planner';
import type { PlanOptions } from '../core/lifecycle-planner';
import type { StepStatus } from '../core/procedures/journal';
import type { Guard, PlannedStep, ProcedureId } from '../core/procedures/types';
import type { ResolvedCluster } from '../core/inventory';
import type { ClusterState } from '../core/state';
import type { ExecOptions, ExecResult, HostTarget, RemoteExecutor } from '../ssh/types';
import type { AuditRecord } from './audit';
import type { ObserveOptions } from './observe';

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

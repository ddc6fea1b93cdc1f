// The shape of a procedure: an ordered list of steps, each a piece of data the engine executes and the UIs show.

import type { ReleaseLine } from '../releases';

export const PROCEDURE_IDS = [
  'restore-mirroring',
  'return-to-original',
  'check',
  'failover',
  'start-standby',
  'rebuild-standby',
] as const;
export type ProcedureId = (typeof PROCEDURE_IDS)[number];

export type StepId =
  | 'move-aside'
  | 'init-standby'
  | 'verify-mirroring'
  | 'stop-coordinator'
  | 'activate-standby'
  | 'check-activation'
  | 'check-mirroring'
  | 'move-lock-aside'
  | 'start-standby'
  | 'stop-standby'
  | 'remove-standby'
  | 'restart-coordinator';

/**
 * Hosts are named by their role in the procedure and resolved to inventory names by the planner:
 * `active` = the observed active coordinator, `new-standby` = the host that is to become its standby,
 * `original-coordinator` / `original-standby` = the roles the inventory gives the hosts,
 * `old-coordinator` = the coordinator that failed (failover), `standby-host` = the host whose standby is activated.
 */
export type HostRef =
  'active' | 'new-standby' | 'original-coordinator' | 'original-standby' | 'old-coordinator' | 'standby-host';

/** Output kinds the parsers understand; the step's output is parsed as this kind. */
export type StepOutputKind = 'gpstate-f' | 'gpstate-b' | 'gpinitstandby' | 'gpactivatestandby' | 'gpstop';

/** Guards judged against a ClusterState observed right before the step (never a cached one). */
export type StateGuardId =
  | 'one-active-coordinator'
  | 'no-split-brain'
  | 'host-is-active'
  | 'host-not-active'
  | 'no-standby-configured'
  | 'standby-synchronized'
  | 'old-coordinator-confirmed-down'
  | 'host-is-running-standby'
  | 'no-active-coordinator'
  | 'down-or-unreachable'
  | 'fencing-confirmed'
  | 'standby-listed'
  | 'no-wal-sender';

/** Guards run as a script on the step's host right before the step. */
export type RemoteGuardId =
  | 'data-directory-not-in-use'
  | 'data-directory-present'
  | 'data-directory-absent'
  | 'backup-path-free'
  | 'same-filesystem'
  | 'no-lock-file'
  | 'postmaster-stopped'
  | 'standby-marker-present'
  | 'standby-directory-intact'
  | 'not-a-standby-directory'
  | 'is-standby-directory'
  | 'lock-file-stale'
  | 'lock-aside-path-free'
  | 'standby-holds-final-checkpoint';

export type GuardSpec =
  | { kind: 'state'; id: StateGuardId; host: HostRef; description: string }
  | { kind: 'remote'; id: RemoteGuardId; host: HostRef; description: string; stoppedHost?: HostRef };

/** A guard with its host resolved and, for remote guards, the exact script that checks it. */
export interface Guard {
  kind: 'state' | 'remote';
  id: StateGuardId | RemoteGuardId;
  host: string;
  description: string;
  /** Remote guards: prints `GUARD <id> OK <why>` or `GUARD <id> FAIL <why>`. */
  script?: string;
  /** standby-holds-final-checkpoint: the host of the stopped coordinator, whose pg_controldata `script` reads. */
  stoppedHost?: string;
}

/** What proves a step worked, judged on a fresh observation (and the step's parsed output). */
export type VerifyExpectation =
  | 'directory-moved'
  | 'standby-streaming'
  | 'host-stopped'
  | 'host-active'
  | 'gpstate-f-streaming'
  | 'gpstate-b-active-no-standby'
  | 'lock-file-moved'
  | 'standby-removed';

export interface VerifySpec {
  expect: VerifyExpectation;
  description: string;
  /** How long to keep re-observing for the expectation to hold (replication takes a moment to start). */
  waitMs: number;
}

export interface StepTemplate {
  id: StepId;
  title: string;
  host: HostRef;
  /** True when the step changes the cluster: the user is asked before it runs. */
  changesCluster: boolean;
  guards: GuardSpec[];
  verify: VerifySpec;
  /** What to do when the step fails. */
  onFailure: string;
  timeoutMs: number;
  outputKind: StepOutputKind | null;
  /** How the utility's own Yy|Nn prompt is answered, when it has one. */
  prompts: string | null;
  /** What the step costs that the DBA must read before confirming it (an outage, lost sessions). */
  warning?: string;
}

export interface ProcedureDefinition {
  id: ProcedureId;
  title: string;
  description: string;
  steps: StepTemplate[];
}

/** The concrete values a step's command and guards are built from. */
export interface StepParams {
  /** Inventory name of the host the step runs on. */
  host: string;
  dataDirectory: string;
  port: number;
  /** move-aside: where the data directory goes. */
  backupPath?: string;
  /** init-standby / stop-coordinator: the host that is (to become) the standby, with its directory and port. */
  standbyHost?: string;
  standbyDataDirectory?: string;
  standbyPort?: number;
  /** The cluster's release (pinned or observed): gpinitstandby's flags depend on it. */
  release?: ReleaseLine;
  /** activate-standby: the coordinator being replaced, which must be confirmed down. */
  oldCoordinatorHost?: string;
  oldCoordinatorPort?: number;
  /** failover: the host name the DBA typed to confirm the old coordinator is fenced. */
  fencedHost?: string;
  /** failover: gpactivatestandby -f, chosen by the DBA after a warning (only when the standby postmaster is down). */
  force?: boolean;
  /** move-lock-aside: the lock file and where it goes. */
  lockPath?: string;
  lockAsidePath?: string;
}

/** A step resolved for one cluster and one observed state: what runs, where, and what must hold first. */
export interface PlannedStep {
  procedure: ProcedureId;
  id: StepId;
  /** Position in the procedure (0-based) and the procedure's length, for steppers. */
  index: number;
  total: number;
  title: string;
  host: string;
  /** The exact command run on the host after the environment script, as shown to the user. */
  command: string;
  /** Exported before the command (data directory in both vocabularies, PGPORT). */
  env: Record<string, string>;
  changesCluster: boolean;
  guards: Guard[];
  verify: VerifySpec;
  onFailure: string;
  timeoutMs: number;
  outputKind: StepOutputKind | null;
  prompts: string | null;
  /** Shown with the plan and in the step's confirmation. */
  warning?: string;
  params: StepParams;
}

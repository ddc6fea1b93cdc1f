// Observes clusters over ssh through the engine and keeps the latest observation of each, for the tree, the
// status bar and the panel. Nothing is observed at activation: only when the user asks, or while the view is
// visible (auto-refresh). The ssh pool is created on first use and recreated when its settings change.
import * as vscode from 'vscode';
import type { ResolvedCluster } from '../../core/inventory';
import type { ClusterState } from '../../core/state';
import type { StateLocations } from '../../engine/locations';
import { withState } from '../../engine/observe';
import type { GpstateObservation } from '../../engine/observe';
import { DbSessions } from '../../engine/dbsession';
import { observeFleet } from '../../engine/fleet';
import { HistoryFile, historyPathFor } from '../../engine/history';
import { ProcedureSession } from '../../engine/procedure-session';
import type { SshPool } from '../../ssh/pool';
import type { Credentials } from '../credentials';
import type { LoadedCluster } from '../inventory/load-inventory';
import { createSshPool } from './ssh-pool';

export interface ClusterObservation {
  /** The last completed observation, or undefined before the first. */
  result?: GpstateObservation;
  /** Set when the observation itself could not run (not a host being unreachable: that is in the state). */
  error?: string;
  observing: boolean;
}

export class ClusterService implements vscode.Disposable {
  private pool: SshPool | undefined;
  /** A database session per coordinator host over the pool: routine observations are one query each. */
  private sessions: DbSessions | undefined;
  private readonly observations = new Map<string, ClusterObservation>();
  private readonly inFlight = new Map<string, Promise<ClusterObservation>>();
  private readonly histories = new Map<string, HistoryFile>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the cluster's name whenever its observation starts or ends. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly credentials: Credentials,
    private readonly log: vscode.LogOutputChannel,
    private readonly locations: StateLocations,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration(e => {
        if (
          e.affectsConfiguration('greenplumCoordinator.sshConfigPath') ||
          e.affectsConfiguration('greenplumCoordinator.connectTimeoutSeconds')
        )
          void this.resetPool();
      }),
    );
  }

  /** The pooled ssh executor (created on first use). */
  executor(): SshPool {
    this.pool ??= createSshPool(this.credentials, line => this.log.debug(`ssh: ${line}`));
    return this.pool;
  }

  private dbSessions(): DbSessions {
    this.sessions ??= new DbSessions(this.executor());
    return this.sessions;
  }

  /** The engine's session on a cluster, over the pooled executor (procedure runs re-observe every 1 s). */
  session(cluster: ResolvedCluster): ProcedureSession {
    return new ProcedureSession({
      cluster,
      executor: this.executor(),
      locations: this.locations,
      pollIntervalMs: 1000,
    });
  }

  /** Drops every connection (and passphrases the pool remembers); the next command reconnects. */
  async resetPool(): Promise<void> {
    const old = this.pool;
    this.sessions?.dispose();
    this.sessions = undefined;
    this.pool = undefined;
    await old?.dispose();
  }

  /** Records a state observed elsewhere (a procedure's observations), keeping the last gpstate outputs. */
  recordState(cluster: string, state: ClusterState): void {
    this.record(cluster, withState(this.observations.get(cluster)?.result, state));
  }

  /** The clusters observed (or being observed) so far. */
  names(): IterableIterator<string> {
    return this.observations.keys();
  }

  get(cluster: string): ClusterObservation | undefined {
    return this.observations.get(cluster);
  }

  /** A check that saw something change goes to the cluster's history (the Timeline); never fatal. */
  private recordHistory(name: string, state: ClusterState): void {
    try {
      let file = this.histories.get(name);
      if (!file) this.histories.set(name, (file = new HistoryFile(historyPathFor(this.locations.journalPath(name)))));
      file.recordObservation(state);
    } catch (error) {
      this.log.warn(`history of ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Records an observation made elsewhere (the procedure runner re-observes after every step). */
  record(cluster: string, result: GpstateObservation): void {
    // A procedure changed the hosts: the next routine observation reads their files again.
    this.sessions?.forgetFacts();
    this.observations.set(cluster, { result, observing: false });
    this.changed.fire(cluster);
  }

  /**
   * Observes the cluster. "full" (Check, after a procedure) probes every host, then runs gpstate -f and -b on the
   * active coordinator; "routine" (auto-refresh, Refresh) is the probes alone: one round trip per host on the warm
   * pool, where gpstate would cost hundreds of milliseconds and reach the standby host over ssh again.
   */
  check(loaded: LoadedCluster, depth: 'full' | 'routine' = 'full'): Promise<ClusterObservation> {
    const name = loaded.cluster.name;
    const running = this.inFlight.get(name);
    if (running) return running;
    const previous = this.observations.get(name);
    this.observations.set(name, { ...previous, observing: true });
    this.changed.fire(name);
    const started = Date.now();
    const options = this.observeOptions();
    const session = this.session(loaded.cluster);
    const observed: Promise<GpstateObservation> =
      depth === 'full'
        ? session.observeWithGpstate(options)
        : // The last gpstate outputs (segment summary) stay until the next full check; the state itself is fresh.
          session.observe(options).then(state => withState(previous?.result, state));
    const work = observed
      .then(
        (result): ClusterObservation => {
          this.log.info(
            `${name}: ${result.state.situation}, active coordinator ${result.state.activeCoordinator ?? 'none'}, standby ${result.state.standby.status} (${Date.now() - started} ms)`,
          );
          this.recordHistory(name, result.state);
          return { result, observing: false };
        },
        (error: unknown): ClusterObservation => {
          const message = error instanceof Error ? error.message : String(error);
          this.log.error(`${name}: observation failed: ${message}`);
          return { ...(previous?.result ? { result: previous.result } : {}), error: message, observing: false };
        },
      )
      .then(observation => {
        this.observations.set(name, observation);
        this.inFlight.delete(name);
        this.changed.fire(name);
        return observation;
      });
    this.inFlight.set(name, work);
    return work;
  }

  /**
   * The routine observation of many clusters (Refresh, auto-refresh): each distinct host once, a bounded number at
   * a time, each cluster recorded (and shown) as soon as its own hosts answered; clusters already being observed
   * are left to that observation.
   */
  async checkRoutine(loaded: LoadedCluster[]): Promise<void> {
    const todo = loaded.filter(l => !this.inFlight.has(l.cluster.name));
    if (!todo.length) return;
    const byName = new Map(todo.map(l => [l.cluster.name, l]));
    for (const name of byName.keys()) this.observations.set(name, { ...this.observations.get(name), observing: true });
    const work = observeFleet(
      todo.map(l => l.cluster),
      this.executor(),
      {
        ...this.observeOptions(),
        onCluster: (cluster, state) => {
          const previous = this.observations.get(cluster.name)?.result;
          this.observations.set(cluster.name, {
            result: {
              ...(previous ?? { gpstateF: null, gpstateB: null, raw: { gpstateF: null, gpstateB: null } }),
              state,
            },
            observing: false,
          });
          this.changed.fire(cluster.name);
        },
      },
    ).then(() => undefined);
    for (const name of byName.keys())
      this.inFlight.set(
        name,
        work.then(() => this.observations.get(name) ?? { observing: false }),
      );
    try {
      await work;
    } finally {
      for (const name of byName.keys()) this.inFlight.delete(name);
    }
  }

  private observeOptions(): { timeoutMs: number; sessions: DbSessions } {
    return {
      timeoutMs:
        vscode.workspace.getConfiguration('greenplumCoordinator').get<number>('connectTimeoutSeconds', 15) * 1000 +
        5000,
      sessions: this.dbSessions(),
    };
  }

  dispose(): void {
    void this.resetPool();
    this.changed.dispose();
    this.disposables.forEach(d => d.dispose());
  }
}

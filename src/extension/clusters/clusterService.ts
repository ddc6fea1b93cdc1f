// Observes clusters over ssh through the engine and keeps the latest observation of each, for the tree, the
// status bar and the panel. Nothing is observed at activation: only when the user asks, or while the view is
// visible (auto-refresh). The ssh pool is created on first use and recreated when its settings change.
import * as vscode from 'vscode';
import { observe, observeWithGpstate } from '../../engine/observe';
import type { GpstateObservation } from '../../engine/observe';
import type { SshPool } from '../../ssh/pool';
import type { Credentials } from '../credentials';
import type { LoadedCluster } from '../inventory/loadInventory';
import { createSshPool } from './sshPool';

export interface ClusterObservation {
  /** The last completed observation, or undefined before the first. */
  result?: GpstateObservation;
  /** Set when the observation itself could not run (not a host being unreachable: that is in the state). */
  error?: string;
  observing: boolean;
}

export class ClusterService implements vscode.Disposable {
  private pool: SshPool | undefined;
  private readonly observations = new Map<string, ClusterObservation>();
  private readonly inFlight = new Map<string, Promise<ClusterObservation>>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the cluster's name whenever its observation starts or ends. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly credentials: Credentials, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('greenplumCoordinator.sshConfigPath') || e.affectsConfiguration('greenplumCoordinator.connectTimeoutSeconds')) void this.resetPool();
    }));
  }

  /** The pooled ssh executor (created on first use). */
  executor(): SshPool {
    this.pool ??= createSshPool(this.credentials, (line) => this.log.debug(`ssh: ${line}`));
    return this.pool;
  }

  /** Drops every connection (and passphrases the pool remembers); the next command reconnects. */
  async resetPool(): Promise<void> {
    const old = this.pool;
    this.pool = undefined;
    await old?.dispose();
  }

  get(cluster: string): ClusterObservation | undefined {
    return this.observations.get(cluster);
  }

  /** Records an observation made elsewhere (the procedure runner re-observes after every step). */
  record(cluster: string, result: GpstateObservation): void {
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
    const options = { timeoutMs: vscode.workspace.getConfiguration('greenplumCoordinator').get<number>('connectTimeoutSeconds', 15) * 1000 + 5000 };
    const observed: Promise<GpstateObservation> = depth === 'full'
      ? observeWithGpstate(loaded.cluster, this.executor(), options)
      // The last gpstate outputs (segment summary) stay until the next full check; the state itself is fresh.
      : observe(loaded.cluster, this.executor(), options).then((state) => ({ ...(previous?.result ?? { gpstateF: null, gpstateB: null, raw: { gpstateF: null, gpstateB: null } }), state }));
    const work = observed
      .then((result): ClusterObservation => {
        this.log.info(`${name}: ${result.state.situation}, active coordinator ${result.state.activeCoordinator ?? 'none'}, standby ${result.state.standby.status} (${Date.now() - started} ms)`);
        return { result, observing: false };
      }, (error: unknown): ClusterObservation => {
        const message = error instanceof Error ? error.message : String(error);
        this.log.error(`${name}: observation failed: ${message}`);
        return { ...(previous?.result ? { result: previous.result } : {}), error: message, observing: false };
      })
      .then((observation) => {
        this.observations.set(name, observation);
        this.inFlight.delete(name);
        this.changed.fire(name);
        return observation;
      });
    this.inFlight.set(name, work);
    return work;
  }

  dispose(): void {
    void this.resetPool();
    this.changed.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

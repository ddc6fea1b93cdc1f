// The long-lived parts every command works with, created once in activate(). Creating them does no network work:
// the ssh pool is made on first use, clusters are observed only on request or while the view is visible.
import * as vscode from 'vscode';
import type { StateLocations } from '../engine/locations';
import type { ProcedureSession } from '../engine/procedure-session';
import { AuditLog, extensionLocations } from './audit/audit-log';
import { ClusterService } from './clusters/cluster-service';
import { Credentials } from './credentials';
import type { LoadedCluster } from './inventory/load-inventory';
import { StatusPanels } from './panel/status-panel';
import type { ProcedureView, StatusSnapshot } from './panel/protocol';
import { snapshotFromState, SITUATION_TEXT } from './panel/state-snapshot';
import { buildTimeline } from '../core/timeline';
import type { TimelineRow } from '../core/timeline';
import { HistoryFile, historyPathFor } from '../engine/history';
import { standbyWords, worstCluster } from './panel/summary';
import { ago, formatTime } from './panel/time';
import type { Situation } from '../core/state';
import { useTranslator } from './l10n';
import { ClusterTreeProvider } from './tree/cluster-tree';

export function clusterPanelKey(cluster: string): string {
  return `cluster:${cluster}`;
}

export class Services implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  readonly panels: StatusPanels;
  /** Where the journals and the audit log are. */
  readonly locations: StateLocations;
  readonly audit: AuditLog;
  readonly credentials: Credentials;
  readonly clusters: ClusterService;
  readonly tree: ClusterTreeProvider;
  readonly statusBar: vscode.StatusBarItem;
  /** The procedure running or last run per cluster, for the panel's stepper. */
  readonly procedures = new Map<string, ProcedureView>();
  /** Key of the panel shown last, so "Show Status Panel" can bring it back. */
  lastPanelKey: string | undefined;
  /** The cluster selected in the tree or whose panel was shown last; the status bar prefers it among equally bad ones. */
  selectedCluster: string | undefined;
  /** When each cluster's procedure view started and ended, and the situation first observed after it ended. */
  private readonly procedureTimes = new Map<
    string,
    { view: ProcedureView; startedAt: string; endedAt?: string; situationAfter?: Situation }
  >();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly context: vscode.ExtensionContext) {
    // The panel's words (panel/state-snapshot.ts) are built without vscode; they translate through this.
    useTranslator(vscode.l10n.t);
    this.output = vscode.window.createOutputChannel('Greenplum Coordinator', { log: true });
    this.panels = new StatusPanels(context.extensionUri, line => this.output.warn(line));
    this.panels.onDismissProcedure = name => this.dismissProcedure(name);
    this.locations = extensionLocations(context.globalStorageUri);
    this.audit = new AuditLog(this.locations);
    this.credentials = new Credentials(context.secrets, context.globalState);
    this.clusters = new ClusterService(this.credentials, this.output, this.locations);
    this.tree = new ClusterTreeProvider(this.clusters);
    this.statusBar = vscode.window.createStatusBarItem(
      'greenplumCoordinator.health',
      vscode.StatusBarAlignment.Left,
      50,
    );
    this.statusBar.name = vscode.l10n.t('Greenplum Coordinator Mirroring');
    this.disposables.push(
      this.clusters.onDidChange(name => {
        this.selectedCluster ??= name;
        this.updateStatusBar();
        this.updateClusterPanel(name);
      }),
    );
  }

  /** The engine's session on a cluster of the inventory. */
  session(loaded: LoadedCluster): ProcedureSession {
    return this.clusters.session(loaded.cluster);
  }

  async refreshClusters(): Promise<void> {
    this.tree.refresh();
    await this.tree.clusters();
  }

  async findCluster(name: string): Promise<LoadedCluster | undefined> {
    return (await this.tree.clusters()).clusters.find(c => c.cluster.name === name);
  }

  /** The cluster's Timeline from its history file; a history that cannot be read shows as empty, with a warning. */
  private timeline(name: string): TimelineRow[] {
    try {
      return buildTimeline(new HistoryFile(historyPathFor(this.locations.journalPath(name))).read(), name);
    } catch (error) {
      this.output.warn(`history of ${name}: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  /** The panel snapshot of a cluster: its last observation and procedure, or "not checked yet". */
  async clusterSnapshot(name: string): Promise<StatusSnapshot | undefined> {
    const loaded = await this.findCluster(name);
    if (!loaded) return undefined;
    const result = this.clusters.get(name)?.result;
    const procedure = this.procedureView(name);
    const timeline = this.timeline(name);
    if (result)
      return {
        ...snapshotFromState({ cluster: loaded.cluster, state: result.state, gpstateB: result.gpstateB, procedure }),
        timeline,
      };
    return {
      timeline,
      title: name,
      clusterName: name,
      subtitle: vscode.l10n.t('Not checked yet'),
      verdict: {
        health: 'unknown',
        headline: vscode.l10n.t('{0} has not been checked yet', name),
        detail: vscode.l10n.t(
          'Check Coordinator Mirroring observes {0} over SSH and runs gpstate -f and gpstate -b on the active coordinator.',
          loaded.cluster.hosts.map(h => h.name).join(vscode.l10n.t(' and ')),
        ),
      },
      product: null,
      vocabulary: null,
      hosts: [],
      link: { health: 'unknown', summary: vscode.l10n.t('Not observed yet'), rows: null },
      segments: null,
      problems: [],
      sources: [],
      procedure,
      actions: ['checkMirroring'],
    };
  }

  /**
   * The cluster's procedure with its times, marked past once the cluster was observed in another situation than the
   * one first observed after it ended (so "done" never sits under a state it no longer describes).
   */
  procedureView(name: string): ProcedureView | null {
    const view = this.procedures.get(name);
    if (!view) return null;
    let times = this.procedureTimes.get(name);
    if (!times || times.view !== view) {
      times = { view, startedAt: new Date().toISOString() };
      this.procedureTimes.set(name, times);
    }
    const state = this.clusters.get(name)?.result?.state;
    if (view.status === 'running' || view.status === 'plan') times.endedAt = undefined;
    else times.endedAt ??= new Date().toISOString();
    if (times.endedAt && state && !times.situationAfter && state.observedAt > times.endedAt)
      times.situationAfter = state.situation;
    const past =
      !!times.endedAt &&
      !!state &&
      !!times.situationAfter &&
      state.observedAt > times.endedAt &&
      state.situation !== times.situationAfter;
    return { ...view, startedAt: times.startedAt, ...(times.endedAt ? { endedAt: times.endedAt } : {}), past };
  }

  /** Removes a finished procedure from the cluster's panel (its audit records stay). */
  dismissProcedure(name: string): void {
    if (this.procedures.get(name)?.status === 'running') return;
    this.procedures.delete(name);
    this.procedureTimes.delete(name);
    this.updateClusterPanel(name);
  }

  async showClusterPanel(name: string): Promise<string> {
    const snapshot = await this.clusterSnapshot(name);
    if (!snapshot)
      throw new Error(
        vscode.l10n.t(
          'no cluster named "{0}" in the inventory; check greenplum-clusters.yaml or run "Greenplum: Add Cluster…"',
          name,
        ),
      );
    const key = clusterPanelKey(name);
    this.panels.show(key, snapshot);
    this.lastPanelKey = key;
    this.selectedCluster = name;
    this.updateStatusBar();
    return key;
  }

  /** Re-renders the cluster's panel if it is open (after an observation or a procedure event). */
  updateClusterPanel(name: string): void {
    const key = clusterPanelKey(name);
    if (!this.panels.has(key)) return;
    void this.clusterSnapshot(name).then(s => {
      if (s) this.panels.update(key, s);
    });
  }

  /** The status bar shows the worst cluster (the selected one among equally bad ones), and how many others need care. */
  updateStatusBar(): void {
    const enabled = vscode.workspace.getConfiguration('greenplumCoordinator').get<boolean>('statusBar.enabled', true);
    const names = [...this.clusters.names()];
    const shown = worstCluster(
      names.map(n => ({
        name: n,
        situation: this.clusters.get(n)?.result?.state.situation,
        procedureRunning: this.procedures.get(n)?.status === 'running',
      })),
      this.selectedCluster,
    );
    if (!enabled || !shown) {
      this.statusBar.hide();
      return;
    }
    const name = shown.name;
    const obs = this.clusters.get(name);
    const state = obs?.result?.state;
    const running = this.procedures.get(name)?.status === 'running';
    const s = state ? SITUATION_TEXT[state.situation] : undefined;
    const symbol =
      obs?.observing || running
        ? '$(sync~spin)'
        : !s
          ? '$(circle-outline)'
          : s.health === 'ok'
            ? '$(pass-filled)'
            : s.health === 'error'
              ? '$(error)'
              : '$(warning)';
    const more = shown.othersNotHealthy ? ` ${vscode.l10n.t('(+{0} more)', shown.othersNotHealthy)}` : '';
    this.statusBar.text = `${symbol} ${vscode.l10n.t('{0}: {1}', name, running ? vscode.l10n.t('procedure running') : (s?.short ?? vscode.l10n.t('not checked')))}${more}`;
    this.statusBar.tooltip = state
      ? vscode.l10n.t(
          'Greenplum cluster {0}: {1}. Active coordinator {2}, standby {3}; observed {4} ({5}). Click for the status panel.',
          name,
          s?.short ?? '',
          state.activeCoordinator ?? vscode.l10n.t('none'),
          standbyWords(state),
          formatTime(state.observedAt),
          ago(state.observedAt, Date.now()),
        )
      : vscode.l10n.t('Greenplum cluster {0}: not checked yet. Click for the status panel.', name);
    this.statusBar.backgroundColor =
      s?.health === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : s?.health === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.statusBar.command = {
      command: 'greenplumCoordinator.showPanel',
      title: vscode.l10n.t('Show Status Panel'),
      arguments: [name],
    };
    this.statusBar.show();
  }

  /** Shows a failed command's reason to the user and keeps the details in the output channel. */
  reportError(commandTitle: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.output.error(`${commandTitle}: ${error instanceof Error && error.stack ? error.stack : message}`);
    void vscode.window
      .showErrorMessage(vscode.l10n.t('{0}: {1}', commandTitle, message), vscode.l10n.t('Show Log'))
      .then(choice => {
        if (choice) this.output.show(true);
      });
  }

  dispose(): void {
    this.disposables.forEach(d => d.dispose());
    this.panels.dispose();
    this.tree.dispose();
    this.clusters.dispose();
    this.statusBar.dispose();
    this.output.dispose();
  }
}

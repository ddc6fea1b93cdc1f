// The extension against the test lab (real OpenSSH servers, real PostgreSQL streaming replication, Greenplum's
// utilities emulated): the tree's states after a failover, after restoring mirroring, with the standby stopped and
// with a host unreachable; the procedure's confirmations, stepper and audit log. run-integration.js starts the lab
// (after-failover) and passes its directory in GPCOORD_LAB_DIR.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GreenplumCoordinatorApi } from '../../src/extension/main';
import type { ClusterTreeNode } from '../../src/extension/tree/cluster-tree';
import { api, waitFor } from './helpers';

interface LabInfo {
  dir: string;
  inventoryPath: string;
  sshConfigPath: string;
  clusterName: string;
}
interface Outcome {
  status: string;
  message: string;
}
const SECTION = 'greenplumCoordinator';

function readLab(): LabInfo {
  const dir = process.env.GPCOORD_LAB_DIR;
  assert.ok(
    dir,
    process.env.GPCOORD_LAB_ERROR ??
      'GPCOORD_LAB_DIR is not set: run the suite with test/support/run-integration.js, which starts the lab',
  );
  return (JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as { lab: LabInfo }).lab;
}

function fault(lab: LabInfo, name: string, host: string): void {
  const root = process.env.GPCOORD_REPO_ROOT ?? path.resolve(lab.dir, '..', '..');
  const r = spawnSync(
    path.join(root, 'node_modules/.bin/tsx'),
    ['test/lab/cli.ts', 'fault', name, host, '--dir', lab.dir],
    { cwd: root, encoding: 'utf8', timeout: 120000 },
  );
  assert.strictEqual(r.status, 0, `lab fault ${name} ${host} failed: ${r.stderr || r.stdout}`);
}

/** The tree as the user sees it: cluster label → description, host label → description and contextValue. */
async function treeRows(
  a: GreenplumCoordinatorApi,
): Promise<Map<string, { description: string; contextValue: string }>> {
  const rows = new Map<string, { description: string; contextValue: string }>();
  const walk = async (node?: ClusterTreeNode): Promise<void> => {
    for (const child of await a.tree.getChildren(node)) {
      const item = a.tree.getTreeItem(child);
      rows.set(String(item.label), {
        description: String(item.description ?? ''),
        contextValue: item.contextValue ?? '',
      });
      await walk(child);
    }
  };
  await walk();
  return rows;
}

async function check(a: GreenplumCoordinatorApi, lab: LabInfo): Promise<string> {
  await vscode.commands.executeCommand('greenplumCoordinator.checkMirroring', lab.clusterName);
  const state = a.observed(lab.clusterName);
  assert.ok(state, 'the check left no observed state');
  return state.situation;
}

suite('Against the lab: observe and restore a real coordinator pair', function () {
  this.timeout(300000);
  let lab: LabInfo;
  let a: GreenplumCoordinatorApi;

  suiteSetup(async () => {
    lab = readLab();
    a = await api();
    const config = vscode.workspace.getConfiguration(SECTION);
    await config.update('inventoryPaths', [lab.inventoryPath], vscode.ConfigurationTarget.Global);
    await config.update('sshConfigPath', lab.sshConfigPath, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('greenplumCoordinator.refresh');
  });

  suiteTeardown(async () => {
    a?.answerConfirmations(undefined);
    const config = vscode.workspace.getConfiguration(SECTION);
    await config.update('inventoryPaths', undefined, vscode.ConfigurationTarget.Global);
    await config.update('sshConfigPath', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('before any check the tree lists the cluster and its hosts with roles not observed', async () => {
    const rows = await treeRows(a);
    assert.strictEqual(rows.get('lab')?.description, 'not checked yet');
    assert.strictEqual(rows.get('cdw')?.description, 'built as coordinator · role not observed');
    assert.strictEqual(rows.get('scdw')?.contextValue, 'host.unobserved');
  });

  test('after the failover: scdw is the active coordinator, cdw a former coordinator, nothing mirrors', async () => {
    assert.strictEqual(await check(a, lab), 'after-failover');
    const rows = await treeRows(a);
    assert.strictEqual(rows.get('lab')?.description, 'not mirrored');
    assert.strictEqual(rows.get('lab')?.contextValue, 'cluster.after-failover.swapped');
    assert.strictEqual(rows.get('scdw')?.description, 'active coordinator');
    assert.strictEqual(rows.get('cdw')?.description, 'former coordinator: stale data directory');
    const shown = await a.readPanel(a.clusterPanelKey('lab'));
    assert.strictEqual(shown['verdict.headline'], 'Coordinator on scdw is not mirrored');
    assert.match(a.statusBarText(), /lab: not mirrored/);
  });

  test('declining a step stops Restore Coordinator Mirroring there: the first step done, nothing more changed', async () => {
    const asked: string[] = [];
    a.answerConfirmations(async step => {
      asked.push(`${step.id} on ${step.host}: ${step.command}`);
      return step.id === 'move-aside';
    });
    const outcome = await vscode.commands.executeCommand<Outcome>(
      'greenplumCoordinator.restoreMirroring',
      lab.clusterName,
    );
    assert.strictEqual(outcome?.status, 'declined', outcome?.message);
    assert.strictEqual(asked.length, 2, asked.join('\n'));
    assert.match(
      asked[0]!,
      /^move-aside on cdw: .*mv -T \/data\/coordinator\/gpseg-1 \/data\/coordinator\/backup_gpseg-1$/,
    );
    assert.match(asked[1]!, /^init-standby on scdw: gpinitstandby -a -s cdw/);
    const shown = await a.readPanel(a.clusterPanelKey('lab'));
    assert.strictEqual(shown['procedure.status'], 'declined');
    assert.strictEqual(shown['step0.status'], 'succeeded');
    assert.strictEqual(shown['step1.status'], 'skipped');
    assert.strictEqual(a.observed(lab.clusterName)?.situation, 'after-failover');
    const rows = await treeRows(a);
    assert.strictEqual(rows.get('cdw')?.description, 'no data directory');
  });

  test('running it again resumes from the observed state: only gpinitstandby is asked, and it ends healthy', async () => {
    const asked: string[] = [];
    a.answerConfirmations(async step => {
      asked.push(`${step.id} on ${step.host}`);
      return true;
    });
    const outcome = await vscode.commands.executeCommand<Outcome>(
      'greenplumCoordinator.restoreMirroring',
      lab.clusterName,
    );
    assert.strictEqual(outcome?.status, 'done', outcome?.message);
    assert.deepStrictEqual(asked, ['init-standby on scdw']);
    assert.strictEqual(a.observed(lab.clusterName)?.situation, 'healthy');
    const rows = await treeRows(a);
    assert.strictEqual(rows.get('lab')?.description, 'mirroring healthy');
    assert.match(rows.get('cdw')?.description ?? '', /^standby: passive, streaming, sync/);
    const shown = await a.readPanel(a.clusterPanelKey('lab'));
    assert.strictEqual(shown['procedure.status'], 'done');
    assert.strictEqual(shown['step1.host'], 'scdw');
    assert.strictEqual(shown['step1.status'], 'succeeded');
    assert.strictEqual(shown['step2.status'], 'succeeded');
    assert.strictEqual(shown['verdict.headline'], 'Mirroring healthy: cdw follows scdw');
    assert.match(a.statusBarText(), /lab: mirroring healthy/);
  });

  test('the Timeline shows the new coordinator, both runs (newest first) and the standby streaming', async () => {
    const shown = await a.readPanel(a.clusterPanelKey('lab'));
    const rows = Object.keys(shown)
      .filter(k => /^timeline\d+$/.test(k))
      .sort((x, y) => Number(x.slice(8)) - Number(y.slice(8)))
      .map(k => shown[k]!);
    const index = (re: RegExp) => rows.findIndex(r => re.test(r));
    const done = index(/^restore-mirroring done\b/);
    const declined = index(/^restore-mirroring declined\b/);
    assert.ok(done >= 0 && declined > done, `runs newest first:\n${rows.join('\n')}`);
    assert.ok(index(/^coordinator (cdw → )?scdw$/) > declined, `the coordinator row:\n${rows.join('\n')}`);
    assert.ok(index(/^standby cdw passive, WAL sender streaming/) >= 0, `replication:\n${rows.join('\n')}`);
  });

  test('every command of the run is in the append-only audit log with host, command and exit status', () => {
    const lines = fs
      .readFileSync(a.auditLogPath(), 'utf8')
      .trim()
      .split('\n')
      .map(
        l =>
          JSON.parse(l) as {
            host: string;
            command: string;
            kind: string;
            exitCode: number | null;
            user: string;
            startedAt: string;
            endedAt: string;
          },
      );
    const steps = lines.filter(l => l.kind === 'step');
    assert.ok(
      steps.some(l => l.host === 'cdw' && l.command.includes('mv -T /data/coordinator/gpseg-1') && l.exitCode === 0),
      JSON.stringify(steps),
    );
    assert.ok(
      steps.some(l => l.host === 'scdw' && l.command.startsWith('gpinitstandby') && l.exitCode === 0),
      JSON.stringify(steps),
    );
    assert.ok(lines.every(l => l.user && l.startedAt <= l.endedAt));
    assert.ok(
      lines.some(l => l.kind === 'guard'),
      'the guard checks before each step are recorded too',
    );
  });

  test('Open Terminal on Host gives a shell on that host over a PTY: input reaches it, the session is audited', async () => {
    const marker = path.join(lab.dir, 'hosts', 'cdw', 'tmp', 'gpcoord-terminal-test');
    fs.rmSync(marker, { force: true });
    const closed = new Promise<vscode.Terminal>(resolve => {
      const sub = vscode.window.onDidCloseTerminal(t => {
        if (t.name === 'Greenplum: cdw') {
          sub.dispose();
          resolve(t);
        }
      });
    });
    const terminal = await vscode.commands.executeCommand<vscode.Terminal>('greenplumCoordinator.openTerminal', {
      clusterName: lab.clusterName,
      hostName: 'cdw',
    });
    assert.ok(terminal, 'no terminal was opened');
    // Typed into the terminal: written to the remote shell through the PTY; /tmp is cdw's own.
    terminal.sendText('echo "$(hostname) $((6*7))" > /tmp/gpcoord-terminal-test; exit');
    const ended = await Promise.race([closed, new Promise<undefined>(r => setTimeout(() => r(undefined), 30000))]);
    assert.ok(ended, 'the terminal did not close after "exit"');
    assert.strictEqual(fs.readFileSync(marker, 'utf8').trim(), 'cdw 42');
    // The audit line is appended as the session ends; give the write a moment.
    await waitFor('the shell session in the audit log', () =>
      fs
        .readFileSync(a.auditLogPath(), 'utf8')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l) as { kind: string; host: string; exitCode: number | null })
        .find(l => l.kind === 'terminal' && l.host === 'cdw' && l.exitCode === 0),
    );
  });

  test('auto-refresh re-checks the cluster while the Clusters view is visible, and stops when it is hidden', async () => {
    const config = vscode.workspace.getConfiguration(SECTION);
    await config.update('autoRefreshSeconds', 5, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('workbench.view.extension.greenplumCoordinator');
      const before = a.observed(lab.clusterName)?.observedAt;
      await waitFor(
        'an automatic re-check while the view is visible',
        () => {
          const now = a.observed(lab.clusterName)?.observedAt;
          return now && now !== before ? now : undefined;
        },
        20000,
      );
      await vscode.commands.executeCommand('workbench.view.explorer');
      await new Promise(r => setTimeout(r, 3000)); // a check already under way may still land
      const hidden = a.observed(lab.clusterName)?.observedAt;
      await new Promise(r => setTimeout(r, 8000));
      assert.strictEqual(
        a.observed(lab.clusterName)?.observedAt,
        hidden,
        'the cluster was re-checked while the view was hidden',
      );
    } finally {
      await config.update('autoRefreshSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('a stopped standby shows as not running in the tree', async () => {
    fault(lab, 'stop-standby', 'cdw');
    assert.strictEqual(await check(a, lab), 'standby-down');
    const rows = await treeRows(a);
    assert.strictEqual(rows.get('lab')?.description, 'standby not mirroring');
    assert.match(rows.get('cdw')?.description ?? '', /not running/);
  });

  test('an unreachable host is shown as such, with Check Again as its action', async () => {
    // A host going down takes its open connections with it: stop its sshd and cut the pooled connection.
    fault(lab, 'host-down', 'cdw');
    fault(lab, 'drop-connections', 'cdw');
    try {
      await check(a, lab);
      const rows = await treeRows(a);
      assert.strictEqual(rows.get('cdw')?.description, 'unreachable');
      assert.strictEqual(rows.get('cdw')?.contextValue, 'host.unreachable');
      assert.strictEqual(rows.get('scdw')?.description, 'active coordinator');
    } finally {
      fault(lab, 'host-up', 'cdw');
    }
  });

  test('a changed host key is refused and shown as such, not as a plain outage', async () => {
    fault(lab, 'change-host-key', 'cdw');
    fault(lab, 'drop-connections', 'cdw');
    await check(a, lab);
    const rows = await treeRows(a);
    assert.strictEqual(rows.get('cdw')?.description, 'host key changed: refused');
    assert.strictEqual(rows.get('cdw')?.contextValue, 'host.host-key');
    const state = a.observed(lab.clusterName);
    assert.match(state?.hosts.find(h => h.name === 'cdw')?.error ?? '', /CHANGED/);
  });
});

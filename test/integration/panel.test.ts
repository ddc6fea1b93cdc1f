// "Open gpstate Output…" in the real extension host: a saved output goes through the parsers, the snapshot goes to
// the real webview, and the test reads back what the webview rendered (text of its data-field elements).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { api, fixture, tabLabels, waitFor } from './helpers';

interface Outcome {
  ok: boolean;
  kind?: string;
  message?: string;
}

async function open(...parts: string[]): Promise<Record<string, string>> {
  const a = await api();
  const outcome = await vscode.commands.executeCommand<Outcome>(
    'greenplumCoordinator.openGpstateOutput',
    fixture(...parts),
  );
  assert.ok(outcome?.ok, `the fixture was not shown: ${outcome?.message ?? 'no outcome'}`);
  return a.readPanel(a.savedOutputPanelKey);
}

suite('Status panel: Open gpstate Output', () => {
  test('a healthy gpstate -f (Greenplum 7): both hosts, streaming, sync, no lag, observation time', async () => {
    const shown = await open('outputs', 'gp7_gpstate-f_streaming_sync_RECONSTRUCTED.txt');
    assert.strictEqual(shown['verdict.health'], 'Healthy');
    assert.strictEqual(shown['verdict.headline'], 'Mirroring healthy: scdw follows cdw');
    assert.strictEqual(shown['host0.host'], 'cdw');
    assert.strictEqual(shown['host0.role'], 'Active coordinator');
    assert.strictEqual(shown['host1.host'], 'scdw');
    assert.strictEqual(shown['host1.role'], 'Standby coordinator');
    assert.strictEqual(shown['host1.status'], 'Standby host passive');
    assert.strictEqual(shown['host1.Data directory'], '/data/coordinator/gpseg-1');
    assert.strictEqual(shown['link.state'], 'streaming');
    assert.strictEqual(shown['link.syncState'], 'sync');
    assert.strictEqual(shown['link.sent'], '0/C0004B8');
    assert.strictEqual(shown['link.replay'], '0/C0004B8');
    assert.strictEqual(shown['link.lag'], '0 bytes');
    assert.match(
      shown['source0'] ?? '',
      /gpstate -f · gp7_gpstate-f_streaming_sync_RECONSTRUCTED\.txt · observed 2024-01-01 12:00:00/,
    );
    await waitFor('the panel tab', () =>
      tabLabels().find(l => l === 'Greenplum: gp7_gpstate-f_streaming_sync_RECONSTRUCTED.txt'),
    );
  });

  test('after a failover (Greenplum 6 lab, gpstate -f on the new master): not mirrored, in master vocabulary', async () => {
    const shown = await open('outputs', 'gp6-lab_24-gpstate-f-after-activation.txt');
    assert.strictEqual(shown['verdict.health'], 'Problem');
    assert.strictEqual(shown['verdict.headline'], 'Master on cdw is not mirrored');
    assert.strictEqual(shown['host0.role'], 'Active master');
    assert.strictEqual(shown['host1.role'], 'No standby master');
    assert.strictEqual(shown['link.summary'], 'No replication: no standby is configured');
    assert.strictEqual(
      shown['link.state'],
      undefined,
      'no pg_stat_replication table is shown when there is no WAL sender',
    );
  });

  test('a stopped standby (Greenplum 7): the standby card and the link say so', async () => {
    const shown = await open('outputs', 'gp7_gpstate-f_standby_down_RECONSTRUCTED.txt');
    assert.strictEqual(shown['verdict.headline'], 'Standby on scdw is not running');
    assert.strictEqual(shown['host1.status'], 'Standby process not running');
    assert.strictEqual(shown['host1.PID'], '0');
    assert.strictEqual(shown['link.summary'], 'No WAL sender: the standby is not receiving changes');
    assert.ok(
      Object.keys(shown).some(k => k.startsWith('problem')),
      'the WARNING rows are listed as problems',
    );
  });

  test('a gpstate -b summary with a failed primary and a down standby', async () => {
    const shown = await open('outputs', 'gp7_gpstate-b_standby_down_and_primary_failed_RECONSTRUCTED.txt');
    assert.strictEqual(shown['verdict.headline'], 'Standby on scdw is not running; 1 primary segment failed');
    assert.match(shown['verdict.detail'] ?? '', /1 mirror\(s\) acting as primary.*gprecoverseg/);
    assert.strictEqual(shown['host0.status'], 'Coordinator instance Active');
    assert.strictEqual(shown['segments.primary.total'], '2');
    assert.strictEqual(shown['segments.primary.failures'], '1');
    assert.strictEqual(shown['segments.mirror.failures'], '0');
    assert.match(shown['link.summary'] ?? '', /Replication not observed/);
  });

  test('Apache Cloudberry gpstate -f is recognised as Cloudberry', async () => {
    const shown = await open('outputs', 'cbdb_gpstate-f_streaming_sync_RECONSTRUCTED.txt');
    assert.match(shown['subtitle'] ?? '', /Apache Cloudberry · coordinator vocabulary/);
    assert.strictEqual(shown['verdict.health'], 'Healthy');
  });

  test('the palette flow reads the clipboard: the first quick pick choice, accepted with the keyboard command', async () => {
    const a = await api();
    const text = new TextDecoder().decode(
      await vscode.workspace.fs.readFile(fixture('outputs', 'gp7_gpstate-f_standby_down_RECONSTRUCTED.txt')),
    );
    await vscode.env.clipboard.writeText(text);
    assert.strictEqual(await vscode.env.clipboard.readText(), text, 'the clipboard does not hold the fixture');
    const running = vscode.commands.executeCommand<Outcome>('greenplumCoordinator.openGpstateOutput');
    await new Promise(r => setTimeout(r, 1000)); // the quick pick opens with "Paste from the clipboard" selected
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const outcome = await running;
    assert.strictEqual(outcome?.ok, true, outcome?.message);
    const shown = await a.readPanel(a.savedOutputPanelKey);
    assert.strictEqual(shown['title'], 'Clipboard');
    assert.strictEqual(shown['verdict.headline'], 'Standby on scdw is not running');
  });

  test('text that is not gpstate output is refused with a message naming it', async () => {
    const outcome = await vscode.commands.executeCommand<Outcome>('greenplumCoordinator.openGpstateOutput', {
      text: 'total 0\ndrwxr-xr-x 2 gpadmin gpadmin 6 Jan 1 backup_gpseg-1\n',
      label: 'ls.txt',
    });
    assert.strictEqual(outcome?.ok, false);
    assert.match(outcome?.message ?? '', /^ls\.txt is not a gpstate -f or gpstate -b output/);
  });

  test('the panel keeps one tab for saved outputs and its webview answers after being hidden', async () => {
    const a = await api();
    await open('outputs', 'gp6_gpstate-f_streaming_sync_REAL.txt');
    const panels = tabLabels().filter(l => l.startsWith('Greenplum: '));
    assert.strictEqual(panels.length, 1, `expected one status panel tab, found ${panels.join(', ')}`);
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await vscode.commands.executeCommand('greenplumCoordinator.showPanel');
    const shown = await a.readPanel(a.savedOutputPanelKey);
    assert.strictEqual(shown['host0.host'], 'mdw');
    assert.strictEqual(shown['host1.host'], 'smdw');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

// Lazy activation: the extension must not start with the window, only when one of its commands or views is used.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { extension } from './helpers';

interface Manifest {
  activationEvents: string[];
  contributes: { commands: Array<{ command: string; title: string; category?: string }> };
}

suite('Activation', () => {
  test('the extension is not active before one of its commands is used', async () => {
    const ext = extension();
    assert.strictEqual(
      ext.isActive,
      false,
      'the extension was activated at startup; it must wait for a command, its view or an inventory file',
    );
    const inventories = await vscode.workspace.findFiles('**/greenplum-clusters.yaml');
    assert.deepStrictEqual(
      inventories.map(u => u.fsPath),
      [],
      'the test workspace must not contain greenplum-clusters.yaml',
    );
  });

  test('the manifest has no eager activation event', () => {
    const manifest = extension().packageJSON as Manifest;
    for (const eager of ['*', 'onStartupFinished'])
      assert.ok(!manifest.activationEvents.includes(eager), `activationEvents contains ${eager}`);
    assert.ok(manifest.activationEvents.includes('workspaceContains:**/greenplum-clusters.yaml'));
  });

  test('running a command activates it and registers every contributed command', async () => {
    await vscode.commands.executeCommand('greenplumCoordinator.refresh');
    const ext = extension();
    assert.strictEqual(ext.isActive, true, 'running greenplumCoordinator.refresh did not activate the extension');
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (ext.packageJSON as Manifest).contributes.commands.map(c => c.command);
    assert.strictEqual(contributed.length, 14);
    const missing = contributed.filter(id => !registered.has(id));
    assert.deepStrictEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('the palette titles are the documented ones, all in the Greenplum category', () => {
    const commands = (extension().packageJSON as Manifest).contributes.commands;
    const titles = commands.map(c => `${c.category ?? ''}: ${c.title}`).sort();
    assert.deepStrictEqual(titles, [
      'Greenplum: Activate the Standby…',
      'Greenplum: Add Cluster…',
      'Greenplum: Check Coordinator Mirroring',
      'Greenplum: Dry Run a Procedure…',
      'Greenplum: Forget Saved Credentials',
      'Greenplum: Open Terminal on Host…',
      'Greenplum: Open gpstate Output…',
      'Greenplum: Rebuild the Standby…',
      'Greenplum: Refresh',
      'Greenplum: Restore Coordinator Mirroring…',
      'Greenplum: Return Coordinator to Original Host…',
      'Greenplum: Show Audit Log',
      'Greenplum: Show Status Panel',
      'Greenplum: Start the Standby…',
    ]);
  });
});

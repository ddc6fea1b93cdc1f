// Commands that need no cluster connection: Add Cluster writes a valid inventory entry (and refuses a duplicate),
// Forget Saved Credentials and Show Audit Log behave when there is nothing to forget or show.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { parseInventory } from '../../src/core/inventory';
import { api } from './helpers';

suite('Commands without a cluster connection', () => {
  let dir: string;
  let file: string;

  suiteSetup(async () => {
    await api();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpcoord-add-'));
    file = path.join(dir, 'greenplum-clusters.yaml');
    // An existing inventory with a comment that must survive the edit.
    fs.writeFileSync(
      file,
      '# our clusters\nversion: 1\nclusters:\n  old:\n    dataDirectory: /data/master/gpseg-1\n    hosts:\n      - name: mdw\n      - name: smdw\n',
    );
    await vscode.workspace
      .getConfiguration('greenplumCoordinator')
      .update('inventoryPaths', [file], vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace
      .getConfiguration('greenplumCoordinator')
      .update('inventoryPaths', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('Add Cluster adds a valid entry to the inventory, keeps its comments, and the tree shows it', async () => {
    const written = await vscode.commands.executeCommand<string>('greenplumCoordinator.addCluster', {
      name: 'prod-dw',
      coordinatorHost: 'cdw',
      standbyHost: 'scdw',
      dataDirectory: '/data/coordinator/gpseg-1',
      port: 5432,
      vocabulary: 'coordinator',
      product: 'greenplum',
      file,
    });
    assert.strictEqual(written, file);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.startsWith('# our clusters\n'), text);
    const parsed = parseInventory(text);
    assert.ok(parsed.ok, JSON.stringify(parsed.problems));
    const added = parsed.inventory.clusters['prod-dw'];
    assert.ok(added);
    assert.deepStrictEqual(added.hosts, [
      { name: 'cdw', role: 'coordinator' },
      { name: 'scdw', role: 'standby' },
    ]);
    assert.strictEqual(added.vocabulary, 'coordinator');
    assert.ok(parsed.inventory.clusters.old, 'the existing cluster is kept');
    const a = await api();
    const labels = (await a.tree.getChildren()).map(n => String(a.tree.getTreeItem(n).label));
    assert.deepStrictEqual(labels.sort(), ['old', 'prod-dw']);
  });

  test('Add Cluster refuses a name that exists, saying which file and what to do', async () => {
    const before = fs.readFileSync(file, 'utf8');
    const errors: string[] = [];
    const result = await vscode.commands
      .executeCommand<string | undefined>('greenplumCoordinator.addCluster', {
        name: 'old',
        coordinatorHost: 'cdw',
        standbyHost: 'scdw',
        dataDirectory: '/data/coordinator/gpseg-1',
        port: 5432,
        vocabulary: 'auto',
        file,
      })
      .then(
        r => r,
        (e: unknown) => {
          errors.push(String(e));
          return undefined;
        },
      );
    assert.strictEqual(result, undefined, 'nothing is written for a duplicate name');
    assert.strictEqual(fs.readFileSync(file, 'utf8'), before);
    assert.deepStrictEqual(errors, [], 'the command reports the problem to the user instead of throwing');
  });

  test('Forget Saved Credentials with nothing saved forgets nothing', async () => {
    assert.strictEqual(await vscode.commands.executeCommand<number>('greenplumCoordinator.forgetCredentials'), 0);
  });
});

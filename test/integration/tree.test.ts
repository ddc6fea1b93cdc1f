// The Clusters view with a typo in the inventory: the clusters that validate stay, the broken one alone shows its
// problem, and an unsaved half-typed line in the editor counts as it is typed.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ClusterTreeNode } from '../../src/extension/tree/cluster-tree';
import { api, waitFor } from './helpers';

const INVENTORY = `clusters:
  good:
    dataDirectory: /data/coordinator/gpseg-1
    hosts:
      - name: cdw
      - name: scdw
  typo:
    dataDirectory: /data/coordinator/gpseg-1
    port: 54x
    hosts:
      - name: tcdw
      - name: tscdw
  other:
    dataDirectory: /data/master/gpseg-1
    hosts:
      - name: mdw
      - name: smdw
`;

suite('Clusters view: one broken cluster', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpcoord-tree-'));
  const file = path.join(dir, 'greenplum-clusters.yaml');
  const config = () => vscode.workspace.getConfiguration('greenplumCoordinator');

  suiteSetup(async () => {
    fs.writeFileSync(file, INVENTORY);
    await config().update('inventoryPaths', [file], vscode.ConfigurationTarget.Global);
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await config().update('inventoryPaths', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function roots(): Promise<Array<{ label: string; description: string; node: ClusterTreeNode }>> {
    const a = await api();
    a.tree.refresh();
    const nodes = await a.tree.getChildren();
    return nodes.map(node => {
      const item = a.tree.getTreeItem(node);
      return {
        label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
        description: String(item.description ?? ''),
        node,
      };
    });
  }

  test('a wrong port in one cluster leaves the other two in the tree and lists the problem under that cluster only', async () => {
    const shown = await waitFor('the three clusters', async () => {
      const r = await roots();
      return r.some(x => x.label === 'typo') ? r : undefined;
    });
    assert.deepStrictEqual(
      shown.filter(x => x.node.type === 'cluster').map(x => x.label),
      ['good', 'other'],
    );
    const broken = shown.filter(x => x.node.type === 'inventoryProblem');
    assert.deepStrictEqual(
      broken.map(x => x.label),
      ['typo'],
    );
    assert.match(broken[0]!.description, /^line 9: port: needs a number, found a text value/);
  });

  test('an unsaved half-typed line breaks only the cluster it is in, as it is typed', async () => {
    const document = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(document);
    const fixed = INVENTORY.replace('port: 54x', 'port: 5433');
    const halfTyped = fixed.replace('      - name: smdw\n', '      - name: smdw\n    por\n');
    await editor.edit(e =>
      e.replace(new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), halfTyped),
    );
    assert.ok(document.isDirty, 'the edit is not saved');
    const shown = await waitFor('the tree to follow the unsaved text', async () => {
      const r = await roots();
      return r.some(x => x.label === 'other' && x.node.type === 'inventoryProblem') ? r : undefined;
    });
    assert.deepStrictEqual(
      shown.filter(x => x.node.type === 'cluster').map(x => x.label),
      ['good', 'typo'],
    );
  });
});

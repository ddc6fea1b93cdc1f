// The language server in the real extension host: the client starts it when an inventory opens, its diagnostics
// reach VS Code's Problems, and completion at a host's ssh: value offers the ssh config's aliases.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { fixture, fixturesDir, waitFor } from './helpers';

const SECTION = 'greenplumCoordinator';
const label = (i: vscode.CompletionItem): string => (typeof i.label === 'string' ? i.label : i.label.label);
const ours = (uri: vscode.Uri): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(uri).filter(d => d.source === 'greenplum');
const text = (doc: vscode.TextDocument, d: vscode.Diagnostic): string => doc.getText(d.range);

suite('Language server', () => {
  let previousSshConfig: string | undefined;

  suiteSetup(async () => {
    const config = vscode.workspace.getConfiguration(SECTION);
    previousSshConfig = config.inspect<string>('sshConfigPath')?.globalValue;
    // A fixture ssh config (with an Include) instead of the user's ~/.ssh/config.
    await config.update('sshConfigPath', `${fixturesDir()}/language/ssh_config`, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace
      .getConfiguration(SECTION)
      .update('sshConfigPath', previousSshConfig, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('opening an inventory with mistakes shows its diagnostics at the exact ranges', async () => {
    const uri = fixture('language', 'broken.greenplum.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor(
      'the inventory diagnostics',
      () => {
        const d = ours(uri);
        return d.length >= 5 ? d : undefined;
      },
      20000,
    );
    const byText = new Map(diags.map(d => [text(doc, d), d]));
    const rel = byText.get('data/coordinator/gpseg-1');
    assert.ok(rel, JSON.stringify(diags.map(d => [text(doc, d), d.message])));
    assert.strictEqual(rel.severity, vscode.DiagnosticSeverity.Error);
    assert.deepStrictEqual([rel.range.start.line, rel.range.start.character, rel.range.end.character], [4, 19, 43]);
    assert.match(rel.message, /must be an absolute path/);
    assert.strictEqual(byText.get('prot')?.message, 'Unknown key "prot" in a cluster: did you mean "port"?');
    assert.ok(byText.get('coordinatr'), 'the misspelled role');
    const alias = byText.get('scwd');
    assert.ok(alias, 'the ssh alias missing from the ssh config');
    assert.strictEqual(alias.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(alias.message, /language\/ssh_config; .*Did you mean "scdw"\?/);
    assert.ok(
      diags.some(d => d.code === 'same-instance'),
      'stg1 and stg2 are the same machine',
    );
  });

  test('the misspelled key has a quick fix to the nearest key', async () => {
    const uri = fixture('language', 'broken.greenplum.yaml');
    const prot = ours(uri).find(d => d.code === 'unknown-key');
    assert.ok(prot);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      prot.range,
    );
    const fix = actions.find(a => a.title === 'Change "prot" to "port"');
    assert.ok(fix, actions.map(a => a.title).join(', '));
    assert.strictEqual(fix.isPreferred, true);
    const edits = fix.edit?.get(uri) ?? [];
    assert.deepStrictEqual(
      edits.map(e => e.newText),
      ['port'],
    );
  });

  test("completion at a host's ssh: value offers the ssh config aliases, including the included file's", async () => {
    const uri = fixture('language', 'broken.greenplum.yaml');
    // Line 12 (0-based 11) is "        ssh: scwd"; the cursor after "scwd".
    const list = await waitFor('ssh alias completions', async () => {
      const l = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        uri,
        new vscode.Position(11, 17),
      );
      return l.items.some(i => label(i) === 'bastion') ? l : undefined;
    });
    const labels = list.items.map(label);
    for (const alias of ['cdw', 'scdw', 'scdw-alias', 'bastion'])
      assert.ok(labels.includes(alias), `${alias} missing from ${labels.join(', ')}`);
    const cdw = list.items.find(i => label(i) === 'cdw');
    assert.strictEqual(cdw?.detail, 'ssh: HostName 127.0.10.1, User gpadmin, Port 2222');
  });

  test('the utilitiesRelease setting reaches the server: gpstop -c is reported for Greenplum 6', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'shellscript', content: 'gpstop -c -a\n' });
    await vscode.window.showTextDocument(doc);
    const config = vscode.workspace.getConfiguration(SECTION);
    const previous = config.inspect<string>('utilitiesRelease')?.globalValue;
    try {
      await config.update('utilitiesRelease', '6', vscode.ConfigurationTarget.Global);
      const [d] = await waitFor(
        'the release diagnostic',
        () => {
          const found = ours(doc.uri).filter(x => x.code === 'option-not-in-release');
          return found.length ? found : undefined;
        },
        20000,
      );
      assert.strictEqual(text(doc, d!), '-c');
      assert.match(d!.message, /does not exist in Greenplum 6/);
    } finally {
      await config.update('utilitiesRelease', previous, vscode.ConfigurationTarget.Global);
    }
    await waitFor(
      'the diagnostic to go once the release is auto again',
      () => (ours(doc.uri).length === 0 ? true : undefined),
      20000,
    );
    // An unsaved untitled editor would ask whether to save it when the editors are closed.
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a Markdown runbook gets diagnostics for the utilities in its shell blocks', async () => {
    const uri = fixture('language', 'runbook.md');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor(
      'the runbook diagnostics',
      () => {
        const d = ours(uri);
        return d.length >= 2 ? d : undefined;
      },
      20000,
    );
    assert.deepStrictEqual(
      diags.map(d => [d.code, text(doc, d), d.range.start.line]),
      [
        ['unknown-option', '-Z', 13],
        ['dangerous-option', '-r', 19],
      ],
    );
    const hover = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      new vscode.Position(19, 3),
    );
    const md = hover
      .flatMap(h => h.contents)
      .map(c => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(md, /\*\*gpinitstandby\*\*/);
  });
});

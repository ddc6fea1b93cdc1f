// The language server over the real LSP protocol, in its own process: what an editor sees.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, MarkupContent, Range } from 'vscode-languageserver-protocol/node';
import { LspClient } from './lsp-client';

const FIXTURES = resolve(__dirname, '../../fixtures/workspace/language');
const fixture = (name: string): { uri: string; text: string } => ({
  uri: pathToFileURL(join(FIXTURES, name)).toString(),
  text: readFileSync(join(FIXTURES, name), 'utf8'),
});
const rangeText = (text: string, r: Range): string => {
  const lines = text.split('\n');
  if (r.start.line !== r.end.line) return `${lines[r.start.line]!.slice(r.start.character)}…`;
  return lines[r.start.line]!.slice(r.start.character, r.end.character);
};
const find = (diags: Diagnostic[], code: string): Diagnostic => {
  const d = diags.find(x => x.code === code);
  assert.ok(d, `no ${code} in ${JSON.stringify(diags.map(x => x.code))}`);
  return d;
};
const msg = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const r = (line: number, start: number, end: number): Range => ({
  start: { line, character: start },
  end: { line, character: end },
});

describe('language server over LSP', function () {
  let client: LspClient;
  let startMs = 0;

  before(async () => {
    const started = await LspClient.start({ sshConfigPath: join(FIXTURES, 'ssh_config') });
    client = started.client;
    startMs = started.startMs;
    assert.equal(started.result.capabilities.hoverProvider, true);
    assert.deepEqual(started.result.capabilities.completionProvider?.triggerCharacters, ['-', ' ', ':']);
    assert.deepEqual(started.result.capabilities.codeActionProvider, { codeActionKinds: ['quickfix'] });
    assert.equal(started.result.capabilities.textDocumentSync, 2);
  });

  after(async () => {
    if (client) assert.equal(await client.stop(), 0, 'the server exits with 0 after shutdown and exit');
  });

  it('starts and answers initialize', () => {
    // Reported, not asserted: the bench measures start time on the built bundle.
    console.log(`      (initialize answered ${startMs.toFixed(0)} ms after spawn)`);
    assert.ok(startMs > 0);
  });

  describe('inventory', () => {
    const { uri, text } = fixture('broken.greenplum.yaml');
    let diags: Diagnostic[] = [];
    before(async () => {
      diags = await client.open(uri, 'yaml', text);
    });

    it('publishes the schema problems at the exact range of the value or key', () => {
      const rel = diags.find(d => rangeText(text, d.range) === 'data/coordinator/gpseg-1')!;
      assert.deepEqual(rel.range, r(4, 19, 43));
      assert.equal(rel.severity, 1);
      assert.equal(rel.source, 'greenplum');
      assert.match(msg(rel), /clusters\.prod\.dataDirectory: must be an absolute path/);
      const key = find(diags, 'unknown-key');
      assert.deepEqual(key.range, r(5, 4, 8));
      assert.equal(msg(key), 'Unknown key "prot" in a cluster: did you mean "port"?');
      const role = diags.find(d => rangeText(text, d.range) === 'coordinatr')!;
      assert.deepEqual(role.range, r(9, 14, 24));
    });

    it('publishes the semantic problems: unknown ssh alias, one machine used as coordinator and standby', () => {
      const alias = find(diags, 'ssh-alias-unknown');
      assert.deepEqual(alias.range, r(11, 13, 17));
      assert.equal(alias.severity, 2);
      assert.match(msg(alias), /ssh alias "scwd" is not a Host in .*ssh_config; .*Did you mean "scdw"\?/);
      const same = find(diags, 'same-instance');
      assert.deepEqual(same.range, r(18, 13, 16));
      assert.match(msg(same), /"stg2" and "stg1" are the same host \(127\.0\.10\.1\)/);
      assert.equal(diags.length, 5, JSON.stringify(diags.map(msg)));
    });

    it('offers the certain quick fixes: the nearest key, the nearest alias', async () => {
      const [fix] = await client.codeActions(uri, [find(diags, 'unknown-key')]);
      assert.equal(fix!.title, 'Change "prot" to "port"');
      assert.equal(fix!.kind, 'quickfix');
      assert.equal(fix!.isPreferred, true);
      assert.deepEqual(fix!.edit?.changes?.[uri], [{ range: r(5, 4, 8), newText: 'port' }]);
      const [alias] = await client.codeActions(uri, [find(diags, 'ssh-alias-unknown')]);
      assert.deepEqual(alias!.edit?.changes?.[uri], [{ range: r(11, 13, 17), newText: 'scdw' }]);
      assert.deepEqual(
        await client.codeActions(uri, [find(diags, 'same-instance')]),
        [],
        'no guess where the fix is not certain',
      );
    });

    it('completes host keys at a host position and ssh aliases at ssh: values', async () => {
      // On the key of "ssh: scwd": the other host keys, not the ones this host already has, nor cluster keys.
      const keys = await client.completion(uri, 11, 8);
      const labels = keys.map(k => k.label);
      assert.ok(
        labels.includes('role') && labels.includes('user') && !labels.includes('hosts') && !labels.includes('name'),
        labels.join(),
      );
      const role = keys.find(k => k.label === 'role')!;
      assert.deepEqual(role.textEdit, { range: r(11, 8, 11), newText: 'role' }, 'only the key is replaced');
      assert.match((role.documentation as MarkupContent).value, /role: coordinator/);
      const aliases = await client.completion(uri, 11, 17);
      assert.deepEqual(
        aliases.map(a => a.label),
        ['cdw', 'scdw', 'scdw-alias', 'bastion'],
      );
      assert.deepEqual(aliases[0]!.textEdit, { range: r(11, 13, 17), newText: 'cdw' });
      assert.equal(aliases[3]!.detail, 'ssh: HostName 127.0.10.9, User jump');
    });

    it('completes cluster keys at cluster level', async () => {
      const labels = (await client.completion(uri, 6, 4)).map(k => k.label);
      assert.ok(
        labels.includes('port') &&
          labels.includes('gphome') &&
          !labels.includes('dataDirectory') &&
          !labels.includes('name'),
        labels.join(),
      );
    });

    it('documents keys on hover', async () => {
      const h = await client.hover(uri, 4, 8);
      assert.deepEqual(h!.range, r(4, 4, 17));
      assert.match((h!.contents as MarkupContent).value, /^\*\*dataDirectory\*\* \(cluster, required\)/);
      const s = await client.hover(uri, 8, 15);
      assert.match(
        (s!.contents as MarkupContent).value,
        /Host cdw.*\n\nHostName 127\.0\.10\.1, User gpadmin, Port 2222/,
      );
    });

    it('re-checks after a change and publishes only for the newest version of a burst', async () => {
      const fixed = text
        .replace('data/coordinator', '/data/coordinator')
        .replace('prot:', 'port:')
        .replace('coordinatr', 'coordinator')
        .replace('scwd', 'scdw');
      // A quiet time makes the coalescing deterministic here; by default edits are coalesced while a check runs.
      await client.configure({ diagnosticsDelayMs: 300, sshConfigPath: join(FIXTURES, 'ssh_config') });
      const before = client.published.length;
      const first = await client.changeNoWait(uri, fixed + '#1\n');
      await client.changeNoWait(uri, fixed + '#2\n');
      const last = await client.changeNoWait(uri, fixed);
      const p = await client.diagnostics(uri, last);
      await client.configure({ diagnosticsDelayMs: 0, sshConfigPath: join(FIXTURES, 'ssh_config') });
      // What is left: stg2 reaches the same machine as stg1, and both are prod's cdw instance once prod is fixed.
      assert.deepEqual(
        p.diagnostics.map(d => d.code),
        ['same-instance', 'instance-in-two-clusters', 'instance-in-two-clusters'],
      );
      assert.deepEqual(
        client.published
          .slice(before)
          .filter(x => x.uri === uri && (x.version ?? 0) >= first)
          .map(x => x.version),
        [last],
        'the burst was checked once',
      );
    });

    it('follows a change of the ssh config setting', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gpcoord-ls-'));
      writeFileSync(join(dir, 'config'), 'Host scdx\n  HostName 10.1.1.1\nHost mdw\n  HostName 10.1.1.2\n');
      const onLine11 = (ds: Diagnostic[]) => ds.find(d => d.code === 'ssh-alias-unknown' && d.range.start.line === 11);
      const wait = client.until(uri, ds => !!onLine11(ds));
      await client.configure({ sshConfigPath: join(dir, 'config') });
      const alias = onLine11(await wait)!;
      assert.match(
        msg(alias),
        new RegExp(`ssh alias "scdw" is not a Host in ${join(dir, 'config')}; .*Did you mean "scdx"\\?`),
      );
      await client.configure({ sshConfigPath: join(FIXTURES, 'ssh_config') });
    });
  });

  describe('shell scripts', () => {
    const { uri, text } = fixture('restore.sh');
    let diags: Diagnostic[] = [];
    before(async () => {
      diags = await client.open(uri, 'shellscript', text);
    });

    it('flags rm -rf of the data directory inside ssh quotes, with the mv fix', async () => {
      const rm = find(diags, 'rm-data-directory');
      assert.deepEqual(rm.range, r(3, 9, 41));
      assert.equal(rm.severity, 2);
      const [fix] = await client.codeActions(uri, [rm]);
      assert.deepEqual(fix!.edit?.changes?.[uri], [
        { range: r(3, 9, 41), newText: 'mv -T /data/coordinator/gpseg-1 /data/coordinator/backup_gpseg-1' },
      ]);
    });

    it('flags -s with -n at the later option', () => {
      const ex = find(diags, 'exclusive-options');
      assert.deepEqual(ex.range, r(4, 21, 23));
      assert.match(msg(ex), /Options -s and -n cannot be specified together/);
      assert.equal(diags.length, 2);
    });

    it('completes options with documentation and hovers on utilities and options', async () => {
      // After "gpstate -": every option of gpstate, in table order, replacing the "-".
      const items = await client.completion(uri, 5, 9);
      assert.deepEqual(items.map(i => i.label).slice(0, 3), ['-f', '-b', '-s']);
      assert.deepEqual(items[0]!.textEdit, { range: r(5, 8, 9), newText: '-f' });
      assert.match((items[0]!.documentation as MarkupContent).value, /WAL sender state/);
      const h = await client.hover(uri, 4, 3);
      assert.match(
        (h!.contents as MarkupContent).value,
        /^\*\*gpinitstandby\*\* — Adds, starts or removes the standby/,
      );
      const f = await client.hover(uri, 5, 9);
      assert.deepEqual(f!.range, r(5, 8, 10));
      assert.match((f!.contents as MarkupContent).value, /standby coordinator \(master\) details/);
    });

    it("offers the ssh config's hosts after gpinitstandby -s", async () => {
      const u = 'untitled:hosts-test.sh';
      await client.open(u, 'shellscript', 'gpinitstandby -s \n');
      const items = await client.completion(u, 0, 17);
      assert.deepEqual(
        items.map(i => i.label),
        ['cdw', 'scdw', 'scdw-alias', 'bastion'],
      );
      assert.equal(items[0]!.detail, 'ssh config Host (HostName 127.0.10.1)');
    });

    it('applies the release setting: gpstop -c is an error for Greenplum 6', async () => {
      const u = 'untitled:release-test.sh';
      assert.deepEqual(await client.open(u, 'shellscript', 'gpstop -c -a\n'), []);
      const wait = client.diagnostics(u);
      await client.configure({ utilitiesRelease: '6', sshConfigPath: join(FIXTURES, 'ssh_config') });
      const p = await wait;
      assert.equal(p.diagnostics.length, 1);
      assert.equal(p.diagnostics[0]!.code, 'option-not-in-release');
      assert.deepEqual(p.diagnostics[0]!.range, r(0, 7, 9));
      const [fix] = await client.codeActions(u, p.diagnostics);
      assert.equal(fix!.edit?.changes?.[u]?.[0]?.newText, '-m');
      await client.configure({ utilitiesRelease: 'auto', sshConfigPath: join(FIXTURES, 'ssh_config') });
    });
  });

  describe('markdown runbooks', () => {
    const { uri, text } = fixture('runbook.md');
    let diags: Diagnostic[] = [];
    before(async () => {
      diags = await client.open(uri, 'markdown', text);
    });

    it('checks the fenced shell blocks only, at their lines in the document', () => {
      assert.deepEqual(
        diags.map(d => [d.code, rangeText(text, d.range), d.range.start.line]),
        [
          ['unknown-option', '-Z', 13],
          ['dangerous-option', '-r', 19],
        ],
      );
    });

    it('completes options inside a console block after the prompt', async () => {
      const line = text.split('\n')[11]!;
      const items = await client.completion(uri, 11, line.indexOf('-a'));
      assert.ok(
        items.some(i => i.label === '-q'),
        items.map(i => i.label).join(),
      );
      assert.deepEqual(await client.completion(uri, 12, 70), [], 'nothing in output lines');
    });
  });
});

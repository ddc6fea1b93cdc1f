// The crafted documents that once stalled the server for seconds to minutes, over the real LSP: each is answered,
// a document past the analysis cap gets one diagnostic saying so (and no hover or completion work), and a burst of
// edits never publishes the findings of an older version after a newer one.
import assert from 'node:assert/strict';
import { LspClient } from './lsp-client';

describe('language server on hostile documents (LSP)', function () {
  this.timeout(120000);
  let client: LspClient;

  before(async () => {
    client = (await LspClient.start()).client;
  });
  after(async () => {
    if (client) assert.equal(await client.stop(), 0);
  });

  it('diagnoses a CRLF Markdown line of 6,000 ~, rm -rf + 100,000 / and bash -ccc…', async () => {
    const md = '# Runbook\r\n\r\n```bash\r\nrm -rf /data/coordinator/gpseg-1\r\n' + '~'.repeat(6000) + '\r\n```\r\n';
    assert.deepEqual(
      (await client.open('file:///h/runbook.md', 'markdown', md)).map(d => d.code),
      ['rm-data-directory'],
    );
    assert.deepEqual(
      await client.open('file:///h/slashes.sh', 'shellscript', 'rm -rf ' + '/'.repeat(100000) + 'x\n'),
      [],
    );
    assert.deepEqual(await client.open('file:///h/ccc.sh', 'shellscript', 'bash -' + 'c'.repeat(100000) + '1 x\n'), []);
  });

  it('answers hover on a YAML line of 100,000 spaces', async () => {
    const text = `clusters:\n  prod:\n    port:${' '.repeat(100000)}x\n`;
    await client.open('file:///h/spaces.greenplum-clusters.yaml', 'yaml', text);
    const hover = await client.hover('file:///h/spaces.greenplum-clusters.yaml', 2, 5);
    assert.match(JSON.stringify(hover?.contents), /port/i);
  });

  it('does not analyse a document past 2 MiB, and says so', async () => {
    const uri = 'file:///h/huge.sh';
    const diags = await client.open(uri, 'shellscript', 'gpinitstandby -r\n' + '#'.repeat(3 * 1024 * 1024) + '\n');
    assert.deepEqual(
      diags.map(d => d.code),
      ['too-large'],
    );
    assert.match(String(diags[0]!.message), /3\.0 MiB; documents over 2 MiB are not analysed .*Split it/);
    assert.equal(await client.hover(uri, 0, 3), null);
    assert.deepEqual(await client.completion(uri, 0, 3), []);
  });

  it('publishes no findings of an older version once a newer one was published', async () => {
    const uri = 'file:///h/burst.sh';
    await client.open(uri, 'shellscript', 'gpstate -f\n');
    const before = client.published.length;
    let last = 0;
    for (let i = 0; i < 8; i++) last = await client.changeNoWait(uri, `gpinitstandby -r\n${'x'.repeat(20000 * i)}\n`);
    await client.diagnostics(uri, last);
    const versions = client.published
      .slice(before)
      .filter(p => p.uri === uri)
      .map(p => p.version ?? 0);
    assert.equal(versions[versions.length - 1], last);
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
      `versions published out of order: ${versions.join(', ')}`,
    );
  });
});

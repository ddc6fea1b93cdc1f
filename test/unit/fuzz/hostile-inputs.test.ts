// The crafted inputs that once took seconds to minutes (hostile-inputs.ts), at bounded sizes and with seeded
// variations, through the real parsers and analyses: each is answered (no throw) with what its content calls for.
// Their time is measured by `npm run bench -- hostile`, never here.
import assert from 'node:assert/strict';
import { parseInventory } from '../../../src/core/inventory';
import { parseOutput } from '../../../src/core/parsers';
import type { GpstateFResult } from '../../../src/core/parsers';
import { analyzeInventory } from '../../../src/language-server/inventory/analyze';
import { inventoryHover } from '../../../src/language-server/inventory/assist';
import { maskMarkdown } from '../../../src/language-server/markdown';
import { analyzeShell } from '../../../src/language-server/utilities/analyze';
import { int, pick, prng } from './generators';
import { HOSTILE_INPUTS } from './hostile-inputs';

/** Small enough for the unit suite on a shared machine; the bench runs the measured sizes. */
const SIZE = Number(process.env.HOSTILE_SIZE ?? 2000);
const CASES = Number(process.env.HOSTILE_CASES ?? 40);
const FILLERS = ['\t', ' ', '~', '`', '/', 'c', '-', '\r', '\u2028', '\u00a0', ':', '#', '\\', '"', "'"];

describe('hostile inputs (bounded sizes)', () => {
  for (const h of HOSTILE_INPUTS) {
    it(`${h.name}: answered at ${SIZE} and its benign twin too`, () => {
      assert.ok(h.run(h.hostile(SIZE)) !== undefined || h.name.includes('hover'));
      h.run(h.benign(SIZE));
    });
  }

  it('gpstate -f keeps the field value after a long run of blanks', () => {
    const fixture = HOSTILE_INPUTS[0]!;
    const r = parseOutput('gpstate-f', fixture.hostile(SIZE));
    assert.ok(r.recognized);
    const row = (r.result as GpstateFResult).replication?.[0];
    assert.equal(row?.syncState, 'x\u2028y');
  });

  it('a CRLF Markdown runbook: its bash block is analysed (rm -rf of a data directory is flagged)', () => {
    const md = '# Runbook\r\n\r\n```bash\r\nrm -rf /data/coordinator/gpseg-1\r\n```\r\n' + '~'.repeat(SIZE) + '\r\n';
    const findings = analyzeShell(maskMarkdown(md)).findings;
    assert.deepEqual(
      findings.map(f => f.code),
      ['rm-data-directory'],
    );
  });

  it('rm -rf with trailing slashes after a data directory is still flagged', () => {
    const findings = analyzeShell(`rm -rf /data/coordinator/gpseg-1${'/'.repeat(SIZE)}\n`).findings;
    assert.deepEqual(
      findings.map(f => f.code),
      ['rm-data-directory'],
    );
  });

  it('bash -cx runs its argument as a command; bash -ccc…1 is not an option word with c', () => {
    assert.equal(analyzeShell("bash -xc 'rm -rf /data/coordinator/gpseg-1'\n").findings.length, 1);
    assert.equal(analyzeShell(`bash -${'c'.repeat(SIZE)}1 'rm -rf /data/coordinator/gpseg-1'\n`).findings.length, 0);
  });

  it('hover on a key whose line ends in a long run of blanks still documents the key', () => {
    const text = `clusters:\n  prod:\n    port: 5432${' '.repeat(SIZE)}# the port\n`;
    const h = inventoryHover(text, text.indexOf('port') + 1, () => undefined);
    assert.ok(h?.markdown.includes('port'));
  });

  it('an inventory with many keys is checked in full (every bad cluster reported once)', () => {
    const n = Math.min(SIZE, 2000);
    const text = `clusters:\n${Array.from({ length: n }, (_, i) => `  k${i}: 1`).join('\n')}\n`;
    const r = parseInventory(text);
    assert.equal(r.ok, false);
    assert.equal(r.problems.length, n);
    assert.equal(analyzeInventory(text).length, n);
  });

  it('duplicate keys: every repeat is reported, with the line of the first', () => {
    const n = Math.min(SIZE, 500);
    const text = `clusters:\n${Array.from({ length: n }, () => '  k: 1').join('\n')}\n`;
    const r = parseInventory(text);
    assert.equal(r.problems.filter(p => /must be unique/.test(p.message)).length, n - 1);
    const dups = analyzeInventory(text).filter(f => f.code === 'duplicate-cluster');
    assert.equal(dups.length, n - 1);
    assert.ok(dups.every(f => f.message.includes('first on line 2')));
  });

  it('an inventory past the size cap is refused with the limit and what to do, before YAML reads it', () => {
    const r = parseInventory(`clusters:\n${'#'.repeat(130 * 1024)}\n`, 'big.yaml');
    assert.equal(r.ok, false);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]!.message, /larger than 128 KiB.*right file.*split/);
    assert.equal(r.problems[0]!.file, 'big.yaml');
  });

  it(`seeded variations: ${CASES} runs of repeated characters spliced into each input`, () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const r = prng(seed);
      const h = pick(r, HOSTILE_INPUTS);
      const base = h.benign(int(r, 200) + 10);
      const at = int(r, base.length);
      const run = pick(r, FILLERS).repeat(int(r, SIZE) + 1) + pick(r, FILLERS);
      const text = base.slice(0, at) + run + base.slice(at);
      try {
        h.run(text);
      } catch (e) {
        assert.fail(`seed ${seed} (${h.name}) threw ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  });
});

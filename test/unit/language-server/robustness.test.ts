// Seeded mutations of the fixtures: every analysis answers at every offset without throwing, in bounded time.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeInventory } from '../../../src/language-server/inventory/analyze';
import { inventoryCompletions, inventoryHover } from '../../../src/language-server/inventory/assist';
import { maskMarkdown } from '../../../src/language-server/markdown';
import { readSshHosts } from '../../../src/language-server/ssh-config';
import { analyzeShell, shellCompletions, shellHover } from '../../../src/language-server/utilities/analyze';

const FIXTURES = resolve(__dirname, '../../fixtures/workspace/language');
const read = (f: string): string => readFileSync(join(FIXTURES, f), 'utf8');
const ssh = readSshHosts(join(FIXTURES, 'ssh_config'));

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "'",
  '"',
  '\\',
  '\n',
  '\\\n',
  ' ',
  '-',
  '--',
  ':',
  '- ',
  '  ',
  '#',
  '$(',
  '`',
  '<<EOF\n',
  '|',
  '&&',
  ';',
  '{',
  '[',
  ']',
  '}',
  'gpinitstandby',
  'ssh',
  '-s',
  '-r',
  'hosts:',
  'name:',
  'clusters:',
  '```bash\n',
  '```\n',
  '\t',
  '\r\n',
  'é',
  '\u0000',
];

function mutate(text: string, random: () => number): string {
  let t = text;
  const n = 1 + Math.floor(random() * 6);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(random() * (t.length + 1));
    const op = random();
    if (op < 0.4) t = t.slice(0, at) + PIECES[Math.floor(random() * PIECES.length)] + t.slice(at);
    else if (op < 0.7) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(random() * 8));
    else t = t.slice(0, at) + t.slice(Math.floor(random() * t.length), Math.floor(random() * t.length)) + t.slice(at);
  }
  return t;
}

describe('language analyses on mutated input', () => {
  const cases: Array<[string, (text: string, offset: number) => void, (text: string) => void]> = [
    [
      'broken.greenplum.yaml',
      (t, o) => {
        inventoryCompletions(t, o, () => ssh);
        inventoryHover(t, o, () => ssh);
      },
      t => analyzeInventory(t, { sshHosts: () => ssh }),
    ],
    [
      'restore.sh',
      (t, o) => {
        shellCompletions(t, o);
        shellHover(t, o);
      },
      t => analyzeShell(t),
    ],
    [
      'runbook.md',
      (t, o) => {
        const m = maskMarkdown(t);
        assert.equal(m.length, t.length);
        shellCompletions(m, o);
        shellHover(m, o);
      },
      t => analyzeShell(maskMarkdown(t)),
    ],
  ];
  for (const [file, atOffset, whole] of cases) {
    it(`${file}: 150 mutations, offsets all through, no exception`, () => {
      const random = rng(file.length * 7919);
      const base = read(file);
      for (let i = 0; i < 150; i++) {
        const text = mutate(base, random);
        try {
          whole(text);
          for (let o = 0; o <= text.length; o += 1 + Math.floor(random() * 8)) atOffset(text, o);
        } catch (e) {
          assert.fail(
            `case ${i} threw ${e instanceof Error ? e.stack : String(e)}\n--- input ---\n${JSON.stringify(text)}`,
          );
        }
      }
    });
  }

  it('findings always lie inside the text', () => {
    const random = rng(42);
    for (let i = 0; i < 200; i++) {
      const text = mutate(read('restore.sh') + read('broken.greenplum.yaml'), random);
      for (const f of [...analyzeShell(text).findings, ...analyzeInventory(text, { sshHosts: () => ssh })]) {
        assert.ok(
          f.start >= 0 && f.start <= f.end && f.end <= text.length,
          `${f.code} [${f.start}, ${f.end}) outside ${text.length}`,
        );
      }
    }
  });
});

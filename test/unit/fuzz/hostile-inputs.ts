// Crafted inputs that once made a parser or an analysis backtrack or loop for seconds to minutes, each with the
// size that was measured and a benign input of the same size to compare with. The fuzz test runs them (and seeded
// variations) at bounded sizes and checks what is answered; `npm run bench -- hostile` times them at full size
// against their benign twins.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInventory } from '../../../src/core/inventory';
import { parseOutput } from '../../../src/core/parsers';
import { analyzeInventory } from '../../../src/language-server/inventory/analyze';
import { inventoryHover } from '../../../src/language-server/inventory/assist';
import { maskMarkdown } from '../../../src/language-server/markdown';
import { analyzeShell } from '../../../src/language-server/utilities/analyze';

export interface HostileInput {
  name: string;
  /** What it cost before it was made linear, as measured then. */
  before: string;
  /** The repeat count of the measured input. */
  fullSize: number;
  hostile(n: number): string;
  /** Same length, nothing crafted. */
  benign(n: number): string;
  /** The work under test; returns something to check. */
  run(text: string): unknown;
}

const FIXTURE = join(__dirname, '../../fixtures/reference/gp6-lab-capture/01-gpstate-f.txt');
let gpstateF: string | undefined;

/** The real `gpstate -f` capture with its `Sync state:` line replaced by `line`. */
function withSyncStateLine(value: string): string {
  gpstateF ??= readFileSync(FIXTURE, 'utf8');
  const lines = gpstateF.split('\n');
  const i = lines.findIndex(l => l.includes('Sync state'));
  const prefix = lines[i]!.slice(0, lines[i]!.indexOf('Sync state'));
  lines[i] = `${prefix}Sync state:${value}`;
  return lines.join('\n');
}

const keys = (n: number, key: (i: number) => string): string =>
  `clusters:\n${Array.from({ length: n }, (_, i) => `  ${key(i)}: 1`).join('\n')}\n`;
const noHosts = (): undefined => undefined;
/** A line of the port key of a host, `width` characters long. */
const yamlLine = (fill: string, n: number): string => `clusters:\n  prod:\n    port:${fill.repeat(n)}x\n`;

export const HOSTILE_INPUTS: readonly HostileInput[] = [
  {
    name: 'gpstate -f: Sync state: + tabs + x\\u2028y',
    before: '53 s (160,000 tabs)',
    fullSize: 160_000,
    hostile: n => withSyncStateLine('\t'.repeat(n) + 'x\u2028y'),
    benign: n => withSyncStateLine(' sync' + 'x'.repeat(n)),
    run: text => parseOutput('gpstate-f', text),
  },
  {
    name: 'inventory: 40,000 cluster keys (load)',
    before: '91 s',
    fullSize: 40_000,
    hostile: n => keys(n, i => `k${i}`),
    benign: n => `clusters:\n  prod:\n    description: "${'d'.repeat(n * 9)}"\n`,
    run: text => parseInventory(text),
  },
  {
    name: 'inventory: 40,000 cluster keys (language server)',
    before: '23 s',
    fullSize: 40_000,
    hostile: n => keys(n, i => `k${i}`),
    benign: n => `clusters:\n  prod:\n    description: "${'d'.repeat(n * 9)}"\n`,
    run: text => analyzeInventory(text),
  },
  {
    name: 'inventory: 10,000 cluster keys, under the size cap (language server)',
    before: 'about 2 s (quadratic)',
    fullSize: 10_000,
    hostile: n => keys(n, i => `k${i}`),
    benign: n => `clusters:\n  prod:\n    description: "${'d'.repeat(n * 9)}"\n`,
    run: text => analyzeInventory(text),
  },
  {
    name: 'inventory: 40,000 duplicate keys (language server)',
    before: 'quadratic (line of the first per duplicate)',
    fullSize: 40_000,
    hostile: n => keys(n, () => 'k'),
    benign: n => `clusters:\n  prod:\n    description: "${'d'.repeat(n * 6)}"\n`,
    run: text => analyzeInventory(text),
  },
  {
    name: 'Markdown: CRLF line of ~ in a bash block',
    before: '101 s (6,000 ~)',
    fullSize: 6_000,
    hostile: n => '```bash\r\n' + '~'.repeat(n) + '\r\n```\r\n',
    benign: n => '```bash\r\n' + 'x'.repeat(n) + '\r\n```\r\n',
    run: text => analyzeShell(maskMarkdown(text)),
  },
  {
    name: 'Markdown: a line of ~ opening a fence, CRLF',
    before: 'cubic in the line length',
    fullSize: 6_000,
    hostile: n => '~'.repeat(n) + '\r\n',
    benign: n => 'x'.repeat(n) + '\r\n',
    run: text => analyzeShell(maskMarkdown(text)),
  },
  {
    name: 'shell: rm -rf + slashes',
    before: '10.5 s (100,000 /)',
    fullSize: 100_000,
    hostile: n => 'rm -rf ' + '/'.repeat(n) + 'x\n',
    benign: n => 'rm -rf ' + 'a'.repeat(n) + 'x\n',
    run: text => analyzeShell(text),
  },
  {
    name: 'shell: bash -ccc…',
    before: '11.4 s (100,000 c)',
    fullSize: 100_000,
    hostile: n => 'bash -' + 'c'.repeat(n) + '1 x\n',
    benign: n => 'bash ' + 'c'.repeat(n) + '1 x\n',
    run: text => analyzeShell(text),
  },
  {
    name: 'inventory hover: a YAML line of spaces',
    before: '14 s (100,000 spaces)',
    fullSize: 100_000,
    hostile: n => yamlLine(' ', n),
    benign: n => yamlLine('x', n),
    run: text => inventoryHover(text, text.indexOf('port') + 1, noHosts),
  },
];

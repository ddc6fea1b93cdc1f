// Localisation: the manifest's %key% placeholders and package.nls.json match one to one, the committed English
// bundle is what scripts/l10n-export.mjs extracts from the sources now, and every vscode.l10n.t call is extractable.
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { l10n, useTranslator } from '../../../src/extension/l10n';

interface Extractor {
  ROOT: string;
  BUNDLE_PATH: string;
  extract(root?: string): { messages: string[]; problems: string[] };
  renderBundle(messages: string[]): string;
}

const ROOT = join(__dirname, '..', '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** Every "%key%" string value anywhere in the manifest. */
function placeholders(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const m = /^%([^%\s]+)%$/.exec(value);
    if (m) found.add(m[1]!);
  } else if (Array.isArray(value)) value.forEach((v) => placeholders(v, found));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => placeholders(v, found));
  return found;
}

describe('localisation', () => {
  let extractor: Extractor;
  before(async () => {
    // A file URL held in a variable: the extractor is plain JavaScript, loaded as the script itself runs.
    const url = pathToFileURL(join(ROOT, 'scripts', 'l10n-export.mjs')).href;
    extractor = (await import(url)) as Extractor;
  });

  describe('package.json and package.nls.json', () => {
    const manifest = JSON.parse(read('package.json')) as Record<string, unknown>;
    const nls = JSON.parse(read('package.nls.json')) as Record<string, unknown>;

    it('declares the runtime bundle folder', () => {
      assert.strictEqual(manifest.l10n, './l10n');
    });

    it('has an English text for every %key% placeholder', () => {
      const missing = [...placeholders(manifest)].filter((k) => !(k in nls));
      assert.deepStrictEqual(missing, []);
    });

    it('has no text that no placeholder uses', () => {
      const used = placeholders(manifest);
      assert.deepStrictEqual(Object.keys(nls).filter((k) => !used.has(k)), []);
    });

    it('holds only non-empty strings', () => {
      const bad = Object.entries(nls).filter(([, v]) => typeof v !== 'string' || !v.trim()).map(([k]) => k);
      assert.deepStrictEqual(bad, []);
    });

    it('leaves no user-facing text of the contributions untranslated', () => {
      const contributes = manifest.contributes as Record<string, unknown>;
      const literal: string[] = [];
      const visit = (value: unknown, path: string): void => {
        if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`));
        else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => visit(v, `${path}.${k}`));
        else if (typeof value === 'string' && /\.(title|name|contextualTitle|contents|category|description|markdownDescription|enumDescriptions\[\d+\])$/.test(path) && !/^%[^%\s]+%$/.test(value)) literal.push(path);
      };
      visit(contributes, 'contributes');
      for (const key of ['displayName', 'description']) if (!/^%[^%\s]+%$/.test(String(manifest[key]))) literal.push(key);
      assert.deepStrictEqual(literal, []);
    });
  });

  describe('l10n/bundle.l10n.json', () => {
    it('calls vscode.l10n.t only with a single string literal as the message (no template literal, no concatenation)', () => {
      assert.deepStrictEqual(extractor.extract(ROOT).problems, []);
    });

    it('is what scripts/l10n-export.mjs extracts from src/extension now', () => {
      const { messages } = extractor.extract(ROOT);
      assert.ok(messages.length > 0, 'no vscode.l10n.t message found');
      assert.strictEqual(read(extractor.BUNDLE_PATH), extractor.renderBundle(messages), 'out of date: run node scripts/l10n-export.mjs');
    });

    it('numbers its placeholders from {0} without gaps', () => {
      const bad = extractor.extract(ROOT).messages.filter((m) => {
        const used = [...m.matchAll(/\{(\d+)\}/g)].map((x) => Number(x[1]));
        return used.some((n) => n > 0 && !used.includes(n - 1));
      });
      assert.deepStrictEqual(bad, []);
    });
  });

  describe('src/extension/l10n.ts, for the modules without vscode', () => {
    it('fills {0} placeholders in English until a translator is installed, then uses it', () => {
      assert.strictEqual(l10n.t('{0} on {1} is not mirrored, {0}', 'Coordinator', 'scdw'), 'Coordinator on scdw is not mirrored, Coordinator');
      assert.strictEqual(l10n.t('left {1} as is', 'x'), 'left {1} as is');
      useTranslator((message, ...args) => `[${message}|${args.join(',')}]`);
      try {
        assert.strictEqual(l10n.t('port {0}', 5432), '[port {0}|5432]');
      } finally {
        useTranslator(undefined);
      }
      assert.strictEqual(l10n.t('port {0}', 5432), 'port 5432');
    });
  });

  describe('the extractor', () => {
    it('reports template literals, concatenations and variables, and unescapes literals', async () => {
      const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('fs');
      const { tmpdir } = await import('os');
      const dir = mkdtempSync(join(tmpdir(), 'l10n-'));
      try {
        mkdirSync(join(dir, 'src', 'extension'), { recursive: true });
        writeFileSync(join(dir, 'src', 'extension', 'a.ts'), [
          "vscode.l10n.t('Plain {0}', x);",
          'vscode.l10n.t("Double \\"quoted\\"\\n");',
          "vscode.l10n.t('It\\'s');",
          'vscode.l10n.t(`Template ${x}`);',
          "vscode.l10n.t('Joined ' + x);",
          'vscode.l10n.t(message);',
          "l10n.t('Without vscode');",
        ].join('\n'));
        const { messages, problems } = extractor.extract(dir);
        assert.deepStrictEqual(messages, ['Double "quoted"\n', "It's", 'Plain {0}', 'Without vscode']);
        assert.strictEqual(problems.length, 3);
        assert.match(problems[0]!, /a\.ts:4:/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

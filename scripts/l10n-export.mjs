// Writes l10n/bundle.l10n.json, the English bundle of the extension's runtime strings: every string literal passed
// as the first argument of vscode.l10n.t(…) in src/extension/** (or of l10n.t(…) from src/extension/l10n.ts, which the
// modules without a vscode import use), keyed by itself. `node scripts/l10n-export.mjs`
// rewrites the file; `--check` only reports whether it is up to date. A call whose message is not one plain string
// literal (a template literal, a concatenation, a variable) cannot be extracted and is reported as a problem.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE_DIR = 'src/extension';
export const BUNDLE_PATH = 'l10n/bundle.l10n.json';

const CALL = /(?<![\w$])(?:vscode\.)?l10n\.t\(\s*/g;
const LITERAL = /^(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)")\s*([,)])/;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap(d =>
      d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
    )
    .sort();
}

/** The value of a quoted JavaScript string literal's body (the escapes the sources use: \n, \\, \', \", \xHH, \uHHHH). */
function unescape(body) {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_, e) => {
    if (e[0] === 'x' || (e[0] === 'u' && e.length === 5)) return String.fromCharCode(parseInt(e.slice(1), 16));
    return { n: '\n', r: '\r', t: '\t', 0: '\0' }[e] ?? e;
  });
}

/** Every message of vscode.l10n.t(…) under `root`/src/extension, and the calls that could not be read. */
export function extract(root = ROOT) {
  const messages = new Set();
  const problems = [];
  for (const file of sourceFiles(join(root, SOURCE_DIR))) {
    const text = readFileSync(file, 'utf8');
    for (const call of text.matchAll(CALL)) {
      const rest = text.slice(call.index + call[0].length);
      const m = LITERAL.exec(rest);
      if (m) {
        messages.add(unescape(m[1] ?? m[2]));
        continue;
      }
      const line = text.slice(0, call.index).split('\n').length;
      problems.push(
        `${relative(root, file)}:${line}: the message is not a single string literal: ${rest.split('\n')[0].slice(0, 80)}`,
      );
    }
  }
  return { messages: [...messages].sort(), problems };
}

/** The bundle's text as it should be committed: { "message": "message" }, sorted, two-space indented. */
export function renderBundle(messages) {
  return JSON.stringify(Object.fromEntries(messages.map(m => [m, m])), null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { messages, problems } = extract();
  for (const p of problems) console.error(p);
  const text = renderBundle(messages);
  const path = join(ROOT, BUNDLE_PATH);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      /* missing: out of date */
    }
    if (current !== text) console.error(`${BUNDLE_PATH} is out of date: run node scripts/l10n-export.mjs`);
    process.exit(problems.length || current !== text ? 1 : 0);
  }
  writeFileSync(path, text);
  console.log(
    `${BUNDLE_PATH}: ${messages.length} messages${problems.length ? `, ${problems.length} calls not extracted` : ''}`,
  );
  process.exit(problems.length ? 1 : 0);
}

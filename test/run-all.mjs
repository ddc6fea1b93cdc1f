// Runs every test suite in its own process, streams its output, and ends with one "N passed, N failed" line.
// `node test/run-all.mjs unit lab` runs only the named suites.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const walk = dir =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap(d =>
        d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
      )
    : [];
const mocha = (dir, timeout) => {
  const files = walk(dir)
    .filter(f => f.endsWith('.test.ts'))
    .sort();
  return files.length
    ? [
        'node_modules/.bin/mocha',
        '--require',
        'tsx/cjs',
        '--reporter',
        'test/support/reporter.cjs',
        '--timeout',
        String(timeout),
        '--exit',
        ...files,
      ]
    : null;
};
const SUITES = {
  unit: () => mocha('test/unit', 20000), // pure logic and the language server over LSP
  lab: () => mocha('test/lab', 240000), // real sshd + PostgreSQL lab: lab, ssh, engine, cli
  integration: () => (existsSync('test/integration/index.ts') ? ['node', 'test/support/run-integration.js'] : null), // real extension host
  ui: () => (existsSync('test/ui/ui.test.ts') ? ['node_modules/.bin/tsx', 'test/ui/ui.test.ts'] : null), // workbench in Chromium
};
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SUITES);
let passed = 0,
  failed = 0;
const summary = [];
for (const name of wanted) {
  const cmd = SUITES[name]?.();
  if (!cmd) {
    summary.push(`${name}: no tests`);
    continue;
  }
  const t0 = Date.now();
  const out = await new Promise(resolve => {
    let text = '';
    const p = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.on('data', d => {
      text += d;
      process.stdout.write(d);
    });
    p.stderr.on('data', d => process.stderr.write(d));
    p.on('close', code => resolve({ text, code }));
  });
  const results = [...out.text.matchAll(/SUITE RESULT passed=(\d+) failed=(\d+)/g)];
  let p = 0,
    f = 0;
  for (const m of results) {
    p += Number(m[1]);
    f += Number(m[2]);
  }
  if (!results.length || (out.code !== 0 && f === 0)) f += 1; // a crash counts as a failure
  passed += p;
  failed += f;
  summary.push(`${name}: ${p} passed, ${f} failed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
console.log('\n' + summary.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

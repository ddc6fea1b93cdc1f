// `npm run test:real`: the procedures, guards and faults against real Greenplum 6 in the lab (GPCOORD_LAB_GREENPLUM=real
// makes the shared lab helpers start real labs). Ends with one "N passed, N failed" line, like test/run-all.mjs.
// Without a Greenplum source it says so in one line and exits 0 having run nothing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const source = spawnSync(process.execPath, ['scripts/greenplum.mjs', 'source'], { encoding: 'utf8' });
if (source.status !== 0) {
  process.stderr.write(source.stderr);
  process.exit(1);
}
if (!source.stdout.trim()) {
  console.log('test:real: skipped, no Greenplum source (set GPCOORD_GREENPLUM_SOURCE; see README "Real Greenplum")');
  process.exit(0);
}
const gphome = spawnSync(process.execPath, ['scripts/greenplum.mjs', 'path'], { encoding: 'utf8' }).stdout.trim();
if (!gphome) {
  console.error(
    `test:real: Greenplum is not built from ${source.stdout.trim()}; run \`npm run greenplum -- build\` first`,
  );
  process.exit(1);
}

const files = [
  ...readdirSync('test/real')
    .filter(f => f.endsWith('.test.ts'))
    .sort()
    .map(f => join('test/real', f)),
  // Shared with the emulated lab: the same tests, on a real cluster.
  'test/lab/cli-gpcoord/gpcoord.test.ts',
].filter(f => existsSync(f));
const t0 = Date.now();
const out = await new Promise(resolve => {
  let text = '';
  const p = spawn(
    'node_modules/.bin/mocha',
    ['--require', 'tsx/cjs', '--reporter', 'test/support/reporter.cjs', '--timeout', '600000', '--exit', ...files],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GPCOORD_LAB_GREENPLUM: 'real' },
    },
  );
  p.stdout.on('data', d => {
    text += d;
    process.stdout.write(d);
  });
  p.stderr.on('data', d => process.stderr.write(d));
  p.on('close', code => resolve({ text, code }));
});
const results = [...out.text.matchAll(/SUITE RESULT passed=(\d+) failed=(\d+)/g)];
let passed = 0;
let failed = 0;
for (const m of results) {
  passed += Number(m[1]);
  failed += Number(m[2]);
}
if (!results.length || (out.code !== 0 && failed === 0)) failed += 1; // a crash counts as a failure
console.log(`\nreal: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

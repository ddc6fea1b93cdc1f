// Integration suite: mocha inside a real VS Code extension host, launched through @vscode/test-electron's runTests.
// Here VS Code cannot be downloaded, so runTests is pointed at code-shim.js (code-server 1.139 in Chromium).
// With USE_DESKTOP_VSCODE=1 the shim is left out and runTests downloads and runs desktop VS Code instead.
// Before the run it starts the test lab (real sshd + PostgreSQL, on a free subnet of the extension's range 42-49) in
// the after-failover scenario for the tests that observe and repair a cluster, and stops it afterwards whatever happened.
const { spawnSync } = require('child_process');
const fs = require('fs'),
  path = require('path');
const { runTests } = require('@vscode/test-electron');

const ROOT = path.resolve(__dirname, '../..');
const LAB_ROOT = require('../lab/root.cjs').labRoot(ROOT); // outside /tmp, as the lab needs
const { freeLabSubnet } = require('./lab-subnet');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const extensionTestsPath = path.join(ROOT, 'out/test/integration/index.js');
if (!fs.existsSync(extensionTestsPath) || !fs.existsSync(path.join(ROOT, 'dist/extension.js'))) {
  console.error(
    'The integration tests are not built: run "npm run build" first (it writes dist/extension.js and out/test/integration/).',
  );
  console.log('SUITE RESULT passed=0 failed=1');
  process.exit(1);
}

function lab(dir, ...args) {
  return spawnSync(TSX, ['test/lab/cli.ts', ...args, '--dir', dir], { cwd: ROOT, encoding: 'utf8', timeout: 240000 });
}

async function main() {
  // 42 first; the UI test prefers 43 and the demo 40, and another checkout's run may hold any of them.
  const subnet = String(await freeLabSubnet([42, 44, 45, 46, 47, 48, 49]).catch(() => 42));
  const labDir = path.join(LAB_ROOT, subnet);
  const env = { GPCOORD_TEST_FIXTURES: path.join(ROOT, 'test/fixtures/workspace'), GPCOORD_REPO_ROOT: ROOT };
  const t0 = Date.now();
  const up = lab(labDir, 'up', '--scenario', 'after-failover', '--subnet', subnet);
  if (up.status === 0) {
    env.GPCOORD_LAB_DIR = labDir;
    console.log(`lab up for the integration tests in ${((Date.now() - t0) / 1000).toFixed(1)} s (${labDir})`);
  } else {
    // The lab tests then fail with this reason; the other tests still run.
    env.GPCOORD_LAB_ERROR = `the test lab did not start (it needs root, openssh-server and postgresql): ${(up.stderr || up.stdout || String(up.error)).trim().split('\n').slice(-3).join(' / ')}`;
    console.error(env.GPCOORD_LAB_ERROR);
  }
  const options = {
    extensionDevelopmentPath: ROOT,
    extensionTestsPath,
    launchArgs: [path.join(ROOT, 'test/fixtures/workspace'), '--disable-extensions'],
    extensionTestsEnv: env,
  };
  if (process.env.USE_DESKTOP_VSCODE !== '1') options.vscodeExecutablePath = path.join(__dirname, 'code-shim.js');
  try {
    await runTests(options);
    return 0;
  } catch (e) {
    console.error('integration tests failed:', e && e.message ? e.message : e);
    return 1;
  } finally {
    if (env.GPCOORD_LAB_DIR) {
      const down = lab(labDir, 'down');
      if (down.status !== 0) console.error(`lab down failed: ${down.stderr || down.stdout}`);
    }
  }
}
main().then(code => process.exit(code));

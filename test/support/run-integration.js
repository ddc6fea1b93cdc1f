// Integration suite: mocha inside a real VS Code extension host, launched through @vscode/test-electron's runTests.
// Here VS Code cannot be downloaded, so runTests is pointed at code-shim.js (code-server 1.139 in Chromium).
// With USE_DESKTOP_VSCODE=1 the shim is left out and runTests downloads and runs desktop VS Code instead.
// Before the run it starts the test lab (real sshd + PostgreSQL, subnet 42) in the after-failover scenario for the
// tests that observe and repair a cluster, and stops it afterwards whatever happened.
const { spawnSync } = require('child_process');
const fs = require('fs'), path = require('path');
const { runTests } = require('@vscode/test-electron');

const ROOT = path.resolve(__dirname, '../..');
const LAB_SUBNET = '42';   // the extension's lab range is 40-49; the demo uses 40
const LAB_DIR = path.join(require('../lab/root.cjs').labRoot(ROOT), LAB_SUBNET);   // outside /tmp, as the lab needs
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const extensionTestsPath = path.join(ROOT, 'out/test/integration/index.js');
if (!fs.existsSync(extensionTestsPath) || !fs.existsSync(path.join(ROOT, 'dist/extension.js'))) {
  console.error('The integration tests are not built: run "npm run build" first (it writes dist/extension.js and out/test/integration/).');
  console.log('SUITE RESULT passed=0 failed=1');
  process.exit(1);
}

function lab(...args) {
  return spawnSync(TSX, ['test/lab/cli.ts', ...args, '--dir', LAB_DIR], { cwd: ROOT, encoding: 'utf8', timeout: 240000 });
}

async function main() {
  const env = { GPCOORD_TEST_FIXTURES: path.join(ROOT, 'test/fixtures/workspace'), GPCOORD_REPO_ROOT: ROOT };
  const t0 = Date.now();
  const up = lab('up', '--scenario', 'after-failover', '--subnet', LAB_SUBNET);
  if (up.status === 0) {
    env.GPCOORD_LAB_DIR = LAB_DIR;
    console.log(`lab up for the integration tests in ${((Date.now() - t0) / 1000).toFixed(1)} s (${LAB_DIR})`);
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
      const down = lab('down');
      if (down.status !== 0) console.error(`lab down failed: ${down.stderr || down.stdout}`);
    }
  }
}
main().then((code) => process.exit(code));

// Integration suite: mocha inside a real VS Code extension host, launched through @vscode/test-electron's runTests.
// Here VS Code cannot be downloaded, so runTests is pointed at code-shim.js (code-server 1.139 in Chromium).
// With USE_DESKTOP_VSCODE=1 the shim is left out and runTests downloads and runs desktop VS Code instead.
const fs = require('fs'), path = require('path');
const { runTests } = require('@vscode/test-electron');

const ROOT = path.resolve(__dirname, '../..');
const extensionTestsPath = path.join(ROOT, 'out/test/integration/index.js');
if (!fs.existsSync(extensionTestsPath) || !fs.existsSync(path.join(ROOT, 'dist/extension.js'))) {
  console.error('The integration tests are not built: run "npm run build" first (it writes dist/extension.js and out/test/integration/).');
  console.log('SUITE RESULT passed=0 failed=1');
  process.exit(1);
}
const options = {
  extensionDevelopmentPath: ROOT,
  extensionTestsPath,
  launchArgs: [path.join(ROOT, 'test/fixtures/workspace'), '--disable-extensions'],
  extensionTestsEnv: { GPCOORD_TEST_FIXTURES: path.join(ROOT, 'test/fixtures/workspace') },
};
if (process.env.USE_DESKTOP_VSCODE !== '1') options.vscodeExecutablePath = path.join(__dirname, 'code-shim.js');
runTests(options).then(
  () => process.exit(0),
  (e) => { console.error('integration tests failed:', e && e.message ? e.message : e); process.exit(1); });

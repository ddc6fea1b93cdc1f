#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }): it takes the same
// --extensionDevelopmentPath / --extensionTestsPath / folder arguments, runs the tests in code-server's extension
// host, and exits with the tests' exit code. Electron-only flags are accepted and ignored.
const { runExtensionTests } = require('./code-server');

const options = { env: {} };
const positional = [];
const argv = process.argv.slice(2);
const takesValue = ['--user-data-dir', '--extensions-dir', '--crash-reporter-directory', '--logsPath', '--locale'];
for (let i = 0; i < argv.length; i++) {
  const [key, inline] =
    argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
  const value = () => (inline !== undefined ? inline : argv[++i]);
  if (key === '--extensionDevelopmentPath') options.extensionDevelopmentPath = value();
  else if (key === '--extensionTestsPath') options.extensionTestsPath = value();
  else if (takesValue.includes(key)) value();
  else if (!key.startsWith('-')) positional.push(key);
}
if (!options.extensionDevelopmentPath || !options.extensionTestsPath) {
  console.error(
    'code-shim: --extensionDevelopmentPath and --extensionTestsPath are required (as @vscode/test-electron passes them)',
  );
  process.exit(2);
}
options.folder = positional[0];
// A busy machine may need longer than the default 5 minutes for the whole suite.
if (Number(process.env.GPCOORD_TEST_TIMEOUT_MS) > 0) options.timeoutMs = Number(process.env.GPCOORD_TEST_TIMEOUT_MS);
// runTests passes extensionTestsEnv through the environment; hand the test-related part to the extension host.
for (const [k, v] of Object.entries(process.env)) if (/^(VSCODE_TEST|MOCHA_|GPCOORD_)/.test(k)) options.env[k] = v;
runExtensionTests(options).then(
  code => process.exit(code),
  e => {
    console.error(e);
    process.exit(1);
  },
);

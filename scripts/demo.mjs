// `npm run demo`: builds the extension, starts the test lab (two coordinator hosts with real sshd and PostgreSQL)
// in the after-failover state, and opens VS Code on a workspace that knows the lab's cluster: desktop VS Code when
// `code` is on PATH, otherwise code-server on 127.0.0.1. Prints where to go and what to try. Ctrl+C stops
// everything it started. `npm run demo -- --scenario healthy` starts from a healthy pair instead; `--no-build` uses
// dist/ as it is.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const SUBNET = '40';
const LAB_DIR = join(require('../test/lab/root.cjs').labRoot(ROOT), SUBNET); // the run directory test/lab/lab.ts picks
const args = process.argv.slice(2);
const scenarioIndex = args.indexOf('--scenario');
const scenario = scenarioIndex >= 0 ? args[scenarioIndex + 1] : 'after-failover';
if (!['after-failover', 'healthy'].includes(scenario ?? '')) {
  console.error(`demo: --scenario must be after-failover or healthy, not "${scenario ?? ''}"`);
  process.exit(2);
}

const say = text => console.log(`\x1b[1m▸ ${text}\x1b[0m`);
const cleanups = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('Stopping what the demo started…');
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (e) {
      console.error(`  ${e.message}`);
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => {
  void stopAll(0);
});
process.on('SIGTERM', () => {
  void stopAll(0);
});

function run(what, command, commandArgs) {
  const r = spawnSync(command, commandArgs, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal})`);
}

async function main() {
  if (args.includes('--no-build')) say('Using the extension as built in dist/ (--no-build).');
  else {
    say('Building the extension (npm run build)…');
    run('the build', process.execPath, ['scripts/build.mjs']);
  }

  say(
    `Starting the lab (${scenario}) on 127.0.${SUBNET}.0/24 — about 15 s; it needs root, openssh-server and postgresql…`,
  );
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  cleanups.push(() => {
    spawnSync(tsx, ['test/lab/cli.ts', 'down', '--dir', LAB_DIR], { cwd: ROOT, stdio: 'inherit' });
  });
  run('starting the lab', tsx, ['test/lab/cli.ts', 'up', '--scenario', scenario, '--subnet', SUBNET, '--dir', LAB_DIR]);
  const lab = JSON.parse(readFileSync(join(LAB_DIR, 'state.json'), 'utf8')).lab;

  // A workspace of its own: the lab's inventory, and workspace settings that point ssh at the lab's config.
  const workspace = mkdtempSync(join(tmpdir(), 'gpcoord-demo-'));
  cleanups.push(() => rmSync(workspace, { recursive: true, force: true }));
  copyFileSync(lab.inventoryPath, join(workspace, 'greenplum-clusters.yaml'));
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify(
      { 'greenplumCoordinator.sshConfigPath': lab.sshConfigPath, 'greenplumCoordinator.autoRefreshSeconds': 30 },
      null,
      2,
    ),
  );
  for (const sample of [
    'gp7_gpstate-f_streaming_sync_RECONSTRUCTED.txt',
    'gp7_gpstate-b_standby_down_and_primary_failed_RECONSTRUCTED.txt',
  ]) {
    copyFileSync(join(ROOT, 'test/fixtures/workspace/outputs', sample), join(workspace, sample));
  }

  const tryThis = [
    '1. Open the Greenplum Coordinator view in the activity bar: cluster "lab" with hosts cdw and scdw.',
    '2. Hover over "lab" and click the pulse icon that appears (Check Coordinator Mirroring): scdw is the active coordinator, cdw a former one, nothing mirrors.',
    '3. Right-click "lab" → Restore Coordinator Mirroring…: read the plan, confirm each step, watch the terminal and the panel.',
    '4. Check again: cdw is now the passive, streaming standby. Then try Return Coordinator to Original Host….',
    '5. Open gpstate Output… reads a saved output without connecting (two samples are in the workspace).',
    `   Faults to try meanwhile (another shell): npm run lab -- fault stop-standby cdw --dir ${LAB_DIR}`,
  ];

  const code = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
  if (code) {
    say('Starting desktop VS Code with the extension under development…');
    const userData = mkdtempSync(join(tmpdir(), 'gpcoord-demo-user-'));
    cleanups.push(() => rmSync(userData, { recursive: true, force: true }));
    const proc = spawn(
      code,
      ['--wait', '--new-window', `--user-data-dir=${userData}`, `--extensionDevelopmentPath=${ROOT}`, workspace],
      { stdio: 'inherit' },
    );
    say('VS Code is open on the lab workspace.');
    console.log(tryThis.join('\n'));
    console.log('Close the window or press Ctrl+C here to stop the lab.');
    proc.on('exit', () => {
      void stopAll(0);
    });
    return;
  }

  say('No `code` on PATH: packaging the extension and starting code-server (VS Code in the browser)…');
  const vsix = join(workspace, '..', `gpcoord-demo-${process.pid}.vsix`);
  cleanups.push(() => rmSync(vsix, { force: true }));
  run('packaging the extension', join(ROOT, 'node_modules/.bin/vsce'), [
    'package',
    '--no-dependencies',
    '--skip-license',
    '-o',
    vsix,
  ]);
  const { startCodeServer } = require(join(ROOT, 'test/support/code-server.js'));
  if (!existsSync(join(ROOT, 'test/code-server/node_modules/code-server')))
    throw new Error('code-server is not installed: run npm ci first');
  const cs = await startCodeServer({
    folder: workspace,
    vsix: [vsix],
    port: Number(process.env.PORT ?? 0),
    settings: { 'workbench.startupEditor': 'none' },
    testDriver: false,
  });
  cleanups.push(() => cs.stop());
  console.log('');
  say(`VS Code is ready: ${cs.base}/?folder=${encodeURIComponent(workspace)}`);
  console.log(tryThis.join('\n'));
  console.log('\nPress Ctrl+C to stop VS Code and the lab.');
}

main().catch(e => {
  console.error(`demo: ${e.message}`);
  void stopAll(1);
});

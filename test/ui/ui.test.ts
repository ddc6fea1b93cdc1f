// UI test: the packaged extension (.vsix) in the real VS Code workbench (code-server 1.139), driven in Debian's
// Chromium with playwright-core. Checks the activity-bar container, the Clusters view's welcome content, the palette
// command "Greenplum: Open gpstate Output…" through its quick pick (a workspace file) and through the file dialog,
// and the rendered status panel in dark, light and high-contrast themes. Screenshots go to test/ui/screenshots/.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, FrameLocator, Page } from 'playwright-core';

const require = createRequire(__filename);
const { labRoot } = require('../lab/root.cjs') as { labRoot: (repoRoot: string) => string };
const { freeLabSubnet } = require('../support/lab-subnet.js') as {
  freeLabSubnet(candidates: number[]): Promise<number>;
};
const { startCodeServer, launchChromium } = require('../support/code-server.js') as {
  startCodeServer(o: {
    folder?: string;
    vsix?: string[];
    settings?: object;
  }): Promise<{ base: string; userData: string; stop(): Promise<void>; log(): string }>;
  launchChromium(): Promise<Browser>;
};

const ROOT = path.resolve(__dirname, '../..');
const WORKSPACE = path.join(ROOT, 'test/fixtures/workspace');
const SHOTS = path.join(__dirname, 'screenshots');
const T0 = Date.now();
const log = (m: string) => console.log(`[${((Date.now() - T0) / 1000).toFixed(1)}s] ${m}`);

interface Check {
  name: string;
  run: () => Promise<void>;
}

function packageVsix(): string {
  if (!fs.existsSync(path.join(ROOT, 'dist/extension.js')) || !fs.existsSync(path.join(ROOT, 'dist/media/panel.js'))) {
    throw new Error('dist/ is not built: run "npm run build" first');
  }
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gpcoord-vsix-')), 'greenplum-coordinator.vsix');
  execFileSync(
    path.join(ROOT, 'node_modules/.bin/vsce'),
    ['package', '--no-dependencies', '--skip-license', '-o', out],
    { cwd: ROOT, stdio: 'pipe' },
  );
  return out;
}

interface Session {
  page: Page;
  shot: (name: string) => Promise<unknown>;
  webview: () => FrameLocator;
  base: string;
}

/** Runs checks in order; after the first failure the rest are counted as failed (not reached), never skipped. */
async function runChecks(
  checks: Check[],
  shot: (name: string) => Promise<unknown>,
): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  let broken: string | undefined;
  for (const check of checks) {
    if (broken) {
      failed++;
      console.log(`  ✗ ${check.name} (not reached: "${broken}" failed first)`);
      continue;
    }
    try {
      await check.run();
      passed++;
      log(`✓ ${check.name}`);
    } catch (error) {
      failed++;
      broken = check.name;
      console.log(
        `  ✗ ${check.name}\n    ${error instanceof Error ? error.message.split('\n').slice(0, 6).join('\n    ') : String(error)}`,
      );
      await shot(`failure-${checks.indexOf(check) + 1}`).catch(() => undefined);
    }
  }
  return { passed, failed };
}

/** A fresh code-server with the packaged extension, a browser page on `folder`, and the checks run against it. */
async function session(
  vsix: string,
  folder: string,
  build: (s: Session) => Check[],
): Promise<{ passed: number; failed: number }> {
  const cs = await startCodeServer({ folder, vsix: [vsix], settings: { 'workbench.colorTheme': 'Dark Modern' } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const s: Session = {
      page,
      base: cs.base,
      shot: name => page.screenshot({ path: path.join(SHOTS, `${name}.png`) }),
      webview: () => page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame'),
    };
    return await runChecks(build(s), s.shot);
  } finally {
    await browser.close();
    await cs.stop();
  }
}

async function main(): Promise<number> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const vsix = packageVsix();
  log(`packaged ${path.basename(vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB)`);
  const totals = { passed: 0, failed: 0 };
  try {
    for (const result of [await session(vsix, WORKSPACE, fixtureChecks), await labSession(vsix)]) {
      totals.passed += result.passed;
      totals.failed += result.failed;
    }
  } finally {
    fs.rmSync(path.dirname(vsix), { recursive: true, force: true });
  }
  console.log(`screenshots: ${SHOTS}`);
  console.log(`SUITE RESULT passed=${totals.passed} failed=${totals.failed}`);
  return totals.failed ? 1 : 0;
}

/** Saved outputs, no network: the view, the palette command, the quick pick, the file dialog, the panel in three themes. */
function fixtureChecks({ page, shot, webview, base }: Session): Check[] {
  const cs = { base };
  return [
    {
      name: 'the workbench loads with the Greenplum Coordinator activity-bar container',
      run: async () => {
        await page.goto(`${cs.base}/?folder=${encodeURIComponent(WORKSPACE)}`);
        await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60000 });
        await page
          .locator('.part.activitybar a.action-label[aria-label^="Greenplum Coordinator"]')
          .waitFor({ timeout: 30000 });
      },
    },
    {
      name: 'the Clusters view shows its welcome content with Add Cluster and Open gpstate Output',
      run: async () => {
        await page.locator('.part.activitybar a.action-label[aria-label^="Greenplum Coordinator"]').click();
        const welcome = page.locator('.part.sidebar .welcome-view-content');
        await welcome
          .getByText('No Greenplum or Cloudberry cluster is configured yet', { exact: false })
          .waitFor({ timeout: 20000 });
        await welcome.getByRole('button', { name: 'Add Cluster' }).waitFor();
        await welcome.getByRole('button', { name: 'Open gpstate Output' }).waitFor();
        await shot('1-clusters-welcome-dark');
      },
    },
    {
      name: 'the welcome view opens the walkthrough with its four steps',
      run: async () => {
        await page.locator('.part.sidebar .welcome-view-content a', { hasText: 'Open the walkthrough' }).click();
        const walkthrough = page.locator('.gettingStartedContainer');
        await walkthrough.getByText('Get started with Greenplum Coordinator').first().waitFor({ timeout: 30000 });
        for (const step of [
          'Add your cluster',
          'Check coordinator mirroring',
          'Read the status panel',
          'Restore mirroring after a failover',
        ]) {
          await walkthrough.getByText(step, { exact: true }).first().waitFor({ timeout: 10000 });
        }
        await shot('1b-walkthrough-dark');
        await page.keyboard.press('Escape');
      },
    },
    {
      name: 'the view title\'s "Open gpstate Output…" button opens its picker',
      run: async () => {
        await page.locator('.part.sidebar').hover();
        // With one view in the container VS Code shows its title actions twice (container and section): either opens it.
        await page
          .locator('.part.sidebar a.action-label[aria-label="Open gpstate Output…"]')
          .first()
          .click({ timeout: 20000 });
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'Paste from the clipboard' })
          .waitFor({ timeout: 20000 });
        await shot('1c-view-title-picker-dark');
        await page.keyboard.press('Escape');
      },
    },
    {
      name: 'the palette lists "Greenplum: Open gpstate Output…" and its quick pick offers the workspace outputs',
      run: async () => {
        await runCommand(page, 'Greenplum: Open gpstate Output…');
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'Paste from the clipboard' })
          .waitFor({ timeout: 20000 });
        await page.locator('.quick-input-widget input').fill('gp7_gpstate-f_streaming');
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'gp7_gpstate-f_streaming_sync_RECONSTRUCTED.txt' })
          .first()
          .waitFor();
        await shot('2-quick-pick-dark');
        await page.keyboard.press('Enter');
      },
    },
    {
      name: 'the panel renders the healthy pair: verdict, both hosts, streaming and sync with no lag',
      run: async () => {
        await page.locator('.tab', { hasText: 'Greenplum: gp7_gpstate-f_streaming_sync' }).waitFor({ timeout: 20000 });
        const view = webview();
        await expectText(view, 'verdict.headline', 'Mirroring healthy: scdw follows cdw');
        await expectText(view, 'host0.role', 'Active coordinator');
        await expectText(view, 'host1.status', 'Standby host passive');
        await expectText(view, 'link.state', 'streaming');
        await expectText(view, 'link.lag', '0 bytes');
        await shot('3-panel-healthy-dark');
      },
    },
    {
      name: 'the panel is keyboard reachable: Tab reaches its button',
      run: async () => {
        const view = webview();
        await view.locator('h1').click();
        await page.keyboard.press('Tab');
        const focused = await view.locator(':focus').getAttribute('data-command');
        if (focused !== 'openGpstateOutput') throw new Error(`focus is on ${focused ?? 'nothing'}`);
      },
    },
    {
      name: 'opening a file through the file dialog shows the after-failover state (not mirrored)',
      run: async () => {
        await runCommand(page, 'Greenplum: Open gpstate Output…');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open a file…' }).first().click();
        // code-server uses VS Code's simple file dialog: a quick input holding a path.
        const input = page.locator('.quick-input-widget input');
        await page.locator('.quick-input-widget', { hasText: 'Open a saved gpstate' }).waitFor({ timeout: 20000 });
        // The dialog fills in the starting folder asynchronously; type only once its listing is there.
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'outputs' })
          .first()
          .waitFor({ timeout: 20000 });
        const wanted = path.join(WORKSPACE, 'outputs', 'gp6-lab_24-gpstate-f-after-activation.txt');
        await input.fill(wanted);
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'gp6-lab_24-gpstate-f-after-activation.txt' })
          .first()
          .waitFor({ timeout: 20000 });
        if ((await input.inputValue()) !== wanted)
          throw new Error(`the file dialog holds "${await input.inputValue()}" instead of the fixture path`);
        await shot('4-file-dialog-dark');
        await page.keyboard.press('Enter');
        const view = webview();
        await expectText(view, 'verdict.headline', 'Master on cdw is not mirrored');
        await expectText(view, 'host1.role', 'No standby master');
        await shot('5-panel-not-mirrored-dark');
      },
    },
    {
      name: 'a gpstate -b summary with a failed primary renders in the light theme',
      run: async () => {
        await setTheme(page, 'Light Modern', 'vs');
        await runCommand(page, 'Greenplum: Open gpstate Output…');
        await page.locator('.quick-input-widget input').fill('gp7_gpstate-b_standby_down');
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'gp7_gpstate-b_standby_down' })
          .first()
          .waitFor({ timeout: 20000 });
        await page.keyboard.press('Enter');
        const view = webview();
        await expectText(view, 'verdict.headline', 'Standby on scdw is not running; 1 primary segment failed');
        await expectText(view, 'segments.primary.failures', '1');
        const theme = await view.locator('body').getAttribute('class');
        if (!theme?.includes('vscode-light'))
          throw new Error(`the webview body has class "${theme}", expected vscode-light`);
        await shot('6-panel-segments-light');
      },
    },
    {
      name: 'the healthy panel and the welcome view read well in the light theme',
      run: async () => {
        await runCommand(page, 'Greenplum: Open gpstate Output…');
        await page.locator('.quick-input-widget input').fill('gp7_gpstate-f_streaming');
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'gp7_gpstate-f_streaming' })
          .first()
          .waitFor({ timeout: 20000 });
        await page.keyboard.press('Enter');
        await expectText(webview(), 'verdict.headline', 'Mirroring healthy: scdw follows cdw');
        await shot('7-panel-healthy-light');
      },
    },
    {
      name: 'the panel follows a high-contrast theme',
      run: async () => {
        await setTheme(page, 'Dark High Contrast', 'hc-black');
        const view = webview();
        await page.waitForTimeout(500);
        const theme = await view.locator('body').getAttribute('class');
        if (!theme?.includes('vscode-high-contrast'))
          throw new Error(`the webview body has class "${theme}", expected vscode-high-contrast`);
        await expectText(view, 'verdict.headline', 'Mirroring healthy: scdw follows cdw');
        await shot('8-panel-healthy-high-contrast');
      },
    },
  ];
}

/** The lab (real sshd, PostgreSQL and gp utilities) after a failover, in a workspace that knows its cluster. */
async function labSession(vsix: string): Promise<{ passed: number; failed: number }> {
  // 43 first; another checkout's run on this machine may hold it.
  const subnet = String(await freeLabSubnet([43, 49, 48, 47, 46, 45, 44]).catch(() => 43));
  const labDir = path.join(labRoot(ROOT), subnet); // outside /tmp, as the lab needs
  const labCli = (...args: string[]) =>
    execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['test/lab/cli.ts', ...args, '--dir', labDir], {
      cwd: ROOT,
      stdio: 'pipe',
      timeout: 240000,
    });
  try {
    labCli('up', '--scenario', 'after-failover', '--subnet', subnet);
  } catch (error) {
    console.log(
      `  ✗ the lab did not start (it needs root, openssh-server and postgresql): ${String(
        (error as { stderr?: Buffer }).stderr ?? error,
      )
        .trim()
        .split('\n')
        .slice(-2)
        .join(' / ')}`,
    );
    return { passed: 0, failed: 1 };
  }
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gpcoord-ui-lab-'));
  try {
    const lab = (
      JSON.parse(fs.readFileSync(path.join(labDir, 'state.json'), 'utf8')) as {
        lab: { inventoryPath: string; sshConfigPath: string };
      }
    ).lab;
    fs.copyFileSync(lab.inventoryPath, path.join(workspace, 'greenplum-clusters.yaml'));
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(
      path.join(workspace, '.vscode/settings.json'),
      JSON.stringify({
        'greenplumCoordinator.sshConfigPath': lab.sshConfigPath,
        'greenplumCoordinator.autoRefreshSeconds': 0,
      }),
    );
    log('lab up (after-failover)');
    return await session(vsix, workspace, s => labChecks(s, workspace));
  } finally {
    labCli('down');
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

/** Restore mirroring and swap back, from the palette, answering every modal by clicking its button. */
function labChecks({ page, shot, webview, base }: Session, workspace: string): Check[] {
  const row = (label: string) =>
    page
      .locator('.part.sidebar .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
  const answer = async (button: string, screenshot?: string) => {
    const dialog = page.locator('.monaco-dialog-box');
    const choice = dialog.getByRole('button', { name: button, exact: true });
    await choice.waitFor({ timeout: 90000 });
    if (screenshot) await shot(screenshot);
    await choice.click();
  };
  return [
    {
      name: 'lab: the Clusters view lists the cluster from greenplum-clusters.yaml with its two hosts',
      run: async () => {
        await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
        await page
          .locator('.part.activitybar a.action-label[aria-label^="Greenplum Coordinator"]')
          .click({ timeout: 60000 });
        await row('lab').waitFor({ timeout: 30000 });
        await row('cdw').waitFor();
        await row('scdw').waitFor();
      },
    },
    {
      name: 'lab: Check Coordinator Mirroring shows scdw active, cdw a former coordinator, nothing mirrored',
      run: async () => {
        await runCommand(page, 'Greenplum: Check Coordinator Mirroring');
        await row('cdw').filter({ hasText: 'former coordinator' }).waitFor({ timeout: 60000 });
        await row('scdw').filter({ hasText: 'active coordinator' }).waitFor();
        await expectText(webview(), 'verdict.headline', 'Coordinator on scdw is not mirrored', 30000);
        await shot('11-lab-after-failover-dark');
      },
    },
    {
      name: 'lab: Restore Coordinator Mirroring shows its plan, then asks before each change naming host and command',
      run: async () => {
        await runCommand(page, 'Greenplum: Restore Coordinator Mirroring…');
        await answer('Start', '12-restore-plan-modal-dark');
        await answer('Move /data/coordinator/gpseg-1 on cdw', '13-confirm-move-aside-dark');
        await answer('Make cdw the standby of scdw', '14-confirm-gpinitstandby-dark');
        await page.locator('.terminal-wrapper, .terminal-outer-container').first().waitFor({ timeout: 20000 });
        await page.waitForTimeout(1500);
        await shot('15-terminal-mid-step-dark');
      },
    },
    {
      name: 'lab: the run ends with cdw the passive, streaming standby in the panel and the tree',
      run: async () => {
        await expectText(webview(), 'verdict.headline', 'Mirroring healthy: cdw follows scdw', 120000);
        await expectText(webview(), 'procedure.status', 'done');
        // Cards keep their sides: cdw, the original coordinator, stays on the left as the standby now.
        await expectText(webview(), 'host0.role', 'Standby: passive, streaming, sync');
        await expectText(webview(), 'link.direction', 'WAL: cdw ← scdw');
        await row('cdw').filter({ hasText: 'standby: passive, streaming, sync' }).waitFor({ timeout: 30000 });
        await shot('16-restored-panel-dark');
      },
    },
    {
      name: 'lab: Return Coordinator to Original Host asks four times and ends with scdw the standby of cdw',
      run: async () => {
        await runCommand(page, 'Greenplum: Return Coordinator to Original Host…');
        await answer('Start');
        await answer('Stop the coordinator on scdw', '17-confirm-gpstop-dark');
        await answer('Activate the standby on cdw');
        await answer('Move /data/coordinator/gpseg-1 on scdw');
        await answer('Make scdw the standby of cdw');
        await expectText(webview(), 'verdict.headline', 'Mirroring healthy: scdw follows cdw', 180000);
        await row('cdw').filter({ hasText: 'active coordinator' }).waitFor({ timeout: 30000 });
        await shot('18-returned-panel-dark');
      },
    },
    {
      name: 'lab: the final panel and the tree in the light theme',
      run: async () => {
        await setTheme(page, 'Light Modern', 'vs');
        await expectText(webview(), 'procedure.status', 'done');
        await shot('19-returned-panel-light');
      },
    },
  ];
}

function startsWith(text: string): RegExp {
  return new RegExp('^\\s*' + text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/** Runs a palette command by its exact title (the palette also lists similar commands, so Enter alone is not enough). */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill('>' + title);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: startsWith(title) }).first();
  await row.waitFor({ timeout: 20000 });
  await row.click();
}

/** Switches the colour theme through "Preferences: Color Theme", as a user would. */
async function setTheme(page: Page, label: string, workbenchClass: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await page.locator('.quick-input-widget input[placeholder*="Color Theme"]').waitFor({ timeout: 20000 });
  await page.keyboard.type(label);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: startsWith(label) }).first();
  await row.waitFor({ timeout: 20000 });
  await row.click();
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: 20000 });
}

async function expectText(view: FrameLocator, field: string, expected: string, timeoutMs = 10000): Promise<void> {
  const node = view.locator(`[data-field="${field}"]`);
  await node.waitFor({ timeout: Math.max(20000, timeoutMs) });
  const deadline = Date.now() + timeoutMs;
  let actual = '';
  while (Date.now() < deadline) {
    actual = (await node.textContent())?.replace(/\s+/g, ' ').trim() ?? '';
    if (actual === expected) return;
    await new Promise(r => setTimeout(r, 150));
  }
  throw new Error(`panel field ${field}: expected "${expected}", found "${actual}"`);
}

main().then(
  code => process.exit(code),
  (error: unknown) => {
    console.error('UI test could not run:', error);
    console.log('SUITE RESULT passed=0 failed=1');
    process.exit(1);
  },
);

// Procedure steps run in the run's integrated terminal on an ssh2 PTY channel: the utility's output shows there live
// and the engine still parses it; keys typed in the terminal reach the command; Ctrl+C typed there interrupts the
// step, which is then unknown and re-observed, and a later run resumes from what is observed and finishes.
// The lab is started afresh (after-failover) in the directory and subnet run-integration.js gave it, since the tests
// before this file leave it with faults (a changed host key, a stopped standby).
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GreenplumCoordinatorApi } from '../../src/extension/main';
import { api, waitFor } from './helpers';

interface LabInfo {
  dir: string;
  inventoryPath: string;
  sshConfigPath: string;
  clusterName: string;
}
interface Outcome {
  status: string;
  message: string;
}
const SECTION = 'greenplumCoordinator';

function labDir(): string {
  const dir = process.env.GPCOORD_LAB_DIR;
  assert.ok(
    dir,
    process.env.GPCOORD_LAB_ERROR ??
      'GPCOORD_LAB_DIR is not set: run the suite with test/support/run-integration.js, which starts the lab',
  );
  return dir;
}

function labCli(...args: string[]): string {
  const root = process.env.GPCOORD_REPO_ROOT ?? path.resolve(__dirname, '../../..');
  const r = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['test/lab/cli.ts', ...args, '--dir', labDir()], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240000,
  });
  assert.strictEqual(r.status, 0, `lab ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

function readLab(): LabInfo {
  return (JSON.parse(fs.readFileSync(path.join(labDir(), 'state.json'), 'utf8')) as { lab: LabInfo }).lab;
}

/** The terminal's text without colours and with plain line ends. */
function shown(a: GreenplumCoordinatorApi, cluster: string): string {
  const csi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
  return (a.procedureTerminalText(cluster) ?? '').replace(csi, '').replace(/\r\n/g, '\n');
}

suite('Procedure steps in the integrated terminal (ssh2 PTY)', function () {
  this.timeout(600000);
  let lab: LabInfo;
  let a: GreenplumCoordinatorApi;

  suiteSetup(async () => {
    const subnet = path.basename(labDir());
    assert.match(subnet, /^\d+$/, `the lab directory ${labDir()} does not end in its subnet`);
    labCli('down');
    labCli('up', '--scenario', 'after-failover', '--subnet', subnet);
    lab = readLab();
    a = await api();
    const config = vscode.workspace.getConfiguration(SECTION);
    await config.update('inventoryPaths', [lab.inventoryPath], vscode.ConfigurationTarget.Global);
    // A changed value makes the extension drop its pooled connections to the lab as it was before.
    await config.update('sshConfigPath', undefined, vscode.ConfigurationTarget.Global);
    await config.update('sshConfigPath', lab.sshConfigPath, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('greenplumCoordinator.refresh');
    await vscode.commands.executeCommand('greenplumCoordinator.checkMirroring', lab.clusterName);
    assert.strictEqual(a.observed(lab.clusterName)?.situation, 'after-failover');
  });

  suiteTeardown(async () => {
    a?.answerConfirmations(undefined);
    if (lab) labCli('fault', 'fast-host', 'scdw');
    const config = vscode.workspace.getConfiguration(SECTION);
    await config.update('inventoryPaths', undefined, vscode.ConfigurationTarget.Global);
    await config.update('sshConfigPath', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test("each step runs in the run's terminal: banners, the utilities' live output, and the engine parses it", async () => {
    a.answerConfirmations(async () => true);
    const terminalsBefore = vscode.window.terminals.length;
    const outcome = await vscode.commands.executeCommand<Outcome>(
      'greenplumCoordinator.restoreMirroring',
      lab.clusterName,
    );
    assert.strictEqual(outcome?.status, 'done', outcome?.message);
    // One terminal for the whole run, all three steps in it.
    const runTerminals = vscode.window.terminals
      .slice(terminalsBefore)
      .filter(t => t.name === `Greenplum: ${lab.clusterName} — Restore coordinator mirroring`);
    assert.strictEqual(runTerminals.length, 1, vscode.window.terminals.map(t => t.name).join(', '));
    const text = shown(a, lab.clusterName);
    // Banners: host and exact command of each step, then its exit status.
    assert.match(
      text,
      /\[1\/3\] .* — on cdw\ncdw\$ test ! -e \/data\/coordinator\/backup_gpseg-1 .*mv -T \/data\/coordinator\/gpseg-1 \/data\/coordinator\/backup_gpseg-1\n/,
    );
    assert.match(text, /\[2\/3\] .* — on scdw\nscdw\$ gpinitstandby -a -s cdw/);
    assert.match(text, /\[3\/3\] .* — on scdw\nscdw\$ gpstate -f/);
    // The utilities' own output, through the PTY (its line ends are \r\n, turned back into \n above).
    assert.match(text, /Successfully created standby .* on cdw/);
    assert.match(text, /Standby status\s+= Standby host passive/);
    assert.strictEqual(text.match(/^exit status 0 · \d+\.\d s$/gm)?.length, 3, text);
    // The engine parsed the gpstate -f output captured from the PTY: the verification names what it read.
    assert.match(text, /✓ .*standby passive; WAL sender streaming, sync state/);
    assert.match(text, /Restore coordinator mirroring: done/);
    assert.strictEqual(a.observed(lab.clusterName)?.situation, 'healthy');
    const panel = await a.readPanel(a.clusterPanelKey(lab.clusterName));
    assert.strictEqual(panel['step2.status'], 'succeeded');
  });

  test("keys reach the step's command; Ctrl+C interrupts it: unknown, re-observed, and a later run finishes", async () => {
    // Every command on scdw now starts 3 s late: the time to type into the running step.
    labCli('fault', 'slow-host', 'scdw');
    a.answerConfirmations(async () => true);
    const name = `Greenplum: ${lab.clusterName} — Return the coordinator to its original host`;
    const running = vscode.commands.executeCommand<Outcome>(
      'greenplumCoordinator.returnToOriginalHost',
      lab.clusterName,
    );
    await waitFor(
      'the gpstop step to start in the terminal',
      () => (/scdw\$ gpstop -a -m -M fast[^\n]*\n/.test(shown(a, lab.clusterName)) ? true : undefined),
      120000,
    );
    const terminal = vscode.window.terminals.find(t => t.name === name);
    assert.ok(terminal, `no terminal named ${name}`);
    // Typed text goes to the remote PTY, which echoes it: only the host can have written it back.
    terminal.sendText('typed-into-gpstop', false);
    await waitFor(
      'the PTY to echo what was typed',
      () => (shown(a, lab.clusterName).includes('typed-into-gpstop') ? true : undefined),
      5000,
    );
    terminal.sendText('\x03', false);
    const outcome = await running;
    assert.strictEqual(outcome?.status, 'cancelled', outcome?.message);
    assert.match(outcome.message, /outcome of "[^"]+" on scdw is unknown .*interrupted by the user/);
    assert.match(outcome.message, /re-observed: situation healthy, active coordinator scdw/);
    const text = shown(a, lab.clusterName);
    assert.match(text, /\^C interrupting the step/);
    assert.doesNotMatch(text, /exit status 0 ·/, 'no step finished normally');
    const panel = await a.readPanel(a.clusterPanelKey(lab.clusterName));
    assert.strictEqual(panel['step0.status'], 'outcome unknown');
    // Interrupted during the host's delay, gpstop never ran: the coordinator on scdw is still up and mirrored.
    assert.strictEqual(a.observed(lab.clusterName)?.situation, 'healthy');
    assert.strictEqual(a.observed(lab.clusterName)?.activeCoordinator, 'scdw');
    const audit = fs
      .readFileSync(a.auditLogPath(), 'utf8')
      .trim()
      .split('\n')
      .map(
        l => JSON.parse(l) as { kind: string; host: string; command: string; exitCode: number | null; error?: string },
      );
    assert.ok(
      audit.some(
        l =>
          l.kind === 'step' &&
          l.host === 'scdw' &&
          l.command.startsWith('gpstop') &&
          l.exitCode === null &&
          /interrupted by the user/.test(l.error ?? ''),
      ),
      'the interrupted step is audited with no exit status',
    );

    // The later run plans from what it observes, and completes the swap.
    labCli('fault', 'fast-host', 'scdw');
    const again = await vscode.commands.executeCommand<Outcome>(
      'greenplumCoordinator.returnToOriginalHost',
      lab.clusterName,
    );
    assert.strictEqual(again?.status, 'done', again?.message);
    assert.strictEqual(a.observed(lab.clusterName)?.situation, 'healthy');
    assert.strictEqual(a.observed(lab.clusterName)?.activeCoordinator, 'cdw');
    const resumed = shown(a, lab.clusterName);
    assert.match(resumed, /scdw\$ gpstop -a -m -M fast/);
    assert.match(resumed, /cdw\$ .*gpactivatestandby -a -d/);
    assert.match(resumed, /Return the coordinator to its original host: done/);
  });
});

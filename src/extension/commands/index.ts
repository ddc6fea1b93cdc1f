// Every command of the extension, in one table; the entry registers each id (ids.ts) and calls runCommand on first
// use. Each handler lives in its own file.
import * as vscode from 'vscode';
import type { CommandId } from '../ids';
import type { Services } from '../services';
import { allowedHere } from '../trust';
import { addCluster } from './add-cluster';
import { checkMirroring } from './check-mirroring';
import { forgetCredentials } from './forget-credentials';
import { openGpstateOutput } from './open-gpstate-output';
import { openTerminal } from './open-terminal';
import { refresh } from './refresh';
import { activateStandby, dryRunProcedure, rebuildStandby, startStandby } from './lifecycle-procedures';
import { restoreMirroring } from './restore-mirroring';
import { returnToOriginalHost } from './return-to-original-host';
import { showAuditLog } from './show-audit-log';
import { showPanel } from './show-panel';

export type CommandHandler = (services: Services, ...args: unknown[]) => unknown;

interface CommandEntry {
  /** Title as the palette shows it (without the category), used in error messages; read when needed, in the display language. */
  title: () => string;
  run: CommandHandler;
}

export const COMMANDS: Readonly<Record<CommandId, CommandEntry>> = {
  'greenplumCoordinator.restoreMirroring': {
    title: () => vscode.l10n.t('Restore Coordinator Mirroring'),
    run: restoreMirroring,
  },
  'greenplumCoordinator.returnToOriginalHost': {
    title: () => vscode.l10n.t('Return Coordinator to Original Host'),
    run: returnToOriginalHost,
  },
  'greenplumCoordinator.activateStandby': { title: () => vscode.l10n.t('Activate the Standby'), run: activateStandby },
  'greenplumCoordinator.startStandby': { title: () => vscode.l10n.t('Start the Standby'), run: startStandby },
  'greenplumCoordinator.rebuildStandby': { title: () => vscode.l10n.t('Rebuild the Standby'), run: rebuildStandby },
  'greenplumCoordinator.dryRun': { title: () => vscode.l10n.t('Dry Run a Procedure'), run: dryRunProcedure },
  'greenplumCoordinator.checkMirroring': {
    title: () => vscode.l10n.t('Check Coordinator Mirroring'),
    run: checkMirroring,
  },
  'greenplumCoordinator.addCluster': { title: () => vscode.l10n.t('Add Cluster'), run: addCluster },
  'greenplumCoordinator.openTerminal': { title: () => vscode.l10n.t('Open Terminal on Host'), run: openTerminal },
  'greenplumCoordinator.showPanel': { title: () => vscode.l10n.t('Show Status Panel'), run: showPanel },
  'greenplumCoordinator.openGpstateOutput': {
    title: () => vscode.l10n.t('Open gpstate Output'),
    run: openGpstateOutput,
  },
  'greenplumCoordinator.forgetCredentials': {
    title: () => vscode.l10n.t('Forget Saved Credentials'),
    run: forgetCredentials,
  },
  'greenplumCoordinator.showAuditLog': { title: () => vscode.l10n.t('Show Audit Log'), run: showAuditLog },
  'greenplumCoordinator.refresh': { title: () => vscode.l10n.t('Refresh'), run: refresh },
};

/** Runs a command of the table; a failure is reported to the user (and the log), not thrown at VS Code. */
export async function runCommand(services: Services, id: CommandId, args: unknown[]): Promise<unknown> {
  const { title, run } = COMMANDS[id];
  if (!allowedHere(id, title())) return undefined;
  try {
    return await run(services, ...args);
  } catch (error) {
    services.reportError(vscode.l10n.t('Greenplum: {0}', title()), error);
    return undefined;
  }
}

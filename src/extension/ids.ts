// Identifiers the entry (dist/extension.js) registers at activation, kept apart from the code behind them so that
// activation loads none of it. The command table (commands/index.ts) is keyed by COMMAND_IDS.
export const COMMAND_IDS = [
  'greenplumCoordinator.restoreMirroring',
  'greenplumCoordinator.returnToOriginalHost',
  'greenplumCoordinator.checkMirroring',
  'greenplumCoordinator.addCluster',
  'greenplumCoordinator.openTerminal',
  'greenplumCoordinator.showPanel',
  'greenplumCoordinator.openGpstateOutput',
  'greenplumCoordinator.forgetCredentials',
  'greenplumCoordinator.showAuditLog',
  'greenplumCoordinator.refresh',
  'greenplumCoordinator.activateStandby',
  'greenplumCoordinator.startStandby',
  'greenplumCoordinator.rebuildStandby',
  'greenplumCoordinator.dryRun',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

export const CLUSTERS_VIEW_ID = 'greenplumCoordinator.clusters';
export const STATUS_PANEL_VIEW_TYPE = 'greenplumCoordinator.status';

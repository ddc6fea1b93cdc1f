// `gpcoord status <cluster>`: observes the cluster and prints which host is the active coordinator and how its
// standby mirrors. Also holds the option handling shared by status, plan, run and hosts.
import { formatInventoryProblem } from '../../core/inventory';
import type { ResolvedCluster } from '../../core/inventory';
import type { ClusterState } from '../../core/state';
import { formatState } from '../../engine/format';
import { observe, observeWithGpstate } from '../../engine/observe';
import { HistoryFile, historyPathFor } from '../../engine/history';
import { createPool, defaultJournalPath, openCluster } from '../../engine/session';
import type { SshPool } from '../../ssh/pool';
import type { CliCommand, ParsedArgs } from '../args';
import { EXIT_USAGE, parseArgs } from '../args';

export const COMMON_OPTIONS = `  --inventory FILE    the cluster inventory (default ./greenplum-clusters.yaml, then
                      ~/.config/gpcoord/greenplum-clusters.yaml)
  --ssh-config FILE   the ssh client configuration (default ~/.ssh/config)`;

export const COMMON_VALUE_OPTIONS = ['inventory', 'ssh-config'] as const;

/** Loads the inventory named by the arguments and finds the cluster; prints every problem with its position. */
export function clusterFromArgs(command: string, name: string, args: ParsedArgs): ResolvedCluster | null {
  const inv = args.values.get('inventory');
  const opened = openCluster(name, inv ? { inventoryFiles: [inv] } : {});
  for (const p of opened.problems) process.stderr.write(`${formatInventoryProblem(p)}\n`);
  if (!opened.ok) {
    process.stderr.write(`gpcoord ${command}: ${opened.message}\n`);
    return null;
  }
  return opened.cluster;
}

export function poolFromArgs(args: ParsedArgs): SshPool {
  const cfg = args.values.get('ssh-config');
  return createPool({
    ...(cfg ? { sshConfigPath: cfg } : {}),
    log: (line) => {
      if (process.env.GPCOORD_DEBUG) process.stderr.write(`ssh: ${line}\n`);
    },
  });
}

export function usageError(command: string, usage: string, message: string): number {
  process.stderr.write(`gpcoord ${command}: ${message}\n\n${usage}\n`);
  return EXIT_USAGE;
}

/** Exit status of `status`: 0 healthy, 1 anything short of healthy, 3 split brain. */
export function statusExitCode(state: ClusterState): number {
  if (state.situation === 'healthy') return 0;
  if (state.situation === 'split-brain') return 3;
  return 1;
}

const USAGE = `Usage: gpcoord status <cluster> [--json] [--gpstate] [--inventory FILE] [--ssh-config FILE]

Observes the cluster over ssh (one round trip per host) and shows which host is the active coordinator,
the standby's status and replication (WAL state, sync state, sent/flush/replay and the lag), and problems.

  --json              print the ClusterState as JSON
  --gpstate           also run gpstate -f and -b on the active coordinator and report what they say
${COMMON_OPTIONS}

Exit status: 0 healthy (a passive standby streaming from the active coordinator), 1 not healthy
(standby down, after failover, coordinator down, both down, unknown), 2 bad usage or inventory, 3 split brain.`;

async function run(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, { valueOptions: [...COMMON_VALUE_OPTIONS], flags: ['json', 'gpstate', 'help'], aliases: { h: 'help' } });
  if (!parsed.ok) return usageError('status', USAGE, parsed.error);
  const { positionals, flags } = parsed.args;
  if (flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) return usageError('status', USAGE, positionals.length ? `unexpected argument "${positionals[1]}"` : 'missing <cluster>');
  const cluster = clusterFromArgs('status', positionals[0]!, parsed.args);
  if (!cluster) return EXIT_USAGE;
  const pool = poolFromArgs(parsed.args);
  try {
    const state = flags.has('gpstate') ? (await observeWithGpstate(cluster, pool)).state : await observe(cluster, pool);
    recordInHistory(state);
    process.stdout.write(flags.has('json') ? `${JSON.stringify(state, null, 2)}\n` : `${formatState(state)}\n`);
    return statusExitCode(state);
  } finally {
    await pool.dispose();
  }
}

/** Every observation that changed something goes to the cluster's history (gpcoord history); never fatal. */
function recordInHistory(state: ClusterState): void {
  try {
    new HistoryFile(historyPathFor(defaultJournalPath(state.cluster))).recordObservation(state);
  } catch (e) {
    process.stderr.write(`gpcoord status: the history could not be written: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

export const statusCommand: CliCommand = {
  summary: 'observe a cluster: the active coordinator, its standby and replication',
  usage: USAGE,
  run,
};

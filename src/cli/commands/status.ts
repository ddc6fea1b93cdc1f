// `gpcoord status <cluster>`: observes the cluster and prints which host is the active coordinator and how its
// standby mirrors.
import type { ClusterState } from '../../core/state';
import { formatState } from '../../engine/format';
import { HistoryFile, historyPathFor } from '../../engine/history';
import type { CliCommand } from '../args';
import { EXIT_USAGE } from '../args';
import { COMMON_OPTIONS, COMMON_VALUE_OPTIONS, openSession, readArgs, usageError } from '../preamble';

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
  const read = readArgs('status', USAGE, argv, { valueOptions: [...COMMON_VALUE_OPTIONS], flags: ['json', 'gpstate'] });
  if ('exit' in read) return read.exit;
  const { positionals, flags } = read.args;
  if (positionals.length !== 1)
    return usageError(
      'status',
      USAGE,
      positionals.length ? `unexpected argument "${positionals[1]}"` : 'missing <cluster>',
    );
  const opened = openSession('status', positionals[0]!, read.args);
  if (!opened) return EXIT_USAGE;
  const { session, pool } = opened;
  try {
    const state = flags.has('gpstate') ? (await session.observeWithGpstate()).state : await session.observe();
    recordInHistory(state, session.journalPath);
    process.stdout.write(flags.has('json') ? `${JSON.stringify(state, null, 2)}\n` : `${formatState(state)}\n`);
    return statusExitCode(state);
  } finally {
    await pool.dispose();
  }
}

/** Every observation that changed something goes to the cluster's history (gpcoord history); never fatal. */
function recordInHistory(state: ClusterState, journalPath: string): void {
  try {
    new HistoryFile(historyPathFor(journalPath)).recordObservation(state);
  } catch (e) {
    process.stderr.write(
      `gpcoord status: the history could not be written: ${e instanceof Error ? e.message : String(e)}\n`,
    );
  }
}

export const statusCommand: CliCommand = {
  summary: 'observe a cluster: the active coordinator, its standby and replication',
  usage: USAGE,
  run,
};

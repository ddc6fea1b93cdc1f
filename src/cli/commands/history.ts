// `gpcoord history <cluster>`: the cluster's recorded history — role changes, standby and replication state
// over time, and every procedure run — oldest first.
import { formatHistoryLine } from '../../core/history';
import { historyPathFor, HistoryFile } from '../../engine/history';
import { cliLocations } from '../../engine/locations';
import type { CliCommand } from '../args';
import { parseArgs } from '../args';
import { usageError } from '../preamble';

const USAGE = `Usage: gpcoord history <cluster> [--json] [--limit N] [--journal FILE]

Prints what was recorded for the cluster: each observation that changed something (roles, standby status,
WAL state, sync state, lag in steps) and each procedure run, oldest first. The history is kept beside the
journal (<journal>.history.jsonl), bounded to 1 MB and one rotated generation.

  --json              one JSON object per line, as recorded
  --limit N           only the last N entries
  --journal FILE      the journal whose history to read (default ~/.local/state/gpcoord/journal/<cluster>.jsonl)`;

async function run(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, {
    valueOptions: ['limit', 'journal'],
    flags: ['json', 'help'],
    aliases: { h: 'help' },
  });
  if (!parsed.ok) return usageError('history', USAGE, parsed.error);
  const { positionals, flags, values } = parsed.args;
  if (flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1)
    return usageError(
      'history',
      USAGE,
      positionals.length ? `unexpected argument "${positionals[1]}"` : 'missing <cluster>',
    );
  const name = positionals[0]!;
  const limitText = values.get('limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    return usageError(
      'history',
      USAGE,
      `--limit needs a whole number of entries, 1 or more (got "${limitText ?? ''}")`,
    );
  const path = historyPathFor(values.get('journal') ?? cliLocations().journalPath(name));
  const entries = new HistoryFile(path).read().filter(e => e.cluster === name);
  const shown = limit === undefined ? entries : entries.slice(-limit);
  if (!entries.length) {
    process.stderr.write(
      `gpcoord history: nothing recorded for cluster ${name} in ${path} (gpcoord status and run record it)\n`,
    );
    return 0;
  }
  for (const e of shown) process.stdout.write(`${flags.has('json') ? JSON.stringify(e) : formatHistoryLine(e)}\n`);
  return 0;
}

export const historyCommand: CliCommand = {
  summary: "show a cluster's history: roles, replication state and procedure runs over time",
  usage: USAGE,
  run,
};

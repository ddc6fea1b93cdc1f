// What every gpcoord subcommand that works on a cluster starts with: its arguments read (usage errors and --help
// answered), the inventory loaded and the cluster found (every problem printed with its position), a pooled ssh
// executor, and the engine's session on the cluster.
import { formatInventoryProblem } from '../core/inventory';
import type { ResolvedCluster } from '../core/inventory';
import { openCluster } from '../engine/inventory-files';
import { cliLocations } from '../engine/locations';
import { ProcedureSession } from '../engine/procedure-session';
import type { SessionOptions } from '../engine/procedure-session';
import { SshPool } from '../ssh/pool';
import type { ArgSpec, ParsedArgs } from './args';
import { EXIT_USAGE, parseArgs } from './args';

export const COMMON_OPTIONS = `  --inventory FILE    the cluster inventory (default ./greenplum-clusters.yaml, then
                      ~/.config/gpcoord/greenplum-clusters.yaml)
  --ssh-config FILE   the ssh client configuration (default ~/.ssh/config)`;

export const COMMON_VALUE_OPTIONS = ['inventory', 'ssh-config'] as const;

export function usageError(command: string, usage: string, message: string): number {
  process.stderr.write(`gpcoord ${command}: ${message}\n\n${usage}\n`);
  return EXIT_USAGE;
}

/** The arguments, or the exit status when they were wrong (usage printed) or --help was asked (usage printed). */
export function readArgs(
  command: string,
  usage: string,
  argv: readonly string[],
  spec: ArgSpec,
): { args: ParsedArgs } | { exit: number } {
  const parsed = parseArgs(argv, {
    ...spec,
    flags: [...(spec.flags ?? []), 'help'],
    aliases: { h: 'help', ...spec.aliases },
  });
  if (!parsed.ok) return { exit: usageError(command, usage, parsed.error) };
  if (parsed.args.flags.has('help')) {
    process.stdout.write(`${usage}\n`);
    return { exit: 0 };
  }
  return { args: parsed.args };
}

export function poolFromArgs(args: ParsedArgs): SshPool {
  const cfg = args.values.get('ssh-config');
  return new SshPool({
    ...(cfg ? { sshConfigPath: cfg } : {}),
    log: line => {
      if (process.env.GPCOORD_DEBUG) process.stderr.write(`ssh: ${line}\n`);
    },
    // StrictHostKeyChecking accept-new (or no) saves a first-seen key without asking: the user is told, never silently.
    onHostKeySaved: k =>
      process.stderr.write(
        `gpcoord: saved the new host key of ${k.host} (${k.keyType} ${k.fingerprintSha256}) to ${k.file}, as StrictHostKeyChecking allows; verify it on the host if in doubt.\n`,
      ),
  });
}

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

export interface CliSession {
  session: ProcedureSession;
  pool: SshPool;
}

/**
 * The session on the named cluster, over a new pool (the caller disposes it), with the journal and audit files of
 * --journal and --audit; null when the inventory or the cluster is wrong (every problem printed).
 */
export function openSession(
  command: string,
  name: string,
  args: ParsedArgs,
  extra: Partial<SessionOptions> = {},
): CliSession | null {
  const cluster = clusterFromArgs(command, name, args);
  if (!cluster) return null;
  const pool = poolFromArgs(args);
  const locations = cliLocations({ journal: args.values.get('journal'), audit: args.values.get('audit') });
  return { session: new ProcedureSession({ cluster, executor: pool, locations, ...extra }), pool };
}

// `gpcoord backups <cluster>` lists the coordinator data directory backups on each host (size, age);
// `gpcoord remove-backups <cluster>` removes old ones, each confirmed, each checked on its host right before `rm`.
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { defaultRemovals, formatBytes, newestBackup } from '../../core/backups';
import type { BackupEntry } from '../../core/backups';
import { appendRemovalAudit, listBackups, removeBackup } from '../../engine/backups';
import type { HostBackups } from '../../engine/backups';
import { cliLocations } from '../../engine/locations';
import type { CliCommand } from '../args';
import { EXIT_USAGE, parseArgs } from '../args';
import { clusterFromArgs, COMMON_OPTIONS, COMMON_VALUE_OPTIONS, poolFromArgs, usageError } from '../preamble';

const LIST_USAGE = `Usage: gpcoord backups <cluster> [--json] [--inventory FILE] [--ssh-config FILE]

Lists the copies of the coordinator data directory that procedures moved aside (backup_gpseg-1,
backup_gpseg-1.<stamp>) on each host, with size and age; the newest on each host is marked.

${COMMON_OPTIONS}`;

const REMOVE_USAGE = `Usage: gpcoord remove-backups <cluster> [--host HOST] [--name NAME] [--include-newest] [--yes] [--dry-run]
                              [--audit FILE] [--inventory FILE] [--ssh-config FILE]

Removes old backups of the coordinator data directory: by default every backup but the newest on each host.
Each removal is confirmed (y/N) unless --yes, and checked on its host in the same shell right before rm:
not a symbolic link, a directory, not the data directory, not the target of a symbolic link beside it,
no postgres running in it, not the newest unless --include-newest. This is the only command that removes anything.

  --host HOST         only this host
  --name NAME         only this backup (on --host, or wherever it is)
  --include-newest    the newest backup on a host may be removed too
  --dry-run           say what would be removed, remove nothing
  --audit FILE        append-only audit log (default ~/.local/state/gpcoord/audit.jsonl)
${COMMON_OPTIONS}

Exit status: 0 all chosen backups removed (or none to remove), 1 a removal was refused or failed, 2 bad usage.`;

function age(iso: string, now: Date): string {
  const min = Math.max(0, (now.getTime() - Date.parse(iso)) / 60_000);
  if (min < 120) return `${Math.round(min)} min`;
  return min < 48 * 60 ? `${Math.round(min / 60)} h` : `${Math.round(min / 1440)} days`;
}

function listText(hosts: HostBackups[], now: Date): string {
  const lines: string[] = [];
  for (const h of hosts) {
    if (!h.ok) {
      lines.push(`${h.host}: could not list (${h.error})`);
      continue;
    }
    if (!h.entries.length) {
      lines.push(`${h.host}: no backups`);
      continue;
    }
    const newest = newestBackup(h.entries.filter(e => !e.symlink));
    lines.push(`${h.host}:`);
    for (const e of h.entries) {
      const tag = e.symlink ? '  (symbolic link: never removed)' : e === newest ? '  (newest: kept)' : '';
      lines.push(
        `  ${e.name.padEnd(40)} ${formatBytes(e.sizeBytes).padStart(9)}  ${age(e.modifiedAt, now).padStart(8)} old  ${e.modifiedAt}${tag}`,
      );
    }
  }
  return lines.join('\n');
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

async function list(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, {
    valueOptions: [...COMMON_VALUE_OPTIONS],
    flags: ['json', 'help'],
    aliases: { h: 'help' },
  });
  if (!parsed.ok) return usageError('backups', LIST_USAGE, parsed.error);
  if (parsed.args.flags.has('help')) {
    process.stdout.write(`${LIST_USAGE}\n`);
    return 0;
  }
  const [name, ...extra] = parsed.args.positionals;
  if (!name || extra.length)
    return usageError('backups', LIST_USAGE, name ? `unexpected argument "${extra[0]}"` : 'missing <cluster>');
  const cluster = clusterFromArgs('backups', name, parsed.args);
  if (!cluster) return EXIT_USAGE;
  const pool = poolFromArgs(parsed.args);
  try {
    const hosts = await listBackups(cluster, pool);
    process.stdout.write(
      parsed.args.flags.has('json') ? `${JSON.stringify(hosts, null, 2)}\n` : `${listText(hosts, new Date())}\n`,
    );
    return hosts.every(h => h.ok) ? 0 : 1;
  } finally {
    await pool.dispose();
  }
}

async function remove(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, {
    valueOptions: [...COMMON_VALUE_OPTIONS, 'host', 'name', 'audit'],
    flags: ['include-newest', 'yes', 'dry-run', 'help'],
    aliases: { h: 'help', y: 'yes' },
  });
  if (!parsed.ok) return usageError('remove-backups', REMOVE_USAGE, parsed.error);
  const { flags, values, positionals } = parsed.args;
  if (flags.has('help')) {
    process.stdout.write(`${REMOVE_USAGE}\n`);
    return 0;
  }
  const [name, ...extra] = positionals;
  if (!name || extra.length)
    return usageError('remove-backups', REMOVE_USAGE, name ? `unexpected argument "${extra[0]}"` : 'missing <cluster>');
  const yes = flags.has('yes');
  const dry = flags.has('dry-run');
  if (!yes && !dry && !process.stdin.isTTY)
    return usageError(
      'remove-backups',
      REMOVE_USAGE,
      'standard input is not a terminal, so no removal can be confirmed: pass --yes, or --dry-run',
    );
  const cluster = clusterFromArgs('remove-backups', name, parsed.args);
  if (!cluster) return EXIT_USAGE;
  const onlyHost = values.get('host');
  if (onlyHost !== undefined && !cluster.hosts.some(h => h.name === onlyHost)) {
    return usageError(
      'remove-backups',
      REMOVE_USAGE,
      `${onlyHost} is not a host of cluster ${cluster.name} (hosts: ${cluster.hosts.map(h => h.name).join(', ')})`,
    );
  }
  const onlyName = values.get('name');
  const includeNewest = flags.has('include-newest');
  const pool = poolFromArgs(parsed.args);
  const rl = yes || dry ? null : createInterface({ input: process.stdin, output: process.stdout });
  const auditPath = values.get('audit') ?? cliLocations().auditPath();
  let failures = 0;
  try {
    const hosts = (await listBackups(cluster, pool)).filter(h => onlyHost === undefined || h.host === onlyHost);
    process.stdout.write(`${listText(hosts, new Date())}\n`);
    for (const h of hosts) {
      if (!h.ok) {
        failures++;
        continue;
      }
      const chosen: BackupEntry[] =
        onlyName !== undefined ? h.entries.filter(e => e.name === onlyName) : defaultRemovals(h.entries, includeNewest);
      for (const e of chosen) {
        const what = `${e.path} on ${h.host} (${formatBytes(e.sizeBytes)}, ${e.modifiedAt})`;
        if (dry) {
          process.stdout.write(`would remove ${what}\n`);
          continue;
        }
        if (rl && !/^y(es)?$/i.test((await rl.question(`Remove ${what}? This cannot be undone. [y/N] `)).trim())) {
          process.stdout.write('  kept\n');
          continue;
        }
        const started = new Date();
        const r = await removeBackup(cluster, pool, h.host, e.name, includeNewest);
        appendRemovalAudit(auditPath, {
          user: localUser(),
          cluster: cluster.name,
          action: 'remove-backup',
          host: h.host,
          path: e.path,
          startedAt: started.toISOString(),
          endedAt: new Date().toISOString(),
          removed: r.removed,
          checks: r.checks,
          ...(r.error ? { error: r.error } : {}),
        });
        for (const c of r.checks) process.stdout.write(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.id}: ${c.message}\n`);
        process.stdout.write(
          r.removed ? `  removed ${what}\n` : `  NOT removed ${what}${r.error ? `: ${r.error}` : ''}\n`,
        );
        if (!r.removed) failures++;
      }
    }
    return failures ? 1 : 0;
  } finally {
    rl?.close();
    await pool.dispose();
  }
}

export const backupsCommand: CliCommand = {
  summary: 'list the coordinator data directory backups on each host (size, age)',
  usage: LIST_USAGE,
  run: list,
};
export const removeBackupsCommand: CliCommand = {
  summary: 'remove old coordinator data directory backups, each confirmed and checked on its host',
  usage: REMOVE_USAGE,
  run: remove,
};

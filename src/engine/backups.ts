// Listing the coordinator data directory backups on each host, and removing one with its checks run on the host in
// the same shell as the removal.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { backupListScript, parseBackupList, parseRemoval, removeBackupScript } from '../core/backups';
import type { BackupEntry, RemovalVerdict } from '../core/backups';
import type { ResolvedCluster } from '../core/inventory';
import type { RemoteExecutor } from '../ssh/types';
import { commandFor, describeExecError, hostTarget } from './observe';

export type HostBackups =
  { host: string; ok: true; entries: BackupEntry[] } | { host: string; ok: false; error: string };

export async function listBackups(
  cluster: ResolvedCluster,
  executor: RemoteExecutor,
  opts: { signal?: AbortSignal } = {},
): Promise<HostBackups[]> {
  return Promise.all(
    cluster.hosts.map(async (h): Promise<HostBackups> => {
      try {
        const r = await executor.exec(hostTarget(h), commandFor(cluster, backupListScript(h.dataDirectory)), {
          timeoutMs: 120_000,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        const parsed = parseBackupList(h.dataDirectory, r.stdout);
        if (!parsed.complete)
          return {
            host: h.name,
            ok: false,
            error: `the listing did not finish on ${h.name}: ${r.stderr.trim().split('\n').pop() ?? `exit ${String(r.exitCode)}`}`,
          };
        return { host: h.name, ok: true, entries: parsed.entries };
      } catch (e) {
        return { host: h.name, ok: false, error: describeExecError(e) };
      }
    }),
  );
}

export interface RemovalResult extends RemovalVerdict {
  host: string;
  name: string;
  /** Set when the removal's outcome is not known (connection lost, timeout): list the backups again. */
  error?: string;
}

export async function removeBackup(
  cluster: ResolvedCluster,
  executor: RemoteExecutor,
  host: string,
  name: string,
  allowNewest: boolean,
): Promise<RemovalResult> {
  const h = cluster.hosts.find(x => x.name === host);
  if (!h)
    throw new Error(
      `host ${host} is not in cluster ${cluster.name} (hosts: ${cluster.hosts.map(x => x.name).join(', ')})`,
    );
  const script = removeBackupScript(h.dataDirectory, name, allowNewest);
  try {
    const r = await executor.exec(hostTarget(h), commandFor(cluster, script), { timeoutMs: 30 * 60_000 });
    return { host, name, ...parseRemoval(name, r.stdout) };
  } catch (e) {
    return { host, name, removed: false, checks: [], error: `outcome unknown: ${describeExecError(e)}` };
  }
}

/** The audit line of one removal: who, where, what, each check's result, and whether it was removed. */
export interface RemovalAuditRecord {
  user: string;
  cluster: string;
  action: 'remove-backup';
  host: string;
  path: string;
  startedAt: string;
  endedAt: string;
  removed: boolean;
  checks: RemovalVerdict['checks'];
  error?: string;
}

export function appendRemovalAudit(path: string, record: RemovalAuditRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(record)}\n`, 'utf8');
}

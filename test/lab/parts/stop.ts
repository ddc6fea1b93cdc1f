// Stopping a run: finding exactly its processes (by namespace and bind mounts), and reading a running run back.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readState, writeState } from './layout';
import type { Lab, LabState } from './layout';
import { removeBridge } from './network';
import { listProcesses, mountNamespaceOf, processAlive, signal, waitFor } from './process';

// ---------------------------------------------------------------------------------------------------------
// down, readLab

export async function down(labOrDir: Lab | string): Promise<void> {
  const dir = typeof labOrDir === 'string' ? resolve(labOrDir) : labOrDir.dir;
  const state = readState(dir);
  if (!state) {
    await stopOrphans(dir);
    return;
  }
  await stopProcesses(() => findOwnProcesses(dir, namespacesOf(state)));
  // The hosts' network namespaces went with their processes; the bridge they hung off is the run's to remove.
  if (state.lab.greenplum === 'real') removeBridge(state.subnet);
  state.running = false;
  writeState(state);
}

/** Processes of a run in `dir` found without its state: by command line, then everything in their namespaces. */
export async function stopOrphans(dir: string): Promise<void> {
  const hostsDir = join(dir, 'hosts') + '/';
  const namespaces = new Set(
    listProcesses()
      .filter(p => p.cmdline.includes(hostsDir) && p.mountNamespace)
      .map(p => p.mountNamespace!),
  );
  namespaces.delete(mountNamespaceOf('self') ?? '');
  if (namespaces.size === 0) return;
  await stopProcesses(() => findOwnProcesses(dir, namespaces));
}

export function namespacesOf(state: LabState): Set<string> {
  const namespaces = new Set(
    Object.values(state.processes)
      .map(p => p.mountNamespace)
      .filter(n => n),
  );
  namespaces.delete(mountNamespaceOf('self') ?? '');
  return namespaces;
}

export async function stopProcesses(ours: () => Array<{ pid: number; comm: string }>): Promise<void> {
  // PostgreSQL first, with an immediate shutdown so it removes its shared memory and lock files itself.
  for (const p of ours()) if (p.comm === 'postgres') signal(p.pid, 'SIGQUIT');
  await waitFor('PostgreSQL to stop', () => !ours().some(p => p.comm === 'postgres'), 5_000).catch(() => undefined);
  for (const p of ours()) signal(p.pid, 'SIGTERM');
  await waitFor('the lab processes to stop', () => ours().length === 0, 3_000).catch(() => undefined);
  for (const p of ours()) signal(p.pid, 'SIGKILL');
  await waitFor('the lab processes to die', () => ours().length === 0, 3_000);
}

/**
 * The processes of the run in `dir`. The kernel reuses namespace ids once a namespace is gone, so a recorded id
 * alone could name another lab's host: a process counts only if its mounts show this run's bind mounts (or its
 * command line names this run's files).
 */
export function findOwnProcesses(dir: string, namespaces: Set<string>): Array<{ pid: number; comm: string }> {
  const hostsDir = join(dir, 'hosts') + '/';
  const verified = new Map<string, boolean>();
  const mountsAreOurs = (pid: number, ns: string): boolean => {
    const known = verified.get(ns);
    if (known !== undefined) return known;
    let ok: boolean;
    try {
      ok = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
        .split('\n')
        .some(line => {
          // "<id> <parent> <dev> <root> <mount point> ...": our hosts bind <run>/hosts/<host>/tmp on /tmp. The root is
          // relative to its file system, so it may be a tail of the absolute path.
          const [, , , root = '', mountPoint] = line.split(' ');
          const at = root.lastIndexOf('/hosts/');
          return mountPoint === '/tmp' && at >= 0 && hostsDir.endsWith(root.slice(0, at + '/hosts/'.length));
        });
    } catch {
      return false; // gone, or unreadable: decide on the next scan
    }
    verified.set(ns, ok);
    return ok;
  };
  return listProcesses().filter(p => {
    if (p.pid === process.pid) return false;
    if (p.cmdline.includes(hostsDir)) return true;
    return p.mountNamespace !== undefined && namespaces.has(p.mountNamespace) && mountsAreOurs(p.pid, p.mountNamespace);
  });
}

/** The pids of every process that belongs to the run in `dir` (its namespaces), for tests and `status`. */
export function labProcesses(dir: string): number[] {
  const state = readState(resolve(dir));
  return state ? findOwnProcesses(resolve(dir), namespacesOf(state)).map(p => p.pid) : [];
}

export async function readLab(dir: string): Promise<Lab> {
  const state = readState(resolve(dir));
  if (!state) throw new Error(`lab: no lab in ${resolve(dir)} (no state.json); start one with \`npm run lab -- up\``);
  if (!state.running)
    throw new Error(`lab: the lab in ${resolve(dir)} was stopped; start it again with \`npm run lab -- up\``);
  const anchor = Object.values(state.processes)[0];
  if (!anchor || !processAlive(anchor.anchorPid))
    throw new Error(
      `lab: the lab in ${resolve(dir)} is not running any more (crashed or the machine restarted); run \`npm run lab -- up\``,
    );
  return Promise.resolve(state.lab);
}

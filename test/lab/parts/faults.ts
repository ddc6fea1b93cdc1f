// Faults injected into a running lab.
import { chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULTS, PG_BIN, SLOW_SECONDS, hostDataPath, hostDir, readState, writeState } from './layout';
import type { FaultName, Lab, LabState } from './layout';
import { must, startSshd } from './hosts';
import { fingerprint } from './keys';
import { listProcesses, portOpen, processAlive, sh, signal, userIds, waitFor } from './process';

// ---------------------------------------------------------------------------------------------------------
// faults

export interface PostgresOnHost {
  host: string;
  pid: number;
  standby: boolean;
}

/**
 * The coordinators and standbys running on the lab hosts, read from outside: postmaster.pid, and standby.signal
 * (PostgreSQL 15) or recovery.conf (Greenplum 6) for a standby.
 */
export function runningPostgres(lab: Lab): PostgresOnHost[] {
  const out: PostgresOnHost[] = [];
  for (const h of lab.hosts) {
    const dir = hostDataPath(lab, h.name);
    try {
      const pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (processAlive(pid))
        out.push({
          host: h.name,
          pid,
          standby: existsSync(join(dir, 'standby.signal')) || existsSync(join(dir, 'recovery.conf')),
        });
    } catch {
      // not running on this host
    }
  }
  return out;
}

export function stateOf(lab: Lab): LabState {
  const state = readState(lab.dir);
  if (!state || !state.running) throw new Error(`lab: the lab in ${lab.dir} is not running`);
  return state;
}

export function hostOrDefault(lab: Lab, host: string | undefined, fallback: string): string {
  const name = host ?? fallback;
  if (![...lab.hosts, lab.bastion].some(h => h.name === name))
    throw new Error(
      `lab: unknown host "${name}"; the lab has ${[...lab.hosts, lab.bastion].map(h => h.name).join(', ')}`,
    );
  return name;
}

/** Real Greenplum's pg_ctl (its ~/.bashrc puts it on PATH), or PostgreSQL 15's. */
const pgCtl = (lab: Lab): string => (lab.greenplum === 'real' ? 'pg_ctl' : `${PG_BIN}/pg_ctl`);
const sshdOptions = (lab: Lab): { sshPort: number; ownNetwork: boolean } => ({
  sshPort: lab.hosts[0]!.sshPort,
  ownNetwork: lab.greenplum === 'real',
});

export async function fault(lab: Lab, name: FaultName, host?: string): Promise<void> {
  const state = stateOf(lab);
  const addressOf = (n: string): string => [...lab.hosts, lab.bastion].find(h => h.name === n)!.address;
  switch (name) {
    case 'kill-coordinator': {
      const active = runningPostgres(lab).filter(p => !p.standby && (!host || p.host === host));
      if (!active.length) throw new Error(`lab: no running coordinator${host ? ` on ${host}` : ''} to kill`);
      for (const p of active) signal(p.pid, 'SIGKILL'); // the lock file /tmp/.s.PGSQL.<port>.lock stays behind
      await waitFor('the coordinator to die', () => active.every(p => !processAlive(p.pid)), 5_000);
      return;
    }
    case 'stop-standby': {
      const standbys = runningPostgres(lab).filter(p => p.standby && (!host || p.host === host));
      if (!standbys.length) throw new Error(`lab: no running standby${host ? ` on ${host}` : ''} to stop`);
      for (const p of standbys)
        await must(
          lab,
          p.host,
          `${pgCtl(lab)} stop -D ${lab.dataDirectory} -m fast -w >/dev/null`,
          'stopping the standby',
        );
      return;
    }
    case 'host-down': {
      const n = hostOrDefault(lab, host, lab.hosts[1]!.name);
      const p = state.processes[n]!;
      signal(p.sshdPid, 'SIGTERM');
      await waitFor(
        `sshd of ${n} to stop`,
        async () => !processAlive(p.sshdPid) && !(await portOpen(addressOf(n), sshdOptions(lab).sshPort)),
        5_000,
      );
      return;
    }
    case 'host-up': {
      const n = hostOrDefault(lab, host, lab.hosts[1]!.name);
      const p = state.processes[n]!;
      if (processAlive(p.sshdPid)) return;
      p.sshdPid = await startSshd(lab.dir, n, addressOf(n), p.anchorPid, sshdOptions(lab));
      writeState(state);
      return;
    }
    case 'drop-connections': {
      const n = hostOrDefault(lab, host, lab.hosts[0]!.name);
      const p = state.processes[n]!;
      // Session processes are the listener's sshd children; killing them cuts every open connection at once.
      for (const proc of listProcesses()) {
        if (proc.mountNamespace === p.mountNamespace && proc.comm === 'sshd' && proc.pid !== p.sshdPid)
          signal(proc.pid, 'SIGKILL');
      }
      return;
    }
    case 'change-host-key': {
      const n = hostOrDefault(lab, host, lab.hosts[0]!.name);
      const key = join(lab.dir, 'keys', `ssh_host_${n}_ed25519`);
      rmSync(key, { force: true });
      rmSync(key + '.pub', { force: true });
      sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${n}`, '-f', key]);
      const p = state.processes[n]!;
      signal(p.sshdPid, 'SIGTERM');
      await waitFor(`sshd of ${n} to stop`, () => !processAlive(p.sshdPid), 5_000);
      p.sshdPid = await startSshd(lab.dir, n, addressOf(n), p.anchorPid, sshdOptions(lab));
      // known_hosts keeps the old key on purpose: clients must now see a changed host key.
      const entry = [...state.lab.hosts, state.lab.bastion].find(h => h.name === n)!;
      entry.hostKeyFingerprint = fingerprint(key + '.pub');
      writeState(state);
      return;
    }
    case 'slow-host':
    case 'fast-host': {
      const n = hostOrDefault(lab, host, lab.hosts[0]!.name);
      const marker = join(hostDir(lab.dir, n), 'home', '.lab', 'slow');
      if (name === 'fast-host') rmSync(marker, { force: true });
      else {
        writeFileSync(marker, `${SLOW_SECONDS}\n`);
        const { uid, gid } = userIds();
        chownSync(marker, uid, gid);
      }
      return;
    }
    default:
      throw new Error(`lab: unknown fault "${String(name)}"; faults are ${FAULTS.join(', ')}`);
  }
}

// What a running lab's hosts are doing, read from outside.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostDataPath } from './layout';
import type { Lab } from './layout';
import { runningPostgres, stateOf } from './faults';
import { processAlive } from './process';

// ---------------------------------------------------------------------------------------------------------
// status

export interface HostStatus {
  name: string;
  address: string;
  sshd: 'up' | 'down';
  postgres: 'coordinator' | 'standby' | 'stopped' | 'none';
  dataDirectoryPresent: boolean;
}

export function status(lab: Lab): HostStatus[] {
  const state = stateOf(lab);
  const pg = runningPostgres(lab);
  return [...lab.hosts, lab.bastion].map(h => {
    const isBastion = h.name === lab.bastion.name;
    const running = pg.find(p => p.host === h.name);
    const present = !isBastion && existsSync(join(hostDataPath(lab, h.name), 'PG_VERSION'));
    return {
      name: h.name,
      address: h.address,
      sshd: processAlive(state.processes[h.name]?.sshdPid ?? 0) ? 'up' : 'down',
      postgres: isBastion ? 'none' : running ? (running.standby ? 'standby' : 'coordinator') : 'stopped',
      dataDirectoryPresent: present,
    };
  });
}

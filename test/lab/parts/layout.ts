// The lab's vocabulary: its types, fixed names and numbers, where a run keeps its files, and its state file.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- shared with the plain-JS test runners
const { labRoot } = require('../root.cjs') as { labRoot: (repoRoot: string) => string };

export type Scenario = 'healthy' | 'after-failover';
export type Vocabulary = 'master' | 'coordinator';
export type Product = 'greenplum' | 'cloudberry';
/** Which utilities and database a lab runs: emulated ones on PostgreSQL 15, or a real Greenplum build. */
export type LabKind = 'emulated' | 'real';
export type FaultName =
  | 'kill-coordinator'
  | 'stop-standby'
  | 'host-down'
  | 'host-up'
  | 'drop-connections'
  | 'change-host-key'
  | 'slow-host'
  | 'fast-host';
export const FAULTS: readonly FaultName[] = [
  'kill-coordinator',
  'stop-standby',
  'host-down',
  'host-up',
  'drop-connections',
  'change-host-key',
  'slow-host',
  'fast-host',
];

export interface LabHost {
  name: string;
  address: string;
  sshPort: number;
  hostKeyFingerprint: string; /* SHA256:... */
}
export interface Lab {
  dir: string; // the run's directory (state, logs, keys, the hosts' files)
  hosts: LabHost[]; // cdw, scdw (+ cdw3... with hosts: N)
  bastion: LabHost; // a jump host for ProxyJump tests (no /data content, no PostgreSQL)
  user: string; // 'gpadmin'
  identityFile: string; // unencrypted ed25519 private key accepted by every host for `user`
  sshConfigPath: string; // `ssh -F <sshConfigPath> cdw` works
  knownHostsPath: string; // known_hosts with every host's key (plain entries)
  knownHostsHashedPath: string; // the same keys as hashed entries (ssh-keygen -H)
  inventoryPath: string; // greenplum-clusters.yaml for src/core/inventory.ts, cluster name 'lab'
  clusterName: string; // 'lab'
  dataDirectory: string; // /data/coordinator/gpseg-1 (coordinator vocabulary) or /data/master/gpseg-1 (master)
  pgPort: number; // 5432 on every host, each bound to its own address
  vocabulary: Vocabulary;
  gphome: string; // GPHOME on the hosts
  environmentScript: string; // $GPHOME/greenplum_path.sh (or cloudberry-env.sh)
  greenplum: LabKind; // emulated utilities on PostgreSQL 15, or real Greenplum (its hosts have their own network namespaces)
}

export interface UpOptions {
  dir?: string;
  scenario?: Scenario;
  vocabulary?: Vocabulary;
  hosts?: number;
  subnet?: number;
  product?: Product;
  greenplum?: LabKind;
}

/** What a run records about itself in <dir>/state.json: the Lab plus the processes and namespaces it started. */
export interface LabState {
  lab: Lab;
  running: boolean;
  product: Product;
  scenario: Scenario;
  subnet: number;
  processes: Record<string, { anchorPid: number; sshdPid: number; mountNamespace: string }>;
}
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const SSH_PORT = 2222;
/** A real-Greenplum lab's hosts each have their own network namespace, so their sshd listens on the standard port. */
export const REAL_SSH_PORT = 22;
export const PG_PORT = 5432;
export const USER = 'gpadmin';
export const USER_HOME = '/home/gpadmin';
export const UTILITIES = ['gpstate', 'gpinitstandby', 'gpactivatestandby', 'gpstop', 'gpstart'] as const;
export const SLOW_SECONDS = 3;
export const RUN_MARKER = '.gpcoord-lab';
// 1 MB WAL segments keep data directories small: copying and deleting them is most of a lab's start and stop.
export const INITDB_ARGS = ['-U', USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N', '--wal-segsize=1'];
// Where lab runs live: outside /tmp, which every lab host mounts for itself (see test/lab/root.cjs).
export const LAB_ROOT: string = labRoot(REPO_ROOT);
export const TEMPLATE_DIR = join(LAB_ROOT, '.template', `pg15-initdb-${INITDB_ARGS.length}-wal1`);

// ---------------------------------------------------------------------------------------------------------
// layout

export function hostNames(count: number): string[] {
  const names = ['cdw', 'scdw'];
  for (let i = 3; i <= count; i++) names.push(`cdw${i}`);
  return names;
}

export const hostDir = (dir: string, name: string): string => join(dir, 'hosts', name);
export const statePath = (dir: string): string => join(dir, 'state.json');

export function dataDirectoryFor(vocabulary: Vocabulary): string {
  return vocabulary === 'master' ? '/data/master/gpseg-1' : '/data/coordinator/gpseg-1';
}

/** The path outside the namespaces of a path a host sees under /data. */
export function hostDataPath(lab: Lab, host: string, pathOnHost = lab.dataDirectory): string {
  if (!pathOnHost.startsWith('/data/')) throw new Error(`lab: ${pathOnHost} is not under /data`);
  return join(hostDir(lab.dir, host), 'data', pathOnHost.slice('/data/'.length));
}

export function readState(dir: string): LabState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(dir), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

export function writeState(state: LabState): void {
  const tmp = statePath(state.lab.dir) + '.tmp';
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, statePath(state.lab.dir));
}

export function defaultLabDir(subnet = 10): string {
  return join(LAB_ROOT, String(subnet));
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

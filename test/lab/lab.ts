// The test lab: Greenplum coordinator hosts on one machine. Each host is a real OpenSSH server on its own loopback
// address, inside its own mount and UTS namespaces (own /data, /tmp, /home/gpadmin, /etc/hosts and host name),
// running a real PostgreSQL 15 coordinator or standby with physical streaming replication, and the emulated
// Greenplum utilities built from ./utilities. Everything a run starts lives in its namespaces and is stopped by down().
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  LAB_ROOT,
  PG_BIN,
  PG_PORT,
  REAL_SSH_PORT,
  RUN_MARKER,
  SSH_PORT,
  USER,
  USER_HOME,
  dataDirectoryFor,
  hostNames,
  isDirectory,
  statePath,
  writeState,
} from './parts/layout';
import type { Lab, LabHost, LabState, UpOptions } from './parts/layout';
import { fingerprint, generateKeys, writeClientFiles } from './parts/keys';
import { startHost, writeHostFiles } from './parts/hosts';
import type { HostNetwork } from './parts/hosts';
import { REAL_DATA_DIRECTORY, REAL_HOSTS, buildRealCluster, realGphome } from './parts/greenplum';
import { createBridge, realAddress } from './parts/network';
import { buildCluster, buildUtilities, writeGphome } from './parts/postgres';
import { portOpen, sh, tracer } from './parts/process';
import { down, stopOrphans } from './parts/stop';

export { FAULTS, LAB_ROOT, defaultLabDir, hostDataPath, hostDir, isDirectory } from './parts/layout';
export type { FaultName, Lab, LabHost, LabKind, Product, Scenario, UpOptions, Vocabulary } from './parts/layout';
export { labExec } from './parts/hosts';
export { down, labProcesses, readLab } from './parts/stop';
export { fault, runningPostgres } from './parts/faults';
export { status } from './parts/status';
export type { HostStatus } from './parts/status';

// ---------------------------------------------------------------------------------------------------------
// up

type Validated = Required<Omit<UpOptions, 'dir'>> & { dir: string };

function validate(opts: UpOptions): Validated {
  const subnet = opts.subnet ?? 10;
  if (!Number.isInteger(subnet) || subnet < 1 || subnet > 250)
    throw new Error(
      `lab: subnet must be a whole number from 1 to 250 (the X of 127.0.X.n), got ${String(opts.subnet)}`,
    );
  const greenplum = opts.greenplum ?? 'emulated';
  if (greenplum !== 'emulated' && greenplum !== 'real')
    throw new Error(`lab: greenplum must be "emulated" or "real", got "${String(greenplum)}"`);
  const real = greenplum === 'real';
  const hosts = opts.hosts ?? (real ? REAL_HOSTS.length : 2);
  if (!Number.isInteger(hosts) || hosts < 2 || hosts > 9)
    throw new Error(`lab: hosts must be a whole number from 2 to 9, got ${String(opts.hosts)}`);
  if (real && hosts !== REAL_HOSTS.length)
    throw new Error(`lab: a real Greenplum lab has exactly the hosts ${REAL_HOSTS.join(', ')}; leave out --hosts`);
  const scenario = opts.scenario ?? 'healthy';
  if (scenario !== 'healthy' && scenario !== 'after-failover')
    throw new Error(`lab: scenario must be "healthy" or "after-failover", got "${String(scenario)}"`);
  const product = opts.product ?? 'greenplum';
  if (product !== 'greenplum' && product !== 'cloudberry')
    throw new Error(`lab: product must be "greenplum" or "cloudberry", got "${String(product)}"`);
  const vocabulary = opts.vocabulary ?? (real ? 'master' : 'coordinator');
  if (vocabulary !== 'master' && vocabulary !== 'coordinator')
    throw new Error(`lab: vocabulary must be "master" or "coordinator", got "${String(vocabulary)}"`);
  if (product === 'cloudberry' && vocabulary === 'master')
    throw new Error('lab: Cloudberry only speaks the "coordinator" vocabulary');
  if (real && (product !== 'greenplum' || vocabulary !== 'master'))
    throw new Error(
      'lab: the real Greenplum lab runs Greenplum 6, which speaks the "master" vocabulary; leave out --product and --vocabulary',
    );
  const dir = resolve(opts.dir ?? join(LAB_ROOT, String(subnet)));
  if (dir === '/tmp' || dir.startsWith('/tmp/'))
    throw new Error(`lab: the run directory ${dir} must not be under /tmp: every lab host mounts its own /tmp over it`);
  return { subnet, hosts, scenario, product, vocabulary, dir, greenplum };
}

function ensureSystem(real: boolean): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'lab: must run as root (it creates the gpadmin account, mount namespaces and bind mounts); see docs/lab.md for what needs root',
    );
  }
  if (sh('id', ['-u', USER], { allowFail: true }).code !== 0)
    sh('useradd', ['-m', '-d', USER_HOME, '-s', '/bin/bash', USER]);
  // The environment comes from ~/.bashrc, which only bash reads for ssh commands.
  const passwd = sh('getent', ['passwd', USER]).stdout.trim().split(':');
  if (passwd[6] !== '/bin/bash') sh('usermod', ['-s', '/bin/bash', USER]);
  if (passwd[5] !== USER_HOME)
    throw new Error(`lab: ${USER}'s home is ${passwd[5] ?? '?'}; the lab mounts each host's home on ${USER_HOME}`);
  // sshd without PAM refuses accounts whose password field is locked ("!"); "*" means no password but not locked.
  const shadow = sh('getent', ['shadow', USER], { allowFail: true }).stdout;
  if (shadow.split(':')[1]?.startsWith('!')) sh('usermod', ['-p', '*', USER]);
  for (const d of ['/data', USER_HOME, '/run/sshd']) mkdirSync(d, { recursive: true });
  const tools: Array<readonly [string, string]> = [
    ['/usr/sbin/sshd', 'openssh-server'],
    ['/usr/bin/unshare', 'util-linux'],
    ['/usr/bin/nsenter', 'util-linux'],
  ];
  tools.push(real ? ['/usr/bin/ip', 'iproute2'] : [`${PG_BIN}/postgres`, 'postgresql-15']);
  for (const [tool, hint] of tools) {
    if (!existsSync(tool)) throw new Error(`lab: ${tool} is missing; install the Debian package ${hint}`);
  }
}

/** Stops a previous run in the directory (even one whose state was lost) and leaves it empty. */
async function prepareRunDirectory(dir: string): Promise<void> {
  if (existsSync(statePath(dir))) await down(dir);
  else if (isDirectory(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, RUN_MARKER))) {
    throw new Error(`lab: ${dir} is not empty and holds no lab; pick an empty or new --dir`);
  }
  await stopOrphans(dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, RUN_MARKER), 'A Greenplum test lab run directory (npm run lab).\n');
}

/** Where the hosts are: loopback addresses for the emulated lab, the lab's own network for real Greenplum. */
async function addressesFor(o: Validated): Promise<{
  names: string[];
  addresses: Record<string, string>;
  bastion: { name: string; address: string };
  sshPort: number;
}> {
  const real = o.greenplum === 'real';
  const names = real ? REAL_HOSTS : hostNames(o.hosts);
  const address = (i: number): string => (real ? realAddress(o.subnet, i) : `127.0.${o.subnet}.${i}`);
  const addresses: Record<string, string> = Object.fromEntries(names.map((n, i) => [n, address(i + 1)]));
  const bastion = { name: 'bastion', address: address(254) };
  const sshPort = real ? REAL_SSH_PORT : SSH_PORT;
  if (real) createBridge(o.subnet);
  else {
    for (const a of [...Object.values(addresses), bastion.address]) {
      if (await portOpen(a, sshPort))
        throw new Error(
          `lab: ${a}:${sshPort} is already in use; another lab runs on subnet ${o.subnet} (stop it with \`npm run lab -- down --subnet ${o.subnet}\` or pick another --subnet)`,
        );
    }
  }
  return { names, addresses, bastion, sshPort };
}

export async function up(opts: UpOptions = {}): Promise<Lab> {
  const trace = tracer();
  const o = validate(opts);
  const real = o.greenplum === 'real';
  ensureSystem(real);
  const realHome = real ? realGphome() : undefined;
  trace('system checked');
  await prepareRunDirectory(o.dir);
  trace('previous run cleaned');
  const { names, addresses, bastion, sshPort } = await addressesFor(o);
  const dataDirectory = real ? REAL_DATA_DIRECTORY : dataDirectoryFor(o.vocabulary);
  trace('addresses free');
  await generateKeys(o.dir, [...names, bastion.name]);
  trace('keys generated');
  const { gphome, environmentScript } = realHome
    ? { gphome: realHome, environmentScript: join(realHome, 'greenplum_path.sh') }
    : writeGphome(o.dir, { product: o.product, vocabulary: o.vocabulary, hosts: addresses });
  const built = real ? Promise.resolve() : buildUtilities(gphome);
  const setup = { vocabulary: o.vocabulary, gphome, environmentScript, dataDirectory, sshPort, real };
  for (const n of names) writeHostFiles(o.dir, n, addresses[n]!, addresses, bastion, { ...setup, withData: true });
  writeHostFiles(o.dir, bastion.name, bastion.address, addresses, bastion, { ...setup, withData: false });

  const labHost = (name: string, addr: string): LabHost => ({
    name,
    address: addr,
    sshPort,
    hostKeyFingerprint: fingerprint(join(o.dir, 'keys', `ssh_host_${name}_ed25519.pub`)),
  });
  const lab: Lab = {
    dir: o.dir,
    hosts: names.map(n => labHost(n, addresses[n]!)),
    bastion: labHost(bastion.name, bastion.address),
    user: USER,
    identityFile: join(o.dir, 'keys', 'id_ed25519'),
    sshConfigPath: join(o.dir, 'ssh_config'),
    knownHostsPath: join(o.dir, 'known_hosts'),
    knownHostsHashedPath: join(o.dir, 'known_hosts.hashed'),
    inventoryPath: join(o.dir, 'greenplum-clusters.yaml'),
    clusterName: 'lab',
    dataDirectory,
    pgPort: PG_PORT,
    vocabulary: o.vocabulary,
    gphome,
    environmentScript,
    greenplum: o.greenplum,
  };
  const state: LabState = {
    lab,
    running: true,
    product: o.product,
    scenario: o.scenario,
    subnet: o.subnet,
    processes: {},
  };
  writeState(state);
  writeClientFiles(lab, o.subnet);
  trace('keys and files');
  const network = (i: number): HostNetwork => ({ sshPort, ...(real ? { net: { subnet: o.subnet, index: i } } : {}) });
  try {
    await Promise.all([
      ...names.map((n, i) => startHost(state, n, addresses[n]!, true, network(i + 1))),
      startHost(state, bastion.name, bastion.address, false, network(254)),
    ]);
    trace('hosts started');
    await built;
    trace('utilities built');
    if (real) await buildRealCluster(lab, o.scenario, trace);
    else await buildCluster(lab, o.scenario, trace);
  } catch (e) {
    await down(o.dir).catch(() => undefined);
    throw e;
  }
  return lab;
}

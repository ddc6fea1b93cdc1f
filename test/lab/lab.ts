// The test lab: Greenplum coordinator hosts on one machine. Each host is a real OpenSSH server on its own loopback
// address, inside its own mount and UTS namespaces (own /data, /tmp, /home/gpadmin, /etc/hosts and host name),
// running a real PostgreSQL 15 coordinator or standby with physical streaming replication, and the emulated
// Greenplum utilities built from ./utilities. Everything a run starts lives in its namespaces and is stopped by down().
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { stringify } from 'yaml';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- shared with the plain-JS test runners
const { labRoot } = require('./root.cjs') as { labRoot: (repoRoot: string) => string };

export type Scenario = 'healthy' | 'after-failover';
export type Vocabulary = 'master' | 'coordinator';
export type Product = 'greenplum' | 'cloudberry';
export type FaultName = 'kill-coordinator' | 'stop-standby' | 'host-down' | 'host-up' | 'drop-connections' | 'change-host-key' | 'slow-host' | 'fast-host';
export const FAULTS: readonly FaultName[] = ['kill-coordinator', 'stop-standby', 'host-down', 'host-up', 'drop-connections', 'change-host-key', 'slow-host', 'fast-host'];

export interface LabHost { name: string; address: string; sshPort: number; hostKeyFingerprint: string /* SHA256:... */ }
export interface Lab {
  dir: string;                 // the run's directory (state, logs, keys, the hosts' files)
  hosts: LabHost[];            // cdw, scdw (+ cdw3... with hosts: N)
  bastion: LabHost;            // a jump host for ProxyJump tests (no /data content, no PostgreSQL)
  user: string;                // 'gpadmin'
  identityFile: string;        // unencrypted ed25519 private key accepted by every host for `user`
  sshConfigPath: string;       // `ssh -F <sshConfigPath> cdw` works
  knownHostsPath: string;      // known_hosts with every host's key (plain entries)
  knownHostsHashedPath: string;// the same keys as hashed entries (ssh-keygen -H)
  inventoryPath: string;       // greenplum-clusters.yaml for src/core/inventory.ts, cluster name 'lab'
  clusterName: string;         // 'lab'
  dataDirectory: string;       // /data/coordinator/gpseg-1 (coordinator vocabulary) or /data/master/gpseg-1 (master)
  pgPort: number;              // 5432 on every host, each bound to its own address
  vocabulary: Vocabulary;
  gphome: string;              // GPHOME on the hosts
  environmentScript: string;   // $GPHOME/greenplum_path.sh (or cloudberry-env.sh)
}

export interface UpOptions { dir?: string; scenario?: Scenario; vocabulary?: Vocabulary; hosts?: number; subnet?: number; product?: Product }

/** What a run records about itself in <dir>/state.json: the Lab plus the processes and namespaces it started. */
interface LabState {
  lab: Lab;
  running: boolean;
  product: Product;
  scenario: Scenario;
  subnet: number;
  processes: Record<string, { anchorPid: number; sshdPid: number; mountNamespace: string }>;
}

const REPO_ROOT = resolve(__dirname, '..', '..');
const PG_BIN = '/usr/lib/postgresql/15/bin';
const SSH_PORT = 2222;
const PG_PORT = 5432;
const USER = 'gpadmin';
const USER_HOME = '/home/gpadmin';
const UTILITIES = ['gpstate', 'gpinitstandby', 'gpactivatestandby', 'gpstop', 'gpstart'] as const;
const SLOW_SECONDS = 3;
const RUN_MARKER = '.gpcoord-lab';
// 1 MB WAL segments keep data directories small: copying and deleting them is most of a lab's start and stop.
const INITDB_ARGS = ['-U', USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N', '--wal-segsize=1'];
// Where lab runs live: outside /tmp, which every lab host mounts for itself (see test/lab/root.cjs).
export const LAB_ROOT: string = labRoot(REPO_ROOT);
const TEMPLATE_DIR = join(LAB_ROOT, '.template', `pg15-initdb-${INITDB_ARGS.length}-wal1`);

// ---------------------------------------------------------------------------------------------------------
// small process helpers

function sh(cmd: string, args: string[], opts: { input?: string; allowFail?: boolean } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: opts.input ?? '', timeout: 120_000 });
  const res = { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? r.error.message : '') };
  if (res.code !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} failed (${res.code}): ${res.stderr.trim() || res.stdout.trim()}`);
  return res;
}

function runAsync(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child: ChildProcess = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { stderr += `\n[lab] timed out after ${opts.timeoutMs} ms`; child.kill('SIGKILL'); }, opts.timeoutMs ?? 120_000);
    child.on('error', (e) => { stderr += e.message; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 + 9 : 1), stdout, stderr });
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** LAB_TRACE=1 prints how long each step of up takes, to see where a slow start goes. */
function tracer(): (step: string) => void {
  let last = Date.now();
  return (step) => {
    if (process.env.LAB_TRACE) process.stderr.write(`[lab] ${step}: ${Date.now() - last} ms\n`);
    last = Date.now();
  };
}

function processAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

function mountNamespaceOf(pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

function listProcesses(): Array<{ pid: number; comm: string; cmdline: string; mountNamespace: string | undefined }> {
  const out: Array<{ pid: number; comm: string; cmdline: string; mountNamespace: string | undefined }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid, comm, cmdline, mountNamespace: mountNamespaceOf(pid) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function portOpen(address: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: address, port });
    const done = (ok: boolean): void => { socket.destroy(); resolvePromise(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(what: string, test: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return;
    if (Date.now() > deadline) throw new Error(`lab: timed out waiting for ${what}`);
    await sleep(50);
  }
}

function userIds(): { uid: number; gid: number } {
  const r = sh('id', ['-u', USER], { allowFail: true });
  const g = sh('id', ['-g', USER], { allowFail: true });
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function chownTree(path: string, uid: number, gid: number): void {
  sh('chown', ['-R', `${uid}:${gid}`, path]);
}

// ---------------------------------------------------------------------------------------------------------
// layout

function hostNames(count: number): string[] {
  const names = ['cdw', 'scdw'];
  for (let i = 3; i <= count; i++) names.push(`cdw${i}`);
  return names;
}

const hostDir = (dir: string, name: string): string => join(dir, 'hosts', name);
const statePath = (dir: string): string => join(dir, 'state.json');

function dataDirectoryFor(vocabulary: Vocabulary): string {
  return vocabulary === 'master' ? '/data/master/gpseg-1' : '/data/coordinator/gpseg-1';
}

/** The path outside the namespaces of a path a host sees under /data. */
export function hostDataPath(lab: Lab, host: string, pathOnHost = lab.dataDirectory): string {
  if (!pathOnHost.startsWith('/data/')) throw new Error(`lab: ${pathOnHost} is not under /data`);
  return join(hostDir(lab.dir, host), 'data', pathOnHost.slice('/data/'.length));
}

function readState(dir: string): LabState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(dir), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

function writeState(state: LabState): void {
  const tmp = statePath(state.lab.dir) + '.tmp';
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, statePath(state.lab.dir));
}

// ---------------------------------------------------------------------------------------------------------
// up

function validate(opts: UpOptions): Required<Omit<UpOptions, 'dir'>> & { dir: string } {
  const subnet = opts.subnet ?? 10;
  if (!Number.isInteger(subnet) || subnet < 1 || subnet > 254) throw new Error(`lab: subnet must be a whole number from 1 to 254 (the X of 127.0.X.n), got ${String(opts.subnet)}`);
  const hosts = opts.hosts ?? 2;
  if (!Number.isInteger(hosts) || hosts < 2 || hosts > 9) throw new Error(`lab: hosts must be a whole number from 2 to 9, got ${String(opts.hosts)}`);
  const scenario = opts.scenario ?? 'healthy';
  if (scenario !== 'healthy' && scenario !== 'after-failover') throw new Error(`lab: scenario must be "healthy" or "after-failover", got "${String(scenario)}"`);
  const product = opts.product ?? 'greenplum';
  if (product !== 'greenplum' && product !== 'cloudberry') throw new Error(`lab: product must be "greenplum" or "cloudberry", got "${String(product)}"`);
  const vocabulary = opts.vocabulary ?? 'coordinator';
  if (vocabulary !== 'master' && vocabulary !== 'coordinator') throw new Error(`lab: vocabulary must be "master" or "coordinator", got "${String(vocabulary)}"`);
  if (product === 'cloudberry' && vocabulary === 'master') throw new Error('lab: Cloudberry only speaks the "coordinator" vocabulary');
  const dir = resolve(opts.dir ?? join(LAB_ROOT, String(subnet)));
  if (dir === '/tmp' || dir.startsWith('/tmp/')) throw new Error(`lab: the run directory ${dir} must not be under /tmp: every lab host mounts its own /tmp over it`);
  return { subnet, hosts, scenario, product, vocabulary, dir };
}

function ensureSystem(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('lab: must run as root (it creates the gpadmin account, mount namespaces and bind mounts); see docs/lab.md for what needs root');
  }
  if (sh('id', ['-u', USER], { allowFail: true }).code !== 0) sh('useradd', ['-m', '-d', USER_HOME, '-s', '/bin/bash', USER]);
  // The environment comes from ~/.bashrc, which only bash reads for ssh commands.
  const passwd = sh('getent', ['passwd', USER]).stdout.trim().split(':');
  if (passwd[6] !== '/bin/bash') sh('usermod', ['-s', '/bin/bash', USER]);
  if (passwd[5] !== USER_HOME) throw new Error(`lab: ${USER}'s home is ${passwd[5] ?? '?'}; the lab mounts each host's home on ${USER_HOME}`);
  // sshd without PAM refuses accounts whose password field is locked ("!"); "*" means no password but not locked.
  const shadow = sh('getent', ['shadow', USER], { allowFail: true }).stdout;
  if (shadow.split(':')[1]?.startsWith('!')) sh('usermod', ['-p', '*', USER]);
  for (const d of ['/data', USER_HOME, '/run/sshd']) mkdirSync(d, { recursive: true });
  for (const [tool, hint] of [['/usr/sbin/sshd', 'openssh-server'], [`${PG_BIN}/postgres`, 'postgresql-15'], ['/usr/bin/unshare', 'util-linux'], ['/usr/bin/nsenter', 'util-linux']] as const) {
    if (!existsSync(tool)) throw new Error(`lab: ${tool} is missing; install the Debian package ${hint}`);
  }
}

async function generateKeys(dir: string, names: string[]): Promise<void> {
  const keys = join(dir, 'keys');
  mkdirSync(keys, { recursive: true });
  const jobs = [['id_ed25519', 'gpadmin@lab'], ...names.map((n) => [`ssh_host_${n}_ed25519`, `root@${n}`])].map(([file, comment]) =>
    runAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment!, '-f', join(keys, file!)]));
  for (const r of await Promise.all(jobs)) if (r.code !== 0) throw new Error(`lab: ssh-keygen failed: ${r.stderr}`);
  copyFileSync(join(keys, 'id_ed25519.pub'), join(keys, 'authorized_keys'));
  chmodSync(keys, 0o755);
  chmodSync(join(keys, 'authorized_keys'), 0o644);
}

function fingerprint(pubKeyFile: string): string {
  return sh('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubKeyFile]).stdout.split(' ')[1] ?? '';
}

async function buildUtilities(gphome: string): Promise<void> {
  const bin = join(gphome, 'bin');
  mkdirSync(bin, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(UTILITIES.map((u) => [u, join(__dirname, 'utilities', `${u}.ts`)])),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outdir: bin,
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'error',
  });
  for (const u of UTILITIES) {
    renameSync(join(bin, `${u}.js`), join(bin, u));
    chmodSync(join(bin, u), 0o755);
  }
}

function writeGphome(dir: string, s: { product: Product; vocabulary: Vocabulary; hosts: Record<string, string> }): { gphome: string; environmentScript: string } {
  const gphome = join(dir, 'gphome');
  mkdirSync(join(gphome, 'etc'), { recursive: true });
  writeFileSync(join(gphome, 'etc', 'lab.json'), JSON.stringify({ vocabulary: s.vocabulary, product: s.product, pgBin: PG_BIN, hosts: s.hosts }, null, 2) + '\n');
  const script = s.product === 'cloudberry' ? 'cloudberry-env.sh' : 'greenplum_path.sh';
  const environmentScript = join(gphome, script);
  writeFileSync(environmentScript, [
    `# ${script}: the environment of the ${s.product === 'cloudberry' ? 'Cloudberry' : 'Greenplum'} utilities on this lab host.`,
    '# Sourced explicitly before running a utility, as on a real installation.',
    `GPHOME=${gphome}`,
    'export GPHOME',
    '# node for the utilities: the system one, else the one that started the lab.',
    `PATH="$GPHOME/bin:${PG_BIN}:$PATH:${dirname(process.execPath)}"`,
    'export PATH',
    '# libpq of Greenplum looks for the server socket in /tmp.',
    'PGHOST=/tmp',
    'export PGHOST',
    '',
  ].join('\n'));
  return { gphome, environmentScript };
}

function writeHostFiles(dir: string, name: string, address: string, all: Record<string, string>, bastion: { name: string; address: string }, s: { vocabulary: Vocabulary; gphome: string; dataDirectory: string; withData: boolean }): void {
  const base = hostDir(dir, name);
  const { uid, gid } = userIds();
  for (const d of ['data', 'tmp', 'home/.ssh', 'home/.lab', 'home/gpAdminLogs']) mkdirSync(join(base, d), { recursive: true });
  chmodSync(join(base, 'tmp'), 0o1777);
  if (s.withData) mkdirSync(join(base, 'data', dirname(s.dataDirectory).slice('/data/'.length)), { recursive: true });
  const home = join(base, 'home');
  const dataVar = s.vocabulary === 'master' ? 'MASTER_DATA_DIRECTORY' : 'COORDINATOR_DATA_DIRECTORY';
  writeFileSync(join(home, '.bashrc'), [
    '# gpadmin environment on this lab host. The Greenplum environment script is NOT sourced here:',
    '# callers run `source $GPHOME/greenplum_path.sh` (or cloudberry-env.sh) themselves.',
    `export GPHOME=${s.gphome}`,
    `export ${dataVar}=${s.dataDirectory}`,
    `export PGPORT=${PG_PORT}`,
    'export LANG=C.UTF-8',
    '# The slow-host fault: every command on this host starts late.',
    `if [ -f ~/.lab/slow ]; then sleep "$(cat ~/.lab/slow 2>/dev/null || echo ${SLOW_SECONDS})"; fi`,
    '',
  ].join('\n'));
  writeFileSync(join(home, '.bash_profile'), '# Login shells read the same environment as ssh commands.\n[ -f ~/.bashrc ] && . ~/.bashrc\n');
  writeFileSync(join(home, '.lab', 'postgresql-host.conf'), `# included by every postgresql.conf on this host: the server binds only this host's address\nlisten_addresses = '${address}'\nunix_socket_directories = '/tmp'\n`);
  // gpadmin's own ssh setup, used by the utilities to reach the other hosts.
  const sshConfig = [...Object.entries(all), [bastion.name, bastion.address] as [string, string]].map(([n, a]) => [
    `Host ${n}`, `  HostName ${a}`, `  Port ${SSH_PORT}`, `  User ${USER}`, '  IdentityFile ~/.ssh/id_ed25519', '  IdentitiesOnly yes',
    '  StrictHostKeyChecking yes', '  UserKnownHostsFile ~/.ssh/known_hosts', '  LogLevel ERROR', '',
  ].join('\n')).join('\n');
  writeFileSync(join(home, '.ssh', 'config'), sshConfig);
  copyFileSync(join(dir, 'keys', 'id_ed25519'), join(home, '.ssh', 'id_ed25519'));
  copyFileSync(join(dir, 'keys', 'id_ed25519.pub'), join(home, '.ssh', 'id_ed25519.pub'));
  chmodSync(join(home, '.ssh', 'id_ed25519'), 0o600);
  const etcHosts = ['127.0.0.1\tlocalhost', ...Object.entries(all).map(([n, a]) => `${a}\t${n}`), `${bastion.address}\t${bastion.name}`, ''].join('\n');
  writeFileSync(join(base, 'etc-hosts'), etcHosts);
  chmodSync(join(base, 'etc-hosts'), 0o644);
  chownTree(home, uid, gid);
  chownTree(join(base, 'data'), uid, gid);
  writeFileSync(join(base, 'sshd_config'), [
    `ListenAddress ${address}:${SSH_PORT}`,
    `HostKey ${join(dir, 'keys', `ssh_host_${name}_ed25519`)}`,
    `PidFile ${join(base, 'sshd.pid')}`,
    'UsePAM no',
    'StrictModes no',
    `AuthorizedKeysFile ${join(dir, 'keys', 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin no',
    `AllowUsers ${USER}`,
    'AllowTcpForwarding yes',
    'X11Forwarding no',
    'PrintMotd no',
    'PrintLastLog no',
    'AcceptEnv LANG LC_*',
    'MaxStartups 100:30:200',
    'MaxSessions 100',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n'));
}

/** Host names a known_hosts line carries for one host: what `ssh -F` looks up, and the alias. */
function knownHostNames(h: LabHost): string[] {
  return [`[${h.address}]:${h.sshPort}`, `[${h.name}]:${h.sshPort}`];
}

function writeClientFiles(lab: Lab, subnet: number): void {
  const all = [...lab.hosts, lab.bastion];
  const pub = (name: string): string => readFileSync(join(lab.dir, 'keys', `ssh_host_${name}_ed25519.pub`), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const known = all.map((h) => `${knownHostNames(h).join(',')} ${pub(h.name)}`).join('\n') + '\n';
  writeFileSync(lab.knownHostsPath, known);
  writeFileSync(lab.knownHostsHashedPath, known);
  sh('ssh-keygen', ['-H', '-f', lab.knownHostsHashedPath]);
  rmSync(lab.knownHostsHashedPath + '.old', { force: true });
  const entry = (alias: string, h: LabHost, extra: string[] = []): string => [
    `Host ${alias}`, `  HostName ${h.address}`, `  Port ${h.sshPort}`, `  User ${lab.user}`, `  IdentityFile ${lab.identityFile}`, '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${lab.knownHostsPath}`, '  StrictHostKeyChecking yes', '  BatchMode yes', '  ConnectTimeout 10', '  LogLevel ERROR', ...extra, '',
  ].join('\n');
  const config = [
    `# ssh config of the Greenplum test lab on 127.0.${subnet}.0/24 (${lab.dir}).`,
    '# Use it with `ssh -F <this file> cdw`; clients that read ~/.ssh/config must be pointed at this file instead.',
    '',
    ...all.map((h) => entry(h.name, h)),
    ...lab.hosts.map((h) => entry(`${h.name}-via-bastion`, h, [`  ProxyJump ${lab.bastion.name}`])),
  ].join('\n');
  writeFileSync(lab.sshConfigPath, config);
  // The ssh client refuses a config file that others can write.
  chmodSync(lab.sshConfigPath, 0o644);
  // gpadmin's hosts trust each other with the same known_hosts.
  for (const h of lab.hosts.concat(lab.bastion)) {
    const target = join(hostDir(lab.dir, h.name), 'home', '.ssh', 'known_hosts');
    writeFileSync(target, all.map((x) => `${[...knownHostNames(x), x.name, x.address].join(',')} ${pub(x.name)}`).join('\n') + '\n');
    const { uid, gid } = userIds();
    chownSync(target, uid, gid);
  }
  const inventory = {
    version: 1,
    clusters: {
      [lab.clusterName]: {
        description: `Test lab on 127.0.${subnet}.0/24; ssh aliases resolve through ${lab.sshConfigPath}`,
        vocabulary: lab.vocabulary,
        product: lab.environmentScript.endsWith('cloudberry-env.sh') ? 'cloudberry' : 'greenplum',
        gphome: lab.gphome,
        environmentScript: lab.environmentScript,
        dataDirectory: lab.dataDirectory,
        port: lab.pgPort,
        hosts: lab.hosts.map((h, i) => ({
          name: h.name,
          ...(i === 0 ? { role: 'coordinator' } : i === 1 ? { role: 'standby' } : {}),
          ssh: h.name,
          user: lab.user,
          sshPort: h.sshPort,
          identityFile: lab.identityFile,
        })),
      },
    },
  };
  writeFileSync(lab.inventoryPath, `# Written by \`npm run lab -- up\`. Point ssh clients at ${lab.sshConfigPath}.\n` + stringify(inventory));
}

async function startHost(state: LabState, name: string, address: string, withData: boolean): Promise<void> {
  const dir = state.lab.dir;
  const base = hostDir(dir, name);
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const q = (p: string): string => `'${p.replace(/'/g, `'\\''`)}'`;
  // The anchor keeps the namespaces alive while sshd is stopped (host-down) and is what down() follows.
  const script = [
    'set -e',
    withData ? `mount --bind ${q(join(base, 'data'))} /data` : `mount -t tmpfs -o size=1m,mode=755 lab-empty /data`,
    `mount --bind ${q(join(base, 'home'))} ${USER_HOME}`,
    `mount --bind ${q(join(base, 'etc-hosts'))} /etc/hosts`,
    `mount --bind ${q(join(base, 'tmp'))} /tmp`,
    `hostname ${name}`,
    'exec sleep infinity',
  ].join('\n');
  const logFd = openSync(join(logs, `${name}-anchor.log`), 'a');
  const anchor = spawn('unshare', ['--mount', '--uts', '--propagation', 'private', 'sh', '-c', script], { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  anchor.unref();
  const anchorPid = anchor.pid ?? 0;
  const rootNs = mountNamespaceOf('self');
  try {
    await waitFor(`the namespace of ${name}`, () => {
      if (!processAlive(anchorPid)) {
        throw new Error(`lab: could not give ${name} its own mount and UTS namespaces (${readFileSync(join(logs, `${name}-anchor.log`), 'utf8').trim() || 'unshare exited'}); ` +
          'the lab needs root and a kernel/container that allows mount namespaces, see "What needs root" in docs/lab.md');
      }
      const cmd = readFileSync(`/proc/${anchorPid}/cmdline`, 'utf8');
      return cmd.startsWith('sleep') && mountNamespaceOf(anchorPid) !== rootNs;
    }, 30_000);
  } catch (e) {
    signal(anchorPid, 'SIGKILL');
    throw e;
  }
  // Recorded before sshd starts, so that down() finds this host's namespaces whatever happens next.
  state.processes[name] = { anchorPid, sshdPid: 0, mountNamespace: mountNamespaceOf(anchorPid) ?? '' };
  writeState(state);
  writePidFile(dir, `${name}-anchor`, anchorPid);
  state.processes[name].sshdPid = await startSshd(dir, name, address, anchorPid);
  writeState(state);
}

/** <run>/pids/<name>.pid for every process the lab starts itself (state.json holds the same, with namespaces). */
function writePidFile(dir: string, name: string, pid: number): void {
  mkdirSync(join(dir, 'pids'), { recursive: true });
  writeFileSync(join(dir, 'pids', `${name}.pid`), `${pid}\n`);
}

async function startSshd(dir: string, name: string, address: string, anchorPid: number): Promise<number> {
  const logFd = openSync(join(dir, 'logs', `${name}-sshd.log`), 'a');
  const sshd = spawn('nsenter', ['--target', String(anchorPid), '--mount', '--uts', '/usr/sbin/sshd', '-D', '-e', '-f', join(hostDir(dir, name), 'sshd_config')], { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  sshd.unref();
  const pid = sshd.pid ?? 0;
  writePidFile(dir, `${name}-sshd`, pid);
  await waitFor(`sshd of ${name} on ${address}:${SSH_PORT}`, async () => {
    if (!processAlive(pid)) throw new Error(`lab: sshd of ${name} exited: ${readFileSync(join(dir, 'logs', `${name}-sshd.log`), 'utf8').trim().split('\n').slice(-3).join(' | ')}`);
    return portOpen(address, SSH_PORT);
  }, 30_000);
  return pid;
}

function postgresSetupScript(lab: Lab): string {
  const d = lab.dataDirectory;
  return [
    'set -e',
    // The data directory is normally a copy of the cached initdb template; initdb runs here only without one.
    `[ -f ${d}/PG_VERSION ] || ${PG_BIN}/initdb ${INITDB_ARGS.join(' ')} -D ${d} >/dev/null`,
    `cat >> ${d}/postgresql.conf <<'EOF'`,
    '# Greenplum test lab',
    `port = ${PG_PORT}`,
    'wal_level = replica',
    'max_wal_senders = 10',
    'wal_keep_size = 32MB',
    'min_wal_size = 4MB',
    'max_wal_size = 64MB',
    '# A Greenplum standby refuses connections while it replays WAL.',
    'hot_standby = off',
    '# The standby is a synchronous standby, as in Greenplum; commits do not wait for it so a lost standby never blocks.',
    "synchronous_standby_names = '*'",
    'synchronous_commit = local',
    'fsync = off',
    'shared_buffers = 16MB',
    'max_connections = 40',
    "log_line_prefix = '%m [%p] '",
    `include_if_exists = '${USER_HOME}/.lab/postgresql-host.conf'`,
    'EOF',
    `cat > ${d}/pg_hba.conf <<'EOF'`,
    '# TYPE  DATABASE        USER            ADDRESS                 METHOD',
    'local   all             all                                     trust',
    'local   replication     all                                     trust',
    '# Lab hosts connect to each other from 127.0.0.1 (loopback source address selection).',
    'host    all             all             127.0.0.0/8             trust',
    'host    replication     all             127.0.0.0/8             trust',
    'EOF',
    `mkdir -p ~/gpAdminLogs && ${PG_BIN}/pg_ctl start -D ${d} -l ~/gpAdminLogs/postmaster.log -w -t 60 >/dev/null`,
    `${PG_BIN}/psql -X -q -h /tmp -p ${PG_PORT} -d postgres -v ON_ERROR_STOP=1 <<'EOF'`,
    'CREATE TABLE gp_segment_configuration (dbid smallint PRIMARY KEY, content smallint NOT NULL, role "char" NOT NULL, preferred_role "char" NOT NULL,',
    '  mode "char" NOT NULL, status "char" NOT NULL, port integer NOT NULL, hostname text NOT NULL, address text NOT NULL, datadir text NOT NULL);',
    'INSERT INTO gp_segment_configuration VALUES',
    `  (1, -1, 'p', 'p', 'n', 'u', ${PG_PORT}, '${lab.hosts[0]!.name}', '${lab.hosts[0]!.name}', '${d}'),`,
    "  (2, 0, 'p', 'p', 's', 'u', 6000, 'sdw1', 'sdw1', '/data/primary/gpseg0'),",
    "  (3, 1, 'p', 'p', 's', 'u', 6001, 'sdw2', 'sdw2', '/data/primary/gpseg1'),",
    "  (4, 0, 'm', 'm', 's', 'u', 7000, 'sdw2', 'sdw2', '/data/mirror/gpseg0'),",
    "  (5, 1, 'm', 'm', 's', 'u', 7001, 'sdw1', 'sdw1', '/data/mirror/gpseg1');",
    '-- gpinitsystem creates the database named by DATABASE_NAME; gpadmin\'s psql connects to it by default.',
    'CREATE DATABASE gpadmin;',
    'CREATE TABLE lab_writes (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), payload text);',
    'EOF',
  ].join('\n');
}

export async function up(opts: UpOptions = {}): Promise<Lab> {
  const trace = tracer();
  const o = validate(opts);
  ensureSystem();
  trace('system checked');
  if (existsSync(statePath(o.dir))) await down(o.dir);
  else if (isDirectory(o.dir) && readdirSync(o.dir).length > 0 && !existsSync(join(o.dir, RUN_MARKER))) {
    throw new Error(`lab: ${o.dir} is not empty and holds no lab; pick an empty or new --dir`);
  }
  // A run whose state.json was lost (a crash during up, or its directory deleted under it) can still have processes.
  await stopOrphans(o.dir);
  rmSync(o.dir, { recursive: true, force: true });
  mkdirSync(o.dir, { recursive: true });
  chmodSync(o.dir, 0o755);
  writeFileSync(join(o.dir, RUN_MARKER), 'A Greenplum test lab run directory (npm run lab).\n');
  trace('previous run cleaned');

  const names = hostNames(o.hosts);
  const address = (i: number): string => `127.0.${o.subnet}.${i}`;
  const addresses: Record<string, string> = Object.fromEntries(names.map((n, i) => [n, address(i + 1)]));
  const bastionInfo = { name: 'bastion', address: address(254) };
  for (const a of [...Object.values(addresses), bastionInfo.address]) {
    if (await portOpen(a, SSH_PORT)) throw new Error(`lab: ${a}:${SSH_PORT} is already in use; another lab runs on subnet ${o.subnet} (stop it with \`npm run lab -- down --subnet ${o.subnet}\` or pick another --subnet)`);
  }
  const dataDirectory = dataDirectoryFor(o.vocabulary);
  trace('addresses free');
  await generateKeys(o.dir, [...names, bastionInfo.name]);
  trace('keys generated');
  const { gphome, environmentScript } = writeGphome(o.dir, { product: o.product, vocabulary: o.vocabulary, hosts: addresses });
  const built = buildUtilities(gphome);
  for (const n of names) writeHostFiles(o.dir, n, addresses[n]!, addresses, bastionInfo, { vocabulary: o.vocabulary, gphome, dataDirectory, withData: true });
  writeHostFiles(o.dir, bastionInfo.name, bastionInfo.address, addresses, bastionInfo, { vocabulary: o.vocabulary, gphome, dataDirectory, withData: false });

  const labHost = (name: string, addr: string): LabHost => ({ name, address: addr, sshPort: SSH_PORT, hostKeyFingerprint: fingerprint(join(o.dir, 'keys', `ssh_host_${name}_ed25519.pub`)) });
  const lab: Lab = {
    dir: o.dir,
    hosts: names.map((n) => labHost(n, addresses[n]!)),
    bastion: labHost(bastionInfo.name, bastionInfo.address),
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
  };
  const state: LabState = { lab, running: true, product: o.product, scenario: o.scenario, subnet: o.subnet, processes: {} };
  writeState(state);
  writeClientFiles(lab, o.subnet);
  trace('keys and files');
  try {
    await Promise.all([...names.map((n) => startHost(state, n, addresses[n]!, true)), startHost(state, bastionInfo.name, bastionInfo.address, false)]);
    trace('hosts started');
    await built;
    trace('utilities built');
    await buildCluster(lab, o.scenario, trace);
  } catch (e) {
    await down(o.dir).catch(() => undefined);
    throw e;
  }
  return lab;
}

/**
 * A pristine initdb result, made once and copied for every lab: copying is several times faster than initdb.
 * Built beside its final path and renamed into place, so concurrent labs never see half a template.
 */
async function initdbTemplate(): Promise<string | undefined> {
  const { uid, gid } = userIds();
  try {
    if (statSync(join(TEMPLATE_DIR, 'PG_VERSION')).uid === uid) return TEMPLATE_DIR;
    rmSync(TEMPLATE_DIR, { recursive: true, force: true }); // made for another gpadmin
  } catch {
    // not built yet
  }
  const work = `${TEMPLATE_DIR}.build-${process.pid}`;
  try {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    chownSync(work, uid, gid);
    const r = spawnSync(`${PG_BIN}/initdb`, [...INITDB_ARGS, '-D', join(work, 'pgdata')], { uid, gid, cwd: work, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) return undefined;
    try {
      renameSync(join(work, 'pgdata'), TEMPLATE_DIR);
    } catch {
      // another lab finished its template first: use that one
    }
    return existsSync(join(TEMPLATE_DIR, 'PG_VERSION')) ? TEMPLATE_DIR : undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function must(lab: Lab, host: string, command: string, what: string): Promise<string> {
  const r = await labExec(lab, host, command, { timeoutMs: 180_000 });
  if (r.code !== 0) throw new Error(`lab: ${what} failed on ${host} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Builds the scenario with the lab's own utilities, so the state on disk is the genuine result of the procedure. */
async function buildCluster(lab: Lab, scenario: Scenario, trace: (step: string) => void): Promise<void> {
  const [cdw, scdw] = [lab.hosts[0]!.name, lab.hosts[1]!.name];
  const env = `source ${lab.environmentScript}`;
  const template = await initdbTemplate();
  if (template) sh('cp', ['-a', template, hostDataPath(lab, cdw)]);
  trace('initdb template');
  await must(lab, cdw, postgresSetupScript(lab), 'initializing the coordinator');
  trace('coordinator started');
  await must(lab, cdw, `${env} && gpinitstandby -a -s ${scdw}`, 'gpinitstandby');
  trace('gpinitstandby');
  await waitForStreaming(lab, cdw);
  trace('streaming');
  if (scenario === 'after-failover') {
    await must(lab, cdw, `${PG_BIN}/pg_ctl stop -D ${lab.dataDirectory} -m immediate -w >/dev/null`, 'stopping the coordinator');
    await must(lab, scdw, `${env} && gpactivatestandby -a -d ${lab.dataDirectory}`, 'gpactivatestandby');
    trace('failover');
  }
}

async function waitForStreaming(lab: Lab, host: string): Promise<void> {
  await waitFor('the standby to stream', async () => {
    const r = await labExec(lab, host, `${PG_BIN}/psql -X -At -h /tmp -p ${lab.pgPort} -d postgres -c "SELECT state FROM pg_stat_replication"`);
    return r.stdout.trim() === 'streaming';
  }, 60_000);
}

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
  state.running = false;
  writeState(state);
}

/** Processes of a run in `dir` found without its state: by command line, then everything in their namespaces. */
async function stopOrphans(dir: string): Promise<void> {
  const hostsDir = join(dir, 'hosts') + '/';
  const namespaces = new Set(listProcesses().filter((p) => p.cmdline.includes(hostsDir) && p.mountNamespace).map((p) => p.mountNamespace!));
  namespaces.delete(mountNamespaceOf('self') ?? '');
  if (namespaces.size === 0) return;
  await stopProcesses(() => findOwnProcesses(dir, namespaces));
}

function namespacesOf(state: LabState): Set<string> {
  const namespaces = new Set(Object.values(state.processes).map((p) => p.mountNamespace).filter((n) => n));
  namespaces.delete(mountNamespaceOf('self') ?? '');
  return namespaces;
}

async function stopProcesses(ours: () => Array<{ pid: number; comm: string }>): Promise<void> {
  // PostgreSQL first, with an immediate shutdown so it removes its shared memory and lock files itself.
  for (const p of ours()) if (p.comm === 'postgres') signal(p.pid, 'SIGQUIT');
  await waitFor('PostgreSQL to stop', () => !ours().some((p) => p.comm === 'postgres'), 5_000).catch(() => undefined);
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
function findOwnProcesses(dir: string, namespaces: Set<string>): Array<{ pid: number; comm: string }> {
  const hostsDir = join(dir, 'hosts') + '/';
  const verified = new Map<string, boolean>();
  const mountsAreOurs = (pid: number, ns: string): boolean => {
    const known = verified.get(ns);
    if (known !== undefined) return known;
    let ok: boolean;
    try {
      ok = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').some((line) => {
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
  return listProcesses().filter((p) => {
    if (p.pid === process.pid) return false;
    if (p.cmdline.includes(hostsDir)) return true;
    return p.mountNamespace !== undefined && namespaces.has(p.mountNamespace) && mountsAreOurs(p.pid, p.mountNamespace);
  });
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The pids of every process that belongs to the run in `dir` (its namespaces), for tests and `status`. */
export function labProcesses(dir: string): number[] {
  const state = readState(resolve(dir));
  return state ? findOwnProcesses(resolve(dir), namespacesOf(state)).map((p) => p.pid) : [];
}

export async function readLab(dir: string): Promise<Lab> {
  const state = readState(resolve(dir));
  if (!state) throw new Error(`lab: no lab in ${resolve(dir)} (no state.json); start one with \`npm run lab -- up\``);
  if (!state.running) throw new Error(`lab: the lab in ${resolve(dir)} was stopped; start it again with \`npm run lab -- up\``);
  const anchor = Object.values(state.processes)[0];
  if (!anchor || !processAlive(anchor.anchorPid)) throw new Error(`lab: the lab in ${resolve(dir)} is not running any more (crashed or the machine restarted); run \`npm run lab -- up\``);
  return Promise.resolve(state.lab);
}

// ---------------------------------------------------------------------------------------------------------
// labExec

export async function labExec(lab: Lab, host: string, command: string, opts: { input?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  if (![...lab.hosts, lab.bastion].some((h) => h.name === host)) throw new Error(`lab: unknown host "${host}"; the lab has ${[...lab.hosts, lab.bastion].map((h) => h.name).join(', ')}`);
  return runAsync('ssh', ['-F', lab.sshConfigPath, '-o', 'BatchMode=yes', host, command], { input: opts.input, timeoutMs: opts.timeoutMs ?? 120_000 });
}

// ---------------------------------------------------------------------------------------------------------
// faults

interface PostgresOnHost { host: string; pid: number; standby: boolean }

/** The PostgreSQL servers running on the lab hosts, read from outside: postmaster.pid and standby.signal. */
export function runningPostgres(lab: Lab): PostgresOnHost[] {
  const out: PostgresOnHost[] = [];
  for (const h of lab.hosts) {
    const dir = hostDataPath(lab, h.name);
    try {
      const pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (processAlive(pid)) out.push({ host: h.name, pid, standby: existsSync(join(dir, 'standby.signal')) });
    } catch {
      // not running on this host
    }
  }
  return out;
}

function stateOf(lab: Lab): LabState {
  const state = readState(lab.dir);
  if (!state || !state.running) throw new Error(`lab: the lab in ${lab.dir} is not running`);
  return state;
}

function hostOrDefault(lab: Lab, host: string | undefined, fallback: string): string {
  const name = host ?? fallback;
  if (![...lab.hosts, lab.bastion].some((h) => h.name === name)) throw new Error(`lab: unknown host "${name}"; the lab has ${[...lab.hosts, lab.bastion].map((h) => h.name).join(', ')}`);
  return name;
}

export async function fault(lab: Lab, name: FaultName, host?: string): Promise<void> {
  const state = stateOf(lab);
  const addressOf = (n: string): string => [...lab.hosts, lab.bastion].find((h) => h.name === n)!.address;
  switch (name) {
    case 'kill-coordinator': {
      const active = runningPostgres(lab).filter((p) => !p.standby && (!host || p.host === host));
      if (!active.length) throw new Error(`lab: no running coordinator${host ? ` on ${host}` : ''} to kill`);
      for (const p of active) signal(p.pid, 'SIGKILL'); // the lock file /tmp/.s.PGSQL.<port>.lock stays behind
      await waitFor('the coordinator to die', () => active.every((p) => !processAlive(p.pid)), 5_000);
      return;
    }
    case 'stop-standby': {
      const standbys = runningPostgres(lab).filter((p) => p.standby && (!host || p.host === host));
      if (!standbys.length) throw new Error(`lab: no running standby${host ? ` on ${host}` : ''} to stop`);
      for (const p of standbys) await must(lab, p.host, `${PG_BIN}/pg_ctl stop -D ${lab.dataDirectory} -m fast -w >/dev/null`, 'stopping the standby');
      return;
    }
    case 'host-down': {
      const n = hostOrDefault(lab, host, lab.hosts[1]!.name);
      const p = state.processes[n]!;
      signal(p.sshdPid, 'SIGTERM');
      await waitFor(`sshd of ${n} to stop`, async () => !processAlive(p.sshdPid) && !(await portOpen(addressOf(n), SSH_PORT)), 5_000);
      return;
    }
    case 'host-up': {
      const n = hostOrDefault(lab, host, lab.hosts[1]!.name);
      const p = state.processes[n]!;
      if (processAlive(p.sshdPid)) return;
      p.sshdPid = await startSshd(lab.dir, n, addressOf(n), p.anchorPid);
      writeState(state);
      return;
    }
    case 'drop-connections': {
      const n = hostOrDefault(lab, host, lab.hosts[0]!.name);
      const p = state.processes[n]!;
      // Session processes are the listener's sshd children; killing them cuts every open connection at once.
      for (const proc of listProcesses()) {
        if (proc.mountNamespace === p.mountNamespace && proc.comm === 'sshd' && proc.pid !== p.sshdPid) signal(proc.pid, 'SIGKILL');
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
      p.sshdPid = await startSshd(lab.dir, n, addressOf(n), p.anchorPid);
      // known_hosts keeps the old key on purpose: clients must now see a changed host key.
      const entry = [...state.lab.hosts, state.lab.bastion].find((h) => h.name === n)!;
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

// ---------------------------------------------------------------------------------------------------------
// status

export interface HostStatus { name: string; address: string; sshd: 'up' | 'down'; postgres: 'coordinator' | 'standby' | 'stopped' | 'none'; dataDirectoryPresent: boolean }

export function status(lab: Lab): HostStatus[] {
  const state = stateOf(lab);
  const pg = runningPostgres(lab);
  return [...lab.hosts, lab.bastion].map((h) => {
    const isBastion = h.name === lab.bastion.name;
    const running = pg.find((p) => p.host === h.name);
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

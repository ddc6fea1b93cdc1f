// A lab host: its files (home, /etc/hosts, sshd_config), the anchor process holding its namespaces, and its sshd.
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PG_PORT, SLOW_SECONDS, USER, USER_HOME, hostDir, writeState } from './layout';
import type { Lab, LabState, Vocabulary } from './layout';
import { attachHost } from './network';
import { chownTree, mountNamespaceOf, portOpen, processAlive, runAsync, signal, userIds, waitFor } from './process';

/** How a host is set up: `real` hosts run real Greenplum, whose environment script ~/.bashrc sources. */
export interface HostSetup {
  vocabulary: Vocabulary;
  gphome: string;
  environmentScript: string;
  dataDirectory: string;
  withData: boolean;
  sshPort: number;
  real: boolean;
}

function bashrc(s: HostSetup): string {
  const dataVar = s.vocabulary === 'master' ? 'MASTER_DATA_DIRECTORY' : 'COORDINATOR_DATA_DIRECTORY';
  const slow = [
    '# The slow-host fault: every command on this host starts late.',
    `if [ -f ~/.lab/slow ]; then sleep "$(cat ~/.lab/slow 2>/dev/null || echo ${SLOW_SECONDS})"; fi`,
  ];
  if (s.real) {
    return [
      '# gpadmin environment on this lab host. The Greenplum utilities run commands on the other hosts over',
      '# non-interactive ssh, so the environment script is sourced here, before anything else.',
      `source ${s.environmentScript}`,
      `export ${dataVar}=${s.dataDirectory}`,
      `export PGPORT=${PG_PORT}`,
      'export LANG=en_US.UTF-8',
      ...slow,
      '',
    ].join('\n');
  }
  return [
    '# gpadmin environment on this lab host. The Greenplum environment script is NOT sourced here:',
    '# callers run `source $GPHOME/greenplum_path.sh` (or cloudberry-env.sh) themselves.',
    `export GPHOME=${s.gphome}`,
    `export ${dataVar}=${s.dataDirectory}`,
    `export PGPORT=${PG_PORT}`,
    'export LANG=C.UTF-8',
    ...slow,
    '',
  ].join('\n');
}

export function writeHostFiles(
  dir: string,
  name: string,
  address: string,
  all: Record<string, string>,
  bastion: { name: string; address: string },
  s: HostSetup,
): void {
  const base = hostDir(dir, name);
  const { uid, gid } = userIds();
  for (const d of ['data', 'tmp', 'home/.ssh', 'home/.lab', 'home/gpAdminLogs'])
    mkdirSync(join(base, d), { recursive: true });
  chmodSync(join(base, 'tmp'), 0o1777);
  if (s.withData) mkdirSync(join(base, 'data', dirname(s.dataDirectory).slice('/data/'.length)), { recursive: true });
  const home = join(base, 'home');
  writeFileSync(join(home, '.bashrc'), bashrc(s));
  writeFileSync(
    join(home, '.bash_profile'),
    '# Login shells read the same environment as ssh commands.\n[ -f ~/.bashrc ] && . ~/.bashrc\n',
  );
  writeFileSync(
    join(home, '.lab', 'postgresql-host.conf'),
    `# included by every postgresql.conf on this host: the server binds only this host's address\nlisten_addresses = '${address}'\nunix_socket_directories = '/tmp'\n`,
  );
  // gpadmin's own ssh setup, used by the utilities to reach the other hosts.
  const sshConfig = [...Object.entries(all), [bastion.name, bastion.address] as [string, string]]
    .map(([n, a]) =>
      [
        `Host ${n}`,
        `  HostName ${a}`,
        `  Port ${s.sshPort}`,
        `  User ${USER}`,
        '  IdentityFile ~/.ssh/id_ed25519',
        '  IdentitiesOnly yes',
        '  StrictHostKeyChecking yes',
        '  UserKnownHostsFile ~/.ssh/known_hosts',
        '  LogLevel ERROR',
        '',
      ].join('\n'),
    )
    .join('\n');
  writeFileSync(join(home, '.ssh', 'config'), sshConfig);
  copyFileSync(join(dir, 'keys', 'id_ed25519'), join(home, '.ssh', 'id_ed25519'));
  copyFileSync(join(dir, 'keys', 'id_ed25519.pub'), join(home, '.ssh', 'id_ed25519.pub'));
  chmodSync(join(home, '.ssh', 'id_ed25519'), 0o600);
  const etcHosts = [
    '127.0.0.1\tlocalhost',
    ...Object.entries(all).map(([n, a]) => `${a}\t${n}`),
    `${bastion.address}\t${bastion.name}`,
    '',
  ].join('\n');
  writeFileSync(join(base, 'etc-hosts'), etcHosts);
  chmodSync(join(base, 'etc-hosts'), 0o644);
  chownTree(home, uid, gid);
  chownTree(join(base, 'data'), uid, gid);
  writeFileSync(
    join(base, 'sshd_config'),
    [
      `ListenAddress ${address}:${s.sshPort}`,
      // The real utilities also ssh to localhost (gpactivatestandby checks its own standby that way).
      ...(s.real ? [`ListenAddress 127.0.0.1:${s.sshPort}`] : []),
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
    ].join('\n'),
  );
}

/** `net`: the host gets its own network and IPC namespaces, attached to the lab's bridge (real Greenplum labs). */
export interface HostNetwork {
  sshPort: number;
  net?: { subnet: number; index: number };
}

export async function startHost(
  state: LabState,
  name: string,
  address: string,
  withData: boolean,
  network: HostNetwork,
): Promise<void> {
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
  const namespaces = network.net ? ['--net', '--ipc'] : [];
  const anchor = spawn('unshare', ['--mount', '--uts', ...namespaces, '--propagation', 'private', 'sh', '-c', script], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  anchor.unref();
  const anchorPid = anchor.pid ?? 0;
  const rootNs = mountNamespaceOf('self');
  try {
    await waitFor(
      `the namespace of ${name}`,
      () => {
        if (!processAlive(anchorPid)) {
          throw new Error(
            `lab: could not give ${name} its own mount and UTS namespaces (${readFileSync(join(logs, `${name}-anchor.log`), 'utf8').trim() || 'unshare exited'}); ` +
              'the lab needs root and a kernel/container that allows mount namespaces, see "What needs root" in docs/lab.md',
          );
        }
        const cmd = readFileSync(`/proc/${anchorPid}/cmdline`, 'utf8');
        return cmd.startsWith('sleep') && mountNamespaceOf(anchorPid) !== rootNs;
      },
      30_000,
    );
  } catch (e) {
    signal(anchorPid, 'SIGKILL');
    throw e;
  }
  // Recorded before sshd starts, so that down() finds this host's namespaces whatever happens next.
  state.processes[name] = { anchorPid, sshdPid: 0, mountNamespace: mountNamespaceOf(anchorPid) ?? '' };
  writeState(state);
  writePidFile(dir, `${name}-anchor`, anchorPid);
  if (network.net) attachHost(network.net.subnet, network.net.index, anchorPid, address);
  state.processes[name].sshdPid = await startSshd(dir, name, address, anchorPid, {
    sshPort: network.sshPort,
    ownNetwork: Boolean(network.net),
  });
  writeState(state);
}

/** <run>/pids/<name>.pid for every process the lab starts itself (state.json holds the same, with namespaces). */
export function writePidFile(dir: string, name: string, pid: number): void {
  mkdirSync(join(dir, 'pids'), { recursive: true });
  writeFileSync(join(dir, 'pids', `${name}.pid`), `${pid}\n`);
}

export async function startSshd(
  dir: string,
  name: string,
  address: string,
  anchorPid: number,
  o: { sshPort: number; ownNetwork: boolean },
): Promise<number> {
  const logFd = openSync(join(dir, 'logs', `${name}-sshd.log`), 'a');
  const namespaces = o.ownNetwork ? ['--net', '--ipc'] : [];
  const sshd = spawn(
    'nsenter',
    [
      '--target',
      String(anchorPid),
      '--mount',
      '--uts',
      ...namespaces,
      '/usr/sbin/sshd',
      '-D',
      '-e',
      '-f',
      join(hostDir(dir, name), 'sshd_config'),
    ],
    { detached: true, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  sshd.unref();
  const pid = sshd.pid ?? 0;
  writePidFile(dir, `${name}-sshd`, pid);
  await waitFor(
    `sshd of ${name} on ${address}:${o.sshPort}`,
    async () => {
      if (!processAlive(pid))
        throw new Error(
          `lab: sshd of ${name} exited: ${readFileSync(join(dir, 'logs', `${name}-sshd.log`), 'utf8')
            .trim()
            .split('\n')
            .slice(-3)
            .join(' | ')}`,
        );
      return portOpen(address, o.sshPort);
    },
    30_000,
  );
  return pid;
}

// ---------------------------------------------------------------------------------------------------------
// labExec

export async function labExec(
  lab: Lab,
  host: string,
  command: string,
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  if (![...lab.hosts, lab.bastion].some(h => h.name === host))
    throw new Error(
      `lab: unknown host "${host}"; the lab has ${[...lab.hosts, lab.bastion].map(h => h.name).join(', ')}`,
    );
  return runAsync('ssh', ['-F', lab.sshConfigPath, '-o', 'BatchMode=yes', host, command], {
    input: opts.input,
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
}

export async function must(lab: Lab, host: string, command: string, what: string): Promise<string> {
  const r = await labExec(lab, host, command, { timeoutMs: 180_000 });
  if (r.code !== 0) throw new Error(`lab: ${what} failed on ${host} (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

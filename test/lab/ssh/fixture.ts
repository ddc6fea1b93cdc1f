// Test-only fixture: real OpenSSH servers on 127.0.20.x-127.0.29.x:2222, each with its own host key, config and log,
// plus key pairs and a real ssh-agent. Everything lives in one temporary directory and every process is stopped.
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface KeyPair {
  path: string;
  publicLine: string;
  fingerprint: string;
}

/** `ssh-keygen -t <type>`; the fingerprint is what `ssh-keygen -lf` prints (SHA256:...). */
export function makeKey(
  dir: string,
  name: string,
  type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519',
  passphrase = '',
): KeyPair {
  const path = join(dir, name);
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '2048'] : []),
    '-N',
    passphrase,
    '-C',
    name,
    '-f',
    path,
  ]);
  return { path, publicLine: readFileSync(`${path}.pub`, 'utf8').trim(), fingerprint: fingerprintOf(`${path}.pub`) };
}

export function fingerprintOf(pubPath: string): string {
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' }).split(/\s+/)[1]!;
}

/** A temporary directory the gpadmin login can traverse (sshd reads authorized_keys as the user). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gpcoord-${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export interface SshdOptions {
  /** 127.0.2x.y; the port is always 2222. */
  address: string;
  dir: string;
  /** authorized_keys lines for every user. */
  authorizedKeys: string[];
  hostKeyType?: 'ed25519' | 'ecdsa' | 'rsa';
  /** Extra sshd_config lines. */
  extra?: string[];
}

export class Sshd {
  readonly port = 2222;
  private proc: ChildProcess | undefined;
  private logText = '';
  hostKey!: KeyPair;
  readonly configPath: string;
  readonly home: string;

  constructor(readonly options: SshdOptions) {
    this.home = join(options.dir, `sshd-${options.address}`);
    mkdirSync(this.home, { recursive: true });
    this.configPath = join(this.home, 'sshd_config');
    this.newHostKey();
  }

  get address(): string {
    return this.options.address;
  }

  /** Generates a fresh host key (takes effect at the next start). */
  newHostKey(type = this.options.hostKeyType ?? 'ed25519'): KeyPair {
    this.hostKey = makeKey(this.home, `ssh_host_${type}_key`, type);
    return this.hostKey;
  }

  /** The known_hosts line an OpenSSH client would write for this server. */
  knownHostsLine(): string {
    const [type, key] = this.hostKey.publicLine.split(/\s+/);
    return `[${this.address}]:${this.port} ${type} ${key}`;
  }

  async start(): Promise<void> {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation directory sshd insists on
    writeFileSync(join(this.home, 'authorized_keys'), this.options.authorizedKeys.join('\n') + '\n', { mode: 0o644 });
    writeFileSync(
      this.configPath,
      [
        ...(this.options.extra ?? []), // first: sshd keeps the first value of a keyword
        `ListenAddress ${this.address}:${this.port}`,
        `HostKey ${this.hostKey.path}`,
        `PidFile ${join(this.home, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(this.home, 'authorized_keys')}`,
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'AllowTcpForwarding yes',
        'MaxSessions 10',
        'MaxStartups 50',
        'LogLevel VERBOSE',
        'PrintMotd no',
        'PrintLastLog no',
        '',
      ].join('\n'),
    );
    this.logText = '';
    const proc = spawn(SSHD, ['-D', '-e', '-f', this.configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    proc.stderr!.on('data', (d: Buffer) => (this.logText += d.toString()));
    const t0 = Date.now();
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`sshd on ${this.address} exited at start: ${this.logText}`);
      if (await canConnect(this.address, this.port)) return;
      if (Date.now() - t0 > 10_000)
        throw new Error(`sshd on ${this.address} did not listen within 10 s: ${this.logText}`);
      await sleep(50);
    }
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  /** sshd's own log (LogLevel VERBOSE): one "Accepted publickey" line per authenticated connection. */
  log(): string {
    return this.logText;
  }

  acceptedLogins(): number {
    return (this.logText.match(/Accepted (publickey|password) for/g) ?? []).length;
  }

  /** Per-connection server processes: the listener forks one child per TCP connection. */
  connectionPids(): number[] {
    if (!this.proc?.pid) return [];
    try {
      return execFileSync('pgrep', ['-P', String(this.proc.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  }

  /** Established TCP connections to this server, counted by the kernel (`ss`). */
  establishedConnections(): number {
    const out = execFileSync('ss', ['-tnH', 'state', 'established', 'dst', `${this.address}:${this.port}`], {
      encoding: 'utf8',
    });
    return out.split('\n').filter(l => l.trim()).length;
  }

  /**
   * Kills every sshd process serving a connection (SIGKILL): the privileged monitor and the unprivileged child
   * that holds the socket. The commands they run are left alone, so the client sees a drop, not an exit.
   */
  dropConnections(): number {
    const sshdPids = this.connectionPids()
      .flatMap(pid => [pid, ...descendantsOf(pid)])
      .filter(pid => commOf(pid) === 'sshd');
    for (const pid of sshdPids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    return sshdPids.length;
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const children = (() => {
      try {
        return execFileSync('pgrep', ['-P', String(proc.pid)], { encoding: 'utf8' })
          .split('\n')
          .filter(Boolean)
          .map(Number);
      } catch {
        return [];
      }
    })();
    const exited = new Promise<void>(resolve => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    for (const pid of children) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    await Promise.race([exited, sleep(5000)]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap(c => [c, ...descendantsOf(c)]);
}

export function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

export class Agent {
  private constructor(
    readonly socket: string,
    readonly pid: number,
  ) {}

  static start(dir: string): Agent {
    const socket = join(dir, `agent-${process.pid}-${Date.now()}.sock`);
    const out = execFileSync('ssh-agent', ['-s', '-a', socket], { encoding: 'utf8' });
    const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(out)?.[1]);
    if (!pid) throw new Error(`ssh-agent did not report its pid: ${out}`);
    return new Agent(socket, pid);
  }

  add(keyPath: string): void {
    execFileSync('ssh-add', [keyPath], { env: { ...process.env, SSH_AUTH_SOCK: this.socket }, stdio: 'pipe' });
  }

  stop(): void {
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
}

export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}

/** Waits until `check` holds, or fails naming what was awaited. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** How many processes on this machine have `pattern` in their command line (server-side check; use unique markers). */
export function processCount(pattern: string): number {
  try {
    return Number(execFileSync('pgrep', ['-f', '-c', pattern], { encoding: 'utf8' }).trim());
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
}

/** Kills, by pid, the processes whose command line starts with `marker` (test commands run `exec -a <marker> ...`). */
export function killMarked(marker: string): void {
  let pids: number[];
  try {
    pids = execFileSync('pgrep', ['-f', `^${marker}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

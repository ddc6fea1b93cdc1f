// Small process helpers: running commands, finding processes and their mount namespaces, waiting, signalling.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { USER } from './layout';

export function sh(
  cmd: string,
  args: string[],
  opts: { input?: string; allowFail?: boolean } = {},
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: opts.input ?? '', timeout: 120_000 });
  const res = {
    code: r.status ?? 1,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '') + (r.error ? r.error.message : ''),
  };
  if (res.code !== 0 && !opts.allowFail)
    throw new Error(`${cmd} ${args.join(' ')} failed (${res.code}): ${res.stderr.trim() || res.stdout.trim()}`);
  return res;
}

export function runAsync(
  cmd: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolvePromise => {
    const child: ChildProcess = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      stderr += `\n[lab] timed out after ${opts.timeoutMs} ms`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 120_000);
    child.on('error', e => {
      stderr += e.message;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 + 9 : 1), stdout, stderr });
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

export const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));

/** LAB_TRACE=1 prints how long each step of up takes, to see where a slow start goes. */
export function tracer(): (step: string) => void {
  let last = Date.now();
  return step => {
    if (process.env.LAB_TRACE) process.stderr.write(`[lab] ${step}: ${Date.now() - last} ms\n`);
    last = Date.now();
  };
}

export function processAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

export function mountNamespaceOf(pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

export function listProcesses(): Array<{
  pid: number;
  comm: string;
  cmdline: string;
  mountNamespace: string | undefined;
}> {
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

export function portOpen(address: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise(resolvePromise => {
    const socket = connect({ host: address, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitFor(what: string, test: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return;
    if (Date.now() > deadline) throw new Error(`lab: timed out waiting for ${what}`);
    await sleep(50);
  }
}

export function userIds(): { uid: number; gid: number } {
  const r = sh('id', ['-u', USER], { allowFail: true });
  const g = sh('id', ['-g', USER], { allowFail: true });
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

export function chownTree(path: string, uid: number, gid: number): void {
  sh('chown', ['-R', `${uid}:${gid}`, path]);
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

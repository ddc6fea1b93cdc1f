// Remote command latency on the lab: our pooled ssh2 connection vs real OpenSSH client processes, run interleaved
// on the same host with the same command line: a fresh `ssh -F cfg host CMD` per command (what a script does),
// and `ssh` with ControlMaster/ControlPath/ControlPersist multiplexing over one master (OpenSSH's best case).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Client } from 'ssh2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Benchmark, Row } from './lib';
import { interleave, row, summarise } from './lib';
import type { Lab } from './benchlab';
import { benchLab, closePool, labPool } from './benchlab';

function runSsh(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', code => resolve({ code, stdout, stderr }));
  });
}

/** OpenSSH clients for one lab host: a fresh process per command, and a multiplexed one over a ControlMaster. */
export function openSshClients(
  lab: Lab,
  host: string,
): { fresh: (cmd: string) => Promise<void>; multiplexed: (cmd: string) => Promise<void>; close: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'gpcoord-bench-cm-'));
  const cm = ['-o', 'ControlMaster=auto', '-o', `ControlPath=${dir}/cm-%C`, '-o', 'ControlPersist=120'];
  const check = (what: string, r: { code: number | null; stderr: string }): void => {
    if (r.code !== 0) throw new Error(`${what} exited with ${String(r.code)}: ${r.stderr.trim()}`);
  };
  return {
    fresh: async cmd => check('ssh', await runSsh(['-F', lab.sshConfigPath, host, cmd])),
    multiplexed: async cmd => check('ssh (ControlMaster)', await runSsh(['-F', lab.sshConfigPath, ...cm, host, cmd])),
    close: async () => {
      await runSsh(['-F', lab.sshConfigPath, ...cm, '-O', 'exit', host]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A bare ssh2 client on one connection with TCP_NODELAY set: the reference for what the pooled client can reach.
 * Without TCP_NODELAY, Nagle's algorithm holds the channel's small packets until the peer's delayed ACK.
 */
export async function rawSsh2(
  lab: Lab,
  hostIndex: number,
): Promise<{ exec: (cmd: string) => Promise<void>; close: () => void }> {
  const h = lab.hosts[hostIndex]!;
  const expected = (h as { hostKeyFingerprint?: string }).hostKeyFingerprint;
  const client = new Client();
  const sock = connect(h.sshPort, h.address);
  sock.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    client.on('ready', () => resolve()).on('error', reject);
    client.connect({
      sock,
      username: lab.user,
      privateKey: readFileSync(lab.identityFile),
      hostVerifier: (key: Buffer) =>
        !expected || `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` === expected,
    });
  });
  const exec = (cmd: string): Promise<void> =>
    new Promise((resolve, reject) => {
      client.exec(cmd, (err, ch) => {
        if (err) return reject(err);
        let code: number | null = null;
        ch.on('exit', (c: number | null) => (code = c));
        ch.on('close', () =>
          code === 0 ? resolve() : reject(new Error(`raw ssh2 exec of ${cmd} exited with ${String(code)}`)),
        );
        ch.resume();
        ch.stderr.resume();
      });
    });
  return { exec, close: () => client.end() };
}

export function gpstateCommand(lab: Lab): string {
  return `source ${lab.environmentScript} && gpstate -f`;
}

export const sshBench: Benchmark = {
  name: 'ssh',
  title: 'Remote command latency: pooled ssh2 vs OpenSSH (fresh process, ControlMaster)',
  async run(ctx) {
    const { lab } = await benchLab(ctx.log);
    const host = lab.hosts[0]!.name;
    const target = { name: host, sshTarget: host };
    const pool = await labPool(lab);
    const ossh = openSshClients(lab, host);
    const raw = await rawSsh2(lab, 0);
    const rows: Row[] = [];
    try {
      const ours = async (cmd: string): Promise<void> => {
        const r = await pool.exec(target, cmd, { timeoutMs: 60000 });
        if (r.exitCode !== 0)
          throw new Error(`pooled exec of ${cmd} exited with ${String(r.exitCode)}: ${r.stderr.trim()}`);
      };
      // Cold connection: what the first command after start (or after an idle close) costs, vs a fresh ssh.
      const coldN = ctx.quick ? 3 : 7;
      const cold: number[] = [];
      for (let i = 0; i < coldN; i++) {
        const p = await labPool(lab);
        const t0 = performance.now();
        const r = await p.exec(target, 'true', { timeoutMs: 60000 });
        cold.push(performance.now() - t0);
        if (r.exitCode !== 0) throw new Error('cold exec failed');
        await closePool(p);
      }
      const specs: Array<{ label: string; cmd: string; n: number }> = [
        { label: '`true`', cmd: 'true', n: ctx.quick ? 10 : 30 },
        { label: '`gpstate -f`', cmd: gpstateCommand(lab), n: ctx.quick ? 4 : 10 },
      ];
      let freshTrue: ReturnType<typeof summarise> | undefined;
      for (const s of specs) {
        ctx.log(`${s.label}: ${s.n} runs each, interleaved`);
        const [o, m, f, r] = await interleave(
          [() => ours(s.cmd), () => ossh.multiplexed(s.cmd), () => ossh.fresh(s.cmd), () => raw.exec(s.cmd)],
          s.n,
        );
        if (s.cmd === 'true') freshTrue = f;
        rows.push(
          row('ssh', {
            name: `${s.label}: pooled ssh2 (warm) vs ControlMaster`,
            value: o!,
            unit: 'ms',
            baseline: { name: 'ssh ControlMaster', value: m! },
            goal: '≤ 1.0×',
            check: (_m, r) => r !== null && r <= 1.0,
          }),
          row('ssh', {
            name: `${s.label}: pooled ssh2 (warm) vs fresh ssh`,
            value: o!,
            unit: 'ms',
            baseline: { name: 'fresh ssh process', value: f! },
            goal: s.cmd === 'true' ? '≤ 0.1×' : undefined,
            check: s.cmd === 'true' ? (_m, r) => r !== null && r <= 0.1 : undefined,
          }),
          row('ssh', {
            name: `${s.label}: ControlMaster vs fresh ssh (OpenSSH's own gain)`,
            value: m!,
            unit: 'ms',
            baseline: { name: 'fresh ssh process', value: f! },
          }),
          row('ssh', {
            name: `${s.label}: bare ssh2 with TCP_NODELAY (reference) vs ControlMaster`,
            value: r!,
            unit: 'ms',
            baseline: { name: 'ssh ControlMaster', value: m! },
          }),
        );
      }
      rows.push(
        row('ssh', {
          name: 'first command on a new pool (connect + auth + `true`)',
          value: summarise(cold),
          unit: 'ms',
          baseline: freshTrue ? { name: 'fresh ssh process', value: freshTrue } : undefined,
          note: 'a cold pool pays the handshake once, like a fresh ssh',
        }),
      );
      const stats = pool.stats();
      ctx.note(
        `Pool stats after the runs: ${JSON.stringify(stats.byHost)} (one TCP connection served every warm command).`,
      );
      ctx.note(
        `Commands run on ${host} (${lab.hosts[0]!.address}:${lab.hosts[0]!.sshPort}) with the lab's ssh config; gpstate -f is the lab's emulated utility reading real pg_stat_replication.`,
      );
    } finally {
      await closePool(pool);
      await ossh.close();
      raw.close();
    }
    return rows;
  },
};

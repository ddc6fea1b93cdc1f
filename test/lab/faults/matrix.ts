// The fault matrix: both procedures, a fault injected as a given step starts, on a fresh lab each time.
// For each case it records the run's outcome, the message shown, each step's status, whether the data directories
// that existed before still exist (under their name or moved aside, never deleted), and whether running the
// procedure again once the fault is cleared finishes the job. Results are appended as JSON lines;
// docs/reliability.md is generated from them (`tsx test/lab/faults/report.ts`).
//
//   tsx test/lab/faults/matrix.ts [--subnet 51] [--procedure restore-mirroring] [--step move-aside] [--fault host-down]
//                                  [--out .bench/faults/results.jsonl]
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ProcedureId } from '../../../src/core/procedures/types';
import type { RemoteExecutor } from '../../../src/ssh/types';
import { clusterOf, poolOf, runAll, startLab, stopLab, tempJournal } from '../engine/helpers';
import { fault, hostDataPath } from '../lab';
import type { Lab } from '../lab';

export const FAULT_KINDS = [
  'connection-drop',
  'host-down',
  'coordinator-killed',
  'slow-host',
  'wrong-host-key',
  'auth-failure',
  'disk-full',
  'command-timeout',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Which steps of each procedure get faults, and the lab state each procedure starts from. */
export const PROCEDURE_STEPS: Record<'restore-mirroring' | 'return-to-original', string[]> = {
  'restore-mirroring': ['move-aside', 'init-standby', 'verify-mirroring'],
  'return-to-original': [
    'stop-coordinator',
    'activate-standby',
    'check-activation',
    'move-aside',
    'init-standby',
    'check-mirroring',
  ],
};

export interface CaseResult {
  procedure: string;
  step: string;
  fault: FaultKind;
  /** The host the fault hit. */
  host: string;
  injected: boolean;
  status: string;
  message: string;
  steps: Array<{ id: string; host: string; status: string; message: string }>;
  /** PostgreSQL data directories (holding PG_VERSION) per host before and after, by name. */
  dataBefore: Record<string, string[]>;
  dataAfter: Record<string, string[]>;
  /** Every data directory that existed before still exists (under its name or moved to a backup name). */
  noDataLost: boolean;
  /** The same procedure run again after the fault was cleared. */
  rerunStatus: string | null;
  rerunMessage: string | null;
  seconds: number;
  error?: string;
}

function dataDirectories(lab: Lab): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const h of lab.hosts) {
    const parent = dirname(hostDataPath(lab, h.name));
    out[h.name] = existsSync(parent)
      ? readdirSync(parent)
          .filter(d => existsSync(join(parent, d, 'PG_VERSION')))
          .sort()
      : [];
  }
  return out;
}

/** Nothing lost: each host has at least as many data directories as before (a move renames, it never removes). */
function nothingLost(before: Record<string, string[]>, after: Record<string, string[]>): boolean {
  return Object.keys(before).every(h => (after[h]?.length ?? 0) >= before[h]!.length);
}

function labState(lab: Lab): { processes: Record<string, { anchorPid: number }> } {
  return JSON.parse(readFileSync(join(lab.dir, 'state.json'), 'utf8')) as {
    processes: Record<string, { anchorPid: number }>;
  };
}

/** Runs a command as root inside a lab host's mount namespace (to mount a small tmpfs, say). */
function inHostNamespace(lab: Lab, host: string, args: string[]): void {
  const pid = labState(lab).processes[host]!.anchorPid;
  const r = spawnSync('nsenter', ['-t', String(pid), '-m', '--', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nsenter ${args.join(' ')} on ${host}: ${r.stderr}`);
}

interface Injection {
  inject(): Promise<void>;
  clear(): Promise<void>;
}

/** How each fault is made to happen on `host` of the lab, and undone. */
function injection(lab: Lab, kind: FaultKind, host: string, active: string): Injection {
  const keys = join(lab.dir, 'keys', 'authorized_keys');
  const parent = dirname(lab.dataDirectory);
  let mounted = false;
  switch (kind) {
    case 'connection-drop':
      // 1.5 s in, so the cut lands while the step's command runs rather than before it was sent.
      return {
        inject: async () => {
          await new Promise(r => setTimeout(r, 1500));
          await fault(lab, 'drop-connections', host);
        },
        clear: async () => {},
      };
    case 'host-down':
      return {
        inject: async () => {
          await fault(lab, 'host-down', host);
          await fault(lab, 'drop-connections', host);
        },
        clear: () => fault(lab, 'host-up', host),
      };
    case 'coordinator-killed':
      // The active coordinator dies (kill -9, its lock file stays), whichever host the step runs on.
      return { inject: () => fault(lab, 'kill-coordinator', active).catch(() => undefined), clear: async () => {} };
    case 'slow-host':
      return { inject: () => fault(lab, 'slow-host', host), clear: () => fault(lab, 'fast-host', host) };
    case 'command-timeout':
      // The step's command is given a 1.5 s limit (see the executor wrapper) and the host made 3 s slow.
      return { inject: () => fault(lab, 'slow-host', host), clear: () => fault(lab, 'fast-host', host) };
    case 'wrong-host-key':
      // A new key takes effect on the next connection; cutting the pooled one forces it.
      return {
        inject: async () => {
          await fault(lab, 'change-host-key', host);
          await fault(lab, 'drop-connections', host);
        },
        clear: async () => {},
      };
    case 'auth-failure':
      // The lab's hosts share one authorized_keys file: the key stops being accepted everywhere.
      return {
        inject: async () => {
          renameSync(keys, keys + '.off');
          await fault(lab, 'drop-connections', host);
        },
        clear: async () => {
          if (existsSync(keys + '.off')) renameSync(keys + '.off', keys);
        },
      };
    case 'disk-full':
      // A 256 KiB tmpfs over the data directory's parent on the host: what is there is hidden, not touched.
      return {
        inject: async () => {
          inHostNamespace(lab, host, ['mount', '-t', 'tmpfs', '-o', 'size=256k,mode=0777', 'tmpfs', parent]);
          mounted = true;
        },
        clear: async () => {
          if (mounted) inHostNamespace(lab, host, ['umount', '-l', parent]);
          mounted = false;
        },
      };
  }
}

function withShortTimeout(executor: RemoteExecutor, command: () => string | null): RemoteExecutor {
  return {
    exec: (host, cmd, options) =>
      executor.exec(
        host,
        cmd,
        command() !== null && cmd.includes(command()!) ? { ...options, timeoutMs: 1500 } : options,
      ),
    openShell: (host, options) => executor.openShell(host, options),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  const limit = new Promise<T>((_, reject) => {
    setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms).unref();
  });
  return Promise.race([p, limit]);
}

export async function runCase(
  subnet: number,
  procedure: keyof typeof PROCEDURE_STEPS,
  step: string,
  kind: FaultKind,
): Promise<CaseResult> {
  const t0 = Date.now();
  const base: CaseResult = {
    procedure,
    step,
    fault: kind,
    host: '',
    injected: false,
    status: 'error',
    message: '',
    steps: [],
    dataBefore: {},
    dataAfter: {},
    noDataLost: false,
    rerunStatus: null,
    rerunMessage: null,
    seconds: 0,
  };
  const lab = await startLab(subnet, 'after-failover', 'coordinator');
  let pool = poolOf(lab);
  const journal = tempJournal('fault-matrix');
  let inj: Injection | undefined;
  try {
    const cluster = clusterOf(lab);
    if (procedure === 'return-to-original') {
      // The swap starts where a restore ends: scdw active, cdw its streaming standby.
      const setup = await withTimeout(
        runAll('restore-mirroring', cluster, pool, tempJournal('fault-setup')),
        240_000,
        'the restore before the swap',
      );
      if (setup.result.status !== 'done') throw new Error(`setting up the swap failed: ${setup.result.message}`);
    }
    base.dataBefore = dataDirectories(lab);
    let targetCommand: string | null = null;
    const executor = kind === 'command-timeout' ? withShortTimeout(pool, () => targetCommand) : pool;
    const run = await withTimeout(
      runAll(procedure as ProcedureId, cluster, pool, journal, {
        executor,
        onEvent: e => {
          if (e.type !== 'step' || e.status !== 'running' || e.step.id !== step || base.injected) return;
          base.injected = true;
          // Disk space matters where data is written: the new standby for gpinitstandby, else the step's own host
          // (the move is a rename within one file system, which the same-filesystem guard makes sure of).
          base.host =
            kind === 'disk-full' && e.step.id === 'init-standby'
              ? lab.hosts.find(h => h.name !== e.step.host)!.name
              : e.step.host;
          targetCommand = e.step.command;
          const active = procedure === 'restore-mirroring' ? 'scdw' : e.step.id === 'stop-coordinator' ? 'scdw' : 'cdw';
          inj = injection(lab, kind, base.host, active);
          void inj.inject().catch((err: unknown) => (base.error = `injecting: ${(err as Error).message}`));
        },
      }),
      300_000,
      'the run with the fault',
    );
    base.status = run.result.status;
    base.message = run.result.message;
    base.steps = run.result.steps.map(s => ({
      id: s.step.id,
      host: s.step.host,
      status: s.status,
      message: s.message,
    }));
    await inj?.clear();
    base.dataAfter = dataDirectories(lab);
    base.noDataLost = nothingLost(base.dataBefore, base.dataAfter);
    // Cleared fault: a new pool (a changed host key stays refused; that is the point) and the procedure again.
    await pool.dispose();
    pool = poolOf(lab);
    const again = await withTimeout(
      runAll(procedure as ProcedureId, cluster, pool, journal),
      300_000,
      'the run after the fault',
    ).catch((e: unknown) => ({ result: { status: 'error', message: (e as Error).message } }));
    base.rerunStatus = again.result.status;
    base.rerunMessage = again.result.message;
    base.dataAfter = dataDirectories(lab);
    base.noDataLost = base.noDataLost && nothingLost(base.dataBefore, base.dataAfter);
  } catch (e) {
    base.error = (base.error ? base.error + '; ' : '') + (e as Error).message;
    await inj?.clear().catch(() => undefined);
  } finally {
    await pool.dispose().catch(() => undefined);
    await stopLab(lab).catch(() => undefined);
  }
  base.seconds = Math.round((Date.now() - t0) / 1000);
  return base;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const subnet = Number(opt('subnet') ?? 51);
  if (subnet < 50 || subnet > 59) throw new Error('the fault matrix uses subnets 50-59');
  const out = resolve(opt('out') ?? '.bench/faults/results.jsonl');
  mkdirSync(dirname(out), { recursive: true });
  const procedures = (opt('procedure') ? [opt('procedure')!] : Object.keys(PROCEDURE_STEPS)) as Array<
    keyof typeof PROCEDURE_STEPS
  >;
  const faults = (opt('fault') ? opt('fault')!.split(',') : [...FAULT_KINDS]) as FaultKind[];
  for (const p of procedures) {
    const steps = opt('step') ? opt('step')!.split(',') : PROCEDURE_STEPS[p];
    for (const s of steps) {
      for (const f of faults) {
        const r = await runCase(subnet, p, s, f);
        appendFileSync(out, JSON.stringify({ ...r, at: new Date().toISOString() }) + '\n');
        console.log(
          `${p} / ${s} / ${f}: ${r.status}${r.injected ? '' : ' (fault not injected)'}; data ${r.noDataLost ? 'kept' : 'LOST?'}; rerun ${r.rerunStatus}; ${r.seconds} s${r.error ? `; error: ${r.error}` : ''}`,
        );
      }
    }
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}

// `gpcoord run <procedure> <cluster>`: runs a procedure step by step on the hosts, with live output, asking y/N
// before every step that changes the cluster (unless --yes), and a summary at the end.
import { createInterface } from 'node:readline/promises';
import type { PlanOptions } from '../../core/lifecycle-planner';
import { PROCEDURES } from '../../core/procedures/definitions';
import type { PlannedStep, ProcedureId } from '../../core/procedures/types';
import { PROCEDURE_IDS } from '../../core/procedures/types';
import { formatDryRun } from '../../engine/dry-run';
import { localUser } from '../../engine/audit';
import { formatState, formatStep, shownCommand } from '../../engine/format';
import { HistoryFile, historyPathFor } from '../../engine/history';
import { inspectRunLock } from '../../engine/run-lock';
import type { SessionEvent } from '../../engine/procedure-session';
import type { RunResult, RunStatus } from '../../engine/runner';
import type { CliCommand, ParsedArgs } from '../args';
import { EXIT_USAGE } from '../args';
import { COMMON_OPTIONS, COMMON_VALUE_OPTIONS, openSession, readArgs, usageError } from '../preamble';
import { isProcedure } from './plan';
import {
  failoverPreamble,
  historyRecorder,
  planOptionsFromArgs,
  RUN_OPTION_FLAGS,
  RUN_OPTION_VALUES,
  RUN_OPTIONS_USAGE,
} from './run-options';

const CANCEL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export const RUN_EXIT: Record<RunStatus, number> = {
  done: 0,
  failed: 1,
  blocked: 3,
  refused: 3,
  declined: 4,
  unknown: 5,
  cancelled: 5,
  'needs-attention': 6,
};

const USAGE = `Usage: gpcoord run <procedure> <cluster> [--yes] [--json] [--dry-run] [--journal FILE] [--audit FILE]
                    [--confirm-fenced HOST] [--force-activation] [--standby-host HOST] [--take-over-lock]
                    [--inventory FILE] [--ssh-config FILE]

Runs a procedure on the cluster's hosts over ssh. Before every step the cluster is observed afresh and the
next step planned from what is seen (so an interrupted run resumes, and a finished one changes nothing);
the step's guards are checked on the hosts right before it runs; afterwards it is verified by observation.

  <procedure>         ${PROCEDURE_IDS.join(', ')}
  --yes               do not ask before steps that change the cluster (otherwise y/N on the terminal;
                      a procedure that changes nothing, such as check, never asks)
  --json              print the run's result as JSON on stdout (progress goes to stderr)
  --journal FILE      the procedure journal (default ~/.local/state/gpcoord/journal/<cluster>.jsonl)
  --audit FILE        append-only audit log (default ~/.local/state/gpcoord/audit.jsonl)
${RUN_OPTIONS_USAGE}
  --take-over-lock    take over the run lock when its holder is gone (its pid no longer runs on this machine,
                      or no heartbeat for 5 min); a live holder is never taken over
${COMMON_OPTIONS}

Exit status: 0 done (or nothing to do), 1 a step failed, 2 bad usage or inventory,
3 blocked (e.g. another run holds the run lock) or refused by a guard (nothing was changed by that step),
4 declined at a prompt,
5 a step's outcome is unknown (connection lost, timeout, cancelled) — run again to resume,
6 a step ran but its result did not verify (needs attention).`;

function progressWriter(out: NodeJS.WritableStream): (e: SessionEvent) => void {
  // Remote output arrives in chunks; print it line by line with the host in front.
  let pending = '';
  let prefix = '';
  const flush = (): void => {
    if (pending) out.write(`${prefix}${pending}\n`);
    pending = '';
  };
  return e => {
    switch (e.type) {
      case 'run-started':
        out.write(`gpcoord: ${e.procedure} on cluster ${e.cluster} (run ${e.runId})\n`);
        break;
      case 'plan':
        if (e.decision.kind === 'step') out.write(`\n${formatStep(e.decision.step, { guards: false })}\n`);
        break;
      case 'guard':
        out.write(`      ${e.ok ? 'ok  ' : 'FAIL'} ${e.guard.description}${e.ok ? '' : `: ${e.message}`}\n`);
        break;
      case 'step':
        if (e.status === 'running') {
          prefix = `  ${e.step.host}| `;
          out.write(`  running on ${e.step.host}: ${shownCommand(e.step)}\n`);
        } else if (e.status !== 'pending') {
          flush();
          out.write(`  => ${e.status.toUpperCase()}${e.message ? `: ${e.message}` : ''}\n`);
        }
        break;
      case 'output': {
        const text = pending + e.chunk.replace(/\r\n/g, '\n');
        const lines = text.split('\n');
        pending = lines.pop() ?? '';
        for (const l of lines) out.write(`${prefix}${l}\n`);
        break;
      }
      case 'note':
        flush();
        out.write(`  note: ${e.text}\n`);
        break;
      case 'audit':
        if (e.error) out.write(`gpcoord: ${e.error}\n`);
        break;
      case 'observed':
      case 'run-finished':
        break;
    }
  };
}

function summary(r: RunResult): string {
  const lines = ['', `Summary: ${r.status.toUpperCase()} — ${r.message}`];
  for (const s of r.steps)
    lines.push(
      `  ${s.status.padEnd(15)} [${s.step.index + 1}/${s.step.total}] ${s.step.title} on ${s.step.host} (${(s.durationMs / 1000).toFixed(1)} s)${s.status === 'succeeded' ? '' : `: ${s.message}`}`,
    );
  if (r.state) lines.push('', formatState(r.state));
  return lines.join('\n');
}

async function run(argv: string[]): Promise<number> {
  const read = readArgs('run', USAGE, argv, {
    valueOptions: [...COMMON_VALUE_OPTIONS, 'journal', 'audit', ...RUN_OPTION_VALUES],
    flags: ['yes', 'json', 'take-over-lock', ...RUN_OPTION_FLAGS],
    aliases: { y: 'yes' },
  });
  if ('exit' in read) return read.exit;
  const { positionals, flags } = read.args;
  const [procedure, name, ...extra] = positionals;
  if (!isProcedure(procedure))
    return usageError(
      'run',
      USAGE,
      procedure ? `unknown procedure "${procedure}" (expected ${PROCEDURE_IDS.join(', ')})` : 'missing <procedure>',
    );
  if (!name) return usageError('run', USAGE, 'missing <cluster>');
  if (extra.length) return usageError('run', USAGE, `unexpected argument "${extra[0]}"`);
  const chosen = planOptionsFromArgs(procedure, read.args);
  if (chosen.error) return usageError('run', USAGE, chosen.error);
  if (flags.has('dry-run')) return dryRunCommand(procedure, name, read.args, chosen.options);
  // A procedure none of whose steps changes the cluster (check) asks nothing, so it needs no terminal.
  const yes = flags.has('yes') || !PROCEDURES[procedure].steps.some(s => s.changesCluster);
  if (!yes && !process.stdin.isTTY)
    return usageError(
      'run',
      USAGE,
      'standard input is not a terminal, so no step can be confirmed: pass --yes to run without asking',
    );
  const opened = openSession('run', name, read.args);
  if (!opened) return EXIT_USAGE;
  const { session, pool } = opened;
  const json = flags.has('json');
  const progress = json ? process.stderr : process.stdout;
  const rl = yes ? null : createInterface({ input: process.stdin, output: process.stdout });
  const confirm = async (step: PlannedStep): Promise<boolean> => {
    if (yes || !rl) return true;
    const warning = step.warning ? `\n  WARNING: ${step.warning}` : '';
    const answer = await rl.question(
      `\n  Run on ${step.host}: ${shownCommand(step)}${warning}\n  This changes the cluster. Continue? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  };
  // Ctrl-C (or SIGTERM, SIGHUP) cancels the running step (its outcome is then unknown and re-observed) and ends the
  // run with its journal closed; a second one exits at once.
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (abort.signal.aborted) process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15));
    progress.write(
      `\ngpcoord: ${signal === 'SIGINT' ? 'Ctrl-C' : signal}: cancelling (the current step is marked unknown and the cluster re-observed); Ctrl-C again to quit at once\n`,
    );
    abort.abort();
  };
  for (const signal of CANCEL_SIGNALS) process.on(signal, onSignal);
  const history = new HistoryFile(historyPathFor(session.journalPath));
  if (procedure === 'failover')
    progress.write(`${failoverPreamble(history, session.cluster.name, !!chosen.options.force, new Date())}\n`);
  const show = progressWriter(progress);
  const record = historyRecorder(history, localUser());
  try {
    const result = await session.runSteps(
      procedure,
      {
        confirmStep: confirm,
        ...(flags.has('take-over-lock')
          ? {
              confirmLockTakeOver: (question: string) => {
                progress.write(`gpcoord: ${question} Yes (--take-over-lock).\n`);
                return Promise.resolve(true);
              },
            }
          : {}),
        report: e => {
          if (e.type !== 'audit') record(e);
          show(e);
        },
      },
      { signal: abort.signal, planOptions: chosen.options },
    );
    progress.write(`${summary(result)}\n`);
    if (json)
      process.stdout.write(
        `${JSON.stringify({ ...result, steps: result.steps.map(s => ({ ...s, step: { id: s.step.id, title: s.step.title, host: s.step.host, command: s.step.command } })) }, null, 2)}\n`,
      );
    return RUN_EXIT[result.status];
  } finally {
    for (const signal of CANCEL_SIGNALS) process.off(signal, onSignal);
    rl?.close();
    await pool.dispose();
  }
}

async function dryRunCommand(
  procedure: ProcedureId,
  name: string,
  args: ParsedArgs,
  options: PlanOptions,
): Promise<number> {
  const opened = openSession('run', name, args);
  if (!opened) return EXIT_USAGE;
  const { session, pool } = opened;
  try {
    const r = await session.dryRun(procedure, { planOptions: options });
    if (procedure === 'failover')
      process.stdout.write(
        `${failoverPreamble(new HistoryFile(historyPathFor(session.journalPath)), session.cluster.name, !!options.force, new Date())}\n`,
      );
    // A dry run takes no lock, but says who holds it: a real run now would be refused.
    const runLock = await inspectRunLock(session.cluster, session.executor);
    const lockText = runLock.length ? runLock.join('\n') : 'Run lock: free on every host reached.';
    process.stdout.write(
      args.flags.has('json') ? `${JSON.stringify({ ...r, runLock }, null, 2)}\n` : `${formatDryRun(r)}\n${lockText}\n`,
    );
    if (r.decision.kind === 'done') return 0;
    return r.wouldRun ? 0 : RUN_EXIT.refused;
  } finally {
    await pool.dispose();
  }
}

export const runCommand: CliCommand = {
  summary:
    'run a procedure (restore-mirroring, return-to-original, check, failover, start-standby, rebuild-standby) step by step',
  usage: USAGE,
  run,
};

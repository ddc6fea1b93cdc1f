// `gpcoord plan <procedure> <cluster>`: observes the cluster and shows what the procedure would do from here —
// each step's host, exact command, guards and check — without running anything.
import { PROCEDURES } from '../../core/procedures/definitions';
import { PROCEDURE_IDS } from '../../core/procedures/types';
import type { ProcedureId } from '../../core/procedures/types';
import { formatState, formatStep } from '../../engine/format';
import type { CliCommand } from '../args';
import { EXIT_USAGE } from '../args';
import { COMMON_OPTIONS, COMMON_VALUE_OPTIONS, openSession, readArgs, usageError } from '../preamble';

const USAGE = `Usage: gpcoord plan <procedure> <cluster> [--json] [--journal FILE] [--inventory FILE] [--ssh-config FILE]

Observes the cluster and prints the steps the procedure would run from the observed state: host, exact
command, the guards checked on the hosts right before each step, and the check that proves it worked.
Nothing is changed.

  <procedure>         ${PROCEDURE_IDS.join(', ')}
  --json              print the decision as JSON
  --journal FILE      the procedure journal (default ~/.local/state/gpcoord/journal/<cluster>.jsonl)
${COMMON_OPTIONS}

Exit status: 0 a step is planned or the procedure is already done, 2 bad usage or inventory,
3 blocked (the reason is printed).`;

export function isProcedure(p: string | undefined): p is ProcedureId {
  return p !== undefined && (PROCEDURE_IDS as readonly string[]).includes(p);
}

async function run(argv: string[]): Promise<number> {
  const read = readArgs('plan', USAGE, argv, { valueOptions: [...COMMON_VALUE_OPTIONS, 'journal'], flags: ['json'] });
  if ('exit' in read) return read.exit;
  const { positionals, flags } = read.args;
  const [procedure, name, ...extra] = positionals;
  if (!isProcedure(procedure))
    return usageError(
      'plan',
      USAGE,
      procedure ? `unknown procedure "${procedure}" (expected ${PROCEDURE_IDS.join(', ')})` : 'missing <procedure>',
    );
  if (!name) return usageError('plan', USAGE, 'missing <cluster>');
  if (extra.length) return usageError('plan', USAGE, `unexpected argument "${extra[0]}"`);
  const opened = openSession('plan', name, read.args);
  if (!opened) return EXIT_USAGE;
  const { session, pool } = opened;
  try {
    const { state, decision } = await session.preview(procedure);
    const cluster = session.cluster;
    if (flags.has('json')) {
      process.stdout.write(
        `${JSON.stringify({ procedure, cluster: cluster.name, situation: state.situation, decision, state }, null, 2)}\n`,
      );
    } else {
      const def = PROCEDURES[procedure];
      const out = [formatState(state), '', `${def.title} (${procedure}): ${def.description}`];
      if (decision.kind === 'done') out.push(`Nothing to do: ${decision.message}`);
      else if (decision.kind === 'blocked') out.push(`BLOCKED: ${decision.reason}`);
      else {
        out.push('Next step:', formatStep(decision.step));
        if (decision.upcoming.length)
          out.push(
            'Then (as planned now; each is re-planned from a fresh observation):',
            ...decision.upcoming.map(s => formatStep(s, { guards: false })),
          );
      }
      process.stdout.write(`${out.join('\n')}\n`);
    }
    return decision.kind === 'blocked' ? 3 : 0;
  } finally {
    await pool.dispose();
  }
}

export const planCommand: CliCommand = {
  summary: 'show the steps a procedure would run from the observed state (changes nothing)',
  usage: USAGE,
  run,
};

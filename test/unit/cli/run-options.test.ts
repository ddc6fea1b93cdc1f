import assert from 'node:assert/strict';
import { parseArgs } from '../../../src/cli/args';
import type { ParsedArgs } from '../../../src/cli/args';
import { planOptionsFromArgs, RUN_OPTION_FLAGS, RUN_OPTION_VALUES } from '../../../src/cli/commands/run-options';

function args(argv: string[]): ParsedArgs {
  const r = parseArgs(argv, { valueOptions: [...RUN_OPTION_VALUES], flags: ['yes', 'dry-run', ...RUN_OPTION_FLAGS] });
  if (!r.ok) throw new Error(r.error);
  return r.args;
}

describe('gpcoord run: the choices beyond the procedure', () => {
  it('never runs a failover on --yes alone: the old coordinator must be named as fenced', () => {
    const r = planOptionsFromArgs('failover', args(['--yes']));
    assert.match(r.error ?? '', /--confirm-fenced <old coordinator host> \(--yes alone is not enough\)/);
    assert.deepEqual(planOptionsFromArgs('failover', args(['--yes', '--confirm-fenced', 'cdw'])), {
      options: { fencedHost: 'cdw' },
    });
    assert.equal(
      planOptionsFromArgs('failover', args(['--dry-run'])).error,
      undefined,
      'a dry run needs no confirmation',
    );
  });

  it('takes -f only as a failover choice, and the standby host only where a standby is built', () => {
    assert.deepEqual(planOptionsFromArgs('failover', args(['--confirm-fenced', 'cdw', '--force-activation'])).options, {
      fencedHost: 'cdw',
      force: true,
    });
    assert.match(
      planOptionsFromArgs('restore-mirroring', args(['--force-activation'])).error ?? '',
      /belong to failover/,
    );
    assert.deepEqual(planOptionsFromArgs('restore-mirroring', args(['--standby-host', 'rcdw'])).options, {
      standbyHost: 'rcdw',
    });
    assert.match(
      planOptionsFromArgs('start-standby', args(['--standby-host', 'rcdw'])).error ?? '',
      /belongs to restore-mirroring and rebuild-standby/,
    );
  });
});

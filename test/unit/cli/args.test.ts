import assert from 'node:assert/strict';
import { parseArgs } from '../../../src/cli/args';

const SPEC = { valueOptions: ['exit-code'], flags: ['help', 'yes'], aliases: { h: 'help', y: 'yes' } };

describe('parseArgs', () => {
  it('reads positionals, values in both spellings, flags and aliases', () => {
    const r = parseArgs(['gpstate-f', '--exit-code', '2', 'file.txt', '-y'], SPEC);
    assert.ok(r.ok);
    assert.deepEqual(r.args.positionals, ['gpstate-f', 'file.txt']);
    assert.equal(r.args.values.get('exit-code'), '2');
    assert.deepEqual([...r.args.flags], ['yes']);
    const inline = parseArgs(['--exit-code=0', '-'], SPEC);
    assert.ok(inline.ok);
    assert.equal(inline.args.values.get('exit-code'), '0');
    assert.deepEqual(inline.args.positionals, ['-']);
  });

  it('treats everything after -- as positionals', () => {
    const r = parseArgs(['--', '--help', '-x'], SPEC);
    assert.ok(r.ok);
    assert.deepEqual(r.args.positionals, ['--help', '-x']);
    assert.equal(r.args.flags.size, 0);
  });

  it('names what was wrong', () => {
    const cases: [string[], string][] = [
      [['--nope'], 'unknown option "--nope"'],
      [['-z'], 'unknown option "-z"'],
      [['--exit-code'], 'option --exit-code needs a value'],
      [['--exit-code', '1', '--exit-code', '2'], 'option --exit-code given twice'],
      [['--help=yes'], 'option --help takes no value'],
    ];
    for (const [argv, error] of cases) assert.deepEqual(parseArgs(argv, SPEC), { ok: false, error });
  });
});

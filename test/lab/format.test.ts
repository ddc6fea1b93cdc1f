// The emulated utilities' formatting pieces checked against the reference outputs, without a running lab.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { TableLogger, UtilityExit, formatLogLine, parseFlags } from './utilities/common';
import { referenceBlocks } from './support';

/** The message part (after `]:-`) of every log line of a reference block, with its level. */
function referenceMessages(file: string, block = 0): Array<{ level: string; text: string }> {
  return (referenceBlocks(file)[block] ?? []).flatMap(l => {
    const m = /-\[(INFO|WARNING|ERROR|CRITICAL|DEBUG)\]:-(.*)$/.exec(l);
    return m ? [{ level: m[1]!, text: m[2]! }] : [];
  });
}

describe('lab utilities: log line and TableLogger formats', function () {
  it('log prefix: date, time, PID zero-padded to at least 6 digits, program, host, user, level', function () {
    const when = new Date(2024, 0, 1, 12, 0, 0);
    assert.equal(
      formatLogLine('gpstate', 'cdw', 'gpadmin', 12345, 'INFO', 'Starting gpstate with args: -f', when),
      '20240101:12:00:00:012345 gpstate:cdw:gpadmin-[INFO]:-Starting gpstate with args: -f',
    );
    assert.equal(
      formatLogLine('gpstop', 'scdw', 'gpadmin', 1234567, 'ERROR', 'x', when),
      '20240101:12:00:00:1234567 gpstop:scdw:gpadmin-[ERROR]:-x',
    );
  });

  it('renders the standby-down rows of gpstate -f exactly as the reference (warning cells padded, arrows)', function () {
    const t = new TableLogger()
      .info(['Standby address', '= scdw'])
      .info(['Standby data directory', '= /data/coordinator/gpseg-1'])
      .info(['Standby port', '= 5432'])
      .warn(['Standby PID', '= 0'])
      .warn(['Standby status', '= Standby process not running']);
    const expected = referenceMessages('public-samples/gp7_gpstate-f_standby_down_RECONSTRUCTED.txt').slice(6, 11);
    assert.deepEqual(
      t.render(),
      expected.map(e => ({ level: e.level, text: e.text })),
    );
  });

  it('renders the three-column PID row of a pid-file error exactly as the reference', function () {
    const t = new TableLogger()
      .info(['Standby address', '= smdw'])
      .info(['Standby data directory', '= /data/master/gpseg-1'])
      .info(['Standby port', '= 5432'])
      .warn(['Standby PID', '= 23456', 'Have lock file /tmp/.s.PGSQL.5432.lock but no process running on port 5432'])
      .warn(['Standby status', '= Status could not be determined']);
    const expected = referenceMessages('public-samples/gp6_gpstate-f_pid_with_error_3col_RECONSTRUCTED.txt').slice(
      6,
      11,
    );
    assert.deepEqual(t.render(), expected);
  });

  it('renders a gpstate -b summary with warning rows and separators exactly as the reference', function () {
    const t = new TableLogger()
      .info(['Coordinator instance', '= Active'])
      .info(['Coordinator standby', '= scdw'])
      .warn(['Standby coordinator state', '= Standby host DOWN'])
      .info(['Total segment instance count from metadata', '= 4'])
      .separator()
      .info(['Primary Segment Status'])
      .separator()
      .info(['Total primary segments', '= 2'])
      .info(['Total primary segment valid (at coordinator)', '= 1'])
      .warn(['Total primary segment failures (at coordinator)', '= 1'])
      .warn(['Total number of postmaster.pid files missing', '= 1'])
      .info(['Total number of postmaster.pid files found', '= 1'])
      .warn(['Total number of postmaster.pid PIDs missing', '= 1'])
      .info(['Total number of postmaster.pid PIDs found', '= 1'])
      .warn(['Total number of /tmp lock files missing', '= 1'])
      .info(['Total number of /tmp lock files found', '= 1'])
      .warn(['Total number postmaster processes missing', '= 1'])
      .info(['Total number postmaster processes found', '= 1'])
      .separator()
      .info(['Mirror Segment Status'])
      .separator()
      .info(['Total mirror segments', '= 2'])
      .info(['Total mirror segment valid (at coordinator)', '= 2'])
      .info(['Total mirror segment failures (at coordinator)', '= 0'])
      .info(['Total number of postmaster.pid files missing', '= 0'])
      .info(['Total number of postmaster.pid files found', '= 2'])
      .info(['Total number of postmaster.pid PIDs missing', '= 0'])
      .info(['Total number of postmaster.pid PIDs found', '= 2'])
      .info(['Total number of /tmp lock files missing', '= 0'])
      .info(['Total number of /tmp lock files found', '= 2'])
      .info(['Total number postmaster processes missing', '= 0'])
      .info(['Total number postmaster processes found', '= 2'])
      .warn(['Total number mirror segments acting as primary segments', '= 1'])
      .info(['Total number mirror segments acting as mirror segments', '= 1'])
      .separator();
    const expected = referenceMessages(
      'public-samples/gp7_gpstate-b_standby_down_and_primary_failed_RECONSTRUCTED.txt',
    ).slice(7);
    assert.deepEqual(t.render(), expected);
  });
});

describe('lab utilities: flags and prompts', function () {
  const spec = {
    '-a': { takesValue: false },
    '-s': { takesValue: true },
    '-m': { takesValue: false, long: ['--master_only'] },
  };

  it('parses clustered short flags, attached and separate values, and long names', function () {
    assert.deepEqual(
      [...parseFlags(['-as', 'cdw'], spec, () => 'usage')],
      [
        ['-a', true],
        ['-s', 'cdw'],
      ],
    );
    assert.deepEqual(
      [...parseFlags(['-scdw', '--master_only'], spec, () => 'usage')],
      [
        ['-s', 'cdw'],
        ['-m', true],
      ],
    );
  });

  it('rejects an unknown option with exit code 2', function () {
    const stderrWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      assert.throws(
        () => parseFlags(['-x'], spec, () => 'usage'),
        (e: unknown) => e instanceof UtilityExit && e.code === 2,
      );
      assert.throws(
        () => parseFlags(['-s'], spec, () => 'usage'),
        (e: unknown) => e instanceof UtilityExit && e.code === 2,
      );
    } finally {
      process.stderr.write = stderrWrite;
    }
  });

  const ask = (input: string): { stdout: string; answer: string } => {
    const common = resolve(__dirname, 'utilities', 'common.ts');
    const r = spawnSync(
      process.execPath,
      [
        '-r',
        'tsx/cjs',
        '-e',
        `const c = require(${JSON.stringify(common)}); process.stderr.write(String(c.askYesNo('Continue with coordinator-only shutdown')))`,
      ],
      { input, encoding: 'utf8', cwd: resolve(__dirname, '..', '..') },
    );
    return { stdout: r.stdout, answer: r.stderr.trim() };
  };

  it('asks "Yy|Nn (default=N)", re-asks on other answers, and takes N on an empty answer or closed input', function () {
    const yes = ask('maybe\ny\n');
    assert.equal(yes.answer, 'true');
    assert.equal(yes.stdout, 'Continue with coordinator-only shutdown Yy|Nn (default=N):\n> '.repeat(2));
    assert.equal(ask('N\n').answer, 'false');
    assert.equal(ask('\n').answer, 'false');
    assert.equal(ask('').answer, 'false');
  });
});

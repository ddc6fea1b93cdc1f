// The line formats of FORMATS.md, piece by piece, and captures shaped the way terminals and people shape them.
import assert from 'node:assert/strict';
import {
  lsnDiffBytes,
  lsnToBigInt,
  parsedOutputSchema,
  parseLogLine,
  parseOutput,
  parseTableRow,
} from '../../../src/core/parsers';
import { gpstateModeOfArgs } from '../../../src/core/parsers/gpstate-common';
import { assertFields, parseRecognised, readFixture } from './helpers';

const P = (level: string, message: string, pid = '012345', program = 'gpstate', host = 'mdw') =>
  `20240101:12:00:00:${pid} ${program}:${host}:gpadmin-[${level}]:-${message}`;

describe('parseLogLine', () => {
  it('splits the gplog prefix; the six digits are the PID', () => {
    assert.deepEqual(
      parseLogLine('20240101:12:00:00:012345 gpstate:cdw:gpadmin-[INFO]:-Starting gpstate with args: -f'),
      {
        timestamp: '20240101:12:00:00',
        pid: 12345,
        program: 'gpstate',
        host: 'cdw',
        user: 'gpadmin',
        level: 'INFO',
        message: 'Starting gpstate with args: -f',
      },
    );
  });

  it('accepts PIDs of more than six digits, every level, FQDN hosts and users with dashes', () => {
    assert.equal(parseLogLine(P('INFO', 'x', '1234567'))?.pid, 1234567);
    for (const level of ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL', 'FATAL'])
      assert.equal(parseLogLine(P(level, 'x'))?.level, level);
    assert.equal(parseLogLine(P('WARN', 'x'))?.level, 'WARNING');
    const fqdn = parseLogLine('20240101:12:00:00:012345 gpstop:cdw-1.example.com:gp-admin-[ERROR]:-gpstop error: x');
    assert.deepEqual(
      [fqdn?.host, fqdn?.user, fqdn?.level, fqdn?.message],
      ['cdw-1.example.com', 'gp-admin', 'ERROR', 'gpstop error: x'],
    );
  });

  it('keeps messages that start with dashes, and trims trailing padding', () => {
    // Printed as `]:--WAL Sender State: …`: the message itself starts with one dash.
    assert.equal(parseLogLine(P('INFO', '-WAL Sender State: streaming'))?.message, '-WAL Sender State: streaming');
    assert.equal(
      parseLogLine(P('WARNING', 'Standby PID              = 0                             <<<<<<<<   '))?.message,
      'Standby PID              = 0                             <<<<<<<<',
    );
  });

  it('finds the prefix behind an answered prompt, progress dots, indentation and a docker-compose wrapper', () => {
    for (const front of ['> ', '>', '....', '        ', '\t', 'cdw_1   | ', '> > ']) {
      assert.equal(parseLogLine(front + P('INFO', 'hello'))?.message, 'hello', JSON.stringify(front));
    }
  });

  it('returns null for lines without a prefix and for near misses', () => {
    for (const line of [
      '',
      'server shutting down',
      '\tIs the server running on host',
      '2024010:12:00:00:012345 gpstate:mdw:gpadmin-[INFO]:-x',
      '20240101:12:00:00:01234 gpstate:mdw:gpadmin-[INFO]:-x',
      '20240101:12:00:00:012345 gpstate:mdw:gpadmin-[NOTICE]:-x',
      '20240101:12:00:00:012345 gpstate mdw gpadmin [INFO] x',
    ]) {
      assert.equal(parseLogLine(line), null, line);
    }
    assert.equal(parseLogLine(undefined as unknown as string), null);
  });
});

describe('gpstate mode from its arguments', () => {
  it("follows gpstate's own options: plain gpstate is -b, values of -d/-l/-B are not flags", () => {
    const cases: [string, string][] = [
      ['', 'b'],
      ['-a', 'b'],
      ['-b', 'b'],
      ['-f', 'f'],
      ['-s', 's'],
      ['-e', 'other'],
      ['-m', 'other'],
      ['-Q', 'other'],
      ['-x', 'other'],
      ['-d /data/master/gpseg-1 -f', 'f'],
      ['-l /home/gpadmin/sfiles -B 16', 'b'],
      ['-B 8 -s', 's'],
      ['--timeout 10 -f', 'f'],
      ['-qf', 'f'],
      ['--segmentStatusPipeSeparatedForTableUse', 'other'],
    ];
    for (const [args, mode] of cases) assert.equal(gpstateModeOfArgs(args), mode, JSON.stringify(args));
  });
});

describe('LSN arithmetic', () => {
  it('converts X/X to a 64-bit number', () => {
    assert.equal(lsnToBigInt('1/2800DE68'), (1n << 32n) + 0x2800de68n);
    assert.equal(lsnToBigInt('0/0'), 0n);
    assert.equal(lsnToBigInt('FFFFFFFF/FFFFFFFF'), (1n << 64n) - 1n);
    for (const bad of ['None', '', '1/', '/1', '1/2/3', 'G/1', '123456789/1', null, undefined])
      assert.equal(lsnToBigInt(bad), null, String(bad));
  });

  it('gives byte differences across the 4 GB boundary, negative when behind, null when unknown', () => {
    assert.equal(lsnDiffBytes('1/00000010', '0/FFFFFFF0'), 32);
    assert.equal(lsnDiffBytes('0/34000128', '0/340000A8'), 128);
    assert.equal(lsnDiffBytes('0/10', '0/20'), -16);
    assert.equal(lsnDiffBytes('0/10', 'None'), null);
  });
});

describe('parseTableRow', () => {
  it('reads INFO rows of any width and warning rows with arrows and a third cell', () => {
    assert.deepEqual(parseTableRow('   Standby port             = 5433'), {
      key: 'Standby port',
      value: '5433',
      extra: null,
      flagged: false,
    });
    assert.deepEqual(parseTableRow('   Master instance                                           = Active'), {
      key: 'Master instance',
      value: 'Active',
      extra: null,
      flagged: false,
    });
    assert.deepEqual(parseTableRow('Standby status           = Standby process not running   <<<<<<<<'), {
      key: 'Standby status',
      value: 'Standby process not running',
      extra: null,
      flagged: true,
    });
    assert.deepEqual(
      parseTableRow(
        'Standby PID              = 23456                            Have lock file /tmp/.s.PGSQL.5432.lock but no process running on port 5432   <<<<<<<<',
      ),
      {
        key: 'Standby PID',
        value: '23456',
        extra: 'Have lock file /tmp/.s.PGSQL.5432.lock but no process running on port 5432',
        flagged: true,
      },
    );
    assert.deepEqual(parseTableRow('Standby data directory = /data'), {
      key: 'Standby data directory',
      value: '/data',
      extra: null,
      flagged: false,
    });
  });

  it('reads an empty value and refuses lines that are not rows', () => {
    assert.deepEqual(parseTableRow('   Standby address   = '), {
      key: 'Standby address',
      value: '',
      extra: null,
      flagged: false,
    });
    assert.deepEqual(parseTableRow('   Standby address   ='), {
      key: 'Standby address',
      value: '',
      extra: null,
      flagged: false,
    });
    for (const m of [
      '-----------------------------------------------------',
      '-WAL Sender State: streaming',
      'Master segment instance directory=/data/master/gpseg-1',
      ' = value',
      '',
    ])
      assert.equal(parseTableRow(m), null, m);
  });
});

const F_HEALTHY = (pid: string, sent: string) => [
  P('INFO', 'Starting gpstate with args: -f', pid),
  P('INFO', 'Obtaining Segment details from master...', pid),
  P('INFO', 'Standby master details', pid),
  P('INFO', '----------------------', pid),
  P('INFO', '   Standby address          = smdw', pid),
  P('INFO', '   Standby data directory   = /data/master/gpseg-1', pid),
  P('INFO', '   Standby port             = 5432', pid),
  P('INFO', '   Standby PID              = 2446', pid),
  P('INFO', '   Standby status           = Standby host passive', pid),
  P('INFO', '-------------------------------------------------------------', pid),
  P('INFO', '-pg_stat_replication', pid),
  P('INFO', '-------------------------------------------------------------', pid),
  P('INFO', '-WAL Sender State: streaming', pid),
  P('INFO', '-Sync state: sync', pid),
  P('INFO', `-Sent Location: ${sent}`, pid),
  P('INFO', `-Flush Location: ${sent}`, pid),
  P('INFO', '-Replay Location: 1/00000000', pid),
  P('INFO', '-------------------------------------------------------------', pid),
];

describe('captures as terminals and people make them', () => {
  it('reports the last complete run when a text holds several', () => {
    const text = [...F_HEALTHY('000111', '1/00000100'), ...F_HEALTHY('000222', '1/00000200')].join('\n');
    const r = parseRecognised('gpstate-f', text);
    assertFields(r, { pid: 222, runsFound: 2, complete: true });
    assert.equal(r.replication?.[0]?.replayLagBytes, 0x200);
  });

  it('prefers a complete earlier run over a cut-off last one, and reads a lone cut run with its exit code', () => {
    const cut = F_HEALTHY('000333', '1/00000300').slice(0, 9);
    const text = [...F_HEALTHY('000111', '1/00000100'), ...cut].join('\n');
    assertFields(parseRecognised('gpstate-f', text), { pid: 111, runsFound: 2, complete: true });
    const alone = F_HEALTHY('000333', '1/00000300').slice(0, 2).join('\n');
    assertFields(parseRecognised('gpstate-f', alone), { outcome: 'unknown', complete: false, standby: null });
    assertFields(parseRecognised('gpstate-f', alone, { exitCode: 0 }), { outcome: 'succeeded', exitCode: 0 });
    assertFields(parseRecognised('gpstate-f', alone, { exitCode: 2 }), { outcome: 'failed', exitCode: 2 });
  });

  it('ends an unterminated exception text at the next pasted command', () => {
    const text = [
      '$ gpstate -f',
      P('CRITICAL', "gpstate failed. (Reason='could not connect to server: Connection refused", '000401'),
      '\tIs the server running on host "localhost" (127.0.0.1) and accepting',
      '$ gpstate -f',
      ...F_HEALTHY('000402', '1/00000100'),
    ].join('\n');
    const r = parseRecognised('gpstate-f', text);
    assertFields(r, { pid: 402, outcome: 'succeeded', runsFound: 2 });
    const first = parseRecognised('gpstate-f', text.slice(0, text.indexOf('$ gpstate -f', 5)));
    assertFields(first, { pid: 401, outcome: 'failed', reason: 'connection-failed' });
  });

  it('reads CRLF, terminal colours, carriage-return progress and pasted shell prompts', () => {
    const lines = F_HEALTHY('000111', '1/00000100');
    const text = [
      'gpadmin@mdw:~$ gpstate -f',
      '\u001b[32m' + lines[0] + '\u001b[0m',
      'progress 10%\r' + lines[1],
      ...lines.slice(2),
    ].join('\r\n');
    const r = parseRecognised('gpstate-f', text);
    assertFields(r, {
      outcome: 'succeeded',
      complete: true,
      unparsedLines: [],
      standby: {
        host: 'smdw',
        dataDirectory: '/data/master/gpseg-1',
        port: 5432,
        pid: 2446,
        pidText: '2446',
        pidProblem: null,
        status: 'passive',
        statusText: 'Standby host passive',
      },
    });
  });

  it('is not fooled by "master" in a GP7 data directory path', () => {
    const text = [
      P('INFO', 'Starting gpstop with args: -m', '005545', 'gpstop'),
      P('INFO', "Commencing Coordinator instance shutdown with mode='fast'", '005545', 'gpstop'),
      P('INFO', 'Coordinator segment instance directory=/gpdata/master/gpseg-1', '005545', 'gpstop'),
      P('INFO', 'Terminating processes for segment /gpdata/master/gpseg-1', '005545', 'gpstop'),
    ].join('\n');
    assertFields(parseRecognised('gpstop', text), {
      vocabulary: 'coordinator',
      shutdownMode: 'fast',
      coordinatorOnly: true,
      outcome: 'succeeded',
    });
  });

  it('reads GP5 gpstop -m wording (mode without quotes, Master host line)', () => {
    const text = [
      P('INFO', 'Starting gpstop with args: -m', '004871', 'gpstop'),
      P('INFO', 'There are 0 connections to the database', '004871', 'gpstop'),
      P('INFO', "Commencing Master instance shutdown with mode='smart'", '004871', 'gpstop'),
      P('INFO', 'Master host=mdw', '004871', 'gpstop'),
      P('INFO', 'Commencing Master instance shutdown with mode=smart', '004871', 'gpstop'),
      P('INFO', 'Master segment instance directory=/data/master/gpseg-1', '004871', 'gpstop'),
      P('INFO', 'Terminating processes for segment /data/master/gpseg-1', '004871', 'gpstop'),
    ].join('\n');
    assertFields(parseRecognised('gpstop', text, { exitCode: 0 }), {
      vocabulary: 'master',
      shutdownMode: 'smart',
      coordinatorDataDirectory: '/data/master/gpseg-1',
      outcome: 'succeeded',
    });
  });

  it('reads the smart-mode timeout question of gpstop as a prompt', () => {
    const text = [
      P('INFO', 'Starting gpstop with args: -m', '000777', 'gpstop'),
      'Your_choice',
      '',
      "['(s)mart_mode', '(f)ast_mode', '(i)mmediate_mode']",
      ' s|f|i (default=s):',
      '> f',
    ].join('\n');
    const r = parseRecognised('gpstop', text);
    assert.equal(r.prompts.length, 3);
    assert.equal(r.prompts[2]?.answer, 'f');
    assert.deepEqual(r.unparsedLines, []);
  });

  it('recognises the environment not being sourced from the import error after a pasted command', () => {
    const text =
      '$ gpinitstandby -s smdw\nERROR: Cannot import modules.  Please check that you have sourced greenplum_path.sh.  Detail: No module named gppylib\n';
    assertFields(parseRecognised('gpinitstandby', text, { exitCode: 1 }), {
      outcome: 'failed',
      reason: 'environment',
      standbyHost: 'smdw',
      exitCode: 1,
    });
    const act =
      '$ gpactivatestandby -d /data/master/gpseg-1\nERROR: Cannot import modules.  Please check that you have sourced greenplum_path.sh.  Detail: x\n';
    assertFields(parseRecognised('gpactivatestandby', act), { outcome: 'failed', reason: 'environment' });
  });

  it('classifies gpinitstandby failures after the catalog change as failed, a cancelled prompt as aborted', () => {
    const g = (level: string, m: string) => P(level, m, '000900', 'gpinitstandby');
    const rollback = [
      g('INFO', 'Adding standby master to catalog...'),
      g('INFO', 'Database catalog updated successfully.'),
      g('ERROR', 'Failed to create standby'),
      g('WARNING', 'Trying to rollback changes that have been made...'),
      g('INFO', 'Rolling back catalog change...'),
      g('ERROR', 'Error initializing standby master: pg_basebackup failed'),
    ].join('\n');
    assertFields(parseRecognised('gpinitstandby', rollback), {
      outcome: 'failed',
      reason: 'other',
      rolledBack: true,
      errorMessage: 'pg_basebackup failed',
    });
    const cancelled = [
      'Do you want to continue with standby master initialization? Yy|Nn (default=N):',
      '> n',
      g('ERROR', 'Error initializing standby master: User canceled'),
    ].join('\n');
    assertFields(parseRecognised('gpinitstandby', cancelled), {
      outcome: 'aborted',
      reason: 'user-aborted',
      prompts: [
        { text: 'Do you want to continue with standby master initialization? Yy|Nn (default=N):', answer: 'n' },
      ],
    });
    const gp5 = [
      g('INFO', 'Validating environment and parameters for standby initialization...'),
      g('ERROR', 'Filespace directory already exists on host smdw'),
      g('ERROR', 'Error initializing standby master: master data directory exists'),
    ].join('\n');
    assertFields(parseRecognised('gpinitstandby', gp5), {
      outcome: 'refused',
      reason: 'data-directory-exists',
      standbyHost: 'smdw',
    });
  });

  it('reads GP5 gpinitstandby wording: filespace directory, and an ExecutionError spread over continuation lines', () => {
    const g = (level: string, m: string) => P(level, m, '057159', 'gpinitstandby', 'gp5m');
    const refused = [
      '$gpinitstandby -s gp5s',
      g('INFO', 'Validating environment and parameters for standby initialization...'),
      g('INFO', 'Checking for filespace directory /data/m/gpseg-1 on gp5s'),
      g('ERROR', 'Filespace directory already exists on host gp5s'),
      g('ERROR', 'Failed to create standby'),
      g('ERROR', 'Error initializing standby master: master data directory exists'),
    ].join('\n');
    assertFields(parseRecognised('gpinitstandby', refused), {
      outcome: 'refused',
      reason: 'data-directory-exists',
      standbyHost: 'gp5s',
      standbyDataDirectory: '/data/m/gpseg-1',
    });
    const failed = [
      g('INFO', 'Adding standby master to catalog...'),
      g(
        'ERROR',
        "Error initializing standby master: ExecutionError: 'non-zero rc: 1' occured.  Details: 'ssh gp5s \"pg_basebackup -x -R -c fast -D /data/m/gpseg-1 -h gp5m -p 15432\"'  cmd had rc=1 completed=True halted=False",
      ),
      "  stdout=''",
      "  stderr='pg_basebackup: could not connect to server: Connection timed out",
      'Is the server running on host "gp5m" (10.0.0.1) and accepting',
    ].join('\n');
    const r = parseRecognised('gpinitstandby', failed, { exitCode: 2 });
    assertFields(r, { outcome: 'failed', reason: 'connection-failed' });
    assert.match(
      r.errorMessage ?? '',
      /^ExecutionError: 'non-zero rc: 1' occured\.[^]*\n {2}stderr='pg_basebackup: could not connect to server/,
    );
    // The stderr quote is still open: its next line is part of the error, not an unrecognised line.
    assert.match(r.errorMessage ?? '', /\nIs the server running on host "gp5m" \(10\.0\.0\.1\) and accepting$/);
    assert.deepEqual(r.unparsedLines, []);
  });

  it('reads a tab-indented paste (a Markdown block) and a fragment holding only the pg_stat_replication lines', () => {
    const lines = F_HEALTHY('070782', '0/EF0B8570').map(l => l.replace('1/00000000', '0/EF0A7948'));
    const indented = [
      '\t$ gpstate -f',
      ...lines.map(l => `\t${l}`),
      '\t',
      '\tnote: watch the three locations change',
    ].join('\n');
    const r = parseRecognised('gpstate-f', indented);
    assertFields(r, { pid: 70782, outcome: 'succeeded', complete: true, unparsedLines: [] });
    assert.equal(r.replication?.[0]?.replayLagBytes, 0xef0b8570 - 0xef0a7948);
    const fragment = lines.slice(12).join('\n');
    const f = parseRecognised('gpstate-f', fragment);
    assertFields(f, { standbyConfigured: null, standby: null, outcome: 'succeeded', complete: true });
    assert.equal(f.replication?.[0]?.replayLagBytes, 68648);
  });

  it('takes a bare utility invocation (a terminal echo) for a command line that starts a run', () => {
    const text = [
      'gpstate -f',
      ...F_HEALTHY('000501', '1/00000100'),
      'gpstate -f',
      ...F_HEALTHY('000502', '1/00000200').slice(0, 3),
    ].join('\n');
    const r = parseRecognised('gpstate-f', text);
    assertFields(r, { pid: 501, runsFound: 2, unparsedLines: [] });
  });

  it('reads transcripts whose lines lost the date, time and PID, or even the program name', () => {
    const b = [
      '[gpadmin@bmdw ~]$ gpstate',
      'gpstate:bmdw:gpadmin-[INFO]:-Greenplum instance status summary',
      'gpstate:bmdw:gpadmin-[INFO]:-----------------------------------------------------',
      'gpstate:bmdw:gpadmin-[INFO]:-   Master instance                                = Active',
      'gpstate:bmdw:gpadmin-[INFO]:-   Master standby                                 = bsmdw',
      'gpstate:bmdw:gpadmin-[INFO]:-   Standby master state                           = Standby host passive',
    ].join('\n');
    assertFields(parseRecognised('gpstate-b', b), {
      host: 'bmdw',
      pid: null,
      startedAt: null,
      coordinator: { status: 'Active' },
      standby: { host: 'bsmdw', status: 'passive', statusText: 'Standby host passive' },
    });
    const init = [
      '[gpadmin@bsmdw ~]$ gpinitstandby -s bmdw',
      'bsmdw:gpadmin-[INFO]:-Validating environment and parameters for standby initialization...',
      'bsmdw:gpadmin-[INFO]:-Checking for filespace directory /data/b/gpseg-1 on bmdw',
      'bsmdw:gpadmin-[ERROR]:-Filespace directory already exists on host bmdw',
      'bsmdw:gpadmin-[ERROR]:-Failed to create standby',
      'bsmdw:gpadmin-[ERROR]:-Error initializing standby master: master data directory exists',
    ].join('\n');
    assertFields(parseRecognised('gpinitstandby', init), {
      host: 'bsmdw',
      user: 'gpadmin',
      pid: null,
      outcome: 'refused',
      reason: 'data-directory-exists',
      standbyHost: 'bmdw',
      standbyDataDirectory: '/data/b/gpseg-1',
    });
    // Lines without a program are only taken for a utility whose own wording they carry.
    for (const kind of ['gpstop', 'gpactivatestandby', 'gpstate-f', 'gpstate-b', 'gpstate-s'] as const)
      assert.equal(parseOutput(kind, init).recognized, false, kind);
    assert.deepEqual(parseOutput('gpstop', init), {
      recognized: false,
      reason: 'found log lines without a program name, but none in the wording of gpstop',
    });
  });

  it('classifies gpactivatestandby wrong PGPORT after promotion as a failure of the environment', () => {
    const a = (level: string, m: string) => P(level, m, '000901', 'gpactivatestandby', 'smdw');
    const text = [
      a('INFO', 'Promoting standby...'),
      a(
        'CRITICAL',
        'Error activating standby master: Either the set port is incorrect or the postmaster could not come up.',
      ),
    ].join('\n');
    assertFields(parseRecognised('gpactivatestandby', text), {
      outcome: 'failed',
      reason: 'environment',
      promoted: false,
      host: 'smdw',
    });
  });

  it('keeps gpstop failures apart from the harmless kill error', () => {
    const s = (level: string, m: string) => P(level, m, '000902', 'gpstop');
    const failed = [
      s('INFO', 'Starting gpstop with args: -m'),
      s('ERROR', 'Failed to kill process 448 for segment /data: bash: kill: (448) - No such process'),
    ].join('\n');
    const r = parseRecognised('gpstop', failed, { exitCode: 2 });
    assertFields(r, { outcome: 'failed', warningsHarmless: false });
    assert.equal(r.problems[0]?.harmless, false);
  });

  it('validates any result with the discriminated union, and rejects a result whose kind and fields disagree', () => {
    const f = parseRecognised('gpstate-f', readFixture('gp6-lab-capture/01-gpstate-f.txt'));
    assert.equal(parsedOutputSchema.safeParse(f).success, true);
    assert.equal(parsedOutputSchema.safeParse({ ...f, kind: 'gpstop' }).success, false);
    assert.equal(parsedOutputSchema.safeParse({ ...f, outcome: 'fine' }).success, false);
  });

  it('says why text is not the kind asked for', () => {
    const f = readFixture('gp6-lab-capture/01-gpstate-f.txt');
    const reasons = (['gpstate-b', 'gpinitstandby', 'gpstop'] as const).map(k => {
      const r = parseOutput(k, f);
      return r.recognized ? '' : r.reason;
    });
    assert.deepEqual(reasons, [
      'gpstate output found, but it is not gpstate -b output',
      'no gpinitstandby output found (no gpinitstandby log line and no "$ gpinitstandby" command line)',
      'no gpstop output found (no gpstop log line and no "$ gpstop" command line)',
    ]);
    const unknown = parseOutput('gpstate-x' as never, f);
    assert.equal(unknown.recognized, false);
    assert.equal(parseOutput('gpstate-f', '   \n\n').recognized, false);
  });
});

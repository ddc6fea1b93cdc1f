import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  backupPathFor,
  coordinatorEnv,
  envAssignments,
  safeAbsolutePath,
  safeHostName,
  shellJoin,
  shellQuote,
  UnsafeValueError,
} from '../../../src/core/shell';

// Runs a command line through a real bash and returns what it printed.
const bash = (line: string): string => execFileSync('bash', ['-c', line], { encoding: 'utf8' });

const HOSTILE = [
  '$(touch /tmp/gpcoord-pwned)',
  '`touch /tmp/gpcoord-pwned`',
  'a; touch /tmp/gpcoord-pwned',
  'line1\nline2; touch /tmp/gpcoord-pwned',
  "it's \"quoted\" and 'single'",
  "'; touch /tmp/gpcoord-pwned; echo '",
  '${HOME} $HOME \\ * ? [a] ~ !! # & | > <',
  '',
  ' leading and trailing spaces ',
  '-n',
];

describe('shell quoting', () => {
  it('keeps every hostile value literal when run through a real bash', () => {
    for (const value of HOSTILE) {
      const out = bash(`printf '%s' ${shellQuote(value)}`);
      assert.equal(out, value, `value ${JSON.stringify(value)} was changed by the shell`);
    }
    let pwned = false;
    try {
      execFileSync('test', ['-e', '/tmp/gpcoord-pwned']);
      pwned = true;
    } catch {
      // expected: the file was never created
    }
    assert.equal(pwned, false, 'a quoted value executed a command');
  });

  it('keeps words separate and literal with shellJoin', () => {
    const out = bash(`printf '[%s]' ${shellJoin(['a b', '$(id)', "o'k"])}`);
    assert.equal(out, "[a b][$(id)][o'k]");
  });

  it('quotes environment values and refuses bad variable names', () => {
    const line = `${envAssignments({ PGPORT: '5432', X: '$(echo no); `no`' })} bash -c 'printf "%s|%s" "$PGPORT" "$X"'`;
    assert.equal(bash(line), '5432|$(echo no); `no`');
    assert.throws(() => envAssignments({ 'A;B': 'x' }), UnsafeValueError);
  });

  it('refuses NUL bytes', () => {
    assert.throws(() => shellQuote('a\0b'), /NUL/);
  });
});

describe('validated values', () => {
  it('accepts host names and refuses shell syntax in them', () => {
    assert.equal(safeHostName('scdw.example.com'), 'scdw.example.com');
    for (const bad of ['cdw;id', 'cdw $(id)', '-oProxyCommand=id', '', 'a\nb', 'cdw`id`']) {
      assert.throws(() => safeHostName(bad), UnsafeValueError, bad);
    }
  });

  it('accepts absolute paths and refuses relative, dotted, control characters and the root', () => {
    assert.equal(safeAbsolutePath('/data/coordinator/gpseg-1'), '/data/coordinator/gpseg-1');
    for (const bad of ['data/gpseg-1', '/data/../etc', '/data/x\n', '/', '/data/', '/a\tb']) {
      assert.throws(() => safeAbsolutePath(bad), UnsafeValueError, JSON.stringify(bad));
    }
  });

  it('builds the coordinator environment in both vocabularies', () => {
    assert.deepEqual(coordinatorEnv('/data/c/gpseg-1', 5433), {
      COORDINATOR_DATA_DIRECTORY: '/data/c/gpseg-1',
      MASTER_DATA_DIRECTORY: '/data/c/gpseg-1',
      PGPORT: '5433',
    });
    assert.throws(() => coordinatorEnv('relative', 5432), UnsafeValueError);
    assert.throws(() => coordinatorEnv('/data/x', 70000), UnsafeValueError);
  });
});

describe('backup names', () => {
  const now = new Date('2026-11-26T20:31:05.123Z');
  it('uses backup_<name> next to the data directory when it is free', () => {
    assert.equal(backupPathFor('/data/coordinator/gpseg-1', [], now), '/data/coordinator/backup_gpseg-1');
  });
  it('never reuses an existing backup: adds a timestamp, then a counter', () => {
    assert.equal(
      backupPathFor('/data/coordinator/gpseg-1', ['backup_gpseg-1'], now),
      '/data/coordinator/backup_gpseg-1.20261126T203105Z',
    );
    assert.equal(
      backupPathFor('/data/coordinator/gpseg-1', ['backup_gpseg-1', 'backup_gpseg-1.20261126T203105Z'], now),
      '/data/coordinator/backup_gpseg-1.20261126T203105Z.2',
    );
  });
});

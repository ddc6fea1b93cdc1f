// Runs the real bundled CLI (built from src/cli/main.ts the way scripts/build.mjs builds dist/cli.js) as a child
// process and checks its stdout JSON, stderr and exit status.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'reference');
let workDir = '';
let cli = '';

function gpcoord(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { input: input ?? '', encoding: 'utf8', cwd: workDir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gpcoord parse (bundled CLI)', function () {
  this.timeout(60000);

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'gpcoord-cli-'));
    cli = join(workDir, 'cli.js');
    await esbuild.build({
      entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')],
      outfile: cli,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      banner: { js: '#!/usr/bin/env node' },
      logLevel: 'silent',
      // ssh2 (used by other subcommands) loads this optional native module inside try/catch; it has no JS to bundle.
      external: ['cpu-features', '*.node'], // ssh2's optional native addons, as in scripts/build.mjs
    });
    assert.ok(statSync(cli).size > 0);
  });

  after(() => rmSync(workDir, { recursive: true, force: true }));

  it('stops reading /dev/zero and standard input past 64 MiB: exit 4, the limit and what to do', () => {
    const file = gpcoord(['parse', 'gpstop', '/dev/zero']);
    assert.equal(file.status, 4, file.stderr);
    assert.equal(file.stdout, '');
    assert.match(file.stderr, /"\/dev\/zero" is larger than 64 MiB.*right file.*tail -c/);
    const piped = spawnSync(
      'bash',
      ['-c', `head -c 100000000 /dev/zero | '${process.execPath}' '${cli}' parse gpstop`],
      { encoding: 'utf8' },
    );
    assert.equal(piped.status, 4, piped.stderr);
    assert.match(piped.stderr, /standard input is larger than 64 MiB/);
  });

  it('prints one JSON object for a real gpstate -f capture and exits 0', () => {
    const r = gpcoord(['parse', 'gpstate-f', join(FIXTURES, 'gp6-lab-capture', '82-gpstate-f-after-gpstart.txt')]);
    assert.equal(r.status, 0, r.stderr);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(json.kind, 'gpstate-f');
    assert.equal(json.outcome, 'succeeded');
    assert.deepEqual(json.replication, [
      {
        state: 'streaming',
        syncState: 'sync',
        sentLocation: '0/34000128',
        flushLocation: '0/34000128',
        replayLocation: '0/340000A8',
        replayLagBytes: 128,
        flushLagBytes: 0,
      },
    ]);
    assert.equal(r.stderr, '');
  });

  it('reads standard input for "-" and for no FILE, and --exit-code decides a truncated capture', () => {
    const text = '20240101:12:00:00:012345 gpstop:scdw:gpadmin-[INFO]:-Starting gpstop with args: -m\n';
    for (const args of [
      ['parse', 'gpstop', '-'],
      ['parse', 'gpstop'],
    ]) {
      const unknown = gpcoord(args, text);
      assert.equal(unknown.status, 0, unknown.stderr);
      assert.equal((JSON.parse(unknown.stdout) as { outcome: string }).outcome, 'unknown');
    }
    const aborted = gpcoord(['parse', 'gpstop', '--exit-code', '4'], text);
    assert.equal(aborted.status, 0);
    assert.deepEqual(pick(JSON.parse(aborted.stdout) as Record<string, unknown>, ['outcome', 'reason', 'exitCode']), {
      outcome: 'aborted',
      reason: 'user-aborted',
      exitCode: 4,
    });
    const inline = gpcoord(['parse', 'gpstop', '--exit-code=0', '-'], text);
    assert.equal((JSON.parse(inline.stdout) as { outcome: string }).outcome, 'succeeded');
  });

  it('reads captures saved as UTF-16 (Windows PowerShell) or with a UTF-8 byte-order mark', () => {
    const text = readFileSync(join(FIXTURES, 'gp6-lab-capture', '01-gpstate-f.txt'), 'utf8');
    const utf16 = join(workDir, 'utf16.txt');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const bom = join(workDir, 'bom.txt');
    writeFileSync(
      bom,
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.slice(text.indexOf('20261126:')), 'utf8')]),
    );
    for (const file of [utf16, bom]) {
      const r = gpcoord(['parse', 'gpstate-f', file]);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(pick(JSON.parse(r.stdout) as Record<string, unknown>, ['outcome', 'pid', 'unparsedLines']), {
        outcome: 'succeeded',
        pid: 31514,
        unparsedLines: [],
      });
    }
  });

  it('exits 0 for a failed utility run: the failure is in "outcome"', () => {
    const r = gpcoord([
      'parse',
      'gpactivatestandby',
      join(FIXTURES, 'gp6-lab-capture', '10-gpactivatestandby-while-master-running.txt'),
    ]);
    assert.equal(r.status, 0);
    assert.deepEqual(pick(JSON.parse(r.stdout) as Record<string, unknown>, ['outcome', 'reason', 'exitCode']), {
      outcome: 'refused',
      reason: 'coordinator-still-running',
      exitCode: 2,
    });
  });

  it('exits 3 with a one-line reason for garbage and for another kind of output', () => {
    const garbage = gpcoord(['parse', 'gpstate-f', '-'], 'hello\nthis is not greenplum\n\u0000\u0001');
    assert.equal(garbage.status, 3);
    assert.equal(garbage.stdout, '');
    assert.match(garbage.stderr, /^gpcoord parse: not gpstate-f output: .+\n$/);
    assert.equal(garbage.stderr.split('\n').length, 2);
    const other = gpcoord(['parse', 'gpstate-f', join(FIXTURES, 'gp6-lab-capture', '02-gpstate-b.txt')]);
    assert.equal(other.status, 3);
    assert.match(other.stderr, /not gpstate -f output/);
    const empty = gpcoord(['parse', 'gpinitstandby', '-'], '');
    assert.equal(empty.status, 3);
    assert.match(empty.stderr, /input is empty/);
  });

  it('exits 2 with the usage for bad usage', () => {
    const cases: [string[], RegExp][] = [
      [['parse'], /missing <kind>/],
      [['parse', 'gpstate-x', '-'], /unknown kind "gpstate-x"/],
      [
        ['parse', 'gpstate-f', '--exit-code', 'seven', '-'],
        /--exit-code must be a whole number from 0 to 255, got "seven"/,
      ],
      [['parse', 'gpstate-f', '--exit-code', '256', '-'], /--exit-code must be a whole number/],
      [['parse', 'gpstate-f', '--exit-code'], /option --exit-code needs a value/],
      [['parse', 'gpstate-f', '--verbose', '-'], /unknown option "--verbose"/],
      [['parse', 'gpstate-f', 'a.txt', 'b.txt'], /unexpected argument "b.txt"/],
      [['parse', 'gpstate-f', join(workDir, 'missing.txt')], /cannot read ".*missing\.txt": no such file/],
    ];
    for (const [args, message] of cases) {
      const r = gpcoord(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Usage: gpcoord parse <kind> \[FILE\|-\] \[--exit-code N\]/);
      assert.equal(r.stdout, '');
    }
  });

  it('has --help, --version and a table of commands', () => {
    const help = gpcoord(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Commands:\n(?: {2}\S+ +.+\n)*? {2}parse +print a saved/);
    const version = gpcoord(['--version']);
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\S*\n$/);
    const parseHelp = gpcoord(['parse', '--help']);
    assert.equal(parseHelp.status, 0);
    assert.match(parseHelp.stdout, /Exit status: 0 the text is that kind of output/);
    const none = gpcoord([]);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /missing command/);
    const unknown = gpcoord(['frobnicate']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  });

  it('parses every kind from the reference captures through the CLI', () => {
    const samples: [string, string, string][] = [
      ['gpstate-b', 'public-samples/gp7_gpstate_default-b_no_standby_no_mirrors_REAL.txt', 'succeeded'],
      ['gpstate-s', 'gp6-lab-capture/03-gpstate-s.txt', 'succeeded'],
      ['gpinitstandby', 'gp6-lab-capture/28-gpinitstandby-target-dir-exists.txt', 'refused'],
      ['gpactivatestandby', 'public-samples/gp7_gpactivatestandby_-d_-a_-q_REAL.txt', 'succeeded'],
      ['gpstop', 'gp6-lab-capture/33-gpstop-m-current-master.txt', 'succeeded'],
    ];
    for (const [kind, file, outcome] of samples) {
      const r = gpcoord(['parse', kind, join(FIXTURES, file)]);
      assert.equal(r.status, 0, `${kind} ${file}: ${r.stderr}`);
      const json = JSON.parse(r.stdout) as { kind: string; outcome: string };
      assert.equal(json.kind, kind);
      assert.equal(json.outcome, outcome, file);
    }
  });
});

function pick(object: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map(k => [k, object[k]]));
}

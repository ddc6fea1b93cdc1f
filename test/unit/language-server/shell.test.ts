import assert from 'node:assert/strict';
import type { Finding } from '../../../src/language-server/findings';
import { maskMarkdown } from '../../../src/language-server/markdown';
import { analyzeShell, shellCompletions, shellHover } from '../../../src/language-server/utilities/analyze';
import type { GpRelease } from '../../../src/language-server/utilities/flags';
import { UTILITIES } from '../../../src/language-server/utilities/flags';
import { findInvocations, parseCommands } from '../../../src/language-server/utilities/shell';

/** The findings as "code text" pairs, where text is what the finding's range covers. */
const spots = (text: string, findings: Finding[]): string[] =>
  findings.map(f => `${f.code} ${text.slice(f.start, f.end)}`);
const check = (text: string, release?: GpRelease): string[] =>
  spots(text, analyzeShell(text, release ? { release } : {}).findings);

describe('shell lexer', () => {
  it('splits commands on ; && || | & and newlines, dropping comments and redirections', () => {
    const cmds = parseCommands('a 1; b 2 && c 3 || d | e & f # g h\ni > out 2>&1 < in');
    assert.deepEqual(
      cmds.map(c => c.words.map(w => w.text).join(' ')),
      ['a 1', 'b 2', 'c 3', 'd', 'e', 'f', 'i'],
    );
  });

  it('joins line continuations and keeps every word at its source offset', () => {
    const text = 'gpstop -m \\\n  -a';
    const [cmd] = parseCommands(text);
    assert.deepEqual(
      cmd!.words.map(w => [w.text, text.slice(w.start, w.end)]),
      [
        ['gpstop', 'gpstop'],
        ['-m', '-m'],
        ['-a', '-a'],
      ],
    );
  });

  it('removes quotes and escapes from values and skips here-document bodies', () => {
    const cmds = parseCommands(`echo "a b" 'c d' e\\ f\ncat <<EOF\ngpstate -zz\nEOF\nls`);
    assert.deepEqual(
      cmds.map(c => c.words.map(w => w.text)),
      [['echo', 'a b', 'c d', 'e f'], ['cat'], ['ls']],
    );
  });

  it('finds utilities behind sudo, env assignments, su -c, bash -c and ssh', () => {
    const text = [
      'sudo -u gpadmin gpstate -f',
      'PGPORT=5432 gpactivatestandby -d /d',
      "su - gpadmin -c 'gpstop -m'",
      'bash -lc "gpstart -a"',
      "ssh -p 2222 -i key scdw 'source /usr/local/greenplum-db/greenplum_path.sh && gpinitstandby -s cdw'",
      'ssh cdw gpstate -b',
      '/usr/local/greenplum-db/bin/gpstate -s',
    ].join('\n');
    const found = findInvocations(text).map(i => `${i.name} ${i.args.map(a => a.text).join(' ')}`);
    assert.deepEqual(found, [
      'gpstate -f',
      'gpactivatestandby -d /d',
      'gpstop -m',
      'gpstart -a',
      'source /usr/local/greenplum-db/greenplum_path.sh',
      'gpinitstandby -s cdw',
      'gpstate -b',
      'gpstate -s',
    ]);
  });
});

describe('shell constructs', () => {
  it('finds commands after if/then/else/do and behind timeout, watch and nice', () => {
    const text =
      'if gpstate -Q; then gpstop -a; else gpstart -a; fi\nwhile true; do gpstate -f; done\ntimeout -s KILL 600 gpinitstandby -s cdw\nwatch -n 5 gpstate -f\nnice -n 10 gpstop -m';
    assert.deepEqual(
      findInvocations(text)
        .map(i => `${i.name} ${i.args.map(a => a.text).join(' ')}`)
        .filter(x => x.startsWith('gp')),
      ['gpstate -Q', 'gpstop -a', 'gpstart -a', 'gpstate -f', 'gpinitstandby -s cdw', 'gpstate -f', 'gpstop -m'],
    );
  });

  it('checks the here-document of ssh, bash and su, which run it as commands', () => {
    const text =
      "ssh gpadmin@cdw <<'EOF'\nsource /usr/local/greenplum-db/greenplum_path.sh\ngpinitstandby -s scdw -n\nEOF\ncat <<EOF\ngpstate -Z\nEOF\nsu - gpadmin <<EOF\ngpstop -Q\nEOF\n";
    assert.deepEqual(check(text), ['exclusive-options -n', 'unknown-option -Q']);
  });
});

describe('utility diagnostics', () => {
  it('reports an unknown option at the option itself', () => {
    assert.deepEqual(check('gpstate -f -Z'), ['unknown-option -Z']);
    assert.deepEqual(check('gpstop -aZ'), ['unknown-option Z']);
  });

  it('suggests the nearest long option as a certain fix', () => {
    const text = 'gpinitstandby -s cdw --standby-prot 6000';
    const f = analyzeShell(text).findings.find(x => x.code === 'unknown-option')!;
    assert.equal(text.slice(f.start, f.end), '--standby-prot');
    assert.match(f.message, /Did you mean --standby-port\?/);
    assert.deepEqual(
      f.fixes?.map(x => x.newText),
      ['--standby-port'],
    );
  });

  it('reports an option missing its value, also when the next word is an option', () => {
    assert.deepEqual(check('gpinitstandby -s'), ['missing-argument -s']);
    const text = 'gpinitstandby -s -a';
    const [f] = analyzeShell(text).findings;
    assert.equal(f!.code, 'missing-argument');
    assert.match(f!.message, /"-a" would be taken as that value/);
  });

  it('reports the option pairs gpinitstandby refuses', () => {
    assert.deepEqual(check('gpinitstandby -s cdw -n'), ['exclusive-options -n']);
    assert.deepEqual(check('gpinitstandby -n -S /data/x'), ['exclusive-options -S']);
    assert.deepEqual(check('gpinitstandby -r -s cdw'), ['exclusive-options -s', 'dangerous-option -r']);
  });

  it('reports gpinitstandby without an action, but not its help', () => {
    assert.deepEqual(check('gpinitstandby -a'), ['missing-action gpinitstandby']);
    assert.deepEqual(check('gpinitstandby -?'), []);
    assert.match(check('gpinitstandby -h')[0]!, /^unknown-option -h/);
  });

  it('warns about gpinitstandby -r and gpactivatestandby -f with the reason', () => {
    const r = analyzeShell('gpinitstandby -r -a').findings;
    assert.equal(r.length, 1);
    assert.equal(r[0]!.severity, 'warning');
    assert.match(r[0]!.message, /deletes its data directory/);
    const f = analyzeShell('gpactivatestandby -d /data/coordinator/gpseg-1 -f').findings;
    assert.equal(f.length, 1);
    assert.equal(f[0]!.severity, 'warning');
    assert.match(f[0]!.message, /forces activation/);
  });

  it('accepts the documented procedure commands without a finding', () => {
    const text = [
      'gpinitstandby -s cdw -a',
      'gpstate -f',
      'gpstate -b',
      'gpstop -m -a',
      'gpstop -a -M fast',
      'gpactivatestandby -d $COORDINATOR_DATA_DIRECTORY -a',
      'gpinitstandby -s scdw -S /data/coordinator/gpseg-1 -P 5432',
      'gpstart -a',
      'gpstop --master_only',
      'gpstop --master_o',
    ].join('\n');
    assert.deepEqual(check(text), []);
  });

  it('reports gpstate with two output options and an argument it refuses', () => {
    assert.deepEqual(check('gpstate -f -b'), ['exclusive-options -b']);
    assert.deepEqual(check('gpstate -f cdw'), ['unexpected-argument cdw']);
    assert.deepEqual(check('gpstop --mast'), ['ambiguous-option --mast']);
  });

  it('validates option values', () => {
    assert.deepEqual(check('gpstop -M imediate'), ['invalid-value imediate']);
    assert.deepEqual(check('gpinitstandby -s cdw -P five'), ['invalid-value five']);
    assert.deepEqual(check('gpstop -t $TIMEOUT -M "$MODE"'), []);
    assert.deepEqual(check('gpactivatestandby -d data/x'), ['relative-path data/x']);
  });

  it('knows which options exist only in Greenplum 7 and Cloudberry', () => {
    assert.deepEqual(check('gpstop -c'), []);
    assert.deepEqual(check('gpstop -c', '7'), []);
    const text = 'gpstop --coordinator_only';
    const f = analyzeShell(text, { release: '6' }).findings;
    assert.deepEqual(spots(text, f), ['option-not-in-release --coordinator_only']);
    assert.match(f[0]!.message, /Greenplum 7 and Cloudberry only/);
    assert.deepEqual(
      f[0]!.fixes?.map(x => x.newText),
      ['-m'],
    );
  });

  it("knows Greenplum 5's gpinitstandby: -F names the standby's locations, there is no -S", () => {
    assert.deepEqual(check('gpinitstandby -a -s cdw -F pg_system:/data/master/gpseg-1', '5'), []);
    assert.deepEqual(check('gpinitstandby -a -s cdw -S /data/master/gpseg-1', '5'), ['option-not-in-release -S']);
    assert.deepEqual(check('gpinitstandby -a -s cdw --hba-hostnames', '5'), ['option-not-in-release --hba-hostnames']);
    const text = 'gpinitstandby -a -s cdw -F pg_system:/data/coordinator/gpseg-1';
    const f = analyzeShell(text, { release: '6' }).findings;
    assert.deepEqual(spots(text, f), ['option-not-in-release -F']);
    assert.match(
      f[0]!.message,
      /does not exist in Greenplum 6: Greenplum 5 only \(elsewhere use `-S <standby_data_directory>`\)/,
    );
  });

  it("knows that --coordinator_data_directory is Greenplum 7's alone, not Cloudberry's", () => {
    assert.deepEqual(check('gpstate -f --coordinator_data_directory /data/coordinator/gpseg-1', '7'), []);
    const text = 'gpstate -f --coordinator_data_directory /data/coordinator/gpseg-1';
    const f = analyzeShell(text, { release: 'cloudberry' }).findings;
    assert.deepEqual(spots(text, f), ['option-not-in-release --coordinator_data_directory']);
    assert.match(f[0]!.message, /does not exist in Cloudberry: Greenplum 7 only/);
    assert.deepEqual(
      f[0]!.fixes?.map(x => x.newText),
      ['-d'],
    );
  });

  it('knows the options only Cloudberry has', () => {
    assert.deepEqual(check('gpinitstandby -a -s scdw -f fts1', 'cloudberry'), []);
    assert.deepEqual(check('gpstop -a -F /home/gpadmin/fts_hosts -E /home/gpadmin/etcd_hosts', 'cloudberry'), []);
    assert.deepEqual(
      check('gpstart -a -F /home/gpadmin/fts_hosts -E /home/gpadmin/etcd_hosts -f /home/gpadmin/segs', 'cloudberry'),
      [],
    );
    assert.deepEqual(check('gpstart -a --segment_config_file /home/gpadmin/segs', 'cloudberry'), []);
    assert.deepEqual(check('gpinitstandby -a -s scdw -f fts1', '7'), ['option-not-in-release -f']);
    assert.deepEqual(check('gpstop -a -F /home/gpadmin/fts_hosts', '7'), ['option-not-in-release -F']);
    assert.deepEqual(check('gpstart -a --segment_config_file /home/gpadmin/segs', '6'), [
      'option-not-in-release --segment_config_file',
    ]);
  });

  it('finds the problems behind ssh, sudo and line continuations, at their offsets', () => {
    const text = "sudo -u gpadmin ssh scdw 'gpinitstandby -s cdw \\\n  -n'; gpstate -f && gpstop -Q";
    assert.deepEqual(check(text), ['exclusive-options -n', 'unknown-option -Q']);
  });

  it('flags rm -rf of a coordinator data directory with the mv alternative', () => {
    const text = "ssh cdw 'rm -rf /data/coordinator/gpseg-1/'";
    const [f] = analyzeShell(text).findings;
    assert.equal(f!.code, 'rm-data-directory');
    assert.equal(text.slice(f!.start, f!.end), 'rm -rf /data/coordinator/gpseg-1/');
    assert.match(
      f!.message,
      /mv -T \/data\/coordinator\/gpseg-1 \/data\/coordinator\/backup_gpseg-1 \(with -T, mv refuses rather than nest it/,
    );
    assert.equal(f!.fixes?.[0]?.newText, 'mv -T /data/coordinator/gpseg-1 /data/coordinator/backup_gpseg-1');
    assert.equal(check('rm -r -f "$COORDINATOR_DATA_DIRECTORY"').length, 1);
    assert.deepEqual(check('rm -rf /data/coordinator/backup_gpseg-1 && rm /tmp/gpseg-1'), []);
  });
});

describe('utility completion and hover', () => {
  it('offers the options not used yet, with documentation', () => {
    const items = shellCompletions('gpinitstandby -s cdw -', 22);
    const labels = items.map(i => i.label);
    assert.ok(labels.includes('-P') && labels.includes('-S') && labels.includes('--hba-hostnames'), labels.join(' '));
    assert.ok(
      !labels.includes('-s') && !labels.includes('--standby-host'),
      'an option already given is not offered again',
    );
    const r = items.find(i => i.label === '-r')!;
    assert.match(r.documentation, /deletes its data directory/);
    assert.equal(r.start, 21);
  });

  it('offers Greenplum 7 options only when the release allows them, and says so', () => {
    const auto = shellCompletions('gpstop -', 8).find(i => i.label === '-c');
    assert.ok(auto);
    assert.match(auto.documentation, /Greenplum 7 and Cloudberry only/);
    assert.equal(
      shellCompletions('gpstop -', 8, { release: '6' }).find(i => i.label === '-c'),
      undefined,
    );
  });

  it('offers the values of a choice option and the utility names', () => {
    assert.deepEqual(
      shellCompletions('gpstop -M ', 10).map(i => i.label),
      ['smart', 'fast', 'immediate'],
    );
    assert.deepEqual(
      shellCompletions('gpst', 4)
        .map(i => i.label)
        .sort(),
      ['gpstart', 'gpstate', 'gpstop'],
    );
  });

  it('offers host names after an option that takes a host', () => {
    const hosts = () => [
      { name: 'cdw', detail: 'ssh config Host' },
      { name: 'scdw', detail: 'ssh config Host' },
    ];
    assert.deepEqual(
      shellCompletions('gpinitstandby -s ', 17, { hosts }).map(i => i.label),
      ['cdw', 'scdw'],
    );
    assert.deepEqual(shellCompletions('gpinitstandby -S ', 17, { hosts }), [], 'a directory is not a host');
  });

  it('completes inside ssh quotes', () => {
    const text = "ssh scdw 'gpstate -";
    assert.ok(shellCompletions(text, text.length).some(i => i.label === '-f'));
  });

  it('documents a utility and an option on hover', () => {
    const text = 'gpactivatestandby -d /data/coordinator/gpseg-1 -f';
    assert.match(shellHover(text, 3)!.markdown, /Activates the standby coordinator/);
    const h = shellHover(text, text.length - 1)!;
    assert.equal(text.slice(h.start, h.end), '-f');
    assert.match(h.markdown, /--force/);
  });

  it('has documentation for every option of every utility', () => {
    for (const u of UTILITIES.values())
      for (const f of u.flags) assert.ok(f.doc.length > 10, `${u.name} ${f.names[0]}`);
  });
});

describe('markdown runbooks', () => {
  const md = [
    '# Runbook',
    '',
    'Inline `gpstate -Z` is prose.',
    '',
    '```bash',
    '$ gpstop -m \\',
    '  -Z',
    '```',
    '',
    '```console',
    '[gpadmin@scdw ~]$ gpinitstandby -s cdw -n',
    'gpinitstandby:scdw:gpadmin-[INFO]:- -Z output',
    '```',
    '',
    '```yaml',
    'gpstate: -Z',
    '```',
    '',
    '~~~sh',
    'gpactivatestandby -f',
    '~~~',
    '',
  ].join('\n');

  it('keeps only the code of shell blocks, at the same offsets', () => {
    const masked = maskMarkdown(md);
    assert.equal(masked.length, md.length);
    assert.deepEqual(
      masked
        .split('\n')
        .map(l => l.trim())
        .filter(Boolean),
      ['gpstop -m \\', '-Z', 'gpinitstandby -s cdw -n', 'gpactivatestandby -f'],
    );
  });

  it('reports the problems of the code blocks only', () => {
    assert.deepEqual(spots(md, analyzeShell(maskMarkdown(md)).findings), [
      'unknown-option -Z',
      'exclusive-options -n',
      'dangerous-option -f',
    ]);
  });
});

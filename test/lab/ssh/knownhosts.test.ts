// known_hosts parsing and matching, checked against what OpenSSH's own ssh-keygen writes and finds.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkHostKey,
  fingerprintSha256,
  formatKnownHostsLine,
  hostFieldMatches,
  keyTypeOfBlob,
  knownHostsName,
  parseKnownHosts,
} from '../../../src/ssh/knownhosts';
import { makeKey, tempDir } from './fixture';

describe('known_hosts matching', function () {
  let dir: string;
  let a: ReturnType<typeof makeKey>;
  let b: ReturnType<typeof makeKey>;
  const blob = (k: { publicLine: string }): Buffer => Buffer.from(k.publicLine.split(/\s+/)[1]!, 'base64');

  before(function () {
    dir = tempDir('knownhosts');
    a = makeKey(dir, 'a');
    b = makeKey(dir, 'b', 'ecdsa');
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('computes fingerprints and key types exactly as ssh-keygen does', function () {
    assert.equal(fingerprintSha256(blob(a)), a.fingerprint);
    assert.equal(fingerprintSha256(blob(b)), b.fingerprint);
    assert.equal(keyTypeOfBlob(blob(a)), 'ssh-ed25519');
    assert.equal(keyTypeOfBlob(blob(b)), 'ecdsa-sha2-nistp256');
  });

  it('names hosts as OpenSSH does: bare on port 22, [host]:port otherwise, lower case', function () {
    assert.equal(knownHostsName('CDW.example', 22), 'cdw.example');
    assert.equal(knownHostsName('10.0.0.1', 2222), '[10.0.0.1]:2222');
  });

  it('matches pattern lists with wildcards and negation', function () {
    assert.ok(hostFieldMatches('cdw,scdw', ['scdw']));
    assert.ok(hostFieldMatches('*.lab.example', ['cdw.lab.example']));
    assert.ok(!hostFieldMatches('*.lab.example,!bad.lab.example', ['bad.lab.example']));
    assert.ok(hostFieldMatches('cdw?', ['cdw1']));
    assert.ok(!hostFieldMatches('cdw?', ['cdw']), '? is exactly one character');
    assert.ok(hostFieldMatches('[10.0.0.1]:2222', ['[10.0.0.1]:2222']));
    assert.ok(!hostFieldMatches('10.0.0.1', ['[10.0.0.1]:2222']), 'a bare entry is for port 22 only');
  });

  it('matches hashed entries written by ssh-keygen -H, and its own hashed lines are found by ssh-keygen -F', function () {
    const file = join(dir, 'kh');
    writeFileSync(file, `[127.0.20.5]:2222 ${a.publicLine.split(' ').slice(0, 2).join(' ')}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const entries = parseKnownHosts(readFileSync(file, 'utf8'), file);
    assert.equal(entries.length, 1);
    assert.match(entries[0]!.hosts, /^\|1\|/);
    assert.ok(hostFieldMatches(entries[0]!.hosts, ['[127.0.20.5]:2222']));
    assert.ok(!hostFieldMatches(entries[0]!.hosts, ['[127.0.20.6]:2222']));

    const own = join(dir, 'kh-own');
    writeFileSync(own, formatKnownHostsLine('[127.0.20.7]:2222', blob(b), true) + '\n');
    assert.match(
      execFileSync('ssh-keygen', ['-F', '[127.0.20.7]:2222', '-f', own], { encoding: 'utf8' }),
      /ecdsa-sha2-nistp256/,
    );
  });

  it('tells known, changed, unknown (with other key types) and revoked apart; skips malformed lines', function () {
    const text = [
      '# comment',
      '',
      'garbage',
      '@unknown-marker cdw ssh-ed25519 AAAA',
      `cdw ${b.publicLine.split(' ').slice(0, 2).join(' ')}`,
      `scdw ${a.publicLine.split(' ').slice(0, 2).join(' ')}`,
      `@cert-authority * ${a.publicLine.split(' ').slice(0, 2).join(' ')}`,
    ].join('\n');
    const entries = parseKnownHosts(text, 'kh');
    assert.equal(entries.length, 3);
    assert.equal(checkHostKey(entries, ['scdw'], blob(a)).status, 'known');
    const unknown = checkHostKey(entries, ['cdw'], blob(a));
    assert.equal(unknown.status, 'unknown', 'only an ecdsa key is known for cdw; an ed25519 key is new, not changed');
    assert.equal(unknown.status === 'unknown' && unknown.otherTypes.length, 1);
    const changed = checkHostKey(entries, ['scdw'], Buffer.from(makeKey(dir, 'c').publicLine.split(' ')[1]!, 'base64'));
    assert.equal(changed.status, 'changed');
    assert.equal(changed.status === 'changed' && changed.entries[0]!.line, 6);
    const revoked = parseKnownHosts(
      `${text}\n@revoked other.example ${a.publicLine.split(' ').slice(0, 2).join(' ')}`,
      'kh',
    );
    assert.equal(checkHostKey(revoked, ['scdw'], blob(a)).status, 'revoked');
  });
});

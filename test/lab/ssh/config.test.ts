// ~/.ssh/config resolution: Host patterns, first value wins, Include (relative, globs, nested, inside Host blocks),
// tokens, ProxyJump syntax and the precedence inventory > ssh config > defaults. Real files in a temporary home.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProxyJump, resolveSshHost } from '../../../src/ssh/config';
import { tempDir } from './fixture';

describe('ssh config resolution', function () {
  let home: string;
  let ssh: string;
  const env = (): { homeDir: string; agentSocket: string; globalKnownHostsFiles: string[] } => ({
    homeDir: home,
    agentSocket: '/run/agent.sock',
    globalKnownHostsFiles: [],
  });

  beforeEach(function () {
    home = tempDir('config');
    ssh = join(home, '.ssh');
    mkdirSync(join(ssh, 'config.d'), { recursive: true });
  });

  afterEach(function () {
    rmSync(home, { recursive: true, force: true });
  });

  it('applies defaults when there is no config: user gpadmin, port 22, default keys and known_hosts, the agent', function () {
    const r = resolveSshHost({ sshTarget: 'cdw' }, env());
    assert.equal(r.hostName, 'cdw');
    assert.equal(r.user, 'gpadmin');
    assert.equal(r.port, 22);
    assert.deepEqual(r.identityFiles, [join(ssh, 'id_ed25519'), join(ssh, 'id_ecdsa'), join(ssh, 'id_rsa')]);
    assert.equal(r.identityFilesAreDefaults, true);
    assert.deepEqual(r.userKnownHostsFiles, [join(ssh, 'known_hosts'), join(ssh, 'known_hosts2')]);
    assert.equal(r.identityAgent, '/run/agent.sock');
    assert.equal(r.strictHostKeyChecking, 'ask');
    assert.deepEqual(r.proxyJump, []);
  });

  it('takes Host-matched values, first one wins, negated patterns exclude, and inventory values win over all', function () {
    writeFileSync(
      join(ssh, 'config'),
      [
        'Host cdw scdw',
        '  HostName %h.lab.example',
        '  User dba',
        '  Port 2201',
        '  IdentityFile ~/.ssh/%h_%r_key',
        'Host *dw !scdw',
        '  Port 2299',
        '  IdentityFile %d/.ssh/second',
        '  IdentitiesOnly yes',
        'Host *',
        '  User nobody',
        '  StrictHostKeyChecking accept-new',
        '  UserKnownHostsFile ~/.ssh/kh1 ~/.ssh/kh2',
        '  IdentityAgent none',
        '',
      ].join('\n'),
    );
    const c = resolveSshHost({ sshTarget: 'cdw' }, env());
    assert.equal(c.hostName, 'cdw.lab.example');
    assert.equal(c.user, 'dba');
    assert.equal(c.port, 2201, 'the first Port seen wins');
    assert.deepEqual(
      c.identityFiles,
      [join(ssh, 'cdw.lab.example_dba_key'), join(home, '.ssh', 'second')],
      'IdentityFile accumulates in order, tokens expanded',
    );
    assert.equal(c.identitiesOnly, true);
    assert.equal(c.strictHostKeyChecking, 'accept-new');
    assert.deepEqual(c.userKnownHostsFiles, [join(ssh, 'kh1'), join(ssh, 'kh2')]);
    assert.equal(c.identityAgent, undefined, 'IdentityAgent none disables the agent');

    const s = resolveSshHost({ sshTarget: 'scdw' }, env());
    assert.equal(s.identitiesOnly, false, '!scdw excludes the second block');
    assert.deepEqual(s.identityFiles, [join(ssh, 'scdw.lab.example_dba_key')]);

    assert.equal(
      resolveSshHost({ sshTarget: 'CDW' }, env()).hostName,
      'cdw.lab.example',
      'host names match case-insensitively, as in ssh',
    );

    const other = resolveSshHost({ sshTarget: 'sdw1' }, env());
    assert.equal(other.user, 'nobody');
    assert.equal(other.port, 22);

    const inv = resolveSshHost(
      { sshTarget: 'cdw', user: 'gpadmin', port: 2222, identityFile: '~/keys/inventory_key' },
      env(),
    );
    assert.equal(inv.user, 'gpadmin');
    assert.equal(inv.port, 2222);
    assert.equal(inv.identityFiles[0], join(home, 'keys', 'inventory_key'), 'the inventory key is tried first');
    assert.equal(inv.identityFiles.length, 3);
  });

  it('expands Include relative to ~/.ssh with globs, nested, and inside a Host block only when it matches', function () {
    writeFileSync(
      join(ssh, 'config'),
      [
        'Include config.d/*.conf',
        'Host mdw',
        '  Include ~/.ssh/mdw-only',
        '  User after-include',
        'Host *',
        '  User fallback',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(ssh, 'config.d', '10-lab.conf'),
      ['Host cdw', '  HostName 127.0.10.1', 'Include nested/extra', ''].join('\n'),
    );
    writeFileSync(
      join(ssh, 'config.d', '20-more.conf'),
      ['Host scdw', '  HostName 127.0.10.2', '  ProxyJump gpadmin@bastion:2200,jump2', ''].join('\n'),
    );
    writeFileSync(join(ssh, 'config.d', 'ignored.txt'), 'Host cdw\n  HostName wrong\n');
    mkdirSync(join(ssh, 'nested'));
    writeFileSync(join(ssh, 'nested', 'extra'), ['Host cdw', '  Port 2222', ''].join('\n'));
    writeFileSync(join(ssh, 'mdw-only'), ['Port 2345', 'Host other', '  User not-mdw', ''].join('\n'));

    const c = resolveSshHost({ sshTarget: 'cdw' }, env());
    assert.equal(c.hostName, '127.0.10.1');
    assert.equal(c.port, 2222, 'nested include');
    assert.equal(c.user, 'fallback', 'a Host block in an included file does not swallow what follows the Include');
    const s = resolveSshHost({ sshTarget: 'scdw' }, env());
    assert.equal(s.hostName, '127.0.10.2');
    assert.deepEqual(s.proxyJump, [
      { target: 'bastion', user: 'gpadmin', port: 2200 },
      { target: 'jump2', user: undefined, port: undefined },
    ]);
    const m = resolveSshHost({ sshTarget: 'mdw' }, env());
    assert.equal(m.port, 2345, 'the Include inside "Host mdw" applies to mdw');
    assert.equal(m.user, 'after-include', 'lines after the Include still belong to the mdw block');
    const o = resolveSshHost({ sshTarget: 'other' }, env());
    assert.equal(o.port, 22, 'the Include inside "Host mdw" does not apply to other hosts');
    assert.equal(o.user, 'fallback');
  });

  it('reads a config from another path, and survives an Include loop with a warning', function () {
    const path = join(home, 'custom_config');
    writeFileSync(path, ['Host lab-*', '  HostName 127.0.20.7', '  User dba', 'Include loop', ''].join('\n'));
    writeFileSync(join(ssh, 'loop'), 'Include loop\n');
    const r = resolveSshHost({ sshTarget: 'lab-cdw' }, { ...env(), configPath: path });
    assert.equal(r.hostName, '127.0.20.7');
    assert.ok(
      r.warnings.some(w => /nested more than 16 deep/.test(w)),
      r.warnings.join('\n'),
    );
    const u = resolveSshHost({ sshTarget: 'lab-cdw', user: 'gpadmin' }, { ...env(), configPath: path });
    assert.equal(u.user, 'gpadmin');
    assert.equal(r.user, 'dba');
  });

  it('parses ProxyJump chains', function () {
    assert.deepEqual(parseProxyJump('bastion'), [{ target: 'bastion', user: undefined, port: undefined }]);
    assert.deepEqual(parseProxyJump('admin@10.0.0.1:2022, ssh://jump@[fe80::1]:22'), [
      { target: '10.0.0.1', user: 'admin', port: 2022 },
      { target: 'fe80::1', user: 'jump', port: 22 },
    ]);
    assert.deepEqual(parseProxyJump('none'), []);
    assert.throws(() => parseProxyJump('a@:99999'), /not \[user@\]host\[:port\]/);
  });
});

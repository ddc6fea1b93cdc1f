// Every output the real Greenplum 6.24.3 lab printed (test/fixtures/real-gp6, see its README) is recognised by its
// parser, with the fields that matter read as the cluster showed them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOutput } from '../../../src/core/parsers';

const DIR = join(__dirname, '../../fixtures/real-gp6');
const KINDS = ['gpstate-f', 'gpstate-b', 'gpstate-s', 'gpinitstandby', 'gpactivatestandby', 'gpstop'] as const;
type Kind = (typeof KINDS)[number];

const kindOf = (file: string): Kind | null => KINDS.find(k => file.startsWith(`${k}-`)) ?? null;
const read = (file: string): { text: string; exitCode: number } => {
  const text = readFileSync(join(DIR, file), 'utf8');
  const code = /^# exit code: (\d+)/m.exec(text);
  assert.ok(code, `${file} has no exit code footer`);
  return { text, exitCode: Number(code[1]) };
};
// Loose on purpose: each case below reads the fields of its own parser's result.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const parsed = (file: string): any => {
  const kind = kindOf(file);
  assert.ok(kind, `${file}: no parser for this name`);
  const { text, exitCode } = read(file);
  const p = parseOutput(kind, text, { exitCode });
  assert.ok(p.recognized, `${file} is not recognised`);
  return p.result;
};

describe('parsers on real Greenplum 6.24.3 lab captures', () => {
  const files = readdirSync(DIR).filter(
    f => f.endsWith('.txt') && f.startsWith('gp') && !f.startsWith('gpstate-version'),
  );

  it('recognises every capture, with no unparsed lines and the exit code it ended with', () => {
    assert.ok(files.length >= 9, `only ${files.length} captures`);
    for (const f of files) {
      const r = parsed(f);
      assert.deepEqual(r.unparsedLines, [], `${f}: unparsed lines`);
      assert.equal(r.exitCode, read(f).exitCode, f);
      assert.equal(r.vocabulary, 'master', f);
    }
  });

  it('gpstate --version on each host says 6.24.3', () => {
    for (const h of ['cdw', 'scdw', 'sdw1'])
      assert.match(readFileSync(join(DIR, `gpstate-version-${h}.txt`), 'utf8'), /^gpstate version 6\.24\.3 build/m);
  });

  it('gpstate -f: healthy streams in sync with replay trailing; stopped, unreachable and absent standbys', () => {
    const healthy = parsed('gpstate-f-healthy.txt');
    assert.equal(healthy.version, '6.24.3');
    assert.deepEqual([healthy.standby.host, healthy.standby.status, healthy.standby.port], ['scdw', 'passive', 5432]);
    const row = healthy.replication[0];
    assert.deepEqual([row.state, row.syncState, row.flushLagBytes], ['streaming', 'sync', 0]);
    assert.equal(row.sentLocation, row.flushLocation);
    // Replay trails the flush even on an idle healthy cluster: why the swap guard asks for sent = flush only.
    assert.ok(row.replayLagBytes > 0, `replay lag ${row.replayLagBytes}`);
    const stopped = parsed('gpstate-f-standby-stopped.txt');
    assert.deepEqual([stopped.standby.status, stopped.standby.pid, stopped.replication], ['down', 0, null]);
    const unreachable = parsed('gpstate-f-standby-host-unreachable.txt');
    assert.equal(unreachable.standby.pid, null);
    assert.match(unreachable.standby.pidProblem, /Error getting status from host scdw/);
    const none = parsed('gpstate-f-after-activation-no-standby.txt');
    assert.deepEqual([none.host, none.standbyConfigured, none.standby], ['scdw', false, null]);
  });

  it('gpstate -b and -s: coordinator active, standby passive, two primaries and no mirrors', () => {
    const b = parsed('gpstate-b-healthy.txt');
    assert.equal(b.coordinator.status, 'Active');
    assert.deepEqual(b.segments.primary, { total: 2, valid: 2, failures: 0 });
    assert.equal(b.segments.mirror, null);
    const s = parsed('gpstate-s-healthy-no-mirrors.txt');
    assert.deepEqual(s.segments, { count: 2, primaries: 2, mirrors: 0, notUp: 0 });
    assert.deepEqual([s.coordinator.host, s.coordinator.port, s.standby.status], ['cdw', 5432, 'passive']);
  });

  it('gpinitstandby -n restarts the standby; gpactivatestandby refuses on the stale lock, then promotes scdw', () => {
    const n = parsed('gpinitstandby-n-restart.txt');
    assert.deepEqual([n.mode, n.outcome, n.standbyHost], ['restart', 'succeeded', 'scdw']);
    const refused = parsed('gpactivatestandby-stale-lock.txt');
    assert.deepEqual([refused.outcome, refused.exitCode], ['refused', 2]);
    assert.match(refused.errorMessage ?? refused.reason ?? '', /Active postgres process on master/);
    const promoted = parsed('gpactivatestandby-after-kill.txt');
    assert.deepEqual([promoted.outcome, promoted.newCoordinatorHost, promoted.promoted], ['succeeded', 'scdw', true]);
  });
});

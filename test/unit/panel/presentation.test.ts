// The panel's presentation, without VS Code: a saved gpstate output read into a snapshot (read-output.ts and
// snapshot.ts) and an observed cluster state turned into one (state-snapshot.ts). Words are the English ones.
import assert from 'node:assert/strict';
import { statusSnapshotSchema } from '../../../src/extension/panel/protocol';
import { kindsToTry, readGpstateOutput } from '../../../src/extension/panel/read-output';
import { formatBytes, observedAtFromText } from '../../../src/extension/panel/snapshot';
import { actionsFor, describeHost, snapshotFromState } from '../../../src/extension/panel/state-snapshot';
import { deriveClusterState } from '../../../src/engine/derive';
import { activeFacts, labCluster, NOW, SITUATIONS, staleFacts, stateOf } from '../engine/facts';
import { readFixture } from '../parsers/helpers';

const cluster = labCluster();

describe('reading a saved gpstate output into the panel', () => {
  it('gpstate -f of a streaming standby: a healthy link with the exact positions', () => {
    const r = readGpstateOutput(readFixture('gp6-lab-capture/01-gpstate-f.txt'), '01-gpstate-f.txt');
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.equal(r.kind, 'gpstate-f');
    statusSnapshotSchema.parse(r.snapshot);
    assert.equal(r.snapshot.link.health, 'ok');
    assert.equal(r.snapshot.link.summary, 'streaming, sync, replay in step (no lag)');
    assert.deepEqual(
      r.snapshot.link.rows?.map(x => [x.state, x.sentLocation, x.replayLocation]),
      [['streaming', '0/C000000', '0/C000000']],
    );
    assert.equal(r.snapshot.vocabulary, 'master');
  });

  it('gpstate -f after an activation: no standby, so nothing mirrors', () => {
    const r = readGpstateOutput(readFixture('gp6-lab-capture/24-gpstate-f-after-activation.txt'), 'after');
    assert.ok(r.ok);
    assert.equal(r.snapshot.link.summary, 'No replication: no standby is configured');
    assert.notEqual(r.snapshot.verdict.health, 'ok');
  });

  it('gpstate -b: recognised as -b from its banner, with the segment counts', () => {
    const text = readFixture('gp6-lab-capture/40-gpstate-b-final.txt');
    assert.deepEqual(kindsToTry(text), ['gpstate-b', 'gpstate-f']);
    const r = readGpstateOutput(text, 'final');
    assert.ok(r.ok);
    assert.equal(r.kind, 'gpstate-b');
    assert.ok(r.snapshot.segments?.primary, 'the primary segment counts are shown');
  });

  it('empty text and foreign text get a message that says what to paste', () => {
    const empty = readGpstateOutput('  \n', 'clipboard');
    assert.equal(empty.ok, false);
    assert.match(
      empty.ok ? '' : empty.message,
      /^clipboard is empty\. Copy everything gpstate -f or gpstate -b printed/,
    );
    const foreign = readGpstateOutput('hello world\n', 'notes.txt');
    assert.equal(foreign.ok, false);
    assert.match(foreign.ok ? '' : foreign.message, /^notes\.txt is not a gpstate -f or gpstate -b output: /);
  });

  it('the time of the last log line, and byte counts exact first', () => {
    assert.equal(
      observedAtFromText(readFixture('gp6-lab-capture/01-gpstate-f.txt')),
      '2026-11-26 19:54:29 (host clock)',
    );
    assert.equal(observedAtFromText('no log line'), null);
    assert.equal(formatBytes(1), '1 byte');
    assert.equal(formatBytes(1000), '1,000 bytes');
    assert.equal(formatBytes(4096), '4,096 bytes (4.0 KiB)');
    assert.equal(formatBytes(-3 * 1024 * 1024), '-3,145,728 bytes (-3.0 MiB)');
  });
});

describe('an observed state in the panel', () => {
  it('after a failover: the verdict, the stale former coordinator, and restore offered first', () => {
    const state = SITUATIONS.afterFailover(cluster);
    const s = snapshotFromState({ cluster, state });
    statusSnapshotSchema.parse(s);
    assert.equal(s.verdict.headline, 'Coordinator on scdw is not mirrored');
    // Host cards keep the inventory's order whatever the roles, so a card never changes sides.
    assert.deepEqual(
      s.hosts.map(h => [h.host, h.roleLabel]),
      [
        ['cdw', 'Former coordinator: stale data directory'],
        ['scdw', 'Active coordinator'],
      ],
    );
    assert.deepEqual(s.actions, ['restoreMirroring', 'checkMirroring', 'showAuditLog']);
    assert.equal(s.link.summary, 'No replication: no standby is configured');
  });

  it('healthy with the roles swapped: the swap back is offered; not while a procedure runs', () => {
    const state = SITUATIONS.restored(cluster);
    const s = snapshotFromState({ cluster, state });
    assert.equal(s.verdict.health, 'ok');
    assert.match(s.verdict.detail, /scdw is not the original coordinator \(cdw\)/);
    assert.deepEqual(s.actions, ['checkMirroring', 'returnToOriginalHost', 'showAuditLog']);
    assert.deepEqual(actionsFor(state, cluster, true), []);
    const running = snapshotFromState({
      cluster,
      state,
      procedure: { title: 'Restore', status: 'running', message: '', steps: [] },
    });
    assert.deepEqual(running.actions, []);
  });

  it('an unreachable host says why, by the kind of the ssh failure (a field, not a prefix of the message)', () => {
    const at = NOW.toISOString();
    const state = deriveClusterState(
      cluster,
      [
        { host: 'cdw', ok: false, failure: 'host-key-changed', error: 'Host key for cdw has CHANGED', observedAt: at },
        { host: 'scdw', ok: true, facts: activeFacts('scdw', null), observedAt: at },
      ],
      NOW,
    );
    const cdw = state.hosts.find(h => h.name === 'cdw')!;
    assert.equal(cdw.failure, 'host-key-changed');
    assert.equal(describeHost(cdw, state).label, 'host key changed: refused');
    assert.equal(describeHost(cdw, state).detail, 'Host key for cdw has CHANGED');
    const auth = deriveClusterState(
      cluster,
      [
        {
          host: 'cdw',
          ok: false,
          failure: 'auth-failed',
          error: 'host-key-changed: not a prefix any more',
          observedAt: at,
        },
      ],
      NOW,
    );
    assert.equal(describeHost(auth.hosts[0]!, auth).label, 'authentication failed');
    const other = stateOf(cluster, { cdw: 'connect ETIMEDOUT', scdw: staleFacts('scdw') });
    assert.equal(describeHost(other.hosts[0]!, other).label, 'unreachable');
  });

  it("split brain is an error on both hosts' cards", () => {
    const state = SITUATIONS.splitBrain(cluster);
    const s = snapshotFromState({ cluster, state });
    assert.equal(s.verdict.health, 'error');
    assert.ok(s.hosts.filter(h => h.role === 'active-coordinator').every(h => h.health === 'error'));
  });
});

// Alert transitions: each condition is announced once when it appears and once when it clears; a role change is
// announced; lag is judged in bytes and in seconds (the server's replay_lag, else the WAL rate between observations).
import * as assert from 'assert';
import { lagSeconds, nextAlerts } from '../../../src/core/alerts';
import type { ClusterState } from '../../../src/core/state';
import { activeFacts, labCluster, SITUATIONS, standbyFacts, stateOf, staleFacts, streaming } from '../engine/facts';

const cluster = labCluster();
const at = (state: ClusterState, iso: string): ClusterState => ({ ...state, observedAt: iso });

describe('alerts', () => {
  it('announces the standby going down once, not again while it stays down, and once when it clears', () => {
    const healthy = SITUATIONS.healthyOriginal(cluster);
    const down = stateOf(cluster, {
      cdw: activeFacts('cdw', 'scdw', []),
      scdw: staleFacts('scdw', { standbySignal: true }),
    });
    const first = nextAlerts(undefined, healthy);
    assert.deepStrictEqual(first.events, []);
    const worse = nextAlerts(first.memory, down);
    assert.deepStrictEqual(
      worse.events.map(e => [e.kind, e.severity]),
      [[down.standby.status === 'down' ? 'standby-down' : 'not-streaming', 'error']],
    );
    assert.deepStrictEqual(nextAlerts(worse.memory, down).events, [], 'no second alert while nothing changed');
    const back = nextAlerts(worse.memory, healthy);
    assert.deepStrictEqual(
      back.events.map(e => e.kind),
      ['cleared'],
    );
  });

  it('announces a role change and a coordinator down, with the action that fits', () => {
    const before = nextAlerts(undefined, SITUATIONS.healthyOriginal(cluster)).memory;
    const failedOver = nextAlerts(before, SITUATIONS.afterFailover(cluster));
    assert.ok(
      failedOver.events.some(e => e.kind === 'role-change' && /moved from cdw to scdw/.test(e.message)),
      JSON.stringify(failedOver.events),
    );
    const noneActive = stateOf(cluster, { cdw: staleFacts('cdw'), scdw: standbyFacts('scdw') });
    const down = nextAlerts(before, noneActive);
    const event = down.events.find(e => e.kind === 'coordinator-down');
    assert.ok(event, JSON.stringify(down.events));
    assert.strictEqual(event.action, 'showPanel');
  });

  it('judges lag in bytes against its threshold', () => {
    const lagging = stateOf(cluster, {
      cdw: activeFacts('cdw', 'scdw', [streaming('0/5000000', { replayLsn: '0/3000000', flushLsn: '0/5000000' })]),
      scdw: standbyFacts('scdw'),
    });
    const events = nextAlerts(undefined, lagging, { lagBytes: 1024, lagSeconds: 3600 }).events;
    assert.deepStrictEqual(
      events.map(e => e.kind),
      ['lag-bytes'],
    );
    assert.deepStrictEqual(nextAlerts(undefined, lagging, { lagBytes: 64 * 1024 * 1024, lagSeconds: 3600 }).events, []);
  });

  it('takes lag in seconds from replay_lag when the server has it, else from the WAL rate', () => {
    const s1 = at(
      stateOf(cluster, {
        cdw: activeFacts('cdw', 'scdw', [streaming('0/1000000', { replayLsn: '0/1000000' })]),
        scdw: standbyFacts('scdw'),
      }),
      '2026-12-04T10:00:00.000Z',
    );
    const s2 = at(
      stateOf(cluster, {
        cdw: activeFacts('cdw', 'scdw', [streaming('0/2000000', { replayLsn: '0/1000000' })]),
        scdw: standbyFacts('scdw'),
      }),
      '2026-12-04T10:00:10.000Z',
    );
    // 16 MiB written in 10 s, 16 MiB behind: 10 s of lag.
    assert.strictEqual(lagSeconds(s2, { at: s1.observedAt, sentLsn: '0/1000000' }), 10);
    assert.strictEqual(lagSeconds(s2, null), null, 'one observation alone cannot give a rate');
    assert.strictEqual(lagSeconds(s2, null, 42.5), 42.5);
    const m1 = nextAlerts(undefined, s1, { lagBytes: 1 << 30, lagSeconds: 5 }).memory;
    assert.deepStrictEqual(
      nextAlerts(m1, s2, { lagBytes: 1 << 30, lagSeconds: 5 }).events.map(e => [e.kind, e.lagSeconds]),
      [['lag-seconds', 10]],
    );
  });

  it('never reports "not streaming" from a state where the active coordinator did not answer', () => {
    const unknown = stateOf(cluster, { cdw: 'timeout', scdw: 'timeout' });
    assert.ok(!nextAlerts(undefined, unknown).events.some(e => e.kind === 'not-streaming'));
  });
});

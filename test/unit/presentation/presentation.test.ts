// The pure presentation of an observed cluster: what the panel, the tree and the status bar say, built without VS
// Code from states the engine derives from host facts (the same shapes the probe produces on real hosts).
import * as assert from 'assert';
import { snapshotFromState, actionsFor, SITUATION_TEXT } from '../../../src/extension/panel/state-snapshot';
import { withSegmentFailures } from '../../../src/extension/panel/snapshot';
import { standbyWords, worstCluster } from '../../../src/extension/panel/summary';
import { ago, formatTime } from '../../../src/extension/panel/time';
import { activeFacts, labCluster, SITUATIONS, standbyFacts, stateOf, staleFacts, streaming } from '../engine/facts';

const cluster = labCluster();

describe('panel snapshot of an observed cluster', () => {
  it('keeps each host card on its side whatever its role: the original coordinator stays on the left', () => {
    for (const state of [
      SITUATIONS.healthyOriginal(cluster),
      SITUATIONS.restored(cluster),
      SITUATIONS.afterFailover(cluster),
    ]) {
      assert.deepStrictEqual(
        snapshotFromState({ cluster, state }).hosts.map(h => h.host),
        ['cdw', 'scdw'],
        state.situation,
      );
    }
    const restored = snapshotFromState({ cluster, state: SITUATIONS.restored(cluster) });
    assert.deepStrictEqual(
      restored.hosts.map(h => h.role),
      ['standby', 'active-coordinator'],
    );
  });

  it('never states "No WAL sender" when the active coordinator did not answer', () => {
    const state = stateOf(cluster, { cdw: 'timeout: no answer', scdw: 'timeout: no answer' });
    const s = snapshotFromState({ cluster, state });
    assert.strictEqual(s.link.health, 'unknown');
    assert.doesNotMatch(s.link.summary, /No WAL sender/);
    const answered = snapshotFromState({
      cluster,
      state: stateOf(cluster, {
        cdw: activeFacts('cdw', 'scdw', []),
        scdw: staleFacts('scdw', { standbySignal: true }),
      }),
    });
    assert.match(
      answered.link.summary,
      /No WAL sender/,
      'with the active coordinator answering, an empty pg_stat_replication is a fact',
    );
  });

  it('"Observed" reads like the footer, and carries the time for "… ago"', () => {
    const s = snapshotFromState({ cluster, state: SITUATIONS.healthyOriginal(cluster) });
    const observed = s.hosts[0]!.details.find(d => d.label === 'Observed')!;
    assert.strictEqual(observed.value, '2026-11-26 21:00:00 UTC');
    assert.strictEqual(observed.at, '2026-11-26T21:00:00.000Z');
    assert.strictEqual(s.sources[0]!.observedAt, '2026-11-26 21:00:00 UTC');
  });

  it('offers only the actions that can work in each situation', () => {
    assert.deepStrictEqual(actionsFor(SITUATIONS.afterFailover(cluster), cluster, false), [
      'restoreMirroring',
      'checkMirroring',
      'showAuditLog',
    ]);
    const formerUnreachable = stateOf(cluster, { cdw: 'connect ECONNREFUSED', scdw: activeFacts('scdw', null) });
    assert.ok(
      !actionsFor(formerUnreachable, cluster, false).includes('restoreMirroring'),
      'restore needs the former host to answer',
    );
    const standbyDown = stateOf(cluster, {
      cdw: activeFacts('cdw', 'scdw', []),
      scdw: staleFacts('scdw', { standbySignal: true }),
    });
    assert.ok(
      !actionsFor(standbyDown, cluster, false).includes('restoreMirroring'),
      `${standbyDown.situation}: restore is refused with a standby configured`,
    );
    for (const state of [
      SITUATIONS.bothDown(cluster),
      SITUATIONS.splitBrain(cluster),
      stateOf(cluster, { cdw: 'x', scdw: 'y' }),
    ]) {
      assert.deepStrictEqual(actionsFor(state, cluster, false), ['checkMirroring', 'showAuditLog'], state.situation);
    }
    assert.deepStrictEqual(actionsFor(SITUATIONS.restored(cluster), cluster, false), [
      'checkMirroring',
      'returnToOriginalHost',
      'showAuditLog',
    ]);
    assert.deepStrictEqual(actionsFor(SITUATIONS.restored(cluster), cluster, true), []);
  });

  it('the status bar, the tree and the panel use one word for "no postmaster on any answering host"', () => {
    const state = SITUATIONS.bothDown(cluster);
    assert.strictEqual(state.situation, 'both-down');
    assert.strictEqual(SITUATION_TEXT['both-down'].short, 'no coordinator running');
    assert.match(snapshotFromState({ cluster, state }).verdict.detail, /Every host answered/);
  });

  it('a failed primary (a mirror acting as primary) is in the headline, with gprecoverseg as the fix', () => {
    const v = withSegmentFailures(
      { health: 'ok', headline: 'Mirroring healthy: scdw follows cdw', detail: 'Standby passive.' },
      { primary: { total: 2, valid: 1, failures: 1 }, mirror: { total: 2, valid: 2, failures: 0, actingAsPrimary: 1 } },
    );
    assert.strictEqual(v.headline, 'Mirroring healthy: scdw follows cdw; 1 primary segment failed');
    assert.strictEqual(v.health, 'warning');
    assert.match(v.detail, /gprecoverseg recovers the failed segments, then gprecoverseg -r/);
    const none = { health: 'ok' as const, headline: 'h', detail: 'd' };
    assert.strictEqual(withSegmentFailures(none, { primary: { total: 2, valid: 2, failures: 0 }, mirror: null }), none);
  });
});

describe('status bar and shared words', () => {
  it('shows the worst cluster, the selected one among equally bad, and counts the others that need care', () => {
    const clusters = [
      { name: 'a', situation: 'healthy' as const, procedureRunning: false },
      { name: 'b', situation: 'standby-down' as const, procedureRunning: false },
      { name: 'c', situation: 'after-failover' as const, procedureRunning: false },
      { name: 'd', situation: undefined, procedureRunning: false },
    ];
    assert.deepStrictEqual(worstCluster(clusters, 'a'), { name: 'b', othersNotHealthy: 1 });
    assert.deepStrictEqual(worstCluster(clusters, 'c'), { name: 'c', othersNotHealthy: 1 });
    assert.deepStrictEqual(worstCluster([clusters[0]!], 'x'), { name: 'a', othersNotHealthy: 0 });
    assert.deepStrictEqual(worstCluster([], 'x'), { name: 'x', othersNotHealthy: 0 });
    assert.strictEqual(worstCluster([], undefined), undefined);
  });

  it('a standby that is not configured reads "none configured", never "none (not-configured)"', () => {
    assert.strictEqual(standbyWords(SITUATIONS.afterFailover(cluster)), 'none configured');
    assert.strictEqual(
      standbyWords(stateOf(cluster, { cdw: activeFacts('cdw', 'scdw', [streaming()]), scdw: standbyFacts('scdw') })),
      'scdw (passive)',
    );
  });

  it('formats times like the footer and says how long ago', () => {
    assert.strictEqual(formatTime('2026-12-04T16:02:11.532Z'), '2026-12-04 16:02:11 UTC');
    assert.strictEqual(formatTime('yesterday'), 'yesterday');
    const t = Date.parse('2026-12-04T16:02:11Z');
    assert.strictEqual(ago('2026-12-04T16:02:11Z', t + 1000), 'just now');
    assert.strictEqual(ago('2026-12-04T16:02:11Z', t + 12_000), '12 s ago');
    assert.strictEqual(ago('2026-12-04T16:02:11Z', t + 4 * 60_000), '4 min ago');
    assert.strictEqual(ago('2026-12-04T16:02:11Z', t + 3 * 3600_000), '3 h ago');
    assert.strictEqual(ago('not a time', t), '');
  });
});

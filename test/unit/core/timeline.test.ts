// The panel's Timeline from a cluster's history: role changes, procedure runs and replication state, newest first.
import assert from 'node:assert/strict';
import { observationEntry } from '../../../src/core/history';
import type { HistoryEntry } from '../../../src/core/history';
import { buildTimeline } from '../../../src/core/timeline';
import { labCluster, SITUATIONS } from '../engine/facts';

const cluster = labCluster();

function at(entry: HistoryEntry, ts: string): HistoryEntry {
  return { ...entry, ts };
}

/** A whole cycle: healthy on cdw, cdw down, failover, restore-mirroring, healthy on scdw. */
function cycle(): HistoryEntry[] {
  return [
    at(observationEntry(SITUATIONS.healthyOriginal(cluster)), '2026-01-01T10:00:00.000Z'),
    at(observationEntry(SITUATIONS.bothDown(cluster)), '2026-01-01T10:05:00.000Z'),
    at(observationEntry(SITUATIONS.afterFailover(cluster)), '2026-01-01T10:06:00.000Z'),
    {
      kind: 'procedure',
      ts: '2026-01-01T10:06:01.000Z',
      cluster: 'lab',
      procedure: 'failover',
      runId: 'r1',
      status: 'done',
      message: 'scdw is the active coordinator now.',
      user: 'gpadmin',
    },
    at(observationEntry(SITUATIONS.restored(cluster)), '2026-01-01T10:07:00.000Z'),
  ];
}

describe('timeline', () => {
  it('shows role changes, the run and replication newest first', () => {
    const rows = buildTimeline(cycle(), 'lab');
    assert.deepEqual(
      rows.map(r => [r.kind, r.health, r.text]),
      [
        ['replication', 'ok', 'standby cdw passive, WAL sender streaming, sync state sync, lag 0'],
        ['procedure', 'ok', 'failover done (by gpadmin): scdw is the active coordinator now.'],
        ['replication', 'error', 'no standby configured'],
        ['role', 'ok', 'coordinator cdw → scdw'],
        ['replication', 'unknown', 'standby not observed'],
        ['role', 'error', 'no active coordinator (was cdw): both-down'],
        ['replication', 'ok', 'standby scdw passive, WAL sender streaming, sync state sync, lag 0'],
        ['role', 'ok', 'coordinator cdw'],
      ],
    );
    assert.ok(
      rows.every((r, i) => i === 0 || r.ts <= rows[i - 1]!.ts),
      'newest first',
    );
  });

  it('keeps only the given cluster and at most the limit', () => {
    const other = cycle().map(e => ({ ...e, cluster: 'other' }));
    assert.equal(buildTimeline([...other], 'lab').length, 0);
    assert.equal(buildTimeline([...cycle(), ...other], 'lab', 2).length, 2);
    assert.equal(buildTimeline(cycle(), 'lab', 2)[0]!.kind, 'replication');
  });

  it('marks a failed run as an error and a refused one as a warning', () => {
    const run = (status: string): HistoryEntry => ({
      kind: 'procedure',
      ts: '2026-01-01T11:00:00.000Z',
      cluster: 'lab',
      procedure: 'rebuild-standby',
      runId: 'r',
      status,
      message: 'm',
    });
    assert.equal(buildTimeline([run('failed')], 'lab')[0]!.health, 'error');
    assert.equal(buildTimeline([run('refused')], 'lab')[0]!.health, 'warning');
    assert.equal(buildTimeline([run('refused')], 'lab')[0]!.text, 'rebuild-standby refused: m');
  });

  it('writes no row when nothing but the LSNs moved', () => {
    const a = at(observationEntry(SITUATIONS.healthyOriginal(cluster)), '2026-01-01T10:00:00.000Z');
    const b = { ...a, ts: '2026-01-01T10:01:00.000Z' };
    assert.equal(buildTimeline([a, b], 'lab').length, 2, 'the first observation: its coordinator and its standby');
  });
});

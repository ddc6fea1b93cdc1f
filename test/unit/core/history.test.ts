import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeLastReplication,
  formatHistoryLine,
  lagBucket,
  lastReplicationState,
  observationChanged,
  observationEntry,
  parseHistory,
} from '../../../src/core/history';
import { HistoryFile, historyPathFor } from '../../../src/engine/history';
import { activeFacts, labCluster, NOW, SITUATIONS, standbyFacts, stateOf, streaming } from '../engine/facts';

const cluster = labCluster();

describe('history', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gpcoord-history-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts lag in coarse steps', () => {
    assert.deepEqual([null, 0, 1, 1024 * 1024 - 1, 1024 * 1024, 20 * 1024 * 1024, 2 * 1024 ** 3].map(lagBucket), [
      null,
      '0',
      '< 1 MB',
      '< 1 MB',
      '< 16 MB',
      '< 1 GB',
      '>= 1 GB',
    ]);
  });

  it('counts a change of role, standby status, WAL state, sync state or lag step — not moving LSNs', () => {
    const healthy = observationEntry(SITUATIONS.healthyOriginal(cluster));
    const moved = observationEntry(
      stateOf(cluster, { cdw: activeFacts('cdw', 'scdw', [streaming('0/4000000')]), scdw: standbyFacts('scdw') }),
    );
    assert.equal(observationChanged(healthy, moved), false, 'LSNs moved, nothing else');
    const potential = observationEntry(
      stateOf(cluster, {
        cdw: activeFacts('cdw', 'scdw', [streaming('0/3000060', { syncState: 'async' })]),
        scdw: standbyFacts('scdw'),
      }),
    );
    assert.equal(observationChanged(healthy, potential), true, 'sync state');
    const lagging = observationEntry(
      stateOf(cluster, {
        cdw: activeFacts('cdw', 'scdw', [streaming('0/5000000', { replayLsn: '0/3000000', flushLsn: '0/5000000' })]),
        scdw: standbyFacts('scdw'),
      }),
    );
    assert.equal(observationChanged(healthy, lagging), true, 'lag step');
    assert.equal(observationChanged(healthy, observationEntry(SITUATIONS.afterFailover(cluster))), true, 'roles');
    assert.equal(observationChanged(undefined, healthy), true, 'the first one');
  });

  it('records only changes, rotates at its bound, and reads both generations', () => {
    const file = new HistoryFile(join(dir, 'lab.history.jsonl'), 1500);
    assert.equal(file.recordObservation(SITUATIONS.healthyOriginal(cluster)), true);
    assert.equal(file.recordObservation(SITUATIONS.healthyOriginal(cluster)), false);
    assert.equal(file.recordObservation(SITUATIONS.afterFailover(cluster)), true);
    // A second process (another HistoryFile on the same path) sees the last entry and does not repeat it.
    assert.equal(new HistoryFile(file.path, 1500).recordObservation(SITUATIONS.afterFailover(cluster)), false);
    for (let i = 0; i < 5; i++)
      file.recordRun({
        ts: NOW.toISOString(),
        cluster: 'lab',
        procedure: 'failover',
        runId: `r${i}`,
        status: 'done',
        message: 'x'.repeat(200),
      });
    assert.ok(existsSync(`${file.path}.1`), 'rotated');
    assert.ok(readFileSync(file.path, 'utf8').length <= 1500);
    const all = file.read();
    assert.equal(all.filter(e => e.kind === 'procedure').length >= 4, true);
    const last = all[all.length - 1];
    assert.ok(last?.kind === 'procedure' && last.runId === 'r4', 'the newest entry is read last');
  });

  it('skips torn and foreign lines', () => {
    const good = JSON.stringify(observationEntry(SITUATIONS.healthyOriginal(cluster)));
    assert.equal(
      parseHistory(`${good}\n{"kind":"observation"\nnot json\n{"kind":"other"}\n${good.slice(0, 20)}`).length,
      1,
    );
  });

  it('gives failover the last replication state recorded while a coordinator was up', () => {
    const path = historyPathFor(join(dir, 'journal', 'lab.jsonl'));
    assert.equal(path, join(dir, 'journal', 'lab.history.jsonl'));
    const file = new HistoryFile(path);
    assert.match(describeLastReplication(file.read(), NOW), /No replication state was ever recorded/);
    file.recordObservation(SITUATIONS.healthyOriginal(cluster));
    file.recordObservation(stateOf(cluster, { cdw: 'connect-failed: gone', scdw: standbyFacts('scdw') }));
    const entries = file.read();
    assert.equal(lastReplicationState(entries)?.activeCoordinator, 'cdw');
    const text = describeLastReplication(entries, new Date(NOW.getTime() + 90_000));
    assert.match(
      text,
      /^Last recorded replication state \(2026-11-26T21:00:00.000Z, 90 s ago\): coordinator cdw, standby scdw passive, WAL sender streaming, sync state sync, sent 0\/3000060 flush 0\/3000060 replay 0\/3000060, lag 0 bytes\.$/,
    );
  });

  it('prints one line per entry', () => {
    const line = formatHistoryLine(observationEntry(SITUATIONS.afterFailover(cluster)));
    assert.match(line, /observed {2}after-failover: cdw stale, scdw active-coordinator; no standby configured/);
    const run = formatHistoryLine({
      kind: 'procedure',
      ts: NOW.toISOString(),
      cluster: 'lab',
      procedure: 'failover',
      runId: 'r',
      status: 'done',
      message: 'ok',
      user: 'dba',
    });
    assert.equal(run, '2026-11-26T21:00:00.000Z  run       failover DONE (by dba): ok');
  });

  it('writes nothing it cannot read back', () => {
    const p = join(dir, 'h.jsonl');
    writeFileSync(p, '');
    const f = new HistoryFile(p);
    f.recordObservation(SITUATIONS.restored(cluster));
    assert.deepEqual(parseHistory(readFileSync(p, 'utf8')), f.read());
  });
});

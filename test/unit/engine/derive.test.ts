import assert from 'node:assert/strict';
import { clusterStateSchema } from '../../../src/core/state';
import { parseProbe } from '../../../src/engine/probe';
import { activeFacts, labCluster, SITUATIONS, standbyFacts, stateOf, streaming } from './facts';

const cluster = labCluster();

describe('deriving the cluster state', () => {
  it('names every situation', () => {
    assert.equal(SITUATIONS.healthyOriginal(cluster).situation, 'healthy');
    assert.equal(SITUATIONS.afterFailover(cluster).situation, 'after-failover');
    assert.equal(SITUATIONS.restored(cluster).situation, 'healthy');
    assert.equal(SITUATIONS.swapStopped(cluster).situation, 'coordinator-down');
    assert.equal(SITUATIONS.bothDown(cluster).situation, 'both-down');
    assert.equal(SITUATIONS.splitBrain(cluster).situation, 'split-brain');
    const sbDown = stateOf(cluster, { cdw: activeFacts('cdw', 'scdw'), scdw: standbyFacts('scdw') });
    assert.equal(sbDown.situation, 'standby-down', 'passive but no WAL sender');
    const unreachable = stateOf(cluster, { cdw: 'connect ETIMEDOUT', scdw: 'connect ETIMEDOUT' });
    assert.equal(unreachable.situation, 'unknown');
    assert.equal(unreachable.hosts[0]!.role, 'unknown');
  });

  it('gives roles, the active coordinator, the standby and its replication numbers', () => {
    const s = stateOf(cluster, { cdw: standbyFacts('cdw'), scdw: activeFacts('scdw', 'cdw', [streaming('0/3000100', { replayLsn: '0/3000000' })]) });
    assert.equal(s.activeCoordinator, 'scdw');
    assert.deepEqual(s.hosts.map((h) => h.role), ['standby', 'active-coordinator']);
    assert.equal(s.standby.host, 'cdw');
    assert.equal(s.standby.status, 'passive');
    assert.equal(s.standby.walState, 'streaming');
    assert.equal(s.standby.lagBytes, 256);
    assert.equal(s.segments?.total, 4);
    clusterStateSchema.parse(s);
  });

  it('marks the old coordinator\'s directory stale after a failover', () => {
    const s = SITUATIONS.afterFailover(cluster);
    assert.equal(s.hosts[0]!.role, 'stale');
    assert.equal(s.standby.status, 'not-configured');
  });

  it('raises split brain as an error naming both hosts', () => {
    const s = SITUATIONS.splitBrain(cluster);
    assert.equal(s.activeCoordinator, null);
    const p = s.problems.find((x) => x.code === 'split-brain');
    assert.ok(p && p.level === 'error');
    assert.match(p.text, /cdw \(timeline 2\) and scdw \(timeline 2\)/);
  });

  it('explains a stale lock file after kill -9', () => {
    const s = stateOf(cluster, {
      cdw: standbyFacts('cdw'),
      scdw: { ...activeFacts('scdw', null), running: false, inRecovery: null, lockFile: true, lockPid: 777, lockAlive: false },
    });
    const p = s.problems.find((x) => x.code === 'stale-lock-file');
    assert.ok(p);
    assert.match(p.text, /PID 777 is not running.*kill -9.*never deletes it/);
    assert.equal(s.hosts[1]!.lockFileStale, true);
  });
});

describe('probe output', () => {
  it('reads facts, catalog rows and replication rows in both column vocabularies', () => {
    const out = [
      'Welcome to the host', // a profile's chatter is ignored
      '@gpc hostname scdw',
      '@gpc dir 1',
      '@gpc pidfile 1',
      '@gpc pid 321',
      '@gpc running 1',
      '@gpc lock 1 321 1',
      '@gpc lockdir /data/coordinator/gpseg-1',
      '@gpc backup backup_gpseg-1',
      '@gpc cstate in production',
      '@gpc timeline 3',
      '@gpc recovery f',
      '@gpc seg {"dbid":9,"content":-1,"role":"p","preferred_role":"p","status":"u","hostname":"scdw","address":"scdw","port":5432,"datadir":"/data/coordinator/gpseg-1"}',
      '@gpc seg {"dbid":10,"content":-1,"role":"m","preferred_role":"m","status":"u","hostname":"cdw","address":"cdw","port":5432,"datadir":"/data/coordinator/gpseg-1"}',
      '@gpc segsum 4 1 0',
      '@gpc repl {"pid":55,"state":"streaming","sync_state":"sync","sent_location":"0/1C000000","flush_location":"0/1C000000","replay_location":"0/1B000000"}',
      '@gpc lsn 0/1C000000',
      '@gpc end',
    ].join('\n');
    const f = parseProbe(out);
    assert.equal(f.running, true);
    assert.equal(f.pid, 321);
    assert.equal(f.inRecovery, false);
    assert.equal(f.timeline, 3);
    assert.equal(f.catalog.length, 2);
    assert.equal(f.replication[0]!.replayLsn, '0/1B000000');
    assert.deepEqual(f.segments, { total: 4, down: 1, notInPreferredRole: 0 });
    assert.equal(f.complete, true);
    const cut = parseProbe('@gpc hostname x\n@gpc dir 1\n');
    assert.equal(cut.complete, false);
  });
});

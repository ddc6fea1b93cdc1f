import assert from 'node:assert/strict';
import { clusterStateSchema } from '../../../src/core/state';
import { parseProbe } from '../../../src/engine/probe';
import { planNext } from '../../../src/core/planner';
import { activeFacts, labCluster, NOW, SITUATIONS, standbyFacts, stateOf, streaming } from './facts';

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
    const s = stateOf(cluster, {
      cdw: standbyFacts('cdw'),
      scdw: activeFacts('scdw', 'cdw', [streaming('0/3000100', { replayLsn: '0/3000000' })]),
    });
    assert.equal(s.activeCoordinator, 'scdw');
    assert.deepEqual(
      s.hosts.map(h => h.role),
      ['standby', 'active-coordinator'],
    );
    assert.equal(s.standby.host, 'cdw');
    assert.equal(s.standby.status, 'passive');
    assert.equal(s.standby.walState, 'streaming');
    assert.equal(s.standby.lagBytes, 256);
    assert.equal(s.segments?.total, 4);
    clusterStateSchema.parse(s);
  });

  it("marks the old coordinator's directory stale after a failover", () => {
    const s = SITUATIONS.afterFailover(cluster);
    assert.equal(s.hosts[0]!.role, 'stale');
    assert.equal(s.standby.status, 'not-configured');
  });

  it('raises split brain as an error naming both hosts', () => {
    const s = SITUATIONS.splitBrain(cluster);
    assert.equal(s.activeCoordinator, null);
    const p = s.problems.find(x => x.code === 'split-brain');
    assert.ok(p && p.level === 'error');
    assert.match(p.text, /cdw \(timeline 2\) and scdw \(timeline 2\)/);
  });

  it('a postmaster in utility mode runs but is no coordinator: no split brain, the real active coordinator keeps its role', () => {
    // What the probe prints on the old coordinator started with gpstart -m (GP6 psql's refusal).
    const out = [
      '@gpc hostname cdw',
      '@gpc dir 1',
      '@gpc pidfile 1',
      '@gpc pid 812',
      '@gpc running 1',
      '@gpc lock 1 812 1',
      '@gpc cstate in production',
      '@gpc timeline 1',
      '@gpc psqlmsg psql: FATAL:  System was started in master-only utility mode - only utility mode connections are allowed',
      '@gpc end',
    ].join('\n');
    const utility = parseProbe(out);
    assert.equal(utility.utilityMode, true);
    assert.equal(utility.inRecovery, null);
    const s = stateOf(cluster, { cdw: utility, scdw: activeFacts('scdw', null) });
    assert.equal(s.situation, 'after-failover');
    assert.equal(s.activeCoordinator, 'scdw');
    assert.equal(s.hosts.find(h => h.name === 'scdw')!.role, 'active-coordinator');
    assert.equal(s.hosts.find(h => h.name === 'cdw')!.role, 'utility-mode');
    assert.ok(!s.problems.some(p => p.code === 'split-brain'), JSON.stringify(s.problems));
    const p = s.problems.find(x => x.code === 'utility-mode-postmaster');
    assert.ok(p);
    assert.match(
      p.text,
      /PID 812\) runs on .* on cdw in utility mode: it refuses client sessions \("System was started in master-only utility mode - only utility mode connections are allowed"\), so it is not a second active coordinator/,
    );
    // GP7 / Cloudberry say coordinator-only.
    assert.equal(
      parseProbe(
        '@gpc psqlmsg psql: error: connection to server on socket "/tmp/.s.PGSQL.5432" failed: FATAL:  System was started in coordinator-only utility mode - only utility mode connections are allowed',
      ).utilityMode,
      true,
    );
    // Its directory is never a target while it runs.
    const d = planNext({ procedure: 'restore-mirroring', cluster, state: s, journal: [], now: NOW });
    assert.equal(d.kind, 'blocked');
    assert.match(d.kind === 'blocked' ? d.reason : '', /A postmaster \(PID 812\) runs on .* on cdw/);
  });

  it("split brain says what was observed, and the planner's message reads cleanly", () => {
    const s = SITUATIONS.splitBrain(cluster);
    const p = s.problems.find(x => x.code === 'split-brain')!;
    assert.match(p.text, /both accept client sessions as a coordinator \(not in recovery\)/);
    const silent = stateOf(cluster, {
      cdw: {
        ...activeFacts('cdw', null),
        inRecovery: null,
        psqlMessages: ['psql: FATAL: sorry, too many clients already'],
      },
      scdw: activeFacts('scdw', null),
    });
    assert.equal(
      silent.situation,
      'split-brain',
      'a coordinator that did not answer for another reason may still accept clients',
    );
    assert.match(
      silent.problems.find(x => x.code === 'split-brain')!.text,
      /cdw did not answer a session \(so it may accept clients\)/,
    );
    const d = planNext({ procedure: 'check', cluster, state: s, journal: [], now: NOW });
    const reason = d.kind === 'blocked' ? d.reason : '';
    assert.match(reason, /both claim the role\. No procedure runs until only one coordinator is left\.$/);
    assert.doesNotMatch(reason, /\.\./);
  });

  it('explains a stale lock file after kill -9', () => {
    const s = stateOf(cluster, {
      cdw: standbyFacts('cdw'),
      scdw: {
        ...activeFacts('scdw', null),
        running: false,
        inRecovery: null,
        lockFile: true,
        lockPid: 777,
        lockAlive: false,
      },
    });
    const p = s.problems.find(x => x.code === 'stale-lock-file');
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

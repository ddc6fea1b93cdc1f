// The database session of the routine observation against the lab's real PostgreSQL: the wire protocol over a
// Unix socket forwarded by the real OpenSSH server, the same facts as the exec probe, the exec probe again when
// something changed, and the exec probe alone where sshd forbids the forwarding (AllowStreamLocalForwarding no).
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterState } from '../../../src/core/state';
import { DbSessions } from '../../../src/engine/dbsession';
import { observe } from '../../../src/engine/observe';
import { PgSession } from '../../../src/engine/pgwire';
import type { SshPool } from '../../../src/ssh/pool';
import { fault, hostDir } from '../lab';
import type { Lab } from '../lab';
import { clusterOf, poolOf, startLab, stopLab } from './helpers';

/** The state without its timestamps, which differ between any two observations. */
function comparable(s: ClusterState): unknown {
  return JSON.parse(JSON.stringify(s, (k, v: unknown) => (k === 'observedAt' ? undefined : v)));
}

const execs = (pool: SshPool, host: string): number => pool.stats().byHost[host]?.execs ?? 0;

describe('engine: database sessions over the pooled ssh connection', function () {
  this.timeout(240_000);
  let lab: Lab | undefined;
  let pool: SshPool | undefined;

  before(async () => {
    lab = await startLab(57, 'healthy', 'coordinator');
    pool = poolOf(lab);
  });
  after(async () => {
    await pool?.dispose();
    await stopLab(lab);
  });

  it('speaks the wire protocol to the real server: pipelined statements, each with its rows or its error', async () => {
    const cluster = clusterOf(lab!);
    const cdw = cluster.hosts.find(h => h.name === 'cdw')!;
    const local = await pool!.openStreamLocal({ name: 'cdw', sshTarget: cdw.sshTarget }, `/tmp/.s.PGSQL.${cdw.port}`);
    const session = await PgSession.connect(local.stream, { user: local.user, database: 'postgres' });
    try {
      assert.match(session.parameters.get('server_version') ?? '', /^\d+/);
      const [one, bad, two] = await session.query([
        'SELECT 1 AS one',
        'SELECT * FROM no_such_table',
        "SELECT 'a' AS x, NULL AS y UNION ALL SELECT 'b', 'c'",
      ]);
      assert.deepEqual(one, { fields: ['one'], rows: [['1']], error: null });
      assert.match(bad!.error ?? '', /^ERROR: {2}relation "no_such_table" does not exist$/);
      assert.deepEqual(two!.rows, [
        ['a', null],
        ['b', 'c'],
      ]);
    } finally {
      session.close();
    }
  });

  it('answers a routine observation with one query per host, with the same state as the exec probe', async () => {
    const cluster = clusterOf(lab!);
    const sessions = new DbSessions(pool!);
    try {
      const byExec = await observe(cluster, pool!);
      await observe(cluster, pool!, { sessions }); // the exec probe, remembered
      await observe(cluster, pool!, { sessions }); // sessions opened (a channel each), first queries
      const before = { cdw: execs(pool!, 'cdw'), ...sessions.counters() };
      const bySession = await observe(cluster, pool!, { sessions });
      assert.deepEqual(comparable(bySession), comparable(byExec));
      assert.equal(bySession.standby.walState, 'streaming');
      // Both hosts answered without the exec probe: the coordinator's query on its open session (no new channel),
      // the standby (which accepts no sessions) refusing the startup with the same words as psql got before.
      assert.deepEqual(
        { cdw: execs(pool!, 'cdw'), ...sessions.counters() },
        { cdw: before.cdw, queries: before.queries + 2, execFallbacks: before.execFallbacks },
      );
    } finally {
      sessions.dispose();
    }
  });

  it('runs the exec probe again when the postmaster it knew stopped, and sees what the exec probe sees', async () => {
    const cluster = clusterOf(lab!);
    const sessions = new DbSessions(pool!);
    try {
      await observe(cluster, pool!, { sessions });
      await observe(cluster, pool!, { sessions });
      await fault(lab!, 'stop-standby', 'scdw');
      const before = execs(pool!, 'scdw');
      const bySession = await observe(cluster, pool!, { sessions });
      assert.equal(
        execs(pool!, 'scdw'),
        before + 1,
        'the standby host was not probed again after its postmaster stopped',
      );
      const byExec = await observe(cluster, pool!);
      assert.deepEqual(comparable(bySession), comparable(byExec));
      assert.equal(bySession.hosts.find(h => h.name === 'scdw')?.postmasterRunning, false);
    } finally {
      sessions.dispose();
    }
  });

  it('falls back to the exec probe on a host whose sshd forbids Unix socket forwarding', async () => {
    const cluster = clusterOf(lab!);
    appendFileSync(join(hostDir(lab!.dir, 'cdw'), 'sshd_config'), 'AllowStreamLocalForwarding no\n');
    await fault(lab!, 'host-down', 'cdw');
    await fault(lab!, 'host-up', 'cdw');
    const fresh = poolOf(lab!);
    const sessions = new DbSessions(fresh);
    try {
      await assert.rejects(
        fresh.openStreamLocal(
          { name: 'cdw', sshTarget: cluster.hosts[0]!.sshTarget },
          `/tmp/.s.PGSQL.${cluster.hosts[0]!.port}`,
        ),
        /refused the channel/,
      );
      const first = await observe(cluster, fresh, { sessions });
      const before = execs(fresh, 'cdw');
      const second = await observe(cluster, fresh, { sessions });
      assert.equal(execs(fresh, 'cdw'), before + 1, 'cdw was not observed by the exec probe');
      assert.deepEqual(comparable(second), comparable(first));
      assert.equal(second.activeCoordinator, 'cdw');
    } finally {
      sessions.dispose();
      await fresh.dispose();
    }
  });
});

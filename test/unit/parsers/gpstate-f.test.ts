import assert from 'node:assert/strict';
import { parseOutput } from '../../../src/core/parsers';
import { assertFields, parseFixture, readFixture } from './helpers';

const LAB = 'gp6-lab-capture';
const PUB = 'public-samples';

function streaming(sent: string, flush: string, replay: string, replayLagBytes: number, flushLagBytes: number) {
  return [
    {
      state: 'streaming',
      syncState: 'sync',
      sentLocation: sent,
      flushLocation: flush,
      replayLocation: replay,
      replayLagBytes,
      flushLagBytes,
    },
  ];
}

function passive(host: string, dataDirectory: string, port: number, pid: number) {
  return {
    host,
    dataDirectory,
    port,
    pid,
    pidText: String(pid),
    pidProblem: null,
    status: 'passive',
    statusText: 'Standby host passive',
  };
}

describe('gpstate -f parser on the GP6 lab capture', () => {
  it('01: healthy standby on the same host, streaming and in sync', () => {
    const r = parseFixture('gpstate-f', `${LAB}/01-gpstate-f.txt`);
    assertFields(r, {
      kind: 'gpstate-f',
      vocabulary: 'master',
      product: 'greenplum',
      outcome: 'succeeded',
      complete: true,
      host: 'cdw',
      user: 'gpadmin',
      pid: 31514,
      startedAt: '20261126:19:54:28',
      exitCode: 0,
      version: '6.24.3',
      standbyConfigured: true,
      standby: passive('cdw', '/data/standby/gpseg-1', 5433, 31208),
      replication: streaming('0/C000000', '0/C000000', '0/C000000', 0, 0),
      replicationMoreThanOneRow: false,
      problems: [],
      reason: null,
      unparsedLines: [],
      runsFound: 1,
    });
  });

  it('16: after gpinitstandby -n restarted the standby', () => {
    const r = parseFixture('gpstate-f', `${LAB}/16-gpstate-f-after-restart.txt`);
    assertFields(r, {
      outcome: 'succeeded',
      pid: 525,
      standby: passive('cdw', '/data/standby/gpseg-1', 5433, 448),
      replication: streaming('0/C04ABD0', '0/C04ABD0', '0/C04ABD0', 0, 0),
    });
  });

  it('22: coordinator down — gpstate fails with connection refused, exit 2', () => {
    const r = parseFixture('gpstate-f', `${LAB}/22-gpstate-f-master-down.txt`);
    assertFields(r, {
      outcome: 'failed',
      reason: 'connection-failed',
      exitCode: 2,
      standbyConfigured: null,
      standby: null,
      replication: null,
      complete: true,
      pid: 904,
    });
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]?.level, 'CRITICAL');
    assert.match(
      r.problems[0]?.text ?? '',
      /^gpstate failed\. \(Reason='could not connect to server: Connection refused\n\tIs the server running on host "localhost"/,
    );
    assert.match(r.errorMessage ?? '', /TCP\/IP connections on port 5432\?\n'\) exiting\.\.\.$/);
  });

  it('24 and 36: no standby configured after activation — standby null, no replication', () => {
    for (const file of ['24-gpstate-f-after-activation.txt', '36-gpstate-f-after-swap-activation.txt']) {
      const r = parseFixture('gpstate-f', `${LAB}/${file}`);
      assertFields(r, {
        outcome: 'succeeded',
        standbyConfigured: false,
        standby: null,
        replication: null,
        exitCode: 0,
        problems: [],
        complete: true,
      });
    }
  });

  it('31: the old master re-seeded as standby on port 5432', () => {
    const r = parseFixture('gpstate-f', `${LAB}/31-gpstate-f-after-reseed.txt`);
    assertFields(r, {
      standby: passive('cdw', '/data/master/gpseg-1', 5432, 2136),
      replication: streaming('0/14000000', '0/14000000', '0/14000000', 0, 0),
    });
  });

  it('39 and 58: standby back in its original directory', () => {
    assertFields(parseFixture('gpstate-f', `${LAB}/39-gpstate-f-final.txt`), {
      standby: passive('cdw', '/data/standby/gpseg-1', 5433, 3439),
      replication: streaming('0/1C000000', '0/1C000000', '0/1C000000', 0, 0),
    });
    assertFields(parseFixture('gpstate-f', `${LAB}/58-gpstate-f-after-readd.txt`), {
      standby: passive('cdw', '/data/standby/gpseg-1', 5433, 4803),
      replication: streaming('0/24000000', '0/24000000', '0/24000000', 0, 0),
    });
  });

  it('56: the `ls` output after the command is kept as unparsed lines', () => {
    const r = parseFixture('gpstate-f', `${LAB}/56-gpstate-f-after-remove.txt`);
    assertFields(r, { outcome: 'succeeded', standbyConfigured: false, standby: null, replication: null });
    assert.deepEqual(r.unparsedLines, [
      'total 12',
      'drwxr-xr-x  3 gpadmin gpadmin 4096 Nov 26 19:56 .',
      'drwxr-xr-x  8 gpadmin gpadmin 4096 Nov 26 19:51 ..',
      'drwx------ 22 gpadmin gpadmin 4096 Nov 26 19:55 backup_gpseg-1',
    ]);
  });

  it('82: replay 128 bytes behind sent and flush', () => {
    const r = parseFixture('gpstate-f', `${LAB}/82-gpstate-f-after-gpstart.txt`);
    assertFields(r, {
      standby: passive('cdw', '/data/standby/gpseg-1', 5433, 9395),
      replication: streaming('0/34000128', '0/34000128', '0/340000A8', 128, 0),
    });
  });
});

describe('gpstate -f parser on public samples', () => {
  it('GP6 REAL streaming/sync with a pasted shell prompt', () => {
    const r = parseFixture('gpstate-f', `${PUB}/gp6_gpstate-f_streaming_sync_REAL.txt`);
    assertFields(r, {
      host: 'mdw',
      pid: 1883,
      version: '6.4.0',
      exitCode: null,
      outcome: 'succeeded',
      standby: passive('smdw', '/data/master/gpseg-1', 5432, 2446),
      replication: streaming('0/1C0005C8', '0/1C0005C8', '0/1C0005C8', 0, 0),
    });
  });

  it('GP6 catching up: potential sync, replay 33,558,360 bytes behind', () => {
    const r = parseFixture('gpstate-f', `${PUB}/gp6_gpstate-f_catchup_potential_RECONSTRUCTED.txt`);
    assert.deepEqual(r.replication, [
      {
        state: 'catchup',
        syncState: 'potential',
        sentLocation: '0/3A0001F8',
        flushLocation: '0/38000000',
        replayLocation: '0/37FFF2A0',
        replayLagBytes: 0x3a0001f8 - 0x37fff2a0,
        flushLagBytes: 0x3a0001f8 - 0x38000000,
      },
    ]);
    assert.equal(r.replication?.[0]?.replayLagBytes, 33558360);
  });

  it('GP6 during a base backup: standby not running, backup walsender with None LSNs', () => {
    const r = parseFixture('gpstate-f', `${PUB}/gp6_gpstate-f_during_gpinitstandby_basebackup_RECONSTRUCTED.txt`);
    assertFields(r, {
      standby: {
        host: 'smdw',
        dataDirectory: '/data/master/gpseg-1',
        port: 5432,
        pid: 0,
        pidText: '0',
        pidProblem: null,
        status: 'down',
        statusText: 'Standby process not running',
      },
      replication: [
        {
          state: 'backup',
          syncState: 'async',
          sentLocation: '0/0',
          flushLocation: null,
          replayLocation: null,
          replayLagBytes: null,
          flushLagBytes: null,
        },
      ],
    });
    assert.deepEqual(r.problems, [
      { level: 'WARNING', text: 'Standby PID = 0', harmless: false },
      { level: 'WARNING', text: 'Standby status = Standby process not running', harmless: false },
    ]);
  });

  it('GP6 REAL master down fragment (no log prefix at all): failed, connection refused', () => {
    const r = parseFixture('gpstate-f', `${PUB}/gp6_gpstate-f_master_down_connection_refused_FRAGMENT_REAL.txt`);
    assertFields(r, {
      outcome: 'failed',
      reason: 'connection-failed',
      host: null,
      pid: null,
      standby: null,
      replication: null,
    });
  });

  it('GP6 REAL no standby (gpinitstandby -r just ran)', () => {
    const r = parseFixture('gpstate-f', `${PUB}/gp6_gpstate-f_no_standby_REAL.txt`);
    assertFields(r, {
      host: 'gpmaster',
      pid: 199788,
      version: '6.1.0',
      standbyConfigured: false,
      standby: null,
      replication: null,
      outcome: 'succeeded',
    });
  });

  it('GP6 three-column PID warning row: pid kept, the pid-check error reported', () => {
    const r = parseFixture('gpstate-f', `${PUB}/gp6_gpstate-f_pid_with_error_3col_RECONSTRUCTED.txt`);
    assertFields(r, {
      standby: {
        host: 'smdw',
        dataDirectory: '/data/master/gpseg-1',
        port: 5432,
        pid: 23456,
        pidText: '23456',
        pidProblem: 'Have lock file /tmp/.s.PGSQL.5432.lock but no process running on port 5432',
        status: 'unknown',
        statusText: 'Status could not be determined',
      },
      replication: null,
    });
  });

  it('GP6 REAL gpstate run on the standby host: failed, in recovery', () => {
    const r = parseFixture('gpstate-f', `${PUB}/gp6_gpstate-f_run_on_standby_host_CRITICAL_REAL.txt`);
    assertFields(r, {
      outcome: 'failed',
      reason: 'in-recovery',
      host: 'smdw',
      pid: 4248,
      standby: null,
      complete: true,
    });
    assert.match(
      r.errorMessage ?? '',
      /FATAL: {2}the database system is in recovery mode\nDETAIL: {2}last replayed record at 0\/1C000988/,
    );
  });

  it('GP6 standby host unreachable: no PID, status unknown', () => {
    const r = parseFixture('gpstate-f', `${PUB}/gp6_gpstate-f_standby_host_unreachable_RECONSTRUCTED.txt`);
    assertFields(r, {
      standby: {
        host: 'smdw',
        dataDirectory: '/data/master/gpseg-1',
        port: 5432,
        pid: null,
        pidText: 'Error getting status from host smdw',
        pidProblem: 'Error getting status from host smdw',
        status: 'unknown',
        statusText: 'Status could not be determined',
      },
    });
  });

  it('GP6 TRANSCRIBED (retyped, odd spacing, full-width colons): standby down, then a plain gpstate run', () => {
    const text = readFixture(`${PUB}/gp6_gpstate-f_standby_process_not_running_TRANSCRIBED.txt`);
    const f = parseOutput('gpstate-f', text);
    assert.ok(f.recognized);
    assertFields(f.result, {
      host: 'master01',
      pid: 44858,
      standby: {
        host: 'standby01',
        dataDirectory: '/greenplum/gpdata/master/gpseg-1',
        port: 5432,
        pid: 0,
        pidText: '0',
        pidProblem: null,
        status: 'down',
        statusText: 'Standby process not running',
      },
      replication: null,
    });
  });

  it('GP6 pid 0 and startup walsender with None LSNs', () => {
    assertFields(parseFixture('gpstate-f', `${PUB}/gp6_gpstate-f_standby_process_not_running_pid0_RECONSTRUCTED.txt`), {
      standby: {
        host: 'smdw',
        dataDirectory: '/data/master/gpseg-1',
        port: 5432,
        pid: 0,
        pidText: '0',
        pidProblem: null,
        status: 'down',
        statusText: 'Standby process not running',
      },
      replication: null,
    });
    assertFields(parseFixture('gpstate-f', `${PUB}/gp6_gpstate-f_startup_null_lsns_RECONSTRUCTED.txt`), {
      replication: [
        {
          state: 'startup',
          syncState: 'async',
          sentLocation: '0/0',
          flushLocation: null,
          replayLocation: null,
          replayLagBytes: null,
          flushLagBytes: null,
        },
      ],
    });
  });

  it('GP7 coordinator vocabulary: healthy, down, none, more than one walsender', () => {
    const healthy = parseFixture('gpstate-f', `${PUB}/gp7_gpstate-f_streaming_sync_RECONSTRUCTED.txt`);
    assertFields(healthy, {
      vocabulary: 'coordinator',
      product: 'greenplum',
      version: '7.1.0',
      standby: passive('scdw', '/data/coordinator/gpseg-1', 5432, 23456),
      replication: streaming('0/C0004B8', '0/C0004B8', '0/C0004B8', 0, 0),
    });
    const down = parseFixture('gpstate-f', `${PUB}/gp7_gpstate-f_standby_down_RECONSTRUCTED.txt`);
    assertFields(down, {
      vocabulary: 'coordinator',
      standby: {
        host: 'scdw',
        dataDirectory: '/data/coordinator/gpseg-1',
        port: 5432,
        pid: 0,
        pidText: '0',
        pidProblem: null,
        status: 'down',
        statusText: 'Standby process not running',
      },
      replication: null,
    });
    const none = parseFixture('gpstate-f', `${PUB}/gp7_gpstate-f_no_standby_RECONSTRUCTED.txt`);
    assertFields(none, { vocabulary: 'coordinator', standbyConfigured: false, standby: null, replication: null });
    const many = parseFixture('gpstate-f', `${PUB}/gp7_gpstate-f_many_rows_warning_RECONSTRUCTED.txt`);
    assertFields(many, {
      replication: [],
      replicationMoreThanOneRow: true,
      problems: [{ level: 'WARNING', text: 'pg_stat_replication shows more than 1 row.', harmless: false }],
      outcome: 'succeeded',
    });
  });

  it('Cloudberry banner: product cloudberry', () => {
    const r = parseFixture('gpstate-f', `${PUB}/cbdb_gpstate-f_streaming_sync_RECONSTRUCTED.txt`);
    assertFields(r, {
      vocabulary: 'coordinator',
      product: 'cloudberry',
      version: '2.0.0-incubating',
      standby: passive('scdw', '/data0/coordinator/gpseg-1', 5432, 23456),
      replication: streaming('0/5000148', '0/5000148', '0/5000148', 0, 0),
    });
  });
});

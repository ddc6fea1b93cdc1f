import assert from 'node:assert/strict';
import { parseOutput } from '../../../src/core/parsers';
import { assertFields, parseFixture, parseRecognised, readFixture } from './helpers';

const LAB = 'gp6-lab-capture';
const PUB = 'public-samples';

/** The multi-case reference files separate their cases with `$ command` lines; returns each case's text. */
function cases(relativePath: string): string[] {
  const text = readFixture(relativePath);
  const body = text.slice(text.indexOf('# ---- BEGIN OUTPUT ----'));
  return body.split(/\n(?=\$ )/).slice(1);
}

describe('gpinitstandby parser', () => {
  it('lab 30: re-seeding the old master directory — succeeded, summary fields, harmless extension warning', () => {
    const r = parseFixture('gpinitstandby', `${LAB}/30-gpinitstandby-reseed-old-master.txt`);
    assertFields(r, {
      kind: 'gpinitstandby',
      vocabulary: 'master',
      product: 'greenplum',
      outcome: 'succeeded',
      complete: true,
      exitCode: 0,
      pid: 1814,
      host: 'cdw',
      mode: 'create',
      standbyHost: 'cdw',
      standbyDataDirectory: '/data/master/gpseg-1',
      standbyPort: 5432,
      coordinatorHost: 'cdw',
      coordinatorDataDirectory: '/data/standby/gpseg-1',
      coordinatorPort: 5433,
      updateSystemCatalog: true,
      reason: null,
      errorMessage: null,
      warningsHarmless: true,
      rolledBack: false,
      prompts: [
        { text: 'Do you want to continue with standby master initialization? Yy|Nn (default=N):', answer: null },
      ],
    });
    assert.deepEqual(r.problems, [
      { level: 'WARNING', text: 'Syncing of Greenplum Database extensions has failed.', harmless: true },
      { level: 'WARNING', text: 'Please run gppkg --clean after successful standby initialization.', harmless: true },
    ]);
  });

  it('lab 38 and 57 (-a, no prompt): standby back in /data/standby on 5433', () => {
    for (const file of ['38-gpinitstandby-reseed-standby-dir.txt', '57-gpinitstandby-a-readd.txt']) {
      const r = parseFixture('gpinitstandby', `${LAB}/${file}`);
      assertFields(r, {
        outcome: 'succeeded',
        standbyHost: 'cdw',
        standbyDataDirectory: '/data/standby/gpseg-1',
        standbyPort: 5433,
        coordinatorPort: 5432,
        warningsHarmless: true,
      });
    }
    assert.deepEqual(parseFixture('gpinitstandby', `${LAB}/57-gpinitstandby-a-readd.txt`).prompts, []);
  });

  it('lab 28: target data directory exists — refused, data-directory-exists, exit 2', () => {
    const r = parseFixture('gpinitstandby', `${LAB}/28-gpinitstandby-target-dir-exists.txt`);
    assertFields(r, {
      outcome: 'refused',
      reason: 'data-directory-exists',
      errorMessage: 'master data directory exists',
      exitCode: 2,
      standbyHost: 'cdw',
      standbyDataDirectory: '/data/master/gpseg-1',
      standbyPort: 5432,
      warningsHarmless: false,
    });
    assert.equal(r.problems.length, 4);
  });

  it('lab 17: a standby is already configured — refused', () => {
    const r = parseFixture('gpinitstandby', `${LAB}/17-gpinitstandby-when-standby-already-configured.txt`);
    assertFields(r, {
      outcome: 'refused',
      reason: 'standby-already-configured',
      errorMessage: 'standby master already configured',
      exitCode: 2,
      standbyHost: 'cdw',
      standbyDataDirectory: '/data/other/gpseg-1',
      standbyPort: 5434,
    });
  });

  it('lab 15 (-n) restarted the standby; lab 55 (-r) removed it', () => {
    assertFields(parseFixture('gpinitstandby', `${LAB}/15-gpinitstandby-n-restart-standby.txt`), {
      outcome: 'succeeded',
      mode: 'restart',
      standbyHost: 'cdw',
      standbyDataDirectory: '/data/standby/gpseg-1',
      standbyAlreadyRunning: false,
    });
    assertFields(parseFixture('gpinitstandby', `${LAB}/55-gpinitstandby-r-remove-standby.txt`), {
      outcome: 'succeeded',
      mode: 'remove',
      standbyHost: 'cdw',
      standbyPort: 5433,
      standbyDataDirectory: '/data/standby/gpseg-1',
      updateSystemCatalog: null,
    });
  });

  it('lab 00: the gpinitstandby run inside gpinitsystem (the footer exit code belongs to gpinitsystem)', () => {
    const r = parseFixture('gpinitstandby', `${LAB}/00-gpinitsystem.txt`);
    assertFields(r, {
      outcome: 'succeeded',
      exitCode: null,
      pid: 30992,
      standbyHost: 'cdw',
      standbyPort: 5433,
      standbyDataDirectory: '/data/standby/gpseg-1',
    });
  });

  it('GP6 REAL -s and -r transcripts', () => {
    assertFields(parseFixture('gpinitstandby', `${PUB}/gp6_gpinitstandby_-s_interactive_REAL.txt`), {
      outcome: 'succeeded',
      host: 'smdw',
      pid: 4661,
      standbyHost: 'mdw',
      standbyDataDirectory: '/data/master/gpseg-1',
      standbyPort: 5432,
      coordinatorHost: 'smdw',
      prompts: [
        { text: 'Do you want to continue with standby master initialization? Yy|Nn (default=N):', answer: 'y' },
      ],
    });
    assertFields(parseFixture('gpinitstandby', `${PUB}/gp6_gpinitstandby_-r_remove_REAL.txt`), {
      outcome: 'succeeded',
      mode: 'remove',
      host: 'gpmaster',
      standbyHost: 'gpsdw1',
      coordinatorHost: 'gpmaster',
    });
  });

  it('GP7 and Cloudberry -s: coordinator vocabulary, misaligned catalog row', () => {
    const gp7 = parseFixture('gpinitstandby', `${PUB}/gp7_gpinitstandby_-s_interactive_RECONSTRUCTED.txt`);
    assertFields(gp7, {
      vocabulary: 'coordinator',
      product: 'greenplum',
      outcome: 'succeeded',
      standbyHost: 'cdw',
      standbyDataDirectory: '/data/coordinator/gpseg-1',
      standbyPort: 5432,
      coordinatorHost: 'scdw',
      updateSystemCatalog: true,
      problems: [],
    });
    const cbdb = parseFixture('gpinitstandby', `${PUB}/cbdb_gpinitstandby_-s_interactive_RECONSTRUCTED.txt`);
    assertFields(cbdb, {
      vocabulary: 'coordinator',
      product: 'cloudberry',
      outcome: 'succeeded',
      standbyHost: 'scdw',
      standbyDataDirectory: '/data0/coordinator/gpseg-1',
      coordinatorHost: 'cdw',
      updateSystemCatalog: true,
    });
  });

  it('GP7 refusal paths, case by case, and the whole file reports its last run', () => {
    const expected = [
      {
        outcome: 'refused',
        reason: 'standby-already-configured',
        errorMessage: 'standby coordinator already configured',
        standbyHost: 'scdw',
      },
      {
        outcome: 'refused',
        reason: 'data-directory-exists',
        errorMessage: 'coordinator data directory exists',
        standbyHost: 'scdw',
        standbyDataDirectory: '/data/coordinator/gpseg-1',
      },
      { outcome: 'refused', reason: 'data-directory-exists', standbyHost: 'cdw', standbyPort: 5433 },
      { outcome: 'refused', reason: 'other', errorMessage: 'Parent directory /data/coordinator does not exist' },
      {
        outcome: 'refused',
        reason: 'hosts-unreachable',
        errorMessage: 'Unable to proceed while one or more hosts are unreachable',
      },
      // This run's one line names neither "master" nor "coordinator": the documented default is master.
      {
        outcome: 'refused',
        reason: 'connection-failed',
        errorMessage: 'Unable to ping new standby host nosuchhost',
        standbyHost: 'nosuchhost',
        vocabulary: 'master',
      },
      { outcome: 'refused', reason: 'other', errorMessage: 'no standby configured', mode: 'remove' },
      { outcome: 'refused', reason: 'other', errorMessage: 'Standby coordinator not configured', mode: 'restart' },
      { outcome: 'succeeded', reason: null, standbyAlreadyRunning: true, mode: 'restart' },
    ];
    const texts = cases(`${PUB}/gp7_gpinitstandby_refusals_RECONSTRUCTED.txt`);
    assert.equal(texts.length, expected.length);
    texts.forEach((text, i) =>
      assertFields(parseRecognised('gpinitstandby', text), { vocabulary: 'coordinator', ...expected[i] }),
    );
    const whole = parseFixture('gpinitstandby', `${PUB}/gp7_gpinitstandby_refusals_RECONSTRUCTED.txt`);
    assertFields(whole, { runsFound: 9, outcome: 'succeeded', standbyAlreadyRunning: true });
  });

  it('Cloudberry -a with unreachable segment hosts: refused, hosts-unreachable, the hosts named, nothing rolled back', () => {
    const r = parseFixture('gpinitstandby', `${PUB}/cbdb_gpinitstandby_-a_segment_host_unreachable_RECONSTRUCTED.txt`);
    assertFields(r, {
      vocabulary: 'coordinator',
      outcome: 'refused',
      reason: 'hosts-unreachable',
      mode: 'create',
      standbyHost: 'scdw',
      errorMessage: 'Unable to proceed while one or more hosts are unreachable',
      unreachableHosts: ['sdw2', 'sdw3'],
      rolledBack: false,
    });
    const gp7 = cases(`${PUB}/gp7_gpinitstandby_refusals_RECONSTRUCTED.txt`).find(t =>
      t.includes('not currently reachable'),
    );
    assertFields(parseRecognised('gpinitstandby', gp7 ?? ''), {
      outcome: 'refused',
      reason: 'hosts-unreachable',
      unreachableHosts: ['sdw2'],
    });
  });

  it('the help text is not a gpinitstandby run', () => {
    const r = parseOutput('gpinitstandby', readFixture(`${LAB}/54-gpinitstandby-help.txt`));
    assert.equal(r.recognized, false);
  });
});

describe('gpactivatestandby parser', () => {
  it('lab 23 and 34: activation succeeded on cdw, DEBUG lines and the answered prompt tolerated', () => {
    const a = parseFixture('gpactivatestandby', `${LAB}/23-gpactivatestandby.txt`);
    assertFields(a, {
      kind: 'gpactivatestandby',
      outcome: 'succeeded',
      complete: true,
      exitCode: 0,
      pid: 994,
      newCoordinatorHost: 'cdw',
      promoted: true,
      standbyDataDirectory: '/data/standby/gpseg-1',
      standbyPort: 5433,
      standbyRunning: true,
      forceActivation: false,
      reason: null,
      problems: [],
      unparsedLines: [],
      prompts: [{ text: 'Do you want to continue with standby master activation? Yy|Nn (default=N):', answer: null }],
    });
    const b = parseFixture('gpactivatestandby', `${LAB}/34-gpactivatestandby-original-dir.txt`);
    assertFields(b, {
      outcome: 'succeeded',
      newCoordinatorHost: 'cdw',
      standbyDataDirectory: '/data/master/gpseg-1',
      standbyPort: 5432,
    });
  });

  it('lab 10: the master still runs — refused, coordinator-still-running', () => {
    const r = parseFixture('gpactivatestandby', `${LAB}/10-gpactivatestandby-while-master-running.txt`);
    assertFields(r, {
      outcome: 'refused',
      reason: 'coordinator-still-running',
      errorMessage: 'Active postgres process on master',
      exitCode: 2,
      runningCoordinator: { host: 'cdw', port: 5432 },
      newCoordinatorHost: null,
      promoted: false,
    });
    assert.equal(r.problems.length, 6);
  });

  it('lab 50: run against the active master directory — refused, not-a-standby', () => {
    const r = parseFixture('gpactivatestandby', `${LAB}/50-gpactivatestandby-on-active-master-dir.txt`);
    assertFields(r, {
      outcome: 'refused',
      reason: 'not-a-standby',
      errorMessage: 'Critical required file on standby "/data/master/gpseg-1/recovery.conf" is not present.',
      exitCode: 2,
    });
  });

  it('GP6 REAL interactive activation on smdw (middle elided by its author)', () => {
    const r = parseFixture('gpactivatestandby', `${PUB}/gp6_gpactivatestandby_interactive_REAL.txt`);
    assertFields(r, {
      outcome: 'succeeded',
      newCoordinatorHost: 'smdw',
      host: 'smdw',
      pid: 4280,
      standbyPort: 5432,
      prompts: [{ text: 'Do you want to continue with standby master activation? Yy|Nn (default=N):', answer: 'y' }],
    });
  });

  it('GP7 REAL -a -q run', () => {
    const r = parseFixture('gpactivatestandby', `${PUB}/gp7_gpactivatestandby_-d_-a_-q_REAL.txt`);
    assertFields(r, {
      vocabulary: 'coordinator',
      outcome: 'succeeded',
      newCoordinatorHost: 'smdw',
      standbyDataDirectory: '/data/coordinator/gpseg-1',
      standbyPort: 5432,
      promoted: true,
      prompts: [],
    });
  });

  it('GP6 refusal paths, case by case', () => {
    const expected = [
      {
        outcome: 'refused',
        reason: 'force-required',
        errorMessage: 'Force activation required',
        standbyRunning: false,
      },
      { outcome: 'refused', reason: 'coordinator-still-running', runningCoordinator: { host: 'mdw', port: 5432 } },
      { outcome: 'refused', reason: 'not-a-standby' },
      {
        outcome: 'refused',
        reason: 'environment',
        errorMessage: 'Both -d parameter and MASTER_DATA_DIRECTORY environment variable are not set.',
      },
      { outcome: 'refused', reason: 'environment', errorMessage: 'PGPORT environment variable not set.' },
    ];
    const texts = cases(`${PUB}/gp6_gpactivatestandby_refusals_RECONSTRUCTED.txt`);
    assert.equal(texts.length, expected.length);
    texts.forEach((text, i) =>
      assertFields(parseRecognised('gpactivatestandby', text), { vocabulary: 'master', ...expected[i] }),
    );
  });

  it('GP7 interactive and forced activations', () => {
    const [interactive, forced] = cases(`${PUB}/gp7_gpactivatestandby_interactive_and_force_RECONSTRUCTED.txt`);
    assertFields(parseRecognised('gpactivatestandby', interactive ?? ''), {
      outcome: 'succeeded',
      newCoordinatorHost: 'scdw',
      prompts: [
        { text: 'Do you want to continue with standby coordinator activation? Yy|Nn (default=N):', answer: 'y' },
      ],
    });
    const f = parseRecognised('gpactivatestandby', forced ?? '');
    assertFields(f, {
      outcome: 'succeeded',
      forceActivation: true,
      standbyRunning: false,
      newCoordinatorHost: null,
      promoted: true,
    });
    assert.equal(f.unparsedLines.length, 3);
  });

  it('Cloudberry: promoted, then timed out waiting for connections — promotion-timed-out, promoted', () => {
    const r = parseFixture('gpactivatestandby', `${PUB}/cbdb_gpactivatestandby_promotion_timed_out_RECONSTRUCTED.txt`);
    assertFields(r, {
      vocabulary: 'coordinator',
      outcome: 'failed',
      reason: 'promotion-timed-out',
      promoted: true,
      newCoordinatorHost: null,
      errorMessage: 'Timed out waiting for promoted coordinator to accept database connections.',
      standbyDataDirectory: '/data0/coordinator/gpseg-1',
    });
  });

  it('the help text is not a gpactivatestandby run', () => {
    assert.equal(
      parseOutput('gpactivatestandby', readFixture(`${LAB}/53-gpactivatestandby-help.txt`)).recognized,
      false,
    );
  });
});

describe('gpstop parser', () => {
  it('lab 33: gpstop -m with the spurious kill error and exit 0 — succeeded, error marked harmless', () => {
    const r = parseFixture('gpstop', `${LAB}/33-gpstop-m-current-master.txt`);
    assertFields(r, {
      kind: 'gpstop',
      outcome: 'succeeded',
      complete: true,
      exitCode: 0,
      pid: 2619,
      args: '-m',
      coordinatorOnly: true,
      shutdownMode: 'smart',
      coordinatorDataDirectory: '/data/standby/gpseg-1',
      coordinatorStopped: true,
      alreadyStopped: false,
      warningsHarmless: true,
      reason: null,
      prompts: [{ text: 'Continue with master-only shutdown Yy|Nn (default=N):', answer: null }],
    });
    assert.deepEqual(r.problems, [
      {
        level: 'ERROR',
        text: 'Failed to kill process 448 for segment /data/standby/gpseg-1: bash: line 1: kill: (448) - No such process',
        harmless: true,
      },
    ]);
  });

  it('lab 80 and 110: full stops', () => {
    for (const file of ['80-gpstop-a.txt', '110-gpstop-a-final.txt']) {
      assertFields(parseFixture('gpstop', `${LAB}/${file}`), {
        outcome: 'succeeded',
        complete: true,
        coordinatorOnly: false,
        args: '-a',
        coordinatorDataDirectory: '/data/master/gpseg-1',
        problems: [],
      });
    }
  });

  it('lab 00: the coordinator-only gpstop inside gpinitsystem', () => {
    assertFields(parseFixture('gpstop', `${LAB}/00-gpinitsystem.txt`), {
      outcome: 'succeeded',
      coordinatorOnly: true,
      pid: 29359,
      args: '-a -l /home/gpadmin/gpAdminLogs -m -d /data/master/gpseg-1',
      exitCode: null,
    });
  });

  it('GP6 REAL gpstop -am twice: the last run (on smdw) is reported', () => {
    const r = parseFixture('gpstop', `${PUB}/gp6_gpstop-am_master_only_REAL.txt`);
    assertFields(r, {
      runsFound: 2,
      host: 'smdw',
      pid: 4871,
      outcome: 'succeeded',
      coordinatorOnly: true,
      args: '-am',
      coordinatorDataDirectory: '/data/master/gpseg-1',
    });
  });

  it('GP7 REAL coordinator-only stop behind a docker-compose prefix', () => {
    const r = parseFixture('gpstop', `${PUB}/gp7_gpstop-a-m_coordinator_only_REAL.txt`);
    assertFields(r, {
      vocabulary: 'coordinator',
      version: '7.1.0+dev.209.g4e9334d',
      outcome: 'succeeded',
      coordinatorOnly: true,
      coordinatorDataDirectory: '/gpdata/master/gpseg-1',
      unparsedLines: [],
    });
  });

  it('Cloudberry REAL full stop', () => {
    const r = parseFixture('gpstop', `${PUB}/cbdb_gpstop-a_full_stop_no_standby_REAL.txt`);
    assertFields(r, {
      vocabulary: 'coordinator',
      product: 'cloudberry',
      version: '1.0.0',
      outcome: 'succeeded',
      coordinatorOnly: false,
      coordinatorDataDirectory: '/data0/database/master/gpseg-1',
    });
  });

  it('GP7 -m interactive: stopped, aborted by the user, already stopped', () => {
    const [stopped, aborted, already] = cases(`${PUB}/gp7_gpstop-m_interactive_abort_stopped_RECONSTRUCTED.txt`);
    assertFields(parseRecognised('gpstop', stopped ?? ''), {
      outcome: 'succeeded',
      coordinatorOnly: true,
      prompts: [{ text: 'Continue with coordinator-only shutdown Yy|Nn (default=N):', answer: 'y' }],
    });
    assertFields(parseRecognised('gpstop', aborted ?? ''), {
      outcome: 'aborted',
      reason: 'user-aborted',
      coordinatorStopped: false,
      prompts: [{ text: 'Continue with coordinator-only shutdown Yy|Nn (default=N):', answer: 'n' }],
    });
    assertFields(parseRecognised('gpstop', already ?? ''), {
      outcome: 'refused',
      alreadyStopped: true,
      coordinatorStopped: false,
      errorMessage: 'postmaster.pid file does not exist.  is Greenplum instance already stopped?',
    });
    // Alone, the last run says neither "master" nor "coordinator": the earlier runs of the capture decide.
    assertFields(parseFixture('gpstop', `${PUB}/gp7_gpstop-m_interactive_abort_stopped_RECONSTRUCTED.txt`), {
      vocabulary: 'coordinator',
      runsFound: 3,
      alreadyStopped: true,
    });
  });

  it('gpstart output is not gpstop output', () => {
    assert.equal(parseOutput('gpstop', readFixture(`${LAB}/81-gpstart-a.txt`)).recognized, false);
    assert.equal(
      parseOutput('gpstop', readFixture(`${PUB}/gp6_gpstart_on_old_master_after_activation_RECONSTRUCTED.txt`))
        .recognized,
      false,
    );
  });
});

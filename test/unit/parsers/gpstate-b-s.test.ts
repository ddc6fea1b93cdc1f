import assert from 'node:assert/strict';
import { parseOutput } from '../../../src/core/parsers';
import { assertFields, parseFixture, readFixture } from './helpers';

const LAB = 'gp6-lab-capture';
const PUB = 'public-samples';

const healthySegments = (n: number) => ({
  instanceCount: 2 * n,
  primary: { total: n, valid: n, failures: 0 },
  mirror: { total: n, valid: n, failures: 0, actingAsPrimary: 0, actingAsMirror: n },
});

describe('gpstate -b parser', () => {
  it('lab 02 (-b) and 04 (plain gpstate): coordinator Active, standby passive, 2+2 segments', () => {
    for (const file of [
      '02-gpstate-b.txt',
      '04-gpstate.txt',
      '32-gpstate-b-after-reseed.txt',
      '40-gpstate-b-final.txt',
    ]) {
      const r = parseFixture('gpstate-b', `${LAB}/${file}`);
      assertFields(r, {
        kind: 'gpstate-b',
        vocabulary: 'master',
        product: 'greenplum',
        outcome: 'succeeded',
        complete: true,
        exitCode: 0,
        host: 'cdw',
        coordinator: { status: 'Active' },
        standbyConfigured: true,
        standby: { host: 'cdw', status: 'passive', statusText: 'Standby host passive' },
        segments: healthySegments(2),
        problems: [],
        unparsedLines: [],
      });
    }
    assert.equal(parseFixture('gpstate-b', `${LAB}/04-gpstate.txt`).pid, 32058);
  });

  it('lab 21: coordinator down — failed, connection refused, exit 2', () => {
    const r = parseFixture('gpstate-b', `${LAB}/21-gpstate-b-master-down.txt`);
    assertFields(r, {
      outcome: 'failed',
      reason: 'connection-failed',
      exitCode: 2,
      coordinator: null,
      standby: null,
      segments: null,
      standbyConfigured: null,
    });
  });

  it('lab 25 and 35: no standby after activation', () => {
    for (const file of ['25-gpstate-b-after-activation.txt', '35-gpstate-b-after-swap-activation.txt']) {
      const r = parseFixture('gpstate-b', `${LAB}/${file}`);
      assertFields(r, {
        outcome: 'succeeded',
        coordinator: { status: 'Active' },
        standbyConfigured: false,
        standby: null,
        segments: healthySegments(2),
      });
    }
  });

  it('GP6 REAL passive standby on smdw, 4+4 segments', () => {
    const r = parseFixture('gpstate-b', `${PUB}/gp6_gpstate-b_standby_passive_REAL.txt`);
    assertFields(r, {
      host: 'mdw',
      pid: 1796,
      version: '6.4.0',
      standby: { host: 'smdw', status: 'passive', statusText: 'Standby host passive' },
      segments: healthySegments(4),
    });
  });

  it('GP6 REAL no standby after activation, truncated by its author after the head', () => {
    const r = parseFixture('gpstate-b', `${PUB}/gp6_gpstate-b_no_standby_after_activation_REAL.txt`);
    assertFields(r, {
      host: 'smdw',
      outcome: 'succeeded',
      complete: false,
      coordinator: { status: 'Active' },
      standbyConfigured: false,
      standby: null,
    });
    assert.equal(r.segments?.instanceCount, 8);
    assert.equal(r.segments?.mirror, null);
    // The author's ". . ." elision reads like progress dots and is not reported.
    assert.deepEqual(r.unparsedLines, []);
  });

  it('GP6 standby DOWN warning row', () => {
    const r = parseFixture('gpstate-b', `${PUB}/gp6_gpstate-b_standby_host_down_RECONSTRUCTED.txt`);
    assertFields(r, {
      standby: { host: 'smdw', status: 'down', statusText: 'Standby host DOWN' },
      segments: healthySegments(2),
      outcome: 'succeeded',
    });
    assert.deepEqual(r.problems, [
      { level: 'WARNING', text: 'Standby master state = Standby host DOWN', harmless: false },
    ]);
  });

  it('GP7 standby DOWN and one primary failed over', () => {
    const r = parseFixture('gpstate-b', `${PUB}/gp7_gpstate-b_standby_down_and_primary_failed_RECONSTRUCTED.txt`);
    assertFields(r, {
      vocabulary: 'coordinator',
      standby: { host: 'scdw', status: 'down', statusText: 'Standby host DOWN' },
      segments: {
        instanceCount: 4,
        primary: { total: 2, valid: 1, failures: 1 },
        mirror: { total: 2, valid: 2, failures: 0, actingAsPrimary: 1, actingAsMirror: 1 },
      },
    });
    assert.equal(r.problems.length, 7);
    assert.ok(r.problems.some(p => p.text === 'Total primary segment failures (at coordinator) = 1'));
  });

  it('GP7 standby unreachable: status unknown with the fetch warning', () => {
    const r = parseFixture('gpstate-b', `${PUB}/gp7_gpstate-b_standby_unreachable_RECONSTRUCTED.txt`);
    assertFields(r, {
      standby: {
        host: 'scdw',
        status: 'unknown',
        statusText: 'Status could not be determined: Error getting status from host scdw',
      },
    });
  });

  it('GP7 REAL plain gpstate without standby or mirrors', () => {
    const r = parseFixture('gpstate-b', `${PUB}/gp7_gpstate_default-b_no_standby_no_mirrors_REAL.txt`);
    assertFields(r, {
      vocabulary: 'coordinator',
      version: '7.0.0-beta.5',
      pid: 135664,
      complete: true,
      coordinator: { status: 'Active' },
      standbyConfigured: false,
      standby: null,
      segments: { instanceCount: 6, primary: { total: 6, valid: 6, failures: 0 }, mirror: null },
    });
  });

  it('TRANSCRIBED: the plain gpstate run that follows gpstate -f, standby DOWN', () => {
    const r = parseFixture('gpstate-b', `${PUB}/gp6_gpstate-f_standby_process_not_running_TRANSCRIBED.txt`);
    assertFields(r, {
      pid: 45284,
      coordinator: { status: 'Active' },
      standby: { host: 'standby01', status: 'down', statusText: 'Standby host DOWN' },
      complete: false,
    });
    assert.equal(r.segments?.instanceCount, 40);
  });
});

describe('gpstate -s parser', () => {
  it('lab 03: coordinator section, standby passive, four segments', () => {
    const r = parseFixture('gpstate-s', `${LAB}/03-gpstate-s.txt`);
    assertFields(r, {
      kind: 'gpstate-s',
      outcome: 'succeeded',
      complete: true,
      exitCode: 0,
      pid: 31708,
      coordinator: {
        host: 'cdw',
        dataDirectory: '/data/master/gpseg-1',
        port: 5432,
        pid: 29983,
        currentRole: 'dispatch',
      },
      standbyConfigured: true,
      standby: { host: 'cdw', status: 'passive', statusText: 'Standby host passive' },
      versions: {
        initsystem: '6.24.3 build commit:25d3498a400ca5230e81abb94861f23389315213',
        current:
          'PostgreSQL 9.4.26 (Greenplum Database 6.24.3 build commit:25d3498a400ca5230e81abb94861f23389315213) on x86_64-unknown-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit compiled on Nov 26 2026 19:51:01',
        postgres: '9.4.26',
      },
      segments: { count: 4, primaries: 2, mirrors: 2, notUp: 0 },
      warningsGenerated: false,
      problems: [],
    });
  });

  it('lab 26: after activation the coordinator is the former standby, no standby', () => {
    const r = parseFixture('gpstate-s', `${LAB}/26-gpstate-s-after-activation.txt`);
    assertFields(r, {
      coordinator: {
        host: 'cdw',
        dataDirectory: '/data/standby/gpseg-1',
        port: 5433,
        pid: 448,
        currentRole: 'dispatch',
      },
      standbyConfigured: false,
      standby: null,
    });
  });

  it('lab 41 and 83: final state', () => {
    assertFields(parseFixture('gpstate-s', `${LAB}/41-gpstate-s-final.txt`), {
      coordinator: {
        host: 'cdw',
        dataDirectory: '/data/master/gpseg-1',
        port: 5432,
        pid: 2136,
        currentRole: 'dispatch',
      },
      standby: { host: 'cdw', status: 'passive', statusText: 'Standby host passive' },
    });
    assertFields(parseFixture('gpstate-s', `${LAB}/83-gpstate-s-after-gpstart.txt`), {
      coordinator: {
        host: 'cdw',
        dataDirectory: '/data/master/gpseg-1',
        port: 5432,
        pid: 9341,
        currentRole: 'dispatch',
      },
    });
  });

  it('GP6 standby DOWN: warning row and the closing warnings banner', () => {
    const r = parseFixture('gpstate-s', `${PUB}/gp6_gpstate-s_master_section_standby_down_RECONSTRUCTED.txt`, {
      exitCode: 1,
    });
    assertFields(r, {
      outcome: 'succeeded',
      exitCode: 1,
      warningsGenerated: true,
      segments: null,
      coordinator: {
        host: 'mdw',
        dataDirectory: '/data/master/gpseg-1',
        port: 5432,
        pid: 4321,
        currentRole: 'dispatch',
      },
      standby: { host: 'smdw', status: 'down', statusText: 'Standby host DOWN' },
      unparsedLines: ['[... per-segment blocks omitted ...]'],
    });
    assert.deepEqual(
      r.problems.map(p => p.text),
      [
        'Standby master state = Standby host DOWN',
        'Warnings have been generated during status processing',
        'Check log file or review screen output',
      ],
    );
  });

  it('GP7 coordinator section', () => {
    const r = parseFixture('gpstate-s', `${PUB}/gp7_gpstate-s_coordinator_section_standby_passive_RECONSTRUCTED.txt`);
    assertFields(r, {
      vocabulary: 'coordinator',
      coordinator: {
        host: 'cdw',
        dataDirectory: '/data/coordinator/gpseg-1',
        port: 5432,
        pid: 4321,
        currentRole: 'dispatch',
      },
      standby: { host: 'scdw', status: 'passive', statusText: 'Standby host passive' },
      versions: {
        initsystem: '7.1.0 build commit:0000000000000000000000000000000000000000 Open Source',
        current: r.versions.current,
        postgres: '12.12',
      },
    });
    assert.match(r.versions.current ?? '', /^PostgreSQL 12\.12 \(Greenplum Database 7\.1\.0/);
  });

  it('tells the gpstate modes apart: -s output is not -f or -b output, and -e/-m/-Q are none of them', () => {
    const s = readFixture(`${LAB}/03-gpstate-s.txt`);
    for (const kind of ['gpstate-f', 'gpstate-b'] as const) {
      const r = parseOutput(kind, s);
      assert.equal(r.recognized, false);
      if (!r.recognized) assert.match(r.reason, /not gpstate -[fb] output/);
    }
    for (const file of ['05-gpstate-m.txt', '51-gpstate-e.txt', '52-gpstate-Q.txt']) {
      for (const kind of ['gpstate-f', 'gpstate-b', 'gpstate-s'] as const)
        assert.equal(parseOutput(kind, readFixture(`${LAB}/${file}`)).recognized, false, `${file} as ${kind}`);
    }
  });
});

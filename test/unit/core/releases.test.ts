import assert from 'node:assert/strict';
import { hasHbaHostnames, releaseFromVersion, releaseLine, standbyLocationArgs } from '../../../src/core/releases';
import { releasePinnedByInventories } from '../../../src/language-server/utilities/pinned-release';

const inventory = (release?: string): string => `clusters:
  c:
${release ? `    release: ${release}\n` : ''}    dataDirectory: /data/coordinator/gpseg-1
    hosts: [{ name: cdw }, { name: scdw }]
`;

describe('releases', () => {
  it('reads the release from postgres --gp-version and SELECT version()', () => {
    assert.equal(
      releaseFromVersion(
        'postgres (Greenplum Database) 6.24.3 build commit:25d3498a400ca5230e81abb94861f23389315213 Open Source',
      ),
      '6',
    );
    assert.equal(releaseFromVersion('postgres (Greenplum Database) 5.29.10 build commit:abc Open Source'), '5');
    assert.equal(
      releaseFromVersion('postgres (Greenplum Database) 7.1.0 build commit:e7c2b1f14bb42a1018ac57d14f4436880e0a0515'),
      '7',
    );
    assert.equal(
      releaseFromVersion(
        'PostgreSQL 9.4.26 (Greenplum Database 6.24.3 build commit:25d3498a) on x86_64-unknown-linux-gnu',
      ),
      '6',
    );
    assert.equal(releaseFromVersion('postgres (Cloudberry Database) 1.6.0 build 1'), 'cloudberry-1');
    assert.equal(releaseFromVersion('postgres (Apache Cloudberry) 2.0.0-incubating build commit:1f2a'), 'cloudberry-2');
    assert.equal(
      releaseFromVersion('PostgreSQL 14.4 (Apache Cloudberry 2.0.0-incubating build commit:1f2a) on x86_64'),
      'cloudberry-2',
    );
    assert.equal(releaseFromVersion('postgres (PostgreSQL) 15.8'), undefined);
  });

  it('names the standby directory with -F pg_system on Greenplum 5 and -S elsewhere', () => {
    assert.equal(standbyLocationArgs('5', '/data/master/gpseg-1', 5433), ' -F pg_system:/data/master/gpseg-1 -P 5433');
    assert.equal(standbyLocationArgs('6', '/data/master/gpseg-1', undefined), ' -S /data/master/gpseg-1');
    assert.equal(standbyLocationArgs('cloudberry', undefined, 7000), ' -P 7000');
    assert.equal(standbyLocationArgs(undefined, undefined, undefined), '');
    assert.throws(() => standbyLocationArgs('5', '/data/my master', undefined), /it contains a space/);
    assert.throws(() => standbyLocationArgs('5', 'data/x', undefined), /absolute/);
    assert.equal(hasHbaHostnames('5'), false);
    assert.equal(hasHbaHostnames('cloudberry'), true);
    assert.equal(hasHbaHostnames(undefined), false);
    assert.equal(releaseLine('cloudberry-1'), 'cloudberry');
  });

  it('finds the one release the inventories pin, and none when they disagree', () => {
    assert.equal(releasePinnedByInventories([inventory('"5"'), inventory()]), '5');
    assert.equal(releasePinnedByInventories([inventory('"cloudberry-1"'), inventory('"cloudberry-2"')]), 'cloudberry');
    assert.equal(releasePinnedByInventories([inventory('"6"'), inventory('"7"')]), undefined);
    assert.equal(releasePinnedByInventories([inventory()]), undefined);
  });
});

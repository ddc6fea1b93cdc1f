// The parsers on outputs reconstructed from the 6.24.3 utilities' format strings for cases the captures lack
// (test/fixtures/reconstructed): gpstate -s without mirrors, a failed gpinitstandby -n, an activation whose OS
// host name differs from the inventory name.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inventoryHostByReportedName } from '../../../src/core/state';
import { activeFacts, labCluster, standbyFacts, stateOf } from '../engine/facts';
import { parseRecognised } from './helpers';

const read = (name: string): string =>
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'reconstructed', name), 'utf8');

describe('reconstructed outputs', () => {
  it('gpstate -s on a cluster without mirrors counts its primaries (no "Current role" rows)', () => {
    const r = parseRecognised('gpstate-s', read('gp6_gpstate-s_no_mirrors_RECONSTRUCTED.txt'));
    assert.equal(r.outcome, 'succeeded');
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.segments, { count: 2, primaries: 2, mirrors: 0, notUp: 0 });
    assert.equal(r.standby?.status, 'passive');
  });

  it('a failed gpinitstandby -n (pg_ctl: directory does not exist) is mode restart, outcome failed, nothing left unparsed', () => {
    const r = parseRecognised('gpinitstandby', read('gp6_gpinitstandby_-n_no_data_directory_RECONSTRUCTED.txt'));
    assert.equal(r.mode, 'restart');
    assert.equal(r.outcome, 'failed');
    assert.equal(r.reason, 'other');
    assert.equal(r.exitCode, 2);
    assert.match(
      r.errorMessage ?? '',
      /^ExecutionError: .*stderr='pg_ctl: directory "\/data\/standby\/gpseg-1" does not exist\n'$/s,
    );
    assert.deepEqual(r.unparsedLines, [], "the stderr block's closing quote belongs to the error");
    assert.equal(r.standbyHost, 'scdw');
    // Without the pasted command line the output alone still says -n.
    const bare = parseRecognised(
      'gpinitstandby',
      read('gp6_gpinitstandby_-n_no_data_directory_RECONSTRUCTED.txt').replace('$ gpinitstandby -n\n', ''),
    );
    assert.equal(bare.mode, 'restart');
  });

  it('gpactivatestandby names the OS host name; the engine maps it to the inventory host that ran it', () => {
    const r = parseRecognised('gpactivatestandby', read('gp6_gpactivatestandby_os_hostname_RECONSTRUCTED.txt'));
    assert.equal(r.outcome, 'succeeded');
    assert.equal(r.newCoordinatorHost, 'vm');
    const cluster = labCluster();
    // Both lab hosts report their own names; here cdw's machine calls itself vm, as on the real build.
    const state = stateOf(cluster, {
      cdw: { ...activeFacts('cdw', 'scdw'), hostname: 'vm' },
      scdw: { ...standbyFacts('scdw'), hostname: 'scdw.example.com' },
    });
    assert.equal(inventoryHostByReportedName(state, r.newCoordinatorHost!), 'cdw');
    assert.equal(inventoryHostByReportedName(state, 'scdw'), 'scdw', 'a short name matches a fully qualified one');
    assert.equal(inventoryHostByReportedName(state, 'elsewhere'), null);
    const twins = stateOf(cluster, {
      cdw: { ...activeFacts('cdw', 'scdw'), hostname: 'vm' },
      scdw: { ...standbyFacts('scdw'), hostname: 'vm' },
    });
    assert.equal(inventoryHostByReportedName(twins, 'vm'), null, 'two hosts with one OS name: no guess');
  });
});

// The guard before gpactivatestandby in a swap, judged on real Greenplum 6.24.3 outputs (test/fixtures/real-gp6).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  controlDataScript,
  firstRecordLsn,
  judgeFinalCheckpoint,
  parseControlData,
  walRecordScript,
} from '../../../src/core/procedures/final-checkpoint';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../fixtures/real-gp6', name), 'utf8');
const HOSTS = { stopped: 'scdw', standby: 'cdw' };

describe('standby-holds-final-checkpoint (pure)', () => {
  const stopped = parseControlData(fixture('pg-controldata-coordinator-shut-down.txt'));

  it("reads the stopped coordinator's state and last checkpoint from pg_controldata", () => {
    assert.deepEqual(stopped, { clusterState: 'shut down', checkpointLsn: '0/C03E028', timeline: 1 });
    assert.deepEqual(parseControlData(fixture('pg-controldata-standby-in-recovery.txt')), {
      clusterState: 'in archive recovery',
      checkpointLsn: '0/C000028',
      timeline: 1,
    });
    assert.deepEqual(parseControlData('pg_controldata: could not open file'), {
      clusterState: null,
      checkpointLsn: null,
      timeline: null,
    });
  });

  it("passes when the standby's WAL holds that record (pg_xlogdump prints it zero-padded)", () => {
    const dump = fixture('pg-xlogdump-standby-holds-checkpoint.txt');
    assert.equal(firstRecordLsn(dump), '0/0C03E028');
    const j = judgeFinalCheckpoint(HOSTS, stopped, dump);
    assert.equal(j.ok, true, j.message);
    assert.match(j.message, /the WAL on cdw holds scdw's last checkpoint record at 0\/C03E028/);
  });

  it('refuses when the record is missing, and says what to do', () => {
    const j = judgeFinalCheckpoint(HOSTS, stopped, fixture('pg-xlogdump-standby-lacks-record.txt'));
    assert.equal(j.ok, false);
    assert.match(j.message, /the WAL on cdw lacks the record at 0\/C03E028/);
    assert.match(j.message, /could not find a valid record after 0\/C03F000/);
    assert.match(j.message, /gpstart -a/);
  });

  it('refuses when the first record found is a later one (the checkpoint itself is missing)', () => {
    const later = fixture('pg-xlogdump-standby-holds-checkpoint.txt').replace('lsn: 0/0C03E028', 'lsn: 0/0C03E0A8');
    assert.equal(judgeFinalCheckpoint(HOSTS, stopped, later).ok, false);
  });

  it('refuses when the coordinator was not shut down cleanly (killed: its checkpoint is not the end of its WAL)', () => {
    const crashed = { clusterState: 'in production', checkpointLsn: '0/C03E028', timeline: 1 };
    const j = judgeFinalCheckpoint(HOSTS, crashed, fixture('pg-xlogdump-standby-holds-checkpoint.txt'));
    assert.equal(j.ok, false);
    assert.match(j.message, /pg_controldata on scdw says "in production", not "shut down"/);
    assert.equal(
      judgeFinalCheckpoint(HOSTS, { clusterState: 'shut down', checkpointLsn: null, timeline: 1 }, null).ok,
      false,
    );
  });

  it('quotes the data directory, accepts only a WAL location, and picks the tool and directory the host has', () => {
    assert.throws(() => walRecordScript('/data/master/gpseg-1', '0/1; rm -rf /', 1), /not a WAL location/);
    assert.throws(() => controlDataScript('relative/dir'), /data directory/);
    assert.throws(() => controlDataScript("/data/it's"), /contains "'"/);
    assert.match(controlDataScript('/data/master/gpseg-1'), /^pg_controldata '?\/data\/master\/gpseg-1'? /);
    assert.throws(() => walRecordScript('/data/master/gpseg-1', '0/C03E028', 0), /not a timeline/);
    const script = walRecordScript('/data/master/gpseg-1', '0/C03E028', 3);
    assert.match(script, /-t 3 -s 0\/C03E028 -n 1/);
    // Run for real: with neither tool on PATH, the script's own output names the missing command.
    const out = execFileSync('bash', ['-c', `PATH=/nonexistent; ${script}; true`], { encoding: 'utf8' });
    assert.match(out, /pg_waldump: (command )?not found/);
  });
});

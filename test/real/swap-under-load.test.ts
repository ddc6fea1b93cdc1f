// The swap with a client writing all the way through, on real Greenplum 6: a writer on the acting coordinator
// commits one row at a time and notes each acknowledged commit; after return-to-original every acknowledged row
// is in the table on the coordinator the swap made. The guards before gpstop -m and gpactivatestandby must let
// the swap run while the standby's replay trails by a record, and still lose nothing.
import assert from 'node:assert/strict';
import type { SshPool } from '../../src/ssh/pool';
import { labExec } from '../lab/lab';
import type { Lab } from '../lab/lab';
import { clusterOf, poolOf, runAll, startLab, stopLab, tempJournal } from '../lab/engine/helpers';

const PSQL = 'psql -X -q -At -d postgres';

describe('real Greenplum 6: return-to-original while a client writes', function () {
  this.timeout(900_000);
  let lab: Lab | undefined;
  let pool: SshPool | undefined;
  const journal = tempJournal('swap-under-load');

  before(async () => {
    lab = await startLab(63, 'after-failover', 'master');
    pool = poolOf(lab);
  });
  after(async () => {
    await pool?.dispose();
    await stopLab(lab);
  });

  it('restore-mirroring, then the swap with inserts committing every 200 ms: no acknowledged row lost', async () => {
    const restored = await runAll('restore-mirroring', clusterOf(lab!), pool!, journal);
    assert.equal(restored.result.status, 'done', restored.result.message);
    const created = await labExec(lab!, 'scdw', `${PSQL} -c "CREATE TABLE written (id int) DISTRIBUTED BY (id)"`);
    assert.equal(created.code, 0, created.stderr);
    // Each row in its own transaction; "ack N" only after psql reported the commit. Stops at /tmp/writer.stop.
    const writer = labExec(
      lab!,
      'scdw',
      'rm -f /tmp/writer.stop; i=0; while [ ! -e /tmp/writer.stop ]; do i=$((i+1)); ' +
        `${PSQL} -c "INSERT INTO written VALUES ($i)" >/dev/null 2>&1 && echo "ack $i"; sleep 0.2; done`,
      { timeoutMs: 800_000 },
    );
    const steps: string[] = [];
    try {
      // Let the writer commit for a while before the swap begins.
      await new Promise(r => setTimeout(r, 3000));
      const swap = await runAll('return-to-original', clusterOf(lab!), pool!, journal, {
        onEvent: e => {
          if (e.type === 'guard') steps.push(`${e.step.id} ${e.guard.id} ${e.ok ? 'ok' : 'FAIL'}: ${e.message}`);
        },
      });
      assert.equal(swap.result.status, 'done', `${swap.result.message}\n${steps.join('\n')}`);
      assert.equal(swap.result.state!.activeCoordinator, 'cdw');
    } finally {
      await labExec(lab!, 'scdw', 'touch /tmp/writer.stop');
    }
    const acked = (await writer).stdout
      .split('\n')
      .filter(l => l.startsWith('ack '))
      .map(l => Number(l.slice(4)));
    assert.ok(acked.length >= 10, `the writer committed only ${acked.length} rows`);
    const rows = await labExec(lab!, 'cdw', `${PSQL} -c "SELECT id FROM written ORDER BY id"`);
    assert.equal(rows.code, 0, rows.stderr);
    const present = new Set(rows.stdout.trim().split('\n').map(Number));
    const lost = acked.filter(id => !present.has(id));
    assert.deepEqual(lost, [], `acknowledged on scdw, missing on cdw (of ${acked.length} acknowledged)`);
    assert.ok(
      steps.some(s => s.startsWith('activate-standby standby-holds-final-checkpoint ok')),
      steps.join('\n'),
    );
  });
});

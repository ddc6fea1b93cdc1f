// Split brain observed, not inferred, on real Greenplum 6: the old coordinator started again in master-only utility
// mode runs a postmaster but refuses client sessions, so it is no second coordinator clients could write to.
import assert from 'node:assert/strict';
import { observe } from '../../src/engine/observe';
import type { SshPool } from '../../src/ssh/pool';
import { down, labExec, up } from '../lab/lab';
import type { Lab } from '../lab/lab';
import { clusterOf, poolOf } from '../lab/engine/helpers';

describe('real Greenplum 6: the old coordinator in utility mode after a failover', function () {
  this.timeout(600_000);
  let lab: Lab | undefined;
  let pool: SshPool | undefined;

  before(async () => {
    lab = await up({ subnet: 64, scenario: 'after-failover', greenplum: 'real' });
    pool = poolOf(lab);
  });
  after(async () => {
    await pool?.dispose();
    if (lab) await down(lab);
  });

  it('is told apart from a coordinator: scdw stays the one active coordinator, cdw is "utility-mode", no split brain', async () => {
    const pgCtl = `pg_ctl -D ${lab!.dataDirectory} -l /tmp/utility-mode.log -w -t 120`;
    const started = await labExec(lab!, 'cdw', `${pgCtl} -o "-c gp_role=utility" start`, { timeoutMs: 180_000 });
    assert.equal(started.code, 0, started.stdout + started.stderr);
    try {
      const refused = await labExec(lab!, 'cdw', 'psql -X -At -d postgres -c "SELECT 1"');
      assert.notEqual(refused.code, 0, 'a client session was accepted');
      assert.match(refused.stderr, /utility mode/);
      const state = await observe(clusterOf(lab!), pool!);
      assert.notEqual(state.situation, 'split-brain', JSON.stringify(state.problems));
      assert.equal(state.activeCoordinator, 'scdw');
      const roles = Object.fromEntries(state.hosts.map(h => [h.name, h.role]));
      assert.equal(roles.scdw, 'active-coordinator');
      assert.equal(roles.cdw, 'utility-mode');
      assert.ok(state.problems.some(p => p.code === 'utility-mode-postmaster'));
    } finally {
      await labExec(lab!, 'cdw', `${pgCtl} -m fast stop`, { timeoutMs: 180_000 });
    }
  });
});

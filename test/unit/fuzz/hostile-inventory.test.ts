// Hostile inventory values, end to end: seeded data directories, GPHOME and environment-script paths full of
// shell syntax are refused by the real loader (naming each field) and, were it bypassed, by the engine's command
// builder (the observation probe, each step of both procedures, each step's guard scripts). No canary may appear.
// The utilities, mv and psql are shell functions from a stub environment script, so nothing is really moved.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInventory, resolveCluster } from '../../../src/core/inventory';
import type { ResolvedCluster } from '../../../src/core/inventory';
import { buildTemplateStep } from '../../../src/core/lifecycle-planner';
import { PROCEDURES } from '../../../src/core/procedures/definitions';
import { RESTART_COORDINATOR } from '../../../src/core/procedures/swap-rollback';
import type { ProcedureId } from '../../../src/core/procedures/types';
import type { ClusterState } from '../../../src/core/state';
import { coordinatorEnv, pathCharacterProblem, UnsafeValueError } from '../../../src/core/shell';
import { commandFor } from '../../../src/engine/observe';
import { probeScript } from '../../../src/engine/probe';
import { hostilePath, int, pick, prng } from './generators';

const CASES = Number(process.env.HOSTILE_CASES ?? 12);

/** Every command line the product would send to a host of this cluster. */
function commandsFor(cluster: ResolvedCluster): string[] {
  const out: string[] = [];
  for (const h of cluster.hosts)
    out.push(commandFor(cluster, probeScript(h.dataDirectory, h.port), coordinatorEnv(h.dataDirectory, h.port)));
  const state = { hosts: [] } as unknown as ClusterState;
  const [a, b] = [cluster.hosts[1]!, cluster.hosts[0]!];
  const refs = {
    active: a,
    'new-standby': b,
    'original-coordinator': cluster.originalCoordinator,
    'original-standby': cluster.originalStandby,
    'old-coordinator': b,
    'standby-host': a,
  };
  const templates = [
    ...(Object.keys(PROCEDURES) as ProcedureId[]).flatMap(id => PROCEDURES[id].steps.map(t => ({ id, t }))),
    { id: 'return-to-original' as ProcedureId, t: RESTART_COORDINATOR },
  ];
  for (const { id, t } of templates) {
    // -f and a typed fencing name are the values a failover adds; they are plain flags, built in too.
    const step = buildTemplateStep(id, t, { index: 0, total: 1 }, refs, state, new Date(0), {
      force: true,
      fencedHost: b.name,
    });
    out.push(commandFor(cluster, step.command, step.env));
    for (const g of step.guards) {
      const script = (g as { script?: unknown }).script;
      if (typeof script === 'string') out.push(commandFor(cluster, script));
    }
  }
  return out;
}

describe('fuzz: hostile inventory values never reach the shell as syntax', function () {
  let dir: string;
  let canaries: string;
  let envScript: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gpcoord-hostile-'));
    canaries = join(dir, 'canary');
    mkdirSync(canaries);
    envScript = join(dir, 'env.sh');
    // Stubs: the commands a step would run only print their arguments.
    const stubs = [
      'mv',
      'gpinitstandby',
      'gpactivatestandby',
      'gpstop',
      'gpstart',
      'gpstate',
      'psql',
      'pg_ctl',
      'pg_controldata',
    ];
    writeFileSync(envScript, stubs.map(s => `${s}() { printf '${s}'; printf ' [%s]' "$@"; echo; }`).join('\n') + '\n');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uses payloads that do run when left unquoted (the control)', () => {
    let fired = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const canary = join(canaries, `control-${seed}`);
      const path = hostilePath(prng(seed), canary);
      try {
        execFileSync('bash', ['-c', `ls -d ${path}`], { cwd: dir, stdio: 'pipe', timeout: 20000 });
      } catch {
        // irrelevant: only the canary counts
      }
      if (readdirSync(canaries).includes(`control-${seed}`)) fired++;
    }
    for (const f of readdirSync(canaries)) rmSync(join(canaries, f), { force: true });
    assert.ok(fired >= CASES / 3, `only ${fired} of ${CASES} payloads fire unquoted; the test would prove little`);
  });

  it(`refuses ${CASES} seeded hostile inventories at the loader, naming each field, and at the command builder`, function () {
    this.timeout(600000);
    let refused = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const r = prng(seed);
      const canary = join(canaries, `pwned-${seed}`);
      const dataDirectory = hostilePath(r, canary);
      const standbyDir = hostilePath(r, canary);
      const hostileEnv = int(r, 3) === 0;
      const config = {
        description: pick(r, [dataDirectory, `$(touch ${canary})`]),
        gphome: hostileEnv ? hostilePath(r, canary) : dir,
        environmentScript: hostileEnv ? hostilePath(r, canary) : envScript,
        dataDirectory,
        port: 5432,
        hosts: [
          { name: 'cdw', role: 'coordinator' as const },
          { name: 'scdw', role: 'standby' as const, dataDirectory: standbyDir },
        ],
      };
      const parsed = parseInventory(JSON.stringify({ version: 1, clusters: { c: config } }));
      const fields: Array<[string, string]> = [
        ['clusters.c.dataDirectory', dataDirectory],
        ['clusters.c.hosts[1].dataDirectory', standbyDir],
        ['clusters.c.gphome', config.gphome],
        ['clusters.c.environmentScript', config.environmentScript],
      ];
      const hostile = fields.filter(([, v]) => pathCharacterProblem(v) !== null);
      if (hostile.length) {
        refused++;
        assert.equal(parsed.ok, false, `seed ${seed}: a hostile inventory was accepted`);
        for (const [field] of hostile)
          assert.ok(
            parsed.problems.some(p => p.field === field),
            `seed ${seed}: ${field} not named: ${JSON.stringify(parsed.problems)}`,
          );
        // Were the loader bypassed, the builder refuses a hostile data directory before any command exists.
        if (pathCharacterProblem(dataDirectory) || pathCharacterProblem(standbyDir)) {
          assert.throws(
            () => commandsFor(resolveCluster('c', { ...config, vocabulary: 'auto', product: 'auto' })),
            UnsafeValueError,
            `seed ${seed}`,
          );
        }
        continue;
      }
      assert.ok(parsed.ok, `seed ${seed}: ${parsed.problems.map(p => p.message).join('; ')}`);
    }
    assert.deepEqual(readdirSync(canaries), [], 'a hostile value ran as a command');
    console.log(`      (${refused} of ${CASES} hostile inventories refused, no canary created)`);
    assert.ok(
      refused >= CASES / 2,
      `only ${refused} of ${CASES} seeds produced a hostile path: the test would prove little`,
    );
  });
});

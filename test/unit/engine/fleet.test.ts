// Observing many clusters: bounded concurrency, one probe per distinct host, and no head-of-line blocking. The
// executor is scripted (pure scheduling logic under test): each host's probe answers when the test lets it, so the
// assertions are about order and counts, never about time.
import assert from 'node:assert/strict';
import { parseInventory, resolveCluster } from '../../../src/core/inventory';
import type { ResolvedCluster } from '../../../src/core/inventory';
import { observeFleet } from '../../../src/engine/fleet';
import type { ExecResult, HostTarget, RemoteExecutor, ShellSession } from '../../../src/ssh/types';

function cluster(name: string, coordinator: string, standby: string): ResolvedCluster {
  const r = parseInventory(
    `clusters:\n  ${name}:\n    dataDirectory: /data/coordinator/gpseg-1\n    port: 5432\n    hosts:\n      - name: ${coordinator}\n        role: coordinator\n      - name: ${standby}\n`,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return resolveCluster(name, r.inventory.clusters[name]!);
}

/** What the probe prints on a running coordinator (c…) or a streaming standby (s…). */
function probeOutput(host: string): string {
  const coordinator = host.startsWith('c');
  return [
    `@gpc hostname ${host}`,
    '@gpc dir 1',
    '@gpc pidfile 1',
    '@gpc pid 100',
    '@gpc running 1',
    '@gpc lock 1 100 1',
    ...(coordinator ? ['@gpc recovery f', '@gpc lsn 0/3000060'] : ['@gpc standby_signal 1', '@gpc recovery t']),
    '@gpc end',
    '',
  ].join('\n');
}

/** Answers each host's probe when released; records the order probes started and how many ran at once. */
class ScriptedExecutor implements RemoteExecutor {
  readonly started: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly gates = new Map<string, () => void>();

  constructor(private readonly held: Set<string> = new Set()) {}

  openShell(): Promise<ShellSession> {
    return Promise.reject(new Error('no PTY in this test'));
  }

  async exec(host: HostTarget): Promise<ExecResult> {
    this.started.push(host.name);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    if (this.held.has(host.name)) await new Promise<void>(resolve => this.gates.set(host.name, resolve));
    else await new Promise(resolve => setImmediate(resolve));
    this.inFlight--;
    return { exitCode: 0, signal: null, stdout: probeOutput(host.name), stderr: '', durationMs: 0 };
  }

  release(host: string): void {
    this.gates.get(host)?.();
  }

  waitingOn(host: string): boolean {
    return this.gates.has(host);
  }
}

describe('engine: observing a fleet of clusters', () => {
  it('reports every other cluster while one host does not answer, and that cluster once it does', async () => {
    const clusters = Array.from({ length: 30 }, (_, i) => cluster(`k${i}`, `c${i}`, `s${i}`));
    const executor = new ScriptedExecutor(new Set(['s3']));
    const reported: string[] = [];
    const done = observeFleet(clusters, executor, { concurrency: 4, onCluster: c => reported.push(c.name) });
    // Wait until every host but the held one has answered: the held probe keeps one slot, the other three go on.
    while (reported.length < 29) await new Promise(resolve => setImmediate(resolve));
    assert.ok(executor.waitingOn('s3'));
    assert.ok(!reported.includes('k3'), 'the cluster of the host that did not answer was reported before it answered');
    assert.deepEqual(
      [...reported].sort(),
      clusters
        .map(c => c.name)
        .filter(n => n !== 'k3')
        .sort(),
    );
    executor.release('s3');
    const states = await done;
    assert.equal(reported.at(-1), 'k3');
    assert.equal(states.get('k3')?.activeCoordinator, 'c3');
    assert.equal(states.get('k0')?.activeCoordinator, 'c0');
  });

  it('never has more probes running than the concurrency limit', async () => {
    const clusters = Array.from({ length: 20 }, (_, i) => cluster(`k${i}`, `c${i}`, `s${i}`));
    const executor = new ScriptedExecutor();
    const states = await observeFleet(clusters, executor, { concurrency: 3 });
    assert.equal(executor.maxInFlight, 3);
    assert.equal(executor.started.length, 40);
    assert.equal(states.size, 20);
  });

  it('probes a host once when several inventory entries name it', async () => {
    const clusters = Array.from({ length: 5 }, (_, i) => cluster(`alias${i}`, 'cdw', 'sdw'));
    const executor = new ScriptedExecutor();
    const reported: string[] = [];
    const states = await observeFleet(clusters, executor, { onCluster: c => reported.push(c.name) });
    assert.deepEqual([...executor.started].sort(), ['cdw', 'sdw']);
    assert.deepEqual([...reported].sort(), clusters.map(c => c.name).sort());
    assert.ok([...states.values()].every(s => s.activeCoordinator === 'cdw'));
  });
});

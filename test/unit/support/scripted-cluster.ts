// A cluster the FakeExecutor plays: each host's facts (as the observation probe would print them, held in a map
// the test changes as steps "run"), the remote guards answered OK unless the test makes one fail, and the commands
// the test scripts on top. Built on the facts of test/unit/engine/facts.ts.
import type { HostFacts } from '../../../src/engine/probe';
import { FakeExecutor } from './fake-executor';
import type { Answer } from './fake-executor';

/** The probe's `@gpc` lines for these facts (what parseProbe reads back). */
export function probeOutput(f: HostFacts): string {
  const lines = [
    `@gpc hostname ${f.hostname ?? ''}`,
    `@gpc dir ${f.dirExists ? 1 : 0}`,
    `@gpc pidfile ${f.pidFile ? 1 : 0}`,
    `@gpc pid ${f.pid ?? ''}`,
    `@gpc running ${f.running ? 1 : 0}`,
  ];
  if (f.standbySignal) lines.push('@gpc standby_signal 1');
  if (f.recoveryConf) lines.push('@gpc recovery_conf 1');
  lines.push(f.lockFile ? `@gpc lock 1 ${f.lockPid ?? 0} ${f.lockAlive ? 1 : 0}` : '@gpc lock 0');
  if (f.lockDir) lines.push(`@gpc lockdir ${f.lockDir}`);
  for (const b of f.backups) lines.push(`@gpc backup ${b}`);
  if (f.clusterStateText) lines.push(`@gpc cstate ${f.clusterStateText}`);
  if (f.timeline !== null) lines.push(`@gpc timeline ${f.timeline}`);
  if (f.inRecovery !== null) lines.push(`@gpc recovery ${f.inRecovery ? 't' : 'f'}`);
  for (const c of f.catalog) {
    lines.push(
      `@gpc seg ${JSON.stringify({ dbid: c.dbid, role: c.role, preferred_role: c.preferredRole, status: c.status, hostname: c.hostname, address: c.address, port: c.port, datadir: c.datadir })}`,
    );
  }
  if (f.segments) lines.push(`@gpc segsum ${f.segments.total} ${f.segments.down} ${f.segments.notInPreferredRole}`);
  for (const r of f.replication) {
    lines.push(
      `@gpc repl ${JSON.stringify({ state: r.state, sync_state: r.syncState, sent_lsn: r.sentLsn, flush_lsn: r.flushLsn, replay_lsn: r.replayLsn, application_name: r.applicationName, client_addr: r.clientAddr })}`,
    );
  }
  if (f.currentLsn) lines.push(`@gpc lsn ${f.currentLsn}`);
  for (const m of f.psqlMessages) lines.push(`@gpc psqlmsg ${m}`);
  if (f.complete) lines.push('@gpc end');
  return `${lines.join('\n')}\n`;
}

/** The probe script's marker: every observation runs it, and nothing else prints "@gpc hostname". */
export const PROBE = '@gpc hostname';

export interface ScriptedCluster {
  executor: FakeExecutor;
  /** The facts each host's probe prints now; change them to change what the next observation sees. */
  facts: Record<string, HostFacts | Answer>;
  /** Remote guards (by id) that print FAIL with this reason instead of OK. */
  failingGuards: Map<string, string>;
}

/** Answers every guard in a combined guard script with OK, except those the test made fail. */
function guardAnswer(command: string, failing: Map<string, string>): Answer {
  const ids = [...new Set([...command.matchAll(/GUARD (\S+) OK/g)].map(m => m[1]!))];
  return {
    stdout:
      ids.map(id => (failing.has(id) ? `GUARD ${id} FAIL ${failing.get(id)!}` : `GUARD ${id} OK scripted`)).join('\n') +
      '\n',
  };
}

export function scriptedCluster(facts: Record<string, HostFacts | Answer>): ScriptedCluster {
  const executor = new FakeExecutor();
  const c: ScriptedCluster = { executor, facts, failingGuards: new Map() };
  executor.on(undefined, PROBE, call => {
    const f = c.facts[call.host];
    if (!f) return { fail: 'connect-failed', message: `no such host ${call.host}` };
    return 'hostname' in f ? { stdout: probeOutput(f) } : f;
  });
  executor.on(undefined, /GUARD \S+ OK/, call => guardAnswer(call.command, c.failingGuards));
  // The run lock (its scripts are tested against a real shell in run-lock.test.ts): always free here.
  executor.on(undefined, 'gpcoord-lock', { stdout: 'gpcoord-lock acquired\n' });
  // The look for step programs still running (in-flight.test.ts reads real ps output): none here.
  executor.on(undefined, 'ps -eo pid=,args=', { stdout: '' });
  return c;
}

// From each host's raw facts to one ClusterState: which host is active, the standby and its replication,
// the situation, and the problems in words an administrator can act on. Pure.
import type { ResolvedCluster, ResolvedHost } from '../core/inventory';
import { releaseFromVersion } from '../core/releases';
import { pathCharacterProblem, visibleText } from '../core/shell';
import { emptyStandby, lsnDiff } from '../core/state';
import type { ClusterState, HostFailure, HostRole, HostState, Problem, Situation, StandbyState } from '../core/state';
import type { CatalogRow, HostFacts, ReplicationRow } from './probe';

export type HostObservation =
  | { host: string; ok: true; facts: HostFacts; observedAt: string }
  | { host: string; ok: false; error: string; failure?: HostFailure; observedAt: string };

/**
 * True when the host runs a postmaster that accepts client sessions as a read-write coordinator (it answered, not
 * in recovery) or, not answering for an unknown reason, may do so. A postmaster that refused the session because it
 * runs in utility mode serves no clients: it runs, but it is not a coordinator clients can write to.
 */
function claimsActive(f: HostFacts): boolean {
  if (!f.running) return false;
  if (f.inRecovery !== null) return !f.inRecovery;
  if (f.utilityMode) return false;
  return !f.standbySignal && !f.recoveryConf;
}

function matchCatalogHost(cluster: ResolvedCluster, row: CatalogRow): ResolvedHost | undefined {
  return cluster.hosts.find(
    h =>
      h.name === row.hostname || h.name === row.address || h.sshTarget === row.hostname || h.sshTarget === row.address,
  );
}

export function deriveClusterState(
  cluster: ResolvedCluster,
  observations: readonly HostObservation[],
  now: Date = new Date(),
): ClusterState {
  const observedAt = now.toISOString();
  const problems: Problem[] = [];
  const byName = new Map(observations.map(o => [o.host, o]));
  const claimants = observations.filter(
    (o): o is Extract<HostObservation, { ok: true }> => o.ok && claimsActive(o.facts),
  );
  const active = claimants.length === 1 ? claimants[0]! : undefined;

  const hosts: HostState[] = cluster.hosts.map(h => {
    const o = byName.get(h.name);
    const base = {
      name: h.name,
      dataDirectory: h.dataDirectory,
      port: h.port,
      observedAt: o?.observedAt ?? observedAt,
    };
    if (!o || !o.ok) {
      const error = o && !o.ok ? o.error : 'not observed';
      problems.push({
        level: 'error',
        code: 'host-unreachable',
        host: h.name,
        text: `${h.name} could not be observed: ${error}`,
      });
      return {
        ...base,
        reachable: false,
        error,
        ...(o && !o.ok && o.failure ? { failure: o.failure } : {}),
        dataDirectoryExists: null,
        postmasterRunning: null,
        postmasterPid: null,
        isStandbyDirectory: null,
        lockFilePresent: null,
        backups: [],
        role: 'unknown' as HostRole,
      };
    }
    const f = o.facts;
    const isStandbyDir = f.standbySignal || f.recoveryConf;
    let role: HostRole;
    if (f.running && f.inRecovery === null && f.utilityMode && !isStandbyDir) {
      role = 'utility-mode';
      problems.push({
        level: 'warning',
        code: 'utility-mode-postmaster',
        host: h.name,
        text:
          `a postmaster (PID ${f.pid ?? '?'}) runs on ${h.dataDirectory} on ${h.name} in utility mode: it refuses client sessions ("${f.psqlMessages.find(m => /utility mode/.test(m))?.replace(/^.*?FATAL:\s*/, '') ?? 'utility mode'}"), so it is not a second active coordinator. ` +
          `No step touches ${h.name}'s data directory while it runs: stop it (pg_ctl stop -D ${h.dataDirectory}) when it is no longer needed.`,
      });
    } else if (f.running) {
      if (claimsActive(f)) role = claimants.length === 1 ? 'active-coordinator' : 'unknown';
      else role = 'standby';
      if (f.inRecovery === null && !isStandbyDir) {
        problems.push({
          level: 'warning',
          code: 'postmaster-not-answering',
          host: h.name,
          text: `a postmaster runs on ${h.name} but did not answer a query${f.psqlMessages[0] ? ` (${f.psqlMessages[0]})` : ''}`,
        });
      }
    } else if (!f.dirExists) role = 'down';
    else if (isStandbyDir) role = 'down';
    else role = active && active.host !== h.name ? 'stale' : 'down';
    if (!f.complete)
      problems.push({
        level: 'warning',
        code: 'observation-incomplete',
        host: h.name,
        text: `the observation of ${h.name} was cut short; some facts are missing`,
      });
    const lockStale = f.lockFile && !f.lockAlive;
    if (lockStale && !f.running) {
      problems.push({
        level: 'warning',
        code: 'stale-lock-file',
        host: h.name,
        text:
          `${h.name} has a stale /tmp/.s.PGSQL.${h.port}.lock (PID ${f.lockPid ?? '?'} is not running): a postmaster was killed (e.g. kill -9) and left it. ` +
          `gpactivatestandby refuses while it exists ("Active postgres process"). Failover moves it aside (never deletes it) once it has checked on ${h.name} that no postgres holds it.`,
      });
    }
    problems.push(...unsafeHostValues(h.name, f));
    if (f.hostname && f.hostname !== h.name && f.hostname.split('.')[0] !== h.name) {
      problems.push({
        level: 'info',
        code: 'hostname-differs',
        host: h.name,
        text: `${h.name} reports its host name as ${f.hostname}`,
      });
    }
    const hs: HostState = {
      ...base,
      reachable: true,
      reportedHostName: f.hostname ?? undefined,
      dataDirectoryExists: f.dirExists,
      postmasterRunning: f.running,
      postmasterPid: f.running ? f.pid : null,
      isStandbyDirectory: f.dirExists ? isStandbyDir : null,
      lockFilePresent: f.lockFile,
      lockFilePid: f.lockPid,
      lockFileStale: f.lockFile ? lockStale : null,
      inRecovery: f.inRecovery,
      backups: f.backups,
      role,
    };
    if (f.clusterStateText) hs.clusterStateText = f.clusterStateText;
    if (f.timeline !== null) hs.timeline = f.timeline;
    return hs;
  });

  if (claimants.length > 1) {
    const names = claimants.map(c => c.host);
    const tl = claimants
      .map(c => `${c.host}${c.facts.timeline !== null ? ` (timeline ${c.facts.timeline})` : ''}`)
      .join(' and ');
    // Observed, not inferred: say which hosts accepted a session as coordinator and which did not answer.
    const silent = claimants.filter(c => c.facts.inRecovery === null).map(c => c.host);
    const how = silent.length
      ? `run a coordinator postmaster that is not a standby, and ${silent.join(' and ')} did not answer a session (so it may accept clients)`
      : 'both accept client sessions as a coordinator (not in recovery)';
    problems.unshift({
      level: 'error',
      code: 'split-brain',
      text:
        `${tl} ${how}: two hosts claim to be the active coordinator (split brain). ` +
        `Clients may be writing to either. Stop the one that must not be coordinator (usually the lower timeline) before anything else; ` +
        `no procedure will run while ${names.join(' and ')} both claim the role`,
    });
  }

  // The standby as the active coordinator's catalog and pg_stat_replication show it.
  let standby: StandbyState = emptyStandby(observedAt);
  let segments: ClusterState['segments'];
  if (active) {
    const f = active.facts;
    standby.observedAt = active.observedAt;
    if (f.segments) segments = f.segments;
    const row = f.catalog.find(r => r.role === 'm');
    const rep = pickReplication(f.replication);
    if (f.replication.length > 1)
      problems.push({
        level: 'info',
        code: 'several-wal-senders',
        host: active.host,
        text: `pg_stat_replication on ${active.host} has ${f.replication.length} rows (a base backup or another WAL receiver is connected)`,
      });
    standby = {
      ...standby,
      walState: rep?.state ?? null,
      syncState: rep?.syncState ?? null,
      sentLsn: rep?.sentLsn ?? null,
      flushLsn: rep?.flushLsn ?? null,
      replayLsn: rep?.replayLsn ?? null,
      currentLsn: f.currentLsn,
      lagBytes: lsnDiff(rep?.sentLsn, rep?.replayLsn),
      flushLagBytes: lsnDiff(rep?.sentLsn, rep?.flushLsn),
    };
    if (f.inRecovery === null) {
      problems.push({
        level: 'warning',
        code: 'catalog-not-read',
        host: active.host,
        text: `the catalog of ${active.host} could not be read${f.psqlMessages[0] ? ` (${f.psqlMessages[0]})` : ''}`,
      });
      standby.status = 'unknown';
    } else if (!row) {
      standby.status = 'not-configured';
    } else {
      const inv = matchCatalogHost(cluster, row);
      standby.host = inv?.name ?? row.hostname;
      standby.dataDirectory = row.datadir;
      standby.port = row.port;
      if (!inv) {
        standby.status = 'unknown';
        problems.push({
          level: 'warning',
          code: 'standby-not-in-inventory',
          text: `the catalog lists standby ${row.hostname}, which is not in the inventory of ${cluster.name}`,
        });
      } else {
        const hs = hosts.find(x => x.name === inv.name)!;
        if (row.datadir && row.datadir !== inv.dataDirectory) {
          problems.push({
            level: 'warning',
            code: 'standby-directory-differs',
            host: inv.name,
            text: `the catalog says the standby's data directory is ${row.datadir}, the inventory says ${inv.dataDirectory}`,
          });
        }
        standby.status = !hs.reachable ? 'unknown' : hs.role === 'standby' ? 'passive' : 'down';
      }
    }
  } else {
    const sb = hosts.find(h => h.role === 'standby');
    if (sb) {
      standby.host = sb.name;
      standby.status = 'passive';
      standby.dataDirectory = sb.dataDirectory;
      standby.port = sb.port;
    }
  }

  const situation = decideSituation(claimants.length, active !== undefined, standby, hosts);
  if (situation === 'standby-down' && standby.host) {
    problems.push({
      level: 'warning',
      code: 'standby-not-streaming',
      host: standby.host,
      text:
        standby.status === 'passive'
          ? `the standby on ${standby.host} runs but no WAL sender streams to it (${standby.walState ?? 'no pg_stat_replication row'})`
          : `the standby on ${standby.host} is ${standby.status}`,
    });
  }
  if (situation === 'both-down')
    problems.push({ level: 'error', code: 'both-down', text: 'no coordinator postmaster runs on any host' });
  if (situation === 'coordinator-down')
    problems.push({
      level: 'error',
      code: 'coordinator-down',
      text: `no active coordinator; ${standby.host ?? 'a host'} runs as a standby`,
    });
  const runningStandby = hosts.find(h => h.role === 'standby');
  const unobserved = hosts.filter(h => !h.reachable);
  if (
    situation === 'unknown' &&
    !hosts.some(h => h.role === 'active-coordinator') &&
    runningStandby &&
    unobserved.length
  ) {
    problems.push({
      level: 'error',
      code: 'coordinator-unconfirmed',
      text:
        `no active coordinator was seen and ${runningStandby.name} runs as a standby, but ${unobserved.map(h => h.name).join(', ')} could not be observed: ` +
        `its coordinator may still be running. Confirm on that host itself (or its console) that the coordinator is down before activating the standby`,
    });
  }
  if (segments && segments.down > 0)
    problems.push({
      level: 'warning',
      code: 'segments-down',
      text: `${segments.down} of ${segments.total} segments are marked down in the catalog`,
    });

  const vocabulary = observations.some(o => o.ok && o.facts.recoveryConf)
    ? 'master'
    : observations.some(o => o.ok && o.facts.standbySignal)
      ? 'coordinator'
      : undefined;
  const state: ClusterState = {
    cluster: cluster.name,
    hosts,
    activeCoordinator: active?.host ?? null,
    standby,
    situation,
    problems,
    observedAt,
    source: 'queries',
  };
  if (segments) state.segments = segments;
  const configured = cluster.config.vocabulary;
  if (configured !== 'auto') state.vocabulary = configured;
  else if (vocabulary) state.vocabulary = vocabulary;
  // The inventory's pin wins; otherwise the release the hosts' server binaries report (the active coordinator's first).
  const versions = [...observations].sort(
    (a, b) => Number(b.host === state.activeCoordinator) - Number(a.host === state.activeCoordinator),
  );
  const detected = versions
    .map(o => (o.ok && o.facts.gpVersion ? releaseFromVersion(o.facts.gpVersion) : undefined))
    .find(r => r !== undefined);
  const release = cluster.config.release ?? detected;
  if (release) state.release = release;
  return state;
}

function pickReplication(rows: readonly ReplicationRow[]): ReplicationRow | undefined {
  return rows.find(r => r.state === 'streaming') ?? rows[0];
}

function decideSituation(
  claimants: number,
  hasActive: boolean,
  standby: StandbyState,
  hosts: readonly HostState[],
): Situation {
  if (claimants > 1) return 'split-brain';
  if (hasActive) {
    if (standby.status === 'not-configured') return 'after-failover';
    if (standby.status === 'passive' && standby.walState === 'streaming') return 'healthy';
    if (standby.status === 'unknown' && standby.host === null) return 'unknown';
    return 'standby-down';
  }
  // A running standby without a coordinator is "coordinator down" only when every other host answered: a host
  // that could not be observed (down, partitioned, its host key changed) may still run the coordinator, and
  // calling it down would invite activating the standby beside it: two coordinators.
  if (hosts.some(h => !h.reachable)) return 'unknown';
  if (hosts.some(h => h.role === 'standby')) return 'coordinator-down';
  if (hosts.every(h => h.reachable && !h.postmasterRunning)) return 'both-down';
  return 'unknown';
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/**
 * Values a host returned that could become part of a later command (backup names next to the data directory, the
 * catalog's coordinator and standby rows) but hold characters no path or host name here may hold. Each is an
 * error with code unsafe-host-value: the planner refuses every step that changes the cluster while one is seen.
 */
function unsafeHostValues(host: string, f: HostFacts): Problem[] {
  const out: Problem[] = [];
  const add = (what: string, value: string, why: string, fix: string): void => {
    out.push({
      level: 'error',
      code: 'unsafe-host-value',
      host,
      text: `${host} returned ${what} ${visibleText(value)}, which gpcoord will not put in a command: ${why}. ${fix}`,
    });
  };
  for (const name of f.unsafeBackups) {
    add(
      'a backup entry named',
      name,
      pathCharacterProblem(name) ?? 'it holds characters outside the path characters',
      'Rename or remove that entry next to the data directory yourself, then run this again.',
    );
  }
  for (const row of f.catalog) {
    const dirProblem = row.datadir === null ? null : pathCharacterProblem(row.datadir);
    if (row.datadir !== null && dirProblem)
      add(
        `a catalog data directory (dbid ${row.dbid ?? '?'})`,
        row.datadir,
        dirProblem,
        "Check gp_segment_configuration; the inventory's data directory must be a plain path.",
      );
    if (!HOST_NAME.test(row.hostname))
      add(
        `a catalog host name (dbid ${row.dbid ?? '?'})`,
        row.hostname,
        'a host name holds only letters, digits, ".", "-" and "_"',
        'Check gp_segment_configuration.',
      );
  }
  return out;
}

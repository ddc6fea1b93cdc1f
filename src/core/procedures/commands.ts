// Exact command text for each step and the scripts of the guards checked on the hosts.
// Every value is validated and quoted here; the scripts are templates with no other input.
import { coordinatorEnv, parentDirectory, safeAbsolutePath, safeHostName, safePort, shellQuote } from '../shell';
import { lifecycleGuardBody, lifecycleStepCommand } from './lifecycle-commands';
import { fail, LIVE_PID, LOCK, ok } from './script-fragments';
import { standbyLocationArgs } from '../releases';
import type { RemoteGuardId, StepId, StepParams } from './types';

function need<T>(value: T | undefined, what: string, step: StepId): T {
  if (value === undefined) throw new Error(`step ${step} needs ${what}`);
  return value;
}

/** The command a step runs (after the environment script), and the variables exported for it. */
export function stepCommand(id: StepId, p: StepParams): { command: string; env: Record<string, string> } {
  const env = coordinatorEnv(p.dataDirectory, p.port);
  switch (id) {
    case 'move-aside': {
      const dir = shellQuote(safeAbsolutePath(p.dataDirectory, 'data directory'));
      const backup = shellQuote(safeAbsolutePath(need(p.backupPath, 'a backup path', id), 'backup path'));
      // test ! -e: never over an existing backup even if one appeared since the guard ran; -T: never into it.
      return { command: `test ! -e ${backup} && mv -T ${dir} ${backup}`, env: {} };
    }
    case 'init-standby': {
      const host = shellQuote(safeHostName(need(p.standbyHost, 'the standby host', id), 'standby host'));
      const sdir = need(p.standbyDataDirectory, 'the standby data directory', id);
      const sport = need(p.standbyPort, 'the standby port', id);
      // gpinitstandby defaults to the coordinator's directory and port; name them only when they differ
      // (Greenplum 5: -F pg_system:<dir>, elsewhere -S <dir>).
      const differs = sdir !== p.dataDirectory || sport !== p.port;
      const extra = differs ? standbyLocationArgs(p.release, sdir, sport) : '';
      return { command: `gpinitstandby -a -s ${host}${extra}`, env };
    }
    case 'stop-coordinator':
      return { command: 'gpstop -a -m -M fast', env };
    case 'activate-standby':
      // PGPORT (in env) is this host's port: gpactivatestandby reads it as the standby's port.
      // -f only when the DBA chose it knowingly (failover with the standby postmaster down).
      return {
        command: `gpactivatestandby -a${p.force ? ' -f' : ''} -d ${shellQuote(safeAbsolutePath(p.dataDirectory, 'data directory'))}`,
        env,
      };
    case 'check-activation':
      return { command: 'gpstate -b', env };
    case 'verify-mirroring':
    case 'check-mirroring':
      return { command: 'gpstate -f', env };
    default:
      return lifecycleStepCommand(id, p, env);
  }
}

/**
 * The script that checks one guard on its host; it prints one `GUARD <id> OK|FAIL <why>` line.
 * Values enter only as single-quoted assignments to D (data directory), P (parent), B (backup), H (inventory host); messages use
 * "$D" inside double quotes, where the value is substituted but never evaluated.
 */
export interface RemoteGuardParams {
  /** The host's inventory name: the name guard messages use. */
  host: string;
  dataDirectory: string;
  port: number;
  backupPath?: string | undefined;
  /** lock-aside-path-free: where the stale lock file goes. */
  lockAsidePath?: string | undefined;
}

export function remoteGuardScript(id: RemoteGuardId, p: RemoteGuardParams): string {
  const dirRaw = safeAbsolutePath(p.dataDirectory, 'data directory');
  const port = safePort(p.port);
  // H is the inventory's name of the host, the one the user knows: never the OS host name.
  const vars = `D=${shellQuote(dirRaw)}; P=${shellQuote(parentDirectory(dirRaw))}; H=${shellQuote(safeHostName(p.host, 'host name'))}`;
  const body = ((): string => {
    switch (id) {
      case 'data-directory-present':
        return `if [ -d "$D" ]; then ${ok(id, 'the data directory exists')}; else ${fail(id, '"$D does not exist on $H"')}; fi`;
      case 'data-directory-absent':
        return `if [ -e "$D" ] || [ -L "$D" ]; then ${fail(id, '"$D already exists on $H: gpinitstandby would refuse; move it aside first"')}; else ${ok(id, 'the data directory does not exist')}; fi`;
      case 'data-directory-not-in-use':
        return (
          `${LIVE_PID()}; ${LOCK(port)}; ` +
          `if [ -n "$pid" ]; then ${fail(id, '"postmaster PID $pid is running on $D on $H"')}; ` +
          `elif [ "$lalive" = 1 ] && [ "$ldir" = "$D" ]; then ${fail(id, `"postgres PID $lpid holds port ${port} for $D on $H"`)}; ` +
          `else ${ok(id, 'no running postmaster uses the data directory')}; fi`
        );
      case 'backup-path-free':
        return (
          `B=${shellQuote(safeAbsolutePath(p.backupPath ?? '', 'backup path'))}; ` +
          `if [ -e "$B" ] || [ -L "$B" ]; then ${fail(id, '"$B already exists on $H: an existing backup is never overwritten"')}; else ${ok(id, 'the backup name is free')}; fi`
        );
      case 'same-filesystem':
        return (
          `d=$(stat -c %d "$D" 2>/dev/null); pd=$(stat -c %d "$P" 2>/dev/null); ` +
          `if [ -z "$d" ] || [ "$d" != "$pd" ]; then ${fail(id, '"$D is a mount point or not on the filesystem of $P: mv would copy instead of renaming"')}; ` +
          `elif [ ! -w "$P" ]; then ${fail(id, '"$(id -un) cannot write to $P on $H"')}; ` +
          `else ${ok(id, 'the move is a rename on one filesystem')}; fi`
        );
      case 'postmaster-stopped':
        return `${LIVE_PID()}; if [ -n "$pid" ]; then ${fail(id, '"postmaster PID $pid still runs on $D on $H"')}; else ${ok(id, 'no postmaster runs')}; fi`;
      case 'no-lock-file':
        return (
          `${LOCK(port)}; ` +
          `if [ "$lalive" = 1 ]; then ${fail(id, '"postgres PID $lpid still holds $lock on $H: the old coordinator is not down"')}; ` +
          `elif [ -e "$lock" ]; then ${fail(id, `"stale lock file $lock on $H (PID \${lpid:-none} is not running: a postmaster was killed, e.g. kill -9). gpactivatestandby refuses while it exists (Active postgres process). Make sure no postgres uses port ${port} there, then remove the file yourself; gpcoord never deletes it."`)}; ` +
          `else ${ok(id, `no lock file for port ${port}`)}; fi`
        );
      case 'standby-marker-present':
        return (
          `${LIVE_PID()}; ` +
          `if [ ! -e "$D/standby.signal" ] && [ ! -e "$D/recovery.conf" ]; then ${fail(id, '"$D on $H has neither standby.signal nor recovery.conf: it is not a standby"')}; ` +
          `elif [ -z "$pid" ]; then ${fail(id, '"no standby postmaster runs on $D on $H: gpactivatestandby would need -f, which can lose the latest changes"')}; ` +
          `else ${ok(id, 'a standby postmaster runs on a standby data directory')}; fi`
        );
      default:
        return lifecycleGuardBody(id, p);
    }
  })();
  return `( ${vars}; ${body} )`;
}

/** Reads the `GUARD <id> OK|FAIL <why>` lines of a combined guard run. A guard that printed nothing failed. */
export function judgeRemoteGuards(
  ids: readonly RemoteGuardId[],
  stdout: string,
): Map<RemoteGuardId, { ok: boolean; message: string }> {
  const seen = new Map<string, { ok: boolean; message: string }>();
  for (const line of stdout.split('\n')) {
    const m = /^GUARD (\S+) (OK|FAIL) ?(.*)$/.exec(line.trimEnd());
    if (!m) continue;
    const prev = seen.get(m[1]!);
    // A FAIL always wins over an OK for the same guard.
    if (!prev || prev.ok) seen.set(m[1]!, { ok: m[2] === 'OK', message: m[3] ?? '' });
  }
  const out = new Map<RemoteGuardId, { ok: boolean; message: string }>();
  for (const id of ids)
    out.set(id, seen.get(id) ?? { ok: false, message: 'the check printed no result (it did not run to the end)' });
  return out;
}

// Commands and guard scripts of the lifecycle steps (failover, start and rebuild the standby, the swap's rollback).
// Values are validated and quoted here, as in commands.ts; the scripts are fixed templates around them.
import { safeAbsolutePath, safePort, shellQuote } from '../shell';
import { fail, LIVE_PID, LOCK, ok } from './script-fragments';
import type { RemoteGuardId, StepId, StepParams } from './types';

/** The lock file a postmaster keeps for its port: gpactivatestandby reads it on the old coordinator host. */
export function lockFilePath(port: number): string {
  return `/tmp/.s.PGSQL.${safePort(port)}.lock`;
}

/** Where a stale lock file is moved (never deleted): beside it, named with the time it was moved. */
export function lockAsidePath(port: number, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${lockFilePath(port)}.stale-${stamp}`;
}

export function lifecycleStepCommand(
  id: StepId,
  p: StepParams,
  env: Record<string, string>,
): { command: string; env: Record<string, string> } {
  switch (id) {
    case 'move-lock-aside': {
      const lock = shellQuote(safeAbsolutePath(p.lockPath ?? lockFilePath(p.port), 'lock file'));
      const aside = shellQuote(safeAbsolutePath(p.lockAsidePath ?? '', 'lock file backup'));
      return { command: `test ! -e ${aside} && mv -T ${lock} ${aside}`, env: {} };
    }
    case 'start-standby':
      return { command: 'gpinitstandby -n', env };
    case 'stop-standby':
      return {
        command: `pg_ctl stop -D ${shellQuote(safeAbsolutePath(p.dataDirectory, 'data directory'))} -m fast -w`,
        env,
      };
    case 'remove-standby':
      return { command: 'gpinitstandby -a -r', env };
    case 'restart-coordinator':
      return { command: 'gpstart -a', env };
    default:
      throw new Error(`step ${id} has no command`);
  }
}

const MARKER = '[ -e "$D/standby.signal" ] || [ -e "$D/recovery.conf" ]';

/** Guard bodies for the lifecycle guards; run inside remoteGuardScript's subshell, where D, P and H are set. */
export function lifecycleGuardBody(id: RemoteGuardId, p: { port: number; lockAsidePath?: string | undefined }): string {
  switch (id) {
    case 'standby-directory-intact':
      return (
        `${LIVE_PID()}; ` +
        `if [ ! -d "$D" ]; then ${fail(id, '"$D does not exist on $H"')}; ` +
        `elif [ ! -e "$D/PG_VERSION" ]; then ${fail(id, '"$D on $H has no PG_VERSION: it is not a complete data directory"')}; ` +
        `elif ! { ${MARKER}; }; then ${fail(id, '"$D on $H has neither standby.signal nor recovery.conf: it is not a standby"')}; ` +
        `elif [ -n "$pid" ]; then ${fail(id, '"postmaster PID $pid already runs on $D on $H"')}; ` +
        `else ${ok(id, 'a complete standby data directory, no postmaster running')}; fi`
      );
    case 'not-a-standby-directory':
      return (
        `if [ ! -d "$D" ]; then ${fail(id, '"$D does not exist on $H"')}; ` +
        `elif ${MARKER}; then ${fail(id, '"$D on $H is a standby (standby.signal or recovery.conf): starting it as the coordinator is not a rollback"')}; ` +
        `else ${ok(id, "the data directory is a coordinator's, not a standby")}; fi`
      );
    case 'is-standby-directory':
      return (
        `if [ ! -d "$D" ]; then ${fail(id, '"$D does not exist on $H"')}; ` +
        `elif ${MARKER}; then ${ok(id, 'the data directory is a standby (standby.signal or recovery.conf)')}; ` +
        `else ${fail(id, '"$D on $H has neither standby.signal nor recovery.conf: it was activated or is not a standby"')}; fi`
      );
    case 'lock-file-stale':
      return (
        `${LOCK(p.port)}; ` +
        `if [ ! -e "$lock" ]; then ${fail(id, '"there is no $lock on $H: nothing to move"')}; ` +
        `elif [ "$lalive" = 1 ]; then ${fail(id, '"postgres PID $lpid is alive and holds $lock on $H: the old coordinator is not down"')}; ` +
        `else ${ok(id, 'the lock file names no running postgres (left by a killed postmaster)')}; fi`
      );
    case 'lock-aside-path-free':
      return (
        `A=${shellQuote(safeAbsolutePath(p.lockAsidePath ?? '', 'lock file backup'))}; ` +
        `if [ -e "$A" ] || [ -L "$A" ]; then ${fail(id, '"$A already exists on $H: it is never overwritten"')}; else ${ok(id, 'the name for the moved lock file is free')}; fi`
      );
    default:
      throw new Error(`guard ${id} has no script`);
  }
}

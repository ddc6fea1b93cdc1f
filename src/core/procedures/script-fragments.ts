// Bash fragments shared by the guard scripts: one line printed per guard, and the tests of a live postgres.
import { safePort, shellQuote } from '../shell';
import type { RemoteGuardId } from './types';

export const ok = (id: RemoteGuardId, why: string): string => `echo ${shellQuote(`GUARD ${id} OK ${why}`)}`;
export const fail = (id: RemoteGuardId, why: string): string => `echo "GUARD ${id} FAIL "${why}`;

/** A bash test: the PID is a live postgres process (not gone, not reused by another program, not a zombie). */
export const ALIVE = (v: string): string =>
  `[ -d "/proc/${v}" ] && grep -qE '^(postgres|postmaster)' "/proc/${v}/comm" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/${v}/status" 2>/dev/null`;

/** A bash fragment that sets $pid to the PID in "$D/postmaster.pid" when that process is a live postgres, else empty. */
export const LIVE_PID = (): string =>
  `pid=$(head -n1 "$D/postmaster.pid" 2>/dev/null | tr -cd 0-9); ` +
  `if [ -n "$pid" ] && ! { ${ALIVE('$pid')}; }; then pid=; fi`;

/** A bash fragment that sets $lpid (PID in the lock file), $ldir (its data directory) and $lalive (1 when that PID is a live postgres). */
export const LOCK = (port: number): string =>
  `lock=/tmp/.s.PGSQL.${safePort(port)}.lock; lpid=; ldir=; lalive=0; ` +
  `if [ -e "$lock" ]; then lpid=$(head -n1 "$lock" 2>/dev/null | tr -cd 0-9); ldir=$(sed -n 2p "$lock" 2>/dev/null); ` +
  `if [ -n "$lpid" ] && ${ALIVE('$lpid')}; then lalive=1; fi; fi`;

// Which release a cluster runs, and what that changes in the commands the product builds.
// A release is pinned in the inventory or read from `postgres --gp-version` / `SELECT version()`.
import type { ReleasePin } from './inventory';
import { safeAbsolutePath, safePort, shellQuote } from './shell';

/** A release line whose utilities differ in flags, prompts and refusals. Cloudberry 1 and 2 share them. */
export type ReleaseLine = '5' | '6' | '7' | 'cloudberry';

export function releaseLine(pin: ReleasePin): ReleaseLine {
  return pin === 'cloudberry-1' || pin === 'cloudberry-2' ? 'cloudberry' : pin;
}

/** "Greenplum 6", "Cloudberry 2". */
export function releaseName(pin: ReleasePin): string {
  if (pin === 'cloudberry-1') return 'Cloudberry 1';
  if (pin === 'cloudberry-2') return 'Cloudberry 2';
  return `Greenplum ${pin}`;
}

/**
 * The release in the output of `postgres --gp-version` ("postgres (Greenplum Database) 6.24.3 build …",
 * "postgres (Cloudberry Database) 1.6.0 …", "postgres (Apache Cloudberry) 2.0.0 …") or of `SELECT version()`
 * ("PostgreSQL 9.4.26 (Greenplum Database 6.24.3 build …)"). Undefined when the text names neither product.
 */
export function releaseFromVersion(text: string): ReleasePin | undefined {
  const cloudberry =
    /\((?:Apache )?Cloudberry(?: Database)?\)? ?(\d+)\.\d+/i.exec(text) ??
    /Cloudberry(?: Database)? (\d+)\.\d+/i.exec(text);
  if (cloudberry) return Number(cloudberry[1]) >= 2 ? 'cloudberry-2' : 'cloudberry-1';
  const greenplum = /Greenplum Database\)? (\d+)\.\d+/i.exec(text);
  if (!greenplum) return undefined;
  const major = Number(greenplum[1]);
  if (major <= 5) return '5';
  if (major === 6) return '6';
  return '7';
}

/**
 * How gpinitstandby names the new standby's data directory and port, when they differ from the active
 * coordinator's. Greenplum 5 has no -S: the standby's locations are filespace:location pairs given with -F,
 * `pg_system` being the data directory (and user filespaces need their own pair, or gpinitstandby asks).
 */
export function standbyLocationArgs(
  line: ReleaseLine | undefined,
  directory: string | undefined,
  port: number | undefined,
): string {
  const parts: string[] = [];
  if (directory !== undefined) {
    const dir = safeAbsolutePath(directory, 'standby data directory');
    parts.push(line === '5' ? `-F ${shellQuote(`pg_system:${dir}`)}` : `-S ${shellQuote(dir)}`);
  }
  if (port !== undefined) parts.push(`-P ${safePort(port)}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

/** True when the release's gpinitstandby has --hba-hostnames (Greenplum 6 and later, Cloudberry). */
export function hasHbaHostnames(line: ReleaseLine | undefined): boolean {
  return line !== undefined && line !== '5';
}

// The backups every cycle leaves beside a coordinator data directory (backup_gpseg-1, backup_gpseg-1.<stamp>):
// the script that lists them with size and age, and the one place anything is ever removed — a script whose
// guards run on the host right before `rm`, in the same shell, each printing what it checked.
import { baseName, parentDirectory, safeAbsolutePath, shellQuote } from './shell';

export interface BackupEntry {
  name: string;
  path: string;
  /** Last modification (the move that made it), ISO. */
  modifiedAt: string;
  sizeBytes: number;
  symlink: boolean;
}

const STAMP_CHARS = /^[A-Za-z0-9._-]*$/;

/** True when `name` is a backup of `dataDirectory`'s name: backup_<name> or backup_<name>.<suffix>. */
export function isBackupName(dataDirectory: string, name: string): boolean {
  const plain = `backup_${baseName(safeAbsolutePath(dataDirectory, 'data directory'))}`;
  if (name === plain) return true;
  if (!name.startsWith(`${plain}.`)) return false;
  const suffix = name.slice(plain.length + 1);
  return suffix.length > 0 && STAMP_CHARS.test(suffix) && !suffix.split('.').includes('') && suffix !== '..';
}

/** Lists the backups: one `@bk <mtime> <kB> <symlink> <name>` line each, sizes from du (which reads every file). */
export function backupListScript(dataDirectory: string): string {
  const dir = safeAbsolutePath(dataDirectory, 'data directory');
  return [
    `P=${shellQuote(parentDirectory(dir))}; N=${shellQuote(`backup_${baseName(dir)}`)}`,
    'for b in "$P/$N" "$P/$N".*; do',
    '  [ -e "$b" ] || [ -L "$b" ] || continue',
    '  l=0; [ -L "$b" ] && l=1',
    '  m=$(stat -c %Y "$b" 2>/dev/null || echo 0)',
    '  k=0; [ "$l" = 0 ] && k=$(du -sk "$b" 2>/dev/null | cut -f1)',
    '  echo "@bk $m ${k:-0} $l ${b##*/}"',
    'done',
    'echo "@bk-end"',
  ].join('\n');
}

export function parseBackupList(dataDirectory: string, stdout: string): { entries: BackupEntry[]; complete: boolean } {
  const parent = parentDirectory(safeAbsolutePath(dataDirectory, 'data directory'));
  const entries: BackupEntry[] = [];
  let complete = false;
  for (const line of stdout.split('\n')) {
    if (line.trim() === '@bk-end') complete = true;
    const m = /^@bk (\d+) (\d+) ([01]) (\S+)$/.exec(line.trim());
    if (!m || !isBackupName(dataDirectory, m[4]!)) continue;
    entries.push({
      name: m[4]!,
      path: `${parent === '/' ? '' : parent}/${m[4]!}`,
      modifiedAt: new Date(Number(m[1]) * 1000).toISOString(),
      sizeBytes: Number(m[2]) * 1024,
      symlink: m[3] === '1',
    });
  }
  return { entries, complete };
}

/** The newest backup by modification time (the one kept unless the DBA asks otherwise). */
export function newestBackup(entries: readonly BackupEntry[]): BackupEntry | undefined {
  return [...entries].sort(
    (a, b) => Date.parse(b.modifiedAt) - Date.parse(a.modifiedAt) || b.name.localeCompare(a.name),
  )[0];
}

/** Which backups a removal would take by default: every one but the newest (or all, when asked), never a symlink. */
export function defaultRemovals(entries: readonly BackupEntry[], includeNewest: boolean): BackupEntry[] {
  const newest = newestBackup(entries.filter(e => !e.symlink));
  return entries.filter(e => !e.symlink && (includeNewest || e !== newest));
}

const LIVE = (v: string): string =>
  `grep -qE '^(postgres|postmaster)' "/proc/${v}/comm" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/${v}/status" 2>/dev/null`;

/**
 * Removes one backup, only when every check holds on the host at that moment. It prints `CHECK <id> OK|FAIL <why>`
 * per check and `REMOVED <name>` after `rm`. Checks: the name is a backup name of this data directory; the path is a
 * directory and not a symlink; it is not the data directory itself (after resolving symlinks) nor what any
 * symlink beside it points to; no live postgres runs in it (postmaster.pid, or a postgres process's working
 * directory); it is not the newest backup unless `allowNewest`.
 */
export function removeBackupScript(dataDirectory: string, name: string, allowNewest: boolean): string {
  const dir = safeAbsolutePath(dataDirectory, 'data directory');
  if (!isBackupName(dir, name))
    throw new Error(`"${name}" is not a backup of ${dir} (backup_${baseName(dir)} or backup_${baseName(dir)}.<stamp>)`);
  const check = (id: string, failWhen: string, failWhy: string, okWhy: string): string =>
    `if ${failWhen}; then echo "CHECK ${id} FAIL "${failWhy}; bad=1; else echo ${shellQuote(`CHECK ${id} OK ${okWhy}`)}; fi`;
  return [
    `D=${shellQuote(dir)}; P=${shellQuote(parentDirectory(dir))}; N=${shellQuote(`backup_${baseName(dir)}`)}; B="$P"/${shellQuote(name)}; H=$(hostname); bad=0`,
    'RB=$(readlink -f -- "$B" 2>/dev/null); RD=$(readlink -f -- "$D" 2>/dev/null)',
    check(
      'not-a-symlink',
      '[ -L "$B" ]',
      '"$B on $H is a symbolic link: its target is never removed"',
      'the backup is not a symbolic link',
    ),
    check(
      'is-a-directory',
      '[ ! -L "$B" ] && [ ! -d "$B" ]',
      '"$B on $H is not a directory"',
      'the backup is a directory',
    ),
    check(
      'not-the-data-directory',
      '[ -n "$RD" ] && [ "$RB" = "$RD" ]',
      '"$B on $H is the data directory $D itself"',
      'the backup is not the data directory',
    ),
    'linked=; for l in "$P"/* "$P"/.[!.]*; do [ -L "$l" ] && [ "$(readlink -f -- "$l" 2>/dev/null)" = "$RB" ] && linked="$l"; done',
    check(
      'not-a-link-target',
      '[ -n "$linked" ]',
      '"$linked on $H points to $B: it is in use through that link"',
      'no symbolic link beside it points to it',
    ),
    `pid=$(head -n1 "$B/postmaster.pid" 2>/dev/null | tr -cd 0-9); live=; if [ -n "$pid" ] && [ -d "/proc/$pid" ] && ${LIVE('$pid')}; then live=$pid; fi`,
    // One find lists every process's working directory (a postmaster's is its data directory); no fork per process.
    `while read -r pp target; do [ "$target" = "$RB" ] && ${LIVE('${pp#/proc/}')} && live=\${pp#/proc/}; done < <(find /proc -mindepth 2 -maxdepth 2 -name cwd -printf '%h %l\\n' 2>/dev/null)`,
    check('no-postmaster', '[ -n "$live" ]', '"postgres PID $live runs in $B on $H"', 'no postgres runs in the backup'),
    'newest=$(ls -1dt -- "$P/$N" "$P/$N".* 2>/dev/null | head -n1)',
    check(
      'not-the-newest',
      `[ "${allowNewest ? 1 : 0}" != 1 ] && [ "$newest" = "$B" ]`,
      '"$B is the newest backup on $H: it is kept unless you ask to remove it too"',
      allowNewest ? 'removing the newest backup was asked for' : 'a newer backup is kept',
    ),
    'if [ "$bad" = 0 ]; then rm -rf -- "$B" && echo "REMOVED ${B##*/}"; fi',
  ].join('\n');
}

export interface RemovalVerdict {
  removed: boolean;
  checks: Array<{ id: string; ok: boolean; message: string }>;
}

/** Reads a removal's output. A removal that printed no REMOVED line removed nothing as far as gpcoord knows. */
export function parseRemoval(name: string, stdout: string): RemovalVerdict {
  const checks: RemovalVerdict['checks'] = [];
  let removed = false;
  for (const line of stdout.split('\n')) {
    const m = /^CHECK (\S+) (OK|FAIL) ?(.*)$/.exec(line.trimEnd());
    if (m) checks.push({ id: m[1]!, ok: m[2] === 'OK', message: m[3] ?? '' });
    if (line.trim() === `REMOVED ${name}`) removed = true;
  }
  return { removed, checks };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]!}`;
}

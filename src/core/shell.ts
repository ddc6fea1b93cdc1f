// Safe construction of the shell commands the engine sends to coordinator hosts.
// Every value that comes from the inventory or from an observation is validated, then single-quoted,
// so that no host name, path or environment value can ever be read by the remote shell as syntax.

/** Thrown when a value cannot be used in a command; the message says which value and why. */
export class UnsafeValueError extends Error {
  constructor(
    readonly what: string,
    readonly value: string,
    reason: string,
  ) {
    super(`${what} ${visibleText(value)} cannot be used in a remote command: ${reason}`);
    this.name = 'UnsafeValueError';
  }
}

/** The text in double quotes with every character outside printable ASCII as \u{…}: invisible and bidi characters show. */
export function visibleText(value: string): string {
  let out = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    out +=
      cp < 0x20 || cp > 0x7e ? `\\u{${cp.toString(16).toUpperCase()}}` : ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  }
  return `"${out}"`;
}

/**
 * POSIX single-quoting: the result is one shell word whose value is exactly `value`.
 * Inside single quotes nothing is special, so the only character to handle is the quote itself ('\'').
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new UnsafeValueError('value', value, 'it contains a NUL byte');
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Quotes every word and joins them with spaces. */
export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** A host name as Greenplum and DNS know it. Returns it unchanged, or throws naming the problem. */
export function safeHostName(value: string, what = 'host name'): string {
  if (value.length === 0 || value.length > 253 || !HOST_NAME.test(value)) {
    throw new UnsafeValueError(what, value, 'use letters, digits, ".", "-" and "_" only');
  }
  return value;
}

/**
 * The characters a path that reaches a remote command may hold: what Greenplum data directories and installs use.
 * Anything else is refused, not quoted: the utilities pass data directories on inside `sh -c` (pg_ctl's
 * `-D "<dir>"`), where quoting by this product no longer protects them, and a confirmation must show the exact
 * path that is used (no invisible or bidirectional-override characters).
 */
export const PATH_CHARACTERS = 'letters, digits and / . _ - + @ : , =';
const PATH_CHARACTER = /^[A-Za-z0-9/._+@:,=-]$/;

/** Names a character so that a message shows it even when it is invisible or reorders text. */
export function describeCharacter(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (ch === ' ') return 'a space';
  if (ch === '\n') return `a newline (${hex})`;
  if (ch === '\t') return `a tab (${hex})`;
  if (/^[\p{Cc}]$/u.test(ch)) return `a control character (${hex})`;
  if (/^[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]$/u.test(ch))
    return `a bidirectional-override character (${hex})`;
  if (/^[\p{Cf}\p{Z}]$/u.test(ch)) return `an invisible or space character (${hex})`;
  if (cp > 0x7e) return `the non-ASCII character ${hex}`;
  return `"${ch}"`;
}

/** Why a path may not reach a remote command (its first character outside PATH_CHARACTERS), or null. */
export function pathCharacterProblem(value: string): string | null {
  let position = 0;
  for (const ch of value) {
    position++;
    if (!PATH_CHARACTER.test(ch))
      return `it contains ${describeCharacter(ch)} at character ${position}; a path here may hold only ${PATH_CHARACTERS}`;
  }
  return null;
}

/** An absolute path of PATH_CHARACTERS only, without `..` segments or a trailing slash. */
export function safeAbsolutePath(value: string, what = 'path'): string {
  if (!value.startsWith('/')) throw new UnsafeValueError(what, value, 'it must be an absolute path');
  const problem = pathCharacterProblem(value);
  if (problem) throw new UnsafeValueError(what, value, problem);
  if (value.split('/').includes('..')) throw new UnsafeValueError(what, value, 'it contains a ".." segment');
  if (value.length > 1 && value.endsWith('/')) throw new UnsafeValueError(what, value, 'it ends with "/"');
  if (value === '/') throw new UnsafeValueError(what, value, 'it is the root directory');
  return value;
}

/** A TCP port number. */
export function safePort(value: number, what = 'port'): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new UnsafeValueError(what, String(value), 'it must be a whole number from 1 to 65535');
  return value;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `NAME=value` assignments, each value quoted; names are checked, never quoted. */
export function envAssignments(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([k, v]) => {
      if (!ENV_NAME.test(k))
        throw new UnsafeValueError('environment variable name', k, 'use letters, digits and "_" only');
      return `${k}=${shellQuote(v)}`;
    })
    .join(' ');
}

/** The parent directory of an absolute path. */
export function parentDirectory(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The last path segment. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The environment a utility needs on a coordinator host: data directory in both vocabularies, and the port. */
export function coordinatorEnv(dataDirectory: string, port: number): Record<string, string> {
  return {
    COORDINATOR_DATA_DIRECTORY: safeAbsolutePath(dataDirectory, 'data directory'),
    MASTER_DATA_DIRECTORY: dataDirectory,
    PGPORT: String(safePort(port)),
  };
}

/** A backup name next to the data directory: `backup_<name>`, or `backup_<name>.<timestamp>` when taken. */
export function backupPathFor(dataDirectory: string, existingNames: readonly string[], now: Date): string {
  const dir = safeAbsolutePath(dataDirectory, 'data directory');
  const parent = parentDirectory(dir);
  const plain = `backup_${baseName(dir)}`;
  const prefix = parent === '/' ? '/' : `${parent}/`;
  if (!existingNames.includes(plain)) return `${prefix}${plain}`;
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  let name = `${plain}.${stamp}`;
  for (let n = 2; existingNames.includes(name); n++) name = `${plain}.${stamp}.${n}`;
  return `${prefix}${name}`;
}

// known_hosts files as OpenSSH reads them: plain and hashed host fields, [host]:port, patterns with negation,
// @revoked and @cert-authority markers. Used to verify the key a server offers before anything is sent to it.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { globMatch } from '../core/glob';

export interface KnownHostEntry {
  file: string;
  /** 1-based line number in the file. */
  line: number;
  marker: '@revoked' | '@cert-authority' | undefined;
  /** The host field as written (comma-separated patterns, or a hashed |1|salt|hash). */
  hosts: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'changed'; entries: KnownHostEntry[] }
  | { status: 'unknown'; otherTypes: KnownHostEntry[] };

/** `SHA256:` + unpadded base64 of sha256(key blob), exactly as `ssh-keygen -lf` prints it. */
export function fingerprintSha256(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=/g, '');
}

/** The key type named inside an SSH wire-format public key blob (its first string). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len > 64 || 4 + len > blob.length) return 'unknown';
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** The name a known_hosts line uses for a host: the bare host on port 22, else `[host]:port`. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}

/** Parses a known_hosts file's text; malformed lines are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority')
      marker = fields.shift() as KnownHostEntry['marker'];
    else if (fields[0]?.startsWith('@')) continue;
    const [hosts, keyType, keyText] = fields;
    if (!hosts || !keyType || !keyText) continue;
    const key = Buffer.from(keyText, 'base64');
    if (!key.length) continue;
    entries.push({ file, line: i + 1, marker, hosts, keyType, key });
  }
  return entries;
}

/** Reads every file that exists; a missing file is simply empty. */
export async function readKnownHostsFiles(files: readonly string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    all.push(...parseKnownHosts(text, file));
  }
  return all;
}

/** Whether a host field (hashed or a pattern list) names one of `names`; a matching negated pattern excludes. */
export function hostFieldMatches(field: string, names: readonly string[]): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const saltBytes = Buffer.from(salt, 'base64');
    return names.some(n => createHmac('sha1', saltBytes).update(n).digest('base64') === hash);
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (!pattern) continue;
    const negated = pattern.startsWith('!');
    const hostPattern = negated ? pattern.slice(1) : pattern;
    if (names.some(n => globMatch(hostPattern, n, { ignoreCase: true }))) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Compares the offered key with every entry naming the host. A revoked key wins over any other line. */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  names: readonly string[],
  blob: Buffer,
): HostKeyVerdict {
  const type = keyTypeOfBlob(blob);
  const forHost = entries.filter(e => e.marker !== '@cert-authority' && hostFieldMatches(e.hosts, names));
  // A revoked key is refused whatever host it is listed for (OpenSSH applies @revoked to all hosts on the line).
  const revoked = entries.find(e => e.marker === '@revoked' && e.key.equals(blob));
  if (revoked) return { status: 'revoked', entry: revoked };
  const match = forHost.find(e => e.marker === undefined && e.key.equals(blob));
  if (match) return { status: 'known', entry: match };
  const sameType = forHost.filter(e => e.marker === undefined && e.keyType === type);
  if (sameType.length) return { status: 'changed', entries: sameType };
  return { status: 'unknown', otherTypes: forHost.filter(e => e.marker === undefined) };
}

/** A known_hosts line for the host; hashed like `HashKnownHosts yes` when asked. */
export function formatKnownHostsLine(name: string, blob: Buffer, hashed: boolean): string {
  let field = name;
  if (hashed) {
    const salt = randomBytes(20);
    field = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  }
  return `${field} ${keyTypeOfBlob(blob)} ${blob.toString('base64')}`;
}

/** Appends a line, creating the file (0600) and its directory (0700) when missing. */
export async function appendKnownHostsLine(file: string, line: string): Promise<void> {
  await fs.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const existing = await fs.readFile(file, 'utf8');
    if (existing.length && !existing.endsWith('\n')) prefix = '\n';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.appendFile(file, `${prefix}${line}\n`, { mode: 0o600 });
}

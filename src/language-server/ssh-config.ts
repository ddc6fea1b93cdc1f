// The host aliases of ~/.ssh/config (and the files it Includes), read lazily and cached until a file changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';
import type { Line } from 'ssh-config';
import { globMatch } from '../core/glob';

export interface SshHost {
  /** The alias as written after `Host`. */
  alias: string;
  /** HostName, when the section sets it. */
  hostName?: string;
  user?: string;
  port?: string;
  /** The file that defines it. */
  file: string;
}

export interface SshHosts {
  /** The config file that was read (after ~ expansion). */
  path: string;
  /** False when the file does not exist or cannot be read. */
  found: boolean;
  /** Concrete aliases (no wildcards), in file order. */
  hosts: SshHost[];
  /** Host patterns with wildcards (e.g. `*.example.com`), not counting the catch-all `*`. */
  patterns: string[];
  /** Every file read, for change detection. */
  files: string[];
}

export function expandHome(p: string, home = homedir()): string {
  return p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
}

const hasWildcard = (s: string): boolean => /[*?]/.test(s);

/** Expands a path with * and ? in any segment (what OpenSSH's Include accepts), sorted like glob(3). */
function expandGlob(pattern: string): string[] {
  if (!hasWildcard(pattern)) return [pattern];
  const parts = pattern.split('/');
  let current = [parts[0] === '' ? '/' : parts[0]!];
  for (const part of parts.slice(1)) {
    const next: string[] = [];
    for (const dir of current) {
      if (!hasWildcard(part)) {
        next.push(join(dir, part));
        continue;
      }
      let entries: string[];
      try {
        entries = readdirSync(dir).sort();
      } catch {
        continue;
      }
      for (const e of entries) if (globMatch(part, e) && !e.startsWith('.')) next.push(join(dir, e));
    }
    current = next;
  }
  return current;
}

const value = (line: Line): string | undefined => {
  if (!('param' in line)) return undefined;
  const v = line.value;
  return typeof v === 'string' ? v : v.map(x => x.val).join(' ');
};
const values = (line: Line): string[] => {
  if (!('param' in line)) return [];
  const v = line.value;
  return typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v.map(x => x.val);
};

/** Reads an ssh config and everything it Includes. Never throws. */
export function readSshHosts(path: string, home = homedir()): SshHosts {
  const file = expandHome(path, home);
  const result: SshHosts = { path: file, found: false, hosts: [], patterns: [], files: [] };
  const seen = new Set<string>();
  const baseDir = dirname(file);
  const visit = (f: string, depth: number): boolean => {
    if (depth > 16 || seen.has(f)) return false;
    seen.add(f);
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      return false;
    }
    result.files.push(f);
    let parsed: SSHConfig;
    try {
      parsed = SSHConfig.parse(text);
    } catch {
      return true;
    }
    const walk = (lines: Iterable<Line>, section?: SshHost[]): void => {
      for (const line of lines) {
        if (!('param' in line)) continue;
        const param = line.param.toLowerCase();
        if (param === 'include') {
          for (const inc of values(line)) {
            // OpenSSH resolves relative Include paths against ~/.ssh; against the directory of the configured file
            // here, which is the same for ~/.ssh/config and keeps a config given by path self-contained.
            const full = isAbsolute(expandHome(inc, home)) ? expandHome(inc, home) : join(baseDir, inc);
            for (const g of expandGlob(full)) visit(g, depth + 1);
          }
        } else if (param === 'host' && 'config' in line) {
          const own: SshHost[] = [];
          for (const alias of values(line)) {
            if (alias.startsWith('!')) continue;
            if (hasWildcard(alias)) {
              if (alias !== '*') result.patterns.push(alias);
              continue;
            }
            const h: SshHost = { alias, file: f };
            own.push(h);
            result.hosts.push(h);
          }
          walk(line.config, own);
        } else if (param === 'match' && 'config' in line) {
          walk(line.config, []);
        } else if (section) {
          const v = value(line);
          for (const h of section) {
            if (param === 'hostname' && h.hostName === undefined && v) h.hostName = v;
            if (param === 'user' && h.user === undefined && v) h.user = v;
            if (param === 'port' && h.port === undefined && v) h.port = v;
          }
        }
      }
    };
    walk(parsed);
    return true;
  };
  result.found = visit(file, 0);
  return result;
}

/** True when ssh would find a Host section for this name (an alias or a wildcard pattern other than `*`). */
export function sshKnows(hosts: SshHosts, name: string): boolean {
  if (hosts.hosts.some(h => h.alias === name)) return true;
  return hosts.patterns.some(p => globMatch(p, name));
}

/** Caches the parsed config and re-reads it only when one of its files changed (checked at most once a second). */
export class SshConfigCache {
  private cached: { hosts: SshHosts; mtimes: number[]; checkedAt: number } | undefined;
  constructor(
    private path: string,
    private readonly home = homedir(),
  ) {}

  setPath(path: string): void {
    if (path !== this.path) {
      this.path = path;
      this.cached = undefined;
    }
  }

  get(now = Date.now()): SshHosts {
    if (this.cached && now - this.cached.checkedAt < 1000) return this.cached.hosts;
    if (this.cached) {
      const mtimes = this.cached.hosts.files.map(mtime);
      const target = mtime(expandHome(this.path, this.home));
      if (mtimes.every((m, i) => m === this.cached!.mtimes[i]) && (this.cached.hosts.found || target < 0)) {
        this.cached.checkedAt = now;
        return this.cached.hosts;
      }
    }
    const hosts = readSshHosts(this.path, this.home);
    this.cached = { hosts, mtimes: hosts.files.map(mtime), checkedAt: now };
    return hosts;
  }
}

function mtime(f: string): number {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return -1;
  }
}

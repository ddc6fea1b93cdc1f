// ~/.ssh/config resolution: the ssh-config package parses and computes (Host patterns with negation, Match,
// first value wins); this module expands Include (relative to ~/.ssh, globs, nested), applies precedence
// (inventory > ssh config > defaults) and turns the result into what a connection needs.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import SSHConfig, { glob, LineType } from 'ssh-config';
import type { Line, Section } from 'ssh-config';
import { globMatch } from '../core/glob';

export type StrictHostKeyChecking = 'yes' | 'no' | 'accept-new' | 'ask';

export interface JumpHostSpec {
  /** Host name or ~/.ssh/config alias; resolved through the config like any host. */
  target: string;
  user?: string | undefined;
  port?: number | undefined;
}

/** Everything a connection needs, after inventory values, ~/.ssh/config and defaults were applied. */
export interface ResolvedSshHost {
  /** The ssh target as given (alias). */
  alias: string;
  /** Address to connect to (HostName, else the alias). */
  hostName: string;
  port: number;
  user: string;
  /** Key files in the order they are tried, with ~ and %-tokens expanded. */
  identityFiles: string[];
  /** True when the files came from defaults (~/.ssh/id_*), which are skipped silently when missing. */
  identityFilesAreDefaults: boolean;
  identitiesOnly: boolean;
  /** Agent socket; undefined when there is none or IdentityAgent none. */
  identityAgent: string | undefined;
  /** Jump hosts in order (first is connected to first). */
  proxyJump: JumpHostSpec[];
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  hashKnownHosts: boolean;
  /** Name used for known_hosts instead of the host name (HostKeyAlias). */
  hostKeyAlias: string | undefined;
  connectTimeoutMs: number | undefined;
  serverAliveIntervalMs: number | undefined;
  serverAliveCountMax: number | undefined;
  /** Problems met while reading the config (unreadable Include, unsupported value); shown, never fatal. */
  warnings: string[];
}

export interface ResolveInput {
  sshTarget: string;
  /** Inventory values; they win over ~/.ssh/config. */
  user?: string | undefined;
  port?: number | undefined;
  identityFile?: string | undefined;
}

export interface ConfigEnvironment {
  /** ~/.ssh/config to read; null reads none. Default: <homeDir>/.ssh/config. */
  configPath?: string | null;
  /** Home directory for ~ and default files. Default: os.homedir(). */
  homeDir?: string;
  /** Agent socket when the config names none. Default: SSH_AUTH_SOCK. */
  agentSocket?: string | undefined;
  /** Login user when neither the inventory nor the config names one. Default: gpadmin. */
  defaultUser?: string;
  /** Default: /etc/ssh/ssh_known_hosts and /etc/ssh/ssh_known_hosts2, as OpenSSH. */
  globalKnownHostsFiles?: string[];
}

const MAX_INCLUDE_DEPTH = 16;

/** Parses `user@host:port,user2@host2` (ProxyJump syntax); "none" means no jump. */
export function parseProxyJump(value: string): JumpHostSpec[] {
  const trimmed = value.trim();
  if (!trimmed || trimmed.toLowerCase() === 'none') return [];
  return trimmed.split(',').map(part => {
    let rest = part.trim().replace(/^ssh:\/\//, '');
    let user: string | undefined;
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      user = rest.slice(0, at);
      rest = rest.slice(at + 1);
    }
    let port: number | undefined;
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
    if (bracket) {
      rest = bracket[1]!;
      if (bracket[2]) port = Number(bracket[2]);
    } else {
      const colon = /^([^:]*):(\d+)$/.exec(rest);
      if (colon) {
        rest = colon[1]!;
        port = Number(colon[2]);
      }
    }
    if (!rest || (port !== undefined && (port < 1 || port > 65535)))
      throw new Error(`ProxyJump entry "${part}" is not [user@]host[:port]`);
    return { target: rest, user, port };
  });
}

function expandTilde(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

/** Expands ~ and the tokens OpenSSH expands in file names: %h %p %r %u %n %d %l %%. */
export function expandPathTokens(
  path: string,
  t: { home: string; hostName: string; port: number; remoteUser: string; alias: string },
): string {
  const local = safeLocalUser();
  const expanded = path.replace(/%([%hprundlL])/g, (_m, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'h':
        return t.hostName;
      case 'p':
        return String(t.port);
      case 'r':
        return t.remoteUser;
      case 'u':
        return local;
      case 'n':
        return t.alias;
      case 'd':
        return t.home;
      case 'l':
        return hostname();
      case 'L':
        return hostname().split('.')[0] ?? '';
      default:
        return c;
    }
  });
  return expandTilde(expanded, t.home);
}

function safeLocalUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
}

function valueList(value: string | { val: string }[]): string[] {
  if (typeof value === 'string') return [value];
  return value.map(v => v.val);
}

/** Files named by one Include argument: ~ expanded, relative to ~/.ssh, glob characters in any path segment. */
function includeTargets(arg: string, home: string): string[] {
  let path = expandTilde(arg, home);
  if (!isAbsolute(path)) path = join(home, '.ssh', path);
  const segments = path.split('/').filter((s, i) => s !== '' || i === 0);
  let current = ['/'];
  for (const seg of segments.slice(1)) {
    if (!/[*?[]/.test(seg)) {
      current = current.map(c => join(c, seg));
      continue;
    }
    const next: string[] = [];
    for (const dir of current) {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names.sort())
        if (globMatch(seg, n, { exclude: '/' }) && !n.startsWith('.')) next.push(join(dir, n));
    }
    current = next;
  }
  return current.filter(f => {
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

function isSection(line: Line): line is Section {
  return line.type === LineType.DIRECTIVE && 'config' in line;
}

function hostSection(patterns: string, lines: Line[]): Section {
  // Built through the parser so the object has the shape compute() expects.
  const section = SSHConfig.parse(`Host ${patterns}\n`)[0] as Section;
  section.config.push(...lines);
  return section;
}

/**
 * Expands every Include for one query host. An Include inside a Host block applies only when that block matches,
 * and Host blocks inside the included file start sections of their own, as OpenSSH reads them. Knowing the host,
 * the result can be flattened to top-level sections that compute() evaluates normally.
 */
function expandIncludes(
  lines: readonly Line[],
  alias: string,
  home: string,
  warnings: string[],
  depth: number,
): Line[] {
  const out: Line[] = [];
  for (const line of lines) {
    if (line.type !== LineType.DIRECTIVE) continue;
    if (/^include$/i.test(line.param)) {
      out.push(...readIncluded(valueList(line.value), alias, home, warnings, depth));
      continue;
    }
    if (!isSection(line)) {
      out.push(line);
      continue;
    }
    const hasInclude = line.config.some(l => l.type === LineType.DIRECTIVE && /^include$/i.test(l.param));
    if (!hasInclude) {
      out.push(line);
      continue;
    }
    if (!/^host$/i.test(line.param)) {
      warnings.push(
        `Include inside a Match block is not supported; ignored (Match ${valueList(line.value).join(' ')})`,
      );
      line.config.splice(
        0,
        line.config.length,
        ...line.config.filter(l => !(l.type === LineType.DIRECTIVE && /^include$/i.test(l.param))),
      );
      out.push(line);
      continue;
    }
    if (!glob(valueList(line.value), alias.toLowerCase())) continue; // the whole block, its includes too, does not apply
    // The block applies: its own lines and the included ones become unconditional, in order.
    let pending: Line[] = [];
    const flush = (): void => {
      if (pending.length) out.push(hostSection('*', pending));
      pending = [];
    };
    for (const sub of line.config) {
      if (sub.type === LineType.DIRECTIVE && /^include$/i.test(sub.param)) {
        flush();
        out.push(...readIncluded(valueList(sub.value), alias, home, warnings, depth));
      } else if (sub.type === LineType.DIRECTIVE) {
        pending.push(sub);
      }
    }
    flush();
  }
  return out;
}

function readIncluded(args: string[], alias: string, home: string, warnings: string[], depth: number): Line[] {
  if (depth >= MAX_INCLUDE_DEPTH) {
    warnings.push(`Include nested more than ${MAX_INCLUDE_DEPTH} deep (a loop?); stopped at ${args.join(' ')}`);
    return [];
  }
  const out: Line[] = [];
  for (const arg of args) {
    for (const file of includeTargets(arg, home)) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        warnings.push(`cannot read included ssh config ${file}: ${(err as Error).message}`);
        continue;
      }
      // Each included file starts outside any Host block; its trailing Host block must not swallow what follows.
      const parsed = expandIncludes(SSHConfig.parse(text), alias, home, warnings, depth + 1);
      const firstSection = parsed.findIndex(isSection);
      const leading = firstSection < 0 ? parsed : parsed.slice(0, firstSection);
      const sections = firstSection < 0 ? [] : parsed.slice(firstSection);
      out.push(...leading, ...sections);
    }
  }
  return out;
}

/** Reads the config file (and its Includes) for one host; a missing file is an empty config. */
export function computeSshConfig(
  alias: string,
  env: ConfigEnvironment = {},
): { values: Record<string, string | string[]>; warnings: string[] } {
  const home = env.homeDir ?? homedir();
  const path = env.configPath === undefined ? join(home, '.ssh', 'config') : env.configPath;
  const warnings: string[] = [];
  if (path === null) return { values: {}, warnings };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      warnings.push(`cannot read ssh config ${path}: ${(err as Error).message}`);
    return { values: {}, warnings };
  }
  const lines = expandIncludes(SSHConfig.parse(text), alias, home, warnings, 0);
  const config = SSHConfig.parse('');
  config.push(...lines);
  // Match exec would run commands from the config file; the product never runs local commands on its own.
  const values = config.compute(alias, { ignoreCase: true, matchExec: false });
  return { values, warnings };
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function all(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap(s => s.split(/\s+/)).filter(Boolean);
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

function yes(v: string | undefined): boolean {
  return v !== undefined && /^(yes|true)$/i.test(v);
}

/** Resolves one host: inventory values > ~/.ssh/config > defaults (user gpadmin, port 22). */
export function resolveSshHost(input: ResolveInput, env: ConfigEnvironment = {}): ResolvedSshHost {
  const home = env.homeDir ?? homedir();
  // ssh lower-cases the host name before matching Host patterns and expanding %h.
  const lowered = input.sshTarget.toLowerCase();
  const { values, warnings } = computeSshConfig(lowered, env);
  const get = (k: string): string | undefined => {
    const v = first(values[k.toLowerCase()]);
    return v === undefined ? undefined : unquote(v);
  };
  const hostName = (get('HostName') ?? lowered).replace(/%h/g, lowered);
  const configPort = get('Port');
  let port = input.port ?? (configPort !== undefined ? Number(configPort) : 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    warnings.push(`Port ${configPort} in ssh config for ${input.sshTarget} is not a port number; using 22`);
    port = 22;
  }
  const user = input.user ?? get('User') ?? env.defaultUser ?? 'gpadmin';
  const tokens = { home, hostName, port, remoteUser: user, alias: input.sshTarget };

  const configured = (values.identityfile as string[] | undefined)?.map(unquote) ?? [];
  const explicit = [...(input.identityFile !== undefined ? [input.identityFile] : []), ...configured].map(f =>
    expandPathTokens(f, tokens),
  );
  const identityFilesAreDefaults = explicit.length === 0;
  const identityFiles = identityFilesAreDefaults
    ? ['id_ed25519', 'id_ecdsa', 'id_rsa'].map(f => join(home, '.ssh', f))
    : [...new Set(explicit)];

  const agentSetting = get('IdentityAgent');
  let identityAgent: string | undefined;
  if (agentSetting === undefined) identityAgent = env.agentSocket ?? process.env.SSH_AUTH_SOCK;
  else if (agentSetting.toLowerCase() === 'none') identityAgent = undefined;
  else if (agentSetting === 'SSH_AUTH_SOCK') identityAgent = process.env.SSH_AUTH_SOCK;
  else if (agentSetting.startsWith('$')) identityAgent = process.env[agentSetting.slice(1).replace(/[{}]/g, '')];
  else identityAgent = expandPathTokens(agentSetting, tokens);
  if (identityAgent === '') identityAgent = undefined;

  let proxyJump: JumpHostSpec[] = [];
  const jump = get('ProxyJump');
  if (jump !== undefined) {
    try {
      proxyJump = parseProxyJump(jump);
    } catch (err) {
      warnings.push((err as Error).message);
    }
  }
  if (get('ProxyCommand') !== undefined && !proxyJump.length)
    warnings.push(`ProxyCommand for ${input.sshTarget} is not supported (use ProxyJump); connecting directly`);

  const ukh = all(values.userknownhostsfile).map(unquote);
  const userKnownHostsFiles = (ukh.length ? ukh : ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'])
    .filter(f => f.toLowerCase() !== 'none')
    .map(f => expandPathTokens(f, tokens));
  const gkh = all(values.globalknownhostsfile).map(unquote);
  const globalKnownHostsFiles = gkh.length
    ? gkh.filter(f => f.toLowerCase() !== 'none').map(f => expandPathTokens(f, tokens))
    : (env.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);

  const shkc = (get('StrictHostKeyChecking') ?? 'ask').toLowerCase();
  const strictHostKeyChecking: StrictHostKeyChecking =
    shkc === 'yes' || shkc === 'true'
      ? 'yes'
      : shkc === 'no' || shkc === 'off' || shkc === 'false'
        ? 'no'
        : shkc === 'accept-new'
          ? 'accept-new'
          : 'ask';

  const seconds = (k: string): number | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? n * 1000 : undefined;
  };
  const countMax = get('ServerAliveCountMax');

  return {
    alias: input.sshTarget,
    hostName,
    port,
    user,
    identityFiles,
    identityFilesAreDefaults,
    identitiesOnly: yes(get('IdentitiesOnly')),
    identityAgent,
    proxyJump,
    userKnownHostsFiles,
    globalKnownHostsFiles,
    strictHostKeyChecking,
    hashKnownHosts: yes(get('HashKnownHosts')),
    hostKeyAlias: get('HostKeyAlias'),
    connectTimeoutMs: seconds('ConnectTimeout'),
    serverAliveIntervalMs: seconds('ServerAliveInterval'),
    serverAliveCountMax: countMax !== undefined && /^\d+$/.test(countMax) ? Number(countMax) : undefined,
    warnings,
  };
}

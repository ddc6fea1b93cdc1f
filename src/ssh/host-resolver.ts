// Resolves a host the way ssh does (inventory > ~/.ssh/config > defaults), before every command so a changed ssh
// config applies to the next one, reusing the answer while the config file is unchanged.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveSshHost } from './config';
import type { ConfigEnvironment, ResolvedSshHost } from './config';
import type { HostTarget } from './types';

/** The pool options that resolution reads. */
export interface ResolverOptions {
  sshConfigPath?: string | null;
  homeDir?: string;
  agentSocket?: string;
  defaultUser?: string;
  globalKnownHostsFiles?: string[];
}

export class HostResolver {
  private readonly warned = new Set<string>();
  private readonly resolved = new Map<string, { version: string; r: ResolvedSshHost }>();

  constructor(
    private readonly options: ResolverOptions,
    private readonly log: (line: string) => void,
  ) {}

  private get env(): ConfigEnvironment {
    const o = this.options;
    return {
      ...(o.sshConfigPath !== undefined ? { configPath: o.sshConfigPath } : {}),
      ...(o.homeDir !== undefined ? { homeDir: o.homeDir } : {}),
      ...(o.agentSocket !== undefined ? { agentSocket: o.agentSocket } : {}),
      ...(o.defaultUser !== undefined ? { defaultUser: o.defaultUser } : {}),
      ...(o.globalKnownHostsFiles !== undefined ? { globalKnownHostsFiles: o.globalKnownHostsFiles } : {}),
    };
  }

  /** What a host resolves to (inventory > ~/.ssh/config > defaults); useful to show before connecting. */
  resolve(host: HostTarget): ResolvedSshHost {
    // Resolution runs before every command, so a changed ssh config applies to the next one; it is reused while
    // the config file is unchanged (size and mtime), which spares a read and parse per command on a large fleet.
    const key = `${host.sshTarget}\u0000${host.user ?? ''}\u0000${host.port ?? ''}\u0000${host.identityFile ?? ''}`;
    const version = this.configVersion();
    const cached = this.resolved.get(key);
    if (cached && cached.version === version) return cached.r;
    const r = resolveSshHost(
      { sshTarget: host.sshTarget, user: host.user, port: host.port, identityFile: host.identityFile },
      this.env,
    );
    this.resolved.set(key, { version, r });
    for (const w of r.warnings) {
      // Resolution runs before every command; say each problem once.
      if (this.warned.has(w)) continue;
      this.warned.add(w);
      this.log(`ssh config: ${w}`);
    }
    return r;
  }

  /** Size and mtime of the ssh config file ('' when there is none to read). */
  private configVersion(): string {
    const o = this.options;
    if (o.sshConfigPath === null) return '';
    const path = o.sshConfigPath ?? join(o.homeDir ?? homedir(), '.ssh', 'config');
    try {
      const st = statSync(path);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return 'absent';
    }
  }

  /** A ProxyJump hop, resolved through the same ssh config. */
  resolveJump(spec: { target: string; user?: string | undefined; port?: number | undefined }): ResolvedSshHost {
    return resolveSshHost({ sshTarget: spec.target, user: spec.user, port: spec.port }, this.env);
  }
}

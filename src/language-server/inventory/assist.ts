// Completion and hover in an inventory: keys by level (cluster or host), enum values, and ssh aliases at `ssh:`
// and `name:` values. Pure: the ssh config is handed in lazily.
import type { SshHosts } from '../ssh-config';
import { yamlContextAt } from './context';
import type { Level } from './keys';
import { keyDoc, keyMarkdown, SCHEMA_KEYS } from './keys';

export interface InventoryCompletion {
  label: string;
  kind: 'key' | 'value' | 'host';
  detail: string;
  documentation: string;
  /** Replaces text[start, end). */
  start: number;
  end: number;
  insertText: string;
  /** insertText is an LSP snippet. */
  snippet: boolean;
  sortText: string;
}

const indentOf = (text: string, offset: number): string => {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  let i = ls;
  while (text[i] === ' ' || text[i] === '-') i++;
  return ' '.repeat(i - ls);
};

export function inventoryCompletions(
  text: string,
  offset: number,
  sshHosts: () => SshHosts | undefined,
): InventoryCompletion[] {
  const ctx = yamlContextAt(text, offset);
  const out: InventoryCompletion[] = [];
  if (ctx.level === 'unknown' || ctx.level === 'clusters') {
    if (ctx.level === 'clusters' && ctx.onKey && ctx.key === undefined) {
      const pad = indentOf(text, offset);
      out.push({
        label: 'new cluster',
        kind: 'key',
        detail: 'A cluster with its two coordinator hosts',
        documentation:
          'Inserts a cluster skeleton: name, coordinator data directory, port, coordinator and standby host.',
        start: ctx.prefixStart,
        end: offset,
        snippet: true,
        sortText: '0',
        insertText: `\${1:prod}:\n${pad}  dataDirectory: \${2:/data/coordinator/gpseg-1}\n${pad}  port: \${3:5432}\n${pad}  hosts:\n${pad}    - name: \${4:cdw}\n${pad}      role: coordinator\n${pad}    - name: \${5:scdw}\n${pad}      role: standby`,
      });
    }
    return out;
  }
  const level: Level = ctx.level;
  if (ctx.onKey) {
    // On a line that already has `key:`, only the key is replaced.
    const start = ctx.key !== undefined ? ctx.keyStart! : ctx.prefixStart;
    const end = ctx.key !== undefined ? ctx.keyEnd! : offset;
    const pad = indentOf(text, offset);
    SCHEMA_KEYS[level].forEach((key, i) => {
      if (ctx.siblings.has(key)) return;
      const d = keyDoc(level, key);
      let insertText = key;
      let snippet = false;
      if (ctx.key === undefined) {
        snippet = true;
        if (key === 'hosts') insertText = `hosts:\n${pad}  - name: \${1}`;
        else if (key === 'clusters') insertText = `clusters:\n${pad}  \${1}`;
        else if (d?.values) insertText = `${key}: \${1|${d.values.join(',')}|}`;
        else insertText = `${key}: \${1${d?.snippet ? ':' + d.snippet : ''}}`;
      }
      // Right after a sequence dash ("-|"), YAML needs a space before the key.
      if (text[start - 1] === '-') insertText = ' ' + insertText;
      out.push({
        label: key,
        kind: 'key',
        detail: d?.detail ?? '',
        documentation: keyMarkdown(level, key) ?? '',
        start,
        end,
        insertText,
        snippet,
        sortText: String(i).padStart(2, '0'),
      });
    });
    return out;
  }
  const key = ctx.key!;
  const start = ctx.valueStart!;
  const end = Math.max(ctx.valueEnd!, offset);
  const d = keyDoc(level, key);
  if (d?.values) {
    d.values.forEach((v, i) =>
      out.push({
        label: v,
        kind: 'value',
        detail: d.detail,
        documentation: keyMarkdown(level, key) ?? '',
        start,
        end,
        insertText: v,
        snippet: false,
        sortText: String(i).padStart(2, '0'),
      }),
    );
    return out;
  }
  if (level === 'host' && (key === 'ssh' || key === 'name')) {
    const hosts = sshHosts();
    if (!hosts) return out;
    hosts.hosts.forEach((h, i) => {
      const facts = [h.hostName && `HostName ${h.hostName}`, h.user && `User ${h.user}`, h.port && `Port ${h.port}`]
        .filter(Boolean)
        .join(', ');
      out.push({
        label: h.alias,
        kind: 'host',
        detail: facts ? `ssh: ${facts}` : 'ssh config Host',
        documentation: `**Host ${h.alias}** from \`${h.file}\`${facts ? `\n\n${facts}` : ''}`,
        start,
        end,
        insertText: h.alias,
        snippet: false,
        sortText: String(i).padStart(4, '0'),
      });
    });
  }
  return out;
}

export interface InventoryHover {
  start: number;
  end: number;
  markdown: string;
}

export function inventoryHover(
  text: string,
  offset: number,
  sshHosts: () => SshHosts | undefined,
): InventoryHover | undefined {
  const ctx = yamlContextAt(text, offset);
  if (ctx.key === undefined || ctx.keyStart === undefined || ctx.keyEnd === undefined) return undefined;
  if (ctx.level === 'clusters' && ctx.onKey) {
    return {
      start: ctx.keyStart,
      end: ctx.keyEnd,
      markdown: `**Cluster ${ctx.key}**\n\nA cluster of the inventory; its keys: ${SCHEMA_KEYS.cluster.map(k => '`' + k + '`').join(', ')}.`,
    };
  }
  if (ctx.level === 'unknown' || ctx.level === 'clusters') return undefined;
  if (ctx.onKey || offset <= ctx.keyEnd) {
    const md = keyMarkdown(ctx.level, ctx.key);
    return md ? { start: ctx.keyStart, end: ctx.keyEnd, markdown: md } : undefined;
  }
  if (ctx.level === 'host' && ctx.key === 'ssh' && ctx.valueStart !== undefined && ctx.valueEnd !== undefined) {
    const alias = text.slice(ctx.valueStart, ctx.valueEnd).replace(/^["']|["']$/g, '');
    const h = sshHosts()?.hosts.find(x => x.alias === alias);
    if (h) {
      const facts = [h.hostName && `HostName ${h.hostName}`, h.user && `User ${h.user}`, h.port && `Port ${h.port}`]
        .filter(Boolean)
        .join(', ');
      return {
        start: ctx.valueStart,
        end: ctx.valueEnd,
        markdown: `**Host ${h.alias}** from \`${h.file}\`${facts ? `\n\n${facts}` : ''}`,
      };
    }
  }
  const md = keyMarkdown(ctx.level, ctx.key);
  return md ? { start: ctx.keyStart, end: ctx.keyEnd, markdown: md } : undefined;
}

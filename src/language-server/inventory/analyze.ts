// Checks an inventory: the schema's problems from parseInventory (at their exact ranges), plus what the schema
// cannot see: duplicate names, two inventory hosts that are the same coordinator instance, ssh aliases that
// ~/.ssh/config does not define. Pure apart from the ssh config, which the caller hands in lazily.
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Pair, YAMLMap } from 'yaml';
import { keyRange, MAX_INVENTORY_CHARS, nodeRange, parseInventory } from '../../core/inventory';
import type { Inventory, InventoryProblem } from '../../core/inventory';
import { nearest } from '../edit-distance';
import type { Finding, TextFix } from '../findings';
import type { SshHosts } from '../ssh-config';
import { sshKnows } from '../ssh-config';
import type { Level } from './keys';
import { KEY_DOCS, SCHEMA_KEYS } from './keys';

export interface InventoryAnalysisOptions {
  /** The ssh config, asked for only when a host has an `ssh:` alias to check. */
  sshHosts?: () => SshHosts | undefined;
}

type Range = [number, number];

const rangeOf = (n: unknown): Range | undefined => {
  const r = (n as { range?: [number, number, number] } | null | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
};

const scalarText = (n: unknown): string | undefined =>
  isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value) : undefined;

/** offset → 1-based line, by binary search over the line starts (found once per text, not once per question). */
function lineFinder(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return offset => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** Longest cluster name allowed (clusterNameSchema). */
const MAX_CLUSTER_NAME = 63;

/** The longest name of `names` that starts `text` at `from` and ends at the end or before `.`, `[`, `"` or a blank. */
function clusterNameAt(
  text: string,
  from: number,
  names: ReadonlySet<string> | ReadonlyMap<string, string>,
): string | undefined {
  for (let len = Math.min(MAX_CLUSTER_NAME, text.length - from); len > 0; len--) {
    const after = text[from + len];
    if (after !== undefined && !'.["\' :,'.includes(after)) continue;
    const name = text.slice(from, from + len);
    if (names.has(name)) return name;
  }
  return undefined;
}

/** Clips a range to its first line, so a problem with a whole block is not painted over the block. */
function firstLine(text: string, [s, e]: Range): Range {
  const nl = text.indexOf('\n', s);
  let end = nl >= 0 && nl < e ? nl : e;
  while (end > s && /\s/.test(text[end - 1]!)) end--;
  return [s, Math.max(end, s)];
}

/** Splits a parseInventory field path into cluster name, level and key, using the document's cluster names. */
function locateField(
  field: string,
  clusterNames: ReadonlySet<string>,
): { cluster?: string; level: Level; rest: string } {
  if (!field.startsWith('clusters.')) return { level: 'top', rest: field };
  const after = field.slice('clusters.'.length);
  const found = clusterNameAt(after, 0, clusterNames);
  const name =
    found !== undefined && (after.length === found.length || after[found.length] === '.') ? found : undefined;
  if (name === undefined) return { level: 'cluster', rest: after };
  const rest = after.slice(name.length + 1);
  return { cluster: name, level: /^hosts\[\d+\]\./.test(rest) ? 'host' : 'cluster', rest };
}

export function analyzeInventory(text: string, options: InventoryAnalysisOptions = {}): Finding[] {
  const findings: Finding[] = [];
  // Our own view of the document, tolerant of duplicate keys so that one duplicate does not hide everything else.
  // A valid file needs it only to place a finding, so it is parsed on first use.
  let parsed: Document | undefined;
  const document = (): Document => (parsed ??= parseDocument(text, { uniqueKeys: false, prettyErrors: false }));
  const clustersOf = (d: Document): unknown => (isMap(d.contents) ? d.contents.get('clusters', true) : undefined);

  let result = safeParseInventory(text);
  if (text.length > MAX_INVENTORY_CHARS) {
    // Refused before YAML reads it; the document is not parsed here either.
    return result.problems.map(p => ({
      start: p.offset,
      end: p.endOffset,
      severity: 'error',
      code: 'too-large',
      message: p.message,
    }));
  }
  if (result.ok) {
    // The common case while editing: a valid file. Its values are all the remaining checks need.
    reportProblems(text, result.problems, Object.keys(result.inventory.clusters), document, new Map(), findings);
    semanticChecks(
      entriesFromInventory(result.inventory, path => nodeRange(document().contents, path)),
      findings,
      options,
    );
    return findings;
  }
  const doc = document();
  const clustersNode = clustersOf(doc);
  const clusterNames = isMap(clustersNode)
    ? clustersNode.items.map(p => scalarText(p.key)).filter((n): n is string => n !== undefined)
    : [];
  let renames = new Map<string, string>();
  const duplicates = result.problems.some(p => /Map keys must be unique/i.test(p.message));
  if (duplicates) {
    // YAML refuses the whole file over one duplicate key, which would hide every other problem. Validate a copy of
    // the same length where duplicate clusters have unique names and other duplicate entries are blanked, so the
    // schema's problems keep their offsets; the duplicates themselves are reported below.
    const dedup = withoutDuplicates(text, doc);
    renames = dedup.renames;
    result = safeParseInventory(dedup.text);
  }
  reportProblems(text, result.problems, clusterNames, document, renames, findings);
  if (doc.errors.length) return findings;
  duplicateKeys(text, doc, findings);
  if (isMap(clustersNode)) semanticChecks(entriesFromDocument(clustersNode), findings, options);
  return findings;
}

/** The schema's problems as findings: narrowed ranges, clearer messages, and the certain fixes. */
function reportProblems(
  text: string,
  problems: InventoryProblem[],
  clusterList: string[],
  document: () => Document,
  renames: Map<string, string>,
  findings: Finding[],
): void {
  const clusterNames = new Set(clusterList);
  /** `clusters.<temporary name>` back to the name in the document (looked up, not searched for every rename). */
  const unrename = (s: string): string => {
    if (!renames.size) return s;
    let out = '';
    let from = 0;
    for (let at = s.indexOf('clusters.'); at >= 0; at = s.indexOf('clusters.', at + 1)) {
      const start = at + 'clusters.'.length;
      const tmp = clusterNameAt(s, start, renames);
      if (tmp === undefined) continue;
      out += s.slice(from, start) + renames.get(tmp)!;
      from = start + tmp.length;
    }
    return out + s.slice(from);
  };
  for (const p0 of problems) {
    if (/Map keys must be unique/i.test(p0.message)) continue;
    const p = { ...p0, field: unrename(p0.field), message: unrename(p0.message) };
    // Errors at the end of the file can point one past it.
    let [start, end]: Range = [Math.min(p.offset, text.length), Math.min(Math.max(p.endOffset, p.offset), text.length)];
    let message = p.message;
    const fixes: TextFix[] = [];
    const unknown = /unknown key "([^"]+)"/.exec(p.message);
    const where = locateField(p.field, clusterNames);
    if (unknown) {
      const key = unknown[1]!;
      const level = where.level;
      const guess = nearest(key, SCHEMA_KEYS[level]);
      const levelName = level === 'top' ? 'at the top level' : level === 'cluster' ? 'in a cluster' : 'in a host';
      message = guess
        ? `Unknown key "${key}" ${levelName}: did you mean "${guess}"?`
        : `Unknown key "${key}" ${levelName}. Valid keys: ${SCHEMA_KEYS[level].join(', ')}.`;
      if (guess) fixes.push({ title: `Change "${key}" to "${guess}"`, start, end, newText: guess, preferred: true });
    } else if (/required, add/.test(p.message)) {
      // Point at the key that owns the incomplete mapping (e.g. the cluster's name), not at the whole block.
      const path = fieldPath(where);
      const parentKey = path.length > 1 ? keyRange(document().contents, path.slice(0, -1)) : undefined;
      [start, end] = parentKey ?? firstLine(text, [start, end]);
    } else {
      const key = /\.([A-Za-z]+)$/.exec(p.field)?.[1];
      const docs = key ? KEY_DOCS[where.level][key] : undefined;
      const current = text.slice(start, end).replace(/^["']|["']$/g, '');
      if (docs?.values && !docs.values.includes(current)) {
        const guess = nearest(current, docs.values);
        message = `${p.field}: "${current}" is not one of ${docs.values.join(', ')}.${guess ? ` Did you mean "${guess}"?` : ''}`;
        if (guess)
          fixes.push({ title: `Change "${current}" to "${guess}"`, start, end, newText: guess, preferred: true });
      }
      if (end - start > 0 && text.slice(start, end).includes('\n')) [start, end] = firstLine(text, [start, end]);
    }
    findings.push({
      start,
      end,
      severity: p.severity,
      code: unknown ? 'unknown-key' : p.field ? 'schema' : 'yaml-syntax',
      message,
      ...(fixes.length ? { fixes } : {}),
    });
  }
}

/** parseInventory, with a thrown error (e.g. YAML's refusal of an alias bomb) turned into a problem at the start. */
function safeParseInventory(text: string): ReturnType<typeof parseInventory> {
  try {
    return parseInventory(text);
  } catch (e) {
    const end = text.indexOf('\n') < 0 ? text.length : text.indexOf('\n');
    const message = `The inventory cannot be read: ${e instanceof Error ? e.message : String(e)}`;
    return {
      ok: false,
      problems: [
        {
          file: '',
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: end + 1,
          offset: 0,
          endOffset: end,
          field: '',
          message,
          severity: 'error',
        },
      ],
    };
  }
}

function fieldPath(where: { cluster?: string; level: Level; rest: string }): Array<string | number> {
  const rest = where.rest
    .split(/\.|\[(\d+)\]/)
    .filter(s => s !== undefined && s !== '')
    .map(s => (/^\d+$/.test(s) ? Number(s) : s));
  return where.cluster === undefined ? rest : ['clusters', where.cluster, ...rest];
}

/** A copy of `text` of the same length in which no mapping repeats a key. */
function withoutDuplicates(text: string, doc: Document): { text: string; renames: Map<string, string> } {
  const chars = text.split('');
  const renames = new Map<string, string>();
  const clusters: unknown = isMap(doc.contents) ? doc.contents.get('clusters', true) : undefined;
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      const names = new Set(node.items.map(p => scalarText(p.key)).filter((k): k is string => k !== undefined));
      for (const pair of node.items) {
        const k = scalarText(pair.key);
        const kr = rangeOf(pair.key);
        if (k === undefined || !kr) continue;
        if (!seen.has(k)) {
          seen.add(k);
          visit(pair.value);
          continue;
        }
        const at = text.indexOf(k, kr[0]);
        if (node === clusters && at >= 0 && at + k.length <= kr[1]) {
          // Same length, still a valid cluster name, unique: only the last character changes.
          const fresh = [...'abcdefghijklmnopqrstuvwxyz0123456789']
            .map(c => k.slice(0, -1) + c)
            .find(n => !names.has(n) && !renames.has(n));
          if (fresh) {
            names.add(fresh);
            renames.set(fresh, k);
            for (let i = 0; i < k.length; i++) chars[at + i] = fresh[i]!;
            visit(pair.value);
            continue;
          }
        }
        const end = rangeOf(pair.value)?.[1] ?? kr[1];
        for (let i = kr[0]; i < end; i++) if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return { text: chars.join(''), renames };
}

/** Every mapping that repeats a key: YAML would keep only one of them. */
function duplicateKeys(text: string, doc: Document, findings: Finding[]): void {
  const lineOf = lineFinder(text);
  const visit = (node: unknown, path: string[]): void => {
    if (isMap(node)) {
      const seen = new Map<string, Pair>();
      for (const pair of node.items) {
        const k = scalarText(pair.key);
        if (k === undefined) continue;
        const first = seen.get(k);
        const r = rangeOf(pair.key);
        if (first && r) {
          const line = lineOf(rangeOf(first.key)?.[0] ?? 0);
          const isCluster = path.length === 1 && path[0] === 'clusters';
          findings.push({
            start: r[0],
            end: r[1],
            severity: 'error',
            code: isCluster ? 'duplicate-cluster' : 'duplicate-key',
            message: isCluster
              ? `Cluster "${k}" is defined twice (first on line ${line}); YAML would silently keep only this one. Rename one of them or merge them.`
              : `Key "${k}" appears twice in this mapping (first on line ${line}); YAML would silently keep only this one. Remove one.`,
          });
        } else {
          seen.set(k, pair);
        }
        visit(pair.value, [...path, k]);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item, [...path, '[]']);
    }
  };
  visit(doc.contents, []);
}

interface HostEntry {
  cluster: string;
  name?: string;
  ssh?: string;
  dataDirectory?: string;
  port?: number;
  /** Where the value of `name` or `ssh` is (the document may be parsed the first time this is asked). */
  range: (field: 'name' | 'ssh') => Range | undefined;
}

/** Host entries, cluster by cluster, from the document (whatever the schema thinks of it). */
function entriesFromDocument(clusters: YAMLMap): HostEntry[][] {
  const out: HostEntry[][] = [];
  for (const pair of clusters.items) {
    const cluster = scalarText(pair.key);
    if (cluster === undefined || !isMap(pair.value)) continue;
    const c = pair.value;
    const dir = scalarText(c.get('dataDirectory', true));
    const portText = scalarText(c.get('port', true));
    const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : 5432;
    const hosts = c.get('hosts', true);
    if (!isSeq(hosts)) continue;
    const entries: HostEntry[] = [];
    for (const item of hosts.items) {
      if (!isMap(item)) continue;
      const nameNode = item.get('name', true);
      const sshNode = item.get('ssh', true);
      const hp = scalarText(item.get('port', true));
      const e: HostEntry = {
        cluster,
        dataDirectory: scalarText(item.get('dataDirectory', true)) ?? dir,
        port: hp !== undefined && /^\d+$/.test(hp) ? Number(hp) : port,
        range: field => rangeOf(field === 'name' ? nameNode : sshNode),
      };
      const name = scalarText(nameNode);
      if (name !== undefined) e.name = name;
      const sshValue = scalarText(sshNode);
      if (sshValue !== undefined) e.ssh = sshValue;
      entries.push(e);
    }
    out.push(entries);
  }
  return out;
}

/** Host entries from a validated inventory (defaults applied); ranges are looked up only when a finding needs one. */
function entriesFromInventory(
  inventory: Inventory,
  locate: (path: Array<string | number>) => Range | undefined,
): HostEntry[][] {
  return Object.entries(inventory.clusters).map(([cluster, c]) =>
    c.hosts.map((h, i) => {
      const e: HostEntry = {
        cluster,
        name: h.name,
        dataDirectory: h.dataDirectory ?? c.dataDirectory,
        port: h.port ?? c.port,
        range: field => locate(['clusters', cluster, 'hosts', i, field]),
      };
      if (h.ssh !== undefined) e.ssh = h.ssh;
      return e;
    }),
  );
}

function semanticChecks(clusters: HostEntry[][], findings: Finding[], options: InventoryAnalysisOptions): void {
  const all: HostEntry[] = [];
  let ssh: SshHosts | undefined;
  let sshLoaded = false;
  const sshHosts = (): SshHosts | undefined => {
    if (!sshLoaded) {
      ssh = options.sshHosts?.();
      sshLoaded = true;
    }
    return ssh;
  };
  for (const entries of clusters) {
    // Two entries that reach the same machine with the same directory and port are one instance, not a pair.
    const machine = (e: HostEntry): string | undefined => {
      const target = e.ssh ?? e.name;
      if (target === undefined) return undefined;
      // ssh applies a Host section named like the target, whether it came from `ssh:` or from `name:`.
      const alias = sshHosts()?.hosts.find(h => h.alias === target);
      return (alias?.hostName ?? target).toLowerCase();
    };
    for (let i = 0; i < entries.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = entries[j]!;
        const b = entries[i]!;
        if (a.name === b.name || b.name === undefined) continue;
        if (a.dataDirectory === undefined || a.dataDirectory !== b.dataDirectory || a.port !== b.port) continue;
        const ma = machine(a);
        if (ma === undefined || ma !== machine(b)) continue;
        const range = (b.ssh !== undefined ? b.range('ssh') : undefined) ?? b.range('name');
        if (!range) continue;
        findings.push({
          start: range[0],
          end: range[1],
          severity: 'error',
          code: 'same-instance',
          message: `"${b.name}" and "${a.name}" are the same host (${ma}) with the same data directory ${b.dataDirectory} and port ${b.port}: a coordinator and its standby cannot share them. Give this host its own dataDirectory or port (what gpinitstandby -S / -P would use).`,
        });
      }
    }
    all.push(...entries);
  }
  // The same coordinator instance listed under two clusters.
  const byInstance = new Map<string, HostEntry>();
  for (const e of all) {
    if (e.name === undefined || e.dataDirectory === undefined) continue;
    const key = `${(e.ssh ?? e.name).toLowerCase()}\u0000${e.dataDirectory}\u0000${e.port}`;
    const first = byInstance.get(key);
    const nameRange = first && first.cluster !== e.cluster ? e.range('name') : undefined;
    if (first && nameRange) {
      findings.push({
        start: nameRange[0],
        end: nameRange[1],
        severity: 'warning',
        code: 'instance-in-two-clusters',
        message: `Host "${e.name}" with data directory ${e.dataDirectory} and port ${e.port} is already in cluster "${first.cluster}": both entries describe the same coordinator instance. Remove one, or correct the directory or port.`,
      });
    } else if (!first) {
      byInstance.set(key, e);
    }
  }
  // ssh aliases that ~/.ssh/config does not define (host names with a dot and addresses are left alone).
  for (const e of all) {
    if (e.ssh === undefined || e.ssh.includes('.') || e.ssh.includes(':')) continue;
    const hosts = sshHosts();
    if (!hosts || (hosts.found && sshKnows(hosts, e.ssh))) continue;
    const sshRange = e.range('ssh');
    if (!sshRange) continue;
    if (!hosts.found) {
      findings.push({
        start: sshRange[0],
        end: sshRange[1],
        severity: 'warning',
        code: 'ssh-config-missing',
        message: `ssh alias "${e.ssh}": ${hosts.path} does not exist, so ssh will look "${e.ssh}" up as a host name. Create the file with a "Host ${e.ssh}" section, or set greenplumCoordinator.sshConfigPath.`,
      });
      continue;
    }
    const guess = nearest(
      e.ssh,
      hosts.hosts.map(h => h.alias),
    );
    findings.push({
      start: sshRange[0],
      end: sshRange[1],
      severity: 'warning',
      code: 'ssh-alias-unknown',
      message: `ssh alias "${e.ssh}" is not a Host in ${hosts.path}; ssh will look it up as a host name.${guess ? ` Did you mean "${guess}"?` : ` Add a "Host ${e.ssh}" section there, or use the host's real name.`}`,
      ...(guess
        ? {
            fixes: [
              {
                title: `Change "${e.ssh}" to "${guess}"`,
                start: sshRange[0],
                end: sshRange[1],
                newText: guess,
                preferred: true,
              },
            ],
          }
        : {}),
    });
  }
}

// The cluster inventory: which clusters exist, their coordinator hosts, and how to reach them.
// Pure: parses YAML text handed in by the caller and reports every problem at its exact position.
import { z } from 'zod';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Node as YamlNode, Pair, YAMLMap } from 'yaml';
import { describeCharacter, pathCharacterProblem } from './shell';

/** A DNS host name or IPv4 address: letters, digits, dots and dashes only, so it can never carry shell syntax. */
export const hostNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/, {
    message: 'must be a host name (letters, digits, ".", "-", "_"), e.g. cdw or scdw.example.com',
  });

/** An ssh target: a host name or a `~/.ssh/config` alias (aliases may contain a few more characters). */
export const sshTargetSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9_](?:[A-Za-z0-9._@+-]*[A-Za-z0-9_])?$/, {
    message: 'must be a host name or ~/.ssh/config alias without spaces or shell characters',
  });

/** True when the text holds a control character (newline, NUL, escape…), which no path or name may carry. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** True when the text holds a character that does not show, or reorders what is shown (U+200B, U+202E…). */
export function hasInvisibleCharacter(text: string): boolean {
  return /[\p{Cf}\u2028\u2029]/u.test(text);
}

/**
 * An absolute POSIX path of the characters Greenplum paths use, without `..` segments. These paths reach the
 * utilities (gpinitstandby -S, gpactivatestandby -d, the exported *_DATA_DIRECTORY), which pass them on inside
 * `sh -c`: shell syntax, quotes, whitespace and invisible characters are refused, not quoted.
 */
export const absolutePathSchema = z
  .string()
  .min(2)
  .max(4096)
  .refine(p => p.startsWith('/'), { message: 'must be an absolute path (start with "/")' })
  .superRefine((p, ctx) => {
    const problem = pathCharacterProblem(p);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        message: `${problem}. Use a path without it (rename the directory on the hosts if it has such a name)`,
      });
  })
  .refine(p => !p.split('/').includes('..'), { message: 'must not contain ".." segments' })
  .refine(p => p === '/' || !p.endsWith('/'), { message: 'must not end with "/"' });

/** A path to a key file: absolute, or starting with `~/`. */
export const keyPathSchema = z
  .string()
  .min(2)
  .max(4096)
  .refine(p => p.startsWith('/') || p.startsWith('~/'), { message: 'must be an absolute path or start with "~/"' })
  .refine(p => !hasControlCharacter(p), { message: 'must not contain control characters' })
  .superRefine((p, ctx) => {
    const ch = [...p].find(c => hasInvisibleCharacter(c));
    if (ch)
      ctx.addIssue({
        code: 'custom',
        message: `contains ${describeCharacter(ch)}, which does not show as it is; type the path again without it`,
      });
  });

export const portSchema = z
  .number()
  .int({ message: 'must be a whole number' })
  .min(1, { message: 'must be between 1 and 65535' })
  .max(65535, { message: 'must be between 1 and 65535' });

export const clusterNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
  message: 'must start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 63)',
});

export const vocabularySettingSchema = z.enum(['auto', 'master', 'coordinator']);
export const productSettingSchema = z.enum(['auto', 'greenplum', 'cloudberry']);
/** The releases whose utilities differ in flags, prompts and refusals (Greenplum 5, 6, 7; Apache Cloudberry 1, 2). */
export const RELEASE_PINS = ['5', '6', '7', 'cloudberry-1', 'cloudberry-2'] as const;
export type ReleasePin = (typeof RELEASE_PINS)[number];
export const releasePinSchema = z.enum(RELEASE_PINS, {
  message:
    'must be one of "5", "6", "7", "cloudberry-1", "cloudberry-2", quoted (release: "6"); leave it out to detect the release',
});

export const hostSchema = z
  .object({
    /** Inventory alias and the host name Greenplum knows the host by (gp_segment_configuration.hostname). */
    name: hostNameSchema,
    /** The role this host had when the cluster was built; "return to original host" brings it back. */
    role: z.enum(['coordinator', 'standby']).optional(),
    /** ssh target (host name or ~/.ssh/config alias); defaults to `name`. */
    ssh: sshTargetSchema.optional(),
    /** Login user; defaults to the ssh config's User, else gpadmin. */
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_.-]{0,31}$/i, { message: 'must be a Unix user name, e.g. gpadmin' })
      .optional(),
    /** ssh port; defaults to the ssh config's Port, else 22. */
    sshPort: portSchema.optional(),
    /** Private key file; defaults to the ssh config's IdentityFile and the agent. */
    identityFile: keyPathSchema.optional(),
    /** This host's coordinator data directory, when it differs from the cluster's. */
    dataDirectory: absolutePathSchema.optional(),
    /** This host's coordinator port, when it differs from the cluster's. */
    port: portSchema.optional(),
  })
  .strict();

export const clusterSchema = z
  .object({
    description: z.string().max(500).optional(),
    /** "master" for Greenplum 5/6, "coordinator" for Greenplum 7 and Cloudberry; auto detects from the output. */
    vocabulary: vocabularySettingSchema.default('auto'),
    product: productSettingSchema.default('auto'),
    /** The release the cluster runs; absent: detected through the probe (`postgres --gp-version`). */
    release: releasePinSchema.optional(),
    /** Where Greenplum is installed on the hosts; the environment script is looked up under it. */
    gphome: absolutePathSchema.optional(),
    /** The script that sets up the utilities' environment (greenplum_path.sh or cloudberry-env.sh). */
    environmentScript: absolutePathSchema.optional(),
    /** The coordinator data directory, the same on every host unless a host overrides it. */
    dataDirectory: absolutePathSchema,
    /** The coordinator port, the same on every host unless a host overrides it. */
    port: portSchema.default(5432),
    hosts: z
      .array(hostSchema)
      .min(2, { message: 'a cluster needs its coordinator host and its standby host (2 hosts)' })
      .max(16),
  })
  .strict()
  .superRefine((cluster, ctx) => {
    const seen = new Map<string, number>();
    cluster.hosts.forEach((h, i) => {
      const first = seen.get(h.name);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['hosts', i, 'name'],
          message: `host "${h.name}" is listed twice (first as hosts[${first}]); list each host once`,
        });
      else seen.set(h.name, i);
    });
    const roles = cluster.hosts.filter(h => h.role === 'coordinator');
    if (roles.length > 1) {
      const i = cluster.hosts.lastIndexOf(roles[roles.length - 1]!);
      ctx.addIssue({
        code: 'custom',
        path: ['hosts', i, 'role'],
        message: 'only one host can be the original coordinator (role: coordinator)',
      });
    }
  });

export const inventorySchema = z
  .object({
    version: z.literal(1).default(1),
    clusters: z.record(clusterNameSchema, clusterSchema),
  })
  .strict();

export type HostConfig = z.infer<typeof hostSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;
export type Inventory = z.infer<typeof inventorySchema>;

/** One problem in an inventory file, at a 1-based line and column, with the dotted field path and a fix. */
export interface InventoryProblem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** 0-based offsets into the text, for editors. */
  offset: number;
  endOffset: number;
  field: string;
  message: string;
  severity: 'error' | 'warning';
}

export type InventoryResult =
  { ok: true; inventory: Inventory; problems: InventoryProblem[] } | { ok: false; problems: InventoryProblem[] };

/** A host with every default applied: what the ssh layer and the engine work with. */
export interface ResolvedHost {
  name: string;
  sshTarget: string;
  user: string | undefined;
  sshPort: number | undefined;
  identityFile: string | undefined;
  dataDirectory: string;
  port: number;
  role: 'coordinator' | 'standby';
}

export interface ResolvedCluster {
  name: string;
  config: ClusterConfig;
  hosts: ResolvedHost[];
  /** The host that was the coordinator when the cluster was built. */
  originalCoordinator: ResolvedHost;
  /** The host that was the standby when the cluster was built. */
  originalStandby: ResolvedHost;
}

export function resolveCluster(name: string, config: ClusterConfig): ResolvedCluster {
  const explicit = config.hosts.findIndex(h => h.role === 'coordinator');
  const coordinatorIndex = explicit >= 0 ? explicit : 0;
  const hosts: ResolvedHost[] = config.hosts.map((h, i) => ({
    name: h.name,
    sshTarget: h.ssh ?? h.name,
    user: h.user,
    sshPort: h.sshPort,
    identityFile: h.identityFile,
    dataDirectory: h.dataDirectory ?? config.dataDirectory,
    port: h.port ?? config.port,
    role: i === coordinatorIndex ? 'coordinator' : 'standby',
  }));
  const originalCoordinator = hosts[coordinatorIndex]!;
  const originalStandby = hosts.find((h, i) => i !== coordinatorIndex && config.hosts[i]!.role !== 'coordinator')!;
  return { name, config, hosts, originalCoordinator, originalStandby };
}

const FIXES: Record<string, string> = {
  invalid_type: "check the value's type",
  unrecognized_keys: 'remove it or check its spelling',
};

/** The message yaml gives a repeated key, kept so that editors and tests recognise it. */
export const DUPLICATE_KEY_MESSAGE = 'YAML syntax: Map keys must be unique';

/** The range of every key that repeats an earlier key of the same mapping, with one Set per mapping. */
/** Keys of the raw `clusters` mapping that the validated clusters lack (all of them when validation failed early). */
function droppedClusterKeys(data: unknown, parsed: Record<string, unknown> | undefined): string[] {
  const raw = data && typeof data === 'object' ? (data as { clusters?: unknown }).clusters : undefined;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  return Object.keys(raw).filter(k => (parsed ? !Object.hasOwn(parsed, k) : k === '__proto__'));
}

/** The refusal of a file past MAX_INVENTORY_CHARS, on its first line (or its start when the text was not read). */
export function inventoryTooLarge(file: string, text = ''): InventoryProblem {
  const firstLineEnd = text.indexOf('\n') < 0 ? text.length : text.indexOf('\n');
  const end = Math.min(firstLineEnd, 200);
  const message = `the inventory is larger than ${MAX_INVENTORY_CHARS / 1024} KiB, the most that is read. A cluster inventory is far smaller: check that this is the right file, or split the clusters into several inventory files`;
  return {
    file,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: end + 1,
    offset: 0,
    endOffset: end,
    field: '',
    message,
    severity: 'error',
  };
}

function duplicateKeyRanges(root: YamlNode | null | undefined): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (!root) return out;
  visit(root, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        // Scalars by value (`1` and `"1"` differ, as in yaml, which compares other keys by identity only).
        if (!isScalar(key)) continue;
        const id = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(id)) out.push(rangeOf(key) ?? [0, 0]);
        else seen.add(id);
      }
    },
  });
  return out;
}

/**
 * The largest inventory read, in characters: hundreds of clusters fit; past it a file is refused before YAML parses
 * it (40,000 keys cost the YAML library alone about a second), with this limit in the message.
 */
export const MAX_INVENTORY_CHARS = 128 * 1024;

/** Parses and validates an inventory. Never throws; every problem carries its position. */
export function parseInventory(text: string, file = 'greenplum-clusters.yaml'): InventoryResult {
  if (text.length > MAX_INVENTORY_CHARS) return { ok: false, problems: [inventoryTooLarge(file, text)] };
  const lineCounter = new LineCounter();
  // yaml's own uniqueKeys check compares every key with every other (40,000 keys: 90 s); duplicateKeyRanges is linear.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const problems: InventoryProblem[] = [];
  const at = (
    offset: number,
    endOffset: number,
    field: string,
    message: string,
    severity: 'error' | 'warning' = 'error',
  ): InventoryProblem => {
    // yaml reports some errors just past the end of the input; editors need offsets inside the text.
    const start = Math.max(0, Math.min(offset, text.length));
    const end = Math.max(start, Math.min(endOffset, text.length));
    const s = lineCounter.linePos(start);
    const e = lineCounter.linePos(end);
    return {
      file,
      line: s.line,
      column: s.col,
      endLine: e.line,
      endColumn: e.col,
      offset: start,
      endOffset: end,
      field,
      message,
      severity,
    };
  };
  for (const err of doc.errors) {
    problems.push(at(err.pos[0], err.pos[1], '', `YAML syntax: ${err.message.split('\n')[0]}`));
  }
  for (const warn of doc.warnings) {
    problems.push(at(warn.pos[0], warn.pos[1], '', `YAML: ${warn.message.split('\n')[0]}`, 'warning'));
  }
  for (const [start, end] of duplicateKeyRanges(doc.contents)) problems.push(at(start, end, '', DUPLICATE_KEY_MESSAGE));
  if (doc.errors.length || problems.some(p => p.message === DUPLICATE_KEY_MESSAGE)) return { ok: false, problems };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 }) ?? {};
  } catch (e) {
    // An alias bomb ("billion laughs") makes toJS throw past maxAliasCount: refuse it, never expand it.
    problems.push(
      at(
        0,
        0,
        '',
        `YAML: ${e instanceof Error ? e.message : String(e)}; the inventory may not expand aliases that much`,
      ),
    );
    return { ok: false, problems };
  }
  const result = inventorySchema.safeParse(data);
  // zod's records assign keys to plain objects, where `__proto__` sets the prototype instead: such a cluster would
  // vanish unvalidated. Every cluster key must come through; one that did not is reported on the key.
  for (const key of droppedClusterKeys(data, result.success ? result.data.clusters : undefined)) {
    const range = keyRange(doc.contents, ['clusters', key]) ?? [0, 0];
    const name = clusterNameSchema.safeParse(key);
    problems.push(
      at(
        range[0],
        range[1],
        `clusters.${key}`,
        `clusters: cluster name "${key}": ${name.success ? 'not usable as a name' : name.error.issues[0]!.message}`,
      ),
    );
  }
  if (result.success && !problems.some(p => p.severity === 'error')) {
    // Without a prototype, names like `constructor` and `toString` are only clusters, never inherited members.
    const clusters: Inventory['clusters'] = Object.assign(
      Object.create(null) as Inventory['clusters'],
      result.data.clusters,
    );
    return { ok: true, inventory: { ...result.data, clusters }, problems };
  }
  if (result.success) return { ok: false, problems };
  for (const issue of result.error.issues) {
    const path = issue.path.map(p => (typeof p === 'symbol' ? String(p) : p));
    const field = formatPath(path);
    let keys: string[] = [];
    if (issue.code === 'unrecognized_keys') keys = issue.keys;
    if (keys.length) {
      for (const key of keys) {
        const range = keyRange(doc.contents, [...path, key]) ?? nodeRange(doc.contents, path);
        problems.push(
          at(
            range[0],
            range[1],
            formatPath([...path, key]),
            `${field ? field + ': ' : ''}unknown key "${key}"; ${FIXES.unrecognized_keys}`,
          ),
        );
      }
      continue;
    }
    // A bad record key (cluster name) is reported on the key itself.
    const range = (issue.code === 'invalid_key' ? keyRange(doc.contents, path) : undefined) ??
      nodeRange(doc.contents, path) ?? [0, 0];
    const missing = issue.code === 'invalid_type' && issue.message.includes('received undefined');
    const message = missing
      ? `${field}: required, add "${String(path[path.length - 1])}:"`
      : `${field || 'inventory'}: ${typeMessage(issue.message, path) ?? issue.message}`;
    problems.push(at(range[0], range[1], field, message));
  }
  return { ok: false, problems };
}

const A_VALUE: Record<string, string> = {
  string: 'a text value',
  number: 'a number',
  object: 'a mapping of keys (key: value lines)',
  array: 'a list (lines starting with "- ")',
  boolean: 'true or false',
};

/** zod's "Invalid input: expected string, received null" in words a DBA can act on, with the fix. */
function typeMessage(zodMessage: string, path: ReadonlyArray<string | number>): string | undefined {
  const m = /expected (\w+), received (\w+)/.exec(zodMessage);
  if (!m) return undefined;
  const [, expected = '', received = ''] = m;
  const key = path[path.length - 1];
  const wanted = A_VALUE[expected] ?? expected;
  if (received === 'null' || received === 'undefined') {
    return typeof key === 'string'
      ? `needs ${wanted}, but nothing follows "${key}:"; write the value after the colon, or delete the line`
      : `needs ${wanted}, but the entry is empty; fill it in or delete the line`;
  }
  return `needs ${wanted}, found ${A_VALUE[received] ?? received}; write ${wanted}${expected === 'string' ? ' (quote it if it looks like a number)' : ''}`;
}

export function formatPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** Source range of the value at `path`, or of the deepest existing ancestor when the value is missing. */
export function nodeRange(root: YamlNode | null | undefined, path: ReadonlyArray<string | number>): [number, number] {
  let node: unknown = root;
  let last: [number, number] = rangeOf(root) ?? [0, 0];
  for (const segment of path) {
    let next: unknown;
    let keyNode: unknown;
    if (isMap(node)) {
      const pair = pairNamed(node, segment);
      next = pair?.value;
      keyNode = pair?.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (next === undefined || next === null) {
      const k = rangeOf(keyNode);
      return k ?? last;
    }
    node = next;
    last = rangeOf(next) ?? last;
  }
  return last;
}

/** Source range of the key named by the last element of `path`. */
export function keyRange(
  root: YamlNode | null | undefined,
  path: ReadonlyArray<string | number>,
): [number, number] | undefined {
  const parent = path.slice(0, -1);
  const key = path[path.length - 1];
  let node: unknown = root;
  for (const segment of parent) {
    if (isMap(node)) node = pairNamed(node, segment)?.value;
    else if (isSeq(node) && typeof segment === 'number') node = node.items[segment];
    else return undefined;
  }
  if (!isMap(node)) return undefined;
  return key === undefined ? undefined : rangeOf(pairNamed(node, key)?.key);
}

/** Each mapping's pairs by key text (the first of duplicates), built once: a search per lookup made reports quadratic. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairNamed(map: YAMLMap, segment: string | number): Pair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const it of map.items) {
      if (!isScalar(it.key)) continue;
      const name = String(it.key.value);
      if (!index.has(name)) index.set(name, it as Pair);
    }
    pairIndex.set(map, index);
  }
  return index.get(String(segment));
}

function rangeOf(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

/** One parsed inventory file, for merging. */
export interface InventorySource {
  file: string;
  inventory: Inventory;
}

/**
 * Merges inventories in order of precedence, first wins (e.g. the workspace file before the user-level file).
 * A cluster defined in two files is taken from the first, with a warning naming both files.
 */
export function mergeInventories(sources: readonly InventorySource[]): {
  inventory: Inventory;
  origin: Record<string, string>;
  problems: InventoryProblem[];
} {
  // Prototype-less: a cluster named `constructor` or `toString` must not find Object's members here.
  const clusters = Object.create(null) as Inventory['clusters'];
  const origin = Object.create(null) as Record<string, string>;
  const problems: InventoryProblem[] = [];
  for (const s of sources) {
    for (const [name, cluster] of Object.entries(s.inventory.clusters)) {
      const first = origin[name];
      if (first !== undefined) {
        problems.push({
          file: s.file,
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 1,
          offset: 0,
          endOffset: 0,
          field: `clusters.${name}`,
          message: `cluster "${name}" is also defined in ${first}, which takes precedence; rename one of them`,
          severity: 'warning',
        });
        continue;
      }
      clusters[name] = cluster;
      origin[name] = s.file;
    }
  }
  return { inventory: { version: 1, clusters }, origin, problems };
}

/** "file:line:column: field: message" — the form the CLI prints and editors understand. */
export function formatInventoryProblem(p: InventoryProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.message}`;
}

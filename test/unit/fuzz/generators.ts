// Seeded input generators for the fuzz tests and the fuzz benchmark: every case is reproducible from its seed.
// Inventories are mutated from valid seeds (YAML-aware and byte-level mutations, hostile values, YAML bombs);
// panel messages are generated as arbitrary JSON and as mutations of valid messages.

/** mulberry32: small, fast, seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const int = (r: Rand, n: number): number => Math.floor(r() * n);
export const pick = <T>(r: Rand, items: readonly T[]): T => items[int(r, items.length)]!;

/** Shell metacharacters and quoting tricks; the canary path is where a successful injection would leave a file. */
export function hostileFragments(canary: string): string[] {
  return [
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `; touch ${canary};`,
    `'; touch ${canary}; echo '`,
    `"; touch ${canary}; echo "`,
    `' && touch ${canary} && '`,
    `| touch ${canary}`,
    `& touch ${canary} &`,
    `$(IFS=_;cmd=touch_${canary};$cmd)`,
    `\\'; touch ${canary} #`,
    `\${IFS}touch\${IFS}${canary}`,
    `>${canary}`,
    `<(touch ${canary})`,
    `*`,
    `~root`,
    `-rf`,
    ` space `,
    `ünïcødé`,
    `$HOME`,
    `!!`,
  ];
}

/** An absolute path carrying hostile fragments (the shapes the inventory allows for a data directory). */
export function hostilePath(r: Rand, canary: string): string {
  const frags = hostileFragments(canary);
  const parts = ['data', 'coordinator'];
  const n = 1 + int(r, 3);
  for (let i = 0; i < n; i++) parts.splice(int(r, parts.length + 1), 0, pick(r, frags));
  return (
    '/' +
    parts
      .join('/')
      .replace(/\/\.\.(?=\/|$)/g, '/x')
      .replace(/\/+/g, '/')
      .replace(/\/$/, '')
  );
}

export const VALID_INVENTORY = `version: 1
clusters:
  prod:
    description: Production warehouse
    vocabulary: coordinator
    product: greenplum
    gphome: /usr/local/greenplum-db
    environmentScript: /usr/local/greenplum-db/greenplum_path.sh
    dataDirectory: /data/coordinator/gpseg-1
    port: 5432
    hosts:
      - name: cdw
        role: coordinator
        ssh: cdw
        user: gpadmin
        sshPort: 22
        identityFile: ~/.ssh/id_ed25519
      - name: scdw
        role: standby
        dataDirectory: /data/standby/gpseg-1
        port: 5433
  legacy:
    vocabulary: master
    dataDirectory: /data/master/gpseg-1
    hosts:
      - { name: mdw, role: coordinator }
      - { name: smdw }
`;

/** Seeds that exercise YAML features: anchors, flow style, multi-document, tags, block scalars. */
export const INVENTORY_SEEDS: string[] = [
  VALID_INVENTORY,
  `clusters:\n  a:\n    dataDirectory: &d /data/coordinator/gpseg-1\n    hosts:\n      - name: h1\n        dataDirectory: *d\n      - name: h2\n`,
  `{"version": 1, "clusters": {"c": {"dataDirectory": "/d/gpseg-1", "hosts": [{"name": "x"}, {"name": "y"}]}}}`,
  `version: 1\nclusters:\n  c:\n    description: |\n      multi\n      line\n    dataDirectory: /d\n    hosts: [{name: a}, {name: b}]\n---\nclusters: {}\n`,
  `clusters:\n  c:\n    dataDirectory: !!str /d\n    port: !!int "5432"\n    hosts:\n      - name: a\n      - name: b\n`,
  // A billion-laughs style alias bomb: must be refused, not expanded.
  `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nclusters: {}\n`,
  '',
  '\uFEFF',
  'clusters:',
  '- just\n- a\n- list\n',
];

const YAML_TOKENS = [
  '',
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\t',
  ':',
  ': ',
  '- ',
  '-',
  '[',
  ']',
  '{',
  '}',
  ',',
  '"',
  "'",
  '&a ',
  '*a',
  '!!str ',
  '!!binary ',
  '|',
  '>',
  '#',
  '---',
  '...',
  '? ',
  '%YAML 1.2\n',
  '<<: *a',
  '~',
  'null',
  'true',
  '0x1F',
  '1e309',
  '-1',
  '65536',
  '.nan',
  '\u0000',
  '\u2028',
  '\uD800',
  '\\',
  'clusters',
  'hosts',
  'name',
  'dataDirectory',
  'port',
  'role',
  'coordinator',
  'standby',
  'ssh',
  'user',
  'version',
];

/** One mutation of a YAML text: token insertion, deletion, duplication, line shuffles, value swaps, hostile values. */
export function mutateYaml(text: string, r: Rand, canary: string): string {
  const lines = text.split('\n');
  switch (int(r, 10)) {
    case 0: {
      const at = int(r, text.length + 1);
      return text.slice(0, at) + pick(r, YAML_TOKENS) + text.slice(at);
    }
    case 1: {
      const a = int(r, text.length + 1);
      return text.slice(0, a) + text.slice(a + 1 + int(r, 20));
    }
    case 2: {
      const i = int(r, lines.length);
      lines.splice(i, 0, lines[int(r, lines.length)] ?? '');
      return lines.join('\n');
    }
    case 3: {
      const i = int(r, lines.length);
      const j = int(r, lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 4: {
      // Re-indent one line: YAML structure hinges on indentation.
      const i = int(r, lines.length);
      lines[i] = ' '.repeat(int(r, 9)) + (lines[i] ?? '').trimStart();
      return lines.join('\n');
    }
    case 5: {
      // Replace a scalar value with a hostile one (JSON-quoted, which YAML reads as a string).
      const i = int(r, lines.length);
      const m = /^(\s*-?\s*[A-Za-z]+:\s*)(.*)$/.exec(lines[i] ?? '');
      if (!m) return text;
      const v = pick(r, [
        hostilePath(r, canary),
        pick(r, hostileFragments(canary)),
        'x'.repeat(5000),
        String(int(r, 100000) - 50000),
      ]);
      lines[i] = m[1] + JSON.stringify(v);
      return lines.join('\n');
    }
    case 6:
      return text.slice(0, int(r, text.length + 1));
    case 7: {
      // Deep nesting.
      const depth = 1 + int(r, 2000);
      return text + `\ndeep: ${'['.repeat(depth)}${']'.repeat(int(r, 2) ? depth : 0)}\n`;
    }
    case 8: {
      // Many clusters.
      const n = int(r, 300);
      let extra = '';
      for (let i = 0; i < n; i++)
        extra += `  gen${i}:\n    dataDirectory: /d${i}\n    hosts: [{name: a${i}}, {name: b${i}}]\n`;
      return text.replace(/^clusters:\s*$/m, `clusters:\n${extra}`);
    }
    default: {
      // Random bytes, printable-biased.
      const at = int(r, text.length + 1);
      let junk = '';
      for (let i = int(r, 40); i > 0; i--) junk += String.fromCharCode(r() < 0.8 ? 32 + int(r, 95) : int(r, 0x3000));
      return text.slice(0, at) + junk + text.slice(at);
    }
  }
}

/** A fuzzed inventory: a seed with 1–4 mutations. */
export function fuzzInventory(seed: number, canary: string): string {
  const r = prng(seed);
  let text = pick(r, INVENTORY_SEEDS);
  for (let i = 1 + int(r, 4); i > 0; i--) text = mutateYaml(text, r, canary);
  return text;
}

// ---------------------------------------------------------------- JSON values (panel messages)

const KEYS = [
  'type',
  'command',
  'requestId',
  'state',
  'snapshot',
  'ready',
  'rendered',
  'runCommand',
  'show',
  'reportRendered',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hosts',
  'title',
  '',
];

export function randomJson(r: Rand, depth = 0): unknown {
  const k = int(r, depth > 4 ? 6 : 9);
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return pick(r, [0, -1, 1.5, 2 ** 53, -0, 1e308, Number.MAX_SAFE_INTEGER, int(r, 1000)]);
    case 3:
      return pick(r, KEYS);
    case 4:
      return 'x'.repeat(int(r, 3) === 0 ? 100000 : int(r, 30));
    case 5:
      return pick(r, [
        'openGpstateOutput',
        'checkMirroring',
        'restoreMirroring',
        'returnToOriginalHost',
        'showAuditLog',
        'addCluster',
        'workbench.action.terminal.new',
        'rm -rf /',
        '',
      ]);
    case 6:
      return Array.from({ length: int(r, 5) }, () => randomJson(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = int(r, 5); i > 0; i--) o[pick(r, KEYS)] = randomJson(r, depth + 1);
      return o;
    }
  }
}

/** Valid panel → extension messages, to mutate. */
export const VALID_FROM_PANEL: unknown[] = [
  { type: 'ready' },
  { type: 'rendered', requestId: 1, state: { title: 'lab', 'verdict.headline': 'Mirroring healthy' } },
  { type: 'runCommand', command: 'checkMirroring' },
];

/** Mutates a JSON value: drops, adds, retypes or swaps keys and values. */
export function mutateJson(value: unknown, r: Rand): unknown {
  if (value === null || typeof value !== 'object') return int(r, 3) === 0 ? randomJson(r, 3) : value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...(value as unknown[])]
    : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const key = keys.length ? pick(r, keys) : undefined;
  switch (int(r, 5)) {
    case 0:
      if (key !== undefined) delete (copy as Record<string, unknown>)[key];
      break;
    case 1:
      (copy as Record<string, unknown>)[pick(r, KEYS)] = randomJson(r, 2);
      break;
    case 2:
      if (key !== undefined) (copy as Record<string, unknown>)[key] = randomJson(r, 2);
      break;
    case 3:
      if (key !== undefined)
        (copy as Record<string, unknown>)[key] = mutateJson((copy as Record<string, unknown>)[key], r);
      break;
    default:
      return JSON.parse(
        JSON.stringify(copy).replace(/"type":"[a-zA-Z]+"/, `"type":${JSON.stringify(pick(r, KEYS))}`),
      ) as unknown;
  }
  return copy;
}

/** A fuzzed panel message: arbitrary JSON, or a valid message mutated 1–3 times; sometimes via JSON text with __proto__. */
export function fuzzPanelMessage(seed: number): unknown {
  const r = prng(seed);
  const mode = int(r, 4);
  if (mode === 0) return randomJson(r);
  if (mode === 1)
    return JSON.parse(
      `{"type":"runCommand","command":"checkMirroring","__proto__":{"polluted":true,"type":"runCommand"}}`,
    ) as unknown;
  let v = structuredClone(pick(r, VALID_FROM_PANEL));
  for (let i = 1 + int(r, 3); i > 0; i--) v = mutateJson(v, r);
  return v;
}

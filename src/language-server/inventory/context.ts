// Where the cursor is in an inventory being edited (often not valid YAML at that moment): which level's mapping,
// whether on a key or a value, and which keys that mapping already has. Works on lines and indentation only, so a
// half-typed line never hides the context.
import type { Level } from './keys';

export interface YamlContext {
  /** The mapping the cursor's line belongs to; 'clusters' = directly under `clusters:` (a cluster name). */
  level: Level | 'clusters' | 'unknown';
  /** Keys of the enclosing mappings, outermost first, e.g. ['clusters', 'prod', 'hosts']. */
  path: string[];
  /** On the key part of the line (before any `:`). */
  onKey: boolean;
  /** The key of the line, when the line has `key:`. */
  key?: string;
  keyStart?: number;
  keyEnd?: number;
  /** Start of the value (after `key: `) and the value typed so far up to the cursor. */
  valueStart?: number;
  valueEnd?: number;
  /** The word being typed at the cursor (key or value prefix) and where it starts. */
  prefixStart: number;
  /** Keys already present in the same mapping (other lines). */
  siblings: Set<string>;
}

interface LineInfo {
  start: number;
  text: string;
  /** Column where the mapping content starts (after `- ` for sequence items). */
  indent: number;
  /** Column of the `-` of a sequence item, or -1. */
  dash: number;
  key?: string;
  keyCol?: number;
  /** Text after `key:` (trimmed), empty for a block key. */
  rest?: string;
  blank: boolean;
}

const KEY_RE = /^([A-Za-z_][\w.-]*|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]|$)/;

function lineInfo(text: string, start: number, end: number): LineInfo {
  const raw = text.slice(start, end).replace(/\r$/, '');
  let i = 0;
  while (raw[i] === ' ') i++;
  let dash = -1;
  while (raw[i] === '-' && (raw[i + 1] === ' ' || raw[i + 1] === undefined || raw[i + 1] === '\t')) {
    dash = i;
    i++;
    while (raw[i] === ' ' || raw[i] === '\t') i++;
  }
  const content = raw.slice(i);
  const blank = content.trim() === '' && dash < 0 ? true : content.startsWith('#') && dash < 0;
  const info: LineInfo = { start, text: raw, indent: i, dash, blank };
  const m = KEY_RE.exec(content);
  if (m) {
    info.key = m[1]!.replace(/^["']|["']$/g, '');
    info.keyCol = i;
    // A comment starts at a `#` after a blank (found with a fixed-width pattern: `\s+#.*$` backtracks).
    const rest = content.slice(m[0].length);
    const comment = /\s#/.exec(rest);
    info.rest = (comment ? rest.slice(0, comment.index) : rest).trim();
  }
  return info;
}

/** Splits text into line start offsets. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function yamlContextAt(text: string, offset: number): YamlContext {
  const starts = lineStarts(text);
  let lineNo = 0;
  while (lineNo + 1 < starts.length && starts[lineNo + 1]! <= offset) lineNo++;
  const lineStart = starts[lineNo]!;
  const lineEnd = lineNo + 1 < starts.length ? starts[lineNo + 1]! - 1 : text.length;
  const cur = lineInfo(text, lineStart, lineEnd);
  const col = offset - lineStart;
  // A blank line's indentation is where the cursor is.
  const indent = cur.blank ? col : cur.indent;
  let prefixStart = offset;
  while (prefixStart > lineStart && /[\w.@~/+-]/.test(text[prefixStart - 1]!)) prefixStart--;
  const ctx: YamlContext = { level: 'unknown', path: [], onKey: true, prefixStart, siblings: new Set() };
  // A key never starts with "-": that is a sequence item's dash, which completing a key must keep.
  const colonBefore = text.lastIndexOf(':', offset - 1) >= lineStart;
  if (!colonBefore) while (ctx.prefixStart < offset && text[ctx.prefixStart] === '-') ctx.prefixStart++;
  if (cur.key !== undefined && cur.keyCol !== undefined) {
    const keyStart = lineStart + cur.keyCol;
    const colon = text.indexOf(':', keyStart + cur.key.length);
    ctx.key = cur.key;
    ctx.keyStart = keyStart;
    ctx.keyEnd = keyStart + (text[keyStart] === '"' || text[keyStart] === "'" ? cur.key.length + 2 : cur.key.length);
    if (offset > colon) {
      ctx.onKey = false;
      let v = colon + 1;
      while (text[v] === ' ' || text[v] === '\t') v++;
      ctx.valueStart = v;
      let e = v;
      while (e < lineEnd && text[e] !== '#' && text[e] !== '\r') e++;
      while (e > v && /\s/.test(text[e - 1]!)) e--;
      ctx.valueEnd = e;
    }
  }
  // Walk up. In 'mapping' state we are inside the mapping whose keys start at column `want`: lines at that column are
  // siblings, a sequence item starting at that column means the mapping is that item, and the first line further
  // left is the key that owns the mapping. In 'seq' state we look for the key owning a sequence whose dashes are at
  // column `want`.
  const path: string[] = [];
  let want = indent;
  let state: 'mapping' | 'seq' = 'mapping';
  let collecting = true;
  if (cur.dash >= 0) {
    path.push('[]');
    want = cur.dash;
    state = 'seq';
    collecting = false;
  }
  const owner = (li: LineInfo): boolean => {
    if (li.key === undefined || li.rest !== '') return false;
    path.unshift(li.key);
    collecting = false;
    if (li.dash >= 0) {
      path.unshift('[]');
      want = li.dash;
      state = 'seq';
    } else {
      want = li.indent;
      state = 'mapping';
    }
    return true;
  };
  for (let n = lineNo - 1; n >= 0; n--) {
    const li = lineInfo(text, starts[n]!, starts[n + 1]! - 1);
    if (li.blank) continue;
    if (state === 'mapping') {
      if (li.indent > want) continue;
      if (li.indent === want) {
        if (collecting && li.key !== undefined) ctx.siblings.add(li.key);
        if (li.dash >= 0) {
          path.unshift('[]');
          want = li.dash;
          state = 'seq';
          collecting = false;
        }
        continue;
      }
      if (!owner(li)) break;
    } else {
      if (li.dash === want || li.indent > want) continue;
      if (li.indent === want && li.dash >= 0) continue;
      if (!owner(li)) break;
    }
    if (want === 0 && state === 'mapping') break;
  }
  // Siblings after the cursor line in the same mapping.
  for (let n = lineNo + 1; n < starts.length; n++) {
    const li = lineInfo(text, starts[n]!, n + 1 < starts.length ? starts[n + 1]! - 1 : text.length);
    if (li.blank) continue;
    if (li.indent < indent || (li.dash >= 0 && li.dash < indent) || (cur.dash >= 0 && li.dash === cur.dash)) break;
    if (li.indent === indent && li.key !== undefined && li.dash < 0) ctx.siblings.add(li.key);
  }
  if (ctx.key !== undefined) ctx.siblings.delete(ctx.key);
  ctx.path = path;
  ctx.level = levelOf(path);
  return ctx;
}

function levelOf(path: string[]): YamlContext['level'] {
  if (path.length === 0) return 'top';
  if (path.length === 1 && path[0] === 'clusters') return 'clusters';
  if (path.length === 2 && path[0] === 'clusters') return 'cluster';
  if (path.length === 4 && path[0] === 'clusters' && path[2] === 'hosts' && path[3] === '[]') return 'host';
  return 'unknown';
}

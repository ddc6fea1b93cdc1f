// Property checks shared by the fuzz tests and the fuzz benchmark: each returns a description of the first
// violated property, or null when the input was handled correctly.
import { hasControlCharacter, parseInventory, resolveCluster } from '../../../src/core/inventory';
import { fromPanelSchema, panelCommandSchema, toPanelSchema } from '../../../src/extension/panel/protocol';

/** Characters no validated name may carry: whitespace and shell syntax. */
export const SHELL_SYNTAX = /[\s;&|$`'"\\<>(){}*?!#~]/;

/** The checks every result must pass; returns a description of the first violation, or null. */
export function checkInventoryResult(text: string): string | null {
  let result: ReturnType<typeof parseInventory>;
  try {
    result = parseInventory(text, 'fuzz.yaml');
  } catch (e) {
    // The message only: formatting the stack of a stack overflow (thousands of frames) costs seconds under mocha.
    return `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
  if (typeof result.ok !== 'boolean' || !Array.isArray(result.problems)) return 'malformed result';
  for (const p of result.problems) {
    if (!(p.offset >= 0 && p.offset <= text.length && p.endOffset >= p.offset && p.endOffset <= text.length))
      return `problem outside the text: ${JSON.stringify(p)}`;
    if (!(p.line >= 1 && p.column >= 1 && p.endLine >= p.line)) return `bad position: ${JSON.stringify(p)}`;
    if (typeof p.message !== 'string' || !p.message) return 'empty problem message';
  }
  if (!result.ok) return result.problems.some(p => p.severity === 'error') ? null : 'refused without an error problem';
  for (const [name, config] of Object.entries(result.inventory.clusters)) {
    if (SHELL_SYNTAX.test(name)) return `cluster name with shell syntax accepted: ${JSON.stringify(name)}`;
    for (const h of config.hosts) {
      if (SHELL_SYNTAX.test(h.name) || h.name.startsWith('-')) return `host name accepted: ${JSON.stringify(h.name)}`;
      if (h.ssh !== undefined && (SHELL_SYNTAX.test(h.ssh) || h.ssh.startsWith('-')))
        return `ssh target accepted: ${JSON.stringify(h.ssh)}`;
      if (h.user !== undefined && SHELL_SYNTAX.test(h.user)) return `user accepted: ${JSON.stringify(h.user)}`;
    }
    const paths = [
      config.dataDirectory,
      config.gphome,
      config.environmentScript,
      ...config.hosts.map(h => h.dataDirectory),
    ].filter((p): p is string => p !== undefined);
    for (const p of paths) {
      if (!p.startsWith('/') || hasControlCharacter(p) || p.split('/').includes('..'))
        return `path accepted: ${JSON.stringify(p)}`;
    }
    try {
      const c = resolveCluster(name, config);
      if (!c.originalCoordinator || !c.originalStandby) return `resolveCluster(${name}) left a role empty`;
      if (c.originalCoordinator.name === c.originalStandby.name)
        return `resolveCluster(${name}) gave one host both roles`;
    } catch (e) {
      return `resolveCluster(${name}) threw ${(e as Error).message}`;
    }
  }
  return null;
}

const FROM_PANEL_TYPES = new Set(['ready', 'rendered', 'runCommand']);

/** Panel → extension: validation must not throw, and what it accepts must be a known message. */
export function checkFromPanel(message: unknown): { problem: string | null; accepted: boolean } {
  let r: ReturnType<typeof fromPanelSchema.safeParse>;
  try {
    r = fromPanelSchema.safeParse(message);
  } catch (e) {
    return { problem: `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, accepted: false };
  }
  if (!r.success) return { problem: null, accepted: false };
  const m = r.data as { type?: unknown; command?: unknown; requestId?: unknown; state?: unknown };
  if (typeof m.type !== 'string' || !FROM_PANEL_TYPES.has(m.type))
    return { problem: `accepted unknown type ${String(m.type)}`, accepted: true };
  if (m.type === 'runCommand' && !(panelCommandSchema.options as readonly string[]).includes(m.command as string))
    return { problem: `accepted unknown command ${String(m.command)}`, accepted: true };
  if (m.type === 'rendered') {
    if (typeof m.requestId !== 'number')
      return { problem: 'accepted rendered without a numeric requestId', accepted: true };
    if (typeof m.state !== 'object' || m.state === null || Object.values(m.state).some(v => typeof v !== 'string'))
      return { problem: 'accepted rendered with non-string state', accepted: true };
  }
  // zod returns a fresh object: keys the schema does not know (including __proto__) are dropped.
  if (Object.getPrototypeOf(m) !== Object.prototype)
    return { problem: 'accepted message has a foreign prototype', accepted: true };
  return { problem: null, accepted: true };
}

/** Extension → panel: the webview's validation must not throw on anything. */
export function checkToPanel(message: unknown): string | null {
  try {
    toPanelSchema.safeParse(message);
    return null;
  } catch (e) {
    return `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
}

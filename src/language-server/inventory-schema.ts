// The inventory's JSON Schema, generated from the same zod schema the extension validates with, for editors and
// tools outside VS Code (e.g. the Red Hat YAML extension). Checks that JSON Schema cannot express (absolute paths,
// case-insensitive names) are added as patterns derived from the zod schemas themselves.
import { z } from 'zod';
import { absolutePathSchema, inventorySchema, keyPathSchema } from '../core/inventory';
import type { Level } from './inventory/keys';
import { KEY_DOCS, keyMarkdown } from './inventory/keys';

export const SCHEMA_ID = 'https://gpcoord.github.io/greenplum-coordinator/schemas/greenplum-clusters.schema.json';

type Json = Record<string, unknown>;

/** `[a-z]` → `[a-zA-Z]`: JSON Schema patterns have no flags, so a case-insensitive regex is spelled out. */
function caseInsensitive(source: string): string {
  return source.replace(/a-z(?!A-Z)/g, 'a-zA-Z');
}

export function buildInventoryJsonSchema(): Json {
  const schema = z.toJSONSchema(inventorySchema, {
    target: 'draft-07',
    io: 'input',
    override: ctx => {
      const js = ctx.jsonSchema as Json;
      if (ctx.zodSchema === absolutePathSchema)
        js.pattern = '^(?!.*(^|/)\\.\\.(/|$))/[A-Za-z0-9/._+@:,=-]*[A-Za-z0-9._+@:,=-]$';
      if (ctx.zodSchema === keyPathSchema)
        js.pattern =
          '^(/|~/)[^\\u0000-\\u001f\\u007f\\u00ad\\u200b-\\u200f\\u202a-\\u202e\\u2028\\u2029\\u2060-\\u2069\\ufeff]*$';
      const checks = (
        ctx.zodSchema as { _zod?: { def?: { checks?: Array<{ _zod?: { def?: { pattern?: unknown } } }> } } }
      )._zod?.def?.checks;
      for (const check of checks ?? []) {
        const re = check._zod?.def?.pattern;
        if (re instanceof RegExp && re.flags.includes('i') && js.pattern === re.source)
          js.pattern = caseInsensitive(re.source);
      }
    },
  }) as Json;
  const describe = (properties: unknown, level: Level): void => {
    if (!properties || typeof properties !== 'object') return;
    for (const [key, prop] of Object.entries(properties as Record<string, Json>)) {
      const doc = KEY_DOCS[level][key];
      if (!doc) continue;
      prop.description = `${doc.detail}. ${doc.doc.replace(/`/g, '')}`;
      prop.markdownDescription = keyMarkdown(level, key);
    }
  };
  const clusters = (schema.properties as Record<string, Json>).clusters!;
  const cluster = clusters.additionalProperties as Json;
  const host = (cluster.properties as Record<string, Json>).hosts!.items as Json;
  describe(schema.properties, 'top');
  describe(cluster.properties, 'cluster');
  describe(host.properties, 'host');
  return {
    $schema: schema.$schema,
    $id: SCHEMA_ID,
    title: 'Greenplum Coordinator cluster inventory (greenplum-clusters.yaml)',
    description:
      "Clusters, their coordinator and standby hosts, and how to reach them over SSH. Generated from the extension's own schema; do not edit.",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

/** The schema file's exact text, as committed in schemas/. */
export function inventoryJsonSchemaText(): string {
  return JSON.stringify(buildInventoryJsonSchema(), null, 2) + '\n';
}

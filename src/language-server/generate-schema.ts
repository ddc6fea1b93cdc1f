// Writes schemas/greenplum-clusters.schema.json from the inventory's zod schema.
// Run: npx tsx src/language-server/generate-schema.ts   (a unit test fails when the committed file is stale)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inventoryJsonSchemaText } from './inventory-schema';

const target = join(__dirname, '..', '..', 'schemas', 'greenplum-clusters.schema.json');
writeFileSync(target, inventoryJsonSchemaText());
console.log(`wrote ${target}`);

// Shared by the parser tests: read a reference fixture, parse it, check it against its schema.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputKind, ResultByKind } from '../../../src/core/parsers';
import { parseOutput, RESULT_SCHEMAS } from '../../../src/core/parsers';

export const FIXTURE_ROOT = join(__dirname, '..', '..', 'fixtures', 'reference');

export function readFixture(relativePath: string): string {
  return readFileSync(join(FIXTURE_ROOT, relativePath), 'utf8');
}

export function allFixtureFiles(): string[] {
  const files: string[] = [];
  for (const dir of ['gp6-lab-capture', 'public-samples']) {
    for (const name of readdirSync(join(FIXTURE_ROOT, dir)).sort())
      if (name.endsWith('.txt')) files.push(`${dir}/${name}`);
  }
  return files;
}

/** Parses text as `kind`, asserts it was recognised and that the result satisfies the kind's zod schema. */
export function parseRecognised<K extends OutputKind>(
  kind: K,
  text: string,
  opts: { exitCode?: number } = {},
): ResultByKind[K] {
  const parsed = parseOutput(kind, text, opts);
  assert.ok(parsed.recognized, `expected ${kind} to be recognised: ${parsed.recognized ? '' : parsed.reason}`);
  const check = RESULT_SCHEMAS[kind].safeParse(parsed.result);
  assert.ok(check.success, `result does not satisfy the ${kind} schema: ${check.success ? '' : check.error.message}`);
  return parsed.result;
}

export function parseFixture<K extends OutputKind>(
  kind: K,
  relativePath: string,
  opts: { exitCode?: number } = {},
): ResultByKind[K] {
  return parseRecognised(kind, readFixture(relativePath), opts);
}

/** Asserts the listed fields of `actual` equal `expected` (nested values compared whole). */
export function assertFields(actual: object, expected: Record<string, unknown>): void {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(expected)) picked[key] = (actual as Record<string, unknown>)[key];
  assert.deepStrictEqual(picked, expected);
}

// Parsers for the output of the coordinator-mirroring utilities (gpstate -f/-b/-s, gpinitstandby,
// gpactivatestandby, gpstop) of Greenplum 5/6/7 and Apache Cloudberry. Pure: no I/O, never throw.
// A utility's failure is a successful parse whose `outcome` says so; text that is not the kind asked for
// gives `{ recognized: false, reason }`.
import { z } from 'zod';
import type { ParseOptions, ParseResult } from './common';
import type { GpactivatestandbyResult } from './gpactivatestandby';
import { parseGpactivatestandby } from './gpactivatestandby';
import type { GpinitstandbyResult } from './gpinitstandby';
import { parseGpinitstandby } from './gpinitstandby';
import type { GpstateBResult } from './gpstate-b';
import { parseGpstateB } from './gpstate-b';
import type { GpstateFResult } from './gpstate-f';
import { parseGpstateF } from './gpstate-f';
import type { GpstateSResult } from './gpstate-s';
import { parseGpstateS } from './gpstate-s';
import type { GpstopResult } from './gpstop';
import { parseGpstop } from './gpstop';
import { OUTPUT_KINDS } from './common';
import type { OutputKind } from './common';
import { gpactivatestandbyResultSchema } from './gpactivatestandby';
import { gpinitstandbyResultSchema } from './gpinitstandby';
import { gpstateBResultSchema } from './gpstate-b';
import { gpstateFResultSchema } from './gpstate-f';
import { gpstateSResultSchema } from './gpstate-s';
import { gpstopResultSchema } from './gpstop';

export {
  OUTPUT_KINDS,
  outputKindSchema,
  outcomeSchema,
  failureReasonSchema,
  problemSchema,
  vocabularySchema,
  productSchema,
} from './common';
export type { OutputKind, Outcome, FailureReason, Problem, ParseOptions, ParseResult } from './common';
export { parseLogLine, logLineSchema, logLevelSchema } from './logline';
export type { LogLine, LogLevel } from './logline';
export { lsnToBigInt, lsnDiffBytes } from './lsn';
export { parseTableRow } from './table';
export type { TableRow } from './table';
export { gpstateFResultSchema, replicationRowSchema, standbyStatusSchema, parseGpstateF } from './gpstate-f';
export type { GpstateFResult, ReplicationRow } from './gpstate-f';
export { gpstateBResultSchema, parseGpstateB } from './gpstate-b';
export type { GpstateBResult } from './gpstate-b';
export { gpstateSResultSchema, parseGpstateS } from './gpstate-s';
export type { GpstateSResult } from './gpstate-s';
export { gpinitstandbyResultSchema, parseGpinitstandby } from './gpinitstandby';
export type { GpinitstandbyResult } from './gpinitstandby';
export { gpactivatestandbyResultSchema, parseGpactivatestandby } from './gpactivatestandby';
export type { GpactivatestandbyResult } from './gpactivatestandby';
export { gpstopResultSchema, parseGpstop } from './gpstop';
export type { GpstopResult } from './gpstop';

/** The result type of each kind. */
export interface ResultByKind {
  'gpstate-f': GpstateFResult;
  'gpstate-b': GpstateBResult;
  'gpstate-s': GpstateSResult;
  gpinitstandby: GpinitstandbyResult;
  gpactivatestandby: GpactivatestandbyResult;
  gpstop: GpstopResult;
}
export type AnyParsedOutput = ResultByKind[OutputKind];

/** The zod schema of each kind's result. */
export const RESULT_SCHEMAS = {
  'gpstate-f': gpstateFResultSchema,
  'gpstate-b': gpstateBResultSchema,
  'gpstate-s': gpstateSResultSchema,
  gpinitstandby: gpinitstandbyResultSchema,
  gpactivatestandby: gpactivatestandbyResultSchema,
  gpstop: gpstopResultSchema,
} as const;

/** Any parsed output, told apart by `kind` (e.g. to validate results passed between processes). */
export const parsedOutputSchema = z.discriminatedUnion('kind', [
  gpstateFResultSchema,
  gpstateBResultSchema,
  gpstateSResultSchema,
  gpinitstandbyResultSchema,
  gpactivatestandbyResultSchema,
  gpstopResultSchema,
]);

const PARSERS: { [K in OutputKind]: (text: string, opts?: ParseOptions) => ParseResult<ResultByKind[K]> } = {
  'gpstate-f': parseGpstateF,
  'gpstate-b': parseGpstateB,
  'gpstate-s': parseGpstateS,
  gpinitstandby: parseGpinitstandby,
  gpactivatestandby: parseGpactivatestandby,
  gpstop: parseGpstop,
};

export function isOutputKind(value: unknown): value is OutputKind {
  return typeof value === 'string' && (OUTPUT_KINDS as readonly string[]).includes(value);
}

/** Parses `text` as the output of `kind`. Never throws. */
export function parseOutput<K extends OutputKind>(
  kind: K,
  text: string,
  opts: ParseOptions = {},
): ParseResult<ResultByKind[K]> {
  if (!isOutputKind(kind))
    return {
      recognized: false,
      reason: `unknown output kind "${String(kind)}" (expected one of ${OUTPUT_KINDS.join(', ')})`,
    };
  const parser = PARSERS[kind] as (text: string, opts?: ParseOptions) => ParseResult<ResultByKind[K]>;
  return parser(text, opts);
}

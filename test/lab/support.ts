// Helpers for the lab's tests: run a utility on a lab host the way an administrator would (plain OpenSSH, the
// environment script sourced explicitly), and read the reference captures to compare the lab's output with them.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseOutput } from '../../src/core/parsers';
import type { OutputKind, ResultByKind } from '../../src/core/parsers';
import type { Lab } from './lab';
import { labExec, labProcesses } from './lab';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` on `host` as gpadmin after sourcing the environment script, answering prompts from `input`. */
export function gp(lab: Lab, host: string, command: string, input?: string): Promise<Run> {
  return labExec(lab, host, `source ${lab.environmentScript} && ${command}`, { input, timeoutMs: 180_000 });
}

/** Parses a utility's output with the product's own parsers and fails the test when it is not recognised. */
export function parsed<K extends OutputKind>(kind: K, run: Run): ResultByKind[K] {
  const r = parseOutput(kind, run.stdout + run.stderr, { exitCode: run.code });
  if (!r.recognized)
    assert.fail(`the ${kind} parser did not recognise the lab's output (${r.reason}):\n${run.stdout}${run.stderr}`);
  return r.result;
}

/**
 * `gpstate -f` on `host`, repeated until the standby streams (a standby just started needs a moment to connect);
 * returns the last run whatever it shows, for the caller's assertions.
 */
export async function gpstateFStreaming(
  lab: Lab,
  host: string,
  timeoutMs = 30_000,
): Promise<{ run: Run; result: ResultByKind['gpstate-f'] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await gp(lab, host, 'gpstate -f');
    const result = parsed('gpstate-f', run);
    if (result.replication?.[0]?.state === 'streaming' || Date.now() > deadline) return { run, result };
    await new Promise(r => setTimeout(r, 250));
  }
}

const FIXTURES = resolve(__dirname, '..', 'fixtures', 'reference');

/**
 * The output blocks of a reference file: a capture holds one command between its `#---` rulers; a public sample
 * holds everything after `# ---- BEGIN OUTPUT ----`, split into blocks at its `$ command` lines.
 */
export function referenceBlocks(file: string): string[][] {
  const lines = readFileSync(join(FIXTURES, file), 'utf8').split('\n');
  const begin = lines.findIndex(l => l.startsWith('# ---- BEGIN OUTPUT ----'));
  if (begin < 0) {
    const rulers = lines.flatMap((l, i) => (l.startsWith('#------') ? [i] : []));
    return [lines.slice((rulers[0] ?? -1) + 1, rulers[1] ?? lines.length)];
  }
  const blocks: string[][] = [[]];
  for (const l of lines.slice(begin + 1)) {
    if (l.startsWith('$ ') || l.startsWith('[gpadmin@')) {
      if (blocks[blocks.length - 1]!.length) blocks.push([]);
      continue;
    }
    blocks[blocks.length - 1]!.push(l);
  }
  return blocks.filter(b => b.length);
}

const LOG_LINE =
  /^(?:> )?\d{8}:\d{2}:\d{2}:\d{2}:\d{6,} ([^:\s]+):([^:]+):([^:]*?)-\[(INFO|WARNING|ERROR|CRITICAL|DEBUG)\]:-(.*)$/;

/** `LEVEL message` for every log line, with the parts that differ between any two runs replaced by `normalize`. */
export function messages(text: string | string[], normalize: (m: string) => string = m => m): string[] {
  const lines = typeof text === 'string' ? text.split('\n') : text;
  return lines.flatMap(l => {
    const m = LOG_LINE.exec(l);
    return m ? [`${m[4]} ${normalize(m[5]!)}`] : [];
  });
}

/** Host names and host-specific values that legitimately differ between the lab and a reference run. */
export function normalizeHosts(m: string): string {
  return m.replace(/\b(s?cdw|s?mdw|gpmaster)\b/g, 'HOST');
}

export function normalizeRun(m: string): string {
  return normalizeHosts(m)
    .replace(/\b[0-9A-F]{1,8}\/[0-9A-F]{1,8}\b/g, 'LSN')
    .replace(/(Standby PID {14}= )\d+/, '$1PID')
    .replace(/(process ID {3,}= )\d+/, '$1PID');
}

/** The parsed fields that describe a situation (not the run: host, PID, time and LSN values are left out). */
function situation(kind: OutputKind, text: string, exitCode: number): unknown {
  const r = parseOutput(kind, text, { exitCode });
  if (!r.recognized) return { unrecognized: r.reason };
  const x = r.result;
  const common = { outcome: x.outcome, vocabulary: x.vocabulary, product: x.product };
  switch (x.kind) {
    case 'gpstate-f':
      return {
        ...common,
        reason: x.reason,
        standbyConfigured: x.standbyConfigured,
        status: x.standby?.status,
        statusText: x.standby?.statusText,
        pidProblem: x.standby?.pidProblem,
        replication: x.replication?.map(row => [
          row.state,
          row.syncState,
          row.sentLocation === null,
          row.replayLocation === null,
        ]),
        many: x.replicationMoreThanOneRow,
      };
    case 'gpstate-b':
      return {
        ...common,
        reason: x.reason,
        coordinator: x.coordinator,
        standbyConfigured: x.standbyConfigured,
        status: x.standby?.status,
        statusText: x.standby?.statusText,
        segments: x.segments,
      };
    case 'gpstate-s':
      return { ...common };
    case 'gpinitstandby':
      return {
        ...common,
        reason: x.reason,
        mode: x.mode,
        updateSystemCatalog: x.updateSystemCatalog,
        rolledBack: x.rolledBack,
      };
    case 'gpactivatestandby':
      return {
        ...common,
        reason: x.reason,
        standbyRunning: x.standbyRunning,
        forceActivation: x.forceActivation,
        promoted: x.promoted,
      };
    case 'gpstop':
      return { ...common, reason: x.reason };
  }
}

/**
 * Asserts that the lab printed exactly the reference's log messages (levels, wording, table layout) and, when `kind`
 * is given, that the product's parser reads the same situation from both, field by field.
 */
export function assertSameMessages(
  actual: string,
  referenceFile: string,
  block = 0,
  normalize: (m: string) => string = normalizeRun,
  parse?: { kind: OutputKind; exitCode: number },
): void {
  const blocks = referenceBlocks(referenceFile);
  const expected = messages(blocks[block] ?? [], normalize);
  assert.ok(expected.length > 0, `no log lines in block ${block} of ${referenceFile}`);
  assert.deepEqual(messages(actual, normalize), expected, `the lab's output differs from ${referenceFile}`);
  if (parse) {
    assert.deepEqual(
      situation(parse.kind, actual, parse.exitCode),
      situation(parse.kind, (blocks[block] ?? []).join('\n'), parse.exitCode),
      `the parser reads a different situation from the lab's output than from ${referenceFile}`,
    );
  }
}

/** Shorthand: compare a run with a reference block, text and parsed fields. */
export function assertLikeReference(
  kind: OutputKind,
  run: Run,
  referenceFile: string,
  block = 0,
  normalize: (m: string) => string = normalizeRun,
): void {
  assertSameMessages(run.stdout, referenceFile, block, normalize, { kind, exitCode: run.code });
}

/** Every process of the run is gone (zombies waiting for their reaper are dead already and not counted). */
export function assertNoProcessesLeft(dir: string): void {
  const left = labProcesses(dir);
  assert.deepEqual(left, [], `processes left behind by the lab in ${dir}: ${left.join(', ')}`);
}

export function lsnBytes(lsn: string | null | undefined): bigint {
  const m = /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(lsn ?? '');
  assert.ok(m, `not an LSN: ${String(lsn)}`);
  return (BigInt('0x' + m[1]!) << 32n) + BigInt('0x' + m[2]!);
}

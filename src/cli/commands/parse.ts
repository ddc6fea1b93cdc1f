// `gpcoord parse <kind> [FILE|-] [--exit-code N]`: parses a saved utility output and prints one JSON object.
// Exit 0 when the text is that kind of output (whatever the utility's own outcome), 2 on bad usage,
// 3 when the text is not that kind (the reason on one line of stderr), 4 when the input is larger than the cap.
import { OUTPUT_KINDS, isOutputKind, parseOutput } from '../../core/parsers';
import { formatBytes, readFileCapped, readStreamCapped } from '../../engine/bounded-read';
import type { CappedRead } from '../../engine/bounded-read';
import type { CliCommand } from '../args';
import { EXIT_USAGE, parseArgs } from '../args';

export const EXIT_NOT_RECOGNIZED = 3;
export const EXIT_INPUT_TOO_LARGE = 4;
/** Far above any utility's output (a gpstate -f is a few KiB, a long gpinitstandby log a few MiB). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

const USAGE = `Usage: gpcoord parse <kind> [FILE|-] [--exit-code N]

Parses the saved output of a Greenplum / Cloudberry utility and prints it as one JSON object.

  <kind>          one of: ${OUTPUT_KINDS.join(', ')}
  FILE            the captured output; "-" or no FILE reads standard input
  --exit-code N   the utility's exit status, when known (0-255); it decides the outcome
                  when the text stops before the utility's last line

Exit status: 0 the text is that kind of output (see "outcome" for how the utility fared),
             2 bad usage, 3 the text is not that kind of output,
             4 the input is larger than ${formatBytes(MAX_INPUT_BYTES)} (nothing is parsed).`;

/** UTF-8 by default; UTF-16 when the bytes start with its byte-order mark (Windows PowerShell redirections write it). */
export function decodeCapture(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    // swap16 needs an even length; a cut capture may have lost its last byte.
    const swapped = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('utf8');
}

function tooLarge(source: string): number {
  process.stderr.write(
    `gpcoord parse: ${source} is larger than ${formatBytes(MAX_INPUT_BYTES)}, the most this command reads; a utility's output is far smaller. Check that it is the right file, or give only the run to parse (for example the last part: tail -c 1M FILE | gpcoord parse <kind>).\n`,
  );
  return EXIT_INPUT_TOO_LARGE;
}

function usageError(message: string): number {
  process.stderr.write(`gpcoord parse: ${message}\n\n${USAGE}\n`);
  return EXIT_USAGE;
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, { valueOptions: ['exit-code'], flags: ['help'], aliases: { h: 'help' } });
  if (!parsed.ok) return usageError(parsed.error);
  const { positionals, values, flags } = parsed.args;
  if (flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [kind, file, ...extra] = positionals;
  if (kind === undefined) return usageError('missing <kind>');
  if (!isOutputKind(kind)) return usageError(`unknown kind "${kind}" (expected one of ${OUTPUT_KINDS.join(', ')})`);
  if (extra.length > 0) return usageError(`unexpected argument "${extra[0]}" (give at most one FILE)`);

  let exitCode: number | undefined;
  const rawExit = values.get('exit-code');
  if (rawExit !== undefined) {
    if (!/^\d{1,3}$/.test(rawExit) || Number(rawExit) > 255)
      return usageError(`--exit-code must be a whole number from 0 to 255, got "${rawExit}"`);
    exitCode = Number(rawExit);
  }

  let read: CappedRead;
  if (file === undefined || file === '-') {
    if (file === undefined && process.stdin.isTTY)
      return usageError('no input: give a FILE, or pipe the output into gpcoord parse');
    read = await readStreamCapped(process.stdin, MAX_INPUT_BYTES);
  } else {
    try {
      read = await readFileCapped(file, MAX_INPUT_BYTES);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EISDIR'
            ? 'is a directory'
            : code === 'EACCES'
              ? 'permission denied'
              : String((error as Error).message);
      return usageError(`cannot read "${file}": ${why}`);
    }
  }
  if (!read.ok) return tooLarge(file === undefined || file === '-' ? 'standard input' : `"${file}"`);
  const text = decodeCapture(read.bytes);

  const result = parseOutput(kind, text, exitCode === undefined ? {} : { exitCode });
  if (!result.recognized) {
    process.stderr.write(`gpcoord parse: not ${kind} output: ${result.reason.replace(/\s+/g, ' ')}\n`);
    return EXIT_NOT_RECOGNIZED;
  }
  process.stdout.write(`${JSON.stringify(result.result, null, 2)}\n`);
  return 0;
}

export const parseCommand: CliCommand = {
  summary: 'print a saved gpstate/gpinitstandby/gpactivatestandby/gpstop output as JSON',
  usage: USAGE,
  run,
};

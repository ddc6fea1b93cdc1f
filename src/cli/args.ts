// A small argv reader shared by the gpcoord subcommands: positionals, `--name value`, `--name=value`, flags,
// `-` as a positional (standard input) and `--` to end options. Unknown options are errors, never ignored.

/** One gpcoord subcommand. `run` gets the arguments after the subcommand's name and returns the exit status. */
export interface CliCommand {
  /** One line for `gpcoord --help`. */
  summary: string;
  /** Usage text printed by `gpcoord <command> --help` and after a usage error. */
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Exit status for bad usage (unknown option, missing argument). */
export const EXIT_USAGE = 2;

export interface ArgSpec {
  /** Options that take a value, without the leading dashes, e.g. `exit-code`. */
  valueOptions?: readonly string[];
  /** Options that take no value, e.g. `help`. Short aliases map to them, e.g. { h: 'help' }. */
  flags?: readonly string[];
  aliases?: Readonly<Record<string, string>>;
}

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

export type ArgsResult = { ok: true; args: ParsedArgs } | { ok: false; error: string };

export function parseArgs(argv: readonly string[], spec: ArgSpec): ArgsResult {
  const valueOptions = new Set(spec.valueOptions ?? []);
  const flagOptions = new Set(spec.flags ?? []);
  const aliases = spec.aliases ?? {};
  const args: ParsedArgs = { positionals: [], values: new Map(), flags: new Set() };
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (optionsEnded || token === '-' || !token.startsWith('-')) {
      args.positionals.push(token);
      continue;
    }
    if (token === '--') {
      optionsEnded = true;
      continue;
    }
    let name: string;
    let inlineValue: string | null = null;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      name = eq >= 0 ? token.slice(2, eq) : token.slice(2);
      if (eq >= 0) inlineValue = token.slice(eq + 1);
    } else {
      const short = token.slice(1);
      const target = aliases[short];
      if (!target) return { ok: false, error: `unknown option "${token}"` };
      name = target;
    }
    if (valueOptions.has(name)) {
      if (inlineValue === null) {
        const next = argv[i + 1];
        if (next === undefined) return { ok: false, error: `option --${name} needs a value` };
        inlineValue = next;
        i++;
      }
      if (args.values.has(name)) return { ok: false, error: `option --${name} given twice` };
      args.values.set(name, inlineValue);
      continue;
    }
    if (flagOptions.has(name)) {
      if (inlineValue !== null) return { ok: false, error: `option --${name} takes no value` };
      args.flags.add(name);
      continue;
    }
    return { ok: false, error: `unknown option "${token}"` };
  }
  return { ok: true, args };
}

// Building the remote command line. Every value is single-quoted (POSIX `'\''` style) by core's shellQuote, so no
// inventory value, path or environment value can end the quoting and inject shell syntax.
import { shellQuote, UnsafeValueError } from '../core/shell';

export { shellQuote };

export interface RemoteCommandSpec {
  /** Script sourced first (greenplum_path.sh or cloudberry-env.sh). */
  environmentScript?: string | undefined;
  /** GPHOME; when no script is given, its greenplum_path.sh or cloudberry-env.sh is sourced if present. */
  gphome?: string | undefined;
  /** Exported after the environment script, so they win over it (e.g. COORDINATOR_DATA_DIRECTORY, PGPORT). */
  env?: Record<string, string>;
  /** The command line to run, already built from quoted parts by the caller. */
  command: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The full line sent over ssh: `bash -lc '<script>'`. A login shell, so the user's profile (and a GPHOME set there)
 * applies; then the environment script; then the exported values; then the command.
 * A missing environment script that was named explicitly ends the command with status 127 and says which file.
 */
export function remoteCommand(spec: RemoteCommandSpec): string {
  const lines: string[] = [];
  if (spec.gphome !== undefined) lines.push(`GPHOME=${shellQuote(spec.gphome)}; export GPHOME`);
  if (spec.environmentScript !== undefined) {
    const q = shellQuote(spec.environmentScript);
    lines.push(
      `if [ -r ${q} ]; then . ${q}; else echo ${shellQuote(`environment script ${spec.environmentScript} is missing or unreadable`)} >&2; exit 127; fi`,
    );
  } else {
    lines.push(
      'if [ -n "${GPHOME:-}" ] && [ -r "$GPHOME/greenplum_path.sh" ]; then . "$GPHOME/greenplum_path.sh";' +
        ' elif [ -n "${GPHOME:-}" ] && [ -r "$GPHOME/cloudberry-env.sh" ]; then . "$GPHOME/cloudberry-env.sh"; fi',
    );
  }
  for (const [name, value] of Object.entries(spec.env ?? {})) {
    if (!ENV_NAME.test(name))
      throw new UnsafeValueError(
        'environment variable name',
        name,
        'use letters, digits and "_", not starting with a digit',
      );
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  lines.push(spec.command);
  return `bash -lc ${shellQuote(lines.join('\n'))}`;
}

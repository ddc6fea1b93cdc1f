// Where a front end keeps what outlives a run: each cluster's journal (the history of its procedure runs, read to
// resume) and the audit log. The CLI uses $XDG_STATE_HOME/gpcoord; the extension its global storage.
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface StateLocations {
  /** The JSON Lines journal of one cluster's procedure runs. */
  journalPath(cluster: string): string;
  /** The append-only audit log (read each time: a setting may change it). */
  auditPath(): string;
}

/** Journals in `<directory>/journal/<cluster>.jsonl`, the audit log in `<directory>/audit.jsonl` unless given. */
export function locationsIn(directory: string, auditPath?: () => string | undefined): StateLocations {
  return {
    journalPath: cluster => join(directory, 'journal', `${cluster}.jsonl`),
    auditPath: () => auditPath?.() || join(directory, 'audit.jsonl'),
  };
}

/** $XDG_STATE_HOME/gpcoord (default ~/.local/state/gpcoord): journals and the audit log of the CLI. */
export function stateDirectory(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'gpcoord');
}

/** The CLI's locations, with the files given by --journal and --audit in place of the defaults. */
export function cliLocations(
  overrides: { journal?: string | undefined; audit?: string | undefined } = {},
): StateLocations {
  const base = locationsIn(stateDirectory(), () => overrides.audit);
  return {
    journalPath: cluster => overrides.journal ?? base.journalPath(cluster),
    auditPath: base.auditPath,
  };
}

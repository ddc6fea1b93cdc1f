// The append-only audit log: one JSON object per line for every command run on a host (who, which host, which
// command, when it started and ended, its exit status), for change records. Lines are only ever appended, and
// written synchronously so a record is on disk before the next command starts. One builder makes every record.
import { appendFileSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import type { ProcedureId } from '../core/procedures/types';

export interface AuditRecord {
  user: string;
  cluster: string;
  procedure: ProcedureId;
  stepId: string;
  kind: 'step' | 'guard';
  host: string;
  command: string;
  startedAt: string;
  endedAt: string;
  exitCode: number | null;
  /** Set when the command has no known outcome (connection lost, timeout, cancelled). */
  error?: string;
  durationMs: number;
}

/**
 * One command run on a host: a procedure's audit record, or an interactive terminal's (which belongs to no
 * procedure; kind "terminal").
 */
export type AuditEntry = Omit<AuditRecord, 'procedure' | 'stepId' | 'kind'> & {
  procedure?: string;
  stepId?: string;
  /** "step" for the command itself, "guard" for the checks run right before it, "terminal" for an interactive shell. */
  kind: AuditRecord['kind'] | 'terminal';
};

/** What is known of a command once it ended: its exit status, or why its outcome is unknown. */
export type AuditOutcome = { exitCode: number | null; error?: string };

/** The record of one command of a procedure step, from its start and end times and its outcome. */
export function auditRecord(
  run: { user: string; cluster: string; procedure: ProcedureId },
  command: { stepId: string; kind: AuditRecord['kind']; host: string; command: string },
  startedAt: Date,
  endedAt: Date,
  outcome: AuditOutcome,
): AuditRecord {
  return {
    ...run,
    ...command,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    exitCode: outcome.exitCode,
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    durationMs: endedAt.getTime() - startedAt.getTime(),
  };
}

/** Appends one entry to the JSON Lines file at `path` (created with its directory when missing). */
export function appendAuditEntry(path: string, entry: AuditEntry): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(entry)}\n`, { encoding: 'utf8', flag: 'a' });
}

/** An append-only JSON Lines audit writer for one file. */
export function auditWriter(path: string): (r: AuditEntry) => void {
  return r => appendAuditEntry(path, r);
}

/** The local user name, for the journal and the audit. */
export function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

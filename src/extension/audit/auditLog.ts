// The append-only audit log: one JSON object per line for every command run on a host (who, which host, which
// command, when it started and ended, its exit status), for change records. Lines are only ever appended.
import * as vscode from 'vscode';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AuditRecord } from '../../engine/runner';

/**
 * One command run on a host: the engine's audit record (who, cluster, procedure step, host, command, times, exit;
 * exitCode null when the outcome is unknown), also used for interactive terminals, which belong to no procedure.
 */
export type AuditEntry = Omit<AuditRecord, 'procedure' | 'stepId' | 'kind'> & {
  procedure?: string;
  stepId?: string;
  /** "step" for the command itself, "guard" for the checks run right before it, "terminal" for an interactive shell. */
  kind: AuditRecord['kind'] | 'terminal';
};

export class AuditLog {
  constructor(private readonly storageUri: vscode.Uri) {}

  /** The file the log goes to: the setting, else audit.jsonl in the extension's global storage. */
  get path(): string {
    const configured = vscode.workspace.getConfiguration('greenplumCoordinator').get<string>('auditLogPath', '').trim();
    if (configured) return configured.startsWith('~/') ? path.join(os.homedir(), configured.slice(2)) : configured;
    return path.join(this.storageUri.fsPath, 'audit.jsonl');
  }

  async append(entry: AuditEntry): Promise<void> {
    const line = JSON.stringify(entry) + '\n';
    await fs.mkdir(path.dirname(this.path), { recursive: true });
    // The 'a' flag appends atomically per write on POSIX; the log is never rewritten.
    await fs.appendFile(this.path, line, { encoding: 'utf8', flag: 'a' });
  }

  async exists(): Promise<boolean> {
    try {
      await fs.access(this.path);
      return true;
    } catch {
      return false;
    }
  }
}

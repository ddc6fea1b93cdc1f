// The append-only audit log: one JSON object per line for every command run on a host (who, which host, which
// command, when it started and ended, its exit status), for change records. Lines are only ever appended.
import * as vscode from 'vscode';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface AuditEntry {
  /** Local user name running VS Code, and the remote login used. */
  user: string;
  remoteUser?: string | undefined;
  cluster?: string | undefined;
  host: string;
  command: string;
  /** The procedure and step this command belonged to, when it was part of one. */
  procedure?: string | undefined;
  step?: string | undefined;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** null when the outcome is unknown (connection lost, timeout). */
  exitCode: number | null;
  outcome: string;
}

export class AuditLog {
  constructor(private readonly storageUri: vscode.Uri) {}

  /** The file the log goes to: the setting, else audit.jsonl in the extension's global storage. */
  get path(): string {
    const configured = vscode.workspace.getConfiguration('greenplumCoordinator').get<string>('auditLogPath', '').trim();
    if (configured) return configured.startsWith('~/') ? path.join(os.homedir(), configured.slice(2)) : configured;
    return path.join(this.storageUri.fsPath, 'audit.jsonl');
  }

  async append(entry: Omit<AuditEntry, 'user'> & { user?: string }): Promise<void> {
    const line = JSON.stringify({ user: entry.user ?? os.userInfo().username, ...entry }) + '\n';
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

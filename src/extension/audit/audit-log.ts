// Where the extension's audit log is (the greenplumCoordinator.auditLogPath setting, else audit.jsonl in the
// extension's global storage) and where its procedure journals are; the engine writes both (engine/audit.ts).
import * as vscode from 'vscode';
import { existsSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appendAuditEntry } from '../../engine/audit';
import type { AuditEntry } from '../../engine/audit';
import { locationsIn } from '../../engine/locations';
import type { StateLocations } from '../../engine/locations';

/** The audit log path the setting names ("~/" is the home directory), or undefined when it is not set. */
function configuredAuditPath(): string | undefined {
  const configured = vscode.workspace.getConfiguration('greenplumCoordinator').get<string>('auditLogPath', '').trim();
  if (!configured) return undefined;
  return configured.startsWith('~/') ? path.join(os.homedir(), configured.slice(2)) : configured;
}

/** Journals in the global storage's journal/ folder; the audit log as the setting says. */
export function extensionLocations(storageUri: vscode.Uri): StateLocations {
  return locationsIn(storageUri.fsPath, configuredAuditPath);
}

export class AuditLog {
  constructor(private readonly locations: StateLocations) {}

  /** The file the log goes to: the setting, else audit.jsonl in the extension's global storage. */
  get path(): string {
    return this.locations.auditPath();
  }

  /** Appends one entry (an interactive terminal's; the engine writes the procedures' own). */
  append(entry: AuditEntry): void {
    appendAuditEntry(this.path, entry);
  }

  exists(): boolean {
    return existsSync(this.path);
  }
}

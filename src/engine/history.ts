// The history file of one cluster, next to its journal: JSON Lines appended synchronously, bounded in size by
// rotating to `<file>.1` (one older generation is kept, the one before it dropped).
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { lastObservation, observationChanged, observationEntry, parseHistory } from '../core/history';
import type { HistoryEntry, ObservationEntry, ProcedureEntry } from '../core/history';
import type { ClusterState } from '../core/state';

/** `<cluster>.jsonl` → `<cluster>.history.jsonl`, beside it. */
export function historyPathFor(journalPath: string): string {
  return journalPath.endsWith('.jsonl')
    ? `${journalPath.slice(0, -'.jsonl'.length)}.history.jsonl`
    : `${journalPath}.history.jsonl`;
}

export const DEFAULT_HISTORY_BYTES = 1024 * 1024;

export class HistoryFile {
  private last: ObservationEntry | undefined;
  private loaded = false;

  constructor(
    readonly path: string,
    private readonly maxBytes = DEFAULT_HISTORY_BYTES,
  ) {}

  /** Every entry kept, oldest first (the rotated generation, then the current file). */
  read(): HistoryEntry[] {
    const text = [`${this.path}.1`, this.path]
      .filter(p => existsSync(p))
      .map(p => readFileSync(p, 'utf8'))
      .join('\n');
    return parseHistory(text);
  }

  append(entry: HistoryEntry): void {
    const line = `${JSON.stringify(entry)}\n`;
    mkdirSync(dirname(this.path), { recursive: true });
    if (existsSync(this.path) && statSync(this.path).size + Buffer.byteLength(line) > this.maxBytes)
      renameSync(this.path, `${this.path}.1`);
    appendFileSync(this.path, line, 'utf8');
  }

  /** Appends the observation when it differs in meaning from the last one recorded; true when it did. */
  recordObservation(state: ClusterState): boolean {
    if (!this.loaded) {
      this.last = lastObservation(this.read().filter(e => e.cluster === state.cluster));
      this.loaded = true;
    }
    const entry = observationEntry(state);
    if (!observationChanged(this.last, entry)) return false;
    this.append(entry);
    this.last = entry;
    return true;
  }

  recordRun(entry: Omit<ProcedureEntry, 'kind'>): void {
    this.append({ kind: 'procedure', ...entry });
  }
}

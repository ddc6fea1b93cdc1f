// The journal file: JSON Lines appended synchronously, one entry per event, so that a crash loses at most the
// line being written (which the reader skips). The path is the caller's (the extension's storage, the CLI's state dir).
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseJournal } from '../core/procedures/journal';
import type { JournalEntry } from '../core/procedures/journal';

export class JournalFile {
  constructor(readonly path: string) {}

  append(entry: JournalEntry): void {
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`, { encoding: 'utf8' });
  }

  read(cluster?: string): JournalEntry[] {
    if (!existsSync(this.path)) return [];
    const all = parseJournal(readFileSync(this.path, 'utf8'));
    return cluster === undefined ? all : all.filter((e) => e.cluster === cluster);
  }
}

// Reading files and streams of unknown size with a byte cap: /dev/zero, a FIFO or a 600 MB paste must end with a
// clear refusal, not with the process growing until V8 cannot make a string of it.
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';

export type CappedRead = { ok: true; bytes: Buffer } | { ok: false; readBytes: number };

const CHUNK = 1 << 20;

/** Reads at most `maxBytes` of a file; ok: false as soon as there is more (read sizes, not stat, decide: /dev/zero). */
export async function readFileCapped(path: string, maxBytes: number): Promise<CappedRead> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return { ok: true, bytes: Buffer.concat(chunks, total) };
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return { ok: false, readBytes: total };
    }
  } finally {
    await handle.close();
  }
}

/** Reads a stream to its end, or stops (and destroys it) once it has given more than `maxBytes`. */
export async function readStreamCapped(stream: Readable, maxBytes: number): Promise<CappedRead> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += b.length;
    if (total > maxBytes) {
      stream.destroy();
      return { ok: false, readBytes: total };
    }
    chunks.push(b);
  }
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

/** "64 MiB", "256 KiB": how the caps are named in messages. */
export function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n} bytes`;
}

/** readFileCapped for synchronous callers (the CLI's inventory loading). */
export function readFileCappedSync(path: string, maxBytes: number): CappedRead {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) return { ok: true, bytes: Buffer.concat(chunks, total) };
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) return { ok: false, readBytes: total };
    }
  } finally {
    closeSync(fd);
  }
}

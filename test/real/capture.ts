// Saves what the real utilities print, in the format of the reference captures (command line, output, exit code
// footer), into GPCOORD_REAL_CAPTURES (default <lab root>/real-captures), to be copied into test/fixtures/real-gp6.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_ROOT, labExec } from '../lab/lab';
import type { Lab } from '../lab/lab';

export const CAPTURE_DIR = process.env.GPCOORD_REAL_CAPTURES ?? join(LAB_ROOT, 'real-captures');

export interface Captured {
  code: number;
  output: string;
  text: string;
}

/** Runs `command` as gpadmin on `host`; returns its exit code, stdout+stderr, and the capture file's text. */
export async function capture(lab: Lab, host: string, command: string, name: string): Promise<Captured> {
  const started = new Date();
  const r = await labExec(lab, host, command, { timeoutMs: 300_000 });
  const output = r.stdout + r.stderr;
  const rule = '#----------------------------------------------------------------';
  const text = [
    `$ ${command}`,
    `# (run as gpadmin on ${host} over ssh, real Greenplum 6.24.3 lab; stdout then stderr) started ${started.toISOString().slice(0, 19)}Z`,
    rule,
    output.replace(/\n$/, ''),
    rule,
    `# exit code: ${r.code}   finished ${new Date().toISOString().slice(0, 19)}Z`,
    '',
  ].join('\n');
  mkdirSync(CAPTURE_DIR, { recursive: true });
  writeFileSync(join(CAPTURE_DIR, `${name}.txt`), text);
  return { code: r.code, output, text };
}

// The gplog line format shared by every Greenplum / Cloudberry management utility:
//   DATE:TIME:PID PROGRAM:HOST:USER-[LEVEL]:-MESSAGE
// e.g. `20240101:12:00:00:012345 gpstate:cdw:gpadmin-[INFO]:-Starting gpstate with args: -f`.
// The six digits after the seconds are the process id, zero-padded to at least six digits (not microseconds).
import { z } from 'zod';

export const logLevelSchema = z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL', 'FATAL']);
export type LogLevel = z.infer<typeof logLevelSchema>;

export const logLineSchema = z.object({
  /** `YYYYMMDD:HH:MM:SS` exactly as printed (local time of the host, no zone). */
  timestamp: z.string(),
  pid: z.number().int().nonnegative(),
  program: z.string(),
  host: z.string(),
  user: z.string(),
  level: logLevelSchema,
  /** Everything after `]:-`, unchanged (table rows keep their indentation, separators their dashes). */
  message: z.string(),
});
export type LogLine = z.infer<typeof logLineSchema>;

// Anchored, no nested quantifiers: every group is bounded by a character it cannot contain, so a failed match
// costs time linear in the line length. Shell utilities (gpinitsystem) print WARN instead of WARNING.
const LOG_PREFIX =
  /^(\d{8}:\d{2}:\d{2}:\d{2}):(\d{6,}) ([^:\s]+):([^:]*):([^:]*?)-\[(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\]:-/;

// A docker-compose style wrapper (`cdw_1   | `) put in front of the utility's own line.
const WRAPPER = /^[A-Za-z0-9_.-]{1,64} {0,16}\| /;

// Levels as constant strings: later comparisons and Set lookups then need no character-by-character work.
function internLevel(raw: string | undefined): LogLevel {
  switch (raw) {
    case 'INFO': return 'INFO';
    case 'DEBUG': return 'DEBUG';
    case 'WARNING':
    case 'WARN': return 'WARNING';
    case 'ERROR': return 'ERROR';
    case 'CRITICAL': return 'CRITICAL';
    default: return 'FATAL';
  }
}

function matchPrefix(line: string): LogLine | null {
  const m = LOG_PREFIX.exec(line);
  if (!m) return null;
  const pid = Number(m[2]);
  if (!Number.isSafeInteger(pid)) return null;
  return {
    timestamp: m[1] ?? '',
    pid,
    program: m[3] ?? '',
    host: m[4] ?? '',
    user: m[5] ?? '',
    level: internLevel(m[6]),
    // Trailing blanks are padding (or a copy's artefact), never content.
    message: line.slice(m[0].length).trimEnd(),
  };
}

/**
 * Parses one line of utility output. Returns null when the line carries no log prefix.
 * Tolerates what terminals and transcripts put in front of a record: the `> ` of an answered prompt
 * (the next record follows it on the same line), progress dots, indentation (a pasted Markdown block)
 * and a docker-compose `name | ` wrapper.
 * Never throws.
 */
export function parseLogLine(line: string): LogLine | null {
  if (typeof line !== 'string' || line.length < 30) return null;
  const first = line.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    const direct = matchPrefix(line);
    if (direct) return direct;
  }
  let rest = line;
  for (let guard = 0; guard < 8; guard++) {
    const before = rest;
    const c0 = rest.charCodeAt(0);
    if (c0 === 32 || c0 === 9) rest = rest.trimStart();
    else if (rest.startsWith('> ')) rest = rest.slice(2);
    else if (rest.startsWith('>')) rest = rest.slice(1);
    else if (rest.charCodeAt(0) === 46 /* . */) {
      let i = 0;
      while (i < rest.length && rest.charCodeAt(i) === 46) i++;
      rest = rest.slice(i);
    } else {
      const w = WRAPPER.exec(rest);
      if (w) rest = rest.slice(w[0].length);
    }
    if (rest === before) break;
    const c = rest.charCodeAt(0);
    if (c >= 48 && c <= 57) return matchPrefix(rest);
  }
  return null;
}

/** Removes terminal escape sequences (colours, cursor moves) that a PTY capture may contain. */
export function stripTerminalEscapes(line: string): string {
  if (!line.includes('\u001b')) return line;
  // CSI sequences, OSC sequences ended by BEL or ST, and two-character escapes.
  // eslint-disable-next-line no-control-regex
  return line.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g, '');
}

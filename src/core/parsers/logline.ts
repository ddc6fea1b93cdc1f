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

// Transcripts copied from blogs and tickets sometimes lose the leading `DATE:TIME:PID ` (or even the program):
// `gpstate:mdw:gpadmin-[INFO]:-…` and `smdw:gpadmin-[INFO]:-…`. Readers of whole captures accept these too.
const PARTIAL_WITH_PROGRAM =
  /^([A-Za-z][\w.-]*):([\w.-]+):([\w.-]*?)-\[(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\]:-/;
const PARTIAL_HOST_USER = /^([\w.-]+):([\w.-]*?)-\[(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\]:-/;

// A docker-compose style wrapper (`cdw_1   | `) put in front of the utility's own line.
const WRAPPER = /^[A-Za-z0-9_.-]{1,64} {0,16}\| /;

// Levels as constant strings: later comparisons and Set lookups then need no character-by-character work.
function internLevel(raw: string | undefined): LogLevel {
  switch (raw) {
    case 'INFO':
      return 'INFO';
    case 'DEBUG':
      return 'DEBUG';
    case 'WARNING':
    case 'WARN':
      return 'WARNING';
    case 'ERROR':
      return 'ERROR';
    case 'CRITICAL':
      return 'CRITICAL';
    default:
      return 'FATAL';
  }
}

/** A matched line: its fields, where the prefix starts (after any wrapper) and how long it is. */
export interface ScannedLogLine {
  fields: LogLine;
  /** Characters before the prefix (`> `, dots, indentation, a wrapper); 0 for a plain line. */
  offset: number;
  prefixLength: number;
}

function matchPrefix(line: string, offset: number): ScannedLogLine | null {
  const m = LOG_PREFIX.exec(offset === 0 ? line : line.slice(offset));
  if (!m) return null;
  const pid = Number(m[2]);
  if (!Number.isSafeInteger(pid)) return null;
  const prefixLength = m[0].length;
  return {
    fields: {
      timestamp: m[1] ?? '',
      pid,
      program: m[3] ?? '',
      host: m[4] ?? '',
      user: m[5] ?? '',
      level: internLevel(m[6]),
      // Trailing blanks are padding (or a copy's artefact), never content.
      message: line.slice(offset + prefixLength).trimEnd(),
    },
    offset,
    prefixLength,
  };
}

function matchPartialPrefix(line: string): ScannedLogLine | null {
  const full = PARTIAL_WITH_PROGRAM.exec(line);
  if (full) {
    return {
      fields: {
        timestamp: '',
        pid: 0,
        program: full[1] ?? '',
        host: full[2] ?? '',
        user: full[3] ?? '',
        level: internLevel(full[4]),
        message: line.slice(full[0].length).trimEnd(),
      },
      offset: 0,
      prefixLength: full[0].length,
    };
  }
  const short = PARTIAL_HOST_USER.exec(line);
  if (!short) return null;
  return {
    // The program is unknown: the reader attributes such lines to the utility it is looking for.
    fields: {
      timestamp: '',
      pid: 0,
      program: '',
      host: short[1] ?? '',
      user: short[2] ?? '',
      level: internLevel(short[3]),
      message: line.slice(short[0].length).trimEnd(),
    },
    offset: 0,
    prefixLength: short[0].length,
  };
}

/**
 * Like parseLogLine, also telling where the prefix is, so a reader can reuse it for the following lines.
 * With `allowPartial`, a line that lost its `DATE:TIME:PID ` (and maybe its program) is read too; such
 * fields have an empty timestamp, PID 0 and, without a program, an empty program.
 */
export function scanLogLine(line: string, allowPartial = false): ScannedLogLine | null {
  if (typeof line !== 'string') return null;
  if (allowPartial && line.length >= 12) {
    const c = line.charCodeAt(0);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    const digit = c >= 48 && c <= 57;
    if ((letter || (digit && line.charCodeAt(8) !== 58)) /* : after YYYYMMDD */ && line.includes('-[')) {
      const partial = matchPartialPrefix(line);
      if (partial) return partial;
    }
  }
  if (line.length < 30) return null;
  const first = line.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    const direct = matchPrefix(line, 0);
    if (direct) return direct;
  }
  let offset = 0;
  for (let guard = 0; guard < 8; guard++) {
    const before = offset;
    const c0 = line.charCodeAt(offset);
    if (c0 === 32 || c0 === 9) {
      while (offset < line.length && (line.charCodeAt(offset) === 32 || line.charCodeAt(offset) === 9)) offset++;
    } else if (c0 === 62 /* > */) {
      offset += line.charCodeAt(offset + 1) === 32 ? 2 : 1;
    } else if (c0 === 46 /* . */) {
      while (offset < line.length && line.charCodeAt(offset) === 46) offset++;
    } else {
      const w = WRAPPER.exec(offset === 0 ? line : line.slice(offset));
      if (w) offset += w[0].length;
    }
    if (offset === before) break;
    const c = line.charCodeAt(offset);
    if (c >= 48 && c <= 57) return matchPrefix(line, offset);
  }
  return null;
}

/**
 * Parses one line of utility output. Returns null when the line carries no log prefix.
 * Tolerates what terminals and transcripts put in front of a record: the `> ` of an answered prompt
 * (the next record follows it on the same line), progress dots, indentation (a pasted Markdown block)
 * and a docker-compose `name | ` wrapper.
 * Never throws.
 */
export function parseLogLine(line: string): LogLine | null {
  const scanned = scanLogLine(line);
  return scanned ? scanned.fields : null;
}

/** Removes terminal escape sequences (colours, cursor moves) that a PTY capture may contain. */
export function stripTerminalEscapes(line: string): string {
  if (!line.includes('\u001b')) return line;
  // CSI sequences, OSC sequences ended by BEL or ST, and two-character escapes.
  // eslint-disable-next-line no-control-regex
  return line.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g, '');
}

// Turns captured terminal text into records and splits it into runs of one utility.
// Captures mix the utility's log records with lines that carry no prefix: prompts and their `> ` answers,
// continuation lines of a multi-line message, progress dots, child process output (pg_ctl), pasted shell
// prompts (`[gpadmin@mdw ~]$ gpstate -f`, `$ gpstate -f`) and the `# exit code: N` footer of saved captures.
// Everything here is linear in the size of the text and never throws.
import { scanLogLine, stripTerminalEscapes } from './logline';
import type { LogLine } from './logline';

export interface LogRecord extends LogLine {
  type: 'log';
  /** 0-based index of the physical line in the text. */
  lineIndex: number;
  /** Physical lines without a prefix that belong to this record's message (exception text, tab-indented lines). */
  continuation: string[];
}

// Shared by every record without continuation lines (nearly all of them); replaced by a new array on first use.
const NO_CONTINUATION: string[] = [];

function addContinuation(record: LogRecord, line: string): void {
  if (record.continuation === NO_CONTINUATION) record.continuation = [];
  record.continuation.push(line);
}

/** A log record is its own entry: one object per line. */
export type Entry =
  | LogRecord
  | { type: 'command'; text: string }
  | { type: 'exit'; code: number }
  | { type: 'prompt'; text: string }
  | { type: 'answer'; text: string }
  | { type: 'noise' }
  | { type: 'raw'; text: string };

// `$ gpstate -f`, `$gpstate -f`, `[gpadmin@mdw ~]$ gpstate -f`, `gpadmin@cdw:~$ gpstate -f`, `mdw$ gpstate`.
const SHELL_PROMPT =
  /^(?:\$ |\$(?=gp)|\[[^\]\n]{1,200}\][$#] ?|[A-Za-z0-9_.-]{1,64}@[A-Za-z0-9_.-]{1,253}(?::[^$#\s]{0,200})?[$#] |[A-Za-z0-9_.-]{1,64}\$ (?=gp))/;
// A docker-compose style wrapper in front of an unprefixed line (`cdw_1   | server shutting down`).
const WRAPPER = /^[A-Za-z0-9_.-]{1,64} {0,16}\| /;
// A utility invocation without a prompt: the terminal's echo of the typed command, or a transcript's own heading.
const BARE_COMMAND = /^(?:gpstate|gpinitstandby|gpactivatestandby|gpstop|gpstart)(?:[ \t]+-[^\n]*|[ \t]*)$/;
const EXIT_FOOTER = /^# exit code: (\d{1,3})\b/;
const PROMPT_MARKERS = ['Yy|Nn (default=', 's|f|i (default=', 'Your_choice', "['(s)mart_mode'"];
const CHILD_OUTPUT =
  /^(?:server (?:shutting down|stopped|started|starting|promoting)|waiting for server to (?:shut down|start|promote)|done|\.{1,}\s*done)\b/;

function isBlankOrDots(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 46) return false;
  }
  return true;
}

/** `  stderr='…` without its closing quote on the same line (an ExecutionError's captured stderr). */
function opensStderrQuote(line: string): boolean {
  const t = line.trimStart();
  return t.startsWith("stderr='") && (t.length === 8 || !t.endsWith("'"));
}

function isContinuationShape(line: string): boolean {
  const c = line.charCodeAt(0);
  return (
    c === 9 ||
    c === 32 ||
    line.startsWith('DETAIL:') ||
    line.startsWith('HINT:') ||
    line.startsWith('- VERSION:') ||
    line.startsWith("')") ||
    line.startsWith('")')
  );
}

/** Splits text into physical lines: LF, CRLF or CR endings; a carriage return inside a line keeps what the terminal shows last. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  // A byte-order mark left by an editor is not part of the first line.
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const cr = line.lastIndexOf('\r');
    if (cr >= 0) {
      // Progress written with carriage returns: the terminal shows the last non-empty piece.
      const tail = line.slice(cr + 1);
      line = tail.length > 0 ? tail : line.replace(/\r/g, '');
    }
    lines.push(line);
    start = end + 1;
    if (end === n) break;
  }
  return lines;
}

// Blank lines, progress dots, comments and child output carry nothing; one shared entry stands for all of them.
const NOISE: Entry = { type: 'noise' };

// A multi-line message longer than this is not one exception text any more; the rest is kept as raw lines.
const MAX_CONTINUATION = 200;

function recordOf(fields: LogLine, message: string, lineIndex: number): LogRecord {
  return {
    timestamp: fields.timestamp,
    pid: fields.pid,
    program: fields.program,
    host: fields.host,
    user: fields.user,
    level: fields.level,
    message,
    type: 'log',
    lineIndex,
    continuation: NO_CONTINUATION,
  };
}

/** Reads the whole text into entries; continuation lines are attached to the record they belong to. */
export function readEntries(text: string): Entry[] {
  const entries: Entry[] = [];
  const lines = splitLines(typeof text === 'string' ? text : '');
  let lastRecord: LogRecord | null = null;
  let previous: { prefix: string; fields: LogLine } | null = null;
  // A `Reason='…` exception text stays open until its closing quote.
  let openQuote = false;
  // So does the `  stderr='…` of an ExecutionError: the captured stderr usually ends with a newline, leaving the
  // closing quote alone on the next line.
  let openStderr = false;
  for (let i = 0; i < lines.length; i++) {
    const line = stripTerminalEscapes(lines[i] ?? '');
    let record: LogRecord | null = null;
    if (previous !== null && line.startsWith(previous.prefix)) {
      // Consecutive lines of one run usually share the whole prefix: reuse it instead of matching again.
      record = recordOf(previous.fields, line.slice(previous.prefix.length).trimEnd(), i);
    } else {
      const scanned = scanLogLine(line, true);
      if (scanned) {
        record = recordOf(scanned.fields, scanned.fields.message, i);
        previous =
          scanned.offset === 0 ? { prefix: line.slice(0, scanned.prefixLength), fields: scanned.fields } : null;
      }
    }
    if (record) {
      entries.push(record);
      lastRecord = record;
      openQuote = record.message.includes("(Reason='") && !/'\)\s*exiting\.\.\.\s*$/.test(record.message);
      openStderr = false;
      continue;
    }
    // A capture footer or a pasted command always ends what came before, even an unterminated exception text.
    const exit = EXIT_FOOTER.exec(line);
    if (exit) {
      entries.push({ type: 'exit', code: Number(exit[1]) });
      lastRecord = null;
      openQuote = false;
      openStderr = false;
      continue;
    }
    // An indented paste (a Markdown block) indents the shell prompts too.
    const unindented = line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9 ? line.trimStart() : line;
    const shell = SHELL_PROMPT.exec(unindented);
    if (shell) {
      entries.push({ type: 'command', text: unindented.slice(shell[0].length).trim() });
      lastRecord = null;
      openQuote = false;
      openStderr = false;
      continue;
    }
    if (BARE_COMMAND.test(unindented)) {
      entries.push({ type: 'command', text: unindented.trim() });
      lastRecord = null;
      openQuote = false;
      openStderr = false;
      continue;
    }
    if (
      lastRecord &&
      lastRecord.continuation.length < MAX_CONTINUATION &&
      (openQuote || openStderr || (line.length > 0 && isContinuationShape(line)))
    ) {
      addContinuation(lastRecord, line);
      if (openQuote && /^'\)|'\)\s*exiting\.\.\.\s*$/.test(line)) openQuote = false;
      if (openStderr) openStderr = !line.endsWith("'");
      else openStderr = opensStderrQuote(line);
      continue;
    }
    if (line.startsWith('#') || isBlankOrDots(line) || CHILD_OUTPUT.test(line)) {
      entries.push(NOISE);
      continue;
    }
    const wrapped = WRAPPER.exec(line);
    if (wrapped && CHILD_OUTPUT.test(line.slice(wrapped[0].length))) {
      entries.push(NOISE);
      continue;
    }
    if (PROMPT_MARKERS.some(m => line.includes(m))) {
      entries.push({ type: 'prompt', text: line.trim() });
      lastRecord = null;
      continue;
    }
    if (line.startsWith('>')) {
      entries.push({ type: 'answer', text: line.slice(1).trim() });
      lastRecord = null;
      continue;
    }
    entries.push({ type: 'raw', text: line });
    lastRecord = null;
  }
  return entries;
}

/** One invocation of the utility inside a capture. */
export interface Run {
  program: string;
  /** The shell command line pasted before the run, when there was one. */
  command: string | null;
  /** Records of the utility itself (its program name), in order. */
  records: LogRecord[];
  /** Warning and error records of child utilities it started (e.g. gpstart under gpactivatestandby -f). */
  childProblems: LogRecord[];
  prompts: { text: string; answer: string | null }[];
  /** Lines nobody recognised, kept for the reader. */
  unparsed: string[];
  /** From the `# exit code: N` footer of a saved capture, when the footer belongs to this utility's command. */
  footerExitCode: number | null;
}

/** A record belongs to `program` when it names it, or when it lost its program in a copied transcript. */
export function belongsTo(record: LogRecord, program: string): boolean {
  return record.program === program || record.program === '';
}

/** True when the record's prefix kept its date, time and PID. */
export function hasFullPrefix(record: LogRecord): boolean {
  return record.timestamp !== '';
}

/** Where the first word `program` on a shell command line ends (after `echo y |`, `export …;`, a path), or -1. */
function programWordEnd(command: string, program: string): number {
  let from = 0;
  for (;;) {
    const at = command.indexOf(program, from);
    if (at < 0) return -1;
    const before = at === 0 ? ' ' : command.charAt(at - 1);
    const after = command.charAt(at + program.length);
    if (/[\s/;|&(]/.test(before) && (after === '' || /[\s;|&)]/.test(after))) return at + program.length;
    from = at + program.length;
  }
}

/** True when a shell command line runs `program` (as a word, possibly after `echo y |`, `export …;`, a path). */
export function commandRuns(command: string | null, program: string): boolean {
  return !!command && programWordEnd(command, program) >= 0;
}

/** The arguments given to `program` on a shell command line (up to the next `;`, `|`, `&&`, `)` or comment). */
export function commandArgs(command: string | null, program: string): string | null {
  const end = command ? programWordEnd(command, program) : -1;
  if (!command || end < 0) return null;
  const rest = command.slice(end);
  const stop = rest.search(/[;|&)#]/);
  return (stop < 0 ? rest : rest.slice(0, stop)).trim();
}

interface RunBuilder {
  command: string | null;
  entries: Entry[];
  pid: number | null;
  hasOwnRecord: boolean;
  footerExitCode: number | null;
}

/** Splits the entries into runs of `program`: at pasted command lines, exit footers and changes of the utility's PID. */
export function splitRuns(entries: Entry[], program: string): Run[] {
  const runs: Run[] = [];
  let current: RunBuilder = { command: null, entries: [], pid: null, hasOwnRecord: false, footerExitCode: null };
  const finish = (next: RunBuilder): void => {
    const run = buildRun(current, program);
    if (run) runs.push(run);
    current = next;
  };
  const startsRun = `Starting ${program} with args:`;
  for (const entry of entries) {
    if (entry.type === 'command') {
      finish({ command: entry.text, entries: [], pid: null, hasOwnRecord: false, footerExitCode: null });
      continue;
    }
    if (entry.type === 'exit') {
      if (commandRuns(current.command, program)) current.footerExitCode = entry.code;
      finish({ command: null, entries: [], pid: null, hasOwnRecord: false, footerExitCode: null });
      continue;
    }
    if (entry.type === 'log' && belongsTo(entry, program)) {
      const rec = entry;
      const newPid = hasFullPrefix(rec) && current.pid !== null && rec.pid !== current.pid;
      const restarted = current.hasOwnRecord && rec.message.startsWith(startsRun);
      if (newPid || restarted)
        finish({ command: null, entries: [], pid: null, hasOwnRecord: false, footerExitCode: null });
      if (hasFullPrefix(rec)) current.pid = rec.pid;
      current.hasOwnRecord = true;
    }
    current.entries.push(entry);
  }
  finish({ command: null, entries: [], pid: null, hasOwnRecord: false, footerExitCode: null });
  return runs;
}

const MAX_UNPARSED = 200;

function buildRun(b: RunBuilder, program: string): Run | null {
  const ownsCommand = commandRuns(b.command, program);
  if (!b.hasOwnRecord && !ownsCommand) return null;
  // Window: from the first record of the utility to the last one, plus the unprefixed lines that follow it
  // (answers, exception text, a truncated tail) until another program logs again.
  let first = 0;
  let last = b.entries.length - 1;
  if (b.hasOwnRecord) {
    first = b.entries.findIndex(e => e.type === 'log' && belongsTo(e, program));
    let lastOwn = first;
    for (let i = b.entries.length - 1; i >= 0; i--) {
      const e = b.entries[i];
      if (e && e.type === 'log' && belongsTo(e, program)) {
        lastOwn = i;
        break;
      }
    }
    last = lastOwn;
    while (last + 1 < b.entries.length && b.entries[last + 1]?.type !== 'log') last++;
    // Prompts and raw lines just before the first record (a blank line, a prompt) still belong to the run.
    while (first > 0 && b.entries[first - 1]?.type !== 'log') first--;
  }
  const run: Run = {
    program,
    command: b.command,
    records: [],
    childProblems: [],
    prompts: [],
    unparsed: [],
    footerExitCode: b.footerExitCode,
  };
  for (let i = first; i <= last; i++) {
    const e = b.entries[i];
    if (!e) continue;
    switch (e.type) {
      case 'log':
        if (belongsTo(e, program)) run.records.push(e);
        else if (e.level !== 'INFO' && e.level !== 'DEBUG') run.childProblems.push(e);
        break;
      case 'prompt':
        run.prompts.push({ text: e.text, answer: null });
        break;
      case 'answer': {
        const open = run.prompts[run.prompts.length - 1];
        if (open && open.answer === null) open.answer = e.text;
        break;
      }
      case 'raw':
        if (run.unparsed.length < MAX_UNPARSED)
          run.unparsed.push(e.text.length > 500 ? e.text.slice(0, 500) + '…' : e.text);
        break;
      default:
        break;
    }
  }
  return run;
}

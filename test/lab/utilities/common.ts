// Shared machinery of the emulated Greenplum utilities that run on the lab hosts: the gplog line format,
// TableLogger, the Yy|Nn prompt, the product/vocabulary wording, and access to the real PostgreSQL and to
// the other lab hosts over ssh. Everything is synchronous, like the Python originals.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { hostname, homedir, userInfo } from 'node:os';
import { basename, join } from 'node:path';

export type Vocabulary = 'master' | 'coordinator';
export type Product = 'greenplum' | 'cloudberry';

/** What `up` writes to $GPHOME/etc/lab.json: the flavour of this installation and the lab's host table. */
export interface LabConfig {
  vocabulary: Vocabulary;
  product: Product;
  pgBin: string;
  hosts: Record<string, string>;
}

/** Thrown to end a utility with an exit code after its messages were logged. */
export class UtilityExit extends Error {
  constructor(public readonly code: number) {
    super(`exit ${code}`);
  }
}

export function loadConfig(): LabConfig {
  const gphome = process.env.GPHOME;
  if (!gphome) {
    process.stderr.write(
      'ERROR: Cannot import modules.  Please check that you have sourced greenplum_path.sh.  Detail: Environment Variable GPHOME not set\n',
    );
    throw new UtilityExit(1);
  }
  return JSON.parse(readFileSync(join(gphome, 'etc', 'lab.json'), 'utf8')) as LabConfig;
}

/** Every wording difference between GP5/6 ("master"), GP7 and Cloudberry ("coordinator"). */
export class Words {
  readonly m: string; // master | coordinator
  readonly M: string; // Master | Coordinator
  readonly db: string; // Greenplum | Cloudberry
  readonly localVersion: string;
  readonly serverVersion: string;
  readonly dataDirVar: string;
  readonly standbyMarker: string;
  constructor(
    readonly vocabulary: Vocabulary,
    readonly product: Product,
  ) {
    this.m = vocabulary;
    this.M = vocabulary === 'master' ? 'Master' : 'Coordinator';
    this.db = product === 'cloudberry' ? 'Cloudberry' : 'Greenplum';
    if (product === 'cloudberry') {
      this.localVersion = 'postgres (Apache Cloudberry) 2.0.0-incubating build 1';
      this.serverVersion =
        'PostgreSQL 14.4 (Apache Cloudberry 2.0.0-incubating build 1) on x86_64-pc-linux-gnu, compiled by gcc (GCC) 11.4.1, 64-bit compiled on Jan  1 2024 00:00:00';
    } else if (vocabulary === 'master') {
      this.localVersion = 'postgres (Greenplum Database) 6.24.3 build commit:25d3498a400ca5230e81abb94861f23389315213';
      this.serverVersion =
        'PostgreSQL 9.4.26 (Greenplum Database 6.24.3 build commit:25d3498a400ca5230e81abb94861f23389315213) on x86_64-unknown-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit compiled on Nov 26 2026 19:51:01';
    } else {
      this.localVersion =
        'postgres (Greenplum Database) 7.1.0 build commit:0000000000000000000000000000000000000000 Open Source';
      this.serverVersion =
        'PostgreSQL 12.12 (Greenplum Database 7.1.0 build commit:0000000000000000000000000000000000000000 Open Source) on x86_64-pc-linux-gnu, compiled by gcc (GCC) 8.5.0 20210514 (Red Hat 8.5.0-18), 64-bit compiled on Jan  1 2024 00:00:00';
    }
    this.dataDirVar = vocabulary === 'master' ? 'MASTER_DATA_DIRECTORY' : 'COORDINATOR_DATA_DIRECTORY';
    // GP5/6 look for recovery.conf, GP7/Cloudberry for standby.signal; PostgreSQL 15 itself always uses standby.signal.
    this.standbyMarker = vocabulary === 'master' ? 'recovery.conf' : 'standby.signal';
  }

  /** The coordinator data directory from the environment: GP7/Cloudberry fall back to MASTER_DATA_DIRECTORY. */
  dataDirectoryFromEnv(): string | undefined {
    if (this.vocabulary === 'coordinator')
      return process.env.COORDINATOR_DATA_DIRECTORY || process.env.MASTER_DATA_DIRECTORY || undefined;
    return process.env.MASTER_DATA_DIRECTORY || undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// gplog: "%(asctime)s:%(programname)s:%(name)s-[%(levelname)-s]:-%(message)s"

export type Level = 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL' | 'DEBUG';

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function timestamp(d = new Date()): string {
  return `${d.getFullYear()}${pad2(d.getMonth() + 1)}${pad2(d.getDate())}:${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

export function formatLogLine(
  program: string,
  host: string,
  user: string,
  pid: number,
  level: Level,
  message: string,
  when = new Date(),
): string {
  return `${timestamp(when)}:${String(pid).padStart(6, '0')} ${program}:${host}:${user}-[${level}]:-${message}`;
}

export class Logger {
  readonly program: string;
  readonly host = hostname();
  readonly user = userInfo().username;
  quiet = false; // -q: INFO stays in the log file only
  verbose = false; // DEBUG lines (gpactivatestandby turns them on unless -q)
  private logFile: string | undefined;

  constructor(program?: string) {
    this.program = program ?? basename(process.argv[1] ?? 'gputility');
    try {
      const dir = join(homedir(), 'gpAdminLogs');
      mkdirSync(dir, { recursive: true });
      this.logFile = join(dir, `${this.program}_${timestamp().slice(0, 8)}.log`);
    } catch {
      this.logFile = undefined;
    }
  }

  log(level: Level, message: string): void {
    const line = formatLogLine(this.program, this.host, this.user, process.pid, level, message);
    if (this.logFile) {
      try {
        appendFileSync(this.logFile, line + '\n');
      } catch {
        this.logFile = undefined;
      }
    }
    if (level === 'DEBUG' && !this.verbose) return;
    if (level === 'INFO' && this.quiet) return;
    writeOut(line + '\n');
  }
  info(m: string): void {
    this.log('INFO', m);
  }
  warn(m: string): void {
    this.log('WARNING', m);
  }
  error(m: string): void {
    this.log('ERROR', m);
  }
  fatal(m: string): void {
    this.log('CRITICAL', m);
  }
  debug(m: string): void {
    this.log('DEBUG', m);
  }
}

let stdoutClosed = false;

/** Synchronous stdout write that survives EAGAIN on non-blocking pipes and a reader that went away (`| head`). */
export function writeOut(text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length && !stdoutClosed) {
    try {
      off += writeSync(1, buf, off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') stdoutClosed = true;
      else if (code !== 'EAGAIN') throw e;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// TableLogger (gppylib/utils.py): widths from every row, cells ljust(W+3) except the last, INFO rows indented
// three spaces, WARNING rows unindented with a trailing "<<<<<<<<" cell, separators of 52 dashes.

type TableRow = { kind: 'row'; cells: string[]; warning: boolean } | { kind: 'separator' };

export class TableLogger {
  private rows: TableRow[] = [];
  info(cells: string[]): this {
    this.rows.push({ kind: 'row', cells, warning: false });
    return this;
  }
  warn(cells: string[]): this {
    this.rows.push({ kind: 'row', cells, warning: true });
    return this;
  }
  add(cells: string[], warning: boolean): this {
    this.rows.push({ kind: 'row', cells, warning });
    return this;
  }
  separator(): this {
    this.rows.push({ kind: 'separator' });
    return this;
  }
  get hasWarnings(): boolean {
    return this.rows.some(r => r.kind === 'row' && r.warning);
  }

  /** The rendered messages with their levels, in order. */
  render(): Array<{ level: Level; text: string }> {
    const full = this.rows.map(r =>
      r.kind === 'row' && r.warning ? [...r.cells, '<<<<<<<<'] : r.kind === 'row' ? r.cells : [],
    );
    const widths: number[] = [];
    for (const cells of full)
      cells.forEach((c, i) => {
        widths[i] = Math.max(widths[i] ?? 0, c.length);
      });
    return this.rows.map((r, idx) => {
      if (r.kind === 'separator') return { level: 'INFO' as Level, text: '-'.repeat(52) };
      const cells = full[idx]!;
      const text = cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('');
      return r.warning ? { level: 'WARNING' as Level, text } : { level: 'INFO' as Level, text: '   ' + text };
    });
  }

  output(logger: Logger): void {
    for (const { level, text } of this.render()) logger.log(level, text);
  }
}

// ---------------------------------------------------------------------------------------------------------
// userinput.ask_yesno: "<question> Yy|Nn (default=N):\n> ", re-asked on anything else, default on empty input.

function readLineFromStdin(): string | null {
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, one, 0, 1, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        spawnSync('sleep', ['0.05']);
        continue;
      }
      if (code === 'EOF') n = 0;
      else throw e;
    }
    if (n === 0) return bytes.length ? Buffer.from(bytes).toString('utf8') : null;
    if (one[0] === 0x0a) return Buffer.from(bytes).toString('utf8').replace(/\r$/, '');
    bytes.push(one[0]!);
  }
}

export function askYesNo(question: string, defaultYes = false): boolean {
  for (;;) {
    writeOut(`${question} Yy|Nn (default=${defaultYes ? 'Y' : 'N'}):\n> `);
    const answer = readLineFromStdin();
    if (answer === null) return defaultYes; // stdin closed: the default, as an empty answer would give
    const a = answer.trim();
    if (a === '') return defaultYes;
    if (/^[Yy]$/.test(a)) return true;
    if (/^[Nn]$/.test(a)) return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Command-line flags in the style of optparse: "-a -s cdw", "-as cdw", "--flag=value".

export interface FlagSpec {
  [flag: string]: { takesValue: boolean; long?: string[] };
}

export function parseFlags(argv: string[], spec: FlagSpec, usage: () => string): Map<string, string | true> {
  const out = new Map<string, string | true>();
  const longs = new Map<string, string>();
  for (const [short, s] of Object.entries(spec)) for (const l of s.long ?? []) longs.set(l, short);
  const bad = (msg: string): never => {
    process.stderr.write(`${usage()}\n${basename(process.argv[1] ?? '')}: error: ${msg}\n`);
    throw new UtilityExit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.split('=', 2) as [string, string | undefined];
      const short = longs.get(name);
      if (!short) return bad(`no such option: ${name}`);
      if (spec[short]!.takesValue) {
        const v = inline ?? argv[++i];
        if (v === undefined) return bad(`${name} option requires an argument`);
        out.set(short, v);
      } else out.set(short, true);
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const flag = '-' + arg[j];
        const s = spec[flag];
        if (!s) return bad(`no such option: ${flag}`);
        if (s.takesValue) {
          const rest = arg.slice(j + 1);
          const v = rest || argv[++i];
          if (v === undefined) return bad(`${flag} option requires an argument`);
          out.set(flag, v);
          break;
        }
        out.set(flag, true);
      }
    } else {
      return bad(`unexpected argument: ${arg}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The real PostgreSQL and the other hosts.

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  cmd: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): CommandResult {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: opts.timeoutMs ?? 120_000,
    env: opts.env ?? process.env,
  });
  return {
    code: r.status ?? (r.error ? 127 : 1),
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '') + (r.error ? String(r.error.message) : ''),
  };
}

export function pgTool(cfg: LabConfig, tool: string): string {
  return join(cfg.pgBin, tool);
}

/** psql over the local Unix socket in /tmp (the host's own /tmp), unaligned output, fields split on "|". */
export function psql(
  cfg: LabConfig,
  port: number | string,
  sql: string,
  db = 'postgres',
): { ok: true; rows: string[][] } | { ok: false; error: string } {
  const r = run(
    pgTool(cfg, 'psql'),
    [
      '-X',
      '-q',
      '-A',
      '-t',
      '-F',
      '|',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      '/tmp',
      '-p',
      String(port),
      '-U',
      userInfo().username,
      '-d',
      db,
      '-c',
      sql,
    ],
    { timeoutMs: 30_000 },
  );
  if (r.code !== 0) return { ok: false, error: r.stderr.trim() || `psql exited with ${r.code}` };
  const rows = r.stdout
    .split('\n')
    .filter(l => l.length > 0)
    .map(l => l.split('|'));
  return { ok: true, rows };
}

/** Runs a shell command on another lab host through gpadmin's own ssh setup (~/.ssh/config, key, known_hosts). */
export function ssh(host: string, command: string, timeoutMs = 60_000): CommandResult {
  return run('ssh', ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', host, command], { timeoutMs });
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The pid in <dir>/postmaster.pid, or 0 when there is none. */
export function postmasterPid(dataDir: string): number {
  try {
    const first = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '';
    const pid = Number.parseInt(first, 10);
    return Number.isFinite(pid) && pid > 0 ? pid : 0;
  } catch {
    return 0;
  }
}

/** True while the process runs; a zombie (dead, not yet reaped by init) counts as gone. */
export function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The postgres options every lab postmaster is started with; the per-host listen address comes from the include file. */
export function startPostgres(cfg: LabConfig, dataDir: string, wait = true): CommandResult {
  const logDir = join(homedir(), 'gpAdminLogs');
  mkdirSync(logDir, { recursive: true });
  const args = ['start', '-D', dataDir, '-l', join(logDir, 'postmaster.log')];
  args.push(wait ? '-w' : '-W');
  if (wait) args.push('-t', '60');
  return run(pgTool(cfg, 'pg_ctl'), args, { timeoutMs: 90_000 });
}

export function stopPostgres(cfg: LabConfig, dataDir: string, mode: 'smart' | 'fast' | 'immediate'): CommandResult {
  return run(pgTool(cfg, 'pg_ctl'), ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '60'], { timeoutMs: 90_000 });
}

export function fileExists(p: string): boolean {
  return existsSync(p);
}

/** One row of gp_segment_configuration. */
export interface SegmentRow {
  dbid: number;
  content: number;
  role: string;
  preferredRole: string;
  mode: string;
  status: string;
  port: number;
  hostname: string;
  address: string;
  datadir: string;
}

export const SEGMENT_COLUMNS = 'dbid, content, role, preferred_role, mode, status, port, hostname, address, datadir';

export function toSegmentRow(r: string[]): SegmentRow {
  return {
    dbid: Number(r[0]),
    content: Number(r[1]),
    role: r[2] ?? '',
    preferredRole: r[3] ?? '',
    mode: r[4] ?? '',
    status: r[5] ?? '',
    port: Number(r[6]),
    hostname: r[7] ?? '',
    address: r[8] ?? '',
    datadir: r[9] ?? '',
  };
}

export function sqlLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Runs a utility's main function and turns UtilityExit into the process exit code. */
export function main(body: () => number): void {
  let code: number;
  try {
    code = body();
  } catch (e) {
    if (e instanceof UtilityExit) code = e.code;
    else {
      process.stderr.write(
        `${basename(process.argv[1] ?? '')}: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      code = 2;
    }
  }
  process.exit(code);
}

// The routine observation at the speed of one query: a database session per coordinator host, kept open over the
// pooled ssh connection (the server's Unix socket forwarded, where peer authentication admits the login user),
// asked the probe's statements in one round trip. The file-system facts (data directory, postmaster.pid, signal
// files, lock file, backups, pg_controldata) come from the last exec probe and are reused only while nothing the
// session sees has changed: the same postmaster (start time), the same recovery state, not older than a few
// minutes. Everything else — no session possible (forwarding disabled, postmaster down, a password asked), a
// change, stale facts — runs the exec probe, which is also what refreshes the remembered facts.
import type { HostTarget, RemoteExecutor } from '../ssh/types';
import { PgSession } from './pgwire';
import type { QueryResult } from './pgwire';
import { lsnStatement, parseProbe, postmasterStarted, PROBE_STATEMENTS } from './probe';
import type { HostFacts } from './probe';

export interface DbSessionOptions {
  /** How long the exec probe's file-system facts are reused. Default 5 minutes. */
  fileFactsMaxAgeMs?: number;
  /** How long a host whose sshd refused the forwarding is not asked again. Default 10 minutes. */
  refusedRetryMs?: number;
  now?: () => number;
}

/** Where one host's coordinator is: the ssh target, the port, the database. */
export interface DbEndpoint {
  target: HostTarget;
  port: number;
  database: string;
  dataDirectory: string;
}

interface Remembered {
  facts: HostFacts;
  started: string | null;
  at: number;
}

const DB_KEYS = ['inRecovery', 'catalog', 'replication', 'currentLsn', 'segments', 'psqlMessages'] as const;

function endpointKey(e: DbEndpoint): string {
  const t = e.target;
  return [t.sshTarget, t.user ?? '', t.port ?? '', t.identityFile ?? '', e.port, e.database, e.dataDirectory].join(
    '\u0000',
  );
}

/** The WAL function by the server's reported version (ParameterStatus server_version: "9.4.26", "12.12", "15.18 (…)"). */
export function lsnFunctionFor(serverVersion: string | undefined): string {
  const major = Number(/^(\d+)/.exec(serverVersion ?? '')?.[1] ?? NaN);
  return major >= 10 ? 'pg_current_wal_lsn' : 'pg_current_xlog_location';
}

/** The session's answers as the exec probe would print them (so parseProbe reads both alike). */
export function probeLines(results: QueryResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const row of r.rows) if (row[0] !== null && row[0] !== undefined) lines.push(row[0]);
    if (r.error) lines.push(`@gpc psqlmsg ${r.error}`);
  }
  return lines.join('\n');
}

export class DbSessions {
  private readonly sessions = new Map<string, Promise<PgSession>>();
  private readonly remembered = new Map<string, Remembered>();
  private readonly refused = new Map<string, number>();
  private readonly now: () => number;
  private readonly stats = { queries: 0, execFallbacks: 0 };

  constructor(
    private readonly executor: RemoteExecutor,
    private readonly options: DbSessionOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** How many observations the session answered, and how many went to the exec probe. */
  counters(): { queries: number; execFallbacks: number } {
    return { ...this.stats };
  }

  /** Keeps what an exec probe found, for the next routine observations of that host. */
  remember(e: DbEndpoint, facts: HostFacts, stdout: string): void {
    this.stats.execFallbacks++;
    const key = endpointKey(e);
    if (facts.complete && facts.running)
      this.remembered.set(key, { facts, started: postmasterStarted(stdout), at: this.now() });
    else {
      this.remembered.delete(key);
      // A refused socket may have been a postmaster that stopped, not sshd forbidding the forwarding: try again
      // once one runs.
      if (!facts.running) this.refused.delete(key);
    }
  }

  /** Forgets the remembered facts of every host (after a procedure step, say): the next observation execs. */
  forgetFacts(): void {
    this.remembered.clear();
  }

  /**
   * The host's facts from one query on its session, or undefined when the exec probe must run (nothing
   * remembered, something changed, no session possible). Never throws.
   */
  async facts(e: DbEndpoint, timeoutMs: number): Promise<HostFacts | undefined> {
    const key = endpointKey(e);
    const known = this.remembered.get(key);
    if (!known || this.now() - known.at > (this.options.fileFactsMaxAgeMs ?? 300_000)) return undefined;
    if (
      !this.executor.openStreamLocal ||
      this.now() - (this.refused.get(key) ?? -Infinity) < (this.options.refusedRetryMs ?? 600_000)
    )
      return undefined;
    if (known.facts.inRecovery === null) return this.sameRefusal(key, e, known, timeoutMs);
    let results: QueryResult[];
    let session: PgSession;
    try {
      session = await this.session(key, e, timeoutMs);
      results = await session.query(
        [...PROBE_STATEMENTS, lsnStatement(lsnFunctionFor(session.parameters.get('server_version')))],
        timeoutMs,
      );
    } catch {
      this.drop(key);
      return undefined;
    }
    const text = probeLines(results);
    const db = parseProbe(text);
    // A restarted postmaster, a promotion or a demotion: the files changed too.
    if (db.inRecovery !== known.facts.inRecovery || postmasterStarted(text) !== known.started) return undefined;
    this.stats.queries++;
    const facts: HostFacts = { ...known.facts, psqlMessages: [] };
    for (const k of DB_KEYS) Object.assign(facts, { [k]: db[k] });
    return facts;
  }

  /**
   * A postmaster that refused psql at the last exec probe (a Greenplum standby: "the database system is not
   * accepting connections") has nothing to query; a startup that is refused with the same words says it is still
   * there in the same mode, so the remembered facts stand. Anything else (it accepts now, another refusal, no
   * socket) is a change: the exec probe runs.
   */
  private async sameRefusal(
    key: string,
    e: DbEndpoint,
    known: Remembered,
    timeoutMs: number,
  ): Promise<HostFacts | undefined> {
    try {
      const session = await this.open(key, e, timeoutMs);
      session.close();
      return undefined;
    } catch (err) {
      const words = fatalWords(err instanceof Error ? err.message : String(err));
      if (!words || !known.facts.psqlMessages.some(m => m.includes(words))) return undefined;
      this.stats.queries++;
      return { ...known.facts, psqlMessages: [...known.facts.psqlMessages] };
    }
  }

  private session(key: string, e: DbEndpoint, timeoutMs: number): Promise<PgSession> {
    const open = this.sessions.get(key);
    if (open) {
      return open.then(s => {
        if (!s.closed) return s;
        this.sessions.delete(key);
        return this.session(key, e, timeoutMs);
      });
    }
    const opening = this.open(key, e, timeoutMs);
    this.sessions.set(key, opening);
    return opening;
  }

  private async open(key: string, e: DbEndpoint, timeoutMs: number): Promise<PgSession> {
    let local;
    try {
      local = await this.executor.openStreamLocal!(e.target, `/tmp/.s.PGSQL.${e.port}`);
    } catch (err) {
      // OpenSSH refuses alike when AllowStreamLocalForwarding is no and when nothing listens on the socket. The
      // postmaster was running at the last exec probe, so this is most likely the former: exec only, for a while
      // (remember() lifts this if the exec probe finds the postmaster stopped instead).
      this.refused.set(key, this.now());
      throw err;
    }
    return PgSession.connect(
      local.stream,
      { user: local.user, database: e.database, applicationName: 'gpcoord' },
      timeoutMs,
    );
  }

  private drop(key: string): void {
    const s = this.sessions.get(key);
    this.sessions.delete(key);
    void s?.then(
      x => x.close(),
      () => undefined,
    );
  }

  /** Closes every session. */
  dispose(): void {
    for (const key of [...this.sessions.keys()]) this.drop(key);
    this.remembered.clear();
  }
}

/**
 * What follows `FATAL:  ` on the message's last line (as /FATAL: {2}(.+)$/ would find, without its quadratic
 * backtracking over a long message of many FATAL lines).
 */
function fatalWords(message: string): string | undefined {
  const lastLine = message.slice(
    Math.max(
      message.lastIndexOf('\n'),
      message.lastIndexOf('\r'),
      message.lastIndexOf('\u2028'),
      message.lastIndexOf('\u2029'),
    ) + 1,
  );
  const at = lastLine.indexOf('FATAL:  ');
  const words = at < 0 ? '' : lastLine.slice(at + 'FATAL:  '.length);
  return words || undefined;
}

// A minimal PostgreSQL client (protocol 3.0, simple query only) over any byte stream: here a Unix socket on the
// coordinator host forwarded over the pooled ssh connection, where peer (or trust) authentication admits the login
// user. Only what the observation needs: startup without a password, several queries pipelined in one round trip,
// text results, errors as text. Anything else (a password request, TLS) ends the session with a clear reason, and
// the caller falls back to the exec probe.
import type { Duplex } from 'node:stream';

export interface QueryResult {
  fields: string[];
  rows: Array<Array<string | null>>;
  /** The server's error for this statement ("ERROR:  …", as psql prints it), or null. */
  error: string | null;
}

export interface StartupParams {
  user: string;
  database: string;
  applicationName?: string;
}

interface Pending {
  result: QueryResult;
  resolve: (r: QueryResult) => void;
  reject: (e: Error) => void;
}

const PROTOCOL_3_0 = 196608;

function cstrings(values: string[]): Buffer {
  return Buffer.concat(values.map(v => Buffer.from(`${v}\0`, 'utf8')));
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** "ERROR:  message" from an ErrorResponse/NoticeResponse body (fields: type byte, C string; ends with a 0 byte). */
function errorText(body: Buffer): string {
  const fields = new Map<string, string>();
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const type = String.fromCharCode(body[i]!);
    const end = body.indexOf(0, i + 1);
    if (end < 0) break;
    fields.set(type, body.toString('utf8', i + 1, end));
    i = end + 1;
  }
  return `${fields.get('V') ?? fields.get('S') ?? 'ERROR'}:  ${fields.get('M') ?? 'unknown error'}`;
}

function rowDescription(body: Buffer): string[] {
  const count = body.readInt16BE(0);
  const names: string[] = [];
  let i = 2;
  for (let n = 0; n < count; n++) {
    const end = body.indexOf(0, i);
    names.push(body.toString('utf8', i, end));
    i = end + 1 + 18; // table oid, column, type oid, size, modifier, format
  }
  return names;
}

function dataRow(body: Buffer): Array<string | null> {
  const count = body.readInt16BE(0);
  const values: Array<string | null> = [];
  let i = 2;
  for (let n = 0; n < count; n++) {
    const len = body.readInt32BE(i);
    i += 4;
    if (len < 0) values.push(null);
    else {
      values.push(body.toString('utf8', i, i + len));
      i += len;
    }
  }
  return values;
}

export class PgSession {
  /** The server's ParameterStatus values (server_version, …). */
  readonly parameters = new Map<string, string>();
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private startup: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private startupError: string | undefined;
  private ended: Error | undefined;

  private constructor(private readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => this.receive(chunk));
    stream.on('error', (e: Error) => this.end(e));
    stream.on('close', () => this.end(new Error('the database connection closed')));
  }

  /** Opens a session: startup message, authentication (none asked, or it fails), until the server is ready. */
  static async connect(stream: Duplex, params: StartupParams, timeoutMs = 10_000): Promise<PgSession> {
    const session = new PgSession(stream);
    await session.withTimeout(
      new Promise<void>((resolve, reject) => {
        session.startup = { resolve, reject };
        // Protocol version, then name/value pairs, then an empty name.
        const body = Buffer.concat([
          Buffer.alloc(4),
          cstrings([
            'user',
            params.user,
            'database',
            params.database,
            'application_name',
            params.applicationName ?? 'gpcoord',
            '',
          ]),
        ]);
        body.writeInt32BE(PROTOCOL_3_0, 0);
        const head = Buffer.alloc(4);
        head.writeInt32BE(body.length + 4, 0);
        stream.write(Buffer.concat([head, body]));
      }),
      timeoutMs,
      'the database did not answer the startup',
    );
    return session;
  }

  get closed(): boolean {
    return this.ended !== undefined;
  }

  /** Sends every statement at once (pipelined simple queries: one round trip); each has its own result or error. */
  query(statements: string[], timeoutMs = 10_000): Promise<QueryResult[]> {
    if (this.ended) return Promise.reject(this.ended);
    const results = statements.map(
      () =>
        new Promise<QueryResult>((resolve, reject) => {
          this.pending.push({ result: { fields: [], rows: [], error: null }, resolve, reject });
        }),
    );
    this.stream.write(Buffer.concat(statements.map(sql => message('Q', cstrings([sql])))));
    return this.withTimeout(Promise.all(results), timeoutMs, 'the database did not answer the query');
  }

  close(): void {
    if (this.ended) return;
    this.stream.end(message('X', Buffer.alloc(0)));
    this.end(new Error('the session was closed'));
  }

  private withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = new Error(`${what} within ${ms} ms`);
        this.end(e);
        this.stream.destroy();
        reject(e);
      }, ms);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  private end(e: Error): void {
    if (this.ended) return;
    this.ended = e;
    this.startup?.reject(new Error(this.startupError ?? e.message));
    this.startup = undefined;
    for (const p of this.pending.splice(0)) p.reject(e);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length >= 5) {
      const len = this.buffer.readInt32BE(1);
      if (this.buffer.length < len + 1) return;
      const type = String.fromCharCode(this.buffer[0]!);
      const body = this.buffer.subarray(5, len + 1);
      this.buffer = this.buffer.subarray(len + 1);
      this.handle(type, body);
      if (this.ended) return;
    }
  }

  private handle(type: string, body: Buffer): void {
    const current = this.pending[0];
    switch (type) {
      case 'R': {
        const code = body.readInt32BE(0);
        if (code !== 0) {
          this.startupError = `the server asks for a password (authentication request ${code}); peer or trust authentication on the Unix socket is what this session uses`;
          this.stream.destroy();
          this.end(new Error(this.startupError));
        }
        return;
      }
      case 'S': {
        const [name, value] = body.toString('utf8').split('\0');
        if (name) this.parameters.set(name, value ?? '');
        return;
      }
      case 'E': {
        const text = errorText(body);
        if (this.startup) {
          this.startupError = text;
          this.stream.destroy();
          this.end(new Error(text));
        } else if (current) current.result.error ??= text;
        return;
      }
      case 'T':
        if (current) current.result.fields = rowDescription(body);
        return;
      case 'D':
        if (current) current.result.rows.push(dataRow(body));
        return;
      case 'Z':
        if (this.startup) {
          this.startup.resolve();
          this.startup = undefined;
        } else if (current) {
          this.pending.shift();
          current.resolve(current.result);
        }
        return;
      default:
        return; // K (key data), C (complete), I (empty), N (notice): nothing to keep
    }
  }
}

// A scripted RemoteExecutor for unit tests of the engine: each command is answered by the first rule (newest
// first) whose host and command pattern match. A rule can answer with output and an exit status, hang until the
// command's signal or timeout ends it, drop the connection, or fail to connect. Every call is recorded. PTY shells
// (openShell) are answered by the same rules. It is the runner's test double; the lab tests use real ssh.
import { RemoteExecError } from '../../../src/ssh/types';
import type {
  ExecFailureKind,
  ExecOptions,
  ExecResult,
  HostTarget,
  RemoteExecutor,
  ShellOptions,
  ShellSession,
} from '../../../src/ssh/types';

export type Answer =
  | { stdout?: string; stderr?: string; exitCode?: number | null; signal?: string | null; delayMs?: number }
  /** Never answers: ends only by the command's abort signal ('cancelled') or its timeout ('timeout'). */
  | { hang: true }
  /** The connection drops after `afterMs` (default at once), with `stdout` already received. */
  | { drop: true; afterMs?: number; stdout?: string }
  /** The command never reached the host (or ended so): a RemoteExecError of this kind. */
  | { fail: ExecFailureKind; message?: string };

export type Reply = Answer | ((call: Call) => Answer);

export interface Call {
  host: string;
  command: string;
  options: ExecOptions;
  /** 'exec' or 'shell' (a PTY channel of openShell). */
  via: 'exec' | 'shell';
}

interface Rule {
  host: string | RegExp | undefined;
  command: RegExp;
  reply: Reply;
  /** Answers left; Infinity for a standing rule. */
  left: number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class FakeExecutor implements RemoteExecutor {
  readonly calls: Call[] = [];
  private readonly rules: Rule[] = [];

  /**
   * Answers commands on `host` (any host when undefined) that match `command` (a RegExp, or a string the command
   * contains) with `reply`; `times` limits how often (then older rules answer again). Newer rules win.
   */
  on(host: string | RegExp | undefined, command: RegExp | string, reply: Reply, times = Infinity): this {
    this.rules.unshift({
      host,
      command: typeof command === 'string' ? new RegExp(escape(command)) : command,
      reply,
      left: times,
    });
    return this;
  }

  /** The calls whose command matches. */
  callsMatching(command: RegExp | string): Call[] {
    const re = typeof command === 'string' ? new RegExp(escape(command)) : command;
    return this.calls.filter(c => re.test(c.command));
  }

  private answer(call: Call): Answer {
    const rule = this.rules.find(
      r =>
        r.left > 0 &&
        r.command.test(call.command) &&
        (r.host === undefined || (typeof r.host === 'string' ? r.host === call.host : r.host.test(call.host))),
    );
    if (!rule) throw new Error(`FakeExecutor: no rule answers "${call.command.slice(0, 200)}" on ${call.host}`);
    rule.left -= 1;
    return typeof rule.reply === 'function' ? rule.reply(call) : rule.reply;
  }

  async exec(host: HostTarget, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const call: Call = { host: host.name, command, options, via: 'exec' };
    this.calls.push(call);
    return settle(host.name, this.answer(call), options);
  }

  async openShell(host: HostTarget, options: ShellOptions): Promise<ShellSession> {
    const command = options.command ?? '';
    const call: Call = { host: host.name, command, options: {}, via: 'shell' };
    this.calls.push(call);
    const answer = this.answer(call);
    if ('fail' in answer)
      throw new RemoteExecError(answer.fail, host.name, answer.message ?? `${answer.fail} (scripted)`);
    return new FakeShell(host.name, answer);
  }
}

/** Resolves or rejects as the answer says, honouring the command's abort signal and timeout as the pool does. */
function settle(host: string, answer: Answer, options: ExecOptions): Promise<ExecResult> {
  const t0 = Date.now();
  return new Promise<ExecResult>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let limit: NodeJS.Timeout | undefined;
    const done = (f: () => void): void => {
      if (timer) clearTimeout(timer);
      if (limit) clearTimeout(limit);
      options.signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = (): void =>
      done(() => reject(new RemoteExecError('cancelled', host, `cancelled on ${host} (scripted)`)));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs)
      limit = setTimeout(
        () =>
          done(() =>
            reject(
              new RemoteExecError('timeout', host, `no result from ${host} within ${options.timeoutMs} ms (scripted)`),
            ),
          ),
        options.timeoutMs,
      );
    if ('hang' in answer) return;
    if ('fail' in answer)
      return done(() => reject(new RemoteExecError(answer.fail, host, answer.message ?? `${answer.fail} (scripted)`)));
    if ('drop' in answer) {
      if (answer.stdout) options.onStdout?.(answer.stdout);
      timer = setTimeout(
        () =>
          done(() =>
            reject(
              new RemoteExecError('connection-lost', host, `the connection to ${host} was lost (scripted)`, {
                stdout: answer.stdout ?? '',
              }),
            ),
          ),
        answer.afterMs ?? 0,
      );
      return;
    }
    timer = setTimeout(
      () =>
        done(() => {
          if (answer.stdout) options.onStdout?.(answer.stdout);
          if (answer.stderr) options.onStderr?.(answer.stderr);
          resolve({
            exitCode: answer.exitCode === undefined ? 0 : answer.exitCode,
            signal: answer.signal ?? null,
            stdout: answer.stdout ?? '',
            stderr: answer.stderr ?? '',
            durationMs: Date.now() - t0,
          });
        }),
      answer.delayMs ?? 0,
    );
  });
}

/** A PTY channel that plays the answer: its output, then its exit; a hang ends when ^C is written or it is closed. */
class FakeShell implements ShellSession {
  private text = '';
  private readonly dataListeners = new Set<(d: string) => void>();
  private readonly exitListeners = new Set<(code: number | null, signal: string | null) => void>();
  private finish!: (end: { exitCode: number | null; signal: string | null; output: string }) => void;
  private lose!: (e: Error) => void;
  private ended = false;
  readonly written: string[] = [];
  readonly exited: Promise<{ exitCode: number | null; signal: string | null; output: string }>;

  constructor(
    private readonly host: string,
    private readonly answer: Exclude<Answer, { fail: ExecFailureKind }>,
  ) {
    this.exited = new Promise((resolve, reject) => {
      this.finish = resolve;
      this.lose = reject;
    });
    setTimeout(() => this.play(), 'delayMs' in answer ? (answer.delayMs ?? 0) : 0);
  }

  private play(): void {
    const a = this.answer;
    if ('hang' in a) return;
    if ('drop' in a) {
      if (a.stdout) this.emit(a.stdout);
      setTimeout(
        () =>
          this.end(
            null,
            null,
            new RemoteExecError('connection-lost', this.host, `the connection to ${this.host} was lost (scripted)`),
          ),
        a.afterMs ?? 0,
      );
      return;
    }
    this.emit((a.stdout ?? '') + (a.stderr ?? ''));
    this.end(a.exitCode === undefined ? 0 : a.exitCode, a.signal ?? null);
  }

  private emit(data: string): void {
    if (!data) return;
    const crlf = data.replace(/\r?\n/g, '\r\n');
    this.text += crlf;
    for (const l of this.dataListeners) l(crlf);
  }

  private end(exitCode: number | null, signal: string | null, error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    for (const l of this.exitListeners) l(exitCode, signal);
    if (error) this.lose(error);
    else this.finish({ exitCode, signal, output: this.text });
  }

  write(data: string): void {
    this.written.push(data);
    // A hanging command gets SIGINT from the PTY on ^C and ends with 130, as a shell's would.
    if (data.includes('\x03') && 'hang' in this.answer) this.end(130, null);
  }

  resize(): void {}

  onData(listener: (data: string) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onExit(listener: (exitCode: number | null, signal: string | null) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  output(): string {
    return this.text;
  }

  close(): void {
    this.end(null, 'HUP');
  }
}

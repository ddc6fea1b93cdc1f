// The integrated terminal of a procedure run. Each step's command (the engine's full remote command line) runs here
// on an ssh2 PTY channel: its output is shown live, keys typed in the terminal go to the command (a utility's
// Yy|Nn prompt can be answered), the terminal's size is the PTY's, and Ctrl+C interrupts the step. The captured
// output and the exit status go back to the engine for parsing and verification. One terminal serves every step of
// a run; each step gets a banner with its host and command, and a line with its result.
import * as vscode from 'vscode';
import { RemoteExecError } from '../../ssh/types';
import type { ExecOptions, ExecResult, HostTarget, RemoteExecutor, ShellSession } from '../../ssh/types';

const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';
const RESET = '\x1b[0m';

/** After Ctrl+C (or a timeout) the command gets this long to end on its own before its channel is closed. */
const HANG_UP_AFTER_MS = 2000;
/** What the transcript keeps (the tail), for tests and diagnostics. */
const TRANSCRIPT_LIMIT = 256 * 1024;

interface RunningStep {
  session: ShellSession;
  stop: (why: 'cancelled' | 'timeout') => void;
}

export class StepTerminal implements vscode.Disposable {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<void>();
  private readonly buffered: string[] = [];
  private opened = false;
  private columns = 120;
  private rows = 30;
  private running: RunningStep | undefined;
  private text = '';
  readonly terminal: vscode.Terminal;

  /** Called when the user presses Ctrl+C in the terminal while no step command runs (guards, observations). */
  onInterrupt: (() => void) | undefined;

  constructor(name: string) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writer.event,
      onDidClose: this.closer.event,
      open: dimensions => {
        if (dimensions) this.setSize(dimensions.columns, dimensions.rows);
        this.opened = true;
        for (const chunk of this.buffered.splice(0)) this.writer.fire(chunk);
      },
      close: () => {
        this.opened = false;
        // Closing the terminal while a step runs interrupts it, as closing a shell's window would.
        this.running?.stop('cancelled');
      },
      setDimensions: d => this.setSize(d.columns, d.rows),
      handleInput: data => this.input(data),
    };
    this.terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('server-environment') });
  }

  /** Everything written to the terminal so far (its tail), escape sequences included. */
  transcript(): string {
    return this.text;
  }

  private setSize(columns: number, rows: number): void {
    if (columns <= 0 || rows <= 0) return;
    this.columns = columns;
    this.rows = rows;
    this.running?.session.resize(columns, rows);
  }

  private input(data: string): void {
    if (this.running) {
      // Typed keys go to the command through the PTY; Ctrl+C also marks the step as interrupted by the user.
      if (data.includes('\x03')) {
        this.line(`${YELLOW}^C ${vscode.l10n.t('interrupting the step; its outcome will be re-observed.')}${RESET}`);
        this.running.stop('cancelled');
      } else this.running.session.write(data);
      return;
    }
    if (data !== '\x03') return;
    if (this.onInterrupt) {
      this.line(`${YELLOW}^C ${vscode.l10n.t('stopping the run before its next step.')}${RESET}`);
      this.onInterrupt();
    } else this.line(`${DIM}^C ${vscode.l10n.t('nothing is running.')}${RESET}`);
  }

  /** Interrupts the step command running in this terminal, if any; true when there was one. */
  interrupt(): boolean {
    if (!this.running) return false;
    this.running.stop('cancelled');
    return true;
  }

  /**
   * Runs one step's command on a PTY channel in this terminal and resolves with its captured output and exit status.
   * Rejects with RemoteExecError when the outcome is unknown: 'cancelled' (Ctrl+C, the signal, the terminal closed),
   * 'timeout', 'connection-lost', or a connection that could not be made.
   */
  async runStep(
    executor: RemoteExecutor,
    host: HostTarget,
    command: string,
    options: ExecOptions,
  ): Promise<ExecResult> {
    if (this.running) throw new Error('a step is already running in this terminal');
    if (options.signal?.aborted)
      throw new RemoteExecError(
        'cancelled',
        host.name,
        vscode.l10n.t('Cancelled before it started: the command did not run on {0}.', host.name),
      );
    const t0 = Date.now();
    const session = await executor.openShell(host, { command, cols: this.columns, rows: this.rows });
    let stopped: 'cancelled' | 'timeout' | undefined;
    let hangUp: NodeJS.Timeout | undefined;
    const stop = (why: 'cancelled' | 'timeout'): void => {
      if (stopped) return;
      stopped = why;
      // As in a shell: the PTY turns ^C into SIGINT for the command; a command that ignores it is hung up on.
      session.write('\x03');
      hangUp = setTimeout(() => session.close(), HANG_UP_AFTER_MS);
    };
    this.running = { session, stop };
    const offData = session.onData(data => {
      this.write(data);
      options.onStdout?.(data.replace(/\r\n/g, '\n'));
    });
    const timer = options.timeoutMs ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
    const onAbort = (): void => stop('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const end = await session.exited;
      const result: ExecResult = {
        exitCode: end.exitCode,
        signal: end.signal,
        stdout: end.output.replace(/\r\n/g, '\n'),
        stderr: '',
        durationMs: Date.now() - t0,
      };
      if (stopped === 'cancelled')
        throw new RemoteExecError(
          'cancelled',
          host.name,
          vscode.l10n.t('interrupted by the user (Ctrl+C) on {0}; what the command did is unknown', host.name),
          result,
        );
      if (stopped === 'timeout')
        throw new RemoteExecError(
          'timeout',
          host.name,
          vscode.l10n.t(
            'no result from {0} within {1} s; the command was interrupted, what it did is unknown',
            host.name,
            Math.round((options.timeoutMs ?? 0) / 1000),
          ),
          result,
        );
      return result;
    } finally {
      offData();
      if (timer) clearTimeout(timer);
      if (hangUp) clearTimeout(hangUp);
      options.signal?.removeEventListener('abort', onAbort);
      this.running = undefined;
    }
  }

  private write(text: string): void {
    const data = text.replace(/\r?\n/g, '\r\n');
    this.text = (this.text + data).slice(-TRANSCRIPT_LIMIT);
    if (this.opened) this.writer.fire(data);
    else this.buffered.push(data);
  }

  line(text = ''): void {
    this.write(`${text}\n`);
  }

  /** Starts a new line unless the output so far ended one (a command's last line may have no line end). */
  endLine(): void {
    if (this.text && !this.text.endsWith('\n')) this.write('\n');
  }

  heading(text: string): void {
    this.line();
    this.line(`${BOLD}${text}${RESET}`);
  }

  /** The banner of a step: where it runs and the exact command. */
  command(host: string, command: string): void {
    this.line(`${DIM}${host}$${RESET} ${command}`);
  }

  ok(text: string): void {
    this.line(`${GREEN}✓ ${text}${RESET}`);
  }
  warn(text: string): void {
    this.line(`${YELLOW}! ${text}${RESET}`);
  }
  fail(text: string): void {
    this.line(`${RED}✕ ${text}${RESET}`);
  }

  dispose(): void {
    this.running?.stop('cancelled');
    this.writer.dispose();
    this.closer.dispose();
  }
}

// An integrated terminal that shows a procedure run as it happens: each step's header, the exact command, the
// utility's live output, harmless-warning notes and the outcome. The engine runs the commands; this only displays.
import * as vscode from 'vscode';

const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';
const RESET = '\x1b[0m';

export class StepTerminal implements vscode.Disposable {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<void>();
  private readonly buffered: string[] = [];
  private opened = false;
  readonly terminal: vscode.Terminal;

  /** Called when the user presses Ctrl+C in the terminal. */
  onInterrupt: (() => void) | undefined;

  constructor(name: string) {
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.writer.event,
      onDidClose: this.closer.event,
      open: () => {
        this.opened = true;
        for (const chunk of this.buffered.splice(0)) this.writer.fire(chunk);
      },
      close: () => { this.opened = false; },
      // Ctrl+C cancels the running step, as in a shell; other keys go nowhere (the utilities run non-interactively,
      // their prompts are answered by the confirmations).
      handleInput: (data) => {
        if (data !== '\x03') return;
        if (this.onInterrupt) {
          this.line(`${YELLOW}^C — cancelling the running step; its outcome will be re-observed.${RESET}`);
          this.onInterrupt();
        } else this.line(`${DIM}^C — nothing is running.${RESET}`);
      },
    };
    this.terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('server-environment') });
  }

  private write(text: string): void {
    const data = text.replace(/\r?\n/g, '\r\n');
    if (this.opened) this.writer.fire(data);
    else this.buffered.push(data);
  }

  line(text = ''): void {
    this.write(`${text}\n`);
  }

  output(chunk: string): void {
    this.write(chunk);
  }

  heading(text: string): void {
    this.line();
    this.line(`${BOLD}${text}${RESET}`);
  }

  command(host: string, command: string): void {
    this.line(`${DIM}${host}$${RESET} ${command}`);
  }

  ok(text: string): void { this.line(`${GREEN}✓ ${text}${RESET}`); }
  warn(text: string): void { this.line(`${YELLOW}! ${text}${RESET}`); }
  fail(text: string): void { this.line(`${RED}✕ ${text}${RESET}`); }

  dispose(): void {
    this.writer.dispose();
    this.closer.dispose();
  }
}

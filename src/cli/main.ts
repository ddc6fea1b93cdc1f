// gpcoord: the product's core without VS Code, for scripts and tests. One table of subcommands;
// each lives in src/cli/commands/ and is added here with one line.
import packageJson from '../../package.json';
import type { CliCommand } from './args';
import { EXIT_USAGE } from './args';
import { parseCommand } from './commands/parse';
import { statusCommand } from './commands/status';
import { planCommand } from './commands/plan';
import { runCommand } from './commands/run';
import { hostsCommand } from './commands/hosts';
import { historyCommand } from './commands/history';
import { backupsCommand, removeBackupsCommand } from './commands/backups';

export const COMMANDS: Record<string, CliCommand> = {
  parse: parseCommand,
  status: statusCommand,
  plan: planCommand,
  run: runCommand,
  hosts: hostsCommand,
  history: historyCommand,
  backups: backupsCommand,
  'remove-backups': removeBackupsCommand,
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map(n => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}   ${c.summary}`);
  return `Usage: gpcoord <command> [arguments]

Commands:
${lines.join('\n')}

Options:
  --help      show this help (gpcoord <command> --help for a command's own)
  --version   show the version`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(`gpcoord: missing command\n\n${overview()}\n`);
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = topic !== undefined ? COMMANDS[topic] : undefined;
    process.stdout.write(`${command ? command.usage : overview()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${packageJson.version}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`gpcoord: unknown command "${name}"\n\n${overview()}\n`);
    return EXIT_USAGE;
  }
  return command.run(rest);
}

/** Runs gpcoord with the process's arguments and sets its exit code (the launcher, dist/cli.js, calls this). */
export function runFromCommandLine(): void {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`gpcoord: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runFromCommandLine();

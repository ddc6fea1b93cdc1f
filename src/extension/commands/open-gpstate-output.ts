// "Greenplum: Open gpstate Output…": reads a saved `gpstate -f` or `gpstate -b` output (a workspace file, any file,
// or the clipboard) and shows it in the status panel. Tests and other commands may pass a Uri or { text, label };
// from a menu (the view's title bar passes the view) it asks where the output is.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { readGpstateOutput } from '../panel/read-output';
import type { ReadOutcome } from '../panel/read-output';

/** Files whose names look like saved gpstate outputs, offered first in the quick pick. */
const OUTPUT_GLOB = '**/*gpstate*.{txt,log,out}';
export const SAVED_OUTPUT_PANEL = 'saved-output';

interface TextArgument {
  text: string;
  label?: string;
}

function isTextArgument(value: unknown): value is TextArgument {
  return typeof value === 'object' && value !== null && typeof (value as TextArgument).text === 'string';
}

type Source = { text: string; label: string } | undefined;

async function readUri(uri: vscode.Uri): Promise<{ text: string; label: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (error) {
    throw new Error(
      vscode.l10n.t(
        'cannot read {0}: {1}. Check that the file exists and is readable.',
        uri.fsPath || uri.toString(),
        error instanceof Error ? error.message : String(error),
      ),
      { cause: error },
    );
  }
  return { text: new TextDecoder('utf-8').decode(bytes), label: uri.path.split('/').pop() ?? uri.toString() };
}

async function pickSource(): Promise<Source> {
  type Item = vscode.QuickPickItem & { take: () => Promise<Source> };
  const files = await vscode.workspace.findFiles(OUTPUT_GLOB, '**/node_modules/**', 50);
  files.sort((a, b) => a.path.localeCompare(b.path));
  const items: Item[] = [
    {
      label: `$(clippy) ${vscode.l10n.t('Paste from the clipboard')}`,
      description: vscode.l10n.t('gpstate output copied from a terminal or a ticket'),
      take: async () => ({ text: await vscode.env.clipboard.readText(), label: vscode.l10n.t('Clipboard') }),
    },
    {
      label: `$(folder-opened) ${vscode.l10n.t('Open a file…')}`,
      description: vscode.l10n.t('a saved gpstate -f or gpstate -b output'),
      take: async () => {
        const chosen = await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: vscode.l10n.t('Open gpstate Output'),
          title: vscode.l10n.t('Open a saved gpstate -f or gpstate -b output'),
          filters: { [vscode.l10n.t('Text and logs')]: ['txt', 'log', 'out'], [vscode.l10n.t('All files')]: ['*'] },
        });
        return chosen?.[0] ? readUri(chosen[0]) : undefined;
      },
    },
  ];
  if (files.length) {
    items.push({
      label: vscode.l10n.t('In this workspace'),
      kind: vscode.QuickPickItemKind.Separator,
      take: async () => undefined,
    });
    for (const uri of files) {
      items.push({
        label: `$(file) ${uri.path.split('/').pop() ?? uri.path}`,
        description: vscode.workspace.asRelativePath(uri, false),
        take: () => readUri(uri),
      });
    }
  }
  const choice = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Open gpstate Output'),
    placeHolder: vscode.l10n.t('Where is the gpstate -f or gpstate -b output?'),
    matchOnDescription: true,
  });
  return choice ? choice.take() : undefined;
}

/** Returns what was shown (kind and snapshot), or undefined when the user cancelled or the text was not gpstate. */
export async function openGpstateOutput(services: Services, arg?: unknown): Promise<ReadOutcome | undefined> {
  let source: Source;
  if (arg instanceof vscode.Uri) source = await readUri(arg);
  else if (isTextArgument(arg)) source = { text: arg.text, label: arg.label ?? vscode.l10n.t('gpstate output') };
  else if (typeof arg === 'string' || typeof arg === 'number')
    throw new Error(
      vscode.l10n.t(
        'expected a file Uri or { text, label } as the argument; run the command from the palette to pick a file or the clipboard',
      ),
    );
  // No argument (the palette), or what a menu passes along (the view from its title bar, a tree item): ask.
  else source = await pickSource();
  if (!source) return undefined;

  const outcome = readGpstateOutput(source.text, source.label);
  if (!outcome.ok) {
    services.output.warn(outcome.message);
    void vscode.window.showErrorMessage(outcome.message);
    return outcome;
  }
  services.output.info(`showing ${outcome.kind} output from ${source.label}: ${outcome.snapshot.verdict.headline}`);
  services.panels.show(SAVED_OUTPUT_PANEL, outcome.snapshot);
  services.lastPanelKey = SAVED_OUTPUT_PANEL;
  return outcome;
}

// Translation for the modules that must not import vscode (the panel snapshot builders also run in the benchmarks and
// the unit tests): VS Code's translation once the extension has installed it (services.ts), else the English message
// with its {0} placeholders filled in. Calls look like vscode's, so scripts/l10n-export.mjs extracts them too.
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

const english: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (match, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? match : String(value);
  });

let current: Translate = english;

/** Installs the translation function (vscode.l10n.t), or restores English with undefined. */
export function useTranslator(translate: Translate | undefined): void {
  current = translate ?? english;
}

export const l10n = {
  t: (message: string, ...args: Array<string | number | boolean>): string => current(message, ...args),
};

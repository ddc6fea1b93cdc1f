// Entry point. Thin by design: registers commands and views; does no network work.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}

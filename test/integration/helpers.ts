// Shared by the integration tests: the extension under test, its API, and the fixture paths.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GreenplumCoordinatorEntry } from '../../src/extension/extension';
import type { GreenplumCoordinatorApi } from '../../src/extension/main';

export const EXTENSION_ID = 'gpcoord.greenplum-coordinator';

export function fixturesDir(): string {
  const dir = process.env.GPCOORD_TEST_FIXTURES ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(dir, 'the test workspace (test/fixtures/workspace) is not open and GPCOORD_TEST_FIXTURES is not set');
  return dir;
}

export function fixture(...parts: string[]): vscode.Uri {
  return vscode.Uri.file(path.join(fixturesDir(), ...parts));
}

export function extension(): vscode.Extension<GreenplumCoordinatorEntry> {
  const ext = vscode.extensions.getExtension<GreenplumCoordinatorEntry>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this extension host`);
  return ext;
}

export async function api(): Promise<GreenplumCoordinatorApi> {
  // Activation loads only the entry; load() brings in the extension's body, as its first use would.
  return (await extension().activate()).load();
}

export function tabLabels(): string[] {
  return vscode.window.tabGroups.all.flatMap(g => g.tabs.map(t => t.label));
}

/** Polls until `check` returns a value that is not undefined, or fails with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

// Passphrases and passwords, kept only in VS Code's SecretStorage. SecretStorage cannot list its keys, so an index
// of what was saved (host and kind, never the secret) is kept in the global state to let the user forget them.
import type * as vscode from 'vscode';

export interface SavedCredential {
  key: string;
  host: string;
  kind: 'passphrase' | 'password';
  /** The key file for a passphrase, the login for a password. */
  detail: string;
}

const INDEX_KEY = 'greenplumCoordinator.savedCredentials';

export class Credentials {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {}

  list(): SavedCredential[] {
    return this.state.get<SavedCredential[]>(INDEX_KEY, []);
  }

  async get(host: string, kind: SavedCredential['kind'], detail: string): Promise<string | undefined> {
    return this.secrets.get(keyOf(host, kind, detail));
  }

  async save(host: string, kind: SavedCredential['kind'], detail: string, secret: string): Promise<void> {
    const key = keyOf(host, kind, detail);
    await this.secrets.store(key, secret);
    const index = this.list().filter(c => c.key !== key);
    await this.state.update(INDEX_KEY, [...index, { key, host, kind, detail }]);
  }

  async forget(key: string): Promise<void> {
    await this.secrets.delete(key);
    await this.state.update(
      INDEX_KEY,
      this.list().filter(c => c.key !== key),
    );
  }
}

function keyOf(host: string, kind: SavedCredential['kind'], detail: string): string {
  return `greenplumCoordinator/${kind}/${host}/${detail}`;
}

// Passphrases and passwords, kept only in VS Code's SecretStorage. SecretStorage cannot list its keys, so an index
// of what was saved (host and kind, never the secret) is kept in the global state to let the user forget them.
// A secret is saved for one endpoint — user@resolved address:port and the verified host key — so when the inventory
// or the ssh config points a host elsewhere, or the server's key changes, the saved secret is not sent: it is asked.
import type * as vscode from 'vscode';
import type { SecretEndpoint } from '../ssh/types';

export interface SavedCredential {
  key: string;
  host: string;
  kind: 'passphrase' | 'password';
  /** The key file for a passphrase, the login for a password. */
  detail: string;
  /** user@address:port and host key the secret was saved for. */
  endpoint?: string;
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

  async get(endpoint: SecretEndpoint, kind: SavedCredential['kind'], detail: string): Promise<string | undefined> {
    return this.secrets.get(keyOf(endpoint, kind, detail));
  }

  async save(
    host: string,
    endpoint: SecretEndpoint,
    kind: SavedCredential['kind'],
    detail: string,
    secret: string,
  ): Promise<void> {
    const key = keyOf(endpoint, kind, detail);
    await this.secrets.store(key, secret);
    const index = this.list().filter(c => c.key !== key);
    await this.state.update(INDEX_KEY, [...index, { key, host, kind, detail, endpoint: describeEndpoint(endpoint) }]);
  }

  async forget(key: string): Promise<void> {
    await this.secrets.delete(key);
    await this.state.update(
      INDEX_KEY,
      this.list().filter(c => c.key !== key),
    );
  }
}

/** user@address:port (host key SHA256:…), as shown and as part of the storage key. */
export function describeEndpoint(e: SecretEndpoint): string {
  return `${e.user}@${e.address}:${e.port} (host key ${e.hostKey})`;
}

function keyOf(endpoint: SecretEndpoint, kind: SavedCredential['kind'], detail: string): string {
  return `greenplumCoordinator/${kind}/${describeEndpoint(endpoint)}/${detail}`;
}

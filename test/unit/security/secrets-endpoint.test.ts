// Saved secrets follow the endpoint: a passphrase or password saved for user@address:port with one host key is
// found again for exactly that endpoint, and asked again when the user, the address, the port or the host key
// changes (the inventory's ssh: pointed elsewhere, a reinstalled server). VS Code's SecretStorage and Memento are
// stood in for by two maps: the keying is what is tested.
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { Credentials } from '../../../src/extension/credentials';
import type { SecretEndpoint } from '../../../src/ssh/types';

function storage(): { secrets: vscode.SecretStorage; state: vscode.Memento } {
  const secrets = new Map<string, string>();
  const state = new Map<string, unknown>();
  return {
    secrets: {
      get: (k: string) => Promise.resolve(secrets.get(k)),
      store: (k: string, v: string) => Promise.resolve(void secrets.set(k, v)),
      delete: (k: string) => Promise.resolve(void secrets.delete(k)),
    } as unknown as vscode.SecretStorage,
    state: {
      get: <T>(k: string, d: T) => (state.has(k) ? state.get(k) : d) as T,
      update: (k: string, v: unknown) => Promise.resolve(void state.set(k, v)),
    } as unknown as vscode.Memento,
  };
}

const here: SecretEndpoint = { user: 'gpadmin', address: '10.0.0.5', port: 22, hostKey: 'SHA256:aaaa' };

describe('saved secrets follow the endpoint', () => {
  it('is found for the endpoint it was saved for, and for no other', async () => {
    const s = storage();
    const c = new Credentials(s.secrets, s.state);
    await c.save('cdw', here, 'password', 'gpadmin', 'pw-1');
    assert.equal(await c.get(here, 'password', 'gpadmin'), 'pw-1');
    for (const changed of [
      { ...here, address: '10.0.0.6' },
      { ...here, port: 2222 },
      { ...here, user: 'root' },
      { ...here, hostKey: 'SHA256:bbbb' },
    ])
      assert.equal(await c.get(changed, 'password', 'gpadmin'), undefined, JSON.stringify(changed));
    assert.equal(await c.get(here, 'passphrase', 'gpadmin'), undefined, 'a password is not a passphrase');
  });

  it('the list shows where each secret goes, and forgetting removes it', async () => {
    const s = storage();
    const c = new Credentials(s.secrets, s.state);
    await c.save('cdw', here, 'passphrase', '/home/me/.ssh/id_ed25519', 'pp');
    const [saved] = c.list();
    assert.equal(saved?.endpoint, 'gpadmin@10.0.0.5:22 (host key SHA256:aaaa)');
    await c.forget(saved!.key);
    assert.equal(await c.get(here, 'passphrase', '/home/me/.ssh/id_ed25519'), undefined);
    assert.deepEqual(c.list(), []);
  });
});
